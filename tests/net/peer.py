#!/usr/bin/env python3
"""peer.py - the other end of Aegis' Ethernet, for tests/net/run.sh.

QEMU's "-netdev socket,udp=..." carries raw Ethernet frames in UDP datagrams;
this script is the only other host on that wire (10.0.3.1).  It checks that
Aegis (10.0.3.15, running `nettest sink 5555 5556`) answers ARP, ICMP echo,
TCP and UDP, then sends it a stream of hostile frames (valid packets of every
kind, mutated: bytes flipped, truncated, lengths and header fields made up,
checksums sometimes repaired so the damage reaches deeper code), then checks
that it still answers everything, and finally tells the sink to exit.  With
`ip=dhcp` on Aegis' command line it is also the DHCP server, which sends
broken replies (truncated, bad options, bad cookie, other transactions)
before each good one, and refuses the first REQUEST with a NAK; and it is
the name server DHCP names (aegis.test is 10.0.3.1).

Usage: peer.py OUR_PORT QEMU_PORT FRAMES SEED.  Prints PASS/FAIL lines.
"""
import os
import random
import socket
import struct
import sys
import time

OUR_IP, GUEST_IP = "10.0.3.1", "10.0.3.15"
OUR_MAC = bytes.fromhex("525400aabb01")
BCAST = b"\xff" * 6
SINK_UDP, SINK_TCP, CLOSED = 5555, 5556, 9

our_port, qemu_port, nframes, seed = (int(a) for a in sys.argv[1:5])
rng = random.Random(seed)
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", our_port))
dest = ("127.0.0.1", qemu_port)
guest_mac = None
failures = 0


def ip4(a):
    return socket.inet_aton(a)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(payload, etype=0x0800, dst=None):
    return (dst or guest_mac or BCAST) + OUR_MAC + struct.pack("!H", etype) + payload


def arp(op, tpa, tha=b"\0" * 6, spa=OUR_IP):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, OUR_MAC, ip4(spa), tha, ip4(tpa))


def ip(proto, payload, src=OUR_IP, dst=GUEST_IP, ttl=64, frag=0, opts=b"", ident=None):
    ihl = 5 + len(opts) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 4 * ihl + len(payload),
                    rng.randrange(65536) if ident is None else ident, frag, ttl, proto, 0,
                    ip4(src), ip4(dst)) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def pseudo(proto, length, src=OUR_IP, dst=GUEST_IP):
    return ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, length)


def udp(sport, dport, data, src=OUR_IP, dst=GUEST_IP):
    h = struct.pack("!HHHH", sport, dport, 8 + len(data), 0)
    c = csum(pseudo(17, 8 + len(data), src, dst) + h + data) or 0xFFFF
    return h[:6] + struct.pack("!H", c) + data


def tcp(sport, dport, seq, ack, flags, data=b"", wnd=65535, opts=b"", src=OUR_IP, dst=GUEST_IP):
    off = (20 + len(opts)) // 4
    h = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, off << 4,
                    flags, wnd, 0, 0) + opts
    c = csum(pseudo(6, len(h) + len(data), src, dst) + h + data)
    return h[:16] + struct.pack("!H", c) + h[18:] + data


def icmp(typ, code, rest, data):
    h = struct.pack("!BBH", typ, code, 0) + rest + data
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]


def send(frame):
    sock.sendto(frame, dest)


def frames(timeout):
    """Frames from the guest until timeout; answers its ARP requests on the way."""
    global guest_mac
    end = time.time() + timeout
    while True:
        left = end - time.time()
        if left <= 0:
            return
        sock.settimeout(left)
        try:
            f, _ = sock.recvfrom(65536)
        except socket.timeout:
            return
        if len(f) < 14:
            continue
        dhcp_serve(f)
        dns_serve(f)
        etype = struct.unpack("!H", f[12:14])[0]
        if etype == 0x0806 and len(f) >= 42:
            op, sha, spa, tpa = struct.unpack("!6xH6s4s6x4s", f[14:42])
            guest_mac = guest_mac or sha
            if op == 1 and tpa == ip4(OUR_IP):
                send(eth(arp(2, socket.inet_ntoa(spa), sha), 0x0806, sha))
        yield f


