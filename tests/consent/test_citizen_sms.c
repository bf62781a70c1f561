/* test_citizen_sms.c — citizens: mobile registration by SMS (pending,
 * confirmation passcode, limit per mobile, helpful replies, status), and
 * sign-in with a passcode to their own mobile. */
#include "fixture.h"

#include "consent/citizen_auth.h"
#include "consent/sms_inbound.h"

static struct fx f;
static char nomobile[14], other[14], withmobile[14];

static void setup(void)
{
	fx_open(&f);
	fx_person(&f, "Bilal Ahmed", "Ahmed Ali", "1985-01-30", "", PERSON_ALIVE, nomobile);
	fx_person(&f, "Sana Tariq", "Tariq Aziz", "1992-02-02", "", PERSON_ALIVE, other);
	fx_person(&f, "Ayesha Khan", "Imran Khan", "1990-04-12", "+923001234567", PERSON_ALIVE,
		  withmobile);
	f.cfg.sms_inbound_secret = "s3cret";
}
static void teardown(void)
{
	fx_close(&f);
}
TestSuite(citizen, .init = setup, .fini = teardown);

static struct sms_inbound_result text(const char *from, const char *to, const char *body)
{
	struct sms_inbound_result r;
	struct sh_err err = {0};
	cr_assert_eq(sms_inbound_handle(f.db, f.kr, &f.cfg, from, to, body, sh_now(), &r, &err),
		     SH_OK, "%s %s", err.code, err.msg);
	return r;
}

/* The confirmation code the newest SMS to `to` carries, as the handset
 * reads it. */
static void code_to(const char *to, char code[8])
{
	char msg[2048];
	fx_last_sms(&f, to, msg, sizeof msg);
	fx_code_in(msg, code);
	cr_assert_eq(strlen(code), 6, "no code in %s", msg);
}

static void mobile_of(const char *idn, char *out, size_t n)
{
	struct sh_err err = {0};
	store_tx *tx = NULL;
	struct person *p = malloc(sizeof *p);
	cr_assert_eq(store_begin(f.db, STORE_READ, &tx, &err), SH_OK);
	cr_assert_eq(person_get(tx, idn, p, &err), SH_OK);
	store_rollback(tx);
	snprintf(out, n, "%s", p->mobile);
	free(p);
}

Test(citizen, register_a_mobile_by_sms_with_confirmation)
{
	char dashed[20], msg[2048], mob[32];
	snprintf(dashed, sizeof dashed, "%.5s-%.7s-%.1s", nomobile, nomobile + 5, nomobile + 12);
	struct sms_inbound_result r = text("03009876543", "8300", dashed);
	cr_assert_str_eq(r.action, "register_pending");
	char rcode[8];
	code_to("+923009876543", rcode);
	fx_last_sms(&f, "+923009876543", msg, sizeof msg);
	cr_assert(strstr(msg, "8300"), "%s", msg);
	mobile_of(nomobile, mob, sizeof mob);
	cr_assert_str_eq(mob, "", "pending is not bound");
	/* A wrong code, then the right one. */
	char bad[8];
	snprintf(bad, sizeof bad, "%06d", ((int)strtol(rcode, NULL, 10) + 1) % 1000000);
	struct sms_inbound_result w = text("+923009876543", "8300", bad);
	cr_assert_str_eq(w.action, "confirm_wrong");
	char confirm[32];
	snprintf(confirm, sizeof confirm, "confirm %s", rcode);
	struct sms_inbound_result ok = text("+923009876543", "8300", confirm);
	cr_assert_str_eq(ok.action, "confirmed");
	mobile_of(nomobile, mob, sizeof mob);
	cr_assert_str_eq(mob, "+923009876543");
	/* The change went through the registry and the audit log. */
	cr_assert_eq(fx_count(&f, "SELECT COUNT(*) FROM audit_log WHERE action = 'mobile.bound'",
			      NULL),
		     1);
}

Test(citizen, another_mobile_cannot_take_over_an_identity)
{
	struct sms_inbound_result r = text("+923005555555", "8300", withmobile);
	cr_assert_str_eq(r.action, "register_other");
	char mob[32];
	mobile_of(withmobile, mob, sizeof mob);
	cr_assert_str_eq(mob, "+923001234567");
	r = text("+923001234567", "8300", withmobile);
	cr_assert_str_eq(r.action, "register_same");
}

Test(citizen, one_mobile_serves_a_limited_number_of_identities)
{
	f.cfg.mobile_max_identities = 1;
	struct sms_inbound_result r = text("+923009876543", "8300", nomobile);
	cr_assert_str_eq(r.action, "register_pending");
	char c[8];
	code_to("+923009876543", c);
	cr_assert_str_eq(text("+923009876543", "8300", c).action, "confirmed");
	r = text("+923009876543", "8300", other);
	cr_assert_str_eq(r.action, "register_limit");
	f.cfg.mobile_max_identities = 2;
	r = text("+923009876543", "8300", other);
	cr_assert_str_eq(r.action, "register_pending");
}

