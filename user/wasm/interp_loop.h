/*
 * The dispatch loop, included once by interp.c.  Kept apart because it is
 * one long function by nature: one label per internal opcode.  Registers:
 * pc, fp, the current function and instance, and the cached base and size
 * of memory 0 (reloaded after anything that can move or grow it).  Operands
 * are frame slots: S(i) is the slot named by the i-th word after the opcode.
 */

#ifdef AW_PROFILE
#define NEXT() do { aw_prof_count(*pc); goto *labels[*pc++]; } while (0)
#else
#define NEXT() goto *labels[*pc++]
#endif
/* dispatch where acc is not valid (entry, resume, after a JIT region): an
 * accumulator variant runs as its base instruction, reading its slot */
#define NEXT_BASE() goto *labels[*pc++ & (OP_ACC - 1)]
#define TRAP(msg) do { rc = trap(err, msg); goto out_trap; } while (0)
#define LOAD_CTX() do {                                                         \
	inst = func->inst;                                                      \
	globals = inst->globals;                                                \
	if (inst->mems && inst->module->nmems) {                                \
		membase = inst->mems[0]->data;                                  \
		memsize = inst->mems[0]->size;                                  \
	} else {                                                                \
		membase = NULL;                                                 \
		memsize = 0;                                                    \
	}                                                                       \
} while (0)

#define U32(x) ((uint32_t)(x))
#define S32(x) ((int32_t)(uint32_t)(x))
#define S64(x) ((int64_t)(x))
#define S(i) fp[pc[i]]
#define BIN(lbl, expr) lbl: { uint64_t a = S(1), b = S(2); S(0) = (expr); pc += 3; NEXT(); }
/* A producer (compile.c: acc_producer) leaves its result in acc too.  Four
 * handlers: base; _acc, operand a from acc; _ns, result only in acc, when
 * the next instruction is its only reader and reads it from acc; _acc_ns. */
#define PROD(lbl, ai, adv, expr)                                                \
	lbl: { uint64_t a = S(ai); S(0) = acc = (expr); pc += (adv); NEXT(); }   \
	lbl##_acc: { uint64_t a = acc; S(0) = acc = (expr); pc += (adv); NEXT(); } \
	lbl##_ns: { uint64_t a = S(ai); acc = (expr); pc += (adv); NEXT(); }     \
	lbl##_acc_ns: { uint64_t a = acc; acc = (expr); pc += (adv); NEXT(); }
#define BIN_V(lbl, expr) PROD(lbl, 1, 3, ({ uint64_t b = S(2); (uint64_t)(expr); }))
#define BINI(lbl, expr) lbl: { uint64_t a = S(1), b = pc[2]; S(0) = (expr); pc += 3; NEXT(); }
#define BINI_V(lbl, expr) PROD(lbl, 1, 3, ({ uint64_t b = pc[2]; (uint64_t)(expr); }))
#define UN(lbl, expr) lbl: { uint64_t a = S(1); S(0) = (expr); pc += 2; NEXT(); }
#define UN_V(lbl, expr) PROD(lbl, 1, 2, (uint64_t)(expr))
#define F32B(lbl, expr) lbl: { float a = f32_of(S(1)), b = f32_of(S(2)); S(0) = bits_f32(expr); pc += 3; NEXT(); }
#define F64B(lbl, expr) lbl: { double a = f64_of(S(1)), b = f64_of(S(2)); S(0) = bits_f64(expr); pc += 3; NEXT(); }
#define F32U(lbl, expr) lbl: { float a = f32_of(S(1)); S(0) = bits_f32(expr); pc += 2; NEXT(); }
#define F64U(lbl, expr) lbl: { double a = f64_of(S(1)); S(0) = bits_f64(expr); pc += 2; NEXT(); }
#define F32C(lbl, op) lbl: { float a = f32_of(S(1)), b = f32_of(S(2)); S(0) = a op b; pc += 3; NEXT(); }
#define F64C(lbl, op) lbl: { double a = f64_of(S(1)), b = f64_of(S(2)); S(0) = a op b; pc += 3; NEXT(); }

/* effective address of a load (addr in S(1), offset pc[2]) or store (S(0), pc[2]) */
#define EA(addr, n) ({ uint64_t ea_ = (uint64_t)U32(addr) + pc[2];            \
		 if (ea_ + (n) > memsize) TRAP("out of bounds memory access");  \
		 membase + ea_; })
