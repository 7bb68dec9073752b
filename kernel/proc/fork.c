/*
 * fork.c - new processes and threads: clone (the flag sets musl's fork,
 * pthread_create and posix_spawn use, and glibc's), fork and vfork.
 *
 * The child's first return to user mode is a copy of the parent's syscall frame
 * with rax = 0, placed at the top of the child's kernel stack.
 */
#include <aegis/arch.h>
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/syscall.h>
#include <aegis/uaccess.h>
#include <aegis/vfs.h>
#include <aegis/vm.h>
#include <asm/cpu.h>
#include <asm/trap.h>

#define CSIGNAL			0x000000ff
#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_PIDFD		0x00001000
#define CLONE_PTRACE		0x00002000
#define CLONE_VFORK		0x00004000
#define CLONE_PARENT		0x00008000
#define CLONE_THREAD		0x00010000
#define CLONE_NEWNS		0x00020000
#define CLONE_SYSVSEM		0x00040000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_DETACHED		0x00400000
#define CLONE_UNTRACED		0x00800000
#define CLONE_CHILD_SETTID	0x01000000
#define CLONE_NEWCGROUP		0x02000000
#define CLONE_NEWUTS		0x04000000
#define CLONE_NEWIPC		0x08000000
#define CLONE_NEWUSER		0x10000000
#define CLONE_NEWPID		0x20000000
#define CLONE_NEWNET		0x40000000
#define CLONE_IO		0x80000000

#define CLONE_SUPPORTED (CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
	CLONE_PTRACE | CLONE_VFORK | CLONE_PARENT | CLONE_THREAD | CLONE_SYSVSEM | \
	CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | \
	CLONE_UNTRACED | CLONE_CHILD_SETTID | CLONE_IO)

void arch_thread_init_user(struct task *t, void (*fn)(void *), void *arg);
void arch_enter_user(struct trap_frame *f) __noreturn;
int fpu_alloc(struct task *t, const struct task *from);
void fpu_save_current(void);
struct process *proc_alloc(int pid);
void proc_link(struct process *p, struct process *parent);
struct sighand *sighand_alloc(const struct sighand *copy);
void sighand_put(struct sighand *sh);

struct vfork_done {
	struct wait_queue wq;
	bool done;
};

/* Where every new user thread starts: straight out to user mode. */
static void user_thread_start(void *unused)
{
	struct trap_frame *f = current_user_frame();

	arch_irq_disable();
	trap_return_to_user(f);
	arch_enter_user(f);
}

/* Copies what a new process inherits; shares what the flags say to share. */
static int copy_process_state(struct process *p, struct process *cur, uint64_t flags)
{
	p->cred = cur->cred;
	p->pgid = cur->pgid;
	p->sid = cur->sid;
	p->tty = cur->tty;
	memcpy(p->rlim, cur->rlim, sizeof(p->rlim));
	memcpy(p->comm, cur->comm, sizeof(p->comm));
	p->exit_signal = flags & CSIGNAL;
	p->nice = cur->nice;
	p->no_new_privs = cur->no_new_privs;
	p->undumpable = cur->undumpable;
	if (cur->cmdline_copy && (p->cmdline_copy = kmalloc(cur->cmdline_len)))
		memcpy(p->cmdline_copy, cur->cmdline_copy, p->cmdline_len = cur->cmdline_len);
	if (cur->environ_copy && (p->environ_copy = kmalloc(cur->environ_len)))
		memcpy(p->environ_copy, cur->environ_copy, p->environ_len = cur->environ_len);
	if (cur->exe) {
		file_get(cur->exe);
		p->exe = cur->exe;
	}
	if (flags & CLONE_VM) {
		vm_get(cur->mm);
		p->mm = cur->mm;
	} else if (!(p->mm = vm_clone(cur->mm))) {
		return -ENOMEM;
	}
	if (flags & CLONE_FILES) {
		files_get(cur->files);
		p->files = cur->files;
	} else if (!(p->files = files_clone(cur->files))) {
		return -ENOMEM;
	}
	if (flags & CLONE_FS) {
		fs_get(cur->fs);
		p->fs = cur->fs;
	} else if (!(p->fs = fs_clone(cur->fs))) {
		return -ENOMEM;
	}
	if (flags & CLONE_SIGHAND) {
		__atomic_add_fetch(&cur->sighand->refcount, 1, __ATOMIC_RELAXED);
		p->sighand = cur->sighand;
	} else if (!(p->sighand = sighand_alloc(cur->sighand))) {
		return -ENOMEM;
	}
	return 0;
}

/* Undoes copy_process_state for a process that never ran. */
static void drop_process_state(struct process *p)
{
	if (p->mm)
		vm_put(p->mm);
	if (p->files)
		files_put(p->files);
	if (p->fs)
		fs_put(p->fs);
	if (p->exe)
		file_put(p->exe);
	sighand_put(p->sighand);
	tid_free(p->pid);
	proc_put(p);
}

