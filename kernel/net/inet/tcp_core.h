/*
 * tcp_core.h - TCP's state machine for one connection (RFC 9293), pure: no
 * locks, no allocation, no clocks, no packets.  The socket glue (tcp.c) owns
 * the connection, its buffers and its lock; it hands the core each arriving
 * segment, already parsed and checksummed, and the time; the core answers by
 * emitting segments and reporting events through the callbacks.  The same file
 * is compiled for the host by tests/unit/test_tcp.c.
 *
 * What the core does: the three-way handshake (active and passive) with the
 * MSS option, sequence and acknowledgement checks, in-order delivery with
 * out-of-order segments kept in the receive buffer, retransmission (RFC 6298
 * timer, exponential backoff, give-up), fast retransmit and NewReno congestion
 * control (RFC 5681/6582), delayed ACKs, Nagle (off with nodelay), zero-window
 * probes, FIN in both directions with every closing state and TIME-WAIT, RST
 * sent and received with the RFC 5961 checks.  Window scaling, SACK and
 * timestamps are not offered, and ignored when offered.
 *
 * All sequence arithmetic is modulo 2^32.  Times are nanoseconds of a
 * monotonic clock.  Errors are positive errno values (ECONNREFUSED,
 * ECONNRESET, ETIMEDOUT, EPIPE).
 */
#ifndef AEGIS_NET_TCP_CORE_H
#define AEGIS_NET_TCP_CORE_H

#include <aegis/types.h>

/* header flags, as on the wire */
#define TCP_FIN	0x01
#define TCP_SYN	0x02
#define TCP_RST	0x04
#define TCP_PSH	0x08
#define TCP_ACK	0x10
#define TCP_URG	0x20

enum tcp_state {
	TCP_CLOSED, TCP_LISTEN, TCP_SYN_SENT, TCP_SYN_RECEIVED, TCP_ESTABLISHED,
	TCP_FIN_WAIT_1, TCP_FIN_WAIT_2, TCP_CLOSE_WAIT, TCP_CLOSING, TCP_LAST_ACK,
	TCP_TIME_WAIT,
};

/* events reported to the glue (bit mask) */
#define TCP_EV_CONNECTED 0x01	/* SYN_SENT/SYN_RECEIVED -> ESTABLISHED */
#define TCP_EV_READABLE	0x02	/* new in-order data, or the peer's FIN */
#define TCP_EV_WRITABLE	0x04	/* send buffer space freed */
#define TCP_EV_ERROR	0x08	/* t->err set; the connection is dead */
#define TCP_EV_CLOSED	0x10	/* reached CLOSED: the glue may free it */

/*
 * A segment, in host byte order.  Input: data/len is the payload (data2 unused).
 * Output: the payload is data/len followed by data2/len2 (the send buffer is a
 * ring; either may be empty).  mss is the MSS option (SYN only; 0 = absent).
 */
struct tcp_seg {
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint16_t mss;
	const uint8_t *data, *data2;
	size_t len, len2;
};

struct tcp_ops {
	/* send one segment; a failure (no route, no memory) counts as a loss */
	void (*emit)(void *ctx, const struct tcp_seg *s);
	void (*event)(void *ctx, unsigned events);
};

/* a byte ring: the glue provides the memory (any size up to 1 GiB) */
struct tcp_ring {
	uint8_t *buf;
	uint32_t cap;
	uint32_t head;		/* offset of the first byte */
	uint32_t len;		/* bytes held from head on */
};

/* two pieces of a ring (free space, or bytes held), in order */
struct tcp_span {
	uint8_t *p[2];
	uint32_t n[2];
};

#define TCP_MAX_OOO 8		/* out-of-order ranges remembered */

struct tcb {
	enum tcp_state state;
	int err;			/* pending error, 0 if none */
	const struct tcp_ops *ops;
	void *ctx;			/* passed to ops */

	/* send side: snd.una is the first byte of snd ring, snd.nxt the next to send */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
	uint16_t mss;			/* effective send MSS */
	uint16_t our_mss;		/* what we advertise */
	struct tcp_ring snd;		/* unacknowledged + unsent data */
	bool fin_queued;		/* close() or shutdown(SHUT_WR) asked for a FIN */
	bool fin_sent;
	bool nodelay;

