/*
 * idt.c - the interrupt descriptor table.  All 256 vectors point at the stubs in
 * isr.S; double fault, NMI and machine check run on their own IST stacks so that a
 * kernel stack overflow still produces a readable report.
 */
#include <aegis/types.h>
#include <asm/trap.h>

struct idt_entry {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t zero;
} __packed;

static struct idt_entry idt[256] __aligned(16);
extern char isr_stubs[];

static void idt_set(unsigned vec, uint64_t addr, unsigned ist, unsigned dpl)
{
	idt[vec] = (struct idt_entry){
		.off_lo = addr & 0xffff,
		.sel = GDT_KERNEL_CS,
		.ist = ist,
		.type = 0x8e | (dpl << 5),	/* present, interrupt gate */
		.off_mid = (addr >> 16) & 0xffff,
		.off_hi = addr >> 32,
	};
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed idtr = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		idt_set(v, (uint64_t)isr_stubs + 16 * v, 0, 0);
	idt_set(2, (uint64_t)isr_stubs + 16 * 2, IST_NMI, 0);
	idt_set(8, (uint64_t)isr_stubs + 16 * 8, IST_DOUBLE_FAULT, 0);
	idt_set(18, (uint64_t)isr_stubs + 16 * 18, IST_MCE, 0);
	idt_set(3, (uint64_t)isr_stubs + 16 * 3, 0, 3);	/* int3 allowed from user */
	idt_load();
}
