/*
 * bootinfo.h - everything the boot loader told us, parsed once at boot.
 * Nothing after early boot reads Multiboot2 or PVH structures directly.
 */
#ifndef AEGIS_BOOTINFO_H
#define AEGIS_BOOTINFO_H

#include <aegis/types.h>
#include <aegis/cmdline.h>

#define MB2_LOADER_MAGIC	0x36d76289u
#define PVH_LOADER_MAGIC	0x336ec578u

enum mem_type {
	MEM_USABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIM = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};

struct mem_region {
	uint64_t base;
	uint64_t len;
	uint32_t type;		/* enum mem_type */
};

struct boot_module {
	paddr_t start;
	paddr_t end;		/* exclusive */
	char cmdline[64];
};

struct boot_fb {
	paddr_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct efi_mem_desc {
	uint32_t type;
	uint64_t phys;
	uint64_t pages;
	uint64_t attr;
};

#define BOOT_MAX_MEM	128
#define BOOT_MAX_MODS	8
#define BOOT_MAX_EFI_MEM 256

struct boot_info {
	const char *loader;		/* "multiboot2" or "pvh" */
	char loader_name[48];		/* what the loader calls itself */
	char cmdline[CMDLINE_MAX];
	struct mem_region mem[BOOT_MAX_MEM];
	unsigned n_mem;
	struct boot_module mods[BOOT_MAX_MODS];
	unsigned n_mods;
	bool have_fb;
	struct boot_fb fb;
	uint8_t rsdp[36];		/* copy of the ACPI RSDP, if the loader gave one */
	unsigned rsdp_len;		/* 0: none given, scan the BIOS area */
	paddr_t rsdp_phys;		/* where the loader's RSDP is, or 0 */
	struct efi_mem_desc efi_mem[BOOT_MAX_EFI_MEM];
	unsigned n_efi_mem;
	bool efi_mem_truncated;
	bool truncated;			/* the loader's structure was cut short or malformed */
};

/*
 * Parse a loader's structure of at most max_len bytes at info (already mapped).
 * phys_to_ptr maps a physical address (for PVH's indirect tables) or returns NULL
 * if it is not accessible.  Returns 0, or -EINVAL for an unknown magic/garbage.
 */
int bootinfo_parse_mb2(struct boot_info *bi, const void *info, size_t max_len);
int bootinfo_parse_pvh(struct boot_info *bi, const void *info,
		       const void *(*phys_to_ptr)(paddr_t pa, size_t len));

/* Sorts the memory map and resolves overlaps (the most restrictive type wins). */
void bootinfo_normalize_mem(struct boot_info *bi);

extern struct boot_info boot_info;

#endif
