/*
 * Execution of the SIMD (v128) instructions, called by the interpreter for
 * OP_SIMD.  Lanes are handled with GCC vector types and plain per-lane
 * loops; float lanes follow the scalar rules of numeric.h (NaN quieting,
 * min/max, rounding, saturating truncation).
 */
#include <string.h>
#include "internal.h"
#include "numeric.h"
#include "simd.h"

typedef int8_t i8x16 __attribute__((vector_size(16)));
typedef uint8_t u8x16 __attribute__((vector_size(16)));
typedef int16_t i16x8 __attribute__((vector_size(16)));
typedef uint16_t u16x8 __attribute__((vector_size(16)));
typedef int32_t i32x4 __attribute__((vector_size(16)));
typedef uint32_t u32x4 __attribute__((vector_size(16)));
typedef int64_t i64x2 __attribute__((vector_size(16)));
typedef uint64_t u64x2 __attribute__((vector_size(16)));
typedef float f32x4 __attribute__((vector_size(16)));
typedef double f64x2 __attribute__((vector_size(16)));

#define GET(T, i) ({ T v_; memcpy(&v_, fp + pc[i], 16); v_; })
#define PUT(i, x) do { __typeof__(x) v_ = (x); memcpy(fp + pc[i], &v_, 16); } while (0)
#define SCALAR(i) (fp[pc[i]])

/* r = expr over lanes k of a (and b); dst pc[1], a pc[2], b pc[3] */
#define MAP1(n, T, N, expr) case n: { T a = GET(T, 2), r; for (int k = 0; k < N; k++) { r[k] = (expr); } PUT(1, r); return pc + 3; }
#define MAP2(n, T, N, expr) case n: { T a = GET(T, 2), b = GET(T, 3), r; for (int k = 0; k < N; k++) { r[k] = (expr); } PUT(1, r); return pc + 4; }
/* comparisons: all-ones lanes of the same width */
#define CMP(n, T, R, N, op) case n: { T a = GET(T, 2), b = GET(T, 3); R r; for (int k = 0; k < N; k++) { r[k] = a[k] op b[k] ? -1 : 0; } PUT(1, r); return pc + 4; }
#define SHIFTOP(n, T, N, bits, op) case n: { T a = GET(T, 2), r; uint32_t s = (uint32_t)SCALAR(3) & (bits - 1); for (int k = 0; k < N; k++) { r[k] = a[k] op s; } PUT(1, r); return pc + 4; }

static inline int sat8s(int v) { return v < -128 ? -128 : v > 127 ? 127 : v; }
static inline int sat8u(int v) { return v < 0 ? 0 : v > 255 ? 255 : v; }
static inline int sat16s(int v) { return v < -32768 ? -32768 : v > 32767 ? 32767 : v; }
static inline int sat16u(int v) { return v < 0 ? 0 : v > 65535 ? 65535 : v; }

static float fpminf(float a, float b) { return b < a ? b : a; }
static float fpmaxf(float a, float b) { return a < b ? b : a; }
static double fpmin(double a, double b) { return b < a ? b : a; }
static double fpmax(double a, double b) { return a < b ? b : a; }

/* memory operands: address slot pc[i], offset word pc[j] */
#define EADDR(i, j, n) ({ uint64_t ea_ = (uint64_t)(uint32_t)SCALAR(i) + pc[j];  \
	if (ea_ + (n) > memsize) return NULL;                                      \
	mem + ea_; })

static const uint32_t *loads(const uint32_t *pc, uint64_t *fp, uint8_t *mem, uint64_t memsize)
{
	switch (pc[0]) {
	case 0x00: { u8x16 r; memcpy(&r, EADDR(2, 3, 16), 16); PUT(1, r); return pc + 4; }
#define EXT(n, ST, RT, N) case n: { ST s[N]; RT r; memcpy(s, EADDR(2, 3, sizeof(s)), sizeof(s)); \
		for (int k = 0; k < N; k++) { r[k] = s[k]; } PUT(1, r); return pc + 4; }
	EXT(0x01, int8_t, i16x8, 8)
	EXT(0x02, uint8_t, u16x8, 8)
	EXT(0x03, int16_t, i32x4, 4)
	EXT(0x04, uint16_t, u32x4, 4)
	EXT(0x05, int32_t, i64x2, 2)
	EXT(0x06, uint32_t, u64x2, 2)
#define SPLAT(n, T, RT, N) case n: { T s; RT r; memcpy(&s, EADDR(2, 3, sizeof(s)), sizeof(s)); \
		for (int k = 0; k < N; k++) { r[k] = s; } PUT(1, r); return pc + 4; }
	SPLAT(0x07, uint8_t, u8x16, 16)
	SPLAT(0x08, uint16_t, u16x8, 8)
	SPLAT(0x09, uint32_t, u32x4, 4)
	SPLAT(0x0a, uint64_t, u64x2, 2)
	case 0x0b: { u8x16 v = GET(u8x16, 2); memcpy(EADDR(1, 3, 16), &v, 16); return pc + 4; }
