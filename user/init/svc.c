/*
 * The service state machine. A service walks
 *   start-pre -> start -> start-post -> running -> stop -> stop-sigterm
 *   -> stop-sigkill -> dead | failed | auto-restart
 * driven by three kinds of events: a child exited (svc_sigchld), a timer
 * expired (svc_timer), or the service said it is ready (svc_ready). Each
 * state has at most one timer (rt->timer_at) plus the watchdog deadline.
 * Control processes (ExecStartPre/Post, ExecStop, ExecReload) run one at a
 * time; rt->cmd_idx is the position in the list being run.
 */
#define _GNU_SOURCE
#include "manager.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void set_timer(struct manager *m, struct unit_rt *rt, uint64_t ms)
{
	rt->timer_at = (ms == 0 || ms == MS_INFINITY) ? 0 : m->now + ms;
}

static int should_restart(enum restart_mode mode, enum unit_result r)
{
	switch (mode) {
	case RESTART_ALWAYS:
		return 1;
	case RESTART_ON_FAILURE:
		return r != RES_SUCCESS;
	case RESTART_ON_ABNORMAL:
		return r == RES_SIGNAL || r == RES_TIMEOUT || r == RES_WATCHDOG;
	default:
		return 0;
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * One pipe carries both stdout and stderr (as with systemd's journal stream),
 * priority 6 unless a line starts with "<N>". One pipe, not two, because
 * every fd aegis-init holds is copied at each fork and closed at each exec:
 * with 500 services the fd count dominates the cost of starting them.
 * The write end is kept while the unit runs so control processes share it.
 */
static int open_pipes(struct manager *m, struct unit *u, struct unit_rt *rt)
{
	(void)m;
	if (rt->log_w[0] >= 0)
		return 0;
	if (u->conf.std_out != STDOUT_LOG && u->conf.std_err != STDOUT_LOG)
		return 0;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	if (rt->logp[0].fd >= 0) {
		/* A lingering writer of the previous run may still print: keep reading it. */
		if (rt->logp[1].fd >= 0)
			close(rt->logp[1].fd);
		rt->logp[1] = rt->logp[0];
	}
	rt->logp[0].fd = p[0];
	rt->logp[0].len = 0;
	rt->logp[0].prio = 6;
	rt->log_w[0] = p[1];
	return 0;
}

static void run_control(struct manager *m, int idx);
static void enter_main(struct manager *m, int idx);
static void enter_stop_signal(struct manager *m, int idx, enum stop_then then);

static struct strv *control_list(struct unit *u, enum sub_state sub)
{
	switch (sub) {
	case SUB_START_PRE: return &u->conf.exec_start_pre;
	case SUB_START_POST: return &u->conf.exec_start_post;
	case SUB_STOP: return &u->conf.exec_stop;
	case SUB_RELOAD: return &u->conf.exec_reload;
	default: return NULL;
	}
}

static enum stop_then then_for(struct unit *u, struct unit_rt *rt)
{
	if (rt->stop_requested)
		return THEN_DEAD;
	if (should_restart(u->conf.restart, rt->result))
		return THEN_RESTART;
	return rt->result == RES_SUCCESS ? THEN_DEAD : THEN_FAILED;
}

static void fail_now(struct manager *m, int idx, enum unit_result r)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	if (rt->result == RES_SUCCESS)
		rt->result = r;
	enter_stop_signal(m, idx, then_for(u, rt));
}

void svc_start(struct manager *m, int idx)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	m->now = now_mono_ms(); /* many units may start in one loop iteration */
	if (backoff_start_allowed(&rt->bo, &u->conf, m->now) < 0) {
		manager_log(m, u->name, 3, "start request repeated too quickly (%d starts in %llu ms)",
			    u->conf.start_limit_burst,
			    (unsigned long long)u->conf.start_limit_interval_ms);
		rt->result = RES_START_LIMIT;
		rt->timer_at = 0;
		unit_set_state(m, idx, ST_FAILED, SUB_FAILED);
		return;
	}
	rt->result = RES_SUCCESS;
	rt->job_ok = 0;
	rt->stop_requested = 0;
	rt->watchdog_fired = 0;
	rt->pgid = 0;
	snprintf(rt->invocation, sizeof(rt->invocation), "%d.%llu", (int)getpid(),
		 (unsigned long long)++m->invocation_seq);
	if (open_pipes(m, u, rt) < 0) {
		manager_log(m, u->name, 3, "cannot create log pipes: %s", strerror(errno));
		rt->result = RES_RESOURCES;
		unit_set_state(m, idx, ST_FAILED, SUB_FAILED);
		return;
	}
	set_timer(m, rt, u->conf.timeout_start_ms);
	unit_set_state(m, idx, ST_ACTIVATING, SUB_START_PRE);
	rt->cmd_idx = 0;
	if (u->conf.exec_start_pre.n)
		run_control(m, idx);
	else
		enter_main(m, idx);
}

static void enter_running(struct manager *m, int idx)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	rt->timer_at = 0;
	if (u->conf.watchdog_ms && u->conf.watchdog_ms != MS_INFINITY)
		rt->watchdog_at = m->now + u->conf.watchdog_ms;
	backoff_note_active(&rt->bo, m->now);
	if (u->conf.type == SVC_ONESHOT && !rt->main_pid) {
		if (u->conf.remain_after_exit) {
			unit_set_state(m, idx, ST_ACTIVE, SUB_EXITED);
		} else {
			rt->job_ok = 1;
			close_fd(&rt->log_w[0]);
			close_fd(&rt->log_w[1]);
			unit_set_state(m, idx, ST_INACTIVE, SUB_DEAD);
		}
		return;
	}
	unit_set_state(m, idx, ST_ACTIVE, rt->main_pid ? SUB_RUNNING : SUB_EXITED);
}

