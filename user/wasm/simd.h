/* SIMD execution (simd.c), called by the interpreter for OP_SIMD. */
#ifndef AW_SIMD_H
#define AW_SIMD_H

#include <stdint.h>

const uint32_t *aw_simd_exec(const uint32_t *pc, uint64_t *fp, uint8_t *mem, uint64_t memsize);

#endif
