/*
 * Numeric helpers with WebAssembly semantics where C's differ: float min/max
 * (NaN propagation, -0 < +0), round-to-nearest-even, bit casts, and the range
 * checks of the float-to-int truncations.  NaN results come from ordinary
 * IEEE arithmetic, which yields the quiet (arithmetic) NaNs the spec allows.
 */
#ifndef AW_NUMERIC_H
#define AW_NUMERIC_H

#include <math.h>
#include <stdint.h>
#include <string.h>

static inline float f32_of(uint64_t v)
{
	uint32_t b = (uint32_t)v;
	float f;
	memcpy(&f, &b, 4);
	return f;
}

static inline double f64_of(uint64_t v)
{
	double d;
	memcpy(&d, &v, 8);
	return d;
}

static inline uint64_t bits_f32(float f)
{
	uint32_t b;
	memcpy(&b, &f, 4);
	return b;
}

static inline uint64_t bits_f64(double d)
{
	uint64_t b;
	memcpy(&b, &d, 8);
	return b;
}

static inline float aw_fminf(float a, float b)
{
	if (a != a || b != b)
		return a + b;
	if (a == 0 && b == 0)
		return signbit(a) ? a : b;
	return a < b ? a : b;
}

static inline float aw_fmaxf(float a, float b)
{
	if (a != a || b != b)
		return a + b;
	if (a == 0 && b == 0)
		return signbit(a) ? b : a;
	return a > b ? a : b;
}

static inline double aw_fmin(double a, double b)
{
	if (a != a || b != b)
		return a + b;
	if (a == 0 && b == 0)
		return signbit(a) ? a : b;
	return a < b ? a : b;
}

static inline double aw_fmax(double a, double b)
{
	if (a != a || b != b)
		return a + b;
	if (a == 0 && b == 0)
		return signbit(a) ? b : a;
	return a > b ? a : b;
}

/* Rounding functions in libm may return a signalling NaN unchanged;
 * WebAssembly wants an arithmetic (quiet) NaN, which x + x gives. */
#define QUIET(fn, T) static inline T aw_##fn(T x) { return x != x ? x + x : fn(x); }
QUIET(ceilf, float)
QUIET(floorf, float)
QUIET(truncf, float)
QUIET(nearbyintf, float)
QUIET(sqrtf, float)
QUIET(ceil, double)
QUIET(floor, double)
QUIET(trunc, double)
QUIET(nearbyint, double)
QUIET(sqrt, double)

/* in range for a truncation? (NaN is handled by the caller) */
#define TRUNC_OK_S32(x) ((x) > -2147483649.0 && (x) < 2147483648.0)
#define TRUNC_OK_U32(x) ((x) > -1.0 && (x) < 4294967296.0)
#define TRUNC_OK_S64(x) ((x) >= -9223372036854775808.0 && (x) < 9223372036854775808.0)
#define TRUNC_OK_U64(x) ((x) > -1.0 && (x) < 18446744073709551616.0)

static inline uint64_t sat_s32(double x)
{
	if (x != x) return 0;
	if (x <= -2147483648.0) return (uint32_t)INT32_MIN;
	if (x >= 2147483647.0) return (uint32_t)INT32_MAX;
	return (uint32_t)(int32_t)x;
}

static inline uint64_t sat_u32(double x)
{
	if (x != x || x <= 0) return 0;
	if (x >= 4294967295.0) return UINT32_MAX;
	return (uint32_t)x;
}

static inline uint64_t sat_s64(double x)
{
	if (x != x) return 0;
	if (x < -9223372036854775808.0) return (uint64_t)INT64_MIN;
	if (x >= 9223372036854775808.0) return (uint64_t)INT64_MAX;
	return (uint64_t)(int64_t)x;
}

static inline uint64_t sat_u64(double x)
{
	if (x != x || x <= 0) return 0;
	if (x >= 18446744073709551616.0) return UINT64_MAX;
	return (uint64_t)x;
}

#endif
