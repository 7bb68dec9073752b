/*
 * The public entry points that are not a mechanism of their own: loading
 * (decode + validate + compile), introspection for `inspect`, calls with
 * argument checking, memory access and the host-function helpers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct aw_module *aw_module_load(const uint8_t *bytes, size_t len, struct aw_error *err)
{
	return aw_module_load_named(bytes, len, "module", err);
}

struct aw_module *aw_module_load_named(const uint8_t *bytes, size_t len, const char *name,
				       struct aw_error *err)
{
	struct aw_module *m = calloc(1, sizeof(*m));
	struct aw_error local;

	if (!err)
		err = &local;
	memset(err, 0, sizeof(*err));
	if (!m)
		goto out_oom;
	snprintf(m->name, sizeof(m->name), "%s", name);
	/* decode from the caller's bytes, then keep only what code and data
	 * segments refer to: trailing custom sections (debug info) are dropped */
	m->bytes = (uint8_t *)bytes;
	m->len = len;
	if (aw_decode(m, err)) {
		m->bytes = NULL;
		goto out_free;
	}
	m->bytes = malloc(m->used_len ? m->used_len : 1);
	if (!m->bytes)
		goto out_oom;
	memcpy(m->bytes, bytes, m->used_len);
	m->len = m->used_len;
	if (aw_validate_functions(m, err))
		goto out_free;
	aw_jit_module(m);
	return m;
out_oom:
	err->code = AW_ENOMEM;
	strcpy(err->msg, "out of memory");
out_free:
	if (m) {
		aw_module_release(m);
		free(m);
	}
	return NULL;
}

int aw_module_validate(const uint8_t *bytes, size_t len, struct aw_error *err)
{
	struct aw_error local;
	struct aw_module *m;

	if (!err)
		err = &local;
	m = aw_module_load(bytes, len, err);
	if (!m)
		return err->code;
	aw_module_free(m);
	return 0;
}

void aw_module_free(struct aw_module *m)
{
	if (!m)
		return;
	while (m->zombies) {
		struct aw_instance *z = m->zombies;
		m->zombies = z->next_zombie;
		aw_instance_free(z);
	}
	aw_module_release(m);
	free(m);
}

void aw_module_set_name(struct aw_module *m, const char *name)
{
	snprintf(m->name, sizeof(m->name), "%s", name);
}

uint32_t aw_module_import_count(const struct aw_module *m)
{
	return m->nimports;
}

uint32_t aw_module_export_count(const struct aw_module *m)
{
	return m->nexports;
}

static const char *type_name(uint8_t t)
{
	switch (t) {
	case AW_I32: return "i32";
	case AW_I64: return "i64";
	case AW_F32: return "f32";
	case AW_F64: return "f64";
	case AW_V128: return "v128";
	case AW_FUNCREF: return "funcref";
	case AW_EXTERNREF: return "externref";
	}
	return "?";
}

static void describe_functype(const struct aw_functype *t, char *buf, size_t size)
{
	size_t n = 0;

	n += snprintf(buf + n, size - n, "(");
	for (uint32_t i = 0; i < t->nparams && n < size; i++)
		n += snprintf(buf + n, size - n, "%s%s", i ? " " : "", type_name(t->types[i]));
	if (n < size)
		n += snprintf(buf + n, size - n, ") -> (");
	for (uint32_t i = 0; i < t->nresults && n < size; i++)
		n += snprintf(buf + n, size - n, "%s%s", i ? " " : "",
			      type_name(t->types[t->nparams + i]));
	if (n < size)
		snprintf(buf + n, size - n, ")");
}

static void describe_limits(const char *what, const struct aw_limits_desc *l, char *buf,
			    size_t size)
{
	if (l->has_max)
		snprintf(buf, size, "%s min %u max %u", what, l->min, l->max);
	else
		snprintf(buf, size, "%s min %u", what, l->min);
}

