/*
 * pic.c - the legacy 8259 PICs.  Aegis uses the I/O APIC, so the PICs are
 * remapped away from the exception vectors (to 0x20-0x2f, so a spurious IRQ 7/15
 * lands on an unused vector instead of an exception) and fully masked.
 */
#include <asm/io.h>
#include <asm/platform.h>

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1

void pic_disable(void)
{
	outb(PIC1_CMD, 0x11);		/* ICW1: init, ICW4 follows */
	io_wait();
	outb(PIC2_CMD, 0x11);
	io_wait();
	outb(PIC1_DATA, 0x20);		/* ICW2: vector base */
	io_wait();
	outb(PIC2_DATA, 0x28);
	io_wait();
	outb(PIC1_DATA, 0x04);		/* ICW3: slave on IRQ 2 */
	io_wait();
	outb(PIC2_DATA, 0x02);
	io_wait();
	outb(PIC1_DATA, 0x01);		/* ICW4: 8086 mode */
	io_wait();
	outb(PIC2_DATA, 0x01);
	io_wait();
	outb(PIC1_DATA, 0xff);		/* mask everything */
	outb(PIC2_DATA, 0xff);
}
