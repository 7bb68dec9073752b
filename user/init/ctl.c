/*
 * The control server. Clients are non-blocking with an output buffer each,
 * so a slow or stuck aegisctl can never stall PID 1; a client whose buffer
 * grows past a limit is dropped. Commands that change state (start, stop,
 * restart, reload) reply when the jobs they queued are finished, unless
 * --no-block was given.
 */
#define _GNU_SOURCE
#include "ctl.h"
#include "manager.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define OUT_LIMIT (32u << 20)
#define CTL_MAX_CLIENTS 200 /* main.c polls up to 256 client fds */

struct ctl_client {
	struct ctl_client *next;
	int fd;
	char in[CTL_LINE_MAX];
	size_t inlen;
	char *out;
	size_t outlen, outcap;
	struct strv wait;   /* unit names whose jobs we wait for */
	int wait_reload;
	int closing;	    /* close once the output is flushed */
	int follow;	    /* logs -f */
	char *follow_unit;  /* NULL = all units */
	int dead;
};

int ctl_open(struct manager *m)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	m->ctl_path = xasprintf("%s/control", m->run_dir);
	if (strlen(m->ctl_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, m->ctl_path);
	unlink(m->ctl_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	chmod(m->ctl_path, 0600);
	m->ctl_fd = fd;
	return 0;
}

static void out_raw(struct ctl_client *c, const char *s, size_t n)
{
	if (c->dead)
		return;
	if (c->outlen + n > OUT_LIMIT) {
		c->dead = 1; /* a reader that does not read: drop it */
		return;
	}
	if (c->outlen + n > c->outcap) {
		c->outcap = (c->outlen + n) * 2;
		c->out = xrealloc(c->out, c->outcap);
	}
	memcpy(c->out + c->outlen, s, n);
	c->outlen += n;
}

static void cprintf(struct ctl_client *c, char tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cprintf(struct ctl_client *c, char tag, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	buf[0] = tag;
	buf[1] = ' ';
	va_start(ap, fmt);
	int n = vsnprintf(buf + 2, sizeof(buf) - 3, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t len = 2 + ((size_t)n < sizeof(buf) - 3 ? (size_t)n : sizeof(buf) - 4);
	buf[len++] = '\n';
	out_raw(c, buf, len);
}

static void finish(struct ctl_client *c, int code)
{
	cprintf(c, 'x', "%d", code);
	c->closing = 1;
}

void ctl_accept(struct manager *m)
{
	int count = 0;
	for (struct ctl_client *c = m->clients; c; c = c->next)
		count++;
	for (;;) {
		int fd = accept4(m->ctl_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		if (count >= CTL_MAX_CLIENTS) { /* more than the loop polls: refuse */
			close(fd);
			continue;
		}
		count++;
		struct ctl_client *c = xcalloc(1, sizeof(*c));
		c->fd = fd;
		c->next = m->clients;
		m->clients = c;
	}
}

/* ---- output formatting -------------------------------------------------- */

static void fmt_time(uint64_t usec, char *buf, size_t len)
{
	time_t s = (time_t)(usec / 1000000);
	struct tm tm;
	gmtime_r(&s, &tm);
	size_t n = strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03u", (unsigned)(usec / 1000 % 1000));
}

/* Turns a stored record into "time unit[prio]: message"; 0 if malformed. */
static int fmt_record(const char *rec, const char *only_unit, char *out, size_t len)
{
	unsigned long long usec;
	int prio, off = 0;
	char unit[300];
	if (sscanf(rec, "%llu %d %299s %n", &usec, &prio, unit, &off) != 3 || !off)
		return 0;
	if (only_unit && strcmp(unit, only_unit))
		return 0;
	char ts[64];
	fmt_time(usec, ts, sizeof(ts));
	snprintf(out, len, "%s %s <%d>: %s", ts, unit, prio, rec + off);
	out[strcspn(out, "\n")] = 0;
	return 1;
}

void ctl_log_line(struct manager *m, const char *unit, const char *line)
{
	char buf[LOG_LINE_MAX + 400];
	for (struct ctl_client *c = m->clients; c; c = c->next) {
		if (!c->follow || c->dead)
			continue;
		if (c->follow_unit && strcmp(c->follow_unit, unit))
			continue;
		if (fmt_record(line, NULL, buf, sizeof(buf)))
			cprintf(c, 'o', "%s", buf);
	}
}

static void send_logs(struct manager *m, struct ctl_client *c, const char *unit, int tail)
{
	struct strv lines = { 0 };
	char buf[LOG_LINE_MAX + 400], rec[LOG_LINE_MAX + 400];
	for (int i = m->log_keep; i >= 0; i--) {
		char *path = i ? xasprintf("%s.%d", m->log_path, i) : xstrdup(m->log_path);
		FILE *f = fopen(path, "re");
		free(path);
		if (!f)
			continue;
		while (fgets(rec, sizeof(rec), f)) {
			if (!fmt_record(rec, unit, buf, sizeof(buf)))
				continue;
			if (tail > 0 && lines.n >= tail * 2) { /* keep memory bounded */
				for (int k = 0; k < tail; k++)
					free(lines.v[k]);
				memmove(lines.v, lines.v + tail, sizeof(char *) * (size_t)(lines.n - tail));
				lines.n -= tail;
			}
			strv_push(&lines, buf);
		}
		fclose(f);
	}
	int start = tail > 0 && lines.n > tail ? lines.n - tail : 0;
	for (int i = start; i < lines.n; i++)
		cprintf(c, 'o', "%s", lines.v[i]);
	strv_clear(&lines);
}

static void fmt_duration(uint64_t ms, char *buf, size_t len)
{
	if (ms < 1000)
		snprintf(buf, len, "%llums", (unsigned long long)ms);
	else if (ms < 60000)
		snprintf(buf, len, "%.3fs", (double)ms / 1000);
	else
		snprintf(buf, len, "%llumin %llus", (unsigned long long)(ms / 60000),
			 (unsigned long long)(ms / 1000 % 60));
}

static void cmd_status(struct manager *m, struct ctl_client *c, int idx)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	char dur[64];
	cprintf(c, 'o', "%s - %s", u->name, u->conf.description ? u->conf.description : "");
	if (u->path)
		cprintf(c, 'o', "   Loaded: %s (%s)", u->bad ? "error" : "loaded", u->path);
	else
		cprintf(c, 'o', "   Loaded: %s", u->bad ? "not-found" : "loaded");
	if (u->bad && u->bad_reason)
		cprintf(c, 'o', "    Error: %s", u->bad_reason);
	uint64_t since = rt->state == ST_ACTIVE ? rt->active_at
			 : rt->state == ST_ACTIVATING ? rt->activating_at : rt->inactive_at;
	fmt_duration(since ? m->now - since : 0, dur, sizeof(dur));
	cprintf(c, 'o', "   Active: %s (%s)%s%s", unit_state_name(rt->state),
		sub_state_name(rt->sub), since ? " for " : "", since ? dur : "");
	if (rt->state == ST_FAILED || rt->result != RES_SUCCESS)
		cprintf(c, 'o', "   Result: %s", unit_result_name(rt->result));
	if (u->conf.kind == UNIT_SERVICE) {
		if (rt->main_pid)
			cprintf(c, 'o', " Main PID: %d", (int)rt->main_pid);
		cprintf(c, 'o', " Restarts: %d", rt->restarts);
		if (rt->exit_signal)
			cprintf(c, 'o', "Last exit: signal %s", signal_name(rt->exit_signal));
		else
			cprintf(c, 'o', "Last exit: code %d", rt->exit_code);
		if (rt->status_text)
			cprintf(c, 'o', "   Status: \"%s\"", rt->status_text);
	}
	for (int k = 0; k < LOG_RING; k++) {
		char *l = rt->ring[(rt->ring_head + k) % LOG_RING];
		if (l)
			cprintf(c, 'o', "  | %s", l);
	}
}

static void cmd_list_units(struct manager *m, struct ctl_client *c, int all)
{
	for (int i = 0; i < m->t.n; i++) {
		struct unit *u = m->t.units[i];
		struct unit_rt *rt = unit_rt(u);
		if (!all && rt->state == ST_INACTIVE && !u->bad)
			continue;
		cprintf(c, 'o', "%-40s %-7s %-12s %-12s %s", u->name, u->bad ? "error" : "loaded",
			unit_state_name(rt->state), sub_state_name(rt->sub),
			u->conf.description ? u->conf.description : "");
	}
}

/* Each unit is expanded once, so a dense graph prints O(units) lines. */
static void dep_tree(struct manager *m, struct ctl_client *c, int idx, int depth,
		     unsigned char *seen)
{
	struct unit *u = m->t.units[idx];
	cprintf(c, 'o', "%*s%s%s [%s]%s", depth * 2, "", depth ? "- " : "", u->name,
		unit_state_name(unit_rt(u)->state), seen[idx] && u->dep[DEP_WANTS].n +
		u->dep[DEP_REQUIRES].n + u->dep[DEP_BINDS_TO].n ? " ..." : "");
	if (seen[idx] || depth > 64)
		return;
	seen[idx] = 1;
	static const enum dep_kind kinds[] = { DEP_REQUIRES, DEP_BINDS_TO, DEP_WANTS };
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++)
		for (int j = 0; j < u->dep[kinds[k]].n; j++)
			dep_tree(m, c, u->dep[kinds[k]].v[j], depth + 1, seen);
}


struct analyze_ent {
	int idx;
	uint64_t took;
};

static int cmp_took(const void *a, const void *b)
{
	const struct analyze_ent *x = a, *y = b;
	return x->took < y->took ? 1 : x->took > y->took ? -1 : 0;
}

static void cmd_analyze(struct manager *m, struct ctl_client *c)
{
	char d[64];
	if (m->boot_done_at) {
		fmt_duration(m->boot_done_at - m->boot_at, d, sizeof(d));
		cprintf(c, 'o', "Boot to %s took %s", m->goal_name, d);
	} else {
		cprintf(c, 'o', "Boot to %s has not finished yet", m->goal_name);
	}
	struct analyze_ent *ents = xcalloc((size_t)m->t.n, sizeof(*ents));
	int n = 0;
	for (int i = 0; i < m->t.n; i++) {
		struct unit_rt *rt = unit_rt(m->t.units[i]);
		if (rt->active_at && rt->activating_at && rt->active_at >= rt->activating_at)
			ents[n++] = (struct analyze_ent){ i, rt->active_at - rt->activating_at };
	}
	qsort(ents, (size_t)n, sizeof(*ents), cmp_took);
	cprintf(c, 'o', "Start times (activating -> active), slowest first:");
	for (int i = 0; i < n; i++) {
		fmt_duration(ents[i].took, d, sizeof(d));
		cprintf(c, 'o', "  %10s %s", d, m->t.units[ents[i].idx]->name);
	}
	free(ents);
	/* Critical chain: from the goal, follow the After dependency that came up last. */
	cprintf(c, 'o', "Critical chain (time after boot when active, +time to start):");
	int cur = m->goal, depth = 0;
	while (cur >= 0 && depth < 64) {
		struct unit_rt *rt = unit_rt(m->t.units[cur]);
		char at[64], took[64];
		fmt_duration(rt->active_at > m->boot_at ? rt->active_at - m->boot_at : 0, at,
			     sizeof(at));
		fmt_duration(rt->active_at > rt->activating_at ? rt->active_at - rt->activating_at : 0,
			     took, sizeof(took));
		cprintf(c, 'o', "%*s%s @%s +%s", depth * 2, "", m->t.units[cur]->name, at, took);
		struct intv *after = &m->t.units[cur]->dep[DEP_AFTER];
		int next = -1;
		uint64_t best = 0;
		for (int j = 0; j < after->n; j++) {
			struct unit_rt *v = unit_rt(m->t.units[after->v[j]]);
			if (v->active_at && v->active_at <= rt->active_at && v->active_at > best) {
				best = v->active_at;
				next = after->v[j];
			}
		}
		cur = next;
		depth++;
	}
}

/* ---- enable / disable ---------------------------------------------------- */

static int set_enabled(struct manager *m, struct ctl_client *c, int idx, int enable)
{
	struct unit *u = m->t.units[idx];
	struct strv *wb = &u->conf.deps[DEP_WANTED_BY];
	if (!wb->n) {
		cprintf(c, 'e', "%s has no [Install] WantedBy=; nothing to %s", u->name,
			enable ? "enable" : "disable");
		return 1;
	}
	for (int i = 0; i < wb->n; i++) {
		char *dir = xasprintf("%s/%s.wants", m->units_dir, wb->v[i]);
		char *link = xasprintf("%s/%s", dir, u->name);
		char *target = xasprintf("../%s", u->name);
		int r = 0;
		if (enable) {
			mkdir(dir, 0755);
			if (symlink(target, link) < 0 && errno != EEXIST)
				r = -errno;
			else
				cprintf(c, 'o', "Created symlink %s -> %s", link, target);
		} else if (unlink(link) == 0) {
			cprintf(c, 'o', "Removed %s", link);
		} else if (errno != ENOENT) {
			r = -errno;
		}
		if (r < 0)
			cprintf(c, 'e', "%s: %s", link, strerror(-r));
		free(dir);
		free(link);
		free(target);
		if (r < 0)
			return 1;
	}
	return 0;
}

/* ---- commands ------------------------------------------------------------ */

static int lookup(struct manager *m, struct ctl_client *c, const char *name)
{
	int idx = table_find(&m->t, name);
	if (idx < 0 && !strchr(name, '.')) {
		char *s = xasprintf("%s.service", name);
		idx = table_find(&m->t, s);
		free(s);
	}
	if (idx < 0)
		cprintf(c, 'e', "Unit %s not found.", name);
	return idx;
}

static int job_cmd(struct manager *m, struct ctl_client *c, const char *cmd, char **argv,
		   int argc, int no_block)
{
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		int idx = lookup(m, c, argv[i]);
		char err[128] = "";
		if (idx < 0) {
			rc = 5;
			continue;
		}
		struct unit_rt *rt = unit_rt(m->t.units[idx]);
		if (!strcmp(cmd, "start")) {
			backoff_reset(&rt->bo); /* an explicit start overrides the rate limit */
			manager_start(m, idx, err, sizeof(err));
		} else if (!strcmp(cmd, "stop")) {
			manager_stop(m, idx);
		} else if (!strcmp(cmd, "restart")) {
			backoff_reset(&rt->bo);
			if (rt->state == ST_INACTIVE || rt->state == ST_FAILED) {
				manager_start(m, idx, err, sizeof(err));
			} else {
				manager_stop(m, idx);
				rt->restart_pending = 1;
				/* PartOf=: units that are part of this one restart with it. */
				for (int w = 0; w < m->t.n; w++) {
					struct unit_rt *wr = m->t.units[w]->rt;
					if (wr && wr->job == JOB_STOP &&
					    intv_contains(&m->t.units[w]->dep[DEP_PART_OF], idx))
						wr->restart_pending = 1;
				}
			}
		} else if (!strcmp(cmd, "reload")) {
			int r = svc_reload(m, idx);
			if (r < 0) {
				cprintf(c, 'e', "%s: cannot reload: %s", argv[i],
					r == -EOPNOTSUPP ? "no ExecReload=" : "not active");
				rc = 1;
				continue;
			}
			c->wait_reload = 1;
		}
		if (!no_block)
			strv_push(&c->wait, m->t.units[idx]->name);
	}
	m->dirty = 1;
	return rc;
}

static int cmd_logs(struct manager *m, struct ctl_client *c, char **argv, int argc)
{
	const char *unit = NULL;
	int tail = 0, follow = 0, all = 0;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--follow"))
			follow = 1;
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			tail = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--all") || !strcmp(argv[i], "-a"))
			all = 1;
		else
			unit = argv[i];
	}
	char *uname = NULL;
	if (unit && !all) {
		int idx = table_find(&m->t, unit);
		if (idx < 0 && !strchr(unit, '.'))
			uname = xasprintf("%s.service", unit);
		else
			uname = xstrdup(unit);
	}
	send_logs(m, c, uname, tail);
	if (follow) {
		c->follow = 1;
		c->follow_unit = uname;
		return -1; /* no end marker: stream until the client leaves */
	}
	free(uname);
	return 0;
}

