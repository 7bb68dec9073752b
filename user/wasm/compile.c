/*
 * Code emitter for the register-based internal code (see compile.h and
 * ops.h).  It keeps operands lazy -- a local.get or a constant is just a
 * reference to its slot -- and materialises them into canonical stack slots
 * only where control flow merges or a local is overwritten.  Branches are
 * resolved here: a branch knows its target's arity and stack height, so it
 * compiles to a plain jump when the results are already in place and to a
 * jump that first moves them otherwise.  A local.set right after the
 * instruction that computed its value rewrites that instruction's result
 * slot instead of copying.  Nothing is emitted for dead code.
 */
#include <stdlib.h>
#include <string.h>
#include "compile.h"
#include "ops.h"
#include "jit.h"

static bool grow(struct fctx *c, void **p, uint32_t *cap, uint32_t need, size_t elem)
{
	uint32_t ncap;
	void *np;

	if (need <= *cap)
		return true;
	ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, (size_t)ncap * elem);
	if (!np) {
		c->oom = true;
		return false;
	}
	*p = np;
	*cap = ncap;
	return true;
}

void cg_word(struct fctx *c, uint32_t w)
{
	if (c->dead || !grow(c, (void **)&c->buf, &c->capbuf, c->nbuf + 1, sizeof(uint32_t)))
		return;
	c->buf[c->nbuf++] = w;
}

/* a slot operand: cg_finish turns it into a word offset in the frame */
void cg_slot(struct fctx *c, uint32_t loc)
{
	if (c->dead)
		return;
	if (!grow(c, (void **)&c->relocs, &c->caprelocs, c->nrelocs + 1, sizeof(uint32_t)))
		return;
	c->relocs[c->nrelocs++] = c->nbuf;
	cg_word(c, loc);
}

void cg_op(struct fctx *c, uint32_t op)
{
	if (!c->dead) {
		c->prev_op = c->last_op;
		c->last_op = c->nbuf;
		/* instructions taken back (fusion) were at or after nbuf */
		while (c->nstarts && c->starts[c->nstarts - 1] >= c->nbuf)
			c->nstarts--;
		if (grow(c, (void **)&c->starts, &c->capstarts, c->nstarts + 1, sizeof(uint32_t)))
			c->starts[c->nstarts++] = c->nbuf;
	}
	cg_word(c, op);
}

/* the result slot of the instruction being emitted: stack height `height` */
void cg_dst(struct fctx *c, uint32_t height)
{
	if (c->dead)
		return;
	c->last_dst = c->nbuf;
	cg_slot(c, TEMP(height));
	c->last_end = UINT32_MAX; /* set by the caller once operands follow */
}

/* The instruction just emitted is complete: the fusions may look back at it
 * (its result word at last_dst).  Not in dead code, where nothing was
 * emitted and last_dst is stale: a mutated module whose loop ended dead code
 * made a fusion read the code buffer of an earlier function (ASan). */
void cg_end(struct fctx *c)
{
	c->last_end = c->dead ? UINT32_MAX : c->nbuf;
}

/* The current pc is a branch target: nothing may be fused across it. */
uint32_t cg_here(struct fctx *c)
{
	c->last_end = UINT32_MAX;
	c->last_target = c->nbuf;
	/* nothing before a target is ever taken back, so the list stays sorted */
	if ((!c->ntargets || c->targets[c->ntargets - 1] != c->nbuf) &&
	    grow(c, (void **)&c->targets, &c->captargets, c->ntargets + 1, sizeof(uint32_t)))
		c->targets[c->ntargets++] = c->nbuf;
	return c->nbuf;
}

/* Constant pool: n (1 or 2) slots holding v[0..n); any earlier occurrence
 * of the same words can be shared (a slot is just a word). */
static uint32_t pool(struct fctx *c, const uint64_t *v, uint32_t n)
{
	uint32_t from = c->nconsts > 256 ? c->nconsts - 256 : 0;

	for (uint32_t i = from; i + n <= c->nconsts; i++)
		if (c->consts[i] == v[0] && (n == 1 || c->consts[i + 1] == v[1]))
			return SLOT_CONST | i;
	if (!grow(c, (void **)&c->consts, &c->capconsts, c->nconsts + n, sizeof(uint64_t)))
		return SLOT_CONST;
	memcpy(c->consts + c->nconsts, v, n * sizeof(uint64_t));
	c->nconsts += n;
	return SLOT_CONST | (c->nconsts - n);
}

