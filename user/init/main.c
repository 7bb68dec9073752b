/*
 * aegis-init: the Aegis service manager. As PID 1 it mounts the API file
 * systems, reads the boot mode from the kernel command line and boots the
 * matching target. With --root DIR it runs unprivileged on any Linux as a
 * supervisor with all paths under DIR, which is how most tests run it.
 *
 * One thread, one poll loop: signals arrive through a self-pipe, children
 * are reaped every iteration, timers are per-unit deadlines.
 */
#define _GNU_SOURCE
#include "manager.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static struct manager mgr;
static int verify_only;

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	(void)!write(mgr.sigpipe[1], &b, 1);
	errno = saved;
}

static void setup_signals(struct manager *m)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	if (pipe2(m->sigpipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		perror("aegis-init: pipe");
		if (!m->pid1)
			exit(1);
	}
	int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGPWR };
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void pid1_setup(void)
{
	/* Errors are fine: the kernel may have mounted these, or lack them. */
	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mkdir("/dev", 0755);
	mkdir("/run", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("tmpfs", "/run", "tmpfs", 0, "mode=0755");
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd >= 0) {
		for (int i = 0; i < 3; i++)
			dup2(fd, i);
		if (fd > 2)
			close(fd);
	}
	/* Ctrl-Alt-Del sends SIGINT to PID 1 instead of rebooting at once. */
	reboot(RB_DISABLE_CAD);
}

static const char *mode_target(const char *root)
{
	char *path = xasprintf("%s/proc/cmdline", root);
	FILE *f = fopen(path, "re");
	char buf[4096] = "";
	free(path);
	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n")) {
		if (!strcmp(tok, "mode=safe"))
			return "safe.target";
		if (!strcmp(tok, "mode=recovery"))
			return "rescue.target";
		if (!strcmp(tok, "mode=normal"))
			return "default.target";
	}
	return NULL;
}

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: aegis-init [--root DIR] [--target NAME] [--mode normal|safe|recovery]\n"
		"                  [--log-max BYTES] [--verify] [-v]\n"
		"  As PID 1 it boots the system. Elsewhere --root DIR is required: units are\n"
		"  read from DIR/etc/aegis/units, sockets go to DIR/run/aegis, logs to\n"
		"  DIR/var/log/aegis. --verify loads the units, reports problems and exits\n"
		"  (status 1 if any unit is bad).\n");
	exit(code);
}

static void parse_args(struct manager *m, int argc, char **argv)
{
	const char *mode = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--root") && v) {
			m->root = realpath(v, NULL);
			if (!m->root) {
				fprintf(stderr, "aegis-init: --root %s: %s\n", v, strerror(errno));
				exit(1);
			}
			i++;
		} else if (!strcmp(a, "--target") && v) {
			m->goal_name = xstrdup(v);
			i++;
		} else if (!strcmp(a, "--mode") && v) {
			mode = v;
			i++;
		} else if (!strcmp(a, "--log-max") && v) {
			m->log_max = strtoull(v, NULL, 10);
			i++;
		} else if (!strcmp(a, "--verify")) {
			verify_only = 1;
		} else if (!strcmp(a, "-v")) {
			m->verbose = 1;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(0);
		} else if (!m->pid1) {
			fprintf(stderr, "aegis-init: unknown argument %s\n", a);
			usage(2);
		}
		/* As PID 1, unknown arguments come from the kernel: ignore them. */
	}
	if (mode && !m->goal_name) {
		m->goal_name = xstrdup(!strcmp(mode, "safe")	   ? "safe.target"
				       : !strcmp(mode, "recovery") ? "rescue.target"
								   : "default.target");
	}
}

static void setup_paths(struct manager *m)
{
	if (!m->root)
		m->root = xstrdup("");
	m->units_dir = xasprintf("%s/etc/aegis/units", m->root);
	m->run_dir = xasprintf("%s/run/aegis", m->root);
	m->log_dir = xasprintf("%s/var/log/aegis", m->root);
	mkdir_p(m->run_dir, 0755);
	mkdir_p(m->log_dir, 0755);
	if (!m->log_max)
		m->log_max = 4u << 20;
	m->log_keep = 3;
}

static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

enum src { SRC_SIG, SRC_CTL, SRC_NOTIFY, SRC_SYSLOG, SRC_KMSG, SRC_LOG0, SRC_LOG1, SRC_READY, SRC_EXEC };

