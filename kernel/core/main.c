/*
 * main.c - kmain, the C entry point: bring the machine up in dependency order and
 * hand over to the first user process (or the self-tests).
 */
#include <aegis/arch.h>
#include <aegis/bootinfo.h>
#include <aegis/cmdline.h>
#include <aegis/cpufeature.h>
#include <aegis/errno.h>
#include <aegis/kernel.h>
#include <aegis/ktest.h>
#include <aegis/mm.h>
#include <aegis/panic.h>
#include <aegis/printk.h>
#include <aegis/sched.h>
#include <aegis/serial.h>
#include <aegis/string.h>
#include <aegis/time.h>
#include <asm/cpu.h>

enum boot_mode boot_mode = BOOT_NORMAL;
uint64_t boot_tsc;

/* Early boot: the boot page tables map the first 4 GiB at the direct-map base. */
static const void *early_phys_to_ptr(paddr_t pa, size_t len)
{
	if (pa + len < pa || pa + len > (4ull << 30))
		return NULL;
	return (const void *)(DIRECT_MAP_BASE + pa);
}

static void parse_boot_info(uint32_t magic, paddr_t info)
{
	int err = -EINVAL;

	if (magic == MB2_LOADER_MAGIC && info && info < (4ull << 30))
		err = bootinfo_parse_mb2(&boot_info, early_phys_to_ptr(info, 8),
					 (4ull << 30) - info);
	else if (magic == PVH_LOADER_MAGIC && info && info < (4ull << 30))
		err = bootinfo_parse_pvh(&boot_info, early_phys_to_ptr(info, 56),
					 early_phys_to_ptr);
	if (err)
		panic("unknown boot loader (magic %#x): cannot find the memory map", magic);
	bootinfo_normalize_mem(&boot_info);
}

static void apply_cmdline(void)
{
	const char *cl = boot_info.cmdline;
	char mode[16];

	printk_set_loglevel(cmdline_get_long(cl, "loglevel", LOG_INFO));
	kernel_test_mode = cmdline_has(cl, "ktest");
	if (cmdline_get(cl, "mode", mode, sizeof(mode))) {
		if (!strcmp(mode, "safe"))
			boot_mode = BOOT_SAFE;
		else if (!strcmp(mode, "recovery"))
			boot_mode = BOOT_RECOVERY;
		else if (strcmp(mode, "normal"))
			pr_warn("unknown mode=%s, using normal\n", mode);
	}
}

static const char *const mem_type_names[] = {
	"?", "usable", "reserved", "ACPI reclaimable", "ACPI NVS", "bad",
};

static void report_boot_info(void)
{
	uint64_t usable = 0;

	pr_info("boot: loader %s (%s), command line \"%s\"\n", boot_info.loader,
		boot_info.loader_name[0] ? boot_info.loader_name : "unnamed",
		boot_info.cmdline);
	for (unsigned i = 0; i < boot_info.n_mem; i++) {
		const struct mem_region *r = &boot_info.mem[i];
		pr_debug("mem: [%#014llx-%#014llx] %s\n", (unsigned long long)r->base,
			 (unsigned long long)(r->base + r->len - 1),
			 mem_type_names[r->type < 6 ? r->type : 0]);
		if (r->type == MEM_USABLE)
			usable += r->len;
	}
	pr_info("boot: %u memory regions, %llu MiB usable; %u module(s)%s%s\n",
		boot_info.n_mem, (unsigned long long)(usable >> 20), boot_info.n_mods,
		boot_info.have_fb ? ", framebuffer" : "",
		boot_info.n_efi_mem ? ", EFI memory map" : "");
	if (boot_info.truncated)
		pr_warn("boot: the loader's information was truncated or malformed\n");
	pr_info("boot: mode %s\n", boot_mode == BOOT_SAFE ? "safe" :
		boot_mode == BOOT_RECOVERY ? "recovery" : "normal");
}

void kmain(uint32_t magic, paddr_t info)
{
	uint64_t entry_tsc = boot_tsc = rdtsc();

	arch_percpu_early();	/* this_cpu() works from here on: locks use it */
	uart_init();
	console_write("\n", 1);	/* the firmware may have left the cursor mid-line */
	printk(LOG_NOTICE, "Aegis %s (commit %s) starting\n", aegis_version, aegis_commit);
	arch_early_init();
	parse_boot_info(magic, info);
	apply_cmdline();
	report_boot_info();
	arch_cpu_report();
	kernel_main_continue(entry_tsc);
}
