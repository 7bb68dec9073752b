/*
 * Code emitter: turns validated instructions into the internal code of
 * ops.h.  Branches are resolved here: a branch knows its target block's
 * arity and stack height, so it compiles to a plain jump when nothing has to
 * be dropped and to a jump that first slides the results down otherwise.
 * Forward targets (block and if ends) are patched when the block ends.
 * Nothing is emitted for dead code, whose stack heights are undefined.
 */
#include <stdlib.h>
#include "compile.h"
#include "ops.h"

void cg_word(struct fctx *c, uint32_t w)
{
	if (c->dead)
		return;
	if (c->nbuf == c->capbuf) {
		uint32_t cap = c->capbuf ? c->capbuf * 2 : 64;
		uint32_t *nb = realloc(c->buf, cap * sizeof(*nb));
		if (!nb) {
			c->oom = true;
			c->nbuf = 0; /* keep writing into the old buffer harmlessly */
			return;
		}
		c->buf = nb;
		c->capbuf = cap;
	}
	c->buf[c->nbuf++] = w;
}

void cg_op(struct fctx *c, uint32_t op)
{
	if (!c->dead)
		c->last_op_pc = c->nbuf;
	cg_word(c, op);
}

void cg_op1(struct fctx *c, uint32_t op, uint32_t a)
{
	cg_op(c, op);
	cg_word(c, a);
}

/* local.get a; local.get b fuses into one instruction: the pair is the
 * most common sequence in compiled C. */
void cg_local_get(struct fctx *c, uint32_t idx)
{
	if (!c->dead && c->last_op_pc != UINT32_MAX && c->last_op_pc + 2 == c->nbuf &&
	    c->buf[c->last_op_pc] == OP_LOCAL_GET) {
		c->buf[c->last_op_pc] = OP_LOCAL_GET2;
		cg_word(c, idx);
		c->last_op_pc = UINT32_MAX;
		return;
	}
	cg_op1(c, OP_LOCAL_GET, idx);
}

/* The current pc is a branch target: stop fusing across it. */
uint32_t cg_here(struct fctx *c)
{
	c->last_op_pc = UINT32_MAX;
	return c->nbuf;
}

/* Remember that the word about to be emitted needs the end pc of block
 * number `block` (index into ctls). */
static void add_patch(struct fctx *c, uint32_t block)
{
	if (c->dead)
		return;
	if (c->npatch + 2 > c->cappatch) {
		uint32_t cap = c->cappatch ? c->cappatch * 2 : 32;
		uint32_t *np = realloc(c->patches, cap * sizeof(*np));
		if (!np) {
			c->oom = true;
			return;
		}
		c->patches = np;
		c->cappatch = cap;
	}
	c->patches[c->npatch++] = c->nbuf;
	c->patches[c->npatch++] = block;
}

/* Target word of a branch to label `depth`: loops are known, blocks later. */
static void target_word(struct fctx *c, struct ctl *b)
{
	if (b->kind == CTL_LOOP) {
		cg_word(c, b->start_pc);
	} else {
		add_patch(c, (uint32_t)(b - c->ctls));
		cg_word(c, 0);
	}
}

static uint32_t label_arity(const struct ctl *b)
{
	return b->kind == CTL_LOOP ? b->np : b->nr;
}

/* br / br_if to label `depth`; the condition is already popped. */
void cg_branch(struct fctx *c, uint32_t depth, bool conditional)
{
	struct ctl *b = &c->ctls[c->nctl - 1 - depth];
	uint32_t arity = label_arity(b);
	uint32_t drop;

	if (c->dead)
		return;
	drop = c->nvals - arity - b->height;
	if (drop == 0) {
		cg_op(c, conditional ? OP_BR_IF : OP_BR);
		target_word(c, b);
	} else {
		cg_op(c, conditional ? OP_BR_IF_DROP : OP_BR_DROP);
		target_word(c, b);
		cg_word(c, arity);
		cg_word(c, drop);
	}
}

/* one (target arity drop) entry of br_table; the index is already popped */
void cg_branch_entry(struct fctx *c, uint32_t depth)
{
	struct ctl *b = &c->ctls[c->nctl - 1 - depth];
	uint32_t arity = label_arity(b);

	if (c->dead)
		return;
	target_word(c, b);
	cg_word(c, arity);
	cg_word(c, c->nvals - arity - b->height);
}

/* a jump whose target is the end of the innermost block (else -> end) */
void cg_forward(struct fctx *c, uint32_t op)
{
	cg_op(c, op);
	add_patch(c, c->nctl - 1);
	cg_word(c, 0);
}

/* Block b ends here: patch its forward branches.  Branches to outer blocks
 * recorded inside b (br_table, nested br) stay in the list. */
void cg_patch_block(struct fctx *c, struct ctl *b)
{
	uint32_t here = cg_here(c), keep = b->patch_base;
	uint32_t self = (uint32_t)(b - c->ctls);

	for (uint32_t i = b->patch_base; i < c->npatch; i += 2) {
		if (c->patches[i + 1] == self) {
			if (!c->oom)
				c->buf[c->patches[i]] = here;
		} else {
			c->patches[keep++] = c->patches[i];
			c->patches[keep++] = c->patches[i + 1];
		}
	}
	c->npatch = keep;
}

void cg_patch_at(struct fctx *c, uint32_t site)
{
	uint32_t here = cg_here(c);

	if (site != UINT32_MAX && !c->oom)
		c->buf[site] = here;
}
