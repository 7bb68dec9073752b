/*
 * test_bootinfo.c - the Multiboot2 and PVH parsers fed well-formed, truncated,
 * corrupted and random structures, and the memory-map normalizer against a
 * page-by-page reference model.
 */
#include "../../kernel/core/bootinfo.c"

static int failures;
#define EXPECT(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static uint8_t mb[4096];
static size_t mb_len;

static void put32(size_t off, uint32_t v) { memcpy(mb + off, &v, 4); }
static void put64(size_t off, uint64_t v) { memcpy(mb + off, &v, 8); }

static size_t tag(uint32_t type, const void *body, uint32_t body_len)
{
	size_t at = mb_len;

	put32(at, type);
	put32(at + 4, 8 + body_len);
	if (body_len)
		memcpy(mb + at + 8, body, body_len);
	mb_len = (at + 8 + body_len + 7) & ~7ul;
	return at;
}

static void build_mb2(void)
{
	uint8_t body[256];

	memset(mb, 0, sizeof(mb));
	mb_len = 8;
	tag(1, "console=ttyS0 ktest", 20);
	tag(2, "GRUB 2.06", 10);
	/* module: start, end, name */
	memset(body, 0, sizeof(body));
	uint32_t ms = 0x800000, me = 0x900000;
	memcpy(body, &ms, 4);
	memcpy(body + 4, &me, 4);
	memcpy(body + 8, "initramfs", 10);
	tag(3, body, 18);
	/* memory map: entry_size 24, version 0, three entries (unsorted, overlapping) */
	uint32_t hdr[2] = { 24, 0 };
	uint64_t e[3][3] = {
		{ 0x100000, 0x1ff00000, 1 },
		{ 0x0, 0x9fc00, 1 },
		{ 0xf0000, 0x20000, 2 },	/* reserved, overlapping usable */
	};
	memcpy(body, hdr, 8);
	for (int i = 0; i < 3; i++) {
		memcpy(body + 8 + 24 * i, &e[i][0], 8);
		memcpy(body + 16 + 24 * i, &e[i][1], 8);
		uint32_t t = (uint32_t)e[i][2], z = 0;
		memcpy(body + 24 + 24 * i, &t, 4);
		memcpy(body + 28 + 24 * i, &z, 4);
	}
	tag(6, body, 8 + 72);
	/* framebuffer: addr, pitch, width, height, bpp, type=1, reserved, rgb */
	memset(body, 0, 40);
	uint64_t fa = 0xfd000000;
	uint32_t pitch = 4096, w = 1024, h = 768;
	memcpy(body, &fa, 8);
	memcpy(body + 8, &pitch, 4);
	memcpy(body + 12, &w, 4);
	memcpy(body + 16, &h, 4);
	body[20] = 32;
	body[21] = 1;
	body[24] = 16; body[25] = 8; body[26] = 8; body[27] = 8; body[28] = 0; body[29] = 8;
	tag(8, body, 30);
	/* ACPI RSDP v2 copy */
	memset(body, 0, 36);
	memcpy(body, "RSD PTR ", 8);
	body[15] = 2;
	tag(15, body, 36);
	tag(0, NULL, 0);
	put32(0, mb_len);
}

static void test_good(void)
{
	struct boot_info bi;

	memset(&bi, 0, sizeof(bi));
	build_mb2();
	EXPECT(bootinfo_parse_mb2(&bi, mb, mb_len) == 0);
	EXPECT(!bi.truncated);
	EXPECT(!strcmp(bi.cmdline, "console=ttyS0 ktest"));
	EXPECT(!strcmp(bi.loader_name, "GRUB 2.06"));
	EXPECT(bi.n_mods == 1 && bi.mods[0].start == 0x800000 && bi.mods[0].end == 0x900000);
	EXPECT(!strcmp(bi.mods[0].cmdline, "initramfs"));
	EXPECT(bi.n_mem == 3);
	EXPECT(bi.have_fb && bi.fb.width == 1024 && bi.fb.bpp == 32 && bi.fb.red_pos == 16);
	EXPECT(bi.rsdp_len == 36 && !memcmp(bi.rsdp, "RSD PTR ", 8));
	bootinfo_normalize_mem(&bi);
	/* sorted, and the reserved hole carved out of the usable ranges */
	EXPECT(bi.n_mem == 3);
	EXPECT(bi.mem[0].base == 0 && bi.mem[0].len == 0x9fc00 && bi.mem[0].type == MEM_USABLE);
	EXPECT(bi.mem[1].base == 0xf0000 && bi.mem[1].len == 0x20000 &&
	       bi.mem[1].type == MEM_RESERVED);
	EXPECT(bi.mem[2].base == 0x110000 && bi.mem[2].type == MEM_USABLE);
}