uint32_t cg_const128(struct fctx *c, uint64_t lo, uint64_t hi)
{
	uint64_t v[2] = { lo, hi };
	return pool(c, v, 2);
}

uint32_t cg_const(struct fctx *c, uint64_t v)
{
	return pool(c, &v, 1);
}

static void materialise(struct fctx *c, uint32_t i)
{
	if (c->locs[i] == TEMP(c->sh[i]))
		return;
	cg_op(c, c->vals[i] == AW_V128 ? OP_COPY2 : OP_COPY);
	cg_slot(c, TEMP(c->sh[i]));
	cg_slot(c, c->locs[i]);
	c->locs[i] = TEMP(c->sh[i]);
	c->last_end = UINT32_MAX;
}

/* Put every operand stack value in its canonical slot. */
void cg_flush(struct fctx *c)
{
	if (c->dead)
		return;
	for (uint32_t i = 0; i < c->nvals; i++)
		materialise(c, i);
}

/* local.set / local.tee of the top value (not yet popped) */
void cg_local_set(struct fctx *c, uint32_t local, bool tee)
{
	uint32_t top = c->nvals - 1;
	bool others = false;

	if (c->dead)
		return;
	/* values still referring to the old contents of the local */
	for (uint32_t i = 0; i < top; i++)
		if (c->locs[i] == local) {
			materialise(c, i);
			others = true;
		}
	if (!others && c->locs[top] == TEMP(c->sh[top]) && c->last_end == c->nbuf &&
	    c->buf[c->last_dst] == TEMP(c->sh[top])) {
		/* the value was just computed: compute it straight into the local */
		c->buf[c->last_dst] = local;
		c->last_end = UINT32_MAX;
	} else if (c->locs[top] != local) {
		cg_op(c, c->vals[top] == AW_V128 ? OP_COPY2 : OP_COPY);
		cg_slot(c, local);
		cg_slot(c, c->locs[top]);
		c->last_end = UINT32_MAX;
	}
	if (tee)
		c->locs[top] = local;
}

static void add_patch(struct fctx *c, uint32_t block)
{
	if (c->dead || !grow(c, (void **)&c->patches, &c->cappatch, c->npatch + 2, sizeof(uint32_t)))
		return;
	c->patches[c->npatch++] = c->nbuf;
	c->patches[c->npatch++] = block;
}

/* Target word of a branch: loops are known, block ends are patched later. */
static void target_word(struct fctx *c, struct ctl *b)
{
	if (b->kind == CTL_LOOP) {
		cg_word(c, b->start_pc);
	} else {
		add_patch(c, (uint32_t)(b - c->ctls));
		cg_word(c, 0);
	}
}

/* slots carried by a branch to b: loop params or block results */
static uint32_t label_arity(const struct ctl *b)
{
	const uint8_t *t = b->kind == CTL_LOOP ? b->params : ctl_results(b);
	uint32_t n = b->kind == CTL_LOOP ? b->np : b->nr, s = 0;

	for (uint32_t i = 0; i < n; i++)
		s += tslots(t[i]);
	return s;
}

/* If the condition `cond` (just popped) was computed by the instruction
 * right before, and that was an i32 comparison, take the comparison back:
 * the caller emits one fused compare-and-branch instead.  *op receives
 * OP_BR_IF_CMP + n and a, b the compared slots (b unused for eqz). */
bool cg_fuse_cond(struct fctx *c, uint32_t cond, uint32_t *op, uint32_t *a, uint32_t *b)
{
	uint32_t start, cmp;

	if (c->dead || c->last_end != c->nbuf || cond != TEMP(c->stop) ||
	    c->buf[c->last_dst] != cond)
		return false;
	start = c->last_dst - 1;
	if (start != c->last_op)
		return false; /* e.g. a SIMD test: its dst follows a sub-opcode */
	cmp = c->buf[start];
	if (cmp < 0x45 || cmp > 0x4f)
		return false;
	*op = OP_BR_IF_CMP + (cmp - 0x45);
	*a = c->buf[start + 2];
	*b = cmp == 0x45 ? *a : c->buf[start + 3];
	/* forget the compare and its slot relocations */
	while (c->nrelocs && c->relocs[c->nrelocs - 1] >= start)
		c->nrelocs--;
	c->nbuf = start;
	c->last_end = UINT32_MAX;
	return true;
}

