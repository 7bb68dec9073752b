/*
 * Validation and emission of the instructions that are not control flow:
 * memory access, numeric operators, constants, references, tables and the
 * 0xFC bulk-memory and saturating-conversion group.  Most go through emit(),
 * which pops the operands by type, emits "op [dst] srcs... [immediates]"
 * and pushes the result.
 */
#include <string.h>
#include "compile.h"
#include "ops.h"

#define pop(c, want, got) v_pop(c, want, got, NULL)
#define push v_push

static int emit(struct fctx *c, uint32_t op, const uint8_t *in, int nin, uint8_t out,
		int nimm, uint32_t imm0, uint32_t imm1);

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

int zero_byte(struct fctx *c)
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

int op_memarg(struct fctx *c, uint8_t op)
{
	uint32_t align, offset;
	uint8_t t = mem_type[op - 0x28];

	TRY(aw_read_u32(&c->r, &align));
	TRY(aw_read_u32(&c->r, &offset));
	TRY(need_memory(c));
	if (align > mem_align[op - 0x28])
		return INVALID(c, "alignment must not be larger than natural");
	if (op <= 0x35) {
		uint32_t addr, x, y;
		TRY(v_pop(c, AW_I32, NULL, &addr));
		if (cg_fuse_add(c, addr, &x, &y)) {
			/* the address was an i32.add just before: one instruction */
			cg_op(c, OP_LOAD_ADD + (op - 0x28));
			cg_dst(c, c->stop);
			cg_slot(c, x);
			cg_slot(c, y);
			cg_word(c, offset);
			cg_end(c);
			return v_push(c, t);
		}
		TRY(v_push_at(c, AW_I32, addr));
		return emit(c, op, (const uint8_t[]){ AW_I32 }, 1, t, 1, offset, 0);
	} else {
		uint32_t addr, val, x, y;
		TRY(v_pop(c, t, NULL, &val));
		TRY(v_pop(c, AW_I32, NULL, &addr));
		if (cg_fuse_add(c, addr, &x, &y)) {
			cg_op(c, OP_STORE_ADD + (op - 0x36));
			cg_slot(c, x);
			cg_slot(c, y);
			cg_slot(c, val);
			cg_word(c, offset);
			return 0;
		}
		TRY(v_push_at(c, AW_I32, addr));
		TRY(v_push_at(c, t, val));
		return emit(c, op, (const uint8_t[]){ AW_I32, t }, 2, 0, 1, offset, 0);
	}
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

/* Pop operands of types in[0..nin) (top last), emit op [dst] srcs imm...,
 * push the result of type out (0: none). */
static int emit(struct fctx *c, uint32_t op, const uint8_t *in, int nin, uint8_t out,
		int nimm, uint32_t imm0, uint32_t imm1)
{
	uint32_t locs[4];

	for (int k = nin; k-- > 0;)
		TRY(v_pop(c, in[k], NULL, &locs[k]));
	cg_op(c, op);
	if (out)
		cg_dst(c, c->stop);
	for (int k = 0; k < nin; k++)
		cg_slot(c, locs[k]);
	if (nimm > 0)
		cg_word(c, imm0);
	if (nimm > 1)
		cg_word(c, imm1);
	if (!out)
		return 0;
	cg_end(c);
	return v_push(c, out);
}

/* emit() with the types given as "args>result" (see sig_type) */
static int emit_sig(struct fctx *c, uint32_t op, const char *sig, int nimm, uint32_t imm0,
		    uint32_t imm1)
{
	uint8_t in[4];
	int nin = 0;
	const char *p = sig;

	for (; *p != '>'; p++)
		in[nin++] = sig_type(*p);
	return emit(c, op, in, nin, p[1] ? sig_type(p[1]) : 0, nimm, imm0, imm1);
}

static bool const_loc(struct fctx *c, uint32_t loc)
{
	return (loc & (SLOT_CONST | SLOT_TEMP)) == SLOT_CONST && (loc & SLOT_MASK) < c->nconsts;
}

/* Is loc the result of the instruction just emitted, a "op dst x y" with
 * slot operands?  Then that instruction is taken back and x, y returned. */
static bool fuse_prev(struct fctx *c, uint32_t loc, uint32_t op, uint32_t *x, uint32_t *y)
{
	uint32_t start;

	if (c->dead || c->last_end != c->nbuf || (loc & (SLOT_TEMP | SLOT_CONST)) != SLOT_TEMP ||
	    c->buf[c->last_dst] != loc)
		return false;
	start = c->last_dst - 1;
	if (start != c->last_op || c->buf[start] != op || c->nbuf != start + 4)
		return false;
	*x = c->buf[start + 2];
	*y = c->buf[start + 3];
	while (c->nrelocs && c->relocs[c->nrelocs - 1] >= start)
		c->nrelocs--;
	c->nbuf = start;
	c->last_end = UINT32_MAX;
	return true;
}

/* i32 add..rotr (no div/rem): a constant second operand (or first, if the
 * operation commutes) becomes an immediate word, one load less at run time */
static int emit_i32_bin(struct fctx *c, uint8_t op)
{
	uint32_t a, b;
	bool comm = op == 0x6a || op == 0x6c || (op >= 0x71 && op <= 0x73);

	uint32_t x, y;

	TRY(v_pop(c, AW_I32, NULL, &b));
	TRY(v_pop(c, AW_I32, NULL, &a));
	if (op == 0x6a && a != b &&
	    (fuse_prev(c, b, 0x6c, &x, &y) || (fuse_prev(c, a, 0x6c, &x, &y) && (a = b, true)))) {
		/* i32.mul; i32.add consuming its result: one multiply-add */
		cg_op(c, OP_MADD);
		cg_dst(c, c->stop);
		cg_slot(c, a);
		cg_slot(c, x);
		cg_slot(c, y);
		cg_end(c);
		return v_push(c, AW_I32);
	}
	if (!c->dead && (const_loc(c, b) || (comm && const_loc(c, a)))) {
		if (!const_loc(c, b)) {
			uint32_t t = a;
			a = b;
			b = t;
		}
		if ((op == 0x71 && fuse_prev(c, a, OP_I32_IMM + 0xc, &x, &y)) ||
		    (op == 0x73 && fuse_prev(c, a, OP_I32_IMM + 0x7, &x, &y))) {
			/* (x >> y) & imm, (x & y) ^ imm: y is an immediate */
			cg_op(c, op == 0x71 ? OP_SHR_ANDI : OP_ANDI_XORI);
			cg_dst(c, c->stop);
			cg_slot(c, x);
			cg_word(c, y);
			cg_word(c, (uint32_t)c->consts[b & SLOT_MASK]);
			cg_end(c);
			return v_push(c, AW_I32);
		}
		if (op == 0x71 && fuse_prev(c, a, 0x73, &x, &y)) {
			/* (x ^ y) & imm */
			cg_op(c, OP_XOR_ANDI);
			cg_dst(c, c->stop);
			cg_slot(c, x);
			cg_slot(c, y);
			cg_word(c, (uint32_t)c->consts[b & SLOT_MASK]);
			cg_end(c);
			return v_push(c, AW_I32);
		}
		cg_op(c, OP_I32_IMM + (op - 0x6a));
		cg_dst(c, c->stop);
		cg_slot(c, a);
		cg_word(c, (uint32_t)c->consts[b & SLOT_MASK]);
	} else {
		cg_op(c, op);
		cg_dst(c, c->stop);
		cg_slot(c, a);
		cg_slot(c, b);
	}
	cg_end(c);
	return v_push(c, AW_I32);
}

int op_numeric(struct fctx *c, uint8_t op)
{
	/* the reinterpretations change no bits: only the type changes */
	if (op >= 0xbc && op <= 0xbf) {
		static const uint8_t to[] = { AW_I32, AW_I64, AW_F32, AW_F64 };
		static const uint8_t from[] = { AW_F32, AW_F64, AW_I32, AW_I64 };
		uint32_t loc;
		uint8_t t;
		TRY(v_pop(c, from[op - 0xbc], &t, &loc));
		return c->dead ? v_push(c, to[op - 0xbc]) : v_push_at(c, to[op - 0xbc], loc);
	}
	if (op >= 0x6a && op <= 0x78 && (op < 0x6d || op > 0x70))
		return emit_i32_bin(c, op);
	return emit_sig(c, op, numeric_sig(op), 0, 0, 0);
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
		return emit_sig(c, OP_FC_BASE + sub, "iii>", 2, a, b);
	case 13: /* elem.drop */
		TRY(aw_read_u32(&c->r, &a));
		if (a >= c->m->nelems)
			return INVALID(c, "unknown elem segment %u", a);
		cg_op(c, OP_FC_BASE + sub);
		cg_word(c, a);
		return 0;
	case 14: /* table.copy dst src */
		TRY(aw_read_u32(&c->r, &a));
		TRY(aw_read_u32(&c->r, &b));
		TRY(need_table(c, a));
		TRY(need_table(c, b));
		if (c->m->tables[a].elem != c->m->tables[b].elem)
			return INVALID(c, "type mismatch in table.copy");
		return emit_sig(c, OP_FC_BASE + sub, "iii>", 2, a, b);
	}
	/* 15 grow, 16 size, 17 fill */
	TRY(aw_read_u32(&c->r, &a));
	TRY(need_table(c, a));
	{
		uint8_t et = c->m->tables[a].elem;
		if (sub == 15) /* table.grow: dst init n */
			return emit(c, OP_FC_BASE + sub, (const uint8_t[]){ et, AW_I32 }, 2, AW_I32, 1, a, 0);
		if (sub == 16) /* table.size: dst */
			return emit(c, OP_FC_BASE + sub, NULL, 0, AW_I32, 1, a, 0);
		/* table.fill: i value n */
		return emit(c, OP_FC_BASE + sub, (const uint8_t[]){ AW_I32, et, AW_I32 }, 3, 0, 1, a, 0);
	}
}

