/*
 * Readiness and liveness from services. Two protocols:
 *  - sd_notify: datagrams on $NOTIFY_SOCKET with newline-separated
 *    assignments (READY=1, STATUS=..., WATCHDOG=1, MAINPID=..., STOPPING=1).
 *    The sender is identified by SCM_CREDENTIALS and mapped to a unit by PID
 *    or process group.
 *  - s6-style notification fd: NotificationFd=N gives the service a pipe at
 *    fd N; writing a line to it means "ready".
 */
#define _GNU_SOURCE
#include "manager.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>


int notify_open(struct manager *m)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	m->notify_path = xasprintf("%s/notify", m->run_dir);
	if (strlen(m->notify_path) >= sizeof(sa.sun_path)) {
		manager_log(m, NULL, 3, "notify socket path too long: %s", m->notify_path);
		free(m->notify_path);
		m->notify_path = NULL;
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, m->notify_path);
	unlink(m->notify_path);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int one = 1;
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		manager_log(m, NULL, 3, "notify socket %s: %s", m->notify_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(m->notify_path);
		m->notify_path = NULL;
		return -errno;
	}
	setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	m->notify_fd = fd;
	return 0;
}

static int unit_for_sender(struct manager *m, pid_t pid)
{
	int idx = manager_unit_by_pid(m, pid);
	if (idx >= 0)
		return idx;
	pid_t pg = getpgid(pid);
	if (pg <= 0)
		return -1;
	for (int i = 0; i < m->t.n; i++) {
		struct unit_rt *rt = m->t.units[i]->rt;
		if (rt && rt->pgid == pg && rt->state != ST_INACTIVE && rt->state != ST_FAILED)
			return i;
	}
	return -1;
}

static void handle_assignment(struct manager *m, int idx, const char *kv)
{
	struct unit_rt *rt = unit_rt(m->t.units[idx]);
	if (!strcmp(kv, "READY=1")) {
		svc_ready(m, idx);
	} else if (!strcmp(kv, "WATCHDOG=1")) {
		svc_watchdog_ping(m, idx);
	} else if (!strncmp(kv, "STATUS=", 7)) {
		free(rt->status_text);
		rt->status_text = xstrndup(kv + 7, strnlen(kv + 7, 256));
	} else if (!strncmp(kv, "MAINPID=", 8)) {
		long v = strtol(kv + 8, NULL, 10);
		svc_set_main_pid(m, idx, v > 0 && v < 1 << 30 ? (pid_t)v : 0);
	}
	/* STOPPING=1, RELOADING=1, ERRNO= and others are accepted and ignored. */
}

void notify_read(struct manager *m)
{
	/* Bounded per loop iteration: a flooding service cannot starve the rest. */
	for (int rounds = 0; rounds < 64; rounds++) {
		char buf[4097];
		char cbuf[CMSG_SPACE(sizeof(struct ucred))];
		struct iovec iov = { buf, sizeof(buf) - 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		ssize_t n = recvmsg(m->notify_fd, &mh, MSG_DONTWAIT);
		if (n < 0)
			return;
		buf[n] = 0;
		pid_t pid = 0;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
				pid = ((struct ucred *)CMSG_DATA(c))->pid;
		int idx = pid ? unit_for_sender(m, pid) : -1;
		if (idx < 0) {
			manager_log(m, NULL, 7, "notify message from unknown pid %d ignored", (int)pid);
			continue;
		}
		char *save = NULL;
		for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			handle_assignment(m, idx, l);
	}
}

void notify_ready_pipe(struct manager *m, int idx)
{
	struct unit_rt *rt = unit_rt(m->t.units[idx]);
	char buf[256];
	ssize_t n = read(rt->ready_r, buf, sizeof(buf));
	if (n > 0 && memchr(buf, '\n', (size_t)n)) {
		svc_ready(m, idx);
		close(rt->ready_r); /* s6 semantics: one line, then the fd is done */
		rt->ready_r = -1;
	} else if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		close(rt->ready_r);
		rt->ready_r = -1;
	}
}
