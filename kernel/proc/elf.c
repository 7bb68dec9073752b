/*
 * elf.c - the ELF64 checks exec makes before trusting a file's headers.  Pure
 * code: the host unit tests feed it truncated and hostile headers.
 */
#include <aegis/elf.h>
#include <aegis/errno.h>
#include <aegis/string.h>

int elf_check_header(const struct elf64_ehdr *eh, size_t file_size)
{
	/* Linux looks at the magic and e_machine, not at the class and data bytes */
	if (file_size < sizeof(*eh) || memcmp(eh->e_ident, "\177ELF", 4))
		return -ENOEXEC;
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return -ENOEXEC;
	if (eh->e_machine != EM_X86_64)
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return -ENOEXEC;
	if (eh->e_phnum < 1 || eh->e_phnum > ELF_MAX_PHNUM)
		return -ENOEXEC;
	if (eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) > file_size)
		return -ENOEXEC;	/* program headers past the end of the file */
	return 0;
}

int elf_check_segments(const struct elf64_phdr *ph, unsigned n, uint64_t base,
		       uint64_t user_top, uint64_t file_size)
{
	bool any_load = false;

	for (unsigned i = 0; i < n; i++) {
		const struct elf64_phdr *p = &ph[i];
		uint64_t start, end;

		if (p->p_type != PT_LOAD)
			continue;
		any_load = true;
		if (p->p_filesz > p->p_memsz)
			return -EINVAL;
		/* file offset and address must agree modulo the page size */
		if ((p->p_offset & 0xfff) != (p->p_vaddr & 0xfff))
			return -EINVAL;
		/* bytes past the end of the file are mapped; touching them is SIGBUS */
		if (p->p_offset + p->p_filesz < p->p_offset)
			return -EINVAL;
		start = base + p->p_vaddr;
		end = start + p->p_memsz;
		if (start < base || end < start || end > user_top || start < 0x1000)
			return -EINVAL;
	}
	return any_load ? 0 : -ENOEXEC;
}
