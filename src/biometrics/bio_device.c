/* bio_device.c — the registry of type-approved capture devices and the
 * check of their signed capture envelopes (bio.h). */
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "biometrics/bio.h"

static int copy_field(char *dst, size_t cap, const char *src)
{
	if (!src || !*src || strlen(src) >= cap)
		return -1;
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

static int modality_ok(const char *m)
{
	return !strcmp(m, "fingerprint") || !strcmp(m, "face") || !strcmp(m, "iris");
}

int bio_device_register(store_tx *tx, const struct audit_actor *actor,
			const struct bio_device *d, struct sh_err *err)
{
	if (!d->device_id[0] || !d->make[0] || !d->model[0] || !d->serial[0] ||
	    !modality_ok(d->modality) || strlen(d->approved_on) != 10 || !d->council_code[0])
		return sh_err_set(err, SH_EINVAL, "DEVICE_INVALID",
				  "a device needs device_id, make, model, serial, modality "
				  "(fingerprint|face|iris), approved_on (YYYY-MM-DD) and council_code");
	int rc = store_run(tx, err,
			   "INSERT INTO bio_devices(device_id, make, model, serial, modality,"
			   " status, approved_on, council_code, public_key, registered_at)"
			   " VALUES (?, ?, ?, ?, ?, 'approved', ?, ?, ?, ?)",
			   "tttttttbi", d->device_id, d->make, d->model, d->serial, d->modality,
			   d->approved_on, d->council_code, d->public_key,
			   (size_t)KEYRING_PK_BYTES, (int64_t)time(NULL));
	if (rc < 0) {
		if (rc == SH_ECONFLICT)
			return sh_err_set(err, SH_ECONFLICT, "DEVICE_EXISTS",
					  "device %s is already registered", d->device_id);
		return rc;
	}
	char obj[BIO_ID_MAX + 8], detail[256];
	snprintf(obj, sizeof obj, "device:%s", d->device_id);
	snprintf(detail, sizeof detail, "{\"modality\":\"%s\",\"council\":\"%s\"}", d->modality,
		 d->council_code);
	return audit_append(tx, actor, "bio.device.register", obj, detail, err);
}

int bio_device_get(store_tx *tx, const char *device_id, struct bio_device *out,
		   struct sh_err *err)
{
	store_stmt *st = NULL;
	char id[BIO_ID_MAX];
	snprintf(id, sizeof id, "%s", device_id); /* device_id may point into *out */
	device_id = id;
	memset(out, 0, sizeof *out);
	int rc = store_query(tx, &st, err,
			     "SELECT device_id, make, model, serial, modality, status, approved_on,"
			     " council_code, public_key, registered_at, revoked_at"
			     " FROM bio_devices WHERE device_id = ?",
			     "t", device_id);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_ENOTFOUND, "DEVICE_UNKNOWN", "no device %s", device_id);
		goto out;
	}
	if (rc < 0)
		goto out;
	char *const dst[] = {out->device_id, out->make, out->model, out->serial,
			     out->modality, out->status, out->approved_on, out->council_code};
	const size_t cap[] = {sizeof out->device_id, sizeof out->make, sizeof out->model,
			      sizeof out->serial, sizeof out->modality, sizeof out->status,
			      sizeof out->approved_on, sizeof out->council_code};
	for (int i = 0; i < 8; i++)
		snprintf(dst[i], cap[i], "%s", store_col_text(st, i) ? store_col_text(st, i) : "");
	size_t n = 0;
	const void *pk = store_col_blob(st, 8, &n);
	if (!pk || n != KEYRING_PK_BYTES) {
		rc = sh_err_set(err, SH_EINTERNAL, "DEVICE_KEY", "device %s has no valid key",
				device_id);
		goto out;
	}
	memcpy(out->public_key, pk, KEYRING_PK_BYTES);
	out->registered_at = store_col_int(st, 9);
	out->revoked_at = store_col_int(st, 10);
	rc = SH_OK;
out:
	store_finalize(st);
	return rc;
}

