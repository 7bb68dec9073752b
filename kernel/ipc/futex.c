/*
 * futex.c - fast user-space mutexes: sleeping on a user word until woken.
 *
 * A futex is named by a key: (mm, address) for FUTEX_PRIVATE_FLAG, and (physical
 * page + offset) for shared ones, so two processes mapping the same page meet.
 * Waiters hang in a hash table of buckets, each with a spinlock.  A waiter is
 * queued before it reads the user word, and a waker changes the word before it
 * takes the bucket lock, so no wakeup is lost between the check and the sleep.
 * Each waiter sleeps on its own wait queue with wq_wait() (interruptible, with a
 * deadline), which gives -EINTR on signals and -ETIMEDOUT.
 *
 * The read-modify-write of FUTEX_WAKE_OP runs with preemption disabled once the
 * page is present and writable: atomic on one CPU; SMP needs a user cmpxchg.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/time_abi.h>
#include <aegis/uaccess.h>
#include <aegis/vm.h>
#include <asm/cpu.h>
#include "futex_internal.h"

static struct futex_bucket buckets[FUTEX_BUCKETS];

static struct futex_bucket *bucket_of(const struct futex_key *k)
{
	uint64_t h = (k->a ^ (k->b >> 2)) * 0x9e3779b97f4a7c15ull;

	return &buckets[h >> (64 - FUTEX_HASH_BITS)];
}

static bool key_eq(const struct futex_key *x, const struct futex_key *y)
{
	return x->a == y->a && x->b == y->b;
}

void futex_bucket_init_all(void)
{
	preempt_disable();
	for (int i = 0; i < FUTEX_BUCKETS; i++) {
		if (!buckets[i].init) {
			spin_init(&buckets[i].lock, "futex");
			list_init(&buckets[i].waiters);
			__atomic_store_n(&buckets[i].init, true, __ATOMIC_RELEASE);
		}
	}
	preempt_enable();
}

static void lock_bucket(struct futex_bucket *b, unsigned long *flags)
{
	if (!__atomic_load_n(&b->init, __ATOMIC_ACQUIRE))
		futex_bucket_init_all();
	*flags = spin_lock_irqsave(&b->lock);
}

void futex_queue(struct futex_waiter *w, const struct futex_key *k, uint32_t bitset)
{
	struct futex_bucket *b = bucket_of(k);
	unsigned long flags;

	w->key = *k;
	w->bitset = bitset;
	w->woken = false;
	wq_init(&w->wq);
	lock_bucket(b, &flags);
	w->bucket = b;
	list_add_tail(&b->waiters, &w->node);
	spin_unlock_irqrestore(&b->lock, flags);
}

/* Removes w if still queued; returns true if it had been woken. */
bool futex_unqueue(struct futex_waiter *w)
{
	unsigned long flags;
	struct futex_bucket *b;

	for (;;) {
		b = __atomic_load_n(&w->bucket, __ATOMIC_ACQUIRE);
		lock_bucket(b, &flags);
		if (b == w->bucket)
			break;
		spin_unlock_irqrestore(&b->lock, flags);	/* requeued meanwhile */
	}
	if (!w->woken)
		list_del(&w->node);
	spin_unlock_irqrestore(&b->lock, flags);
	return w->woken;
}

static void wake_waiter(struct futex_waiter *w)
{
	list_del(&w->node);
	__atomic_store_n(&w->woken, true, __ATOMIC_RELEASE);
	wq_wake_all(&w->wq);
}

int futex_wake_key(const struct futex_key *k, int n, uint32_t bitset)
{
	struct futex_bucket *b = bucket_of(k);
	struct list_head *pos, *tmp;
	unsigned long flags;
	int woken = 0;

	lock_bucket(b, &flags);
	list_for_each_safe(pos, tmp, &b->waiters) {
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, node);
		if (woken >= n)
			break;
		if (key_eq(&w->key, k) && (w->bitset & bitset)) {
			wake_waiter(w);
			woken++;
		}
	}
	spin_unlock_irqrestore(&b->lock, flags);
	return woken;
}

