/*
 * Embedding API test: 1,000 isolated instances in one process, fuel limits,
 * suspend and resume at safe points, memory limits, host imports and
 * memory access.  Prints PASS/FAIL lines and the measured instantiate time
 * and memory per instance.  usage: api_test DIR (with counter.wasm)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "aegis/wasm.h"

#define NINST 1000

static int failures;

static void check(const char *name, int ok, const char *detail)
{
	printf("%s wasm/api/%s%s%s\n", ok ? "PASS" : "FAIL", name, detail ? " " : "", detail ? detail : "");
	failures += !ok;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = 0, res = 0;

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		res = -1;
	fclose(f);
	return res < 0 ? -1 : res * (sysconf(_SC_PAGESIZE) / 1024);
}

static int host_add(struct aw_host_call *c, uint64_t *a, void *user)
{
	++*(int *)user;
	a[0] = (uint32_t)((uint32_t)a[0] + (uint32_t)a[1]);
	return 0;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc(*len + 1);
	if (b && fread(b, 1, *len, f) != *len) {
		free(b);
		b = NULL;
	}
	fclose(f);
	return b;
}

static uint64_t call0(struct aw_instance *in, const char *name, int *rc)
{
	uint64_t r = 0;
	struct aw_error err;
	*rc = aw_call(in, aw_instance_func(in, name), NULL, 0, &r, 1, &err);
	return r;
}

static void many_instances(struct aw_module *m, struct aw_linker *l)
{
	static struct aw_instance *in[NINST];
	struct aw_error err;
	long before = rss_kib(), after;
	double t0 = now(), t1;
	int ok = 1, rc;
	char msg[160];

	for (int i = 0; i < NINST; i++) {
		in[i] = aw_instantiate(m, l, NULL, &err);
		if (!in[i]) {
			check("1000-instances", 0, err.msg);
			return;
		}
	}
	t1 = now();
	/* instance i counts to i % 7 + 1; every one must see only its own */
	for (int i = 0; i < NINST; i++)
		for (int k = 0; k <= i % 7; k++)
			call0(in[i], "inc", &rc);
	for (int i = 0; i < NINST && ok; i++) {
		uint32_t v;
		ok = call0(in[i], "get", &rc) == (uint64_t)(i % 7 + 1) && rc == AW_OK &&
		     aw_memory_read(in[i], 0, &v, 4) == 0 && v == (uint32_t)(i % 7 + 1);
	}
	after = rss_kib();
	snprintf(msg, sizeof(msg), "(%.1f us per instantiate, %.1f KiB resident per instance "
		 "including its touched linear memory)", (t1 - t0) * 1e6 / NINST,
		 (double)(after - before) / NINST);
	check("1000-instances-isolated", ok, msg);
	for (int i = 0; i < NINST; i++)
		aw_instance_free(in[i]);
}

static void fuel_and_suspend(struct aw_module *m, struct aw_linker *l)
{
	struct aw_limits lim = { 0, 100000 };
	struct aw_error err;
	struct aw_instance *in = aw_instantiate(m, l, &lim, &err);
	uint64_t arg = 3000000, res = 0;
	int rc;

	if (!in) {
		check("fuel", 0, err.msg);
		return;
	}
	rc = aw_call(in, aw_instance_func(in, "forever"), NULL, 0, NULL, 0, &err);
	check("fuel-stops-infinite-loop", rc == AW_OUT_OF_FUEL && aw_instance_fuel(in) == 0, NULL);
	aw_instance_set_fuel(in, 50000);
	rc = aw_resume(in, NULL, 0, &err);
	check("fuel-refill-and-resume", rc == AW_OUT_OF_FUEL, NULL);
	rc = aw_call(in, aw_instance_func(in, "get"), NULL, 0, &res, 1, &err);
	check("busy-while-suspended", rc == AW_EBUSY, NULL);
	aw_abandon(in);
	aw_instance_set_fuel(in, 0);
	res = call0(in, "get", &rc);
	check("abandon-then-call", rc == AW_OK && res >= 149900 && res <= 150000, NULL);

	/* suspend at a safe point, resume to the right answer */
	aw_instance_request_suspend(in);
	rc = aw_call(in, aw_instance_func(in, "spin"), &arg, 1, &res, 1, &err);
	check("suspend-at-safe-point", rc == AW_SUSPENDED, NULL);
	while (rc == AW_SUSPENDED) {
		aw_instance_request_suspend(in);
		rc = aw_resume(in, &res, 1, &err);
	}
	check("resume-completes", rc == AW_OK && res == 3000000ull * 2999999ull / 2, NULL);
	aw_instance_free(in);
}

