/* test_accounts.c — applicant accounts: sign-up rules, verification codes
 * (single use, tries, expiry, unknown accounts answered alike), sign-in,
 * sessions, forgotten and changed passwords, a new e-mail. */
#include "fixture.h"

#include "lib/parse.h"

static struct afx f;
static void setup(void) { afx_open(&f); }
static void teardown(void) { afx_close(&f); }
TestSuite(apps_accounts, .init = setup, .fini = teardown);

Test(apps_accounts, mobile_numbers)
{
	struct sh_err err = {0};
	char m[16];
	cr_assert_eq(apps_mobile_normalize("03001234567", m, &err), SH_OK);
	cr_assert_str_eq(m, "+923001234567");
	cr_assert_eq(apps_mobile_normalize("+92 300 1234567", m, &err), SH_OK);
	cr_assert_str_eq(m, "+923001234567");
	cr_assert_eq(apps_mobile_normalize("923451234567", m, &err), SH_OK);
	/* A landline, a foreign mobile, too short, letters. */
	cr_assert_eq(apps_mobile_normalize("0421234567", m, &err), SH_EINVAL);
	cr_assert_eq(apps_mobile_normalize("+447700900123", m, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "MOBILE_INVALID");
	cr_assert_eq(apps_mobile_normalize("0300123456", m, &err), SH_EINVAL);
	cr_assert_eq(apps_mobile_normalize("03OO1234567", m, &err), SH_EINVAL);
	cr_assert_eq(apps_mobile_normalize("+922001234567", m, &err), SH_EINVAL);
}

static int signup(const char *u, const char *pw, const char *mobile, const char *email,
		  struct apps_sent_codes *c, struct sh_err *err)
{
	int64_t id;
	store_tx *tx = afx_begin(&f);
	int rc = apps_signup(tx, f.kr, &apps_cheap, &f.anon, u, pw, mobile, email, sh_now(), &id,
			     c, err);
	if (rc == SH_OK)
		afx_commit(tx);
	else
		store_rollback(tx);
	return rc;
}

Test(apps_accounts, signup_refusals)
{
	struct sh_err err = {0};
	struct apps_sent_codes c;
	cr_assert_eq(signup("A", FX_PW, "03001234567", "a@b.pk", &c, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "USERNAME_INVALID");
	cr_assert_eq(signup("ayesha", FX_PW, "12345", "a@b.pk", &c, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "MOBILE_INVALID");
	cr_assert_eq(signup("ayesha", FX_PW, "03001234567", "not-an-address", &c, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "EMAIL_INVALID");
	cr_assert_eq(signup("ayesha", FX_PW, "03001234567", "a@b.pk\r\nBcc: x@y.pk", &c, &err),
		     SH_EINVAL);
	cr_assert_eq(signup("ayesha", "short", "03001234567", "a@b.pk", &c, &err), SH_ERULE);
	cr_assert_str_eq(err.code, "WEAK_PASSWORD");
	cr_assert_eq(signup("ayesha", FX_PW, "03001234567", "a@b.pk", &c, &err), SH_OK);
	cr_assert_eq(signup("ayesha", FX_PW, "03001234567", "a@b.pk", &c, &err), SH_ECONFLICT);
	cr_assert_str_eq(err.code, "USERNAME_TAKEN");
	/* The codes went out: one SMS, one e-mail. */
	struct sms_outbox_counts sc;
	struct email_outbox_counts ec;
	cr_assert_eq(sms_outbox_counts(f.db, &sc, &err), SH_OK);
	cr_assert_eq(email_outbox_counts(f.db, &ec, &err), SH_OK);
	cr_assert_eq(sc.pending, 1);
	cr_assert_eq(ec.pending, 1);
}

static int verify(const char *u, const char *ch, const char *code, int64_t now, int *ok,
		  struct sh_err *err)
{
	store_tx *tx = afx_begin(&f);
	int rc = apps_verify(tx, f.kr, &f.anon, u, ch, code, now, ok, err);
	if (rc == SH_OK)
		afx_commit(tx);
	else
		store_rollback(tx);
	return rc;
}

static int login_as(const struct audit_actor *actor, const char *u, const char *pw,
		    int64_t now, struct apps_session *s, struct sh_err *err)
{
	store_tx *tx = afx_begin(&f);
	int ok = 0;
	int rc = apps_login(tx, f.kr, &apps_cheap, actor, u, pw, now, s, &ok, err);
	if (rc == SH_OK) {
		afx_commit(tx);
		if (!ok)
			rc = err->status;
	} else {
		store_rollback(tx);
	}
	return rc;
}

static int login(const char *u, const char *pw, struct apps_session *s, struct sh_err *err)
{
	return login_as(&f.anon, u, pw, sh_now(), s, err);
}

Test(apps_accounts, verification_codes)
{
	struct sh_err err = {0};
	struct apps_sent_codes c;
	struct apps_session s;
	int ok = 0;
	cr_assert_eq(signup("bilal", FX_PW, "03001234567", "bilal@example.pk", &c, &err), SH_OK);
	/* Unverified: the right password still does not sign in. */
	cr_assert_eq(login("bilal", FX_PW, &s, &err), SH_EFORBIDDEN);
	cr_assert_str_eq(err.code, "ACCOUNT_UNVERIFIED");
	/* A wrong code; an unknown account answers the same. */
	cr_assert_eq(verify("bilal", "mobile", "000000", sh_now(), &ok, &err), SH_OK);
	if (strcmp(c.mobile, "000000") != 0) {
		cr_assert_not(ok);
		cr_assert_str_eq(err.code, "CODE_INVALID");
	}
	cr_assert_eq(verify("nobody", "mobile", "123456", sh_now(), &ok, &err), SH_OK);
	cr_assert_not(ok);
	cr_assert_str_eq(err.code, "CODE_INVALID");
	/* The mobile code does not verify the e-mail. */
	if (strcmp(c.mobile, c.email) != 0) {
		cr_assert_eq(verify("bilal", "email", c.mobile, sh_now(), &ok, &err), SH_OK);
		cr_assert_not(ok);
	}
	cr_assert_eq(verify("bilal", "mobile", c.mobile, sh_now(), &ok, &err), SH_OK);
	cr_assert(ok, "%s", err.code);
	/* Single use. */
	cr_assert_eq(verify("bilal", "mobile", c.mobile, sh_now(), &ok, &err), SH_OK);
	cr_assert_not(ok);
	/* Expired e-mail code: past its 15 minutes. */
	cr_assert_eq(verify("bilal", "email", c.email, sh_now() + APPS_CODE_TTL + 1, &ok, &err),
		     SH_OK);
	cr_assert_not(ok);
	cr_assert_str_eq(err.code, "CODE_EXPIRED");
	cr_assert_eq(err.status, SH_EGONE);
	cr_assert_eq(verify("bilal", "sms", c.email, sh_now(), &ok, &err), SH_EINVAL);
	/* A fresh e-mail code, then in. */
	struct apps_sent_codes c2 = {0};
	store_tx *tx = afx_begin(&f);
	cr_assert_eq(apps_resend(tx, f.kr, "bilal", "email", sh_now(), &c2, &err), SH_OK);
	afx_commit(tx);
	cr_assert_eq(strlen(c2.email), 6);
	cr_assert_eq(verify("bilal", "email", c2.email, sh_now(), &ok, &err), SH_OK);
	cr_assert(ok, "%s", err.code);
	cr_assert_eq(login("bilal", FX_PW, &s, &err), SH_OK, "%s", err.code);
	struct principal p;
	cr_assert_eq(apps_session_check(f.db, f.kr, s.token, sh_now(), &p, &err), SH_OK);
	cr_assert_eq(p.kind, PRINCIPAL_APPLICANT);
	cr_assert_str_eq(p.name, "bilal");
	cr_assert_eq(apps_session_check(f.db, f.kr, s.token, s.expires_at, &p, &err), SH_EUNAUTH);
	tx = afx_begin(&f);
	cr_assert_eq(apps_logout(tx, f.kr, s.token, &err), SH_OK);
	afx_commit(tx);
	cr_assert_eq(apps_session_check(f.db, f.kr, s.token, sh_now(), &p, &err), SH_EUNAUTH);
}

Test(apps_accounts, code_tries_limited)
{
	struct sh_err err = {0};
	struct apps_sent_codes c;
	int ok = 0;
	cr_assert_eq(signup("chand", FX_PW, "03001234567", "chand@example.pk", &c, &err), SH_OK);
	char bad[7];
	memcpy(bad, c.mobile, sizeof bad);
	bad[0] = bad[0] == '1' ? '2' : '1';
	for (int i = 0; i < APPS_CODE_TRIES; i++) {
		cr_assert_eq(verify("chand", "mobile", bad, sh_now(), &ok, &err), SH_OK);
		cr_assert_not(ok);
		cr_assert_str_eq(err.code, "CODE_INVALID");
	}
	/* Now the right code is refused too: the tries are used up. */
	cr_assert_eq(verify("chand", "mobile", c.mobile, sh_now(), &ok, &err), SH_OK);
	cr_assert_not(ok);
	cr_assert_str_eq(err.code, "CODE_EXPIRED");
}

Test(apps_accounts, login_refusals_alike)
{
	struct sh_err err = {0};
	struct apps_session s;
	afx_account(&f, "dua");
	cr_assert_eq(login("dua", "wrong password 123", &s, &err), SH_EUNAUTH);
	cr_assert_str_eq(err.code, "INVALID_CREDENTIALS");
	cr_assert_eq(login("nobody", FX_PW, &s, &err), SH_EUNAUTH);
	cr_assert_str_eq(err.code, "INVALID_CREDENTIALS");
	cr_assert_eq(login("dua", FX_PW, &s, &err), SH_OK);
}

Test(apps_accounts, forgotten_password)
{
	struct sh_err err = {0};
	struct apps_session s1, s2;
	struct apps_sent_codes c = {0};
	int ok = 0;
	afx_account(&f, "ehsan");
	cr_assert_eq(login("ehsan", FX_PW, &s1, &err), SH_OK);
	store_tx *tx = afx_begin(&f);
	cr_assert_eq(apps_password_forgot(tx, f.kr, "nobody", sh_now(), &c, &err), SH_OK);
	cr_assert_str_eq(c.mobile, "");
	cr_assert_eq(apps_password_forgot(tx, f.kr, "ehsan", sh_now(), &c, &err), SH_OK);
	afx_commit(tx);
	cr_assert_eq(strlen(c.mobile), 6);
	const char *np = "a brand new passphrase 7";
	tx = afx_begin(&f);
	cr_assert_eq(apps_password_reset(tx, f.kr, &apps_cheap, &f.anon, "ehsan", c.mobile, "weak",
					 sh_now(), &ok, &err),
		     SH_ERULE);
	store_rollback(tx);
	tx = afx_begin(&f);
	cr_assert_eq(apps_password_reset(tx, f.kr, &apps_cheap, &f.anon, "ehsan", c.mobile, np,
					 sh_now(), &ok, &err),
		     SH_OK);
	cr_assert(ok, "%s", err.code);
	afx_commit(tx);
	/* The old session ended; the old password no longer works. */
	struct principal p;
	cr_assert_eq(apps_session_check(f.db, f.kr, s1.token, sh_now(), &p, &err), SH_EUNAUTH);
	cr_assert_eq(login("ehsan", FX_PW, &s2, &err), SH_EUNAUTH);
	cr_assert_eq(login("ehsan", np, &s2, &err), SH_OK);
	/* The code was single use. */
	tx = afx_begin(&f);
	cr_assert_eq(apps_password_reset(tx, f.kr, &apps_cheap, &f.anon, "ehsan", c.mobile,
					 "yet another passphrase 8", sh_now(), &ok, &err),
		     SH_OK);
	cr_assert_not(ok);
	store_rollback(tx);
}

Test(apps_accounts, password_change)
{
	struct sh_err err = {0};
	struct apps_session a, b;
	int64_t id = afx_account(&f, "fatima");
	cr_assert_eq(login("fatima", FX_PW, &a, &err), SH_OK);
	cr_assert_eq(login("fatima", FX_PW, &b, &err), SH_OK);
	const char *np = "another long passphrase 5";
	store_tx *tx = afx_begin(&f);
	cr_assert_eq(apps_password_change(tx, f.kr, &apps_cheap, &f.anon, id, "wrong one 12345", np,
					  a.token, &err),
		     SH_EFORBIDDEN);
	cr_assert_str_eq(err.code, "WRONG_PASSWORD");
	store_rollback(tx);
	tx = afx_begin(&f);
	cr_assert_eq(apps_password_change(tx, f.kr, &apps_cheap, &f.anon, id, FX_PW, np, a.token,
					  &err),
		     SH_OK, "%s", err.code);
	afx_commit(tx);
	struct principal p;
	cr_assert_eq(apps_session_check(f.db, f.kr, a.token, sh_now(), &p, &err), SH_OK);
	cr_assert_eq(apps_session_check(f.db, f.kr, b.token, sh_now(), &p, &err), SH_EUNAUTH);
}

Test(apps_accounts, new_email_when_first_was_wrong)
{
	struct sh_err err = {0};
	struct apps_sent_codes c, c2 = {0};
	int ok = 0;
	cr_assert_eq(signup("ghazala", FX_PW, "03001234567", "ghazala@typo.pk", &c, &err), SH_OK);
	store_tx *tx = afx_begin(&f);
	cr_assert_eq(apps_email_change(tx, f.kr, &apps_cheap, &f.anon, "ghazala", "bad password 1",
				       "ghazala@example.pk", sh_now(), &c2, &err),
		     SH_EUNAUTH);
	store_rollback(tx);
	tx = afx_begin(&f);
	cr_assert_eq(apps_email_change(tx, f.kr, &apps_cheap, &f.anon, "ghazala", FX_PW,
				       "ghazala@example.pk", sh_now(), &c2, &err),
		     SH_OK, "%s", err.code);
	afx_commit(tx);
	/* The first address's code is spent; the new one verifies. */
	if (strcmp(c.email, c2.email) != 0) {
		cr_assert_eq(verify("ghazala", "email", c.email, sh_now(), &ok, &err), SH_OK);
		cr_assert_not(ok);
	}
	cr_assert_eq(verify("ghazala", "email", c2.email, sh_now(), &ok, &err), SH_OK);
	cr_assert(ok);
	tx = afx_begin(&f);
	struct apps_account acc;
	cr_assert_eq(apps_account_get(tx, 1, &acc, &err), SH_OK);
	cr_assert_str_eq(acc.email, "ghazala@example.pk");
	/* Verified now: no more replacing it this way. */
	cr_assert_eq(apps_email_change(tx, f.kr, &apps_cheap, &f.anon, "ghazala", FX_PW,
				       "other@example.pk", sh_now(), &c2, &err),
		     SH_ECONFLICT);
	store_rollback(tx);
}

/* Sign-in throttle: per username (known or not) and per client address,
 * the operators' rule (5 consecutive failures, then 2^(n-5) s). */
Test(apps_accounts, sign_in_throttle_per_account_and_per_address)
{
	struct sh_err err = {0};
	struct apps_session s;
	int64_t now = sh_now();
	afx_account(&f, "tariq");
	struct audit_actor a1 = f.anon, a2 = f.anon;
	a1.client_addr = "192.0.2.10";
	a2.client_addr = "192.0.2.11";
	for (int i = 0; i < 5; i++) {
		cr_assert_eq(login_as(&a1, "tariq", "wrong password 1", now, &s, &err), SH_EUNAUTH);
		cr_assert_str_eq(err.code, "INVALID_CREDENTIALS");
	}
	/* Even the right password waits now, from another address too. */
	cr_assert_eq(login_as(&a2, "tariq", FX_PW, now, &s, &err), SH_ETHROTTLE);
	cr_assert_str_eq(err.code, "LOGIN_THROTTLED");
	cr_assert_gt(s.retry_after, 0);
	/* An unknown username is counted alike (no enumeration). */
	for (int i = 0; i < 5; i++)
		cr_assert_eq(login_as(&a2, "nobody", "wrong password 1", now, &s, &err), SH_EUNAUTH);
	cr_assert_eq(login_as(&a2, "nobody", "wrong password 1", now, &s, &err), SH_ETHROTTLE);
	/* After the wait the right password passes and clears the count. */
	cr_assert_eq(login_as(&f.anon, "tariq", FX_PW, now + 5, &s, &err), SH_OK, "%s", err.code);
	cr_assert_eq(login_as(&f.anon, "tariq", "wrong password 1", now + 5, &s, &err), SH_EUNAUTH);
	cr_assert_eq(login_as(&f.anon, "tariq", FX_PW, now + 5, &s, &err), SH_OK, "%s", err.code);
	/* Per address: five failures over five usernames from one address. */
	afx_account(&f, "umar");
	struct audit_actor a3 = f.anon;
	a3.client_addr = "198.51.100.7";
	const char *names[] = {"u1x", "u2x", "u3x", "u4x", "u5x"};
	for (int i = 0; i < 5; i++)
		cr_assert_eq(login_as(&a3, names[i], "wrong password 1", now, &s, &err), SH_EUNAUTH);
	cr_assert_eq(login_as(&a3, "umar", FX_PW, now, &s, &err), SH_ETHROTTLE);
	struct audit_actor a4 = f.anon;
	a4.client_addr = "203.0.113.9";
	cr_assert_eq(login_as(&a4, "umar", FX_PW, now, &s, &err), SH_OK, "%s", err.code);
}