#define LANE_LD(n, T, RT) case n: { RT r = GET(RT, 3); T s; memcpy(&s, EADDR(2, 4, sizeof(s)), sizeof(s)); \
		r[pc[5]] = s; PUT(1, r); return pc + 6; }
	LANE_LD(0x54, uint8_t, u8x16)
	LANE_LD(0x55, uint16_t, u16x8)
	LANE_LD(0x56, uint32_t, u32x4)
	LANE_LD(0x57, uint64_t, u64x2)
#define LANE_ST(n, T, RT) case n: { RT v = GET(RT, 2); T s = v[pc[4]]; memcpy(EADDR(1, 3, sizeof(s)), &s, sizeof(s)); \
		return pc + 5; }
	LANE_ST(0x58, uint8_t, u8x16)
	LANE_ST(0x59, uint16_t, u16x8)
	LANE_ST(0x5a, uint32_t, u32x4)
	LANE_ST(0x5b, uint64_t, u64x2)
	case 0x5c: { u32x4 r = { 0 }; uint32_t s; memcpy(&s, EADDR(2, 3, 4), 4); r[0] = s; PUT(1, r); return pc + 4; }
	case 0x5d: { u64x2 r = { 0 }; uint64_t s; memcpy(&s, EADDR(2, 3, 8), 8); r[0] = s; PUT(1, r); return pc + 4; }
	}
	return NULL;
}

static const uint32_t *lanes(const uint32_t *pc, uint64_t *fp)
{
	switch (pc[0]) {
	case 0x0d: { /* shuffle: lanes of a:b */
		u8x16 a = GET(u8x16, 2), b = GET(u8x16, 3), r;
		const uint8_t *sel = (const uint8_t *)(pc + 4);
		for (int k = 0; k < 16; k++)
			r[k] = sel[k] < 16 ? a[sel[k]] : b[sel[k] - 16];
		PUT(1, r);
		return pc + 8;
	}
	MAP2(0x0e, u8x16, 16, b[k] < 16 ? a[b[k] & 15] : 0)
#define SPL(n, T, N, conv) case n: { T r; for (int k = 0; k < N; k++) { r[k] = conv; } PUT(1, r); return pc + 3; }
	SPL(0x0f, u8x16, 16, (uint8_t)SCALAR(2))
	SPL(0x10, u16x8, 8, (uint16_t)SCALAR(2))
	SPL(0x11, u32x4, 4, (uint32_t)SCALAR(2))
	SPL(0x12, u64x2, 2, SCALAR(2))
	SPL(0x13, u32x4, 4, (uint32_t)SCALAR(2))
	SPL(0x14, u64x2, 2, SCALAR(2))
#define XL(n, T, conv) case n: { T a = GET(T, 2); SCALAR(1) = conv(a[pc[3]]); return pc + 4; }
	XL(0x15, i8x16, (uint32_t)(int32_t))
	XL(0x16, u8x16, (uint32_t))
	XL(0x18, i16x8, (uint32_t)(int32_t))
	XL(0x19, u16x8, (uint32_t))
	XL(0x1b, u32x4, (uint64_t))
	XL(0x1d, u64x2, (uint64_t))
	XL(0x1f, u32x4, (uint64_t))
	XL(0x21, u64x2, (uint64_t))
#define RL(n, T, conv) case n: { T a = GET(T, 2); a[pc[4]] = conv(SCALAR(3)); PUT(1, a); return pc + 5; }
	RL(0x17, u8x16, (uint8_t))
	RL(0x1a, u16x8, (uint16_t))
	RL(0x1c, u32x4, (uint32_t))
	RL(0x1e, u64x2, (uint64_t))
	RL(0x20, u32x4, (uint32_t))
	RL(0x22, u64x2, (uint64_t))
	}
	return NULL;
}