static void enter_start_post(struct manager *m, int idx)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	rt->cmd_idx = 0;
	rt->sub = SUB_START_POST;
	if (u->conf.exec_start_post.n)
		run_control(m, idx);
	else
		enter_running(m, idx);
}

static void enter_main(struct manager *m, int idx)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	char err[256];
	rt->sub = SUB_START;
	pid_t pid = spawn_cmd(m, idx, u->conf.exec_start.v[rt->cmd_idx], 1, err, sizeof(err));
	if (pid < 0) {
		manager_log(m, u->name, 3, "failed to start: %s", err);
		rt->result = RES_RESOURCES;
		enter_stop_signal(m, idx, then_for(u, rt));
		return;
	}
	rt->main_pid = pid;
	if (u->conf.type == SVC_SIMPLE)
		enter_start_post(m, idx);
	/* exec: wait for svc_exec_done; forking, oneshot: for exit; notify: READY=1. */
}

/* The main process got past execve(): Type=exec is now started. */
void svc_exec_done(struct manager *m, int idx, pid_t pid)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	if (u->conf.type == SVC_EXEC && rt->sub == SUB_START && rt->main_pid == pid)
		enter_start_post(m, idx);
}

static void run_control(struct manager *m, int idx)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	struct strv *list = control_list(u, rt->sub);
	char err[256];
	pid_t pid = spawn_cmd(m, idx, list->v[rt->cmd_idx], 0, err, sizeof(err));
	if (pid < 0) {
		manager_log(m, u->name, 3, "failed to run %s command: %s", sub_state_name(rt->sub),
			    err);
		rt->control_pid = 0;
		svc_sigchld(m, idx, -1, 127 << 8); /* as if it exited 127 */
		return;
	}
	rt->control_pid = pid;
}

static void finalize(struct manager *m, int idx)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	rt->timer_at = rt->watchdog_at = 0;
	rt->main_pid = rt->control_pid = 0;
	close_fd(&rt->log_w[0]);
	close_fd(&rt->log_w[1]);
	close_fd(&rt->ready_r);
	backoff_note_stopped(&rt->bo, &u->conf, m->now);
	if (rt->then == THEN_RESTART && !m->shutdown && !rt->stop_requested) {
		uint64_t delay = backoff_next(&rt->bo, &u->conf);
		rt->restarts++;
		manager_log(m, u->name, 5, "%s; restarting in %llu ms (restart %d)",
			    unit_result_name(rt->result), (unsigned long long)delay, rt->restarts);
		unit_set_state(m, idx, ST_ACTIVATING, SUB_AUTO_RESTART);
		rt->timer_at = m->now + (delay ? delay : 1);
		return;
	}
	if (rt->then == THEN_FAILED || (rt->then == THEN_RESTART && rt->result != RES_SUCCESS))
		unit_set_state(m, idx, ST_FAILED, SUB_FAILED);
	else
		unit_set_state(m, idx, ST_INACTIVE, SUB_DEAD);
}