dns_answered = 0
dhcp_junk = 0
dhcp_naked = False


def dhcp_reply(xid, chaddr, mtype, mutate_it=False):
    b = bytearray(240)
    b[0:3] = b"\x02\x01\x06"
    b[4:8] = xid
    b[16:20] = ip4(GUEST_IP)
    b[28:34] = chaddr
    b[236:240] = b"\x63\x82\x53\x63"
    b += bytes([53, 1, mtype, 54, 4]) + ip4(OUR_IP) + bytes([1, 4, 255, 255, 255, 0, 3, 4]) + ip4(OUR_IP)
    b += bytes([6, 4]) + ip4(OUR_IP) + bytes([51, 4, 0, 0, 14, 16, 255])
    if mutate_it:   # a reply gone wrong: the client must not take it, nor crash on it
        r = rng.random()
        if r < 0.3:
            b = b[:rng.randrange(len(b))]
        elif r < 0.5:
            b[rng.randrange(240, len(b))] = rng.randrange(256)   # option codes and lengths
        elif r < 0.6:
            b += bytes([rng.randrange(256)]) * rng.randrange(1, 300)
        elif r < 0.7:
            b[236] ^= 0xFF   # the magic cookie
        elif r < 0.8:
            b[4] ^= 1        # someone else's transaction
        else:
            b = bytearray(b[:240]) + bytes([53, 200, 1])   # an option longer than the packet
    return eth(ip(17, udp(67, 68, bytes(b), dst="255.255.255.255"), dst="255.255.255.255"), dst=BCAST)


def dhcp_serve(f):
    """ip=dhcp: answer DISCOVER with an OFFER and REQUEST with an ACK, each after
    a burst of broken replies with the same transaction id."""
    global dhcp_junk
    if f[12:14] != b"\x08\x00" or len(f) < 14 + 20 + 8 + 240 or f[23] != 17:
        return
    ihl = (f[14] & 15) * 4
    u = f[14 + ihl:]
    if u[2:4] != b"\x00\x43" or u[8] != 1:
        return
    bootp = u[8:]
    xid, chaddr = bootp[4:8], bootp[28:34]
    opts = bootp[240:]
    mtype = opts[2] if len(opts) > 2 and opts[0] == 53 else 0
    if mtype not in (1, 3):
        return
    global dhcp_naked
    for _ in range(20):
        send(dhcp_reply(xid, chaddr, rng.choice([2, 5, 0]) if mtype == 3 else 2, True))
        dhcp_junk += 1
    if mtype == 3 and not dhcp_naked:   # the first REQUEST is refused: start again
        dhcp_naked = True
        send(dhcp_reply(xid, chaddr, 6))
        return
    send(dhcp_reply(xid, chaddr, 2 if mtype == 1 else 5))


def dns_serve(f):
    """The name server DHCP named: aegis.test is 10.0.3.1; other names do not exist."""
    global dns_answered
    if f[12:14] != b"\x08\x00" or len(f) < 14 + 20 + 8 + 12 or f[23] != 17:
        return
    ihl = (f[14] & 15) * 4
    u = f[14 + ihl:]
    if u[2:4] != b"\x00\x35":
        return
    q = u[8:8 + struct.unpack("!H", u[4:6])[0] - 8]
    if len(q) < 17:
        return
    end = 12
    while end < len(q) and q[end]:
        end += q[end] + 1
    question = q[12:end + 5]
    name = b".".join(q[12 + i + 1:12 + i + 1 + q[12 + i]] for i in iter_labels(q[12:end + 1])).decode(errors="replace")
    qtype = struct.unpack("!H", q[end + 1:end + 3])[0] if end + 3 <= len(q) else 0
    known = name == "aegis.test"
    answer = b""
    if known and qtype == 1:
        answer = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + ip4(OUR_IP)
    flags = 0x8180 if known else 0x8183
    r = q[:2] + struct.pack("!HHHHH", flags, 1, 1 if answer else 0, 0, 0) + question + answer
    sport = struct.unpack("!H", u[0:2])[0]
    send(eth(ip(17, udp(53, sport, r))))
    dns_answered += 1


