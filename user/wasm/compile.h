/*
 * State shared by the function-body validator (validate.c) and the code
 * emitter (compile.c).  The validator owns the operand and control stacks;
 * the emitter owns the code buffer, the constant pool, the list of forward
 * branches that still need their target and the slot relocations.
 *
 * The internal code is register based: every operand names a frame slot.
 * Frame layout: [locals][constants][operand stack], in 64-bit slots; a v128
 * takes two consecutive slots.  The value whose operand stack entry starts
 * at slot height h lives in slot local_slots + const_slots + h.  While compiling, each
 * operand stack entry records where its value is: its canonical stack slot
 * (SLOT_TEMP | h), a local (its index), or a constant (SLOT_CONST | k).
 * local.get and constants cost no instruction; values are copied to their
 * canonical slots only when control flow or a local.set requires it.
 * Slot words with a tag are rewritten once the pool size is known.
 */
#ifndef AW_COMPILE_H
#define AW_COMPILE_H

#include "internal.h"

enum { CTL_BLOCK, CTL_LOOP, CTL_IF, CTL_ELSE, CTL_FUNC };

struct ctl {
	uint8_t kind;
	uint8_t single[1];     /* storage for a one-value block type */
	bool unreachable;      /* the rest of this block is dead code */
	bool dead;             /* the block was entered in dead code: emit nothing */
	const uint8_t *params, *results;
	uint32_t np, nr;
	uint32_t height;       /* operand stack height at entry, below params */
	uint32_t start_pc;     /* loop: branch target */
	uint32_t else_site;    /* if: word to patch with the else/end pc */
	uint32_t patch_base;   /* first entry of this block in the patch list */
	uint32_t sheight;      /* the same height in slots */
	uint32_t loop;         /* loop: its index in the loop table, or UINT32_MAX */
};

/* slots taken by a value of type t */
static inline uint32_t tslots(uint8_t t)
{
	return t == AW_V128 ? 2 : 1;
}

/* a one-value block type is stored in the frame itself (results == NULL) */
static inline const uint8_t *ctl_results(const struct ctl *b)
{
	return b->nr == 1 && !b->results ? b->single : b->results;
}

#define SLOT_TEMP 0x20000000u
#define SLOT_CONST 0x40000000u
#define SLOT_MASK 0x1fffffffu
#define TEMP(h) (SLOT_TEMP | (uint32_t)(h))

struct fctx {
	struct aw_module *m;
	struct aw_reader r;
	struct aw_code *code;
	const struct aw_functype *ft;
	uint8_t *locals;       /* types of params and locals */
	uint32_t *lslot;       /* slot of each local */
	uint8_t *vals;
	uint32_t *locs;        /* where each operand stack value is (see above) */
	uint32_t *sh;          /* slot height of each operand stack value */
	uint32_t nvals, capvals, max_height;
	uint32_t stop;         /* operand stack height in slots */
	uint64_t *consts;
	uint32_t nconsts, capconsts;
	uint32_t *relocs;      /* code positions of tagged slot words */
	uint32_t nrelocs, caprelocs;
	uint32_t last_dst;     /* position of the last instruction's result slot */
	uint32_t last_end;     /* code size right after that instruction */
	uint32_t last_op;      /* position of the last opcode word */
	uint32_t prev_op;      /* position of the opcode word before that */
	uint32_t last_target;  /* last position that is a branch target */
	struct ctl *ctls;
	uint32_t nctl, capctl;
	uint32_t *buf;
	uint32_t nbuf, capbuf;
	uint32_t *patches;
	uint32_t npatch, cappatch;
	uint32_t *starts;      /* positions of the emitted instructions, in order */
	uint32_t nstarts, capstarts;
	uint32_t *targets;     /* every position cg_here gave (a superset of the branch targets) */
	uint32_t ntargets, captargets;
	struct aw_loop *loops; /* the function's loop table (jit.h) */
	uint32_t nloops, caploops;
	bool dead;             /* current code is unreachable: emit nothing */
	bool oom;
};

#define TRY(x) do { int rc_ = (x); if (rc_) return rc_; } while (0)
#define INVALID(c, ...) aw_fail(&(c)->r, AW_EINVALID, __VA_ARGS__)

/* validate.c: the typed operand stack */
int v_push(struct fctx *c, uint8_t t);
int v_push_at(struct fctx *c, uint8_t t, uint32_t loc);
int v_pop(struct fctx *c, uint8_t want, uint8_t *got, uint32_t *loc);

/* validate_ops.c: non-control instructions */
int op_memarg(struct fctx *c, uint8_t op);
int op_numeric(struct fctx *c, uint8_t op);
int op_fc(struct fctx *c);
int op_const(struct fctx *c, uint8_t op);
int op_ref(struct fctx *c, uint8_t op);
int op_table_getset(struct fctx *c, uint8_t op);
int op_memsize(struct fctx *c, uint8_t op);
int zero_byte(struct fctx *c);

/* validate_simd.c */
int op_simd(struct fctx *c);

void cg_word(struct fctx *c, uint32_t w);
void cg_slot(struct fctx *c, uint32_t loc);
void cg_op(struct fctx *c, uint32_t op);
void cg_dst(struct fctx *c, uint32_t height);
void cg_end(struct fctx *c);
uint32_t cg_here(struct fctx *c);
uint32_t cg_const(struct fctx *c, uint64_t v);
uint32_t cg_const128(struct fctx *c, uint64_t lo, uint64_t hi);
void cg_flush(struct fctx *c);
uint32_t cg_take_last(struct fctx *c, uint32_t loc, uint32_t *w, uint32_t max, bool take);
bool cg_fuse_add(struct fctx *c, uint32_t loc, uint32_t *x, uint32_t *y);
bool cg_fuse_cond(struct fctx *c, uint32_t cond, uint32_t *op, uint32_t *a, uint32_t *b);
void cg_local_set(struct fctx *c, uint32_t local, bool tee);
void cg_branch(struct fctx *c, uint32_t depth, uint32_t cond);
void cg_branch_entry(struct fctx *c, uint32_t depth);
void cg_return(struct fctx *c, uint32_t src_height, uint32_t nslots);
void cg_forward(struct fctx *c, uint32_t op);
void cg_patch_block(struct fctx *c, struct ctl *b);
void cg_patch_at(struct fctx *c, uint32_t site);
uint32_t cg_loop_begin(struct fctx *c);
void cg_loop_end(struct fctx *c, uint32_t loop);
int cg_finish(struct fctx *c, struct aw_code *code);

#endif
