/* WASI test: the exit status given to exit() is the process's. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int code = argc > 1 ? atoi(argv[1]) : 0;
	printf("exiting with %d\n", code);
	fflush(stdout);
	if (argc > 2)
		return code; /* return from main instead of exit() */
	exit(code);
}
