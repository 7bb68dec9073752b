/*
 * Process tracking. Each service runs in its own process group, so a signal
 * to -pgid reaches the main process and everything it forked. A daemon that
 * double-forks and calls setsid() leaves the group; those escapees are found
 * by the AEGIS_INVOCATION tag every service process inherits in its
 * environment (read from /proc/<pid>/environ), the same idea as systemd's
 * INVOCATION_ID. With a kernel that grows cgroup-like containers this is the
 * one file to change.
 */
#define _GNU_SOURCE
#include "manager.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Reads /proc/<pid>/stat: state, ppid, pgid. Returns -1 if gone. */
static int proc_stat(pid_t pid, char *state, pid_t *ppid, pid_t *pgid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	int pp, pg;
	if (!p || sscanf(p + 2, "%c %d %d", state, &pp, &pg) != 3)
		return -1;
	*ppid = pp;
	*pgid = pg;
	return 0;
}

static int has_tag(pid_t pid, const char *tag, size_t tlen)
{
	char path[64];
	static char buf[65536];
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
		if (!strncmp(buf + i, tag, tlen) && buf[i + (ssize_t)tlen] == 0)
			return 1;
	return 0;
}

/*
 * Escapees: processes that left their unit's process group. With the
 * subreaper flag (or as PID 1) such a process is re-parented to us once its
 * parent exits, so it is enough to look at our direct children that are not
 * in a known group, read their tag once, and remember (pid, pgid, tag). The
 * list is rebuilt at most once per main-loop iteration (m->loop_gen), which
 * keeps stopping 500 units from rescanning /proc 500 times.
 */
/*
 * Our direct children. /proc/<pid>/task/<pid>/children has them in one read;
 * without it (older kernels, Aegis for now) fall back to scanning /proc.
 */
static void list_children(pid_t self, struct intv *out)
{
	char path[64];
	static char buf[65536];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)self, (int)self);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n >= 0) {
			buf[n] = 0;
			for (char *s = buf; *s;) {
				while (*s == ' ')
					s++;
				if (!*s)
					break;
				intv_push(out, atoi(s));
				while (*s && *s != ' ')
					s++;
			}
			return;
		}
	}
	DIR *d = opendir("/proc");
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid_t pid = (pid_t)atoi(de->d_name), ppid, pgid;
		char st;
		if (proc_stat(pid, &st, &ppid, &pgid) == 0 && ppid == self)
			intv_push(out, pid);
	}
	if (d)
		closedir(d);
}

struct escapee {
	pid_t pid, pgid;
	char inv[48];
};

static struct escapee *esc;
static int nesc, esc_cap;
static uint64_t esc_gen = UINT64_MAX;

static void refresh_escapees(struct manager *m)
{
	if (esc_gen == m->loop_gen)
		return;
	esc_gen = m->loop_gen;
	nesc = 0;
	pid_t self = getpid();
	static const char key[] = "AEGIS_INVOCATION=";
	struct intv pids = { 0 };
	list_children(self, &pids);
	for (int k = 0; k < pids.n; k++) {
		pid_t pid = pids.v[k];
		if (manager_unit_by_pid(m, pid) >= 0)
			continue; /* a main or control process, not an escapee */
		char st;
		pid_t ppid, pgid;
		if (proc_stat(pid, &st, &ppid, &pgid) < 0 || st == 'Z' || ppid != self)
			continue;
		char path[64];
		static char buf[65536];
		snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = 0;
		for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1) {
			if (strncmp(buf + i, key, sizeof(key) - 1))
				continue;
			if (nesc == esc_cap) {
				esc_cap = esc_cap ? esc_cap * 2 : 32;
				esc = xrealloc(esc, sizeof(*esc) * (size_t)esc_cap);
			}
			esc[nesc].pid = pid;
			esc[nesc].pgid = pgid;
			snprintf(esc[nesc].inv, sizeof(esc[nesc].inv), "%s", buf + i + sizeof(key) - 1);
			nesc++;
			break;
		}
	}
	free(pids.v);
}

