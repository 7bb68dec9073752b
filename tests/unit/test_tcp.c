/*
 * test_tcp.c - host tests of the TCP state machine (kernel/net/inet/tcp_core.c).
 *
 * Three parts:
 *  - a simulated network between two tcbs: segments wait in a queue ordered
 *    by delivery time, the clock jumps to the next delivery, tcb deadline or
 *    application wake-up.  Both applications write random data and read it
 *    back in random chunks after random pauses, then close; the streams must
 *    arrive byte for byte and both ends must reach CLOSED without error.  Run
 *    clean with 1 MiB each way, then over a network that loses, duplicates,
 *    reorders and delays, for many seeds;
 *  - scenarios driven segment by segment: refused, SYN timeout and its
 *    backoff, data give-up, RST checks, zero window and probes, TIME-WAIT,
 *    simultaneous close, half-close, RST replies, fast retransmit, Nagle,
 *    delayed ACKs, out-of-order reassembly;
 *  - a fuzz loop of hostile segments against tcbs in every state, with the
 *    invariants checked after each call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../kernel/net/inet/tcp_core.c"

#define MS	1000000ull
#define SEC	1000000000ull

static uint64_t rng_state;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}
static uint32_t rnd_below(uint32_t n) { return n ? (uint32_t)(rnd() % n) : 0; }
static bool chance(double p) { return (rnd() % 1000000) < (uint64_t)(p * 1000000); }
static void seed(uint64_t s) { rng_state = s * 0x9E3779B97F4A7C15ull + 12345; rnd(); rnd(); }

/* ---- a captured segment ---- */
struct pkt {
	uint64_t at, order;
	int dst;
	struct tcp_seg s;
	uint8_t *buf;
};

static void pkt_free(struct pkt *p)
{
	free(p->buf);
	p->buf = NULL;
}

/* ---- one end: a tcb, its buffers, its application ---- */
enum sink { SINK_OUTBOX, SINK_NET, SINK_DROP };

struct sim;
struct end {
	struct tcb t;
	uint8_t *sbuf, *rbuf;
	int id;
	enum sink sink;
	struct sim *sim;
	unsigned ev_all;
	bool closed_seen;
	enum tcp_state last_state, closed_from;
	int nemit;
	struct pkt out[512];
	int nout;
	/* the application */
	uint8_t *src;
	size_t src_len, written;
	const uint8_t *expect;
	size_t expect_len, got;
	uint32_t write_max, read_max;
	uint64_t next_read_at, next_write_at;
	bool shut, eof;
};

struct run_stats { long runs, bytes, segments, rtos, fastrx, probes; uint64_t simtime; };
static struct run_stats stats;
static struct end E[2];
static int trace;
static long total_segments, total_events;

static void check_invariants(const struct tcb *t)
{
	struct end *e = t->ctx;

	e->last_state = t->state;
	CHECK(t->snd.len <= t->snd.cap && t->rcv.len <= t->rcv.cap);
	CHECK(!t->snd.cap || t->snd.head < t->snd.cap);
	CHECK(!t->rcv.cap || t->rcv.head < t->rcv.cap);
	CHECK(t->nooo >= 0 && t->nooo <= TCP_MAX_OOO);
	if (t->state == TCP_CLOSED) {
		CHECK(tcp_next_deadline(t) == UINT64_MAX);
		return;
	}
	CHECK(seq_le(t->snd_una, t->snd_nxt) && seq_le(t->snd_nxt, t->snd_max));
	CHECK(seq_le(t->snd_max, snd_data_end(t) + 1));
	CHECK(t->mss >= TCP_MIN_MSS && t->mss <= t->our_mss);
	if (seq_le(t->rcv_nxt, t->rcv_adv) && t->state != TCP_SYN_SENT)
		CHECK(t->rcv_adv - t->rcv_nxt <= t->rcv.cap - t->rcv.len);
	for (int i = 0; i < t->nooo; i++) {
		CHECK(seq_lt(t->rcv_nxt, t->ooo[i].start));
		CHECK(seq_lt(t->ooo[i].start, t->ooo[i].end));
		CHECK(t->ooo[i].end - t->rcv_nxt <= t->rcv.cap - t->rcv.len);
		if (i)
			CHECK(seq_lt(t->ooo[i - 1].end, t->ooo[i].start));
	}
	if (t->state == TCP_TIME_WAIT)
		CHECK(t->timewait_at != 0);
}

/* ---- the network ---- */
struct netcfg {
	double loss, dup, reorder;
	uint64_t delay, jitter;
};

struct sim {
	struct netcfg cfg;
	struct pkt *q;
	int nq, capq;
	uint64_t now, order;
	bool accepted;
	uint32_t server_iss;
	long steps;
};

static void heap_push(struct sim *sim, struct pkt p)
{
	int i;

	if (sim->nq == sim->capq) {
		sim->capq = sim->capq ? 2 * sim->capq : 256;
		sim->q = realloc(sim->q, sim->capq * sizeof(*sim->q));
		CHECK(sim->q);
	}
	p.order = sim->order++;
	i = sim->nq++;
	while (i) {
		int parent = (i - 1) / 2;
		struct pkt *pp = &sim->q[parent];

		if (pp->at < p.at || (pp->at == p.at && pp->order < p.order))
			break;
		sim->q[i] = *pp;
		i = parent;
	}
	sim->q[i] = p;
}

static bool pkt_before(const struct pkt *a, const struct pkt *b)
{
	return a->at < b->at || (a->at == b->at && a->order < b->order);
}

static struct pkt heap_pop(struct sim *sim)
{
	struct pkt top = sim->q[0], last = sim->q[--sim->nq];
	int i = 0;

	for (;;) {
		int c = 2 * i + 1;

		if (c >= sim->nq)
			break;
		if (c + 1 < sim->nq && pkt_before(&sim->q[c + 1], &sim->q[c]))
			c++;
		if (!pkt_before(&sim->q[c], &last))
			break;
		sim->q[i] = sim->q[c];
		i = c;
	}
	if (sim->nq)
		sim->q[i] = last;
	return top;
}

static struct pkt copy_seg(const struct tcp_seg *s)
{
	struct pkt p;
	size_t n = s->len + s->len2;

	memset(&p, 0, sizeof(p));
	p.s = *s;
	p.buf = malloc(n ? n : 1);
	CHECK(p.buf);
	if (s->len)
		memcpy(p.buf, s->data, s->len);
	if (s->len2)
		memcpy(p.buf + s->len, s->data2, s->len2);
	p.s.data = n ? p.buf : NULL;
	p.s.len = n;
	p.s.data2 = NULL;
	p.s.len2 = 0;
	return p;
}

