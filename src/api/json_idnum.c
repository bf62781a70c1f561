/* json_idnum.c — identity numbers in answers (see json_idnum.h). */
#include "api/json_idnum.h"

#include <stdio.h>
#include <string.h>

#include "registry/idnum.h"

const char *json_idnum_text(const char *s, char *out, size_t n)
{
	char id[IDNUM_DIGITS + 1];
	if (!s || !*s || n < IDNUM_PRINTED + 1 || idnum_lookup_normalize(s, id, NULL) != 0)
		return s ? s : "";
	idnum_format(id, out, n);
	return out;
}

json_t *json_idnum(const char *s)
{
	if (!s || !*s)
		return json_null();
	char printed[IDNUM_PRINTED + 1];
	return json_string(json_idnum_text(s, printed, sizeof printed));
}

static int id_key(const char *k)
{
	size_t n = strlen(k);
	return !strcmp(k, "id_number") || (n > 3 && !strcmp(k + n - 3, "_id"));
}

void json_idnums_dash(json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;
	if (json_is_object(v)) {
		json_object_foreach(v, k, x) {
			if (json_is_string(x) && id_key(k)) {
				char printed[IDNUM_PRINTED + 1];
				const char *s = json_string_value(x);
				const char *t = json_idnum_text(s, printed, sizeof printed);
				if (t != s)
					json_string_set(x, t);
			} else {
				json_idnums_dash(x);
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			json_idnums_dash(x);
	}
}
