/* citizen_auth.c — citizen sessions from passcodes to their own mobile. */
#include "consent/citizen_auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "lib/parse.h"

static void token_hash_hex(const struct keyring *kr, const char *token, char out[65])
{
	unsigned char h[32];
	keyring_hash(kr, KEY_TOKEN_PEPPER, token, strlen(token), h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

int citizen_session_create(store_tx *tx, const struct keyring *kr,
			   const struct consent_config *cfg, const struct audit_actor *actor,
			   const char *login_id, const char *passcode, int64_t now, int *ok,
			   struct citizen_session *out, struct sh_err *err)
{
	struct consent_redeemed red;
	*ok = 0;
	memset(out, 0, sizeof *out);
	int rc = consent_redeem(tx, kr, cfg, 0, login_id, passcode, now, &red, err);
	if (rc != SH_OK || !red.ok)
		return rc;
	unsigned char raw[32];
	char hh[65];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out->token, sizeof out->token, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	token_hash_hex(kr, out->token, hh);
	snprintf(out->id_number, sizeof out->id_number, "%s", red.id_number);
	out->expires_at = now + cfg->citizen_session_seconds;
	rc = store_run(tx, err,
		       "INSERT INTO citizen_sessions(token_hash, id_number, created_at, expires_at)"
		       " VALUES (?, ?, ?, ?)",
		       "ttii", hh, out->id_number, now, out->expires_at);
	if (rc < 0)
		return rc;
	char object[32];
	snprintf(object, sizeof object, "person:%s", out->id_number);
	struct audit_actor a = *actor;
	a.kind = "citizen";
	a.name = out->id_number;
	rc = audit_append(tx, &a, "citizen.login", object, NULL, err);
	if (rc != SH_OK)
		return rc;
	*ok = 1;
	return SH_OK;
}

int citizen_session_check(store *db, const struct keyring *kr, const char *token,
			  struct principal *out, struct sh_err *err)
{
	if (!token || strlen(token) != CITIZEN_TOKEN_HEX - 1)
		return sh_err_set(err, SH_EUNAUTH, "CITIZEN_SESSION", "invalid or expired session");
	char hh[65];
	token_hash_hex(kr, token, hh);
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	int rc = store_begin(db, STORE_READ, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = store_query(tx, &st, err,
			 "SELECT id_number FROM citizen_sessions WHERE token_hash = ?"
			 " AND revoked = 0 AND expires_at > ?",
			 "ti", hh, sh_now());
	if (rc == SH_OK) {
		rc = store_step(st, err);
		if (rc == STORE_ROW) {
			memset(out, 0, sizeof *out);
			out->kind = PRINCIPAL_CITIZEN;
			snprintf(out->name, sizeof out->name, "%s", store_col_text(st, 0));
			snprintf(out->role, sizeof out->role, "citizen");
			rc = SH_OK;
		} else if (rc == STORE_DONE) {
			rc = sh_err_set(err, SH_EUNAUTH, "CITIZEN_SESSION",
					"invalid or expired session");
		}
	}
	store_finalize(st);
	store_rollback(tx);
	return rc;
}

int citizen_session_revoke(store_tx *tx, const struct keyring *kr, const char *token,
			   struct sh_err *err)
{
	char hh[65];
	if (!token)
		return SH_OK;
	token_hash_hex(kr, token, hh);
	int rc = store_run(tx, err, "UPDATE citizen_sessions SET revoked = 1 WHERE token_hash = ?",
			   "t", hh);
	return rc < 0 ? rc : SH_OK;
}
