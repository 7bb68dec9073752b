/*
 * exec.c - execve: replace the current program with a static ELF64 executable
 * (ET_EXEC, or ET_DYN without an interpreter: static PIE), or a "#!" script.
 *
 * Everything that can fail is done before the point of no return: the new
 * address space is built and filled on the side, and only then swapped in.  The
 * initial stack is laid out as Linux does (argc, argv, envp, auxv, strings), so
 * libc start-up code finds what it expects.
 */
#include <aegis/cpufeature.h>
#include <aegis/elf.h>
#include <aegis/errno.h>
#include <aegis/exec.h>
#include <aegis/mm.h>
#include <aegis/printk.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/syscall.h>
#include <aegis/uaccess.h>
#include <aegis/vdso.h>
#include <aegis/vfs.h>
#include <aegis/vm.h>
#include <asm/cpu.h>
#include <asm/trap.h>

#define STACK_TOP	0x00007ffffffff000ull
#define MMAP_BASE	0x00007ffff7fff000ull
#define PIE_BASE	0x0000555555554000ull
#define MAX_INTERP_DEPTH 4
#define O_RDONLY	0
#define PATH_MAX	4096

#define AT_NULL		0
#define AT_PHDR		3
#define AT_PHENT	4
#define AT_PHNUM	5
#define AT_PAGESZ	6
#define AT_BASE		7
#define AT_FLAGS	8
#define AT_ENTRY	9
#define AT_UID		11
#define AT_EUID		12
#define AT_GID		13
#define AT_EGID		14
#define AT_PLATFORM	15
#define AT_HWCAP	16
#define AT_CLKTCK	17
#define AT_SECURE	23
#define AT_RANDOM	25
#define AT_HWCAP2	26
#define AT_EXECFN	31
#define AT_SYSINFO_EHDR	33

void fpu_reset(struct task *t);
void vfork_release(struct process *p);
void futex_wake_address(uint64_t uaddr);
void get_random_bytes(void *buf, size_t n);

struct elf_image {
	struct elf64_ehdr eh;
	struct elf64_phdr *ph;
	uint64_t base;		/* load bias (static PIE) */
	uint64_t brk;		/* end of the highest segment */
	uint64_t phdr_addr;	/* where the program headers are in memory */
};

static int read_exact(struct file *f, void *buf, size_t n, uint64_t off)
{
	ssize_t r = vfs_read_at(f, buf, n, off);

	if (r < 0)
		return (int)r;
	return (size_t)r == n ? 0 : -EIO;
}

/* Loads the program headers and checks them; nothing is mapped yet. */
static int elf_prepare(struct file *f, const uint8_t *head, size_t head_len,
		       struct elf_image *img)
{
	uint64_t size = vfs_file_size(f);
	size_t phsize;
	int err;

	if (head_len < sizeof(img->eh))
		return -ENOEXEC;
	memcpy(&img->eh, head, sizeof(img->eh));
	if ((err = elf_check_header(&img->eh, size)))
		return err;
	phsize = (size_t)img->eh.e_phnum * sizeof(struct elf64_phdr);
	img->ph = kmalloc(phsize);
	if (!img->ph)
		return -ENOMEM;
	if (read_exact(f, img->ph, phsize, img->eh.e_phoff))
		return -ENOEXEC;
	for (unsigned i = 0; i < img->eh.e_phnum; i++) {
		if (img->ph[i].p_type == PT_INTERP) {
			pr_warn("exec: dynamically linked programs are not supported yet\n");
			return -ENOEXEC;
		}
	}
	img->base = img->eh.e_type == ET_DYN ? PIE_BASE : 0;
	return 0;
}

static int prot_of(uint32_t pf)
{
	return ((pf & PF_R) ? PROT_READ : 0) | ((pf & PF_W) ? PROT_WRITE : 0) |
	       ((pf & PF_X) ? PROT_EXEC : 0);
}

