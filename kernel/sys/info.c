/*
 * info.c - who and where am I: ids, uname, host names, sysinfo, getrandom, prctl,
 * personality, arch_prctl.
 *
 * The host and domain names are global (one UTS namespace), guarded by uts_lock.
 */
#include <aegis/arch.h>
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/proc.h>
#include <aegis/random.h>
#include <aegis/string.h>
#include <aegis/syscall.h>
#include <aegis/time.h>
#include <aegis/uaccess.h>
#include <asm/cpu.h>

#define UTS_LEN	65

static struct spinlock uts_lock = SPINLOCK_INIT("uts");
static char hostname[UTS_LEN] = "aegis";	/* [uts_lock] */
static char domainname[UTS_LEN] = "(none)";	/* [uts_lock] */

long sys_getpid(void) { return current_proc()->pid; }
long sys_gettid(void) { return current_task()->tid; }

long sys_getppid(void)
{
	struct process *p = current_proc();
	int ppid;

	spin_lock(&proc_lock);
	ppid = p->parent ? p->parent->pid : 0;
	spin_unlock(&proc_lock);
	return ppid;
}

long sys_set_tid_address(int __user *tidptr)
{
	current_task()->user.clear_child_tid = (uint64_t)tidptr;
	return current_task()->tid;
}

struct utsname {
	char sysname[UTS_LEN], nodename[UTS_LEN], release[UTS_LEN];
	char version[UTS_LEN], machine[UTS_LEN], domainname[UTS_LEN];
};

long sys_uname(struct utsname __user *buf)
{
	struct utsname u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Linux", UTS_LEN);
	strlcpy(u.release, "6.1.0-aegis", UTS_LEN);
	strlcpy(u.version, "Aegis 0.1.0", UTS_LEN);
	strlcpy(u.machine, "x86_64", UTS_LEN);
	spin_lock(&uts_lock);
	memcpy(u.nodename, hostname, UTS_LEN);
	memcpy(u.domainname, domainname, UTS_LEN);
	spin_unlock(&uts_lock);
	return copy_to_user(buf, &u, sizeof(u)) ? -EFAULT : 0;
}

static long set_uts(char *dst, const char __user *name, int len)
{
	char buf[UTS_LEN];

	if (!cred_is_root(&current_proc()->cred))
		return -EPERM;
	if (len < 0 || len >= UTS_LEN)
		return -EINVAL;
	if (copy_from_user(buf, name, len))
		return -EFAULT;
	buf[len] = '\0';
	spin_lock(&uts_lock);
	memset(dst, 0, UTS_LEN);
	memcpy(dst, buf, len + 1);
	spin_unlock(&uts_lock);
	return 0;
}

long sys_sethostname(const char __user *name, int len) { return set_uts(hostname, name, len); }
long sys_setdomainname(const char __user *name, int len) { return set_uts(domainname, name, len); }

struct k_sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char _f[0];
};

static void count_proc(struct process *p, void *arg)
{
	(void)p;
	(*(int *)arg)++;
}

long sys_sysinfo(struct k_sysinfo __user *info)
{
	struct k_sysinfo si;
	int procs = 0;

	memset(&si, 0, sizeof(si));
	proc_for_each(count_proc, &procs);
	si.uptime = (int64_t)(time_ns() / NSEC_PER_SEC);
	si.totalram = pmm_total_pages_count() * PAGE_SIZE;
	si.freeram = pmm_free_pages_count() * PAGE_SIZE;
	si.procs = (uint16_t)procs;
	si.mem_unit = 1;
	return copy_to_user(info, &si, sizeof(si)) ? -EFAULT : 0;
}

#define GRND_NONBLOCK	1
#define GRND_RANDOM	2
#define GRND_INSECURE	4

