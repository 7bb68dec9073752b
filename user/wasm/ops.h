/*
 * Internal opcodes of the compiled code run by interp.c.
 *
 * Plain numeric, load/store, variable and constant instructions keep their
 * WebAssembly opcode number (so the table below only names the others); the
 * 0xFC-prefixed instructions map to OP_FC_BASE + their sub-opcode.  Every
 * immediate is a 32-bit word following the opcode; branch targets are word
 * indices into the function's code, so no LEB128 is parsed at run time.
 */
#ifndef AW_OPS_H
#define AW_OPS_H

enum {
	OP_UNREACHABLE = 0x00,
	OP_BR_UNLESS = 0x02,    /* target: pop i32, jump if zero (if) */
	OP_LOOP_CHECK = 0x03,   /* safe point: fuel and suspend requests */
	OP_BR_DROP = 0x04,      /* target arity drop */
	OP_BR_IF_DROP = 0x05,   /* target arity drop */
	OP_BR = 0x0c,           /* target */
	OP_BR_IF = 0x0d,        /* target */
	OP_BR_TABLE = 0x0e,     /* n, then n+1 x (target arity drop) */
	OP_RETURN = 0x0f,
	OP_CALL = 0x10,         /* function index */
	OP_CALL_INDIRECT = 0x11, /* type index, table index */
	OP_DROP = 0x1a,
	OP_SELECT = 0x1b,
	OP_LOCAL_GET = 0x20, OP_LOCAL_SET = 0x21, OP_LOCAL_TEE = 0x22,
	OP_GLOBAL_GET = 0x23, OP_GLOBAL_SET = 0x24,
	OP_TABLE_GET = 0x25, OP_TABLE_SET = 0x26,
	/* 0x28..0x3e loads and stores: offset */
	OP_MEMORY_SIZE = 0x3f, OP_MEMORY_GROW = 0x40,
	OP_I32_CONST = 0x41, OP_I64_CONST = 0x42, OP_F32_CONST = 0x43, OP_F64_CONST = 0x44,
	/* 0x45..0xc4 numeric */
	OP_REF_NULL = 0xd0, OP_REF_IS_NULL = 0xd1, OP_REF_FUNC = 0xd2,
	OP_FC_BASE = 0xe0,      /* + 0..17 */
	OP_LOCAL_GET2 = 0xf8,   /* fused: a b (two local.get) */
	OP_COUNT = 0x100,
};

#endif
