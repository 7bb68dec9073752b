/*
 * The interpreter: runs the internal code of compile.c with a direct
 * threaded dispatch loop (computed goto).  Wasm calls do not recurse in C:
 * frames live in struct aw_exec next to the value stack, which is what makes
 * deep recursion a clean trap and lets a call stop at a safe point (loop
 * heads and calls) and continue later.
 *
 * Frame layout (compile.h): fp[0..local_slots) are the locals (params
 * first), then the function's constants, then its operand stack slots.  A call's
 * arguments are consecutive operand slots of the caller and become the
 * callee's first locals; results come back in the same place.  Values are
 * 64-bit slots; i32 and f32 are kept zero-extended.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "numeric.h"
#include "ops.h"
#include "simd.h"

#define STACK_WORDS (256 * 1024) /* 64-bit slots */
#define MAX_FRAMES (32 * 1024)
#define SLICE 4096 /* safe points between looks at fuel and suspend requests */

struct frame {
	const uint32_t *pc;
	uint64_t *fp;
	struct aw_func *func;
};

struct aw_exec {
	uint64_t *stack, *stack_end;
	struct frame *frames;
	uint32_t nframes;
	struct aw_instance *root;  /* whose fuel is spent */
	struct aw_func *entry;
	/* saved registers of a suspended run */
	const uint32_t *pc;
	uint64_t *fp;
	struct aw_func *func;
	int64_t budget, slice;
};

static _Thread_local struct aw_exec *exec_cache;

static struct aw_exec *exec_get(void)
{
	struct aw_exec *e = exec_cache;

	if (e) {
		exec_cache = NULL;
		return e;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->stack = malloc(STACK_WORDS * sizeof(uint64_t));
	e->frames = malloc(MAX_FRAMES * sizeof(struct frame));
	if (!e->stack || !e->frames) {
		aw_exec_free(e);
		return NULL;
	}
	e->stack_end = e->stack + STACK_WORDS;
	return e;
}

void aw_exec_free(struct aw_exec *e)
{
	if (!e)
		return;
	free(e->stack);
	free(e->frames);
	free(e);
}

static void exec_put(struct aw_exec *e)
{
	if (!exec_cache)
		exec_cache = e;
	else
		aw_exec_free(e);
}

static int trap(struct aw_error *err, const char *msg)
{
	if (err) {
		err->code = AW_ETRAP;
		strncpy(err->msg, msg, sizeof(err->msg) - 1);
		err->msg[sizeof(err->msg) - 1] = 0;
	}
	return AW_TRAP;
}

/* Refill the budget of safe points from the instance's fuel. */
static void refill(struct aw_exec *e)
{
	struct aw_instance *in = e->root;

	if (in->fuel_on && (uint64_t)SLICE > in->fuel)
		e->slice = (int64_t)in->fuel;
	else
		e->slice = SLICE;
	e->budget = e->slice;
}

/* A safe point ran out of budget: account fuel, honour suspend requests.
 * Returns AW_OK to continue or the status to stop with. */
static int tick(struct aw_exec *e)
{
	struct aw_instance *in = e->root;

	if (in->fuel_on) {
		uint64_t used = (uint64_t)(e->slice - e->budget);
		in->fuel = used >= in->fuel ? 0 : in->fuel - used;
	}
	e->slice = e->budget = 0;
	if (in->suspend_req) {
		in->suspend_req = 0;
		refill(e);
		return AW_SUSPENDED;
	}
	if (in->fuel_on && in->fuel == 0)
		return AW_OUT_OF_FUEL;
	refill(e);
	return AW_OK;
}

static int call_host(struct aw_func *f, struct aw_instance *caller, uint64_t *args,
		     struct aw_error *err)
{
	struct aw_host_call hc = { caller, err, AW_TRAP };
	int rc = f->host(&hc, args, f->user);

