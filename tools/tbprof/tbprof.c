/*
 * tbprof - a QEMU TCG plugin that counts the guest instructions executed per
 * translation block and writes "vaddr insns executions" lines at exit, so a run
 * can be attributed to kernel and user functions (report.py).  QEMU 7.2's
 * plugin API (version 1) is declared here, as Debian ships no qemu-plugin.h.
 * With -icount shift=0 the counts are the instructions that make the guest's
 * clock.  Build and use (docs/PERFORMANCE.md, "Profiling in QEMU"):
 *     gcc -O2 -shared -fPIC -o build/tbprof.so tools/tbprof/tbprof.c
 *     tools/aegis-run --icount --plugin build/tbprof.so,out=/tmp/p.txt -- CMD
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb *));
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
/* op 0 is QEMU_PLUGIN_INLINE_ADD_U64 */
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, int op, void *ptr,
					      uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, void (*cb)(qemu_plugin_id_t, void *),
				    void *userdata);

/* One per translation (a block translated twice has two; report.py adds them). */
struct block {
	uint64_t vaddr, insns, execs;
	struct block *next;
};

static struct block *blocks;
static const char *out_path = "tbprof.txt";

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct block *b = calloc(1, sizeof(*b));

	(void)id;
	if (!b)
		abort();
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->insns = qemu_plugin_tb_n_insns(tb);
	b->next = blocks;
	blocks = b;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, 0, &b->execs, 1);
}

static void write_profile(qemu_plugin_id_t id, void *arg)
{
	FILE *f = fopen(out_path, "w");

	(void)id, (void)arg;
	if (!f)
		return;
	for (struct block *b = blocks; b; b = b->next)
		if (b->execs)
			fprintf(f, "%llx %llu %llu\n", (unsigned long long)b->vaddr,
				(unsigned long long)b->insns, (unsigned long long)b->execs);
	fclose(f);
}

/* Argument: out=PATH (default tbprof.txt in QEMU's working directory). */
__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id,
							       const qemu_info_t *info, int argc,
							       char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			out_path = argv[i] + 4;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, write_profile, NULL);
	return 0;
}