static void describe(const struct aw_module *m, uint8_t kind, uint32_t index, char *buf,
		     size_t size)
{
	switch (kind) {
	case AW_EXT_FUNC:
		describe_functype(&m->types[m->functypes[index]], buf, size);
		break;
	case AW_EXT_TABLE:
		describe_limits(type_name(m->tables[index].elem), &m->tables[index].lim, buf, size);
		break;
	case AW_EXT_MEMORY:
		describe_limits("pages", &m->mems[index], buf, size);
		break;
	default:
		snprintf(buf, size, "%s%s", m->globals[index].mut ? "mut " : "",
			 type_name(m->globals[index].type));
	}
}

void aw_module_import(const struct aw_module *m, uint32_t i, struct aw_extern_desc *d)
{
	const struct aw_import *im = &m->imports[i];
	uint32_t index = 0;

	/* the import's index in its own index space */
	for (uint32_t k = 0; k < i; k++)
		index += m->imports[k].kind == im->kind;
	d->module = im->module;
	d->name = im->name;
	d->kind = im->kind;
	describe(m, im->kind, index, d->desc, sizeof(d->desc));
}

void aw_module_export(const struct aw_module *m, uint32_t i, struct aw_extern_desc *d)
{
	const struct aw_export *x = &m->exports[i];

	d->module = NULL;
	d->name = x->name;
	d->kind = x->kind;
	describe(m, x->kind, x->index, d->desc, sizeof(d->desc));
}

void aw_module_stats(const struct aw_module *m, struct aw_module_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->nfuncs = m->nfuncs;
	s->nimports = m->nimports;
	s->nexports = m->nexports;
	s->ntypes = m->ntypes;
	s->nglobals = m->nglobals;
	s->ndata = m->ndatas;
	s->nelem = m->nelems;
	if (m->nmems) {
		s->has_memory = 1;
		s->mem_min_pages = m->mems[0].min;
		s->mem_max_pages = m->mems[0].has_max ? m->mems[0].max : AW_MAX_PAGES;
	}
	s->code_bytes = m->code_bytes;
	s->compiled_bytes = m->compiled_bytes;
	for (uint32_t i = 0; m->codes && i < m->nfuncs - m->nfuncs_imported; i++)
		for (uint32_t j = 0; j < m->codes[i].nloops; j++) {
			s->nloops++;
			s->nloops_jit += m->codes[i].loops[j].fn != NULL;
		}
	s->jit_bytes = m->jit_bytes;
}

static const struct aw_export *find_export(struct aw_instance *in, const char *name,
					   size_t len, uint8_t kind)
{
	const struct aw_module *m = in->module;

	for (uint32_t i = 0; i < m->nexports; i++) {
		const struct aw_export *x = &m->exports[i];
		if (x->kind == kind && x->name_len == len && !memcmp(x->name, name, len))
			return x;
	}
	return NULL;
}

struct aw_func *aw_instance_func_n(struct aw_instance *in, const char *name, size_t len)
{
	const struct aw_export *x = find_export(in, name, len, AW_EXT_FUNC);
	return x ? in->funcs[x->index] : NULL;
}

struct aw_func *aw_instance_func(struct aw_instance *in, const char *name)
{
	return aw_instance_func_n(in, name, strlen(name));
}

struct aw_global *aw_instance_global(struct aw_instance *in, const char *name)
{
	const struct aw_export *x = find_export(in, name, strlen(name), AW_EXT_GLOBAL);
	return x ? in->globals[x->index] : NULL;
}

int aw_func_signature(const struct aw_func *f, uint32_t *nparams, const uint8_t **params,
		      uint32_t *nresults, const uint8_t **results)
{
	*nparams = f->type->nparams;
	*params = f->type->types;
	*nresults = f->type->nresults;
	*results = f->type->types + f->type->nparams;
	return 0;
}

uint64_t aw_global_get_hi(const struct aw_global *g)
{
	return g->hi;
}

uint64_t aw_global_get(const struct aw_global *g, uint8_t *type)
{
	if (type)
		*type = g->type;
	return g->val;
}

int aw_instance_start(struct aw_instance *in, struct aw_error *err)
{
	if (!in->module->has_start)
		return AW_OK;
	return aw_call(in, in->funcs[in->module->start], NULL, 0, NULL, 0, err);
}

