/*
 * The x86-64 translator's assembler, included once by jit_x86.c: registers,
 * condition codes, the translation state, and the byte and instruction
 * encoders (REX, ModRM, SIB, displacements; frame-slot operands).  Kept apart
 * from the instruction templates so each file has one mechanism.
 */
#ifndef AW_JIT_X86_ASM_H
#define AW_JIT_X86_ASM_H
enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
#define FP R12
#define MEM R13
#define MSIZE R14
#define BUDGET R15
#define CTX RBX

/* condition codes */
enum { CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A,
       CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G };

/* the i32/i64 comparisons eq..ge_u (opcode - 0x46 or - 0x51) as "a cc b" */
static const uint8_t cmp_cc[10] = { CC_E, CC_NE, CC_L, CC_B, CC_G, CC_A, CC_LE, CC_BE, CC_GE, CC_AE };


struct fixup {
	uint32_t at;       /* position of a rel32 to fill */
	uint32_t target;   /* internal pc it goes to */
	int exit;          /* always through the exit stub (a side exit, or
			    * the budget ran out) */
};

/* Frame slots a region keeps in registers (jit_x86.c: choose_cached): the
 * registers no template uses.  Caller-saved but rbp; the region never
 * calls out, so nothing else touches them. */
#define NCACHE 7
static const uint8_t cache_reg[NCACHE] = { R8, R9, R10, R11, RSI, RDI, RBP };

/* slot use counts of a first translation, to choose what to cache */
#define NCOUNT 256
struct slot_count {
	uint32_t slot, n;          /* n == 0: free entry */
};

struct tr {
	struct aw_jit_buf *b;
	const uint32_t *code;
	uint32_t start, end;
	int32_t *label;          /* native offset of each internal pc in [start, end), or -1 */
	uint32_t *entries;       /* backward branch targets: where the region may be entered */
	uint32_t nentries;
	uint32_t nfix;
	uint32_t trap_stub[3];   /* the stubs returning AW_JIT_TRAP_* (-1 - kind) */
	int bad;                 /* something did not fit: give up on the region */
	uint32_t cached[NCACHE]; /* slot held in cache_reg[i] for the whole region */
	int ncached;
	struct slot_count *count; /* non-NULL: count slot operands (first pass) */
};

/* ---- bytes ---- */

/* make room for n more bytes; false when out of memory */
static int room(struct tr *t, size_t n)
{
	struct aw_jit_buf *b = t->b;
	size_t cap;
	uint8_t *np;

	if (b->oom)
		return 0;
	if (b->n + n <= b->cap)
		return 1;
	cap = b->cap ? b->cap * 2 : 16384;
	while (cap < b->n + n)
		cap *= 2;
	np = realloc(b->p, cap);
	if (!np) {
		b->oom = 1;
		return 0;
	}
	b->p = np;
	b->cap = cap;
	return 1;
}

static inline void b1(struct tr *t, uint8_t x)
{
	if (t->b->n < t->b->cap || room(t, 1))
		t->b->p[t->b->n++] = x;
}

static inline void b4(struct tr *t, uint32_t x)
{
	if (t->b->n + 4 <= t->b->cap || room(t, 4)) {
		memcpy(t->b->p + t->b->n, &x, 4);
		t->b->n += 4;
	}
}

static uint32_t here(struct tr *t)
{
	return (uint32_t)t->b->n;
}

static void patch32(struct tr *t, uint32_t at, uint32_t to)
{
	int32_t rel = (int32_t)(to - (at + 4));
	if (!t->b->oom)
		memcpy(t->b->p + at, &rel, 4);
}

/* ---- instruction encoding ---- */

/* [pfx] [REX] op... modrm [sib] [disp]: reg field `reg`, memory operand
 * [base + idx + disp] (idx < 0: none; scale 1) */
static void rm(struct tr *t, uint8_t pfx, int w, const uint8_t *op, int nop, int reg,
	       int base, int idx, int32_t disp)
{
	uint8_t rex = 0x40 | (w ? 8 : 0) | (reg & 8 ? 4 : 0) | (idx >= 0 && (idx & 8) ? 2 : 0) |
		      (base & 8 ? 1 : 0);
	int mod = disp == 0 && (base & 7) != 5 ? 0 : disp >= -128 && disp <= 127 ? 1 : 2;

	if (pfx)
		b1(t, pfx);
	if (rex != 0x40)
		b1(t, rex);
	for (int i = 0; i < nop; i++)
		b1(t, op[i]);
	if (idx >= 0 || (base & 7) == 4) {
		b1(t, (uint8_t)(mod << 6 | (reg & 7) << 3 | 4));
		b1(t, (uint8_t)((idx >= 0 ? idx & 7 : 4) << 3 | (base & 7)));
	} else {
		b1(t, (uint8_t)(mod << 6 | (reg & 7) << 3 | (base & 7)));
	}
	if (mod == 1)
		b1(t, (uint8_t)disp);
	else if (mod == 2)
		b4(t, (uint32_t)disp);
}