#define LOAD(lbl, T, conv) PROD(lbl, 1, 3, ({ T v_; memcpy(&v_, EA(a, sizeof(T)), sizeof(T)); (uint64_t)conv(v_); }))
#define STORE(lbl, T) lbl##_acc: { T v_ = (T)acc; memcpy(EA(S(0), sizeof(T)), &v_, sizeof(T)); pc += 3; NEXT(); } \
	lbl: { T v_ = (T)S(1); memcpy(EA(S(0), sizeof(T)), &v_, sizeof(T)); pc += 3; NEXT(); }

/* the fused forms: the address is the 32-bit sum of two slots */
#define EA2(x, y, n) ({ uint64_t ea_ = (uint64_t)U32((x) + (y)) + pc[3];       \
		 if (ea_ + (n) > memsize) TRAP("out of bounds memory access");  \
		 membase + ea_; })
#define LOADA(lbl, T, conv) PROD(lbl, 1, 4, ({ T v_; memcpy(&v_, EA2(a, S(2), sizeof(T)), sizeof(T)); (uint64_t)conv(v_); }))
#define STOREA(lbl, T) lbl##_acc: { T v_ = (T)acc; memcpy(EA2(S(0), S(1), sizeof(T)), &v_, sizeof(T)); pc += 4; NEXT(); } \
	lbl: { T v_ = (T)S(2); memcpy(EA2(S(0), S(1), sizeof(T)), &v_, sizeof(T)); pc += 4; NEXT(); }

#define TRUNC(lbl, FT, of, okmacro, IT, OT) lbl: { FT x = of(S(1));                    \
	if (x != x) TRAP("invalid conversion to integer");                            \
	if (!okmacro(x)) TRAP("integer overflow");                                    \
	S(0) = (OT)(IT)x; pc += 2; NEXT(); }

/* Jump to word t of the function's code.  A backward jump closes a loop
 * iteration: that is the safe point where fuel is spent and suspend
 * requests are honoured (saving pc = the target, so resume re-enters). */
#define JUMP(t) do {                                                            \
	const uint32_t *to_ = cbase + (t);                                     \
	if (to_ <= pc && --budget <= 0) {                                      \
		pc = to_;                                                      \
		e->budget = budget;                                            \
		rc = tick(e);                                                  \
		budget = e->budget;                                            \
		if (rc != AW_OK)                                               \
			goto out_save;                                         \
	}                                                                      \
	pc = to_;                                                              \
} while (0)
#define BRCMP(lbl, cond) lbl##_acc: { uint64_t a = acc, b = S(1); (void)b;    \
	if (cond) JUMP(pc[2]); else pc += 3; NEXT(); }                          \
	lbl: { uint64_t a = S(0), b = S(1); (void)b;                            \
	if (cond) JUMP(pc[2]); else pc += 3; NEXT(); }
#define BRNCMP(lbl, cond) lbl##_acc: { uint64_t a = acc, b = S(1); (void)b;   \
	if (!(cond)) JUMP(pc[2]); else pc += 3; NEXT(); }                       \
	lbl: { uint64_t a = S(0), b = S(1); (void)b;                            \
	if (!(cond)) JUMP(pc[2]); else pc += 3; NEXT(); }

/* result moves of branches: n values from slot src to slot dst */
#define MOVE(src, dst, n) memmove(fp + (dst), fp + (src), (n) * sizeof(uint64_t))