int proc_group_alive(struct manager *m, struct unit_rt *rt, int sig)
{
	if (rt->pgid > 0 && kill(-rt->pgid, 0) == 0)
		return 1;
	if (!rt->invocation[0])
		return 0;
	refresh_escapees(m);
	int alive = 0;
	for (int i = 0; i < nesc; i++) {
		if (strcmp(esc[i].inv, rt->invocation))
			continue;
		if (kill(esc[i].pid, sig) == 0 || kill(-esc[i].pgid, sig) == 0)
			alive = 1;
	}
	return alive;
}

static void kill_one(pid_t pid, void *arg)
{
	int sig = *(int *)arg;
	kill(pid, sig);
	if (sig != SIGKILL)
		kill(pid, SIGCONT);
}

void proc_kill_unit(struct manager *m, struct unit *u, int sig, int main_only)
{
	struct unit_rt *rt = unit_rt(u);
	enum kill_mode mode = u->conf.kill_mode;
	if (rt->control_pid)
		kill(rt->control_pid, sig);
	if (main_only || mode == KILL_PROCESS || (mode == KILL_MIXED && sig != SIGKILL)) {
		if (rt->main_pid)
			kill_one(rt->main_pid, &sig);
		return;
	}
	if (rt->main_pid)
		kill_one(rt->main_pid, &sig);
	if (rt->pgid > 0 && kill(-rt->pgid, sig) == 0 && sig != SIGKILL)
		kill(-rt->pgid, SIGCONT);
	if (!rt->invocation[0])
		return;
	refresh_escapees(m);
	for (int i = 0; i < nesc; i++) {
		if (strcmp(esc[i].inv, rt->invocation))
			continue;
		kill_one(esc[i].pid, &sig);
		if (esc[i].pgid > 1 && esc[i].pgid != rt->pgid)
			kill(-esc[i].pgid, sig);
	}
}

int proc_belongs(struct unit_rt *rt, pid_t pid)
{
	char tag[96];
	if (pid <= 1 || pid == getpid() || kill(pid, 0) < 0)
		return 0;
	if (rt->pgid > 0 && getpgid(pid) == rt->pgid)
		return 1;
	size_t tlen = (size_t)snprintf(tag, sizeof(tag), "AEGIS_INVOCATION=%s", rt->invocation);
	return rt->invocation[0] && has_tag(pid, tag, tlen);
}

pid_t proc_guess_main(struct manager *m, struct unit_rt *rt)
{
	(void)m;
	char tag[96];
	size_t tlen = (size_t)snprintf(tag, sizeof(tag), "AEGIS_INVOCATION=%s", rt->invocation);
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t best = 0, self = getpid();
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid_t pid = (pid_t)atoi(de->d_name);
		char st;
		pid_t ppid, pgid;
		if (proc_stat(pid, &st, &ppid, &pgid) < 0 || st == 'Z' || pid == self)
			continue;
		if (!(rt->pgid && pgid == rt->pgid) && !has_tag(pid, tag, tlen))
			continue;
		/* Prefer a daemon re-parented to us: the double-forked main process. */
		if (!best || (ppid == self && pid < best))
			best = pid;
	}
	closedir(d);
	return best;
}

/* Reaps every exited child, ours or adopted orphans (PID 1 / subreaper duty). */
void proc_reap(struct manager *m)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid <= 0)
			break;
		int idx = manager_unit_by_pid(m, pid);
		if (idx >= 0)
			svc_sigchld(m, idx, pid, status);
	}
	for (int i = 0; i < m->t.n; i++) {
		struct unit_rt *rt = m->t.units[i]->rt;
		if (rt && (rt->sub == SUB_STOP_SIGTERM || rt->sub == SUB_STOP_SIGKILL))
			svc_check_empty(m, i);
	}
}
