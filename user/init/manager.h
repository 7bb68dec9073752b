/*
 * Runtime side of aegis-init: the manager (one per process) and the state
 * attached to each unit. Single-threaded: everything runs from the poll loop
 * in main.c, so no locks. Time is CLOCK_MONOTONIC milliseconds (m->now),
 * refreshed once per loop iteration.
 */
#ifndef AEGIS_INIT_MANAGER_H
#define AEGIS_INIT_MANAGER_H

#include <stdint.h>
#include <poll.h>
#include <sys/types.h>

#include "backoff.h"
#include "table.h"

enum unit_state { ST_INACTIVE, ST_ACTIVATING, ST_ACTIVE, ST_RELOADING, ST_DEACTIVATING, ST_FAILED };

enum sub_state {
	SUB_DEAD,
	SUB_START_PRE,
	SUB_START,
	SUB_START_POST,
	SUB_RUNNING,
	SUB_EXITED,
	SUB_RELOAD,
	SUB_STOP,
	SUB_STOP_SIGTERM,
	SUB_STOP_SIGKILL,
	SUB_AUTO_RESTART,
	SUB_FAILED,
};

enum job_type { JOB_NONE, JOB_START, JOB_STOP };

enum unit_result {
	RES_SUCCESS,
	RES_EXIT_CODE,
	RES_SIGNAL,
	RES_TIMEOUT,
	RES_WATCHDOG,
	RES_START_LIMIT,
	RES_DEPENDENCY,
	RES_RESOURCES,
	RES_BAD_UNIT,
};

/* After the processes of a stopping unit are gone, where does it go? */
enum stop_then { THEN_DEAD, THEN_FAILED, THEN_RESTART };

#define LOG_RING 10
#define LOG_LINE_MAX 1024

struct log_pipe {
	int fd; /* read end; -1 when closed */
	int prio;
	size_t len;
	char buf[LOG_LINE_MAX];
};

struct unit_rt {
	enum unit_state state;
	enum sub_state sub;
	enum job_type job;
	enum unit_result result;
	enum stop_then then;
	pid_t main_pid, control_pid, pgid;
	int cmd_idx;	      /* position in the command list being run */
	int job_ok;	      /* last start job succeeded (oneshot units end inactive) */
	int dep_wait;	      /* failed because of a dependency; retry when it comes back */
	int exit_code, exit_signal;
	int restarts;
	int watchdog_fired;
	int restart_pending; /* start again once the stop job is done */
	int stop_requested;  /* the stop was asked for: no auto-restart */
	int guess_tries;     /* forking without PIDFile: looking for the daemon */
	char invocation[48];  /* AEGIS_INVOCATION tag in the service environment */
	uint64_t timer_at;    /* state timeout or restart time; 0 = none */
	uint64_t watchdog_at; /* 0 = none */
	uint64_t activating_at, active_at, inactive_at;
	struct backoff bo;
	int log_w[2];		  /* write ends handed to children, -1 if none */
	struct log_pipe logp[2];  /* stdout (info), stderr (err) */
	int ready_r;		  /* s6-style notification pipe read end */
	char *status_text;	  /* STATUS= from sd_notify */
	char *ring[LOG_RING];	  /* last log lines for `status` */
	int ring_head;
};

enum shutdown_action { SHUT_NONE, SHUT_EXIT, SHUT_POWEROFF, SHUT_REBOOT };

struct ctl_client;

/* A child between fork and exec: its close-on-exec pipe reports the outcome. */
struct pending_exec {
	int fd;
	int unit;
	pid_t pid;
	int is_main;
};

