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
	printf("timeout poll: %d, waited >= 30ms: %s\n", r,
	       (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec) >= 30000000LL ? "yes" : "no");
	return 0;
}
