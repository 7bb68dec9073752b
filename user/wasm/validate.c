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

#define TRY(x) do { int rc_ = (x); if (rc_) return rc_; } while (0)
#define INVALID(c, ...) aw_fail(&(c)->r, AW_EINVALID, __VA_ARGS__)
#define MAX_CTL 10000
#define MAX_VALS 100000

static int push(struct fctx *c, uint8_t t)
{
	if (c->nvals == c->capvals) {
		uint32_t cap = c->capvals ? c->capvals * 2 : 64;
		uint8_t *nv;
		if (cap > MAX_VALS)
			return INVALID(c, "operand stack too deep");
		nv = realloc(c->vals, cap);
		if (!nv)
			return aw_fail(&c->r, AW_ENOMEM, "out of memory");
		c->vals = nv;
		c->capvals = cap;
	}
	c->vals[c->nvals++] = t;
	if (c->nvals > c->max_height)
		c->max_height = c->nvals;
	return 0;
}

static int pop(struct fctx *c, uint8_t want, uint8_t *got)
{
	struct ctl *b = &c->ctls[c->nctl - 1];
	uint8_t t;

	if (c->nvals == b->height) {
		if (!b->unreachable)
			return INVALID(c, "type mismatch: operand stack underflow");
		t = AW_TYPE_ANY;
	} else {
		t = c->vals[--c->nvals];
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
	b->dead = c->dead;
	b->else_site = UINT32_MAX;
	b->patch_base = c->npatch;
	return push_n(c, params, np);
}

/* a one-value block type is stored in the frame itself (results == NULL) */
static const uint8_t *res(const struct ctl *b)
{
	return b->nr == 1 && !b->results ? b->single : b->results;
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
		TRY(pop(c, AW_I32, NULL));
		if (!c->dead) {
			cg_op(c, OP_BR_UNLESS);
			site = c->nbuf;
			cg_word(c, 0);
		}
	}
	TRY(pop_n(c, t.params, t.np));
	TRY(push_ctl(c, kind, t.params, t.np, t.results, t.nr));
	c->ctls[c->nctl - 1].else_site = site;
	c->ctls[c->nctl - 1].single[0] = t.single[0];
	if (kind == CTL_LOOP) {
		c->ctls[c->nctl - 1].start_pc = cg_here(c);
		cg_op(c, OP_LOOP_CHECK);
	}
	return 0;
}

static int op_else(struct fctx *c)
{
	struct ctl *b = &c->ctls[c->nctl - 1];

	if (b->kind != CTL_IF)
		return INVALID(c, "else without if");
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

	TRY(check_results(c, b));
	if (b->kind == CTL_IF) {
		/* no else: the implicit else passes the params through */
		if (b->np != b->nr || (b->np && memcmp(b->params, res(b), b->np)))
			return INVALID(c, "type mismatch: if without else");
	}
	c->dead = b->dead;
	if (b->kind != CTL_LOOP)
		cg_patch_block(c, b);
	if (b->kind == CTL_IF)
		cg_patch_at(c, b->else_site);
	saved = *b;
	c->nctl--;
	if (c->nctl == 0) {
		cg_op(c, OP_RETURN);
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
		TRY(pop(c, AW_I32, NULL));
		TRY(pop_n(c, t, n));
		TRY(push_n(c, t, n));
		cg_branch(c, depth, true);
		return 0;
	}
	cg_branch(c, depth, false); /* needs the height before the pops */
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

	TRY(aw_read_u32(&c->r, &n));
	if (n > (uint32_t)(c->r.end - c->r.p))
		return aw_fail(&c->r, AW_EMALFORMED, "unexpected end");
	TRY(pop(c, AW_I32, NULL));
	start = c->r.p;
	for (uint32_t i = 0; i < n; i++)
		TRY(aw_read_u32(&c->r, &def));
	TRY(aw_read_u32(&c->r, &def));
	TRY(label(c, def, &b));
	label_types(b, &t, &arity);
	cg_op1(c, OP_BR_TABLE, n);
	/* each target must accept the operands; check against a copy per label */
	c->r.p = start;
	for (uint32_t i = 0; i <= n; i++) {
		uint32_t d, na, save = c->nvals;
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
		if (!c->dead)
			cg_branch_entry(c, d);
	}
	set_unreachable(c);
	return 0;
}