/* Wakes up to nwake waiters on k1 and moves up to nmove of the rest to k2. */
int futex_requeue_key(const struct futex_key *k1, const struct futex_key *k2,
		      int nwake, int nmove)
{
	struct futex_bucket *b1 = bucket_of(k1), *b2 = bucket_of(k2);
	struct list_head *pos, *tmp;
	unsigned long flags, flags2 = 0;
	int done = 0, moved = 0;

	/* lock order: lower address first */
	if (b1 < b2) {
		lock_bucket(b1, &flags);
		lock_bucket(b2, &flags2);
	} else {
		lock_bucket(b2, &flags);
		if (b1 != b2)
			lock_bucket(b1, &flags2);
	}
	list_for_each_safe(pos, tmp, &b1->waiters) {
		struct futex_waiter *w = list_entry(pos, struct futex_waiter, node);
		if (!key_eq(&w->key, k1))
			continue;
		if (done < nwake) {
			wake_waiter(w);
			done++;
		} else if (moved < nmove) {
			list_del(&w->node);
			w->key = *k2;
			list_add_tail(&b2->waiters, &w->node);
			__atomic_store_n(&w->bucket, b2, __ATOMIC_RELEASE);
			moved++;
		} else {
			break;
		}
	}
	if (b1 < b2) {
		spin_unlock(&b2->lock);
		spin_unlock_irqrestore(&b1->lock, flags);
	} else {
		if (b1 != b2)
			spin_unlock(&b1->lock);
		spin_unlock_irqrestore(&b2->lock, flags);
	}
	(void)flags2;
	return done + moved;
}

static bool waiter_woken(void *arg)
{
	return __atomic_load_n(&((struct futex_waiter *)arg)->woken, __ATOMIC_ACQUIRE);
}

/* Sleeps until woken; 0, -ETIMEDOUT or -EINTR (a signal). */
int futex_sleep(struct futex_waiter *w, uint64_t deadline)
{
	int ret = wq_wait(&w->wq, waiter_woken, w, true, deadline);

	if (futex_unqueue(w))
		return 0;
	return ret;
}

/* The current page-table entry for uaddr, or NULL. */
static pte_t *user_pte(uint64_t uaddr)
{
	pte_t *pte = pt_walk(read_cr3() & PTE_ADDR_MASK, uaddr & ~(PAGE_SIZE - 1), false);

	return pte && (*pte & PTE_P) ? pte : NULL;
}

/*
 * Makes the page of uaddr present and writable (breaking copy-on-write) through
 * the fault handler, without writing to it.  May sleep.  0 or -EFAULT.
 */
static int fault_in_writable(uint64_t uaddr)
{
	for (int tries = 0; tries < 4; tries++) {
		pte_t *pte = user_pte(uaddr);
		if (pte && (*pte & PTE_W))
			return 0;
		if (vm_fault(current_proc()->mm, uaddr, (pte ? 1 : 0) | 2 | 4))
			return -EFAULT;	/* x86 error code: present?, write, user */
	}
	return -EFAULT;
}

/* Key for uaddr in the current address space; the word must be aligned. */
static int get_key(uint64_t uaddr, bool private, struct futex_key *k)
{
	uint32_t v;
	pte_t *pte;

	if (uaddr & 3)
		return -EINVAL;
	if (copy_from_user(&v, (const void __user *)uaddr, 4))
		return -EFAULT;
	if (private) {
		k->a = (uint64_t)current_proc()->mm;
		k->b = uaddr;
		return 0;
	}
	/* break copy-on-write now so the key stays the page writers will use */
	fault_in_writable(uaddr);	/* a read-only mapping keeps its page */
	pte = user_pte(uaddr);
	if (!pte)
		return -EFAULT;
	k->a = 0;	/* no mm: shared */
	k->b = (*pte & PTE_ADDR_MASK) | (uaddr & (PAGE_SIZE - 1));
	return 0;
}

static long futex_wait_restart(struct restart_block *rb);

static long futex_wait(uint64_t uaddr, bool private, uint32_t val, uint64_t deadline,
		       uint32_t bitset)
{
	struct futex_waiter w;
	struct futex_key k;
	uint32_t cur;
	int ret;

	if (!bitset)
		return -EINVAL;
	ret = get_key(uaddr, private, &k);
	if (ret)
		return ret;
	w.task = current_task();
	futex_queue(&w, &k, bitset);
	if (copy_from_user(&cur, (const void __user *)uaddr, 4)) {
		futex_unqueue(&w);
		return -EFAULT;
	}
	if (cur != val)
		return futex_unqueue(&w) ? 0 : -EAGAIN;
	ret = futex_sleep(&w, deadline);
	if (ret == -EINTR && deadline) {
		/* resume with the same absolute deadline unless a handler runs */
		struct restart_block *rb = &current_task()->user.restart;
		rb->fn = futex_wait_restart;
		rb->arg[0] = uaddr;
		rb->arg[1] = val | (uint64_t)bitset << 32;
		rb->arg[2] = deadline;
		rb->arg[3] = private;
		return -ERESTART_RESTARTBLOCK;
	}
	return ret == -EINTR ? -ERESTARTSYS : ret;
}

