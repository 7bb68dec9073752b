/* Private declarations of the aegis-wasm command (cli.c, spectest.c). */
#ifndef AW_CLI_H
#define AW_CLI_H

#include <stddef.h>
#include <stdint.h>

uint8_t *cli_read_file(const char *path, size_t *len);
int cli_wast(const char *json_path);

#endif