	/* receive side: rcv ring holds in-order data not yet read, then room for
	 * out-of-order data at its offset from rcv_nxt */
	uint32_t irs, rcv_nxt, rcv_adv;	/* rcv_adv: right edge we advertised */
	struct tcp_ring rcv;
	struct { uint32_t start, end; } ooo[TCP_MAX_OOO];	/* seq ranges held past rcv_nxt */
	int nooo;
	bool fin_received;

	/* congestion control (RFC 5681, 6582) */
	uint32_t cwnd, ssthresh, recover;
	int dupacks;
	bool in_recovery;

	/* timers: absolute deadlines, 0 = not armed */
	uint64_t rto_at, delack_at, persist_at, timewait_at;
	uint64_t srtt, rttvar, rto;	/* ns */
	uint32_t rtt_seq;		/* the segment being timed, if rtt_timing */
	uint64_t rtt_start;
	bool rtt_timing;
	int retries;			/* consecutive expirations of rto_at */
	int unacked_segs;		/* full segments received since our last ACK */

	/* private to tcp_core.c */
	uint32_t max_snd_wnd;		/* largest window the peer offered (sender SWS) */
	unsigned events;		/* TCP_EV_* gathered, reported once per call */
	bool ack_now;			/* an ACK is owed before this call returns */
};

#define TCP_DEFAULT_MSS		536		/* if the peer sends no MSS option */
#define TCP_RTO_INITIAL_NS	1000000000ull	/* RFC 6298 */
#define TCP_RTO_MIN_NS		200000000ull	/* Linux's floor */
#define TCP_RTO_MAX_NS		60000000000ull
#define TCP_SYN_RETRIES		6
#define TCP_DATA_RETRIES	15
#define TCP_DELACK_NS		40000000ull
#define TCP_TIMEWAIT_NS		60000000000ull	/* 2 MSL as Linux counts it */

/* A closed connection with the given buffers (empty), callbacks and our MSS. */
void tcp_init(struct tcb *t, const struct tcp_ops *ops, void *ctx, uint8_t *sndbuf,
	      uint32_t sndcap, uint8_t *rcvbuf, uint32_t rcvcap, uint16_t our_mss);

/* connect(): send a SYN with initial sequence iss; state SYN_SENT. */
void tcp_connect(struct tcb *t, uint32_t iss, uint64_t now);

/* A listener got `syn` (flags exactly SYN, checked by the caller): t, fresh
 * from tcp_init, answers with SYN-ACK and enters SYN_RECEIVED. */
void tcp_accept_syn(struct tcb *t, const struct tcp_seg *syn, uint32_t iss, uint64_t now);

/* Everything that arrives for this connection (any state but LISTEN/CLOSED). */
void tcp_input(struct tcb *t, const struct tcp_seg *s, uint64_t now);

/* The reply to a segment that reaches no connection (RFC 9293 3.10.7.1):
 * fills *out with the RST to send and returns true, or false (s is itself a RST). */
bool tcp_reset_for(const struct tcp_seg *s, struct tcp_seg *out);

/* Sending: the free space of the send buffer (empty when the connection cannot
 * send: error, FIN queued, not yet/no longer synchronised past CLOSE_WAIT), then
 * commit n bytes written into it, which may transmit. */
void tcp_send_space(struct tcb *t, struct tcp_span *sp);
void tcp_send_commit(struct tcb *t, uint32_t n, uint64_t now);

/* Receiving: the in-order bytes waiting to be read, then consume n of them,
 * which may open the window (and send an update). */
void tcp_recv_data(struct tcb *t, struct tcp_span *sp);
void tcp_recv_consume(struct tcb *t, uint32_t n, uint64_t now);
/* The peer has sent FIN and every byte before it has been read: reads see EOF. */
bool tcp_recv_eof(const struct tcb *t);

/* shutdown(SHUT_WR)/close(): FIN after the queued data (idempotent). */
void tcp_shutdown_send(struct tcb *t, uint64_t now);
/* close() with unread data or SO_LINGER 0, or a socket torn down: send RST if
 * synchronised, go to CLOSED (TCP_EV_CLOSED). */
void tcp_abort(struct tcb *t, uint64_t now);

/* The earliest armed deadline, or UINT64_MAX; then run whatever is due. */
uint64_t tcp_next_deadline(const struct tcb *t);
void tcp_timer(struct tcb *t, uint64_t now);

/* sequence comparisons modulo 2^32 */
static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }

#endif
