#!/usr/bin/env bash
# tests/net/run.sh - the IPv4 stack (docs/inet.md).
# 1. /bin/nettest (user/nettest) over the loopback: on the host Linux (the
#    specification) and in Aegis, one "PASS net_<where>_<case>" line per case.
# 2. virtio-net on QEMU's user network: Aegis (10.0.2.15) talks TCP to an echo
#    server on the host (10.0.2.2), UDP datagrams of up to 65507 bytes come back
#    from a host UDP echo server (in fragments both ways), busybox wget fetches a 2 MB file from a
#    host HTTP server (the md5 must match), busybox ping (a raw socket)
#    gets its replies from 127.0.0.1 and from QEMU's gateway, and busybox
#    ifconfig and route show and change addresses, flags and the default route.
# 2b. The same user network through an Intel e1000 (82540EM, polled) with
#    ip=dhcp: 1 MiB TCP echo, the 2 MB wget with its md5, ping of the gateway.
# 3. Hostile frames: QEMU's socket network joins Aegis to tests/net/peer.py,
#    which serves DHCP (broken replies first: Aegis boots with ip=dhcp),
#    checks ARP, ping, TCP and UDP answers, sends NET_FUZZ_FRAMES (20000)
#    mutated frames (seed NET_FUZZ_SEED, default 1), and checks the answers
#    again; nettest sink must still exit when told to.
source "$(dirname "$0")/../lib.sh"
out=$BUILD/test-net
rm -rf "$out"
mkdir -p "$out/extra/bin"
bin=$BUILD/user/nettest
make -s -C "$top/user/nettest" O="$BUILD" CC=musl-gcc >"$out/build.log" 2>&1
if [ ! -x "$bin" ]; then
	fail "net_build (see $out/build.log)"
	exit 0
fi
cp "$bin" "$out/extra/bin/"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null' EXIT

report() {	# report WHERE LOG STATUS
	local where=$1 log=$2 status=$3
	sed -nE "s/^(PASS|FAIL) ([a-z0-9_]+)(.*)$/\1 net_${where}_\2\3/p" "$log"
	grep -q '^nettest: 0 failed' "$log" || fail "net_${where}_finished (status $status; see $log)"
}

# ---------------------------------------------------------------- 1. loopback
(cd "$out" && timeout 120 "$bin") >"$out/host.log" 2>&1
report host "$out/host.log" $?
"$top/tools/aegis-run" --timeout 240 --extra "$out/extra" -- /bin/nettest \
	>"$out/aegis.log" 2>"$out/aegis.err"
report aegis "$out/aegis.log" $?

# ---------------------------------------------------------------- 2. user network
mkdir -p "$out/www" && head -c 2000000 /dev/urandom >"$out/www/blob"
(cd "$out/www" && exec python3 - >"$out/servers.port" 2>"$out/servers.log" <<'EOF') &
import http.server, socketserver, threading
class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            d = self.request.recv(65536)
            if not d:
                return
            self.request.sendall(d)
class T(socketserver.ThreadingTCPServer):
    daemon_threads = allow_reuse_address = True
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass
class UdpEcho(socketserver.BaseRequestHandler):
    def handle(self):
        self.request[1].sendto(self.request[0], self.client_address)
class U(socketserver.ThreadingUDPServer):
    daemon_threads = True
    max_packet_size = 65536
echo = T(("127.0.0.1", 0), Echo)
web = T(("127.0.0.1", 0), Quiet)
udp = U(("127.0.0.1", 0), UdpEcho)
print(echo.server_address[1], web.server_address[1], udp.server_address[1], flush=True)
threading.Thread(target=web.serve_forever, daemon=True).start()
threading.Thread(target=udp.serve_forever, daemon=True).start()
echo.serve_forever()
EOF
pids+=($!)
for _ in $(seq 50); do [ -s "$out/servers.port" ] && break; sleep 0.1; done
read -r echo_port web_port udp_port <"$out/servers.port"
want=$(md5sum <"$out/www/blob" | cut -d' ' -f1)
"$top/tools/aegis-run" --timeout 240 --extra "$out/extra" \
	--netdev user,id=n0 --device virtio-net-pci,netdev=n0 \
	--append "ip=10.0.2.15::10.0.2.2:255.255.255.0" -- \
	sh -c "/bin/nettest remote 10.0.2.2 $echo_port; /bin/nettest udpremote 10.0.2.2 $udp_port;
	       wget -q -O - http://10.0.2.2:$web_port/blob | md5sum;
	       ping -c 2 127.0.0.1 | grep -q '2 packets received' && echo PING-LO-OK;
	       ping -c 2 10.0.2.2 | grep -q '2 packets received' && echo PING-GW-OK;
	       ifconfig eth0 | grep -q 'inet addr:10.0.2.15  Bcast:10.0.2.255  Mask:255.255.255.0' && echo IFCONFIG-OK;
	       route -n | grep -q '^0.0.0.0  *10.0.2.2  *0.0.0.0  *UG' && echo ROUTE-OK;
	       route del default && ! ping -c 1 -W 1 8.8.8.8 2>/dev/null && route add default gw 10.0.2.2 &&
	         route -n | grep -q '^0.0.0.0  *10.0.2.2' && echo ROUTE-SET-OK;
	       ifconfig eth0 10.0.2.16 && ping -c 1 10.0.2.2 | grep -q '1 packets received' &&
	         ifconfig eth0 | grep -q 'inet addr:10.0.2.16' && echo SETADDR-OK;
	       ifconfig lo down && ! ping -c 1 127.0.0.1 2>/dev/null && ifconfig lo up &&
	         ping -c 1 127.0.0.1 | grep -q '1 packets received' && echo LO-DOWN-UP-OK" \
	>"$out/user.log" 2>"$out/user.err"
