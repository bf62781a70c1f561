/* sessions.c — login with throttling, bearer-token sessions, logout. */
#include "auth/sessions.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/password.h"
#include "auth/roles.h"
#include "auth/session_cache.h"
#include "auth/throttle.h"
#include "auth/users.h"
#include "lib/parse.h"

struct login_user {
	int64_t id;
	char hash[AUTH_HASH_MAX];
	char role[32];
	char council[AUTH_COUNCIL_MAX + 1];
	int disabled;
	int found;
};

static int user_load(store_tx *tx, const char *username, struct login_user *u,
		     struct sh_err *err)
{
	store_stmt *st = NULL;
	memset(u, 0, sizeof *u);
	int rc = store_query(tx, &st, err,
			     "SELECT id, password_hash, role, council_code, disabled FROM users"
			     " WHERE username = ?",
			     "t", username);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		const char *s;
		u->found = 1;
		u->id = store_col_int(st, 0);
		s = store_col_text(st, 1);
		snprintf(u->hash, sizeof u->hash, "%s", s ? s : "");
		s = store_col_text(st, 2);
		snprintf(u->role, sizeof u->role, "%s", s ? s : "");
		s = store_col_text(st, 3);
		snprintf(u->council, sizeof u->council, "%s", s ? s : "");
		u->disabled = store_col_int(st, 4) != 0;
	}
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

static struct audit_actor login_actor(const char *username, const struct login_user *u,
				      const char *client_addr, const char *request_id)
{
	return (struct audit_actor){
		.kind = "operator",
		.id = u->found ? u->id : 0,
		.name = username,
		.role = u->found ? u->role : NULL,
		.request_id = request_id,
		.client_addr = client_addr,
	};
}

/* Phase 1, a short write tx: refuse a locked or throttled attempt (audited),
 * otherwise count it as a failure *before* the slow password check, so that
 * parallel guesses see each other and cannot outrun the delay. */
static int login_admit(store *db, const char *username, int account_ok, const char *client_addr,
		       const char *request_id, int64_t now, struct login_user *u,
		       struct auth_throttle *acct, int64_t *retry_after, struct sh_err *err)
{
	store_tx *tx = NULL;
	struct auth_throttle addr = {0};
	char object[96], detail[96];
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	memset(acct, 0, sizeof *acct);
	if (account_ok && (rc = auth_throttle_get(tx, AUTH_THROTTLE_ACCOUNT, username, acct, err)) != SH_OK)
		goto fail;
	if (client_addr &&
	    (rc = auth_throttle_get(tx, AUTH_THROTTLE_ADDRESS, client_addr, &addr, err)) != SH_OK)
		goto fail;
	if (account_ok && (rc = user_load(tx, username, u, err)) != SH_OK)
		goto fail;
	struct audit_actor actor = login_actor(username, u, client_addr, request_id);
	snprintf(object, sizeof object, "user:%s", account_ok ? username : "?");

	if (acct->locked || acct->failures >= AUTH_LOCK_AFTER) {
		rc = audit_append(tx, &actor, "auth.login.locked", object, NULL, err);
		if (rc != SH_OK)
			goto fail;
		if ((rc = store_commit(tx, err)) != SH_OK)
			return rc;
		return sh_err_set(err, SH_EFORBIDDEN, "ACCOUNT_LOCKED",
				  "too many failed logins: an administrator must enable the "
				  "account again");
	}
	int64_t wait = auth_throttle_wait(acct, now), wait_addr = auth_throttle_wait(&addr, now);
	if (wait_addr > wait)
		wait = wait_addr;
	if (wait > 0) {
		snprintf(detail, sizeof detail, "{\"retry_after\":%lld}", (long long)wait);
		rc = audit_append(tx, &actor, "auth.login.throttled", object, detail, err);
		if (rc != SH_OK)
			goto fail;
		if ((rc = store_commit(tx, err)) != SH_OK)
			return rc;
		*retry_after = wait;
		return sh_err_set(err, SH_ETHROTTLE, "LOGIN_THROTTLED",
				  "too many failed logins: retry in %lld s", (long long)wait);
	}
	if (account_ok &&
	    (rc = auth_throttle_fail(tx, AUTH_THROTTLE_ACCOUNT, username, now, acct, err)) != SH_OK)
		goto fail;
	if (client_addr &&
	    (rc = auth_throttle_fail(tx, AUTH_THROTTLE_ADDRESS, client_addr, now, &addr, err)) != SH_OK)
		goto fail;
	return store_commit(tx, err);
fail:
	store_rollback(tx);
	return rc;
}