static void net_send(struct sim *sim, int dst, const struct tcp_seg *s)
{
	int copies = 1;

	if (chance(sim->cfg.loss))
		return;
	if (chance(sim->cfg.dup))
		copies = 2;
	while (copies--) {
		struct pkt p = copy_seg(s);

		p.dst = dst;
		p.at = sim->now + sim->cfg.delay + (sim->cfg.jitter ? rnd() % sim->cfg.jitter : 0);
		if (chance(sim->cfg.reorder))
			p.at += sim->cfg.delay * 3;
		heap_push(sim, p);
	}
}

/* ---- callbacks ---- */
static void cb_emit(void *ctx, const struct tcp_seg *s)
{
	struct end *e = ctx;

	CHECK(!e->closed_seen);
	CHECK(s->len + s->len2 <= e->t.mss);
	CHECK((s->flags & TCP_ACK) || (s->flags & TCP_SYN) || (s->flags & TCP_RST));
	e->nemit++;
	total_segments++;
	if (trace)
		fprintf(stderr, "%10.3f %d> seq %u ack %u fl %02x wnd %u len %zu st %d una %u nxt %u max %u cwnd %u swnd %u\n",
			e->sim ? (e->sim->now / 1e6) : 0.0, e->id, s->seq, s->ack, s->flags, s->wnd,
			s->len + s->len2, e->t.state, e->t.snd_una, e->t.snd_nxt, e->t.snd_max, e->t.cwnd, e->t.snd_wnd);
	switch (e->sink) {
	case SINK_NET:
		net_send(e->sim, !e->id, s);
		break;
	case SINK_OUTBOX:
		CHECK(e->nout < (int)ARRAY_SIZE(e->out));
		e->out[e->nout++] = copy_seg(s);
		break;
	case SINK_DROP:
		break;
	}
}

static void cb_event(void *ctx, unsigned ev)
{
	struct end *e = ctx;

	CHECK(!e->closed_seen);
	CHECK(ev);
	total_events++;
	e->ev_all |= ev;
	if (ev & TCP_EV_CLOSED) {
		CHECK(e->t.state == TCP_CLOSED);
		e->closed_seen = true;
		e->closed_from = e->last_state;
	}
	if (ev & TCP_EV_ERROR)
		CHECK(e->t.err && (ev & TCP_EV_CLOSED));
}

static const struct tcp_ops ops = { cb_emit, cb_event };

static void end_clear_outbox(struct end *e)
{
	for (int i = 0; i < e->nout; i++)
		pkt_free(&e->out[i]);
	e->nout = 0;
}

static void end_init(struct end *e, int id, uint32_t sndcap, uint32_t rcvcap, uint16_t mss)
{
	end_clear_outbox(e);
	free(e->sbuf);
	free(e->rbuf);
	free(e->src);
	memset(e, 0, sizeof(*e));
	e->id = id;
	e->sbuf = malloc(sndcap);
	e->rbuf = malloc(rcvcap);
	CHECK(e->sbuf && e->rbuf);
	tcp_init(&e->t, &ops, e, e->sbuf, sndcap, e->rbuf, rcvcap, mss);
}

/* ---- application helpers ---- */
static size_t app_write(struct end *e, const uint8_t *data, size_t n, uint64_t now)
{
	struct tcp_span sp;
	size_t done = 0;

	tcp_send_space(&e->t, &sp);
	for (int i = 0; i < 2 && done < n; i++) {
		uint32_t c = (uint32_t)MIN((size_t)sp.n[i], n - done);

		if (c)
			memcpy(sp.p[i], data + done, c);
		done += c;
	}
	if (done)
		tcp_send_commit(&e->t, (uint32_t)done, now);
	check_invariants(&e->t);
	return done;
}

static size_t app_read(struct end *e, uint8_t *buf, size_t max, uint64_t now)
{
	struct tcp_span sp;
	size_t done = 0;

	tcp_recv_data(&e->t, &sp);
	CHECK(sp.n[0] + sp.n[1] == e->t.rcv.len);
	for (int i = 0; i < 2 && done < max; i++) {
		uint32_t c = (uint32_t)MIN((size_t)sp.n[i], max - done);

		if (c)
			memcpy(buf + done, sp.p[i], c);
		done += c;
	}
	if (done)
		tcp_recv_consume(&e->t, (uint32_t)done, now);
	check_invariants(&e->t);
	return done;
}

/* ---- the simulation ---- */
static void sim_deliver(struct sim *sim, struct pkt *p)
{
	struct end *e = &E[p->dst];

	if (p->dst == 1 && !sim->accepted) {
		if (p->s.flags == TCP_SYN) {
			sim->accepted = true;
			tcp_accept_syn(&e->t, &p->s, sim->server_iss, sim->now);
		}
		return;
	}
	if (e->t.state == TCP_CLOSED) {
		struct tcp_seg r;

		if (tcp_reset_for(&p->s, &r))
			net_send(sim, !p->dst, &r);
		return;
	}
	if (trace)
		fprintf(stderr, "%10.3f %d< seq %u ack %u fl %02x wnd %u len %zu\n", sim->now / 1e6,
			p->dst, p->s.seq, p->s.ack, p->s.flags, p->s.wnd, p->s.len);
	bool rec = e->t.in_recovery;

	tcp_input(&e->t, &p->s, sim->now);
	if (!rec && e->t.in_recovery)
		stats.fastrx++;
	check_invariants(&e->t);
}

static void app_step(struct end *e, uint64_t now)
{
	static uint8_t buf[1 << 17];

	if (now >= e->next_write_at && e->written < e->src_len) {
		size_t r = 1 + (size_t)rnd_below(e->write_max);
		size_t n = MIN(e->src_len - e->written, r);

		e->written += app_write(e, e->src + e->written, n, now);
		e->next_write_at = now + (chance(0.1) ? rnd_below(20 * MS) : rnd_below(MS));
	}
	if (e->written == e->src_len && !e->shut && e->t.state != TCP_CLOSED) {
		tcp_shutdown_send(&e->t, now);
		check_invariants(&e->t);
		e->shut = true;
	}
	if (now >= e->next_read_at && !e->eof) {
		size_t n = app_read(e, buf, 1 + rnd_below(e->read_max), now);

		CHECK(e->got + n <= e->expect_len);
		CHECK(memcmp(buf, e->expect + e->got, n) == 0);
		e->got += n;
		if (tcp_recv_eof(&e->t))
			e->eof = true;
		e->next_read_at = now + (chance(0.05) ? rnd_below(50 * MS) : rnd_below(2 * MS));
	}
}

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }


