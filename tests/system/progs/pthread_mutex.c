/* 8 threads contend on one mutex; counts exact; trylock; recursive; errorcheck */
#include "t.h"
#include <pthread.h>
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static void *work(void *a)
{
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&m);
		long c = counter;
		if (i % 1000 == 0)
			sched_yield();
		counter = c + 1;
		pthread_mutex_unlock(&m);
	}
	return (void *)((long)a * 10);
}
int main(void)
{
	t_init();
	pthread_t t[8];
	for (long i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, work, (void *)i);
	long sum = 0;
	for (int i = 0; i < 8; i++) {
		void *r;
		pthread_join(t[i], &r);
		sum += (long)r;
	}
	say("counter %ld sum %ld\n", counter, sum);
	pthread_mutex_lock(&m);
	say("trylock held: %s\n", t_errname(pthread_mutex_trylock(&m)));
	pthread_mutex_unlock(&m);
	say("trylock free: %d\n", pthread_mutex_trylock(&m));
	pthread_mutex_unlock(&m);
	pthread_mutexattr_t at;
	pthread_mutexattr_init(&at);
	pthread_mutexattr_settype(&at, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_t r;
	pthread_mutex_init(&r, &at);
	say("recursive %d %d %d %d\n", pthread_mutex_lock(&r), pthread_mutex_lock(&r), pthread_mutex_unlock(&r), pthread_mutex_unlock(&r));
	pthread_mutexattr_settype(&at, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_t e;
	pthread_mutex_init(&e, &at);
	pthread_mutex_lock(&e);
	say("errorcheck relock: %s\n", t_errname(pthread_mutex_lock(&e)));
	pthread_mutex_unlock(&e);
	say("errorcheck unlock unlocked: %s\n", t_errname(pthread_mutex_unlock(&e)));
	return 0;
}