int op_fc(struct fctx *c)
{
	static const char *const sat[] = { "f>i", "f>i", "F>i", "F>i", "f>I", "f>I", "F>I", "F>I" };
	uint32_t sub, idx;

	TRY(aw_read_u32(&c->r, &sub));
	if (sub <= 7)
		return emit_sig(c, OP_FC_BASE + sub, sat[sub], 0, 0, 0);
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
			return emit_sig(c, OP_FC_BASE + sub, "iii>", 1, idx, 0);
		cg_op(c, OP_FC_BASE + sub);
		cg_word(c, idx);
		return 0;
	case 10: /* memory.copy 0 0 */
		TRY(zero_byte(c));
		TRY(zero_byte(c));
		TRY(need_memory(c));
		return emit_sig(c, OP_FC_BASE + sub, "iii>", 0, 0, 0);
	case 11: /* memory.fill 0 */
		TRY(zero_byte(c));
		TRY(need_memory(c));
		return emit_sig(c, OP_FC_BASE + sub, "iii>", 0, 0, 0);
	}
	if (sub <= 17)
		return op_fc_table(c, sub);
	return aw_fail(&c->r, AW_EMALFORMED, "illegal opcode 0xfc %u", sub);
}

int op_const(struct fctx *c, uint8_t op)
{
	switch (op) {
	case 0x41: {
		int32_t v;
		TRY(aw_read_s32(&c->r, &v));
		return v_push_at(c, AW_I32, cg_const(c, (uint32_t)v));
	}
	case 0x42: {
		int64_t v;
		TRY(aw_read_s64(&c->r, &v));
		return v_push_at(c, AW_I64, cg_const(c, (uint64_t)v));
	}
	case 0x43: {
		uint32_t v;
		TRY(aw_read_bytes(&c->r, &v, 4));
		return v_push_at(c, AW_F32, cg_const(c, v));
	}
	default: {
		uint64_t v;
		TRY(aw_read_bytes(&c->r, &v, 8));
		return v_push_at(c, AW_F64, cg_const(c, v));
	}
	}
}

