/*
 * cred.c - user and group identities: the get/set*id family with Linux's rules.
 *
 * "Privileged" is euid 0 (Aegis has no capability sets beyond root/non-root).
 * The fsuid/fsgid follow the effective ids on every change, as in Linux.  The
 * process's cred is guarded by p->lock; each call updates it in one critical
 * section so other threads never see half a change.
 */
#include <aegis/errno.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/uaccess.h>

#define NO_ID	0xffffffffu

bool cred_is_root(const struct cred *c)
{
	return c->euid == 0;
}

bool cred_in_group(const struct cred *c, uint32_t gid)
{
	if (c->fsgid == gid || c->egid == gid)
		return true;
	for (int i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

long sys_getuid(void) { return current_proc()->cred.uid; }
long sys_geteuid(void) { return current_proc()->cred.euid; }
long sys_getgid(void) { return current_proc()->cred.gid; }
long sys_getegid(void) { return current_proc()->cred.egid; }

/* One id triple (real, effective, saved) plus fs id; uid and gid share the rules. */
struct idset {
	uint32_t *r, *e, *s, *fs;
};

static struct idset uids(struct cred *c)
{
	return (struct idset){ &c->uid, &c->euid, &c->suid, &c->fsuid };
}

static struct idset gids(struct cred *c)
{
	return (struct idset){ &c->gid, &c->egid, &c->sgid, &c->fsgid };
}

static bool is_one_of(const struct idset *s, uint32_t id)
{
	return id == *s->r || id == *s->e || id == *s->s;
}

static long set_resid(bool user, uint32_t r, uint32_t e, uint32_t s)
{
	struct process *p = current_proc();
	long ret = 0;

	spin_lock(&p->lock);
	{
		bool root = cred_is_root(&p->cred);
		struct idset ids = user ? uids(&p->cred) : gids(&p->cred);
		if (!root && ((r != NO_ID && !is_one_of(&ids, r)) ||
			      (e != NO_ID && !is_one_of(&ids, e)) ||
			      (s != NO_ID && !is_one_of(&ids, s)))) {
			ret = -EPERM;
		} else {
			if (r != NO_ID)
				*ids.r = r;
			if (e != NO_ID)
				*ids.e = e;
			if (s != NO_ID)
				*ids.s = s;
			*ids.fs = *ids.e;
		}
	}
	spin_unlock(&p->lock);
	return ret;
}

long sys_setresuid(uint32_t r, uint32_t e, uint32_t s) { return set_resid(true, r, e, s); }
long sys_setresgid(uint32_t r, uint32_t e, uint32_t s) { return set_resid(false, r, e, s); }

static long get_resid(bool user, uint32_t __user *r, uint32_t __user *e, uint32_t __user *s)
{
	struct idset ids = user ? uids(&current_proc()->cred) : gids(&current_proc()->cred);

	if (put_user(*ids.r, r) || put_user(*ids.e, e) || put_user(*ids.s, s))
		return -EFAULT;
	return 0;
}

long sys_getresuid(uint32_t __user *r, uint32_t __user *e, uint32_t __user *s)
{
	return get_resid(true, r, e, s);
}

long sys_getresgid(uint32_t __user *r, uint32_t __user *e, uint32_t __user *s)
{
	return get_resid(false, r, e, s);
}

/*
 * setreuid: a non-root caller may set real to real or effective, effective to
 * real, effective or saved.  The saved id becomes the new effective id when the
 * real id is set or the effective id differs from the old real id.
 */
static long set_reid(bool user, uint32_t r, uint32_t e)
{
	struct process *p = current_proc();
	long ret = 0;

	spin_lock(&p->lock);
	{
		bool root = cred_is_root(&p->cred);
		struct idset ids = user ? uids(&p->cred) : gids(&p->cred);
		uint32_t old_r = *ids.r;
		if (!root && ((r != NO_ID && r != *ids.r && r != *ids.e) ||
			      (e != NO_ID && !is_one_of(&ids, e)))) {
			ret = -EPERM;
		} else {
			if (r != NO_ID)
				*ids.r = r;
			if (e != NO_ID)
				*ids.e = e;
			if (r != NO_ID || (e != NO_ID && e != old_r))
				*ids.s = *ids.e;
			*ids.fs = *ids.e;
		}
	}
	spin_unlock(&p->lock);
	return ret;
}

long sys_setreuid(uint32_t r, uint32_t e) { return set_reid(true, r, e); }
long sys_setregid(uint32_t r, uint32_t e) { return set_reid(false, r, e); }

/* setuid: root sets all three; others only the effective id, to real or saved. */
static long set_id(bool user, uint32_t id)
{
	struct process *p = current_proc();
	long ret = 0;

	if (id == NO_ID)
		return -EINVAL;
	spin_lock(&p->lock);
	{
		struct idset ids = user ? uids(&p->cred) : gids(&p->cred);
		if (cred_is_root(&p->cred)) {
			*ids.r = *ids.e = *ids.s = id;
		} else if (id == *ids.r || id == *ids.s) {
			*ids.e = id;
		} else {
			ret = -EPERM;
		}
		if (!ret)
			*ids.fs = *ids.e;
	}
	spin_unlock(&p->lock);
	return ret;
}

long sys_setuid(uint32_t uid) { return set_id(true, uid); }
long sys_setgid(uint32_t gid) { return set_id(false, gid); }

/* setfsuid: always returns the old value; changes it only if permitted. */
static long set_fsid(bool user, uint32_t id)
{
	struct process *p = current_proc();
	uint32_t old;

	spin_lock(&p->lock);
	{
		struct idset ids = user ? uids(&p->cred) : gids(&p->cred);
		old = *ids.fs;
		if (id != NO_ID && (cred_is_root(&p->cred) || is_one_of(&ids, id) ||
				    id == *ids.fs))
			*ids.fs = id;
	}
	spin_unlock(&p->lock);
	return old;
}

long sys_setfsuid(uint32_t id) { return set_fsid(true, id); }
long sys_setfsgid(uint32_t id) { return set_fsid(false, id); }

long sys_getgroups(int size, uint32_t __user *list)
{
	struct cred c = current_proc()->cred;

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c.ngroups;
	if (size < c.ngroups)
		return -EINVAL;
	if (copy_to_user(list, c.groups, c.ngroups * sizeof(uint32_t)))
		return -EFAULT;
	return c.ngroups;
}

long sys_setgroups(int size, const uint32_t __user *list)
{
	struct process *p = current_proc();
	uint32_t groups[NGROUPS_MAX];

	if (!cred_is_root(&p->cred))
		return -EPERM;
	if (size < 0 || size > NGROUPS_MAX)
		return -EINVAL;
	if (size && copy_from_user(groups, list, size * sizeof(uint32_t)))
		return -EFAULT;
	spin_lock(&p->lock);
	memcpy(p->cred.groups, groups, size * sizeof(uint32_t));
	p->cred.ngroups = size;
	spin_unlock(&p->lock);
	return 0;
}

/* capget/capset: version 3 headers; root holds every capability, others none. */
struct cap_header {
	uint32_t version;
	int pid;
};

struct cap_data {
	uint32_t effective, permitted, inheritable;
};

#define CAP_V1	0x19980330
#define CAP_V2	0x20071026
#define CAP_V3	0x20080522

long sys_capget(struct cap_header __user *uh, struct cap_data __user *ud)
{
	struct cap_header h;
	struct cap_data d[2];
	bool root;
	int n;

	if (copy_from_user(&h, uh, sizeof(h)))
		return -EFAULT;
	if (h.version != CAP_V1 && h.version != CAP_V2 && h.version != CAP_V3) {
		h.version = CAP_V3;
		return put_user(h.version, &uh->version) ? -EFAULT : -EINVAL;
	}
	if (h.pid < 0)
		return -EINVAL;
	if (h.pid && h.pid != current_proc()->pid) {
		struct process *p = proc_find(h.pid);
		if (!p)
			return -ESRCH;
		root = cred_is_root(&p->cred);
		proc_put(p);
	} else {
		root = cred_is_root(&current_proc()->cred);
	}
	n = h.version == CAP_V1 ? 1 : 2;
	memset(d, 0, sizeof(d));
	if (root) {
		d[0].effective = d[0].permitted = 0xffffffffu;
		d[1].effective = d[1].permitted = 0x1ff;	/* caps 32..40 */
	}
	if (ud && copy_to_user(ud, d, n * sizeof(d[0])))
		return -EFAULT;
	return 0;
}

long sys_capset(struct cap_header __user *uh, const struct cap_data __user *ud)
{
	struct cap_header h;

	if (copy_from_user(&h, uh, sizeof(h)))
		return -EFAULT;
	if (h.pid && h.pid != current_proc()->pid)
		return -EPERM;
	/* dropping capabilities is accepted and ignored; root stays root */
	return 0;
}
