# ASan + UBSan build of libaegiswasm with the fuzz driver (plain gcc, not
# musl: the sanitizers need glibc).  make -f fuzz.mk O=<dir> SRC=<user/wasm>
O ?= /tmp/aw-fuzz
SRC ?= ../../user/wasm
CC = gcc
CFLAGS = -O1 -g -std=gnu11 -fsanitize=address,undefined -fno-omit-frame-pointer \
	 -fno-sanitize-recover=undefined -ffp-contract=off -I$(SRC)/include -I$(SRC)
LIB_SRCS = leb.c decode.c validate.c validate_ops.c validate_simd.c compile.c interp.c instance.c linker.c api.c simd.c jit.c jit_x86.c

$(O)/fuzz: fuzz.c $(addprefix $(SRC)/,$(LIB_SRCS)) $(wildcard $(SRC)/*.h)
	mkdir -p $(O)
	$(CC) $(CFLAGS) -o $@ fuzz.c $(addprefix $(SRC)/,$(LIB_SRCS)) -lm
