/*
 * tcp_core.c - TCP's state machine for one connection (RFC 9293), pure.
 *
 * Nothing here sleeps, locks, allocates or reads a clock: the glue hands in
 * segments and the time, and the core answers through ops->emit and
 * ops->event.  The same file is built into the kernel and, unchanged, into
 * the host unit test (tests/unit/test_tcp.c).
 *
 * Buffers.  Both directions use a byte ring (struct tcp_ring) the glue owns.
 *
 *  - The send ring holds every byte from SND.UNA on: first the sent but
 *    unacknowledged bytes, then the ones not sent yet.  Its head is the byte
 *    at snd_data_start() (SND.UNA, or ISS+1 while our SYN is unacknowledged),
 *    so a sequence number maps to a ring offset by subtraction, and
 *    retransmission just re-reads the ring: segments are never kept.  The
 *    FIN, when queued, sits right after the last byte of the ring.
 *
 *  - The receive ring holds, from its head, the in-order bytes the reader has
 *    not consumed yet (rcv.len of them, ending at RCV.NXT).  Past them is the
 *    room we advertise as our window; a segment that arrives ahead of RCV.NXT
 *    is copied straight to its place there (offset seq - RCV.NXT beyond the
 *    in-order bytes), and ooo[] remembers which sequence ranges are held:
 *    sorted, disjoint, not even touching, all beyond RCV.NXT.  When RCV.NXT
 *    reaches a range, its bytes are already where in-order bytes belong, so
 *    the range is simply added to rcv.len.  We never advertise more than the
 *    free room, and never take data past what we advertised, so out-of-order
 *    bytes cannot overwrite unread ones.
 *
 * Timers are absolute deadlines in the tcb (0 = off): rto_at (retransmission,
 * RFC 6298, including the SYN), persist_at (zero-window probes, and the
 * sender-SWS override when a small window holds data back with nothing in
 * flight), delack_at (delayed ACK) and timewait_at (TIME-WAIT).  Which of
 * rto_at and persist_at runs is decided in one place, tcp_set_timers(), at the
 * end of every call, from what is in flight and what is waiting.
 *
 * Every public entry point ends in tcp_finish(): it sends what can be sent,
 * the ACK owed (if no segment carried it), re-arms the timers and reports the
 * events gathered in t->events in one ops->event call.  Once the connection
 * is CLOSED, nothing is emitted or reported again.
 *
 * Deviations from the letter of RFC 9293, each for interoperability:
 *  - a zero-length segment is acceptable up to and including the right edge
 *    of the window, and one that spans the whole window is acceptable (as in
 *    Linux); a bare FIN at RCV.NXT is acceptable even with a zero window;
 *  - a pure ACK carries SEQ=min(SND.MAX, SND.UNA+SND.WND) (BSD and Linux),
 *    see tcp_send_ack();
 *  - a FIN that arrives out of order is dropped (the peer retransmits it);
 *  - a RST in TIME-WAIT is ignored (RFC 1337), so TIME-WAIT always lasts.
 */
#include <aegis/types.h>
#include <aegis/errno.h>
#include <aegis/string.h>

#include "tcp_core.h"

#define TCP_MIN_MSS		64		/* a hostile MSS option is clamped */
#define TCP_MAX_WND		65535u		/* no window scaling */
#define TCP_MAX_SEG_LEN		(1u << 30)	/* longer inputs are nonsense */
#define TCP_INIT_CWND_SEGS	10		/* RFC 6928, as Linux */
#define TCP_CWND_MAX		(1u << 30)
#define TCP_SSTHRESH_INIT	(1u << 30)
#define TCP_RTO_AFTER_SYN_RETRY	3000000000ull	/* RFC 6298 5.7 */

static inline bool seq_gt(uint32_t a, uint32_t b) { return seq_lt(b, a); }
static inline bool seq_ge(uint32_t a, uint32_t b) { return seq_le(b, a); }
static inline uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }
static inline uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

/* ---- rings ---- */

static uint32_t ring_pos(const struct tcp_ring *r, uint32_t off)
{
	return (uint32_t)(((uint64_t)r->head + off) % r->cap);
}

/* The n bytes at offset off from the head, as at most two pieces. */
static void ring_span(const struct tcp_ring *r, uint32_t off, uint32_t n, struct tcp_span *sp)
{
	uint32_t p, first;

	memset(sp, 0, sizeof(*sp));
	if (!r->cap || !n)
		return;
	p = ring_pos(r, off);
	first = min_u32(n, r->cap - p);
	sp->p[0] = r->buf + p;
	sp->n[0] = first;
	if (n > first) {
		sp->p[1] = r->buf;
		sp->n[1] = n - first;
	}
}

static void ring_write(struct tcp_ring *r, uint32_t off, const uint8_t *data, uint32_t n)
{
	struct tcp_span sp;

	ring_span(r, off, n, &sp);
	if (sp.n[0])
		memcpy(sp.p[0], data, sp.n[0]);
	if (sp.n[1])
		memcpy(sp.p[1], data + sp.n[0], sp.n[1]);
}

static void ring_drop(struct tcp_ring *r, uint32_t n)
{
	if (n > r->len)
		n = r->len;
	if (!n)
		return;
	r->head = ring_pos(r, n);
	r->len -= n;
}

/* ---- small facts about the connection ---- */

static bool syn_unacked(const struct tcb *t)
{
	return t->state == TCP_SYN_SENT || t->state == TCP_SYN_RECEIVED;
}

/* the sequence number of the first byte in the send ring */
static uint32_t snd_data_start(const struct tcb *t)
{
	return t->snd_una + (syn_unacked(t) ? 1 : 0);
}

/* one past the last byte in the send ring: where the FIN goes */
static uint32_t snd_data_end(const struct tcb *t)
{
	return snd_data_start(t) + t->snd.len;
}