int bio_device_revoke(store_tx *tx, const struct audit_actor *actor, const char *device_id,
		      const char *reason, struct sh_err *err)
{
	if (!reason || !*reason)
		return sh_err_set(err, SH_EINVAL, "REASON_REQUIRED", "a revocation needs a reason");
	int rc = store_run(tx, err,
			   "UPDATE bio_devices SET status = 'revoked', revoked_at = ?,"
			   " revoke_reason = ? WHERE device_id = ? AND status <> 'revoked'",
			   "itt", (int64_t)time(NULL), reason, device_id);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		struct bio_device d;
		rc = bio_device_get(tx, device_id, &d, err);
		if (rc != SH_OK)
			return rc;
		return sh_err_set(err, SH_ECONFLICT, "DEVICE_REVOKED", "device %s is already revoked",
				  device_id);
	}
	char obj[BIO_ID_MAX + 8];
	snprintf(obj, sizeof obj, "device:%s", device_id);
	json_t *d = json_pack("{s:s}", "reason", reason);
	char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
	json_decref(d);
	rc = audit_append(tx, actor, "bio.device.revoke", obj, detail, err);
	free(detail);
	return rc;
}

static int bad(struct sh_err *err, const char *what)
{
	return sh_err_set(err, SH_EINVAL, "CAPTURE_INVALID", "capture envelope: %s", what);
}

int bio_capture_parse(const char *text, size_t len, struct bio_capture *c, struct sh_err *err)
{
	memset(c, 0, sizeof *c);
	if (len == 0 || len > BIO_ENVELOPE_MAX)
		return bad(err, "empty or over 8 KiB");
	json_error_t je;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	int rc = SH_OK;
	if (!j || !json_is_object(j)) {
		rc = bad(err, "not a JSON object");
		goto out;
	}
	json_t *items = json_object_get(j, "items");
	json_t *ts = json_object_get(j, "captured_at");
	json_t *lv = json_object_get(j, "liveness");
	if (json_integer_value(json_object_get(j, "v")) != 1) {
		rc = bad(err, "v must be 1");
		goto out;
	}
	if (copy_field(c->device_id, sizeof c->device_id,
		       json_string_value(json_object_get(j, "device_id"))) ||
	    copy_field(c->operator_name, sizeof c->operator_name,
		       json_string_value(json_object_get(j, "operator"))) ||
	    copy_field(c->id_number, sizeof c->id_number,
		       json_string_value(json_object_get(j, "id_number"))) ||
	    copy_field(c->modality, sizeof c->modality,
		       json_string_value(json_object_get(j, "modality"))) ||
	    copy_field(c->nonce, sizeof c->nonce, json_string_value(json_object_get(j, "nonce")))) {
		rc = bad(err, "device_id, operator, id_number, modality and nonce are required strings");
		goto out;
	}
	/* The printed form of an identity number (dashes) is accepted. */
	size_t nd = 0;
	for (size_t d = 0; c->id_number[d]; d++)
		if (c->id_number[d] != '-')
			c->id_number[nd++] = c->id_number[d];
	c->id_number[nd] = 0;
	if (strlen(c->nonce) < 16 || strspn(c->nonce, "0123456789abcdef") != strlen(c->nonce)) {
		rc = bad(err, "nonce must be 16-64 lower-case hex digits");
		goto out;
	}
	if (!json_is_integer(ts) || !json_is_number(lv)) {
		rc = bad(err, "captured_at (Unix seconds) and liveness (0..1) are required");
		goto out;
	}
	c->captured_at = json_integer_value(ts);
	c->liveness = json_number_value(lv);
	if (!isfinite(c->liveness) || c->liveness < 0 || c->liveness > 1) {
		rc = bad(err, "liveness must be in 0..1");
		goto out;
	}
	if (!json_is_array(items) || json_array_size(items) == 0) {
		rc = bad(err, "items must be a non-empty array");
		goto out;
	}
	if (json_array_size(items) > BIO_MAX_ITEMS) {
		rc = sh_err_set(err, SH_EINVAL, "CAPTURE_TOO_MANY", "at most %d items per capture",
				BIO_MAX_ITEMS);
		goto out;
	}
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		json_t *p = json_object_get(it, "position");
		const char *h = json_string_value(json_object_get(it, "sha256"));
		size_t hl = 0;
		if (!json_is_integer(p) || json_integer_value(p) < 1 || json_integer_value(p) > 10) {
			rc = sh_err_set(err, SH_EINVAL, "CAPTURE_POSITION",
					"item %zu: position must be an ISO/IEC finger position 1..10",
					i);
			goto out;
		}
		int pos = (int)json_integer_value(p);
		for (int k = 0; k < c->count; k++)
			if (c->position[k] == pos) {
				rc = sh_err_set(err, SH_EINVAL, "CAPTURE_POSITION",
						"position %d appears twice", pos);
				goto out;
			}
		if (!h || strlen(h) != 64 ||
		    sodium_hex2bin(c->sha256[c->count], 32, h, 64, NULL, &hl, NULL) != 0 ||
		    hl != 32) {
			rc = bad(err, "each item needs sha256 as 64 hex digits");
			goto out;
		}
		c->position[c->count++] = pos;
	}