/* Commands that take a list of units and do not queue jobs. */
static int unit_query_cmd(struct manager *m, struct ctl_client *c, const char *cmd,
			  char **args, int n)
{
	int rc = 0;
	if (!n) {
		cprintf(c, 'e', "%s: need a unit name", cmd);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		int idx = lookup(m, c, args[i]);
		if (idx < 0) {
			rc = 4;
			continue;
		}
		struct unit_rt *rt = unit_rt(m->t.units[idx]);
		if (!strcmp(cmd, "status")) {
			cmd_status(m, c, idx);
			if (rt->state != ST_ACTIVE && !rc)
				rc = 3;
		} else if (!strcmp(cmd, "is-active")) {
			cprintf(c, 'o', "%s", unit_state_name(rt->state));
			if (rt->state != ST_ACTIVE)
				rc = 3;
		} else if (!strcmp(cmd, "list-dependencies")) {
			unsigned char *seen = xcalloc((size_t)m->t.n, 1);
			dep_tree(m, c, idx, 0, seen);
			free(seen);
		} else if (set_enabled(m, c, idx, !strcmp(cmd, "enable"))) {
			rc = 1;
		}
	}
	if (!strcmp(cmd, "enable") || !strcmp(cmd, "disable"))
		manager_reload(m);
	return rc;
}