/* Maps one PT_LOAD: file pages, the zeroed tail of the last one, then bss. */
static int map_segment(struct mm_space *mm, struct file *f, const struct elf64_phdr *p,
		       uint64_t base)
{
	uint64_t start = base + p->p_vaddr, page = ALIGN_DOWN(start, PAGE_SIZE);
	uint64_t file_end = start + p->p_filesz, mem_end = start + p->p_memsz;
	uint64_t file_page_end = ALIGN_UP(file_end, PAGE_SIZE);
	int prot = prot_of(p->p_flags);
	long r;

	if (p->p_filesz) {
		r = vm_mmap(mm, page, file_page_end - page, prot, MAP_PRIVATE | MAP_FIXED, f,
			    ALIGN_DOWN(p->p_offset, PAGE_SIZE));
		if (r < 0)
			return (int)r;
		if (mem_end > file_end && file_page_end > file_end) {
			r = vm_zero_range(mm, file_end, MIN(file_page_end, mem_end));
			if (r < 0)
				return (int)r;
		}
	} else {
		file_page_end = page;
	}
	if (ALIGN_UP(mem_end, PAGE_SIZE) > file_page_end) {
		r = vm_mmap(mm, file_page_end, ALIGN_UP(mem_end, PAGE_SIZE) - file_page_end,
			    prot, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, NULL, 0);
		if (r < 0)
			return (int)r;
	}
	return 0;
}

static int map_image(struct mm_space *mm, struct file *f, struct elf_image *img)
{
	const struct elf64_ehdr *eh = &img->eh;
	int err;

	img->brk = 0;
	img->phdr_addr = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *p = &img->ph[i];
		if (p->p_type == PT_PHDR)
			img->phdr_addr = img->base + p->p_vaddr;
		if (p->p_type != PT_LOAD)
			continue;
		if ((err = map_segment(mm, f, p, img->base)))
			return err;
		img->brk = MAX(img->brk, ALIGN_UP(img->base + p->p_vaddr + p->p_memsz, PAGE_SIZE));
		if (!img->phdr_addr && eh->e_phoff >= p->p_offset &&
		    eh->e_phoff + eh->e_phnum * sizeof(*p) <= p->p_offset + p->p_filesz)
			img->phdr_addr = img->base + p->p_vaddr + (eh->e_phoff - p->p_offset);
	}
	vm_set_brk_start(mm, img->brk);
	vm_set_mmap_base(mm, MMAP_BASE);
	return 0;
}

/*
 * Builds the initial stack image in a kernel buffer (addresses as they will be
 * in user space), then copies it into the new address space.  Returns the
 * initial rsp or -errno.
 */
static long build_stack(struct mm_space *mm, const struct exec_args *a, const char *execfn,
			const struct elf_image *img, uint64_t vdso)
{
	size_t execfn_len = strlen(execfn) + 1, nptrs, total, pos = 0;
	uint64_t top = STACK_TOP, strings, random, platform, sp, *w;
	uint8_t *buf;
	const struct cred *c = &current_proc()->cred;
	uint64_t stack_size = current_proc()->rlim[RLIMIT_STACK].cur;
	long r;
	int i;

	if (stack_size < (128 << 10) || stack_size > (1ull << 32))
		stack_size = 8 << 20;
	r = vm_mmap(mm, top - stack_size, stack_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN, NULL, 0);
	if (r < 0)
		return r;
	/* strings at the top: argv and envp strings, then execfn */
	strings = top - execfn_len - a->used;
	platform = ALIGN_DOWN(strings - 7, 8);
	random = platform - 16;
	nptrs = 1 + a->argc + 1 + a->envc + 1 + 2 * 20;	/* argc, argv, envp, auxv */
	sp = ALIGN_DOWN(random - nptrs * 8, 16);
	total = top - sp;
	if (total > stack_size / 4)
		return -E2BIG;
	buf = kzalloc(total);
	if (!buf)
		return -ENOMEM;
#define AT(addr) (buf + ((addr) - sp))
	memcpy(AT(strings), a->buf, a->used);
	memcpy(AT(top - execfn_len), execfn, execfn_len);
	memcpy(AT(platform), "x86_64", 7);
	get_random_bytes(AT(random), 16);
	w = (uint64_t *)AT(sp);
	*w++ = a->argc;
	for (i = 0; i < a->argc; i++) {
		*w++ = strings + pos;
		exec_args_at(a, &pos);
	}
	*w++ = 0;
	for (i = 0; i < a->envc; i++) {
		*w++ = strings + pos;
		exec_args_at(a, &pos);
	}
	*w++ = 0;
	uint32_t id[4];
	cpuid(1, 0, id);
	uint64_t auxv[][2] = {
		{ AT_PHDR, img->phdr_addr }, { AT_PHENT, sizeof(struct elf64_phdr) },
		{ AT_PHNUM, img->eh.e_phnum }, { AT_PAGESZ, PAGE_SIZE }, { AT_BASE, 0 },
		{ AT_FLAGS, 0 }, { AT_ENTRY, img->base + img->eh.e_entry },
		{ AT_UID, c->uid }, { AT_EUID, c->euid }, { AT_GID, c->gid },
		{ AT_EGID, c->egid }, { AT_SECURE, 0 }, { AT_RANDOM, random },
		{ AT_HWCAP, id[3] }, { AT_HWCAP2, 0 }, { AT_CLKTCK, 100 },
		{ AT_PLATFORM, platform }, { AT_EXECFN, top - execfn_len },
		{ AT_SYSINFO_EHDR, vdso }, { AT_NULL, 0 },
	};
	memcpy(w, auxv, sizeof(auxv));
#undef AT
	r = vm_access(mm, sp, buf, total, true);
	kfree(buf);
	return r < 0 ? r : (long)sp;
}

