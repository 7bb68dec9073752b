# sh features: pipes, redirections, here-documents, subshells, background jobs, wait, kill, trap
d=/tmp/st-bb-shell; rm -rf $d; mkdir -p $d && cd $d || exit 1
echo one two three | tr ' ' '\n' | sort -r
echo out >f; echo more >>f; cat <f
echo err 2>&1 1>/dev/null >&2 | cat
{ echo to-stderr >&2; } 2>e; cat e
exec 3>g; echo via-fd3 >&3; exec 3>&-; cat g
cat <<EOT
here $((1 + 2)) $(echo doc)
EOT
cat <<'EOT'
quoted $HOME
EOT
x=outer; (x=inner; echo "sub $x"); echo "after $x"
echo "status $(false; echo $?)"
sleep 0.2 & pid=$!
wait $pid; echo "wait status $?"
(exit 7) & wait $!; echo "bg status $?"
sleep 5 & k=$!
kill $k; wait $k; echo "killed status $?"
trap 'echo trapped USR1' USR1
kill -USR1 $$
trap 'echo exit trap' EXIT
for i in 1 2 3; do case $i in 2) continue ;; esac; echo "loop $i"; done
i=0; while [ $i -lt 3 ]; do i=$((i + 1)); done; echo "while $i"
f() { echo "func $# $1"; return 3; }; f a b; echo "ret $?"
set -- p q r; shift; echo "args $*"
echo "${undefined:-default} ${#x}"
[ -f f ] && echo exists || echo missing
echo $(( 7 * 6 )) $(( 10 / 3 )) $(( -7 % 3 ))
cd /; rm -rf $d
