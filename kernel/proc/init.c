/*
 * init.c - the first user process.  PID 1 starts as a kernel thread in a fresh
 * process, opens the console as its standard streams and execs the init program
 * ("init=" on the command line, default /init, then /sbin/init, /bin/sh).
 */
#include <aegis/arch.h>
#include <aegis/bootinfo.h>
#include <aegis/cmdline.h>
#include <aegis/errno.h>
#include <aegis/exec.h>
#include <aegis/panic.h>
#include <aegis/printk.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/syscall.h>
#include <aegis/vfs.h>
#include <aegis/vm.h>
#include <asm/trap.h>

#define O_RDWR	2

struct process *proc_alloc(int pid);
void proc_link(struct process *p, struct process *parent);
struct sighand *sighand_alloc(const struct sighand *copy);
int fpu_alloc(struct task *t, const struct task *from);
void arch_thread_init_user(struct task *t, void (*fn)(void *), void *arg);
void arch_enter_user(struct trap_frame *f) __noreturn;

static char init_path[128] = "/init";

static void open_console(struct process *p)
{
	struct file *f = vfs_open("/dev/console", O_RDWR, 0);

	if (IS_ERR(f)) {
		pr_warn("init: cannot open /dev/console (%ld); no standard streams\n",
			PTR_ERR(f));
		return;
	}
	for (int fd = 0; fd < 3; fd++) {
		file_get(f);
		fd_install(p->files, f, false);
	}
	file_put(f);
}

static int try_exec(const char *path)
{
	const char *argv[] = { path, NULL };
	const char *envp[] = { "HOME=/", "TERM=linux", "PATH=/sbin:/usr/sbin:/bin:/usr/bin",
			       NULL };
	struct exec_args a = { 0 };
	int err = exec_args_from_kernel(&a, argv, envp);

	if (!err)
		err = do_execve(path, &a);
	exec_args_free(&a);
	if (err)
		pr_warn("init: cannot run %s (error %d)\n", path, err);
	return err;
}

static void init_thread(void *unused)
{
	static const char *const fallbacks[] = { "/sbin/init", "/bin/sh" };
	struct trap_frame *f = current_user_frame();
	int err;

	open_console(current_proc());
	err = try_exec(init_path);
	for (size_t i = 0; err && i < ARRAY_SIZE(fallbacks); i++)
		if (strcmp(init_path, fallbacks[i]))
			err = try_exec(fallbacks[i]);
	if (err)
		panic("no init program could be started (tried %s, /sbin/init, /bin/sh)",
		      init_path);
	pr_info("init: started %s as pid 1\n", init_path);
	arch_irq_disable();
	trap_return_to_user(f);
	arch_enter_user(f);
}

int proc_start_init(const char *unused)
{
	struct process *p;
	struct task *t;

	cmdline_get(boot_info.cmdline, "init", init_path, sizeof(init_path));
	if (!tid_claim(1))
		return -EBUSY;
	p = proc_alloc(1);
	if (!p)
		return -ENOMEM;
	strlcpy(p->comm, "init", sizeof(p->comm));
	p->mm = vm_create();
	p->files = files_create();
	p->fs = fs_create_root();
	p->sighand = sighand_alloc(NULL);
	t = p->mm && p->files && p->fs && p->sighand ? task_alloc("init", 1) : NULL;
	if (!t || fpu_alloc(t, NULL))
		panic("out of memory creating init");
	t->proc = p;
	t->joinable = false;
	list_add_tail(&p->threads, &t->user.thread_node);
	p->nr_threads = 1;
	proc_link(p, NULL);
	arch_thread_init_user(t, init_thread, NULL);
	kthread_start(t);
	return 0;
}
