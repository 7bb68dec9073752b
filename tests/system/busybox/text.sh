# text applets: grep sed awk sort uniq cut tr
d=/tmp/st-bb-text; rm -rf $d; mkdir -p $d && cd $d || exit 1
cat >data <<'EOT'
banana 3 yellow
apple 5 red
cherry 7 red
apple 2 green
date 1 brown
EOT
grep red data; grep -c apple data; grep -v -n a data; grep -E '^(a|d)' data; grep -q nothing data; echo "grep status $?"
sed 's/red/RED/g' data | sed -n '2,3p'; sed -e '1d' -e 's/ .*//' data; sed '/apple/!d' data
awk '{s += $2} END {print "sum", s}' data
awk '$3 == "red" {print $1}' data
awk -F' ' '{printf "%-8s|%3d\n", $1, $2 * 2}' data
sort data; sort -k2 -n data; sort -r -k1,1 data | head -n 2
cut -d' ' -f1 data | sort | uniq -c
cut -d' ' -f1 data | sort -u
cut -c1-3 data
echo hello | tr a-z A-Z; echo 'a  b   c' | tr -s ' '; echo abc123 | tr -d 0-9
printf '%s\n' 3 1 2 10 | sort -n | tr '\n' ' '; echo
seq 1 5 | paste -sd+ | bc 2>/dev/null || seq 1 5 | awk '{s+=$1} END {print s}'
echo "one,two,,four" | awk -F, '{print NF, $4}'
cd /; rm -rf $d
