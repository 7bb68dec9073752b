/* TLS per thread, thread exit values, detached threads, gettid differs, exit from a thread */
#include "t.h"
#include <pthread.h>
static __thread int tls = 5;
static __thread char tlsbuf[100] = "init";
static pid_t main_tid;
static void *f(void *a)
{
	long n = (long)a;
	int first = tls;
	tls = n;
	snprintf(tlsbuf, sizeof(tlsbuf), "t%ld", n);
	usleep(1000 * (8 - n));
	int ok = tls == n && strcmp(tlsbuf + 1, "") != 0 && tlsbuf[1] == '0' + n;
	if (n == 3)
		pthread_exit((void *)(long)(300 + first + ok));
	return (void *)(long)(n * 100 + first + ok + (gettid() != main_tid) * 1000 + (getpid() == main_tid) * 10000);
}
static void *exiter(void *a)
{
	usleep(50000);
	exit(42);
}
int main(void)
{
	t_init();
	main_tid = gettid();
	say("main tid == pid %d\n", main_tid == getpid());
	pthread_t t[8];
	for (long i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, f, (void *)i);
	for (int i = 0; i < 8; i++) {
		void *r;
		pthread_join(t[i], &r);
		say("thread %d returned %ld\n", i, (long)r);
	}
	say("main tls %d %s\n", tls, tlsbuf);
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_t d;
	say("detached create %d\n", pthread_create(&d, &at, f, (void *)1));
	usleep(20000);
	pid_t p = fork();
	if (p == 0) {
		pthread_t x;
		pthread_create(&x, NULL, exiter, NULL);
		for (;;)
			pause();
	}
	t_wait("exit() from thread ends process", p);
	return 0;
}
