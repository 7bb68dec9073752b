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
#include <aegis/net.h>
#include <aegis/panic.h>
#include <aegis/pci.h>
#include <aegis/printk.h>
#include <aegis/proc.h>
#include <aegis/sched.h>
#include <aegis/time.h>
#include <aegis/tty.h>
#include <aegis/vdso.h>
#include <aegis/vfs.h>

void crashtest_maybe(void);
void drivers_init(void);	/* drivers/init.c */
void fpu_init(void);
void syscall_init(void);

void kernel_main_continue(uint64_t entry_tsc)
{
	char filter[64] = "";

	mm_init();
	arch_init();
	pci_init();		/* after ACPI (MCFG) and ioremap */
	vdso_init();		/* after the clocks (arch_init), before any exec */
	fpu_init();
	sched_init();
	sched_start();
	syscall_init();
	vfs_init();
	net_init();		/* loopback and the network thread, before the NICs probe */
	drivers_init();		/* PCI drivers bind (probes may sleep): after the scheduler */
	tty_init();		/* after devfs exists */
	(void)entry_tsc;
	pr_info("Aegis ready (%llu us since kernel entry)\n",
		(unsigned long long)time_ns() / 1000);
	crashtest_maybe();
	if (cmdline_has(boot_info.cmdline, "poweroff_after_boot"))
		arch_poweroff();
	if (kernel_test_mode) {
		cmdline_get(boot_info.cmdline, "ktest", filter, sizeof(filter));
		ktest_run_all(filter);
	}
	if (proc_start_init("/init"))
		panic("cannot create the init process");
	/* the boot thread has nothing more to do: idle quietly */
	for (;;)
		sleep_ns(NSEC_PER_SEC * 3600);
}
