# aegis.sh - the Aegis phase of tests/wasm/run.sh (sourced; needs W, AW, T, ROOT, BUILD,
# SUITE and the pass/fail/skip helpers).  The host phase has converted the spec files
# ($W/spec/<name>/) and built the WASI modules ($W/wasi/); this phase stages them with
# build/user/aegis-wasm and tests/wasm/aegis-driver.sh into an --extra directory, runs
# the driver on the host (expected output) and once in Aegis (tools/aegis-run, one
# boot), and compares each case's output and exit status byte for byte:
#   PASS/FAIL wasm_aegis_<case>     (cases: spec_<file>, jitall_<file> (AEGIS_WASM_JIT=all),
#                                    wasi_<program>, cli_<what>)
# Which spec files: WASM_AEGIS_SPEC=all (the default: all 146 core files, SIMD
# included; the guest run takes about 30 s under QEMU TCG here, so no sampling is
# needed), WASM_AEGIS_SPEC=nosimd (the 90 non-SIMD files), or a list of names.
# WASM_AEGIS_TIMEOUT (default 240 s) bounds the boot.

aegis_phase() {
	local A=$W/aegis R st name sel f
	R=$A/root/wasmtest
	if [ ! -x "$ROOT/tools/aegis-run" ] || ! have qemu-system-x86_64; then
		skip wasm_aegis "tools/aegis-run or qemu-system-x86_64 missing"
		return
	fi
	rm -rf "$A"
	mkdir -p "$R/spec" "$R/wasi"
	cp "$AW" "$R/aegis-wasm"
	cp "$T/aegis-driver.sh" "$R/driver.sh"
	sel=${WASM_AEGIS_SPEC:-all}
	case $sel in
	nosimd)
		sel=$(for f in "$SUITE"/*.wast; do
			name=$(basename "$f" .wast)
			case $name in simd_*) ;; *) echo "$name" ;; esac
		done) ;;
	all) sel=$(for f in "$SUITE"/*.wast; do basename "$f" .wast; done) ;;
	esac
	: >"$R/spec.list"
	for name in $sel; do
		# only files the host phase converted and passed
		[ -f "$W/spec/$name/$name.json" ] || continue
		mkdir -p "$R/spec/$name"
		cp "$W/spec/$name/$name.json" "$R/spec/$name/"
		cp "$W/spec/$name"/*.wasm "$R/spec/$name/" 2>/dev/null
		echo "$name" >>"$R/spec.list"
	done
	# our own .wast files (tests/wasm/wast), all of them
	for d in "$W"/wast/*/; do
		name=$(basename "$d")
		[ -f "$d/$name.json" ] || continue
		mkdir -p "$R/spec/$name"
		cp "$d/$name.json" "$d"/*.wasm "$R/spec/$name/" 2>/dev/null
		echo "$name" >>"$R/spec.list"
	done
	[ "$WASI_OK" = 1 ] || build_wasi
	if [ "$WASI_OK" = 1 ]; then
		cp "$W/wasi"/*.wasm "$R/wasi/"
		rm -f "$R/wasi/truncated.wasm"
	fi
	echo "aegis phase: $(wc -l <"$R/spec.list") spec files, WASI: $WASI_OK"
	# expected: the same driver on the host (busybox sh when available)
	local sh=sh
	have busybox && sh="busybox sh"
	local htmp
	htmp=$(mktemp -d /tmp/wasm-aegis-host.XXXXXX)
	$sh "$R/driver.sh" "$R/aegis-wasm" "$htmp/t" >"$A/host.txt" 2>&1
	rm -rf "$htmp"
	# actual: one boot of Aegis
	local t0=$(date +%s)
	"$ROOT/tools/aegis-run" --extra "$A/root" --timeout "${WASM_AEGIS_TIMEOUT:-240}" \
		-- sh /wasmtest/driver.sh /wasmtest/aegis-wasm /tmp/wasmtest \
		>"$A/guest.txt" 2>"$A/guest.err"
	st=$?
	echo "aegis phase: guest run took $(( $(date +%s) - t0 )) s, aegis-run status $st"
	[ $st -eq 0 ] || { echo "aegis-run stderr:"; tail -20 "$A/guest.err"; }
	mkdir -p "$A/expected" "$A/actual"
	aegis_split "$A/host.txt" "$A/expected"
	aegis_split "$A/guest.txt" "$A/actual"
	for f in $(sed -n 's/^@@@BEGIN //p' "$A/host.txt"); do
		hst=$(sed -n '$s/^@@@END [^ ]* //p' "$A/expected/$f")
		if [ "$hst" = 126 ] || [ "$hst" = 127 ]; then
			fail "wasm_aegis_$f" "the driver could not run it on the host (status $hst)"
		elif case $f in spec_*) ! grep -q ' passed, 0 failed, ' "$A/expected/$f" || [ "$hst" != 0 ] ;; *) false ;; esac; then
			fail "wasm_aegis_$f" "the host run did not pass"
		elif [ ! -f "$A/actual/$f" ]; then
			fail "wasm_aegis_$f" "did not run in Aegis (aegis-run status $st)"
		elif cmp -s "$A/expected/$f" "$A/actual/$f"; then
			pass "wasm_aegis_$f" "($(sed -n "s/^@@@TIME $f //p" "$A/guest.txt") s in Aegis)"
		else
			diff "$A/expected/$f" "$A/actual/$f" | head -8
			fail "wasm_aegis_$f" "output or status differs from the host"
		fi
	done
}

# aegis_split FILE DIR: one file per case holding its output and "@@@END name status"
aegis_split() {
	awk -v d="$2" '
		/^@@@BEGIN / { f = d "/" $2; printf "" > f; inside = 1; next }
		/^@@@END / { if (inside) { print > f; close(f) } inside = 0; next }
		inside { print > f }' "$1"
}