struct suspender {
	struct aw_instance *in;
	volatile int stop;
};

static void *suspend_thread(void *p)
{
	struct suspender *s = p;
	struct timespec ts = { 0, 2 * 1000 * 1000 };

	while (!s->stop) {
		nanosleep(&ts, NULL);
		aw_instance_request_suspend(s->in);
	}
	return NULL;
}

static void suspend_from_thread(struct aw_module *m, struct aw_linker *l)
{
	struct aw_error err;
	struct aw_instance *in = aw_instantiate(m, l, NULL, &err);
	struct suspender s = { in, 0 };
	uint64_t arg = 200000000, res = 0;
	pthread_t t;
	int rc, suspensions = 0;
	char msg[64];

	if (!in || pthread_create(&t, NULL, suspend_thread, &s)) {
		check("suspend-from-thread", 0, "setup");
		aw_instance_free(in);
		return;
	}
	rc = aw_call(in, aw_instance_func(in, "spin"), &arg, 1, &res, 1, &err);
	while (rc == AW_SUSPENDED) {
		suspensions++;
		rc = aw_resume(in, &res, 1, &err);
	}
	s.stop = 1;
	pthread_join(t, NULL);
	snprintf(msg, sizeof(msg), "(%d suspensions)", suspensions);
	check("suspend-from-thread", rc == AW_OK && suspensions > 0 &&
	      res == 200000000ull * 199999999ull / 2, msg);
	aw_instance_free(in);
}

static void limits_and_memory(struct aw_module *m, struct aw_linker *l, int *host_calls)
{
	struct aw_limits lim = { 2 * 65536, 0 };
	struct aw_error err;
	struct aw_instance *in = aw_instantiate(m, l, &lim, &err);
	uint64_t one = 1, res = 0, args[2] = { 40, 2 };
	uint32_t v = 0xdeadbeef, back = 0;
	uint64_t size;

	if (!in) {
		check("memory-limit", 0, err.msg);
		return;
	}
	aw_call(in, aw_instance_func(in, "grow"), &one, 1, &res, 1, &err);
	check("grow-within-limit", res == 1, NULL);
	aw_call(in, aw_instance_func(in, "grow"), &one, 1, &res, 1, &err);
	check("grow-past-limit-fails", (uint32_t)res == 0xffffffffu, NULL);
	aw_memory_data(in, &size);
	check("memory-size", size == 2 * 65536, NULL);
	check("memory-write-read", aw_memory_write(in, 100, &v, 4) == 0 &&
	      aw_call(in, aw_instance_func(in, "load"), (uint64_t[]){ 100 }, 1, &res, 1, &err) == AW_OK &&
	      (uint32_t)res == v && aw_memory_read(in, 100, &back, 4) == 0 && back == v, NULL);
	check("memory-access-bounds", aw_memory_read(in, size - 2, &back, 4) != 0, NULL);
	*host_calls = 0;
	check("host-import", aw_call(in, aw_instance_func(in, "call_add"), args, 2, &res, 1, &err) == AW_OK &&
	      res == 420 && *host_calls == 1, NULL);
	check("wrong-argument-count", aw_call(in, aw_instance_func(in, "call_add"), args, 1, &res, 1, &err) == AW_EARG, NULL);
	aw_instance_free(in);
}

int main(int argc, char **argv)
{
	char path[4096];
	size_t len;
	uint8_t *bytes;
	struct aw_error err;
	struct aw_module *m;
	struct aw_linker *l = aw_linker_new();
	int host_calls = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(path, sizeof(path), "%s/counter.wasm", argc > 1 ? argv[1] : ".");
	bytes = read_file(path, &len);
	m = bytes ? aw_module_load(bytes, len, &err) : NULL;
	if (!m) {
		check("load", 0, bytes ? err.msg : "cannot read counter.wasm");
		return 1;
	}
	aw_linker_define_func(l, "env", "add", "ii>i", host_add, &host_calls);
	many_instances(m, l);
	fuel_and_suspend(m, l);
	suspend_from_thread(m, l);
	limits_and_memory(m, l, &host_calls);
	aw_linker_free(l);
	aw_module_free(m);
	free(bytes);
	return failures != 0;
}
