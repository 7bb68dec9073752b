/*
 * WASI path operations and fd_readdir.  The sandbox rule: a path is always
 * relative to a directory descriptor the program holds; it is normalised
 * lexically ("..", "." and empty components), may never climb above that
 * directory, and is walked one component at a time with O_NOFOLLOW, so a
 * symbolic link can never lead out.  A final symlink is followed only when
 * asked, and only if its (relative) target stays inside by the same rules.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "wasi_impl.h"

#define PATH_MAX_LEN 4096
#define MAX_COMPONENTS 256
#define MAX_LINKS 8
#define LOOKUP_FOLLOW 1
#define RET(v) do { a[0] = (uint32_t)(v); return 0; } while (0)
#define W(user) ((struct wasi *)(user))

struct resolved {
	int dir;                 /* host fd of the parent directory (owned) */
	char last[256];          /* final component ("." for the directory itself) */
};

/* Split and normalise; returns 0 or a WASI errno. */
static int normalise(const char *path, char comps[][256], int *n)
{
	const char *p = path;

	*n = 0;
	if (*p == '/')
		return WE_NOTCAPABLE;
	while (*p) {
		const char *s = p;
		size_t len;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - s);
		while (*p == '/')
			p++;
		if (len == 0 || (len == 1 && s[0] == '.'))
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			if (*n == 0)
				return WE_NOTCAPABLE;
			(*n)--;
			continue;
		}
		if (len > 255)
			return WE_NAMETOOLONG;
		if (*n == MAX_COMPONENTS)
			return WE_NAMETOOLONG;
		memcpy(comps[*n], s, len);
		comps[*n][len] = 0;
		(*n)++;
	}
	return 0;
}

static int resolve_depth(int root, const char *path, struct resolved *out, int depth);