/* One connection over the simulated network; returns when both ends closed. */
static void sim_run(const struct netcfg *cfg, size_t len0, size_t len1, uint32_t buf0,
		    uint32_t buf1, uint16_t mss0, uint16_t mss1, bool nodelay)
{
	static struct sim sim;
	struct end *a = &E[0], *b = &E[1];

	for (int i = 0; i < sim.nq; i++)
		pkt_free(&sim.q[i]);
	free(sim.q);
	memset(&sim, 0, sizeof(sim));
	sim.cfg = *cfg;
	sim.now = 1000 * SEC;
	sim.server_iss = (uint32_t)rnd();
	end_init(a, 0, buf0, buf1, mss0);
	end_init(b, 1, buf1, buf0, mss1);
	for (int i = 0; i < 2; i++) {
		struct end *e = &E[i];

		e->sink = SINK_NET;
		e->sim = &sim;
		e->t.nodelay = nodelay;
		e->src_len = i ? len1 : len0;
		e->src = malloc(e->src_len + 1);
		for (size_t k = 0; k < e->src_len; k++)
			e->src[k] = (uint8_t)rnd();
		e->write_max = 1 + rnd_below(i ? buf1 : buf0);
		e->read_max = 1 + rnd_below(i ? buf0 : buf1);
		e->next_read_at = e->next_write_at = sim.now;
	}
	a->expect = b->src;
	a->expect_len = b->src_len;
	b->expect = a->src;
	b->expect_len = a->src_len;

	/* the client starts near the wrap of the sequence space now and then */
	tcp_connect(&a->t, chance(0.3) ? (uint32_t)-(int32_t)rnd_below(100000) : (uint32_t)rnd(),
		    sim.now);
	check_invariants(&a->t);
	for (;;) {
		uint64_t next = UINT64_MAX;

		CHECK(++sim.steps < 20000000);
		CHECK(sim.now < 1000 * SEC + 4 * 3600 * SEC);
		for (int i = 0; i < 2; i++)
			if (i == 0 || sim.accepted)
				app_step(&E[i], sim.now);
		if (a->closed_seen && b->closed_seen && (a->eof || a->t.err) && (b->eof || b->t.err))
			break;
		if (sim.nq)
			next = sim.q[0].at;
		for (int i = 0; i < 2; i++) {
			struct end *e = &E[i];

			next = min_u64(next, tcp_next_deadline(&e->t));
			if (i == 1 && !sim.accepted)
				continue;
			if (!e->eof && !e->t.err)
				next = min_u64(next, e->next_read_at);
			if (e->written < e->src_len && e->t.state != TCP_CLOSED)
				next = min_u64(next, e->next_write_at);
		}
		CHECK(next != UINT64_MAX);
		if (next > sim.now)
			sim.now = next;
		while (sim.nq && sim.q[0].at <= sim.now) {
			struct pkt p = heap_pop(&sim);

			sim_deliver(&sim, &p);
			pkt_free(&p);
		}
		for (int i = 0; i < 2; i++) {
			if (tcp_next_deadline(&E[i].t) <= sim.now) {
				if (E[i].t.rto_at && E[i].t.rto_at <= sim.now)
					stats.rtos++;
				if (E[i].t.persist_at && E[i].t.persist_at <= sim.now)
					stats.probes++;
				tcp_timer(&E[i].t, sim.now);
				check_invariants(&E[i].t);
			}
		}
	}
	for (int i = 0; i < 2; i++) {
		struct end *e = &E[i];

		if (e->t.err || !e->eof || e->got != e->expect_len || e->written != e->src_len)
			fprintf(stderr, "end %d: err %d eof %d got %zu/%zu written %zu/%zu\n", i,
				e->t.err, e->eof, e->got, e->expect_len, e->written, e->src_len);
		CHECK(e->t.err == 0);
		CHECK(e->eof && e->got == e->expect_len);
		CHECK(e->written == e->src_len);
		CHECK(e->ev_all & TCP_EV_CONNECTED);
		CHECK(e->closed_from == TCP_TIME_WAIT || e->closed_from == TCP_LAST_ACK);
	}
	CHECK(a->closed_from == TCP_TIME_WAIT || b->closed_from == TCP_TIME_WAIT);
	stats.runs++;
	stats.bytes += (long)(len0 + len1);
	stats.segments += a->nemit + b->nemit;
	stats.simtime += sim.now - 1000 * SEC;
}

static void test_sim_clean(void)
{
	struct netcfg cfg = { 0, 0, 0, 10 * MS, 0 };

	seed(1);
	sim_run(&cfg, 1 << 20, 1 << 20, 65536, 65536, 1460, 1460, false);
	seed(2);
	sim_run(&cfg, 1 << 20, 1 << 20, 200000, 30000, 1460, 536, true);
	/* jitter alone reorders */
	cfg.jitter = 5 * MS;
	seed(3);
	sim_run(&cfg, 1 << 20, 1 << 20, 100000, 100000, 1000, 1460, false);
}

static void test_sim_lossy(int nseeds)
{
	for (int s = 0; s < nseeds; s++) {
		struct netcfg cfg;
		size_t l0, l1;

		seed(1000 + s);
		cfg.loss = 0.05 + (rnd_below(16) / 100.0);
		cfg.dup = rnd_below(10) / 100.0;
		cfg.reorder = rnd_below(10) / 100.0;
		cfg.delay = (1 + rnd_below(30)) * MS;
		cfg.jitter = rnd_below(10) * MS;
		l0 = rnd_below(256 * 1024);
		l1 = chance(0.2) ? 0 : rnd_below(256 * 1024);
		sim_run(&cfg, l0, l1, 2048 + rnd_below(64 * 1024), 2048 + rnd_below(64 * 1024),
			(uint16_t)(100 + rnd_below(1400)), (uint16_t)(100 + rnd_below(1400)),
			chance(0.5));
	}
}

/* ---- scenarios, segment by segment ---- */
static struct end *A = &E[0], *B = &E[1];
static uint8_t pattern[1 << 17];
static long scenario_checks;

static void pair4(uint32_t asnd, uint32_t arcv, uint32_t bsnd, uint32_t brcv, uint16_t mss)
{
	end_init(A, 0, asnd, arcv, mss);
	end_init(B, 1, bsnd, brcv, mss);
}

