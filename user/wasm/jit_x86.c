/*
 * The loop JIT's x86-64 translator (contract in jit.h).
 *
 * A template translator: every internal instruction becomes a short fixed
 * sequence that loads its operand slots, computes and stores the result
 * slot, exactly as the interpreter's handler does but without the dispatch
 * and operand decoding.  Values stay in the frame (no register allocation),
 * which keeps the translation obviously equivalent to interp_loop.h.
 *
 * Registers in a region:
 *   rbx  struct aw_jit_ctx *      r12  fp (frame slots)
 *   r13  linear memory base       r14  memory size in bytes
 *   r15  budget                   rax rcx rdx: scratch
 * Every memory access is bounds checked against r14 (ea + size > r14 traps),
 * as in the interpreter; the region never calls out.
 */
#include <stdlib.h>
#include <string.h>
#include "jit.h"
#include "ops.h"

#if defined(__x86_64__)

#include "jit_x86_asm.h"

/* ---- control flow ---- */

static int in_region(struct tr *t, uint32_t pc)
{
	return pc >= t->start && pc < t->end;
}

/* a rel32 at the current position that must reach internal pc `target`:
 * its label when it is translated, else the exit stub returning it */
static void rel32_to(struct tr *t, uint32_t target, int exit)
{
	struct aw_jit_buf *b = t->b;

	if (t->nfix == b->nfix_cap) {
		uint32_t cap = b->nfix_cap ? b->nfix_cap * 2 : 1024;
		void *np = realloc(b->fix, cap * sizeof(struct fixup));
		if (!np) {
			t->bad = 1;
			return;
		}
		b->fix = np;
		b->nfix_cap = cap;
	}
	((struct fixup *)b->fix)[t->nfix++] = (struct fixup){ here(t), target, exit };
	b4(t, 0);
}

static void patch8(struct tr *t, uint32_t at)
{
	if (!t->b->oom)
		t->b->p[at] = (uint8_t)(here(t) - at - 1);
}

static void add_entry(struct tr *t, uint32_t target)
{
	for (uint32_t i = 0; i < t->nentries; i++)
		if (t->entries[i] == target)
			return;
	if (t->nentries < 64)
		t->entries[t->nentries++] = target;
}

/* Jump from the instruction at pc to `target`.  A backward jump is a safe
 * point: spend one unit of budget and leave the region when it runs out
 * (the interpreter ticks, then re-enters at the target). */
static void jump_to(struct tr *t, uint32_t pc, uint32_t target)
{
	if (target <= pc) {
		rr(t, 1, OP1(0x83), 5, BUDGET); b1(t, 1);       /* sub r15, 1 */
		if (in_region(t, target)) {
			add_entry(t, target);
			b1(t, 0x0f); b1(t, 0x80 + CC_LE);        /* jle exit(target) */
			rel32_to(t, target, 1);
		}
	}
	b1(t, 0xe9);
	rel32_to(t, target, 0);
}

/* Conditional jump (flags already set) to `target`. */
static void jcc_to(struct tr *t, int cc, uint32_t pc, uint32_t target)
{
	uint32_t skip;

	if (target > pc) {
		b1(t, 0x0f); b1(t, (uint8_t)(0x80 + cc));
		rel32_to(t, target, 0);
		return;
	}
	b1(t, 0x0f); b1(t, (uint8_t)(0x80 + (cc ^ 1)));     /* j!cc over the jump */
	skip = here(t);
	b4(t, 0);
	jump_to(t, pc, target);
	patch32(t, skip, here(t));
}

/* the trap stubs come first in a region, so their places are known */
static void trap_jcc(struct tr *t, int cc, int kind)
{
	b1(t, 0x0f); b1(t, (uint8_t)(0x80 + cc));
	b4(t, 0);
	patch32(t, here(t) - 4, t->trap_stub[kind]);
}

/* n slots from src to dst, overlapping as memmove */
static void move_slots(struct tr *t, uint32_t src, uint32_t dst, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = dst < src ? i : n - 1 - i;
		ld64(t, RAX, src + k);
		st64(t, dst + k, RAX);
	}
}

/* ---- memory ---- */

/* rax = 32-bit address (already loaded) + offset; trap unless
 * rax + size <= memory size */
static void bounds(struct tr *t, uint32_t off, uint32_t size)
{
	if (off) {
		if (off <= 0x7fffffff) {
			alu_imm(t, 1, 0, RAX, off);               /* add rax, off */
		} else {
			mov_imm32(t, RDX, off);                   /* mov edx, off */
			rr(t, 1, OP1(0x01), RDX, RAX);            /* add rax, rdx */
		}
	}
	rm(t, 0, 1, OP1(0x8d), RDX, RAX, -1, (int32_t)size); /* lea rdx, [rax + size] */
	rr(t, 1, OP1(0x39), MSIZE, RDX);                    /* cmp rdx, r14 */
	trap_jcc(t, CC_A, 0);
}