Test(citizen, malformed_texts_get_help_and_unknown_numbers_a_reply)
{
	char msg[2048];
	struct sms_inbound_result r = text("+923009876543", "8300", "hello, how do I register?");
	cr_assert_str_eq(r.action, "help");
	fx_last_sms(&f, "+923009876543", msg, sizeof msg);
	cr_assert(strstr(msg, "13-digit"), "%s", msg);
	cr_assert(strstr(msg, "8300"), "%s", msg);
	r = text("+923009876543", "8300", "9999988888777");
	cr_assert_str_eq(r.action, "register_unknown");
	r = text("+923009876543", "8300", "123456");
	cr_assert_str_eq(r.action, "confirm_none");
	struct sh_err err = {0};
	struct sms_inbound_result x;
	cr_assert_eq(sms_inbound_handle(f.db, f.kr, &f.cfg, "not-a-number", "8300", "x", sh_now(),
					&x, &err),
		     SH_EINVAL);
}

Test(citizen, status_short_code_answers_through_the_hook)
{
	char msg[2048];
	struct sms_inbound_result r = text("+923001234567", "8400", withmobile);
	cr_assert_str_eq(r.action, "status");
	fx_last_sms(&f, "+923001234567", msg, sizeof msg);
	cr_assert(strstr(msg, "alive"), "own mobile gets the status: %s", msg);
	/* Issue 13 item 10: the Urdu line says it in Urdu. */
	const char *ur = strstr(msg, "\n");
	cr_assert(ur, "%s", msg);
	cr_assert(strstr(ur, "زندہ"), "Urdu line: %s", ur);
	cr_assert(!strstr(ur, "alive"), "Urdu line in English: %s", ur);
	r = text("+923009999999", "8400", withmobile);
	fx_last_sms(&f, "+923009999999", msg, sizeof msg);
	cr_assert(!strstr(msg, "alive"), "another mobile does not: %s", msg);
	r = text("+923009999999", "8400", "TRK-2026-000123");
	fx_last_sms(&f, "+923009999999", msg, sizeof msg);
	cr_assert(strstr(msg, "TRK-2026-000123"), "%s", msg);
}

Test(citizen, sign_in_with_a_passcode_and_see_verifications)
{
	struct consent_issued c;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	struct audit_actor anon = {.kind = "anonymous"};
	struct consent_ask ask = {.kind = CONSENT_FOR_LOGIN, .id_number = withmobile,
				  .source_addr = "192.0.2.7", .now = sh_now()};
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(consent_request(tx, f.kr, &f.cfg, &anon, &ask, &c, &err), SH_OK, "%s",
		     err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	cr_assert(c.delivered);
	char msg[2048], lcode[8];
	fx_last_sms(&f, "+923001234567", msg, sizeof msg);
	cr_assert(strstr(msg, "sign-in"), "%s", msg);
	fx_code_in(msg, lcode);
	struct citizen_session s;
	int ok = 0;
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(citizen_session_create(tx, f.kr, &f.cfg, &anon, c.consent_id, "000000",
					    sh_now(), &ok, &s, &err),
		     SH_OK);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	if (strcmp(lcode, "000000") != 0) {
		cr_assert(!ok);
		cr_assert_str_eq(err.code, "PASSCODE_INVALID");
	}
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(citizen_session_create(tx, f.kr, &f.cfg, &anon, c.consent_id, lcode,
					    sh_now(), &ok, &s, &err),
		     SH_OK);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	cr_assert(ok, "%s", err.code);
	cr_assert_eq(strlen(s.token), 64);
	struct principal who;
	cr_assert_eq(citizen_session_check(f.db, f.kr, s.token, &who, &err), SH_OK);
	cr_assert_eq(who.kind, PRINCIPAL_CITIZEN);
	cr_assert_str_eq(who.name, withmobile);
	/* A party's consent id cannot be used to sign in (party 0 only). */
	cr_assert_eq(citizen_session_check(f.db, f.kr, "ab", &who, &err), SH_EUNAUTH);
	char forged[65];
	snprintf(forged, sizeof forged, "%s", s.token);
	forged[0] = forged[0] == 'a' ? 'b' : 'a';
	cr_assert_eq(citizen_session_check(f.db, f.kr, forged, &who, &err), SH_EUNAUTH);
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(citizen_session_revoke(tx, f.kr, s.token, &err), SH_OK);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	cr_assert_eq(citizen_session_check(f.db, f.kr, s.token, &who, &err), SH_EUNAUTH);
	cr_assert_str_eq(err.code, "CITIZEN_SESSION");
}