static void token_hash(const struct keyring *kr, const unsigned char raw[AUTH_TOKEN_BYTES],
		       unsigned char out[32])
{
	keyring_hash(kr, KEY_TOKEN_PEPPER, raw, AUTH_TOKEN_BYTES, out);
}

/* Phase 3 on success: reset the counters, store the session, audit. */
static int login_succeed(store *db, const struct keyring *kr, const char *username,
			 const struct login_user *u, const char *new_hash, const char *client_addr,
			 const char *request_id, int ttl, int64_t now, struct auth_login_result *res,
			 struct sh_err *err)
{
	store_tx *tx = NULL;
	unsigned char raw[AUTH_TOKEN_BYTES], th[32];
	char object[96], detail[64];
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	if ((rc = auth_throttle_clear(tx, AUTH_THROTTLE_ACCOUNT, username, err)) < 0)
		goto fail;
	if (client_addr && (rc = auth_throttle_clear(tx, AUTH_THROTTLE_ADDRESS, client_addr, err)) < 0)
		goto fail;
	if (new_hash && (rc = store_run(tx, err, "UPDATE users SET password_hash = ? WHERE id = ?",
					"ti", new_hash, u->id)) < 0)
		goto fail;
	randombytes_buf(raw, sizeof raw);
	token_hash(kr, raw, th);
	res->expires_at = now + ttl;
	rc = store_run(tx, err,
		       "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked)"
		       " VALUES (?, ?, ?, ?, 0)",
		       "biii", th, sizeof th, u->id, now, res->expires_at);
	if (rc < 0)
		goto fail;
	struct audit_actor actor = login_actor(username, u, client_addr, request_id);
	snprintf(object, sizeof object, "user:%s", username);
	snprintf(detail, sizeof detail, "{\"expires_at\":%lld}", (long long)res->expires_at);
	if ((rc = audit_append(tx, &actor, "auth.login", object, detail, err)) != SH_OK)
		goto fail;
	if ((rc = store_commit(tx, err)) != SH_OK)
		goto wipe;
	sodium_bin2hex(res->token, sizeof res->token, raw, sizeof raw);
	struct principal *w = &res->who;
	memset(w, 0, sizeof *w);
	w->kind = PRINCIPAL_OPERATOR;
	w->id = u->id;
	w->role_bit = role_from_name(u->role);
	snprintf(w->name, sizeof w->name, "%s", username);
	snprintf(w->role, sizeof w->role, "%s", u->role);
	snprintf(w->council_code, sizeof w->council_code, "%s", u->council);
	rc = SH_OK;
	goto wipe;
fail:
	store_rollback(tx);
wipe:
	sodium_memzero(raw, sizeof raw);
	return rc;
}

/* Phase 3 on failure: audit it (the counters were raised in phase 1). */
static int login_fail(store *db, const char *action, const char *username, int account_ok,
		      const struct login_user *u, const struct auth_throttle *acct,
		      const char *client_addr, const char *request_id, struct sh_err *err)
{
	store_tx *tx = NULL;
	char object[96], detail[96];
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	struct audit_actor actor = login_actor(username, u, client_addr, request_id);
	snprintf(object, sizeof object, "user:%s", account_ok ? username : "?");
	snprintf(detail, sizeof detail, "{\"failures\":%lld,\"locked\":%s}",
		 (long long)acct->failures, acct->locked ? "true" : "false");
	rc = audit_append(tx, &actor, action, object, detail, err);
	if (rc != SH_OK) {
		store_rollback(tx);
		return rc;
	}
	return store_commit(tx, err);
}

