/*
 * Private declarations shared by the files of libaegiswasm.
 *
 * Pipeline: decode.c reads sections into struct aw_module; validate.c type
 * checks each function body and, in the same pass, drives compile.c, which
 * emits the internal code that interp.c runs.  instance.c builds instances
 * and api.c holds the small public accessors.  Values live in 64-bit slots;
 * the internal code is an array of 32-bit words with branch targets already
 * resolved to word indices, so the interpreter never parses LEB128.
 */
#ifndef AW_INTERNAL_H
#define AW_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "aegis/wasm.h"
#include "jit.h"

#define AW_PAGE 65536u
#define AW_MAX_PAGES 65536u
#define AW_TYPE_ANY 0 /* polymorphic operand in unreachable code */

struct aw_functype {
	uint32_t nparams, nresults;
	uint8_t *types; /* params then results */
	uint32_t hash;
};

struct aw_limits_desc {
	uint32_t min, max;
	bool has_max;
};

struct aw_tabletype {
	uint8_t elem;
	struct aw_limits_desc lim;
};

struct aw_globaltype {
	uint8_t type;
	bool mut;
};

/* a constant expression, evaluated at instantiation */
struct aw_const {
	uint8_t op;   /* 0x41..0x44 const, 0x23 global.get, 0xd0 ref.null, 0xd2 ref.func, 0xfd v128.const */
	uint64_t val; /* the constant, or the index */
	uint64_t hi;  /* upper half of a v128 constant */
};

struct aw_import {
	char *module, *name;
	uint8_t kind;
	union {
		uint32_t type; /* func: type index */
		struct aw_tabletype table;
		struct aw_limits_desc mem;
		struct aw_globaltype global;
	};
};

struct aw_export {
	char *name;
	uint32_t name_len; /* names may contain NUL */
	uint8_t kind;
	uint32_t index;
};

/* A function defined by the module: its body range and, once compiled, code. */
struct aw_code {
	uint32_t type;
	uint32_t body_off, body_len; /* in the module bytes */
	uint32_t nlocals;            /* params + declared locals */
	uint32_t param_slots, local_slots; /* the same in slots (a v128 takes 2) */
	uint8_t *local_types;        /* declared locals only */
	uint32_t max_stack;          /* operand stack slots */
	uint32_t frame_size;         /* slots: locals + constants + operand stack */
	uint32_t *code;
	uint32_t ncode;
	uint64_t *consts;            /* nconsts slots, copied into each new frame */
	uint32_t nconsts;
	struct aw_loop *loops;       /* loop table: OP_LOOP markers (jit.h) */
	uint32_t nloops;
};

struct aw_elem {
	uint8_t mode; /* 0 active, 1 passive, 2 declarative */
	uint8_t type;
	uint32_t table;
	struct aw_const offset;
	uint32_t n;
	struct aw_const *init;
};

struct aw_data {
	uint8_t mode; /* 0 active, 1 passive */
	uint32_t mem;
	struct aw_const offset;
	uint32_t off, len; /* bytes in the module */
};

struct aw_module {
	char name[64];
	uint8_t *bytes;
	size_t len;
	size_t used_len;  /* end of the last non-custom section */
	uint32_t ntypes;
	struct aw_functype *types;
	uint32_t nimports;
	struct aw_import *imports;
	uint32_t nfuncs_imported, ntables_imported, nmems_imported, nglobals_imported;
	uint32_t nfuncs;      /* total, imports first */
	uint32_t *functypes;  /* type index per function */
	struct aw_code *codes; /* nfuncs - nfuncs_imported */
	uint32_t ntables;
	struct aw_tabletype *tables;
	uint32_t nmems;
	struct aw_limits_desc *mems;
	uint32_t nglobals;
	struct aw_globaltype *globals;
	struct aw_const *global_init; /* defined globals only */
	uint32_t nexports;
	struct aw_export *exports;
	bool has_start;
	uint32_t start;
	uint32_t nelems;
	struct aw_elem *elems;
	uint32_t ndatas;
	struct aw_data *datas;
	bool has_datacount;
	uint32_t datacount;
	bool *func_declared;
	struct aw_instance *zombies; /* failed instantiations still referenced */ /* referenced outside function bodies (for ref.func) */
	size_t code_bytes, compiled_bytes;
	void *jit_mem;               /* the translated loops (jit.c) */
	size_t jit_len, jit_bytes;   /* mapping length, code bytes in it */
};

/* runtime objects */
struct aw_func {
	const struct aw_functype *type;
	struct aw_instance *inst; /* owner; NULL for host functions */
	struct aw_code *code;     /* NULL for host functions */
	aw_host_fn host;
	void *user;
	struct aw_functype own_type; /* storage for host function types */
};

struct aw_table {
	uint8_t elem;
	uint32_t size, max;
	bool has_max;
	uint64_t *elems;
};

struct aw_memory {
	uint8_t *data;
	uint64_t size;   /* bytes */
	uint32_t max_pages;     /* the type's maximum (65536 if none) */
	bool has_max;
};

struct aw_global {
	uint64_t val;
	uint64_t hi;       /* upper half of a v128 */
	uint8_t type;
	bool mut;
};

struct aw_exec;

struct aw_instance {
	struct aw_module *module;
	struct aw_func **funcs;
	struct aw_func *own_funcs;
	struct aw_table **tables;
	struct aw_memory **mems;
	struct aw_global **globals;
	uint64_t **elem_refs;  /* per elem segment; NULL when dropped */
	uint32_t *elem_len;
	bool *data_dropped;
	uint64_t max_memory;   /* bytes */
	uint64_t fuel;         /* remaining; meaningful when fuel_on */
	bool fuel_on;
	volatile int suspend_req;
	int exit_code;
	struct aw_exec *suspended;
	void *user;
	struct aw_instance *next_zombie;
};

/* decode.c */
struct aw_reader {
	const uint8_t *p, *end, *base;
	const char *section;
	struct aw_error *err;
	const char *modname;
};
int aw_fail(struct aw_reader *r, int code, const char *fmt, ...);
int aw_read_u32(struct aw_reader *r, uint32_t *v);
int aw_read_s32(struct aw_reader *r, int32_t *v);
int aw_read_s33(struct aw_reader *r, int64_t *v);
int aw_read_s64(struct aw_reader *r, int64_t *v);
int aw_read_u8(struct aw_reader *r, uint8_t *v);
int aw_read_bytes(struct aw_reader *r, void *dst, size_t n);
bool aw_is_valtype(uint8_t t);
bool aw_is_reftype(uint8_t t);
int aw_decode(struct aw_module *m, struct aw_error *err);
void aw_module_release(struct aw_module *m);
bool aw_functype_eq(const struct aw_functype *a, const struct aw_functype *b);

/* validate.c */
int aw_validate_functions(struct aw_module *m, struct aw_error *err);

/* interp.c */
int aw_exec_call(struct aw_instance *inst, struct aw_func *f, const uint64_t *args,
		 uint64_t *results, struct aw_error *err);
int aw_exec_resume(struct aw_instance *inst, uint64_t *results, struct aw_error *err);
void aw_exec_free(struct aw_exec *e);

/* instance.c */
int aw_memory_grow(struct aw_instance *inst, struct aw_memory *mem, uint32_t delta,
		   uint32_t *old_pages);
int aw_table_grow(struct aw_table *t, uint32_t delta, uint64_t init, uint32_t *old);
uint32_t aw_functype_hash(const struct aw_functype *t);

struct aw_host_call {
	struct aw_instance *inst;
	struct aw_error *err;
	int status;
};

#endif
