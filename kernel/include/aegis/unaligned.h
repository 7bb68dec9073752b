/* unaligned.h - little-endian fields at any address in firmware tables, boot
 * structures and on-disk formats (every target of ours is little-endian). */
#ifndef AEGIS_UNALIGNED_H
#define AEGIS_UNALIGNED_H

#include <aegis/string.h>
#include <aegis/types.h>

static inline uint16_t get_le16(const void *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t get_le32(const void *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t get_le64(const void *p) { uint64_t v; memcpy(&v, p, 8); return v; }

#endif
