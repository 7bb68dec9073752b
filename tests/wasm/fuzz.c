/*
 * Bad-input driver for libaegiswasm, built with ASan and UBSan (fuzz.mk).
 *   fuzz special              hand-made hostile modules (deep nesting, huge
 *                             sizes and counts, runaway recursion and loops)
 *   fuzz truncate SEEDS       every prefix of a sample of seed modules
 *   fuzz mutate SEEDS N SEED  N mutated modules (bit flips, byte stores,
 *                             cuts, splices); valid results are instantiated
 *                             and every export is called under a fuel limit
 *   fuzz jitdiff SEEDS N SEED the same modules run twice, interpreted and
 *                             with every function translated by the JIT
 *                             (AW_JIT_ALL): statuses, results, trap messages,
 *                             fuel left and memory contents must agree
 * A crash, sanitizer report, hang or leak fails the run; rejecting a module
 * or trapping is the expected outcome.  Prints PASS/FAIL lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "aegis/wasm.h"

struct buf {
	uint8_t *p;
	size_t n, cap;
};

static void put(struct buf *b, const void *d, size_t n)
{
	if (n == 0)
		return;
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
}

static void byte(struct buf *b, uint8_t v) { put(b, &v, 1); }

static void uleb(struct buf *b, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		byte(b, c | (v ? 0x80 : 0));
	} while (v);
}

static void section(struct buf *m, uint8_t id, const struct buf *body)
{
	byte(m, id);
	uleb(m, body->n);
	put(m, body->p, body->n);
}

static void header(struct buf *m)
{
	put(m, "\0asm\1\0\0\0", 8);
}

/* A module with one function of type [] -> [i32] (or [] -> []) and body. */
static struct buf one_func(const struct buf *body, int result, const char *export)
{
	struct buf m = { 0 }, s = { 0 }, code = { 0 };

	header(&m);
	put(&s, "\x01\x60\x00", 3);
	byte(&s, result ? 1 : 0);
	if (result)
		byte(&s, 0x7f);
	section(&m, 1, &s);
	s.n = 0;
	put(&s, "\x01\x00", 2);
	section(&m, 3, &s);
	s.n = 0;
	put(&s, "\x01\x00\x01", 3); /* one memory, min 1 page */
	section(&m, 5, &s);
	if (export) {
		s.n = 0;
		byte(&s, 1);
		uleb(&s, strlen(export));
		put(&s, export, strlen(export));
		put(&s, "\x00\x00", 2);
		section(&m, 7, &s);
	}
	s.n = 0;
	byte(&code, 0); /* no locals */
	put(&code, body->p, body->n);
	byte(&s, 1);
	uleb(&s, code.n);
	put(&s, code.p, code.n);
	section(&m, 10, &s);
	free(s.p);
	free(code.p);
	return m;
}

static int failures;

static void report(const char *name, int ok, const char *why)
{
	printf("%s wasm/badinput/%s%s%s\n", ok ? "PASS" : "FAIL", name, why ? " " : "", why ? why : "");
	failures += !ok;
}

/* load, instantiate with no imports, run export "f"; returns the status or
 * a negative load error */
static int try_run(const struct buf *m, uint64_t fuel, struct aw_error *err)
{
	struct aw_module *mod = aw_module_load(m->p, m->n, err);
	struct aw_limits lim = { 1 << 20, fuel };
	struct aw_instance *in;
	struct aw_func *f;
	uint64_t res[4];
	int rc;

	if (!mod)
		return err->code;
	in = aw_instantiate(mod, NULL, &lim, err);
	if (!in) {
		aw_module_free(mod);
		return err->code;
	}
	f = aw_instance_func(in, "f");
	rc = f ? aw_call(in, f, NULL, 0, res, 4, err) : AW_OK;
	aw_instance_free(in);
	aw_module_free(mod);
	return rc;
}

