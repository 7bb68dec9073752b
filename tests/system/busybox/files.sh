# file applets: ls cp mv rm ln mkdir cat head tail wc find xargs tar gzip gunzip md5sum sha256sum
d=/tmp/st-bb-files; rm -rf $d; mkdir -p $d && cd $d || exit 1
mkdir -p a/b/c
printf 'line1\nline2\nline3\nline4\nline5\n' >a/f.txt
cp a/f.txt a/b/g.txt; cp -r a copy; mv copy/f.txt copy/h.txt
ln -s f.txt a/link; ln a/f.txt a/hard
ls a; ls -1 copy; ls -l a/link | awk '{print $1, $NF}'
ls -ld a | cut -c1-10
cat a/f.txt | head -n 2; tail -n 2 a/f.txt; tail -c 6 a/f.txt
wc a/f.txt; wc -l <a/f.txt
find . -name '*.txt' | sort
find . -type d | sort
find . -type f -name 'g*' | xargs cat | wc -l
echo a b c d | xargs -n 2 echo
tar cf t.tar a; mkdir x; tar xf t.tar -C x; tar tf t.tar | sort
cmp a/f.txt x/a/f.txt && echo tar-same
gzip -c a/f.txt >f.gz; gunzip -c f.gz | md5sum
md5sum a/f.txt | cut -d' ' -f1; sha256sum a/f.txt | cut -d' ' -f1
rm -r a/b; ls a; rm a/link; ls a
rmdir copy 2>&1 | sed 's/^rmdir: //'
mkdir a 2>&1; echo "mkdir status $?"
stat -c '%s %h %F' a/f.txt a/hard
touch -d '2001-02-03 04:05:06' a/f.txt; ls -l --full-time a/f.txt 2>/dev/null | awk '{print $6, $7}' || date -r a/f.txt
dd if=/dev/zero of=z bs=1k count=10 2>/dev/null; wc -c <z
cd /; rm -rf $d
