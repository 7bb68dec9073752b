/*
 * WASI preview 1 (wasi_snapshot_preview1) for aegis-wasm.  A struct wasi is
 * the world one program sees: its arguments, environment, and file
 * descriptors, where directories exist only as preopens given on the
 * command line.  Paths are resolved below a preopen one component at a time
 * without following symbolic links out of it.
 */
#ifndef AW_WASI_H
#define AW_WASI_H

#include "aegis/wasm.h"

struct wasi;

struct wasi *wasi_new(int argc, char **argv, int envc, char **envp);
/* Give the program host directory `host` under the name `guest`. */
int wasi_preopen(struct wasi *w, const char *host, const char *guest);
/* Define every wasi_snapshot_preview1 function in the linker. */
int wasi_define(struct wasi *w, struct aw_linker *l);
void wasi_free(struct wasi *w);

#endif
