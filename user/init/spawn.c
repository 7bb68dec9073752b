/*
 * Starting a service process: fork, put the child in the unit's process
 * group, wire stdio to the log pipes, apply limits, credentials and working
 * directory, build a clean environment and exec. Exec failures are reported
 * back through a close-on-exec pipe, so "no such file" is an immediate,
 * clearly logged failure instead of a mysterious exit status 127.
 */
#define _GNU_SOURCE
#include "manager.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

static void env_set(struct strv *env, const char *kv)
{
	size_t klen = strcspn(kv, "=");
	for (int i = 0; i < env->n; i++) {
		if (!strncmp(env->v[i], kv, klen) && env->v[i][klen] == '=') {
			free(env->v[i]);
			env->v[i] = xstrdup(kv);
			return;
		}
	}
	strv_push(env, kv);
}

static const char *env_get(const struct strv *env, const char *key, size_t klen)
{
	for (int i = 0; i < env->n; i++)
		if (!strncmp(env->v[i], key, klen) && env->v[i][klen] == '=')
			return env->v[i] + klen + 1;
	return NULL;
}

/* KEY=VALUE lines; '#' comments; optional surrounding quotes. */
static int load_env_file(struct manager *m, const char *spec, struct strv *env, const char *unit)
{
	int optional = spec[0] == '-';
	char *path = xasprintf("%s%s", m->root, spec + optional);
	FILE *f = fopen(path, "re");
	char line[4096];
	free(path);
	if (!f) {
		if (optional)
			return 0;
		manager_log(m, unit, 3, "EnvironmentFile=%s: %s", spec, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		char *s = str_trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (!strncmp(s, "export ", 7))
			s = str_trim(s + 7);
		char *eq = strchr(s, '=');
		if (!eq || eq == s)
			continue;
		char *v = eq + 1;
		size_t vl = strlen(v);
		if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
			v[vl - 1] = 0;
			memmove(v, v + 1, vl - 1);
		}
		env_set(env, s);
	}
	fclose(f);
	return 0;
}

