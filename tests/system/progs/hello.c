/* the smallest test: one write(2) and exit; the first one to enable on a new kernel */
#include <unistd.h>
int main(void)
{
	write(1, "hello from a static musl program\n", 33);
	return 0;
}
