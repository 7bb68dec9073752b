/*
 * Instantiation: resolve imports through a linker (checking extern types,
 * which is where "unlinkable" comes from), allocate tables, memory and
 * globals, then run the active element and data segments in order, as
 * WebAssembly 2.0 specifies (a trap part-way keeps earlier writes).
 * Also the two growth operations shared with the interpreter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "linker.h"

#define MAX_TABLE (10u * 1000 * 1000)

static int fail(struct aw_error *err, int code, const struct aw_module *m, const char *what,
		const char *a, const char *b)
{
	if (err && !err->code) {
		err->code = code;
		snprintf(err->msg, sizeof(err->msg), "%s: %s%s%s%s%s", m->name, what,
			 a ? " " : "", a ? a : "", b ? "." : "", b ? b : "");
	}
	return code;
}

static bool limits_match(uint32_t have_min, bool have_has_max, uint32_t have_max,
			 const struct aw_limits_desc *want)
{
	if (have_min < want->min)
		return false;
	if (want->has_max && (!have_has_max || have_max > want->max))
		return false;
	return true;
}

static int link_import(struct aw_instance *in, const struct aw_import *im,
		       const struct aw_link_entry *e, uint32_t *counts, struct aw_error *err)
{
	const struct aw_module *m = in->module;

	if (!e)
		return fail(err, AW_EUNLINKABLE, m, "unknown import", im->module, im->name);
	if (e->kind != im->kind)
		return fail(err, AW_EUNLINKABLE, m, "incompatible import type", im->module, im->name);
	switch (im->kind) {
	case AW_EXT_FUNC:
		if (!aw_functype_eq(e->func->type, &m->types[im->type]))
			return fail(err, AW_EUNLINKABLE, m, "incompatible import type", im->module, im->name);
		in->funcs[counts[0]++] = e->func;
		break;
	case AW_EXT_TABLE:
		if (e->table->elem != im->table.elem ||
		    !limits_match(e->table->size, e->table->has_max, e->table->max, &im->table.lim))
			return fail(err, AW_EUNLINKABLE, m, "incompatible import type", im->module, im->name);
		in->tables[counts[1]++] = e->table;
		break;
	case AW_EXT_MEMORY:
		if (!limits_match((uint32_t)(e->mem->size / AW_PAGE), e->mem->has_max,
				  e->mem->max_pages, &im->mem))
			return fail(err, AW_EUNLINKABLE, m, "incompatible import type", im->module, im->name);
		in->mems[counts[2]++] = e->mem;
		break;
	default:
		if (e->global->type != im->global.type || e->global->mut != im->global.mut)
			return fail(err, AW_EUNLINKABLE, m, "incompatible import type", im->module, im->name);
		in->globals[counts[3]++] = e->global;
		break;
	}
	return 0;
}

static uint64_t eval_const(struct aw_instance *in, const struct aw_const *c)
{
	switch (c->op) {
	case 0x23: return in->globals[c->val]->val;
	case 0xd2: return (uint64_t)(uintptr_t)in->funcs[c->val];
	default: return c->val; /* constants; ref.null is 0 */
	}
}

