/* test_elf.c - exec's ELF header and segment checks on valid and hostile headers. */
#include "../../kernel/proc/elf.c"

static int failures;
#define EXPECT(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static struct elf64_ehdr good_header(void)
{
	struct elf64_ehdr eh = { 0 };

	memcpy(eh.e_ident, "\177ELF", 4);
	eh.e_ident[4] = 2;
	eh.e_ident[5] = 1;
	eh.e_ident[6] = 1;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = 1;
	eh.e_entry = 0x401000;
	eh.e_phoff = 64;
	eh.e_phentsize = sizeof(struct elf64_phdr);
	eh.e_phnum = 2;
	return eh;
}

int main(void)
{
	struct elf64_ehdr eh = good_header(), bad;
	const uint64_t top = 0x7ffffffff000ull;

	EXPECT(elf_check_header(&eh, 8192) == 0);
	EXPECT(elf_check_header(&eh, 63) == -ENOEXEC);		/* truncated */
	bad = eh; bad.e_ident[0] = 0;
	EXPECT(elf_check_header(&bad, 8192) == -ENOEXEC);	/* magic */
	bad = eh; bad.e_ident[4] = 1;
	EXPECT(elf_check_header(&bad, 8192) == 0);		/* class byte: ignored, as Linux */
	bad = eh; bad.e_phoff = 8190;
	EXPECT(elf_check_header(&bad, 8192) == -ENOEXEC);	/* headers past the end */
	bad = eh; bad.e_machine = 3;
	EXPECT(elf_check_header(&bad, 8192) == -ENOEXEC);
	bad = eh; bad.e_type = 1;
	EXPECT(elf_check_header(&bad, 8192) == -ENOEXEC);	/* relocatable */
	bad = eh; bad.e_phnum = 0;
	EXPECT(elf_check_header(&bad, 8192) == -ENOEXEC);
	bad = eh; bad.e_phentsize = 32;
	EXPECT(elf_check_header(&bad, 8192) == -ENOEXEC);
	bad = eh; bad.e_phnum = 74;	/* more than a page of headers */
	EXPECT(elf_check_header(&bad, 8192) == -ENOEXEC);

	struct elf64_phdr ph[2] = {
		{ PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x400000, 0x1000, 0x1000, 0x1000 },
		{ PT_LOAD, PF_R | PF_W, 0x1000, 0x401000, 0x401000, 0x100, 0x5000, 0x1000 },
	};
	EXPECT(elf_check_segments(ph, 2, 0, top, 8192) == 0);
	struct elf64_phdr p2[2];
	memcpy(p2, ph, sizeof(ph));
	p2[1].p_memsz = 0x10;			/* filesz > memsz */
	EXPECT(elf_check_segments(p2, 2, 0, top, 8192) == -EINVAL);
	memcpy(p2, ph, sizeof(ph));
	p2[1].p_vaddr = 0xffffffff80000000ull;	/* kernel half */
	EXPECT(elf_check_segments(p2, 2, 0, top, 8192) == -EINVAL);
	memcpy(p2, ph, sizeof(ph));
	p2[1].p_memsz = ~0ull - 0x1000;		/* huge memsz wraps */
	EXPECT(elf_check_segments(p2, 2, 0, top, 8192) == -EINVAL);
	memcpy(p2, ph, sizeof(ph));
	p2[1].p_offset = 0x1234;		/* misaligned against vaddr */
	EXPECT(elf_check_segments(p2, 2, 0, top, 8192) == -EINVAL);
	memcpy(p2, ph, sizeof(ph));
	p2[1].p_filesz = 0x100000;		/* beyond the file: mapped, as Linux */
	p2[1].p_memsz = 0x100000;
	EXPECT(elf_check_segments(p2, 2, 0, top, 8192) == 0);
	memcpy(p2, ph, sizeof(ph));
	p2[0].p_type = p2[1].p_type = PT_PHDR;	/* nothing to load */
	EXPECT(elf_check_segments(p2, 2, 0, top, 8192) == -ENOEXEC);
	memcpy(p2, ph, sizeof(ph));
	p2[0].p_vaddr = p2[0].p_offset = 0;	/* page zero */
	EXPECT(elf_check_segments(p2, 1, 0, top, 8192) == -EINVAL);
	/* random headers never pass with garbage sizes, never crash */
	srand(5);
	for (int i = 0; i < 100000; i++) {
		struct elf64_phdr r;
		uint8_t *b = (uint8_t *)&r;
		for (size_t k = 0; k < sizeof(r); k++)
			b[k] = rand();
		r.p_type = PT_LOAD;
		if (elf_check_segments(&r, 1, 0, top, 1 << 20) == 0)
			EXPECT(r.p_vaddr + r.p_memsz <= top && r.p_filesz <= r.p_memsz);
	}
	printf("%s elf (%d failures)\n", failures ? "FAIL" : "PASS", failures);
	return failures != 0;
}
