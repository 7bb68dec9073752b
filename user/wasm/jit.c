/*
 * The loop JIT, host-independent part (see jit.h): walking the internal
 * code, translating a module's loops into one block of executable memory,
 * and pointing the interpreter's backward branches at the loop markers so
 * that a loop that side-exited (to make a call, say) re-enters its
 * translation on the next iteration.
 *
 * Memory discipline: code is written into an ordinary heap buffer, copied
 * into a fresh anonymous mapping that is then made read+execute; no page is
 * ever writable and executable at once.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "internal.h"
#include "jit.h"
#include "ops.h"

#if defined(__x86_64__)
int aw_jit_mode = 1;
#else
int aw_jit_mode = 0;
#endif

int aw_set_jit(int policy)
{
	int old = aw_jit_mode;

#if defined(__x86_64__)
	if (policy >= AW_JIT_OFF && policy <= AW_JIT_ALL)
		aw_jit_mode = policy;
#else
	(void)policy;
#endif
	return old;
}

/* Words of the instruction at pc, from the operand lists of ops.h and the
 * handlers of interp_loop.h; 0 for SIMD (variable length) and unknown. */
uint32_t aw_op_words(const uint32_t *pc)
{
	uint32_t op = pc[0] & (OP_ACC - 1); /* a variant has its base's words */

	if (op >= 0x28 && op <= 0x3e)
		return 4;               /* loads, stores: a b offset */
	if (op >= 0x45 && op <= 0xc4) {
		/* numeric: dst a [b]; the unary ones take 3 words */
		static const uint8_t unary_ranges[][2] = {
			{ 0x45, 0x45 }, { 0x50, 0x50 }, { 0x67, 0x69 }, { 0x79, 0x7b },
			{ 0x8b, 0x91 }, { 0x99, 0x9f }, { 0xa7, 0xc4 },
		};
		for (size_t i = 0; i < sizeof(unary_ranges) / sizeof(unary_ranges[0]); i++)
			if (op >= unary_ranges[i][0] && op <= unary_ranges[i][1])
				return 3;
		return 4;
	}
	if ((op >= OP_BR_IF_CMP && op < OP_BR_IF_CMP + 11) ||
	    (op >= OP_BR_UNLESS_CMP && op < OP_BR_UNLESS_CMP + 11))
		return 4;
	if (op >= OP_FC_BASE && op < OP_FC_BASE + 8)
		return 3;               /* saturating truncations */
	if (op >= OP_LOAD_ADD && op < OP_LOAD_ADD + 23)
		return 5;               /* fused loads and stores: 4 operands */
	if (op >= OP_I32_IMM && op < OP_I32_IMM + 15)
		return 4;
	if (op >= OP_SELECT_CMP && op < OP_SELECT_CMP + 10)
		return 6;
	switch (op) {
	case OP_UNREACHABLE: return 1;
	case OP_COPY: case OP_COPY2: case OP_BR_UNLESS: case OP_BR_IF: return 3;
	case OP_LOOP: case OP_BR: return 2;
	case OP_BR_MOVE: return 5;
	case OP_BR_IF_MOVE: return 6;
	case OP_BR_TABLE: return 3 + 4 * (pc[2] + 1);
	case OP_RETURN: case OP_CALL: return 3;
	case OP_CALL_INDIRECT: return 5;
	case OP_SELECT: case OP_SELECT2: return 5;
	case OP_GLOBAL_GET: case OP_GLOBAL_SET: case OP_GLOBAL_GET2: case OP_GLOBAL_SET2: return 3;
	case OP_TABLE_GET: case OP_TABLE_SET: return 4;
	case OP_MEMORY_SIZE: return 2;
	case OP_MEMORY_GROW: case OP_REF_IS_NULL: case OP_REF_FUNC: return 3;
	case OP_FC_BASE + 8: return 5;  /* memory.init d s n seg */
	case OP_FC_BASE + 9: return 2;  /* data.drop seg */
	case OP_FC_BASE + 10: case OP_FC_BASE + 11: return 4;
	case OP_FC_BASE + 12: return 6; /* table.init d s n seg table */
	case OP_FC_BASE + 13: return 2;
	case OP_FC_BASE + 14: return 6;
	case OP_FC_BASE + 15: return 5; /* table.grow dst init n table */
	case OP_FC_BASE + 16: return 3;
	case OP_FC_BASE + 17: return 5;
	case OP_MADD: case OP_XOR_ANDI: case OP_SHR_ANDI: case OP_ANDI_XORI: return 5;
	case OP_ADDI_BRNE: return 6;
	case OP_SELECT_XAI: return 7;
	}
	return 0;
}

/* Position (relative to pc) of the branch target word of the
 * instruction at pc; 0 if it has none (br_table is walked separately). */
