/* A small JSON reader for the spec-test command files (see json.c). */
#ifndef AW_JSON_H
#define AW_JSON_H

#include <stddef.h>

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct json {
	int type;
	char *str;          /* J_STR: the string; J_NUM: the literal */
	size_t len;         /* of str (strings may contain NUL) */
	char *key;          /* member name inside an object */
	struct json *kids;  /* J_ARR / J_OBJ members */
	size_t n;
};

struct json *json_parse(const char *text);
void json_free(struct json *j);
const struct json *json_get(const struct json *obj, const char *key);
const char *json_str(const struct json *obj, const char *key);

#endif