static long futex_wait_restart(struct restart_block *rb)
{
	return futex_wait(rb->arg[0], rb->arg[3], (uint32_t)rb->arg[1], rb->arg[2],
			  (uint32_t)(rb->arg[1] >> 32));
}

static long futex_wake(uint64_t uaddr, bool private, int n, uint32_t bitset)
{
	struct futex_key k;
	int ret;

	if (!bitset)
		return -EINVAL;
	ret = get_key(uaddr, private, &k);
	if (ret)
		return ret;
	return futex_wake_key(&k, n, bitset);
}

static long futex_requeue(uint64_t u1, uint64_t u2, bool private, int nwake, int nmove,
			  bool cmp, uint32_t val3)
{
	struct futex_key k1, k2;
	uint32_t cur;
	int ret;

	if (nwake < 0 || nmove < 0)
		return -EINVAL;
	ret = get_key(u1, private, &k1);
	if (!ret)
		ret = get_key(u2, private, &k2);
	if (ret)
		return ret;
	if (cmp) {
		if (copy_from_user(&cur, (const void __user *)u1, 4))
			return -EFAULT;
		if (cur != val3)
			return -EAGAIN;
	}
	return futex_requeue_key(&k1, &k2, nwake, nmove);
}

/* FUTEX_WAKE_OP's operation and comparison (linux/futex.h encoding). */
int futex_op_eval(uint32_t encoded, uint32_t old, uint32_t *new_val)
{
	unsigned op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
	int32_t oparg = (int32_t)(encoded << 8) >> 20;
	int32_t cmparg = (int32_t)(encoded << 20) >> 20;

	if ((encoded >> 28) & 8) {
		if (oparg < 0 || oparg > 31)
			return -EINVAL;
		oparg = (int32_t)(1u << oparg);
	}
	switch (op) {
	case 0: *new_val = (uint32_t)oparg; break;		/* SET */
	case 1: *new_val = old + (uint32_t)oparg; break;	/* ADD */
	case 2: *new_val = old | (uint32_t)oparg; break;	/* OR */
	case 3: *new_val = old & ~(uint32_t)oparg; break;	/* ANDN */
	case 4: *new_val = old ^ (uint32_t)oparg; break;	/* XOR */
	default: return -ENOSYS;
	}
	switch (cmp) {
	case 0: return (int32_t)old == cmparg;
	case 1: return (int32_t)old != cmparg;
	case 2: return (int32_t)old < cmparg;
	case 3: return (int32_t)old <= cmparg;
	case 4: return (int32_t)old > cmparg;
	case 5: return (int32_t)old >= cmparg;
	default: return -ENOSYS;
	}
}

static long futex_wake_op(uint64_t u1, uint64_t u2, bool private, int n1, int n2,
			  uint32_t val3)
{
	struct futex_key k1, k2;
	uint32_t old, new_val;
	int ret, cond, woken;

	ret = get_key(u1, private, &k1);
	if (!ret)
		ret = get_key(u2, private, &k2);
	if (ret)
		return ret;
	/* the update runs with preemption off on a present, writable page: it cannot sleep */
	for (;;) {
		pte_t *pte;
		if ((u2 & 3) || fault_in_writable(u2))
			return -EFAULT;
		preempt_disable();
		pte = user_pte(u2);
		if (pte && (*pte & PTE_W))
			break;
		preempt_enable();	/* unmapped meanwhile: fault it in again */
	}
	ret = (int)arch_copy_from_user(&old, (const void __user *)u2, 4);
	cond = ret ? 0 : futex_op_eval(val3, old, &new_val);
	if (!ret && cond >= 0)
		ret = (int)arch_copy_to_user((void __user *)u2, &new_val, 4);
	preempt_enable();
	if (ret)
		return -EFAULT;
	if (cond < 0)
		return cond;
	woken = futex_wake_key(&k1, n1, FUTEX_BITSET_ANY);
	if (cond)
		woken += futex_wake_key(&k2, n2, FUTEX_BITSET_ANY);
	return woken;
}

