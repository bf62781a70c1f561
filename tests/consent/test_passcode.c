/* test_passcode.c — consents: the SMS, hashing, single use, expiry, tries,
 * per-person delays and lock, binding to the party, enumeration resistance. */
#include "fixture.h"

#include <jansson.h>

#include "registry/idnum.h"

static struct fx f;
static char alive[14], nomobile[14];

static void setup(void)
{
	fx_open(&f);
	fx_party(&f, "Meezan Bank", VT_YESNO | VT_KYC, KA_NAME_EN | KA_DOB);
	fx_person(&f, "Ayesha Khan", "Imran Khan", "1990-04-12", "+923001234567", PERSON_ALIVE,
		  alive);
	fx_person(&f, "Bilal Ahmed", "Ahmed Ali", "1985-01-30", "", PERSON_ALIVE, nomobile);
}
static void teardown(void)
{
	fx_close(&f);
}
TestSuite(passcode, .init = setup, .fini = teardown);

static int redeem(struct fx *x, int64_t party_id, const char *cid, const char *code, int64_t now,
		  struct consent_redeemed *r, struct sh_err *err)
{
	store_tx *tx = NULL;
	struct sh_err e = {0};
	cr_assert_eq(store_begin(x->db, STORE_WRITE, &tx, &e), SH_OK);
	int rc = consent_redeem(tx, x->kr, &x->cfg, party_id, cid, code, now, r, err);
	if (rc == SH_OK)
		cr_assert_eq(store_commit(tx, &e), SH_OK, "%s", e.msg);
	else
		store_rollback(tx);
	return rc;
}

/* A code that is certainly wrong. */
static void wrong_code(const char *right, char out[8])
{
	snprintf(out, 8, "%06d", ((int)strtol(right, NULL, 10) + 1) % 1000000);
}

Test(passcode, sms_names_party_and_purpose_in_english_and_urdu)
{
	struct consent_issued c;
	fx_consent(&f, alive, "account opening", &c);
	cr_assert(c.delivered);
	cr_assert_eq(strlen(c.test_code), 6);
	cr_assert_eq(fx_count(&f, "SELECT COUNT(*) FROM sms_outbox WHERE to_number = ?",
			      "+923001234567"),
		     1);
	struct sh_err err = {0};
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	cr_assert_eq(store_begin(f.db, STORE_READ, &tx, &err), SH_OK);
	cr_assert_eq(store_query(tx, &st, &err, "SELECT text, expires_at FROM sms_outbox", ""),
		     SH_OK);
	cr_assert_eq(store_step(st, &err), STORE_ROW);
	const char *text = store_col_text(st, 0);
	cr_expect(strstr(text, "Meezan Bank") != NULL, "%s", text);
	cr_expect(strstr(text, "account opening") != NULL, "%s", text);
	cr_expect(strstr(text, c.test_code) != NULL, "%s", text);
	cr_expect(strstr(text, "پاس کوڈ") != NULL, "no Urdu: %s", text);
	cr_expect_eq(store_col_int(st, 1), c.expires_at);
	store_finalize(st);
	/* Only the hash is stored. */
	cr_assert_eq(store_query(tx, &st, &err, "SELECT code_hash FROM consents", ""), SH_OK);
	cr_assert_eq(store_step(st, &err), STORE_ROW);
	size_t len = 0;
	const void *h = store_col_blob(st, 0, &len);
	cr_expect_eq(len, 32);
	cr_expect(memmem(h, len, c.test_code, 6) == NULL);
	store_finalize(st);
	store_rollback(tx);
}

Test(passcode, right_code_once_then_used)
{
	struct consent_issued c;
	struct consent_redeemed r;
	struct sh_err err = {0};
	fx_consent(&f, alive, "account opening", &c);
	int64_t now = sh_now();
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, c.test_code, now, &r, &err), SH_OK);
	cr_assert(r.ok, "%s %s", err.code, err.msg);
	cr_assert_str_eq(r.id_number, alive);
	cr_assert_str_eq(r.purpose, "account opening");
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, c.test_code, now, &r, &err), SH_OK);
	cr_assert(!r.ok);
	cr_assert_str_eq(err.code, "CONSENT_USED");
	cr_assert_eq(err.status, SH_EGONE);
}