/* states in which our data and FIN are (re)transmitted */
static bool can_transmit(const struct tcb *t)
{
	switch (t->state) {
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_CLOSE_WAIT:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		return true;
	default:
		return false;
	}
}

/* states in which the peer's data is still accepted */
static bool can_receive(const struct tcb *t)
{
	return t->state == TCP_ESTABLISHED || t->state == TCP_FIN_WAIT_1 ||
	       t->state == TCP_FIN_WAIT_2;
}

static bool synchronized(const struct tcb *t)
{
	return t->state >= TCP_ESTABLISHED;
}

/* what is left of the window we advertised (never more than the free room) */
static uint32_t rcv_wnd(const struct tcb *t)
{
	uint32_t w = seq_lt(t->rcv_nxt, t->rcv_adv) ? t->rcv_adv - t->rcv_nxt : 0;

	return min_u32(w, t->rcv.cap - t->rcv.len);
}

static uint16_t effective_mss(uint16_t peer, uint16_t ours)
{
	uint32_t m = peer ? peer : TCP_DEFAULT_MSS;

	m = min_u32(m, ours);
	return (uint16_t)max_u32(m, TCP_MIN_MSS);
}

/* ---- events and closing ---- */

static void tcp_flush_events(struct tcb *t)
{
	unsigned ev = t->events;

	t->events = 0;
	if (ev && t->ops && t->ops->event)
		t->ops->event(t->ctx, ev);
}

/* Enter CLOSED: from here on the core is silent for this tcb. */
static void tcp_close_conn(struct tcb *t, int err)
{
	if (t->state == TCP_CLOSED)
		return;
	t->state = TCP_CLOSED;
	if (err) {
		t->err = err;
		t->events |= TCP_EV_ERROR;
	}
	t->events |= TCP_EV_CLOSED;
	t->rto_at = t->delack_at = t->persist_at = t->timewait_at = 0;
	t->ack_now = false;
}

static void tcp_enter_time_wait(struct tcb *t, uint64_t now)
{
	t->state = TCP_TIME_WAIT;
	t->timewait_at = now + TCP_TIMEWAIT_NS;
	t->rto_at = t->persist_at = t->delack_at = 0;
}

/* ---- output ---- */

static void tcp_emit(struct tcb *t, const struct tcp_seg *s)
{
	if (t->ops && t->ops->emit)
		t->ops->emit(t->ctx, s);
}

/*
 * The window to put in an outgoing segment, and move rcv_adv to its edge.
 * Receiver SWS avoidance (RFC 9293 3.8.6.2.2): the right edge only moves when
 * it can move by min(half the buffer, an MSS); and it never moves left.
 */
static uint16_t tcp_adv_window(struct tcb *t)
{
	uint32_t free = min_u32(t->rcv.cap - t->rcv.len, TCP_MAX_WND);
	uint32_t cur = rcv_wnd(t);
	uint32_t step = min_u32(t->rcv.cap / 2, t->our_mss);
	uint32_t wnd = free;

	if (free < cur + step)
		wnd = cur;
	t->rcv_adv = t->rcv_nxt + wnd;
	return (uint16_t)wnd;
}

/* any segment we send carries the ACK, which settles the one we owed */
static void tcp_ack_sent(struct tcb *t)
{
	t->ack_now = false;
	t->delack_at = 0;
	t->unacked_segs = 0;
}

/* SYN (SYN_SENT) or SYN-ACK (SYN_RECEIVED), always from ISS */
static void tcp_send_syn(struct tcb *t)
{
	struct tcp_seg s;

	memset(&s, 0, sizeof(s));
	s.seq = t->iss;
	s.flags = TCP_SYN;
	s.mss = t->our_mss;
	s.wnd = (uint16_t)min_u32(t->rcv.cap - t->rcv.len, TCP_MAX_WND);
	if (t->state == TCP_SYN_RECEIVED) {
		s.flags |= TCP_ACK;
		s.ack = t->rcv_nxt;
		s.wnd = tcp_adv_window(t);
		tcp_ack_sent(t);
	}
	tcp_emit(t, &s);
}

/*
 * Send n bytes of the send ring from seq, with the FIN if fin (the caller
 * checked seq + n is the end of the ring).  Returns the sequence space used.
 */
static uint32_t tcp_xmit(struct tcb *t, uint32_t seq, uint32_t n, bool fin, uint64_t now)
{
	struct tcp_seg s;
	struct tcp_span sp;
	uint32_t used = n + (fin ? 1 : 0);

	memset(&s, 0, sizeof(s));
	ring_span(&t->snd, seq - snd_data_start(t), n, &sp);
	s.seq = seq;
	s.ack = t->rcv_nxt;
	s.flags = TCP_ACK;
	if (n && seq + n == snd_data_end(t))
		s.flags |= TCP_PSH;
	if (fin) {
		s.flags |= TCP_FIN;
		t->fin_sent = true;
	}
	s.wnd = tcp_adv_window(t);
	s.data = sp.p[0];
	s.len = sp.n[0];
	s.data2 = sp.p[1];
	s.len2 = sp.n[1];

	/* time one segment of new data at a time (Karn: never a retransmission) */
	if (used && !t->rtt_timing && seq == t->snd_max) {
		t->rtt_timing = true;
		t->rtt_seq = seq;
		t->rtt_start = now;
	}
	if (used && seq_gt(seq + used, t->snd_max))
		t->snd_max = seq + used;
	tcp_ack_sent(t);
	tcp_emit(t, &s);
	return used;
}

