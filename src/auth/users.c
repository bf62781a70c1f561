/* users.c — operator accounts and the auth schema. */
#include "auth/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/password.h"
#include "auth/roles.h"
#include "auth/sessions.h"
#include "auth/throttle.h"
#include "lib/parse.h"

static const struct store_migration auth_migrations[] = {
	{1, "operators, sessions, login failures",
	 "CREATE TABLE users ("
	 " id {{PK}},"
	 " username TEXT NOT NULL UNIQUE,"
	 " password_hash TEXT NOT NULL,"  /* Argon2id string */
	 " role TEXT NOT NULL,"
	 " council_code TEXT,"
	 " disabled BIGINT NOT NULL DEFAULT 0,"
	 " created_at BIGINT NOT NULL,"
	 " updated_at BIGINT NOT NULL);"
	 /* Only a keyed hash of each bearer token is stored. */
	 "CREATE TABLE sessions ("
	 " token_hash {{BLOB}} PRIMARY KEY,"
	 " user_id BIGINT NOT NULL REFERENCES users (id),"
	 " created_at BIGINT NOT NULL,"
	 " expires_at BIGINT NOT NULL,"
	 " revoked BIGINT NOT NULL DEFAULT 0);"
	 "CREATE INDEX sessions_user ON sessions (user_id);"
	 /* kind: 'account' (subject = username, known or not) or 'address'. */
	 "CREATE TABLE login_failures ("
	 " kind TEXT NOT NULL,"
	 " subject TEXT NOT NULL,"
	 " failures BIGINT NOT NULL,"
	 " last_failure_at BIGINT NOT NULL,"
	 " locked BIGINT NOT NULL DEFAULT 0,"
	 " PRIMARY KEY (kind, subject));"},
};

int auth_migrate(store *db, struct sh_err *err)
{
	return store_migrate(db, "auth", auth_migrations,
			     sizeof auth_migrations / sizeof auth_migrations[0], err);
}

int auth_username_valid(const char *s)
{
	if (!s)
		return 0;
	size_t n = strlen(s);
	if (n < 3 || n > AUTH_USERNAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

static int council_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > AUTH_COUNCIL_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

int auth_user_create(store_tx *tx, const struct audit_actor *actor,
		     const struct auth_pwcost *cost, const char *username,
		     const char *password, unsigned role_bit, const char *council_code,
		     int64_t *id_out, struct sh_err *err)
{
	char hash[AUTH_HASH_MAX], object[96], detail[160];
	store_stmt *st = NULL;
	int rc;
	if (!auth_username_valid(username))
		return sh_err_set(err, SH_EINVAL, "BAD_USERNAME",
				  "username must be 3-%d characters of a-z, 0-9, '.', '_', '-'",
				  AUTH_USERNAME_MAX);
	const char *role = role_name(role_bit);
	if (!role)
		return sh_err_set(err, SH_EINVAL, "BAD_ROLE", "unknown role");
	if (council_code && !*council_code)
		council_code = NULL;
	if (council_code && !council_valid(council_code))
		return sh_err_set(err, SH_EINVAL, "BAD_COUNCIL_CODE",
				  "council code must be 1-%d characters of A-Z, a-z, 0-9, '-', '_'",
				  AUTH_COUNCIL_MAX);
	if ((rc = auth_password_check(password, username, err)) != SH_OK)
		return rc;

	/* Ask first so that a duplicate is a clean 409, not a failed tx. */
	rc = store_query(tx, &st, err, "SELECT id FROM users WHERE username = ?", "t", username);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	store_finalize(st);
	st = NULL;
	if (rc == STORE_ROW)
		return sh_err_set(err, SH_ECONFLICT, "USERNAME_TAKEN", "user %s already exists",
				  username);
	if (rc < 0)
		return rc;

	if ((rc = auth_password_hash(cost, password, hash, err)) != SH_OK)
		return rc;
	int64_t now = sh_now();
	rc = store_query(tx, &st, err,
			 "INSERT INTO users (username, password_hash, role, council_code, disabled,"
			 " created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?) RETURNING id",
			 "ttttii", username, hash, role, council_code, now, now);
	sodium_memzero(hash, sizeof hash);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc != STORE_ROW) {
		if (err && err->status == SH_ECONFLICT)
			sh_err_set(err, SH_ECONFLICT, "USERNAME_TAKEN", "user %s already exists",
				   username);
		if (rc == STORE_DONE)
			rc = sh_err_set(err, SH_EDB, "NO_ID", "insert returned no id");
		store_finalize(st);
		return rc < 0 ? rc : SH_EDB;
	}
	int64_t id = store_col_int(st, 0);
	store_finalize(st);
	if (id_out)
		*id_out = id;

	snprintf(object, sizeof object, "user:%s", username);
	if (council_code)
		snprintf(detail, sizeof detail, "{\"id\":%lld,\"role\":\"%s\",\"council_code\":\"%s\"}",
			 (long long)id, role, council_code);
	else
		snprintf(detail, sizeof detail, "{\"id\":%lld,\"role\":\"%s\"}", (long long)id, role);
	return audit_append(tx, actor, "user.create", object, detail, err);
}

int auth_user_id_for_update(store_tx *tx, const char *username, int64_t *id,
			    struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err, "SELECT id FROM users WHERE username = ? FOR UPDATE",
			     "t", username);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	*id = rc == STORE_ROW ? store_col_int(st, 0) : 0;
	store_finalize(st);
	if (rc == STORE_DONE)
		return sh_err_set(err, SH_ENOTFOUND, "USER_NOT_FOUND", "no user %s", username);
	return rc < 0 ? rc : SH_OK;
}