static int op_call(struct fctx *c, uint8_t op)
{
	uint32_t idx, table = 0;
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
		TRY(pop(c, AW_I32, NULL));
	}
	TRY(pop_n(c, t->types, t->nparams));
	TRY(push_n(c, t->types + t->nparams, t->nresults));
	cg_op1(c, op == 0x10 ? OP_CALL : OP_CALL_INDIRECT, idx);
	if (op == 0x11)
		cg_word(c, table);
	return 0;
}

static int op_return(struct fctx *c)
{
	TRY(pop_n(c, c->ft->types + c->ft->nparams, c->ft->nresults));
	cg_op(c, OP_RETURN);
	set_unreachable(c);
	return 0;
}

static int op_select(struct fctx *c, uint8_t op)
{
	uint8_t t1, t2, want = AW_TYPE_ANY;

	if (op == 0x1c) {
		uint32_t n;
		TRY(aw_read_u32(&c->r, &n));
		if (n != 1)
			return INVALID(c, "invalid result arity for select");
		TRY(aw_read_u8(&c->r, &want));
		if (!aw_is_valtype(want))
			return aw_fail(&c->r, AW_EMALFORMED, "malformed value type");
	}
	TRY(pop(c, AW_I32, NULL));
	TRY(pop(c, want, &t1));
	TRY(pop(c, want, &t2));
	if (op == 0x1b) {
		if (aw_is_reftype(t1) || aw_is_reftype(t2))
			return INVALID(c, "type mismatch: select needs a numeric type");
		if (t1 != t2 && t1 != AW_TYPE_ANY && t2 != AW_TYPE_ANY)
			return INVALID(c, "type mismatch in select");
		if (t1 == AW_TYPE_ANY)
			t1 = t2;
	}
	cg_op(c, OP_SELECT);
	return push(c, t1);
}

static int op_local(struct fctx *c, uint8_t op)
{
	uint32_t idx;
	uint8_t t;

	TRY(aw_read_u32(&c->r, &idx));
	if (idx >= c->code->nlocals)
		return INVALID(c, "unknown local %u", idx);
	t = c->locals[idx];
	if (op == 0x20) {
		cg_local_get(c, idx);
		return push(c, t);
	}
	TRY(pop(c, t, NULL));
	cg_op1(c, op, idx);
	return op == 0x22 ? push(c, t) : 0;
}

static int op_global(struct fctx *c, uint8_t op)
{
	uint32_t idx;
	const struct aw_globaltype *g;

	TRY(aw_read_u32(&c->r, &idx));
	if (idx >= c->m->nglobals)
		return INVALID(c, "unknown global %u", idx);
	g = &c->m->globals[idx];
	cg_op1(c, op, idx);
	if (op == 0x23)
		return push(c, g->type);
	if (!g->mut)
		return INVALID(c, "global is immutable");
	return pop(c, g->type, NULL);
}

static int need_table(struct fctx *c, uint32_t idx)
{
	if (idx >= c->m->ntables)
		return INVALID(c, "unknown table %u", idx);
	return 0;
}

static int need_memory(struct fctx *c)
{
	if (c->m->nmems == 0)
		return INVALID(c, "unknown memory 0");
	return 0;
}

static int zero_byte(struct fctx *c)
{
	uint8_t b;

	TRY(aw_read_u8(&c->r, &b));
	if (b != 0)
		return aw_fail(&c->r, AW_EMALFORMED, "zero byte expected");
	return 0;
}

/* natural alignment (log2) and types of loads 0x28..0x35 and stores 0x36..0x3e */
static const uint8_t mem_align[] = { 2, 3, 2, 3, 0, 0, 1, 1, 0, 0, 1, 1, 2, 2,
				     2, 3, 2, 3, 0, 1, 0, 1, 2 };
static const uint8_t mem_type[] = { AW_I32, AW_I64, AW_F32, AW_F64, AW_I32, AW_I32, AW_I32,
				    AW_I32, AW_I64, AW_I64, AW_I64, AW_I64, AW_I64, AW_I64,
				    AW_I32, AW_I64, AW_F32, AW_F64, AW_I32, AW_I32, AW_I64,
				    AW_I64, AW_I64 };

