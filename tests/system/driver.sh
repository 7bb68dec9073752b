# driver.sh - runs the system tests listed in ./list from this directory, on the host
# or in the guest (busybox sh), and prints each one's output between delimiters:
#   @@@BEGIN name / output / [no newline at end] / @@@END name status
# The environment and limits are fixed here so that both sides start the same.
cd "$(dirname "$0")" || exit 1
umask 022
ulimit -n 1024 2>/dev/null
ulimit -c 0 2>/dev/null
ulimit -s 8192 2>/dev/null
here=$(pwd)
out=/tmp/systest-driver.out
for t in $(cat list); do
	t0=$(date +%s)
	case $t in
	bb_*) timeout 60 sh "busybox/${t#bb_}.sh" >$out 2>&1 </dev/null ;;
	fuzz) timeout 90 ./bin/fuzz >$out 2>&1 </dev/null ;;
	*) timeout 60 "./bin/$t" >$out 2>&1 </dev/null ;;
	esac
	st=$?
	cd "$here"
	echo "@@@BEGIN $t"
	cat $out
	[ -s $out ] && [ -n "$(tail -c 1 $out)" ] && printf '\n[no newline at end]\n'
	echo "@@@END $t $st"
	echo "@@@TIME $t $(($(date +%s) - t0))"
done
rm -f $out
