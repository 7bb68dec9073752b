# Aegis OS - the only entry points: all, run, test, iso, bench, bench-host, lint, clean.
# See docs/BUILDING.md for the conventions the parts of the tree follow.

BUILD ?= build
B := $(abspath $(BUILD))
ARCH := x86_64
ACCEL ?= tcg
export BUILD := $(B)
export QEMU_ACCEL := $(ACCEL)

KCC := gcc
KLD := ld
KCFLAGS := -std=gnu11 -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
	-mcmodel=kernel -mno-red-zone -mgeneral-regs-only -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls \
	-fno-asynchronous-unwind-tables -fno-strict-aliasing -fno-common \
	-O2 -g -Wall -Wextra -Wno-unused-parameter -Werror=implicit-function-declaration \
	-Werror=incompatible-pointer-types -Werror=return-type \
	-Ikernel/include -Ikernel/arch/$(ARCH)/include -MMD -MP
KASFLAGS := -D__ASSEMBLER__ -Ikernel/include -Ikernel/arch/$(ARCH)/include -MMD -MP
KLDFLAGS := -n -nostdlib -static -z max-page-size=0x1000 --no-warn-rwx-segments \
	-T kernel/arch/$(ARCH)/linker.ld

KSRCS := $(shell find kernel -path kernel/vdso/user -prune -o \( -name '*.c' -o -name '*.S' \) \
	-print | LC_ALL=C sort)
# Generated sources (not in the tree): the syscall table, and the framebuffer
# console font made from kbd's PSF (tools/mkfont.py).
KGEN := $(B)/kernel/gen/syscall_table.c $(B)/kernel/gen/font.c
KOBJS := $(patsubst %,$(B)/%.o,$(KSRCS)) $(KGEN:.c=.c.o) $(B)/kernel/gen/vdso_image.S.o
KERNEL := $(B)/kernel/aegis.elf

