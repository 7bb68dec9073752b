/*
 * The linker: a flat name space of (module, name) -> extern used to resolve
 * imports.  Host functions, globals, memories and tables defined here are
 * owned by the linker; instance exports are borrowed, so an instance must
 * outlive the linker entries and instances that refer to it.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "linker.h"

struct aw_linker *aw_linker_new(void)
{
	return calloc(1, sizeof(struct aw_linker));
}

void aw_linker_free(struct aw_linker *l)
{
	if (!l)
		return;
	for (uint32_t i = 0; i < l->n; i++) {
		struct aw_link_entry *e = &l->entries[i];
		free(e->module);
		free(e->name);
		if (e->owned) {
			if (e->kind == AW_EXT_FUNC) {
				free(e->func->own_type.types);
				free(e->func);
			} else if (e->kind == AW_EXT_TABLE) {
				free(e->table->elems);
				free(e->table);
			} else if (e->kind == AW_EXT_MEMORY) {
				free(e->mem->data);
				free(e->mem);
			} else {
				free(e->global);
			}
		}
	}
	free(l->entries);
	free(l);
}

static struct aw_link_entry *add(struct aw_linker *l, const char *module, const char *name,
				 uint8_t kind)
{
	struct aw_link_entry *e;

	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 32;
		struct aw_link_entry *ne = realloc(l->entries, cap * sizeof(*ne));
		if (!ne)
			return NULL;
		l->entries = ne;
		l->cap = cap;
	}
	e = &l->entries[l->n];
	memset(e, 0, sizeof(*e));
	e->module = strdup(module);
	e->name = strdup(name);
	if (!e->module || !e->name) {
		free(e->module);
		free(e->name);
		return NULL;
	}
	e->kind = kind;
	l->n++;
	return e;
}

const struct aw_link_entry *aw_linker_find(const struct aw_linker *l, const char *module,
					   const char *name)
{
	if (!l)
		return NULL;
	/* newest first, so a later definition shadows an earlier one */
	for (uint32_t i = l->n; i-- > 0;) {
		const struct aw_link_entry *e = &l->entries[i];
		if (!strcmp(e->module, module) && !strcmp(e->name, name))
			return e;
	}
	return NULL;
}

static int parse_sig(const char *sig, struct aw_functype *t)
{
	size_t n = strlen(sig);
	const char *gt = strchr(sig, '>');
	uint32_t k = 0;

	if (!gt)
		return AW_EARG;
	t->types = malloc(n + 1);
	if (!t->types)
		return AW_ENOMEM;
	for (const char *p = sig; *p; p++) {
		uint8_t ty;
		switch (*p) {
		case 'i': ty = AW_I32; break;
		case 'I': ty = AW_I64; break;
		case 'f': ty = AW_F32; break;
		case 'F': ty = AW_F64; break;
		case 'e': ty = AW_EXTERNREF; break;
		case 'r': ty = AW_FUNCREF; break;
		case '>': continue;
		default: free(t->types); t->types = NULL; return AW_EARG;
		}
		t->types[k++] = ty;
	}
	t->nparams = (uint32_t)(gt - sig);
	t->nresults = k - t->nparams;
	t->hash = aw_functype_hash(t);
	return 0;
}

int aw_linker_define_func(struct aw_linker *l, const char *module, const char *name,
			  const char *sig, aw_host_fn fn, void *user)
{
	struct aw_func *f = calloc(1, sizeof(*f));
	struct aw_link_entry *e;
	int rc;

	if (!f)
		return AW_ENOMEM;
	rc = parse_sig(sig, &f->own_type);
	if (rc) {
		free(f);
		return rc;
	}
	f->type = &f->own_type;
	f->host = fn;
	f->user = user;
	e = add(l, module, name, AW_EXT_FUNC);
	if (!e) {
		free(f->own_type.types);
		free(f);
		return AW_ENOMEM;
	}
	e->func = f;
	e->owned = true;
	return 0;
}

int aw_linker_define_global(struct aw_linker *l, const char *module, const char *name,
			    uint8_t type, int mut, uint64_t value)
{
	struct aw_global *g = calloc(1, sizeof(*g));
	struct aw_link_entry *e;

	if (!g)
		return AW_ENOMEM;
	g->type = type;
	g->mut = mut;
	g->val = value;
	e = add(l, module, name, AW_EXT_GLOBAL);
	if (!e) {
		free(g);
		return AW_ENOMEM;
	}
	e->global = g;
	e->owned = true;
	return 0;
}

int aw_linker_define_memory(struct aw_linker *l, const char *module, const char *name,
			    uint32_t min_pages, uint32_t max_pages)
{
	struct aw_memory *m = calloc(1, sizeof(*m));
	struct aw_link_entry *e;

	if (!m)
		return AW_ENOMEM;
	m->size = (uint64_t)min_pages * AW_PAGE;
	m->max_pages = max_pages;
	m->has_max = true;
	m->data = calloc(1, m->size ? m->size : 1);
	e = m->data ? add(l, module, name, AW_EXT_MEMORY) : NULL;
	if (!e) {
		free(m->data);
		free(m);
		return AW_ENOMEM;
	}
	e->mem = m;
	e->owned = true;
	return 0;
}

int aw_linker_define_table(struct aw_linker *l, const char *module, const char *name,
			   uint8_t elem, uint32_t min, uint32_t max)
{
	struct aw_table *t = calloc(1, sizeof(*t));
	struct aw_link_entry *e;

	if (!t)
		return AW_ENOMEM;
	t->elem = elem;
	t->size = min;
	t->max = max;
	t->has_max = true;
	t->elems = calloc(min ? min : 1, sizeof(uint64_t));
	e = t->elems ? add(l, module, name, AW_EXT_TABLE) : NULL;
	if (!e) {
		free(t->elems);
		free(t);
		return AW_ENOMEM;
	}
	e->table = t;
	e->owned = true;
	return 0;
}

int aw_linker_define_instance(struct aw_linker *l, const char *as, struct aw_instance *inst)
{
	const struct aw_module *m = inst->module;

	for (uint32_t i = 0; i < m->nexports; i++) {
		const struct aw_export *x = &m->exports[i];
		struct aw_link_entry *e = add(l, as, x->name, x->kind);
		if (!e)
			return AW_ENOMEM;
		switch (x->kind) {
		case AW_EXT_FUNC: e->func = inst->funcs[x->index]; break;
		case AW_EXT_TABLE: e->table = inst->tables[x->index]; break;
		case AW_EXT_MEMORY: e->mem = inst->mems[x->index]; break;
		default: e->global = inst->globals[x->index]; break;
		}
	}
	return 0;
}