static void pair(uint32_t sndcap, uint32_t rcvcap, uint16_t mss)
{
	pair4(sndcap, rcvcap, rcvcap, sndcap, mss);
}

/* hand every segment `from` has emitted to `to`; returns how many */
static int deliver(struct end *from, struct end *to, uint64_t now)
{
	struct pkt batch[512];
	int n = from->nout;

	memcpy(batch, from->out, n * sizeof(*batch));
	from->nout = 0;
	for (int i = 0; i < n; i++) {
		if (to->t.state != TCP_CLOSED) {
			tcp_input(&to->t, &batch[i].s, now);
			check_invariants(&to->t);
		}
		pkt_free(&batch[i]);
	}
	return n;
}

static void pump(uint64_t now)
{
	for (int i = 0; i < 1000; i++)
		if (!deliver(A, B, now) && !deliver(B, A, now))
			return;
	CHECK(!"pump does not settle");
}

/* fire the earliest timer of either end */
static uint64_t fire_next(uint64_t now)
{
	uint64_t da = tcp_next_deadline(&A->t), db = tcp_next_deadline(&B->t);
	uint64_t d = min_u64(da, db);

	CHECK(d != UINT64_MAX);
	if (d < now)
		d = now;
	if (da <= d)
		tcp_timer(&A->t, d);
	if (db <= d)
		tcp_timer(&B->t, d);
	check_invariants(&A->t);
	check_invariants(&B->t);
	return d;
}

static void establish(uint64_t now)
{
	struct pkt syn;

	tcp_connect(&A->t, 1000, now);
	CHECK(A->nout == 1 && A->out[0].s.flags == TCP_SYN && A->out[0].s.mss == A->t.our_mss);
	syn = A->out[0];
	A->nout = 0;
	tcp_accept_syn(&B->t, &syn.s, 5000, now);
	pkt_free(&syn);
	CHECK(B->t.state == TCP_SYN_RECEIVED);
	CHECK(B->nout == 1 && B->out[0].s.flags == (TCP_SYN | TCP_ACK) && B->out[0].s.ack == 1001);
	pump(now);
	CHECK(A->t.state == TCP_ESTABLISHED && B->t.state == TCP_ESTABLISHED);
	CHECK((A->ev_all & TCP_EV_CONNECTED) && (B->ev_all & TCP_EV_CONNECTED));
	CHECK(A->t.snd_una == 1001 && B->t.snd_una == 5001);
	scenario_checks++;
}

static struct pkt *last_out(struct end *e)
{
	CHECK(e->nout > 0);
	return &e->out[e->nout - 1];
}

static void test_refused(void)
{
	struct tcp_seg r;
	struct tcp_span sp;

	pair(4096, 4096, 1460);
	tcp_connect(&A->t, 77, 0);
	CHECK(A->nout == 1 && A->out[0].s.seq == 77);
	/* a RST without ACK, or acking the wrong thing, is ignored */
	memset(&r, 0, sizeof(r));
	r.flags = TCP_RST;
	tcp_input(&A->t, &r, 1);
	r.flags = TCP_RST | TCP_ACK;
	r.ack = 5000;
	tcp_input(&A->t, &r, 1);
	CHECK(A->t.state == TCP_SYN_SENT && !A->closed_seen);
	/* the RST a closed port answers with */
	CHECK(tcp_reset_for(&A->out[0].s, &r));
	tcp_input(&A->t, &r, 2);
	CHECK(A->t.state == TCP_CLOSED && A->t.err == ECONNREFUSED);
	CHECK(A->ev_all == (TCP_EV_ERROR | TCP_EV_CLOSED));
	/* everything is a no-op now (the callbacks check nothing comes) */
	tcp_input(&A->t, &A->out[0].s, 3);
	tcp_timer(&A->t, 100 * SEC);
	tcp_shutdown_send(&A->t, 4);
	tcp_abort(&A->t, 5);
	tcp_send_space(&A->t, &sp);
	CHECK(sp.n[0] == 0 && sp.n[1] == 0);
	CHECK(tcp_next_deadline(&A->t) == UINT64_MAX);
	scenario_checks++;
}

static void test_syn_timeout(void)
{
	uint64_t now = 0, expect = TCP_RTO_INITIAL_NS;
	int syns = 1;

	pair(4096, 4096, 1460);
	tcp_connect(&A->t, 1, now);
	for (;;) {
		uint64_t d = tcp_next_deadline(&A->t);

		if (A->t.state == TCP_CLOSED)
			break;
		CHECK(d - now == expect);
		now = d;
		tcp_timer(&A->t, now);
		check_invariants(&A->t);
		if (A->t.state != TCP_CLOSED) {
			CHECK(last_out(A)->s.flags == TCP_SYN && last_out(A)->s.seq == 1);
			syns++;
		}
		expect = MIN(expect * 2, TCP_RTO_MAX_NS);
	}
	CHECK(syns == 1 + TCP_SYN_RETRIES && A->nout == syns);
	CHECK(A->t.err == ETIMEDOUT && A->ev_all == (TCP_EV_ERROR | TCP_EV_CLOSED));
	/* 1 + 2 + 4 + 8 + 16 + 32 + 60 */
	CHECK(now == 123 * SEC);
	scenario_checks++;
}

static void test_data_giveup(void)
{
	uint64_t now = 10 * SEC, prev_gap = 0;
	int rexmit = 0;

	pair(65536, 65536, 1460);
	establish(now);
	CHECK(app_write(A, pattern, 1000, now) == 1000);
	CHECK(A->nout == 1 && last_out(A)->s.len == 1000);
	end_clear_outbox(A);
	while (A->t.state != TCP_CLOSED) {
		uint64_t d = tcp_next_deadline(&A->t);

		CHECK(d == A->t.rto_at);
		if (prev_gap)
			CHECK(d - now == MIN(prev_gap * 2, TCP_RTO_MAX_NS));
		prev_gap = d - now;
		now = d;
		tcp_timer(&A->t, now);
		check_invariants(&A->t);
		if (A->nout) {
			CHECK(A->nout == 1 && last_out(A)->s.seq == 1001 && last_out(A)->s.len == 1000);
			CHECK(A->t.cwnd == A->t.mss);
			rexmit++;
			end_clear_outbox(A);
		}
	}
	CHECK(rexmit == TCP_DATA_RETRIES);
	CHECK(A->t.err == ETIMEDOUT && (A->ev_all & (TCP_EV_ERROR | TCP_EV_CLOSED)));
	scenario_checks++;
}