/* load kinds 0x28..0x35: the instruction that reads [r13 + rax] into rax */
static void load_op(struct tr *t, uint32_t kind)
{
	static const struct { uint8_t w, n, op[2], size; } L[14] = {
		{ 0, 1, { 0x8b }, 4 }, { 1, 1, { 0x8b }, 8 }, { 0, 1, { 0x8b }, 4 }, { 1, 1, { 0x8b }, 8 },
		{ 0, 2, { 0x0f, 0xbe }, 1 }, { 0, 2, { 0x0f, 0xb6 }, 1 },
		{ 0, 2, { 0x0f, 0xbf }, 2 }, { 0, 2, { 0x0f, 0xb7 }, 2 },
		{ 1, 2, { 0x0f, 0xbe }, 1 }, { 0, 2, { 0x0f, 0xb6 }, 1 },
		{ 1, 2, { 0x0f, 0xbf }, 2 }, { 0, 2, { 0x0f, 0xb7 }, 2 },
		{ 1, 1, { 0x63 }, 4 }, { 0, 1, { 0x8b }, 4 },
	};
	rm(t, 0, L[kind].w, L[kind].op, L[kind].n, RAX, MEM, RAX, 0);
}

static uint32_t load_size(uint32_t kind)
{
	static const uint8_t s[14] = { 4, 8, 4, 8, 1, 1, 2, 2, 1, 1, 2, 2, 4, 4 };
	return s[kind];
}

/* store kinds 0x36..0x3e: write rcx to [r13 + rax] */
static void store_op(struct tr *t, uint32_t kind)
{
	static const uint8_t size[9] = { 4, 8, 4, 8, 1, 2, 1, 2, 4 };
	switch (size[kind]) {
	case 1: rm(t, 0, 0, OP1(0x88), RCX, MEM, RAX, 0); break;
	case 2: rm(t, 0x66, 0, OP1(0x89), RCX, MEM, RAX, 0); break;
	case 4: rm(t, 0, 0, OP1(0x89), RCX, MEM, RAX, 0); break;
	default: rm(t, 0, 1, OP1(0x89), RCX, MEM, RAX, 0); break;
	}
}

static uint32_t store_size(uint32_t kind)
{
	static const uint8_t size[9] = { 4, 8, 4, 8, 1, 2, 1, 2, 4 };
	return size[kind];
}

/* ---- arithmetic ---- */

/* two-operand ALU op r, [slot] for i32/i64 add sub and or xor: opcode byte */
static int alu_rm_op(uint32_t k)
{
	switch (k) {
	case 0: return 0x03;  /* add */
	case 1: return 0x2b;  /* sub */
	case 7: return 0x23;  /* and */
	case 8: return 0x0b;  /* or */
	case 9: return 0x33;  /* xor */
	}
	return -1;
}

/* group 2 digit of the shifts and rotates: shl shr_s shr_u rotl rotr */
static int shift_digit(uint32_t k)
{
	switch (k) {
	case 10: return 4;
	case 11: return 7;
	case 12: return 5;
	case 13: return 0;
	case 14: return 1;
	}
	return -1;
}

/* dst = a op b for the binary integer ops add..rotr (k = op - 0x6a or
 * op - 0x7c); w selects i64 */
