/*
 * bootinfo.c - turn a Multiboot2 information structure or a PVH start_info into
 * struct boot_info.  Pure code, built into the host unit tests: every length and
 * offset from the loader is checked against the buffer before it is read, so a
 * truncated or corrupt structure yields a partial boot_info marked truncated.
 */
#include <aegis/bootinfo.h>
#include <aegis/errno.h>
#include <aegis/string.h>
#include <aegis/unaligned.h>

struct boot_info boot_info;


static uint32_t mem_type_from_e820(uint32_t t)
{
	switch (t) {
	case 1: return MEM_USABLE;
	case 3: return MEM_ACPI_RECLAIM;
	case 4: return MEM_ACPI_NVS;
	case 5: return MEM_BAD;
	default: return MEM_RESERVED;
	}
}

static void add_mem(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
	if (len == 0)
		return;
	if (base + len < base)
		len = -base;	/* clamp a region that wraps past 2^64 */
	if (bi->n_mem == BOOT_MAX_MEM) {
		bi->truncated = true;
		return;
	}
	bi->mem[bi->n_mem++] = (struct mem_region){ base, len, mem_type_from_e820(type) };
}

/* Copies a NUL-terminated string of at most avail bytes. */
static void copy_str(char *dst, size_t size, const uint8_t *src, size_t avail)
{
	size_t n = strnlen((const char *)src, avail);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void mb2_mmap(struct boot_info *bi, const uint8_t *t, uint32_t size)
{
	uint32_t esize;

	if (size < 16)
		goto bad;
	esize = get_le32(t + 8);
	if (esize < 24)
		goto bad;
	for (uint32_t off = 16; off + 24 <= size; off += esize)
		add_mem(bi, get_le64(t + off), get_le64(t + off + 8), get_le32(t + off + 16));
	return;
bad:
	bi->truncated = true;
}

static void mb2_efi_mmap(struct boot_info *bi, const uint8_t *t, uint32_t size)
{
	uint32_t dsize;

	if (size < 16 || (dsize = get_le32(t + 8)) < 40) {
		bi->truncated = true;
		return;
	}
	for (uint32_t off = 16; off + 40 <= size; off += dsize) {
		if (bi->n_efi_mem == BOOT_MAX_EFI_MEM) {
			bi->efi_mem_truncated = true;
			return;
		}
		bi->efi_mem[bi->n_efi_mem++] = (struct efi_mem_desc){
			.type = get_le32(t + off), .phys = get_le64(t + off + 8),
			.pages = get_le64(t + off + 24), .attr = get_le64(t + off + 32),
		};
	}
}

static void mb2_framebuffer(struct boot_info *bi, const uint8_t *t, uint32_t size)
{
	struct boot_fb *fb = &bi->fb;

	if (size < 38 || t[29] != 1)	/* only direct RGB framebuffers */
		return;
	fb->addr = get_le64(t + 8);
	fb->pitch = get_le32(t + 16);
	fb->width = get_le32(t + 20);
	fb->height = get_le32(t + 24);
	fb->bpp = t[28];
	fb->red_pos = t[32];
	fb->red_size = t[33];
	fb->green_pos = t[34];
	fb->green_size = t[35];
	fb->blue_pos = t[36];
	fb->blue_size = t[37];
	bi->have_fb = fb->addr && fb->width && fb->height &&
		      (fb->bpp == 32 || fb->bpp == 24) &&
		      fb->pitch >= fb->width * (fb->bpp / 8);
}

static void mb2_tag(struct boot_info *bi, const uint8_t *t, uint32_t type, uint32_t size)
{
	switch (type) {
	case 1:
		copy_str(bi->cmdline, sizeof(bi->cmdline), t + 8, size - 8);
		break;
	case 2:
		copy_str(bi->loader_name, sizeof(bi->loader_name), t + 8, size - 8);
		break;
	case 3:
		if (size < 16)
			break;
		if (bi->n_mods == BOOT_MAX_MODS) {
			bi->truncated = true;
			break;
		}
		bi->mods[bi->n_mods].start = get_le32(t + 8);
		bi->mods[bi->n_mods].end = get_le32(t + 12);
		copy_str(bi->mods[bi->n_mods].cmdline, sizeof(bi->mods[0].cmdline),
			 t + 16, size - 16);
		if (bi->mods[bi->n_mods].end >= bi->mods[bi->n_mods].start)
			bi->n_mods++;
		break;
	case 6:
		mb2_mmap(bi, t, size);
		break;
	case 8:
		mb2_framebuffer(bi, t, size);
		break;
	case 14:
	case 15: {
		unsigned n = size - 8 > sizeof(bi->rsdp) ? sizeof(bi->rsdp) : size - 8;
		/* prefer the ACPI 2.0 RSDP (tag 15) if both are present */
		if (type == 14 && bi->rsdp_len >= 36)
			break;
		memcpy(bi->rsdp, t + 8, n);
		bi->rsdp_len = n;
		break;
	}
	case 17:
		mb2_efi_mmap(bi, t, size);
		break;
	default:
		break;
	}
}

int bootinfo_parse_mb2(struct boot_info *bi, const void *info, size_t max_len)
{
	const uint8_t *p = info;
	uint32_t total;

	bi->loader = "multiboot2";
	if (max_len < 8)
		return -EINVAL;
	total = get_le32(p);
	if (total < 8)
		return -EINVAL;
	if (total > max_len) {
		bi->truncated = true;
		total = max_len;
	}
	for (uint32_t off = 8; off + 8 <= total;) {
		uint32_t type = get_le32(p + off), size = get_le32(p + off + 4);

		if (type == 0)
			return 0;
		if (size < 8 || size > total - off) {
			bi->truncated = true;
			return 0;
		}
		mb2_tag(bi, p + off, type, size);
		off += (size + 7) & ~7u;
	}
	bi->truncated = true;	/* no end tag */
	return 0;
}

/* PVH: struct hvm_start_info and its tables (Xen's arch-x86/hvm/start_info.h). */
int bootinfo_parse_pvh(struct boot_info *bi, const void *info,
		       const void *(*phys_to_ptr)(paddr_t pa, size_t len))
{
	const uint8_t *si = info;
	uint32_t version, nr_mods, n_mmap;

	bi->loader = "pvh";
	strlcpy(bi->loader_name, "PVH (qemu -kernel)", sizeof(bi->loader_name));
	if (get_le32(si) != PVH_LOADER_MAGIC)
		return -EINVAL;
	version = get_le32(si + 4);
	nr_mods = get_le32(si + 12);
	if (get_le64(si + 24)) {
		const uint8_t *c = phys_to_ptr(get_le64(si + 24), 1);
		if (c)
			copy_str(bi->cmdline, sizeof(bi->cmdline), c, CMDLINE_MAX);
	}
	bi->rsdp_phys = get_le64(si + 32);
	if (nr_mods && get_le64(si + 16)) {
		const uint8_t *m = phys_to_ptr(get_le64(si + 16), 32 * (size_t)nr_mods);
		for (uint32_t i = 0; m && i < nr_mods; i++, m += 32) {
			if (bi->n_mods == BOOT_MAX_MODS) {
				bi->truncated = true;
				break;
			}
			uint64_t start = get_le64(m), len = get_le64(m + 8);
			if (start + len < start)
				continue;
			bi->mods[bi->n_mods].start = start;
			bi->mods[bi->n_mods].end = start + len;
			bi->mods[bi->n_mods].cmdline[0] = '\0';
			bi->n_mods++;
		}
	}
	if (version < 1)
		return 0;
	n_mmap = get_le32(si + 48);
	if (n_mmap && get_le64(si + 40)) {
		const uint8_t *e = phys_to_ptr(get_le64(si + 40), 24 * (size_t)n_mmap);
		for (uint32_t i = 0; e && i < n_mmap; i++, e += 24)
			add_mem(bi, get_le64(e), get_le64(e + 8), get_le32(e + 16));
	}
	return 0;
}

/* How strongly a type claims memory: overlaps resolve to the strongest. */
static int type_rank(uint32_t type)
{
	switch (type) {
	case MEM_USABLE: return 0;
	case MEM_ACPI_RECLAIM: return 1;
	case MEM_ACPI_NVS: return 2;
	case MEM_RESERVED: return 3;
	default: return 4;	/* MEM_BAD */
	}
}

static void sort_u64(uint64_t *a, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t v = a[i];
		unsigned j = i;
		for (; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

void bootinfo_normalize_mem(struct boot_info *bi)
{
	static uint64_t edges[2 * BOOT_MAX_MEM];
	static struct mem_region out[BOOT_MAX_MEM];
	unsigned n_edges = 0, n_out = 0;

	for (unsigned i = 0; i < bi->n_mem; i++) {
		edges[n_edges++] = bi->mem[i].base;
		edges[n_edges++] = bi->mem[i].base + bi->mem[i].len;
	}
	sort_u64(edges, n_edges);
	for (unsigned e = 0; e + 1 < n_edges; e++) {
		uint64_t lo = edges[e], hi = edges[e + 1];
		int best = -1;
		uint32_t type = 0;

		if (lo == hi)
			continue;
		for (unsigned i = 0; i < bi->n_mem; i++) {
			const struct mem_region *r = &bi->mem[i];
			if (r->base <= lo && r->base + r->len >= hi &&
			    type_rank(r->type) > best) {
				best = type_rank(r->type);
				type = r->type;
			}
		}
		if (best < 0)
			continue;	/* a hole between regions */
		if (n_out && out[n_out - 1].type == type &&
		    out[n_out - 1].base + out[n_out - 1].len == lo) {
			out[n_out - 1].len += hi - lo;
		} else if (n_out < BOOT_MAX_MEM) {
			out[n_out++] = (struct mem_region){ lo, hi - lo, type };
		} else {
			bi->truncated = true;
		}
	}
	memcpy(bi->mem, out, n_out * sizeof(out[0]));
	bi->n_mem = n_out;
}
