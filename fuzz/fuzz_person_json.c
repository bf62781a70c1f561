/* fuzz_person_json.c — libFuzzer driver for the person JSON codec: any bytes
 * as a POST or PATCH body must decode to a value or a clean error, and
 * whatever decodes must encode. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/json_person.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (!body)
		return 0;
	struct person p;
	struct sh_err err;
	const char *reason = NULL;
	if (json_person_decode_create(body, &p, &reason, &err) == SH_OK) {
		json_t *o = json_person_encode(&p, NULL);
		char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
		free(s);
		json_decref(o);
	} else if (err.code[0] == '\0') {
		abort(); /* every failure names a stable code */
	}
	struct person cur;
	memset(&cur, 0, sizeof cur);
	snprintf(cur.id_number, sizeof cur.id_number, "3520212345678");
	cur.version = 3;
	unsigned fields = 0;
	int version = 0;
	if (json_person_decode_patch(body, &cur, &fields, &version, &reason, &err) == SH_OK) {
		if (fields == 0 || version < 1 || !reason || !*reason)
			abort();
		json_t *o = json_person_encode(&cur, NULL);
		json_decref(o);
	}
	json_decref(body);
	return 0;
}