sed -nE 's/^(PASS|FAIL) remote_([a-z_]+)(.*)$/\1 net_virtio_\2\3/p' "$out/user.log"
grep -q '^PASS remote_echo' "$out/user.log" || fail "net_virtio_echo_ran (see $out/user.log, $out/user.err)"
if grep -q "^$want " "$out/user.log"; then
	pass net_virtio_wget
else
	fail "net_virtio_wget (md5 $(grep -o '^[0-9a-f]\{32\}' "$out/user.log" || echo none), want $want; see $out/user.err)"
fi
for p in PING-LO PING-GW IFCONFIG ROUTE ROUTE-SET SETADDR LO-DOWN-UP; do
	name=net_virtio_busybox_$(echo "$p" | tr 'A-Z-' 'a-z_')
	if grep -q "^$p-OK" "$out/user.log"; then pass "$name"
	else fail "$name (see $out/user.log)"; fi
done

# ---------------------------------------------------------------- 2b. e1000
"$top/tools/aegis-run" --timeout 60 --extra "$out/extra" \
	--netdev user,id=n1 --device e1000,netdev=n1 --append "ip=dhcp" -- \
	sh -c "dmesg | grep -q 'e1000: .* eth0 ' && echo E1000-BOUND;
	       /bin/nettest remote 10.0.2.2 $echo_port;
	       read t0 x </proc/uptime; wget -q -O - http://10.0.2.2:$web_port/blob | md5sum;
	       read t1 x </proc/uptime; echo WGET-TIME \$t0 \$t1;
	       ping -c 2 10.0.2.2 | grep -q '2 packets received' && echo PING-OK" \
	>"$out/e1000.log" 2>"$out/e1000.err"
e1000_status=$?
why=
grep -q '^E1000-BOUND' "$out/e1000.log" || why=" (no e1000 eth0 in dmesg)"
if grep -q '^PASS remote_echo' "$out/e1000.log"; then
	pass net_e1000_echo
else
	fail "net_e1000_echo$why ($(grep -m1 '^FAIL remote_' "$out/e1000.log" || echo 'no result: status '$e1000_status); see $out/e1000.log, $out/e1000.err)"
fi
if grep -q "^$want " "$out/e1000.log"; then
	pass "net_e1000_wget ($(awk '/^WGET-TIME/ { printf "%.2f s", $3 - $2 }' "$out/e1000.log"))"
else
	fail "net_e1000_wget$why (md5 $(grep -o '^[0-9a-f]\{32\}' "$out/e1000.log" || echo none), want $want; see $out/e1000.err)"
fi
if grep -q '^PING-OK' "$out/e1000.log"; then pass net_e1000_ping
else fail "net_e1000_ping$why (see $out/e1000.log)"; fi

# ---------------------------------------------------------------- 3. hostile frames
frames=${NET_FUZZ_FRAMES:-20000} seed=${NET_FUZZ_SEED:-1}
p1=$(( 20000 + RANDOM % 20000 )); p2=$((p1 + 1))
python3 "$top/tests/net/peer.py" "$p1" "$p2" "$frames" "$seed" >"$out/peer.log" 2>&1 &
peer=$!
pids+=($peer)
"$top/tools/aegis-run" --timeout 240 --extra "$out/extra" \
	--netdev "socket,id=n0,udp=127.0.0.1:$p1,localaddr=127.0.0.1:$p2" \
	--device virtio-net-pci,netdev=n0 --append "ip=dhcp" -- \
	sh -c '/bin/nettest resolve aegis.test; /bin/nettest resolve nosuch.test; exec /bin/nettest sink 5555 5556' \
	>"$out/sink.log" 2>"$out/sink.err"
status=$?
wait "$peer"
grep -E '^(PASS|FAIL) ' "$out/peer.log"
grep '^#' "$out/peer.log"
# the name server came from DHCP, through /proc/net/pnp and /etc/resolv.conf
if grep -q '^resolve: aegis.test 10.0.3.1$' "$out/sink.log" &&
   grep -q '^resolve: nosuch.test: ' "$out/sink.log"; then
	pass net_dhcp_dns_resolves
else
	fail "net_dhcp_dns_resolves (see $out/sink.log)"
fi
if [ "$status" = 0 ] && grep -q '^sink: done' "$out/sink.log"; then
	pass net_fuzz_sink_survives
else
	fail "net_fuzz_sink_survives (status $status; see $out/sink.log, $out/sink.err, $out/peer.log)"
fi
exit 0
