/* test_auth.c — operators, sessions, throttling and lockout on both
 * backends, with injected clocks (wall and monotonic: no sleeping). */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/passwd.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "auth/session_cache.h"
#include "auth/sessions.h"
#include "auth/throttle.h"
#include "auth/users.h"
#include "crypto/keyring.h"
#include "testdb.h"

static char *url;
static store *db;
static struct keyring *kr;
static const struct audit_actor sys = {.kind = "system", .name = "test"};
#define T0 1800000000LL
#define TTL 3600
#define PW "Correct-horse-42"
/* Cheap Argon2id for tests, passed to each call; the real cost is
 * measured in bench/auth. */
static const struct auth_pwcost cheap = {1, crypto_pwhash_MEMLIMIT_MIN};

static void setup(void)
{
	struct sh_err err;
	unsigned char master[32] = {1, 2, 3};
	cr_assert_eq(keyring_from_master(master, &kr, &err), SH_OK);
	url = testdb_url();
	cr_assert_not_null(url);
	cr_assert_eq(store_open(url, 4, &db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audit_migrate(db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(auth_migrate(db, &err), SH_OK, "%s", err.msg);
}

static void teardown(void)
{
	store_close(db);
	testdb_drop(url);
	keyring_free(kr);
}

TestSuite(auth, .init = setup, .fini = teardown);

static int64_t create(const char *name, const char *pw, unsigned role, const char *council)
{
	struct sh_err err;
	store_tx *tx;
	int64_t id = 0;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	int rc = auth_user_create(tx, &sys, &cheap, name, pw, role, council, &id, &err);
	if (rc != SH_OK) {
		store_rollback(tx);
		return rc;
	}
	cr_assert_eq(store_commit(tx, &err), SH_OK, "%s", err.msg);
	return id;
}

static int set_disabled(const struct audit_actor *who, const char *name, int disabled,
			struct sh_err *err)
{
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, err), SH_OK);
	int rc = auth_user_disable(tx, who, name, disabled, err);
	if (rc != SH_OK) {
		store_rollback(tx);
		return rc;
	}
	cr_assert_eq(store_commit(tx, err), SH_OK);
	return SH_OK;
}

static int login(const char *user, const char *pw, const char *addr, int64_t now,
		 struct auth_login_result *res, struct sh_err *err)
{
	return auth_login_at(db, kr, &cheap, user, pw, addr, "req", TTL, now, res, err);
}

static int64_t count_sql(const char *sql, const char *arg)
{
	struct sh_err err;
	store_tx *tx;
	store_stmt *st;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK);
	cr_assert_eq(store_query(tx, &st, &err, sql, arg ? "t" : "", arg), SH_OK, "%s", err.msg);
	cr_assert_eq(store_step(st, &err), STORE_ROW);
	int64_t n = store_col_int(st, 0);
	store_finalize(st);
	store_rollback(tx);
	return n;
}

static int64_t audits(const char *action)
{
	return count_sql("SELECT COUNT(*) FROM audit_log WHERE action = ?", action);
}