void svc_check_empty(struct manager *m, int idx)
{
	struct unit_rt *rt = unit_rt(m->t.units[idx]);
	if (rt->sub != SUB_STOP_SIGTERM && rt->sub != SUB_STOP_SIGKILL)
		return;
	if (rt->main_pid || rt->control_pid)
		return;
	struct unit_conf *c = &m->t.units[idx]->conf;
	/* Escapees seen only now (re-parented since the kill) get the signal too. */
	int sig = rt->sub == SUB_STOP_SIGKILL ? SIGKILL : c->kill_signal;
	if (c->kill_mode != KILL_PROCESS && c->kill_mode != KILL_NONE &&
	    proc_group_alive(m, rt, sig))
		return;
	finalize(m, idx);
}

static void enter_stop_signal(struct manager *m, int idx, enum stop_then then)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	rt->then = then;
	rt->watchdog_at = 0;
	unit_set_state(m, idx, ST_DEACTIVATING, SUB_STOP_SIGTERM);
	if (u->conf.kill_mode != KILL_NONE)
		proc_kill_unit(m, u, u->conf.kill_signal, 0);
	set_timer(m, rt, u->conf.timeout_stop_ms);
	svc_check_empty(m, idx);
}

void svc_stop(struct manager *m, int idx)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	rt->stop_requested = 1;
	if (rt->sub == SUB_AUTO_RESTART || (rt->state == ST_FAILED)) {
		rt->timer_at = 0;
		unit_set_state(m, idx, rt->state == ST_FAILED ? ST_FAILED : ST_INACTIVE,
			       rt->state == ST_FAILED ? SUB_FAILED : SUB_DEAD);
		if (rt->job == JOB_STOP)
			rt->job = JOB_NONE;
		return;
	}
	if (rt->state == ST_ACTIVE && u->conf.exec_stop.n) {
		rt->then = THEN_DEAD;
		unit_set_state(m, idx, ST_DEACTIVATING, SUB_STOP);
		rt->cmd_idx = 0;
		set_timer(m, rt, u->conf.timeout_stop_ms);
		run_control(m, idx);
		return;
	}
	if (rt->control_pid)
		kill(rt->control_pid, SIGKILL);
	enter_stop_signal(m, idx, THEN_DEAD);
}

int svc_reload(struct manager *m, int idx)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	if (rt->state != ST_ACTIVE)
		return -EAGAIN;
	if (!u->conf.exec_reload.n)
		return -EOPNOTSUPP;
	unit_set_state(m, idx, ST_RELOADING, SUB_RELOAD);
	rt->cmd_idx = 0;
	set_timer(m, rt, u->conf.timeout_start_ms);
	run_control(m, idx);
	return 0;
}

static enum unit_result classify(struct unit *u, struct unit_rt *rt, int status)
{
	if (WIFEXITED(status)) {
		rt->exit_code = WEXITSTATUS(status);
		rt->exit_signal = 0;
		return rt->exit_code == 0 ? RES_SUCCESS : RES_EXIT_CODE;
	}
	rt->exit_signal = WTERMSIG(status);
	rt->exit_code = 0;
	/* Dying from the signal we sent to stop it is a clean stop. */
	if (rt->stop_requested && (rt->exit_signal == u->conf.kill_signal ||
				   rt->exit_signal == SIGTERM || rt->exit_signal == SIGKILL))
		return RES_SUCCESS;
	if (rt->exit_signal == SIGHUP || rt->exit_signal == SIGINT ||
	    rt->exit_signal == SIGTERM || rt->exit_signal == SIGPIPE)
		return rt->stop_requested ? RES_SUCCESS : RES_SIGNAL;
	return RES_SIGNAL;
}