USER_DIRS := $(patsubst %/Makefile,%,$(wildcard user/*/Makefile))

.PHONY: all kernel user initramfs run test iso bench bench-host deps lint clean syscall-docs FORCE

all: kernel user initramfs

kernel: $(KERNEL)

deps:
	@tools/deps.sh

$(B)/kernel/%.c.o: kernel/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(KCC) $(KCFLAGS) -c $< -o $@

$(B)/kernel/%.S.o: kernel/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(KCC) $(KASFLAGS) -c $< -o $@

# Generated sources: the console font from kbd (tools/packages/kernel.txt).
$(B)/kernel/gen/font.c: tools/mkfont.py
	@mkdir -p $(dir $@)
	@tools/mkfont.py $@
# Generated sources: the syscall table from kernel/sys/syscalls.tbl.
$(B)/kernel/gen/syscall_table.c: kernel/sys/syscalls.tbl tools/gen-syscalls.py
	@mkdir -p $(dir $@)
	@tools/gen-syscalls.py table $< $@
$(B)/kernel/gen/%.c.o: $(B)/kernel/gen/%.c
	@echo "  CC      $(notdir $<)"
	@$(KCC) $(KCFLAGS) -c $< -o $@

# The vDSO: a small position-independent shared object (no relocations) built from
# kernel/vdso/user/ with user-mode flags, then embedded in the kernel with .incbin.
VDSO_SRCS := $(wildcard kernel/vdso/user/*.c kernel/vdso/user/*.S)
VDSO_OBJS := $(patsubst kernel/vdso/user/%,$(B)/kernel/vdso/user/%.o,$(VDSO_SRCS))
VDSO := $(B)/kernel/vdso/vdso.so
VCFLAGS := -std=gnu11 -O2 -fPIC -ffreestanding -fno-stack-protector -fno-builtin \
	-fno-asynchronous-unwind-tables -mno-red-zone -Wall -Wextra -DAEGIS_VDSO_USER \
	-Ikernel/include -MMD -MP
VLDFLAGS := -shared -nostdlib -soname=linux-vdso.so.1 --hash-style=both --build-id=none \
	-Bsymbolic -z max-page-size=4096 -z noexecstack -T kernel/vdso/user/vdso.lds
$(B)/kernel/vdso/user/%.c.o: kernel/vdso/user/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (vdso)"
	@$(KCC) $(VCFLAGS) -c $< -o $@
$(B)/kernel/vdso/user/%.S.o: kernel/vdso/user/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $< (vdso)"
	@$(KCC) $(VCFLAGS) -D__ASSEMBLER__ -c $< -o $@
$(VDSO): $(VDSO_OBJS) kernel/vdso/user/vdso.lds
	@echo "  LD      $@"
	@$(KLD) $(VLDFLAGS) $(VDSO_OBJS) -o $@.tmp
	@if readelf -r $@.tmp | grep -q R_X86_64; then \
		echo "vdso: the object has relocations"; readelf -r $@.tmp; exit 1; fi
	@mv $@.tmp $@
$(B)/kernel/gen/vdso_image.S: $(VDSO)
	@mkdir -p $(dir $@)
	@printf '%s\n' '.section .rodata' '.balign 4096' '.globl vdso_image, vdso_image_end' \
		'vdso_image:' '.incbin "$(VDSO)"' 'vdso_image_end:' \
		'.section .note.GNU-stack, "", @progbits' > $@
$(B)/kernel/gen/vdso_image.S.o: $(B)/kernel/gen/vdso_image.S $(VDSO)
	@echo "  AS      $(notdir $<)"
	@$(KCC) $(KASFLAGS) -c $< -o $@

# docs/SYSCALLS.md says which calls the built kernel implements.
syscall-docs: $(KERNEL)
	@tools/gen-syscalls.py docs kernel/sys/syscalls.tbl $(KERNEL) docs/SYSCALLS.md

# The commit in the banner; the file changes only when the commit does.
$(B)/kernel/commit.txt: FORCE
	@mkdir -p $(dir $@)
	@c=$$(git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown); \
	 [ "$$(cat $@ 2>/dev/null)" = "$$c" ] || echo "$$c" > $@
$(B)/kernel/core/version.c.o: kernel/core/version.c $(B)/kernel/commit.txt
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(KCC) $(KCFLAGS) -DAEGIS_COMMIT="\"$$(cat $(B)/kernel/commit.txt)\"" -c $< -o $@

# Two links: the second carries the symbol table (for backtraces) made from the first.
$(B)/kernel/ksyms0.o: tools/gen-ksyms.sh
	@mkdir -p $(dir $@)
	@tools/gen-ksyms.sh /dev/null > $(B)/kernel/ksyms0.S
	@$(KCC) -c $(B)/kernel/ksyms0.S -o $@
$(B)/kernel/aegis.pass1.elf: $(KOBJS) $(B)/kernel/ksyms0.o kernel/arch/$(ARCH)/linker.ld
	@echo "  LD      $@"
	@$(KLD) $(KLDFLAGS) -o $@ $(KOBJS) $(B)/kernel/ksyms0.o
$(B)/kernel/ksyms.o: $(B)/kernel/aegis.pass1.elf tools/gen-ksyms.sh
	@tools/gen-ksyms.sh $< > $(B)/kernel/ksyms.S
	@$(KCC) -c $(B)/kernel/ksyms.S -o $@
$(KERNEL): $(B)/kernel/ksyms.o
	@echo "  LD      $@"
	@$(KLD) $(KLDFLAGS) -o $@ $(KOBJS) $(B)/kernel/ksyms.o
	@tools/check-ksyms.sh $(B)/kernel/aegis.pass1.elf $@

user:
	@for d in $(USER_DIRS); do \
		$(MAKE) --no-print-directory -C $$d O=$(B) CC=musl-gcc || exit 1; \
	done

initramfs: kernel user
	@tools/mkinitramfs.sh $(B)/initramfs.cpio

iso: $(B)/aegis.iso
$(B)/aegis.iso: $(KERNEL) initramfs tools/mkiso.sh
	tools/mkiso.sh $@ "console=ttyS0"

run: deps all
	tools/qemu.sh --initrd $(B)/initramfs.cpio --append "ip=dhcp $(APPEND)" \
		-- -netdev user,id=n0 -device virtio-net-pci,netdev=n0

test: deps
	@$(MAKE) --no-print-directory all
	@tools/run-tests.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@tools/bench/run.sh

bench-host: deps
	@tools/bench/host.sh

lint:
	@tools/lint.sh

clean:
	rm -rf $(B)

FORCE:

# flags changes rebuild everything
$(KOBJS) $(VDSO_OBJS): Makefile

-include $(KOBJS:.o=.d) $(VDSO_OBJS:.o=.d)