static int run_command(struct manager *m, struct ctl_client *c, char **argv, int argc)
{
	const char *cmd = argv[0];
	int no_block = 0, all = 0, n = 0;
	char *args[64];
	for (int i = 1; i < argc && n < 64; i++) {
		if (!strcmp(argv[i], "--no-block"))
			no_block = 1;
		else if (!strcmp(argv[i], "--all") && strcmp(cmd, "logs"))
			all = 1;
		else
			args[n++] = argv[i];
	}
	if (!strcmp(cmd, "start") || !strcmp(cmd, "stop") || !strcmp(cmd, "restart") ||
	    !strcmp(cmd, "reload")) {
		if (!n) {
			cprintf(c, 'e', "%s: need a unit name", cmd);
			return 2;
		}
		if (m->shutdown && strcmp(cmd, "stop")) {
			cprintf(c, 'e', "shutting down; refusing to %s", cmd);
			return 1;
		}
		int rc = job_cmd(m, c, cmd, args, n, no_block);
		return rc || !c->wait.n ? rc : -1;
	}
	if (!strcmp(cmd, "status") || !strcmp(cmd, "is-active") || !strcmp(cmd, "enable") ||
	    !strcmp(cmd, "disable") || !strcmp(cmd, "list-dependencies"))
		return unit_query_cmd(m, c, cmd, args, n);
	if (!strcmp(cmd, "list-units")) {
		cmd_list_units(m, c, all);
		return 0;
	}
	if (!strcmp(cmd, "logs"))
		return cmd_logs(m, c, argv + 1, argc - 1);
	if (!strcmp(cmd, "daemon-reload")) {
		if (manager_reload(m) == -EBUSY) {
			cprintf(c, 'e', "shutting down; daemon-reload refused");
			return 1;
		}
		return 0;
	}
	if (!strcmp(cmd, "analyze")) {
		cmd_analyze(m, c);
		return 0;
	}
	if (!strcmp(cmd, "poweroff") || !strcmp(cmd, "reboot") || !strcmp(cmd, "exit")) {
		shutdown_begin(m, !strcmp(cmd, "reboot")   ? SHUT_REBOOT
				  : !strcmp(cmd, "poweroff") ? SHUT_POWEROFF
							     : SHUT_EXIT);
		return 0;
	}
	cprintf(c, 'e', "unknown command \"%s\"", cmd);
	return 2;
}

