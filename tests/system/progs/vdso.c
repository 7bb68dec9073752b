/*
 * vdso: the vDSO is found through AT_SYSINFO_EHDR, its LINUX_2.6 symbols resolve,
 * its clocks agree with the system calls (monotonic across interleaved calls),
 * gettimeofday/time agree with CLOCK_REALTIME, maps names [vdso] and [vvar], and
 * (on Aegis only: the host's clock is not ours to move) settimeofday moves the
 * vDSO's realtime clock.
 */
#include "t.h"
#include <elf.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <sys/utsname.h>

typedef int (*cgt_fn)(clockid_t, struct timespec *);
typedef int (*gtod_fn)(struct timeval *, void *);
typedef time_t (*time_fn)(time_t *);
typedef long (*getcpu_fn)(unsigned *, unsigned *, void *);

static uintptr_t base;
static const Elf64_Sym *symtab;
static const char *strtab;
static const Elf64_Half *versym;
static const Elf64_Verdef *verdef;
static uint32_t nsyms;

static int load(void)
{
	const Elf64_Ehdr *eh = (const void *)base;
	const Elf64_Phdr *ph = (const void *)(base + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	intptr_t bias = -1;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_type != ET_DYN)
		return -1;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && bias == -1)
			bias = (intptr_t)base + (intptr_t)ph[i].p_offset - (intptr_t)ph[i].p_vaddr;
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const void *)(base + ph[i].p_offset);
	}
	if (!dyn || bias == -1)
		return -1;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		uintptr_t p = (uintptr_t)(bias + (intptr_t)dyn->d_un.d_ptr);
		switch (dyn->d_tag) {
		case DT_SYMTAB: symtab = (const void *)p; break;
		case DT_STRTAB: strtab = (const void *)p; break;
		case DT_HASH: nsyms = ((const uint32_t *)p)[1]; break;
		case DT_VERSYM: versym = (const void *)p; break;
		case DT_VERDEF: verdef = (const void *)p; break;
		}
	}
	base = (uintptr_t)bias;
	return symtab && strtab && nsyms && versym && verdef ? 0 : -1;
}

static int version_is(Elf64_Half idx, const char *name)
{
	const Elf64_Verdef *d = verdef;

	for (;;) {
		if (!(d->vd_flags & VER_FLG_BASE) && (d->vd_ndx & 0x7fff) == (idx & 0x7fff)) {
			const Elf64_Verdaux *a = (const void *)((const char *)d + d->vd_aux);
			return !strcmp(strtab + a->vda_name, name);
		}
		if (!d->vd_next)
			return 0;
		d = (const void *)((const char *)d + d->vd_next);
	}
}

static void *sym(const char *name)
{
	for (uint32_t i = 0; i < nsyms; i++) {
		const Elf64_Sym *s = &symtab[i];
		if (ELF64_ST_TYPE(s->st_info) == STT_FUNC && s->st_shndx != SHN_UNDEF &&
		    !strcmp(strtab + s->st_name, name) && version_is(versym[i], "LINUX_2.6"))
			return (void *)(base + s->st_value);
	}
	return NULL;
}

static long long ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000ll + t->tv_nsec;
}

static long long sys_ns(clockid_t c)
{
	struct timespec t;
	syscall(SYS_clock_gettime, c, &t);
	return ns(&t);
}

