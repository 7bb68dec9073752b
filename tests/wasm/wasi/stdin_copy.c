/* WASI test: fd_read from stdin, fd_write to stdout and stderr. */
#include <ctype.h>
#include <stdio.h>

int main(void)
{
	int c;
	long n = 0;

	while ((c = getchar()) != EOF) {
		putchar(toupper(c));
		n++;
	}
	fprintf(stderr, "copied %ld bytes\n", n);
	printf("total %ld\n", n);
	return 0;
}