static void handle_request(struct manager *m, struct ctl_client *c, char *line)
{
	char *argv[80];
	int argc = 0;
	char *save = NULL;
	for (char *t = strtok_r(line, " \t", &save); t && argc < 79; t = strtok_r(NULL, " \t", &save))
		argv[argc++] = t;
	if (!argc) {
		finish(c, 2);
		return;
	}
	int rc = run_command(m, c, argv, argc);
	if (rc >= 0)
		finish(c, rc);
}

/* Waiting clients: reply once every unit they wait for has no job left. */
static void check_waits(struct manager *m, struct ctl_client *c)
{
	if (!c->wait.n || c->closing)
		return;
	int rc = 0;
	for (int i = 0; i < c->wait.n; i++) {
		int idx = table_find(&m->t, c->wait.v[i]);
		if (idx < 0)
			continue;
		struct unit_rt *rt = unit_rt(m->t.units[idx]);
		if (rt->job || rt->restart_pending || rt->state == ST_DEACTIVATING ||
		    rt->state == ST_RELOADING || (rt->state == ST_ACTIVATING))
			return;
		if (rt->state == ST_FAILED) {
			cprintf(c, 'e', "%s failed (%s); see: aegisctl status %s", c->wait.v[i],
				unit_result_name(rt->result), c->wait.v[i]);
			rc = 1;
		}
	}
	strv_clear(&c->wait);
	finish(c, rc);
}