/*
 * A pure ACK; during SYN_RECEIVED that is the SYN-ACK again.  Its SEQ is
 * SND.MAX rather than SND.NXT, as in BSD: after a go-back-N retransmission
 * SND.NXT may lie below the peer's RCV.NXT, and if both ends are in that
 * position each refuses the other's ACKs forever.  It is capped at the right
 * edge of the peer's window so that it stays acceptable during probes.
 */
static void tcp_send_ack(struct tcb *t)
{
	struct tcp_seg s;
	uint32_t wnd_end = t->snd_una + t->snd_wnd;

	if (t->state == TCP_SYN_RECEIVED) {
		tcp_send_syn(t);
		return;
	}
	if (!synchronized(t))
		return;
	memset(&s, 0, sizeof(s));
	s.seq = seq_lt(wnd_end, t->snd_max) ? wnd_end : t->snd_max;
	s.ack = t->rcv_nxt;
	s.flags = TCP_ACK;
	s.wnd = tcp_adv_window(t);
	tcp_ack_sent(t);
	tcp_emit(t, &s);
}

static void tcp_send_rst(struct tcb *t, uint32_t seq)
{
	struct tcp_seg s;

	memset(&s, 0, sizeof(s));
	s.seq = seq;
	s.flags = TCP_RST;
	tcp_emit(t, &s);
}

/*
 * Sender SWS avoidance and Nagle: may a segment of n < MSS bytes go now?
 * avail is what is waiting, win_limited says the peer's window cut it short.
 */
static bool small_segment_ok(const struct tcb *t, uint32_t n, uint32_t avail, bool win_limited)
{
	if (seq_lt(t->snd_nxt, t->snd_max))
		return true;		/* resending what was sent once */
	if (n == avail) {
		if (t->nodelay || t->snd_una == t->snd_max)
			return true;
		return t->fin_queued;	/* the last bytes, with the FIN */
	}
	/* held back by a window: only if it is a fair share of the largest seen */
	return win_limited && n >= t->max_snd_wnd / 2 && n > 0;
}

/* Send whatever the windows, Nagle and SWS avoidance allow, then the FIN. */
static void tcp_output(struct tcb *t, uint64_t now)
{
	if (!can_transmit(t))
		return;
	for (;;) {
		uint32_t end = snd_data_end(t);
		uint32_t wnd_end = t->snd_una + t->snd_wnd;
		uint32_t cw_end = t->snd_una + t->cwnd;
		uint32_t avail, win, cw, n;
		bool fin;

		if (!seq_lt(t->snd_nxt, end))
			break;
		avail = end - t->snd_nxt;
		win = seq_lt(t->snd_nxt, wnd_end) ? wnd_end - t->snd_nxt : 0;
		cw = seq_lt(t->snd_nxt, cw_end) ? cw_end - t->snd_nxt : 0;
		n = min_u32(min_u32(avail, win), min_u32(cw, t->mss));
		if (!n)
			return;
		if (n < t->mss && !small_segment_ok(t, n, avail, win < cw && win < avail))
			return;
		fin = t->fin_queued && n == avail;
		t->snd_nxt += tcp_xmit(t, t->snd_nxt, n, fin, now);
	}
	/* a FIN alone, once all the data is out; it needs no window */
	if (t->fin_queued && t->snd_nxt == snd_data_end(t))
		t->snd_nxt += tcp_xmit(t, t->snd_nxt, 0, true, now);
}

/* Resend the first unacknowledged segment (up to maxlen bytes). */
static void tcp_retransmit_first(struct tcb *t, uint32_t maxlen, uint64_t now)
{
	uint32_t end = snd_data_end(t);
	uint32_t n = seq_lt(t->snd_una, end) ? end - t->snd_una : 0;
	bool fin;

	n = min_u32(min_u32(n, maxlen), t->snd_max - t->snd_una);
	fin = t->fin_queued && t->fin_sent && t->snd_una + n == end;
	if (!n && !fin)
		return;
	t->rtt_timing = false;		/* Karn */
	tcp_xmit(t, t->snd_una, n, fin, now);
}

/* ---- timers ---- */

static void tcp_backoff(struct tcb *t)
{
	t->rto = t->rto * 2 > TCP_RTO_MAX_NS ? TCP_RTO_MAX_NS : t->rto * 2;
}

/* RFC 6298 2.2/2.3 */
static void tcp_rtt_sample(struct tcb *t, uint64_t now)
{
	uint64_t r = now > t->rtt_start ? now - t->rtt_start : 1;
	uint64_t rto;

	t->rtt_timing = false;
	if (!t->srtt) {
		t->srtt = r;
		t->rttvar = r / 2;
	} else {
		uint64_t d = t->srtt > r ? t->srtt - r : r - t->srtt;

		t->rttvar = (3 * t->rttvar + d) / 4;
		t->srtt = (7 * t->srtt + r) / 8;
	}
	rto = t->srtt + MAX(4 * t->rttvar, 1000000ull);
	if (rto < TCP_RTO_MIN_NS)
		rto = TCP_RTO_MIN_NS;
	if (rto > TCP_RTO_MAX_NS)
		rto = TCP_RTO_MAX_NS;
	t->rto = rto;
}

/*
 * Arm the retransmission or the persist timer, whichever fits what is in
 * flight and what waits: the RTO while sent data is unacknowledged and the
 * peer's window is open; the persist timer while the window is zero (probes),
 * or while data waits behind a small window with nothing in flight.
 */