int op_ref(struct fctx *c, uint8_t op)
{
	uint32_t idx;
	uint8_t t;

	switch (op) {
	case 0xd0:
		TRY(aw_read_u8(&c->r, &t));
		if (!aw_is_reftype(t))
			return aw_fail(&c->r, AW_EMALFORMED, "malformed reference type");
		return v_push_at(c, t, cg_const(c, 0));
	case 0xd1: {
		uint32_t loc;
		TRY(v_pop(c, AW_TYPE_ANY, &t, &loc));
		if (t != AW_TYPE_ANY && !aw_is_reftype(t))
			return INVALID(c, "type mismatch: ref.is_null needs a reference");
		cg_op(c, OP_REF_IS_NULL);
		cg_dst(c, c->stop);
		cg_slot(c, loc);
		cg_end(c);
		return push(c, AW_I32);
	}
	default:
		TRY(aw_read_u32(&c->r, &idx));
		if (idx >= c->m->nfuncs)
			return INVALID(c, "unknown function %u", idx);
		if (!c->m->func_declared[idx])
			return INVALID(c, "undeclared function reference");
		return emit(c, OP_REF_FUNC, NULL, 0, AW_FUNCREF, 1, idx, 0);
	}
}

int op_table_getset(struct fctx *c, uint8_t op)
{
	uint32_t idx;

	TRY(aw_read_u32(&c->r, &idx));
	TRY(need_table(c, idx));
	if (op == 0x25)
		return emit(c, op, (const uint8_t[]){ AW_I32 }, 1, c->m->tables[idx].elem, 1, idx, 0);
	return emit(c, op, (const uint8_t[]){ AW_I32, c->m->tables[idx].elem }, 2, 0, 1, idx, 0);
}

int op_memsize(struct fctx *c, uint8_t op)
{
	TRY(zero_byte(c));
	TRY(need_memory(c));
	return emit_sig(c, op, op == 0x3f ? ">i" : "i>i", 0, 0, 0);
}