static void client_read(struct manager *m, struct ctl_client *c)
{
	ssize_t r = read(c->fd, c->in + c->inlen, sizeof(c->in) - 1 - c->inlen);
	if (r <= 0) {
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			c->dead = 1;
		return;
	}
	c->inlen += (size_t)r;
	c->in[c->inlen] = 0;
	char *nl = strchr(c->in, '\n');
	if (!nl) {
		if (c->inlen == sizeof(c->in) - 1) {
			cprintf(c, 'e', "request too long");
			finish(c, 2);
		}
		return;
	}
	*nl = 0;
	if (!c->closing && !c->follow && !c->wait.n)
		handle_request(m, c, c->in);
	c->inlen = 0;
}

static void client_write(struct ctl_client *c)
{
	while (c->outlen) {
		ssize_t w = write(c->fd, c->out, c->outlen);
		if (w < 0) {
			if (errno != EAGAIN && errno != EINTR)
				c->dead = 1;
			return;
		}
		memmove(c->out, c->out + w, c->outlen - (size_t)w);
		c->outlen -= (size_t)w;
	}
	if (c->closing)
		c->dead = 1;
}

static void reap_clients(struct manager *m)
{
	for (struct ctl_client **pp = &m->clients; *pp;) {
		struct ctl_client *c = *pp;
		if (!c->dead) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		close(c->fd);
		free(c->out);
		free(c->follow_unit);
		strv_clear(&c->wait);
		free(c);
	}
}

