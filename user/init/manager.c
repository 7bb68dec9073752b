/*
 * The manager: loads the unit table and runs jobs. A job is a wish (start or
 * stop) attached to a unit; the dispatcher starts a job as soon as its
 * ordering constraints allow, so independent units start in parallel. All
 * state changes funnel through unit_set_state(), which also propagates
 * failures to units that Require the failed one and restarts units that were
 * waiting for a dependency to come back.
 */
#define _GNU_SOURCE
#include "manager.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "txn.h"

struct unit *manager_unit(struct manager *m, int idx)
{
	return m->t.units[idx];
}

struct unit_rt *unit_rt(struct unit *u)
{
	if (!u->rt) {
		u->rt = xcalloc(1, sizeof(*u->rt));
		u->rt->log_w[0] = u->rt->log_w[1] = -1;
		u->rt->logp[0].fd = u->rt->logp[1].fd = -1;
		u->rt->logp[0].prio = 6;
		u->rt->logp[1].prio = 6;
		u->rt->ready_r = -1;
	}
	return u->rt;
}

#define RT(m, i) unit_rt((m)->t.units[i])

const char *unit_state_name(enum unit_state s)
{
	static const char *n[] = { "inactive",	   "activating", "active",
				   "reloading",	   "deactivating", "failed" };
	return n[s];
}

const char *sub_state_name(enum sub_state s)
{
	static const char *n[] = { "dead",	  "start-pre",	 "start",    "start-post",
				   "running",	  "exited",	 "reload",   "stop",
				   "stop-sigterm", "stop-sigkill", "auto-restart", "failed" };
	return n[s];
}

const char *unit_result_name(enum unit_result r)
{
	static const char *n[] = { "success", "exit-code",	"signal",     "timeout",  "watchdog",
				   "start-limit-hit", "dependency", "resources", "bad-unit" };
	return n[r];
}

void manager_log(struct manager *m, const char *unit, int prio, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	log_record(m, unit ? unit : "aegis-init", prio, buf, (size_t)n);
	if (m->verbose || prio <= 4 || m->pid1)
		fprintf(stderr, "aegis-init: %s%s%s\n", unit ? unit : "", unit ? ": " : "", buf);
}

static void load_diag(void *ctx, const char *file, int line, const char *sev, const char *msg)
{
	struct manager *m = ctx;
	if (line)
		manager_log(m, NULL, sev[0] == 'e' ? 3 : 4, "%s:%d: %s: %s", file, line, sev, msg);
	else
		manager_log(m, NULL, sev[0] == 'e' ? 3 : 4, "%s: %s: %s", file, sev, msg);
}

