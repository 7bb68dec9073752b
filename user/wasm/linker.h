/* Private linker declarations, shared by linker.c and instance.c. */
#ifndef AW_LINKER_H
#define AW_LINKER_H

#include "internal.h"

struct aw_link_entry {
	char *module, *name;
	uint8_t kind;
	bool owned; /* defined by the linker, freed with it */
	union {
		struct aw_func *func;
		struct aw_table *table;
		struct aw_memory *mem;
		struct aw_global *global;
	};
};

struct aw_linker {
	struct aw_link_entry *entries;
	uint32_t n, cap;
};

const struct aw_link_entry *aw_linker_find(const struct aw_linker *l, const char *module,
					   const char *name);

#endif
