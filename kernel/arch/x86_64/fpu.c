/*
 * fpu.c - user floating-point/SSE/AVX state.  The kernel itself never touches
 * these registers (it is built with -mgeneral-regs-only), so a thread's state only
 * has to be saved and restored when switching between user threads: eagerly, in
 * arch_switch_to(), with XSAVE when the CPU has it and FXSAVE otherwise.
 */
#include <aegis/cpufeature.h>
#include <aegis/mm.h>
#include <aegis/sched.h>
#include <aegis/string.h>

static size_t fpu_size = 512;
static uint8_t fpu_init_image[4096] __aligned(64);	/* state after exec */

static void fpu_hw_save(void *area)
{
	if (cpu_features.xsave)
		__asm__ volatile("xsave64 (%0)" : : "r"(area), "a"((uint32_t)cpu_features.xcr0),
				 "d"((uint32_t)(cpu_features.xcr0 >> 32)) : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static void fpu_hw_restore(const void *area)
{
	if (cpu_features.xsave)
		__asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"((uint32_t)cpu_features.xcr0),
				 "d"((uint32_t)(cpu_features.xcr0 >> 32)) : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

/* Records the clean state (x87 reset, MXCSR default) that exec gives a program. */
void fpu_init(void)
{
	uint32_t mxcsr = 0x1f80;

	if (cpu_features.xsave && cpu_features.xsave_size > fpu_size)
		fpu_size = cpu_features.xsave_size;
	if (fpu_size > sizeof(fpu_init_image))
		fpu_size = sizeof(fpu_init_image);
	__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
	fpu_hw_save(fpu_init_image);
}

size_t fpu_area_size(void)
{
	return fpu_size;
}

/* Gives t an FPU area with the clean state (or a copy of from's). 0 or -ENOMEM. */
int fpu_alloc(struct task *t, const struct task *from)
{
	void *area = kmalloc(fpu_size < 1024 ? 1024 : fpu_size);	/* size-aligned: >= 64 */

	if (!area)
		return -12;
	memcpy(area, from && from->user.fpu ? from->user.fpu : fpu_init_image, fpu_size);
	t->user.fpu = area;
	return 0;
}

void fpu_reset(struct task *t)
{
	memcpy(t->user.fpu, fpu_init_image, fpu_size);
	if (t == current_task())
		fpu_hw_restore(t->user.fpu);
}

/* The running thread's registers -> its area (before copying it: fork, signals). */
void fpu_save_current(void)
{
	struct task *t = current_task();

	if (t->user.fpu)
		fpu_hw_save(t->user.fpu);
}

/* Its area -> the registers (after changing it: sigreturn, exec). */
void fpu_restore_current(void)
{
	struct task *t = current_task();

	if (t->user.fpu)
		fpu_hw_restore(t->user.fpu);
}

void arch_task_free(struct task *t)
{
	kfree(t->user.fpu);
	t->user.fpu = NULL;
}

void fpu_switch(struct task *prev, struct task *next)
{
	if (prev->user.fpu)
		fpu_hw_save(prev->user.fpu);
	if (next->user.fpu)
		fpu_hw_restore(next->user.fpu);
}