/* If `loc` (just popped) is the result of the instruction emitted last and
 * that instruction has at most `max` words with its result in the second,
 * its words go to w and their number is returned (else 0); with `take` the
 * instruction is also taken back. */
uint32_t cg_take_last(struct fctx *c, uint32_t loc, uint32_t *w, uint32_t max, bool take)
{
	uint32_t start, n;

	if (c->dead || c->last_end != c->nbuf || (loc & (SLOT_TEMP | SLOT_CONST)) != SLOT_TEMP ||
	    c->buf[c->last_dst] != loc)
		return 0;
	start = c->last_dst - 1;
	n = c->nbuf - start;
	if (start != c->last_op || n > max)
		return 0;
	memcpy(w, c->buf + start, n * sizeof(uint32_t));
	if (!take)
		return n;
	while (c->nrelocs && c->relocs[c->nrelocs - 1] >= start)
		c->nrelocs--;
	c->nbuf = start;
	c->last_end = UINT32_MAX;
	return n;
}

/* If the i32 address `loc` (just popped) was computed by an i32.add right
 * before, take the add back and give its operands: loads and stores have
 * forms that add them (wrapping to 32 bits, as the add would). */
bool cg_fuse_add(struct fctx *c, uint32_t loc, uint32_t *x, uint32_t *y)
{
	uint32_t start;

	if (c->dead || c->last_end != c->nbuf || loc != TEMP(c->stop) ||
	    c->buf[c->last_dst] != loc)
		return false;
	start = c->last_dst - 1;
	if (start != c->last_op || (c->buf[start] != 0x6a && c->buf[start] != OP_I32_IMM))
		return false;
	*x = c->buf[start + 2];
	*y = c->buf[start] == 0x6a ? c->buf[start + 3] : cg_const(c, c->buf[start + 3]);
	while (c->nrelocs && c->relocs[c->nrelocs - 1] >= start)
		c->nrelocs--;
	c->nbuf = start;
	c->last_end = UINT32_MAX;
	return true;
}

/* br (cond == UINT32_MAX) or br_if to label `depth`; the stack is flushed
 * and the condition already popped. */
void cg_branch(struct fctx *c, uint32_t depth, uint32_t cond)
{
	struct ctl *b = &c->ctls[c->nctl - 1 - depth];
	uint32_t arity = label_arity(b), src, op, x, y;

	if (c->dead)
		return;
	src = c->stop - arity;
	if ((src == b->sheight || arity == 0) && cond != UINT32_MAX &&
	    cg_fuse_cond(c, cond, &op, &x, &y)) {
		uint32_t p = c->prev_op;
		if (op == OP_BR_IF_CMP + (0x47 - 0x45) && p + 4 == c->nbuf && p < c->nbuf &&
		    c->buf[p] == OP_I32_IMM && c->buf[p + 1] == x && c->last_target <= p) {
			/* "x = a + imm; br_if (x != y)": the loop counter step */
			uint32_t a = c->buf[p + 2], imm = c->buf[p + 3];
			while (c->nrelocs && c->relocs[c->nrelocs - 1] >= p)
				c->nrelocs--;
			c->nbuf = p;
			cg_op(c, OP_ADDI_BRNE);
			cg_slot(c, x);
			cg_slot(c, a);
			cg_word(c, imm);
			cg_slot(c, y);
			target_word(c, b);
			c->last_end = UINT32_MAX;
			return;
		}
		cg_op(c, op);
		cg_slot(c, x);
		cg_slot(c, y);
		target_word(c, b);
	} else if (src == b->sheight || arity == 0) {
		cg_op(c, cond == UINT32_MAX ? OP_BR : OP_BR_IF);
		if (cond != UINT32_MAX)
			cg_slot(c, cond);
		target_word(c, b);
	} else {
		cg_op(c, cond == UINT32_MAX ? OP_BR_MOVE : OP_BR_IF_MOVE);
		if (cond != UINT32_MAX)
			cg_slot(c, cond);
		target_word(c, b);
		cg_slot(c, TEMP(src));
		cg_slot(c, TEMP(b->sheight));
		cg_word(c, arity);
	}
	c->last_end = UINT32_MAX;
}

