/*
 * Function body validator: the type checker of the WebAssembly 2.0 spec
 * (operand stack, control frames, polymorphic stack after unreachable code),
 * run once per function.  As each instruction is checked it is handed to the
 * emitter (compile.c), so a valid body comes out compiled in the same pass.
 */
#include <stdlib.h>
#include <string.h>
#include "compile.h"
#include "ops.h"

#define MAX_CTL 10000
#define MAX_VALS 100000

/* push a value that lives in slot `loc` (see compile.h) */
int v_push_at(struct fctx *c, uint8_t t, uint32_t loc)
{
	if (c->nvals == c->capvals) {
		uint32_t cap = c->capvals ? c->capvals * 2 : 64;
		uint8_t *nv;
		uint32_t *nl, *ns;
		if (cap > MAX_VALS)
			return INVALID(c, "operand stack too deep");
		nv = realloc(c->vals, cap);
		if (nv)
			c->vals = nv;
		nl = realloc(c->locs, cap * sizeof(uint32_t));
		if (nl)
			c->locs = nl;
		ns = realloc(c->sh, cap * sizeof(uint32_t));
		if (ns)
			c->sh = ns;
		if (!nv || !nl || !ns)
			return aw_fail(&c->r, AW_ENOMEM, "out of memory");
		c->capvals = cap;
	}
	c->vals[c->nvals] = t;
	c->sh[c->nvals] = c->stop;
	c->locs[c->nvals++] = loc;
	c->stop += tslots(t);
	if (c->stop > c->max_height)
		c->max_height = c->stop;
	return 0;
}

/* push a value computed into its canonical slot */
int v_push(struct fctx *c, uint8_t t)
{
	return v_push_at(c, t, TEMP(c->stop));
}

#define push v_push
#define pop(c, want, got) v_pop(c, want, got, NULL)

/* pop, checking the type; *loc receives where the value is */
int v_pop(struct fctx *c, uint8_t want, uint8_t *got, uint32_t *loc)
{
	struct ctl *b = &c->ctls[c->nctl - 1];
	uint8_t t;

	if (c->nvals == b->height) {
		if (!b->unreachable)
			return INVALID(c, "type mismatch: operand stack underflow");
		t = AW_TYPE_ANY;
		if (loc)
			*loc = 0; /* dead code: never emitted */
	} else {
		t = c->vals[--c->nvals];
		c->stop = c->sh[c->nvals];
		if (loc)
			*loc = c->locs[c->nvals];
	}
	if (want != AW_TYPE_ANY && t != AW_TYPE_ANY && t != want)
		return INVALID(c, "type mismatch: expected 0x%02x, got 0x%02x", want, t);
	if (got)
		*got = t == AW_TYPE_ANY ? want : t;
	return 0;
}

static int pop_n(struct fctx *c, const uint8_t *types, uint32_t n)
{
	for (uint32_t i = n; i-- > 0;)
		TRY(pop(c, types[i], NULL));
	return 0;
}

static int push_n(struct fctx *c, const uint8_t *types, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		TRY(push(c, types[i]));
	return 0;
}

