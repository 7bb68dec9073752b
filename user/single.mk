# single.mk - rules for a user program built from one C file (PROG.c -> $(O)/user/PROG),
# a static musl binary.  A program's Makefile sets PROG (and LDLIBS if it needs more)
# and includes this file.  See docs/BUILDING.md.
O ?= $(CURDIR)/../../build
CC ?= musl-gcc
OUT := $(O)/user
OBJ := $(O)/user/$(PROG).obj
CFLAGS ?= -O1
CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-clobbered -Werror -MMD -MP
LDFLAGS += -static

all: $(OUT)/$(PROG)

$(OUT)/$(PROG): $(OBJ)/$(PROG).o | $(OUT)
	$(CC) $(LDFLAGS) -o $@ $< $(LDLIBS)

$(OBJ)/%.o: %.c | $(OBJ)
	$(CC) $(CFLAGS) -c -o $@ $<

$(OUT) $(OBJ):
	mkdir -p $@

-include $(OBJ)/*.d
.PHONY: all