static void test_rst_checks(void)
{
	struct tcp_seg r;
	uint32_t rn;

	pair(65536, 65536, 1460);
	establish(0);
	rn = B->t.rcv_nxt;
	memset(&r, 0, sizeof(r));
	/* in the window but not exact: challenge ACK, nothing else */
	r.flags = TCP_RST;
	r.seq = rn + 10;
	tcp_input(&B->t, &r, 1);
	CHECK(B->t.state == TCP_ESTABLISHED && B->nout == 1);
	CHECK(B->out[0].s.flags == TCP_ACK && B->out[0].s.ack == rn && B->out[0].s.seq == 5001);
	end_clear_outbox(B);
	/* outside the window: dropped silently */
	r.seq = rn + 100000;
	tcp_input(&B->t, &r, 2);
	r.seq = rn - 1;
	tcp_input(&B->t, &r, 2);
	CHECK(B->t.state == TCP_ESTABLISHED && B->nout == 0);
	/* a SYN in a synchronized state: challenge ACK */
	r.flags = TCP_SYN;
	r.seq = rn + 5;
	tcp_input(&B->t, &r, 3);
	CHECK(B->t.state == TCP_ESTABLISHED && B->nout == 1 && B->out[0].s.flags == TCP_ACK);
	end_clear_outbox(B);
	/* exactly at RCV.NXT: reset */
	r.flags = TCP_RST;
	r.seq = rn;
	tcp_input(&B->t, &r, 4);
	CHECK(B->t.state == TCP_CLOSED && B->t.err == ECONNRESET && B->nout == 0);
	CHECK((B->ev_all & (TCP_EV_ERROR | TCP_EV_CLOSED)) == (TCP_EV_ERROR | TCP_EV_CLOSED));
	/* and a RST exactly at RCV.NXT in CLOSE_WAIT too */
	pair(65536, 65536, 1460);
	establish(0);
	tcp_shutdown_send(&A->t, 1);
	pump(1);
	CHECK(B->t.state == TCP_CLOSE_WAIT && tcp_recv_eof(&B->t));
	r.seq = B->t.rcv_nxt;
	tcp_input(&B->t, &r, 2);
	CHECK(B->t.state == TCP_CLOSED && B->t.err == ECONNRESET);
	scenario_checks++;
}

/* run A -> B until B has read `total` bytes of pattern, reading `chunk` at a time */
static uint64_t transfer(uint64_t now, size_t total, size_t *written, size_t *got, size_t chunk)
{
	static uint8_t buf[1 << 17];

	for (int iter = 0; *got < total; iter++) {
		CHECK(iter < 100000);
		if (*written < total)
			*written += app_write(A, pattern + *written, total - *written, now);
		pump(now);
		size_t n = app_read(B, buf, chunk, now);
		CHECK(memcmp(buf, pattern + *got, n) == 0);
		*got += n;
		pump(now);
		if (!n && !A->nout && !B->nout)
			now = fire_next(now);
	}
	return now;
}

static void test_zero_window(void)
{
	static uint8_t buf[8192];
	uint64_t now = 0, gap = 0;
	size_t written = 0, got = 0;

	pair4(65536, 65536, 65536, 4096, 1000);
	establish(now);
	A->t.nodelay = true;
	written = app_write(A, pattern, 20000, now);
	CHECK(written == 20000);
	pump(now);
	/* 96 bytes of window left: sender SWS avoidance holds them until the
	 * persist timer overrides it */
	CHECK(B->t.rcv.len == 4000 && A->t.snd_wnd == 96 && A->nout == 0);
	CHECK(A->t.persist_at && !A->t.rto_at);
	now = A->t.persist_at;
	tcp_timer(&A->t, now);
	CHECK(A->nout == 1 && A->out[0].s.len == 96);
	pump(now);
	CHECK(B->t.rcv.len == 4096 && B->t.delack_at);	/* one segment: ACK delayed */
	now = B->t.delack_at;
	tcp_timer(&B->t, now);
	pump(now);
	CHECK(A->t.snd_wnd == 0);
	CHECK(A->t.persist_at && !A->t.rto_at);
	/* probes: one byte each, answered with a zero window, backing off */
	for (int i = 0; i < 4; i++) {
		uint64_t d = tcp_next_deadline(&A->t);

		CHECK(d == A->t.persist_at);
		if (gap)
			CHECK(d - now == 2 * gap);
		gap = d - now;
		now = d;
		tcp_timer(&A->t, now);
		CHECK(A->nout == 1 && last_out(A)->s.len == 1);
		CHECK(last_out(A)->s.seq == 1001 + 4096);
		deliver(A, B, now);
		CHECK(B->nout == 1 && B->out[0].s.wnd == 0 && B->out[0].s.ack == 1001 + 4096);
		deliver(B, A, now);
		CHECK(A->t.state == TCP_ESTABLISHED && A->t.retries == 0);
	}
	/* the reader makes room: a window update goes out at once */
	CHECK(app_read(B, buf, 4096, now) == 4096);
	CHECK(memcmp(buf, pattern, 4096) == 0);
	got = 4096;
	CHECK(B->nout == 1 && B->out[0].s.wnd == 4096);
	deliver(B, A, now);
	CHECK(A->t.persist_at == 0 && A->nout > 0);
	transfer(now, 20000, &written, &got, 1000);
	scenario_checks++;
}

static void test_time_wait(void)
{
	uint64_t now = 0, t2;
	struct pkt *fin;

	pair(65536, 65536, 1460);
	establish(now);
	tcp_shutdown_send(&A->t, now);
	CHECK(A->t.state == TCP_FIN_WAIT_1 && last_out(A)->s.flags == (TCP_FIN | TCP_ACK));
	pump(now);
	CHECK(A->t.state == TCP_FIN_WAIT_2 && B->t.state == TCP_CLOSE_WAIT);
	CHECK(B->ev_all & TCP_EV_READABLE);
	tcp_shutdown_send(&B->t, now);
	CHECK(B->t.state == TCP_LAST_ACK);
	deliver(B, A, now);
	CHECK(A->t.state == TCP_TIME_WAIT && A->t.timewait_at == now + TCP_TIMEWAIT_NS);
	end_clear_outbox(A);			/* the last ACK is lost */
	now = tcp_next_deadline(&B->t);
	tcp_timer(&B->t, now);
	fin = last_out(B);
	CHECK(fin->s.flags & TCP_FIN);
	now += 5 * SEC;
	deliver(B, A, now);
	CHECK(A->t.state == TCP_TIME_WAIT && A->t.timewait_at == now + TCP_TIMEWAIT_NS);
	CHECK(A->nout == 1 && A->out[0].s.flags == TCP_ACK && A->out[0].s.ack == B->t.snd_max);
	deliver(A, B, now);
	CHECK(B->t.state == TCP_CLOSED && B->t.err == 0 && B->closed_seen);
	t2 = A->t.timewait_at;
	CHECK(tcp_next_deadline(&A->t) == t2);
	tcp_timer(&A->t, t2 - 1);
	CHECK(A->t.state == TCP_TIME_WAIT);
	tcp_timer(&A->t, t2);
	CHECK(A->t.state == TCP_CLOSED && A->t.err == 0 && A->closed_seen);
	CHECK(!(A->ev_all & TCP_EV_ERROR));
	scenario_checks++;
}