static int binop(struct tr *t, int w, uint32_t k, const uint32_t *pc)
{
	uint32_t dst = pc[1], a = pc[2], b = pc[3];
	int op = alu_rm_op(k), sd = shift_digit(k);

	if (op >= 0) {
		slot_rm(t, w, OP1(0x8b), RAX, a);
		slot_rm(t, w, (const uint8_t[]){ (uint8_t)op }, 1, RAX, b);
	} else if (k == 2) {
		slot_rm(t, w, OP1(0x8b), RAX, a);
		slot_rm(t, w, OP2(0x0f, 0xaf), RAX, b);            /* imul */
	} else if (sd >= 0) {
		ld32(t, RCX, b);
		slot_rm(t, w, OP1(0x8b), RAX, a);
		rr(t, w, OP1(0xd3), sd, RAX);                        /* shift rax, cl */
	} else {
		/* div_s div_u rem_s rem_u */
		uint32_t j1 = 0, j2 = 0;
		slot_rm(t, w, OP1(0x8b), RCX, b);
		rr(t, w, OP1(0x85), RCX, RCX);                       /* test rcx, rcx */
		trap_jcc(t, CC_E, 1);
		slot_rm(t, w, OP1(0x8b), RAX, a);
		if (k == 3 || k == 5) {
			rr(t, w, OP1(0x83), 7, RCX); b1(t, 0xff);       /* cmp rcx, -1 */
			b1(t, 0x75); j1 = here(t); b1(t, 0);            /* jne .div */
			if (k == 3) {
				if (w) {
					b1(t, 0x48); b1(t, 0xba);                /* movabs rdx, INT64_MIN */
					b4(t, 0); b4(t, 0x80000000u);
					rr(t, 1, OP1(0x39), RDX, RAX);           /* cmp rax, rdx */
				} else {
					alu_imm(t, 0, 7, RAX, 0x80000000u);      /* cmp eax, INT32_MIN */
				}
				trap_jcc(t, CC_E, 2);
			} else {
				rr(t, 0, OP1(0x31), RAX, RAX);           /* x % -1 = 0 */
				b1(t, 0xeb); j2 = here(t); b1(t, 0);     /* jmp .done */
			}
			patch8(t, j1);
		}
		if (k == 3 || k == 5) {
			if (w) b1(t, 0x48);
			b1(t, 0x99);                                     /* cdq / cqo */
			rr(t, w, OP1(0xf7), 7, RCX);                     /* idiv rcx */
		} else {
			rr(t, 0, OP1(0x31), RDX, RDX);                   /* xor edx, edx */
			rr(t, w, OP1(0xf7), 6, RCX);                     /* div rcx */
		}
		if (k == 5 || k == 6)
			rr(t, w, OP1(0x8b), RAX, RDX);                   /* the remainder */
		if (j2)
			patch8(t, j2);
	}
	st64(t, dst, RAX);
	return 1;
}

/* dst = a op imm for OP_I32_IMM + k (no div/rem) */
static int binop_imm(struct tr *t, uint32_t k, const uint32_t *pc)
{
	uint32_t dst = pc[1], a = pc[2], imm = pc[3];
	static const int8_t digit[15] = { 0, 5, -1, -1, -1, -1, -1, 4, 1, 6, -1, -1, -1, -1, -1 };
	int sd = shift_digit(k);

	if (k == 2) {
		slot_rm(t, 0, OP1(0x69), RAX, a);                    /* imul eax, [a], imm */
		b4(t, imm);
	} else if (sd >= 0) {
		ld32(t, RAX, a);
		rr(t, 0, OP1(0xc1), sd, RAX);
		b1(t, (uint8_t)(imm & 31));
	} else if (k < 15 && digit[k] >= 0) {
		ld32(t, RAX, a);
		alu_imm(t, 0, digit[k], RAX, imm);
	} else {
		return 0;
	}
	st64(t, dst, RAX);
	return 1;
}

/* ---- floating point ----
 * SSE2 scalar instructions, the ones the C compiler uses for the
 * interpreter's handlers, so results (NaN payloads included) are the same.
 * min, max, rounding, sqrt, conversions that trap or saturate are left to
 * the interpreter. */

/* rax = the bits of xmm0 (movq; movd for f32, which zero-extends) */
static void xmm0_to_rax(struct tr *t, int w)
{
	b1(t, 0x66);
	if (w)
		b1(t, 0x48);
	b1(t, 0x0f); b1(t, 0x7e); b1(t, 0xc0);
}

/* dst = a op b, f32 (w = 0) or f64 (w = 1); k = 0 add, 1 sub, 2 mul, 3 div */
static void fbinop(struct tr *t, int w, uint32_t k, const uint32_t *p)
{
	static const uint8_t sse[4] = { 0x58, 0x5c, 0x59, 0x5e };
	uint8_t pfx = w ? 0xf2 : 0xf3;

	sse_slot(t, pfx, 0x10, w, p[2]);                       /* movs? xmm0, a */
	sse_slot(t, pfx, sse[k & 3], w, p[3]);                 /* op xmm0, b (k < 4) */
	xmm0_to_rax(t, w);
	st64(t, p[1], RAX);
}

/* dst = (a cmp b) for f32/f64 eq ne lt gt le ge (k = 0..5), NaN-aware:
 * ucomis sets ZF, PF and CF together for an unordered pair */
