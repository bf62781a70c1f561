/* passwd.c — password reset (admin) and change (self). */
#include "auth/passwd.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/password.h"
#include "auth/sessions.h"
#include "auth/throttle.h"
#include "auth/users.h"
#include "lib/parse.h"

int auth_user_set_password(store_tx *tx, const struct audit_actor *actor,
			   const struct auth_pwcost *cost, const char *username,
			   const char *password, struct sh_err *err)
{
	char hash[AUTH_HASH_MAX], object[96], detail[64];
	int64_t id = 0;
	if (!auth_username_valid(username))
		return sh_err_set(err, SH_ENOTFOUND, "USER_NOT_FOUND", "no such user");
	int rc = auth_password_check(password, username, err);
	if (rc != SH_OK || (rc = auth_user_id_for_update(tx, username, &id, err)) != SH_OK)
		return rc;
	if ((rc = auth_password_hash(cost, password, hash, err)) != SH_OK)
		return rc;
	rc = store_run(tx, err, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
		       "tii", hash, sh_now(), id);
	sodium_memzero(hash, sizeof hash);
	if (rc < 0)
		return rc;
	int revoked = store_run(tx, err,
				"UPDATE sessions SET revoked = 1 WHERE user_id = ? AND revoked = 0",
				"i", id);
	if (revoked < 0)
		return revoked;
	auth_session_cache_invalidate(); /* again after the caller's commit */
	if ((rc = auth_throttle_clear(tx, AUTH_THROTTLE_ACCOUNT, username, err)) < 0)
		return rc;
	snprintf(object, sizeof object, "user:%s", username);
	snprintf(detail, sizeof detail, "{\"sessions_revoked\":%d}", revoked);
	return audit_append(tx, actor, "user.password.reset", object, detail, err);
}

struct who {
	char username[AUTH_USERNAME_MAX + 1];
	char hash[AUTH_HASH_MAX];
};

/* Phase 1: throttle check and a pessimistic failure count, like a login. */
static int change_admit(store *db, int64_t user_id, const struct audit_actor *actor,
			int64_t now, struct who *w, int64_t *retry_after, struct sh_err *err)
{
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	struct auth_throttle t;
	char object[96], detail[64];
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = store_query(tx, &st, err, "SELECT username, password_hash FROM users WHERE id = ?", "i",
			 user_id);
	if (rc != SH_OK)
		goto fail;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		const char *s = store_col_text(st, 0);
		snprintf(w->username, sizeof w->username, "%s", s ? s : "");
		s = store_col_text(st, 1);
		snprintf(w->hash, sizeof w->hash, "%s", s ? s : "");
	}
	store_finalize(st);
	if (rc == STORE_DONE)
		rc = sh_err_set(err, SH_ENOTFOUND, "USER_NOT_FOUND", "no user %lld", (long long)user_id);
	if (rc < 0)
		goto fail;
	if ((rc = auth_throttle_get(tx, AUTH_THROTTLE_ACCOUNT, w->username, &t, err)) != SH_OK)
		goto fail;
	int64_t wait = auth_throttle_wait(&t, now);
	if (wait > 0) {
		snprintf(object, sizeof object, "user:%s", w->username);
		snprintf(detail, sizeof detail, "{\"retry_after\":%lld}", (long long)wait);
		if ((rc = audit_append(tx, actor, "user.password.throttled", object, detail, err)) !=
		    SH_OK)
			goto fail;
		if ((rc = store_commit(tx, err)) != SH_OK)
			return rc;
		*retry_after = wait;
		return sh_err_set(err, SH_ETHROTTLE, "LOGIN_THROTTLED",
				  "too many wrong passwords: retry in %lld s", (long long)wait);
	}
	if ((rc = auth_throttle_fail(tx, AUTH_THROTTLE_ACCOUNT, w->username, now, &t, err)) != SH_OK)
		goto fail;
	return store_commit(tx, err);
fail:
	store_rollback(tx);
	return rc;
}