static void test_simultaneous_close(void)
{
	uint64_t now = 0;

	pair(65536, 65536, 1460);
	establish(now);
	tcp_shutdown_send(&A->t, now);
	tcp_shutdown_send(&B->t, now);
	CHECK(A->nout == 1 && B->nout == 1);
	/* the FINs cross */
	{
		struct pkt fa = A->out[0], fb = B->out[0];

		A->nout = B->nout = 0;
		tcp_input(&B->t, &fa.s, now);
		tcp_input(&A->t, &fb.s, now);
		pkt_free(&fa);
		pkt_free(&fb);
	}
	CHECK(A->t.state == TCP_CLOSING && B->t.state == TCP_CLOSING);
	pump(now);
	CHECK(A->t.state == TCP_TIME_WAIT && B->t.state == TCP_TIME_WAIT);
	now = fire_next(now);
	CHECK(A->t.state == TCP_CLOSED && B->t.state == TCP_CLOSED);
	CHECK(A->t.err == 0 && B->t.err == 0 && A->closed_seen && B->closed_seen);
	scenario_checks++;
}

static void test_half_close(void)
{
	static uint8_t buf[1 << 16];
	uint64_t now = 0;
	struct tcp_span sp;
	size_t written = 0, got = 0;

	pair(16384, 16384, 1000);
	establish(now);
	tcp_shutdown_send(&A->t, now);
	tcp_send_space(&A->t, &sp);
	CHECK(sp.n[0] + sp.n[1] == 0);
	pump(now);
	CHECK(A->t.state == TCP_FIN_WAIT_2 && B->t.state == TCP_CLOSE_WAIT && tcp_recv_eof(&B->t));
	/* B keeps sending, A keeps reading */
	while (got < 100000) {
		if (written < 100000)
			written += app_write(B, pattern + written, 100000 - written, now);
		pump(now);
		size_t n = app_read(A, buf, sizeof(buf), now);
		CHECK(memcmp(buf, pattern + got, n) == 0);
		got += n;
		pump(now);
		if (!n)
			now = fire_next(now);
	}
	CHECK(A->t.state == TCP_FIN_WAIT_2 && !tcp_recv_eof(&A->t));
	tcp_shutdown_send(&B->t, now);
	pump(now);
	CHECK(A->t.state == TCP_TIME_WAIT && B->t.state == TCP_CLOSED && tcp_recv_eof(&A->t));
	scenario_checks++;
}

static void test_reset_for(void)
{
	struct tcp_seg s, r;

	memset(&s, 0, sizeof(s));
	s.flags = TCP_ACK | TCP_PSH;
	s.seq = 10;
	s.ack = 12345;
	s.len = 7;
	s.data = pattern;
	CHECK(tcp_reset_for(&s, &r) && r.flags == TCP_RST && r.seq == 12345);
	s.flags = TCP_SYN;
	s.len = 0;
	s.seq = 0xffffffff;
	CHECK(tcp_reset_for(&s, &r) && r.flags == (TCP_RST | TCP_ACK) && r.seq == 0 && r.ack == 0);
	s.flags = TCP_FIN | TCP_PSH;
	s.seq = 100;
	s.len = 10;
	CHECK(tcp_reset_for(&s, &r) && r.flags == (TCP_RST | TCP_ACK) && r.ack == 111);
	s.flags = TCP_RST;
	CHECK(!tcp_reset_for(&s, &r));
	s.flags = TCP_RST | TCP_ACK;
	CHECK(!tcp_reset_for(&s, &r));
	scenario_checks++;
}

static void test_fast_retransmit(void)
{
	uint64_t now = 5 * SEC;
	struct pkt segs[16], *re;
	int n;

	pair(65536, 65536, 1000);
	establish(now);
	A->t.nodelay = true;
	CHECK(app_write(A, pattern, 10000, now) == 10000);
	n = A->nout;
	CHECK(n == 10);
	memcpy(segs, A->out, n * sizeof(*segs));
	A->nout = 0;
	/* the first is lost; every later one draws an immediate dupack */
	for (int i = 1; i < n; i++) {
		tcp_input(&B->t, &segs[i].s, now);
		CHECK(B->nout == i && last_out(B)->s.ack == 1001);
	}
	CHECK(B->t.nooo == 1);
	for (int i = 0; i < 3; i++) {
		struct pkt d = B->out[i];

		tcp_input(&A->t, &d.s, now);
		CHECK(A->nout == (i == 2));
	}
	re = last_out(A);
	CHECK(re->s.seq == 1001 && re->s.len == 1000);
	CHECK(A->t.in_recovery && now < A->t.rto_at);
	CHECK(A->t.ssthresh == 5000 && A->t.cwnd == 5000 + 3000);
	/* the retransmission fills the hole: B acks everything at once */
	deliver(A, B, now);
	CHECK(B->t.nooo == 0 && last_out(B)->s.ack == 11001 && B->t.rcv.len == 10000);
	CHECK(memcmp(B->rbuf, pattern, 10000) == 0);
	tcp_input(&A->t, &last_out(B)->s, now);
	CHECK(!A->t.in_recovery && A->t.snd_una == 11001 && A->t.rto_at == 0);
	for (int i = 0; i < n; i++)
		pkt_free(&segs[i]);
	scenario_checks++;
}

