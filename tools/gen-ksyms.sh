#!/bin/sh
# gen-ksyms.sh ELF - writes the assembly for the kernel's symbol table (function
# names for backtraces): sorted addresses, name offsets, and the names.
# With /dev/null as ELF it writes an empty table for the first link.
set -e
elf=$1
echo '	.section .note.GNU-stack, "", @progbits'
echo '	.section .ksyms, "a"'
echo '	.balign 8'
echo '	.global ksyms_count, ksyms_addrs, ksyms_offsets, ksyms_names'
if [ "$elf" = /dev/null ]; then
	echo 'ksyms_count: .quad 0'
	echo 'ksyms_addrs: ksyms_offsets: ksyms_names: .byte 0'
	exit 0
fi
nm -n "$elf" | awk 'BEGIN { n = 0 }
	NF == 3 && $2 ~ /^[tTwW]$/ && $3 !~ /^\./ { addr[n] = $1; name[n] = $3; n++ }
	END {
		printf "ksyms_count: .quad %d\n", n
		printf "ksyms_addrs:\n"
		for (i = 0; i < n; i++) printf "\t.quad 0x%s\n", addr[i]
		printf "ksyms_offsets:\n"
		off = 0
		for (i = 0; i < n; i++) { printf "\t.long %d\n", off; off += length(name[i]) + 1 }
		printf "ksyms_names:\n"
		for (i = 0; i < n; i++) printf "\t.asciz \"%s\"\n", name[i]
	}'
