/*
 * State shared by the function-body validator (validate.c) and the code
 * emitter (compile.c).  The validator owns the operand and control stacks;
 * the emitter owns the code buffer and the list of forward branches that
 * still need their target.
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
};

struct fctx {
	struct aw_module *m;
	struct aw_reader r;
	struct aw_code *code;
	const struct aw_functype *ft;
	uint8_t *locals;       /* types of params and locals */
	uint8_t *vals;
	uint32_t nvals, capvals, max_height;
	struct ctl *ctls;
	uint32_t nctl, capctl;
	uint32_t *buf;
	uint32_t nbuf, capbuf;
	uint32_t *patches;
	uint32_t npatch, cappatch;
	bool dead;             /* current code is unreachable: emit nothing */
	bool oom;
	uint32_t last_op_pc;   /* for peephole fusion; UINT32_MAX if none */
};

void cg_word(struct fctx *c, uint32_t w);
void cg_op(struct fctx *c, uint32_t op);
void cg_op1(struct fctx *c, uint32_t op, uint32_t a);
uint32_t cg_here(struct fctx *c);
void cg_branch(struct fctx *c, uint32_t depth, bool conditional);
void cg_branch_entry(struct fctx *c, uint32_t depth);
void cg_forward(struct fctx *c, uint32_t op);
void cg_patch_block(struct fctx *c, struct ctl *b);
void cg_patch_at(struct fctx *c, uint32_t site);
void cg_local_get(struct fctx *c, uint32_t idx);

#endif
