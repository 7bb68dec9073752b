/* producer/consumer with condition variables: 4 producers, 4 consumers, broadcast */
#include "t.h"
#include <pthread.h>
#define ITEMS 5000
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notempty = PTHREAD_COND_INITIALIZER, notfull = PTHREAD_COND_INITIALIZER;
static int q[16], head, tail, count, done;
static long consumed_sum, consumed_n;
static void *prod(void *a)
{
	for (int i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&m);
		while (count == 16)
			pthread_cond_wait(&notfull, &m);
		q[tail] = i;
		tail = (tail + 1) % 16;
		count++;
		pthread_cond_signal(&notempty);
		pthread_mutex_unlock(&m);
	}
	return NULL;
}
static void *cons(void *a)
{
	for (;;) {
		pthread_mutex_lock(&m);
		while (count == 0 && !done)
			pthread_cond_wait(&notempty, &m);
		if (count == 0 && done) {
			pthread_mutex_unlock(&m);
			return NULL;
		}
		consumed_sum += q[head];
		consumed_n++;
		head = (head + 1) % 16;
		count--;
		pthread_cond_signal(&notfull);
		pthread_mutex_unlock(&m);
	}
}
int main(void)
{
	t_init();
	pthread_t p[4], c[4];
	for (int i = 0; i < 4; i++) {
		pthread_create(&p[i], NULL, prod, NULL);
		pthread_create(&c[i], NULL, cons, NULL);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(p[i], NULL);
	pthread_mutex_lock(&m);
	done = 1;
	pthread_cond_broadcast(&notempty);
	pthread_mutex_unlock(&m);
	for (int i = 0; i < 4; i++)
		pthread_join(c[i], NULL);
	say("consumed %ld sum %ld\n", consumed_n, consumed_sum);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 50000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&m);
	say("timedwait: %s\n", t_errname(pthread_cond_timedwait(&notempty, &m, &ts)));
	pthread_mutex_unlock(&m);
	return 0;
}