int auth_login_at(store *db, const struct keyring *kr, const struct auth_pwcost *cost,
		  const char *username,
		  const char *password, const char *client_addr, const char *request_id,
		  int ttl_seconds, int64_t now, struct auth_login_result *res, struct sh_err *err)
{
	struct login_user u;
	struct auth_throttle acct;
	char new_hash[AUTH_HASH_MAX];
	int rc;
	memset(res, 0, sizeof *res);
	memset(&u, 0, sizeof u);
	if (!username || !password)
		return sh_err_set(err, SH_EINVAL, "MISSING_CREDENTIALS",
				  "username and password are required");
	if (ttl_seconds <= 0)
		return sh_err_set(err, SH_EINVAL, "BAD_TTL", "session lifetime must be positive");
	/* A name that cannot exist still costs a hash and counts against the
	 * address, but gets no account row (no garbage keys in the table); the
	 * audit log keeps at most its first 63 bytes. */
	int account_ok = auth_username_valid(username);
	char shown[AUTH_USERNAME_MAX + 1];
	if (!account_ok) {
		snprintf(shown, sizeof shown, "%s", username);
		username = shown;
	}
	int too_long = strlen(password) > AUTH_PASSWORD_MAX_BYTES;

	rc = login_admit(db, username, account_ok, client_addr, request_id, now, &u, &acct,
			 &res->retry_after, err);
	if (rc != SH_OK)
		return rc;

	/* Phase 2, outside any transaction: Argon2id takes ~60 ms and must not
	 * hold the write lock. */
	int ok = !too_long && auth_password_verify(cost, u.found ? u.hash : NULL, password);
	int rehash = 0;
	if (ok && u.found && !u.disabled && auth_password_needs_rehash(cost, u.hash)) {
		struct sh_err e2;
		rehash = auth_password_hash(cost, password, new_hash, &e2) == SH_OK;
	}
	if (ok && u.found && !u.disabled) {
		rc = login_succeed(db, kr, username, &u, rehash ? new_hash : NULL, client_addr,
				   request_id, ttl_seconds, now, res, err);
		sodium_memzero(new_hash, sizeof new_hash);
		sodium_memzero(&u, sizeof u);
		return rc;
	}
	if (ok && u.found && u.disabled) {
		rc = login_fail(db, "auth.login.disabled", username, account_ok, &u, &acct,
				client_addr, request_id, err);
		if (rc != SH_OK)
			return rc;
		return sh_err_set(err, SH_EFORBIDDEN, "ACCOUNT_DISABLED", "this account is disabled");
	}
	rc = login_fail(db, "auth.login.failure", username, account_ok, &u, &acct, client_addr,
			request_id, err);
	if (rc != SH_OK)
		return rc;
	return sh_err_set(err, SH_EUNAUTH, "INVALID_CREDENTIALS", "wrong username or password");
}

int auth_login(store *db, const struct keyring *kr, const struct auth_pwcost *cost,
	       const char *username, const char *password,
	       const char *client_addr, const char *request_id, int ttl_seconds,
	       char token_out[AUTH_TOKEN_CHARS + 1], struct principal *who,
	       struct sh_err *err)
{
	struct auth_login_result res;
	int rc = auth_login_at(db, kr, cost, username, password, client_addr, request_id, ttl_seconds,
			       sh_now(), &res, err);
	if (rc == SH_OK) {
		memcpy(token_out, res.token, sizeof res.token);
		if (who)
			*who = res.who;
	}
	sodium_memzero(&res, sizeof res);
	return rc;
}