def iter_labels(b):
    i = 0
    while i < len(b) and b[i]:
        yield i
        i += b[i] + 1


def ip_packets(timeout, proto):
    for f in frames(timeout):
        if f[12:14] == b"\x08\x00" and len(f) >= 34 and f[23] == proto:
            ihl = (f[14] & 15) * 4
            yield f[14:14 + ihl], f[14 + ihl:14 + struct.unpack("!H", f[16:18])[0]]


def check(name, ok, why=""):
    global failures
    if ok:
        print("PASS net_peer_" + name)
    else:
        failures += 1
        print("FAIL net_peer_%s %s" % (name, why))
    sys.stdout.flush()


def wait_for_guest(limit):
    end = time.time() + limit
    while time.time() < end:
        send(eth(arp(1, GUEST_IP), 0x0806, BCAST))
        for f in frames(0.5):
            if f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x02" and f[28:32] == ip4(GUEST_IP):
                return True
    return False


def ping():
    ident, data = rng.randrange(65536), bytes(rng.randrange(256) for _ in range(56))
    send(eth(ip(1, icmp(8, 0, struct.pack("!HH", ident, 1), data))))
    for _, p in ip_packets(3, 1):
        if p[0] == 0 and p[4:6] == struct.pack("!H", ident) and p[8:] == data and csum(p) == 0:
            return True
    return False


def tcp_reset():
    sport, seq = rng.randrange(1024, 65535), rng.randrange(1 << 32)
    send(eth(ip(6, tcp(sport, CLOSED, seq, 0, 0x02))))
    for _, p in ip_packets(3, 6):
        sp, dp, s, a, off, fl = struct.unpack("!HHIIBB", p[:14])
        if dp == sport and fl & 0x04:
            return fl == 0x14 and a == (seq + 1) & 0xFFFFFFFF
    return False


def udp_unreachable():
    sport = rng.randrange(1024, 65535)
    send(eth(ip(17, udp(sport, CLOSED, b"anyone?"))))
    for _, p in ip_packets(3, 1):
        if p[0] == 3 and p[1] == 3 and struct.unpack("!H", p[28 + 0:28 + 2])[0] == sport:
            return True
    return False


def tcp_session():
    """Handshake with the sink, 1000 bytes, FIN: every byte and the FIN acknowledged."""
    sport, seq = rng.randrange(1024, 65535), rng.randrange(1 << 32)
    send(eth(ip(6, tcp(sport, SINK_TCP, seq, 0, 0x02, opts=b"\x02\x04\x05\xb4"))))
    gseq = None
    for _, p in ip_packets(3, 6):
        sp, dp, s, a, off, fl = struct.unpack("!HHIIBB", p[:14])
        if dp == sport and fl == 0x12 and a == (seq + 1) & 0xFFFFFFFF:
            gseq = s
            break
    if gseq is None:
        return False
    data = bytes(rng.randrange(256) for _ in range(1000))
    send(eth(ip(6, tcp(sport, SINK_TCP, seq + 1, gseq + 1, 0x10))))
    send(eth(ip(6, tcp(sport, SINK_TCP, seq + 1, gseq + 1, 0x18, data))))
    send(eth(ip(6, tcp(sport, SINK_TCP, seq + 1001, gseq + 1, 0x11))))
    for _, p in ip_packets(3, 6):
        sp, dp, s, a, off, fl = struct.unpack("!HHIIBB", p[:14])
        if dp == sport and a == (seq + 1002) & 0xFFFFFFFF:
            send(eth(ip(6, tcp(sport, SINK_TCP, seq + 1002, s + 1, 0x10))))
            return True
    return False