static void fcompare(struct tr *t, int w, uint32_t k, const uint32_t *p)
{
	uint32_t x = p[2], y = p[3];
	int cc;

	if (k == 2 || k == 4) {          /* lt, le: compare b with a */
		x = p[3];
		y = p[2];
	}
	sse_slot(t, w ? 0xf2 : 0xf3, 0x10, w, x);
	sse_slot(t, w ? 0x66 : 0, 0x2e, w, y);                /* ucomis? xmm0, y */
	switch (k) {
	case 0: case 1:
		b1(t, 0x0f); b1(t, k ? 0x95 : 0x94); b1(t, 0xc0);              /* sete/setne al */
		b1(t, 0x0f); b1(t, k ? 0x9a : 0x9b); b1(t, 0xc1);              /* setp/setnp cl */
		b1(t, k ? 0x08 : 0x20); b1(t, 0xc8);                            /* or/and al, cl */
		b1(t, 0x0f); b1(t, 0xb6); b1(t, 0xc0);
		st64(t, p[1], RAX);
		return;
	case 2: case 3: cc = CC_A; break;
	default: cc = CC_AE; break;
	}
	set_store(t, cc, p[1]);
}

/* ---- one instruction ---- */

/* Translate the instruction at pc (its words at p); 0 if not supported
 * (the caller makes it a side exit). */
