/*
 * Transactions: from a goal unit, compute the set of units that must be
 * started (the closure over Requires, BindsTo and Wants), check that the
 * ordering edges among them form a DAG, and produce a start order.
 *
 * An ordering cycle never hangs the boot: it is reported (every unit on the
 * cycle, in order) and broken by deleting one edge, preferring an edge whose
 * units are only linked by Wants. The deletion is made in the table, so the
 * runtime, which waits on dep[DEP_AFTER], sees the same acyclic graph.
 * Pure code: no processes, no clock; host-tested against a reference check.
 */
#ifndef AEGIS_INIT_TXN_H
#define AEGIS_INIT_TXN_H

#include "table.h"

struct txn_broken {
	int from, to; /* removed edge: `from` was ordered After `to` */
};

struct txn {
	unsigned char *member; /* per unit index: in the job set */
	int *order;	       /* members, dependencies first */
	int n;
	struct txn_broken *broken;
	int nbroken;
	struct strv messages; /* human-readable cycle reports */
};

/* Builds a start transaction for goal. Returns 0, or -EINVAL for a bad index. */
int txn_build_start(struct unit_table *t, int goal, struct txn *x);
/* Members of a stop transaction: everything that pulls goal in hard (BindsTo/Requires/PartOf). */
int txn_build_stop(struct unit_table *t, int goal, struct txn *x);
void txn_free(struct txn *x);

#endif