static int alloc_defined(struct aw_instance *in, struct aw_error *err)
{
	struct aw_module *m = in->module;

	for (uint32_t i = m->nfuncs_imported; i < m->nfuncs; i++) {
		struct aw_func *f = &in->own_funcs[i - m->nfuncs_imported];
		f->type = &m->types[m->functypes[i]];
		f->inst = in;
		f->code = &m->codes[i - m->nfuncs_imported];
		in->funcs[i] = f;
	}
	for (uint32_t i = m->ntables_imported; i < m->ntables; i++) {
		const struct aw_tabletype *tt = &m->tables[i];
		struct aw_table *t = calloc(1, sizeof(*t));
		if (!t || tt->lim.min > MAX_TABLE) {
			free(t);
			return fail(err, AW_ENOMEM, m, "table too large", NULL, NULL);
		}
		in->tables[i] = t;
		t->elem = tt->elem;
		t->size = tt->lim.min;
		t->max = tt->lim.has_max ? tt->lim.max : UINT32_MAX;
		t->has_max = tt->lim.has_max;
		t->elems = calloc(t->size ? t->size : 1, sizeof(uint64_t));
		if (!t->elems)
			return fail(err, AW_ENOMEM, m, "out of memory for a table", NULL, NULL);
	}
	for (uint32_t i = m->nmems_imported; i < m->nmems; i++) {
		const struct aw_limits_desc *l = &m->mems[i];
		struct aw_memory *mem = calloc(1, sizeof(*mem));
		uint64_t bytes = (uint64_t)l->min * AW_PAGE;
		if (!mem)
			return fail(err, AW_ENOMEM, m, "out of memory", NULL, NULL);
		in->mems[i] = mem;
		mem->max_pages = l->has_max ? l->max : AW_MAX_PAGES;
		mem->has_max = l->has_max;
		if (bytes > in->max_memory)
			return fail(err, AW_ENOMEM, m, "memory minimum exceeds the memory limit", NULL, NULL);
		mem->data = calloc(1, bytes ? bytes : 1);
		if (!mem->data)
			return fail(err, AW_ENOMEM, m, "out of memory for linear memory", NULL, NULL);
		mem->size = bytes;
	}
	for (uint32_t i = m->nglobals_imported; i < m->nglobals; i++) {
		struct aw_global *g = calloc(1, sizeof(*g));
		if (!g)
			return fail(err, AW_ENOMEM, m, "out of memory", NULL, NULL);
		in->globals[i] = g;
		g->type = m->globals[i].type;
		g->mut = m->globals[i].mut;
		{
			const struct aw_const *init = &m->global_init[i - m->nglobals_imported];
			g->val = eval_const(in, init);
			/* the high half of a v128 */
			g->hi = init->op == 0xfd ? init->hi :
				init->op == 0x23 ? in->globals[init->val]->hi : 0;
		}
	}
	return 0;
}

/* Element and data segments: evaluate, then run the active ones. */
static int init_segments(struct aw_instance *in, struct aw_error *err)
{
	struct aw_module *m = in->module;

	for (uint32_t i = 0; i < m->nelems; i++) {
		const struct aw_elem *s = &m->elems[i];
		uint64_t *refs = malloc((s->n ? s->n : 1) * sizeof(uint64_t));
		if (!refs)
			return fail(err, AW_ENOMEM, m, "out of memory", NULL, NULL);
		for (uint32_t k = 0; k < s->n; k++)
			refs[k] = eval_const(in, &s->init[k]);
		in->elem_refs[i] = refs;
		in->elem_len[i] = s->n;
	}
	for (uint32_t i = 0; i < m->nelems; i++) {
		const struct aw_elem *s = &m->elems[i];
		if (s->mode == 0) {
			struct aw_table *t = in->tables[s->table];
			uint64_t off = (uint32_t)eval_const(in, &s->offset);
			if (off + s->n > t->size)
				return fail(err, AW_ETRAP, m, "out of bounds table access", NULL, NULL);
			memcpy(t->elems + off, in->elem_refs[i], s->n * sizeof(uint64_t));
		}
		if (s->mode != 1) { /* active and declarative segments are dropped */
			free(in->elem_refs[i]);
			in->elem_refs[i] = NULL;
		}
	}
	for (uint32_t i = 0; i < m->ndatas; i++) {
		const struct aw_data *d = &m->datas[i];
		struct aw_memory *mem;
		uint64_t off;
		if (d->mode != 0)
			continue;
		mem = in->mems[d->mem];
		off = (uint32_t)eval_const(in, &d->offset);
		if (off + d->len > mem->size)
			return fail(err, AW_ETRAP, m, "out of bounds memory access", NULL, NULL);
		memcpy(mem->data + off, m->bytes + d->off, d->len);
		in->data_dropped[i] = true;
	}
	return 0;
}

static int alloc_arrays(struct aw_instance *in)
{
	struct aw_module *m = in->module;

	in->funcs = calloc(m->nfuncs + 1, sizeof(*in->funcs));
	in->own_funcs = calloc(m->nfuncs - m->nfuncs_imported + 1, sizeof(*in->own_funcs));
	in->tables = calloc(m->ntables + 1, sizeof(*in->tables));
	in->mems = calloc(m->nmems + 1, sizeof(*in->mems));
	in->globals = calloc(m->nglobals + 1, sizeof(*in->globals));
	in->elem_refs = calloc(m->nelems + 1, sizeof(*in->elem_refs));
	in->elem_len = calloc(m->nelems + 1, sizeof(*in->elem_len));
	in->data_dropped = calloc(m->ndatas + 1, sizeof(*in->data_dropped));
	return in->funcs && in->own_funcs && in->tables && in->mems && in->globals &&
	       in->elem_refs && in->elem_len && in->data_dropped ? 0 : AW_ENOMEM;
}