struct poll_set {
	struct pollfd *pfd;
	int *unit;
	unsigned char *kind;
	int n, cap;
};

static void ps_add(struct poll_set *ps, int fd, enum src kind, int unit)
{
	if (fd < 0)
		return;
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 64;
		ps->pfd = xrealloc(ps->pfd, sizeof(*ps->pfd) * (size_t)ps->cap);
		ps->unit = xrealloc(ps->unit, sizeof(int) * (size_t)ps->cap);
		ps->kind = xrealloc(ps->kind, (size_t)ps->cap);
	}
	ps->pfd[ps->n] = (struct pollfd){ .fd = fd, .events = POLLIN };
	ps->unit[ps->n] = unit;
	ps->kind[ps->n] = (unsigned char)kind;
	ps->n++;
}

static void handle_signals(struct manager *m)
{
	unsigned char sigs[64];
	ssize_t n;
	while ((n = read(m->sigpipe[0], sigs, sizeof(sigs))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			switch (sigs[i]) {
			case SIGTERM:
				/* PID 1 ignores SIGTERM (systemd re-executes); a supervisor stops. */
				if (!m->pid1)
					shutdown_begin(m, SHUT_EXIT);
				break;
			case SIGINT:
				shutdown_begin(m, m->pid1 ? SHUT_REBOOT : SHUT_EXIT);
				break;
			case SIGPWR:
			case SIGUSR2:
				shutdown_begin(m, m->pid1 ? SHUT_POWEROFF : SHUT_EXIT);
				break;
			case SIGHUP:
				manager_reload(m);
				break;
			default:
				break;
			}
		}
	}
}

/* Fires due timers; returns the poll timeout until the next one (ms). */
static int run_timers(struct manager *m)
{
	uint64_t next = m->now + 1000;
	int stopping = 0;
	for (int i = 0; i < m->t.n; i++) {
		struct unit_rt *rt = m->t.units[i]->rt;
		if (!rt)
			continue;
		if (rt->timer_at && rt->timer_at <= m->now)
			svc_timer(m, i);
		if (rt->watchdog_at && rt->watchdog_at <= m->now)
			svc_watchdog_expired(m, i);
		if (rt->timer_at && rt->timer_at < next)
			next = rt->timer_at;
		if (rt->watchdog_at && rt->watchdog_at < next)
			next = rt->watchdog_at;
		stopping |= rt->sub == SUB_STOP_SIGTERM || rt->sub == SUB_STOP_SIGKILL;
	}
	/* Escaped processes send no SIGCHLD to us: poll for the group to empty. */
	if (stopping && next > m->now + 50)
		next = m->now + 50;
	if (m->dirty)
		return 0;
	return next > m->now ? (int)(next - m->now) : 0;
}

static void fill_poll(struct manager *m, struct poll_set *ps)
{
	ps->n = 0;
	ps_add(ps, m->sigpipe[0], SRC_SIG, -1);
	ps_add(ps, m->ctl_fd, SRC_CTL, -1);
	ps_add(ps, m->notify_fd, SRC_NOTIFY, -1);
	ps_add(ps, m->syslog_fd, SRC_SYSLOG, -1);
	ps_add(ps, m->kmsg_fd, SRC_KMSG, -1);
	for (int i = 0; i < m->t.n; i++) {
		struct unit_rt *rt = m->t.units[i]->rt;
		if (!rt)
			continue;
		ps_add(ps, rt->logp[0].fd, SRC_LOG0, i);
		ps_add(ps, rt->logp[1].fd, SRC_LOG1, i);
		ps_add(ps, rt->ready_r, SRC_READY, i);
	}
	for (int k = 0; k < m->npexec; k++)
		ps_add(ps, m->pexec[k].fd, SRC_EXEC, k);
}

static void handle_poll(struct manager *m, struct poll_set *ps)
{
	for (int k = 0; k < ps->n; k++) {
		if (!ps->pfd[k].revents)
			continue;
		int i = ps->unit[k];
		switch (ps->kind[k]) {
		case SRC_SIG: handle_signals(m); break;
		case SRC_CTL: ctl_accept(m); break;
		case SRC_NOTIFY: notify_read(m); break;
		case SRC_SYSLOG: log_syslog_read(m); break;
		case SRC_KMSG: log_kmsg_read(m); break;
		case SRC_LOG0:
		case SRC_LOG1:
			if (m->t.units[i]->rt->logp[ps->kind[k] - SRC_LOG0].fd == ps->pfd[k].fd)
				log_pipe_read(m, i, ps->kind[k] - SRC_LOG0);
			break;
		case SRC_READY:
			if (m->t.units[i]->rt->ready_r == ps->pfd[k].fd)
				notify_ready_pipe(m, i);
			break;
		case SRC_EXEC:
			/* Entries move when one completes: find the fd again. */
			for (int e = 0; e < m->npexec; e++)
				if (m->pexec[e].fd == ps->pfd[k].fd) {
					spawn_exec_result(m, e);
					break;
				}
			break;
		}
	}
}

