/*
 * ktest_trap.c - exception recovery: faults at instructions listed in __ex_table
 * resume at their fixup instead of panicking, and user-access helpers turn bad
 * pointers into -EFAULT.
 */
#include <aegis/ktest.h>
#include <aegis/uaccess.h>

KTEST(trap_probe_recovers)
{
	uint64_t v = 0;

	/* non-canonical address: #GP */
	KT_ASSERT_EQ(arch_probe_read((void *)0x8000000000000000ull, &v), -EFAULT);
	/* canonical but unmapped kernel address (top of the vmalloc area): #PF */
	KT_ASSERT_EQ(arch_probe_read((void *)(VMALLOC_BASE + VMALLOC_SIZE - 4096), &v),
		     -EFAULT);
	/* a mapped address reads normally */
	static const uint64_t known = 0x1122334455667788ull;
	KT_ASSERT_EQ(arch_probe_read(&known, &v), 0);
	KT_ASSERT_EQ(v, 0x1122334455667788ull);
}

KTEST(trap_user_copy_rejects_kernel_pointers)
{
	char buf[16];
	static char kernel_data[16] = "secret";

	KT_ASSERT_EQ(copy_from_user(buf, (void *)kernel_data, sizeof(buf)), -EFAULT);
	KT_ASSERT_EQ(copy_to_user((void *)kernel_data, buf, sizeof(buf)), -EFAULT);
	/* wrapping ranges */
	KT_ASSERT_EQ(copy_from_user(buf, (void *)(USER_TOP - 8), 16), -EFAULT);
	KT_ASSERT_EQ(copy_from_user(buf, (void *)-8ull, 16), -EFAULT);
	KT_ASSERT_EQ(strncpy_from_user(buf, (void *)kernel_data, sizeof(buf)), -EFAULT);
}
