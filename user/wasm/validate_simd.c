/*
 * Validation and emission of the 0xFD-prefixed SIMD (v128) instructions.
 * A table gives each sub-opcode its form (plain, load, store, lane access,
 * constant, shuffle) and its operand types; everything is emitted as
 * OP_SIMD sub [dst] srcs... [immediates] and executed by simd.c.
 */
#include <string.h>
#include "compile.h"
#include "ops.h"

enum { K_NONE, K_PLAIN, K_LOAD, K_STORE, K_LOAD_LANE, K_STORE_LANE, K_CONST, K_SHUFFLE,
       K_EXTRACT, K_REPLACE };

struct simd_form {
	uint8_t kind;
	uint8_t arg;     /* loads/stores: max alignment (log2); lane ops: lane count */
	const char *sig; /* i I f F V, "args>result" */
};

#define P(s) { K_PLAIN, 0, s }
#define UNV P("V>V")
#define BINV P("VV>V")
#define SHIFT P("Vi>V")
#define TEST P("V>i")

static const struct simd_form forms[256] = {
	[0x00] = { K_LOAD, 4, "i>V" },
	[0x01] = { K_LOAD, 3, "i>V" }, [0x02] = { K_LOAD, 3, "i>V" }, [0x03] = { K_LOAD, 3, "i>V" },
	[0x04] = { K_LOAD, 3, "i>V" }, [0x05] = { K_LOAD, 3, "i>V" }, [0x06] = { K_LOAD, 3, "i>V" },
	[0x07] = { K_LOAD, 0, "i>V" }, [0x08] = { K_LOAD, 1, "i>V" }, [0x09] = { K_LOAD, 2, "i>V" },
	[0x0a] = { K_LOAD, 3, "i>V" },
	[0x0b] = { K_STORE, 4, "iV>" },
	[0x0c] = { K_CONST, 0, ">V" },
	[0x0d] = { K_SHUFFLE, 32, "VV>V" },
	[0x0e] = BINV,
	[0x0f] = P("i>V"), [0x10] = P("i>V"), [0x11] = P("i>V"), [0x12] = P("I>V"),
	[0x13] = P("f>V"), [0x14] = P("F>V"),
	[0x15] = { K_EXTRACT, 16, "V>i" }, [0x16] = { K_EXTRACT, 16, "V>i" },
	[0x17] = { K_REPLACE, 16, "Vi>V" },
	[0x18] = { K_EXTRACT, 8, "V>i" }, [0x19] = { K_EXTRACT, 8, "V>i" },
	[0x1a] = { K_REPLACE, 8, "Vi>V" },
	[0x1b] = { K_EXTRACT, 4, "V>i" }, [0x1c] = { K_REPLACE, 4, "Vi>V" },
	[0x1d] = { K_EXTRACT, 2, "V>I" }, [0x1e] = { K_REPLACE, 2, "VI>V" },
	[0x1f] = { K_EXTRACT, 4, "V>f" }, [0x20] = { K_REPLACE, 4, "Vf>V" },
	[0x21] = { K_EXTRACT, 2, "V>F" }, [0x22] = { K_REPLACE, 2, "VF>V" },
	[0x23 ... 0x4c] = BINV, /* comparisons */
	[0x4d] = UNV, [0x4e] = BINV, [0x4f] = BINV, [0x50] = BINV, [0x51] = BINV,
	[0x52] = P("VVV>V"), [0x53] = TEST,
	[0x54] = { K_LOAD_LANE, 16, "iV>V" }, [0x55] = { K_LOAD_LANE, 8, "iV>V" },
	[0x56] = { K_LOAD_LANE, 4, "iV>V" }, [0x57] = { K_LOAD_LANE, 2, "iV>V" },
	[0x58] = { K_STORE_LANE, 16, "iV>" }, [0x59] = { K_STORE_LANE, 8, "iV>" },
	[0x5a] = { K_STORE_LANE, 4, "iV>" }, [0x5b] = { K_STORE_LANE, 2, "iV>" },
	[0x5c] = { K_LOAD, 2, "i>V" }, [0x5d] = { K_LOAD, 3, "i>V" },
	[0x5e] = UNV, [0x5f] = UNV,
	[0x60] = UNV, [0x61] = UNV, [0x62] = UNV, [0x63] = TEST, [0x64] = TEST,
	[0x65] = BINV, [0x66] = BINV,
	[0x67] = UNV, [0x68] = UNV, [0x69] = UNV, [0x6a] = UNV,
	[0x6b] = SHIFT, [0x6c] = SHIFT, [0x6d] = SHIFT,
	[0x6e] = BINV, [0x6f] = BINV, [0x70] = BINV, [0x71] = BINV, [0x72] = BINV, [0x73] = BINV,
	[0x74] = UNV, [0x75] = UNV,
	[0x76] = BINV, [0x77] = BINV, [0x78] = BINV, [0x79] = BINV,
	[0x7a] = UNV, [0x7b] = BINV,
	[0x7c] = UNV, [0x7d] = UNV, [0x7e] = UNV, [0x7f] = UNV,
	[0x80] = UNV, [0x81] = UNV, [0x82] = BINV, [0x83] = TEST, [0x84] = TEST,
	[0x85] = BINV, [0x86] = BINV,
	[0x87] = UNV, [0x88] = UNV, [0x89] = UNV, [0x8a] = UNV,
	[0x8b] = SHIFT, [0x8c] = SHIFT, [0x8d] = SHIFT,
	[0x8e] = BINV, [0x8f] = BINV, [0x90] = BINV, [0x91] = BINV, [0x92] = BINV, [0x93] = BINV,
	[0x94] = UNV,
	[0x95] = BINV, [0x96] = BINV, [0x97] = BINV, [0x98] = BINV, [0x99] = BINV,
	[0x9b] = BINV, [0x9c] = BINV, [0x9d] = BINV, [0x9e] = BINV, [0x9f] = BINV,
	[0xa0] = UNV, [0xa1] = UNV, [0xa3] = TEST, [0xa4] = TEST,
	[0xa7] = UNV, [0xa8] = UNV, [0xa9] = UNV, [0xaa] = UNV,
	[0xab] = SHIFT, [0xac] = SHIFT, [0xad] = SHIFT,
	[0xae] = BINV, [0xb1] = BINV, [0xb5] = BINV,
	[0xb6] = BINV, [0xb7] = BINV, [0xb8] = BINV, [0xb9] = BINV, [0xba] = BINV,
	[0xbc] = BINV, [0xbd] = BINV, [0xbe] = BINV, [0xbf] = BINV,
	[0xc0] = UNV, [0xc1] = UNV, [0xc3] = TEST, [0xc4] = TEST,
	[0xc7] = UNV, [0xc8] = UNV, [0xc9] = UNV, [0xca] = UNV,
	[0xcb] = SHIFT, [0xcc] = SHIFT, [0xcd] = SHIFT,
	[0xce] = BINV, [0xd1] = BINV, [0xd5] = BINV,
	[0xd6 ... 0xdb] = BINV,
	[0xdc] = BINV, [0xdd] = BINV, [0xde] = BINV, [0xdf] = BINV,
	[0xe0] = UNV, [0xe1] = UNV, [0xe3] = UNV,
	[0xe4 ... 0xeb] = BINV,
	[0xec] = UNV, [0xed] = UNV, [0xef] = UNV,
	[0xf0 ... 0xf7] = BINV,
	[0xf8 ... 0xff] = UNV,
};

