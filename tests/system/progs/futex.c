/* futex: EAGAIN on value mismatch, ETIMEDOUT, wake counts, bad address */
#include "t.h"
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY 0xffffffff
#include <pthread.h>
static int word;
static long fx(int *a, int op, int v, struct timespec *t) { return syscall(SYS_futex, a, op, v, t, NULL, 0); }
static void *waiter(void *a)
{
	fx(&word, FUTEX_WAIT_PRIVATE, 0, NULL);
	return NULL;
}
int main(void)
{
	t_init();
	struct timespec t = { 0, 50000000 }, t0, t1;
	T(fx(&word, FUTEX_WAIT, 1, &t));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	T(fx(&word, FUTEX_WAIT, 0, &t));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	say("waited >= 50ms %d\n", ms >= 49);
	T(fx(&word, FUTEX_WAKE, 5, NULL));
	T(fx((int *)0x1000, FUTEX_WAIT, 0, &t));
	T(fx((int *)((char *)&word + 1), FUTEX_WAIT, 0, &t));
	struct timespec bad = { 0, -1 };
	T(fx(&word, FUTEX_WAIT, 0, &bad));
	T(fx(&word, 99, 0, NULL));
	pthread_t th[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, waiter, NULL);
	usleep(100000);
	word = 1;
	T(fx(&word, FUTEX_WAKE_PRIVATE, 2, NULL));
	usleep(20000);
	T(fx(&word, FUTEX_WAKE_PRIVATE, 10, NULL));
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	say("joined\n");
	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 30000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	word = 0;
	T(syscall(SYS_futex, &word, FUTEX_WAIT_BITSET, 0, &abs, NULL, FUTEX_BITSET_MATCH_ANY));
	return 0;
}