Test(auth, create_validates_and_audits)
{
	cr_assert_gt(create("admin.one", PW, ROLE_ADMIN, NULL), 0);
	cr_assert_gt(create("reg-01", PW, ROLE_UC_REGISTRAR, "LHR-042"), 0);
	cr_assert_eq(create("admin.one", PW, ROLE_ADMIN, NULL), SH_ECONFLICT);
	cr_assert_eq(create("Admin", PW, ROLE_ADMIN, NULL), SH_EINVAL);
	cr_assert_eq(create("ab", PW, ROLE_ADMIN, NULL), SH_EINVAL);
	cr_assert_eq(create("a b c", PW, ROLE_ADMIN, NULL), SH_EINVAL);
	cr_assert_eq(create("x1234567890123456789012345678901234567890123456789012345678901234",
			    PW, ROLE_ADMIN, NULL),
		     SH_EINVAL);
	cr_assert_eq(create("okname", PW, ROLE_ADMIN | ROLE_AUDITOR, NULL), SH_EINVAL);
	cr_assert_eq(create("okname", PW, 0, NULL), SH_EINVAL);
	cr_assert_eq(create("okname", PW, ROLE_ADMIN, "bad code!"), SH_EINVAL);
	cr_assert_eq(create("okname", "Short-1", ROLE_ADMIN, NULL), SH_ERULE);
	cr_assert_eq(create("okname", "alllowercaseletters", ROLE_ADMIN, NULL), SH_ERULE);
	cr_assert_eq(create("okname", "aaaaaaaaaaaaaaaa", ROLE_ADMIN, NULL), SH_ERULE);
	cr_assert_eq(create("okname", "xx-okname-2024-yy", ROLE_ADMIN, NULL), SH_ERULE);
	cr_assert_eq(create("okname", "Password1234", ROLE_ADMIN, NULL), SH_ERULE);
	/* 12 code points of Urdu letters and a digit: long enough. */
	cr_assert_gt(create("urdu.user", "\u0634\u0646\u0627\u062e\u062a\u0634\u0646\u0627\u062e"
					 "\u062a\u0634\u0646" "7",
			    ROLE_AUDITOR, NULL),
		     0);
	cr_assert_eq(audits("user.create"), 3);

	struct sh_err err;
	store_tx *tx;
	struct auth_user *list;
	size_t n;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK);
	cr_assert_eq(auth_user_list(tx, 0, 100, &list, &n, &err), SH_OK);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(list[0].username, "admin.one");
	cr_assert_str_eq(list[1].role, "uc_registrar");
	cr_assert_str_eq(list[1].council_code, "LHR-042");
	free(list);
	cr_assert_eq(auth_user_list(tx, 0, 1, &list, &n, &err), SH_OK);
	cr_assert_eq(n, 1);
	int64_t after = list[0].id;
	free(list);
	cr_assert_eq(auth_user_list(tx, after, 10, &list, &n, &err), SH_OK);
	cr_assert_eq(n, 2);
	free(list);
	struct auth_user u;
	cr_assert_eq(auth_user_get(tx, "nobody", &u, &err), SH_ENOTFOUND);
	store_rollback(tx);
	/* Only the Argon2id string is stored. */
	cr_assert_eq(count_sql("SELECT COUNT(*) FROM users WHERE password_hash LIKE '$argon2id$%'",
			       NULL),
		     3);
}

