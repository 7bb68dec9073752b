/*
 * init.c - the second half of boot, once the console and CPU are up: memory,
 * interrupts and time, threads, then the self-tests or the first user program.
 */
#include <aegis/arch.h>
#include <aegis/bootinfo.h>
#include <aegis/cmdline.h>
#include <aegis/kernel.h>
#include <aegis/ktest.h>
#include <aegis/mm.h>
#include <aegis/panic.h>
#include <aegis/printk.h>
#include <aegis/sched.h>
#include <aegis/time.h>

void kernel_main_continue(uint64_t entry_tsc)
{
	char filter[64] = "";

	(void)entry_tsc;
	arch_init();
	pr_info("Aegis ready\n");
	if (cmdline_has(boot_info.cmdline, "poweroff_after_boot"))
		arch_poweroff();
	if (kernel_test_mode) {
		cmdline_get(boot_info.cmdline, "ktest", filter, sizeof(filter));
		ktest_run_all(filter);
	}
	arch_halt_forever();
}