def frag_ping():
    """A 3000-byte echo request in fragments, sent out of order (with one
    duplicated): the reply, larger than the MTU, comes back in fragments too."""
    ident, data = rng.randrange(65536), bytes(rng.randrange(256) for _ in range(3000))
    payload = icmp(8, 0, struct.pack("!HH", ident, 7), data)
    pid = rng.randrange(65536)
    pieces = [(o, payload[o:o + 1480]) for o in range(0, len(payload), 1480)]
    frames_out = []
    for o, chunk in pieces:
        mf = 0x2000 if o + len(chunk) < len(payload) else 0
        frames_out.append(eth(ip(1, chunk, frag=mf | (o // 8), ident=pid)))
    for f in [frames_out[2], frames_out[0], frames_out[0], frames_out[1]]:
        send(f)
    got, total = {}, None
    for h, p in ip_packets(3, 1):
        fo = struct.unpack("!H", h[6:8])[0]
        off, more = (fo & 0x1FFF) * 8, fo & 0x2000
        if h[12:16] != ip4(GUEST_IP):
            continue
        got[off] = p
        if not more:
            total = off + len(p)
        if total is not None and sum(len(v) for v in got.values()) >= total:
            whole = b"".join(got[k] for k in sorted(got))
            return (whole[0] == 0 and whole[4:6] == struct.pack("!H", ident) and whole[8:] == data
                    and csum(whole) == 0)
    return False


def liveness(phase):
    check(phase + "_ping", ping(), "no echo reply")
    check(phase + "_tcp_rst", tcp_reset(), "no RST from a closed port")
    check(phase + "_udp_unreachable", udp_unreachable(), "no ICMP port unreachable")
    check(phase + "_tcp_session", tcp_session(), "sink did not acknowledge data and FIN")
    check(phase + "_fragmented_ping", frag_ping(), "no reassembled reply to a fragmented echo")


# ------------------------------------------------------------ hostile frames

def valid_packet():
    k = rng.randrange(10)
    if os.environ.get("PEER_KINDS"):   # for finding which kind of frame does harm
        k = int(rng.choice(os.environ["PEER_KINDS"].split(",")))
    port = rng.choice([SINK_TCP, SINK_UDP, CLOSED, rng.randrange(65536)])
    data = bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 7, 100, 1400])))
    if k == 0:
        return eth(arp(rng.choice([1, 2, 3]), rng.choice([GUEST_IP, OUR_IP, "10.0.3.99"]),
                       spa=rng.choice([OUR_IP, "10.0.3.77", "255.255.255.255", "0.0.0.0"])), 0x0806,
                   rng.choice([BCAST, guest_mac or BCAST]))
    if k == 1:
        return eth(ip(1, icmp(8, 0, struct.pack("!HH", 1, 2), data)))
    if k == 2:   # an ICMP error quoting a packet the guest might have sent
        inner = ip(rng.choice([6, 17]), struct.pack("!HHI", port, rng.randrange(65536), rng.randrange(1 << 32)),
                   src=GUEST_IP, dst=OUR_IP)
        return eth(ip(1, icmp(rng.choice([3, 11, 5, 12]), rng.randrange(16), b"\0" * 4,
                              inner[:rng.choice([20, 28, 12, len(inner)])])))
    if k == 3:
        return eth(ip(17, udp(rng.randrange(65536), port, data)))
    if k in (4, 5, 6):
        flags = rng.choice([0x02, 0x10, 0x18, 0x11, 0x04, 0x14, 0x12, 0x03, 0x3F, rng.randrange(256)])
        opts = rng.choice([b"", b"\x02\x04\x00\x00", b"\x02\x04\xff\xff", b"\x01\x01\x01\x00",
                           b"\x02\x08\x05\xb4", b"\x03\x03\x07\x00", b"\x05\x02\x00\x00"])
        return eth(ip(6, tcp(rng.randrange(1024, 1100), port, rng.randrange(1 << 32), rng.randrange(1 << 32),
                             flags, data, rng.randrange(65536), opts)))
    if k == 7:   # fragments, options, odd addresses
        return eth(ip(rng.choice([1, 6, 17, 50]), data, frag=rng.choice([0x2000, 0x0001, 0x2005, 0x4000]),
                      opts=rng.choice([b"", b"\x01\x01\x01\x00", b"\x94\x04\x00\x00"]),
                      dst=rng.choice([GUEST_IP, "255.255.255.255", "10.0.3.255", "10.0.4.1", "127.0.0.1"]),
                      src=rng.choice([OUR_IP, "224.0.0.1", "255.255.255.255", "127.0.0.1", GUEST_IP])))
    if k == 9:   # fragments of datagrams that never complete, overlap, or run past 64 KiB
        off = rng.choice([0, 1, 8, 185, 8000, 8190, 8191, rng.randrange(8192)])
        return eth(ip(rng.choice([1, 17, 6]), data, ident=rng.randrange(40),
                      frag=rng.choice([0x2000, 0]) | off))
    return eth(bytes(rng.randrange(256) for _ in range(rng.randrange(60))), rng.choice([0x0800, 0x0806, 0x86DD]))


