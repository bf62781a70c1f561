/* json_idnum.h — identity numbers in answers: one form everywhere, the
 * dashed one that person reads show ("35202-1234567-1"). Input accepts
 * both forms (idnum_lookup_normalize); every handler that puts an identity
 * number in an answer goes through these. */
#ifndef SH_API_JSON_IDNUM_H
#define SH_API_JSON_IDNUM_H

#include <jansson.h>
#include <stddef.h>

/* s in its answer form: dashed when s is an identity number (13 digits,
 * dashed or not), else s itself (a registration number, ""). out has room
 * for n bytes (IDNUM_PRINTED + 1 suffices for a number). */
const char *json_idnum_text(const char *s, char *out, size_t n);
/* The same as a new JSON string; JSON null for NULL or "". */
json_t *json_idnum(const char *s);
/* Rewrite in place, through nested objects and arrays, every string
 * member keyed "id_number" or "..._id" that holds an identity number (a
 * stored notice's mother_id, husband_id, witness1_id, ...). */
void json_idnums_dash(json_t *v);

#endif