static int run(struct aw_exec *e, struct aw_error *err)
{
	static const void *labels[2 * OP_NOSTORE] = {
		[0 ... 2 * OP_NOSTORE - 1] = &&op_bad,
#include "interp_labels.h"
	};
	const uint32_t *pc = e->pc;
	uint64_t *fp = e->fp;
	struct aw_func *func = e->func;
	struct aw_instance *inst;
	struct aw_global **globals;
	uint8_t *membase;
	uint64_t memsize;
	const uint32_t *cbase = func->code->code;  /* branch targets are relative to it */
	int64_t budget = e->budget;                /* safe points left in this slice */
	int rc;
	/* Accumulator: every producer (PROD) also leaves its result here,
	 * and the OP_ACC variant of an instruction reads its operand from it
	 * instead of loading the slot the instruction right before just
	 * stored.  That takes the store-to-load forwarding off the critical
	 * path of dependent chains (compile.c: mark_acc).  Only the
	 * fall-through from the producer reaches a variant; NEXT_BASE covers
	 * the other ways in.  A producer marked OP_NOSTORE (its result is an
	 * operand stack value that only the variant after it reads) skips
	 * the slot store altogether. */
	uint64_t acc = 0;

	LOAD_CTX();
	NEXT_BASE();

op_bad:
	TRAP("internal error: bad opcode");
op_unreachable:
	TRAP("unreachable executed");
PROD(op_copy, 1, 2, a)
op_copy2:
	fp[pc[0]] = fp[pc[1]];
	fp[pc[0] + 1] = fp[pc[1] + 1];
	pc += 2;
	NEXT();
op_br:
	JUMP(pc[0]);
	NEXT();
op_br_if_acc:
	if (U32(acc))
		JUMP(pc[1]);
	else
		pc += 2;
	NEXT();
op_br_if:
	if (U32(S(0)))
		JUMP(pc[1]);
	else
		pc += 2;
	NEXT();
op_br_unless_acc:
	if (!U32(acc))
		JUMP(pc[1]);
	else
		pc += 2;
	NEXT();
op_br_unless:
	if (!U32(S(0)))
		JUMP(pc[1]);
	else
		pc += 2;
	NEXT();
op_br_move:
	MOVE(pc[1], pc[2], pc[3]);
	JUMP(pc[0]);
	NEXT();
op_br_if_move:
	if (U32(S(0))) {
		MOVE(pc[2], pc[3], pc[4]);
		JUMP(pc[1]);
	} else {
		pc += 5;
	}
	NEXT();
op_loop: {
	/* a loop head: run its translation (jit.h) if it has one; it returns
	 * where to go on, having spent budget as the loop's branches would */
	const struct aw_loop *l = &func->code->loops[pc[0]];
	struct aw_jit_ctx jc;
	uint32_t at = l->start;
	int64_t next;
	if (!l->fn) {
		pc += 1;
		NEXT();
	}
	jc.fp = fp;
	jc.mem = membase;
	jc.memsize = memsize;
	jc.globals = globals;
	for (;;) {
		jc.budget = budget;
		next = l->fn(&jc, at);
		budget = jc.budget;
		if (next < 0)
			TRAP(aw_jit_trap_msg(next));
		pc = cbase + next;
		if (budget > 0)
			break;
		/* a backward branch ran out of budget: the safe point */
		e->budget = budget;
		rc = tick(e);
		budget = e->budget;
		if (rc != AW_OK)
			goto out_save;
		at = (uint32_t)next;
	}
	/* a region writes slots, not acc: if it side-exited at an accumulator
	 * variant, run that as its base instruction */
	NEXT_BASE();
}
op_br_table: {
	uint32_t n = pc[1], i = U32(S(0));
	const uint32_t *ent = pc + 2 + 4 * (i < n ? i : n);
	if (ent[3] && ent[1] != ent[2])
		MOVE(ent[1], ent[2], ent[3]);
	JUMP(ent[0]);
	NEXT();
}
BRCMP(op_brc_eqz, U32(a) == 0)
BRCMP(op_brc_eq, U32(a) == U32(b))
BRCMP(op_brc_ne, U32(a) != U32(b))
BRCMP(op_brc_lt_s, S32(a) < S32(b))
BRCMP(op_brc_lt_u, U32(a) < U32(b))
BRCMP(op_brc_gt_s, S32(a) > S32(b))
BRCMP(op_brc_gt_u, U32(a) > U32(b))
BRCMP(op_brc_le_s, S32(a) <= S32(b))
BRCMP(op_brc_le_u, U32(a) <= U32(b))
BRCMP(op_brc_ge_s, S32(a) >= S32(b))
BRCMP(op_brc_ge_u, U32(a) >= U32(b))
BRNCMP(op_brn_eqz, U32(a) == 0)
BRNCMP(op_brn_eq, U32(a) == U32(b))
BRNCMP(op_brn_ne, U32(a) != U32(b))
BRNCMP(op_brn_lt_s, S32(a) < S32(b))
BRNCMP(op_brn_lt_u, U32(a) < U32(b))
BRNCMP(op_brn_gt_s, S32(a) > S32(b))
BRNCMP(op_brn_gt_u, U32(a) > U32(b))
BRNCMP(op_brn_le_s, S32(a) <= S32(b))
BRNCMP(op_brn_le_u, U32(a) <= U32(b))
BRNCMP(op_brn_ge_s, S32(a) >= S32(b))
BRNCMP(op_brn_ge_u, U32(a) >= U32(b))
op_return: {
	uint32_t nr = pc[1];
	struct frame *f;
	if (pc[0])
		MOVE(pc[0], 0, nr);
	if (e->nframes == 0) {
		rc = AW_OK;
		goto out_done;
	}
	f = &e->frames[--e->nframes];
	pc = f->pc;
	fp = f->fp;
	func = f->func;
	cbase = func->code->code;
	LOAD_CTX();
	NEXT();
}
op_call: {
	struct aw_func *callee = inst->funcs[pc[0]];
	uint64_t *nfp = fp + pc[1];
	pc += 2;
	goto do_call;
op_call_indirect: {
	struct aw_table *t = inst->tables[pc[1]];
	uint32_t i = U32(S(2));
	const struct aw_functype *want = &inst->module->types[pc[0]];
	if (i >= t->size)
		TRAP("undefined element");
	callee = (struct aw_func *)(uintptr_t)t->elems[i];
	if (!callee)
		TRAP("uninitialized element");
	if (!aw_functype_eq(callee->type, want))
		TRAP("indirect call type mismatch");
	nfp = fp + pc[3];
	pc += 4;
}
do_call:
	if (callee->host) {
		rc = call_host(callee, inst, nfp, err);
		if (rc != AW_OK)
			goto out_trap;
		LOAD_CTX();
		NEXT();
	}
	{
		const struct aw_code *code = callee->code;
		uint32_t np = code->param_slots;
		if (e->nframes >= MAX_FRAMES || nfp + code->frame_size > e->stack_end)
			TRAP("call stack exhausted");
		e->frames[e->nframes++] = (struct frame){ pc, fp, func };
		fp = nfp;
		memset(fp + np, 0, (code->local_slots - np) * sizeof(uint64_t));
		if (code->nconsts)
			memcpy(fp + code->local_slots, code->consts, code->nconsts * sizeof(uint64_t));
		func = callee;
		pc = cbase = code->code;
		if (callee->inst != inst)
			LOAD_CTX();
		/* safe point: the new frame is complete, resume restarts here */
		if (--budget <= 0) {
			e->budget = budget;
			rc = tick(e);
			budget = e->budget;
			if (rc != AW_OK)
				goto out_save;
		}
		NEXT();
	}
}
op_simd: {
	const uint32_t *next = aw_simd_exec(pc, fp, membase, memsize);
	if (!next)
		TRAP("out of bounds memory access");
	pc = next;
	NEXT();
}
PROD(op_select, 3, 4, U32(a) ? S(1) : S(2))
op_select2: {
	uint32_t from = U32(S(3)) ? pc[1] : pc[2];
	fp[pc[0]] = fp[from];
	fp[pc[0] + 1] = fp[from + 1];
	pc += 4;
	NEXT();
}
op_global_get:
	S(0) = globals[pc[1]]->val;
	pc += 2;
	NEXT();
op_global_get2:
	S(0) = globals[pc[1]]->val;
	fp[pc[0] + 1] = globals[pc[1]]->hi;
	pc += 2;
	NEXT();
op_global_set:
	globals[pc[1]]->val = S(0);
	pc += 2;
	NEXT();
op_global_set2:
	globals[pc[1]]->val = S(0);
	globals[pc[1]]->hi = fp[pc[0] + 1];
	pc += 2;
	NEXT();
op_table_get: {
	struct aw_table *t = inst->tables[pc[2]];
	uint32_t i = U32(S(1));
	if (i >= t->size)
		TRAP("out of bounds table access");
	S(0) = t->elems[i];
	pc += 3;
	NEXT();
}
op_table_set: {
	struct aw_table *t = inst->tables[pc[2]];
	uint32_t i = U32(S(0));
	if (i >= t->size)
		TRAP("out of bounds table access");
	t->elems[i] = S(1);
	pc += 3;
	NEXT();
}
LOAD(op_i32_load, uint32_t, (uint64_t))
LOAD(op_i64_load, uint64_t, (uint64_t))
LOAD(op_f32_load, uint32_t, (uint64_t))
LOAD(op_f64_load, uint64_t, (uint64_t))
LOAD(op_i32_load8_s, int8_t, (uint32_t)(int32_t))
LOAD(op_i32_load8_u, uint8_t, (uint64_t))
LOAD(op_i32_load16_s, int16_t, (uint32_t)(int32_t))
LOAD(op_i32_load16_u, uint16_t, (uint64_t))
LOAD(op_i64_load8_s, int8_t, (uint64_t)(int64_t))
LOAD(op_i64_load8_u, uint8_t, (uint64_t))
LOAD(op_i64_load16_s, int16_t, (uint64_t)(int64_t))
LOAD(op_i64_load16_u, uint16_t, (uint64_t))
LOAD(op_i64_load32_s, int32_t, (uint64_t)(int64_t))
LOAD(op_i64_load32_u, uint32_t, (uint64_t))
STORE(op_i32_store, uint32_t)
STORE(op_i64_store, uint64_t)
STORE(op_f32_store, uint32_t)
STORE(op_f64_store, uint64_t)
STORE(op_i32_store8, uint8_t)
STORE(op_i32_store16, uint16_t)
STORE(op_i64_store8, uint8_t)
STORE(op_i64_store16, uint16_t)
STORE(op_i64_store32, uint32_t)
LOADA(op_la_i32_load, uint32_t, (uint64_t))
LOADA(op_la_i64_load, uint64_t, (uint64_t))
LOADA(op_la_f32_load, uint32_t, (uint64_t))
LOADA(op_la_f64_load, uint64_t, (uint64_t))
LOADA(op_la_i32_load8_s, int8_t, (uint32_t)(int32_t))
LOADA(op_la_i32_load8_u, uint8_t, (uint64_t))
LOADA(op_la_i32_load16_s, int16_t, (uint32_t)(int32_t))
LOADA(op_la_i32_load16_u, uint16_t, (uint64_t))
LOADA(op_la_i64_load8_s, int8_t, (uint64_t)(int64_t))
LOADA(op_la_i64_load8_u, uint8_t, (uint64_t))
LOADA(op_la_i64_load16_s, int16_t, (uint64_t)(int64_t))
LOADA(op_la_i64_load16_u, uint16_t, (uint64_t))
LOADA(op_la_i64_load32_s, int32_t, (uint64_t)(int64_t))
LOADA(op_la_i64_load32_u, uint32_t, (uint64_t))
STOREA(op_sa_i32_store, uint32_t)
STOREA(op_sa_i64_store, uint64_t)
STOREA(op_sa_f32_store, uint32_t)
STOREA(op_sa_f64_store, uint64_t)
STOREA(op_sa_i32_store8, uint8_t)
STOREA(op_sa_i32_store16, uint16_t)
STOREA(op_sa_i64_store8, uint8_t)
STOREA(op_sa_i64_store16, uint16_t)
STOREA(op_sa_i64_store32, uint32_t)
op_memory_size:
	S(0) = (uint32_t)(memsize / AW_PAGE);
	pc += 1;
	NEXT();
op_memory_grow: {
	uint32_t old;
	if (aw_memory_grow(inst, inst->mems[0], U32(S(1)), &old))
		S(0) = UINT32_MAX;
	else
		S(0) = old;
	pc += 2;
	LOAD_CTX();
	NEXT();
}
UN_V(op_i32_eqz, U32(a) == 0)
BIN_V(op_i32_eq, U32(a) == U32(b))
BIN_V(op_i32_ne, U32(a) != U32(b))
BIN_V(op_i32_lt_s, S32(a) < S32(b))
BIN_V(op_i32_lt_u, U32(a) < U32(b))
BIN_V(op_i32_gt_s, S32(a) > S32(b))
BIN_V(op_i32_gt_u, U32(a) > U32(b))
BIN_V(op_i32_le_s, S32(a) <= S32(b))
BIN_V(op_i32_le_u, U32(a) <= U32(b))
BIN_V(op_i32_ge_s, S32(a) >= S32(b))
BIN_V(op_i32_ge_u, U32(a) >= U32(b))
UN(op_i64_eqz, a == 0)
BIN(op_i64_eq, a == b)
BIN(op_i64_ne, a != b)
BIN(op_i64_lt_s, S64(a) < S64(b))
BIN(op_i64_lt_u, a < b)
BIN(op_i64_gt_s, S64(a) > S64(b))
BIN(op_i64_gt_u, a > b)
BIN(op_i64_le_s, S64(a) <= S64(b))
BIN(op_i64_le_u, a <= b)
BIN(op_i64_ge_s, S64(a) >= S64(b))
BIN(op_i64_ge_u, a >= b)
F32C(op_f32_eq, ==)
F32C(op_f32_ne, !=)
F32C(op_f32_lt, <)
F32C(op_f32_gt, >)
F32C(op_f32_le, <=)
F32C(op_f32_ge, >=)
F64C(op_f64_eq, ==)
F64C(op_f64_ne, !=)
F64C(op_f64_lt, <)
F64C(op_f64_gt, >)
F64C(op_f64_le, <=)
F64C(op_f64_ge, >=)
UN_V(op_i32_clz, U32(a) ? (uint32_t)__builtin_clz(U32(a)) : 32)
UN_V(op_i32_ctz, U32(a) ? (uint32_t)__builtin_ctz(U32(a)) : 32)
UN_V(op_i32_popcnt, (uint32_t)__builtin_popcount(U32(a)))
BIN_V(op_i32_add, U32(a + b))
BIN_V(op_i32_sub, U32(a - b))
BIN_V(op_i32_mul, U32(U32(a) * U32(b)))
op_i32_div_s: {
	int32_t a = S32(S(1)), b = S32(S(2));
	if (b == 0) TRAP("integer divide by zero");
	if (a == INT32_MIN && b == -1) TRAP("integer overflow");
	S(0) = U32(a / b);
	pc += 3;
	NEXT();
}
op_i32_div_u: {
	uint32_t a = U32(S(1)), b = U32(S(2));
	if (b == 0) TRAP("integer divide by zero");
	S(0) = a / b;
	pc += 3;
	NEXT();
}
op_i32_rem_s: {
	int32_t a = S32(S(1)), b = S32(S(2));
	if (b == 0) TRAP("integer divide by zero");
	S(0) = b == -1 ? 0 : U32(a % b);
	pc += 3;
	NEXT();
}
op_i32_rem_u: {
	uint32_t a = U32(S(1)), b = U32(S(2));
	if (b == 0) TRAP("integer divide by zero");
	S(0) = a % b;
	pc += 3;
	NEXT();
}
BIN_V(op_i32_and, a & b)
BIN_V(op_i32_or, a | b)
BIN_V(op_i32_xor, a ^ b)
BIN_V(op_i32_shl, U32(U32(a) << (b & 31)))
BIN_V(op_i32_shr_s, U32(S32(a) >> (b & 31)))
BIN_V(op_i32_shr_u, U32(a) >> (b & 31))
BIN_V(op_i32_rotl, U32((U32(a) << (b & 31)) | (U32(a) >> ((32 - (b & 31)) & 31))))
BIN_V(op_i32_rotr, U32((U32(a) >> (b & 31)) | (U32(a) << ((32 - (b & 31)) & 31))))
BINI_V(op_i32i_add, U32(a + b))
BINI_V(op_i32i_sub, U32(a - b))
BINI_V(op_i32i_mul, U32(U32(a) * U32(b)))
BINI_V(op_i32i_and, a & b)
BINI_V(op_i32i_or, a | b)
BINI_V(op_i32i_xor, a ^ b)
BINI_V(op_i32i_shl, U32(U32(a) << (b & 31)))
BINI_V(op_i32i_shr_s, U32(S32(a) >> (b & 31)))
BINI_V(op_i32i_shr_u, U32(a) >> (b & 31))
BINI_V(op_i32i_rotl, U32((U32(a) << (b & 31)) | (U32(a) >> ((32 - (b & 31)) & 31))))
BINI_V(op_i32i_rotr, U32((U32(a) >> (b & 31)) | (U32(a) << ((32 - (b & 31)) & 31))))
PROD(op_madd, 2, 4, U32(S(1) + U32(a) * U32(S(3))))
PROD(op_xor_andi, 1, 4, (a ^ S(2)) & pc[3])
PROD(op_shr_andi, 1, 4, (U32(a) >> (pc[2] & 31)) & pc[3])
PROD(op_andi_xori, 1, 4, (a & pc[2]) ^ pc[3])
op_addi_brne_acc: {
	uint32_t v = U32(acc + pc[2]);
	S(0) = acc = v;
	if (v != U32(S(3)))
		JUMP(pc[4]);
	else
		pc += 5;
	NEXT();
}
op_addi_brne: {
	uint32_t v = U32(S(1) + pc[2]);
	S(0) = acc = v;
	if (v != U32(S(3)))
		JUMP(pc[4]);
	else
		pc += 5;
	NEXT();
}
#define SELC(lbl, cond) PROD(lbl, 3, 5, ({ uint64_t b = S(4); (cond) ? S(1) : S(2); }))
SELC(op_selc_eq, U32(a) == U32(b))
SELC(op_selc_ne, U32(a) != U32(b))
SELC(op_selc_lt_s, S32(a) < S32(b))
SELC(op_selc_lt_u, U32(a) < U32(b))
SELC(op_selc_gt_s, S32(a) > S32(b))
SELC(op_selc_gt_u, U32(a) > U32(b))
SELC(op_selc_le_s, S32(a) <= S32(b))
SELC(op_selc_le_u, U32(a) <= U32(b))
SELC(op_selc_ge_s, S32(a) >= S32(b))
SELC(op_selc_ge_u, U32(a) >= U32(b))
PROD(op_sel_xai, 3, 6, (a ^ S(4)) & pc[5] ? S(1) : S(2))
UN(op_i64_clz, a ? (uint64_t)__builtin_clzll(a) : 64)
UN(op_i64_ctz, a ? (uint64_t)__builtin_ctzll(a) : 64)
UN(op_i64_popcnt, (uint64_t)__builtin_popcountll(a))
BIN(op_i64_add, a + b)
BIN(op_i64_sub, a - b)
BIN(op_i64_mul, a * b)
op_i64_div_s: {
	int64_t a = S64(S(1)), b = S64(S(2));
	if (b == 0) TRAP("integer divide by zero");
	if (a == INT64_MIN && b == -1) TRAP("integer overflow");
	S(0) = (uint64_t)(a / b);
	pc += 3;
	NEXT();
}
op_i64_div_u: {
	uint64_t a = S(1), b = S(2);
	if (b == 0) TRAP("integer divide by zero");
	S(0) = a / b;
	pc += 3;
	NEXT();
}
op_i64_rem_s: {
	int64_t a = S64(S(1)), b = S64(S(2));
	if (b == 0) TRAP("integer divide by zero");
	S(0) = b == -1 ? 0 : (uint64_t)(a % b);
	pc += 3;
	NEXT();
}
op_i64_rem_u: {
	uint64_t a = S(1), b = S(2);
	if (b == 0) TRAP("integer divide by zero");
	S(0) = a % b;
	pc += 3;
	NEXT();
}
BIN(op_i64_and, a & b)
BIN(op_i64_or, a | b)
BIN(op_i64_xor, a ^ b)
BIN(op_i64_shl, a << (b & 63))
BIN(op_i64_shr_s, (uint64_t)(S64(a) >> (b & 63)))
BIN(op_i64_shr_u, a >> (b & 63))
BIN(op_i64_rotl, (a << (b & 63)) | (a >> ((64 - (b & 63)) & 63)))
BIN(op_i64_rotr, (a >> (b & 63)) | (a << ((64 - (b & 63)) & 63)))
UN(op_f32_abs, a & 0x7fffffffu)
UN(op_f32_neg, a ^ 0x80000000u)
F32U(op_f32_ceil, aw_ceilf(a))
F32U(op_f32_floor, aw_floorf(a))
F32U(op_f32_trunc, aw_truncf(a))
F32U(op_f32_nearest, aw_nearbyintf(a))
F32U(op_f32_sqrt, aw_sqrtf(a))
F32B(op_f32_add, a + b)
F32B(op_f32_sub, a - b)
F32B(op_f32_mul, a * b)
F32B(op_f32_div, a / b)
F32B(op_f32_min, aw_fminf(a, b))
F32B(op_f32_max, aw_fmaxf(a, b))
BIN(op_f32_copysign, (a & 0x7fffffffu) | (b & 0x80000000u))
UN(op_f64_abs, a & 0x7fffffffffffffffull)
UN(op_f64_neg, a ^ 0x8000000000000000ull)
F64U(op_f64_ceil, aw_ceil(a))
F64U(op_f64_floor, aw_floor(a))
F64U(op_f64_trunc, aw_trunc(a))
F64U(op_f64_nearest, aw_nearbyint(a))
F64U(op_f64_sqrt, aw_sqrt(a))
F64B(op_f64_add, a + b)
F64B(op_f64_sub, a - b)
F64B(op_f64_mul, a * b)
F64B(op_f64_div, a / b)
F64B(op_f64_min, aw_fmin(a, b))
F64B(op_f64_max, aw_fmax(a, b))
BIN(op_f64_copysign, (a & 0x7fffffffffffffffull) | (b & 0x8000000000000000ull))
UN(op_i32_wrap_i64, U32(a))
TRUNC(op_i32_trunc_f32_s, float, f32_of, TRUNC_OK_S32, int32_t, uint32_t)
TRUNC(op_i32_trunc_f32_u, float, f32_of, TRUNC_OK_U32, uint32_t, uint32_t)
TRUNC(op_i32_trunc_f64_s, double, f64_of, TRUNC_OK_S32, int32_t, uint32_t)
TRUNC(op_i32_trunc_f64_u, double, f64_of, TRUNC_OK_U32, uint32_t, uint32_t)
UN(op_i64_extend_i32_s, (uint64_t)(int64_t)S32(a))
UN(op_i64_extend_i32_u, U32(a))
TRUNC(op_i64_trunc_f32_s, float, f32_of, TRUNC_OK_S64, int64_t, uint64_t)
TRUNC(op_i64_trunc_f32_u, float, f32_of, TRUNC_OK_U64, uint64_t, uint64_t)
TRUNC(op_i64_trunc_f64_s, double, f64_of, TRUNC_OK_S64, int64_t, uint64_t)
TRUNC(op_i64_trunc_f64_u, double, f64_of, TRUNC_OK_U64, uint64_t, uint64_t)
UN(op_f32_convert_i32_s, bits_f32((float)S32(a)))
UN(op_f32_convert_i32_u, bits_f32((float)U32(a)))
UN(op_f32_convert_i64_s, bits_f32((float)S64(a)))
UN(op_f32_convert_i64_u, bits_f32((float)a))
UN(op_f32_demote_f64, bits_f32((float)f64_of(a)))
UN(op_f64_convert_i32_s, bits_f64((double)S32(a)))
UN(op_f64_convert_i32_u, bits_f64((double)U32(a)))
UN(op_f64_convert_i64_s, bits_f64((double)S64(a)))
UN(op_f64_convert_i64_u, bits_f64((double)a))
UN(op_f64_promote_f32, bits_f64((double)f32_of(a)))
UN(op_i32_extend8_s, U32((int32_t)(int8_t)a))
UN(op_i32_extend16_s, U32((int32_t)(int16_t)a))
UN(op_i64_extend8_s, (uint64_t)(int64_t)(int8_t)a)
UN(op_i64_extend16_s, (uint64_t)(int64_t)(int16_t)a)
UN(op_i64_extend32_s, (uint64_t)(int64_t)(int32_t)a)
UN(op_ref_is_null, a == 0)
op_ref_func:
	S(0) = (uint64_t)(uintptr_t)inst->funcs[pc[1]];
	pc += 2;
	NEXT();
UN(op_sat_0, sat_s32(f32_of(a)))
UN(op_sat_1, sat_u32(f32_of(a)))
UN(op_sat_2, sat_s32(f64_of(a)))
UN(op_sat_3, sat_u32(f64_of(a)))
UN(op_sat_4, sat_s64(f32_of(a)))
UN(op_sat_5, sat_u64(f32_of(a)))
UN(op_sat_6, sat_s64(f64_of(a)))
UN(op_sat_7, sat_u64(f64_of(a)))
/* bulk operations: operands d s n (slots) then immediates */
#define DSN() uint64_t d = U32(S(0)), s = U32(S(1)), n = U32(S(2)); (void)s
op_memory_init: {
	DSN();
	uint32_t seg = pc[3];
	const struct aw_data *dd = &inst->module->datas[seg];
	uint64_t len = inst->data_dropped[seg] ? 0 : dd->len;
	if (s + n > len || d + n > memsize)
		TRAP("out of bounds memory access");
	if (n)
		memcpy(membase + d, inst->module->bytes + dd->off + s, n);
	pc += 4;
	NEXT();
}
op_data_drop:
	inst->data_dropped[pc[0]] = true;
	pc += 1;
	NEXT();
op_memory_copy: {
	DSN();
	if (s + n > memsize || d + n > memsize)
		TRAP("out of bounds memory access");
	if (n)
		memmove(membase + d, membase + s, n);
	pc += 3;
	NEXT();
}
op_memory_fill: {
	uint64_t d = U32(S(0)), n = U32(S(2));
	if (d + n > memsize)
		TRAP("out of bounds memory access");
	if (n)
		memset(membase + d, (uint8_t)S(1), n);
	pc += 3;
	NEXT();
}
op_table_init: {
	DSN();
	uint32_t seg = pc[3];
	struct aw_table *t = inst->tables[pc[4]];
	uint64_t len = inst->elem_refs[seg] ? inst->elem_len[seg] : 0;
	if (s + n > len || d + n > t->size)
		TRAP("out of bounds table access");
	if (n)
		memcpy(t->elems + d, inst->elem_refs[seg] + s, n * sizeof(uint64_t));
	pc += 5;
	NEXT();
}
op_elem_drop: {
	uint32_t seg = pc[0];
	free(inst->elem_refs[seg]);
	inst->elem_refs[seg] = NULL;
	pc += 1;
	NEXT();
}
op_table_copy: {
	DSN();
	struct aw_table *dt = inst->tables[pc[3]], *st = inst->tables[pc[4]];
	if (s + n > st->size || d + n > dt->size)
		TRAP("out of bounds table access");
	if (n)
		memmove(dt->elems + d, st->elems + s, n * sizeof(uint64_t));
	pc += 5;
	NEXT();
}
op_table_grow: {
	struct aw_table *t = inst->tables[pc[3]];
	uint32_t old;
	if (aw_table_grow(t, U32(S(2)), S(1), &old))
		old = UINT32_MAX;
	S(0) = old;
	pc += 4;
	NEXT();
}
op_table_size:
	S(0) = inst->tables[pc[1]]->size;
	pc += 2;
	NEXT();
op_table_fill: {
	struct aw_table *t = inst->tables[pc[3]];
	uint64_t d = U32(S(0)), v = S(1), n = U32(S(2));
	if (d + n > t->size)
		TRAP("out of bounds table access");
	for (uint64_t i = 0; i < n; i++)
		t->elems[d + i] = v;
	pc += 4;
	NEXT();
}

out_save:
	e->pc = pc;
	e->fp = fp;
	e->func = func;
	e->budget = budget;
	return rc;
out_done:
	e->budget = budget;
	return rc;
out_trap:
	e->budget = budget;
	e->nframes = 0;
	return rc;
}
