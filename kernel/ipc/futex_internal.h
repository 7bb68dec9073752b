/* futex_internal.h - the futex hash/queue layer, shared with its ktests. */
#ifndef IPC_FUTEX_INTERNAL_H
#define IPC_FUTEX_INTERNAL_H

#include <aegis/sched.h>

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_CMD_MASK		(~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_ANY	0xffffffffu
#define FUTEX_WAITERS		0x80000000u
#define FUTEX_OWNER_DIED	0x40000000u
#define FUTEX_TID_MASK		0x3fffffffu

#define FUTEX_HASH_BITS		8
#define FUTEX_BUCKETS		(1 << FUTEX_HASH_BITS)

/* (mm, address) for private futexes; (0, physical address) for shared ones. */
struct futex_key {
	uint64_t a, b;
};

struct futex_bucket {
	struct spinlock lock;
	struct list_head waiters;	/* [lock] struct futex_waiter.node */
	bool init;
};

struct futex_waiter {
	struct futex_key key;		/* [bucket->lock] */
	uint32_t bitset;
	bool woken;			/* [bucket->lock] set when dequeued by a waker */
	struct futex_bucket *bucket;	/* [bucket->lock] changes on requeue */
	struct task *task;
	struct list_head node;
	struct wait_queue wq;		/* the waiter sleeps alone here */
};

void futex_bucket_init_all(void);
void futex_queue(struct futex_waiter *w, const struct futex_key *k, uint32_t bitset);
bool futex_unqueue(struct futex_waiter *w);
int futex_sleep(struct futex_waiter *w, uint64_t deadline);
int futex_wake_key(const struct futex_key *k, int n, uint32_t bitset);
int futex_requeue_key(const struct futex_key *k1, const struct futex_key *k2,
		      int nwake, int nmove);
int futex_op_eval(uint32_t encoded, uint32_t old, uint32_t *new_val);

#endif
