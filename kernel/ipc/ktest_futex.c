/*
 * ktest_futex.c - self-tests for the futex hash/queue layer with synthetic keys
 * (user futexes need user memory; the layer below them does not).
 */
#include <aegis/errno.h>
#include <aegis/ktest.h>
#include <aegis/time.h>
#include "futex_internal.h"

static const struct futex_key key_a = { 0x1000, 0x7000 }, key_b = { 0x1000, 0x7004 };

KTEST(futex_wake_by_key_and_bitset)
{
	struct futex_waiter w1 = { 0 }, w2 = { 0 }, w3 = { 0 };

	futex_queue(&w1, &key_a, FUTEX_BITSET_ANY);
	futex_queue(&w2, &key_b, FUTEX_BITSET_ANY);
	futex_queue(&w3, &key_a, 0x2);
	KT_ASSERT_EQ(futex_wake_key(&key_a, 5, 0x1), 1);	/* w1 only: w3 wants 0x2 */
	KT_ASSERT(w1.woken);
	KT_ASSERT(!w3.woken);
	KT_ASSERT_EQ(futex_wake_key(&key_a, 5, 0x1), 0);
	KT_ASSERT_EQ(futex_wake_key(&key_a, 1, FUTEX_BITSET_ANY), 1);
	KT_ASSERT(w3.woken);
	KT_ASSERT(futex_unqueue(&w1));
	KT_ASSERT(futex_unqueue(&w3));
	KT_ASSERT(!futex_unqueue(&w2));	/* never woken: removed */
	KT_ASSERT_EQ(futex_wake_key(&key_b, 1, FUTEX_BITSET_ANY), 0);
}

KTEST(futex_requeue_moves_waiters)
{
	struct futex_waiter w[4] = { 0 };

	for (int i = 0; i < 4; i++)
		futex_queue(&w[i], &key_a, FUTEX_BITSET_ANY);
	KT_ASSERT_EQ(futex_requeue_key(&key_a, &key_b, 1, 2), 3);
	KT_ASSERT(w[0].woken);
	KT_ASSERT(!w[1].woken && !w[2].woken && !w[3].woken);
	KT_ASSERT_EQ(futex_wake_key(&key_a, 10, FUTEX_BITSET_ANY), 1);	/* w[3] stayed */
	KT_ASSERT(w[3].woken);
	KT_ASSERT_EQ(futex_wake_key(&key_b, 10, FUTEX_BITSET_ANY), 2);
	KT_ASSERT(w[1].woken && w[2].woken);
	for (int i = 0; i < 4; i++)
		KT_ASSERT(futex_unqueue(&w[i]));
}

KTEST(futex_wake_op_encoding)
{
	uint32_t nv;

	/* FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_GT, 1): glibc's condvar/lll_unlock */
	KT_ASSERT_EQ(futex_op_eval((0u << 28) | (4u << 24) | (0u << 12) | 1u, 2, &nv), 1);
	KT_ASSERT_EQ(nv, 0);
	KT_ASSERT_EQ(futex_op_eval((0u << 28) | (4u << 24) | (0u << 12) | 1u, 1, &nv), 0);
	/* ADD with a negative 12-bit argument */
	KT_ASSERT_EQ(futex_op_eval((1u << 28) | (0u << 24) | (0xfffu << 12) | 5u, 5, &nv), 1);
	KT_ASSERT_EQ(nv, 4);
	/* OPARG_SHIFT: OR 1 << 3 */
	KT_ASSERT_EQ(futex_op_eval((0xau << 28) | (1u << 24) | (3u << 12) | 0u, 1, &nv), 1);
	KT_ASSERT_EQ(nv, 9);
	KT_ASSERT_EQ(futex_op_eval((7u << 28), 0, &nv), -ENOSYS);
}

struct sleeper {
	struct futex_waiter w;
	int ret;
	bool queued;
};

static void sleeper_fn(void *arg)
{
	struct sleeper *s = arg;

	futex_queue(&s->w, &key_a, FUTEX_BITSET_ANY);
	__atomic_store_n(&s->queued, true, __ATOMIC_RELEASE);
	s->ret = futex_sleep(&s->w, time_ns() + 2 * NSEC_PER_SEC);
}

KTEST(futex_sleep_wake_between_threads)
{
	static struct sleeper s;
	struct task *t;
	int woken = 0;

	s = (struct sleeper){ .ret = 1 };
	t = kthread_create(sleeper_fn, &s, "futex-sleeper");
	KT_ASSERT(t != NULL);
	if (!t)
		return;
	kthread_start(t);
	while (!__atomic_load_n(&s.queued, __ATOMIC_ACQUIRE))
		sched_yield();
	sleep_ns(NSEC_PER_MSEC);
	for (int i = 0; i < 100 && !woken; i++) {
		woken = futex_wake_key(&key_a, 1, FUTEX_BITSET_ANY);
		if (!woken)
			sleep_ns(NSEC_PER_MSEC);
	}
	KT_ASSERT_EQ(woken, 1);
	KT_ASSERT_EQ(kthread_join(t), 0);
	KT_ASSERT_EQ(s.ret, 0);
}

KTEST(futex_sleep_times_out)
{
	struct futex_waiter w = { 0 };
	uint64_t start = time_ns();

	futex_queue(&w, &key_b, FUTEX_BITSET_ANY);
	KT_ASSERT_EQ(futex_sleep(&w, start + 5 * NSEC_PER_MSEC), -ETIMEDOUT);
	KT_ASSERT(time_ns() - start >= 5 * NSEC_PER_MSEC);
	KT_ASSERT_EQ(futex_wake_key(&key_b, 1, FUTEX_BITSET_ANY), 0);
}