static int timeout_deadline(const struct k_timespec __user *uts, bool absolute,
			    bool realtime, uint64_t *deadline)
{
	struct k_timespec ts;
	uint64_t ns, off;

	*deadline = 0;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (!timespec_valid(&ts))
		return -EINVAL;
	ns = timespec_to_ns(&ts);
	if (!absolute) {
		*deadline = deadline_after(ns);
	} else {
		off = realtime ? time_realtime_offset_ns() : 0;
		*deadline = ns > off ? ns - off : 1;
	}
	if (!*deadline)
		*deadline = 1;
	return 0;
}

long sys_futex(uint32_t __user *uaddr, int op, uint32_t val,
	       const struct k_timespec __user *timeout, uint32_t __user *uaddr2, uint32_t val3)
{
	bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
	uint64_t a = (uint64_t)uaddr, a2 = (uint64_t)uaddr2, deadline;
	int cmd = op & FUTEX_CMD_MASK;
	int nr2 = (int)(uint64_t)timeout;	/* val2 for the requeue/wake_op commands */
	int ret;

	if (realtime && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		ret = timeout_deadline(timeout, cmd == FUTEX_WAIT_BITSET, realtime, &deadline);
		if (ret)
			return ret;
		return futex_wait(a, private, val, deadline,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_ANY : val3);
	case FUTEX_WAKE:
		return futex_wake(a, private, (int)val, FUTEX_BITSET_ANY);
	case FUTEX_WAKE_BITSET:
		return futex_wake(a, private, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(a, a2, private, (int)val, nr2, false, 0);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(a, a2, private, (int)val, nr2, true, val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(a, a2, private, (int)val, nr2, val3);
	default:
		return -ENOSYS;
	}
}

/* Robust futex lists (set_robust_list): walked at thread exit. */
struct robust_list_head {
	uint64_t next;
	int64_t futex_offset;
	uint64_t list_op_pending;
};

long sys_set_robust_list(void __user *head, size_t len)
{
	if (len != sizeof(struct robust_list_head))
		return -EINVAL;
	current_task()->user.robust_list = (uint64_t)head;
	current_task()->user.robust_len = len;
	return 0;
}

long sys_get_robust_list(int tid, uint64_t __user *head, size_t __user *len)
{
	struct task *t = current_task();

	if (tid && tid != t->tid)
		return -EPERM;	/* other threads' lists: not kept reachable here */
	if (put_user(t->user.robust_list, head) ||
	    put_user((size_t)sizeof(struct robust_list_head), len))
		return -EFAULT;
	return 0;
}

/* Marks a futex held by the dying thread OWNER_DIED and wakes a waiter. */
static void futex_owner_died(uint64_t uaddr, int tid)
{
	uint32_t v, nv;

	if ((uaddr & 3) || copy_from_user(&v, (const void __user *)uaddr, 4))
		return;
	if ((v & FUTEX_TID_MASK) != (uint32_t)tid)
		return;
	nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (copy_to_user((void __user *)uaddr, &nv, 4))
		return;
	if (v & FUTEX_WAITERS) {
		futex_wake(uaddr, true, 1, FUTEX_BITSET_ANY);
		futex_wake(uaddr, false, 1, FUTEX_BITSET_ANY);
	}
}

void futex_exit_robust_list(struct task *t)
{
	struct robust_list_head h;
	uint64_t entry, pending;
	int limit = 2048;

	if (!t->user.robust_list ||
	    copy_from_user(&h, (const void __user *)t->user.robust_list, sizeof(h)))
		return;
	pending = h.list_op_pending & ~1ull;
	for (entry = h.next & ~1ull; entry != t->user.robust_list && limit--; ) {
		uint64_t next;
		if (copy_from_user(&next, (const void __user *)entry, 8))
			return;
		if (entry != pending)
			futex_owner_died(entry + h.futex_offset, t->tid);
		entry = next & ~1ull;
	}
	if (pending)
		futex_owner_died(pending + h.futex_offset, t->tid);
	t->user.robust_list = 0;
}

void futex_wake_address(uint64_t uaddr)
{
	futex_wake(uaddr, true, 1, FUTEX_BITSET_ANY);
	futex_wake(uaddr, false, 1, FUTEX_BITSET_ANY);
}