int main(void)
{
	t_init();
	base = getauxval(AT_SYSINFO_EHDR);
	say("AT_SYSINFO_EHDR present %d\n", base != 0);
	if (!base || load()) {
		say("cannot read the vDSO\n");
		return 1;
	}
	const char *names[] = { "__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time",
				"__vdso_getcpu", "__vdso_clock_getres" };
	for (int i = 0; i < 5; i++)
		say("%s@LINUX_2.6 found %d\n", names[i], sym(names[i]) != NULL);
	cgt_fn cgt = (cgt_fn)sym("__vdso_clock_gettime");
	gtod_fn gtod = (gtod_fn)sym("__vdso_gettimeofday");
	time_fn vtime = (time_fn)sym("__vdso_time");
	getcpu_fn getcpu = (getcpu_fn)sym("__vdso_getcpu");
	cgt_fn getres = (cgt_fn)sym("__vdso_clock_getres");
	if (!cgt || !gtod || !vtime || !getcpu || !getres)
		return 1;

	/* vDSO and syscall interleaved: one clock, never going back */
	clockid_t mono[] = { CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_REALTIME };
	for (int c = 0; c < 3; c++) {
		struct timespec t;
		long long prev = sys_ns(mono[c]), now;
		int back = 0, bad = 0;
		for (int i = 0; i < 100000; i++) {
			if (i & 1) {
				now = sys_ns(mono[c]);
			} else {
				bad += cgt(mono[c], &t) != 0 || t.tv_nsec < 0 || t.tv_nsec >= 1000000000;
				now = ns(&t);
			}
			back += now < prev;
			prev = now;
		}
		say("clock %d: vdso/syscall interleaved went back %d times, bad %d\n", mono[c],
		    back, bad);
	}

	/* gettimeofday and time between two realtime readings */
	int tv_ok = 1, time_ok = 1;
	for (int i = 0; i < 1000; i++) {
		struct timespec a, b;
		struct timeval tv;
		cgt(CLOCK_REALTIME, &a);
		gtod(&tv, NULL);
		time_t s = vtime(NULL);
		cgt(CLOCK_REALTIME, &b);
		long long us = tv.tv_sec * 1000000ll + tv.tv_usec;
		tv_ok &= ns(&a) / 1000 <= us && us <= ns(&b) / 1000 && tv.tv_usec < 1000000;
		time_ok &= a.tv_sec <= s && s <= b.tv_sec;
	}
	say("gettimeofday within realtime %d, time within realtime %d\n", tv_ok, time_ok);
	time_t tt = 0, tr = vtime(&tt);
	say("time stores its result %d\n", tt == tr);

	/* CPU-time clocks go to the kernel; getres and getcpu answer as the syscalls */
	struct timespec c1, r1, r2;
	say("vdso CPUTIME: %d\n", cgt(CLOCK_PROCESS_CPUTIME_ID, &c1));
	say("vdso bad clock: %d\n", cgt(12345, &c1));
	for (int c = 0; c < 8; c++) {
		int a = getres(c, &r1), b = (int)syscall(SYS_clock_getres, c, &r2);
		say("getres %d: same %d\n", c, a == b && (a || ns(&r1) == ns(&r2)));
	}
	unsigned cpu = ~0u, node = ~0u;
	long g = getcpu(&cpu, &node, NULL);
	say("getcpu %ld cpu sane %d node %u\n", g, cpu < 4096, node);

	/* /proc/self/maps names both mappings */
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int vdso = 0, vvar = 0;
	while (f && fgets(line, sizeof(line), f)) {
		vdso += strstr(line, "[vdso]") != NULL && strstr(line, " r-xp ") != NULL;
		vvar += strstr(line, "[vvar]") != NULL && strstr(line, " r--p ") != NULL;
	}
	say("maps: [vdso] r-xp %d, [vvar] r--p present %d\n", vdso, vvar > 0);

	/* the vDSO page is not writable */
	say("mprotect vdso writable: %d\n",
	    mprotect((void *)(getauxval(AT_SYSINFO_EHDR)), 4096, PROT_READ | PROT_WRITE) == 0);

	/* settimeofday moves the vDSO's realtime (only on Aegis) */
	struct utsname u;
	uname(&u);
	int moved = 1;
	if (strstr(u.release, "aegis")) {
		struct timespec before, after;
		struct timeval tv;
		cgt(CLOCK_REALTIME, &before);
		tv.tv_sec = before.tv_sec + 100000;
		tv.tv_usec = 0;
		moved = settimeofday(&tv, NULL) == 0;
		cgt(CLOCK_REALTIME, &after);
		moved &= after.tv_sec >= before.tv_sec + 100000 && after.tv_sec < before.tv_sec + 100010;
		moved &= labs((long)(sys_ns(CLOCK_REALTIME) / 1000000000 - after.tv_sec)) <= 1;
		tv.tv_sec = before.tv_sec + 1;
		settimeofday(&tv, NULL);
	}
	say("settimeofday moves the vdso realtime %d\n", moved);
	return 0;
}