int ctl_poll_fill(struct manager *m, struct pollfd *pfd, int max)
{
	int n = 0;
	for (struct ctl_client *c = m->clients; c; c = c->next)
		check_waits(m, c);
	for (struct ctl_client *c = m->clients; c; c = c->next)
		if (c->outlen)
			client_write(c);
	reap_clients(m);
	for (struct ctl_client *c = m->clients; c && n < max; c = c->next) {
		pfd[n].fd = c->fd;
		pfd[n].events = POLLIN | (c->outlen ? POLLOUT : 0);
		pfd[n].revents = 0;
		n++;
	}
	return n;
}

void ctl_poll_handle(struct manager *m, struct pollfd *pfd, int n)
{
	for (int i = 0; i < n; i++) {
		if (!pfd[i].revents)
			continue;
		for (struct ctl_client *c = m->clients; c; c = c->next) {
			if (c->fd != pfd[i].fd)
				continue;
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				client_read(m, c);
			if (pfd[i].revents & POLLOUT)
				client_write(c);
			break;
		}
	}
}

void ctl_close_all(struct manager *m)
{
	for (struct ctl_client *c = m->clients; c; c = c->next) {
		if (!c->closing && !c->follow)
			finish(c, 1);
		client_write(c);
		c->dead = 1;
	}
	reap_clients(m);
}
