/* WASI test: poll() (poll_oneoff) on stdin with data, and a pure timeout. */
#include <poll.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	struct timespec t0, t1;
	char buf[64];
	int r = poll(&p, 1, 5000);
	ssize_t n;

	printf("poll stdin: %d, readable %s\n", r, (p.revents & POLLIN) ? "yes" : "no");
	n = read(0, buf, sizeof(buf));
	printf("read %zd bytes\n", n);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = poll(NULL, 0, 30);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* 29, not 30: node:wasi's timers run on libuv's millisecond clock and can
	 * end up to 1 ms early (see clocks.c) */
	printf("timeout poll: %d, waited >= 29ms: %s\n", r,
	       (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec) >= 29000000LL ? "yes" : "no");
	return 0;
}
