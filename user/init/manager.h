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

/*
 * All functions run on the main loop (single thread); none blocks except
 * where noted. Unit arguments are indices into m->t.
 */

/* manager.c: loading, jobs and dispatch */
/* Logs to the log store (and stderr when verbose, as PID 1, or prio <= 4). */
void manager_log(struct manager *m, const char *unit, int prio, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Loads m->units_dir into m->t (blocking file reads). */
int manager_load(struct manager *m);
/* daemon-reload: re-reads the files, keeps runtime state by unit name. */
int manager_reload(struct manager *m);
/* Queues start jobs for the unit's transaction. Returns 0 or -errno. */
int manager_start(struct manager *m, int idx, char *err, size_t errlen);
/* Queues stop jobs for the unit and everything that needs it. */
int manager_stop(struct manager *m, int idx);
/* Starts every job whose ordering allows it; loops until nothing changes. */
void manager_dispatch(struct manager *m);
/* The unit whose main or control process is pid, or -1. */
int manager_unit_by_pid(struct manager *m, pid_t pid);
struct unit *manager_unit(struct manager *m, int idx);
const char *unit_state_name(enum unit_state s);
const char *sub_state_name(enum sub_state s);
const char *unit_result_name(enum unit_result r);
/* Runtime state of a unit, allocated on first use. */
struct unit_rt *unit_rt(struct unit *u);
/* The only way states change: records times, finishes jobs, propagates. */
void unit_set_state(struct manager *m, int idx, enum unit_state st, enum sub_state sub);

/* svc.c: the service state machine; events in, state changes out */
void svc_start(struct manager *m, int idx);
void svc_stop(struct manager *m, int idx);
/* Runs ExecReload=; -EAGAIN if not active, -EOPNOTSUPP without ExecReload=. */
int svc_reload(struct manager *m, int idx);
/* A main or control process of the unit exited (pid -1: control spawn failed). */
void svc_sigchld(struct manager *m, int idx, pid_t pid, int status);
/* rt->timer_at passed. */
void svc_timer(struct manager *m, int idx);
/* READY=1 or the notification fd fired. */
void svc_ready(struct manager *m, int idx);
void svc_watchdog_ping(struct manager *m, int idx);
void svc_watchdog_expired(struct manager *m, int idx);
/* MAINPID= from the service (ignored unless pid exists). */
void svc_set_main_pid(struct manager *m, int idx, pid_t pid);
/* In a stop state with no processes left: finish the stop. */
void svc_check_empty(struct manager *m, int idx);
/* The main process got past execve() (Type=exec becomes active). */
void svc_exec_done(struct manager *m, int idx, pid_t pid);

/* spawn.c: fork a service process; returns its pid, or -1 with err set */
pid_t spawn_cmd(struct manager *m, int idx, const char *cmdline, int is_main, char *err,
		size_t errlen);
/* m->pexec[k] is readable: exec succeeded (EOF) or failed (message). */
void spawn_exec_result(struct manager *m, int k);

/* proc.c: process tracking */
/* Any process of the unit left? Escapees found get `sig` (0: just look). */
int proc_group_alive(struct manager *m, struct unit_rt *rt, int sig);
/* Signals the unit's processes as its KillMode says (main_only: main pid only). */
void proc_kill_unit(struct manager *m, struct unit *u, int sig, int main_only);
/*
 * Is pid a process of this unit (its group or its tag)? Guards MAINPID= and
 * PIDFile=, so a service cannot make us signal a process that is not its own.
 */
int proc_belongs(struct unit_rt *rt, pid_t pid);
/* Reaps every exited child, known or adopted. */
void proc_reap(struct manager *m);
/* Type=forking without PIDFile=: the daemon the start command left behind. */
pid_t proc_guess_main(struct manager *m, struct unit_rt *rt);

/* notify.c: sd_notify socket and notification fds */
int notify_open(struct manager *m);
void notify_read(struct manager *m);
void notify_ready_pipe(struct manager *m, int idx);

/* log.c: the log store and the sources feeding it */
int log_open(struct manager *m);
/* Appends one record (one write(2)); also feeds `status` and `logs -f`. */
void log_record(struct manager *m, const char *unit, int prio, const char *msg, size_t len);
void log_pipe_read(struct manager *m, int idx, int which);
void log_syslog_read(struct manager *m);
void log_kmsg_read(struct manager *m);
void log_sync(struct manager *m);
/* Opens the syslog socket and /dev/kmsg (when present). */
int log_open_sources(struct manager *m);

/* ctl.c: control socket server */
int ctl_open(struct manager *m);
void ctl_accept(struct manager *m);
/* Flushes replies, answers finished waits, and lists client fds to poll. */
int ctl_poll_fill(struct manager *m, struct pollfd *pfd, int max);
void ctl_poll_handle(struct manager *m, struct pollfd *pfd, int n);
/* Sends a new log record to `logs -f` clients. */
void ctl_log_line(struct manager *m, const char *unit, const char *line);
/* Shutdown: final replies, then close every client. */
void ctl_close_all(struct manager *m);

/* shutdown.c */
/* Starts (or escalates) shutdown: stop jobs for every unit. */
void shutdown_begin(struct manager *m, enum shutdown_action a);
/* Called every loop iteration; ends the process or the machine when done. */
void shutdown_step(struct manager *m);

#endif