	if (rc == 0)
		return AW_OK;
	if (hc.status == AW_TRAP && err && !err->code)
		trap(err, "host function trapped");
	return hc.status;
}

/* slots of n values of the given types (a v128 takes two) */
static uint32_t slots_of(const uint8_t *types, uint32_t n)
{
	uint32_t s = n;
	for (uint32_t i = 0; i < n; i++)
		s += types[i] == AW_V128;
	return s;
}

#ifdef AW_PROFILE
/* Developer aid (make AW_PROFILE=1): counts of executed internal opcodes
 * and of opcode pairs, printed to stderr at exit, to find what to fuse. */
#include <stdio.h>
static uint64_t prof_ops[2 * OP_NOSTORE], prof_pairs[2 * OP_NOSTORE][2 * OP_NOSTORE];
static uint32_t prof_prev;

static void aw_prof_count(uint32_t op)
{
	prof_ops[op]++;
	prof_pairs[prof_prev][op]++;
	prof_prev = op;
}

static void prof_dump(void)
{
	uint64_t total = 0;
	for (uint32_t i = 0; i < 2 * OP_NOSTORE; i++)
		total += prof_ops[i];
	fprintf(stderr, "profile: %llu dispatches\n", (unsigned long long)total);
	for (int n = 0; n < 40; n++) {
		uint32_t bi = 0, bj = 0;
		for (uint32_t i = 0; i < 2 * OP_NOSTORE; i++)
			for (uint32_t j = 0; j < 2 * OP_NOSTORE; j++)
				if (prof_pairs[i][j] > prof_pairs[bi][bj])
					bi = i, bj = j;
		if (!prof_pairs[bi][bj])
			break;
		fprintf(stderr, "pair %#5x %#5x %5.2f%%\n", bi, bj, 100.0 * prof_pairs[bi][bj] / total);
		prof_pairs[bi][bj] = 0;
	}
	for (int n = 0; n < 40; n++) {
		uint32_t bi = 0;
		for (uint32_t i = 0; i < 2 * OP_NOSTORE; i++)
			if (prof_ops[i] > prof_ops[bi])
				bi = i;
		if (!prof_ops[bi])
			break;
		fprintf(stderr, "op %#5x %5.2f%%\n", bi, 100.0 * prof_ops[bi] / total);
		prof_ops[bi] = 0;
	}
}

__attribute__((constructor)) static void prof_init(void)
{
	atexit(prof_dump);
}
#endif

#include "interp_loop.h"

int aw_exec_call(struct aw_instance *inst, struct aw_func *f, const uint64_t *args,
		 uint64_t *results, struct aw_error *err)
{
	const struct aw_functype *t = f->type;
	struct aw_exec *e;
	int rc;

	if (inst->suspended)
		return AW_EBUSY;
	if (f->host) {
		uint64_t buf[64];
		uint32_t n = t->nparams > t->nresults ? t->nparams : t->nresults;
		if (n > 64)
			return trap(err, "too many host function arguments");
		if (t->nparams)
			memcpy(buf, args, t->nparams * sizeof(uint64_t));
		rc = call_host(f, inst, buf, err);
		if (rc == AW_OK && t->nresults)
			memcpy(results, buf, t->nresults * sizeof(uint64_t));
		return rc;
	}
	e = exec_get();
	if (!e)
		return trap(err, "out of memory for the call stack");
	e->root = inst;
	e->entry = f;
	e->nframes = 0;
	if (f->code->frame_size > STACK_WORDS) {
		exec_put(e);
		return trap(err, "call stack exhausted");
	}
	/* API values are packed like slots: one word each, two for a v128 */
	if (f->code->param_slots)
		memcpy(e->stack, args, f->code->param_slots * sizeof(uint64_t));
	e->fp = e->stack;
	e->func = f;
	memset(e->fp + f->code->param_slots, 0,
	       (f->code->local_slots - f->code->param_slots) * sizeof(uint64_t));
	if (f->code->nconsts)
		memcpy(e->fp + f->code->local_slots, f->code->consts,
		       f->code->nconsts * sizeof(uint64_t));
	e->pc = f->code->code;
	refill(e);
	rc = run(e, err);
	if (rc == AW_SUSPENDED || rc == AW_OUT_OF_FUEL) {
		inst->suspended = e;
		return rc;
	}
	if (rc == AW_OK && t->nresults)
		memcpy(results, e->stack, slots_of(t->types + t->nparams, t->nresults) * sizeof(uint64_t));
	exec_put(e);
	return rc;
}

int aw_exec_resume(struct aw_instance *inst, uint64_t *results, struct aw_error *err)
{
	struct aw_exec *e = inst->suspended;
	int rc;

	if (!e)
		return AW_EARG;
	inst->suspended = NULL;
	refill(e);
	rc = run(e, err);
	if (rc == AW_SUSPENDED || rc == AW_OUT_OF_FUEL) {
		inst->suspended = e;
		return rc;
	}
	if (rc == AW_OK && e->entry->type->nresults)
		memcpy(results, e->stack,
		       slots_of(e->entry->type->types + e->entry->type->nparams,
				e->entry->type->nresults) * sizeof(uint64_t));
	exec_put(e);
	return rc;
}
