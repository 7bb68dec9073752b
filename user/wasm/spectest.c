/*
 * `aegis-wasm wast DIR/FILE.json`: runs a spec test converted by wabt's
 * wast2json.  Every command is checked against the runtime and counted;
 * one summary line per file goes to stdout, details of failures to stderr.
 * Living in the command (not a separate tool) lets the same check run on
 * the host and inside Aegis.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "aegis/wasm.h"
#include "cli.h"
#include "json.h"

#define MAX_NAMED 64

struct wast {
	const char *dir;
	struct aw_linker *linker;
	struct aw_instance *current;
	struct { char *name; struct aw_instance *inst; } named[MAX_NAMED];
	int nnamed;
	struct aw_module *modules[4096];
	struct aw_instance *instances[4096];
	int nmod, ninst;
	int passed, failed, skipped;
	int line;
	const char *file;
};

static int spectest_print(struct aw_host_call *c, uint64_t *args, void *user)
{
	(void)c; (void)args; (void)user;
	return 0;
}

static void define_spectest(struct aw_linker *l)
{
	static const char *const prints[][2] = {
		{ "print", ">" }, { "print_i32", "i>" }, { "print_i64", "I>" },
		{ "print_f32", "f>" }, { "print_f64", "F>" }, { "print_i32_f32", "if>" },
		{ "print_f64_f64", "FF>" },
	};
	float f = 666.6f;
	double d = 666.6;
	uint32_t fb;
	uint64_t db;

	for (size_t i = 0; i < sizeof(prints) / sizeof(prints[0]); i++)
		aw_linker_define_func(l, "spectest", prints[i][0], prints[i][1], spectest_print, NULL);
	memcpy(&fb, &f, 4);
	memcpy(&db, &d, 8);
	aw_linker_define_global(l, "spectest", "global_i32", AW_I32, 0, 666);
	aw_linker_define_global(l, "spectest", "global_i64", AW_I64, 0, 666);
	aw_linker_define_global(l, "spectest", "global_f32", AW_F32, 0, fb);
	aw_linker_define_global(l, "spectest", "global_f64", AW_F64, 0, db);
	aw_linker_define_table(l, "spectest", "table", AW_FUNCREF, 10, 20);
	aw_linker_define_memory(l, "spectest", "memory", 1, 2);
}

static void fail(struct wast *w, const char *fmt, const char *a)
{
	w->failed++;
	fprintf(stderr, "%s:%d: FAIL ", w->file, w->line);
	fprintf(stderr, fmt, a ? a : "");
	fputc('\n', stderr);
}

static struct aw_module *load(struct wast *w, const char *filename, struct aw_error *err)
{
	char path[4096];
	size_t len;
	uint8_t *bytes;
	struct aw_module *m;

	snprintf(path, sizeof(path), "%s/%s", w->dir, filename);
	bytes = cli_read_file(path, &len);
	if (!bytes) {
		snprintf(err->msg, sizeof(err->msg), "cannot read %.200s", path);
		err->code = AW_EARG;
		return NULL;
	}
	m = aw_module_load_named(bytes, len, filename, err);
	free(bytes);
	if (m) {
		if (w->nmod < 4096)
			w->modules[w->nmod++] = m;
	}
	return m;
}

/* Instantiate and run start; returns the instance or NULL with err set. */
static struct aw_instance *instantiate(struct wast *w, struct aw_module *m, struct aw_error *err)
{
	struct aw_instance *in = aw_instantiate(m, w->linker, NULL, err);
	int rc;

	if (!in)
		return NULL;
	if (w->ninst < 4096)
		w->instances[w->ninst++] = in;
	rc = aw_instance_start(in, err);
	if (rc != AW_OK) {
		if (!err->code)
			err->code = AW_ETRAP;
		return NULL;
	}
	return in;
}

static struct aw_instance *find_instance(struct wast *w, const char *name)
{
	if (!name)
		return w->current;
	for (int i = w->nnamed; i-- > 0;)
		if (!strcmp(w->named[i].name, name))
			return w->named[i].inst;
	return NULL;
}