/* Every prefix of a valid structure, and random damage: no crash, no overread. */
static void test_truncated_and_corrupt(void)
{
	struct boot_info bi;

	build_mb2();
	for (size_t n = 0; n <= mb_len; n++) {
		uint8_t *copy = malloc(n ? n : 1);	/* exact size: ASan sees overreads */
		memcpy(copy, mb, n);
		memset(&bi, 0, sizeof(bi));
		int r = bootinfo_parse_mb2(&bi, copy, n);
		if (n < mb_len)
			EXPECT(r != 0 || bi.truncated);
		bootinfo_normalize_mem(&bi);
		free(copy);
	}
	srand(3);
	for (int iter = 0; iter < 20000; iter++) {
		uint8_t *copy = malloc(mb_len);
		memcpy(copy, mb, mb_len);
		for (int k = 0; k < 1 + rand() % 8; k++)
			copy[rand() % mb_len] = rand();
		memset(&bi, 0, sizeof(bi));
		bootinfo_parse_mb2(&bi, copy, mb_len);
		EXPECT(bi.n_mem <= BOOT_MAX_MEM && bi.n_mods <= BOOT_MAX_MODS);
		EXPECT(strnlen(bi.cmdline, sizeof(bi.cmdline)) < sizeof(bi.cmdline));
		bootinfo_normalize_mem(&bi);
		free(copy);
	}
}

/* PVH start_info with indirect tables through a fake physical memory. */
static uint8_t phys[8192];
static const void *fake_phys(paddr_t pa, size_t len)
{
	return pa + len <= sizeof(phys) && pa + len >= pa ? phys + pa : NULL;
}

static void test_pvh(void)
{
	struct boot_info bi;
	uint8_t si[56] = { 0 };
	uint32_t magic = PVH_LOADER_MAGIC, ver = 1, nmods = 1, nmem = 2;
	uint64_t modlist = 0x100, cmd = 0x200, mmap = 0x300;

	memcpy(si, &magic, 4);
	memcpy(si + 4, &ver, 4);
	memcpy(si + 12, &nmods, 4);
	memcpy(si + 16, &modlist, 8);
	memcpy(si + 24, &cmd, 8);
	memcpy(si + 40, &mmap, 8);
	memcpy(si + 48, &nmem, 4);
	uint64_t mod[4] = { 0x1000000, 0x5000, 0, 0 };
	memcpy(phys + 0x100, mod, sizeof(mod));
	memcpy(phys + 0x200, "init=/bin/sh", 13);
	uint64_t m0[3] = { 0, 0x9fc00, 1 }, m1[3] = { 0x100000, 0x1000000, 1 };
	memcpy(phys + 0x300, m0, 24);
	memcpy(phys + 0x318, m1, 24);
	memset(&bi, 0, sizeof(bi));
	EXPECT(bootinfo_parse_pvh(&bi, si, fake_phys) == 0);
	EXPECT(!strcmp(bi.cmdline, "init=/bin/sh"));
	EXPECT(bi.n_mods == 1 && bi.mods[0].end == 0x1005000);
	EXPECT(bi.n_mem == 2);
	/* tables out of reach are skipped, not followed */
	nmem = 100000;
	memcpy(si + 48, &nmem, 4);
	memset(&bi, 0, sizeof(bi));
	EXPECT(bootinfo_parse_pvh(&bi, si, fake_phys) == 0 && bi.n_mem == 0);
	magic = 0;
	memcpy(si, &magic, 4);
	EXPECT(bootinfo_parse_pvh(&bi, si, fake_phys) != 0);
}

/* normalize: random overlapping regions vs a per-page model. */
static void test_normalize(void)
{
	static uint8_t model[4096];	/* rank per page, 0xff = hole */
	static const int rank_of[6] = { 0, 0, 3, 1, 2, 4 };
	srand(11);
	for (int iter = 0; iter < 2000; iter++) {
		struct boot_info bi;
		memset(&bi, 0, sizeof(bi));
		memset(model, 0xff, sizeof(model));
		int n = 1 + rand() % 20;
		for (int i = 0; i < n; i++) {
			uint64_t b = rand() % 4000, l = 1 + rand() % 200;
			uint32_t t = 1 + rand() % 5;
			if (b + l > 4096)
				l = 4096 - b;
			bi.mem[bi.n_mem++] = (struct mem_region){ b << 12, l << 12, t };
			for (uint64_t p = b; p < b + l; p++)
				if (model[p] == 0xff || rank_of[t] > model[p])
					model[p] = rank_of[t];
		}
		bootinfo_normalize_mem(&bi);
		for (unsigned i = 1; i < bi.n_mem; i++)
			EXPECT(bi.mem[i].base >= bi.mem[i - 1].base + bi.mem[i - 1].len);
		for (uint64_t p = 0; p < 4096; p++) {
			int got = 0xff;
			for (unsigned i = 0; i < bi.n_mem; i++)
				if ((p << 12) >= bi.mem[i].base &&
				    (p << 12) < bi.mem[i].base + bi.mem[i].len)
					got = rank_of[bi.mem[i].type];
			if (got != model[p]) {
				printf("FAIL normalize page %llu: %d vs %d\n",
				       (unsigned long long)p, got, model[p]);
				failures++;
				return;
			}
		}
	}
}

int main(void)
{
	test_good();
	test_truncated_and_corrupt();
	test_pvh();
	test_normalize();
	printf("%s bootinfo (%d failures)\n", failures ? "FAIL" : "PASS", failures);
	return failures != 0;
}
