/*
 * Load and instantiate cost: decodes+validates+compiles a module N times,
 * instantiates it N times (with WASI-shaped imports stubbed by a host
 * function that is never called), and reports the averages and the memory
 * each live instance costs.  usage: instantiate MODULE.wasm [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "aegis/wasm.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = 0, res = -1;

	if (f) {
		if (fscanf(f, "%ld %ld", &size, &res) != 2)
			res = -1;
		fclose(f);
	}
	return res < 0 ? -1 : res * (sysconf(_SC_PAGESIZE) / 1024);
}

static int never(struct aw_host_call *c, uint64_t *a, void *u)
{
	return aw_host_trap(c, "not available in this benchmark");
}

/* define every function import of m as a trapping host function */
static void stub_imports(struct aw_module *m, struct aw_linker *l)
{
	for (uint32_t i = 0; i < aw_module_import_count(m); i++) {
		struct aw_extern_desc d;
		char sig[64] = "", *p = sig;
		const char *s;
		aw_module_import(m, i, &d);
		if (d.kind != AW_EXT_FUNC)
			continue;
		/* d.desc is "(i32 i64) -> (i32)": turn it into "iI>i" */
		for (s = d.desc; *s && p < sig + sizeof(sig) - 2; s++) {
			if (!strncmp(s, "i32", 3)) *p++ = 'i', s += 2;
			else if (!strncmp(s, "i64", 3)) *p++ = 'I', s += 2;
			else if (!strncmp(s, "f32", 3)) *p++ = 'f', s += 2;
			else if (!strncmp(s, "f64", 3)) *p++ = 'F', s += 2;
			else if (*s == '>') *p++ = '>';
		}
		aw_linker_define_func(l, d.module, d.name, sig, never, NULL);
	}
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 200;
	FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
	struct aw_instance **in;
	struct aw_module *m = NULL;
	struct aw_linker *l = aw_linker_new();
	struct aw_error err;
	struct aw_module_stats st;
	uint8_t *bytes;
	size_t len;
	double t0, load_us, inst_us;
	long r0, r1;

	if (!f || n <= 0) {
		fprintf(stderr, "usage: instantiate MODULE.wasm [N]\n");
		return 2;
	}
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	bytes = malloc(len);
	if (!bytes || fread(bytes, 1, len, f) != len)
		return 1;
	fclose(f);
	t0 = now();
	for (int i = 0; i < n; i++) {
		aw_module_free(m);
		m = aw_module_load(bytes, len, &err);
		if (!m) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
	}
	load_us = (now() - t0) * 1e6 / n;
	stub_imports(m, l);
	in = calloc((size_t)n, sizeof(*in));
	r0 = rss_kib();
	t0 = now();
	for (int i = 0; i < n; i++) {
		in[i] = aw_instantiate(m, l, NULL, &err);
		if (!in[i]) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
	}
	inst_us = (now() - t0) * 1e6 / n;
	r1 = rss_kib();
	aw_module_stats(m, &st);
	printf("module %s: %zu bytes, %u functions, %zu code bytes -> %zu compiled bytes\n",
	       argv[1], len, st.nfuncs, st.code_bytes, st.compiled_bytes);
	printf("load (decode+validate+compile): %.1f us\n", load_us);
	printf("instantiate: %.1f us\n", inst_us);
	printf("resident memory per instance: %.1f KiB (linear memory %u pages declared, "
	       "untouched pages are not resident)\n", (double)(r1 - r0) / n, st.mem_min_pages);
	for (int i = 0; i < n; i++)
		aw_instance_free(in[i]);
	free(in);
	aw_linker_free(l);
	aw_module_free(m);
	free(bytes);
	return 0;
}
