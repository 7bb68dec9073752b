/*
 * Module decoder: reads every section of a WebAssembly 2.0 binary into
 * struct aw_module and checks what can be checked without looking inside
 * function bodies (index spaces, limits, constant expressions, export names).
 * Function bodies are type checked and compiled by validate.c afterwards.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define TRY(x) do { int rc_ = (x); if (rc_) return rc_; } while (0)

static const char *const section_names[] = {
	"custom", "type", "import", "function", "table", "memory", "global",
	"export", "start", "element", "code", "data", "data count",
};

/* position of each section id in the required order */
static const int section_rank[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10 };

static void *zalloc(size_t n, size_t size)
{
	if (n == 0)
		n = 1;
	return calloc(n, size);
}

static int read_count(struct aw_reader *r, uint32_t *n, size_t min_item)
{
	TRY(aw_read_u32(r, n));
	/* every item takes at least min_item bytes: reject absurd counts early */
	if ((uint64_t)*n * min_item > (uint64_t)(r->end - r->p))
		return aw_fail(r, AW_EMALFORMED, "unexpected end (count %u too large)", *n);
	return 0;
}

static bool utf8_valid(const uint8_t *s, uint32_t n)
{
	uint32_t i = 0;

	while (i < n) {
		uint8_t c = s[i];
		uint32_t need, cp, min;
		if (c < 0x80) { i++; continue; }
		if ((c & 0xe0) == 0xc0) { need = 1; cp = c & 0x1f; min = 0x80; }
		else if ((c & 0xf0) == 0xe0) { need = 2; cp = c & 0x0f; min = 0x800; }
		else if ((c & 0xf8) == 0xf0) { need = 3; cp = c & 0x07; min = 0x10000; }
		else return false;
		if (n - i <= need)
			return false;
		for (uint32_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

static int read_name(struct aw_reader *r, char **out, uint32_t *len)
{
	uint32_t n;

	TRY(aw_read_u32(r, &n));
	if (n > (size_t)(r->end - r->p))
		return aw_fail(r, AW_EMALFORMED, "unexpected end (name length)");
	if (!utf8_valid(r->p, n))
		return aw_fail(r, AW_EMALFORMED, "malformed UTF-8 encoding");
	if (out) {
		*out = malloc(n + 1);
		if (!*out)
			return aw_fail(r, AW_ENOMEM, "out of memory");
		memcpy(*out, r->p, n);
		(*out)[n] = 0;
	}
	if (len)
		*len = n;
	r->p += n;
	return 0;
}

static int read_valtype(struct aw_reader *r, uint8_t *t)
{
	TRY(aw_read_u8(r, t));
	if (!aw_is_valtype(*t))
		return aw_fail(r, AW_EMALFORMED, "malformed value type 0x%02x", *t);
	return 0;
}

static int read_reftype(struct aw_reader *r, uint8_t *t)
{
	TRY(aw_read_u8(r, t));
	if (!aw_is_reftype(*t))
		return aw_fail(r, AW_EMALFORMED, "malformed reference type 0x%02x", *t);
	return 0;
}

static int read_limits(struct aw_reader *r, struct aw_limits_desc *l, uint32_t bound,
		       const char *what)
{
	uint8_t flag;

	TRY(aw_read_u8(r, &flag));
	if (flag > 1)
		return aw_fail(r, AW_EMALFORMED, "integer too large (limits flag)");
	TRY(aw_read_u32(r, &l->min));
	l->has_max = flag;
	l->max = 0;
	if (flag)
		TRY(aw_read_u32(r, &l->max));
	if (bound && l->min > bound)
		return aw_fail(r, AW_EINVALID, "%s size must be at most %u", what, bound);
	if (bound && l->has_max && l->max > bound)
		return aw_fail(r, AW_EINVALID, "%s size must be at most %u", what, bound);
	if (l->has_max && l->min > l->max)
		return aw_fail(r, AW_EINVALID, "size minimum must not be greater than maximum");
	return 0;
}

static int read_tabletype(struct aw_reader *r, struct aw_tabletype *t)
{
	TRY(read_reftype(r, &t->elem));
	return read_limits(r, &t->lim, 0, "table");
}

static int read_globaltype(struct aw_reader *r, struct aw_globaltype *g)
{
	uint8_t mut;

	TRY(read_valtype(r, &g->type));
	TRY(aw_read_u8(r, &mut));
	if (mut > 1)
		return aw_fail(r, AW_EMALFORMED, "malformed mutability");
	g->mut = mut;
	return 0;
}

uint32_t aw_functype_hash(const struct aw_functype *t)
{
	uint32_t h = 2166136261u ^ t->nparams * 31u ^ t->nresults * 131u;
	for (uint32_t i = 0; i < t->nparams + t->nresults; i++)
		h = (h ^ t->types[i]) * 16777619u;
	return h;
}

bool aw_functype_eq(const struct aw_functype *a, const struct aw_functype *b)
{
	return a == b || (a->hash == b->hash && a->nparams == b->nparams &&
			  a->nresults == b->nresults &&
			  !memcmp(a->types, b->types, a->nparams + a->nresults));
}

static int sec_type(struct aw_reader *r, struct aw_module *m)
{
	uint32_t n_;

	TRY(read_count(r, &n_, 3));
	m->types = zalloc(n_, sizeof(*m->types));
	if (m->types)
		m->ntypes = n_;
	if (!m->types)
		return aw_fail(r, AW_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < m->ntypes; i++) {
		struct aw_functype *t = &m->types[i];
		uint8_t form;
		uint32_t np, nr;
		TRY(aw_read_u8(r, &form));
		if (form != 0x60)
			return aw_fail(r, AW_EMALFORMED, "malformed function type 0x%02x", form);
		TRY(read_count(r, &np, 1));
		t->types = malloc(np + 1);
		if (!t->types)
			return aw_fail(r, AW_ENOMEM, "out of memory");
		for (uint32_t k = 0; k < np; k++)
			TRY(read_valtype(r, &t->types[k]));
		TRY(read_count(r, &nr, 1));
		t->types = realloc(t->types, np + nr + 1);
		if (!t->types)
			return aw_fail(r, AW_ENOMEM, "out of memory");
		for (uint32_t k = 0; k < nr; k++)
			TRY(read_valtype(r, &t->types[np + k]));
		t->nparams = np;
		t->nresults = nr;
		t->hash = aw_functype_hash(t);
	}
	return 0;
}

static int add_func(struct aw_reader *r, struct aw_module *m, uint32_t type)
{
	uint32_t *nf;

	if (type >= m->ntypes)
		return aw_fail(r, AW_EINVALID, "unknown type %u", type);
	nf = realloc(m->functypes, (m->nfuncs + 1) * sizeof(*nf));
	if (!nf)
		return aw_fail(r, AW_ENOMEM, "out of memory");
	m->functypes = nf;
	m->functypes[m->nfuncs++] = type;
	return 0;
}

static int add_table(struct aw_reader *r, struct aw_module *m, const struct aw_tabletype *t)
{
	struct aw_tabletype *nt = realloc(m->tables, (m->ntables + 1) * sizeof(*nt));
	if (!nt)
		return aw_fail(r, AW_ENOMEM, "out of memory");
	m->tables = nt;
	m->tables[m->ntables++] = *t;
	return 0;
}

static int add_mem(struct aw_reader *r, struct aw_module *m, const struct aw_limits_desc *l)
{
	struct aw_limits_desc *nm;

	if (m->nmems >= 1)
		return aw_fail(r, AW_EINVALID, "multiple memories");
	nm = realloc(m->mems, (m->nmems + 1) * sizeof(*nm));
	if (!nm)
		return aw_fail(r, AW_ENOMEM, "out of memory");
	m->mems = nm;
	m->mems[m->nmems++] = *l;
	return 0;
}

static int add_global(struct aw_reader *r, struct aw_module *m, const struct aw_globaltype *g)
{
	struct aw_globaltype *ng = realloc(m->globals, (m->nglobals + 1) * sizeof(*ng));
	if (!ng)
		return aw_fail(r, AW_ENOMEM, "out of memory");
	m->globals = ng;
	m->globals[m->nglobals++] = *g;
	return 0;
}

static int sec_import(struct aw_reader *r, struct aw_module *m)
{
	uint32_t n_;

	TRY(read_count(r, &n_, 4));
	m->imports = zalloc(n_, sizeof(*m->imports));
	if (m->imports)
		m->nimports = n_;
	if (!m->imports)
		return aw_fail(r, AW_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < m->nimports; i++) {
		struct aw_import *im = &m->imports[i];
		TRY(read_name(r, &im->module, NULL));
		TRY(read_name(r, &im->name, NULL));
		TRY(aw_read_u8(r, &im->kind));
		switch (im->kind) {
		case AW_EXT_FUNC:
			TRY(aw_read_u32(r, &im->type));
			TRY(add_func(r, m, im->type));
			m->nfuncs_imported++;
			break;
		case AW_EXT_TABLE:
			TRY(read_tabletype(r, &im->table));
			TRY(add_table(r, m, &im->table));
			m->ntables_imported++;
			break;
		case AW_EXT_MEMORY:
			TRY(read_limits(r, &im->mem, AW_MAX_PAGES, "memory"));
			TRY(add_mem(r, m, &im->mem));
			m->nmems_imported++;
			break;
		case AW_EXT_GLOBAL:
			TRY(read_globaltype(r, &im->global));
			TRY(add_global(r, m, &im->global));
			m->nglobals_imported++;
			break;
		default:
			return aw_fail(r, AW_EMALFORMED, "malformed import kind %u", im->kind);
		}
	}
	return 0;
}

static int sec_function(struct aw_reader *r, struct aw_module *m)
{
	uint32_t n;

	TRY(read_count(r, &n, 1));
	m->codes = zalloc(n, sizeof(*m->codes));
	if (!m->codes)
		return aw_fail(r, AW_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < n; i++) {
		uint32_t type;
		TRY(aw_read_u32(r, &type));
		TRY(add_func(r, m, type));
		m->codes[i].type = type;
	}
	return 0;
}

static int sec_table(struct aw_reader *r, struct aw_module *m)
{
	uint32_t n;

	TRY(read_count(r, &n, 3));
	for (uint32_t i = 0; i < n; i++) {
		struct aw_tabletype t;
		TRY(read_tabletype(r, &t));
		TRY(add_table(r, m, &t));
	}
	return 0;
}

static int sec_memory(struct aw_reader *r, struct aw_module *m)
{
	uint32_t n;

	TRY(read_count(r, &n, 2));
	for (uint32_t i = 0; i < n; i++) {
		struct aw_limits_desc l;
		TRY(read_limits(r, &l, AW_MAX_PAGES, "memory"));
		TRY(add_mem(r, m, &l));
	}
	return 0;
}

static int mark_declared(struct aw_reader *r, struct aw_module *m, uint32_t f)
{
	if (f >= m->nfuncs)
		return aw_fail(r, AW_EINVALID, "unknown function %u", f);
	m->func_declared[f] = true;
	return 0;
}

/* Constant expression of type `want`; `nglobals` globals may be referenced. */
static int read_const(struct aw_reader *r, struct aw_module *m, uint8_t want,
		      struct aw_const *c, uint32_t nglobals)
{
	uint8_t stack[8];
	int depth = 0;
	uint8_t op;

	memset(c, 0, sizeof(*c));
	for (;;) {
		uint8_t t;
		TRY(aw_read_u8(r, &op));
		if (op == 0x0b)
			break;
		switch (op) {
		case 0x41: { int32_t v; TRY(aw_read_s32(r, &v)); c->val = (uint32_t)v; t = AW_I32; break; }
		case 0x42: { int64_t v; TRY(aw_read_s64(r, &v)); c->val = (uint64_t)v; t = AW_I64; break; }
		case 0x43: { uint32_t v; TRY(aw_read_bytes(r, &v, 4)); c->val = v; t = AW_F32; break; }
		case 0x44: TRY(aw_read_bytes(r, &c->val, 8)); t = AW_F64; break;
		case 0xfd: {
			uint32_t sub;
			TRY(aw_read_u32(r, &sub));
			if (sub != 12)
				return aw_fail(r, AW_EINVALID, "constant expression required");
			TRY(aw_read_bytes(r, &c->val, 8));
			TRY(aw_read_bytes(r, &c->hi, 8));
			t = AW_V128;
			break;
		}
		case 0xd0: TRY(read_reftype(r, &t)); c->val = 0; break;
		case 0xd2: {
			uint32_t f;
			TRY(aw_read_u32(r, &f));
			TRY(mark_declared(r, m, f));
			c->val = f;
			t = AW_FUNCREF;
			break;
		}
		case 0x23: {
			uint32_t g;
			TRY(aw_read_u32(r, &g));
			if (g >= nglobals)
				return aw_fail(r, AW_EINVALID, "unknown global %u", g);
			if (m->globals[g].mut)
				return aw_fail(r, AW_EINVALID, "constant expression required");
			c->val = g;
			t = m->globals[g].type;
			break;
		}
		default:
			return aw_fail(r, AW_EINVALID, "constant expression required");
		}
		c->op = op;
		if (depth == (int)sizeof(stack))
			return aw_fail(r, AW_EINVALID, "type mismatch");
		stack[depth++] = t;
	}
	if (depth != 1 || stack[0] != want)
		return aw_fail(r, AW_EINVALID, "type mismatch in constant expression");
	return 0;
}

static int sec_global(struct aw_reader *r, struct aw_module *m)
{
	uint32_t n;

	TRY(read_count(r, &n, 4));
	m->global_init = zalloc(n, sizeof(*m->global_init));
	if (!m->global_init)
		return aw_fail(r, AW_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < n; i++) {
		struct aw_globaltype g;
		TRY(read_globaltype(r, &g));
		TRY(read_const(r, m, g.type, &m->global_init[i], m->nglobals_imported));
		TRY(add_global(r, m, &g));
	}
	return 0;
}

static int sec_export(struct aw_reader *r, struct aw_module *m)
{
	uint32_t n_;

	TRY(read_count(r, &n_, 3));
	m->exports = zalloc(n_, sizeof(*m->exports));
	if (m->exports)
		m->nexports = n_;
	if (!m->exports)
		return aw_fail(r, AW_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < m->nexports; i++) {
		struct aw_export *e = &m->exports[i];
		uint32_t limit;
		TRY(read_name(r, &e->name, &e->name_len));
		TRY(aw_read_u8(r, &e->kind));
		TRY(aw_read_u32(r, &e->index));
		switch (e->kind) {
		case AW_EXT_FUNC: limit = m->nfuncs; break;
		case AW_EXT_TABLE: limit = m->ntables; break;
		case AW_EXT_MEMORY: limit = m->nmems; break;
		case AW_EXT_GLOBAL: limit = m->nglobals; break;
		default: return aw_fail(r, AW_EMALFORMED, "malformed export kind %u", e->kind);
		}
		if (e->index >= limit)
			return aw_fail(r, AW_EINVALID, "unknown export index %u", e->index);
		if (e->kind == AW_EXT_FUNC)
			m->func_declared[e->index] = true;
		for (uint32_t k = 0; k < i; k++)
			if (m->exports[k].name_len == e->name_len &&
			    !memcmp(m->exports[k].name, e->name, e->name_len))
				return aw_fail(r, AW_EINVALID, "duplicate export name");
	}
	return 0;
}

static int sec_start(struct aw_reader *r, struct aw_module *m)
{
	const struct aw_functype *t;

	TRY(aw_read_u32(r, &m->start));
	if (m->start >= m->nfuncs)
		return aw_fail(r, AW_EINVALID, "unknown function %u", m->start);
	t = &m->types[m->functypes[m->start]];
	if (t->nparams || t->nresults)
		return aw_fail(r, AW_EINVALID, "start function must have type [] -> []");
	m->has_start = true;
	return 0;
}

static int read_elem_items(struct aw_reader *r, struct aw_module *m, struct aw_elem *e,
			   bool exprs)
{
	TRY(read_count(r, &e->n, 1));
	e->init = zalloc(e->n, sizeof(*e->init));
	if (!e->init)
		return aw_fail(r, AW_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < e->n; i++) {
		if (exprs) {
			TRY(read_const(r, m, e->type, &e->init[i], m->nglobals_imported));
		} else {
			uint32_t f;
			TRY(aw_read_u32(r, &f));
			TRY(mark_declared(r, m, f));
			e->init[i].op = 0xd2;
			e->init[i].val = f;
		}
	}
	return 0;
}

static int read_elem(struct aw_reader *r, struct aw_module *m, struct aw_elem *e)
{
	uint32_t flags;
	uint8_t kind;
	bool exprs;

	TRY(aw_read_u32(r, &flags));
	if (flags > 7)
		return aw_fail(r, AW_EMALFORMED, "malformed elements segment kind");
	exprs = flags & 4;
	e->type = AW_FUNCREF;
	e->mode = (flags & 1) ? ((flags & 2) ? 2 : 1) : 0;
	if (e->mode == 0) {
		if (flags & 2)
			TRY(aw_read_u32(r, &e->table));
		if (e->table >= m->ntables)
			return aw_fail(r, AW_EINVALID, "unknown table %u", e->table);
		TRY(read_const(r, m, AW_I32, &e->offset, m->nglobals_imported));
	}
	if (flags & 3) {
		if (exprs) {
			TRY(read_reftype(r, &e->type));
		} else {
			TRY(aw_read_u8(r, &kind));
			if (kind != 0)
				return aw_fail(r, AW_EMALFORMED, "malformed element kind");
		}
	}
	TRY(read_elem_items(r, m, e, exprs));
	if (e->mode == 0 && m->tables[e->table].elem != e->type)
		return aw_fail(r, AW_EINVALID, "type mismatch in element segment");
	return 0;
}

static int sec_elem(struct aw_reader *r, struct aw_module *m)
{
	uint32_t n_;

	TRY(read_count(r, &n_, 2));
	m->elems = zalloc(n_, sizeof(*m->elems));
	if (m->elems)
		m->nelems = n_;
	if (!m->elems)
		return aw_fail(r, AW_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < m->nelems; i++)
		TRY(read_elem(r, m, &m->elems[i]));
	return 0;
}

static int read_locals(struct aw_reader *r, struct aw_module *m, struct aw_code *c)
{
	uint32_t ngroups;
	uint64_t total = m->types[c->type].nparams;
	const uint8_t *start;

	TRY(read_count(r, &ngroups, 2));
	start = r->p;
	/* first pass: count, so the type array is allocated once */
	for (uint32_t i = 0; i < ngroups; i++) {
		uint32_t n;
		uint8_t t;
		TRY(aw_read_u32(r, &n));
		TRY(read_valtype(r, &t));
		total += n;
		if (total > 0xffffffffu)
			return aw_fail(r, AW_EMALFORMED, "too many locals");
	}
	if (total > 50000)
		return aw_fail(r, AW_EMALFORMED, "too many locals (limit 50000)");
	c->nlocals = (uint32_t)total;
	c->local_types = malloc(total - m->types[c->type].nparams + 1);
	if (!c->local_types)
		return aw_fail(r, AW_ENOMEM, "out of memory");
	r->p = start;
	for (uint32_t i = 0, k = 0; i < ngroups; i++) {
		uint32_t n;
		uint8_t t;
		TRY(aw_read_u32(r, &n));
		TRY(read_valtype(r, &t));
		memset(c->local_types + k, t, n);
		k += n;
	}
	return 0;
}

static int sec_code(struct aw_reader *r, struct aw_module *m)
{
	uint32_t n, ndef = m->nfuncs - m->nfuncs_imported;

	TRY(read_count(r, &n, 2));
	if (n != ndef)
		return aw_fail(r, AW_EMALFORMED, "function and code section have inconsistent lengths");
	for (uint32_t i = 0; i < n; i++) {
		struct aw_code *c = &m->codes[i];
		uint32_t size;
		const uint8_t *end;
		TRY(aw_read_u32(r, &size));
		if (size > (size_t)(r->end - r->p))
			return aw_fail(r, AW_EMALFORMED, "unexpected end (function body size)");
		end = r->p + size;
		{
			struct aw_reader sub = *r;
			sub.end = end;
			TRY(read_locals(&sub, m, c));
			c->body_off = (uint32_t)(sub.p - r->base);
			c->body_len = (uint32_t)(end - sub.p);
		}
		r->p = end;
	}
	return 0;
}

static int sec_data(struct aw_reader *r, struct aw_module *m)
{
	uint32_t n_;

	TRY(read_count(r, &n_, 1));
	if (m->has_datacount && m->datacount != n_)
		return aw_fail(r, AW_EMALFORMED, "data count and data section have inconsistent lengths");
	m->datas = zalloc(n_, sizeof(*m->datas));
	if (m->datas)
		m->ndatas = n_;
	if (!m->datas)
		return aw_fail(r, AW_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < m->ndatas; i++) {
		struct aw_data *d = &m->datas[i];
		uint32_t flags;
		TRY(aw_read_u32(r, &flags));
		if (flags > 2)
			return aw_fail(r, AW_EMALFORMED, "malformed data segment kind");
		d->mode = flags == 1;
		if (flags == 2)
			TRY(aw_read_u32(r, &d->mem));
		if (!d->mode) {
			if (d->mem >= m->nmems)
				return aw_fail(r, AW_EINVALID, "unknown memory %u", d->mem);
			TRY(read_const(r, m, AW_I32, &d->offset, m->nglobals_imported));
		}
		TRY(aw_read_u32(r, &d->len));
		if (d->len > (size_t)(r->end - r->p))
			return aw_fail(r, AW_EMALFORMED, "unexpected end of section or function");
		d->off = (uint32_t)(r->p - r->base);
		r->p += d->len;
	}
	return 0;
}

static int sec_custom(struct aw_reader *r)
{
	TRY(read_name(r, NULL, NULL));
	r->p = r->end; /* contents are not interpreted */
	return 0;
}

static int read_section(struct aw_reader *r, struct aw_module *m, uint8_t id)
{
	switch (id) {
	case 0: return sec_custom(r);
	case 1: return sec_type(r, m);
	case 2: return sec_import(r, m);
	case 3: return sec_function(r, m);
	case 4: return sec_table(r, m);
	case 5: return sec_memory(r, m);
	case 6: return sec_global(r, m);
	case 7: return sec_export(r, m);
	case 8: return sec_start(r, m);
	case 9: return sec_elem(r, m);
	case 10: return sec_code(r, m);
	case 11: return sec_data(r, m);
	case 12:
		TRY(aw_read_u32(r, &m->datacount));
		m->has_datacount = true;
		return 0;
	}
	return aw_fail(r, AW_EMALFORMED, "malformed section id %u", id);
}

/* func_declared must exist before globals, exports and elems are read; its
 * size is only known after the function section, so allocate it lazily. */
static int ensure_declared(struct aw_reader *r, struct aw_module *m)
{
	if (m->func_declared)
		return 0;
	m->func_declared = zalloc(m->nfuncs, sizeof(bool));
	return m->func_declared ? 0 : aw_fail(r, AW_ENOMEM, "out of memory");
}

int aw_decode(struct aw_module *m, struct aw_error *err)
{
	struct aw_reader r = { m->bytes, m->bytes + m->len, m->bytes, NULL, err, m->name };
	uint8_t hdr[8];
	int last_rank = 0;
	bool saw_code = false;

	if (aw_read_bytes(&r, hdr, 4) || memcmp(hdr, "\0asm", 4))
		return aw_fail(&r, AW_EMALFORMED, "magic header not detected");
	if (aw_read_bytes(&r, hdr, 4) || memcmp(hdr, "\1\0\0\0", 4))
		return aw_fail(&r, AW_EMALFORMED, "unknown binary version");
	while (r.p < r.end) {
		uint8_t id;
		uint32_t size;
		struct aw_reader sec;
		r.section = NULL;
		TRY(aw_read_u8(&r, &id));
		if (id > 12)
			return aw_fail(&r, AW_EMALFORMED, "malformed section id %u", id);
		r.section = section_names[id];
		TRY(aw_read_u32(&r, &size));
		if (size > (size_t)(r.end - r.p))
			return aw_fail(&r, AW_EMALFORMED, "unexpected end (section size %u)", size);
		if (id != 0) {
			if (section_rank[id] <= last_rank)
				return aw_fail(&r, AW_EMALFORMED, "unexpected content after last section");
			last_rank = section_rank[id];
		}
		if (id >= 6 && id != 12)
			TRY(ensure_declared(&r, m));
		sec = r;
		sec.end = r.p + size;
		TRY(read_section(&sec, m, id));
		if (sec.p != sec.end)
			return aw_fail(&sec, AW_EMALFORMED, "section size mismatch");
		r.p = sec.end;
		saw_code |= id == 10;
		if (id != 0)
			m->used_len = (size_t)(r.p - r.base);
	}
	r.section = NULL;
	TRY(ensure_declared(&r, m));
	if (!saw_code && m->nfuncs != m->nfuncs_imported)
		return aw_fail(&r, AW_EMALFORMED, "function and code section have inconsistent lengths");
	if (m->has_datacount && !m->datas && m->datacount)
		return aw_fail(&r, AW_EMALFORMED, "data count and data section have inconsistent lengths");
	return 0;
}

void aw_module_release(struct aw_module *m)
{
	for (uint32_t i = 0; i < m->ntypes; i++)
		free(m->types[i].types);
	free(m->types);
	for (uint32_t i = 0; i < m->nimports; i++) {
		free(m->imports[i].module);
		free(m->imports[i].name);
	}
	free(m->imports);
	free(m->functypes);
	if (m->codes)
		for (uint32_t i = 0; i < m->nfuncs - m->nfuncs_imported; i++) {
			free(m->codes[i].local_types);
			free(m->codes[i].code);
			free(m->codes[i].consts);
			free(m->codes[i].loops);
		}
	free(m->codes);
	aw_jit_release(m);
	free(m->tables);
	free(m->mems);
	free(m->globals);
	free(m->global_init);
	for (uint32_t i = 0; i < m->nexports; i++)
		free(m->exports[i].name);
	free(m->exports);
	for (uint32_t i = 0; i < m->nelems; i++)
		free(m->elems[i].init);
	free(m->elems);
	free(m->datas);
	free(m->func_declared);
	free(m->bytes);
}
