/*
 * pid.c - process and thread ids.  Ids are handed out in increasing order and
 * wrap at PID_MAX, as Linux does, so a just-freed id is not reused at once (a
 * late kill() must not hit a newcomer).  Id 1 is kept for init.
 */
#include <aegis/sched.h>
#include <aegis/spinlock.h>

#define PID_MAX		32768

static uint64_t pid_bitmap[PID_MAX / 64];	/* [pid_lock] 1 = in use */
static int pid_next = 2;			/* [pid_lock] */
static struct spinlock pid_lock = SPINLOCK_INIT("pid");

static bool pid_test_and_set(int pid)
{
	uint64_t bit = 1ull << (pid % 64);

	if (pid_bitmap[pid / 64] & bit)
		return false;
	pid_bitmap[pid / 64] |= bit;
	return true;
}

/* Returns a free id >= 2, or -1 when all are taken. */
int tid_alloc(void)
{
	unsigned long flags = spin_lock_irqsave(&pid_lock);
	int pid = -1;

	for (int tries = 0; tries < PID_MAX; tries++) {
		int candidate = pid_next++;
		if (pid_next >= PID_MAX)
			pid_next = 2;
		if (candidate >= 2 && pid_test_and_set(candidate)) {
			pid = candidate;
			break;
		}
	}
	spin_unlock_irqrestore(&pid_lock, flags);
	return pid;
}

/* Claims a specific id (1 for init); false if it is taken. */
bool tid_claim(int pid)
{
	unsigned long flags = spin_lock_irqsave(&pid_lock);
	bool ok = pid > 0 && pid < PID_MAX && pid_test_and_set(pid);

	spin_unlock_irqrestore(&pid_lock, flags);
	return ok;
}

void tid_free(int pid)
{
	unsigned long flags;

	if (pid <= 0 || pid >= PID_MAX)
		return;
	flags = spin_lock_irqsave(&pid_lock);
	pid_bitmap[pid / 64] &= ~(1ull << (pid % 64));
	spin_unlock_irqrestore(&pid_lock, flags);
}
