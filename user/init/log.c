/*
 * The log store. Every line a service prints, every syslog(3) datagram, every
 * kernel message and every manager message becomes one record
 *     <realtime-usec> <priority> <unit> <message>\n
 * appended to DIR/var/log/aegis/current with a single write(2), so a clean
 * shutdown (or a crash of aegis-init itself) loses nothing already received.
 * When the file passes log_max bytes it is rotated to current.1 .. current.N.
 * The last lines of each unit are also kept in memory for `aegisctl status`.
 */
#define _GNU_SOURCE
#include "manager.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int log_open(struct manager *m)
{
	struct stat st;
	m->log_path = xasprintf("%s/current", m->log_dir);
	m->log_fd = open(m->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (m->log_fd < 0)
		return -errno;
	m->log_size = fstat(m->log_fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

static void rotate(struct manager *m)
{
	for (int i = m->log_keep; i > 0; i--) {
		char *from = i == 1 ? xstrdup(m->log_path) : xasprintf("%s.%d", m->log_path, i - 1);
		char *to = xasprintf("%s.%d", m->log_path, i);
		rename(from, to);
		free(from);
		free(to);
	}
	close(m->log_fd);
	m->log_fd = open(m->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_TRUNC, 0640);
	m->log_size = 0;
}

static void ring_push(struct manager *m, const char *unit, const char *line)
{
	int idx = table_find(&m->t, unit);
	if (idx < 0)
		return;
	struct unit_rt *rt = unit_rt(m->t.units[idx]);
	free(rt->ring[rt->ring_head]);
	rt->ring[rt->ring_head] = xstrdup(line);
	rt->ring_head = (rt->ring_head + 1) % LOG_RING;
}

void log_record(struct manager *m, const char *unit, int prio, const char *msg, size_t len)
{
	char line[LOG_LINE_MAX + 300];
	int hdr = snprintf(line, sizeof(line), "%llu %d %s ", (unsigned long long)now_real_us(),
			   prio & 7, unit);
	if (hdr < 0 || (size_t)hdr >= sizeof(line) - 2)
		return;
	size_t n = (size_t)hdr;
	for (size_t i = 0; i < len && n < sizeof(line) - 2; i++) {
		unsigned char ch = (unsigned char)msg[i];
		line[n++] = (ch < 0x20 && ch != '\t') ? ' ' : (char)ch;
	}
	line[n++] = '\n';
	line[n] = 0;
	if (m->log_fd >= 0) {
		if (m->log_size + n > m->log_max && m->log_size > 0)
			rotate(m);
		if (m->log_fd >= 0 && write_all(m->log_fd, line, n) == 0)
			m->log_size += n;
	}
	line[n - 1] = 0;
	ring_push(m, unit, line + hdr);
	ctl_log_line(m, unit, line);
}

/* "<3>text" sets the priority of that line, as with sd-daemon and printk. */
static void emit_line(struct manager *m, struct unit *u, int prio, char *s, size_t len)
{
	if (len >= 3 && s[0] == '<' && s[1] >= '0' && s[1] <= '7' && s[2] == '>') {
		prio = s[1] - '0';
		s += 3;
		len -= 3;
	}
	log_record(m, u->name, prio, s, len);
}

void log_pipe_read(struct manager *m, int idx, int which)
{
	struct unit *u = m->t.units[idx];
	struct log_pipe *lp = &unit_rt(u)->logp[which];
	for (int rounds = 0; rounds < 16; rounds++) {
		ssize_t r = read(lp->fd, lp->buf + lp->len, sizeof(lp->buf) - lp->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
				if (lp->len)
					emit_line(m, u, lp->prio, lp->buf, lp->len);
				lp->len = 0;
				close(lp->fd);
				lp->fd = -1;
			}
			return;
		}
		lp->len += (size_t)r;
		size_t start = 0;
		for (size_t i = 0; i < lp->len; i++) {
			if (lp->buf[i] == '\n') {
				emit_line(m, u, lp->prio, lp->buf + start, i - start);
				start = i + 1;
			}
		}
		if (start == 0 && lp->len == sizeof(lp->buf)) {
			emit_line(m, u, lp->prio, lp->buf, lp->len); /* overlong line: split */
			start = lp->len;
		}
		memmove(lp->buf, lp->buf + start, lp->len - start);
		lp->len -= start;
	}
}

static int bind_dgram(const char *path, int passcred)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	unlink(path);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	chmod(path, 0666);
	int big = 1 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &passcred, sizeof(passcred));
	return fd;
}

