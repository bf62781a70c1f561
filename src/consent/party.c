/* party.c — relying parties: registration, policy, suspension, key rotation. */
#include "consent/party.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "consent/party_auth.h"
#include "consent/policy.h"
#include "lib/parse.h"

/* Issue a key: random id and secret; the sealed secret is bound to its key
 * id (additional data) so a sealed blob cannot be moved to another key. */
static int key_issue(store_tx *tx, const struct keyring *kr, int64_t party_id, int64_t now,
		     struct party_key_issued *key, struct sh_err *err)
{
	unsigned char idbytes[12], secret[PARTY_SECRET_BYTES];
	unsigned char sealed[PARTY_SECRET_HEX - 1 + KEYRING_SEAL_OVERHEAD];
	char idhex[2 * sizeof idbytes + 1];
	randombytes_buf(idbytes, sizeof idbytes);
	randombytes_buf(secret, sizeof secret);
	sodium_bin2hex(idhex, sizeof idhex, idbytes, sizeof idbytes);
	snprintf(key->key_id, sizeof key->key_id, "pk_%s", idhex);
	sodium_bin2hex(key->secret, sizeof key->secret, secret, sizeof secret);
	sodium_memzero(secret, sizeof secret);
	int rc = keyring_seal(kr, KEY_SECRET_SEAL, key->secret, PARTY_SECRET_HEX - 1, key->key_id,
			      strlen(key->key_id), sealed);
	if (rc != SH_OK)
		return sh_err_set(err, SH_EINTERNAL, "SEAL_FAILED", "cannot seal the party secret");
	rc = store_run(tx, err,
		       "INSERT INTO party_keys(party_id, key_id, secret_sealed, created_at)"
		       " VALUES (?, ?, ?, ?)",
		       "itbi", party_id, key->key_id, sealed, sizeof sealed, now);
	return rc < 0 ? rc : SH_OK;
}

static int party_validate(const struct party *p, struct sh_err *err)
{
	size_t n = strlen(p->name);
	if (n < 2 || n >= PARTY_NAME_MAX)
		return sh_err_set(err, SH_EINVAL, "PARTY_NAME", "name must be 2..127 bytes");
	if (!policy_sector_valid(p->sector))
		return sh_err_set(err, SH_EINVAL, "PARTY_SECTOR",
				  "sector must be bank, telco, government or other");
	if (!p->types || (p->types & ~VT_ALL))
		return sh_err_set(err, SH_EINVAL, "PARTY_TYPES",
				  "at least one known verification type is needed");
	if (p->kyc_attrs & ~KA_ALL)
		return sh_err_set(err, SH_EINVAL, "PARTY_ATTRIBUTES", "unknown KYC attribute");
	if ((p->types & VT_KYC) && !p->kyc_attrs)
		return sh_err_set(err, SH_EINVAL, "PARTY_ATTRIBUTES",
				  "a party allowed kyc needs a KYC attribute list");
	return SH_OK;
}

int party_create(store_tx *tx, const struct keyring *kr, const struct audit_actor *actor,
		 struct party *p, struct party_key_issued *key, struct sh_err *err)
{
	int rc = party_validate(p, err);
	if (rc != SH_OK)
		return rc;
	char types[128], attrs[256], detail[640], object[48];
	vtypes_format(p->types, types, sizeof types);
	policy_attrs_format(p->kyc_attrs, attrs, sizeof attrs);
	int64_t now = sh_now();
	store_stmt *st = NULL;
	rc = store_query(tx, &st, err,
			 "INSERT INTO parties(name, sector, types, kyc_attrs, created_at, updated_at)"
			 " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			 "ttttii", p->name, p->sector, types, attrs, now, now);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		p->id = store_col_int(st, 0);
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_EDB, "PARTY_CREATE", "no id returned");
	}
	store_finalize(st);
	if (rc == SH_ECONFLICT)
		return sh_err_set(err, SH_ECONFLICT, "PARTY_EXISTS", "a party named '%s' exists",
				  p->name);
	if (rc != SH_OK)
		return rc;
	p->created_at = now;
	p->suspended = 0;
	memset(key, 0, sizeof *key);
	rc = key_issue(tx, kr, p->id, now, key, err);
	if (rc != SH_OK)
		return rc;
	snprintf(object, sizeof object, "party:%lld", (long long)p->id);
	snprintf(detail, sizeof detail,
		 "{\"sector\":\"%s\",\"types\":\"%s\",\"kyc_attrs\":\"%s\",\"key_id\":\"%s\"}",
		 p->sector, types, attrs, key->key_id);
	return audit_append(tx, actor, "party.create", object, detail, err);
}

static int party_from_row(store_stmt *st, struct party *p)
{
	memset(p, 0, sizeof *p);
	p->id = store_col_int(st, 0);
	snprintf(p->name, sizeof p->name, "%s", store_col_text(st, 1));
	snprintf(p->sector, sizeof p->sector, "%s", store_col_text(st, 2));
	if (vtypes_parse_list(store_col_text(st, 3), &p->types) != SH_OK ||
	    policy_attrs_parse_list(store_col_text(st, 4), &p->kyc_attrs) != SH_OK)
		return SH_EINTERNAL;
	p->suspended = store_col_int(st, 5) != 0;
	p->created_at = store_col_int(st, 6);
	return SH_OK;
}

