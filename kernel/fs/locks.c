/*
 * locks.c - advisory locks: flock() (per open file description) and POSIX
 * record locks (per process, byte ranges).  Conflicts are found by a linear scan
 * of the inode's list, fine for the handful of locks real programs hold.  All
 * waiters sleep on one queue and recheck on every unlock.
 *
 * Locking: [locks_lock] every list here.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/uaccess.h>

#include "internal.h"
#include "sys.h"

struct file_lock {
	struct file_lock *next;
	void *owner;			/* struct file (flock) or struct process (POSIX) */
	int pid;
	bool posix;
	int type;			/* F_RDLCK / F_WRLCK */
	uint64_t start, end;		/* inclusive */
};

static struct spinlock locks_lock = SPINLOCK_INIT("locks");
static struct wait_queue locks_wq = { SPINLOCK_INIT("locks_wq"), LIST_HEAD_INIT(locks_wq.waiters) };

/* The first lock that conflicts with want; [locks_lock] held. */
static struct file_lock *conflict(struct inode *i, const struct file_lock *want)
{
	for (struct file_lock *l = i->locks; l; l = l->next) {
		if (l->posix != want->posix || l->owner == want->owner)
			continue;
		if (l->type == F_RDLCK && want->type == F_RDLCK)
			continue;
		if (l->end < want->start || l->start > want->end)
			continue;
		return l;
	}
	return NULL;
}

/* Removes owner's locks in [start, end], splitting partial overlaps. */
static int unlock_range(struct inode *i, void *owner, bool posix, uint64_t start,
			uint64_t end, struct file_lock **spare)
{
	for (struct file_lock **pp = &i->locks; *pp;) {
		struct file_lock *l = *pp;
		if (l->owner != owner || l->posix != posix || l->end < start || l->start > end) {
			pp = &l->next;
			continue;
		}
		if (l->start < start && l->end > end) {
			struct file_lock *tail = *spare;
			if (!tail)
				return -ENOLCK;
			*spare = NULL;
			*tail = *l;
			tail->start = end + 1;
			l->end = start - 1;
			l->next = tail;
			return 0;
		}
		if (l->start < start) {
			l->end = start - 1;
		} else if (l->end > end) {
			l->start = end + 1;
		} else {
			*pp = l->next;
			kfree(l);
			continue;
		}
		pp = &l->next;
	}
	return 0;
}

struct lock_wait {
	struct inode *i;
	struct file_lock *want;
};

static bool no_conflict(void *arg)
{
	struct lock_wait *w = arg;
	return !conflict(w->i, w->want);
}

static long set_lock(struct inode *i, struct file_lock *want, bool wait)
{
	struct file_lock *nl = kzalloc(sizeof(*nl)), *spare = kzalloc(sizeof(*spare));
	long r = 0;

	if (!nl || !spare) {
		kfree(nl);
		kfree(spare);
		return -ENOLCK;
	}
	for (;;) {
		spin_lock(&locks_lock);
		if (want->type == F_UNLCK || !conflict(i, want))
			break;
		spin_unlock(&locks_lock);
		if (!wait) {
			r = -EAGAIN;
			goto out;
		}
		struct lock_wait w = { i, want };
		if (wq_wait(&locks_wq, no_conflict, &w, true, 0)) {
			r = -ERESTARTSYS;
			goto out;
		}
	}
	r = unlock_range(i, want->owner, want->posix, want->start, want->end, &spare);
	if (!r && want->type != F_UNLCK) {
		*nl = *want;
		nl->next = i->locks;
		i->locks = nl;
		nl = NULL;
	}
	spin_unlock(&locks_lock);
	wq_wake_all(&locks_wq);
out:
	kfree(nl);
	kfree(spare);
	return r;
}

long posix_lock(struct file *f, unsigned cmd, void __user *arg)
{
	struct linux_flock fl;
	struct process *p = current_proc();
	struct file_lock want = { .owner = p ? (void *)p : (void *)cur_files(), .posix = true,
				  .pid = p ? p->pid : 0 };

	if (copy_from_user(&fl, arg, sizeof(fl)))
		return -EFAULT;
	int64_t base = fl.l_whence == SEEK_SET ? 0 : fl.l_whence == SEEK_CUR ? (int64_t)f->pos
		     : fl.l_whence == SEEK_END ? (int64_t)f->inode->size : -1;
	if (base < 0 || fl.l_type < F_RDLCK || fl.l_type > F_UNLCK)
		return -EINVAL;
	int64_t start = base + fl.l_start, end;
	if (fl.l_len > 0) {
		end = start + fl.l_len - 1;
	} else if (fl.l_len < 0) {
		end = start - 1;
		start += fl.l_len;
	} else {
		end = INT64_MAX;
	}
	if (start < 0 || end < start)
		return -EINVAL;
	want.type = fl.l_type;
	want.start = start;
	want.end = end;
	if (cmd == F_GETLK) {
		spin_lock(&locks_lock);
		struct file_lock *l = conflict(f->inode, &want);
		if (l) {
			fl.l_type = l->type;
			fl.l_whence = SEEK_SET;
			fl.l_start = l->start;
			fl.l_len = l->end == INT64_MAX ? 0 : l->end - l->start + 1;
			fl.l_pid = l->pid;
		} else {
			fl.l_type = F_UNLCK;
		}
		spin_unlock(&locks_lock);
		return copy_to_user(arg, &fl, sizeof(fl)) ? -EFAULT : 0;
	}
	unsigned acc = f->flags & O_ACCMODE;
	if ((fl.l_type == F_RDLCK && acc == O_WRONLY) || (fl.l_type == F_WRLCK && acc == O_RDONLY))
		return -EBADF;
	return set_lock(f->inode, &want, cmd == F_SETLKW);
}

long do_flock(struct file *f, unsigned cmd)
{
	struct file_lock want = { .owner = f, .start = 0, .end = INT64_MAX };
	unsigned op = cmd & ~LOCK_NB;

	if (op == LOCK_SH)
		want.type = F_RDLCK;
	else if (op == LOCK_EX)
		want.type = F_WRLCK;
	else if (op == LOCK_UN)
		want.type = F_UNLCK;
	else
		return -EINVAL;
	long r = set_lock(f->inode, &want, !(cmd & LOCK_NB));
	if (!r)
		f->flock_held = want.type != F_UNLCK;
	return r == -EAGAIN ? -EAGAIN : r;
}

void flock_release(struct file *f)
{
	struct file_lock want = { .owner = f, .type = F_UNLCK, .end = INT64_MAX };
	set_lock(f->inode, &want, false);
}

/* close(): a process loses all its POSIX locks on the file (POSIX's rule). */
void locks_remove_posix(struct file *f, struct files_struct *owner)
{
	struct process *p = current_proc();
	if (!f->inode || !f->inode->locks)
		return;
	struct file_lock want = { .owner = p ? (void *)p : (void *)owner, .posix = true,
				  .type = F_UNLCK, .end = INT64_MAX };
	set_lock(f->inode, &want, false);
}