static uint8_t type_of(char ch)
{
	switch (ch) {
	case 'i': return AW_I32;
	case 'I': return AW_I64;
	case 'f': return AW_F32;
	case 'F': return AW_F64;
	}
	return AW_V128;
}

static int read_memarg(struct fctx *c, uint8_t max_align, uint32_t *offset)
{
	uint32_t align;

	TRY(aw_read_u32(&c->r, &align));
	TRY(aw_read_u32(&c->r, offset));
	if (c->m->nmems == 0)
		return INVALID(c, "unknown memory 0");
	if (align > max_align)
		return INVALID(c, "alignment must not be larger than natural");
	return 0;
}

int op_simd(struct fctx *c)
{
	const struct simd_form *f;
	uint32_t sub, imm[4], nimm = 0, locs[3];
	uint8_t out = 0;
	int nin = 0;
	const char *p;

	TRY(aw_read_u32(&c->r, &sub));
	if (sub > 0xff || (f = &forms[sub])->kind == K_NONE)
		return aw_fail(&c->r, AW_EMALFORMED, "illegal opcode 0xfd %u", sub);
	switch (f->kind) {
	case K_CONST: {
		uint64_t v[2];
		TRY(aw_read_bytes(&c->r, v, 16));
		return v_push_at(c, AW_V128, cg_const128(c, v[0], v[1]));
	}
	case K_SHUFFLE: {
		uint8_t lanes[16];
		TRY(aw_read_bytes(&c->r, lanes, 16));
		for (int i = 0; i < 16; i++)
			if (lanes[i] >= 32)
				return INVALID(c, "invalid lane index");
		memcpy(imm, lanes, 16);
		nimm = 4;
		break;
	}
	case K_LOAD: case K_STORE:
		TRY(read_memarg(c, f->arg, &imm[0]));
		nimm = 1;
		break;
	case K_LOAD_LANE: case K_STORE_LANE: {
		uint8_t lane, align = (uint8_t)(f->arg == 16 ? 0 : f->arg == 8 ? 1 : f->arg == 4 ? 2 : 3);
		TRY(read_memarg(c, align, &imm[0]));
		TRY(aw_read_u8(&c->r, &lane));
		if (lane >= f->arg)
			return INVALID(c, "invalid lane index");
		imm[1] = lane;
		nimm = 2;
		break;
	}
	case K_EXTRACT: case K_REPLACE: {
		uint8_t lane;
		TRY(aw_read_u8(&c->r, &lane));
		if (lane >= f->arg)
			return INVALID(c, "invalid lane index");
		imm[0] = lane;
		nimm = 1;
		break;
	}
	}
	for (p = f->sig; *p != '>'; p++)
		nin++;
	if (p[1])
		out = type_of(p[1]);
	for (int k = nin; k-- > 0;)
		TRY(v_pop(c, type_of(f->sig[k]), NULL, &locs[k]));
	cg_op(c, OP_SIMD);
	cg_word(c, sub);
	if (out)
		cg_dst(c, c->stop);
	for (int k = 0; k < nin; k++)
		cg_slot(c, locs[k]);
	for (uint32_t k = 0; k < nimm; k++)
		cg_word(c, imm[k]);
	if (!out)
		return 0;
	cg_end(c);
	return v_push(c, out);
}
