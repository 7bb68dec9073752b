/*
 * uart16550.c - the PC serial ports: COM1 as the first console, COM1-COM4 as
 * /dev/ttyS0-3.
 *
 * Output is polled: the console must work before interrupts exist and inside panic.
 * COM1 input arrives by interrupt (platform.c calls tty_serial_input); the TTY
 * layer polls COM2-COM4, which share IRQs 3/4 with nothing routed yet.
 */
#include <aegis/printk.h>
#include <aegis/serial.h>
#include <asm/io.h>

#define COM1		0x3f8
static const uint16_t uart_ports[UART_NPORTS] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
#define REG_DATA	0
#define REG_IER		1
#define REG_FCR		2
#define REG_LCR		3
#define REG_MCR		4
#define REG_LSR		5
#define LSR_DATA_READY	0x01
#define LSR_THR_EMPTY	0x20

static bool uart_present;
static bool port_present[UART_NPORTS];

static void port_putc(uint16_t base, char c)
{
	for (int spins = 0; spins < 100000; spins++)
		if (inb(base + REG_LSR) & LSR_THR_EMPTY)
			break;
	outb(base + REG_DATA, c);
}

static void uart_putc(char c)
{
	port_putc(COM1, c);
}

static bool port_probe(uint16_t base)
{
	outb(base + REG_IER, 0x00);
	outb(base + REG_LCR, 0x80);	/* DLAB: set divisor */
	outb(base + 0, 0x01);		/* 115200 baud */
	outb(base + 1, 0x00);
	outb(base + REG_LCR, 0x03);	/* 8N1 */
	outb(base + REG_FCR, 0xc7);	/* FIFO on, cleared, 14-byte threshold */
	outb(base + REG_MCR, 0x1e);	/* loopback to test the chip */
	outb(base + REG_DATA, 0xae);
	if (inb(base + REG_DATA) != 0xae)
		return false;		/* no UART here */
	outb(base + REG_MCR, 0x0b);
	return true;
}

bool uart_port_present(unsigned port)
{
	return port < UART_NPORTS && port_present[port];
}

void uart_port_write(unsigned port, const char *s, size_t n)
{
	if (!uart_port_present(port))
		return;
	for (size_t i = 0; i < n; i++)
		port_putc(uart_ports[port], s[i]);
}

int uart_port_getc(unsigned port)
{
	uint16_t base;

	if (!uart_port_present(port))
		return -1;
	base = uart_ports[port];
	if (!(inb(base + REG_LSR) & LSR_DATA_READY))
		return -1;
	return inb(base + REG_DATA);
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
	if (!port_probe(COM1))
		return;
	uart_present = port_present[0] = true;
	console_register(&uart_console);
	for (unsigned i = 1; i < UART_NPORTS; i++)
		port_present[i] = port_probe(uart_ports[i]);
}
