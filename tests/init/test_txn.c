/*
 * Host tests for the transaction engine: hand-written cases plus random
 * dependency graphs checked against an independent reference (closure by BFS,
 * order checked edge by edge, every cut edge shown to have been on a cycle).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "txn.h"

static void add(struct unit_table *t, const char *name, enum dep_kind k, const char *dep)
{
	int i = table_add(t, name);
	if (dep)
		strv_push(&t->units[i]->conf.deps[k], dep);
	t->units[i]->loaded = 1;
}

static int pos_of(const struct txn *x, int u)
{
	for (int i = 0; i < x->n; i++)
		if (x->order[i] == u)
			return i;
	return -1;
}

static void t_chain(void)
{
	struct unit_table t;
	struct txn x;
	table_init(&t);
	add(&t, "c.service", DEP_AFTER, "b.service");
	add(&t, "c.service", DEP_REQUIRES, "b.service");
	add(&t, "b.service", DEP_AFTER, "a.service");
	add(&t, "b.service", DEP_WANTS, "a.service");
	add(&t, "a.service", DEP_BEFORE, "z.service");
	add(&t, "z.service", DEP_WANTS, NULL);
	table_resolve(&t, NULL);
	CHECK(txn_build_start(&t, table_find(&t, "c.service"), &x) == 0);
	CHECK(x.n == 3 && x.nbroken == 0);
	CHECK(x.order[0] == table_find(&t, "a.service"));
	CHECK(x.order[2] == table_find(&t, "c.service"));
	CHECK(!x.member[table_find(&t, "z.service")]);
	txn_free(&x);
	table_free(&t);
}

static void t_cycle_breaks_at_wants(void)
{
	struct unit_table t;
	struct txn x;
	table_init(&t);
	/* a After b (Requires), b After c (Requires), c After a (Wants): cut c->a. */
	add(&t, "a.service", DEP_REQUIRES, "b.service");
	add(&t, "a.service", DEP_AFTER, "b.service");
	add(&t, "b.service", DEP_REQUIRES, "c.service");
	add(&t, "b.service", DEP_AFTER, "c.service");
	add(&t, "c.service", DEP_WANTS, "a.service");
	add(&t, "c.service", DEP_AFTER, "a.service");
	table_resolve(&t, NULL);
	CHECK(txn_build_start(&t, table_find(&t, "a.service"), &x) == 0);
	CHECK(x.n == 3 && x.nbroken == 1);
	CHECK(x.nbroken == 1 && x.broken[0].from == table_find(&t, "c.service") &&
	      x.broken[0].to == table_find(&t, "a.service"));
	CHECK(x.messages.n == 1 && strstr(x.messages.v[0], "a.service -> b.service") &&
	      strstr(x.messages.v[0], "(Wants)"));
	CHECK(pos_of(&x, table_find(&t, "c.service")) == 0);
	txn_free(&x);
	table_free(&t);
}

static void t_bad_dep_not_expanded(void)
{
	struct unit_table t;
	struct txn x;
	table_init(&t);
	add(&t, "a.service", DEP_REQUIRES, "missing.service");
	table_resolve(&t, NULL);
	int m = table_find(&t, "missing.service");
	CHECK(m >= 0 && t.units[m]->bad);
	CHECK(txn_build_start(&t, table_find(&t, "a.service"), &x) == 0);
	CHECK(x.n == 2);
	txn_free(&x);
	table_free(&t);
}

static unsigned rng_state = 12345;
static unsigned rnd(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 16) & 0x7fff;
}

/* Reference: is there a path from a to b following the ORIGINAL After edges? */
static int reach(int n, unsigned char *adj, int a, int b)
{
	unsigned char *seen = calloc((size_t)n, 1);
	int *q = malloc(sizeof(int) * (size_t)n), h = 0, tl = 0, found = 0;
	q[tl++] = a;
	seen[a] = 1;
	while (h < tl && !found) {
		int u = q[h++];
		for (int v = 0; v < n; v++)
			if (adj[u * n + v] && !seen[v]) {
				if (v == b)
					found = 1;
				seen[v] = 1;
				q[tl++] = v;
			}
	}
	free(seen);
	free(q);
	return found;
}

