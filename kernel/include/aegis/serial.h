/* serial.h - the 16550 UART driver (drivers/serial/uart16550.c). */
#ifndef AEGIS_SERIAL_H
#define AEGIS_SERIAL_H

#include <aegis/types.h>

void uart_init(void);
void uart_write(const char *s, size_t n);
int uart_getc_nowait(void);
void uart_enable_rx_irq(void);

#endif