static void cmd_module(struct wast *w, const struct json *c)
{
	struct aw_error err = { 0 };
	struct aw_module *m = load(w, json_str(c, "filename"), &err);
	const char *name = json_str(c, "name");

	w->current = m ? instantiate(w, m, &err) : NULL;
	if (!w->current) {
		fail(w, "module: %s", err.msg);
		return;
	}
	if (name && w->nnamed < MAX_NAMED) {
		w->named[w->nnamed].name = strdup(name);
		w->named[w->nnamed++].inst = w->current;
	}
	w->passed++;
}

/* the 16 bytes of a v128 given as lanes: {"lane_type": "i32", "value": [..]} */
static bool parse_v128(const struct json *v, uint64_t *out)
{
	const char *lt = json_str(v, "lane_type");
	const struct json *lanes = json_get(v, "value");
	uint8_t bytes[16];
	size_t width;

	if (!lt || !lanes || lanes->type != J_ARR || lanes->n == 0)
		return false;
	width = 16 / lanes->n;
	for (size_t i = 0; i < lanes->n; i++) {
		uint64_t x;
		if (!lanes->kids[i].str)
			return false;
		if (!strncmp(lanes->kids[i].str, "nan:", 4))
			x = width == 4 ? 0x7fc00000u : 0x7ff8000000000000ull;
		else
			x = strtoull(lanes->kids[i].str, NULL, 10);
		memcpy(bytes + i * width, &x, width);
	}
	memcpy(out, bytes, 16);
	return true;
}

/* value from JSON into 1 word (2 for a v128); returns the word count, 0
 * if it cannot be represented */
static int parse_value(const struct json *v, uint64_t *out)
{
	const char *type = json_str(v, "type"), *val = json_str(v, "value");

	if (type && !strcmp(type, "v128"))
		return parse_v128(v, out) ? 2 : 0;
	if (!type || !val)
		return false;
	if (!strcmp(type, "externref")) {
		/* host reference n is represented as n + 1: 0 is null */
		*out = strcmp(val, "null") ? strtoull(val, NULL, 10) + 1 : 0;
		return true;
	}
	if (!strcmp(type, "funcref")) {
		*out = 0;
		return !strcmp(val, "null");
	}
	*out = strtoull(val, NULL, 10);
	return true;
}