static void tcp_set_timers(struct tcb *t, uint64_t now)
{
	bool in_flight, waiting;
	uint32_t end;

	if (syn_unacked(t)) {
		if (!t->rto_at)
			t->rto_at = now + t->rto;
		return;
	}
	if (!can_transmit(t)) {
		t->rto_at = t->persist_at = 0;
		return;
	}
	end = snd_data_end(t);
	in_flight = t->snd_una != t->snd_max;
	waiting = seq_lt(t->snd_nxt, end) || (t->fin_queued && t->snd_nxt == end);
	if (!in_flight && !waiting) {
		t->rto_at = t->persist_at = 0;
	} else if (t->snd_wnd == 0 || !in_flight) {
		t->rto_at = 0;
		if (!t->persist_at)
			t->persist_at = now + t->rto;
	} else {
		t->persist_at = 0;
		if (!t->rto_at)
			t->rto_at = now + t->rto;
	}
}

static void tcp_finish(struct tcb *t, uint64_t now)
{
	if (t->state != TCP_CLOSED) {
		tcp_output(t, now);
		if (t->ack_now)
			tcp_send_ack(t);
		tcp_set_timers(t, now);
	}
	tcp_flush_events(t);
}

/* RTO expired during the handshake: resend the SYN (or SYN-ACK), or give up */
static void tcp_syn_timeout(struct tcb *t)
{
	if (++t->retries > TCP_SYN_RETRIES) {
		tcp_close_conn(t, ETIMEDOUT);
		return;
	}
	tcp_backoff(t);
	t->rtt_timing = false;
	tcp_send_syn(t);
}

/* RFC 5681 (4): half the flight, but at least two segments */
static uint32_t tcp_half_flight(const struct tcb *t)
{
	return max_u32((t->snd_max - t->snd_una) / 2, 2u * t->mss);
}

/* RTO expired with data in flight: go back to SND.UNA with one segment. */
static void tcp_rto_timeout(struct tcb *t, uint64_t now)
{
	if (t->snd_una == t->snd_max)
		return;
	if (++t->retries > TCP_DATA_RETRIES) {
		tcp_close_conn(t, ETIMEDOUT);
		return;
	}
	t->ssthresh = tcp_half_flight(t);
	t->cwnd = t->mss;
	t->in_recovery = false;
	t->dupacks = 0;
	t->recover = t->snd_max;	/* RFC 6582: no fast retransmit of old dupacks */
	t->snd_nxt = t->snd_una;
	t->rtt_timing = false;
	tcp_backoff(t);
	tcp_output(t, now);
}

/*
 * Persist timer: with the peer's window zero, probe it with one byte (the
 * first unacknowledged one, or a new one); with a small window that SWS
 * avoidance would not fill, send what fits anyway.
 */
static void tcp_persist_timeout(struct tcb *t, uint64_t now)
{
	uint32_t end = snd_data_end(t);
	uint32_t avail = seq_lt(t->snd_nxt, end) ? end - t->snd_nxt : 0;

	if (t->snd_wnd == 0 || t->snd_una != t->snd_max) {
		if (++t->retries > TCP_DATA_RETRIES) {
			tcp_close_conn(t, ETIMEDOUT);
			return;
		}
		tcp_backoff(t);
		if (t->snd_una != t->snd_max) {
			tcp_retransmit_first(t, 1, now);
			return;
		}
		avail = min_u32(avail, 1);
	} else {
		avail = min_u32(min_u32(avail, t->snd_wnd), t->mss);
	}
	if (avail)
		t->snd_nxt += tcp_xmit(t, t->snd_nxt, avail,
				       t->fin_queued && t->snd_nxt + avail == end, now);
}

/* ---- input: ACK ---- */

static void tcp_cwnd_grow(struct tcb *t, uint32_t acked)
{
	if (t->cwnd < t->ssthresh)
		t->cwnd += min_u32(acked, t->mss);		/* slow start */
	else
		t->cwnd += max_u32(1, (uint32_t)((uint64_t)t->mss * t->mss / t->cwnd));
	if (t->cwnd > TCP_CWND_MAX)
		t->cwnd = TCP_CWND_MAX;
}

/* Our FIN got acknowledged: the closing states move on. */
static void tcp_fin_acked(struct tcb *t, uint64_t now)
{
	switch (t->state) {
	case TCP_FIN_WAIT_1:
		t->state = TCP_FIN_WAIT_2;
		break;
	case TCP_CLOSING:
		tcp_enter_time_wait(t, now);
		break;
	case TCP_LAST_ACK:
		tcp_close_conn(t, 0);
		break;
	default:
		break;
	}
}

/* SND.UNA < ack <= SND.MAX: free the acknowledged bytes, adjust cwnd. */
static void tcp_ack_new_data(struct tcb *t, uint32_t ack, uint64_t now)
{
	uint32_t acked = ack - t->snd_una;
	uint32_t data = min_u32(acked, t->snd.len);
	bool fin = acked > t->snd.len;

	ring_drop(&t->snd, data);
	if (!t->snd.len)
		t->snd.head = 0;
	t->snd_una = ack;
	if (seq_lt(t->snd_nxt, ack))
		t->snd_nxt = ack;
	if (t->rtt_timing && seq_lt(t->rtt_seq, ack))
		tcp_rtt_sample(t, now);
	t->retries = 0;
	t->rto_at = 0;			/* RFC 6298 5.3: restart */
	if (data)
		t->events |= TCP_EV_WRITABLE;

	if (t->in_recovery) {
		if (seq_ge(ack, t->recover)) {
			/* full ACK: deflate (RFC 6582 3.2 step 3, option 1) */
			uint32_t flight = t->snd_max - t->snd_una;

			t->cwnd = min_u32(t->ssthresh, max_u32(flight, t->mss) + t->mss);
			t->in_recovery = false;
			t->dupacks = 0;
		} else {
			/* partial ACK: resend the next hole, deflate by what left */
			tcp_retransmit_first(t, t->mss, now);
			t->cwnd = t->cwnd > acked ? t->cwnd - acked : 0;
			if (acked >= t->mss)
				t->cwnd += t->mss;
			t->cwnd = max_u32(t->cwnd, t->mss);
		}
	} else {
		t->dupacks = 0;
		tcp_cwnd_grow(t, data);
	}
	if (fin)
		tcp_fin_acked(t, now);
}