/* CPU time used by this process (user + system), for the load figures. */
static uint64_t cpu_ms(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

int manager_load(struct manager *m)
{
	struct unit_diag d = { .fn = load_diag, .ctx = m };
	uint64_t t0 = now_mono_ms(), cpu0 = cpu_ms();
	int r = table_load_dir(&m->t, m->units_dir, &d);
	if (r < 0)
		manager_log(m, NULL, 3, "cannot read unit directory %s: %s", m->units_dir,
			    strerror(-r));
	/* Runtime state is allocated on first use: most units never run. */
	manager_log(m, NULL, 6,
		    "loaded %d units from %s in %llu ms, cpu %llu ms (%d errors, %d warnings)",
		    m->t.n, m->units_dir, (unsigned long long)(now_mono_ms() - t0),
		    (unsigned long long)(cpu_ms() - cpu0), d.errors, d.warnings);
	return r;
}

/*
 * daemon-reload: read the files again into a fresh table and move runtime
 * state across by name. Units that vanished but still run are kept (with
 * their old configuration) so they can still be stopped.
 */
int manager_reload(struct manager *m)
{
	if (m->shutdown) { /* shutdown.c holds per-index state: keep the table */
		manager_log(m, NULL, 4, "daemon-reload refused during shutdown");
		return -EBUSY;
	}
	struct unit_table old = m->t;
	table_init(&m->t);
	struct unit_diag d = { .fn = load_diag, .ctx = m };
	int r = table_load_dir(&m->t, m->units_dir, &d);
	for (int i = 0; i < old.n; i++) {
		struct unit *ou = old.units[i];
		if (!ou->rt)
			continue;
		int j = table_find(&m->t, ou->name);
		if (j < 0 && ou->rt->state != ST_INACTIVE && ou->rt->state != ST_FAILED) {
			j = table_add(&m->t, ou->name);
			if (j >= 0) {
				unit_conf_free(&m->t.units[j]->conf);
				m->t.units[j]->conf = ou->conf;
				unit_conf_init(&ou->conf, ou->conf.kind);
				m->t.units[j]->loaded = 1;
			}
		}
		if (j >= 0) {
			free(m->t.units[j]->rt);
			m->t.units[j]->rt = ou->rt;
			ou->rt = NULL;
		}
	}
	for (int k = 0; k < m->npexec; k++) /* indices changed: remap by name */
		m->pexec[k].unit = m->pexec[k].unit < old.n
					   ? table_find(&m->t, old.units[m->pexec[k].unit]->name)
					   : -1;
	for (int i = 0; i < old.n; i++) {
		struct unit_rt *rt = old.units[i]->rt;
		if (!rt)
			continue;
		free(rt->status_text);
		for (int k = 0; k < LOG_RING; k++)
			free(rt->ring[k]);
		free(rt);
		old.units[i]->rt = NULL;
	}
	table_free(&old);
	table_resolve(&m->t, &d);
	m->goal = table_find(&m->t, m->goal_name);
	manager_log(m, NULL, 6, "reloaded: %d units", m->t.n);
	m->dirty = 1;
	return r;
}

int manager_unit_by_pid(struct manager *m, pid_t pid)
{
	for (int i = 0; i < m->t.n; i++) {
		struct unit_rt *rt = m->t.units[i]->rt;
		if (rt && (rt->main_pid == pid || rt->control_pid == pid))
			return i;
	}
	return -1;
}

static int is_down(struct unit_rt *rt)
{
	return rt->state == ST_INACTIVE || rt->state == ST_FAILED;
}

/* A hard dependency is met by an active unit or a oneshot that finished well. */
static int dep_satisfied(struct unit_rt *rt)
{
	return rt->state == ST_ACTIVE || (rt->state == ST_INACTIVE && rt->job_ok && !rt->job);
}

static void queue_job(struct manager *m, int idx, enum job_type j)
{
	struct unit_rt *rt = RT(m, idx);
	rt->job = j;
	if (j == JOB_START)
		rt->dep_wait = 0;
	m->dirty = 1;
}

int manager_start(struct manager *m, int idx, char *err, size_t errlen)
{
	struct txn x;
	if (txn_build_start(&m->t, idx, &x) < 0) {
		snprintf(err, errlen, "no such unit");
		return -EINVAL;
	}
	for (int k = 0; k < x.messages.n; k++)
		manager_log(m, NULL, 4, "%s", x.messages.v[k]);
	for (int k = 0; k < x.n; k++) {
		int v = x.order[k];
		struct unit_rt *rt = RT(m, v);
		if (rt->job == JOB_STOP && rt->state != ST_DEACTIVATING) {
			queue_job(m, v, JOB_START); /* a start cancels a stop not yet begun */
			continue;
		}
		if (rt->state == ST_ACTIVE || rt->state == ST_ACTIVATING || rt->job == JOB_START)
			continue;
		if (rt->state == ST_DEACTIVATING)
			rt->restart_pending = 1;
		else
			queue_job(m, v, JOB_START);
		struct intv *c = &m->t.units[v]->dep[DEP_CONFLICTS];
		for (int j = 0; j < c->n; j++)
			if (!is_down(RT(m, c->v[j])))
				manager_stop(m, c->v[j]);
	}
	txn_free(&x);
	return 0;
}

int manager_stop(struct manager *m, int idx)
{
	struct txn x;
	if (txn_build_stop(&m->t, idx, &x) < 0)
		return -EINVAL;
	for (int k = 0; k < x.n; k++) {
		int v = x.order[k];
		struct unit_rt *rt = RT(m, v);
		rt->dep_wait = 0;
		rt->restart_pending = 0;
		if (is_down(rt) && rt->job != JOB_START)
			continue;
		queue_job(m, v, JOB_STOP);
	}
	txn_free(&x);
	return 0;
}

static void finish_job(struct manager *m, int idx)
{
	struct unit_rt *rt = RT(m, idx);
	rt->job = JOB_NONE; /* waiting aegisctl clients see it in ctl_poll_fill */
	m->dirty = 1;
}

static void fail_dependency(struct manager *m, int idx, int dep)
{
	struct unit_rt *rt = RT(m, idx);
	manager_log(m, m->t.units[idx]->name, 4, "dependency failed: %s", m->t.units[dep]->name);
	rt->result = RES_DEPENDENCY;
	rt->dep_wait = 1;
	unit_set_state(m, idx, ST_FAILED, SUB_FAILED);
	finish_job(m, idx);
}

/* Returns 1 to start now, 0 to wait, -1 if the job failed (already handled). */
static int start_ready(struct manager *m, int idx)
{
	struct unit *u = m->t.units[idx];
	struct intv *after = &u->dep[DEP_AFTER];
	for (int j = 0; j < after->n; j++) {
		struct unit_rt *v = RT(m, after->v[j]);
		if (v->job || v->state == ST_ACTIVATING || v->state == ST_DEACTIVATING ||
		    v->state == ST_RELOADING)
			return 0;
	}
	static const enum dep_kind hard[] = { DEP_REQUIRES, DEP_BINDS_TO };
	for (size_t k = 0; k < ARRAY_SIZE(hard); k++) {
		struct intv *req = &u->dep[hard[k]];
		for (int j = 0; j < req->n; j++) {
			struct unit *d = m->t.units[req->v[j]];
			struct unit_rt *v = unit_rt(d);
			int ordered = intv_contains(after, req->v[j]);
			if (d->bad || (ordered && !dep_satisfied(v)) ||
			    (!ordered && v->state == ST_FAILED && !v->job)) {
				fail_dependency(m, idx, req->v[j]);
				return -1;
			}
		}
	}
	return 1;
}

static int stop_ready(struct manager *m, int idx)
{
	struct intv *before = &m->t.units[idx]->dep[DEP_BEFORE];
	for (int j = 0; j < before->n; j++) {
		struct unit_rt *w = RT(m, before->v[j]);
		if ((w->job == JOB_STOP && !is_down(w)) || w->state == ST_DEACTIVATING)
			return 0;
	}
	return 1;
}

static void dispatch_one(struct manager *m, int idx)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	if (rt->job == JOB_START) {
		if (rt->state == ST_ACTIVE) {
			finish_job(m, idx);
			return;
		}
		if (rt->state != ST_INACTIVE && rt->state != ST_FAILED)
			return;
		if (u->bad) {
			manager_log(m, u->name, 3, "cannot start: %s",
				    u->bad_reason ? u->bad_reason : "bad unit");
			rt->result = RES_BAD_UNIT;
			unit_set_state(m, idx, ST_FAILED, SUB_FAILED);
			finish_job(m, idx);
			return;
		}
		if (start_ready(m, idx) != 1)
			return;
		if (u->conf.kind == UNIT_TARGET) {
			rt->activating_at = m->now;
			unit_set_state(m, idx, ST_ACTIVE, SUB_RUNNING);
		} else {
			svc_start(m, idx);
		}
	} else if (rt->job == JOB_STOP) {
		if (is_down(rt) && rt->sub != SUB_AUTO_RESTART) {
			finish_job(m, idx);
			return;
		}
		if (rt->state == ST_DEACTIVATING || !stop_ready(m, idx))
			return;
		if (u->conf.kind == UNIT_TARGET)
			unit_set_state(m, idx, ST_INACTIVE, SUB_DEAD);
		else
			svc_stop(m, idx);
	}
}