static int insn(struct tr *t, uint32_t pc, const uint32_t *p)
{
	/* an accumulator variant (ops.h) as its base: the translation reads
	 * the slot, which the interpreter's producers write through */
	uint32_t op = p[0] & (OP_ACC - 1);

	if (op >= 0x28 && op <= 0x35) {                  /* loads: dst addr off */
		ld32(t, RAX, p[2]);
		bounds(t, p[3], load_size(op - 0x28));
		load_op(t, op - 0x28);
		st64(t, p[1], RAX);
		return 1;
	}
	if (op >= OP_LOAD_ADD && op < OP_LOAD_ADD + 14) { /* dst x y off */
		ld32(t, RAX, p[2]);
		slot_rm(t, 0, OP1(0x03), RAX, p[3]);
		bounds(t, p[4], load_size(op - OP_LOAD_ADD));
		load_op(t, op - OP_LOAD_ADD);
		st64(t, p[1], RAX);
		return 1;
	}
	if (op >= 0x36 && op <= 0x3e) {                  /* stores: addr val off */
		ld32(t, RAX, p[1]);
		bounds(t, p[3], store_size(op - 0x36));
		ld64(t, RCX, p[2]);
		store_op(t, op - 0x36);
		return 1;
	}
	if (op >= OP_STORE_ADD && op < OP_STORE_ADD + 9) { /* x y val off */
		ld32(t, RAX, p[1]);
		slot_rm(t, 0, OP1(0x03), RAX, p[2]);
		bounds(t, p[4], store_size(op - OP_STORE_ADD));
		ld64(t, RCX, p[3]);
		store_op(t, op - OP_STORE_ADD);
		return 1;
	}
	if (op == 0x45 || op == 0x50) {                  /* eqz */
		slot_rm(t, op == 0x50, OP1(0x8b), RAX, p[2]);
		rr(t, op == 0x50, OP1(0x85), RAX, RAX);
		set_store(t, CC_E, p[1]);
		return 1;
	}
	if ((op >= 0x46 && op <= 0x4f) || (op >= 0x51 && op <= 0x5a)) {
		int w = op >= 0x51;
		slot_rm(t, w, OP1(0x8b), RAX, p[2]);
		slot_rm(t, w, OP1(0x3b), RAX, p[3]);             /* cmp rax, [b] */
		set_store(t, cmp_cc[op - (w ? 0x51 : 0x46)], p[1]);
		return 1;
	}
	if (op >= 0x5b && op <= 0x66) {                  /* f32/f64 eq ne lt gt le ge */
		fcompare(t, op >= 0x61, (op - 0x5b) % 6, p);
		return 1;
	}
	if ((op >= 0x92 && op <= 0x95) || (op >= 0xa0 && op <= 0xa3)) {
		fbinop(t, op >= 0xa0, op - (op >= 0xa0 ? 0xa0 : 0x92), p);
		return 1;
	}
	if (op >= 0x6a && op <= 0x78)
		return binop(t, 0, op - 0x6a, p);
	if (op >= 0x7c && op <= 0x8a)
		return binop(t, 1, op - 0x7c, p);
	if (op >= OP_I32_IMM && op < OP_I32_IMM + 15)
		return binop_imm(t, op - OP_I32_IMM, p);
	if ((op >= OP_BR_IF_CMP && op < OP_BR_IF_CMP + 11) ||
	    (op >= OP_BR_UNLESS_CMP && op < OP_BR_UNLESS_CMP + 11)) {
		int neg = op >= OP_BR_UNLESS_CMP;
		uint32_t k = op - (neg ? OP_BR_UNLESS_CMP : OP_BR_IF_CMP);
		int cc;
		ld32(t, RAX, p[1]);
		if (k == 0) {
			rr(t, 0, OP1(0x85), RAX, RAX);
			cc = CC_E;
		} else {
			slot_rm(t, 0, OP1(0x3b), RAX, p[2]);
			cc = cmp_cc[k - 1];
		}
		jcc_to(t, neg ? cc ^ 1 : cc, pc, p[3]);
		return 1;
	}
	if (op >= OP_SELECT_CMP && op < OP_SELECT_CMP + 10) { /* dst a b x y */
		ld32(t, RCX, p[4]);
		slot_rm(t, 0, OP1(0x3b), RCX, p[5]);
		ld64(t, RAX, p[3]);
		slot_rm(t, 1, OP2(0x0f, (uint8_t)(0x40 + cmp_cc[op - OP_SELECT_CMP])), RAX, p[2]);
		st64(t, p[1], RAX);
		return 1;
	}
	switch (op) {
	case OP_LOOP:
		return 1;                                /* an inner loop's marker */
	case OP_COPY:
		ld64(t, RAX, p[2]);
		st64(t, p[1], RAX);
		return 1;
	case OP_COPY2:
		move_slots(t, p[2], p[1], 2);
		return 1;
	case OP_BR:
		jump_to(t, pc, p[1]);
		return 1;
	case OP_BR_IF:
	case OP_BR_UNLESS:
		ld32(t, RAX, p[1]);
		rr(t, 0, OP1(0x85), RAX, RAX);
		jcc_to(t, op == OP_BR_IF ? CC_NE : CC_E, pc, p[2]);
		return 1;
	case OP_BR_MOVE:                                 /* target src dst n */
		if (p[4] > 16)
			return 0;
		move_slots(t, p[2], p[3], p[4]);
		jump_to(t, pc, p[1]);
		return 1;
	case OP_BR_IF_MOVE: {                            /* cond target src dst n */
		uint32_t skip;
		if (p[5] > 16)
			return 0;
		ld32(t, RAX, p[1]);
		rr(t, 0, OP1(0x85), RAX, RAX);
		b1(t, 0x0f); b1(t, 0x80 + CC_E);
		skip = here(t);
		b4(t, 0);
		move_slots(t, p[3], p[4], p[5]);
		jump_to(t, pc, p[2]);
		patch32(t, skip, here(t));
		return 1;
	}
	case OP_BR_TABLE: {                              /* idx n, n+1 x (target src dst count) */
		uint32_t n = p[2];
		if (n > 256)
			return 0;
		for (uint32_t i = 0; i <= n; i++) {
			const uint32_t *ent = p + 3 + 4 * i;
			if (ent[3] && ent[1] != ent[2])
				return 0;                /* result moves: left to the interpreter */
		}
		ld32(t, RAX, p[1]);
		for (uint32_t i = 0; i < n; i++) {
			alu_imm(t, 0, 7, RAX, i);                /* cmp eax, i */
			jcc_to(t, CC_E, pc, p[3 + 4 * i]);
		}
		jump_to(t, pc, p[3 + 4 * n]);
		return 1;
	}
	case OP_SELECT:                                  /* dst a b cond */
		ld32(t, RCX, p[4]);
		ld64(t, RAX, p[3]);
		rr(t, 0, OP1(0x85), RCX, RCX);
		slot_rm(t, 1, OP2(0x0f, 0x40 + CC_NE), RAX, p[2]);
		st64(t, p[1], RAX);
		return 1;
	case OP_GLOBAL_GET:                              /* dst index */
		rm(t, 0, 1, OP1(0x8b), RAX, CTX, -1, (int32_t)offsetof(struct aw_jit_ctx, globals));
		rm(t, 0, 1, OP1(0x8b), RAX, RAX, -1, (int32_t)(p[2] * 8));
		rm(t, 0, 1, OP1(0x8b), RAX, RAX, -1, 0);      /* val is the first field */
		st64(t, p[1], RAX);
		return 1;
	case OP_GLOBAL_SET:                              /* src index */
		rm(t, 0, 1, OP1(0x8b), RAX, CTX, -1, (int32_t)offsetof(struct aw_jit_ctx, globals));
		rm(t, 0, 1, OP1(0x8b), RAX, RAX, -1, (int32_t)(p[2] * 8));
		ld64(t, RCX, p[1]);
		rm(t, 0, 1, OP1(0x89), RCX, RAX, -1, 0);
		return 1;
	case OP_MEMORY_SIZE:                             /* dst */
		rr(t, 1, OP1(0x8b), RAX, MSIZE);
		rr(t, 1, OP1(0xc1), 5, RAX); b1(t, 16);        /* shr rax, 16 */
		st64(t, p[1], RAX);
		return 1;
	case 0xa7: case 0xad:                            /* wrap, extend_u: low 32 bits */
		ld32(t, RAX, p[2]);
		st64(t, p[1], RAX);
		return 1;
	case 0xac: case 0xc4:                            /* extend_i32_s, extend32_s */
		slot_rm(t, 1, OP1(0x63), RAX, p[2]);
		st64(t, p[1], RAX);
		return 1;
	case 0xc0: case 0xc1: case 0xc2: case 0xc3: {    /* extend8/16_s, i32 and i64 */
		int w = op >= 0xc2;
		uint8_t o = (op - 0xc0) & 1 ? 0xbf : 0xbe;
		slot_rm(t, w, OP2(0x0f, o), RAX, p[2]);
		st64(t, p[1], RAX);
		return 1;
	}
	case 0x8b: case 0x8c:                            /* f32.abs, f32.neg: the sign bit */
		ld32(t, RAX, p[2]);
		alu_imm(t, 0, op == 0x8b ? 4 : 6, RAX, op == 0x8b ? 0x7fffffffu : 0x80000000u);
		st64(t, p[1], RAX);
		return 1;
	case 0x99: case 0x9a:                            /* f64.abs (btr 63), f64.neg (btc 63) */
		ld64(t, RAX, p[2]);
		rr(t, 1, OP2(0x0f, 0xba), op == 0x99 ? 6 : 7, RAX); b1(t, 63);
		st64(t, p[1], RAX);
		return 1;
	case 0x98:                                       /* f32.copysign */
		ld32(t, RAX, p[2]);
		alu_imm(t, 0, 4, RAX, 0x7fffffffu);
		ld32(t, RCX, p[3]);
		alu_imm(t, 0, 4, RCX, 0x80000000u);
		rr(t, 0, OP1(0x09), RCX, RAX);               /* or eax, ecx */
		st64(t, p[1], RAX);
		return 1;
	case 0xa6:                                       /* f64.copysign */
		ld64(t, RAX, p[2]);
		rr(t, 1, OP2(0x0f, 0xba), 6, RAX); b1(t, 63);    /* btr rax, 63 */
		ld64(t, RCX, p[3]);
		rr(t, 1, OP1(0xc1), 5, RCX); b1(t, 63);          /* shr rcx, 63 */
		rr(t, 1, OP1(0xc1), 4, RCX); b1(t, 63);          /* shl rcx, 63 */
		rr(t, 1, OP1(0x09), RCX, RAX);               /* or rax, rcx */
		st64(t, p[1], RAX);
		return 1;
	case 0xb2: case 0xb3: case 0xb7: case 0xb8: {    /* f32/f64.convert_i32_s/u */
		int f64 = op >= 0xb7, u = op == 0xb3 || op == 0xb8;
		ld32(t, RAX, p[2]);
		if (!u)
			rr(t, 1, OP1(0x63), RAX, RAX);           /* movsxd rax, eax */
		/* cvtsi2s? xmm0, rax: every i32 and u32 is a 64-bit integer */
		b1(t, f64 ? 0xf2 : 0xf3); b1(t, 0x48); b1(t, 0x0f); b1(t, 0x2a); b1(t, 0xc0);
		xmm0_to_rax(t, f64);
		st64(t, p[1], RAX);
		return 1;
	}
	case OP_MADD:                                    /* dst x a b: x + a * b */
		ld32(t, RAX, p[3]);
		slot_rm(t, 0, OP2(0x0f, 0xaf), RAX, p[4]);
		slot_rm(t, 0, OP1(0x03), RAX, p[2]);
		st64(t, p[1], RAX);
		return 1;
	case OP_XOR_ANDI:                                /* dst a b imm: (a ^ b) & imm */
		ld32(t, RAX, p[2]);
		slot_rm(t, 0, OP1(0x33), RAX, p[3]);
		alu_imm(t, 0, 4, RAX, p[4]);
		st64(t, p[1], RAX);
		return 1;
	case OP_SHR_ANDI:                                /* dst a k m: (a >> k) & m */
		ld32(t, RAX, p[2]);
		rr(t, 0, OP1(0xc1), 5, RAX); b1(t, (uint8_t)(p[3] & 31));
		alu_imm(t, 0, 4, RAX, p[4]);
		st64(t, p[1], RAX);
		return 1;
	case OP_ANDI_XORI:                               /* dst a m k: (a & m) ^ k */
		ld32(t, RAX, p[2]);
		alu_imm(t, 0, 4, RAX, p[3]);
		alu_imm(t, 0, 6, RAX, p[4]);
		st64(t, p[1], RAX);
		return 1;
	case OP_ADDI_BRNE:                               /* dst a imm b target */
		ld32(t, RAX, p[2]);
		alu_imm(t, 0, 0, RAX, p[3]);
		st64(t, p[1], RAX);
		slot_rm(t, 0, OP1(0x3b), RAX, p[4]);
		jcc_to(t, CC_NE, pc, p[5]);
		return 1;
	case OP_SELECT_XAI:                              /* dst a b x y imm */
		ld32(t, RCX, p[4]);
		slot_rm(t, 0, OP1(0x33), RCX, p[5]);
		ld64(t, RAX, p[3]);
		rr(t, 0, OP1(0xf7), 0, RCX); b4(t, p[6]);      /* test ecx, imm */
		slot_rm(t, 1, OP2(0x0f, 0x40 + CC_NE), RAX, p[2]);
		st64(t, p[1], RAX);
		return 1;
	}
	return 0;
}