/* RFC 5681 3.2 and RFC 6582: the third duplicate starts fast recovery */
static void tcp_dupack(struct tcb *t, uint64_t now)
{
	t->dupacks++;
	if (t->in_recovery) {
		t->cwnd = min_u32(t->cwnd + t->mss, TCP_CWND_MAX);
		return;
	}
	if (t->dupacks != 3 || !seq_le(t->recover, t->snd_una))
		return;
	t->ssthresh = tcp_half_flight(t);
	t->recover = t->snd_max;
	t->in_recovery = true;
	tcp_retransmit_first(t, t->mss, now);
	t->cwnd = t->ssthresh + 3u * t->mss;
}

static void tcp_window_update(struct tcb *t, const struct tcp_seg *s)
{
	bool was_zero = t->snd_wnd == 0;

	t->snd_wnd = s->wnd;
	t->snd_wl1 = s->seq;
	t->snd_wl2 = s->ack;
	t->max_snd_wnd = max_u32(t->max_snd_wnd, t->snd_wnd);
	if (was_zero && t->snd_wnd) {
		/* out of persist: whatever the probes put past SND.UNA goes again */
		t->persist_at = 0;
		t->retries = 0;
		if (t->snd_nxt != t->snd_una)
			t->rtt_timing = false;
		t->snd_nxt = t->snd_una;
	}
}

/* RFC 9293 3.10.7.4 fifth: the ACK field.  false = drop the segment. */
static bool tcp_process_ack(struct tcb *t, const struct tcp_seg *s, uint32_t len, uint64_t now)
{
	uint32_t ack = s->ack;
	bool dup;

	if (seq_gt(ack, t->snd_max) || seq_lt(ack, t->snd_una - TCP_MAX_WND)) {
		t->ack_now = true;	/* RFC 5961 5.2 */
		return false;
	}
	if (t->snd_wnd == 0)
		t->retries = 0;		/* the peer answers our probes */
	/* RFC 5681's duplicate; answers to zero-window probes are not */
	dup = ack == t->snd_una && len == 0 && !(s->flags & (TCP_SYN | TCP_FIN)) &&
	      s->wnd == t->snd_wnd && s->wnd && t->snd_una != t->snd_max;
	if (seq_gt(ack, t->snd_una))
		tcp_ack_new_data(t, ack, now);
	else if (dup)
		tcp_dupack(t, now);
	else if (ack == t->snd_una && (len || s->wnd != t->snd_wnd))
		t->dupacks = 0;
	if (t->state == TCP_CLOSED || t->state == TCP_TIME_WAIT)
		return t->state != TCP_CLOSED;
	if (seq_le(t->snd_una, ack) &&
	    (seq_lt(t->snd_wl1, s->seq) || (t->snd_wl1 == s->seq && seq_le(t->snd_wl2, ack))))
		tcp_window_update(t, s);
	return true;
}

/* ---- input: data and FIN ---- */

/* Remember [start, end) as held past RCV.NXT.  false if there is no room. */
static bool ooo_add(struct tcb *t, uint32_t start, uint32_t end)
{
	uint32_t s = start - t->rcv_nxt, e = end - t->rcv_nxt;
	struct { uint32_t start, end; } out[TCP_MAX_OOO];
	int n = 0, i;
	bool placed = false;

	for (i = 0; i < t->nooo; i++) {
		uint32_t rs = t->ooo[i].start - t->rcv_nxt, re = t->ooo[i].end - t->rcv_nxt;

		if (re < s) {			/* wholly before, not touching */
			if (n == TCP_MAX_OOO)
				return false;
			out[n].start = t->ooo[i].start;
			out[n++].end = t->ooo[i].end;
		} else if (rs > e) {		/* wholly after */
			if (!placed) {
				if (n == TCP_MAX_OOO)
					return false;
				out[n].start = t->rcv_nxt + s;
				out[n++].end = t->rcv_nxt + e;
				placed = true;
			}
			if (n == TCP_MAX_OOO)
				return false;
			out[n].start = t->ooo[i].start;
			out[n++].end = t->ooo[i].end;
		} else {			/* overlapping or touching: merge */
			s = min_u32(s, rs);
			e = max_u32(e, re);
		}
	}
	if (!placed) {
		if (n == TCP_MAX_OOO)
			return false;
		out[n].start = t->rcv_nxt + s;
		out[n++].end = t->rcv_nxt + e;
	}
	for (i = 0; i < n; i++) {
		t->ooo[i].start = out[i].start;
		t->ooo[i].end = out[i].end;
	}
	t->nooo = n;
	return true;
}

/* RCV.NXT moved: ranges it reached are in order now.  true if a hole filled. */
static bool ooo_advance(struct tcb *t)
{
	bool filled = false;
	int i = 0, j;

	while (i < t->nooo && seq_le(t->ooo[i].start, t->rcv_nxt)) {
		if (seq_gt(t->ooo[i].end, t->rcv_nxt)) {
			t->rcv.len += t->ooo[i].end - t->rcv_nxt;
			t->rcv_nxt = t->ooo[i].end;
		}
		filled = true;
		i++;
	}
	for (j = 0; i < t->nooo; i++, j++)
		t->ooo[j] = t->ooo[i];
	t->nooo = j;
	return filled;
}

/*
 * Segment text already trimmed to the window (RFC 9293 3.10.7.4 seventh).
 * In order: append, pull in any range it reached, ACK per the delayed-ACK
 * rules.  Out of order: store at its offset and ACK at once (a dupack).
 */