static int push_ctl(struct fctx *c, uint8_t kind, const uint8_t *params, uint32_t np,
		    const uint8_t *results, uint32_t nr)
{
	struct ctl *b = NULL;

	if (c->nctl == c->capctl) {
		uint32_t cap = c->capctl ? c->capctl * 2 : 16;
		struct ctl *nc;
		if (cap > MAX_CTL)
			return INVALID(c, "blocks nested too deeply");
		nc = realloc(c->ctls, cap * sizeof(*nc));
		if (!nc)
			return aw_fail(&c->r, AW_ENOMEM, "out of memory");
		c->ctls = nc;
		c->capctl = cap;
	}
	b = &c->ctls[c->nctl++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->params = params;
	b->np = np;
	b->results = results;
	b->nr = nr;
	b->height = c->nvals;
	b->sheight = c->stop;
	b->dead = c->dead;
	b->else_site = UINT32_MAX;
	b->patch_base = c->npatch;
	return push_n(c, params, np);
}

#define res ctl_results

static uint32_t slots_of(const uint8_t *types, uint32_t n)
{
	uint32_t s = 0;
	for (uint32_t i = 0; i < n; i++)
		s += tslots(types[i]);
	return s;
}

/* The end of a block's body: the results must be exactly on the stack. */
static int check_results(struct fctx *c, struct ctl *b)
{
	TRY(pop_n(c, res(b), b->nr));
	if (c->nvals != b->height)
		return INVALID(c, "type mismatch: values remaining on stack at end of block");
	return 0;
}

static void set_unreachable(struct fctx *c)
{
	struct ctl *b = &c->ctls[c->nctl - 1];

	c->nvals = b->height;
	c->stop = b->sheight;
	b->unreachable = true;
	c->dead = true;
}

/* block type: empty, one value type, or a type index (s33) */
static int read_blocktype(struct fctx *c, struct ctl *tmp)
{
	int64_t idx;
	uint8_t b;

	if (c->r.p >= c->r.end)
		return aw_fail(&c->r, AW_EMALFORMED, "unexpected end");
	b = *c->r.p;
	tmp->np = tmp->nr = 0;
	tmp->params = tmp->results = NULL;
	if (b == 0x40) {
		c->r.p++;
		return 0;
	}
	if (aw_is_valtype(b)) {
		c->r.p++;
		tmp->single[0] = b;
		tmp->nr = 1;
		return 0;
	}
	TRY(aw_read_s33(&c->r, &idx));
	if (idx < 0 || idx >= c->m->ntypes)
		return INVALID(c, "unknown type");
	tmp->params = c->m->types[idx].types;
	tmp->np = c->m->types[idx].nparams;
	tmp->results = tmp->params + tmp->np;
	tmp->nr = c->m->types[idx].nresults;
	return 0;
}

static int op_block(struct fctx *c, uint8_t op)
{
	struct ctl t = { 0 };
	uint8_t kind = op == 0x02 ? CTL_BLOCK : op == 0x03 ? CTL_LOOP : CTL_IF;
	uint32_t site = UINT32_MAX;

	TRY(read_blocktype(c, &t));
	if (kind == CTL_IF) {
		uint32_t cond;
		TRY(v_pop(c, AW_I32, NULL, &cond));
		cg_flush(c);
		if (!c->dead) {
			uint32_t op, a, b;
			if (cg_fuse_cond(c, cond, &op, &a, &b)) {
				cg_op(c, op + OP_BR_UNLESS_CMP - OP_BR_IF_CMP);
				cg_slot(c, a);
				cg_slot(c, b);
			} else {
				cg_op(c, OP_BR_UNLESS);
				cg_slot(c, cond);
			}
			site = c->nbuf;
			cg_word(c, 0);
		}
	} else {
		cg_flush(c);
	}
	TRY(pop_n(c, t.params, t.np));
	TRY(push_ctl(c, kind, t.params, t.np, t.results, t.nr));
	c->ctls[c->nctl - 1].else_site = site;
	c->ctls[c->nctl - 1].single[0] = t.single[0];
	/* the loop head is the JIT's marker (a no-op when not translated);
	 * backward branches are the safe points that spend fuel */
	c->ctls[c->nctl - 1].loop = UINT32_MAX;
	if (kind == CTL_LOOP) {
		c->ctls[c->nctl - 1].loop = cg_loop_begin(c);
		c->ctls[c->nctl - 1].start_pc = cg_here(c);
	}
	return 0;
}

static int op_else(struct fctx *c)
{
	struct ctl *b = &c->ctls[c->nctl - 1];

	if (b->kind != CTL_IF)
		return INVALID(c, "else without if");
	cg_flush(c);
	TRY(check_results(c, b));
	cg_forward(c, OP_BR); /* then-branch jumps over the else-branch */
	c->dead = b->dead;
	cg_patch_at(c, b->else_site);
	b->else_site = UINT32_MAX;
	b->kind = CTL_ELSE;
	b->unreachable = false;
	return push_n(c, b->params, b->np);
}

static int op_end(struct fctx *c)
{
	struct ctl *b = &c->ctls[c->nctl - 1];
	struct ctl saved;

	cg_flush(c);
	TRY(check_results(c, b));
	if (b->kind == CTL_IF) {
		/* no else: the implicit else passes the params through */
		if (b->np != b->nr || (b->np && memcmp(b->params, res(b), b->np)))
			return INVALID(c, "type mismatch: if without else");
	}
	c->dead = b->dead;
	if (b->kind != CTL_LOOP)
		cg_patch_block(c, b);
	else
		cg_loop_end(c, b->loop);
	if (b->kind == CTL_IF)
		cg_patch_at(c, b->else_site);
	saved = *b;
	c->nctl--;
	if (c->nctl == 0) {
		/* reached by falling through or by branches to the function's
		 * label: either way the results are in the first stack slots */
		cg_return(c, 0, slots_of(res(&saved), saved.nr));
		cg_loop_end(c, saved.loop);
		return 0;
	}
	c->dead = saved.dead || c->ctls[c->nctl - 1].unreachable;
	/* results pushed from the copy: the frame slot may be reused */
	for (uint32_t i = 0; i < saved.nr; i++)
		TRY(push(c, res(&saved)[i]));
	return 0;
}

static int label(struct fctx *c, uint32_t depth, struct ctl **b)
{
	if (depth >= c->nctl)
		return INVALID(c, "unknown label %u", depth);
	*b = &c->ctls[c->nctl - 1 - depth];
	return 0;
}

static void label_types(struct ctl *b, const uint8_t **t, uint32_t *n)
{
	if (b->kind == CTL_LOOP) {
		*t = b->params;
		*n = b->np;
	} else {
		*t = res(b);
		*n = b->nr;
	}
}

static int op_br(struct fctx *c, uint8_t op)
{
	uint32_t depth, n;
	const uint8_t *t;
	struct ctl *b = NULL;

	TRY(aw_read_u32(&c->r, &depth));
	TRY(label(c, depth, &b));
	label_types(b, &t, &n);
	if (op == 0x0d) {
		uint32_t cond;
		TRY(v_pop(c, AW_I32, NULL, &cond));
		cg_flush(c);
		TRY(pop_n(c, t, n));
		TRY(push_n(c, t, n));
		cg_branch(c, depth, cond);
		return 0;
	}
	cg_flush(c);
	if (c->nvals < n + c->ctls[c->nctl - 1].height && !c->ctls[c->nctl - 1].unreachable)
		return INVALID(c, "type mismatch: operand stack underflow");
	cg_branch(c, depth, UINT32_MAX); /* needs the height before the pops */
	TRY(pop_n(c, t, n));
	set_unreachable(c);
	return 0;
}

static int op_br_table(struct fctx *c)
{
	uint32_t n, def, arity;
	const uint8_t *t;
	struct ctl *b = NULL;
	const uint8_t *start;

	uint32_t idx;

	TRY(aw_read_u32(&c->r, &n));
	if (n > (uint32_t)(c->r.end - c->r.p))
		return aw_fail(&c->r, AW_EMALFORMED, "unexpected end");
	TRY(v_pop(c, AW_I32, NULL, &idx));
	cg_flush(c);
	start = c->r.p;
	for (uint32_t i = 0; i < n; i++)
		TRY(aw_read_u32(&c->r, &def));
	TRY(aw_read_u32(&c->r, &def));
	TRY(label(c, def, &b));
	label_types(b, &t, &arity);
	cg_op(c, OP_BR_TABLE);
	cg_slot(c, idx);
	cg_word(c, n);
	/* each target must accept the operands; check against a copy per label */
	c->r.p = start;
	for (uint32_t i = 0; i <= n; i++) {
		uint32_t d, na, save = c->nvals, save_stop = c->stop;
		const uint8_t *ta;
		uint8_t got[64];
		TRY(aw_read_u32(&c->r, &d));
		TRY(label(c, d, &b));
		label_types(b, &ta, &na);
		if (na != arity)
			return INVALID(c, "type mismatch: br_table arity");
		if (na > sizeof(got))
			return INVALID(c, "br_table arity too large");
		for (uint32_t k = na; k-- > 0;)
			TRY(pop(c, ta[k], &got[k]));
		c->nvals = save;
		c->stop = save_stop;
		if (!c->dead && c->nvals < na + c->ctls[c->nctl - 1].height)
			return INVALID(c, "type mismatch: operand stack underflow");
		cg_branch_entry(c, d);
	}
	set_unreachable(c);
	return 0;
}

static int op_call(struct fctx *c, uint8_t op)
{
	uint32_t idx, table = 0, elem = 0;
	const struct aw_functype *t;

	TRY(aw_read_u32(&c->r, &idx));
	if (op == 0x10) {
		if (idx >= c->m->nfuncs)
			return INVALID(c, "unknown function %u", idx);
		t = &c->m->types[c->m->functypes[idx]];
	} else {
		TRY(aw_read_u32(&c->r, &table));
		if (table >= c->m->ntables)
			return INVALID(c, "unknown table %u", table);
		if (c->m->tables[table].elem != AW_FUNCREF)
			return INVALID(c, "type mismatch: call_indirect on a non-funcref table");
		if (idx >= c->m->ntypes)
			return INVALID(c, "unknown type %u", idx);
		t = &c->m->types[idx];
		TRY(v_pop(c, AW_I32, NULL, &elem));
	}
	cg_flush(c); /* the arguments must be in place for the callee's frame */
	TRY(pop_n(c, t->types, t->nparams));
	cg_op(c, op == 0x10 ? OP_CALL : OP_CALL_INDIRECT);
	cg_word(c, idx);
	if (op == 0x11) {
		cg_word(c, table);
		cg_slot(c, elem);
	}
	cg_slot(c, TEMP(c->stop));
	cg_here(c); /* several results: no result slot to retarget */
	return push_n(c, t->types + t->nparams, t->nresults);
}

static int op_return(struct fctx *c)
{
	uint32_t nr = c->ft->nresults;

	cg_flush(c);
	if (!c->dead && c->nvals < nr + c->ctls[c->nctl - 1].height)
		return INVALID(c, "type mismatch: operand stack underflow");
	if (!c->dead) {
		uint32_t ns = slots_of(c->ft->types + c->ft->nparams, nr);
		cg_return(c, c->stop - ns, ns);
	}
	TRY(pop_n(c, c->ft->types + c->ft->nparams, nr));
	set_unreachable(c);
	return 0;
}

static int op_select(struct fctx *c, uint8_t op)
{
	uint8_t t1, t2, want = AW_TYPE_ANY;
	uint32_t lc, l1, l2;

	if (op == 0x1c) {
		uint32_t n;
		TRY(aw_read_u32(&c->r, &n));
		if (n != 1)
			return INVALID(c, "invalid result arity for select");
		TRY(aw_read_u8(&c->r, &want));
		if (!aw_is_valtype(want))
			return aw_fail(&c->r, AW_EMALFORMED, "malformed value type");
	}
	TRY(v_pop(c, AW_I32, NULL, &lc));
	TRY(v_pop(c, want, &t1, &l1));
	TRY(v_pop(c, want, &t2, &l2));
	if (op == 0x1b) {
		if (aw_is_reftype(t1) || aw_is_reftype(t2))
			return INVALID(c, "type mismatch: select needs a numeric type");
		if (t1 != t2 && t1 != AW_TYPE_ANY && t2 != AW_TYPE_ANY)
			return INVALID(c, "type mismatch in select");
		if (t1 == AW_TYPE_ANY)
			t1 = t2;
	}
	if (t1 != AW_V128 && !c->dead) {
		/* the condition was computed just before by an i32 compare or
		 * (x ^ y) & imm: one instruction */
		uint32_t w[5], n = cg_take_last(c, lc, w, 5, false);
		bool cmp = n == 4 && w[0] >= 0x46 && w[0] <= 0x4f;
		if (cmp || (n == 5 && w[0] == OP_XOR_ANDI)) {
			cg_take_last(c, lc, w, 5, true);
			cg_op(c, cmp ? OP_SELECT_CMP + (w[0] - 0x46) : OP_SELECT_XAI);
			cg_dst(c, c->stop);
			cg_slot(c, l2);
			cg_slot(c, l1);
			cg_slot(c, w[2]);
			cg_slot(c, w[3]);
			if (!cmp)
				cg_word(c, w[4]);
			cg_end(c);
			return push(c, t1);
		}
	}
	cg_op(c, t1 == AW_V128 ? OP_SELECT2 : OP_SELECT);
	cg_dst(c, c->stop);
	cg_slot(c, l2);
	cg_slot(c, l1);
	cg_slot(c, lc);
	cg_end(c);
	return push(c, t1);
}

static int op_local(struct fctx *c, uint8_t op)
{
	uint32_t idx, before, before_stop;
	uint8_t t;

	TRY(aw_read_u32(&c->r, &idx));
	if (idx >= c->code->nlocals)
		return INVALID(c, "unknown local %u", idx);
	t = c->locals[idx];
	if (op == 0x20)
		return v_push_at(c, t, c->lslot[idx]);
	before = c->nvals;
	before_stop = c->stop;
	TRY(pop(c, t, NULL));
	if (c->nvals < before) {
		/* a real value: compile the store, keep the tee's result */
		c->nvals = before;
		c->stop = before_stop;
		cg_local_set(c, c->lslot[idx], op == 0x22);
		if (op == 0x21) {
			c->nvals--;
			c->stop = c->sh[c->nvals];
		}
		return 0;
	}
	return op == 0x22 ? push(c, t) : 0;
}

static int op_global(struct fctx *c, uint8_t op)
{
	uint32_t idx, loc;
	const struct aw_globaltype *g;

	TRY(aw_read_u32(&c->r, &idx));
	if (idx >= c->m->nglobals)
		return INVALID(c, "unknown global %u", idx);
	g = &c->m->globals[idx];
	if (op == 0x23) {
		cg_op(c, g->type == AW_V128 ? OP_GLOBAL_GET2 : OP_GLOBAL_GET);
		cg_dst(c, c->stop);
		cg_word(c, idx);
		cg_end(c);
		return push(c, g->type);
	}
	if (!g->mut)
		return INVALID(c, "global is immutable");
	TRY(v_pop(c, g->type, NULL, &loc));
	cg_op(c, g->type == AW_V128 ? OP_GLOBAL_SET2 : OP_GLOBAL_SET);
	cg_slot(c, loc);
	cg_word(c, idx);
	return 0;
}

static int instr(struct fctx *c, uint8_t op)
{
	switch (op) {
	case 0x00:
		cg_op(c, OP_UNREACHABLE);
		cg_here(c);
		set_unreachable(c);
		return 0;
	case 0x01: return 0;
	case 0x02: case 0x03: case 0x04: return op_block(c, op);
	case 0x05: return op_else(c);
	case 0x0b: return op_end(c);
	case 0x0c: case 0x0d: return op_br(c, op);
	case 0x0e: return op_br_table(c);
	case 0x0f: return op_return(c);
	case 0x10: case 0x11: return op_call(c, op);
	case 0x1a:
		return pop(c, AW_TYPE_ANY, NULL);
	case 0x1b: case 0x1c: return op_select(c, op);
	case 0x20: case 0x21: case 0x22: return op_local(c, op);
	case 0x23: case 0x24: return op_global(c, op);
	case 0x25: case 0x26: return op_table_getset(c, op);
	case 0x3f: case 0x40: return op_memsize(c, op);
	case 0x41: case 0x42: case 0x43: case 0x44: return op_const(c, op);
	case 0xd0: case 0xd1: case 0xd2: return op_ref(c, op);
	case 0xfc: return op_fc(c);
	case 0xfd: return op_simd(c);
	}
	if (op >= 0x28 && op <= 0x3e)
		return op_memarg(c, op);
	if (op >= 0x45 && op <= 0xc4)
		return op_numeric(c, op);
	return aw_fail(&c->r, AW_EMALFORMED, "illegal opcode 0x%02x", op);
}

static int run(struct fctx *c)
{
	const struct aw_functype *ft = c->ft;

	TRY(push_ctl(c, CTL_FUNC, NULL, 0, ft->types + ft->nparams, ft->nresults));
	/* test mode of the JIT: the whole body is a region too */
	c->ctls[0].loop = aw_jit_mode == 2 ? cg_loop_begin(c) : UINT32_MAX;
	while (c->nctl > 0) {
		uint8_t op;
		TRY(aw_read_u8(&c->r, &op));
		TRY(instr(c, op));
		if (c->oom)
			return aw_fail(&c->r, AW_ENOMEM, "out of memory");
	}
	if (c->r.p != c->r.end)
		return aw_fail(&c->r, AW_EMALFORMED, "section size mismatch: junk after end of function");
	return 0;
}

/* Check and compile one function.  The scratch arrays in c (operand and
 * control stacks, patch and relocation lists) are reused across the
 * functions of a module; code and constants are handed to the function. */
static int validate_one(struct fctx *c, struct aw_module *m, uint32_t idx, struct aw_error *err)
{
	struct aw_code *code = &m->codes[idx];
	int rc;

	c->m = m;
	c->code = code;
	c->ft = &m->types[code->type];
	c->nvals = c->max_height = c->nctl = c->nbuf = c->npatch = c->stop = 0;
	c->nconsts = c->nrelocs = c->nloops = c->nstarts = c->ntargets = 0;
	c->capbuf = c->capconsts = c->caploops = 0;
	c->buf = NULL;
	c->consts = NULL;
	c->loops = NULL;
	c->dead = c->oom = false;
	/* nothing of the previous function may be looked back at */
	c->last_end = c->last_op = c->prev_op = c->last_dst = UINT32_MAX;
	c->last_target = 0;
	c->r.base = m->bytes;
	c->r.p = m->bytes + code->body_off;
	c->r.end = c->r.p + code->body_len;
	c->r.section = "code";
	c->r.err = err;
	c->r.modname = m->name;
	c->locals = malloc(code->nlocals + 1);
	c->lslot = malloc((code->nlocals + 1) * sizeof(uint32_t));
	if (!c->locals || !c->lslot) {
		free(c->locals);
		free(c->lslot);
		c->locals = NULL;
		c->lslot = NULL;
		return aw_fail(&c->r, AW_ENOMEM, "out of memory");
	}
	memcpy(c->locals, c->ft->types, c->ft->nparams);
	memcpy(c->locals + c->ft->nparams, code->local_types, code->nlocals - c->ft->nparams);
	code->local_slots = 0;
	for (uint32_t i = 0; i < code->nlocals; i++) {
		if (i == c->ft->nparams)
			code->param_slots = code->local_slots;
		c->lslot[i] = code->local_slots;
		code->local_slots += tslots(c->locals[i]);
	}
	if (code->nlocals == c->ft->nparams)
		code->param_slots = code->local_slots;
	rc = run(c);
	if (rc == 0) {
		if (cg_finish(c, code))
			rc = aw_fail(&c->r, AW_ENOMEM, "out of memory");
		else
			m->compiled_bytes += code->ncode * sizeof(uint32_t) +
					     code->nconsts * 2 * sizeof(uint64_t);
	}
	free(c->buf);
	free(c->consts);
	free(c->loops);
	c->loops = NULL;
	free(c->locals);
	free(c->lslot);
	c->buf = NULL;
	c->consts = NULL;
	c->locals = NULL;
	c->lslot = NULL;
	return rc;
}

int aw_validate_functions(struct aw_module *m, struct aw_error *err)
{
	struct fctx c;
	int rc = 0;

	memset(&c, 0, sizeof(c));
	for (uint32_t i = 0; i < m->nfuncs - m->nfuncs_imported && !rc; i++) {
		rc = validate_one(&c, m, i, err);
		m->code_bytes += m->codes[i].body_len;
	}
	free(c.relocs);
	free(c.locs);
	free(c.sh);
	free(c.vals);
	free(c.ctls);
	free(c.patches);
	free(c.starts);
	free(c.targets);
	return rc;
}
