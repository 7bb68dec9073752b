/*
 * bench-true: the static binary the execve benchmarks start. It does nothing but
 * exit, so fork/vfork+execve+wait measures the kernel's exec path, not the program.
 */
#include <unistd.h>

int main(void)
{
	_exit(0);
}