/* Walk to the parent of the final component without following symlinks. */
static int resolve_depth(int root, const char *path, struct resolved *out, int depth)
{
	static _Thread_local char comps[MAX_COMPONENTS][256];
	int n, e, dir;

	e = normalise(path, comps, &n);
	if (e)
		return e;
	dir = dup(root);
	if (dir < 0)
		return wasi_errno(errno);
	for (int i = 0; i < n - 1; i++) {
		int next = openat(dir, comps[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			int err = errno;
			char target[PATH_MAX_LEN], rest[PATH_MAX_LEN];
			ssize_t tl;
			/* an intermediate symlink: re-resolve its target below root */
			if ((err == ELOOP || err == ENOTDIR) && depth < MAX_LINKS &&
			    (tl = readlinkat(dir, comps[i], target, sizeof(target) - 1)) > 0) {
				size_t off = 0;
				target[tl] = 0;
				close(dir);
				if (target[0] == '/')
					return WE_NOTCAPABLE;
				for (int k = 0; k < i; k++)
					off += (size_t)snprintf(rest + off, sizeof(rest) - off, "%s/", comps[k]);
				off += (size_t)snprintf(rest + off, sizeof(rest) - off, "%s", target);
				for (int k = i + 1; k < n; k++)
					off += (size_t)snprintf(rest + off, sizeof(rest) - off, "/%s", comps[k]);
				if (off >= sizeof(rest))
					return WE_NAMETOOLONG;
				return resolve_depth(root, rest, out, depth + 1);
			}
			close(dir);
			return wasi_errno(err);
		}
		close(dir);
		dir = next;
	}
	out->dir = dir;
	strcpy(out->last, n ? comps[n - 1] : ".");
	return 0;
}

/* Resolve (fd, guest path) to a parent directory and final name. */
static int resolve(struct aw_host_call *c, struct wasi *w, uint32_t fd, uint32_t ptr,
		   uint32_t len, struct resolved *out)
{
	struct wasi_fd *f = wasi_fd(w, fd);
	uint8_t *p = wasi_mem(c, ptr, len);
	char path[PATH_MAX_LEN];

	if (!f)
		return WE_BADF;
	if (f->type != FT_DIR)
		return WE_NOTDIR;
	if (!p)
		return WE_FAULT;
	if (len >= sizeof(path))
		return WE_NAMETOOLONG;
	memcpy(path, p, len);
	path[len] = 0;
	if (strlen(path) != len)
		return WE_INVAL; /* embedded NUL */
	return resolve_depth(f->host, path, out, 0);
}

/* If the final component is a symlink and following was asked for, replace
 * `r` by the resolution of its target.  Targets must be relative. */
static int follow_final(struct resolved *r, int depth)
{
	char target[PATH_MAX_LEN];
	ssize_t n;
	struct resolved next;
	int e;

	if (depth >= MAX_LINKS)
		return WE_LOOP;
	n = readlinkat(r->dir, r->last, target, sizeof(target) - 1);
	if (n < 0)
		return 0; /* not a symlink (or gone): use as is */
	target[n] = 0;
	if (target[0] == '/')
		return WE_NOTCAPABLE;
	e = resolve_depth(r->dir, target, &next, depth + 1);
	if (e)
		return e;
	/* `..` in the target may not climb above the link's directory: the
	 * walk from r->dir already refuses that, keeping it inside. */
	close(r->dir);
	*r = next;
	return follow_final(r, depth + 1);
}

int wasi_path_open(struct aw_host_call *c, uint64_t *a, void *user)
{
	struct wasi *w = W(user);
	uint32_t oflags = (uint32_t)a[4], fdflags = (uint32_t)a[7];
	uint64_t rights = a[5];
	uint8_t *out = wasi_mem(c, (uint32_t)a[8], 4);
	struct resolved r;
	struct stat st;
	int e, flags = O_CLOEXEC | O_NOFOLLOW, fd, slot;
	bool rd = rights & (1ull << 1 | 1ull << 14), wr = rights & (1ull << 6 | 1ull << 4 | 1ull << 22);

	if (!out)
		RET(WE_FAULT);
	e = resolve(c, w, (uint32_t)a[0], (uint32_t)a[2], (uint32_t)a[3], &r);
	if (e)
		RET(e);
	if ((a[1] & LOOKUP_FOLLOW) && !(oflags & 4 /* EXCL */)) {
		e = follow_final(&r, 0);
		if (e) {
			close(r.dir);
			RET(e);
		}
	}
	if (oflags & 1) flags |= O_CREAT;
	if (oflags & 2) flags |= O_DIRECTORY;
	if (oflags & 4) flags |= O_EXCL;
	if (oflags & 8) flags |= O_TRUNC;
	if (fdflags & 1) flags |= O_APPEND;
	if (fdflags & 4) flags |= O_NONBLOCK;
	if (fdflags & (2 | 8 | 16)) flags |= O_SYNC;
	if (oflags & 2)
		flags |= O_RDONLY;
	else if (wr || (oflags & (1 | 8)))
		flags |= rd ? O_RDWR : O_WRONLY;
	else
		flags |= O_RDONLY;
	fd = openat(r.dir, r.last, flags, 0666);
	if (fd < 0 && errno == EISDIR && (flags & O_ACCMODE) != O_RDONLY && !(oflags & (1 | 8)))
		fd = openat(r.dir, r.last, (flags & ~O_ACCMODE) | O_RDONLY, 0666);
	e = errno;
	close(r.dir);
	if (fd < 0)
		RET(wasi_errno(e));
	if (fstat(fd, &st)) {
		close(fd);
		RET(wasi_errno(errno));
	}
	slot = wasi_fd_alloc(w, fd, wasi_filetype(st.st_mode));
	if (slot < 0) {
		close(fd);
		RET(WE_MFILE);
	}
	w->fds[slot].flags = (uint16_t)fdflags;
	put32(out, (uint32_t)slot);
	RET(WE_SUCCESS);
}

int wasi_path_filestat_get(struct aw_host_call *c, uint64_t *a, void *user)
{
	uint8_t *p = wasi_mem(c, (uint32_t)a[4], 64);
	struct resolved r;
	struct stat st;
	int e;

	if (!p)
		RET(WE_FAULT);
	e = resolve(c, W(user), (uint32_t)a[0], (uint32_t)a[2], (uint32_t)a[3], &r);
	if (e)
		RET(e);
	if ((a[1] & LOOKUP_FOLLOW) && (e = follow_final(&r, 0))) {
		close(r.dir);
		RET(e);
	}
	e = fstatat(r.dir, r.last, &st, AT_SYMLINK_NOFOLLOW) ? wasi_errno(errno) : 0;
	close(r.dir);
	if (!e)
		wasi_write_filestat(p, &st);
	RET(e);
}

int wasi_path_filestat_set_times(struct aw_host_call *c, uint64_t *a, void *user)
{
	struct resolved r;
	struct timespec ts[2];
	uint32_t fl = (uint32_t)a[6];
	int e = resolve(c, W(user), (uint32_t)a[0], (uint32_t)a[2], (uint32_t)a[3], &r);

	if (e)
		RET(e);
	if ((a[1] & LOOKUP_FOLLOW) && (e = follow_final(&r, 0))) {
		close(r.dir);
		RET(e);
	}
	ts[0].tv_nsec = (fl & 2) ? UTIME_NOW : (fl & 1) ? (long)(a[4] % 1000000000ull) : UTIME_OMIT;
	ts[0].tv_sec = (time_t)(a[4] / 1000000000ull);
	ts[1].tv_nsec = (fl & 8) ? UTIME_NOW : (fl & 4) ? (long)(a[5] % 1000000000ull) : UTIME_OMIT;
	ts[1].tv_sec = (time_t)(a[5] / 1000000000ull);
	e = utimensat(r.dir, r.last, ts, AT_SYMLINK_NOFOLLOW) ? wasi_errno(errno) : 0;
	close(r.dir);
	RET(e);
}

/* operations on (dir fd, path) that need only the parent and last name */
static int simple_op(struct aw_host_call *c, uint64_t *a, void *user, int op)
{
	struct resolved r;
	int e = resolve(c, W(user), (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], &r), rc;

	if (e)
		RET(e);
	switch (op) {
	case 0: rc = mkdirat(r.dir, r.last, 0777); break;
	case 1: rc = unlinkat(r.dir, r.last, 0); break;
	default: rc = unlinkat(r.dir, r.last, AT_REMOVEDIR); break;
	}
	e = rc ? wasi_errno(errno) : 0;
	close(r.dir);
	RET(e);
}

int wasi_path_create_directory(struct aw_host_call *c, uint64_t *a, void *user) { return simple_op(c, a, user, 0); }
int wasi_path_unlink_file(struct aw_host_call *c, uint64_t *a, void *user) { return simple_op(c, a, user, 1); }
int wasi_path_remove_directory(struct aw_host_call *c, uint64_t *a, void *user) { return simple_op(c, a, user, 2); }

int wasi_path_rename(struct aw_host_call *c, uint64_t *a, void *user)
{
	struct resolved from, to;
	int e = resolve(c, W(user), (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], &from);

	if (e)
		RET(e);
	e = resolve(c, W(user), (uint32_t)a[3], (uint32_t)a[4], (uint32_t)a[5], &to);
	if (e) {
		close(from.dir);
		RET(e);
	}
	e = renameat(from.dir, from.last, to.dir, to.last) ? wasi_errno(errno) : 0;
	close(from.dir);
	close(to.dir);
	RET(e);
}

int wasi_path_readlink(struct aw_host_call *c, uint64_t *a, void *user)
{
	uint32_t len = (uint32_t)a[4];
	uint8_t *buf = wasi_mem(c, (uint32_t)a[3], len), *out = wasi_mem(c, (uint32_t)a[5], 4);
	struct resolved r;
	ssize_t n;
	int e;

	if (!buf || !out)
		RET(WE_FAULT);
	e = resolve(c, W(user), (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], &r);
	if (e)
		RET(e);
	n = readlinkat(r.dir, r.last, (char *)buf, len);
	e = n < 0 ? wasi_errno(errno) : 0;
	close(r.dir);
	if (!e)
		put32(out, (uint32_t)n);
	RET(e);
}

/* Creating links could point outside the sandbox on a later follow by other
 * programs; programs are not given that power. */
int wasi_path_symlink(struct aw_host_call *c, uint64_t *a, void *user) { RET(WE_NOTSUP); }
int wasi_path_link(struct aw_host_call *c, uint64_t *a, void *user) { RET(WE_NOTSUP); }

static uint8_t dtype(unsigned char t)
{
	switch (t) {
	case DT_DIR: return FT_DIR;
	case DT_REG: return FT_REG;
	case DT_LNK: return FT_SYMLINK;
	case DT_CHR: return FT_CHAR;
	case DT_BLK: return FT_BLOCK;
	}
	return FT_UNKNOWN;
}

/* fd_readdir(fd, buf, len, cookie, bufused): the cookie is the index of the
 * next entry; entries are written until the buffer is full (the last one
 * possibly cut short, which tells the caller to retry with more room). */
int wasi_fd_readdir(struct aw_host_call *c, uint64_t *a, void *user)
{
	struct wasi_fd *f = wasi_fd(W(user), (uint32_t)a[0]);
	uint32_t len = (uint32_t)a[2], used = 0;
	uint8_t *buf = wasi_mem(c, (uint32_t)a[1], len), *out = wasi_mem(c, (uint32_t)a[4], 4);
	uint64_t cookie = a[3], idx = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	if (!f)
		RET(WE_BADF);
	if (f->type != FT_DIR)
		RET(WE_NOTDIR);
	if (!buf || !out)
		RET(WE_FAULT);
	fd = openat(f->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		RET(wasi_errno(errno));
	}
	while (used < len && (de = readdir(d))) {
		uint8_t ent[24];
		uint32_t nl = (uint32_t)strlen(de->d_name), take;
		if (idx++ < cookie)
			continue;
		put64(ent, idx);
		put64(ent + 8, de->d_ino);
		put32(ent + 16, nl);
		memset(ent + 20, 0, 4);
		ent[20] = dtype(de->d_type);
		take = len - used < 24 ? len - used : 24;
		memcpy(buf + used, ent, take);
		used += take;
		take = len - used < nl ? len - used : nl;
		memcpy(buf + used, de->d_name, take);
		used += take;
	}
	closedir(d);
	put32(out, used);
	RET(WE_SUCCESS);
}