#define PARTY_COLS "id, name, sector, types, kyc_attrs, suspended, created_at"

int party_get(store_tx *tx, int64_t id, struct party *out, struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err, "SELECT " PARTY_COLS " FROM parties WHERE id = ?", "i",
			     id);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		rc = party_from_row(st, out) == SH_OK
			     ? SH_OK
			     : sh_err_set(err, SH_EINTERNAL, "PARTY_POLICY", "stored policy unreadable");
	else if (rc == STORE_DONE)
		rc = sh_err_set(err, SH_ENOTFOUND, "PARTY_NOT_FOUND", "no party %lld", (long long)id);
	store_finalize(st);
	return rc;
}

int party_list(store_tx *tx, int (*fn)(void *ctx, const struct party *p), void *ctx,
	       struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err, "SELECT " PARTY_COLS " FROM parties ORDER BY id", "");
	if (rc != SH_OK)
		return rc;
	struct party p;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		if (party_from_row(st, &p) != SH_OK) {
			rc = sh_err_set(err, SH_EINTERNAL, "PARTY_POLICY", "stored policy unreadable");
			break;
		}
		if (fn(ctx, &p))
			break;
	}
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

static int party_exists(store_tx *tx, int64_t id, struct sh_err *err)
{
	struct party p;
	return party_get(tx, id, &p, err);
}

int party_set_suspended(store_tx *tx, const struct audit_actor *actor, int64_t id,
			int suspended, const char *reason, struct sh_err *err)
{
	if (!reason || !*reason)
		return sh_err_set(err, SH_EINVAL, "REASON_REQUIRED", "a reason is required");
	int rc = party_exists(tx, id, err);
	if (rc != SH_OK)
		return rc;
	rc = store_run(tx, err, "UPDATE parties SET suspended = ?, updated_at = ? WHERE id = ?",
		       "iii", (int64_t)(suspended ? 1 : 0), sh_now(), id);
	if (rc < 0)
		return rc;
	party_keys_changed();
	char object[48];
	snprintf(object, sizeof object, "party:%lld", (long long)id);
	char *detail = NULL;
	{
		/* the reason is free text: quote it through jansson */
		json_t *o = json_pack("{s:s}", "reason", reason);
		detail = o ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
	}
	rc = audit_append(tx, actor, suspended ? "party.suspend" : "party.reinstate", object,
			  detail, err);
	free(detail);
	return rc;
}

int party_rotate_key(store_tx *tx, const struct keyring *kr, const struct audit_actor *actor,
		     int64_t id, int overlap_seconds, int64_t now, struct party_key_issued *key,
		     struct sh_err *err)
{
	if (overlap_seconds < 0 || overlap_seconds > 90 * 86400)
		return sh_err_set(err, SH_EINVAL, "KEY_OVERLAP", "overlap must be 0..90 days");
	int rc = party_exists(tx, id, err);
	if (rc != SH_OK)
		return rc;
	memset(key, 0, sizeof *key);
	key->previous_expires_at = now + overlap_seconds;
	/* Live keys (no expiry, or expiring later than the new overlap) end
	 * after the overlap; keys already expiring sooner keep their date. */
	rc = store_run(tx, err,
		       "UPDATE party_keys SET expires_at = ? WHERE party_id = ?"
		       " AND (expires_at = 0 OR expires_at > ?)",
		       "iii", key->previous_expires_at, id, key->previous_expires_at);
	if (rc < 0)
		return rc;
	party_keys_changed();
	rc = key_issue(tx, kr, id, now, key, err);
	if (rc != SH_OK)
		return rc;
	char object[48], detail[160];
	snprintf(object, sizeof object, "party:%lld", (long long)id);
	snprintf(detail, sizeof detail, "{\"key_id\":\"%s\",\"previous_expire_at\":%lld}",
		 key->key_id, (long long)key->previous_expires_at);
	return audit_append(tx, actor, "party.key_rotate", object, detail, err);
}

int party_set_policy(store_tx *tx, const struct audit_actor *actor, int64_t id, unsigned types,
		     unsigned kyc_attrs, struct sh_err *err)
{
	struct party p;
	int rc = party_get(tx, id, &p, err);
	if (rc != SH_OK)
		return rc;
	p.types = types;
	p.kyc_attrs = kyc_attrs;
	rc = party_validate(&p, err);
	if (rc != SH_OK)
		return rc;
	char t[128], a[256], object[48], detail[512];
	vtypes_format(types, t, sizeof t);
	policy_attrs_format(kyc_attrs, a, sizeof a);
	rc = store_run(tx, err,
		       "UPDATE parties SET types = ?, kyc_attrs = ?, updated_at = ? WHERE id = ?",
		       "ttii", t, a, sh_now(), id);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof object, "party:%lld", (long long)id);
	snprintf(detail, sizeof detail, "{\"types\":\"%s\",\"kyc_attrs\":\"%s\"}", t, a);
	return audit_append(tx, actor, "party.policy", object, detail, err);
}
