/* json_person.h — JSON <-> struct person for the persons API, with strict
 * field validation and stable error codes:
 *   400 UNKNOWN_FIELD   a key the API does not know
 *   400 READ_ONLY_FIELD a key that cannot be written here (updated_at, ...)
 *   400 FIELD_TYPE      wrong JSON type (the message names the field)
 *   400 FIELD_TOO_LONG  a string over its column's size
 *   400 IDNUM_INVALID, DOB_INVALID, GENDER_INVALID, ... per field
 * Strings handed back (reason) are borrowed from the json_t. */
#ifndef SH_API_JSON_PERSON_H
#define SH_API_JSON_PERSON_H

#include <jansson.h>

#include "lib/buf.h"
#include "lib/err.h"
#include "registry/address.h"
#include "registry/person.h"

/* POST body -> *out (zeroed first; defaults: gender unknown, status alive,
 * citizen, single, guardian father, full dob). *reason may be NULL. */
int json_person_decode_create(json_t *body, struct person *out, const char **reason,
			      struct sh_err *err) __attribute__((warn_unused_result));

/* PATCH body applied on top of *changes (the caller fills it with the
 * current record first, so that a partial group such as one guardian name
 * keeps the rest). Sets the PERSON_F_* bits named in the body, the
 * required "version" and "reason". */
int json_person_decode_patch(json_t *body, struct person *changes, unsigned *fields,
			     int *version, const char **reason, struct sh_err *err)
	__attribute__((warn_unused_result));

/* The API view of a person; addr (may be NULL) adds "address". Returns a
 * new reference or NULL when out of memory. */
json_t *json_person_encode(const struct person *p, const struct address_council *addr);

/* The same view written straight into b: byte for byte the compact dump
 * of json_person_encode(p, addr), without building the tree (the GET
 * path). SH_OK, SH_EINVAL (a stored string is not UTF-8, which
 * json_person_encode reports as NULL), SH_ENOMEM or SH_ETOOBIG. */
int json_person_write(struct sh_buf *b, const struct person *p,
		      const struct address_council *addr) __attribute__((warn_unused_result));

/* {"code":..,"name_en":..,"name_ur":..} of one place. */
json_t *json_place_encode(const struct address_place *pl);

#endif
