/*
 * uart16550.c - the PC serial port (COM1) as the first console.
 *
 * Output is polled: the console must work before interrupts exist and inside panic.
 * Input arrives by interrupt once the TTY layer hooks uart_set_rx_handler().
 */
#include <aegis/printk.h>
#include <aegis/serial.h>
#include <asm/io.h>

#define COM1		0x3f8
#define REG_DATA	0
#define REG_IER		1
#define REG_FCR		2
#define REG_LCR		3
#define REG_MCR		4
#define REG_LSR		5
#define LSR_DATA_READY	0x01
#define LSR_THR_EMPTY	0x20

static bool uart_present;

static void uart_putc(char c)
{
	for (int spins = 0; spins < 100000; spins++)
		if (inb(COM1 + REG_LSR) & LSR_THR_EMPTY)
			break;
	outb(COM1 + REG_DATA, c);
}

void uart_write(const char *s, size_t n)
{
	if (!uart_present)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

static void uart_console_write(struct console *con, const char *s, size_t n)
{
	(void)con;
	uart_write(s, n);
}

static struct console uart_console = { .name = "ttyS0", .write = uart_console_write };

int uart_getc_nowait(void)
{
	if (!uart_present || !(inb(COM1 + REG_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1 + REG_DATA);
}

void uart_enable_rx_irq(void)
{
	outb(COM1 + REG_IER, 0x01);	/* received-data interrupt */
	outb(COM1 + REG_MCR, 0x0b);	/* DTR, RTS, OUT2 (gates the IRQ line) */
}

void uart_init(void)
{
	outb(COM1 + REG_IER, 0x00);
	outb(COM1 + REG_LCR, 0x80);	/* DLAB: set divisor */
	outb(COM1 + 0, 0x01);		/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + REG_LCR, 0x03);	/* 8N1 */
	outb(COM1 + REG_FCR, 0xc7);	/* FIFO on, cleared, 14-byte threshold */
	outb(COM1 + REG_MCR, 0x1e);	/* loopback to test the chip */
	outb(COM1 + REG_DATA, 0xae);
	if (inb(COM1 + REG_DATA) != 0xae)
		return;			/* no UART here */
	outb(COM1 + REG_MCR, 0x0b);
	uart_present = true;
	console_register(&uart_console);
}