static void special(void)
{
	struct aw_error err;
	struct buf body = { 0 }, m;
	int rc;

	/* 100,000 nested blocks: rejected by the nesting limit, no recursion */
	for (int i = 0; i < 100000; i++)
		put(&body, "\x02\x40", 2);
	for (int i = 0; i < 100000; i++)
		byte(&body, 0x0b);
	put(&body, "\x41\x00\x0b", 3);
	m = one_func(&body, 1, "f");
	rc = try_run(&m, 0, &err);
	report("deep-nesting-100000", rc == AW_EINVALID, err.msg);
	free(m.p);

	/* 5,000 nested blocks: valid, runs */
	body.n = 0;
	for (int i = 0; i < 5000; i++)
		put(&body, "\x02\x40", 2);
	for (int i = 0; i < 5000; i++)
		byte(&body, 0x0b);
	put(&body, "\x41\x07\x0b", 3);
	m = one_func(&body, 1, "f");
	rc = try_run(&m, 0, &err);
	report("deep-nesting-5000-runs", rc == AW_OK, err.msg);
	free(m.p);

	/* runaway recursion: call 0 forever -> a trap, not a host crash */
	body.n = 0;
	put(&body, "\x10\x00\x0b", 3);
	m = one_func(&body, 1, "f");
	rc = try_run(&m, 0, &err);
	report("runaway-recursion-traps", rc == AW_TRAP && strstr(err.msg, "exhausted"), err.msg);
	free(m.p);

	/* infinite loop under a fuel limit: stops */
	body.n = 0;
	put(&body, "\x03\x40\x0c\x00\x0b\x41\x00\x0b", 8);
	m = one_func(&body, 1, "f");
	rc = try_run(&m, 100000, &err);
	report("infinite-loop-out-of-fuel", rc == AW_OUT_OF_FUEL, NULL);
	free(m.p);

	/* 4,000 nested loops, each adding 1 to memory[0]: runs (result 4,000)
	 * and the JIT's machine code stays proportional to the module, not to
	 * nesting depth times size (each loop is a region of its own) */
	body.n = 0;
	for (int i = 0; i < 4000; i++)
		put(&body, "\x03\x40\x41\x00\x41\x00\x28\x02\x00\x41\x01\x6a\x36\x02\x00", 15);
	for (int i = 0; i < 4000; i++)
		byte(&body, 0x0b);
	put(&body, "\x41\x00\x28\x02\x00\x0b", 6);
	m = one_func(&body, 1, "f");
	{
		struct aw_module *mod = aw_module_load(m.p, m.n, &err);
		struct aw_limits lim = { 1 << 20, 0 };
		struct aw_instance *in = mod ? aw_instantiate(mod, NULL, &lim, &err) : NULL;
		struct aw_module_stats st = { 0 };
		uint64_t r = 0;
		char why[128];
		rc = in ? aw_call(in, aw_instance_func(in, "f"), NULL, 0, &r, 1, &err) : -1;
		if (mod)
			aw_module_stats(mod, &st);
		snprintf(why, sizeof(why), "(result %llu, %zu bytes of code compiled, %zu translated)",
			 (unsigned long long)r, st.compiled_bytes, st.jit_bytes);
		report("nested-loops-bounded-jit", rc == AW_OK && r == 4000 &&
		       st.jit_bytes <= 16 * st.compiled_bytes + (1u << 20), why);
		aw_instance_free(in);
		aw_module_free(mod);
	}
	free(m.p);

	/* Regression (found by jitdiff under ASan): a loop whose body ends in dead
	 * code, then a fusable i32.add on its result.  The emitters marked the dead
	 * instructions as "just emitted", so the fusion read the result word of a
	 * stale position: here past the code buffer of this function (the first
	 * function, 60 x local.set 0 (i32.eqz (local.get 0)), leaves it large).
	 *   (func (export "f") (result i32)
	 *     (loop (result i32) unreachable i32.const 1 i32.const 2 i32.mul)
	 *     i32.const 3 i32.add) */
	{
		static const uint8_t dead_loop[] = {
		0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x60, 0x00, 0x00, 0x60, 0x00,
		0x01, 0x7f, 0x03, 0x03, 0x02, 0x00, 0x01, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x01, 0x0a, 0xc2,
		0x02, 0x02, 0xb0, 0x02, 0x01, 0x01, 0x7f, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21,
		0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00,
		0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20,
		0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00,
		0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45,
		0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21,
		0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00,
		0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20,
		0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00,
		0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45,
		0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21,
		0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00,
		0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20,
		0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00,
		0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45,
		0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21,
		0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00,
		0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20,
		0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00, 0x45, 0x21, 0x00, 0x20, 0x00,
		0x45, 0x21, 0x00, 0x0b, 0x0e, 0x00, 0x03, 0x7f, 0x00, 0x41, 0x01, 0x41, 0x02, 0x6c, 0x0b, 0x41,
		0x03, 0x6a, 0x0b,
		};
		struct aw_module *mod = aw_module_load(dead_loop, sizeof(dead_loop), &err);
		report("dead-code-fusion", mod != NULL, mod ? NULL : err.msg);
		aw_module_free(mod);
	}

	/* memory.grow past the instance's 1 MiB limit fails with -1 */
	body.n = 0;
	put(&body, "\x41\x20\x40\x00\x0b", 5); /* memory.grow 32 pages (2 MiB) */
	m = one_func(&body, 1, "f");
	{
		struct aw_module *mod = aw_module_load(m.p, m.n, &err);
		struct aw_limits lim = { 1 << 20, 0 };
		struct aw_instance *in = mod ? aw_instantiate(mod, NULL, &lim, &err) : NULL;
		uint64_t r = 0;
		rc = in ? aw_call(in, aw_instance_func(in, "f"), NULL, 0, &r, 1, &err) : -1;
		report("memory-limit-honoured", rc == AW_OK && (uint32_t)r == 0xffffffffu, NULL);
		aw_instance_free(in);
		aw_module_free(mod);
	}
	free(m.p);

	/* huge section size, huge vector counts, huge local counts */
	{
		static const uint8_t huge_sec[] = { 0, 'a', 's', 'm', 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 1 };
		static const uint8_t huge_count[] = { 0, 'a', 's', 'm', 1, 0, 0, 0, 1, 5, 0xff, 0xff, 0xff, 0xff, 0x0f };
		static const uint8_t overlong[] = { 0, 'a', 's', 'm', 1, 0, 0, 0, 1, 6, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00 };
		struct buf lm = { 0 };
		report("huge-section-size", aw_module_validate(huge_sec, sizeof(huge_sec), &err) == AW_EMALFORMED, err.msg);
		report("huge-vector-count", aw_module_validate(huge_count, sizeof(huge_count), &err) == AW_EMALFORMED, err.msg);
		report("overlong-leb128", aw_module_validate(overlong, sizeof(overlong), &err) == AW_EMALFORMED, err.msg);
		/* a function declaring 2^32-1 + 1 locals */
		header(&lm);
		put(&lm, "\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00", 10);
		put(&lm, "\x0a\x0c\x01\x0a\x02\xff\xff\xff\xff\x0f\x7f\x01\x7f\x0b", 14);
		report("too-many-locals", aw_module_validate(lm.p, lm.n, &err) < 0 && strstr(err.msg, "too many locals"), err.msg);
		free(lm.p);
	}
	free(body.p);
}

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

