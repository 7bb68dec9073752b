/*
 * Internal opcodes of the register-based code run by interp.c.
 *
 * Every operand is a 32-bit word: a frame slot index (see compile.h for the
 * frame layout) or an immediate.  Numeric instructions keep their
 * WebAssembly opcode number and take "dst, src..." slots; loads take
 * "dst, addr, offset" and stores "addr, value, offset".  The 0xFC-prefixed
 * instructions map to OP_FC_BASE + their sub-opcode.  Branch targets are
 * word indices into the function's code, so no LEB128 is parsed at run time.
 */
#ifndef AW_OPS_H
#define AW_OPS_H

enum {
	OP_UNREACHABLE = 0x00,
	OP_COPY = 0x01,         /* dst src */
	OP_COPY2 = 0x03,        /* dst src: both words of a v128 slot */
	OP_SELECT2 = 0x1c,      /* dst a b cond, v128 */
	OP_GLOBAL_GET2 = 0x20,  /* dst index, v128 */
	OP_GLOBAL_SET2 = 0x21,  /* src index, v128 */
	OP_BR_UNLESS = 0x02,    /* cond target (if) */
	OP_BR_MOVE = 0x04,
	OP_LOOP = 0x06,         /* loop-table index: a loop head, entry to its JIT region (jit.h) */      /* target src dst n: move n results, jump */
	OP_BR_IF_MOVE = 0x05,   /* cond target src dst n */
	OP_BR = 0x0c,           /* target */
	OP_BR_IF = 0x0d,        /* cond target */
	OP_BR_TABLE = 0x0e,     /* idx n, then n+1 x (target src dst count) */
	OP_RETURN = 0x0f,       /* src n: results fp[src..src+n) */
	OP_CALL = 0x10,         /* function index, first argument slot */
	OP_CALL_INDIRECT = 0x11, /* type index, table index, index slot, first argument slot */
	OP_SELECT = 0x1b,       /* dst a b cond */
	OP_GLOBAL_GET = 0x23,   /* dst index */
	OP_GLOBAL_SET = 0x24,   /* src index */
	OP_TABLE_GET = 0x25,    /* dst i table */
	OP_TABLE_SET = 0x26,    /* i value table */
	/* 0x28..0x35 loads: dst addr offset; 0x36..0x3e stores: addr value offset */
	OP_MEMORY_SIZE = 0x3f,  /* dst */
	OP_MEMORY_GROW = 0x40,  /* dst delta */
	/* 0x45..0xc4 numeric: dst a [b] */
	/* fused "i32 compare; br_if": a b target; eqz compares with 0 */
	OP_BR_IF_CMP = 0xc5,    /* + (compare opcode - 0x45), 11 opcodes */
	OP_REF_IS_NULL = 0xd1,  /* dst a */
	OP_REF_FUNC = 0xd2,     /* dst function index */
	OP_BR_UNLESS_CMP = 0xd3, /* + (compare opcode - 0x45): the if form */
	OP_FC_BASE = 0xe0,      /* + 0..17, operands as listed in validate.c */
	OP_SIMD = 0xfd,         /* sub-opcode [dst] srcs... [immediates]: simd.c */
	OP_LOAD_ADD = 0x100,    /* + (load - 0x28): dst x y offset, address x + y */
	OP_STORE_ADD = 0x10e,   /* + (store - 0x36): x y value offset */
	OP_I32_IMM = 0x120,     /* + (op - 0x6a), i32 add..rotr but div/rem: dst a imm32 */
	OP_MADD = 0x130,        /* dst x a b: x + a * b (i32) */
	OP_XOR_ANDI = 0x131,    /* dst a b imm32: (a ^ b) & imm (i32) */
	OP_SHR_ANDI = 0x132,    /* dst a k m: (a >> k) & m (i32, unsigned shift) */
	OP_ANDI_XORI = 0x133,   /* dst a m k: (a & m) ^ k (i32) */
	OP_ADDI_BRNE = 0x134,   /* dst a imm b target: dst = a + imm; branch if dst != b (i32) */
	OP_SELECT_CMP = 0x140,  /* + (compare - 0x46), eq..ge_u: dst a b x y: x cmp y ? a : b (i32 compare) */
	OP_SELECT_XAI = 0x14a,  /* dst a b x y imm: (x ^ y) & imm ? a : b */
	OP_COUNT = 0x200,       /* base opcodes; OP_ACC | op is op's accumulator variant */
	/* Accumulator variant of a consumer instruction (compile.c marks them):
	 * the same words as the base instruction, but one source operand is
	 * read from the interpreter's accumulator register, which holds the
	 * result of the instruction right before (that one also stored its
	 * slot, so the operand word still names the right value).  Everything
	 * but the interpreter's dispatch may treat OP_ACC | op as op. */
	OP_ACC = 0x200,
	/* A producer whose result the next instruction (an accumulator variant)
	 * is the only reader of: its handler leaves the result in acc only and
	 * does not store the slot.  Also "everything but dispatch treats it as
	 * the base instruction": the JIT's translation stores as always. */
	OP_NOSTORE = 0x400,
};

#endif