static bool nan_matches(const char *val, uint64_t got, size_t width)
{
	bool canonical = !strcmp(val, "nan:canonical");

	if (width == 4) {
		uint32_t b = (uint32_t)got;
		return canonical ? (b & 0x7fffffffu) == 0x7fc00000u
				 : (b & 0x7fc00000u) == 0x7fc00000u;
	}
	return canonical ? (got & 0x7fffffffffffffffull) == 0x7ff8000000000000ull
			 : (got & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
}

/* a v128 result against expected lanes (float lanes may be NaN patterns) */
static bool v128_matches(const struct json *v, const uint64_t *got)
{
	const char *lt = json_str(v, "lane_type");
	const struct json *lanes = json_get(v, "value");
	uint8_t bytes[16];
	size_t width;

	if (!lt || !lanes || lanes->type != J_ARR || lanes->n == 0)
		return false;
	memcpy(bytes, got, 16);
	width = 16 / lanes->n;
	for (size_t i = 0; i < lanes->n; i++) {
		uint64_t x = 0, want;
		memcpy(&x, bytes + i * width, width);
		if (!strncmp(lanes->kids[i].str, "nan:", 4)) {
			if (!nan_matches(lanes->kids[i].str, x, width))
				return false;
			continue;
		}
		want = strtoull(lanes->kids[i].str, NULL, 10);
		if (width < 8)
			want &= (1ull << (8 * width)) - 1;
		if (x != want)
			return false;
	}
	return true;
}

static bool value_matches(const struct json *v, const uint64_t *gotp)
{
	const char *type = json_str(v, "type"), *val = json_str(v, "value");
	uint64_t want[2], got = gotp[0];

	if (type && !strcmp(type, "v128"))
		return v128_matches(v, gotp);
	if (!type || !val)
		return false;
	if (!strncmp(val, "nan:", 4))
		return nan_matches(val, got, !strcmp(type, "f32") ? 4 : 8);
	if (!strcmp(type, "funcref") && strcmp(val, "null"))
		return got != 0;
	if (!parse_value(v, want))
		return false;
	if (!strcmp(type, "i32") || !strcmp(type, "f32"))
		return (uint32_t)got == (uint32_t)want[0];
	return got == want[0];
}

/* Performs an action; returns an aw_status or -1 if it could not be set up. */
static int act(struct wast *w, const struct json *a, uint64_t *res, uint32_t *nres,
	       struct aw_error *err)
{
	const char *type = json_str(a, "type"), *field = json_str(a, "field");
	struct aw_instance *in = find_instance(w, json_str(a, "module"));
	const struct json *args = json_get(a, "args");
	uint64_t av[128];
	uint32_t np, nr, nw = 0;
	const uint8_t *pt, *rt;
	struct aw_func *f;

	memset(err, 0, sizeof(*err));
	if (!in || !type || !field)
		return -1;
	if (!strcmp(type, "get")) {
		struct aw_global *g = aw_instance_global(in, field);
		uint8_t gt;
		if (!g)
			return -1;
		res[0] = aw_global_get(g, &gt);
		res[1] = aw_global_get_hi(g);
		*nres = gt == AW_V128 ? 2 : 1;
		return AW_OK;
	}
	f = aw_instance_func_n(in, field, json_get(a, "field")->len);
	if (!f || !args || args->n > 64)
		return -1;
	for (size_t i = 0; i < args->n; i++) {
		int w = parse_value(&args->kids[i], &av[nw]);
		if (!w)
			return -2;
		nw += (uint32_t)w;
	}
	aw_func_signature(f, &np, &pt, &nr, &rt);
	*nres = nr;
	for (uint32_t i = 0; i < nr; i++)
		*nres += rt[i] == AW_V128;
	if (*nres > 64)
		return -1;
	return aw_call(in, f, av, nw, res, *nres, err);
}

static void cmd_assert_return(struct wast *w, const struct json *c)
{
	uint64_t res[128];
	uint32_t nres = 0;
	struct aw_error err;
	const struct json *exp = json_get(c, "expected");
	int rc = act(w, json_get(c, "action"), res, &nres, &err);

	if (rc == -2) {
		w->skipped++;
		return;
	}
	if (rc != AW_OK) {
		fail(w, "assert_return: action failed: %s", rc < 0 ? "setup" : err.msg);
		return;
	}
	if (!exp) {
		fail(w, "assert_return: no expected values%s", NULL);
		return;
	}
	for (size_t i = 0, k = 0; i < exp->n; i++) {
		const char *t = json_str(&exp->kids[i], "type");
		if (k >= nres || !value_matches(&exp->kids[i], &res[k])) {
			char msg[160];
			snprintf(msg, sizeof(msg), "result %zu: got 0x%llx:%llx want %s", i,
				 k < nres ? (unsigned long long)res[k] : 0ull,
				 k + 1 < nres ? (unsigned long long)res[k + 1] : 0ull,
				 json_str(&exp->kids[i], "value") ? json_str(&exp->kids[i], "value") : t);
			fail(w, "assert_return: %s", msg);
			return;
		}
		k += t && !strcmp(t, "v128") ? 2 : 1;
	}
	w->passed++;
}

static void cmd_assert_trap(struct wast *w, const struct json *c)
{
	uint64_t res[64];
	uint32_t nres;
	struct aw_error err = { 0 };
	int rc;

	if (json_get(c, "action")) {
		rc = act(w, json_get(c, "action"), res, &nres, &err);
		if (rc == -2) {
			w->skipped++;
			return;
		}
	} else {
		struct aw_module *m = load(w, json_str(c, "filename"), &err);
		rc = m && !instantiate(w, m, &err) && err.code == AW_ETRAP ? AW_TRAP : AW_OK;
	}
	if (rc == AW_TRAP)
		w->passed++;
	else
		fail(w, "assert_trap: no trap (expected %s)", json_str(c, "text"));
}

static void cmd_assert_bad_module(struct wast *w, const struct json *c, const char *what)
{
	struct aw_error err = { 0 };
	const char *mt = json_str(c, "module_type");
	struct aw_module *m;

	if (mt && strcmp(mt, "binary")) {
		w->skipped++; /* text format: this runtime reads binaries only */
		return;
	}
	m = load(w, json_str(c, "filename"), &err);
	if (!strcmp(what, "assert_unlinkable") || !strcmp(what, "assert_uninstantiable")) {
		if (m && !instantiate(w, m, &err))
			w->passed++;
		else
			fail(w, "%s: module was accepted", what);
		return;
	}
	if (m)
		fail(w, "%s: module was accepted", what);
	else
		w->passed++;
}

static void cmd_register(struct wast *w, const struct json *c)
{
	struct aw_instance *in = find_instance(w, json_str(c, "name"));
	const char *as = json_str(c, "as");

	if (!in || !as || aw_linker_define_instance(w->linker, as, in)) {
		fail(w, "register: no such module%s", NULL);
		return;
	}
	w->passed++;
}

static void run_command(struct wast *w, const struct json *c)
{
	const char *type = json_str(c, "type");
	const struct json *line = json_get(c, "line");

	w->line = line && line->str ? atoi(line->str) : 0;
	if (!type)
		return;
	if (!strcmp(type, "module")) {
		cmd_module(w, c);
	} else if (!strcmp(type, "register")) {
		cmd_register(w, c);
	} else if (!strcmp(type, "assert_return")) {
		cmd_assert_return(w, c);
	} else if (!strcmp(type, "action")) {
		uint64_t res[64];
		uint32_t n;
		struct aw_error err;
		int rc = act(w, json_get(c, "action"), res, &n, &err);
		if (rc == AW_OK)
			w->passed++;
		else if (rc == -2)
			w->skipped++;
		else
			fail(w, "action failed: %s", err.msg);
	} else if (!strcmp(type, "assert_trap") || !strcmp(type, "assert_exhaustion")) {
		cmd_assert_trap(w, c);
	} else if (!strncmp(type, "assert_", 7)) {
		cmd_assert_bad_module(w, c, type);
	} else {
		fail(w, "unknown command %s", type);
	}
}

int cli_wast(const char *json_path)
{
	struct wast w;
	size_t len;
	char *text = (char *)cli_read_file(json_path, &len);
	struct json *root;
	const struct json *cmds;
	char *slash, *dir;

	memset(&w, 0, sizeof(w));
	if (!text) {
		fprintf(stderr, "aegis-wasm: cannot read %s\n", json_path);
		return 2;
	}
	root = json_parse(text);
	free(text);
	cmds = json_get(root, "commands");
	if (!cmds) {
		fprintf(stderr, "aegis-wasm: %s: not a wast2json command file\n", json_path);
		json_free(root);
		return 2;
	}
	w.file = json_path;
	dir = strdup(json_path);
	slash = dir ? strrchr(dir, '/') : NULL;
	if (slash)
		*slash = 0;
	w.dir = slash ? dir : ".";
	w.linker = aw_linker_new();
	define_spectest(w.linker);
	for (size_t i = 0; i < cmds->n; i++)
		run_command(&w, &cmds->kids[i]);
	printf("%s: %d passed, %d failed, %d skipped\n", json_path, w.passed, w.failed, w.skipped);
	aw_linker_free(w.linker);
	for (int i = 0; i < w.ninst; i++)
		aw_instance_free(w.instances[i]);
	for (int i = 0; i < w.nmod; i++)
		aw_module_free(w.modules[i]);
	for (int i = 0; i < w.nnamed; i++)
		free(w.named[i].name);
	json_free(root);
	free(dir);
	return w.failed ? 1 : 0;
}