static int op_memarg(struct fctx *c, uint8_t op)
{
	uint32_t align, offset;
	uint8_t t = mem_type[op - 0x28];

	TRY(aw_read_u32(&c->r, &align));
	TRY(aw_read_u32(&c->r, &offset));
	TRY(need_memory(c));
	if (align > mem_align[op - 0x28])
		return INVALID(c, "alignment must not be larger than natural");
	if (op <= 0x35) {
		TRY(pop(c, AW_I32, NULL));
		TRY(push(c, t));
	} else {
		TRY(pop(c, t, NULL));
		TRY(pop(c, AW_I32, NULL));
	}
	cg_op1(c, op, offset);
	return 0;
}

/* operand and result types of numeric opcodes 0x45..0xc4, as "args>result" */
static const char *numeric_sig(uint8_t op)
{
	if (op == 0x45) return "i>i";
	if (op <= 0x4f) return "ii>i";
	if (op == 0x50) return "I>i";
	if (op <= 0x5a) return "II>i";
	if (op <= 0x60) return "ff>i";
	if (op <= 0x66) return "FF>i";
	if (op <= 0x69) return "i>i";
	if (op <= 0x78) return "ii>i";
	if (op <= 0x7b) return "I>I";
	if (op <= 0x8a) return "II>I";
	if (op <= 0x91) return "f>f";
	if (op <= 0x98) return "ff>f";
	if (op <= 0x9f) return "F>F";
	if (op <= 0xa6) return "FF>F";
	switch (op) {
	case 0xa7: return "I>i";
	case 0xa8: case 0xa9: return "f>i";
	case 0xaa: case 0xab: return "F>i";
	case 0xac: case 0xad: return "i>I";
	case 0xae: case 0xaf: return "f>I";
	case 0xb0: case 0xb1: return "F>I";
	case 0xb2: case 0xb3: return "i>f";
	case 0xb4: case 0xb5: return "I>f";
	case 0xb6: return "F>f";
	case 0xb7: case 0xb8: return "i>F";
	case 0xb9: case 0xba: return "I>F";
	case 0xbb: return "f>F";
	case 0xbc: return "f>i";
	case 0xbd: return "F>I";
	case 0xbe: return "i>f";
	case 0xbf: return "I>F";
	case 0xc0: case 0xc1: return "i>i";
	}
	return "I>I"; /* 0xc2..0xc4 */
}

static uint8_t sig_type(char ch)
{
	switch (ch) {
	case 'i': return AW_I32;
	case 'I': return AW_I64;
	case 'f': return AW_F32;
	case 'F': return AW_F64;
	case 'e': return AW_EXTERNREF;
	case 'r': return AW_FUNCREF;
	}
	return AW_TYPE_ANY;
}

static int check_sig(struct fctx *c, const char *sig)
{
	const char *gt = strchr(sig, '>');

	for (const char *p = gt; p-- > sig;)
		TRY(pop(c, sig_type(*p), NULL));
	for (const char *p = gt + 1; *p; p++)
		TRY(push(c, sig_type(*p)));
	return 0;
}

static int op_fc_table(struct fctx *c, uint32_t sub)
{
	uint32_t a, b;

	switch (sub) {
	case 12: /* table.init elem table */
		TRY(aw_read_u32(&c->r, &a));
		TRY(aw_read_u32(&c->r, &b));
		TRY(need_table(c, b));
		if (a >= c->m->nelems)
			return INVALID(c, "unknown elem segment %u", a);
		if (c->m->elems[a].type != c->m->tables[b].elem)
			return INVALID(c, "type mismatch in table.init");
		TRY(check_sig(c, "iii>"));
		cg_op1(c, OP_FC_BASE + sub, a);
		cg_word(c, b);
		return 0;
	case 13: /* elem.drop */
		TRY(aw_read_u32(&c->r, &a));
		if (a >= c->m->nelems)
			return INVALID(c, "unknown elem segment %u", a);
		cg_op1(c, OP_FC_BASE + sub, a);
		return 0;
	case 14: /* table.copy dst src */
		TRY(aw_read_u32(&c->r, &a));
		TRY(aw_read_u32(&c->r, &b));
		TRY(need_table(c, a));
		TRY(need_table(c, b));
		if (c->m->tables[a].elem != c->m->tables[b].elem)
			return INVALID(c, "type mismatch in table.copy");
		TRY(check_sig(c, "iii>"));
		cg_op1(c, OP_FC_BASE + sub, a);
		cg_word(c, b);
		return 0;
	}
	/* 15 grow, 16 size, 17 fill */
	TRY(aw_read_u32(&c->r, &a));
	TRY(need_table(c, a));
	{
		uint8_t et = c->m->tables[a].elem;
		if (sub == 15) {
			TRY(pop(c, AW_I32, NULL));
			TRY(pop(c, et, NULL));
			TRY(push(c, AW_I32));
		} else if (sub == 16) {
			TRY(push(c, AW_I32));
		} else {
			TRY(pop(c, AW_I32, NULL));
			TRY(pop(c, et, NULL));
			TRY(pop(c, AW_I32, NULL));
		}
	}
	cg_op1(c, OP_FC_BASE + sub, a);
	return 0;
}

