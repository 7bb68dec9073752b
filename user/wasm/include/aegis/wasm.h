/*
 * aegis-wasm embedding API.
 *
 * A module is decoded, validated and compiled to internal code once
 * (aw_module_load) and can then be instantiated many times.  Instances are
 * independent: each owns its globals, tables and memory (unless imported),
 * its fuel counter and its memory limit.  Nothing here is thread-safe per
 * instance, but different instances may run on different threads, and
 * aw_instance_request_suspend may be called from any thread.
 *
 * Errors: functions returning int return 0 or a negative AW_E* code; a
 * struct aw_error, when given, receives a message naming the section and
 * byte offset for decode errors.
 */
#ifndef AEGIS_WASM_H
#define AEGIS_WASM_H

#include <stddef.h>
#include <stdint.h>

/* value types (their binary encodings) */
enum aw_type {
	AW_I32 = 0x7f, AW_I64 = 0x7e, AW_F32 = 0x7d, AW_F64 = 0x7c,
	AW_V128 = 0x7b, AW_FUNCREF = 0x70, AW_EXTERNREF = 0x6f,
};

/* external kinds */
enum aw_extern { AW_EXT_FUNC = 0, AW_EXT_TABLE = 1, AW_EXT_MEMORY = 2, AW_EXT_GLOBAL = 3 };

/* results of aw_call / aw_resume */
enum aw_status {
	AW_OK = 0,
	AW_TRAP = 1,      /* trapped; message in the error */
	AW_SUSPENDED = 2, /* stopped at a safe point; aw_resume continues */
	AW_EXIT = 3,      /* the program called proc_exit; code in aw_exit_code */
	AW_OUT_OF_FUEL = 4, /* fuel ran out; add fuel and aw_resume, or give up */
};

enum { AW_ENOMEM = -1, AW_EMALFORMED = -2, AW_EINVALID = -3, AW_EUNLINKABLE = -4,
       AW_ETRAP = -5, AW_ENOTFOUND = -6, AW_EBUSY = -7, AW_EARG = -8 };

struct aw_error {
	int code;        /* one of the negative AW_E* codes */
	char msg[256];
};

/* A value: i32/f32 in the low 32 bits (f32/f64 as raw bits), references as
 * opaque 64-bit words where 0 is null. */
struct aw_value {
	uint8_t type;
	uint64_t v;
};

struct aw_module;
struct aw_instance;
struct aw_linker;
struct aw_func;
struct aw_memory;
struct aw_table;
struct aw_global;

/* A host function: args[0..nparams) in, results written to args[0..nresults).
 * Return 0, or a trap via aw_host_trap / aw_host_exit. */
struct aw_host_call;
typedef int (*aw_host_fn)(struct aw_host_call *call, uint64_t *args, void *user);

/* The loop JIT (x86-64 hosts): hot loops are translated to machine code when
 * a module is loaded.  AW_JIT_LOOPS is the default where supported; AW_JIT_ALL
 * also translates whole function bodies (for testing the translator).  The
 * policy applies to modules loaded afterwards; returns the previous one. */
enum aw_jit_policy { AW_JIT_OFF = 0, AW_JIT_LOOPS = 1, AW_JIT_ALL = 2 };
int aw_set_jit(int policy);

/* modules */
struct aw_module *aw_module_load(const uint8_t *bytes, size_t len, struct aw_error *err);
/* the same, naming the module in error messages */
struct aw_module *aw_module_load_named(const uint8_t *bytes, size_t len, const char *name,
				       struct aw_error *err);
int aw_module_validate(const uint8_t *bytes, size_t len, struct aw_error *err);
void aw_module_free(struct aw_module *m);
void aw_module_set_name(struct aw_module *m, const char *name); /* for messages */

/* introspection, for `inspect` and embedders */
struct aw_extern_desc {
	const char *module;   /* NULL for exports */
	const char *name;
	uint8_t kind;         /* enum aw_extern */
	/* func: type text "(i32 i32) -> (i32)"; others: a short description */
	char desc[96];
};
uint32_t aw_module_import_count(const struct aw_module *m);
uint32_t aw_module_export_count(const struct aw_module *m);
void aw_module_import(const struct aw_module *m, uint32_t i, struct aw_extern_desc *d);
void aw_module_export(const struct aw_module *m, uint32_t i, struct aw_extern_desc *d);
/* sizes: number of functions, code bytes, compiled code bytes, memory pages */
struct aw_module_stats {
	uint32_t nfuncs, nimports, nexports, ntypes, nglobals, ndata, nelem;
	uint32_t mem_min_pages, mem_max_pages; int has_memory;
	size_t code_bytes, compiled_bytes;
	uint32_t nloops, nloops_jit;  /* loops, and those translated by the JIT */
	size_t jit_bytes;             /* machine code of the translations */
};
void aw_module_stats(const struct aw_module *m, struct aw_module_stats *s);

