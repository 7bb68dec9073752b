/*
 * WASI preview 1: arguments, environment, clocks, randomness, file
 * descriptor I/O, poll_oneoff and process exit.  Path operations live in
 * wasi_path.c.  Every guest pointer is bounds checked against linear memory
 * (a bad pointer is EFAULT, never a host crash); results are WASI errno
 * values returned as the function's i32.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include "wasi_impl.h"

#define RIGHTS_ALL 0x1fffffffull
#define FDFLAG_APPEND 1
#define FDFLAG_NONBLOCK 4

uint8_t *wasi_mem(struct aw_host_call *c, uint32_t off, uint32_t len)
{
	uint64_t size;
	uint8_t *base = aw_memory_data(aw_host_instance(c), &size);

	if (!base || (uint64_t)off + len > size)
		return NULL;
	return base + off;
}

int wasi_errno(int e)
{
	switch (e) {
	case 0: return WE_SUCCESS;
	case E2BIG: return WE_2BIG;
	case EACCES: return WE_ACCES;
	case EAGAIN: return WE_AGAIN;
	case EBADF: return WE_BADF;
	case EBUSY: return WE_BUSY;
	case EEXIST: return WE_EXIST;
	case EFAULT: return WE_FAULT;
	case EINVAL: return WE_INVAL;
	case EISDIR: return WE_ISDIR;
	case ELOOP: return WE_LOOP;
	case EMFILE: return WE_MFILE;
	case EMLINK: return WE_MLINK;
	case ENAMETOOLONG: return WE_NAMETOOLONG;
	case ENOENT: return WE_NOENT;
	case ENOMEM: return WE_NOMEM;
	case ENOSPC: return WE_NOSPC;
	case ENOSYS: return WE_NOSYS;
	case ENOTDIR: return WE_NOTDIR;
	case ENOTEMPTY: return WE_NOTEMPTY;
	case EOPNOTSUPP: return WE_NOTSUP;
	case ENOTTY: return WE_NOTTY;
	case EPERM: return WE_PERM;
	case EPIPE: return WE_PIPE;
	case EROFS: return WE_ROFS;
	case ESPIPE: return WE_SPIPE;
	case EXDEV: return WE_XDEV;
	}
	return WE_IO;
}

uint8_t wasi_filetype(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return FT_DIR;
	case S_IFREG: return FT_REG;
	case S_IFCHR: return FT_CHAR;
	case S_IFBLK: return FT_BLOCK;
	case S_IFLNK: return FT_SYMLINK;
	}
	return FT_UNKNOWN;
}

struct wasi_fd *wasi_fd(struct wasi *w, uint32_t fd)
{
	if (fd >= WASI_MAX_FDS || !w->fds[fd].used)
		return NULL;
	return &w->fds[fd];
}

int wasi_fd_alloc(struct wasi *w, int host, uint8_t type)
{
	for (int i = 3; i < WASI_MAX_FDS; i++) {
		if (!w->fds[i].used) {
			memset(&w->fds[i], 0, sizeof(w->fds[i]));
			w->fds[i].used = true;
			w->fds[i].host = host;
			w->fds[i].type = type;
			w->fds[i].rights = w->fds[i].inheriting = RIGHTS_ALL;
			return i;
		}
	}
	return -1;
}

void wasi_write_filestat(uint8_t *p, const void *vst)
{
	const struct stat *st = vst;

	memset(p, 0, 64);
	put64(p, st->st_dev);
	put64(p + 8, st->st_ino);
	p[16] = wasi_filetype(st->st_mode);
	put64(p + 24, st->st_nlink);
	put64(p + 32, (uint64_t)st->st_size);
	put64(p + 40, (uint64_t)st->st_atim.tv_sec * 1000000000ull + st->st_atim.tv_nsec);
	put64(p + 48, (uint64_t)st->st_mtim.tv_sec * 1000000000ull + st->st_mtim.tv_nsec);
	put64(p + 56, (uint64_t)st->st_ctim.tv_sec * 1000000000ull + st->st_ctim.tv_nsec);
}

#define W(user) ((struct wasi *)(user))
#define RET(v) do { a[0] = (uint32_t)(v); return 0; } while (0)

/* args_get / environ_get: an array of pointers plus the strings */
static int put_strings(struct aw_host_call *c, uint64_t *a, int n, char **strs)
{
	uint32_t ptrs = (uint32_t)a[0], buf = (uint32_t)a[1];

	for (int i = 0; i < n; i++) {
		uint32_t len = (uint32_t)strlen(strs[i]) + 1;
		uint8_t *p = wasi_mem(c, ptrs + 4 * (uint32_t)i, 4), *b = wasi_mem(c, buf, len);
		if (!p || !b)
			RET(WE_FAULT);
		put32(p, buf);
		memcpy(b, strs[i], len);
		buf += len;
	}
	RET(WE_SUCCESS);
}