static uint32_t target_word(const uint32_t *pc)
{
	uint32_t op = pc[0] & (OP_ACC - 1);

	if ((op >= OP_BR_IF_CMP && op < OP_BR_IF_CMP + 11) ||
	    (op >= OP_BR_UNLESS_CMP && op < OP_BR_UNLESS_CMP + 11))
		return 3;
	switch (op) {
	case OP_BR: case OP_BR_MOVE: return 1;
	case OP_BR_IF: case OP_BR_UNLESS: case OP_BR_IF_MOVE: return 2;
	case OP_ADDI_BRNE: return 5;
	}
	return 0;
}

const char *aw_jit_trap_msg(int64_t code)
{
	switch (code) {
	case AW_JIT_TRAP_OOB: return "out of bounds memory access";
	case AW_JIT_TRAP_DIV0: return "integer divide by zero";
	case AW_JIT_TRAP_OVERFLOW: return "integer overflow";
	}
	return "internal error: bad JIT exit";
}

/* Backward branches of a translated loop that go to its start now go to
 * its marker: the interpreter re-enters the translation there. */
static void retarget_backedges(struct aw_code *code, const struct aw_loop *l)
{
	uint32_t pc = l->start;

	while (pc < l->end) {
		uint32_t *p = code->code + pc, len = aw_op_words(p), w;
		if (!len)
			break;
		if (p[0] == OP_BR_TABLE) {
			for (uint32_t i = 0; i <= p[2]; i++)
				if (p[3 + 4 * i] == l->start)
					p[3 + 4 * i] = l->marker;
		} else if ((w = target_word(p)) && p[w] == l->start) {
			p[w] = l->marker;
		}
		pc += len;
	}
}

/* one loop to translate */
struct job {
	uint32_t code, loop, size;
	long off;                  /* its entry in the buffer, -1 if none */
};

static int by_size(const void *a, const void *b)
{
	const struct job *x = a, *y = b;
	return x->size < y->size ? -1 : x->size > y->size;
}

/* Nested loops are translated separately (each is entered on its own), so
 * the work can grow with nesting depth times code size.  Inner, smaller
 * loops go first; translation stops once it has covered this many words
 * of internal code, a small multiple of the module's own. */
static uint64_t translation_budget(const struct aw_module *m)
{
	uint64_t words = 0;

	for (uint32_t i = 0; i < m->nfuncs - m->nfuncs_imported; i++)
		words += m->codes[i].ncode;
	return 4 * words + 65536;
}

void aw_jit_module(struct aw_module *m)
{
	struct aw_jit_buf buf = { 0 };
	uint32_t ncodes = m->nfuncs - m->nfuncs_imported;
	uint64_t budget, used = 0;
	struct job *jobs;
	size_t nj = 0, len;
	uint8_t *mem;

	if (!aw_jit_mode)
		return;
	for (uint32_t i = 0; i < ncodes; i++)
		nj += m->codes[i].nloops;
	if (!nj || !(jobs = malloc(nj * sizeof(*jobs))))
		return;
	nj = 0;
	for (uint32_t i = 0; i < ncodes; i++)
		for (uint32_t j = 0; j < m->codes[i].nloops; j++) {
			const struct aw_loop *l = &m->codes[i].loops[j];
			jobs[nj++] = (struct job){ i, j, l->end - l->start, -1 };
		}
	qsort(jobs, nj, sizeof(*jobs), by_size);
	/* translate everything from the unpatched code first */
	budget = translation_budget(m);
	for (size_t k = 0; k < nj && used + jobs[k].size <= budget; k++) {
		struct aw_code *code = &m->codes[jobs[k].code];
		struct aw_loop *l = &code->loops[jobs[k].loop];
		jobs[k].off = aw_jit_translate(&buf, code->code, l->start, l->end, code->frame_size);
		used += jobs[k].size;
	}
	len = (buf.n + 4095) & ~(size_t)4095;
	mem = buf.oom || !buf.n ? MAP_FAILED :
	      mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem != MAP_FAILED) {
		memcpy(mem, buf.p, buf.n);
		if (mprotect(mem, len, PROT_READ | PROT_EXEC)) {
			munmap(mem, len);
			mem = MAP_FAILED;
		}
	}
	free(buf.p);
	free(buf.label);
	free(buf.fix);
	if (mem == MAP_FAILED) {
		free(jobs);
		return; /* no executable memory: everything stays interpreted */
	}
	m->jit_mem = mem;
	m->jit_len = len;
	m->jit_bytes = buf.n;
	for (size_t k = 0; k < nj; k++)
		if (jobs[k].off >= 0)
			m->codes[jobs[k].code].loops[jobs[k].loop].fn =
				(aw_jit_fn)(void *)(mem + jobs[k].off);
	/* then point back-edges at the markers, outer loops first */
	for (uint32_t i = 0; i < ncodes; i++)
		for (uint32_t j = 0; j < m->codes[i].nloops; j++)
			if (m->codes[i].loops[j].fn)
				retarget_backedges(&m->codes[i], &m->codes[i].loops[j]);
	free(jobs);
}

void aw_jit_release(struct aw_module *m)
{
	if (m->jit_mem)
		munmap(m->jit_mem, m->jit_len);
	m->jit_mem = NULL;
}
