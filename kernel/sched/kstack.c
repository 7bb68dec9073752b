/*
 * kstack.c - kernel stacks.  Each is a vmalloc area, so an unmapped guard page
 * sits below it and an overflow faults (and is reported as such) instead of
 * silently corrupting a neighbour.  Freed stacks are kept in a small cache, so
 * creating threads (fork) rarely pays for mapping and unmapping.
 */
#include <aegis/mm.h>
#include <aegis/sched.h>
#include <aegis/spinlock.h>

#define KSTACK_CACHE	32

static struct spinlock kstack_lock = SPINLOCK_INIT("kstack");
static void *cache[KSTACK_CACHE];	/* [kstack_lock] */
static int ncached;			/* [kstack_lock] */

void *kstack_alloc(void)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);
	void *s = ncached ? cache[--ncached] : NULL;

	spin_unlock_irqrestore(&kstack_lock, flags);
	return s ? s : vmalloc(KSTACK_SIZE);
}

void kstack_free(void *s)
{
	unsigned long flags;

	if (!s)
		return;
	flags = spin_lock_irqsave(&kstack_lock);
	if (ncached < KSTACK_CACHE) {
		cache[ncached++] = s;
		s = NULL;
	}
	spin_unlock_irqrestore(&kstack_lock, flags);
	if (s)
		vfree(s);
}

/* Whether addr is in the guard page under t's stack: an overflow. */
bool kstack_guard_hit(const struct task *t, uint64_t addr)
{
	uint64_t bottom = (uint64_t)t->kstack;

	return t->kstack && addr < bottom && addr >= bottom - PAGE_SIZE;
}