static int put_sizes(struct aw_host_call *c, uint64_t *a, int n, char **strs)
{
	uint8_t *pn = wasi_mem(c, (uint32_t)a[0], 4), *ps = wasi_mem(c, (uint32_t)a[1], 4);
	uint32_t size = 0;

	if (!pn || !ps)
		RET(WE_FAULT);
	for (int i = 0; i < n; i++)
		size += (uint32_t)strlen(strs[i]) + 1;
	put32(pn, (uint32_t)n);
	put32(ps, size);
	RET(WE_SUCCESS);
}

static int args_get(struct aw_host_call *c, uint64_t *a, void *u) { return put_strings(c, a, W(u)->argc, W(u)->argv); }
static int args_sizes_get(struct aw_host_call *c, uint64_t *a, void *u) { return put_sizes(c, a, W(u)->argc, W(u)->argv); }
static int environ_get(struct aw_host_call *c, uint64_t *a, void *u) { return put_strings(c, a, W(u)->envc, W(u)->envp); }
static int environ_sizes_get(struct aw_host_call *c, uint64_t *a, void *u) { return put_sizes(c, a, W(u)->envc, W(u)->envp); }

static int clock_id(uint32_t id, clockid_t *out)
{
	static const clockid_t ids[] = { CLOCK_REALTIME, CLOCK_MONOTONIC,
					 CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID };
	if (id > 3)
		return WE_INVAL;
	*out = ids[id];
	return 0;
}

