/* Private WASI declarations shared by wasi.c and wasi_path.c. */
#ifndef AW_WASI_IMPL_H
#define AW_WASI_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "aegis/wasm.h"
#include "wasi.h"

/* WASI errno values (not Linux's) */
enum {
	WE_SUCCESS = 0, WE_2BIG = 1, WE_ACCES = 2, WE_AGAIN = 6, WE_BADF = 8, WE_BUSY = 10,
	WE_EXIST = 20, WE_FAULT = 21, WE_INVAL = 28, WE_IO = 29, WE_ISDIR = 31, WE_LOOP = 32,
	WE_MFILE = 33, WE_MLINK = 34, WE_NAMETOOLONG = 37, WE_NOENT = 44, WE_NOMEM = 48,
	WE_NOSPC = 51, WE_NOSYS = 52, WE_NOTDIR = 54, WE_NOTEMPTY = 55, WE_NOTSUP = 58,
	WE_NOTTY = 59, WE_PERM = 63, WE_PIPE = 64, WE_ROFS = 69, WE_SPIPE = 70, WE_XDEV = 75,
	WE_NOTCAPABLE = 76,
};

enum { FT_UNKNOWN = 0, FT_BLOCK = 1, FT_CHAR = 2, FT_DIR = 3, FT_REG = 4, FT_SYMLINK = 7 };

#define WASI_MAX_FDS 1024

struct wasi_fd {
	bool used;
	bool preopen;
	uint8_t type;       /* FT_* */
	int host;
	uint16_t flags;     /* fdflags */
	uint64_t rights, inheriting;
	char *guest;        /* preopen name */
};

struct wasi {
	int argc, envc;
	char **argv, **envp;
	struct wasi_fd fds[WASI_MAX_FDS];
};

/* memory access for host functions: NULL if out of bounds */
uint8_t *wasi_mem(struct aw_host_call *c, uint32_t off, uint32_t len);
int wasi_errno(int e);
uint8_t wasi_filetype(unsigned mode);
struct wasi_fd *wasi_fd(struct wasi *w, uint32_t fd);
int wasi_fd_alloc(struct wasi *w, int host, uint8_t type);
void wasi_write_filestat(uint8_t *p, const void *st);

static inline void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static inline uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* host functions of wasi_path.c */
int wasi_path_open(struct aw_host_call *c, uint64_t *a, void *user);
int wasi_path_filestat_get(struct aw_host_call *c, uint64_t *a, void *user);
int wasi_path_filestat_set_times(struct aw_host_call *c, uint64_t *a, void *user);
int wasi_path_create_directory(struct aw_host_call *c, uint64_t *a, void *user);
int wasi_path_unlink_file(struct aw_host_call *c, uint64_t *a, void *user);
int wasi_path_remove_directory(struct aw_host_call *c, uint64_t *a, void *user);
int wasi_path_rename(struct aw_host_call *c, uint64_t *a, void *user);
int wasi_path_readlink(struct aw_host_call *c, uint64_t *a, void *user);
int wasi_path_symlink(struct aw_host_call *c, uint64_t *a, void *user);
int wasi_path_link(struct aw_host_call *c, uint64_t *a, void *user);
int wasi_fd_readdir(struct aw_host_call *c, uint64_t *a, void *user);

#endif