static void tcp_rcv_text(struct tcb *t, uint32_t seq, const uint8_t *data, uint32_t len,
			 uint64_t now)
{
	uint32_t off = seq - t->rcv_nxt;

	if (!len)
		return;
	if (off) {
		if (ooo_add(t, seq, seq + len))
			ring_write(&t->rcv, t->rcv.len + off, data, len);
		t->ack_now = true;
		return;
	}
	ring_write(&t->rcv, t->rcv.len, data, len);
	t->rcv.len += len;
	t->rcv_nxt += len;
	t->events |= TCP_EV_READABLE;
	if (ooo_advance(t) || t->nooo)
		t->ack_now = true;	/* filled (part of) a hole */
	if (++t->unacked_segs >= 2)
		t->ack_now = true;
	else if (!t->delack_at)
		t->delack_at = now + TCP_DELACK_NS;
}

/* The peer's FIN, in order (RFC 9293 3.10.7.4 eighth). */
static void tcp_rcv_fin(struct tcb *t, uint64_t now)
{
	t->ack_now = true;
	if (t->fin_received) {
		if (t->state == TCP_TIME_WAIT)
			t->timewait_at = now + TCP_TIMEWAIT_NS;
		return;
	}
	t->fin_received = true;
	t->rcv_nxt++;
	t->nooo = 0;			/* nothing can follow a FIN */
	t->events |= TCP_EV_READABLE;
	switch (t->state) {
	case TCP_ESTABLISHED:
		t->state = TCP_CLOSE_WAIT;
		break;
	case TCP_FIN_WAIT_1:
		/* FIN_WAIT_1 with our FIN acked has already become FIN_WAIT_2 */
		t->state = TCP_CLOSING;
		break;
	case TCP_FIN_WAIT_2:
		tcp_enter_time_wait(t, now);
		break;
	default:
		break;
	}
}

/* Trim a segment to the receive window, take its text, then its FIN. */
static void tcp_rcv_text_fin(struct tcb *t, uint32_t seq, const uint8_t *data, uint32_t len,
			     bool fin, uint64_t now)
{
	uint32_t wnd = rcv_wnd(t);

	if (seq_lt(seq, t->rcv_nxt)) {
		uint32_t skip = t->rcv_nxt - seq;

		if (skip > len) {
			/* everything, FIN included, is old */
			if (len || fin)
				t->ack_now = true;
			if (fin && skip == len + 1 && t->fin_received)
				tcp_rcv_fin(t, now);
			return;
		}
		data += skip;
		len -= skip;
		seq = t->rcv_nxt;
		t->ack_now = true;	/* a duplicate: tell the peer where we are */
	}
	if ((uint64_t)(seq - t->rcv_nxt) + len > wnd) {
		uint32_t off = seq - t->rcv_nxt;

		len = off < wnd ? wnd - off : 0;
		fin = false;
		t->ack_now = true;
	}
	if (!can_receive(t)) {
		len = 0;
		if (!t->fin_received)
			fin = false;
	}
	tcp_rcv_text(t, seq, data, len, now);
	if (fin && seq + len == t->rcv_nxt)
		tcp_rcv_fin(t, now);
	else if (fin)
		t->ack_now = true;
}

/* ---- input: the states ---- */

/* RFC 9293 3.10.7.4 first: the four cases, with the leniencies noted above */
static bool seg_acceptable(const struct tcb *t, uint32_t seq, uint32_t len, bool syn, bool fin)
{
	uint32_t wnd = rcv_wnd(t);
	uint32_t seglen = len + syn + fin;
	uint32_t off = seq - t->rcv_nxt;

	if (seglen == 0)
		return wnd ? off <= wnd : seq == t->rcv_nxt;
	if (wnd == 0)
		return len + syn == 0 && seq == t->rcv_nxt;	/* a bare FIN */
	if (off < wnd)
		return true;
	if ((seq + seglen - 1 - t->rcv_nxt) < wnd)
		return true;
	return seq_lt(seq, t->rcv_nxt) && seq_ge(seq + seglen - 1, t->rcv_nxt + wnd);
}

/* An acceptable RST at exactly RCV.NXT. */
static void tcp_reset_received(struct tcb *t)
{
	switch (t->state) {
	case TCP_SYN_RECEIVED:
		tcp_close_conn(t, ECONNREFUSED);
		break;
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
	case TCP_CLOSE_WAIT:
		tcp_close_conn(t, ECONNRESET);
		break;
	default:			/* CLOSING, LAST_ACK */
		tcp_close_conn(t, 0);
		break;
	}
}

/* SYN_SENT/SYN_RECEIVED -> ESTABLISHED (or FIN_WAIT_1 if closed meanwhile) */
static void tcp_established(struct tcb *t, const struct tcp_seg *s, uint64_t now)
{
	t->snd_una = s->ack;
	if (seq_lt(t->snd_nxt, t->snd_una))
		t->snd_nxt = t->snd_una;
	if (t->rtt_timing && seq_lt(t->rtt_seq, s->ack))
		tcp_rtt_sample(t, now);
	else if (t->retries)
		t->rto = TCP_RTO_AFTER_SYN_RETRY;
	t->rtt_timing = false;
	t->retries = 0;
	t->rto_at = 0;
	t->snd_wnd = s->wnd;
	t->max_snd_wnd = max_u32(t->max_snd_wnd, s->wnd);
	t->snd_wl1 = s->seq;
	t->snd_wl2 = s->ack;
	t->cwnd = TCP_INIT_CWND_SEGS * (uint32_t)t->mss;
	t->ssthresh = TCP_SSTHRESH_INIT;
	t->state = t->fin_queued ? TCP_FIN_WAIT_1 : TCP_ESTABLISHED;
	t->events |= TCP_EV_CONNECTED;
}