static void control_exited(struct manager *m, int idx, int status)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	struct strv *list = control_list(u, rt->sub);
	rt->control_pid = 0;
	if (!list) { /* killed during a stop: just check for emptiness */
		svc_check_empty(m, idx);
		return;
	}
	const char *line = list->v[rt->cmd_idx];
	while (*line == ' ')
		line++;
	int ok = (WIFEXITED(status) && WEXITSTATUS(status) == 0) || line[0] == '-';
	if (!ok) {
		manager_log(m, u->name, 3, "%s command failed (%s %d)", sub_state_name(rt->sub),
			    WIFEXITED(status) ? "exit" : "signal",
			    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		if (rt->sub == SUB_RELOAD) {
			rt->timer_at = 0;
			unit_set_state(m, idx, ST_ACTIVE, SUB_RUNNING);
			return;
		}
		if (rt->sub == SUB_STOP) {
			enter_stop_signal(m, idx, THEN_DEAD);
			return;
		}
		classify(u, rt, status);
		fail_now(m, idx, WIFEXITED(status) ? RES_EXIT_CODE : RES_SIGNAL);
		return;
	}
	if (++rt->cmd_idx < list->n) {
		run_control(m, idx);
		return;
	}
	switch (rt->sub) {
	case SUB_START_PRE: rt->cmd_idx = 0; enter_main(m, idx); break;
	case SUB_START_POST: enter_running(m, idx); break;
	case SUB_STOP: enter_stop_signal(m, idx, THEN_DEAD); break;
	case SUB_RELOAD:
		rt->timer_at = 0;
		unit_set_state(m, idx, ST_ACTIVE, rt->main_pid ? SUB_RUNNING : SUB_EXITED);
		break;
	default: break;
	}
}

static void forking_parent_done(struct manager *m, int idx)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	pid_t pid = 0;
	if (u->conf.pid_file) {
		char *path = xasprintf("%s%s", m->root, u->conf.pid_file);
		FILE *f = fopen(path, "re");
		long v;
		if (f && fscanf(f, "%ld", &v) == 1 && v > 1 && v < 1 << 30 &&
		    proc_belongs(rt, (pid_t)v))
			pid = (pid_t)v;
		else
			manager_log(m, u->name, 4, "PIDFile=%s: no process of this unit in it",
				    u->conf.pid_file);
		if (f)
			fclose(f);
		free(path);
	}
	if (!pid)
		pid = proc_guess_main(m, rt);
	if (!pid && rt->guess_tries < 25) {
		/* The daemon may not be visible yet: look again shortly. */
		rt->guess_tries++;
		rt->timer_at = m->now + 20;
		return;
	}
	rt->guess_tries = 0;
	set_timer(m, rt, u->conf.timeout_start_ms);
	if (pid) {
		rt->main_pid = pid;
		manager_log(m, u->name, 6, "main process is %d", (int)pid);
	} else {
		manager_log(m, u->name, 4, "forking service left no process; treating as exited");
	}
	enter_start_post(m, idx);
}

static void main_exited(struct manager *m, int idx, int status)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	enum unit_result r = classify(u, rt, status);
	rt->main_pid = 0;
	if (rt->sub == SUB_START) {
		if (r != RES_SUCCESS || u->conf.type == SVC_NOTIFY) {
			manager_log(m, u->name, 3, "main process exited during start (%s %d)",
				    rt->exit_signal ? "signal" : "code",
				    rt->exit_signal ? rt->exit_signal : rt->exit_code);
			fail_now(m, idx, r == RES_SUCCESS ? RES_EXIT_CODE : r);
			return;
		}
		if (u->conf.type == SVC_FORKING) {
			forking_parent_done(m, idx);
		} else if (u->conf.type == SVC_ONESHOT) {
			if (++rt->cmd_idx < u->conf.exec_start.n)
				enter_main(m, idx);
			else
				enter_start_post(m, idx);
		}
		return;
	}
	if (rt->state == ST_DEACTIVATING) {
		svc_check_empty(m, idx);
		return;
	}
	if (rt->sub == SUB_START_POST) { /* died before it was up: a failed start */
		rt->result = r;
		manager_log(m, u->name, 3, "main process died during start-post");
		enter_stop_signal(m, idx, then_for(u, rt));
		return;
	}
	if (u->conf.type == SVC_FORKING && r == RES_SUCCESS && !u->conf.pid_file) {
		/* A guessed main process may be an intermediate fork: follow its child. */
		pid_t next = proc_guess_main(m, rt);
		if (next) {
			rt->main_pid = next;
			manager_log(m, u->name, 6, "main process is now %d", (int)next);
			return;
		}
	}
	if (r == RES_SUCCESS)
		manager_log(m, u->name, 6, "main process exited, code 0");
	else if (rt->exit_signal)
		manager_log(m, u->name, 4, "main process killed by %s", signal_name(rt->exit_signal));
	else
		manager_log(m, u->name, 4, "main process exited, code %d", rt->exit_code);
	rt->result = rt->watchdog_fired ? RES_WATCHDOG : r;
	if (rt->result == RES_SUCCESS && u->conf.remain_after_exit) {
		rt->watchdog_at = 0;
		unit_set_state(m, idx, ST_ACTIVE, SUB_EXITED);
		return;
	}
	enter_stop_signal(m, idx, then_for(u, rt));
}