void manager_dispatch(struct manager *m)
{
	for (int rounds = 0; m->dirty && rounds < 1000; rounds++) {
		m->dirty = 0;
		for (int i = 0; i < m->t.n; i++)
			if (m->t.units[i]->rt && m->t.units[i]->rt->job)
				dispatch_one(m, i);
	}
}

/* A unit came up: wake units that failed only because it was down. */
static void wake_waiters(struct manager *m, int idx)
{
	struct intv *rp = &m->t.units[idx]->rpull;
	for (int j = 0; j < rp->n; j++) {
		int w = rp->v[j];
		struct unit_rt *wr = RT(m, w);
		if (!wr->dep_wait || wr->job || !is_down(wr) || m->shutdown)
			continue;
		manager_log(m, m->t.units[w]->name, 6, "dependency %s is back; starting",
			    m->t.units[idx]->name);
		char err[64];
		manager_start(m, w, err, sizeof(err));
	}
}

/* A unit went down: stop the units that cannot live without it. */
static void propagate_down(struct manager *m, int idx, int failed)
{
	struct intv *rp = &m->t.units[idx]->rpull;
	for (int j = 0; j < rp->n; j++) {
		int w = rp->v[j];
		struct unit *wu = m->t.units[w];
		struct unit_rt *wr = RT(m, w);
		int binds = intv_contains(&wu->dep[DEP_BINDS_TO], idx);
		int req = intv_contains(&wu->dep[DEP_REQUIRES], idx);
		if (!(binds || (req && failed)) || is_down(wr) || wr->job == JOB_STOP)
			continue;
		manager_log(m, wu->name, 4, "stopping: %s %s", m->t.units[idx]->name,
			    failed ? "failed" : "stopped");
		wr->dep_wait = 1;
		wr->job = JOB_STOP;
		m->dirty = 1;
	}
	for (int w = 0; w < m->t.n; w++) {
		struct unit_rt *wr = m->t.units[w]->rt;
		if (wr && intv_contains(&m->t.units[w]->dep[DEP_PART_OF], idx) && !is_down(wr) &&
		    wr->job != JOB_STOP) {
			wr->job = JOB_STOP;
			m->dirty = 1;
		}
	}
}