def mutate(f):
    f = bytearray(f)
    r = rng.random()
    if r < 0.3:
        for _ in range(rng.randrange(1, 5)):
            f[rng.randrange(len(f))] = rng.randrange(256)
    elif r < 0.45:
        f = f[:rng.randrange(len(f) + 1)]
    elif r < 0.55:
        f += bytes(rng.randrange(256) for _ in range(rng.randrange(64)))
    elif r < 0.7 and len(f) >= 34:   # IP length, IHL, TCP offset or UDP length made up
        at = rng.choice([16, 17, 14, 46, 38, 39])
        if at < len(f):
            f[at] = rng.randrange(256)
    if len(f) >= 34 and f[12:14] == b"\x08\x00" and rng.random() < 0.5:   # repair the IP checksum
        ihl = (f[14] & 15) * 4
        if 20 <= ihl <= len(f) - 14:
            f[24:26] = b"\0\0"
            f[24:26] = struct.pack("!H", csum(bytes(f[14:14 + ihl])))
    # never empty: QEMU's socket backend takes an empty datagram for a closed link
    return bytes(f[:1514]) or b"\0"


def fuzz(n):
    sent = 0
    for i in range(n):
        f = valid_packet()
        send(f if rng.random() < 0.15 else mutate(f))
        sent += 1
        if i % 64 == 0:
            for _ in frames(0.002):
                pass   # keep answering its ARP, drain what it sends
    return sent


if not wait_for_guest(120):
    check("guest_up", False, "no ARP reply from %s in 120 s" % GUEST_IP)
    sys.exit(1)
check("guest_up", True)
if dhcp_junk:
    print("# %d broken DHCP replies before the good ones" % dhcp_junk)
print("# %d DNS queries answered" % dns_answered)
# the sink may still be starting: its TCP port answers once it listens
end = time.time() + 30
while time.time() < end and not tcp_session():
    pass
liveness("before")
t = time.time()
n = fuzz(nframes)
print("# %d hostile frames in %.1f s (seed %d)" % (n, time.time() - t, seed))
for _ in frames(1):
    pass
liveness("after")
# until the sink exits (its queue may still hold the flood's datagrams)
for _ in range(60):
    send(eth(ip(17, udp(4000, SINK_UDP, b"done"))))
    for _ in frames(0.5):
        pass
sys.exit(1 if failures else 0)