static int validate_flags(uint64_t flags)
{
	if (flags & ~(uint64_t)CLONE_SUPPORTED)
		return -EINVAL;		/* namespaces, pidfds: not yet */
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	return 0;
}

/* Sets up the child's registers, TLS and thread-id words. */
static int init_child_thread(struct task *t, struct task *ct, struct process *p,
			     uint64_t flags, uint64_t newsp, int __user *ctid, uint64_t tls)
{
	struct trap_frame *cf = (struct trap_frame *)((char *)t->kstack + KSTACK_SIZE) - 1;
	int tid = t->tid;

	*cf = *current_user_frame();
	cf->rax = 0;
	if (newsp)
		cf->rsp = newsp;
	fpu_save_current();
	if (fpu_alloc(t, ct))
		return -ENOMEM;
	t->proc = p;
	t->user.blocked = ct->user.blocked;
	t->user.fs_base = (flags & CLONE_SETTLS) ? tls : rdmsr(MSR_FS_BASE);
	t->user.gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	if (!((flags & CLONE_VM) && !(flags & CLONE_VFORK)))
		t->user.altstack = ct->user.altstack;
	else
		t->user.altstack.ss_flags = SS_DISABLE;
	if (flags & CLONE_CHILD_CLEARTID)
		t->user.clear_child_tid = (uint64_t)ctid;
	if (flags & CLONE_CHILD_SETTID) {
		long err = (flags & CLONE_VM) ? copy_to_user(ctid, &tid, sizeof(tid))
			   : vm_access(p->mm, (vaddr_t)ctid, &tid, sizeof(tid), true);
		if (err < 0)
			return -EFAULT;
	}
	arch_thread_init_user(t, user_thread_start, NULL);
	return 0;
}

static void vfork_wait(struct vfork_done *vd);

long do_clone(uint64_t flags, uint64_t newsp, int __user *ptid, int __user *ctid,
	      uint64_t tls)
{
	struct task *ct = current_task(), *t;
	struct process *cur = current_proc(), *p;
	struct vfork_done vd;
	unsigned long irq;
	int err, tid;

	if ((err = validate_flags(flags)))
		return err;
	if (flags & CLONE_THREAD) {
		p = cur;
		t = task_alloc(cur->comm, 0);
		if (!t)
			return -EAGAIN;
	} else {
		int pid = tid_alloc();
		if (pid < 0)
			return -EAGAIN;
		p = proc_alloc(pid);
		if (!p) {
			tid_free(pid);
			return -ENOMEM;
		}
		err = copy_process_state(p, cur, flags);
		t = err ? NULL : task_alloc(cur->comm, pid);
		if (!t) {
			drop_process_state(p);
			return err ? err : -ENOMEM;
		}
	}
	tid = t->tid;
	err = init_child_thread(t, ct, p, flags, newsp, ctid, tls);
	if (!err && (flags & CLONE_PARENT_SETTID) && copy_to_user(ptid, &tid, sizeof(tid)))
		err = -EFAULT;
	if (err) {
		t->proc = NULL;
		kthread_reap(t);
		if (p != cur)
			drop_process_state(p);
		return err;
	}
	irq = spin_lock_irqsave(&p->lock);
	list_add_tail(&p->threads, &t->user.thread_node);
	p->nr_threads++;
	spin_unlock_irqrestore(&p->lock, irq);
	if (p != cur) {
		if (flags & CLONE_VFORK) {
			wq_init(&vd.wq);
			vd.done = false;
			p->vfork_done = &vd;
		}
		proc_link(p, (flags & CLONE_PARENT) && cur->parent ? cur->parent : cur);
	}
	t->joinable = false;
	kthread_start(t);
	if (p != cur && (flags & CLONE_VFORK))
		vfork_wait(&vd);
	return tid;
}

static bool vfork_is_done(void *arg)
{
	return __atomic_load_n(&((struct vfork_done *)arg)->done, __ATOMIC_ACQUIRE);
}

/* The parent of a vfork sleeps until the child has exec'd or exited. */
static void vfork_wait(struct vfork_done *vd)
{
	wq_wait(&vd->wq, vfork_is_done, vd, false, 0);
}

/* Called by exec and exit: lets a vfork parent go on. */
void vfork_release(struct process *p)
{
	struct vfork_done *vd = p->vfork_done;

	if (!vd)
		return;
	p->vfork_done = NULL;
	__atomic_store_n(&vd->done, true, __ATOMIC_RELEASE);
	wq_wake_all(&vd->wq);
}

long sys_clone(uint64_t flags, uint64_t newsp, int __user *ptid, int __user *ctid,
	       uint64_t tls)
{
	return do_clone(flags, newsp, ptid, ctid, tls);
}

long sys_fork(void)
{
	return do_clone(SIGCHLD, 0, NULL, NULL, 0);
}

long sys_vfork(void)
{
	return do_clone(CLONE_VFORK | CLONE_VM | SIGCHLD, 0, NULL, NULL, 0);
}