void unit_set_state(struct manager *m, int idx, enum unit_state st, enum sub_state sub)
{
	struct unit *u = m->t.units[idx];
	struct unit_rt *rt = unit_rt(u);
	enum unit_state old = rt->state;
	rt->state = st;
	rt->sub = sub;
	if (old == st)
		return;
	m->dirty = 1;
	if (st == ST_ACTIVATING && old != ST_ACTIVATING && sub != SUB_AUTO_RESTART)
		rt->activating_at = m->now;
	if (st == ST_ACTIVE) {
		m->now = now_mono_ms();
		rt->active_at = m->now;
		rt->job_ok = 1;
		manager_log(m, u->name, 6, "started%s%s", u->conf.description ? ": " : "",
			    u->conf.description ? u->conf.description : "");
		if (idx == m->goal && !m->boot_done_at)
			m->boot_done_at = m->now;
		if (rt->job == JOB_START)
			finish_job(m, idx);
		wake_waiters(m, idx);
		return;
	}
	if (st == ST_FAILED || st == ST_INACTIVE) {
		rt->inactive_at = m->now;
		if (st == ST_FAILED) {
			rt->job_ok = 0;
			manager_log(m, u->name, 3, "failed (result: %s)", unit_result_name(rt->result));
		} else {
			manager_log(m, u->name, 6, "stopped");
		}
		if (rt->job && (st == ST_FAILED || rt->job == JOB_STOP || rt->job_ok))
			finish_job(m, idx);
		if (old == ST_ACTIVE || old == ST_DEACTIVATING || old == ST_RELOADING ||
		    st == ST_FAILED)
			propagate_down(m, idx, st == ST_FAILED);
		if (idx == m->goal && !m->boot_done_at && st == ST_FAILED)
			m->boot_done_at = m->now;
		if (rt->restart_pending && !m->shutdown) {
			rt->restart_pending = 0;
			char err[64];
			manager_start(m, idx, err, sizeof(err));
		}
	}
}
