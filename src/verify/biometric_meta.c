/* biometric_meta.c — what of a request's `biometric` object the ledger may
 * keep: named, bounded metadata fields, never samples or templates. */
#include "verify/verify.h"

#include <stdlib.h>
#include <string.h>

static int refuse(struct sh_err *err, const char *field, const char *why)
{
	return sh_err_set(err, SH_EINVAL, "BIOMETRIC_FIELD",
			  "biometric.%.40s %s (only modality, positions, device_id, quality and "
			  "sample_sha256 are kept: no samples or templates)",
			  field, why);
}

static int charset_ok(const char *s, size_t lo, size_t hi, const char *allowed)
{
	size_t n = strlen(s);
	return n >= lo && n <= hi && strspn(s, allowed) == n;
}

static int check_one(const char *key, json_t *v, json_t *out, struct sh_err *err)
{
	if (!strcmp(key, "modality")) {
		const char *s = json_string_value(v);
		if (!s || (strcmp(s, "fingerprint") && strcmp(s, "face") && strcmp(s, "iris")))
			return refuse(err, key, "must be fingerprint, face or iris");
		return json_object_set_new(out, key, json_string(s)) ? SH_ENOMEM : SH_OK;
	}
	if (!strcmp(key, "positions")) {
		size_t i;
		json_t *p, *arr = json_array();
		if (!json_is_array(v) || json_array_size(v) > 10) {
			json_decref(arr);
			return refuse(err, key, "must be an array of at most 10 positions");
		}
		json_array_foreach(v, i, p) {
			json_int_t n = json_integer_value(p);
			if (!json_is_integer(p) || n < 0 || n > 10) {
				json_decref(arr);
				return refuse(err, key, "must hold integers 0..10");
			}
			json_array_append_new(arr, json_integer(n));
		}
		return json_object_set_new(out, key, arr) ? SH_ENOMEM : SH_OK;
	}
	if (!strcmp(key, "device_id")) {
		const char *s = json_string_value(v);
		if (!s || !charset_ok(s, 1, 64,
				      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "0123456789._:-"))
			return refuse(err, key, "must be 1..64 of [A-Za-z0-9._:-]");
		return json_object_set_new(out, key, json_string(s)) ? SH_ENOMEM : SH_OK;
	}
	if (!strcmp(key, "quality")) {
		json_int_t n = json_integer_value(v);
		if (!json_is_integer(v) || n < 0 || n > 100)
			return refuse(err, key, "must be an integer 0..100");
		return json_object_set_new(out, key, json_integer(n)) ? SH_ENOMEM : SH_OK;
	}
	if (!strcmp(key, "sample_sha256")) {
		const char *s = json_string_value(v);
		if (!s || !charset_ok(s, 64, 64, "0123456789abcdef"))
			return refuse(err, key, "must be 64 lowercase hex digits");
		return json_object_set_new(out, key, json_string(s)) ? SH_ENOMEM : SH_OK;
	}
	return refuse(err, key, "is not a metadata field the ledger keeps");
}

int verify_biometric_meta(const json_t *in, char out[VERIFY_BIO_META_MAX], struct sh_err *err)
{
	out[0] = '\0';
	if (!in)
		return SH_OK;
	if (!json_is_object(in))
		return sh_err_set(err, SH_EINVAL, "BIOMETRIC_FIELD",
				  "biometric must be an object of metadata fields");
	json_t *copy = json_object();
	if (!copy)
		return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
	const char *key;
	json_t *v;
	int rc = SH_OK;
	json_object_foreach((json_t *)in, key, v) {
		rc = check_one(key, v, copy, err);
		if (rc == SH_ENOMEM)
			rc = sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
		if (rc != SH_OK)
			break;
	}
	if (rc == SH_OK) {
		/* Sorted keys: the same metadata is the same bytes. Bounded by
		 * the checks above (well under VERIFY_BIO_META_MAX). */
		char *s = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
		if (!s)
			rc = sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
		else if (strlen(s) >= VERIFY_BIO_META_MAX)
			rc = sh_err_set(err, SH_EINVAL, "BIOMETRIC_FIELD", "biometric metadata too long");
		else
			memcpy(out, s, strlen(s) + 1);
		free(s);
	}
	json_decref(copy);
	return rc;
}