static const uint32_t *compares(const uint32_t *pc, uint64_t *fp)
{
	switch (pc[0]) {
	CMP(0x23, i8x16, i8x16, 16, ==) CMP(0x24, i8x16, i8x16, 16, !=)
	CMP(0x25, i8x16, i8x16, 16, <) CMP(0x26, u8x16, i8x16, 16, <)
	CMP(0x27, i8x16, i8x16, 16, >) CMP(0x28, u8x16, i8x16, 16, >)
	CMP(0x29, i8x16, i8x16, 16, <=) CMP(0x2a, u8x16, i8x16, 16, <=)
	CMP(0x2b, i8x16, i8x16, 16, >=) CMP(0x2c, u8x16, i8x16, 16, >=)
	CMP(0x2d, i16x8, i16x8, 8, ==) CMP(0x2e, i16x8, i16x8, 8, !=)
	CMP(0x2f, i16x8, i16x8, 8, <) CMP(0x30, u16x8, i16x8, 8, <)
	CMP(0x31, i16x8, i16x8, 8, >) CMP(0x32, u16x8, i16x8, 8, >)
	CMP(0x33, i16x8, i16x8, 8, <=) CMP(0x34, u16x8, i16x8, 8, <=)
	CMP(0x35, i16x8, i16x8, 8, >=) CMP(0x36, u16x8, i16x8, 8, >=)
	CMP(0x37, i32x4, i32x4, 4, ==) CMP(0x38, i32x4, i32x4, 4, !=)
	CMP(0x39, i32x4, i32x4, 4, <) CMP(0x3a, u32x4, i32x4, 4, <)
	CMP(0x3b, i32x4, i32x4, 4, >) CMP(0x3c, u32x4, i32x4, 4, >)
	CMP(0x3d, i32x4, i32x4, 4, <=) CMP(0x3e, u32x4, i32x4, 4, <=)
	CMP(0x3f, i32x4, i32x4, 4, >=) CMP(0x40, u32x4, i32x4, 4, >=)
	CMP(0x41, f32x4, i32x4, 4, ==) CMP(0x42, f32x4, i32x4, 4, !=)
	CMP(0x43, f32x4, i32x4, 4, <) CMP(0x44, f32x4, i32x4, 4, >)
	CMP(0x45, f32x4, i32x4, 4, <=) CMP(0x46, f32x4, i32x4, 4, >=)
	CMP(0x47, f64x2, i64x2, 2, ==) CMP(0x48, f64x2, i64x2, 2, !=)
	CMP(0x49, f64x2, i64x2, 2, <) CMP(0x4a, f64x2, i64x2, 2, >)
	CMP(0x4b, f64x2, i64x2, 2, <=) CMP(0x4c, f64x2, i64x2, 2, >=)
	CMP(0xd6, i64x2, i64x2, 2, ==) CMP(0xd7, i64x2, i64x2, 2, !=)
	CMP(0xd8, i64x2, i64x2, 2, <) CMP(0xd9, i64x2, i64x2, 2, >)
	CMP(0xda, i64x2, i64x2, 2, <=) CMP(0xdb, i64x2, i64x2, 2, >=)
	}
	return NULL;
}

static uint32_t bitmask(const uint32_t *pc, uint64_t *fp, int width)
{
	u8x16 v = GET(u8x16, 2);
	uint32_t m = 0;
	int n = 16 / width;

	for (int k = 0; k < n; k++)
		if (v[k * width + width - 1] & 0x80)
			m |= 1u << k;
	return m;
}

static uint32_t all_true(const uint32_t *pc, uint64_t *fp, int width)
{
	u8x16 v = GET(u8x16, 2);

	for (int k = 0; k < 16; k += width) {
		int nz = 0;
		for (int j = 0; j < width; j++)
			nz |= v[k + j];
		if (!nz)
			return 0;
	}
	return 1;
}

