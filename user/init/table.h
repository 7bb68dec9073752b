/*
 * The unit table: every unit known to the manager, looked up by name through
 * an open-addressing hash, with dependencies resolved from names to indices.
 * Units referenced but without a file get a placeholder marked not-found so a
 * dependency on them fails cleanly instead of dangling.
 *
 * Ordering is normalised at resolve time: dep[DEP_AFTER] of u holds every v
 * that must be up before u (u's After= plus every v with Before=u), and
 * dep[DEP_BEFORE] is exactly the reverse relation. The transaction engine may
 * remove an edge from both to break a cycle.
 */
#ifndef AEGIS_INIT_TABLE_H
#define AEGIS_INIT_TABLE_H

#include "unit.h"

struct unit_rt; /* runtime state, owned by the manager (manager.h) */

struct unit {
	char *name;
	char *path;	    /* main file; NULL for placeholders */
	int loaded;	    /* a file was parsed */
	int bad;	    /* unusable: load error or not found */
	char *bad_reason;   /* first error, for status */
	struct unit_conf conf;
	struct intv dep[DEP__COUNT]; /* resolved, see above */
	struct intv rpull;	     /* units that Require/Want/BindsTo this one */
	struct strv wants_dir;	     /* names found in <name>.wants/ */
	struct unit_rt *rt;
	int in_slab; /* allocated in a unit_table slab, not by itself */
};

struct unit_slab; /* units allocated together by table_load_dir */

struct unit_table {
	struct unit **units;
	int n, cap;
	int *hash; /* index+1, 0 = empty */
	int hcap;
	char *dir;
	struct unit_slab *slabs;
	/* Names and paths of slab units, all resolved edge vectors (dep, rpull) and
	 * (through their own references) the configurations parsed into the table. */
	struct arena *arena;
};

void table_init(struct unit_table *t);
void table_free(struct unit_table *t);
int table_find(const struct unit_table *t, const char *name);
/* Returns the index of name, adding an empty unit if needed; -1 if the name is invalid. */
int table_add(struct unit_table *t, const char *name);

/*
 * Loads every *.service and *.target in dir (with drop-ins <unit>.d/NAME.conf and
 * <unit>.wants/ links), then resolves dependencies. Problems go to d->fn.
 */
int table_load_dir(struct unit_table *t, const char *dir, struct unit_diag *d);
/* Turns dependency names into indices; safe to call again after edits. */
void table_resolve(struct unit_table *t, struct unit_diag *d);

/* Marks a unit bad with a reason (first reason wins). */
void unit_set_bad(struct unit *u, const char *reason);

#endif