Test(passcode, expires_after_five_minutes_and_ttl_never_exceeds_ten)
{
	struct consent_issued c;
	struct consent_redeemed r;
	struct sh_err err = {0};
	int64_t now = sh_now();
	fx_consent(&f, alive, "account opening", &c);
	cr_assert(c.expires_at - now >= 299 && c.expires_at - now <= 301);
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, c.test_code, c.expires_at, &r, &err),
		     SH_OK);
	cr_assert(!r.ok);
	cr_assert_str_eq(err.code, "CONSENT_EXPIRED");
	f.cfg.otp_ttl_seconds = 7200;
	consent_config_clamp(&f.cfg);
	fx_consent(&f, alive, "account opening", &c);
	cr_assert(c.expires_at - sh_now() <= 600);
}

Test(passcode, five_wrong_tries_spend_the_consent)
{
	struct consent_issued c;
	struct consent_redeemed r;
	struct sh_err err = {0};
	char bad[8];
	fx_consent(&f, alive, "account opening", &c);
	wrong_code(c.test_code, bad);
	int64_t now = sh_now();
	for (int i = 1; i <= 4; i++) {
		cr_assert_eq(redeem(&f, f.party.id, c.consent_id, bad, now, &r, &err), SH_OK);
		cr_assert(!r.ok);
		cr_assert_str_eq(err.code, "PASSCODE_INVALID");
		cr_assert_eq(r.tries_left, 5 - i);
	}
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, bad, now, &r, &err), SH_OK);
	cr_assert_str_eq(err.code, "CONSENT_SPENT");
	/* Even the right code no longer works. */
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, c.test_code, now + 3600 * 0, &r, &err),
		     SH_OK);
	cr_assert(!r.ok);
	cr_assert(!strcmp(err.code, "CONSENT_SPENT") || !strcmp(err.code, "PASSCODE_THROTTLED"),
		  "%s", err.code);
}

Test(passcode, bound_to_the_party_and_well_formed_codes)
{
	struct consent_issued c;
	struct consent_redeemed r;
	struct sh_err err = {0};
	fx_consent(&f, alive, "account opening", &c);
	cr_assert_eq(redeem(&f, f.party.id + 1, c.consent_id, c.test_code, sh_now(), &r, &err),
		     SH_ENOTFOUND);
	cr_assert_str_eq(err.code, "CONSENT_NOT_FOUND");
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, "12345", sh_now(), &r, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "PASSCODE_FORMAT");
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, "12345a", sh_now(), &r, &err), SH_EINVAL);
	/* The right code still works after the malformed ones. */
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, c.test_code, sh_now(), &r, &err), SH_OK);
	cr_assert(r.ok);
}

/* The answer without its random consent id and its time. */
static char *answer_shape(const struct consent_issued *c)
{
	json_t *o = consent_answer_json(c, &f.cfg);
	cr_assert(o);
	json_object_set_new(o, "consent_id", json_string("X"));
	json_object_set_new(o, "expires_at", json_string("T"));
	char *s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(o);
	return s;
}

Test(passcode, unknown_numbers_and_numbers_without_mobile_answer_alike)
{
	struct consent_issued a, b, u, v;
	char unregistered[14];
	struct sh_err gerr = {0};
	cr_assert_eq(idnum_generate(unregistered, &gerr), SH_OK); /* valid, issued to no one */
	fx_consent(&f, alive, "account opening", &a);
	fx_consent(&f, nomobile, "account opening", &b);
	fx_consent(&f, "9999988888777", "account opening", &u);
	fx_consent(&f, unregistered, "account opening", &v);
	char *sa = answer_shape(&a), *sb = answer_shape(&b), *su = answer_shape(&u);
	char *sv = answer_shape(&v);
	cr_assert_str_eq(sa, sb);
	cr_assert_str_eq(sa, su);
	cr_assert_str_eq(sa, sv);
	free(sv);
	cr_assert(!v.delivered);
	cr_assert(strstr(sa, "register a mobile") != NULL, "the notice must tell what to do");
	free(sa);
	free(sb);
	free(su);
	cr_assert(a.delivered && !b.delivered && !u.delivered);
	cr_assert_str_eq(b.undelivered_reason, "no_mobile");
	cr_assert_str_eq(u.undelivered_reason, "unknown");
	cr_assert_eq(strlen(b.consent_id), strlen(a.consent_id));
	cr_assert_eq(b.expires_at - a.expires_at <= 1, 1);
	/* Only one SMS went out. */
	cr_assert_eq(fx_count(&f, "SELECT COUNT(*) FROM sms_outbox", NULL), 1);
	/* And the undeliverable consents answer like wrong passcodes. */
	struct consent_redeemed r;
	struct sh_err err = {0};
	cr_assert_eq(redeem(&f, f.party.id, b.consent_id, b.test_code, sh_now(), &r, &err), SH_OK);
	cr_assert(!r.ok);
	cr_assert_str_eq(err.code, "PASSCODE_INVALID");
	cr_assert_eq(redeem(&f, f.party.id, u.consent_id, u.test_code, sh_now(), &r, &err), SH_OK);
	cr_assert_str_eq(err.code, "PASSCODE_INVALID");
}