long sys_getrandom(void __user *buf, size_t len, unsigned flags)
{
	uint8_t chunk[256];
	size_t done = 0;

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) ||
	    (flags & GRND_RANDOM && flags & GRND_INSECURE))
		return -EINVAL;
	if (len > 0x1ffffff)
		len = 0x1ffffff;	/* Linux caps one call at 32 MiB - 1 */
	while (done < len) {
		size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
		get_random_bytes(chunk, n);
		if (copy_to_user((uint8_t __user *)buf + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
		if (done < len && task_signal_pending(current_task()))
			return (long)done;
	}
	memset(chunk, 0, sizeof(chunk));
	return (long)done;
}

long sys_personality(unsigned long persona)
{
	/* PER_LINUX (0) only; 0xffffffff queries */
	if (persona != 0xffffffffu && persona != 0)
		return -EINVAL;
	return 0;
}

#define PR_SET_PDEATHSIG	1
#define PR_GET_PDEATHSIG	2
#define PR_GET_DUMPABLE		3
#define PR_SET_DUMPABLE		4
#define PR_SET_NAME		15
#define PR_GET_NAME		16
#define PR_SET_NO_NEW_PRIVS	38
#define PR_GET_NO_NEW_PRIVS	39
#define PR_SET_CHILD_SUBREAPER	36
#define PR_GET_CHILD_SUBREAPER	37

long sys_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4,
	       unsigned long a5)
{
	struct process *p = current_proc();
	char name[16];
	long ret;

	switch (option) {
	case PR_SET_NAME:
		ret = strncpy_from_user(name, (const char __user *)a2, sizeof(name));
		if (ret == -ENAMETOOLONG) {
			if (copy_from_user(name, (const char __user *)a2, sizeof(name) - 1))
				return -EFAULT;
			name[sizeof(name) - 1] = '\0';
		} else if (ret < 0) {
			return ret;
		}
		spin_lock(&p->lock);
		strlcpy(p->comm, name, sizeof(p->comm));
		spin_unlock(&p->lock);
		strlcpy(current_task()->name, name, sizeof(current_task()->name));
		return 0;
	case PR_GET_NAME:
		spin_lock(&p->lock);
		memcpy(name, p->comm, sizeof(name));
		spin_unlock(&p->lock);
		name[sizeof(name) - 1] = '\0';
		return copy_to_user((void __user *)a2, name, sizeof(name)) ? -EFAULT : 0;
	case PR_SET_PDEATHSIG:
		if (a2 > NSIG)
			return -EINVAL;
		p->pdeath_signal = (int)a2;
		return 0;
	case PR_GET_PDEATHSIG:
		return put_user(p->pdeath_signal, (int __user *)a2) ? -EFAULT : 0;
	case PR_SET_DUMPABLE:
		if (a2 > 1)
			return -EINVAL;
		p->undumpable = !a2;
		return 0;
	case PR_GET_DUMPABLE:
		return !p->undumpable;
	case PR_SET_NO_NEW_PRIVS:
		if (a2 != 1 || a3 || a4 || a5)
			return -EINVAL;
		p->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (a2 || a3 || a4 || a5)
			return -EINVAL;
		return p->no_new_privs;
	case PR_SET_CHILD_SUBREAPER:
		p->child_subreaper = a2 != 0;
		return 0;
	case PR_GET_CHILD_SUBREAPER:
		return put_user((int)p->child_subreaper, (int __user *)a2) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}

#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define ARCH_GET_GS	0x1004

static bool canonical_user(uint64_t a)
{
	return a < USER_TOP;
}

long sys_arch_prctl(int code, unsigned long addr)
{
	struct task *t = current_task();
	unsigned long flags;

	switch (code) {
	case ARCH_SET_FS:
		if (!canonical_user(addr))
			return -EPERM;
		flags = arch_irq_save();
		t->user.fs_base = addr;
		wrmsr(MSR_FS_BASE, addr);
		arch_irq_restore(flags);
		return 0;
	case ARCH_SET_GS:
		if (!canonical_user(addr))
			return -EPERM;
		flags = arch_irq_save();
		t->user.gs_base = addr;
		wrmsr(MSR_KERNEL_GS_BASE, addr);	/* the user's, swapped in on return */
		arch_irq_restore(flags);
		return 0;
	case ARCH_GET_FS:
		return put_user(t->user.fs_base, (uint64_t __user *)addr) ? -EFAULT : 0;
	case ARCH_GET_GS:
		return put_user(t->user.gs_base, (uint64_t __user *)addr) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}
