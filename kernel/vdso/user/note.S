/* note.S - the vDSO's ELF note, as Linux's: owner "Linux", type 0, the version. */
	.section .note.Linux, "a", @note
	.balign 4
	.long 6, 4, 0
	.asciz "Linux"
	.balign 4
	.long 0x060100	/* 6.1.0, what uname reports */
	.section .note.GNU-stack, "", @progbits