static const uint32_t *integer(const uint32_t *pc, uint64_t *fp)
{
	switch (pc[0]) {
	case 0x4d: { u64x2 a = GET(u64x2, 2); PUT(1, ~a); return pc + 3; }
	case 0x4e: { u64x2 a = GET(u64x2, 2), b = GET(u64x2, 3); PUT(1, a & b); return pc + 4; }
	case 0x4f: { u64x2 a = GET(u64x2, 2), b = GET(u64x2, 3); PUT(1, a & ~b); return pc + 4; }
	case 0x50: { u64x2 a = GET(u64x2, 2), b = GET(u64x2, 3); PUT(1, a | b); return pc + 4; }
	case 0x51: { u64x2 a = GET(u64x2, 2), b = GET(u64x2, 3); PUT(1, a ^ b); return pc + 4; }
	case 0x52: { u64x2 a = GET(u64x2, 2), b = GET(u64x2, 3), m = GET(u64x2, 4);
		PUT(1, (a & m) | (b & ~m)); return pc + 5; }
	case 0x53: { u64x2 a = GET(u64x2, 2); SCALAR(1) = (a[0] | a[1]) != 0; return pc + 3; }
	case 0x63: SCALAR(1) = all_true(pc, fp, 1); return pc + 3;
	case 0x83: SCALAR(1) = all_true(pc, fp, 2); return pc + 3;
	case 0xa3: SCALAR(1) = all_true(pc, fp, 4); return pc + 3;
	case 0xc3: SCALAR(1) = all_true(pc, fp, 8); return pc + 3;
	case 0x64: SCALAR(1) = bitmask(pc, fp, 1); return pc + 3;
	case 0x84: SCALAR(1) = bitmask(pc, fp, 2); return pc + 3;
	case 0xa4: SCALAR(1) = bitmask(pc, fp, 4); return pc + 3;
	case 0xc4: SCALAR(1) = bitmask(pc, fp, 8); return pc + 3;
	/* i8x16 */
	MAP1(0x60, i8x16, 16, a[k] < 0 ? (int8_t)-(uint8_t)a[k] : a[k])
	MAP1(0x61, u8x16, 16, (uint8_t)-a[k])
	MAP1(0x62, u8x16, 16, (uint8_t)__builtin_popcount(a[k]))
	case 0x65: case 0x66: {
		i16x8 a = GET(i16x8, 2), b = GET(i16x8, 3);
		u8x16 r;
		for (int k = 0; k < 8; k++) {
			r[k] = (uint8_t)(pc[0] == 0x65 ? sat8s(a[k]) : sat8u(a[k]));
			r[k + 8] = (uint8_t)(pc[0] == 0x65 ? sat8s(b[k]) : sat8u(b[k]));
		}
		PUT(1, r);
		return pc + 4;
	}
	SHIFTOP(0x6b, u8x16, 16, 8, <<)
	SHIFTOP(0x6c, i8x16, 16, 8, >>)
	SHIFTOP(0x6d, u8x16, 16, 8, >>)
	MAP2(0x6e, u8x16, 16, (uint8_t)(a[k] + b[k]))
	MAP2(0x6f, i8x16, 16, (int8_t)sat8s(a[k] + b[k]))
	MAP2(0x70, u8x16, 16, (uint8_t)sat8u(a[k] + b[k]))
	MAP2(0x71, u8x16, 16, (uint8_t)(a[k] - b[k]))
	MAP2(0x72, i8x16, 16, (int8_t)sat8s(a[k] - b[k]))
	MAP2(0x73, u8x16, 16, (uint8_t)sat8u(a[k] - b[k]))
	MAP2(0x76, i8x16, 16, a[k] < b[k] ? a[k] : b[k])
	MAP2(0x77, u8x16, 16, a[k] < b[k] ? a[k] : b[k])
	MAP2(0x78, i8x16, 16, a[k] > b[k] ? a[k] : b[k])
	MAP2(0x79, u8x16, 16, a[k] > b[k] ? a[k] : b[k])
	MAP2(0x7b, u8x16, 16, (uint8_t)((a[k] + b[k] + 1) >> 1))
	/* i16x8 */
	case 0x7c: { i8x16 a = GET(i8x16, 2); i16x8 r; for (int k = 0; k < 8; k++) r[k] = (int16_t)(a[2 * k] + a[2 * k + 1]); PUT(1, r); return pc + 3; }
	case 0x7d: { u8x16 a = GET(u8x16, 2); u16x8 r; for (int k = 0; k < 8; k++) r[k] = (uint16_t)(a[2 * k] + a[2 * k + 1]); PUT(1, r); return pc + 3; }
	case 0x7e: { i16x8 a = GET(i16x8, 2); i32x4 r; for (int k = 0; k < 4; k++) r[k] = a[2 * k] + a[2 * k + 1]; PUT(1, r); return pc + 3; }
	case 0x7f: { u16x8 a = GET(u16x8, 2); u32x4 r; for (int k = 0; k < 4; k++) r[k] = (uint32_t)a[2 * k] + a[2 * k + 1]; PUT(1, r); return pc + 3; }
	MAP1(0x80, i16x8, 8, a[k] < 0 ? (int16_t)-(uint16_t)a[k] : a[k])
	MAP1(0x81, u16x8, 8, (uint16_t)-a[k])
	MAP2(0x82, i16x8, 8, (int16_t)sat16s((a[k] * b[k] + 0x4000) >> 15))
	case 0x85: case 0x86: {
		i32x4 a = GET(i32x4, 2), b = GET(i32x4, 3);
		u16x8 r;
		for (int k = 0; k < 4; k++) {
			r[k] = (uint16_t)(pc[0] == 0x85 ? sat16s(a[k]) : sat16u(a[k] < 0 ? 0 : a[k] > 65535 ? 65535 : a[k]));
			r[k + 4] = (uint16_t)(pc[0] == 0x85 ? sat16s(b[k]) : sat16u(b[k] < 0 ? 0 : b[k] > 65535 ? 65535 : b[k]));
		}
		PUT(1, r);
		return pc + 4;
	}
#define EXTEND(n, ST, RT, N, off) case n: { ST a = GET(ST, 2); RT r; for (int k = 0; k < N; k++) { r[k] = a[k + off]; } PUT(1, r); return pc + 3; }
	EXTEND(0x87, i8x16, i16x8, 8, 0) EXTEND(0x88, i8x16, i16x8, 8, 8)
	EXTEND(0x89, u8x16, u16x8, 8, 0) EXTEND(0x8a, u8x16, u16x8, 8, 8)
	SHIFTOP(0x8b, u16x8, 8, 16, <<)
	SHIFTOP(0x8c, i16x8, 8, 16, >>)
	SHIFTOP(0x8d, u16x8, 8, 16, >>)
	MAP2(0x8e, u16x8, 8, (uint16_t)(a[k] + b[k]))
	MAP2(0x8f, i16x8, 8, (int16_t)sat16s(a[k] + b[k]))
	MAP2(0x90, u16x8, 8, (uint16_t)sat16u(a[k] + b[k]))
	MAP2(0x91, u16x8, 8, (uint16_t)(a[k] - b[k]))
	MAP2(0x92, i16x8, 8, (int16_t)sat16s(a[k] - b[k]))
	MAP2(0x93, u16x8, 8, (uint16_t)sat16u(a[k] - b[k]))
	MAP2(0x95, u16x8, 8, (uint16_t)(a[k] * b[k]))
	MAP2(0x96, i16x8, 8, a[k] < b[k] ? a[k] : b[k])
	MAP2(0x97, u16x8, 8, a[k] < b[k] ? a[k] : b[k])
	MAP2(0x98, i16x8, 8, a[k] > b[k] ? a[k] : b[k])
	MAP2(0x99, u16x8, 8, a[k] > b[k] ? a[k] : b[k])
	MAP2(0x9b, u16x8, 8, (uint16_t)((a[k] + b[k] + 1) >> 1))
#define EXTMUL(n, ST, RT, N, off) case n: { ST a = GET(ST, 2), b = GET(ST, 3); RT r; \
		for (int k = 0; k < N; k++) { r[k] = (__typeof__(r[0]))a[k + off] * b[k + off]; } PUT(1, r); return pc + 4; }
	EXTMUL(0x9c, i8x16, i16x8, 8, 0) EXTMUL(0x9d, i8x16, i16x8, 8, 8)
	EXTMUL(0x9e, u8x16, u16x8, 8, 0) EXTMUL(0x9f, u8x16, u16x8, 8, 8)
	/* i32x4 */
	MAP1(0xa0, i32x4, 4, a[k] < 0 ? (int32_t)-(uint32_t)a[k] : a[k])
	MAP1(0xa1, u32x4, 4, -a[k])
	EXTEND(0xa7, i16x8, i32x4, 4, 0) EXTEND(0xa8, i16x8, i32x4, 4, 4)
	EXTEND(0xa9, u16x8, u32x4, 4, 0) EXTEND(0xaa, u16x8, u32x4, 4, 4)
	SHIFTOP(0xab, u32x4, 4, 32, <<)
	SHIFTOP(0xac, i32x4, 4, 32, >>)
	SHIFTOP(0xad, u32x4, 4, 32, >>)
	MAP2(0xae, u32x4, 4, a[k] + b[k])
	MAP2(0xb1, u32x4, 4, a[k] - b[k])
	MAP2(0xb5, u32x4, 4, a[k] * b[k])
	MAP2(0xb6, i32x4, 4, a[k] < b[k] ? a[k] : b[k])
	MAP2(0xb7, u32x4, 4, a[k] < b[k] ? a[k] : b[k])
	MAP2(0xb8, i32x4, 4, a[k] > b[k] ? a[k] : b[k])
	MAP2(0xb9, u32x4, 4, a[k] > b[k] ? a[k] : b[k])
	case 0xba: { i16x8 a = GET(i16x8, 2), b = GET(i16x8, 3); u32x4 r;
		for (int k = 0; k < 4; k++)
			r[k] = (uint32_t)(a[2 * k] * b[2 * k]) + (uint32_t)(a[2 * k + 1] * b[2 * k + 1]);
		PUT(1, r); return pc + 4; }
	EXTMUL(0xbc, i16x8, i32x4, 4, 0) EXTMUL(0xbd, i16x8, i32x4, 4, 4)
	EXTMUL(0xbe, u16x8, u32x4, 4, 0) EXTMUL(0xbf, u16x8, u32x4, 4, 4)
	/* i64x2 */
	MAP1(0xc0, i64x2, 2, a[k] < 0 ? (int64_t)-(uint64_t)a[k] : a[k])
	MAP1(0xc1, u64x2, 2, -a[k])
	EXTEND(0xc7, i32x4, i64x2, 2, 0) EXTEND(0xc8, i32x4, i64x2, 2, 2)
	EXTEND(0xc9, u32x4, u64x2, 2, 0) EXTEND(0xca, u32x4, u64x2, 2, 2)
	SHIFTOP(0xcb, u64x2, 2, 64, <<)
	SHIFTOP(0xcc, i64x2, 2, 64, >>)
	SHIFTOP(0xcd, u64x2, 2, 64, >>)
	MAP2(0xce, u64x2, 2, a[k] + b[k])
	MAP2(0xd1, u64x2, 2, a[k] - b[k])
	MAP2(0xd5, u64x2, 2, a[k] * b[k])
	EXTMUL(0xdc, i32x4, i64x2, 2, 0) EXTMUL(0xdd, i32x4, i64x2, 2, 2)
	EXTMUL(0xde, u32x4, u64x2, 2, 0) EXTMUL(0xdf, u32x4, u64x2, 2, 2)
	}
	return NULL;
}