/* the peer's SYN: its ISS, its MSS */
static void tcp_take_syn(struct tcb *t, const struct tcp_seg *s)
{
	t->irs = s->seq;
	t->rcv_nxt = s->seq + 1;
	t->rcv_adv = t->rcv_nxt + min_u32(t->rcv.cap - t->rcv.len, TCP_MAX_WND);
	t->mss = effective_mss(s->mss, t->our_mss);
}

static void tcp_input_syn_sent(struct tcb *t, const struct tcp_seg *s, uint32_t len,
			       uint64_t now)
{
	bool has_ack = s->flags & TCP_ACK;

	if (has_ack && (seq_le(s->ack, t->iss) || seq_gt(s->ack, t->snd_max))) {
		if (!(s->flags & TCP_RST))
			tcp_send_rst(t, s->ack);
		return;
	}
	if (s->flags & TCP_RST) {
		if (has_ack)
			tcp_close_conn(t, ECONNREFUSED);
		return;
	}
	if (!(s->flags & TCP_SYN))
		return;
	tcp_take_syn(t, s);
	if (has_ack) {
		tcp_established(t, s, now);
		t->ack_now = true;
		tcp_rcv_text_fin(t, s->seq + 1, s->data, len, s->flags & TCP_FIN, now);
	} else {
		/* simultaneous open: answer with SYN-ACK, keep the SYN timer */
		t->state = TCP_SYN_RECEIVED;
		t->snd_wnd = s->wnd;
		t->snd_wl1 = s->seq;
		t->ack_now = true;
	}
}

static void tcp_input_synchronized(struct tcb *t, const struct tcp_seg *s, uint32_t len,
				   uint64_t now)
{
	uint32_t seq = s->seq;
	const uint8_t *data = s->data;
	bool syn = s->flags & TCP_SYN, fin = s->flags & TCP_FIN;

	/*
	 * In SYN_RECEIVED, the peer's SYN again: its SYN-ACK (simultaneous
	 * open) or a retransmission (our SYN-ACK was lost).  Strip the SYN so
	 * the rest is judged like any segment, and answer a bare SYN.
	 */
	if (t->state == TCP_SYN_RECEIVED && syn && seq == t->irs && !(s->flags & TCP_RST)) {
		syn = false;
		seq++;
		if (!(s->flags & TCP_ACK))
			t->ack_now = true;
	}

	if (!seg_acceptable(t, seq, len, syn, fin)) {
		if (!(s->flags & TCP_RST)) {
			t->ack_now = true;
			/* the peer's FIN again: our ACK of it was lost */
			if (t->state == TCP_TIME_WAIT && fin && seq + len + 1 == t->rcv_nxt)
				t->timewait_at = now + TCP_TIMEWAIT_NS;
		}
		return;
	}
	if (s->flags & TCP_RST) {
		/* RFC 1337: a RST cannot cut TIME-WAIT short */
		if (t->state == TCP_TIME_WAIT)
			return;
		if (seq == t->rcv_nxt)
			tcp_reset_received(t);
		else
			t->ack_now = true;	/* RFC 5961 3.2: challenge ACK */
		return;
	}
	if (syn) {
		t->ack_now = true;		/* RFC 5961 4.2: challenge ACK */
		return;
	}
	if (!(s->flags & TCP_ACK))
		return;
	if (t->state == TCP_SYN_RECEIVED) {
		if (!seq_lt(t->snd_una, s->ack) || seq_gt(s->ack, t->snd_max)) {
			tcp_send_rst(t, s->ack);
			return;
		}
		tcp_established(t, s, now);
	}
	if (!tcp_process_ack(t, s, len, now))
		return;
	if (t->state == TCP_CLOSED)
		return;
	tcp_rcv_text_fin(t, seq, data, len, fin, now);
}

/* ---- the interface ---- */

void tcp_init(struct tcb *t, const struct tcp_ops *ops, void *ctx, uint8_t *sndbuf,
	      uint32_t sndcap, uint8_t *rcvbuf, uint32_t rcvcap, uint16_t our_mss)
{
	memset(t, 0, sizeof(*t));
	t->state = TCP_CLOSED;
	t->ops = ops;
	t->ctx = ctx;
	t->snd.buf = sndbuf;
	t->snd.cap = sndbuf ? sndcap : 0;
	t->rcv.buf = rcvbuf;
	t->rcv.cap = rcvbuf ? rcvcap : 0;
	t->our_mss = (uint16_t)max_u32(our_mss, TCP_MIN_MSS);
	t->mss = effective_mss(0, t->our_mss);
	t->rto = TCP_RTO_INITIAL_NS;
	t->cwnd = TCP_INIT_CWND_SEGS * (uint32_t)t->mss;
	t->ssthresh = TCP_SSTHRESH_INIT;
}

/* both openings start the same way: ISS sent, SYN timed */
static void tcp_start(struct tcb *t, uint32_t iss, uint64_t now)
{
	t->iss = iss;
	t->snd_una = iss;
	t->snd_nxt = t->snd_max = iss + 1;
	t->recover = iss;
	t->retries = 0;
	t->rtt_timing = true;
	t->rtt_seq = iss;
	t->rtt_start = now;
	t->rto_at = now + t->rto;
}

void tcp_connect(struct tcb *t, uint32_t iss, uint64_t now)
{
	if (t->state != TCP_CLOSED || t->err)
		return;
	tcp_start(t, iss, now);
	t->state = TCP_SYN_SENT;
	tcp_send_syn(t);
	tcp_finish(t, now);
}

void tcp_accept_syn(struct tcb *t, const struct tcp_seg *syn, uint32_t iss, uint64_t now)
{
	if (t->state != TCP_CLOSED || t->err)
		return;
	tcp_start(t, iss, now);
	tcp_take_syn(t, syn);
	t->snd_wnd = syn->wnd;
	t->snd_wl1 = syn->seq;
	t->state = TCP_SYN_RECEIVED;
	tcp_send_syn(t);
	tcp_finish(t, now);
}