static void test_nagle(void)
{
	uint64_t now = 0;

	for (int nodelay = 0; nodelay < 2; nodelay++) {
		pair(65536, 65536, 1000);
		establish(now);
		A->t.nodelay = nodelay;
		app_write(A, pattern, 10, now);
		CHECK(A->nout == 1 && A->out[0].s.len == 10);
		app_write(A, pattern + 10, 10, now);
		CHECK(A->nout == 1 + nodelay);
		app_write(A, pattern + 20, 990, now);	/* a full segment goes regardless */
		CHECK(A->nout == 2 + nodelay && last_out(A)->s.len == (size_t)(1000 - 10 * nodelay));
		if (nodelay)
			continue;
		app_write(A, pattern, 5, now);
		CHECK(A->nout == 2);		/* held: data in flight */
		deliver(A, B, now);
		CHECK(B->nout == 1);		/* second segment: ACK now */
		deliver(B, A, now);
		CHECK(A->nout == 1 && A->out[0].s.len == 5);	/* all acked: it goes */
		/* the last bytes go with the FIN despite data in flight */
		end_clear_outbox(A);
		app_write(A, pattern, 1500, now);
		CHECK(A->nout == 1);
		tcp_shutdown_send(&A->t, now);
		CHECK(A->nout == 2 && A->out[1].s.len == 500 && (A->out[1].s.flags & TCP_FIN));
	}
	scenario_checks++;
}

static void test_delayed_ack(void)
{
	uint64_t now = 7 * SEC;

	pair(65536, 65536, 1000);
	establish(now);
	A->t.nodelay = true;
	app_write(A, pattern, 100, now);
	deliver(A, B, now);
	CHECK(B->nout == 0 && B->t.delack_at == now + TCP_DELACK_NS);
	CHECK(tcp_next_deadline(&B->t) == now + TCP_DELACK_NS);
	tcp_timer(&B->t, now + TCP_DELACK_NS - 1);
	CHECK(B->nout == 0);
	tcp_timer(&B->t, now + TCP_DELACK_NS);
	CHECK(B->nout == 1 && B->out[0].s.ack == 1101 && B->t.delack_at == 0);
	deliver(B, A, now + TCP_DELACK_NS);
	now += SEC;
	/* two full segments: the second is acknowledged at once */
	app_write(A, pattern, 2000, now);
	CHECK(A->nout == 2);
	{
		struct pkt s0 = A->out[0], s1 = A->out[1];

		A->nout = 0;
		tcp_input(&B->t, &s0.s, now);
		CHECK(B->nout == 0);
		tcp_input(&B->t, &s1.s, now);
		CHECK(B->nout == 1 && B->out[0].s.ack == 3101);
		pkt_free(&s0);
		pkt_free(&s1);
	}
	/* data with the FIN is acknowledged at once */
	end_clear_outbox(B);
	app_write(A, pattern, 10, now);
	tcp_shutdown_send(&A->t, now);
	deliver(A, B, now);
	CHECK(B->nout == 1 && B->out[0].s.ack == 3101 + 10 + 1);
	scenario_checks++;
}

static void test_reassembly(void)
{
	struct pkt segs[20];
	uint64_t now = 0;
	int n;

	pair(65536, 65536, 500);
	establish(now);
	A->t.nodelay = true;
	A->t.cwnd = 100000;		/* all of it in one flight */
	app_write(A, pattern, 9500, now);
	n = A->nout;
	CHECK(n == 19);
	memcpy(segs, A->out, n * sizeof(*segs));
	A->nout = 0;
	/* every other one, backwards: 9 ranges, one too many is dropped */
	for (int i = n - 1; i >= 1; i -= 2)
		tcp_input(&B->t, &segs[i].s, now);
	CHECK(B->t.nooo == TCP_MAX_OOO && B->t.rcv.len == 0);
	CHECK(B->t.ooo[0].start == 1001 + 4 * 500);	/* segs[2] was dropped */
	/* a duplicate changes nothing; one between two ranges joins them */
	tcp_input(&B->t, &segs[16].s, now);
	CHECK(B->t.nooo == TCP_MAX_OOO);
	tcp_input(&B->t, &segs[17].s, now);
	CHECK(B->t.nooo == TCP_MAX_OOO - 1);
	/* the rest, out of order; ranges merge */
	for (int i = n - 1; i >= 0; i--) {
		tcp_input(&B->t, &segs[i].s, now);
		check_invariants(&B->t);
	}
	CHECK(B->t.nooo == 0 && B->t.rcv.len == 9500);
	CHECK(memcmp(B->rbuf, pattern, 9500) == 0);
	CHECK(B->t.rcv_nxt == 1001 + 9500);
	/* a segment overlapping old and new data is trimmed */
	for (int i = 0; i < n; i++)
		pkt_free(&segs[i]);
	end_clear_outbox(B);
	{
		struct tcp_seg s;

		memset(&s, 0, sizeof(s));
		s.seq = B->t.rcv_nxt - 100;
		s.ack = B->t.snd_nxt;
		s.flags = TCP_ACK;
		s.wnd = 65535;
		s.data = pattern + 9400;
		s.len = 300;
		tcp_input(&B->t, &s, now);
		CHECK(B->t.rcv.len == 9700 && memcmp(B->rbuf, pattern, 9700) == 0);
		CHECK(B->nout == 1 && B->out[0].s.ack == 1001 + 9700);
	}
	scenario_checks++;
}

static void test_simultaneous_open(void)
{
	struct pkt sa, sb;

	pair(65536, 65536, 1000);
	tcp_connect(&A->t, 100, 0);
	tcp_connect(&B->t, 900, 0);
	sa = A->out[0];
	sb = B->out[0];
	A->nout = B->nout = 0;
	tcp_input(&A->t, &sb.s, 1);
	tcp_input(&B->t, &sa.s, 1);
	pkt_free(&sa);
	pkt_free(&sb);
	CHECK(A->t.state == TCP_SYN_RECEIVED && B->t.state == TCP_SYN_RECEIVED);
	CHECK(A->nout == 1 && A->out[0].s.flags == (TCP_SYN | TCP_ACK) && A->out[0].s.seq == 100);
	pump(1);
	CHECK(A->t.state == TCP_ESTABLISHED && B->t.state == TCP_ESTABLISHED);
	CHECK(A->t.snd_una == 101 && B->t.snd_una == 901 && A->t.rcv_nxt == 901);
	size_t w = 0, g = 0;
	transfer(1, 5000, &w, &g, 5000);
	scenario_checks++;
}