static int op_fc(struct fctx *c)
{
	static const char *const sat[] = { "f>i", "f>i", "F>i", "F>i", "f>I", "f>I", "F>I", "F>I" };
	uint32_t sub, idx;

	TRY(aw_read_u32(&c->r, &sub));
	if (sub <= 7) {
		TRY(check_sig(c, sat[sub]));
		cg_op(c, OP_FC_BASE + sub);
		return 0;
	}
	switch (sub) {
	case 8: /* memory.init data 0 */
	case 9: /* data.drop data */
		TRY(aw_read_u32(&c->r, &idx));
		if (sub == 8)
			TRY(zero_byte(c));
		if (!c->m->has_datacount)
			return aw_fail(&c->r, AW_EMALFORMED, "data count section required");
		if (sub == 8)
			TRY(need_memory(c));
		if (idx >= c->m->datacount)
			return INVALID(c, "unknown data segment %u", idx);
		if (sub == 8)
			TRY(check_sig(c, "iii>"));
		cg_op1(c, OP_FC_BASE + sub, idx);
		return 0;
	case 10: /* memory.copy 0 0 */
		TRY(zero_byte(c));
		TRY(zero_byte(c));
		TRY(need_memory(c));
		TRY(check_sig(c, "iii>"));
		cg_op(c, OP_FC_BASE + sub);
		return 0;
	case 11: /* memory.fill 0 */
		TRY(zero_byte(c));
		TRY(need_memory(c));
		TRY(check_sig(c, "iii>"));
		cg_op(c, OP_FC_BASE + sub);
		return 0;
	}
	if (sub <= 17)
		return op_fc_table(c, sub);
	return aw_fail(&c->r, AW_EMALFORMED, "illegal opcode 0xfc %u", sub);
}

static int op_const(struct fctx *c, uint8_t op)
{
	switch (op) {
	case 0x41: {
		int32_t v;
		TRY(aw_read_s32(&c->r, &v));
		cg_op1(c, OP_I32_CONST, (uint32_t)v);
		return push(c, AW_I32);
	}
	case 0x42: {
		int64_t v;
		TRY(aw_read_s64(&c->r, &v));
		cg_op1(c, OP_I64_CONST, (uint32_t)v);
		cg_word(c, (uint32_t)((uint64_t)v >> 32));
		return push(c, AW_I64);
	}
	case 0x43: {
		uint32_t v;
		TRY(aw_read_bytes(&c->r, &v, 4));
		cg_op1(c, OP_F32_CONST, v);
		return push(c, AW_F32);
	}
	default: {
		uint64_t v;
		TRY(aw_read_bytes(&c->r, &v, 8));
		cg_op1(c, OP_F64_CONST, (uint32_t)v);
		cg_word(c, (uint32_t)(v >> 32));
		return push(c, AW_F64);
	}
	}
}