/* Parses "#!interp [arg]" from the first bytes of a file. 0, or -ENOEXEC. */
static int parse_shebang(const uint8_t *head, size_t n, char *interp, size_t isize,
			 char *arg, size_t asize, bool *has_arg)
{
	size_t i = 2, j;

	while (i < n && (head[i] == ' ' || head[i] == '\t'))
		i++;
	for (j = i; j < n && head[j] != ' ' && head[j] != '\t' && head[j] != '\n'; j++)
		;
	if (j == i || j - i >= isize)
		return -ENOEXEC;
	memcpy(interp, head + i, j - i);
	interp[j - i] = '\0';
	while (j < n && (head[j] == ' ' || head[j] == '\t'))
		j++;
	i = j;
	while (j < n && head[j] != '\n')
		j++;
	while (j > i && (head[j - 1] == ' ' || head[j - 1] == '\t'))
		j--;
	*has_arg = j > i;
	if (j - i >= asize)
		return -ENOEXEC;
	memcpy(arg, head + i, j - i);
	arg[j - i] = '\0';
	return 0;
}

/* The process-wide state a new program starts with. */
static void exec_reset_process(struct process *p, struct file *f, const char *path,
			       const struct exec_args *a)
{
	struct task *t = current_task();
	const char *base = strrchr(path, '/');
	unsigned long flags;

	base = base ? base + 1 : path;
	p->did_exec = true;	/* setpgid on it from the parent now fails (EACCES) */
	flags = spin_lock_irqsave(&p->lock);
	strlcpy(p->comm, base, sizeof(p->comm));
	spin_unlock_irqrestore(&p->lock, flags);
	if (p->exe)
		file_put(p->exe);
	file_get(f);
	p->exe = f;
	kfree(p->cmdline_copy);
	kfree(p->environ_copy);
	p->cmdline_copy = p->environ_copy = NULL;
	p->cmdline_len = p->environ_len = 0;
	size_t pos = 0;
	for (int i = 0; i < a->argc; i++)
		exec_args_at(a, &pos);
	if ((p->cmdline_copy = kmalloc(pos ? pos : 1))) {
		memcpy(p->cmdline_copy, a->buf, pos);
		p->cmdline_len = pos;
	}
	if ((p->environ_copy = kmalloc(a->used - pos + 1))) {
		memcpy(p->environ_copy, a->buf + pos, a->used - pos);
		p->environ_len = a->used - pos;
	}
	/* caught signals go back to their default; ignored ones stay ignored */
	flags = spin_lock_irqsave(&p->sighand->lock);
	for (int i = 0; i < NSIG; i++) {
		struct k_sigaction *sa = &p->sighand->action[i];
		if (sa->handler != SIG_IGN)
			*sa = (struct k_sigaction){ 0 };
	}
	spin_unlock_irqrestore(&p->sighand->lock, flags);
	t->user.altstack = (struct k_stack_t){ .ss_flags = SS_DISABLE };
	t->user.robust_list = 0;
	files_close_on_exec(p->files);
}

static void exec_set_registers(uint64_t entry, uint64_t sp)
{
	struct trap_frame *f = current_user_frame();
	struct task *t = current_task();

	memset(f, 0, sizeof(*f));
	f->rip = entry;
	f->rsp = sp;
	f->cs = GDT_USER_CS;
	f->ss = GDT_USER_DS;
	f->rflags = 0x202;
	t->user.fs_base = 0;
	t->user.gs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	fpu_reset(t);
}

