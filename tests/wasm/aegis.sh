# aegis.sh - the Aegis phase of tests/wasm/run.sh (sourced; needs W, AW, T, ROOT, BUILD,
# SUITE and the pass/fail/skip helpers).  The host phase has converted the spec files
# ($W/spec/<name>/) and built the WASI modules ($W/wasi/); this phase stages them with
# build/user/aegis-wasm and tests/wasm/aegis-driver.sh into an --extra directory, runs
# the driver on the host (expected output) and once in Aegis (tools/aegis-run, one
# boot), and compares each case's output and exit status byte for byte:
#   PASS/FAIL wasm_aegis_<case>     (cases: spec_<file>, wasi_<program>, cli_<what>)
# Which spec files (QEMU TCG runs aegis-wasm 20-60 times slower than the host):
#   WASM_AEGIS_SPEC=default  every non-SIMD file (the MVP files and the 2.0 additions:
#                            bulk memory, reference types, sign extension, saturating
#                            conversions, multi-value) plus a sample of 8 SIMD files;
#   WASM_AEGIS_SPEC=all      all 146 files (several minutes more);
#   WASM_AEGIS_SPEC="a b"    those files.
# WASM_AEGIS_TIMEOUT (default 240 s) bounds the boot.
WASM_AEGIS_SIMD_SAMPLE="simd_address simd_const simd_load simd_store simd_lane
	simd_i32x4_arith simd_f32x4_arith simd_bitwise"

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
	sel=${WASM_AEGIS_SPEC:-default}
	case $sel in
	default)
		sel=$(for f in "$SUITE"/*.wast; do
			name=$(basename "$f" .wast)
			case $name in simd_*) ;; *) echo "$name" ;; esac
		done; echo $WASM_AEGIS_SIMD_SAMPLE) ;;
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
		if [ ! -f "$A/actual/$f" ]; then
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
