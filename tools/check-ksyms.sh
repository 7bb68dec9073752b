#!/bin/sh
# check-ksyms.sh PASS1 FINAL - the symbol table is only right if adding it moved
# no function: compare the text symbols of both links.
a=$(nm -n "$1" | awk '$2 ~ /^[tT]$/ && $3 !~ /^ksyms/ {print $1, $3}' | md5sum)
b=$(nm -n "$2" | awk '$2 ~ /^[tT]$/ && $3 !~ /^ksyms/ {print $1, $3}' | md5sum)
[ "$a" = "$b" ] || { echo "check-ksyms: symbol addresses moved between links" >&2; exit 1; }