/* API values are packed: one word per value, two for a v128 */
static uint32_t words(const uint8_t *types, uint32_t n)
{
	uint32_t w = n;
	for (uint32_t i = 0; i < n; i++)
		w += types[i] == AW_V128;
	return w;
}

int aw_call(struct aw_instance *in, struct aw_func *f, const uint64_t *args, uint32_t nargs,
	    uint64_t *results, uint32_t nresults, struct aw_error *err)
{
	uint64_t a[512];
	const struct aw_functype *t = f->type;

	if (err)
		memset(err, 0, sizeof(*err));
	if (nargs != words(t->types, t->nparams) || nargs > 512 ||
	    nresults < words(t->types + t->nparams, t->nresults)) {
		if (err) {
			err->code = AW_EARG;
			snprintf(err->msg, sizeof(err->msg), "wrong number of arguments or results");
		}
		return AW_EARG;
	}
	/* keep the invariant that 32-bit values are zero-extended */
	for (uint32_t i = 0, k = 0; i < t->nparams; i++) {
		uint8_t ty = t->types[i];
		a[k] = (ty == AW_I32 || ty == AW_F32) ? (uint32_t)args[k] : args[k];
		k++;
		if (ty == AW_V128) {
			a[k] = args[k];
			k++;
		}
	}
	return aw_exec_call(in, f, a, results, err);
}

int aw_resume(struct aw_instance *in, uint64_t *results, uint32_t nresults,
	      struct aw_error *err)
{
	(void)nresults;
	if (err)
		memset(err, 0, sizeof(*err));
	return aw_exec_resume(in, results, err);
}

void aw_abandon(struct aw_instance *in)
{
	aw_exec_free(in->suspended);
	in->suspended = NULL;
}

void aw_instance_request_suspend(struct aw_instance *in)
{
	__atomic_store_n(&in->suspend_req, 1, __ATOMIC_RELAXED);
	/* the interpreter only looks at the flag when its budget runs out */
}

void aw_instance_set_fuel(struct aw_instance *in, uint64_t fuel)
{
	in->fuel = fuel;
	in->fuel_on = fuel != 0;
}

uint64_t aw_instance_fuel(const struct aw_instance *in)
{
	return in->fuel;
}

int aw_exit_code(const struct aw_instance *in)
{
	return in->exit_code;
}

void aw_instance_set_user(struct aw_instance *in, void *user)
{
	in->user = user;
}

void *aw_instance_user(struct aw_instance *in)
{
	return in->user;
}

uint8_t *aw_memory_data(struct aw_instance *in, uint64_t *size)
{
	if (!in->module->nmems) {
		*size = 0;
		return NULL;
	}
	*size = in->mems[0]->size;
	return in->mems[0]->data;
}

int aw_memory_read(struct aw_instance *in, uint64_t addr, void *buf, size_t n)
{
	uint64_t size;
	uint8_t *d = aw_memory_data(in, &size);

	if (addr > size || n > size - addr)
		return AW_EARG;
	memcpy(buf, d + addr, n);
	return 0;
}

int aw_memory_write(struct aw_instance *in, uint64_t addr, const void *buf, size_t n)
{
	uint64_t size;
	uint8_t *d = aw_memory_data(in, &size);

	if (addr > size || n > size - addr)
		return AW_EARG;
	memcpy(d + addr, buf, n);
	return 0;
}

struct aw_instance *aw_host_instance(struct aw_host_call *call)
{
	return call->inst;
}

int aw_host_trap(struct aw_host_call *call, const char *msg)
{
	call->status = AW_TRAP;
	if (call->err && !call->err->code) {
		call->err->code = AW_ETRAP;
		snprintf(call->err->msg, sizeof(call->err->msg), "%s", msg);
	}
	return -1;
}

int aw_host_exit(struct aw_host_call *call, int code)
{
	call->status = AW_EXIT;
	call->inst->exit_code = code;
	return -1;
}
