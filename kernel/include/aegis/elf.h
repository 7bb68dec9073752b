/* elf.h - ELF64 structures and the pure checks the loader applies (proc/elf.c). */
#ifndef AEGIS_ELF_H
#define AEGIS_ELF_H

#include <aegis/types.h>

#define EI_NIDENT	16
#define ET_EXEC		2
#define ET_DYN		3
#define EM_X86_64	62
#define PT_LOAD		1
#define PT_INTERP	3
#define PT_PHDR		6
#define PT_GNU_STACK	0x6474e551
#define PF_X		1
#define PF_W		2
#define PF_R		4

struct elf64_ehdr {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

#define ELF_MAX_PHNUM	(4096 / sizeof(struct elf64_phdr))	/* Linux: one page */

/* Header checks before anything is read further: 0 or -ENOEXEC (Linux's answer). */
int elf_check_header(const struct elf64_ehdr *eh, size_t file_size);
/*
 * Checks the loadable segments against each other and the user address range,
 * with base added (static PIE).  0, -ENOEXEC (nothing to load), or -EINVAL (a
 * segment that cannot be mapped; Linux finds these after the point of no return
 * and kills the process with SIGSEGV, and so does exec).
 */
int elf_check_segments(const struct elf64_phdr *ph, unsigned n, uint64_t base,
		       uint64_t user_top, uint64_t file_size);

#endif