void tcp_input(struct tcb *t, const struct tcp_seg *s, uint64_t now)
{
	uint32_t len;

	if (t->state == TCP_CLOSED || t->state == TCP_LISTEN)
		return;
	if (s->len >= TCP_MAX_SEG_LEN || (s->len && !s->data))
		return;
	len = (uint32_t)s->len;
	if (t->state == TCP_SYN_SENT)
		tcp_input_syn_sent(t, s, len, now);
	else
		tcp_input_synchronized(t, s, len, now);
	tcp_finish(t, now);
}

bool tcp_reset_for(const struct tcp_seg *s, struct tcp_seg *out)
{
	if (s->flags & TCP_RST)
		return false;
	memset(out, 0, sizeof(*out));
	if (s->flags & TCP_ACK) {
		out->seq = s->ack;
		out->flags = TCP_RST;
	} else {
		out->seq = 0;
		out->ack = s->seq + (uint32_t)s->len + !!(s->flags & TCP_SYN) +
			   !!(s->flags & TCP_FIN);
		out->flags = TCP_RST | TCP_ACK;
	}
	return true;
}

static bool can_queue(const struct tcb *t)
{
	return !t->err && !t->fin_queued &&
	       (t->state == TCP_ESTABLISHED || t->state == TCP_CLOSE_WAIT);
}

void tcp_send_space(struct tcb *t, struct tcp_span *sp)
{
	if (!can_queue(t)) {
		memset(sp, 0, sizeof(*sp));
		return;
	}
	ring_span(&t->snd, t->snd.len, t->snd.cap - t->snd.len, sp);
}

void tcp_send_commit(struct tcb *t, uint32_t n, uint64_t now)
{
	if (!can_queue(t))
		return;
	t->snd.len += min_u32(n, t->snd.cap - t->snd.len);
	tcp_finish(t, now);
}

void tcp_recv_data(struct tcb *t, struct tcp_span *sp)
{
	ring_span(&t->rcv, 0, t->rcv.len, sp);
}

/*
 * The reader made room.  Tell the peer when it matters: the window grew by
 * two segments or half the buffer, or it was too small to send into.
 */
void tcp_recv_consume(struct tcb *t, uint32_t n, uint64_t now)
{
	uint32_t cur, free, step;

	ring_drop(&t->rcv, n);
	if (!t->rcv.len && !t->nooo)
		t->rcv.head = 0;
	if (t->state == TCP_CLOSED)
		return;
	if (can_receive(t) && !t->fin_received) {
		cur = rcv_wnd(t);
		free = min_u32(t->rcv.cap - t->rcv.len, TCP_MAX_WND);
		step = min_u32(t->rcv.cap / 2, t->our_mss);
		if (free >= cur + min_u32(2u * t->our_mss, t->rcv.cap / 2) ||
		    (cur < t->our_mss && free >= cur + step))
			t->ack_now = true;
	}
	tcp_finish(t, now);
}

bool tcp_recv_eof(const struct tcb *t)
{
	return t->fin_received && t->rcv.len == 0;
}

void tcp_shutdown_send(struct tcb *t, uint64_t now)
{
	if (t->fin_queued)
		return;
	switch (t->state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RECEIVED:
		t->fin_queued = true;	/* sent once the handshake completes */
		break;
	case TCP_ESTABLISHED:
		t->fin_queued = true;
		t->state = TCP_FIN_WAIT_1;
		break;
	case TCP_CLOSE_WAIT:
		t->fin_queued = true;
		t->state = TCP_LAST_ACK;
		break;
	default:
		return;
	}
	tcp_finish(t, now);
}

void tcp_abort(struct tcb *t, uint64_t now)
{
	struct tcp_seg s;

	if (t->state == TCP_CLOSED)
		return;
	if (t->state == TCP_SYN_RECEIVED || (synchronized(t) && t->state != TCP_TIME_WAIT)) {
		memset(&s, 0, sizeof(s));
		s.seq = t->snd_max;
		s.ack = t->rcv_nxt;
		s.flags = TCP_RST | TCP_ACK;
		tcp_emit(t, &s);
	}
	tcp_close_conn(t, 0);
	tcp_flush_events(t);
}

uint64_t tcp_next_deadline(const struct tcb *t)
{
	uint64_t d = UINT64_MAX;

	if (t->rto_at && t->rto_at < d)
		d = t->rto_at;
	if (t->persist_at && t->persist_at < d)
		d = t->persist_at;
	if (t->delack_at && t->delack_at < d)
		d = t->delack_at;
	if (t->timewait_at && t->timewait_at < d)
		d = t->timewait_at;
	return d;
}

void tcp_timer(struct tcb *t, uint64_t now)
{
	if (t->state == TCP_CLOSED)
		return;
	if (t->timewait_at && t->timewait_at <= now && t->state == TCP_TIME_WAIT) {
		tcp_close_conn(t, 0);
		tcp_flush_events(t);
		return;
	}
	if (t->rto_at && t->rto_at <= now) {
		t->rto_at = 0;
		if (syn_unacked(t))
			tcp_syn_timeout(t);
		else
			tcp_rto_timeout(t, now);
	}
	if (t->persist_at && t->persist_at <= now && t->state != TCP_CLOSED) {
		t->persist_at = 0;
		if (can_transmit(t))
			tcp_persist_timeout(t, now);
	}
	if (t->delack_at && t->delack_at <= now && t->state != TCP_CLOSED) {
		t->delack_at = 0;
		t->ack_now = true;
	}
	tcp_finish(t, now);
}
