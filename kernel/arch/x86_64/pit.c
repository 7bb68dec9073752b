/*
 * pit.c - the 8254 PIT, used only as a fallback reference to calibrate the TSC
 * when there is no HPET.  Channel 2 is gated through port 0x61 and counts down in
 * mode 0; its OUT pin (port 0x61 bit 5) goes high when the count reaches zero.
 */
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/platform.h>

#define PIT_HZ		1193182u
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PORT_B		0x61

uint64_t pit_measure_tsc(unsigned ms)
{
	uint32_t count = PIT_HZ * ms / 1000;
	uint64_t t0, t1;
	uint8_t b;

	if (count > 0xffff)
		count = 0xffff;		/* ~54.9 ms at most */
	b = inb(PORT_B);
	outb(PORT_B, (b & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(PIT_CMD, 0xb0);		/* channel 2, lo/hi byte, mode 0, binary */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	t0 = rdtsc();		/* mode 0 counts from the write of the count's high byte */
	for (unsigned long spins = 0; !(inb(PORT_B) & 0x20); spins++)
		if (spins > 100000000ul)
			return 0;	/* no PIT */
	t1 = rdtsc();
	return t1 - t0;
}
