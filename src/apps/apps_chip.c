/* apps_chip.c — the card's 4-digit chip security code, chosen by the
 * applicant (issue 17 item 3). Weak codes are refused (the list is in
 * docs/applications.md); the code is kept only as Argon2id over a keyed
 * hash of (tracking ID, code), so a copy of the database alone does not
 * give the 10,000 candidates to try. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "apps/apps_internal.h"

/* Codes people choose most often that no rule below catches. */
static const char *const common[] = {"1004", "2000", "6969", "1122", "1313", "2580",
				     "0852", "1010", "2020", "7777", "1998", "1999"};

int apps_chip_code_weak(const char *c, const char **why)
{
	const char *w = NULL;
	if (!c || strlen(c) != 4) {
		w = "the code must be exactly 4 digits";
		goto out;
	}
	for (int i = 0; i < 4; i++)
		if (c[i] < '0' || c[i] > '9') {
			w = "the code must be exactly 4 digits";
			goto out;
		}
	if (c[0] == c[1] && c[1] == c[2] && c[2] == c[3]) {
		w = "four equal digits (like 0000)";
		goto out;
	}
	int up = 1, down = 1;
	for (int i = 1; i < 4; i++) {
		up &= c[i] == c[i - 1] + 1;
		down &= c[i] == c[i - 1] - 1;
	}
	if (up || down) {
		w = "a run of consecutive digits (like 1234 or 4321)";
		goto out;
	}
	if (c[0] == c[2] && c[1] == c[3]) {
		w = "a repeated pair (like 1212)";
		goto out;
	}
	if (c[0] == c[3] && c[1] == c[2]) {
		w = "a palindrome (like 1221)";
		goto out;
	}
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		if (!strcmp(c, common[i])) {
			w = "one of the most common codes";
			goto out;
		}
out:
	if (why)
		*why = w;
	return w != NULL;
}

static void chip_key(const struct keyring *kr, const char *tracking_id, const char *code,
		     char out[65])
{
	char buf[64];
	unsigned char h[32];
	int n = snprintf(buf, sizeof buf, "shanakht-chip-v1|%s|%s", tracking_id, code);
	keyring_hash(kr, KEY_OTP_PEPPER, buf, n > 0 && (size_t)n < sizeof buf ? (size_t)n : 0, h);
	sodium_bin2hex(out, 65, h, sizeof h);
	sodium_memzero(buf, sizeof buf);
	sodium_memzero(h, sizeof h);
}

int apps_chip_code_set(store_tx *tx, const struct keyring *kr, const struct auth_pwcost *cost,
		       const struct audit_actor *actor, int64_t account_id,
		       const char *tracking_id, const char *code, struct sh_err *err)
{
	struct apps_application a;
	const char *why = NULL;
	int rc = apps_application_get(tx, account_id, tracking_id, &a, err);
	if (rc != SH_OK)
		return rc;
	if (strcmp(a.state, "draft") != 0)
		return sh_err_set(err, SH_ECONFLICT, "APP_NOT_EDITABLE",
				  "the application is %s: it can no longer be changed", a.state);
	if (apps_chip_code_weak(code, &why))
		return sh_err_set(err, SH_ERULE, "CHIP_CODE_WEAK", "chip code refused: %s", why);
	char k[65], hash[AUTH_HASH_MAX];
	chip_key(kr, tracking_id, code, k);
	rc = auth_password_hash(cost, k, hash, err);
	sodium_memzero(k, sizeof k);
	if (rc != SH_OK)
		return rc;
	rc = store_run(tx, err,
		       "UPDATE apps_applications SET chip_hash = ? WHERE account_id = ?"
		       " AND tracking_id = ?",
		       "tit", hash, account_id, tracking_id);
	if (rc < 0)
		return rc;
	char object[40];
	snprintf(object, sizeof object, "application:%s", tracking_id);
	return audit_append(tx, actor, "apps.application.chip_code", object, NULL, err);
}

int apps_chip_code_check(store_tx *tx, const struct keyring *kr, const struct auth_pwcost *cost,
			 int64_t account_id, const char *tracking_id, const char *code,
			 struct sh_err *err)
{
	store_stmt *st = NULL;
	char hash[AUTH_HASH_MAX] = "";
	int rc = store_query(tx, &st, err,
			     "SELECT chip_hash FROM apps_applications WHERE account_id = ?"
			     " AND tracking_id = ?",
			     "it", account_id, tracking_id ? tracking_id : "");
	if (rc == SH_OK && (rc = store_step(st, err)) == STORE_ROW) {
		if (!store_col_is_null(st, 0))
			snprintf(hash, sizeof hash, "%s", store_col_text(st, 0));
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_ENOTFOUND, "APP_NOT_FOUND", "no such application");
	}
	store_finalize(st);
	if (rc != SH_OK)
		return rc;
	char k[65];
	chip_key(kr, tracking_id, code ? code : "", k);
	int ok = hash[0] && auth_password_verify(cost, hash, k);
	sodium_memzero(k, sizeof k);
	return ok ? SH_OK : sh_err_set(err, SH_ERULE, "CHIP_CODE_MISMATCH", "chip code differs");
}

int apps_chip_code_is_set(store_tx *tx, int64_t app_id)
{
	store_stmt *st = NULL;
	struct sh_err err = {0};
	int set = 0;
	if (store_query(tx, &st, &err, "SELECT chip_hash FROM apps_applications WHERE id = ?", "i",
			app_id) == SH_OK &&
	    store_step(st, &err) == STORE_ROW)
		set = !store_col_is_null(st, 0);
	store_finalize(st);
	return set;
}