static int clock_res_get(struct aw_host_call *c, uint64_t *a, void *u)
{
	clockid_t id;
	struct timespec ts;
	uint8_t *p = wasi_mem(c, (uint32_t)a[1], 8);

	if (clock_id((uint32_t)a[0], &id))
		RET(WE_INVAL);
	if (!p)
		RET(WE_FAULT);
	if (clock_getres(id, &ts))
		RET(wasi_errno(errno));
	put64(p, (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
	RET(WE_SUCCESS);
}

static int clock_time_get(struct aw_host_call *c, uint64_t *a, void *u)
{
	clockid_t id;
	struct timespec ts;
	uint8_t *p = wasi_mem(c, (uint32_t)a[2], 8);

	if (clock_id((uint32_t)a[0], &id))
		RET(WE_INVAL);
	if (!p)
		RET(WE_FAULT);
	if (clock_gettime(id, &ts))
		RET(wasi_errno(errno));
	put64(p, (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
	RET(WE_SUCCESS);
}

static int random_get(struct aw_host_call *c, uint64_t *a, void *u)
{
	uint32_t len = (uint32_t)a[1];
	uint8_t *p = wasi_mem(c, (uint32_t)a[0], len);
	int fd;

	if (!p)
		RET(WE_FAULT);
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		uint32_t got = 0;
		while (got < len) {
			ssize_t n = read(fd, p + got, len - got);
			if (n <= 0)
				break;
			got += (uint32_t)n;
		}
		close(fd);
		if (got == len)
			RET(WE_SUCCESS);
	}
	/* no /dev/urandom (early Aegis): a time-seeded generator is still random
	 * enough for hash seeds, and this is documented as not cryptographic */
	{
		struct timespec ts;
		uint64_t x;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		x = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)ts.tv_sec;
		for (uint32_t i = 0; i < len; i++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			p[i] = (uint8_t)x;
		}
	}
	RET(WE_SUCCESS);
}

/* gather the guest's iovec array into host iovecs */
static int get_iovs(struct aw_host_call *c, uint32_t iovs, uint32_t n, struct iovec *out)
{
	if (n > 1024)
		return WE_INVAL;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t *e = wasi_mem(c, iovs + 8 * i, 8);
		uint32_t len;
		if (!e)
			return WE_FAULT;
		len = get32(e + 4);
		out[i].iov_base = wasi_mem(c, get32(e), len);
		out[i].iov_len = len;
		if (!out[i].iov_base && len)
			return WE_FAULT;
		if (!out[i].iov_base)
			out[i].iov_base = (void *)"";
	}
	return 0;
}

/* fd_read / fd_write / fd_pread / fd_pwrite */
static int fd_rw(struct aw_host_call *c, uint64_t *a, void *u, bool write, bool positioned)
{
	struct wasi_fd *f = wasi_fd(W(u), (uint32_t)a[0]);
	struct iovec iov[1024];
	uint32_t n = (uint32_t)a[2];
	uint8_t *out = wasi_mem(c, (uint32_t)a[positioned ? 4 : 3], 4);
	ssize_t r;
	int e;

	if (!f)
		RET(WE_BADF);
	if (f->type == FT_DIR)
		RET(WE_ISDIR);
	if (!out)
		RET(WE_FAULT);
	e = get_iovs(c, (uint32_t)a[1], n, iov);
	if (e)
		RET(e);
	if (positioned)
		r = write ? pwritev(f->host, iov, (int)n, (off_t)a[3]) : preadv(f->host, iov, (int)n, (off_t)a[3]);
	else
		r = write ? writev(f->host, iov, (int)n) : readv(f->host, iov, (int)n);
	if (r < 0)
		RET(wasi_errno(errno));
	put32(out, (uint32_t)r);
	RET(WE_SUCCESS);
}

static int fd_read(struct aw_host_call *c, uint64_t *a, void *u) { return fd_rw(c, a, u, false, false); }
static int fd_write(struct aw_host_call *c, uint64_t *a, void *u) { return fd_rw(c, a, u, true, false); }
static int fd_pread(struct aw_host_call *c, uint64_t *a, void *u) { return fd_rw(c, a, u, false, true); }
static int fd_pwrite(struct aw_host_call *c, uint64_t *a, void *u) { return fd_rw(c, a, u, true, true); }

static int fd_seek(struct aw_host_call *c, uint64_t *a, void *u)
{
	struct wasi_fd *f = wasi_fd(W(u), (uint32_t)a[0]);
	uint8_t *out = wasi_mem(c, (uint32_t)a[3], 8);
	uint32_t whence = (uint32_t)a[2];
	off_t r;

	if (!f)
		RET(WE_BADF);
	if (!out)
		RET(WE_FAULT);
	if (whence > 2)
		RET(WE_INVAL);
	if (f->type == FT_DIR)
		RET(WE_BADF);
	r = lseek(f->host, (off_t)a[1], whence == 0 ? SEEK_SET : whence == 1 ? SEEK_CUR : SEEK_END);
	if (r < 0)
		RET(wasi_errno(errno));
	put64(out, (uint64_t)r);
	RET(WE_SUCCESS);
}

static int fd_tell(struct aw_host_call *c, uint64_t *a, void *u)
{
	uint64_t b[4] = { a[0], 0, 1, a[1] };
	fd_seek(c, b, u);
	RET(b[0]);
}

static int fd_close(struct aw_host_call *c, uint64_t *a, void *u)
{
	struct wasi_fd *f = wasi_fd(W(u), (uint32_t)a[0]);

	if (!f)
		RET(WE_BADF);
	if (f->host > 2)
		close(f->host);
	free(f->guest);
	memset(f, 0, sizeof(*f));
	RET(WE_SUCCESS);
}

static int fd_fdstat_get(struct aw_host_call *c, uint64_t *a, void *u)
{
	struct wasi_fd *f = wasi_fd(W(u), (uint32_t)a[0]);
	uint8_t *p = wasi_mem(c, (uint32_t)a[1], 24);

	if (!f)
		RET(WE_BADF);
	if (!p)
		RET(WE_FAULT);
	memset(p, 0, 24);
	p[0] = f->type;
	memcpy(p + 2, &f->flags, 2);
	put64(p + 8, f->rights);
	put64(p + 16, f->inheriting);
	RET(WE_SUCCESS);
}

static int fd_fdstat_set_flags(struct aw_host_call *c, uint64_t *a, void *u)
{
	struct wasi_fd *f = wasi_fd(W(u), (uint32_t)a[0]);
	int fl;

	if (!f)
		RET(WE_BADF);
	fl = fcntl(f->host, F_GETFL);
	if (fl < 0)
		RET(wasi_errno(errno));
	fl &= ~(O_APPEND | O_NONBLOCK);
	if (a[1] & FDFLAG_APPEND)
		fl |= O_APPEND;
	if (a[1] & FDFLAG_NONBLOCK)
		fl |= O_NONBLOCK;
	if (fcntl(f->host, F_SETFL, fl) < 0)
		RET(wasi_errno(errno));
	f->flags = (uint16_t)a[1];
	RET(WE_SUCCESS);
}

static int fd_fdstat_set_rights(struct aw_host_call *c, uint64_t *a, void *u)
{
	struct wasi_fd *f = wasi_fd(W(u), (uint32_t)a[0]);

	if (!f)
		RET(WE_BADF);
	/* rights may only shrink */
	if ((a[1] & ~f->rights) || (a[2] & ~f->inheriting))
		RET(WE_NOTCAPABLE);
	f->rights = a[1];
	f->inheriting = a[2];
	RET(WE_SUCCESS);
}

static int fd_filestat_get(struct aw_host_call *c, uint64_t *a, void *u)
{
	struct wasi_fd *f = wasi_fd(W(u), (uint32_t)a[0]);
	uint8_t *p = wasi_mem(c, (uint32_t)a[1], 64);
	struct stat st;

	if (!f)
		RET(WE_BADF);
	if (!p)
		RET(WE_FAULT);
	if (fstat(f->host, &st))
		RET(wasi_errno(errno));
	wasi_write_filestat(p, &st);
	RET(WE_SUCCESS);
}

static int fd_filestat_set_size(struct aw_host_call *c, uint64_t *a, void *u)
{
	struct wasi_fd *f = wasi_fd(W(u), (uint32_t)a[0]);

	if (!f)
		RET(WE_BADF);
	RET(ftruncate(f->host, (off_t)a[1]) ? wasi_errno(errno) : WE_SUCCESS);
}

static void to_timespec(struct timespec *ts, uint64_t t, uint32_t flags, int set, int now)
{
	if (flags & now) {
		ts->tv_nsec = UTIME_NOW;
	} else if (flags & set) {
		ts->tv_sec = (time_t)(t / 1000000000ull);
		ts->tv_nsec = (long)(t % 1000000000ull);
	} else {
		ts->tv_nsec = UTIME_OMIT;
	}
}

static int fd_filestat_set_times(struct aw_host_call *c, uint64_t *a, void *u)
{
	struct wasi_fd *f = wasi_fd(W(u), (uint32_t)a[0]);
	struct timespec ts[2];
	uint32_t fl = (uint32_t)a[3];

	if (!f)
		RET(WE_BADF);
	to_timespec(&ts[0], a[1], fl, 1, 2);
	to_timespec(&ts[1], a[2], fl, 4, 8);
	RET(futimens(f->host, ts) ? wasi_errno(errno) : WE_SUCCESS);
}

static int fd_sync(struct aw_host_call *c, uint64_t *a, void *u)
{
	struct wasi_fd *f = wasi_fd(W(u), (uint32_t)a[0]);

	if (!f)
		RET(WE_BADF);
	RET(fsync(f->host) ? wasi_errno(errno) : WE_SUCCESS);
}

static int fd_advise(struct aw_host_call *c, uint64_t *a, void *u)
{
	RET(wasi_fd(W(u), (uint32_t)a[0]) ? WE_SUCCESS : WE_BADF); /* advice only */
}

static int fd_allocate(struct aw_host_call *c, uint64_t *a, void *u)
{
	struct wasi_fd *f = wasi_fd(W(u), (uint32_t)a[0]);
	struct stat st;

	if (!f)
		RET(WE_BADF);
	if (fstat(f->host, &st))
		RET(wasi_errno(errno));
	if ((uint64_t)st.st_size < a[1] + a[2] && ftruncate(f->host, (off_t)(a[1] + a[2])))
		RET(wasi_errno(errno));
	RET(WE_SUCCESS);
}

static int fd_renumber(struct aw_host_call *c, uint64_t *a, void *u)
{
	struct wasi *w = W(u);
	struct wasi_fd *from = wasi_fd(w, (uint32_t)a[0]), *to = wasi_fd(w, (uint32_t)a[1]);

	if (!from || !to)
		RET(WE_BADF);
	if (from == to)
		RET(WE_SUCCESS);
	if (to->host > 2)
		close(to->host);
	free(to->guest);
	*to = *from;
	memset(from, 0, sizeof(*from));
	RET(WE_SUCCESS);
}

static int fd_prestat_get(struct aw_host_call *c, uint64_t *a, void *u)
{
	struct wasi_fd *f = wasi_fd(W(u), (uint32_t)a[0]);
	uint8_t *p = wasi_mem(c, (uint32_t)a[1], 8);

	if (!f || !f->preopen)
		RET(WE_BADF);
	if (!p)
		RET(WE_FAULT);
	memset(p, 0, 8);
	put32(p + 4, (uint32_t)strlen(f->guest));
	RET(WE_SUCCESS);
}

static int fd_prestat_dir_name(struct aw_host_call *c, uint64_t *a, void *u)
{
	struct wasi_fd *f = wasi_fd(W(u), (uint32_t)a[0]);
	uint32_t len = (uint32_t)a[2];
	uint8_t *p = wasi_mem(c, (uint32_t)a[1], len);

	if (!f || !f->preopen)
		RET(WE_BADF);
	if (!p)
		RET(WE_FAULT);
	if (len < strlen(f->guest))
		RET(WE_NAMETOOLONG);
	memcpy(p, f->guest, strlen(f->guest));
	RET(WE_SUCCESS);
}

static uint64_t now_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#define POLL_MAX 256

/* Relative timeout in ns of a clock subscription s, or UINT64_MAX on error. */
static uint64_t sub_timeout(const uint8_t *s)
{
	clockid_t id;
	uint64_t t = get64(s + 24), now;

	if (clock_id(get32(s + 16), &id))
		return UINT64_MAX;
	if (!(get32(s + 40) & 1))
		return t;
	now = now_ns(id);
	return t > now ? t - now : 0;
}

static void put_event(uint8_t *ev, const uint8_t *sub, uint16_t error, uint64_t nbytes,
		      uint16_t flags)
{
	memset(ev, 0, 32);
	memcpy(ev, sub, 8);         /* userdata */
	memcpy(ev + 8, &error, 2);
	ev[10] = sub[8];            /* event type = subscription tag */
	put64(ev + 16, nbytes);
	memcpy(ev + 24, &flags, 2);
}

/* poll_oneoff: waits with poll() for fd subscriptions and the earliest
 * clock subscription; regular files are always ready. */
static int poll_oneoff(struct aw_host_call *c, uint64_t *a, void *u)
{
	uint32_t n = (uint32_t)a[2], nev = 0, nfds = 0;
	uint8_t *in, *out, *pn;
	struct pollfd pfd[POLL_MAX];
	uint32_t pfd_sub[POLL_MAX];
	uint64_t wait = UINT64_MAX, start = now_ns(CLOCK_MONOTONIC), waited;
	int timeout_ms, r;

	if (n == 0 || n > POLL_MAX)
		RET(WE_INVAL);
	in = wasi_mem(c, (uint32_t)a[0], n * 48);
	out = wasi_mem(c, (uint32_t)a[1], n * 32);
	pn = wasi_mem(c, (uint32_t)a[3], 4);
	if (!in || !out || !pn)
		RET(WE_FAULT);
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *s = in + 48 * i;
		struct wasi_fd *f;
		if (s[8] == 0) {
			uint64_t t = sub_timeout(s);
			if (t == UINT64_MAX)
				put_event(out + 32 * nev++, s, WE_INVAL, 0, 0);
			else if (t < wait)
				wait = t;
			continue;
		}
		f = s[8] <= 2 ? wasi_fd(W(u), get32(s + 16)) : NULL;
		if (!f) {
			put_event(out + 32 * nev++, s, s[8] <= 2 ? WE_BADF : WE_INVAL, 0, 0);
			continue;
		}
		pfd[nfds].fd = f->host;
		pfd[nfds].events = s[8] == 1 ? POLLIN : POLLOUT;
		pfd[nfds].revents = 0;
		pfd_sub[nfds++] = i;
	}
	if (nev)
		wait = 0;
	if (nfds == 0 && wait != UINT64_MAX && wait > 0) {
		/* only clocks: sleep precisely */
		struct timespec ts = { (time_t)(wait / 1000000000ull), (long)(wait % 1000000000ull) };
		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
	} else if (nfds > 0) {
		timeout_ms = wait == UINT64_MAX ? -1 :
			     wait / 1000000ull > 86400000ull ? 86400000 : (int)((wait + 999999) / 1000000);
		do
			r = poll(pfd, nfds, timeout_ms);
		while (r < 0 && errno == EINTR);
		for (uint32_t k = 0; r > 0 && k < nfds; k++) {
			const uint8_t *s = in + 48 * pfd_sub[k];
			if (!pfd[k].revents)
				continue;
			put_event(out + 32 * nev++, s, (pfd[k].revents & POLLNVAL) ? WE_BADF : 0, 1,
				  (pfd[k].revents & POLLHUP) ? 1 : 0);
		}
	}
	waited = now_ns(CLOCK_MONOTONIC) - start;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *s = in + 48 * i;
		uint64_t t;
		if (s[8] != 0 || (t = sub_timeout(s)) == UINT64_MAX)
			continue;
		/* absolute deadlines were recomputed: they are now due or not */
		if ((get32(s + 40) & 1) ? t == 0 : t <= waited)
			put_event(out + 32 * nev++, s, 0, 0, 0);
	}
	put32(pn, nev);
	RET(WE_SUCCESS);
}

