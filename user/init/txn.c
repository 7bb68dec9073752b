/*
 * Transaction engine. Iterative algorithms only: 10,000-unit graphs must not
 * overflow the stack of PID 1.
 */
#include "txn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void txn_free(struct txn *x)
{
	free(x->member);
	free(x->order);
	free(x->broken);
	strv_clear(&x->messages);
	memset(x, 0, sizeof(*x));
}

static void closure(struct unit_table *t, int goal, struct txn *x, int stop)
{
	int *stack = xmalloc(sizeof(int) * (size_t)t->n), sp = 0;
	x->member[goal] = 1;
	stack[sp++] = goal;
	while (sp) {
		struct unit *u = t->units[stack[--sp]];
		if (stop) {
			/* Everything that Requires/BindsTo/PartOf u stops with it. */
			int self = (int)(stack[sp]);
			for (int i = 0; i < t->n; i++) {
				struct unit *w = t->units[i];
				if (x->member[i])
					continue;
				if (intv_contains(&w->dep[DEP_REQUIRES], self) ||
				    intv_contains(&w->dep[DEP_BINDS_TO], self) ||
				    intv_contains(&w->dep[DEP_PART_OF], self)) {
					x->member[i] = 1;
					stack[sp++] = i;
				}
			}
			continue;
		}
		if (u->bad)
			continue; /* a bad unit fails; it pulls nothing in */
		static const enum dep_kind pull[] = { DEP_REQUIRES, DEP_BINDS_TO, DEP_WANTS };
		for (size_t k = 0; k < ARRAY_SIZE(pull); k++) {
			for (int j = 0; j < u->dep[pull[k]].n; j++) {
				int v = u->dep[pull[k]].v[j];
				if (x->member[v])
					continue;
				x->member[v] = 1;
				stack[sp++] = v;
			}
		}
	}
	free(stack);
}

/* How bad it is to cut the ordering edge a-after-b: 0 Wants-only, 1 none, 2 hard. */
static int edge_cost(struct unit_table *t, int a, int b)
{
	struct unit *ua = t->units[a], *ub = t->units[b];
	if (intv_contains(&ua->dep[DEP_REQUIRES], b) || intv_contains(&ua->dep[DEP_BINDS_TO], b) ||
	    intv_contains(&ub->dep[DEP_REQUIRES], a) || intv_contains(&ub->dep[DEP_BINDS_TO], a))
		return 2;
	if (intv_contains(&ua->dep[DEP_WANTS], b) || intv_contains(&ub->dep[DEP_WANTS], a))
		return 0;
	return 1;
}

static void break_cycle(struct unit_table *t, struct txn *x, const int *path, int len)
{
	/* path[0] waits for path[1] ... path[len-1] waits for path[0]. */
	int best = 0, best_cost = 3;
	for (int i = 0; i < len; i++) {
		int c = edge_cost(t, path[i], path[(i + 1) % len]);
		if (c < best_cost) {
			best_cost = c;
			best = i;
		}
	}
	int a = path[best], b = path[(best + 1) % len];
	size_t cap = 128;
	for (int i = 0; i < len; i++)
		cap += strlen(t->units[path[i]]->name) + 8;
	char *msg = xmalloc(cap + strlen(t->units[a]->name) + strlen(t->units[b]->name));
	size_t n = (size_t)sprintf(msg, "ordering cycle:");
	for (int i = 0; i < len; i++)
		n += (size_t)sprintf(msg + n, " %s ->", t->units[path[i]]->name);
	sprintf(msg + n, " %s; breaking \"%s After %s\" (%s)", t->units[path[0]]->name,
		t->units[a]->name, t->units[b]->name,
		best_cost == 0 ? "Wants" : best_cost == 1 ? "ordering only" : "Requires!");
	strv_push(&x->messages, msg);
	free(msg);
	intv_remove(&t->units[a]->dep[DEP_AFTER], b);
	intv_remove(&t->units[b]->dep[DEP_BEFORE], a);
	x->broken = xrealloc(x->broken, sizeof(*x->broken) * (size_t)(x->nbroken + 1));
	x->broken[x->nbroken++] = (struct txn_broken){ a, b };
}

/*
 * One DFS over member nodes following "waits for" edges. Returns 1 after
 * breaking a cycle (the caller runs it again), 0 when the graph is acyclic.
 */
static int find_and_break_cycle(struct unit_table *t, struct txn *x, unsigned char *color,
				int *stack, int *edge_pos)
{
	memset(color, 0, (size_t)t->n);
	for (int root = 0; root < t->n; root++) {
		if (!x->member[root] || color[root])
			continue;
		int sp = 0;
		stack[sp] = root;
		edge_pos[sp++] = 0;
		color[root] = 1;
		while (sp) {
			int u = stack[sp - 1];
			struct intv *after = &t->units[u]->dep[DEP_AFTER];
			if (edge_pos[sp - 1] == after->n) {
				color[u] = 2;
				sp--;
				continue;
			}
			int v = after->v[edge_pos[sp - 1]++];
			if (!x->member[v] || color[v] == 2)
				continue;
			if (color[v] == 1) {
				int start = sp - 1;
				while (stack[start] != v)
					start--;
				break_cycle(t, x, stack + start, sp - start);
				return 1;
			}
			color[v] = 1;
			stack[sp] = v;
			edge_pos[sp++] = 0;
		}
	}
	return 0;
}

/* Kahn's algorithm: dependencies (After targets) come first. */
static void topo_order(struct unit_table *t, struct txn *x)
{
	int *indeg = xcalloc((size_t)t->n, sizeof(int));
	int *queue = xmalloc(sizeof(int) * (size_t)t->n), head = 0, tail = 0;
	for (int i = 0; i < t->n; i++) {
		if (!x->member[i])
			continue;
		struct intv *after = &t->units[i]->dep[DEP_AFTER];
		for (int j = 0; j < after->n; j++)
			indeg[i] += x->member[after->v[j]];
		if (!indeg[i])
			queue[tail++] = i;
	}
	x->n = 0;
	while (head < tail) {
		int u = queue[head++];
		x->order[x->n++] = u;
		struct intv *before = &t->units[u]->dep[DEP_BEFORE];
		for (int j = 0; j < before->n; j++) {
			int w = before->v[j];
			if (x->member[w] && --indeg[w] == 0)
				queue[tail++] = w;
		}
	}
	free(indeg);
	free(queue);
}

static int build(struct unit_table *t, int goal, struct txn *x, int stop)
{
	memset(x, 0, sizeof(*x));
	if (goal < 0 || goal >= t->n)
		return -EINVAL;
	x->member = xcalloc((size_t)t->n, 1);
	x->order = xmalloc(sizeof(int) * (size_t)t->n);
	closure(t, goal, x, stop);

	unsigned char *color = xmalloc((size_t)t->n);
	int *stack = xmalloc(sizeof(int) * (size_t)t->n);
	int *edge_pos = xmalloc(sizeof(int) * (size_t)t->n);
	while (find_and_break_cycle(t, x, color, stack, edge_pos))
		;
	free(color);
	free(stack);
	free(edge_pos);
	topo_order(t, x);
	return 0;
}

int txn_build_start(struct unit_table *t, int goal, struct txn *x)
{
	return build(t, goal, x, 0);
}

int txn_build_stop(struct unit_table *t, int goal, struct txn *x)
{
	return build(t, goal, x, 1);
}
