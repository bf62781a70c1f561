/* apps_account.c — applicant accounts: sign-up, verification of mobile and
 * e-mail, sign-in and sessions, forgotten and changed passwords, a new
 * e-mail for an account whose first one was wrong. */
#include "apps/apps_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/throttle.h"
#include "notify/email.h"
#include "notify/sms.h"

int apps_mobile_normalize(const char *in, char out[16], struct sh_err *err)
{
	char d[16];
	size_t n = 0;
	const char *p = in ? in : "";
	if (*p == '+')
		p++;
	for (; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (*p < '0' || *p > '9' || n + 1 >= sizeof d)
			goto bad;
		d[n++] = *p;
	}
	d[n] = '\0';
	const char *rest;
	if (n == 12 && strncmp(d, "92", 2) == 0)
		rest = d + 2; /* 92 3XX XXXXXXX */
	else if (n == 11 && d[0] == '0')
		rest = d + 1; /* 03XX XXXXXXX */
	else
		goto bad;
	if (rest[0] != '3') /* Pakistani mobiles are 3XX: landlines get no SMS */
		goto bad;
	snprintf(out, 16, "+92%.10s", rest);
	return SH_OK;
bad:
	return sh_err_set(err, SH_EINVAL, "MOBILE_INVALID",
			  "mobile must be a Pakistani mobile number (+923XXXXXXXXX or 03XXXXXXXXX)");
}