static int proc_exit(struct aw_host_call *c, uint64_t *a, void *u)
{
	return aw_host_exit(c, (int)(uint32_t)a[0]);
}

static int sched_yield_(struct aw_host_call *c, uint64_t *a, void *u)
{
	RET(WE_SUCCESS);
}

/* signals and sockets are not offered to programs */
static int not_supported(struct aw_host_call *c, uint64_t *a, void *u)
{
	RET(WE_NOSYS);
}

static const struct {
	const char *name, *sig;
	aw_host_fn fn;
} wasi_funcs[] = {
	{ "args_get", "ii>i", args_get },
	{ "args_sizes_get", "ii>i", args_sizes_get },
	{ "environ_get", "ii>i", environ_get },
	{ "environ_sizes_get", "ii>i", environ_sizes_get },
	{ "clock_res_get", "ii>i", clock_res_get },
	{ "clock_time_get", "iIi>i", clock_time_get },
	{ "random_get", "ii>i", random_get },
	{ "fd_advise", "iIIi>i", fd_advise },
	{ "fd_allocate", "iII>i", fd_allocate },
	{ "fd_close", "i>i", fd_close },
	{ "fd_datasync", "i>i", fd_sync },
	{ "fd_fdstat_get", "ii>i", fd_fdstat_get },
	{ "fd_fdstat_set_flags", "ii>i", fd_fdstat_set_flags },
	{ "fd_fdstat_set_rights", "iII>i", fd_fdstat_set_rights },
	{ "fd_filestat_get", "ii>i", fd_filestat_get },
	{ "fd_filestat_set_size", "iI>i", fd_filestat_set_size },
	{ "fd_filestat_set_times", "iIIi>i", fd_filestat_set_times },
	{ "fd_pread", "iiiIi>i", fd_pread },
	{ "fd_prestat_get", "ii>i", fd_prestat_get },
	{ "fd_prestat_dir_name", "iii>i", fd_prestat_dir_name },
	{ "fd_pwrite", "iiiIi>i", fd_pwrite },
	{ "fd_read", "iiii>i", fd_read },
	{ "fd_readdir", "iiiIi>i", wasi_fd_readdir },
	{ "fd_renumber", "ii>i", fd_renumber },
	{ "fd_seek", "iIii>i", fd_seek },
	{ "fd_sync", "i>i", fd_sync },
	{ "fd_tell", "ii>i", fd_tell },
	{ "fd_write", "iiii>i", fd_write },
	{ "path_create_directory", "iii>i", wasi_path_create_directory },
	{ "path_filestat_get", "iiiii>i", wasi_path_filestat_get },
	{ "path_filestat_set_times", "iiiiIIi>i", wasi_path_filestat_set_times },
	{ "path_link", "iiiiiii>i", wasi_path_link },
	{ "path_open", "iiiiiIIii>i", wasi_path_open },
	{ "path_readlink", "iiiiii>i", wasi_path_readlink },
	{ "path_remove_directory", "iii>i", wasi_path_remove_directory },
	{ "path_rename", "iiiiii>i", wasi_path_rename },
	{ "path_symlink", "iiiii>i", wasi_path_symlink },
	{ "path_unlink_file", "iii>i", wasi_path_unlink_file },
	{ "poll_oneoff", "iiii>i", poll_oneoff },
	{ "proc_exit", "i>", proc_exit },
	{ "proc_raise", "i>i", not_supported },
	{ "sched_yield", ">i", sched_yield_ },
	{ "sock_accept", "iii>i", not_supported },
	{ "sock_recv", "iiiiii>i", not_supported },
	{ "sock_send", "iiiii>i", not_supported },
	{ "sock_shutdown", "ii>i", not_supported },
};

