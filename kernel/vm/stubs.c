/*
 * stubs.c - weak stand-ins for the VFS and process functions kernel/vm/ calls,
 * so this directory links and its self-tests run before those subsystems land.
 * The real (strong) definitions replace them at link time; delete an entry once
 * its subsystem is merged.
 */
#include <aegis/errno.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/vfs.h>

#define WEAK __attribute__((weak))

WEAK void file_get(struct file *f) { (void)f; }
WEAK void file_put(struct file *f) { (void)f; }
WEAK struct file *fget(int fd) { (void)fd; return NULL; }
WEAK unsigned file_flags(struct file *f) { (void)f; return 0; }
WEAK int vfs_mmap_page(struct file *f, uint64_t pgoff, paddr_t *page)
{
	(void)f; (void)pgoff; (void)page;
	return -EIO;
}
WEAK int vfs_file_path(struct file *f, char *buf, size_t size)
{
	(void)f; (void)buf; (void)size;
	return -ENOENT;
}
WEAK void proc_for_each(void (*fn)(struct process *p, void *arg), void *arg)
{
	(void)fn; (void)arg;
}
WEAK struct process *proc_find(int pid) { (void)pid; return NULL; }
WEAK void proc_put(struct process *p) { (void)p; }
WEAK int signal_send_proc(struct process *p, int sig, const siginfo_t *info)
{
	(void)p; (void)sig; (void)info;
	return -ESRCH;
}