/* linking: a name space of (module, name) -> extern */
struct aw_linker *aw_linker_new(void);
void aw_linker_free(struct aw_linker *l);
int aw_linker_define_func(struct aw_linker *l, const char *module, const char *name,
			  const char *sig, aw_host_fn fn, void *user);
int aw_linker_define_global(struct aw_linker *l, const char *module, const char *name,
			    uint8_t type, int mut, uint64_t value);
int aw_linker_define_memory(struct aw_linker *l, const char *module, const char *name,
			    uint32_t min_pages, uint32_t max_pages);
int aw_linker_define_table(struct aw_linker *l, const char *module, const char *name,
			   uint8_t elem, uint32_t min, uint32_t max);
/* Make every export of inst visible under module name `as`.  Lifetimes: an
 * instance must outlive the linker entries and instances that use its
 * exports, and any table it stored its functions into (active element
 * segments may write into imported tables). */
int aw_linker_define_instance(struct aw_linker *l, const char *as, struct aw_instance *inst);

/* instances */
struct aw_limits {
	uint64_t max_memory_bytes; /* 0: the module's own limit (at most 4 GiB) */
	uint64_t fuel;             /* 0: unlimited */
};
struct aw_instance *aw_instantiate(struct aw_module *m, struct aw_linker *l,
				   const struct aw_limits *lim, struct aw_error *err);
/* Run the start function (aw_instantiate does not, so that traps there can
 * be reported like any call); returns an enum aw_status. */
int aw_instance_start(struct aw_instance *inst, struct aw_error *err);
void aw_instance_free(struct aw_instance *inst);
void aw_instance_set_user(struct aw_instance *inst, void *user);
void *aw_instance_user(struct aw_instance *inst);

struct aw_func *aw_instance_func(struct aw_instance *inst, const char *export_name);
/* export names may contain NUL bytes */
struct aw_func *aw_instance_func_n(struct aw_instance *inst, const char *name, size_t len);
struct aw_global *aw_instance_global(struct aw_instance *inst, const char *export_name);
int aw_func_signature(const struct aw_func *f, uint32_t *nparams, const uint8_t **params,
		      uint32_t *nresults, const uint8_t **results);
uint64_t aw_global_get(const struct aw_global *g, uint8_t *type);
uint64_t aw_global_get_hi(const struct aw_global *g); /* upper half of a v128 */

/* Call f with args; on AW_OK results[0..nresults) are filled in.  Values
 * are one word each, except a v128, which takes two (low half first). */
int aw_call(struct aw_instance *inst, struct aw_func *f, const uint64_t *args, uint32_t nargs,
	    uint64_t *results, uint32_t nresults, struct aw_error *err);
/* Continue a call that returned AW_SUSPENDED or AW_OUT_OF_FUEL. */
int aw_resume(struct aw_instance *inst, uint64_t *results, uint32_t nresults,
	      struct aw_error *err);
/* Abandon a suspended call. */
void aw_abandon(struct aw_instance *inst);
/* Ask a running instance to stop at its next safe point (loop head or call). */
void aw_instance_request_suspend(struct aw_instance *inst);
void aw_instance_set_fuel(struct aw_instance *inst, uint64_t fuel); /* 0: unlimited */
uint64_t aw_instance_fuel(const struct aw_instance *inst);
int aw_exit_code(const struct aw_instance *inst);

/* linear memory 0 of the instance */
uint8_t *aw_memory_data(struct aw_instance *inst, uint64_t *size);
int aw_memory_read(struct aw_instance *inst, uint64_t addr, void *buf, size_t n);
int aw_memory_write(struct aw_instance *inst, uint64_t addr, const void *buf, size_t n);

/* helpers for host functions */
struct aw_instance *aw_host_instance(struct aw_host_call *call);
int aw_host_trap(struct aw_host_call *call, const char *msg);
int aw_host_exit(struct aw_host_call *call, int code);

#endif