static int username_valid(const char *u)
{
	size_t n = u ? strlen(u) : 0;
	if (n < 3 || n > APPS_USERNAME_MAX || u[0] < 'a' || u[0] > 'z')
		return 0;
	for (const char *p = u; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-'))
			return 0;
	return 1;
}

static void token_hash_hex(const struct keyring *kr, const char *token, char out[65])
{
	unsigned char h[32];
	keyring_hash(kr, KEY_TOKEN_PEPPER, token, strlen(token), h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static int audit_acct(store_tx *tx, const struct audit_actor *actor, int64_t account_id,
		      const char *username, const char *action, struct sh_err *err)
{
	char object[48];
	snprintf(object, sizeof object, "applicant:%lld", (long long)account_id);
	struct audit_actor a = *actor;
	if (!a.kind || !strcmp(a.kind, "anonymous")) {
		a.kind = "applicant";
		a.id = account_id;
		a.name = username;
	}
	return audit_append(tx, &a, action, object, NULL, err);
}

/* The two texts of a code: English then Urdu, in one message. */
static int send_sms_code(store_tx *tx, const char *mobile, const char *what, const char *code,
			 int64_t now, struct sh_err *err)
{
	char text[400];
	snprintf(text, sizeof text,
		 "Shanakht: your %s code is %s (valid 15 minutes). Never share it.\n"
		 "شناخت: آپ کا %s کوڈ %s ہے (15 منٹ کے لیے)۔ یہ کسی کو نہ بتائیں۔",
		 what, code, strcmp(what, "password reset") ? "تصدیقی" : "پاس ورڈ ری سیٹ", code);
	return sms_enqueue(tx, mobile, text, "apps.code", now + APPS_CODE_TTL, NULL, err);
}

static int send_email_code(store_tx *tx, const char *email, const char *username,
			   const char *what, const char *code, int64_t now, struct sh_err *err)
{
	char body[800];
	snprintf(body, sizeof body,
		 "Dear %s,\n\nyour Shanakht %s code is %s. It is valid for 15 minutes and can "
		 "be used once. If you did not ask for it, ignore this message.\n\n"
		 "محترم %s، آپ کا شناخت کوڈ %s ہے۔ یہ 15 منٹ کے لیے ہے۔\n",
		 username, what, code, username, code);
	char subject[80];
	snprintf(subject, sizeof subject, "Shanakht %s code", what);
	return email_enqueue(tx, email, subject, body, "apps.code", now + APPS_CODE_TTL, err);
}

int apps_signup(store_tx *tx, const struct keyring *kr, const struct auth_pwcost *cost,
		const struct audit_actor *actor, const char *username, const char *password,
		const char *mobile, const char *email, int64_t now, int64_t *account_id,
		struct apps_sent_codes *sent, struct sh_err *err)
{
	char m[16], hash[AUTH_HASH_MAX];
	struct apps_sent_codes codes = {0};
	store_stmt *st = NULL;
	if (!username_valid(username))
		return sh_err_set(err, SH_EINVAL, "USERNAME_INVALID",
				  "username: 3-32 of a-z 0-9 . _ -, starting with a letter");
	int rc = apps_mobile_normalize(mobile, m, err);
	if (rc != SH_OK)
		return rc;
	if (!email_addr_valid(email))
		return sh_err_set(err, SH_EINVAL, "EMAIL_INVALID", "email is not a valid address");
	if (!password || (rc = auth_password_check(password, username, err)) != SH_OK)
		return password ? rc : sh_err_set(err, SH_ERULE, "WEAK_PASSWORD", "password missing");
	rc = store_query(tx, &st, err, "SELECT 1 FROM apps_accounts WHERE username = ?", "t",
			 username);
	if (rc == SH_OK)
		rc = store_step(st, err);
	store_finalize(st);
	st = NULL;
	if (rc == STORE_ROW)
		return sh_err_set(err, SH_ECONFLICT, "USERNAME_TAKEN", "that username is taken");
	if (rc < 0)
		return rc;
	rc = auth_password_hash(cost, password, hash, err);
	if (rc != SH_OK)
		return rc;
	rc = store_query(tx, &st, err,
			 "INSERT INTO apps_accounts(username, pw_hash, mobile, email, created_at)"
			 " VALUES (?, ?, ?, ?, ?) RETURNING id",
			 "tttti", username, hash, m, email, now);
	if (rc == SH_OK)
		rc = store_step(st, err);
	if (rc == STORE_ROW) {
		*account_id = store_col_int(st, 0);
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_EDB, "APPS_INSERT", "no id returned");
	}
	store_finalize(st);
	if (rc == SH_OK)
		rc = apps_code_issue(tx, kr, *account_id, "mobile", now, codes.mobile, err);
	if (rc == SH_OK)
		rc = apps_code_issue(tx, kr, *account_id, "email", now, codes.email, err);
	if (rc == SH_OK)
		rc = send_sms_code(tx, m, "verification", codes.mobile, now, err);
	if (rc == SH_OK)
		rc = send_email_code(tx, email, username, "verification", codes.email, now, err);
	if (rc == SH_OK)
		rc = audit_acct(tx, actor, *account_id, username, "apps.account.signup", err);
	if (rc == SH_OK && sent)
		*sent = codes;
	sodium_memzero(&codes, sizeof codes);
	return rc;
}

struct acct_row {
	int64_t id;
	char hash[AUTH_HASH_MAX];
	char mobile[16], email[256];
	int mobile_verified, email_verified;
};

/* 1 found, 0 not, negative on a store failure. */
static int acct_by_name(store_tx *tx, const char *username, struct acct_row *a,
			struct sh_err *err)
{
	store_stmt *st = NULL;
	memset(a, 0, sizeof *a);
	int rc = store_query(tx, &st, err,
			     "SELECT id, pw_hash, mobile, email, mobile_verified, email_verified"
			     " FROM apps_accounts WHERE username = ? FOR UPDATE",
			     "t", username ? username : "");
	if (rc == SH_OK)
		rc = store_step(st, err);
	if (rc == STORE_ROW) {
		a->id = store_col_int(st, 0);
		snprintf(a->hash, sizeof a->hash, "%s", store_col_text(st, 1));
		snprintf(a->mobile, sizeof a->mobile, "%s", store_col_text(st, 2));
		snprintf(a->email, sizeof a->email, "%s", store_col_text(st, 3));
		a->mobile_verified = store_col_int(st, 4) != 0;
		a->email_verified = store_col_int(st, 5) != 0;
		rc = 1;
	}
	store_finalize(st);
	return rc;
}

static int channel_ok(const char *c)
{
	return c && (!strcmp(c, "mobile") || !strcmp(c, "email"));
}

int apps_verify(store_tx *tx, const struct keyring *kr, const struct audit_actor *actor,
		const char *username, const char *channel, const char *code, int64_t now,
		int *ok, struct sh_err *err)
{
	struct acct_row a;
	*ok = 0;
	if (!channel_ok(channel))
		return sh_err_set(err, SH_EINVAL, "CHANNEL", "channel must be mobile or email");
	int rc = acct_by_name(tx, username, &a, err);
	if (rc < 0)
		return rc;
	rc = apps_code_redeem(tx, kr, a.id, channel, code, now, ok, err);
	if (rc != SH_OK || !*ok)
		return rc;
	rc = store_run(tx, err,
		       !strcmp(channel, "mobile")
			       ? "UPDATE apps_accounts SET mobile_verified = 1 WHERE id = ?"
			       : "UPDATE apps_accounts SET email_verified = 1 WHERE id = ?",
		       "i", a.id);
	if (rc < 0)
		return rc;
	return audit_acct(tx, actor, a.id, username,
			  !strcmp(channel, "mobile") ? "apps.account.mobile_verified"
						     : "apps.account.email_verified",
			  err);
}

int apps_resend(store_tx *tx, const struct keyring *kr, const char *username,
		const char *channel, int64_t now, struct apps_sent_codes *sent,
		struct sh_err *err)
{
	struct acct_row a;
	char code[APPS_CODE_DIGITS + 1];
	if (!channel_ok(channel))
		return sh_err_set(err, SH_EINVAL, "CHANNEL", "channel must be mobile or email");
	int rc = acct_by_name(tx, username, &a, err);
	if (rc <= 0)
		return rc; /* unknown: the same answer, nothing sent */
	int is_mobile = !strcmp(channel, "mobile");
	if (is_mobile ? a.mobile_verified : a.email_verified)
		return SH_OK;
	rc = apps_code_issue(tx, kr, a.id, channel, now, code, err);
	if (rc == SH_OK)
		rc = is_mobile ? send_sms_code(tx, a.mobile, "verification", code, now, err)
			       : send_email_code(tx, a.email, username, "verification", code, now,
						 err);
	if (rc == SH_OK && sent)
		snprintf(is_mobile ? sent->mobile : sent->email, APPS_CODE_DIGITS + 1, "%s", code);
	sodium_memzero(code, sizeof code);
	return rc;
}

int apps_email_change(store_tx *tx, const struct keyring *kr, const struct auth_pwcost *cost,
		      const struct audit_actor *actor, const char *username,
		      const char *password, const char *email, int64_t now,
		      struct apps_sent_codes *sent, struct sh_err *err)
{
	struct acct_row a;
	char code[APPS_CODE_DIGITS + 1];
	if (!email_addr_valid(email))
		return sh_err_set(err, SH_EINVAL, "EMAIL_INVALID", "email is not a valid address");
	int rc = acct_by_name(tx, username, &a, err);
	if (rc < 0)
		return rc;
	if (!auth_password_verify(cost, rc ? a.hash : NULL, password ? password : "") || !rc)
		return sh_err_set(err, SH_EUNAUTH, "INVALID_CREDENTIALS",
				  "wrong username or password");
	if (a.email_verified)
		return sh_err_set(err, SH_ECONFLICT, "EMAIL_ALREADY_VERIFIED",
				  "this account's e-mail is verified: it cannot be replaced here");
	rc = store_run(tx, err, "UPDATE apps_accounts SET email = ? WHERE id = ?", "ti", email,
		       a.id);
	if (rc < 0)
		return rc;
	rc = apps_code_issue(tx, kr, a.id, "email", now, code, err);
	if (rc == SH_OK)
		rc = send_email_code(tx, email, username, "verification", code, now, err);
	if (rc == SH_OK)
		rc = audit_acct(tx, actor, a.id, username, "apps.account.email_changed", err);
	if (rc == SH_OK && sent)
		snprintf(sent->email, sizeof sent->email, "%s", code);
	sodium_memzero(code, sizeof code);
	return rc;
}

static int session_open(store_tx *tx, const struct keyring *kr, int64_t account_id,
			int64_t now, struct apps_session *out, struct sh_err *err)
{
	unsigned char raw[32];
	char hh[65];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out->token, sizeof out->token, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	token_hash_hex(kr, out->token, hh);
	out->expires_at = now + APPS_SESSION_TTL;
	out->account_id = account_id;
	int rc = store_run(tx, err,
			   "INSERT INTO apps_sessions(token_hash, account_id, created_at, expires_at)"
			   " VALUES (?, ?, ?, ?)",
			   "tiii", hh, account_id, now, out->expires_at);
	return rc < 0 ? rc : SH_OK;
}

/* Sign-in attempts are counted per username (known or not, so the throttle
 * tells nothing about which accounts exist) and per client address, with
 * the operators' rule (auth/throttle.h: from the 5th consecutive failure a
 * wait of 2^(n-5) s, at most 15 min); an applicant account is never locked
 * by others' failures (kinds other than "account" do not lock). */
#define APPS_THROTTLE_ACCOUNT "apps_account"
#define APPS_THROTTLE_ADDRESS "apps_address"

int apps_login(store_tx *tx, const struct keyring *kr, const struct auth_pwcost *cost,
	       const struct audit_actor *actor, const char *username, const char *password,
	       int64_t now, struct apps_session *out, int *ok, struct sh_err *err)
{
	struct acct_row a;
	struct auth_throttle ta = {0}, tb = {0};
	memset(out, 0, sizeof *out);
	*ok = 0;
	/* Only a name that could be an account is counted (bounded subjects). */
	int countable = username && *username && strlen(username) <= APPS_USERNAME_MAX;
	const char *addr = actor && actor->client_addr && *actor->client_addr
				   ? actor->client_addr
				   : NULL;
	int rc;
	if (countable &&
	    (rc = auth_throttle_get(tx, APPS_THROTTLE_ACCOUNT, username, &ta, err)) != SH_OK)
		return rc;
	if (addr && (rc = auth_throttle_get(tx, APPS_THROTTLE_ADDRESS, addr, &tb, err)) != SH_OK)
		return rc;
	int64_t wait = auth_throttle_wait(&ta, now), wb = auth_throttle_wait(&tb, now);
	if (wb > wait)
		wait = wb;
	if (wait > 0) {
		out->retry_after = wait;
		sh_err_set(err, SH_ETHROTTLE, "LOGIN_THROTTLED",
			   "too many failed sign-ins: retry in %lld s", (long long)wait);
		return SH_OK;
	}
	rc = acct_by_name(tx, username, &a, err);
	if (rc < 0)
		return rc;
	/* The same Argon2id work for an unknown user (a dummy hash). */
	int good = auth_password_verify(cost, rc ? a.hash : NULL, password ? password : "");
	if (!rc || !good) {
		int r2;
		if (countable && (r2 = auth_throttle_fail(tx, APPS_THROTTLE_ACCOUNT, username, now,
							  &ta, err)) != SH_OK)
			return r2;
		if (addr && (r2 = auth_throttle_fail(tx, APPS_THROTTLE_ADDRESS, addr, now, &tb,
						     err)) != SH_OK)
			return r2;
		sh_err_set(err, SH_EUNAUTH, "INVALID_CREDENTIALS", "wrong username or password");
		return SH_OK; /* commit: the failure counts */
	}
	if (auth_throttle_clear(tx, APPS_THROTTLE_ACCOUNT, username, err) < 0)
		return err->status;
	if (!a.mobile_verified || !a.email_verified) {
		sh_err_set(err, SH_EFORBIDDEN, "ACCOUNT_UNVERIFIED",
			   "verify the mobile number and the e-mail address first");
		return SH_OK;
	}
	rc = session_open(tx, kr, a.id, now, out, err);
	if (rc == SH_OK)
		rc = audit_acct(tx, actor, a.id, username, "apps.account.login", err);
	if (rc == SH_OK)
		*ok = 1;
	return rc;
}

int apps_session_check(store *db, const struct keyring *kr, const char *token, int64_t now,
		       struct principal *out, struct sh_err *err)
{
	if (!token || strlen(token) != APPS_TOKEN_HEX - 1)
		return sh_err_set(err, SH_EUNAUTH, "APPLICANT_SESSION", "invalid or expired session");
	char hh[65];
	token_hash_hex(kr, token, hh);
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	int rc = store_begin(db, STORE_READ, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = store_query(tx, &st, err,
			 "SELECT s.account_id, a.username FROM apps_sessions s"
			 " JOIN apps_accounts a ON a.id = s.account_id"
			 " WHERE s.token_hash = ? AND s.revoked = 0 AND s.expires_at > ?",
			 "ti", hh, now);
	if (rc == SH_OK)
		rc = store_step(st, err);
	if (rc == STORE_ROW) {
		memset(out, 0, sizeof *out);
		out->kind = PRINCIPAL_APPLICANT;
		out->id = store_col_int(st, 0);
		snprintf(out->name, sizeof out->name, "%s", store_col_text(st, 1));
		snprintf(out->role, sizeof out->role, "applicant");
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_EUNAUTH, "APPLICANT_SESSION", "invalid or expired session");
	}
	store_finalize(st);
	store_rollback(tx);
	return rc;
}

int apps_logout(store_tx *tx, const struct keyring *kr, const char *token, struct sh_err *err)
{
	char hh[65];
	if (!token)
		return SH_OK;
	token_hash_hex(kr, token, hh);
	int rc = store_run(tx, err, "UPDATE apps_sessions SET revoked = 1 WHERE token_hash = ?",
			   "t", hh);
	return rc < 0 ? rc : SH_OK;
}

int apps_password_forgot(store_tx *tx, const struct keyring *kr, const char *username,
			 int64_t now, struct apps_sent_codes *sent, struct sh_err *err)
{
	struct acct_row a;
	char code[APPS_CODE_DIGITS + 1];
	int rc = acct_by_name(tx, username, &a, err);
	if (rc <= 0)
		return rc; /* unknown: the same answer */
	if (!a.mobile_verified && !a.email_verified)
		return SH_OK; /* nowhere proven to send it */
	rc = apps_code_issue(tx, kr, a.id, "reset", now, code, err);
	if (rc == SH_OK && a.mobile_verified)
		rc = send_sms_code(tx, a.mobile, "password reset", code, now, err);
	if (rc == SH_OK && a.email_verified)
		rc = send_email_code(tx, a.email, username, "password reset", code, now, err);
	if (rc == SH_OK && sent)
		snprintf(sent->mobile, sizeof sent->mobile, "%s", code);
	sodium_memzero(code, sizeof code);
	return rc;
}

static int set_password(store_tx *tx, const struct auth_pwcost *cost, int64_t account_id,
			const char *username, const char *password, const char *keep_hash,
			struct sh_err *err)
{
	char hash[AUTH_HASH_MAX];
	int rc = auth_password_check(password ? password : "", username, err);
	if (rc == SH_OK)
		rc = auth_password_hash(cost, password, hash, err);
	if (rc != SH_OK)
		return rc;
	rc = store_run(tx, err, "UPDATE apps_accounts SET pw_hash = ? WHERE id = ?", "ti", hash,
		       account_id);
	if (rc >= 0)
		rc = store_run(tx, err,
			       "UPDATE apps_sessions SET revoked = 1 WHERE account_id = ?"
			       " AND token_hash <> ?",
			       "it", account_id, keep_hash ? keep_hash : "");
	return rc < 0 ? rc : SH_OK;
}

int apps_password_reset(store_tx *tx, const struct keyring *kr, const struct auth_pwcost *cost,
			const struct audit_actor *actor, const char *username,
			const char *code, const char *password, int64_t now, int *ok,
			struct sh_err *err)
{
	struct acct_row a;
	*ok = 0;
	int rc = acct_by_name(tx, username, &a, err);
	if (rc < 0)
		return rc;
	/* Check the policy first: a weak password spends no try. */
	if ((rc = auth_password_check(password ? password : "", username, err)) != SH_OK)
		return rc;
	rc = apps_code_redeem(tx, kr, a.id, "reset", code, now, ok, err);
	if (rc != SH_OK || !*ok)
		return rc;
	rc = set_password(tx, cost, a.id, username, password, NULL, err);
	if (rc == SH_OK)
		rc = audit_acct(tx, actor, a.id, username, "apps.account.password_reset", err);
	return rc;
}

int apps_password_change(store_tx *tx, const struct keyring *kr,
			 const struct auth_pwcost *cost, const struct audit_actor *actor,
			 int64_t account_id, const char *current, const char *next,
			 const char *keep_token, struct sh_err *err)
{
	struct apps_account acc;
	store_stmt *st = NULL;
	char hash[AUTH_HASH_MAX] = "";
	int rc = apps_account_get(tx, account_id, &acc, err);
	if (rc != SH_OK)
		return rc;
	rc = store_query(tx, &st, err, "SELECT pw_hash FROM apps_accounts WHERE id = ?", "i",
			 account_id);
	if (rc == SH_OK && (rc = store_step(st, err)) == STORE_ROW) {
		snprintf(hash, sizeof hash, "%s", store_col_text(st, 0));
		rc = SH_OK;
	}
	store_finalize(st);
	if (rc != SH_OK)
		return rc < 0 ? rc : sh_err_set(err, SH_ENOTFOUND, "ACCOUNT_NOT_FOUND", "no account");
	if (!auth_password_verify(cost, hash, current ? current : ""))
		return sh_err_set(err, SH_EFORBIDDEN, "WRONG_PASSWORD", "the current password is wrong");
	char keep[65] = "";
	if (keep_token)
		token_hash_hex(kr, keep_token, keep);
	rc = set_password(tx, cost, account_id, acc.username, next, keep_token ? keep : NULL, err);
	if (rc == SH_OK)
		rc = audit_acct(tx, actor, account_id, acc.username, "apps.account.password_changed",
				err);
	return rc;
}

int apps_account_get(store_tx *tx, int64_t account_id, struct apps_account *out,
		     struct sh_err *err)
{
	store_stmt *st = NULL;
	memset(out, 0, sizeof *out);
	int rc = store_query(tx, &st, err,
			     "SELECT id, username, mobile, email, mobile_verified, email_verified,"
			     " created_at FROM apps_accounts WHERE id = ?",
			     "i", account_id);
	if (rc == SH_OK)
		rc = store_step(st, err);
	if (rc == STORE_ROW) {
		out->id = store_col_int(st, 0);
		snprintf(out->username, sizeof out->username, "%s", store_col_text(st, 1));
		snprintf(out->mobile, sizeof out->mobile, "%s", store_col_text(st, 2));
		snprintf(out->email, sizeof out->email, "%s", store_col_text(st, 3));
		out->mobile_verified = store_col_int(st, 4) != 0;
		out->email_verified = store_col_int(st, 5) != 0;
		out->created_at = store_col_int(st, 6);
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_ENOTFOUND, "ACCOUNT_NOT_FOUND", "no such account");
	}
	store_finalize(st);
	return rc;
}