static int build_env(struct manager *m, struct unit *u, int is_main, struct strv *env)
{
	struct unit_rt *rt = u->rt;
	char buf[512];
	env_set(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	env_set(env, "LANG=C.UTF-8");
	snprintf(buf, sizeof(buf), "AEGIS_INVOCATION=%s", rt->invocation);
	env_set(env, buf);
	snprintf(buf, sizeof(buf), "AEGIS_UNIT=%s", u->name);
	env_set(env, buf);
	if (m->root[0]) {
		snprintf(buf, sizeof(buf), "AEGIS_ROOT=%s", m->root);
		env_set(env, buf);
	}
	if (m->notify_path) {
		snprintf(buf, sizeof(buf), "NOTIFY_SOCKET=%s", m->notify_path);
		env_set(env, buf);
	}
	if (is_main && u->conf.watchdog_ms && u->conf.watchdog_ms != MS_INFINITY) {
		snprintf(buf, sizeof(buf), "WATCHDOG_USEC=%llu",
			 (unsigned long long)u->conf.watchdog_ms * 1000);
		env_set(env, buf);
	}
	if (!is_main && rt->main_pid) {
		snprintf(buf, sizeof(buf), "MAINPID=%d", (int)rt->main_pid);
		env_set(env, buf);
	}
	if (u->conf.notification_fd >= 0) {
		snprintf(buf, sizeof(buf), "AEGIS_NOTIFICATION_FD=%d", u->conf.notification_fd);
		env_set(env, buf);
	}
	for (int i = 0; i < u->conf.environment_files.n; i++)
		if (load_env_file(m, u->conf.environment_files.v[i], env, u->name) < 0)
			return -1;
	for (int i = 0; i < u->conf.environment.n; i++)
		env_set(env, u->conf.environment.v[i]);
	return 0;
}

/* Unit specifiers: %n full name, %N and %p name without suffix, %% a '%'. */
static const char *specifier(char ch, const char *unit, char *buf, size_t len)
{
	switch (ch) {
	case 'n': return unit;
	case 'N':
	case 'p':
		snprintf(buf, len, "%.*s", (int)(strrchr(unit, '.') - unit), unit);
		return buf;
	case '%': return "%";
	default: return NULL;
	}
}

/* ${VAR} and $VAR inside arguments (unknown ones expand to ""), and specifiers. */
static char *expand(const char *arg, const struct strv *env, const char *unit)
{
	size_t cap = strlen(arg) + 1, n = 0;
	char *out = xmalloc(cap);
	char spec[UNIT_NAME_MAX + 1];
	for (const char *s = arg; *s;) {
		const char *val = NULL;
		size_t skip = 0;
		if (s[0] == '%' && s[1] && (val = specifier(s[1], unit, spec, sizeof(spec)))) {
			skip = 2;
		} else if (s[0] == '$' && s[1] == '{') {
			const char *end = strchr(s + 2, '}');
			if (end) {
				val = env_get(env, s + 2, (size_t)(end - s - 2));
				skip = (size_t)(end - s) + 1;
			}
		} else if (s[0] == '$' && (s[1] == '_' || (s[1] >= 'A' && s[1] <= 'Z'))) {
			size_t k = 1;
			while (s[k] == '_' || (s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= '0' && s[k] <= '9') ||
			       (s[k] >= 'a' && s[k] <= 'z'))
				k++;
			val = env_get(env, s + 1, k - 1);
			skip = k;
		}
		if (!skip) {
			val = s;
			skip = 1;
			if (n + 2 > cap)
				out = xrealloc(out, cap *= 2);
			out[n++] = *s;
			s += skip;
			continue;
		}
		size_t vl = val ? strlen(val) : 0;
		if (n + vl + 1 > cap) {
			cap = n + vl + 1 + cap;
			out = xrealloc(out, cap);
		}
		if (vl)
			memcpy(out + n, val, vl);
		n += vl;
		s += skip;
	}
	out[n] = 0;
	return out;
}

struct child_args {
	struct unit *u;
	struct unit_rt *rt;
	char **argv, **envp;
	char *cwd, *tty;
	int is_main, errfd, ready_w;
	pid_t pgid;
	int tty_mode;
	int set_creds, ngroups;
	uid_t uid;
	gid_t gid;
	gid_t groups[64];
};

static void child_fail(int errfd, int stage)
{
	int msg[2] = { errno, stage };
	(void)!write(errfd, msg, sizeof(msg));
	_exit(127);
}

enum { ST_SETUP, ST_STDIO, ST_LIMITS, ST_CHDIR, ST_CREDS, ST_EXEC };

static int open_stdio(struct child_args *a)
{
	struct unit_conf *c = &a->u->conf;
	int tty = -1;
	if (a->tty_mode) {
		tty = open(a->tty, O_RDWR | O_NOCTTY);
		if (tty < 0)
			return -1;
		ioctl(tty, TIOCSCTTY, 1);
	}
	int null = open("/dev/null", O_RDWR);
	int in = c->std_in == STDIN_TTY ? tty : null;
	if (in >= 0 && dup2(in, 0) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		enum std_out mode = i ? c->std_err : c->std_out;
		int fd = mode == STDOUT_LOG ? a->rt->log_w[0] : mode == STDOUT_TTY ? tty
						   : mode == STDOUT_NULL ? null : -2;
		if (fd == -2)
			continue; /* inherit */
		if (fd < 0 || dup2(fd, i + 1) < 0)
			return -1;
	}
	return 0;
}

/*
 * User=/Group= are resolved in the parent, so the child between fork and exec
 * only makes system calls (and errors can be reported with names).
 */
static int resolve_creds(struct unit_conf *c, struct child_args *a, char *err, size_t errlen)
{
	a->set_creds = 0;
	if (geteuid() != 0 || (!c->user && !c->group))
		return 0;
	struct passwd *pw = c->user ? getpwnam(c->user) : NULL;
	if (c->user && !pw) {
		snprintf(err, errlen, "User=%s: no such user", c->user);
		return -1;
	}
	a->gid = pw ? pw->pw_gid : getgid();
	a->uid = pw ? pw->pw_uid : (uid_t)-1;
	if (c->group) {
		struct group *gr = getgrnam(c->group);
		if (!gr) {
			snprintf(err, errlen, "Group=%s: no such group", c->group);
			return -1;
		}
		a->gid = gr->gr_gid;
	}
	a->ngroups = 0;
	if (pw) {
		a->ngroups = (int)ARRAY_SIZE(a->groups);
		if (getgrouplist(pw->pw_name, a->gid, a->groups, &a->ngroups) < 0)
			a->ngroups = (int)ARRAY_SIZE(a->groups);
	}
	a->set_creds = 1;
	return 0;
}

static int set_creds(struct child_args *a)
{
	if (!a->set_creds)
		return 0;
	if (setgroups((size_t)a->ngroups, a->groups) < 0 || setgid(a->gid) < 0)
		return -1;
	if (a->uid != (uid_t)-1 && setuid(a->uid) < 0)
		return -1;
	return 0;
}

static void child(struct child_args *a)
{
	sigset_t all;
	sigemptyset(&all);
	for (int s = 1; s < 65; s++)
		signal(s, SIG_DFL);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (a->tty_mode) {
		if (setsid() < 0)
			child_fail(a->errfd, ST_SETUP);
	} else if (setpgid(0, a->pgid) < 0 && setpgid(0, 0) < 0) {
		child_fail(a->errfd, ST_SETUP);
	}
	if (open_stdio(a) < 0)
		child_fail(a->errfd, ST_STDIO);
	if (a->ready_w >= 0 && a->u->conf.notification_fd >= 0 &&
	    dup2(a->ready_w, a->u->conf.notification_fd) < 0)
		child_fail(a->errfd, ST_STDIO);
	for (int i = 0; i < a->u->conf.nlimits; i++)
		if (setrlimit(a->u->conf.limits[i].resource, &a->u->conf.limits[i].lim) < 0)
			child_fail(a->errfd, ST_LIMITS);
	if (a->cwd && chdir(a->cwd) < 0 && a->u->conf.working_directory[0] != '-')
		child_fail(a->errfd, ST_CHDIR);
	if (set_creds(a) < 0)
		child_fail(a->errfd, ST_CREDS);
	execve(a->argv[0], a->argv, a->envp);
	child_fail(a->errfd, ST_EXEC);
}

static const char *stage_name(int st)
{
	static const char *n[] = { "process group", "stdio", "resource limits",
				   "working directory", "credentials", "exec" };
	return st >= 0 && st <= ST_EXEC ? n[st] : "setup";
}

/*
 * Forks the child and returns at once: the parent does not wait for exec, so
 * hundreds of services can be spawned back to back while their children exec
 * in parallel. The close-on-exec pipe is watched by the main loop
 * (spawn_exec_result): EOF means exec succeeded, data means it failed.
 */
static pid_t fork_child(struct manager *m, int idx, struct child_args *a, char *err,
			size_t errlen)
{
	int ep[2];
	if (pipe2(ep, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	a->errfd = ep[1];
	/*
	 * Plain fork, and no waiting for exec: measured on 2 busy cores, 500
	 * services reach their target in ~150 ms this way against ~600 ms with
	 * clone(CLONE_VM|CLONE_VFORK), where each spawn waits for the child to
	 * be scheduled and call execve. Copying our page tables is cheap (aegis-init
	 * stays at a few MiB); the child never returns into our code.
	 */
	pid_t pid = fork();
	if (pid == 0)
		child(a);
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(ep[0]);
		close(ep[1]);
		return -1;
	}
	close(ep[1]);
	if (!a->tty_mode)
		setpgid(pid, a->pgid ? a->pgid : pid); /* both sides set it: no race */
	fcntl(ep[0], F_SETFL, O_NONBLOCK);
	if (m->npexec == m->pexec_cap) {
		m->pexec_cap = m->pexec_cap ? m->pexec_cap * 2 : 16;
		m->pexec = xrealloc(m->pexec, sizeof(*m->pexec) * (size_t)m->pexec_cap);
	}
	m->pexec[m->npexec++] = (struct pending_exec){ ep[0], idx, pid, a->is_main };
	return pid;
}

void spawn_exec_result(struct manager *m, int k)
{
	struct pending_exec pe = m->pexec[k];
	int msg[2];
	ssize_t r = read(pe.fd, msg, sizeof(msg));
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	close(pe.fd);
	m->pexec[k] = m->pexec[--m->npexec];
	if (pe.unit < 0 || pe.unit >= m->t.n)
		return;
	struct unit *u = m->t.units[pe.unit];
	if (r == (ssize_t)sizeof(msg)) {
		manager_log(m, u->name, 3, "failed to execute (%s): %s", stage_name(msg[1]),
			    strerror(msg[0]));
		return; /* the child exits 127; SIGCHLD handles the failure */
	}
	if (pe.is_main)
		svc_exec_done(m, pe.unit, pe.pid);
}

pid_t spawn_cmd(struct manager *m, int idx, const char *cmdline, int is_main, char *err,
		size_t errlen)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = u->rt;
	struct exec_cmd cmd;
	const char *perr;
	struct strv env = { 0 };
	struct child_args a = { .u = u, .rt = rt, .is_main = is_main, .ready_w = -1 };
	pid_t pid = -1;

	if (exec_cmd_parse(cmdline, &cmd, &perr) < 0) {
		snprintf(err, errlen, "bad command line: %s", perr);
		return -1;
	}
	if (build_env(m, u, is_main, &env) < 0) {
		snprintf(err, errlen, "cannot load environment file");
		goto out_cmd;
	}
	for (int i = 0; i < cmd.argc; i++) {
		char *e = expand(cmd.argv[i], &env, u->name);
		free(cmd.argv[i]);
		cmd.argv[i] = e;
	}
	a.argv = cmd.argv;
	a.envp = env.v;
	if (resolve_creds(&u->conf, &a, err, errlen) < 0)
		goto out_cmd;
	if (u->conf.working_directory) {
		const char *wd = u->conf.working_directory + (u->conf.working_directory[0] == '-');
		a.cwd = xasprintf("%s%s", m->root, wd);
	}
	a.tty_mode = u->conf.std_in == STDIN_TTY || u->conf.std_out == STDOUT_TTY;
	a.tty = xasprintf("%s%s", m->root, u->conf.tty_path ? u->conf.tty_path : "/dev/console");
	if (!a.tty_mode && rt->pgid > 0 && kill(-rt->pgid, 0) == 0)
		a.pgid = rt->pgid;
	int rp[2] = { -1, -1 };
	if (is_main && u->conf.notification_fd >= 0) {
		if (pipe2(rp, O_CLOEXEC) == 0) {
			fcntl(rp[0], F_SETFL, O_NONBLOCK);
			a.ready_w = rp[1];
		}
	}
	pid = fork_child(m, idx, &a, err, errlen);
	if (rp[1] >= 0)
		close(rp[1]);
	if (pid >= 0 && !a.pgid)
		rt->pgid = pid;
	if (pid >= 0 && rp[0] >= 0) {
		if (rt->ready_r >= 0)
			close(rt->ready_r);
		rt->ready_r = rp[0];
	} else if (rp[0] >= 0) {
		close(rp[0]);
	}
	free(a.cwd);
	free(a.tty);
out_cmd:
	strv_clear(&env);
	exec_cmd_free(&cmd);
	return pid;
}
