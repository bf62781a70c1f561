/* fuzz_http_json.c — libFuzzer driver for the request-body JSON parser
 * (depth pre-scan + jansson with duplicate keys refused). Invariants: no
 * crash, an error always has a code, success is always an object whose
 * nesting is within the cap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_internal.h"

static int depth_of(const json_t *j)
{
	int max = 0;
	if (json_is_object(j)) {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)j, k, v) {
			int d = depth_of(v);
			if (d > max)
				max = d;
		}
		return max + 1;
	}
	if (json_is_array(j)) {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v) {
			int d = depth_of(v);
			if (d > max)
				max = d;
		}
		return max + 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The server hands bodies over NUL-terminated; so do we. */
	char *body = malloc(size + 1);
	if (!body)
		return 0;
	memcpy(body, data, size);
	body[size] = '\0';
	json_t *j = NULL;
	struct sh_err err;
	sh_err_clear(&err);
	int rc = http_json_parse(body, size, 8, &j, &err);
	if (rc) {
		if (j || err.code[0] == '\0')
			abort();
	} else if (!json_is_object(j) || depth_of(j) > 8) {
		abort();
	}
	json_decref(j);
	free(body);
	return 0;
}