struct seeds {
	struct buf *m;
	size_t n;
};

/* appends the whole file at path to b; -1 if it cannot be opened */
static int read_file(const char *path, struct buf *b)
{
	FILE *g = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (!g)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), g)) > 0)
		put(b, chunk, n);
	fclose(g);
	return 0;
}

static int read_seeds(const char *list, struct seeds *s)
{
	FILE *f = fopen(list, "r");
	char path[4096];

	if (!f)
		return -1;
	while (fgets(path, sizeof(path), f)) {
		struct buf b = { 0 };
		path[strcspn(path, "\n")] = 0;
		if (read_file(path, &b))
			continue;
		s->m = realloc(s->m, (s->n + 1) * sizeof(*s->m));
		s->m[s->n++] = b;
	}
	fclose(f);
	return s->n ? 0 : -1;
}

static void free_seeds(struct seeds *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->m[i].p);
	free(s->m);
}

static int host_nop(struct aw_host_call *c, uint64_t *a, void *u)
{
	return 0;
}

/* the imports spec-test modules use, so mutated ones can still run */
static struct aw_linker *fuzz_linker(void)
{
	struct aw_linker *l = aw_linker_new();
	static const char *const sigs[][2] = { { "print", ">" }, { "print_i32", "i>" },
		{ "print_i64", "I>" }, { "print_f32", "f>" }, { "print_f64", "F>" },
		{ "print_i32_f32", "if>" }, { "print_f64_f64", "FF>" } };
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		aw_linker_define_func(l, "spectest", sigs[i][0], sigs[i][1], host_nop, NULL);
	aw_linker_define_global(l, "spectest", "global_i32", AW_I32, 0, 666);
	aw_linker_define_global(l, "spectest", "global_i64", AW_I64, 0, 666);
	aw_linker_define_global(l, "spectest", "global_f32", AW_F32, 0, 0);
	aw_linker_define_global(l, "spectest", "global_f64", AW_F64, 0, 0);
	aw_linker_define_table(l, "spectest", "table", AW_FUNCREF, 10, 20);
	aw_linker_define_memory(l, "spectest", "memory", 1, 2);
	return l;
}

