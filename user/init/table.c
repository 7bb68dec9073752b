/*
 * Unit table: loading a directory of unit files and resolving dependency names.
 * Loading 10,000 units must stay well under 100 ms, so the directory is read
 * once and drop-in folders are only opened when readdir showed they exist.
 */
#define _GNU_SOURCE
#include "table.h"

#include "arena.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t hash_name(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

struct unit_slab {
	struct unit_slab *next;
	int n, used;
	struct unit u[];
};

void table_init(struct unit_table *t)
{
	memset(t, 0, sizeof(*t));
}

static struct arena *table_arena(struct unit_table *t)
{
	if (!t->arena)
		t->arena = arena_new();
	return t->arena;
}

/* Name and path of a slab unit, and its dep/rpull vectors, are in t->arena. */
static void unit_free(struct unit *u)
{
	if (!u->in_slab) {
		free(u->name);
		free(u->path);
	}
	free(u->bad_reason);
	unit_conf_free(&u->conf);
	strv_clear(&u->wants_dir);
	if (!u->in_slab)
		free(u);
}

void table_free(struct unit_table *t)
{
	for (int i = 0; i < t->n; i++)
		unit_free(t->units[i]);
	free(t->units);
	free(t->hash);
	free(t->dir);
	arena_unref(t->arena);
	while (t->slabs) {
		struct unit_slab *next = t->slabs->next;
		free(t->slabs);
		t->slabs = next;
	}
	memset(t, 0, sizeof(*t));
}

int table_find(const struct unit_table *t, const char *name)
{
	if (!t->hcap)
		return -1;
	uint32_t mask = (uint32_t)t->hcap - 1;
	for (uint32_t i = hash_name(name) & mask;; i = (i + 1) & mask) {
		int slot = t->hash[i];
		if (!slot)
			return -1;
		if (!strcmp(t->units[slot - 1]->name, name))
			return slot - 1;
	}
}

static void hash_insert(struct unit_table *t, int idx)
{
	uint32_t mask = (uint32_t)t->hcap - 1;
	uint32_t i = hash_name(t->units[idx]->name) & mask;
	while (t->hash[i])
		i = (i + 1) & mask;
	t->hash[i] = idx + 1;
}

static void hash_grow(struct unit_table *t)
{
	free(t->hash);
	t->hcap = t->hcap ? t->hcap * 2 : 64;
	t->hash = xcalloc((size_t)t->hcap, sizeof(int));
	for (int i = 0; i < t->n; i++)
		hash_insert(t, i);
}

/* table_add for a name already known to be valid: one hash probe finds it or its slot. */
static int table_add_kind(struct unit_table *t, const char *name, enum unit_kind kind)
{
	if ((t->n + 2) * 2 > t->hcap)
		hash_grow(t); /* room for one more, as table_add always ensured */
	uint32_t mask = (uint32_t)t->hcap - 1, i;
	for (i = hash_name(name) & mask; t->hash[i]; i = (i + 1) & mask)
		if (!strcmp(t->units[t->hash[i] - 1]->name, name))
			return t->hash[i] - 1;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->units = xrealloc(t->units, sizeof(*t->units) * (size_t)t->cap);
	}
	struct unit *u;
	if (t->slabs && t->slabs->used < t->slabs->n) {
		u = &t->slabs->u[t->slabs->used++];
		u->in_slab = 1;
		u->name = arena_strdup(table_arena(t), name);
		unit_conf_init(&u->conf, kind);
		u->conf.arena = arena_ref(t->arena); /* what its files say goes there too */
	} else {
		u = xcalloc(1, sizeof(*u));
		u->name = xstrdup(name);
		unit_conf_init(&u->conf, kind);
	}
	t->units[t->n++] = u;
	t->hash[i] = t->n;
	return t->n - 1;
}

int table_add(struct unit_table *t, const char *name)
{
	int kind = unit_kind_from_name(name);
	if (kind < 0)
		return -1;
	return table_add_kind(t, name, (enum unit_kind)kind);
}

void unit_set_bad(struct unit *u, const char *reason)
{
	u->bad = 1;
	if (!u->bad_reason)
		u->bad_reason = xstrdup(reason);
}

/* Remembers the first error of a unit so `aegisctl status` can show it. */
struct load_ctx {
	struct unit_diag *outer;
	struct unit *u;
};

