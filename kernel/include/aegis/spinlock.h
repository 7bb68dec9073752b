/*
 * spinlock.h - ticket spinlocks.  spin_lock_irqsave() is the form to use for data
 * touched from interrupt handlers; plain spin_lock() is for data that never is.
 * Ticket order keeps waiters fair once SMP arrives.
 */
#ifndef AEGIS_SPINLOCK_H
#define AEGIS_SPINLOCK_H

#include <aegis/arch.h>
#include <aegis/percpu.h>

struct spinlock {
	volatile uint16_t next;
	volatile uint16_t owner;
	const char *name;
};

#define SPINLOCK_INIT(n) { 0, 0, n }

static inline void spin_init(struct spinlock *l, const char *name)
{
	l->next = l->owner = 0;
	l->name = name;
}

void preempt_disable(void);
void preempt_enable(void);

/* Holding a spinlock disables preemption: a waiter on one CPU must not spin
 * while the holder is preempted. */
static inline void spin_lock(struct spinlock *l)
{
	preempt_disable();
	uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		arch_cpu_relax();
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
	preempt_enable();
}

static inline bool spin_is_locked(struct spinlock *l)
{
	return l->owner != l->next;
}

static inline unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long flags = arch_irq_save();

	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags)
{
	spin_unlock(l);
	arch_irq_restore(flags);
}

#endif
