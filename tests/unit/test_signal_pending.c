/*
 * test_signal_pending.c - the signal pending queues and send-time rules of
 * kernel/proc/signal.c on the host: coalescing, real-time queueing in order,
 * delivery order, discarding ignored signals, stop/continue cancellation, and no
 * leaked queue entries (ASan's leak check) after random send/dequeue/flush runs.
 */
/* the host libc already has a sigset_t (from stdlib.h): rename the kernel's */
#define sigset_t aegis_sigset_t
#define AEGIS_PERCPU_H
#define MAX_CPUS 1
struct task;
struct cpu {
	struct task *current;
	int preempt_count;
};
static struct cpu host_cpu;
static inline struct cpu *this_cpu(void) { return &host_cpu; }

#include <aegis/types.h>
void *kzalloc(size_t size);
void kfree(const void *p);
#include "../../kernel/proc/signal.c"

void *kzalloc(size_t size) { return calloc(1, size); }
void kfree(const void *p) { free((void *)p); }
void *kmalloc(size_t size) { return malloc(size); }
struct spinlock proc_lock;
static int wakes;
void sched_wake(struct task *t) { (void)t; wakes++; }
void wq_wake_all(struct wait_queue *wq) { (void)wq; }
struct process *proc_find(int pid) { (void)pid; return NULL; }
void proc_put(struct process *p) { (void)p; }
void proc_for_each(void (*fn)(struct process *, void *), void *arg) { (void)fn; (void)arg; }
void itimer_real_cancel(struct process *p) { (void)p; }

static struct process proc;
static struct sighand sh;
static struct task thr;

static int take(void)
{
	siginfo_t info;

	return signal_dequeue(&thr, ~thr.user.blocked | SIG_KERNEL_ONLY, &info);
}

static void setup(void)
{
	memset(&proc, 0, sizeof(proc));
	memset(&sh, 0, sizeof(sh));
	memset(&thr, 0, sizeof(thr));
	proc.state = PROC_ALIVE;
	proc.sighand = &sh;
	list_init(&proc.threads);
	thr.proc = &proc;
	list_add_tail(&proc.threads, &thr.user.thread_node);
	host_cpu.current = &thr;
}

int main(void)
{
	siginfo_t info = { 0 };

	setup();
	signal_send_proc(&proc, SIGUSR1, NULL);
	signal_send_proc(&proc, SIGUSR1, NULL);
	CHECK(take() == SIGUSR1);
	CHECK(take() == 0);

	for (int i = 0; i < 5; i++) {
		info.rt.value = (uint64_t)i;
		signal_send_task(&thr, SIGRTMIN + 1, &info);
	}
	for (int i = 0; i < 5; i++) {
		siginfo_t out;
		CHECK(signal_dequeue(&thr, ~0ull, &out) == SIGRTMIN + 1);
		CHECK(out.rt.value == (uint64_t)i);
	}
	CHECK(!signal_pending(&thr));

	signal_send_proc(&proc, SIGCHLD, NULL);
	CHECK(take() == 0);
	thr.user.blocked = ~0ull;
	signal_send_proc(&proc, SIGTSTP, NULL);
	signal_send_proc(&proc, SIGCONT, NULL);
	thr.user.blocked = 0;
	CHECK(take() == SIGCONT);
	CHECK(take() == 0);

	signal_send_proc(&proc, SIGTERM, NULL);
	signal_send_task(&thr, SIGBUS, NULL);
	CHECK(take() == SIGBUS);
	CHECK(take() == SIGTERM);

	/* random traffic, then flush: ASan reports any entry left behind */
	for (int i = 0; i < 20000; i++) {
		int sig = 1 + (int)(host_rng() % NSIG);
		switch (host_rng() % 4) {
		case 0: case 1:
			if (host_rng() & 1)
				signal_send_proc(&proc, sig, NULL);
			else
				signal_send_task(&thr, sig, NULL);
			break;
		case 2:
			take();
			break;
		case 3:
			thr.user.blocked = host_rng() & ~SIG_KERNEL_ONLY;
			break;
		}
		for (struct sigqueue_entry *e = proc.shared_pending.head; e; e = e->next)
			CHECK(proc.shared_pending.set & SIGMASK(e->info.si_signo));
	}
	sigpending_clear(&thr.user.pending);
	signal_exit_process(&proc);
	CHECK(!proc.shared_pending.head && !thr.user.pending.head);
	printf("signal pending: ok (%d wakeups)\n", wakes);
	return 0;
}