static void load_diag(void *ctx, const char *file, int line, const char *sev, const char *msg)
{
	struct load_ctx *lc = ctx;
	if (sev[0] == 'e' && !lc->u->bad_reason) {
		char buf[600];
		if (line)
			snprintf(buf, sizeof(buf), "%s:%d: %s", file, line, msg);
		else
			snprintf(buf, sizeof(buf), "%s: %s", file, msg);
		lc->u->bad_reason = xstrdup(buf);
	}
	if (lc->outer->fn)
		lc->outer->fn(lc->outer->ctx, file, line, sev, msg);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Sorting names: each string with its first eight bytes as a big-endian number
 * (zero-padded), so most comparisons are one integer compare; equal keys fall
 * back to strcmp on the rest. The order is exactly strcmp's.
 */
struct sort_item {
	uint64_t key;
	char *s;
};

static uint64_t prefix_key(const char *s)
{
	uint64_t k = 0;
	int i = 0;
	for (; i < 8 && s[i]; i++)
		k = k << 8 | (unsigned char)s[i];
	return i ? k << (8 * (8 - i)) : 0; /* i == 0: shifting by 64 is undefined */
}

static int item_cmp(const struct sort_item *a, const struct sort_item *b)
{
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (!(a->key & 0xff)) /* shorter than eight bytes: the keys hold it all */
		return 0;
	return strcmp(a->s + 8, b->s + 8);
}

/* Stable merge sort (musl's qsort is several times slower). */
static void sort_items_rec(struct sort_item *v, struct sort_item *tmp, size_t n)
{
	if (n < 2)
		return;
	if (n <= 8) {
		for (size_t i = 1; i < n; i++) {
			struct sort_item x = v[i];
			size_t j = i;
			for (; j > 0 && item_cmp(&v[j - 1], &x) > 0; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		return;
	}
	size_t h = n / 2;
	sort_items_rec(v, tmp, h);
	sort_items_rec(v + h, tmp, n - h);
	if (item_cmp(&v[h - 1], &v[h]) <= 0)
		return;
	memcpy(tmp, v, h * sizeof(*v));
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		v[k++] = item_cmp(&v[j], &tmp[i]) < 0 ? v[j++] : tmp[i++];
	while (i < h)
		v[k++] = tmp[i++];
}

static void sort_strs(struct strv *sv)
{
	if (sv->n < 2)
		return;
	size_t n = (size_t)sv->n;
	struct sort_item *items = xmalloc(sizeof(*items) * (n + n / 2 + 1));
	for (size_t i = 0; i < n; i++)
		items[i] = (struct sort_item){ prefix_key(sv->v[i]), sv->v[i] };
	sort_items_rec(items, items + n, n);
	for (size_t i = 0; i < n; i++)
		sv->v[i] = items[i].s;
	free(items);
}

/* dir + "/" + name, without printf; in the table's arena for a slab unit. */
static char *path_join(struct unit_table *t, const struct unit *u, const char *dir,
		       size_t dlen, const char *name, size_t nlen)
{
	char *p = u->in_slab ? arena_alloc(table_arena(t), dlen + nlen + 2)
			     : xmalloc(dlen + nlen + 2);
	memcpy(p, dir, dlen);
	p[dlen] = '/';
	memcpy(p + dlen + 1, name, nlen + 1);
	return p;
}

static void load_dropins(const char *dir, struct unit *u, struct unit_diag *d)
{
	char *path = xasprintf("%s/%s.d", dir, u->name);
	DIR *dp = opendir(path);
	struct strv names = { 0 };
	struct dirent *de;
	if (!dp) {
		free(path);
		return;
	}
	while ((de = readdir(dp)))
		if (str_endswith(de->d_name, ".conf"))
			strv_push(&names, de->d_name);
	closedir(dp);
	sort_strs(&names);
	for (int i = 0; i < names.n; i++) {
		char *f = xasprintf("%s/%s", path, names.v[i]);
		unit_parse_file(&u->conf, f, d);
		free(f);
	}
	strv_clear(&names);
	free(path);
}

static void load_wants_dir(const char *dir, struct unit *u)
{
	char *path = xasprintf("%s/%s.wants", dir, u->name);
	DIR *dp = opendir(path);
	struct dirent *de;
	free(path);
	if (!dp)
		return;
	while ((de = readdir(dp)))
		if (unit_kind_from_name(de->d_name) >= 0)
			strv_push(&u->wants_dir, de->d_name);
	closedir(dp);
}

static void load_one(struct unit_table *t, int dirfd, const char *dir, size_t dlen,
		     const char *name, int has_dropins, int has_wants, struct unit_diag *d)
{
	/* name passed unit_kind_from_name in table_load_dir */
	size_t nl = strlen(name);
	enum unit_kind kind = nl > 8 && !memcmp(name + nl - 8, ".service", 8) ? UNIT_SERVICE
										 : UNIT_TARGET;
	int idx = table_add_kind(t, name, kind);
	struct unit *u = t->units[idx];
	struct load_ctx lc = { .outer = d, .u = u };
	struct unit_diag ld = { .fn = load_diag, .ctx = &lc };

	u->path = path_join(t, u, dir, dlen, name, nl);
	u->loaded = 1;
	unit_parse_file_at(&u->conf, dirfd, name, u->path, &ld);
	if (has_dropins)
		load_dropins(dir, u, &ld);
	if (has_wants)
		load_wants_dir(dir, u);
	unit_conf_verify(&u->conf, u->name, u->path, &ld);
	if (ld.errors)
		unit_set_bad(u, "invalid unit file");
	d->errors += ld.errors;
	d->warnings += ld.warnings;
}

int table_load_dir(struct unit_table *t, const char *dir, struct unit_diag *d)
{
	DIR *dp = opendir(dir);
	struct strv files = { 0 }, subdirs = { 0 }; /* files point into names */
	struct dirent *de;
	char *names = NULL;
	size_t nlen = 0, ncap = 0;

	size_t dlen = strlen(dir);
	free(t->dir);
	t->dir = xstrdup(dir);
	if (!dp)
		return -errno;
	while ((de = readdir(dp))) {
		const char *n = de->d_name;
		if (n[0] == '.')
			continue;
		size_t nl = strlen(n);
#define ENDS(lit) (nl >= sizeof(lit) - 1 && !memcmp(n + nl - (sizeof(lit) - 1), lit, sizeof(lit) - 1))
		if (ENDS(".d") || ENDS(".wants"))
			strv_push(&subdirs, n);
		else if (unit_kind_from_name(n) >= 0) {
			/* All names in one buffer: no allocation per file. */
			size_t l = nl + 1;
			if (nlen + l > ncap) {
				ncap = (nlen + l) * 2 + 4096;
				names = xrealloc(names, ncap);
			}
			memcpy(names + nlen, n, l);
			nlen += l;
			files.n++;
		}
		else if (ENDS(".socket") || ENDS(".timer") || ENDS(".mount") || ENDS(".path")) {
			char *p = xasprintf("%s/%s", dir, n);
			if (d->fn)
				d->fn(d->ctx, p, 0, "warning", "unit type not supported; ignored");
			d->warnings++;
			free(p);
		}
	}
#undef ENDS
	files.v = xmalloc(sizeof(char *) * (size_t)(files.n + 1));
	for (size_t off = 0, i = 0; off < nlen; off += strlen(names + off) + 1)
		files.v[i++] = names + off;
	files.v[files.n] = NULL;
	/* Sorted so that load order, messages and tests are deterministic. */
	sort_strs(&files);
	sort_strs(&subdirs);
	/* Sized up front: no rehashing while loading (placeholders may still grow it). */
	while ((t->n + files.n + 1) * 2 > t->hcap) {
		t->hcap = t->hcap ? t->hcap * 2 : 64;
		free(t->hash);
		t->hash = NULL;
	}
	if (!t->hash) {
		t->hash = xcalloc((size_t)t->hcap, sizeof(int));
		for (int i = 0; i < t->n; i++)
			hash_insert(t, i);
	}
	if (files.n) { /* one zeroed block for all units instead of a calloc each */
		struct unit_slab *sl = xcalloc(1, sizeof(*sl) + sizeof(struct unit) * (size_t)files.n);
		sl->n = files.n;
		sl->next = t->slabs;
		t->slabs = sl;
	}
	if (t->n + files.n > t->cap) {
		t->cap = t->n + files.n + 64;
		t->units = xrealloc(t->units, sizeof(*t->units) * (size_t)t->cap);
	}
	for (int i = 0; i < files.n; i++) {
		int drop = 0, wants = 0;
		if (subdirs.n) {
			char key[UNIT_NAME_MAX + 16];
			size_t fl = strlen(files.v[i]);
			memcpy(key, files.v[i], fl);
			memcpy(key + fl, ".d", 3);
			drop = bsearch(&(char *){ key }, subdirs.v, (size_t)subdirs.n,
				       sizeof(char *), cmp_str) != NULL;
			memcpy(key + fl, ".wants", 7);
			wants = bsearch(&(char *){ key }, subdirs.v, (size_t)subdirs.n,
					sizeof(char *), cmp_str) != NULL;
		}
		load_one(t, dirfd(dp), dir, dlen, files.v[i], drop, wants, d);
	}
	closedir(dp);
	free(files.v);
	free(names);
	strv_clear(&subdirs);
	table_resolve(t, d);
	return 0;
}

static void add_edge(struct unit_table *t, struct intv *iv, int x)
{
	if (!intv_contains(iv, x))
		arena_intv_push(table_arena(t), iv, x);
}

/* Placeholders for names nobody defined: a Requires on them must fail. */
static int resolve_name(struct unit_table *t, const char *name)
{
	int idx = table_find(t, name);
	if (idx >= 0)
		return idx;
	idx = table_add(t, name);
	if (idx >= 0)
		unit_set_bad(t->units[idx], "unit file not found");
	return idx;
}

/* Target i is ordered after unit `name`, unless that unit orders itself after i. */
static void target_after(struct unit_table *t, int i, const char *name)
{
	int v = resolve_name(t, name);
	if (v < 0 || v == i || strv_contains(&t->units[v]->conf.deps[DEP_AFTER], t->units[i]->name) ||
	    strv_contains(&t->units[i]->conf.deps[DEP_BEFORE], name))
		return;
	add_edge(t, &t->units[i]->dep[DEP_AFTER], v);
	add_edge(t, &t->units[v]->dep[DEP_BEFORE], i);
}

static void resolve_unit(struct unit_table *t, int i)
{
	static const enum dep_kind kinds[] = { DEP_REQUIRES,  DEP_WANTS,    DEP_AFTER,
					       DEP_BEFORE,    DEP_CONFLICTS, DEP_BINDS_TO,
					       DEP_PART_OF };
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		enum dep_kind kind = kinds[k];
		for (int j = 0; j < t->units[i]->conf.deps[kind].n; j++) {
			int v = resolve_name(t, t->units[i]->conf.deps[kind].v[j]);
			if (v < 0 || v == i)
				continue;
			struct unit *u = t->units[i], *w = t->units[v];
			switch (kind) {
			case DEP_AFTER:
				add_edge(t, &u->dep[DEP_AFTER], v);
				add_edge(t, &w->dep[DEP_BEFORE], i);
				break;
			case DEP_BEFORE:
				add_edge(t, &w->dep[DEP_AFTER], i);
				add_edge(t, &u->dep[DEP_BEFORE], v);
				break;
			case DEP_CONFLICTS:
				add_edge(t, &u->dep[DEP_CONFLICTS], v);
				add_edge(t, &w->dep[DEP_CONFLICTS], i);
				break;
			default:
				add_edge(t, &u->dep[kind], v);
				if (kind != DEP_PART_OF)
					add_edge(t, &w->rpull, i);
				break;
			}
		}
	}
	/* Default dependency of targets: reached after what they pull in. */
	if (t->units[i]->conf.kind == UNIT_TARGET) {
		static const enum dep_kind pulls[] = { DEP_REQUIRES, DEP_WANTS, DEP_BINDS_TO };
		for (size_t k = 0; k < ARRAY_SIZE(pulls); k++)
			for (int j = 0; j < t->units[i]->conf.deps[pulls[k]].n; j++)
				target_after(t, i, t->units[i]->conf.deps[pulls[k]].v[j]);
		for (int j = 0; j < t->units[i]->wants_dir.n; j++)
			target_after(t, i, t->units[i]->wants_dir.v[j]);
	}
	for (int j = 0; j < t->units[i]->wants_dir.n; j++) {
		int v = resolve_name(t, t->units[i]->wants_dir.v[j]);
		if (v >= 0 && v != i) {
			add_edge(t, &t->units[i]->dep[DEP_WANTS], v);
			add_edge(t, &t->units[v]->rpull, i);
		}
	}
}

void table_resolve(struct unit_table *t, struct unit_diag *d)
{
	(void)d;
	for (int i = 0; i < t->n; i++) {
		for (int k = 0; k < DEP__COUNT; k++)
			t->units[i]->dep[k].n = 0;
		t->units[i]->rpull.n = 0;
	}
	/* t->n can grow while resolving (placeholders); those have no deps. */
	for (int i = 0; i < t->n; i++)
		resolve_unit(t, i);
}