int auth_password_change_at(store *db, const struct keyring *kr,
			    const struct auth_pwcost *cost, int64_t user_id,
			    const char *current, const char *next, const char *keep_token,
			    const struct audit_actor *actor, int64_t now, int64_t *retry_after,
			    struct sh_err *err)
{
	struct who w;
	char hash[AUTH_HASH_MAX], object[96], detail[64];
	unsigned char keep[32] = {0}, raw[AUTH_TOKEN_BYTES];
	size_t rawlen = 0;
	store_tx *tx = NULL;
	int rc;
	memset(&w, 0, sizeof w);
	*retry_after = 0;
	if (!current || !next)
		return sh_err_set(err, SH_EINVAL, "MISSING_FIELDS",
				  "current_password and new_password are required");
	/* Policy first: a weak new password costs no attempt. */
	if ((rc = store_begin(db, STORE_READ, &tx, err)) != SH_OK)
		return rc;
	struct auth_user u;
	rc = SH_ENOTFOUND;
	store_stmt *st = NULL;
	if (store_query(tx, &st, err, "SELECT username FROM users WHERE id = ?", "i", user_id) ==
		    SH_OK &&
	    store_step(st, err) == STORE_ROW) {
		const char *name = store_col_text(st, 0);
		snprintf(u.username, sizeof u.username, "%s", name ? name : "");
		rc = SH_OK;
	}
	store_finalize(st);
	store_rollback(tx);
	tx = NULL;
	if (rc != SH_OK)
		return sh_err_set(err, SH_ENOTFOUND, "USER_NOT_FOUND", "no such user");
	if ((rc = auth_password_check(next, u.username, err)) != SH_OK)
		return rc;
	if ((rc = change_admit(db, user_id, actor, now, &w, retry_after, err)) != SH_OK)
		return rc;
	int ok = strlen(current) <= AUTH_PASSWORD_MAX_BYTES && auth_password_verify(cost, w.hash, current);
	snprintf(object, sizeof object, "user:%s", w.username);
	if (ok && (rc = auth_password_hash(cost, next, hash, err)) != SH_OK)
		return rc;
	if ((rc = store_begin(db, STORE_WRITE, &tx, err)) != SH_OK)
		goto out;
	if (!ok) {
		if ((rc = audit_append(tx, actor, "user.password.failure", object, NULL, err)) != SH_OK)
			goto fail;
		if ((rc = store_commit(tx, err)) != SH_OK)
			goto out;
		rc = sh_err_set(err, SH_EFORBIDDEN, "WRONG_PASSWORD", "the current password is wrong");
		goto out;
	}
	if ((rc = store_run(tx, err, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
			    "tii", hash, now, user_id)) < 0)
		goto fail;
	if ((rc = auth_throttle_clear(tx, AUTH_THROTTLE_ACCOUNT, w.username, err)) < 0)
		goto fail;
	if (keep_token && strlen(keep_token) == AUTH_TOKEN_CHARS &&
	    sodium_hex2bin(raw, sizeof raw, keep_token, AUTH_TOKEN_CHARS, NULL, &rawlen, NULL) == 0 &&
	    rawlen == sizeof raw)
		keyring_hash(kr, KEY_TOKEN_PEPPER, raw, sizeof raw, keep);
	int revoked = store_run(tx, err,
				"UPDATE sessions SET revoked = 1 WHERE user_id = ? AND revoked = 0"
				" AND token_hash <> ?",
				"ib", user_id, keep, sizeof keep);
	if (revoked < 0) {
		rc = revoked;
		goto fail;
	}
	snprintf(detail, sizeof detail, "{\"sessions_revoked\":%d}", revoked);
	if ((rc = audit_append(tx, actor, "user.password.change", object, detail, err)) != SH_OK)
		goto fail;
	auth_session_cache_invalidate();
	rc = store_commit(tx, err);
	auth_session_cache_invalidate();
	goto out;
fail:
	store_rollback(tx);
out:
	sodium_memzero(hash, sizeof hash);
	sodium_memzero(&w, sizeof w);
	sodium_memzero(raw, sizeof raw);
	return rc;
}
