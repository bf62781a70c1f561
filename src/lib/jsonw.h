/* jsonw.h — write JSON text straight into a capped sh_buf.
 *
 * For hot paths that would otherwise build a json_t tree only to dump it:
 * the output is byte for byte what jansson's json_dumpb(..., JSON_COMPACT)
 * writes for the same values in the same order (no spaces; '"', '\\' and
 * control characters escaped as jansson does, \u00XX in upper case; other
 * characters, '/' and non-ASCII included, as they are). Strings must be
 * valid UTF-8, as json_string() requires.
 *
 * Errors are sticky: calls after the first failure do nothing, and
 * jsonw_status() reports it (SH_EINVAL for invalid UTF-8, SH_ETOOBIG past
 * the buffer's cap, SH_ENOMEM, SH_EINTERNAL for unbalanced nesting). */
#ifndef SH_LIB_JSONW_H
#define SH_LIB_JSONW_H

#include <stdint.h>

#include "lib/buf.h"

#define JSONW_MAX_DEPTH 16

struct jsonw {
	struct sh_buf *b;
	int rc;
	int depth;
	int after_key;
	unsigned count[JSONW_MAX_DEPTH + 1]; /* values written at each level */
};

void jsonw_init(struct jsonw *w, struct sh_buf *b);
void jsonw_object_open(struct jsonw *w);
void jsonw_object_close(struct jsonw *w);
void jsonw_array_open(struct jsonw *w);
void jsonw_array_close(struct jsonw *w);
/* A member name inside an object; the next call writes its value. */
void jsonw_key(struct jsonw *w, const char *key);
void jsonw_string(struct jsonw *w, const char *s); /* NULL writes null */
/* "" and NULL write null: the API's convention for absent text fields. */
void jsonw_string_or_null(struct jsonw *w, const char *s);
void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_bool(struct jsonw *w, int v);
void jsonw_null(struct jsonw *w);
/* SH_OK when everything so far was written and nesting is closed. */
int jsonw_status(const struct jsonw *w);

#endif