int auth_user_disable(store_tx *tx, const struct audit_actor *actor, const char *username,
		      int disabled, struct sh_err *err)
{
	char object[96], detail[96];
	int64_t id = 0;
	if (!auth_username_valid(username))
		return sh_err_set(err, SH_ENOTFOUND, "USER_NOT_FOUND", "no such user");
	int rc = auth_user_id_for_update(tx, username, &id, err);
	if (rc != SH_OK)
		return rc;
	if (disabled && actor && actor->kind && strcmp(actor->kind, "operator") == 0 &&
	    actor->id == id)
		return sh_err_set(err, SH_ERULE, "CANNOT_DISABLE_SELF",
				  "operators cannot disable their own account");

	rc = store_run(tx, err, "UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?", "iii",
		       (int64_t)(disabled ? 1 : 0), sh_now(), id);
	if (rc < 0)
		return rc;
	snprintf(object, sizeof object, "user:%s", username);
	if (disabled) {
		/* A disabled operator's tokens die with the account. */
		rc = store_run(tx, err, "UPDATE sessions SET revoked = 1 WHERE user_id = ? AND revoked = 0",
			       "i", id);
		if (rc < 0)
			return rc;
		/* And their cached checks; the caller invalidates again after
		 * its commit (session_cache.h). */
		auth_session_cache_invalidate();
		snprintf(detail, sizeof detail, "{\"sessions_revoked\":%d}", rc);
		return audit_append(tx, actor, "user.disable", object, detail, err);
	}
	/* NIST SP 800-63B 5.2.2: an administrator ends a lockout. */
	rc = auth_throttle_clear(tx, AUTH_THROTTLE_ACCOUNT, username, err);
	if (rc < 0)
		return rc;
	snprintf(detail, sizeof detail, "{\"lockout_cleared\":%s}", rc > 0 ? "true" : "false");
	return audit_append(tx, actor, "user.enable", object, detail, err);
}

#define USER_COLUMNS                                                                      \
	"u.id, u.username, u.role, u.council_code, u.disabled, u.created_at,"             \
	" COALESCE(f.locked, 0), COALESCE(f.failures, 0)"
#define USER_FROM                                                                         \
	" FROM users u LEFT JOIN login_failures f ON f.kind = 'account' AND f.subject = u.username"

static void user_from_row(store_stmt *st, struct auth_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = store_col_int(st, 0);
	const char *s = store_col_text(st, 1);
	snprintf(u->username, sizeof u->username, "%s", s ? s : "");
	s = store_col_text(st, 2);
	snprintf(u->role, sizeof u->role, "%s", s ? s : "");
	s = store_col_text(st, 3);
	snprintf(u->council_code, sizeof u->council_code, "%s", s ? s : "");
	u->disabled = store_col_int(st, 4) != 0;
	u->created_at = store_col_int(st, 5);
	u->locked = store_col_int(st, 6) != 0 || store_col_int(st, 7) >= AUTH_LOCK_AFTER;
}

int auth_user_list(store_tx *tx, int64_t after_id, size_t limit, struct auth_user **out,
		   size_t *n, struct sh_err *err)
{
	store_stmt *st = NULL;
	*out = NULL;
	*n = 0;
	if (limit == 0)
		return SH_OK;
	if (limit > 10000)
		limit = 10000;
	struct auth_user *a = calloc(limit, sizeof *a);
	if (!a)
		return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "out of memory");
	int rc = store_query(tx, &st, err,
			     "SELECT " USER_COLUMNS USER_FROM " WHERE u.id > ? ORDER BY u.id LIMIT ?",
			     "ii", after_id, (int64_t)limit);
	if (rc != SH_OK)
		goto fail;
	size_t k = 0;
	while ((rc = store_step(st, err)) == STORE_ROW && k < limit)
		user_from_row(st, &a[k++]);
	store_finalize(st);
	if (rc < 0)
		goto fail;
	*out = a;
	*n = k;
	return SH_OK;
fail:
	free(a);
	return rc;
}

int auth_user_get(store_tx *tx, const char *username, struct auth_user *out, struct sh_err *err)
{
	store_stmt *st = NULL;
	if (!auth_username_valid(username))
		return sh_err_set(err, SH_ENOTFOUND, "USER_NOT_FOUND", "no such user");
	int rc = store_query(tx, &st, err, "SELECT " USER_COLUMNS USER_FROM " WHERE u.username = ?",
			     "t", username);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		user_from_row(st, out);
	store_finalize(st);
	if (rc == STORE_DONE)
		return sh_err_set(err, SH_ENOTFOUND, "USER_NOT_FOUND", "no user %s", username);
	return rc < 0 ? rc : SH_OK;
}