/* Decode a presented token; 0 when it has the exact form we issue. */
static int token_decode(const char *token, unsigned char raw[AUTH_TOKEN_BYTES])
{
	size_t len = 0;
	if (!token || strlen(token) != AUTH_TOKEN_CHARS)
		return -1;
	for (size_t i = 0; i < AUTH_TOKEN_CHARS; i++) {
		char c = token[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -1;
	}
	if (sodium_hex2bin(raw, AUTH_TOKEN_BYTES, token, AUTH_TOKEN_CHARS, NULL, &len, NULL) != 0 ||
	    len != AUTH_TOKEN_BYTES)
		return -1;
	return 0;
}

int auth_session_check_clock(store *db, const struct keyring *kr, const char *bearer_token,
			     int64_t now, int64_t mono_ms, struct principal *out,
			     int64_t *expires_at, struct sh_err *err)
{
	unsigned char raw[AUTH_TOKEN_BYTES], th[32];
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	if (token_decode(bearer_token, raw) != 0)
		return sh_err_set(err, SH_EUNAUTH, "INVALID_SESSION", "malformed bearer token");
	token_hash(kr, raw, th);
	sodium_memzero(raw, sizeof raw);
	int64_t exp;
	if (session_cache_get(th, now, mono_ms, out, &exp)) {
		if (expires_at)
			*expires_at = exp;
		return SH_OK;
	}
	uint64_t epoch = session_cache_epoch();
	int rc = store_begin(db, STORE_READ, &tx, err);
	if (rc != SH_OK)
		return rc;
	/* The token hash is the primary key: one index probe. The lookup by
	 * hash also makes the comparison independent of the token's bytes. */
	rc = store_query(tx, &st, err,
			 "SELECT s.user_id, s.expires_at, s.revoked, u.username, u.role,"
			 " u.council_code, u.disabled FROM sessions s JOIN users u ON u.id = s.user_id"
			 " WHERE s.token_hash = ?",
			 "b", th, sizeof th);
	if (rc != SH_OK)
		goto out;
	rc = store_step(st, err);
	if (rc < 0)
		goto out;
	if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_EUNAUTH, "INVALID_SESSION", "unknown session");
		goto out;
	}
	exp = store_col_int(st, 1);
	if (store_col_int(st, 2) != 0 || store_col_int(st, 6) != 0) {
		rc = sh_err_set(err, SH_EUNAUTH, "INVALID_SESSION",
				"session revoked or account disabled");
		goto out;
	}
	if (now >= exp) {
		rc = sh_err_set(err, SH_EUNAUTH, "SESSION_EXPIRED", "session expired; log in again");
		goto out;
	}
	memset(out, 0, sizeof *out);
	out->kind = PRINCIPAL_OPERATOR;
	out->id = store_col_int(st, 0);
	const char *s = store_col_text(st, 3);
	snprintf(out->name, sizeof out->name, "%s", s ? s : "");
	s = store_col_text(st, 4);
	snprintf(out->role, sizeof out->role, "%s", s ? s : "");
	out->role_bit = role_from_name(out->role);
	s = store_col_text(st, 5);
	snprintf(out->council_code, sizeof out->council_code, "%s", s ? s : "");
	if (expires_at)
		*expires_at = exp;
	session_cache_put(th, epoch, mono_ms, exp, out);
	rc = SH_OK;
out:
	store_finalize(st);
	store_rollback(tx);
	return rc;
}

int auth_session_check_at(store *db, const struct keyring *kr, const char *bearer_token,
			  int64_t now, struct principal *out, int64_t *expires_at,
			  struct sh_err *err)
{
	return auth_session_check_clock(db, kr, bearer_token, now, sh_mono_ns() / 1000000, out,
					expires_at, err);
}

int auth_session_check(store *db, const struct keyring *kr, const char *bearer_token,
		       struct principal *out, struct sh_err *err)
{
	return auth_session_check_at(db, kr, bearer_token, sh_now(), out, NULL, err);
}

int auth_logout(store *db, const struct keyring *kr, const char *bearer_token,
		const struct audit_actor *actor, struct sh_err *err)
{
	unsigned char raw[AUTH_TOKEN_BYTES], th[32];
	store_tx *tx = NULL;
	if (token_decode(bearer_token, raw) != 0)
		return sh_err_set(err, SH_EUNAUTH, "INVALID_SESSION", "malformed bearer token");
	token_hash(kr, raw, th);
	sodium_memzero(raw, sizeof raw);
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = store_run(tx, err, "UPDATE sessions SET revoked = 1 WHERE token_hash = ? AND revoked = 0",
		       "b", th, sizeof th);
	if (rc < 0)
		goto fail;
	if (rc == 0) {
		store_rollback(tx);
		return sh_err_set(err, SH_EUNAUTH, "INVALID_SESSION", "no live session for this token");
	}
	auth_session_cache_invalidate();
	char object[96];
	snprintf(object, sizeof object, "user:%s", actor && actor->name ? actor->name : "?");
	if ((rc = audit_append(tx, actor, "auth.logout", object, NULL, err)) != SH_OK)
		goto fail;
	rc = store_commit(tx, err);
	auth_session_cache_invalidate();
	return rc;
fail:
	store_rollback(tx);
	return rc;
}

int auth_sessions_purge(store *db, int64_t before, struct sh_err *err)
{
	store_tx *tx = NULL;
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	int n = store_run(tx, err, "DELETE FROM sessions WHERE expires_at < ?", "i", before);
	if (n < 0) {
		store_rollback(tx);
		return n;
	}
	rc = store_commit(tx, err);
	return rc != SH_OK ? rc : n;
}