/* Run every export with zero arguments and fuel.  Each module gets fresh
 * imports: its element segments may store its functions in the imported
 * table, which must not outlive the instance. */
static void exercise(struct aw_module *m, unsigned long *ran)
{
	struct aw_linker *l = fuzz_linker();
	struct aw_limits lim = { 16 << 20, 20000 };
	struct aw_error err;
	struct aw_instance *in = aw_instantiate(m, l, &lim, &err);
	struct aw_extern_desc d;

	if (!in) {
		aw_linker_free(l);
		return;
	}
	if (aw_instance_start(in, &err) == AW_OUT_OF_FUEL)
		aw_abandon(in);
	for (uint32_t i = 0; i < aw_module_export_count(m); i++) {
		uint64_t args[16] = { 0 }, res[16];
		uint32_t np, nr;
		const uint8_t *pt, *rt;
		struct aw_func *f;
		aw_module_export(m, i, &d);
		if (d.kind != AW_EXT_FUNC || !(f = aw_instance_func(in, d.name)))
			continue;
		aw_func_signature(f, &np, &pt, &nr, &rt);
		if (np > 16 || nr > 16)
			continue;
		aw_instance_set_fuel(in, 20000);
		if (aw_call(in, f, args, np, res, nr, &err) == AW_OUT_OF_FUEL)
			aw_abandon(in);
		(*ran)++;
	}
	aw_instance_free(in);
	aw_linker_free(l);
}

static void mutate(struct buf *b)
{
	int k = 1 + (int)(rnd() % 4);

	while (k-- > 0 && b->n > 8) {
		size_t at = 8 + rnd() % (b->n - 8);
		switch (rnd() % 6) {
		case 0: b->p[at] ^= (uint8_t)(1u << (rnd() % 8)); break;
		case 1: b->p[at] = (uint8_t)rnd(); break;
		case 2: { static const uint8_t v[] = { 0, 0xff, 0x80, 0x7f, 0x40, 0x0b, 0x41, 0x10 };
			  b->p[at] = v[rnd() % sizeof(v)]; break; }
		case 3: b->n = at; break; /* cut */
		case 4: if (at + 1 < b->n) { /* delete a range */
				size_t len = 1 + rnd() % (b->n - at - 1);
				if (len > 16) len = 16;
				memmove(b->p + at, b->p + at + len, b->n - at - len);
				b->n -= len;
			}
			break;
		default: { /* duplicate a short range */
			size_t len = 1 + rnd() % 16;
			if (at + len > b->n) len = b->n - at;
			put(b, b->p + at, len);
			break;
		}
		}
	}
}

static int cmd_mutate(const char *list, unsigned long n, unsigned long seed)
{
	struct seeds s = { 0 };
	unsigned long valid = 0, ran = 0;
	struct buf b = { 0 };
	time_t t0 = time(NULL);

	if (read_seeds(list, &s)) {
		report("fuzz-mutate", 0, "no seed modules");
		return 1;
	}
	rng_state ^= seed * 0x9e3779b97f4a7c15ull;
	for (unsigned long i = 0; i < n; i++) {
		const struct buf *src = &s.m[rnd() % s.n];
		struct aw_error err;
		struct aw_module *m;
		b.n = 0;
		put(&b, src->p, src->n);
		mutate(&b);
		m = aw_module_load(b.p, b.n, &err);
		if (m) {
			valid++;
			exercise(m, &ran);
			aw_module_free(m);
		}
	}
	printf("fuzz: %lu mutated modules from %zu seeds (seed %lu) in %lds: %lu still valid, "
	       "%lu export calls run\n", n, s.n, seed, (long)(time(NULL) - t0), valid, ran);
	report("fuzz-mutate", 1, NULL);
	free_seeds(&s);
	free(b.p);
	return 0;
}

/* What running every export of a module did, for jitdiff. */
struct outcome {
	uint64_t hash;      /* FNV-1a over statuses, results, messages, fuel, memory */
	unsigned long calls;
};