int log_open_sources(struct manager *m)
{
	struct stat st;
	char *devdir = xasprintf("%s/dev", m->root);
	if (stat(devdir, &st) == 0 && S_ISDIR(st.st_mode) && access(devdir, W_OK) == 0)
		m->syslog_path = xasprintf("%s/dev/log", m->root);
	else
		m->syslog_path = xasprintf("%s/run/log", m->root);
	free(devdir);
	m->syslog_fd = bind_dgram(m->syslog_path, 1);
	if (m->syslog_fd < 0)
		manager_log(m, NULL, 4, "syslog socket %s: %s", m->syslog_path,
			    strerror(-m->syslog_fd));
	/* Only PID 1 (or a root that has its own kmsg) merges the kernel log. */
	char *kmsg = xasprintf("%s/dev/kmsg", m->root);
	m->kmsg_fd = (m->pid1 || m->root[0]) ? open(kmsg, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
	free(kmsg);
	return 0;
}

static int sender_unit(struct manager *m, struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_CREDENTIALS)
			continue;
		pid_t pid = ((struct ucred *)CMSG_DATA(c))->pid;
		int idx = manager_unit_by_pid(m, pid);
		if (idx >= 0)
			return idx;
		pid_t pg = getpgid(pid);
		for (int i = 0; pg > 0 && i < m->t.n; i++)
			if (m->t.units[i]->rt && m->t.units[i]->rt->pgid == pg)
				return i;
	}
	return -1;
}

void log_syslog_read(struct manager *m)
{
	for (int rounds = 0; rounds < 64; rounds++) {
		char buf[LOG_LINE_MAX + 1];
		char cbuf[CMSG_SPACE(sizeof(struct ucred))];
		struct iovec iov = { buf, sizeof(buf) - 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		ssize_t n = recvmsg(m->syslog_fd, &mh, MSG_DONTWAIT);
		if (n <= 0)
			return;
		buf[n] = 0;
		while (n && (buf[n - 1] == '\n' || buf[n - 1] == 0))
			buf[--n] = 0;
		char *s = buf;
		int prio = 6;
		if (s[0] == '<') {
			char *end = strchr(s, '>');
			if (end && end - s <= 4) {
				prio = atoi(s + 1) & 7;
				s = end + 1;
			}
		}
		/* RFC 3164 timestamp "Mmm dd hh:mm:ss " is redundant with ours. */
		if (strlen(s) > 16 && s[3] == ' ' && s[6] == ' ' && s[9] == ':' && s[12] == ':')
			s += 16;
		int idx = sender_unit(m, &mh);
		log_record(m, idx >= 0 ? m->t.units[idx]->name : "syslog", prio, s, strlen(s));
	}
}

void log_kmsg_read(struct manager *m)
{
	for (int rounds = 0; rounds < 64; rounds++) {
		char buf[2048];
		ssize_t n = read(m->kmsg_fd, buf, sizeof(buf) - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* records overwritten before we read them */
		if (n == 0) { /* not /dev/kmsg but a file or FIFO that ended */
			close(m->kmsg_fd);
			m->kmsg_fd = -1;
			return;
		}
		if (n < 0)
			return;
		buf[n] = 0;
		/* /dev/kmsg gives one record per read; a FIFO may give several. */
		for (char *rec = buf, *next; rec && *rec; rec = next) {
			next = strchr(rec, '\n');
			if (next)
				*next++ = 0;
			char *semi = strchr(rec, ';');
			if (!semi)
				continue;
			int prio = atoi(rec) & 7;
			log_record(m, "kernel", prio, semi + 1, strlen(semi + 1));
		}
	}
}

void log_sync(struct manager *m)
{
	if (m->log_fd >= 0)
		fsync(m->log_fd);
}