/* the peer vanishes while its window is zero: the probes give up */
static void test_persist_giveup(void)
{
	uint64_t now = 0;
	int probes = 0;

	pair4(65536, 65536, 65536, 2000, 1000);
	establish(now);
	A->t.nodelay = true;
	app_write(A, pattern, 5000, now);
	pump(now);
	CHECK(A->t.snd_wnd == 0 && B->t.rcv.len == 2000);
	while (A->t.state != TCP_CLOSED) {
		now = tcp_next_deadline(&A->t);
		CHECK(now == A->t.persist_at);
		tcp_timer(&A->t, now);
		check_invariants(&A->t);
		if (A->nout) {
			CHECK(A->nout == 1 && A->out[0].s.len == 1);
			probes++;
		}
		end_clear_outbox(A);
	}
	CHECK(probes == TCP_DATA_RETRIES && A->t.err == ETIMEDOUT);
	scenario_checks++;
}

/* ---- fuzz: hostile segments against every state ---- */
static long fuzz_segments, fuzz_states[TCP_TIME_WAIT + 1];

static struct end *fuzz_setup(int kind, uint64_t now)
{
	pair(256 + rnd_below(20000), 256 + rnd_below(20000), (uint16_t)(64 + rnd_below(1400)));
	if (kind == 0) {
		tcp_connect(&A->t, (uint32_t)rnd(), now);
		return A;
	}
	if (kind == 1) {
		struct tcp_seg syn;

		memset(&syn, 0, sizeof(syn));
		syn.seq = (uint32_t)rnd();
		syn.flags = TCP_SYN;
		syn.wnd = (uint16_t)rnd();
		syn.mss = (uint16_t)rnd();
		tcp_accept_syn(&B->t, &syn, (uint32_t)rnd(), now);
		return B;
	}
	establish(now);
	A->t.nodelay = chance(0.5);
	app_write(A, pattern, rnd_below(30000), now);
	app_write(B, pattern, rnd_below(30000), now);
	if (chance(0.5))
		pump(now);
	switch (kind) {
	case 2:		/* ESTABLISHED */
		break;
	case 3:		/* FIN_WAIT_1 */
		tcp_shutdown_send(&A->t, now);
		break;
	case 4:		/* FIN_WAIT_2 */
	case 5:		/* CLOSE_WAIT */
		tcp_shutdown_send(&A->t, now);
		pump(now);
		return kind == 4 ? A : B;
	case 6:		/* CLOSING */
		end_clear_outbox(A);
		end_clear_outbox(B);
		tcp_shutdown_send(&A->t, now);
		tcp_shutdown_send(&B->t, now);
		if (A->nout && (A->out[A->nout - 1].s.flags & TCP_FIN) && B->nout &&
		    (B->out[B->nout - 1].s.flags & TCP_FIN))
			tcp_input(&A->t, &B->out[B->nout - 1].s, now);
		break;
	case 7:		/* LAST_ACK */
		tcp_shutdown_send(&A->t, now);
		pump(now);
		tcp_shutdown_send(&B->t, now);
		return B;
	case 8:		/* TIME_WAIT */
		tcp_shutdown_send(&A->t, now);
		pump(now);
		tcp_shutdown_send(&B->t, now);
		pump(now);
		break;
	}
	return A;
}

static uint32_t fuzz_near(uint32_t base, uint32_t other)
{
	switch (rnd_below(5)) {
	case 0:
		return (uint32_t)rnd();
	case 1:
		return other + rnd_below(4000) - 2000;
	case 2:
		return base;
	default:
		return base + rnd_below(70000) - 2000;
	}
}

static void test_fuzz(long nseg)
{
	uint64_t now = 1 * SEC;

	while (fuzz_segments < nseg) {
		int kind = (int)rnd_below(9);
		struct end *e = fuzz_setup(kind, now);

		check_invariants(&A->t);
		check_invariants(&B->t);
		end_clear_outbox(A);
		end_clear_outbox(B);
		A->sink = B->sink = SINK_DROP;
		fuzz_states[e->t.state]++;
		for (int i = 0; i < 60; i++) {
			struct tcp_seg s;
			uint32_t r = rnd_below(1000);
			static uint8_t buf[4096];

			now += rnd_below(50 * MS);
			if (r < 30) {
				uint64_t d = tcp_next_deadline(&e->t);

				if (d != UINT64_MAX && d > now)
					now = d;
				tcp_timer(&e->t, now);
			} else if (r < 50) {
				app_write(e, pattern, rnd_below(5000), now);
			} else if (r < 70) {
				app_read(e, buf, rnd_below(sizeof(buf)), now);
			} else if (r < 75) {
				tcp_shutdown_send(&e->t, now);
			} else if (r < 77) {
				tcp_abort(&e->t, now);
			} else {
				memset(&s, 0, sizeof(s));
				s.seq = fuzz_near(e->t.rcv_nxt, e->t.irs);
				s.ack = fuzz_near(e->t.snd_una, e->t.snd_max);
				s.flags = (uint8_t)(chance(0.6) ? (TCP_ACK | (rnd() & 0x0f & -chance(0.3)))
							      : rnd() & 0x3f);
				s.wnd = (uint16_t)(chance(0.2) ? 0 : rnd());
				s.mss = (uint16_t)(chance(0.5) ? rnd_below(100) : rnd());
				s.len = chance(0.5) ? 0 : rnd_below(3000);
				s.data = pattern + rnd_below(1000);
				tcp_input(&e->t, &s, now);
				fuzz_segments++;
			}
			check_invariants(&e->t);
		}
	}
}

int main(void)
{
	clock_t c0 = clock();

	trace = getenv("TCP_TRACE") != NULL;

	test_sim_clean();
	printf("clean: %ld runs, %ld bytes, %ld segments\n", stats.runs, stats.bytes, stats.segments);
	test_sim_lossy(200);
	printf("sim: %ld runs, %ld bytes, %ld segments, %ld RTOs, %ld fast retransmits, "
	       "%ld persist, %.1f s simulated\n", stats.runs, stats.bytes, stats.segments,
	       stats.rtos, stats.fastrx, stats.probes, stats.simtime / 1e9);
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)rnd();
	test_refused();
	test_syn_timeout();
	test_data_giveup();
	test_rst_checks();
	test_zero_window();
	test_time_wait();
	test_simultaneous_close();
	test_half_close();
	test_reset_for();
	test_fast_retransmit();
	test_nagle();
	test_delayed_ack();
	test_reassembly();
	test_simultaneous_open();
	test_persist_giveup();
	printf("scenarios: %ld passed\n", scenario_checks);
	test_fuzz(150000);
	printf("fuzz: %ld hostile segments; start states", fuzz_segments);
	for (int i = 0; i <= TCP_TIME_WAIT; i++)
		printf(" %ld", fuzz_states[i]);
	printf("\n%.2f s\n", (double)(clock() - c0) / CLOCKS_PER_SEC);
	return 0;
}