out:
	json_decref(j);
	return rc;
}

int bio_capture_check(store_tx *tx, const char *text, size_t len,
		      const unsigned char sig[KEYRING_SIG_BYTES], const struct bio_capture *c,
		      const char *station, int64_t now, struct sh_err *err)
{
	struct bio_device d;
	int rc = bio_device_get(tx, c->device_id, &d, err);
	if (rc == SH_ENOTFOUND)
		return sh_err_set(err, SH_EFORBIDDEN, "DEVICE_UNKNOWN", "device %s is not registered",
				  c->device_id);
	if (rc != SH_OK)
		return rc;
	/* The signature first: nothing below is believed of an unsigned text. */
	if (keyring_verify(d.public_key, text, len, sig) != SH_OK)
		return sh_err_set(err, SH_EUNAUTH, "CAPTURE_SIGNATURE",
				  "the capture is not signed by device %s", c->device_id);
	if (!strcmp(d.status, "revoked"))
		return sh_err_set(err, SH_EFORBIDDEN, "DEVICE_REVOKED", "device %s is revoked",
				  c->device_id);
	if (strcmp(d.status, "approved") != 0)
		return sh_err_set(err, SH_EFORBIDDEN, "DEVICE_NOT_APPROVED",
				  "device %s is not type-approved", c->device_id);
	if (strcmp(d.modality, c->modality) != 0)
		return sh_err_set(err, SH_ERULE, "DEVICE_MODALITY",
				  "device %s captures %s, not %s", c->device_id, d.modality,
				  c->modality);
	if (station && *station && strcmp(station, d.council_code) != 0)
		return sh_err_set(err, SH_EFORBIDDEN, "DEVICE_STATION",
				  "device %s belongs to %s, not to this station", c->device_id,
				  d.council_code);
	if (c->captured_at < now - BIO_WINDOW_SECONDS || c->captured_at > now + BIO_WINDOW_SECONDS)
		return sh_err_set(err, SH_ERULE, "CAPTURE_STALE",
				  "capture time is more than %d s from the server's clock",
				  BIO_WINDOW_SECONDS);
	if (c->liveness < BIO_LIVENESS_MIN)
		return sh_err_set(err, SH_ERULE, "CAPTURE_LIVENESS",
				  "presentation-attack score %.2f is below %.2f", c->liveness,
				  BIO_LIVENESS_MIN);
	rc = store_run(tx, err, "DELETE FROM bio_nonces WHERE seen_at < ?", "i",
		       now - BIO_NONCE_KEEP_SECONDS);
	if (rc < 0)
		return rc;
	/* Looked up before the insert: a failed statement would spoil the
	 * transaction, and a relying party's refusal must still commit (the
	 * consent spent, the attempt in the ledger). The insert's conflict
	 * stays the guard against a concurrent twin. */
	store_stmt *q = NULL;
	if ((rc = store_query(tx, &q, err,
			      "SELECT 1 FROM bio_nonces WHERE device_id = ? AND nonce = ?", "tt",
			      c->device_id, c->nonce)) != SH_OK)
		return rc;
	rc = store_step(q, err);
	store_finalize(q);
	if (rc < 0)
		return rc;
	if (rc == STORE_ROW)
		return sh_err_set(err, SH_ECONFLICT, "CAPTURE_REPLAY", "this capture was already used");
	rc = store_run(tx, err, "INSERT INTO bio_nonces(device_id, nonce, seen_at) VALUES (?, ?, ?)",
		       "tti", c->device_id, c->nonce, now);
	if (rc == SH_ECONFLICT)
		return sh_err_set(err, SH_ECONFLICT, "CAPTURE_REPLAY",
				  "this capture was already used");
	return rc < 0 ? rc : SH_OK;
}
