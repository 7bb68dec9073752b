/*
 * Shutdown: poweroff, reboot, or (on the host) exit. Every unit gets a stop
 * job; the dispatcher stops them in reverse dependency order, each with its
 * own TimeoutStopSec and SIGTERM-then-SIGKILL. shutdown.target, if present,
 * is started so units can hook into shutdown. When everything is down (or
 * the overall deadline passes), what remains gets SIGTERM, then SIGKILL; the
 * log is synced; PID 1 calls reboot(2), a --root supervisor exits.
 * PID 1 never returns from here: if reboot(2) fails it waits forever.
 */
#define _GNU_SOURCE
#include "manager.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

#include "txn.h"

#define SHUTDOWN_DEADLINE_MS 120000
#define FINAL_TERM_MS 3000

static unsigned char *shutdown_members;

void shutdown_begin(struct manager *m, enum shutdown_action a)
{
	if (m->shutdown) {
		if (a != SHUT_EXIT)
			m->shutdown = a;
		return;
	}
	static const char *names[] = { "", "exit", "poweroff", "reboot" };
	manager_log(m, NULL, 5, "shutting down (%s)", names[a]);
	m->shutdown = a;
	m->shutdown_deadline = m->now + SHUTDOWN_DEADLINE_MS;
	free(shutdown_members);
	shutdown_members = xcalloc((size_t)m->t.n + 1, 1);
	int st = table_find(&m->t, "shutdown.target");
	if (st >= 0 && !m->t.units[st]->bad) {
		struct txn x;
		txn_build_start(&m->t, st, &x);
		memcpy(shutdown_members, x.member, (size_t)m->t.n);
		txn_free(&x);
	}
	for (int i = 0; i < m->t.n; i++) {
		struct unit_rt *rt = unit_rt(m->t.units[i]);
		rt->restart_pending = 0;
		rt->dep_wait = 0;
		if (shutdown_members[i])
			continue;
		if (rt->state != ST_INACTIVE && rt->state != ST_FAILED)
			rt->job = JOB_STOP;
		else if (rt->job == JOB_START)
			rt->job = JOB_NONE;
		else if (rt->sub == SUB_AUTO_RESTART)
			rt->job = JOB_STOP;
	}
	if (st >= 0 && !m->t.units[st]->bad) {
		char err[64];
		manager_start(m, st, err, sizeof(err));
	}
	m->dirty = 1;
}

static int all_down(struct manager *m)
{
	for (int i = 0; i < m->t.n; i++) {
		struct unit_rt *rt = m->t.units[i]->rt;
		if (!rt || (shutdown_members[i] && !rt->job))
			continue; /* shutdown.target's own units may stay up */
		if (rt->job || (rt->state != ST_INACTIVE && rt->state != ST_FAILED))
			return 0;
	}
	return 1;
}

/* Host mode: kill what is left of our services, and any adopted orphan. */
static void kill_leftovers(struct manager *m, int sig)
{
	for (int i = 0; i < m->t.n; i++) {
		struct unit_rt *rt = m->t.units[i]->rt;
		if (rt && rt->invocation[0])
			proc_kill_unit(m, m->t.units[i], sig, 0);
	}
	DIR *d = opendir("/proc");
	struct dirent *de;
	char path[300], buf[512];
	pid_t self = getpid();
	while (d && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		int ppid = 0;
		if (fgets(buf, sizeof(buf), f)) {
			char *p = strrchr(buf, ')');
			char st;
			if (p)
				sscanf(p + 2, "%c %d", &st, &ppid);
		}
		fclose(f);
		if (ppid == self)
			kill((pid_t)atoi(de->d_name), sig);
	}
	if (d)
		closedir(d);
}

static void wait_children(uint64_t ms)
{
	uint64_t end = now_mono_ms() + ms;
	while (now_mono_ms() < end) {
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG);
		if (p < 0 && errno == ECHILD)
			return;
		if (p <= 0)
			usleep(10000);
	}
}

static void finish(struct manager *m)
{
	manager_log(m, NULL, 5, "sending SIGTERM to remaining processes");
	if (m->pid1)
		kill(-1, SIGTERM);
	else
		kill_leftovers(m, SIGTERM);
	wait_children(FINAL_TERM_MS);
	if (m->pid1)
		kill(-1, SIGKILL);
	else
		kill_leftovers(m, SIGKILL);
	wait_children(1000);
	/* Drain what the services printed last. */
	for (int i = 0; i < m->t.n; i++)
		for (int k = 0; k < 2; k++)
			if (m->t.units[i]->rt && m->t.units[i]->rt->logp[k].fd >= 0)
				log_pipe_read(m, i, k);
	manager_log(m, NULL, 5, "shutdown complete");
	ctl_close_all(m);
	log_sync(m);
	sync();
	if (!m->pid1) {
		unlink(m->ctl_path);
		if (m->notify_path)
			unlink(m->notify_path);
		if (m->syslog_path)
			unlink(m->syslog_path);
		exit(0);
	}
	reboot(m->shutdown == SHUT_REBOOT ? RB_AUTOBOOT : RB_POWER_OFF);
	manager_log(m, NULL, 2, "reboot(2) failed: %s; halting here", strerror(errno));
	for (;;)
		pause();
}

void shutdown_step(struct manager *m)
{
	if (!m->shutdown)
		return;
	if (all_down(m)) {
		finish(m);
		return;
	}
	if (m->now >= m->shutdown_deadline) {
		manager_log(m, NULL, 3, "shutdown deadline passed; killing what is left");
		finish(m);
	}
}