Test(passcode, malformed_input_is_rejected)
{
	struct consent_issued c;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(consent_request(tx, f.kr, &f.cfg, &f.party_actor, CONSENT_FOR_PARTY,
				     f.party.id, f.party.name, "12345", "account opening",
				     sh_now(), 0, &c, &err),
		     SH_EINVAL);
	cr_assert_str_eq(err.code, "ID_NUMBER");
	cr_assert_eq(consent_request(tx, f.kr, &f.cfg, &f.party_actor, CONSENT_FOR_PARTY,
				     f.party.id, f.party.name, alive, "x", sh_now(), 0, &c, &err),
		     SH_EINVAL);
	cr_assert_str_eq(err.code, "PURPOSE");
	cr_assert_eq(consent_request(tx, f.kr, &f.cfg, &f.party_actor, CONSENT_FOR_PARTY,
				     f.party.id, f.party.name, alive, "line\nbreak", sh_now(), 0,
				     &c, &err),
		     SH_EINVAL);
	store_rollback(tx);
}

Test(passcode, per_person_failures_escalate_then_lock)
{
	struct consent_issued c;
	struct consent_redeemed r;
	struct sh_err err = {0};
	char bad[8];
	f.cfg.person_free_failures = 3;
	f.cfg.person_max_failures = 6;
	int64_t now = sh_now();
	/* Three free failures on separate consents. */
	for (int i = 0; i < 3; i++) {
		fx_consent(&f, alive, "account opening", &c);
		wrong_code(c.test_code, bad);
		cr_assert_eq(redeem(&f, f.party.id, c.consent_id, bad, now, &r, &err), SH_OK);
		cr_assert_str_eq(err.code, "PASSCODE_INVALID");
	}
	/* Now each try owes a growing delay: 2 s, then 4 s ... */
	fx_consent(&f, alive, "account opening", &c);
	wrong_code(c.test_code, bad);
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, c.test_code, now, &r, &err), SH_OK);
	cr_assert(!r.ok);
	cr_assert_str_eq(err.code, "PASSCODE_THROTTLED");
	cr_assert_eq(r.retry_after, now + 2);
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, bad, now + 2, &r, &err), SH_OK);
	cr_assert_str_eq(err.code, "PASSCODE_INVALID");
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, bad, now + 3, &r, &err), SH_OK);
	cr_assert_str_eq(err.code, "PASSCODE_THROTTLED");
	cr_assert_eq(r.retry_after, now + 2 + 4);
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, bad, now + 6, &r, &err), SH_OK);
	cr_assert_str_eq(err.code, "PASSCODE_INVALID");
	/* The sixth consecutive failure locks the factor. */
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, bad, now + 100, &r, &err), SH_OK);
	cr_assert_str_eq(err.code, "PASSCODE_LOCKED");
	fx_consent(&f, alive, "account opening", &c);
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, c.test_code, now + 200, &r, &err),
		     SH_OK);
	cr_assert(!r.ok);
	cr_assert_str_eq(err.code, "PASSCODE_LOCKED");
	/* An officer clears it; the right code works again and resets. */
	store_tx *tx = NULL;
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(consent_factor_unlock(tx, &f.admin, alive, &err), SH_OK);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, c.test_code, c.expires_at - 1, &r, &err),
		     SH_OK);
	cr_assert(r.ok, "%s", err.code);
}

Test(passcode, default_lock_is_at_one_hundred_failures)
{
	struct consent_config c;
	consent_config_defaults(&c);
	cr_assert_eq(c.person_max_failures, 100);
}