void svc_sigchld(struct manager *m, int idx, pid_t pid, int status)
{
	struct unit_rt *rt = unit_rt(m->t.units[idx]);
	if (pid == -1 || pid == rt->control_pid)
		control_exited(m, idx, status);
	else if (pid == rt->main_pid)
		main_exited(m, idx, status);
	m->dirty = 1;
}

void svc_timer(struct manager *m, int idx)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	rt->timer_at = 0;
	switch (rt->sub) {
	case SUB_START_PRE:
	case SUB_START:
	case SUB_START_POST:
		if (rt->guess_tries && !rt->main_pid && rt->sub == SUB_START) {
			forking_parent_done(m, idx);
			break;
		}
		manager_log(m, u->name, 3, "start timed out");
		if (rt->control_pid)
			kill(rt->control_pid, SIGKILL);
		fail_now(m, idx, RES_TIMEOUT);
		break;
	case SUB_RELOAD:
		manager_log(m, u->name, 4, "reload timed out");
		if (rt->control_pid)
			kill(rt->control_pid, SIGKILL);
		unit_set_state(m, idx, ST_ACTIVE, SUB_RUNNING);
		break;
	case SUB_STOP:
		manager_log(m, u->name, 4, "ExecStop timed out");
		if (rt->control_pid)
			kill(rt->control_pid, SIGKILL);
		enter_stop_signal(m, idx, THEN_DEAD);
		break;
	case SUB_STOP_SIGTERM:
		manager_log(m, u->name, 4, "did not stop in time; sending SIGKILL");
		rt->sub = SUB_STOP_SIGKILL;
		proc_kill_unit(m, u, SIGKILL, 0);
		rt->timer_at = m->now + 5000;
		break;
	case SUB_STOP_SIGKILL:
		manager_log(m, u->name, 3, "processes survived SIGKILL; giving up on them");
		finalize(m, idx);
		break;
	case SUB_AUTO_RESTART:
		rt->state = ST_INACTIVE; /* svc_start expects a stopped unit */
		svc_start(m, idx);
		break;
	default:
		break;
	}
}

void svc_ready(struct manager *m, int idx)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	if (rt->sub == SUB_START && u->conf.type == SVC_NOTIFY)
		enter_start_post(m, idx);
}

void svc_watchdog_ping(struct manager *m, int idx)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	if (rt->watchdog_at && u->conf.watchdog_ms)
		rt->watchdog_at = m->now + u->conf.watchdog_ms;
}

/* Called by the main loop when the watchdog deadline passed. */
void svc_watchdog_expired(struct manager *m, int idx)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	rt->watchdog_at = 0;
	manager_log(m, u->name, 3, "watchdog timeout (no WATCHDOG=1 for %llu ms); killing",
		    (unsigned long long)u->conf.watchdog_ms);
	rt->watchdog_fired = 1;
	rt->result = RES_WATCHDOG;
	if (rt->main_pid)
		kill(rt->main_pid, SIGABRT);
	enter_stop_signal(m, idx, then_for(u, rt));
}

void svc_set_main_pid(struct manager *m, int idx, pid_t pid)
{
	struct unit_rt *rt = unit_rt(m->t.units[idx]);
	if (proc_belongs(rt, pid))
		rt->main_pid = pid;
	else
		manager_log(m, m->t.units[idx]->name, 4, "MAINPID=%d ignored: not a process of this unit",
			    (int)pid);
}
