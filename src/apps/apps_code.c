/* apps_code.c — account verification and reset codes: 6 digits from the
 * CSPRNG, stored only as a keyed hash (KEY_OTP_PEPPER) bound to the account
 * and purpose, single use, APPS_CODE_TTL seconds, APPS_CODE_TRIES tries. */
#include "apps/apps_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void code_hash(const struct keyring *kr, int64_t account_id, const char *purpose,
		      const char *code, char out[65])
{
	char buf[128];
	unsigned char h[32];
	int n = snprintf(buf, sizeof buf, "shanakht-apps-code-v1|%lld|%s|%s",
			 (long long)account_id, purpose, code);
	keyring_hash(kr, KEY_OTP_PEPPER, buf, n > 0 && (size_t)n < sizeof buf ? (size_t)n : 0, h);
	sodium_bin2hex(out, 65, h, sizeof h);
	sodium_memzero(buf, sizeof buf);
}

int apps_code_issue(store_tx *tx, const struct keyring *kr, int64_t account_id,
		    const char *purpose, int64_t now, char code[APPS_CODE_DIGITS + 1],
		    struct sh_err *err)
{
	for (int i = 0; i < APPS_CODE_DIGITS; i++)
		code[i] = (char)('0' + randombytes_uniform(10));
	code[APPS_CODE_DIGITS] = '\0';
	char hh[65];
	code_hash(kr, account_id, purpose, code, hh);
	int rc = store_run(tx, err,
			   "UPDATE apps_codes SET used = 1 WHERE account_id = ? AND purpose = ?"
			   " AND used = 0",
			   "it", account_id, purpose);
	if (rc >= 0)
		rc = store_run(tx, err,
			       "INSERT INTO apps_codes(account_id, purpose, code_hash, expires_at)"
			       " VALUES (?, ?, ?, ?)",
			       "itti", account_id, purpose, hh, now + APPS_CODE_TTL);
	return rc < 0 ? rc : SH_OK;
}

static int well_formed(const char *code)
{
	if (!code || strlen(code) != APPS_CODE_DIGITS)
		return 0;
	for (const char *p = code; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

int apps_code_redeem(store_tx *tx, const struct keyring *kr, int64_t account_id,
		     const char *purpose, const char *code, int64_t now, int *ok,
		     struct sh_err *err)
{
	store_stmt *st = NULL;
	*ok = 0;
	char hh[65];
	/* The hash is computed for unknown accounts too: the same work. */
	code_hash(kr, account_id, purpose, well_formed(code) ? code : "------", hh);
	int rc = store_query(tx, &st, err,
			     "SELECT id, code_hash, expires_at, tries FROM apps_codes"
			     " WHERE account_id = ? AND purpose = ? AND used = 0"
			     " ORDER BY id DESC LIMIT 1 FOR UPDATE",
			     "it", account_id, purpose);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc < 0) {
		store_finalize(st);
		return rc;
	}
	if (rc == STORE_DONE) {
		store_finalize(st);
		sh_err_set(err, SH_ERULE, "CODE_INVALID", "the code is wrong or was not issued");
		return SH_OK;
	}
	int64_t id = store_col_int(st, 0);
	char stored[65];
	snprintf(stored, sizeof stored, "%s", store_col_text(st, 1));
	int64_t expires_at = store_col_int(st, 2), tries = store_col_int(st, 3);
	store_finalize(st);
	if (expires_at <= now || tries >= APPS_CODE_TRIES) {
		sh_err_set(err, SH_EGONE, "CODE_EXPIRED",
			   "the code has expired or was tried too often: ask for a new one");
		return SH_OK;
	}
	if (!well_formed(code) || sodium_memcmp(stored, hh, 64) != 0) {
		rc = store_run(tx, err, "UPDATE apps_codes SET tries = tries + 1 WHERE id = ?", "i",
			       id);
		if (rc < 0)
			return rc;
		sh_err_set(err, SH_ERULE, "CODE_INVALID", "the code is wrong or was not issued");
		return SH_OK;
	}
	rc = store_run(tx, err, "UPDATE apps_codes SET used = 1 WHERE id = ?", "i", id);
	if (rc < 0)
		return rc;
	*ok = 1;
	return SH_OK;
}