/* register-direct form: op /reg with r/m = rmreg; with `rex`, a REX
 * prefix even when it has no bits set, so that a byte operand in rsi, rdi
 * or rbp means sil, dil, bpl (not dh, bh, ch) */
static void rr_rex(struct tr *t, int w, const uint8_t *op, int nop, int reg, int rmreg, int rex_always)
{
	uint8_t rex = 0x40 | (w ? 8 : 0) | (reg & 8 ? 4 : 0) | (rmreg & 8 ? 1 : 0);

	if (rex != 0x40 || rex_always)
		b1(t, rex);
	for (int i = 0; i < nop; i++)
		b1(t, op[i]);
	b1(t, (uint8_t)(0xc0 | (reg & 7) << 3 | (rmreg & 7)));
}

static void rr(struct tr *t, int w, const uint8_t *op, int nop, int reg, int rmreg)
{
	rr_rex(t, w, op, nop, reg, rmreg, 0);
}

#define OP1(x) (const uint8_t[]){ x }, 1
#define OP2(x, y) (const uint8_t[]){ x, y }, 2

/* the register holding frame slot `slot` in this region, or -1 */
static int slot_reg(struct tr *t, uint32_t slot)
{
	for (int i = 0; i < t->ncached; i++)
		if (t->cached[i] == slot)
			return cache_reg[i];
	return -1;
}

static void count_slot(struct tr *t, uint32_t slot)
{
	uint32_t h = (slot * 2654435761u) % NCOUNT;

	for (uint32_t i = 0; i < NCOUNT; i++, h = (h + 1) % NCOUNT) {
		struct slot_count *c = &t->count[h];
		if (!c->n || c->slot == slot) {
			c->slot = slot;
			c->n++;
			return;
		}
	}                       /* table full: the slot is not counted */
}

/* op with frame slot i as its r/m operand: [r12 + 8 * i], or the register
 * caching it (every template's slot operand is a r/m that may be a register) */
static void slot_rm(struct tr *t, int w, const uint8_t *op, int nop, int reg, uint32_t slot)
{
	int r;

	if (t->count)
		count_slot(t, slot);
	r = slot_reg(t, slot);
	if (r >= 0)
		rr_rex(t, w, op, nop, reg, r, 1);
	else
		rm(t, 0, w, op, nop, reg, FP, -1, (int32_t)(slot * 8));
}

/* SSE scalar op xmm0, slot (op 0x10: the load movss/movsd; else the
 * arithmetic or ucomis opcode, with its prefix pfx); f64 selects the width
 * of the move from a caching register (movd or movq, through xmm1) */
static void sse_slot(struct tr *t, uint8_t pfx, uint8_t op, int f64, uint32_t slot)
{
	int r;

	if (t->count)
		count_slot(t, slot);
	r = slot_reg(t, slot);
	if (r < 0) {
		rm(t, pfx, 0, (const uint8_t[]){ 0x0f, op }, 2, 0, FP, -1, (int32_t)(slot * 8));
		return;
	}
	b1(t, 0x66);                                    /* movd/movq xmm(0|1), r */
	b1(t, (uint8_t)(0x40 | (f64 ? 8 : 0) | (r & 8 ? 1 : 0)));
	b1(t, 0x0f); b1(t, 0x6e);
	b1(t, (uint8_t)(0xc0 | (op == 0x10 ? 0 : 1) << 3 | (r & 7)));
	if (op != 0x10) {                               /* op xmm0, xmm1 */
		if (pfx)
			b1(t, pfx);
		b1(t, 0x0f); b1(t, op); b1(t, 0xc1);
	}
}

static void ld32(struct tr *t, int reg, uint32_t slot) { slot_rm(t, 0, OP1(0x8b), reg, slot); }
static void ld64(struct tr *t, int reg, uint32_t slot) { slot_rm(t, 1, OP1(0x8b), reg, slot); }
static void st64(struct tr *t, uint32_t slot, int reg) { slot_rm(t, 1, OP1(0x89), reg, slot); }

/* op r, imm32 (group 1: /0 add, /1 or, /4 and, /5 sub, /6 xor, /7 cmp) */
static void alu_imm(struct tr *t, int w, int digit, int reg, uint32_t imm)
{
	rr(t, w, OP1(0x81), digit, reg);
	b4(t, imm);
}

static void mov_imm32(struct tr *t, int reg, uint32_t imm)
{
	if (reg & 8)
		b1(t, 0x41);
	b1(t, (uint8_t)(0xb8 + (reg & 7)));
	b4(t, imm);
}

/* setcc al; movzx eax, al; store to slot */
static void set_store(struct tr *t, int cc, uint32_t dst)
{
	b1(t, 0x0f); b1(t, (uint8_t)(0x90 + cc)); b1(t, 0xc0);
	b1(t, 0x0f); b1(t, 0xb6); b1(t, 0xc0);
	st64(t, dst, RAX);
}

#endif