static void mix(uint64_t *h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		*h = (*h ^ b[i]) * 0x100000001b3ull;
}

static int verbose; /* jitshow: print every call */

/* Load m under the JIT policy, call every export with arguments drawn from
 * argseed, and fold everything observable into o. */
static void observe(const struct buf *b, int policy, uint64_t argseed, struct outcome *o)
{
	int old = aw_set_jit(policy);
	struct aw_error err;
	struct aw_module *m = aw_module_load(b->p, b->n, &err);
	struct aw_linker *l;
	struct aw_limits lim = { 16 << 20, 20000 };
	struct aw_instance *in;
	struct aw_extern_desc d;
	uint64_t rs = argseed | 1;

	aw_set_jit(old);
	o->hash = 0xcbf29ce484222325ull;
	o->calls = 0;
	if (!m)
		return;
	l = fuzz_linker();
	in = aw_instantiate(m, l, &lim, &err);
	if (in) {
		int rc = aw_instance_start(in, &err);
		mix(&o->hash, &rc, sizeof(rc));
		if (rc == AW_OUT_OF_FUEL)
			aw_abandon(in);
		for (uint32_t i = 0; i < aw_module_export_count(m); i++) {
			static const uint64_t edge[] = { 0, 1, 2, 7, 0x7fffffff, 0x80000000, 0xffffffff,
							 0xfffffffc, 65536, 65535, ~0ull, 1ull << 63 };
			uint64_t args[16], res[16] = { 0 }, fuel = 0, size = 0;
			uint32_t np, nr;
			const uint8_t *pt, *rt;
			struct aw_func *f;
			uint8_t *mem;
			aw_module_export(m, i, &d);
			if (d.kind != AW_EXT_FUNC || !(f = aw_instance_func(in, d.name)))
				continue;
			aw_func_signature(f, &np, &pt, &nr, &rt);
			if (np > 16 || nr > 16)
				continue;
			for (uint32_t k = 0; k < np; k++) {
				rs ^= rs << 13, rs ^= rs >> 7, rs ^= rs << 17;
				args[k] = rs & 1 ? edge[(rs >> 1) % 12] : rs >> 8 & 0xffff;
			}
			aw_instance_set_fuel(in, 20000);
			memset(&err, 0, sizeof(err));
			rc = aw_call(in, f, args, np, res, nr, &err);
			if (verbose) {
				uint64_t mh = 0xcbf29ce484222325ull;
				if ((mem = aw_memory_data(in, &size)) != NULL)
					mix(&mh, mem, size);
				printf("  %s(", d.name);
				for (uint32_t k = 0; k < np; k++)
					printf("%s%#llx", k ? ", " : "", (unsigned long long)args[k]);
				printf(") -> status %d", rc);
				for (uint32_t k = 0; rc == AW_OK && k < nr; k++)
					printf(" %#llx", (unsigned long long)res[k]);
				printf("%s%s fuel %llu memory %016llx\n", rc == AW_TRAP ? " trap: " : "",
				       rc == AW_TRAP ? err.msg : "", (unsigned long long)aw_instance_fuel(in),
				       (unsigned long long)mh);
			}
			mix(&o->hash, &rc, sizeof(rc));
			/* references are host addresses, different in each load:
			 * only whether they are null is comparable */
			for (uint32_t k = 0; rc == AW_OK && k < nr; k++) {
				uint64_t v = rt[k] == AW_FUNCREF || rt[k] == AW_EXTERNREF ? res[k] != 0 : res[k];
				mix(&o->hash, &v, sizeof(v));
			}
			if (rc == AW_TRAP)
				mix(&o->hash, err.msg, strlen(err.msg));
			fuel = aw_instance_fuel(in);
			mix(&o->hash, &fuel, sizeof(fuel));
			if (rc == AW_OUT_OF_FUEL)
				aw_abandon(in);
			if ((mem = aw_memory_data(in, &size)) != NULL)
				mix(&o->hash, mem, size);
			o->calls++;
		}
		aw_instance_free(in);
	}
	aw_linker_free(l);
	aw_module_free(m);
}