int wasi_define(struct wasi *w, struct aw_linker *l)
{
	for (size_t i = 0; i < sizeof(wasi_funcs) / sizeof(wasi_funcs[0]); i++) {
		int rc = aw_linker_define_func(l, "wasi_snapshot_preview1", wasi_funcs[i].name,
					       wasi_funcs[i].sig, wasi_funcs[i].fn, w);
		if (rc)
			return rc;
	}
	return 0;
}

struct wasi *wasi_new(int argc, char **argv, int envc, char **envp)
{
	struct wasi *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->argc = argc;
	w->argv = argv;
	w->envc = envc;
	w->envp = envp;
	for (int i = 0; i < 3; i++) {
		struct stat st;
		w->fds[i].used = true;
		w->fds[i].host = i;
		w->fds[i].type = fstat(i, &st) ? FT_UNKNOWN : wasi_filetype(st.st_mode);
		w->fds[i].rights = w->fds[i].inheriting = RIGHTS_ALL;
	}
	return w;
}

int wasi_preopen(struct wasi *w, const char *host, const char *guest)
{
	int fd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int slot;

	if (fd < 0)
		return -errno;
	slot = wasi_fd_alloc(w, fd, FT_DIR);
	if (slot < 0) {
		close(fd);
		return -EMFILE;
	}
	w->fds[slot].preopen = true;
	w->fds[slot].guest = strdup(guest);
	return w->fds[slot].guest ? 0 : -ENOMEM;
}

void wasi_free(struct wasi *w)
{
	if (!w)
		return;
	for (int i = 3; i < WASI_MAX_FDS; i++) {
		if (w->fds[i].used)
			close(w->fds[i].host);
		free(w->fds[i].guest);
	}
	free(w);
}
