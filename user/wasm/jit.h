/*
 * The loop JIT: hot loops of the internal code (ops.h) translated to host
 * machine code, with the interpreter as the reference and the fallback.
 *
 * compile.c puts an OP_LOOP marker in front of every loop head; the marker
 * names an entry of the function's loop table (struct aw_loop).  After a
 * module is compiled, aw_jit_module() translates each loop's code range
 * [start, end) into one host function ("region").  Instructions the
 * translator does not know become side exits: the region returns the
 * internal pc to continue at and the interpreter runs that instruction.
 * So a region is an accelerator for the straight parts of a loop, never a
 * second implementation of the rare ones (calls, memory.grow, SIMD, ...).
 *
 * Contract of a region, fn(ctx, entry):
 *   - starts executing at internal pc `entry` (the loop start, or any
 *     backward branch target inside the region; anything else returns
 *     `entry` at once);
 *   - returns the internal pc (>= 0) to continue at, or a negative
 *     AW_JIT_TRAP_* code;
 *   - spends ctx->budget exactly as the interpreter does (one unit per
 *     backward branch) and returns as soon as it drops to 0 or below, so
 *     the interpreter's fuel, suspend and resume rules hold unchanged;
 *   - never calls out, never grows memory: ctx->mem and ctx->memsize stay
 *     valid for the whole call.
 */
#ifndef AW_JIT_H
#define AW_JIT_H

#include <stddef.h>
#include <stdint.h>

struct aw_module;
struct aw_global;

struct aw_jit_ctx {
	uint64_t *fp;              /* frame slots */
	uint8_t *mem;              /* linear memory 0 */
	uint64_t memsize;          /* its size in bytes */
	struct aw_global **globals;
	int64_t budget;            /* safe points left in this slice */
};

typedef int64_t (*aw_jit_fn)(struct aw_jit_ctx *ctx, uint32_t entry);

/* one loop of a function: its marker, code range and translation */
struct aw_loop {
	uint32_t marker;           /* pc of the OP_LOOP word */
	uint32_t start, end;       /* the loop's code: [start, end) */
	aw_jit_fn fn;              /* NULL: interpreted */
};

enum { AW_JIT_TRAP_OOB = -1, AW_JIT_TRAP_DIV0 = -2, AW_JIT_TRAP_OVERFLOW = -3 };

/* 0 off (pure interpreter), 1 loops (default where supported), 2 every
 * function body as a region too (test mode: exercises the translator on
 * straight-line code such as most spec tests). */
extern int aw_jit_mode;

/* Translate the loops of every function of m; silently leaves loops
 * interpreted when the host has no translator or no executable memory. */
void aw_jit_module(struct aw_module *m);
void aw_jit_release(struct aw_module *m);
const char *aw_jit_trap_msg(int64_t code);

/* the host translator (jit_x86.c): appends the region of code[start, end)
 * to buf and returns the offset of its entry, or -1 if nothing was worth
 * translating */
struct aw_jit_buf {
	uint8_t *p;
	size_t n, cap;
	int oom;
	int32_t *label;            /* translator scratch, reused across regions */
	uint32_t nlabel;
	void *fix;
	uint32_t nfix_cap;
};
long aw_jit_translate(struct aw_jit_buf *buf, const uint32_t *code, uint32_t start, uint32_t end,
		       uint32_t frame_size);

/* code walking (jit.c): words taken by the instruction at pc (0 if unknown) */
uint32_t aw_op_words(const uint32_t *pc);

#endif