/* Swaps in the new address space: from here on the old program is gone. */
static void exec_commit(struct process *p, struct mm_space *mm)
{
	struct task *t = current_task();
	struct mm_space *old = p->mm;

	if (t->user.clear_child_tid) {
		int zero = 0;
		if (copy_to_user((void *)t->user.clear_child_tid, &zero, sizeof(zero)) == 0)
			futex_wake_address(t->user.clear_child_tid);
		t->user.clear_child_tid = 0;
	}
	p->mm = mm;
	vm_activate(mm);
	if (old) {
		p->maxrss_kb = MAX(p->maxrss_kb, vm_rss_peak_pages(old) * 4);
		vm_put(old);
	}
	vfork_release(p);
}

static int exec_elf(struct file *f, const uint8_t *head, size_t n, const char *path,
		    struct exec_args *a)
{
	struct process *p = current_proc();
	struct elf_image img = { 0 };
	struct mm_space *mm = NULL;
	long sp, vdso;
	int err;

	if ((err = elf_prepare(f, head, n, &img)))
		goto out;
	if (elf_check_segments(img.ph, img.eh.e_phnum, img.base, STACK_TOP,
			       vfs_file_size(f))) {
		/* as Linux: past the point of no return, the process dies of SIGSEGV */
		kfree(img.ph);
		proc_exit_group(SIGSEGV);
	}
	err = -ENOMEM;
	if (!(mm = vm_create()))
		goto out;
	if ((err = map_image(mm, f, &img)))
		goto out;
	/* the vDSO just above the mmap area, which then starts below it */
	vdso = vdso_map(mm, MMAP_BASE - vdso_map_size());
	if (vdso < 0) {
		err = (int)vdso;
		goto out;
	}
	/* mmaps start below the vDSO's 2 MiB: they get page tables of their own */
	vm_set_mmap_base(mm, ALIGN_DOWN(MMAP_BASE - vdso_map_size(), 512 * PAGE_SIZE));
	sp = build_stack(mm, a, path, &img, (uint64_t)vdso);
	if (sp < 0) {
		err = (int)sp;
		goto out;
	}
	exec_commit(p, mm);
	mm = NULL;
	exec_reset_process(p, f, path, a);
	exec_set_registers(img.base + img.eh.e_entry, sp);
	err = 0;
out:
	if (mm)
		vm_put(mm);
	kfree(img.ph);
	return err;
}

int do_execve(const char *path, struct exec_args *args)
{
	char interp[128], arg[128];
	uint8_t head[256];
	bool has_arg;
	int err = -ELOOP;
	char *cur = kmalloc(PATH_MAX);

	if (!cur)
		return -ENOMEM;
	strlcpy(cur, path, PATH_MAX);
	for (int depth = 0; depth <= MAX_INTERP_DEPTH; depth++) {
		struct file *f = vfs_open(cur, O_RDONLY, 0);
		ssize_t n;

		if (IS_ERR(f)) {
			err = (int)PTR_ERR(f);
			break;
		}
		err = vfs_check_exec(f);
		n = err ? 0 : vfs_read_at(f, head, sizeof(head), 0);
		if (n < 0)
			err = (int)n;
		if (!err && n >= 2 && head[0] == '#' && head[1] == '!') {
			err = parse_shebang(head, n, interp, sizeof(interp), arg, sizeof(arg),
					    &has_arg);
			if (!err)
				err = exec_args_prepend_interp(args, interp, has_arg ? arg : NULL,
							       cur);
			file_put(f);
			if (err)
				break;
			strlcpy(cur, interp, PATH_MAX);
			err = -ELOOP;
			continue;
		}
		if (!err)
			err = exec_elf(f, head, n, cur, args);
		file_put(f);
		break;
	}
	kfree(cur);
	return err;
}

long sys_execve(const char __user *upath, const char __user *const __user *argv,
		const char __user *const __user *envp)
{
	struct exec_args a = { 0 };
	char *path = kmalloc(PATH_MAX);
	long err;

	if (!path)
		return -ENOMEM;
	err = strncpy_from_user(path, upath, PATH_MAX);
	if (err == 0)
		err = -ENOENT;
	if (err >= 0)
		err = exec_args_from_user(&a, argv, envp);
	if (err >= 0)
		err = do_execve(path, &a);
	exec_args_free(&a);
	kfree(path);
	return err;
}