static void random_graph(int n, int edges, int *ok)
{
	struct unit_table t;
	struct txn x;
	char name[32], dep[32];
	unsigned char *after = calloc((size_t)(n * n), 1), *pull = calloc((size_t)(n * n), 1);
	table_init(&t);
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "u%d.service", i);
		add(&t, name, DEP_WANTS, NULL);
	}
	for (int e = 0; e < edges; e++) {
		int a = (int)(rnd() % (unsigned)n), b = (int)(rnd() % (unsigned)n);
		if (a == b)
			continue;
		snprintf(name, sizeof(name), "u%d.service", a);
		snprintf(dep, sizeof(dep), "u%d.service", b);
		unsigned r = rnd() % 4;
		if (r == 0) {
			add(&t, name, DEP_REQUIRES, dep);
			pull[a * n + b] = 1;
		} else if (r == 1) {
			add(&t, name, DEP_WANTS, dep);
			pull[a * n + b] = 1;
		} else if (r == 2) {
			add(&t, name, DEP_AFTER, dep);
			after[a * n + b] = 1;
		} else {
			add(&t, name, DEP_BEFORE, dep); /* b After a */
			after[b * n + a] = 1;
		}
	}
	table_resolve(&t, NULL);
	int goal = (int)(rnd() % (unsigned)n);
	txn_build_start(&t, goal, &x);

	/* Reference closure. */
	unsigned char *mem = calloc((size_t)n, 1);
	mem[goal] = 1;
	for (int changed = 1; changed;) {
		changed = 0;
		for (int a = 0; a < n; a++)
			for (int b = 0; b < n; b++)
				if (mem[a] && pull[a * n + b] && !mem[b])
					mem[b] = changed = 1;
	}
	int cnt = 0;
	for (int i = 0; i < n; i++) {
		cnt += mem[i];
		if (mem[i] != x.member[i])
			*ok = 0;
	}
	if (cnt != x.n)
		*ok = 0; /* every member ordered => kept graph acyclic */
	/* Every kept edge between members is respected by the order. */
	for (int a = 0; a < n; a++)
		for (int b = 0; b < n; b++) {
			if (!after[a * n + b] || !mem[a] || !mem[b])
				continue;
			int cut = 0;
			for (int k = 0; k < x.nbroken; k++)
				cut |= x.broken[k].from == a && x.broken[k].to == b;
			if (!cut && pos_of(&x, b) > pos_of(&x, a))
				*ok = 0;
		}
	/* Every cut edge a->b was on a cycle: b reaches a in the original graph. */
	for (int k = 0; k < x.nbroken; k++)
		if (!after[x.broken[k].from * n + x.broken[k].to] ||
		    !reach(n, after, x.broken[k].to, x.broken[k].from))
			*ok = 0;
	if (x.nbroken != x.messages.n)
		*ok = 0;
	free(mem);
	free(after);
	free(pull);
	txn_free(&x);
	table_free(&t);
}

static void t_random(void)
{
	int ok = 1;
	for (int iter = 0; iter < 300 && ok; iter++) {
		int n = 2 + (int)(rnd() % 40);
		random_graph(n, (int)(rnd() % (unsigned)(n * 4)), &ok);
	}
	CHECK(ok);
}

static void t_large_chain(void)
{
	/* 10,000 units in one After chain: must not recurse. */
	struct unit_table t;
	struct txn x;
	char name[32], dep[32];
	table_init(&t);
	for (int i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "u%d.service", i);
		snprintf(dep, sizeof(dep), "u%d.service", i + 1);
		add(&t, name, i < 9999 ? DEP_REQUIRES : DEP_WANTS, i < 9999 ? dep : NULL);
		if (i < 9999)
			add(&t, name, DEP_AFTER, dep);
	}
	add(&t, "u9999.service", DEP_AFTER, "u0.service"); /* one huge cycle */
	add(&t, "u9999.service", DEP_WANTS, "u0.service");
	table_resolve(&t, NULL);
	CHECK(txn_build_start(&t, 0, &x) == 0);
	CHECK(x.n == 10000 && x.nbroken == 1);
	txn_free(&x);
	table_free(&t);
}

static void t_stop_closure(void)
{
	struct unit_table t;
	struct txn x;
	table_init(&t);
	add(&t, "a.service", DEP_REQUIRES, "db.service");
	add(&t, "b.service", DEP_BINDS_TO, "a.service");
	add(&t, "c.service", DEP_PART_OF, "b.service");
	add(&t, "d.service", DEP_WANTS, "db.service");
	table_resolve(&t, NULL);
	CHECK(txn_build_stop(&t, table_find(&t, "db.service"), &x) == 0);
	CHECK(x.n == 4 && !x.member[table_find(&t, "d.service")]);
	txn_free(&x);
	table_free(&t);
}

int main(void)
{
	RUN("txn.chain_order", t_chain);
	RUN("txn.cycle_breaks_at_wants", t_cycle_breaks_at_wants);
	RUN("txn.bad_dependency", t_bad_dep_not_expanded);
	RUN("txn.random_graphs_vs_reference", t_random);
	RUN("txn.10000_chain_with_cycle", t_large_chain);
	RUN("txn.stop_closure", t_stop_closure);
	return check_total_failed ? 1 : 0;
}