/* one (target src dst n) entry of br_table */
void cg_branch_entry(struct fctx *c, uint32_t depth)
{
	struct ctl *b = &c->ctls[c->nctl - 1 - depth];
	uint32_t arity = label_arity(b);

	if (c->dead)
		return;
	target_word(c, b);
	cg_slot(c, TEMP(c->stop - arity));
	cg_slot(c, TEMP(b->sheight));
	cg_word(c, arity);
}

/* return: the results are the nslots (flushed) slots from src_height */
void cg_return(struct fctx *c, uint32_t src_height, uint32_t nslots)
{
	cg_op(c, OP_RETURN);
	cg_slot(c, TEMP(src_height));
	cg_word(c, nslots);
	c->last_end = UINT32_MAX;
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

/* A loop head (or, in the JIT's test mode, a function body) starts here:
 * an OP_LOOP marker naming a new loop-table entry, which the JIT may give a
 * translation (jit.h).  Returns the entry's index, UINT32_MAX if none. */
uint32_t cg_loop_begin(struct fctx *c)
{
	uint32_t i;

	if (!aw_jit_mode || c->dead ||
	    !grow(c, (void **)&c->loops, &c->caploops, c->nloops + 1, sizeof(struct aw_loop)))
		return UINT32_MAX;
	i = c->nloops++;
	c->loops[i] = (struct aw_loop){ .marker = c->nbuf };
	cg_op(c, OP_LOOP);
	cg_word(c, i);
	c->loops[i].start = cg_here(c);
	c->loops[i].end = c->loops[i].start;
	return i;
}

void cg_loop_end(struct fctx *c, uint32_t loop)
{
	if (loop != UINT32_MAX)
		c->loops[loop].end = c->nbuf;
}

/* Instructions whose handler leaves its result in the interpreter's
 * accumulator (interp_loop.h: PROD, and ADDI_BRNE); all have the result
 * slot in word 1 and, but for ADDI_BRNE, an OP_NOSTORE form. */
static bool acc_producer(uint32_t op)
{
	return op == OP_COPY || op == OP_SELECT || (op >= 0x28 && op <= 0x35) ||
	       (op >= OP_LOAD_ADD && op < OP_LOAD_ADD + 14) || (op >= 0x45 && op <= 0x4f) ||
	       (op >= 0x67 && op <= 0x6c) || (op >= 0x71 && op <= 0x78) ||
	       (op >= OP_I32_IMM && op < OP_I32_IMM + 15) || (op >= OP_MADD && op <= OP_ADDI_BRNE) ||
	       (op >= OP_SELECT_CMP && op < OP_SELECT_CMP + 10) || op == OP_SELECT_XAI;
}

/* Instructions with an accumulator variant: the word *k whose slot the
 * variant reads from acc, and a word *s that may be swapped with it
 * (commutative operands), 0 if none.  False if op has no variant. */
static bool acc_operand(uint32_t op, uint32_t *k, uint32_t *s)
{
	*s = 0;
	if ((op >= OP_BR_IF_CMP && op < OP_BR_IF_CMP + 11) ||
	    (op >= OP_BR_UNLESS_CMP && op < OP_BR_UNLESS_CMP + 11)) {
		uint32_t cmp = op - (op >= OP_BR_UNLESS_CMP ? OP_BR_UNLESS_CMP : OP_BR_IF_CMP);
		*k = 1;
		*s = cmp == 1 || cmp == 2 ? 2 : 0;      /* eq, ne */
		return true;
	}
	if ((op >= 0x28 && op <= 0x3e) || op == OP_COPY || op == 0x45 || (op >= 0x48 && op <= 0x4f) ||
	    (op >= 0x67 && op <= 0x69) || op == 0x6b || (op >= 0x74 && op <= 0x78) ||
	    (op >= OP_I32_IMM && op <= OP_I32_IMM + 2) ||
	    (op >= OP_I32_IMM + 7 && op <= OP_I32_IMM + 14) ||
	    op == OP_SHR_ANDI || op == OP_ANDI_XORI || op == OP_ADDI_BRNE) {
		*k = 2;                                 /* the first source (a store's value) */
		return true;
	}
	if (op == 0x46 || op == 0x47 || op == 0x6a || op == 0x6c || (op >= 0x71 && op <= 0x73) ||
	    (op >= OP_LOAD_ADD && op < OP_LOAD_ADD + 14) || op == OP_XOR_ANDI) {
		*k = 2;
		*s = 3;
		return true;
	}
	switch (op) {
	case OP_BR_IF: case OP_BR_UNLESS: *k = 1; return true;
	case OP_SELECT: *k = 4; return true;    /* the condition */
	case OP_MADD: *k = 3; *s = 4; return true;
	case OP_SELECT_CMP: case OP_SELECT_CMP + 1: case OP_SELECT_XAI: *k = 4; *s = 5; return true;
	}
	if (op >= OP_SELECT_CMP && op < OP_SELECT_CMP + 10) {
		*k = 4;
		return true;
	}
	if (op >= OP_STORE_ADD && op < OP_STORE_ADD + 9) {
		*k = 3;                                 /* the value */
		return true;
	}
	return false;
}

/* Turn each instruction that reads the result of the instruction right
 * before it into its accumulator variant (ops.h: OP_ACC).  Only when no
 * branch can land between the two: a variant is reached only by falling
 * through from its producer, which is what makes acc valid there.  (Other
 * ways to resume -- run() entry, suspension, return from a call, a JIT
 * region's side exit -- land on branch targets or after non-producers, or
 * dispatch with NEXT_BASE, which runs a variant as its base instruction.) */
/* May producer P, followed by its consumer Q (reading P's result from acc
 * at word k), skip storing its result slot?  Only if nothing else can read
 * that slot: it is an operand stack slot (a wasm value is popped exactly
 * once, and Q pops it: copies are emitted by the compiler, not popped, so
 * they do not count), no other word of Q names it (Q's own result slot
 * aside, written by Q), and P falls through to Q (not ADDI_BRNE). */
static bool no_store(const uint32_t *P, const uint32_t *Q, uint32_t k, uint32_t stack)
{
	uint32_t p = P[0] & (OP_ACC - 1), q = Q[0] & (OP_ACC - 1), n = aw_op_words(Q);

	if (p == OP_ADDI_BRNE || q == OP_COPY || P[1] < stack)
		return false;
	for (uint32_t i = acc_producer(q) ? 2 : 1; i < n; i++)
		if (i != k && Q[i] == P[1])
			return false;
	return true;
}

static void mark_acc(struct fctx *c, uint32_t stack)
{
	uint32_t t = 0;

	while (c->nstarts && c->starts[c->nstarts - 1] >= c->nbuf)
		c->nstarts--;                           /* taken back at the end */
	for (uint32_t i = 1; i < c->nstarts; i++) {
		uint32_t p = c->starts[i - 1], q = c->starts[i], k, s, *P = c->buf + p, *Q = c->buf + q;
		while (t < c->ntargets && c->targets[t] < q)
			t++;
		if ((t < c->ntargets && c->targets[t] == q) || !acc_producer(P[0] & (OP_ACC - 1)) ||
		    aw_op_words(P) != q - p || !acc_operand(Q[0], &k, &s) ||
		    q + aw_op_words(Q) > c->nbuf)
			continue;
		if (Q[k] != P[1]) {
			if (!s || Q[s] != P[1])
				continue;
			Q[s] = Q[k];
			Q[k] = P[1];
		}
		Q[0] |= OP_ACC;
		if (no_store(P, Q, k, stack))
			P[0] |= OP_NOSTORE;
	}
}

/* Resolve slots now that the pool size is known, and hand over. */
int cg_finish(struct fctx *c, struct aw_code *code)
{
	uint32_t nl = code->local_slots;

	if (c->oom)
		return -1;
	for (uint32_t i = 0; i < c->nrelocs; i++) {
		uint32_t pos = c->relocs[i], w = c->buf[pos];
		if (w & SLOT_CONST)
			w = nl + (w & SLOT_MASK);
		else if (w & SLOT_TEMP)
			w = nl + c->nconsts + (w & SLOT_MASK);
		c->buf[pos] = w;
	}
	mark_acc(c, nl + c->nconsts);
	code->code = c->buf;
	code->ncode = c->nbuf;
	code->consts = c->consts;
	code->nconsts = c->nconsts;
	code->loops = c->loops;
	code->nloops = c->nloops;
	code->max_stack = c->max_height + 1;
	code->frame_size = nl + c->nconsts + code->max_stack;
	c->buf = NULL;
	c->consts = NULL;
	c->loops = NULL;
	return 0;
}