struct manager {
	char *root;  /* "" for the real root, else the --root directory */
	char *units_dir, *run_dir, *log_dir;
	struct unit_table t;
	int pid1;
	uint64_t now;
	uint64_t loop_gen; /* main-loop iteration count, for per-iteration caches */
	uint64_t boot_at, boot_done_at;
	int goal; /* index of the boot target */
	char *goal_name;
	int sigpipe[2];
	int notify_fd, syslog_fd, kmsg_fd, ctl_fd;
	char *notify_path, *syslog_path, *ctl_path;
	struct ctl_client *clients;
	int dirty; /* the job dispatcher must run */
	enum shutdown_action shutdown;
	uint64_t shutdown_deadline;
	int shutdown_phase;
	/* log store */
	int log_fd;
	char *log_path;
	uint64_t log_size, log_max;
	int log_keep;
	uint64_t invocation_seq;
	struct pending_exec *pexec;
	int npexec, pexec_cap;
	int verbose;
};

/* manager.c: loading and job dispatch */
void manager_log(struct manager *m, const char *unit, int prio, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int manager_load(struct manager *m);
int manager_reload(struct manager *m);
/* Queues a start (or stop) transaction for a unit. Returns 0 or -errno. */
int manager_start(struct manager *m, int idx, char *err, size_t errlen);
int manager_stop(struct manager *m, int idx);
void manager_dispatch(struct manager *m);
/* A unit reached a final state of its job: propagate and wake waiters. */
void manager_job_done(struct manager *m, int idx);
int manager_unit_by_pid(struct manager *m, pid_t pid);
struct unit *manager_unit(struct manager *m, int idx);
const char *unit_state_name(enum unit_state s);
const char *sub_state_name(enum sub_state s);
const char *unit_result_name(enum unit_result r);
struct unit_rt *unit_rt(struct unit *u);

/* svc.c: the service state machine */
void svc_start(struct manager *m, int idx);
void svc_stop(struct manager *m, int idx);
int svc_reload(struct manager *m, int idx);
void svc_sigchld(struct manager *m, int idx, pid_t pid, int status);
void svc_timer(struct manager *m, int idx);
void svc_ready(struct manager *m, int idx);
void svc_watchdog_ping(struct manager *m, int idx);
void svc_set_main_pid(struct manager *m, int idx, pid_t pid);
void svc_check_empty(struct manager *m, int idx);
void svc_watchdog_expired(struct manager *m, int idx);
void unit_set_state(struct manager *m, int idx, enum unit_state st, enum sub_state sub);

/* spawn.c */
pid_t spawn_cmd(struct manager *m, int idx, const char *cmdline, int is_main, char *err,
		size_t errlen);

void spawn_exec_result(struct manager *m, int k);
void svc_exec_done(struct manager *m, int idx, pid_t pid);

/* proc.c: process tracking */
/* Any process of the unit left? Escapees found get `sig` (0: just look). */
int proc_group_alive(struct manager *m, struct unit_rt *rt, int sig);
void proc_kill_unit(struct manager *m, struct unit *u, int sig, int main_only);
void proc_reap(struct manager *m);
pid_t proc_guess_main(struct manager *m, struct unit_rt *rt);

/* notify.c */
int notify_open(struct manager *m);
void notify_read(struct manager *m);
void notify_ready_pipe(struct manager *m, int idx);

/* log.c */
int log_open(struct manager *m);
void log_record(struct manager *m, const char *unit, int prio, const char *msg, size_t len);
void log_pipe_read(struct manager *m, int idx, int which);
void log_syslog_read(struct manager *m);
void log_kmsg_read(struct manager *m);
void log_sync(struct manager *m);
int log_open_sources(struct manager *m);

/* ctl.c */
int ctl_open(struct manager *m);
void ctl_accept(struct manager *m);
int ctl_poll_fill(struct manager *m, struct pollfd *pfd, int max);
void ctl_poll_handle(struct manager *m, struct pollfd *pfd, int n);
void ctl_job_finished(struct manager *m, int idx);
void ctl_log_line(struct manager *m, const char *unit, const char *line);
void ctl_close_all(struct manager *m);

/* shutdown.c */
void shutdown_begin(struct manager *m, enum shutdown_action a);
void shutdown_step(struct manager *m);

#endif