static int cmd_jitdiff(const char *list, unsigned long n, unsigned long seed)
{
	struct seeds s = { 0 };
	unsigned long compared = 0, calls = 0, differ = 0;
	struct buf b = { 0 };
	time_t t0 = time(NULL);

	if (read_seeds(list, &s)) {
		report("jit-vs-interpreter", 0, "no seed modules");
		return 1;
	}
	rng_state ^= seed * 0x9e3779b97f4a7c15ull;
	for (unsigned long i = 0; i < n; i++) {
		const struct buf *src = &s.m[rnd() % s.n];
		struct outcome a, j;
		uint64_t argseed = rnd();
		b.n = 0;
		put(&b, src->p, src->n);
		if (i % 4)
			mutate(&b);  /* every fourth module runs unchanged */
		observe(&b, AW_JIT_OFF, argseed, &a);
		observe(&b, AW_JIT_ALL, argseed, &j);
		compared += a.calls > 0;
		calls += a.calls;
		if (a.hash != j.hash || a.calls != j.calls) {
			char name[64];
			FILE *f;
			snprintf(name, sizeof(name), "jitdiff-%lu-%llu.wasm", i, (unsigned long long)argseed);
			if ((f = fopen(name, "wb")) != NULL) {
				fwrite(b.p, 1, b.n, f);
				fclose(f);
			}
			if (differ++ < 5)
				printf("jitdiff: module %lu (saved as %s) behaves differently under the JIT\n", i, name);
		}
	}
	printf("jitdiff: %lu modules (seed %lu) in %lds: %lu ran, %lu export calls compared, %lu differ\n",
	       n, seed, (long)(time(NULL) - t0), compared, calls, differ);
	report("jit-vs-interpreter", differ == 0, differ ? "the JIT and the interpreter disagree" : NULL);
	free_seeds(&s);
	free(b.p);
	return differ != 0;
}

/* jitshow FILE ARGSEED: one module's calls, interpreted then translated,
 * for looking into a difference jitdiff reported (the file name ends with
 * the argument seed) */
static int cmd_jitshow(const char *path, uint64_t argseed)
{
	struct buf b = { 0 };
	struct outcome a, j;

	if (read_file(path, &b))
		return 2;
	verbose = 1;
	printf("interpreted:\n");
	observe(&b, AW_JIT_OFF, argseed, &a);
	printf("translated (AW_JIT_ALL):\n");
	observe(&b, AW_JIT_ALL, argseed, &j);
	free(b.p);
	return a.hash != j.hash;
}

static int cmd_truncate(const char *list)
{
	struct seeds s = { 0 };
	unsigned long loads = 0, accepted = 0;

	if (read_seeds(list, &s)) {
		report("truncated-modules", 0, "no seed modules");
		return 1;
	}
	/* every prefix of small seeds; 1,000 spread-out prefixes of big ones
	 * (all of them would be quadratic in the module size) */
	for (size_t i = 0; i < s.n; i++) {
		size_t step = s.m[i].n <= 2048 ? 1 : s.m[i].n / 1000;
		if (i % 10 && s.m[i].n > 256)
			continue;
		for (size_t len = 0; len < s.m[i].n; len += step) {
			struct aw_error err;
			struct aw_module *m = aw_module_load(s.m[i].p, len, &err);
			loads++;
			if (m) {
				accepted++; /* a prefix ending at a section boundary is valid */
				aw_module_free(m);
			}
		}
	}
	printf("truncate: %lu prefixes loaded, %lu valid (section boundaries)\n", loads, accepted);
	report("truncated-modules", 1, NULL);
	free_seeds(&s);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "special")) {
		special();
		return failures != 0;
	}
	if (argc == 3 && !strcmp(argv[1], "truncate"))
		return cmd_truncate(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "mutate"))
		return cmd_mutate(argv[2], strtoul(argv[3], NULL, 10), strtoul(argv[4], NULL, 10));
	if (argc == 4 && !strcmp(argv[1], "jitshow"))
		return cmd_jitshow(argv[2], strtoull(argv[3], NULL, 10));
	if (argc == 5 && !strcmp(argv[1], "jitdiff"))
		return cmd_jitdiff(argv[2], strtoul(argv[3], NULL, 10), strtoul(argv[4], NULL, 10));
	fprintf(stderr, "usage: fuzz special | truncate SEEDLIST | mutate SEEDLIST N SEED | "
		"jitdiff SEEDLIST N SEED | jitshow FILE ARGSEED\n");
	return 2;
}