static int op_ref(struct fctx *c, uint8_t op)
{
	uint32_t idx;
	uint8_t t;

	switch (op) {
	case 0xd0:
		TRY(aw_read_u8(&c->r, &t));
		if (!aw_is_reftype(t))
			return aw_fail(&c->r, AW_EMALFORMED, "malformed reference type");
		cg_op(c, OP_REF_NULL);
		return push(c, t);
	case 0xd1:
		TRY(pop(c, AW_TYPE_ANY, &t));
		if (t != AW_TYPE_ANY && !aw_is_reftype(t))
			return INVALID(c, "type mismatch: ref.is_null needs a reference");
		cg_op(c, OP_REF_IS_NULL);
		return push(c, AW_I32);
	default:
		TRY(aw_read_u32(&c->r, &idx));
		if (idx >= c->m->nfuncs)
			return INVALID(c, "unknown function %u", idx);
		if (!c->m->func_declared[idx])
			return INVALID(c, "undeclared function reference");
		cg_op1(c, OP_REF_FUNC, idx);
		return push(c, AW_FUNCREF);
	}
}

static int op_table_getset(struct fctx *c, uint8_t op)
{
	uint32_t idx;

	TRY(aw_read_u32(&c->r, &idx));
	TRY(need_table(c, idx));
	if (op == 0x25) {
		TRY(pop(c, AW_I32, NULL));
		TRY(push(c, c->m->tables[idx].elem));
	} else {
		TRY(pop(c, c->m->tables[idx].elem, NULL));
		TRY(pop(c, AW_I32, NULL));
	}
	cg_op1(c, op, idx);
	return 0;
}

static int op_memsize(struct fctx *c, uint8_t op)
{
	TRY(zero_byte(c));
	TRY(need_memory(c));
	TRY(check_sig(c, op == 0x3f ? ">i" : "i>i"));
	cg_op(c, op);
	return 0;
}

static int instr(struct fctx *c, uint8_t op)
{
	switch (op) {
	case 0x00:
		cg_op(c, OP_UNREACHABLE);
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
		TRY(pop(c, AW_TYPE_ANY, NULL));
		cg_op(c, OP_DROP);
		return 0;
	case 0x1b: case 0x1c: return op_select(c, op);
	case 0x20: case 0x21: case 0x22: return op_local(c, op);
	case 0x23: case 0x24: return op_global(c, op);
	case 0x25: case 0x26: return op_table_getset(c, op);
	case 0x3f: case 0x40: return op_memsize(c, op);
	case 0x41: case 0x42: case 0x43: case 0x44: return op_const(c, op);
	case 0xd0: case 0xd1: case 0xd2: return op_ref(c, op);
	case 0xfc: return op_fc(c);
	}
	if (op >= 0x28 && op <= 0x3e)
		return op_memarg(c, op);
	if (op >= 0x45 && op <= 0xc4) {
		TRY(check_sig(c, numeric_sig(op)));
		cg_op(c, op);
		return 0;
	}
	return aw_fail(&c->r, AW_EMALFORMED, "illegal opcode 0x%02x", op);
}

static int run(struct fctx *c)
{
	const struct aw_functype *ft = c->ft;

	TRY(push_ctl(c, CTL_FUNC, NULL, 0, ft->types + ft->nparams, ft->nresults));
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

int aw_validate_code(struct aw_module *m, uint32_t idx, struct aw_error *err)
{
	struct aw_code *code = &m->codes[idx];
	struct fctx c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.m = m;
	c.code = code;
	c.ft = &m->types[code->type];
	c.last_op_pc = UINT32_MAX;
	c.r.base = m->bytes;
	c.r.p = m->bytes + code->body_off;
	c.r.end = c.r.p + code->body_len;
	c.r.section = "code";
	c.r.err = err;
	c.r.modname = m->name;
	c.locals = malloc(code->nlocals + 1);
	if (!c.locals)
		return aw_fail(&c.r, AW_ENOMEM, "out of memory");
	memcpy(c.locals, c.ft->types, c.ft->nparams);
	memcpy(c.locals + c.ft->nparams, code->local_types, code->nlocals - c.ft->nparams);
	rc = run(&c);
	if (rc == 0) {
		code->code = c.buf;
		code->ncode = c.nbuf;
		code->max_stack = c.max_height + 1;
		m->compiled_bytes += c.nbuf * sizeof(uint32_t);
		c.buf = NULL;
	}
	free(c.buf);
	free(c.vals);
	free(c.ctls);
	free(c.patches);
	free(c.locals);
	return rc;
}
