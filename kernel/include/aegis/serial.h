/* serial.h - the 16550 UART driver (drivers/serial/uart16550.c). */
#ifndef AEGIS_SERIAL_H
#define AEGIS_SERIAL_H

#include <aegis/types.h>

void uart_init(void);
void uart_write(const char *s, size_t n);
int uart_getc_nowait(void);
void uart_enable_rx_irq(void);

/* COM1..COM4 as ports 0..3, for the ttyS devices: raw bytes, no newline mapping. */
#define UART_NPORTS 4
bool uart_port_present(unsigned port);
void uart_port_write(unsigned port, const char *s, size_t n);
int uart_port_getc(unsigned port);		/* -1 if nothing is waiting */

#endif
