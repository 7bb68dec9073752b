/* kernel.h - global kernel state set at boot. */
#ifndef AEGIS_KERNEL_H
#define AEGIS_KERNEL_H

#include <aegis/types.h>

enum boot_mode { BOOT_NORMAL, BOOT_SAFE, BOOT_RECOVERY };
extern enum boot_mode boot_mode;

extern const char aegis_version[];
extern const char aegis_commit[];

void kernel_main_continue(uint64_t entry_tsc);

#endif
