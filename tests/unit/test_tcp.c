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
	printf("%.2f s\n", (double)(clock() - c0) / CLOCKS_PER_SEC);
	return 0;
}
