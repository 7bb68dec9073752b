/*
 * syscalls.c - the memory syscalls: argument checking in Linux's order, then the
 * vm_* operations on the calling process's address space.  The lead's syscall
 * table binds these by name.  No user copies happen under mm->lock.
 */
#include <aegis/errno.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/uaccess.h>
#include <aegis/vfs.h>
#include "internal.h"

#define O_ACCMODE	3
#define O_RDONLY	0
#define O_WRONLY	1
#define O_RDWR		2
#define MAP_SYNC	0x80000
#define MAP_UNINITIALIZED 0x4000000
#define MAP_HUGE_MASK	(0x3ful << 26)
#define MAP_KNOWN	(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE | \
			 MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE |	\
			 MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_SYNC |		\
			 MAP_FIXED_NOREPLACE | MAP_UNINITIALIZED)
#define PROT_GROWSDOWN	0x01000000
#define PROT_GROWSUP	0x02000000
#define MS_ASYNC	1
#define MS_INVALIDATE	2
#define MS_SYNC		4

static struct mm_space *cur_mm(void)
{
	struct process *p = current_task() ? current_task()->proc : NULL;

	return p ? p->mm : NULL;
}

/* Linux: the file must be readable; shared writable needs it open for writing. */
static long check_access(struct file *f, int prot, int flags)
{
	unsigned acc = file_flags(f) & O_ACCMODE;

	if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE) && acc != O_RDWR)
		return -EACCES;
	return acc == O_WRONLY ? -EACCES : 0;
}

static long check_file(struct file *f, int prot, int flags, unsigned long off)
{
	paddr_t pa;
	int err = check_access(f, prot, flags);

	if (err)
		return err;
	/* files without mmap support fail now, as in Linux, not at the first touch */
	err = vfs_mmap_page(f, off >> PAGE_SHIFT, &pa);
	if (err == -ENODEV)
		return -ENODEV;
	if (!err)
		page_put(pa);
	return 0;
}

/* RLIMIT_AS: would the address space grow past the limit by len bytes? */
static bool as_limit_exceeded(struct mm_space *mm, size_t len)
{
	uint64_t limit = current_proc()->rlim[RLIMIT_AS].cur;

	return limit != RLIM_INFINITY &&
	       (uint64_t)vm_total_pages(mm) * PAGE_SIZE + ALIGN_UP(len, PAGE_SIZE) > limit;
}

long sys_mmap(unsigned long addr, size_t len, int prot, int flags, int fd, unsigned long off)
{
	struct mm_space *mm = cur_mm();
	struct file *f = NULL;
	long r;
	int type = flags & MAP_TYPE;

	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!mm)
		return -ENOMEM;
	if (!(flags & MAP_ANONYMOUS) && !(f = fget(fd)))
		return -EBADF;
	/* /dev/zero: access checked as a file, then plain anonymous memory */
	bool zero = f && vfs_mmap_anon(f);
	if (!len)
		r = -EINVAL;
	else if (ALIGN_UP(len, PAGE_SIZE) < len)
		r = -ENOMEM;
	else if (off + ALIGN_UP(len, PAGE_SIZE) < off)
		r = -EOVERFLOW;
	else if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		r = -EINVAL;
	else if (!f && type == MAP_SHARED_VALIDATE)
		r = -EINVAL;	/* validation is for file mappings; anonymous: only the two types */
	else if (type == MAP_SHARED_VALIDATE && (flags & ~(MAP_KNOWN | MAP_HUGE_MASK)))
		r = -EOPNOTSUPP;
	else if (as_limit_exceeded(mm, len))
		r = -ENOMEM;
	else if ((flags & MAP_FIXED) && (addr & (PAGE_SIZE - 1)))
		r = -EINVAL;
	else if (f && (r = zero ? check_access(f, prot, flags) : check_file(f, prot, flags, off)))
		;
	else if (type != MAP_PRIVATE && (!f || zero))
		r = vm_mmap_shared_anon(mm, addr, len, prot, flags);
	else
		r = vm_mmap(mm, addr, len, prot,
			    (flags & ~MAP_TYPE) | (type == MAP_PRIVATE ? MAP_PRIVATE : MAP_SHARED),
			    zero ? NULL : f, f && !zero ? off : 0);
	if (f)
		file_put(f);
	return r;
}

long sys_munmap(unsigned long addr, size_t len)
{
	struct mm_space *mm = cur_mm();

	if (!mm)
		return -EINVAL;
	return vm_munmap(mm, addr, len);
}

long sys_mprotect(unsigned long addr, size_t len, int prot)
{
	struct mm_space *mm = cur_mm();

	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (!mm)
		return -ENOMEM;
	return vm_mprotect(mm, addr, len, prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
}

long sys_mremap(unsigned long old, size_t old_len, size_t new_len, int flags,
		unsigned long new_addr)
{
	struct mm_space *mm = cur_mm();

	if (!mm)
		return -EFAULT;
	return vm_mremap(mm, old, old_len, new_len, flags, new_addr);
}

long sys_brk(unsigned long brk)
{
	struct mm_space *mm = cur_mm();

	return mm ? (long)vm_brk(mm, brk) : 0;
}

static bool advice_known(int advice)
{
	return (advice >= 0 && advice <= 4) || (advice >= 8 && advice <= 23) ||
	       advice == 100 /* MADV_HWPOISON: root only */;
}

long sys_madvise(unsigned long addr, size_t len, int advice)
{
	struct mm_space *mm = cur_mm();
	size_t alen = ALIGN_UP(len, PAGE_SIZE);

	if (!advice_known(advice) || advice == 100 || (addr & (PAGE_SIZE - 1)) ||
	    (len && !alen) || addr + alen < addr)
		return -EINVAL;
	if (!alen || !mm)
		return 0;
	if (advice == 4 || advice == 8)	/* MADV_DONTNEED, MADV_FREE */
		return vm_dontneed(mm, addr, alen);
	return vm_range_mapped(mm, addr, alen) ? 0 : -ENOMEM;
}

long sys_msync(unsigned long addr, size_t len, int flags)
{
	struct mm_space *mm = cur_mm();
	size_t alen = ALIGN_UP(len, PAGE_SIZE);

	if ((addr & (PAGE_SIZE - 1)) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	if (addr + alen < addr || (len && !alen))
		return -ENOMEM;
	if (!alen || !mm)
		return 0;
	/* page-cache pages are the file's memory: nothing to write back */
	return vm_range_mapped(mm, addr, alen) ? 0 : -ENOMEM;
}

long sys_mincore(unsigned long addr, size_t len, unsigned char __user *vec)
{
	struct mm_space *mm = cur_mm();
	size_t alen = ALIGN_UP(len, PAGE_SIZE), pages = alen >> PAGE_SHIFT;
	uint8_t buf[256];

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (addr >= USER_TOP || addr + alen > USER_TOP || addr + alen < addr || (len && !alen))
		return -ENOMEM;
	if (!user_range_ok(vec, pages))
		return -EFAULT;
	for (size_t done = 0; mm && done < pages;) {
		size_t n = MIN(pages - done, sizeof(buf));
		int err = vm_mincore(mm, addr + done * PAGE_SIZE, n * PAGE_SIZE, buf);

		if (err)
			return err;
		if (copy_to_user(vec + done, buf, n))
			return -EFAULT;
		done += n;
	}
	return 0;
}
