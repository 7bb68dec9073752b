/*
 * The aegis-wasm command:
 *   aegis-wasm [run] [--dir HOST[:GUEST]] [--env K=V] [--fuel N]
 *              [--max-memory BYTES] module.wasm [args...]
 *   aegis-wasm validate module.wasm
 *   aegis-wasm inspect module.wasm
 *   aegis-wasm wast commands.json      (spec tests, see spectest.c)
 * AEGIS_WASM_JIT=off|loops|all chooses the loop JIT's policy (jit.h).
 * A program's exit code is the command's; a trap prints the reason and
 * exits with 134 (as an abort would).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "aegis/wasm.h"
#include "cli.h"
#include "wasi.h"

#define EXIT_TRAP 134
#define MAX_OPTS 256

uint8_t *cli_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > (off_t)1 << 30) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (buf)
		buf[got] = 0;
	*len = got;
	return buf;
}

static struct aw_module *load(const char *path)
{
	size_t len;
	uint8_t *bytes = cli_read_file(path, &len);
	struct aw_error err;
	struct aw_module *m;

	if (!bytes) {
		fprintf(stderr, "aegis-wasm: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	m = aw_module_load_named(bytes, len, path, &err);
	free(bytes);
	if (!m)
		fprintf(stderr, "aegis-wasm: %s\n", err.msg);
	return m;
}

static int cmd_validate(int argc, char **argv)
{
	struct aw_module *m;

	if (argc != 2) {
		fprintf(stderr, "usage: aegis-wasm validate module.wasm\n");
		return 2;
	}
	m = load(argv[1]);
	if (!m)
		return 1;
	printf("%s: valid\n", argv[1]);
	aw_module_free(m);
	return 0;
}

static const char *kind_name(uint8_t k)
{
	static const char *const names[] = { "func", "table", "memory", "global" };
	return k < 4 ? names[k] : "?";
}

static int cmd_inspect(int argc, char **argv)
{
	struct aw_module *m;
	struct aw_module_stats s;
	struct aw_extern_desc d;

	if (argc != 2) {
		fprintf(stderr, "usage: aegis-wasm inspect module.wasm\n");
		return 2;
	}
	m = load(argv[1]);
	if (!m)
		return 1;
	aw_module_stats(m, &s);
	printf("module %s\n", argv[1]);
	printf("  types %u, functions %u (code %zu bytes, compiled %zu bytes), globals %u\n",
	       s.ntypes, s.nfuncs, s.code_bytes, s.compiled_bytes, s.nglobals);
	printf("  data segments %u, element segments %u\n", s.ndata, s.nelem);
	printf("  loops %u, translated by the JIT %u (%zu bytes of machine code)\n",
	       s.nloops, s.nloops_jit, s.jit_bytes);
	if (s.has_memory)
		printf("  memory: %u pages min, %u pages max\n", s.mem_min_pages, s.mem_max_pages);
	printf("imports (%u):\n", s.nimports);
	for (uint32_t i = 0; i < s.nimports; i++) {
		aw_module_import(m, i, &d);
		printf("  %-6s %s.%s %s\n", kind_name(d.kind), d.module, d.name, d.desc);
	}
	printf("exports (%u):\n", s.nexports);
	for (uint32_t i = 0; i < s.nexports; i++) {
		aw_module_export(m, i, &d);
		printf("  %-6s %s %s\n", kind_name(d.kind), d.name, d.desc);
	}
	aw_module_free(m);
	return 0;
}

struct run_opts {
	char *dirs[MAX_OPTS];
	char *envs[MAX_OPTS];
	int ndirs, nenvs;
	struct aw_limits lim;
};

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end == 'K' || *end == 'k') { v <<= 10; end++; }
	else if (*end == 'M' || *end == 'm') { v <<= 20; end++; }
	else if (*end == 'G' || *end == 'g') { v <<= 30; end++; }
	if (*end)
		return -1;
	*out = v;
	return 0;
}

/* Options before the module; returns the index of the module argument. */
static int parse_run_opts(int argc, char **argv, struct run_opts *o)
{
	int i;

	for (i = 0; i < argc && argv[i][0] == '-'; i++) {
		const char *opt = argv[i];
		if (!strcmp(opt, "--")) {
			i++;
			break;
		}
		if (i + 1 >= argc)
			goto out_usage;
		if (!strcmp(opt, "--dir") && o->ndirs < MAX_OPTS) {
			o->dirs[o->ndirs++] = argv[++i];
		} else if (!strcmp(opt, "--env") && o->nenvs < MAX_OPTS && strchr(argv[i + 1], '=')) {
			o->envs[o->nenvs++] = argv[++i];
		} else if (!strcmp(opt, "--fuel")) {
			if (parse_size(argv[++i], &o->lim.fuel))
				goto out_usage;
		} else if (!strcmp(opt, "--max-memory")) {
			if (parse_size(argv[++i], &o->lim.max_memory_bytes))
				goto out_usage;
		} else {
			goto out_usage;
		}
	}
	if (i < argc)
		return i;
out_usage:
	fprintf(stderr, "usage: aegis-wasm [run] [--dir HOST[:GUEST]] [--env K=V] [--fuel N] "
			"[--max-memory BYTES] module.wasm [args...]\n"
			"       aegis-wasm validate|inspect module.wasm\n");
	return -1;
}