static const uint32_t *floats(const uint32_t *pc, uint64_t *fp)
{
	switch (pc[0]) {
	case 0x5e: { f64x2 a = GET(f64x2, 2); f32x4 r = { (float)a[0], (float)a[1], 0, 0 }; PUT(1, r); return pc + 3; }
	case 0x5f: { f32x4 a = GET(f32x4, 2); f64x2 r = { a[0], a[1] }; PUT(1, r); return pc + 3; }
	MAP1(0x67, f32x4, 4, aw_ceilf(a[k]))
	MAP1(0x68, f32x4, 4, aw_floorf(a[k]))
	MAP1(0x69, f32x4, 4, aw_truncf(a[k]))
	MAP1(0x6a, f32x4, 4, aw_nearbyintf(a[k]))
	MAP1(0x74, f64x2, 2, aw_ceil(a[k]))
	MAP1(0x75, f64x2, 2, aw_floor(a[k]))
	MAP1(0x7a, f64x2, 2, aw_trunc(a[k]))
	MAP1(0x94, f64x2, 2, aw_nearbyint(a[k]))
	MAP1(0xe0, u32x4, 4, a[k] & 0x7fffffffu)
	MAP1(0xe1, u32x4, 4, a[k] ^ 0x80000000u)
	MAP1(0xe3, f32x4, 4, aw_sqrtf(a[k]))
	MAP2(0xe4, f32x4, 4, a[k] + b[k])
	MAP2(0xe5, f32x4, 4, a[k] - b[k])
	MAP2(0xe6, f32x4, 4, a[k] * b[k])
	MAP2(0xe7, f32x4, 4, a[k] / b[k])
	MAP2(0xe8, f32x4, 4, aw_fminf(a[k], b[k]))
	MAP2(0xe9, f32x4, 4, aw_fmaxf(a[k], b[k]))
	MAP2(0xea, f32x4, 4, fpminf(a[k], b[k]))
	MAP2(0xeb, f32x4, 4, fpmaxf(a[k], b[k]))
	MAP1(0xec, u64x2, 2, a[k] & 0x7fffffffffffffffull)
	MAP1(0xed, u64x2, 2, a[k] ^ 0x8000000000000000ull)
	MAP1(0xef, f64x2, 2, aw_sqrt(a[k]))
	MAP2(0xf0, f64x2, 2, a[k] + b[k])
	MAP2(0xf1, f64x2, 2, a[k] - b[k])
	MAP2(0xf2, f64x2, 2, a[k] * b[k])
	MAP2(0xf3, f64x2, 2, a[k] / b[k])
	MAP2(0xf4, f64x2, 2, aw_fmin(a[k], b[k]))
	MAP2(0xf5, f64x2, 2, aw_fmax(a[k], b[k]))
	MAP2(0xf6, f64x2, 2, fpmin(a[k], b[k]))
	MAP2(0xf7, f64x2, 2, fpmax(a[k], b[k]))
	case 0xf8: { f32x4 a = GET(f32x4, 2); u32x4 r; for (int k = 0; k < 4; k++) r[k] = (uint32_t)sat_s32(a[k]); PUT(1, r); return pc + 3; }
	case 0xf9: { f32x4 a = GET(f32x4, 2); u32x4 r; for (int k = 0; k < 4; k++) r[k] = (uint32_t)sat_u32(a[k]); PUT(1, r); return pc + 3; }
	case 0xfa: { i32x4 a = GET(i32x4, 2); f32x4 r; for (int k = 0; k < 4; k++) r[k] = (float)a[k]; PUT(1, r); return pc + 3; }
	case 0xfb: { u32x4 a = GET(u32x4, 2); f32x4 r; for (int k = 0; k < 4; k++) r[k] = (float)a[k]; PUT(1, r); return pc + 3; }
	case 0xfc: { f64x2 a = GET(f64x2, 2); u32x4 r = { (uint32_t)sat_s32(a[0]), (uint32_t)sat_s32(a[1]), 0, 0 }; PUT(1, r); return pc + 3; }
	case 0xfd: { f64x2 a = GET(f64x2, 2); u32x4 r = { (uint32_t)sat_u32(a[0]), (uint32_t)sat_u32(a[1]), 0, 0 }; PUT(1, r); return pc + 3; }
	case 0xfe: { i32x4 a = GET(i32x4, 2); f64x2 r = { a[0], a[1] }; PUT(1, r); return pc + 3; }
	case 0xff: { u32x4 a = GET(u32x4, 2); f64x2 r = { a[0], a[1] }; PUT(1, r); return pc + 3; }
	}
	return NULL;
}

/* Runs the SIMD instruction at pc (pc[0] is the sub-opcode); returns the
 * next pc, or NULL for an out-of-bounds memory access. */
const uint32_t *aw_simd_exec(const uint32_t *pc, uint64_t *fp, uint8_t *mem, uint64_t memsize)
{
	const uint32_t *next;
	uint32_t sub = pc[0];

	if (sub <= 0x0b || (sub >= 0x54 && sub <= 0x5d))
		return loads(pc, fp, mem, memsize);
	if ((next = lanes(pc, fp)) || (next = compares(pc, fp)) || (next = integer(pc, fp)))
		return next;
	return floats(pc, fp);
}