static void main_loop(struct manager *m)
{
	struct poll_set ps = { 0 };
	struct pollfd cpfd[256];
	for (;;) {
		m->now = now_mono_ms();
		m->loop_gen++;
		proc_reap(m);
		manager_dispatch(m);
		int timeout = run_timers(m);
		manager_dispatch(m);
		shutdown_step(m);
		int nc = ctl_poll_fill(m, cpfd, (int)ARRAY_SIZE(cpfd));
		fill_poll(m, &ps);
		int base = ps.n;
		for (int i = 0; i < nc; i++)
			ps_add(&ps, cpfd[i].fd, SRC_SIG, -2);
		for (int i = 0; i < nc; i++)
			ps.pfd[base + i].events = cpfd[i].events;
		if (m->dirty)
			timeout = 0;
		int r = poll(ps.pfd, (nfds_t)ps.n, timeout);
		if (r < 0 && errno != EINTR) {
			manager_log(m, NULL, 3, "poll: %s", strerror(errno));
			usleep(100000);
			continue;
		}
		if (r <= 0)
			continue;
		m->now = now_mono_ms();
		for (int i = 0; i < nc; i++)
			cpfd[i].revents = ps.pfd[base + i].revents;
		ps.n = base;
		handle_poll(m, &ps);
		ctl_poll_handle(m, cpfd, nc);
	}
}

static int verify(struct manager *m)
{
	if (!m->root)
		m->root = xstrdup("");
	m->units_dir = xasprintf("%s/etc/aegis/units", m->root);
	m->verbose = 1;
	m->log_fd = -1;
	manager_load(m);
	int bad = 0;
	for (int i = 0; i < m->t.n; i++)
		if (m->t.units[i]->bad && m->t.units[i]->loaded)
			bad++;
	printf("%d units, %d bad\n", m->t.n, bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct manager *m = &mgr;
	m->pid1 = getpid() == 1;
	m->notify_fd = m->syslog_fd = m->kmsg_fd = m->ctl_fd = m->log_fd = -1;
	parse_args(m, argc, argv);
	if (!m->pid1 && !m->root) {
		fprintf(stderr, "aegis-init: not PID 1; use --root DIR to run as a supervisor\n");
		return 2;
	}
	if (m->pid1 && !m->root)
		pid1_setup();
	else
		prctl(PR_SET_CHILD_SUBREAPER, 1); /* orphans of our services come to us */
	if (verify_only)
		return verify(m);
	setup_paths(m);
	setup_signals(m);
	raise_nofile();
	m->now = m->boot_at = now_mono_ms();
	if (log_open(m) < 0)
		fprintf(stderr, "aegis-init: cannot open log %s/current: %s\n", m->log_dir,
			strerror(errno));
	manager_log(m, NULL, 5, "aegis-init starting (pid %d, root \"%s\")", (int)getpid(),
		    m->root);
	notify_open(m);
	int r = ctl_open(m);
	if (r < 0)
		manager_log(m, NULL, 3, "control socket: %s", strerror(-r));
	log_open_sources(m);
	if (!m->goal_name) {
		const char *t = mode_target(m->root[0] ? m->root : "");
		m->goal_name = xstrdup(t ? t : "default.target");
	}
	manager_load(m);
	m->goal = table_find(&m->t, m->goal_name);
	if (m->goal < 0 || m->t.units[m->goal]->bad) {
		manager_log(m, NULL, 3, "target %s is missing or bad; falling back to rescue.target",
			    m->goal_name);
		free(m->goal_name);
		m->goal_name = xstrdup("rescue.target");
		m->goal = table_find(&m->t, m->goal_name);
	}
	if (m->goal >= 0) {
		char err[128];
		manager_log(m, NULL, 6, "booting %s", m->goal_name);
		manager_start(m, m->goal, err, sizeof(err));
	}
	main_loop(m);
	return 0;
}