/* ---- the region ---- */

static void exit_with(struct tr *t, uint32_t target, uint32_t epilogue)
{
	mov_imm32(t, RAX, target);
	b1(t, 0xe9);
	b4(t, 0);
	patch32(t, here(t) - 4, epilogue);
}

/* the slots a region keeps in registers: the most used ones (at least
 * twice: each costs a load on entry and a store on exit); uses up count */
static int choose_cached(struct slot_count *count, uint32_t *cached)
{
	int n = 0;

	while (n < NCACHE) {
		struct slot_count *best = NULL;
		for (int i = 0; i < NCOUNT; i++) {
			struct slot_count *c = &count[i];
			if (c->n >= 2 && (!best || c->n > best->n ||
					  (c->n == best->n && c->slot < best->slot)))
				best = c;
		}
		if (!best)
			break;
		cached[n++] = best->slot;
		best->n = 0;
	}
	return n;
}

/* load (op 0x8b) or store (0x89) every cached slot */
static void cached_moves(struct tr *t, uint8_t op)
{
	for (int i = 0; i < t->ncached; i++)
		rm(t, 0, 1, (const uint8_t[]){ op }, 1, cache_reg[i], FP, -1, (int32_t)(t->cached[i] * 8));
}

static long translate(struct aw_jit_buf *buf, const uint32_t *code, uint32_t start, uint32_t end,
		      uint32_t frame_size, const uint32_t *cached, int ncached, struct slot_count *count)
{
	struct tr t = { .b = buf, .code = code, .start = start, .end = end, .ncached = ncached,
			.count = count };
	size_t base = buf->n;
	uint32_t pc = start, ops = 0, native = 0, epilogue, entry, trap_jmp[3];
	uint32_t entries[64];
	struct fixup *fix;
	long rc = -1;

	/* slots are addressed as [r12 + 8 * slot] with a 32-bit displacement */
	if (end <= start || end - start > (1u << 20) || frame_size >= (1u << 24))
		return -1;
	/* scratch arrays live in buf across the regions of a module */
	if (buf->nlabel < end - start) {
		free(buf->label);
		buf->nlabel = 0;
		buf->label = malloc((end - start) * sizeof(int32_t));
		if (!buf->label)
			return -1;
		buf->nlabel = end - start;
	}
	t.label = buf->label;
	t.entries = entries;
	for (int i = 0; i < ncached; i++)
		t.cached[i] = cached[i];
	for (uint32_t i = 0; i < end - start; i++)
		t.label[i] = -1;
	add_entry(&t, start);
	/* trap stubs: mov rax, -1 - kind; jmp epilogue */
	for (int k = 0; k < 3; k++) {
		t.trap_stub[k] = here(&t);
		b1(&t, 0x48); b1(&t, 0xc7); b1(&t, 0xc0); b4(&t, (uint32_t)(-1 - k));
		b1(&t, 0xe9); b4(&t, 0);
		trap_jmp[k] = here(&t) - 4;
	}
	while (pc < end && !t.bad) {
		const uint32_t *p = code + pc;
		uint32_t len = aw_op_words(p);
		t.label[pc - start] = (int32_t)(here(&t) - base);
		ops++;
		if (!len || pc + len > end) {
			b1(&t, 0xe9);                        /* unknown length: stop here */
			rel32_to(&t, pc, 1);
			break;
		}
		if (insn(&t, pc, p)) {
			native++;
		} else {
			b1(&t, 0xe9);                        /* side exit */
			rel32_to(&t, pc, 1);
		}
		pc += len;
	}
	if (pc >= end && !t.bad) {                           /* falling out of the loop */
		b1(&t, 0xe9);
		rel32_to(&t, end, 0);
	}
	/* not worth it unless most of the loop runs natively (in the test
	 * mode, anything goes: the point is to exercise the translator) */
	if (t.bad || !native || (aw_jit_mode < 2 && (native < 2 || native * 4 < ops * 3)))
		goto out;
	/* epilogue: write the cached slots back to the frame (every way out
	 * comes here, so the interpreter always finds the frame current), save
	 * the budget, restore callee-saved registers */
	epilogue = here(&t);
	cached_moves(&t, 0x89);
	rm(&t, 0, 1, OP1(0x89), BUDGET, CTX, -1, (int32_t)offsetof(struct aw_jit_ctx, budget));
	b1(&t, 0x41); b1(&t, 0x5f);                          /* pop r15 */
	b1(&t, 0x41); b1(&t, 0x5e);
	b1(&t, 0x41); b1(&t, 0x5d);
	b1(&t, 0x41); b1(&t, 0x5c);
	b1(&t, 0x5d);                                        /* pop rbp */
	b1(&t, 0x5b);                                        /* pop rbx */
	b1(&t, 0xc3);
	for (int k = 0; k < 3; k++)
		patch32(&t, trap_jmp[k], epilogue);
	/* branches: to a translated instruction, else to an exit stub */
	fix = buf->fix;
	for (uint32_t i = 0; i < t.nfix; i++) {
		uint32_t target = fix[i].target, to;
		if (!fix[i].exit && in_region(&t, target) && t.label[target - start] >= 0) {
			to = (uint32_t)(base + (size_t)t.label[target - start]);
		} else {
			to = here(&t);
			exit_with(&t, target, epilogue);
		}
		patch32(&t, fix[i].at, to);
	}
	/* entry: save registers, load the context, go to the entry pc */
	entry = here(&t);
	b1(&t, 0x53);                                        /* push rbx */
	b1(&t, 0x55);                                        /* push rbp */
	b1(&t, 0x41); b1(&t, 0x54);
	b1(&t, 0x41); b1(&t, 0x55);
	b1(&t, 0x41); b1(&t, 0x56);
	b1(&t, 0x41); b1(&t, 0x57);                          /* push r15 */
	rr(&t, 1, OP1(0x89), RDI, RBX);                      /* mov rbx, rdi */
	rr(&t, 0, OP1(0x89), RSI, RDX);                      /* mov edx, esi: rsi may cache a slot */
	rm(&t, 0, 1, OP1(0x8b), FP, CTX, -1, (int32_t)offsetof(struct aw_jit_ctx, fp));
	rm(&t, 0, 1, OP1(0x8b), MEM, CTX, -1, (int32_t)offsetof(struct aw_jit_ctx, mem));
	rm(&t, 0, 1, OP1(0x8b), MSIZE, CTX, -1, (int32_t)offsetof(struct aw_jit_ctx, memsize));
	rm(&t, 0, 1, OP1(0x8b), BUDGET, CTX, -1, (int32_t)offsetof(struct aw_jit_ctx, budget));
	cached_moves(&t, 0x8b);
	for (uint32_t i = 0; i < t.nentries; i++) {
		uint32_t e = t.entries[i];
		if (t.label[e - start] < 0)
			continue;
		alu_imm(&t, 0, 7, RDX, e);                       /* cmp edx, e */
		b1(&t, 0x0f); b1(&t, 0x80 + CC_E); b4(&t, 0);
		patch32(&t, here(&t) - 4, (uint32_t)(base + (size_t)t.label[e - start]));
	}
	rr(&t, 0, OP1(0x89), RDX, RAX);                      /* not an entry: return it */
	b1(&t, 0xe9); b4(&t, 0);
	patch32(&t, here(&t) - 4, epilogue);
	if (!buf->oom)
		rc = (long)entry;
out:
	if (rc < 0 && !buf->oom)
		buf->n = base;                               /* drop the partial region */
	return rc;
}

/* Translate twice: first counting slot operands, then again with the most
 * used slots in registers (if any slot is used twice). */
long aw_jit_translate(struct aw_jit_buf *buf, const uint32_t *code, uint32_t start, uint32_t end,
		       uint32_t frame_size)
{
	struct slot_count count[NCOUNT];
	uint32_t cached[NCACHE];
	size_t base = buf->n;
	long rc;
	int n;

	memset(count, 0, sizeof(count));
	rc = translate(buf, code, start, end, frame_size, NULL, 0, count);
	if (rc < 0 || buf->oom || !(n = choose_cached(count, cached)))
		return rc;
	buf->n = base;
	return translate(buf, code, start, end, frame_size, cached, n, NULL);
}

#else

long aw_jit_translate(struct aw_jit_buf *buf, const uint32_t *code, uint32_t start, uint32_t end,
		       uint32_t frame_size)
{
	(void)buf, (void)code, (void)start, (void)end, (void)frame_size;
	return -1;
}

#endif