struct aw_instance *aw_instantiate(struct aw_module *m, struct aw_linker *l,
				   const struct aw_limits *lim, struct aw_error *err)
{
	struct aw_instance *in = calloc(1, sizeof(*in));
	uint32_t counts[4] = { 0, 0, 0, 0 };

	if (!in || alloc_arrays(in ? (in->module = m, in) : NULL)) {
		fail(err, AW_ENOMEM, m, "out of memory", NULL, NULL);
		goto out_free;
	}
	in->max_memory = (uint64_t)AW_MAX_PAGES * AW_PAGE;
	if (lim && lim->max_memory_bytes && lim->max_memory_bytes < in->max_memory)
		in->max_memory = lim->max_memory_bytes;
	if (lim && lim->fuel) {
		in->fuel = lim->fuel;
		in->fuel_on = true;
	}
	for (uint32_t i = 0; i < m->nimports; i++) {
		const struct aw_import *im = &m->imports[i];
		if (link_import(in, im, aw_linker_find(l, im->module, im->name), counts, err))
			goto out_free;
	}
	if (alloc_defined(in, err))
		goto out_free;
	if (init_segments(in, err)) {
		/* Segments already written stay in imported tables and may refer
		 * to this instance's functions: keep it until the module goes. */
		in->next_zombie = m->zombies;
		m->zombies = in;
		return NULL;
	}
	return in;
out_free:
	aw_instance_free(in);
	return NULL;
}

void aw_instance_free(struct aw_instance *in)
{
	struct aw_module *m;

	if (!in)
		return;
	m = in->module;
	if (in->tables)
		for (uint32_t i = m->ntables_imported; i < m->ntables; i++)
			if (in->tables[i]) {
				free(in->tables[i]->elems);
				free(in->tables[i]);
			}
	if (in->mems)
		for (uint32_t i = m->nmems_imported; i < m->nmems; i++)
			if (in->mems[i]) {
				free(in->mems[i]->data);
				free(in->mems[i]);
			}
	if (in->globals)
		for (uint32_t i = m->nglobals_imported; i < m->nglobals; i++)
			free(in->globals[i]);
	if (in->elem_refs)
		for (uint32_t i = 0; i < m->nelems; i++)
			free(in->elem_refs[i]);
	aw_exec_free(in->suspended);
	free(in->funcs);
	free(in->own_funcs);
	free(in->tables);
	free(in->mems);
	free(in->globals);
	free(in->elem_refs);
	free(in->elem_len);
	free(in->data_dropped);
	free(in);
}

int aw_memory_grow(struct aw_instance *inst, struct aw_memory *mem, uint32_t delta,
		   uint32_t *old_pages)
{
	uint64_t old = mem->size / AW_PAGE, pages = old + delta;
	uint8_t *nd;

	*old_pages = (uint32_t)old;
	if (pages > mem->max_pages || pages * AW_PAGE > inst->max_memory)
		return -1;
	if (delta == 0)
		return 0;
	/* calloc, not realloc + memset: big zeroed allocations come straight
	 * from mmap, so pages the program never touches cost nothing */
	nd = calloc(1, pages * AW_PAGE);
	if (!nd)
		return -1;
	memcpy(nd, mem->data, mem->size);
	free(mem->data);
	mem->data = nd;
	mem->size = pages * AW_PAGE;
	return 0;
}

int aw_table_grow(struct aw_table *t, uint32_t delta, uint64_t init, uint32_t *old)
{
	uint64_t n = (uint64_t)t->size + delta;
	uint64_t *ne;

	*old = t->size;
	if (n > t->max || n > MAX_TABLE)
		return -1;
	if (delta == 0)
		return 0;
	ne = realloc(t->elems, n * sizeof(uint64_t));
	if (!ne)
		return -1;
	for (uint64_t i = t->size; i < n; i++)
		ne[i] = init;
	t->elems = ne;
	t->size = (uint32_t)n;
	return 0;
}