Test(auth, login_issues_a_token_stored_only_as_a_hash)
{
	int64_t id = create("asma", PW, ROLE_UC_REGISTRAR, "LHR-042");
	struct auth_login_result res;
	struct sh_err err;
	cr_assert_eq(login("asma", PW, "10.1.1.1", T0, &res, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(strlen(res.token), AUTH_TOKEN_CHARS);
	cr_assert_eq(res.expires_at, T0 + TTL);
	cr_assert_eq(res.who.kind, PRINCIPAL_OPERATOR);
	cr_assert_eq(res.who.id, id);
	cr_assert_eq(res.who.role_bit, ROLE_UC_REGISTRAR);
	cr_assert_str_eq(res.who.council_code, "LHR-042");

	struct principal p;
	int64_t exp;
	cr_assert_eq(auth_session_check_at(db, kr, res.token, T0 + 5, &p, &exp, &err), SH_OK,
		     "%s", err.msg);
	cr_assert_str_eq(p.name, "asma");
	cr_assert_str_eq(p.role, "uc_registrar");
	cr_assert_eq(exp, T0 + TTL);

	/* The database holds the keyed hash, not the token or its bytes. */
	unsigned char raw[32], h[32];
	size_t l;
	cr_assert_eq(sodium_hex2bin(raw, 32, res.token, 64, NULL, &l, NULL), 0);
	keyring_hash(kr, KEY_TOKEN_PEPPER, raw, 32, h);
	store_tx *tx;
	store_stmt *st;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK);
	cr_assert_eq(store_query(tx, &st, &err, "SELECT token_hash FROM sessions", ""), SH_OK);
	cr_assert_eq(store_step(st, &err), STORE_ROW);
	size_t n;
	const unsigned char *stored = store_col_blob(st, 0, &n);
	cr_assert_eq(n, 32);
	cr_assert_eq(memcmp(stored, h, 32), 0);
	cr_assert_neq(memcmp(stored, raw, 32), 0);
	store_finalize(st);
	store_rollback(tx);
	cr_assert_eq(count_sql("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%' || CAST(? AS TEXT) || '%'",
			       res.token),
		     0);

	/* Expiry, malformed and unknown tokens. */
	cr_assert_eq(auth_session_check_at(db, kr, res.token, T0 + TTL - 1, &p, NULL, &err), SH_OK);
	cr_assert_eq(auth_session_check_at(db, kr, res.token, T0 + TTL, &p, NULL, &err), SH_EUNAUTH);
	cr_assert_str_eq(err.code, "SESSION_EXPIRED");
	char other[65];
	memcpy(other, res.token, 65);
	other[0] = other[0] == 'a' ? 'b' : 'a';
	cr_assert_eq(auth_session_check_at(db, kr, other, T0, &p, NULL, &err), SH_EUNAUTH);
	cr_assert_eq(auth_session_check_at(db, kr, "abc", T0, &p, NULL, &err), SH_EUNAUTH);
	other[0] = 'G';
	cr_assert_eq(auth_session_check_at(db, kr, other, T0, &p, NULL, &err), SH_EUNAUTH);
	cr_assert_eq(auth_session_check_at(db, kr, NULL, T0, &p, NULL, &err), SH_EUNAUTH);

	/* Logout revokes exactly that token. */
	struct auth_login_result second;
	cr_assert_eq(login("asma", PW, "10.1.1.1", T0, &second, &err), SH_OK);
	struct audit_actor me = {.kind = "operator", .id = id, .name = "asma"};
	cr_assert_eq(auth_logout(db, kr, res.token, &me, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(auth_session_check_at(db, kr, res.token, T0, &p, NULL, &err), SH_EUNAUTH);
	cr_assert_str_eq(err.code, "INVALID_SESSION");
	cr_assert_eq(auth_logout(db, kr, res.token, &me, &err), SH_EUNAUTH);
	cr_assert_eq(auth_session_check_at(db, kr, second.token, T0, &p, NULL, &err), SH_OK);
	cr_assert_eq(audits("auth.login"), 2);
	cr_assert_eq(audits("auth.logout"), 1);

	/* Purge removes only long-expired sessions. */
	cr_assert_eq(auth_sessions_purge(db, T0, &err), 0);
	cr_assert_eq(auth_sessions_purge(db, T0 + TTL + 1, &err), 2);
	cr_assert_eq(audit_verify(db, NULL, NULL, &err), SH_OK);
}

Test(auth, unknown_user_and_wrong_password_look_the_same)
{
	create("asma", PW, ROLE_ADMIN, NULL);
	struct auth_login_result res;
	struct sh_err a, b, c;
	cr_assert_eq(login("asma", "Wrong-password-1", "10.0.0.1", T0, &res, &a), SH_EUNAUTH);
	cr_assert_eq(login("ghost", "Wrong-password-1", "10.0.0.2", T0, &res, &b), SH_EUNAUTH);
	cr_assert_eq(login("NOT VALID", "Wrong-password-1", "10.0.0.3", T0, &res, &c), SH_EUNAUTH);
	cr_assert_str_eq(a.code, "INVALID_CREDENTIALS");
	cr_assert_str_eq(a.code, b.code);
	cr_assert_str_eq(a.msg, b.msg);
	cr_assert_str_eq(a.code, c.code);
	cr_assert_str_eq(a.msg, c.msg);
	cr_assert_eq(audits("auth.login.failure"), 3);
	/* An impossible name gets no account counter. */
	cr_assert_eq(count_sql("SELECT COUNT(*) FROM login_failures WHERE kind = 'account'", NULL), 2);
}

Test(auth, disabling_revokes_sessions_and_enabling_restores_login)
{
	int64_t admin = create("root.admin", PW, ROLE_ADMIN, NULL);
	create("bilal", PW, ROLE_CASE_OFFICER, NULL);
	struct auth_login_result res;
	struct sh_err err;
	struct principal p;
	cr_assert_eq(login("bilal", PW, "10.0.0.1", T0, &res, &err), SH_OK);
	struct audit_actor adm = {.kind = "operator", .id = admin, .name = "root.admin",
				  .role = "admin"};
	cr_assert_eq(set_disabled(&adm, "bilal", 1, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(auth_session_check_at(db, kr, res.token, T0, &p, NULL, &err), SH_EUNAUTH);
	cr_assert_eq(count_sql("SELECT COUNT(*) FROM sessions WHERE revoked = 1", NULL), 1);
	cr_assert_eq(login("bilal", PW, "10.0.0.1", T0, &res, &err), SH_EFORBIDDEN);
	cr_assert_str_eq(err.code, "ACCOUNT_DISABLED");
	cr_assert_eq(login("bilal", "Wrong-password-1", "10.0.0.1", T0, &res, &err), SH_EUNAUTH);
	cr_assert_eq(set_disabled(&adm, "root.admin", 1, &err), SH_ERULE);
	cr_assert_str_eq(err.code, "CANNOT_DISABLE_SELF");
	cr_assert_eq(set_disabled(&adm, "nobody", 1, &err), SH_ENOTFOUND);
	cr_assert_eq(set_disabled(&adm, "bilal", 0, &err), SH_OK);
	cr_assert_eq(login("bilal", PW, "10.0.0.1", T0, &res, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audits("user.disable"), 1);
	cr_assert_eq(audits("user.enable"), 1);
}

Test(auth, throttle_delay_formula)
{
	cr_assert_eq(auth_throttle_delay(0), 0);
	cr_assert_eq(auth_throttle_delay(4), 0);
	cr_assert_eq(auth_throttle_delay(5), 1);
	cr_assert_eq(auth_throttle_delay(6), 2);
	cr_assert_eq(auth_throttle_delay(10), 32);
	cr_assert_eq(auth_throttle_delay(14), 512);
	cr_assert_eq(auth_throttle_delay(15), 900);
	cr_assert_eq(auth_throttle_delay(99), 900);
	cr_assert_eq(auth_throttle_delay(INT64_MAX), 900);
}

Test(auth, account_throttling_from_the_fifth_failure)
{
	create("asma", PW, ROLE_ADMIN, NULL);
	struct auth_login_result res;
	struct sh_err err;
	int64_t t = T0;
	/* Four failures: no delay. Different addresses isolate the account rule. */
	for (int i = 1; i <= 4; i++) {
		char addr[32];
		snprintf(addr, sizeof addr, "10.0.%d.1", i);
		cr_assert_eq(login("asma", "Wrong-password-1", addr, t, &res, &err), SH_EUNAUTH,
			     "attempt %d: %s", i, err.code);
	}
	cr_assert_eq(login("asma", "Wrong-password-1", "10.9.0.1", t, &res, &err), SH_EUNAUTH);
	/* 5 failures: 1 s; the right password does not bypass the wait. */
	cr_assert_eq(login("asma", PW, "10.9.0.2", t, &res, &err), SH_ETHROTTLE);
	cr_assert_str_eq(err.code, "LOGIN_THROTTLED");
	cr_assert_eq(res.retry_after, 1);
	/* Each further failure doubles the wait: 2, 4, 8 s. */
	for (int n = 6; n <= 8; n++) {
		t += auth_throttle_delay(n - 1);
		cr_assert_eq(login("asma", "Wrong-password-1", "10.9.0.3", t, &res, &err), SH_EUNAUTH,
			     "failure %d: %s", n, err.code);
		cr_assert_eq(login("asma", "Wrong-password-1", "10.9.0.4", t, &res, &err),
			     SH_ETHROTTLE);
		cr_assert_eq(res.retry_after, (int64_t)1 << (n - 5));
		cr_assert_eq(login("asma", PW, "10.9.0.4", t + res.retry_after - 1, &res, &err),
			     SH_ETHROTTLE);
	}
	cr_assert_gt(audits("auth.login.throttled"), 0);
	/* After the wait, success resets the account counter. */
	t += 8;
	cr_assert_eq(login("asma", PW, "10.9.0.5", t, &res, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(login("asma", "Wrong-password-1", "10.9.0.6", t, &res, &err), SH_EUNAUTH);
	cr_assert_eq(login("asma", PW, "10.9.0.7", t, &res, &err), SH_OK, "%s", err.msg);
}

Test(auth, address_throttling_across_usernames)
{
	struct auth_login_result res;
	struct sh_err err;
	char name[32];
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "spray%d", i);
		cr_assert_eq(login(name, "Wrong-password-1", "203.0.113.9", T0, &res, &err),
			     SH_EUNAUTH);
	}
	cr_assert_eq(login("spray9", "Wrong-password-1", "203.0.113.9", T0, &res, &err),
		     SH_ETHROTTLE);
	cr_assert_eq(res.retry_after, 1);
	/* Another address is not affected. */
	cr_assert_eq(login("spray9", "Wrong-password-1", "198.51.100.1", T0, &res, &err),
		     SH_EUNAUTH);
}

static void fail_until_locked(const char *user)
{
	struct auth_login_result res;
	struct sh_err err;
	int64_t t = T0;
	for (int i = 1; i <= AUTH_LOCK_AFTER; i++) {
		t += AUTH_THROTTLE_CAP_SECONDS; /* always past the longest delay */
		cr_assert_eq(login(user, "Wrong-password-1", "10.2.2.2", t, &res, &err), SH_EUNAUTH,
			     "attempt %d: %s %s", i, err.code, err.msg);
	}
	t += AUTH_THROTTLE_CAP_SECONDS;
	cr_assert_eq(login(user, PW, "10.2.2.3", t, &res, &err), SH_EFORBIDDEN);
	cr_assert_str_eq(err.code, "ACCOUNT_LOCKED");
	cr_assert_eq(login(user, PW, "10.2.2.3", t + 86400 * 30, &res, &err), SH_EFORBIDDEN);
}

Test(auth, locked_after_one_hundred_failures_until_enabled)
{
	create("asma", PW, ROLE_ADMIN, NULL);
	fail_until_locked("asma");
	struct sh_err err;
	store_tx *tx;
	struct auth_user u;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK);
	cr_assert_eq(auth_user_get(tx, "asma", &u, &err), SH_OK);
	store_rollback(tx);
	cr_assert(u.locked);
	cr_assert_eq(set_disabled(&sys, "asma", 0, &err), SH_OK);
	struct auth_login_result res;
	cr_assert_eq(login("asma", PW, "10.2.2.3", T0 + 200 * 900, &res, &err), SH_OK, "%s",
		     err.msg);
	cr_assert_eq(audits("auth.login.locked"), 2);
}

Test(auth, unknown_accounts_lock_the_same_way)
{
	fail_until_locked("ghost");
}

Test(auth, admin_reset_revokes_sessions_and_clears_lockout)
{
	create("asma", PW, ROLE_ADMIN, NULL);
	struct auth_login_result a;
	struct sh_err err;
	struct principal p;
	cr_assert_eq(login("asma", PW, "10.3.3.3", T0, &a, &err), SH_OK);
	fail_until_locked("asma");
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(auth_user_set_password(tx, &sys, &cheap, "asma", "short", &err), SH_ERULE);
	store_rollback(tx);
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(auth_user_set_password(tx, &sys, &cheap, "nobody", "New-Password-77", &err),
		     SH_ENOTFOUND);
	store_rollback(tx);
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(auth_user_set_password(tx, &sys, &cheap, "asma", "New-Password-77", &err), SH_OK,
		     "%s", err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	cr_assert_eq(auth_session_check_at(db, kr, a.token, T0, &p, NULL, &err), SH_EUNAUTH);
	int64_t t = T0 + 1000 * 900;
	cr_assert_eq(login("asma", PW, "10.3.3.4", t, &a, &err), SH_EUNAUTH);
	cr_assert_eq(login("asma", "New-Password-77", "10.3.3.5", t, &a, &err), SH_OK, "%s",
		     err.msg);
	cr_assert_eq(audits("user.password.reset"), 1);
}

Test(auth, self_change_needs_the_current_password)
{
	int64_t id = create("bilal", PW, ROLE_CASE_OFFICER, NULL);
	struct auth_login_result a, b;
	struct sh_err err;
	struct principal p;
	int64_t retry;
	struct audit_actor me = {.kind = "operator", .id = id, .name = "bilal"};
	cr_assert_eq(login("bilal", PW, "10.4.4.4", T0, &a, &err), SH_OK);
	cr_assert_eq(login("bilal", PW, "10.4.4.4", T0, &b, &err), SH_OK);
	/* Weak new password: refused before the current one is even checked. */
	cr_assert_eq(auth_password_change_at(db, kr, &cheap, id, PW, "weak", a.token, &me, T0, &retry, &err),
		     SH_ERULE);
	cr_assert_eq(auth_password_change_at(db, kr, &cheap, id, PW, "bilal-New-Pass-1", a.token, &me, T0,
					     &retry, &err),
		     SH_ERULE, "a password containing the username");
	/* Wrong current password counts like a failed login. */
	for (int i = 0; i < 5; i++)
		cr_assert_eq(auth_password_change_at(db, kr, &cheap, id, "Wrong-password-1", "New-Password-77",
						     a.token, &me, T0, &retry, &err),
			     SH_EFORBIDDEN, "attempt %d: %s", i, err.code);
	cr_assert_str_eq(err.code, "WRONG_PASSWORD");
	cr_assert_eq(auth_password_change_at(db, kr, &cheap, id, PW, "New-Password-77", a.token, &me, T0,
					     &retry, &err),
		     SH_ETHROTTLE);
	cr_assert_eq(retry, 1);
	cr_assert_eq(auth_password_change_at(db, kr, &cheap, id, PW, "New-Password-77", a.token, &me,
					     T0 + 1, &retry, &err),
		     SH_OK, "%s", err.msg);
	/* The caller's session stays, the others end. */
	cr_assert_eq(auth_session_check_at(db, kr, a.token, T0 + 1, &p, NULL, &err), SH_OK);
	cr_assert_eq(auth_session_check_at(db, kr, b.token, T0 + 1, &p, NULL, &err), SH_EUNAUTH);
	cr_assert_eq(login("bilal", "New-Password-77", "10.4.4.5", T0 + 2, &b, &err), SH_OK,
		     "%s", err.msg);
	cr_assert_eq(audits("user.password.change"), 1);
	cr_assert_eq(audits("user.password.failure"), 5);
}

/* The per-thread check cache (auth/session_cache.h): a revocation made
 * through the API is refused at the very next check even when the token was
 * just checked (cached); expiry is checked on hits; a revocation the
 * process does not see (a direct UPDATE here, another node in production)
 * takes effect within AUTH_SESSION_CACHE_MS. */
Test(auth, cached_checks_honour_logout_disable_reset_expiry_and_the_bound)
{
	int64_t admin = create("root.admin", PW, ROLE_ADMIN, NULL);
	create("bilal", PW, ROLE_CASE_OFFICER, NULL);
	struct audit_actor adm = {.kind = "operator", .id = admin, .name = "root.admin",
				  .role = "admin"};
	struct auth_login_result res;
	struct sh_err err;
	struct principal p;
	int64_t exp = 0;

	/* Disable after a cached check. */
	cr_assert_eq(login("bilal", PW, "10.0.0.1", T0, &res, &err), SH_OK);
	cr_assert_eq(auth_session_check_at(db, kr, res.token, T0, &p, &exp, &err), SH_OK);
	cr_assert_eq(auth_session_check_at(db, kr, res.token, T0, &p, &exp, &err), SH_OK);
	cr_assert_eq(exp, T0 + TTL);
	cr_assert_str_eq(p.name, "bilal");
	cr_assert_eq(set_disabled(&adm, "bilal", 1, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(auth_session_check_at(db, kr, res.token, T0, &p, NULL, &err), SH_EUNAUTH);
	cr_assert_eq(set_disabled(&adm, "bilal", 0, &err), SH_OK, "%s", err.msg);

	/* Expiry on a cached entry. */
	cr_assert_eq(login("bilal", PW, "10.0.0.1", T0, &res, &err), SH_OK);
	cr_assert_eq(auth_session_check_at(db, kr, res.token, T0, &p, NULL, &err), SH_OK);
	cr_assert_eq(auth_session_check_at(db, kr, res.token, T0 + TTL, &p, NULL, &err),
		     SH_EUNAUTH);
	cr_assert_str_eq(err.code, "SESSION_EXPIRED");

	/* Logout after a cached check. */
	cr_assert_eq(auth_session_check_at(db, kr, res.token, T0, &p, NULL, &err), SH_OK);
	struct audit_actor me = {.kind = "operator", .name = "bilal"};
	cr_assert_eq(auth_logout(db, kr, res.token, &me, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(auth_session_check_at(db, kr, res.token, T0, &p, NULL, &err), SH_EUNAUTH);

	/* Admin password reset after a cached check. */
	cr_assert_eq(login("bilal", PW, "10.0.0.1", T0, &res, &err), SH_OK);
	cr_assert_eq(auth_session_check_at(db, kr, res.token, T0, &p, NULL, &err), SH_OK);
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(auth_user_set_password(tx, &sys, &cheap, "bilal", "New-Password-77", &err), SH_OK,
		     "%s", err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	auth_session_cache_invalidate(); /* as the HTTP handler does after its commit */
	cr_assert_eq(auth_session_check_at(db, kr, res.token, T0, &p, NULL, &err), SH_EUNAUTH);

	/* An unseen revocation: honoured within the bound, on an injected
	 * monotonic clock (M, in ms). */
	const int64_t M = 5000000;
	cr_assert_eq(login("bilal", "New-Password-77", "10.0.0.1", T0, &res, &err), SH_OK);
	cr_assert_eq(auth_session_check_clock(db, kr, res.token, T0, M, &p, NULL, &err), SH_OK);
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_geq(store_run(tx, &err, "UPDATE sessions SET revoked = 1", ""), 1);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	/* Still answered from the cache up to the bound: that is the bound, and
	 * the proof that checks are cached at all. */
	cr_assert_eq(auth_session_check_clock(db, kr, res.token, T0, M, &p, NULL, &err), SH_OK);
	cr_assert_eq(auth_session_check_clock(db, kr, res.token, T0, M + AUTH_SESSION_CACHE_MS - 1,
					      &p, NULL, &err),
		     SH_OK);
	/* At the bound the database answers. */
	cr_assert_eq(auth_session_check_clock(db, kr, res.token, T0, M + AUTH_SESSION_CACHE_MS, &p,
					      NULL, &err),
		     SH_EUNAUTH);
	cr_assert_str_eq(err.code, "INVALID_SESSION");
	/* A clock that went backwards is not trusted either. */
	cr_assert_eq(login("bilal", "New-Password-77", "10.0.0.1", T0, &res, &err), SH_OK);
	cr_assert_eq(auth_session_check_clock(db, kr, res.token, T0, M, &p, NULL, &err), SH_OK);
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_geq(store_run(tx, &err, "UPDATE sessions SET revoked = 1", ""), 1);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	cr_assert_eq(auth_session_check_clock(db, kr, res.token, T0, M - 1, &p, NULL, &err),
		     SH_EUNAUTH);
}