static int add_preopens(struct wasi *w, struct run_opts *o)
{
	for (int i = 0; i < o->ndirs; i++) {
		char host[4096];
		const char *colon = strchr(o->dirs[i], ':');
		const char *guest = colon ? colon + 1 : o->dirs[i];
		size_t hl = colon ? (size_t)(colon - o->dirs[i]) : strlen(o->dirs[i]);
		int rc;
		if (hl >= sizeof(host))
			return -1;
		memcpy(host, o->dirs[i], hl);
		host[hl] = 0;
		rc = wasi_preopen(w, host, guest);
		if (rc) {
			fprintf(stderr, "aegis-wasm: --dir %s: %s\n", host, strerror(-rc));
			return -1;
		}
	}
	return 0;
}

static int report(int rc, struct aw_instance *in, struct aw_error *err, const char *path)
{
	switch (rc) {
	case AW_OK:
		return 0;
	case AW_EXIT:
		return aw_exit_code(in);
	case AW_OUT_OF_FUEL:
		fprintf(stderr, "aegis-wasm: %s: out of fuel\n", path);
		return EXIT_TRAP;
	default:
		fprintf(stderr, "aegis-wasm: %s: trap: %s\n", path, err->msg);
		return EXIT_TRAP;
	}
}

static int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct aw_module *m;
	struct aw_linker *l = NULL;
	struct aw_instance *in = NULL;
	struct wasi *w = NULL;
	struct aw_func *entry;
	struct aw_error err;
	int mi, rc = 1;

	memset(&o, 0, sizeof(o));
	mi = parse_run_opts(argc, argv, &o);
	if (mi < 0)
		return 2;
	m = load(argv[mi]);
	if (!m)
		return 1;
	w = wasi_new(argc - mi, argv + mi, o.nenvs, o.envs);
	l = aw_linker_new();
	if (!w || !l || wasi_define(w, l) || add_preopens(w, &o))
		goto out;
	in = aw_instantiate(m, l, &o.lim, &err);
	if (!in) {
		fprintf(stderr, "aegis-wasm: %s\n", err.msg);
		goto out;
	}
	rc = aw_instance_start(in, &err);
	if (rc == AW_OK) {
		entry = aw_instance_func(in, "_start");
		if (!entry)
			entry = aw_instance_func(in, "_initialize");
		rc = entry ? aw_call(in, entry, NULL, 0, NULL, 0, &err) : AW_OK;
	}
	fflush(stdout);
	rc = report(rc, in, &err, argv[mi]);
out:
	aw_instance_free(in);
	aw_linker_free(l);
	wasi_free(w);
	aw_module_free(m);
	return rc;
}

/* AEGIS_WASM_JIT=off|loops|all: the loop JIT's policy (jit.h); "all" is
 * for tests, "off" runs everything in the interpreter */
static int jit_from_env(void)
{
	const char *v = getenv("AEGIS_WASM_JIT");

	if (!v || !*v)
		return 0;
	if (!strcmp(v, "off"))
		aw_set_jit(AW_JIT_OFF);
	else if (!strcmp(v, "loops"))
		aw_set_jit(AW_JIT_LOOPS);
	else if (!strcmp(v, "all"))
		aw_set_jit(AW_JIT_ALL);
	else {
		fprintf(stderr, "aegis-wasm: AEGIS_WASM_JIT must be off, loops or all, not '%s'\n", v);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (jit_from_env())
		return 2;
	if (argc < 2)
		return cmd_run(0, argv + 1) < 0 ? 2 : 2;
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(argv[1], "validate"))
		return cmd_validate(argc - 1, argv + 1);
	if (!strcmp(argv[1], "inspect"))
		return cmd_inspect(argc - 1, argv + 1);
	if (!strcmp(argv[1], "wast")) {
		int rc = 0;
		for (int i = 2; i < argc; i++)
			rc |= cli_wast(argv[i]);
		return rc;
	}
	return cmd_run(argc - 1, argv + 1);
}
