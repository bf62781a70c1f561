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
	cr_assert_eq(strlen(fx_code(&f, &c)), 6);
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
	cr_expect(strstr(text, fx_code(&f, &c)) != NULL, "%s", text);
	cr_expect(strstr(text, "پاس کوڈ") != NULL, "no Urdu: %s", text);
	cr_expect_eq(store_col_int(st, 1), c.expires_at);
	store_finalize(st);
	/* Only the hash is stored. */
	cr_assert_eq(store_query(tx, &st, &err, "SELECT code_hash FROM consents", ""), SH_OK);
	cr_assert_eq(store_step(st, &err), STORE_ROW);
	size_t len = 0;
	const void *h = store_col_blob(st, 0, &len);
	cr_expect_eq(len, 32);
	cr_expect(memmem(h, len, fx_code(&f, &c), 6) == NULL);
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
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, fx_code(&f, &c), now, &r, &err), SH_OK);
	cr_assert(r.ok, "%s %s", err.code, err.msg);
	cr_assert_str_eq(r.id_number, alive);
	cr_assert_str_eq(r.purpose, "account opening");
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, fx_code(&f, &c), now, &r, &err), SH_OK);
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
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, fx_code(&f, &c), c.expires_at, &r, &err),
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
	wrong_code(fx_code(&f, &c), bad);
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
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, fx_code(&f, &c), now + 3600 * 0, &r, &err),
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
	cr_assert_eq(redeem(&f, f.party.id + 1, c.consent_id, fx_code(&f, &c), sh_now(), &r, &err),
		     SH_ENOTFOUND);
	cr_assert_str_eq(err.code, "CONSENT_NOT_FOUND");
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, "12345", sh_now(), &r, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "PASSCODE_FORMAT");
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, "12345a", sh_now(), &r, &err), SH_EINVAL);
	/* The right code still works after the malformed ones. */
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, fx_code(&f, &c), sh_now(), &r, &err), SH_OK);
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
	/* Only one SMS went out; the others left their withheld twins. */
	cr_assert_eq(fx_count(&f, "SELECT COUNT(*) FROM sms_outbox WHERE state <> 'withheld'",
			      NULL),
		     1);
	/* And the undeliverable consents answer like wrong passcodes. */
	struct consent_redeemed r;
	struct sh_err err = {0};
	cr_assert_eq(redeem(&f, f.party.id, b.consent_id, fx_code(&f, &b), sh_now(), &r, &err), SH_OK);
	cr_assert(!r.ok);
	cr_assert_str_eq(err.code, "PASSCODE_INVALID");
	cr_assert_eq(redeem(&f, f.party.id, u.consent_id, fx_code(&f, &u), sh_now(), &r, &err), SH_OK);
	cr_assert_str_eq(err.code, "PASSCODE_INVALID");
}

Test(passcode, malformed_input_is_rejected)
{
	struct consent_issued c;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	struct consent_ask ask = {.kind = CONSENT_FOR_PARTY, .party_id = f.party.id,
				  .party_name = f.party.name, .id_number = "12345",
				  .purpose = "account opening", .now = sh_now()};
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(consent_request(tx, f.kr, &f.cfg, &f.party_actor, &ask, &c, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "ID_NUMBER");
	ask.id_number = alive;
	ask.purpose = "x";
	cr_assert_eq(consent_request(tx, f.kr, &f.cfg, &f.party_actor, &ask, &c, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "PURPOSE");
	ask.purpose = "line\nbreak";
	cr_assert_eq(consent_request(tx, f.kr, &f.cfg, &f.party_actor, &ask, &c, &err), SH_EINVAL);
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
		wrong_code(fx_code(&f, &c), bad);
		cr_assert_eq(redeem(&f, f.party.id, c.consent_id, bad, now, &r, &err), SH_OK);
		cr_assert_str_eq(err.code, "PASSCODE_INVALID");
	}
	/* Now each try owes a growing delay: 2 s, then 4 s ... */
	fx_consent(&f, alive, "account opening", &c);
	wrong_code(fx_code(&f, &c), bad);
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, fx_code(&f, &c), now, &r, &err), SH_OK);
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
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, fx_code(&f, &c), now + 200, &r, &err),
		     SH_OK);
	cr_assert(!r.ok);
	cr_assert_str_eq(err.code, "PASSCODE_LOCKED");
	/* An officer clears it; the right code works again and resets. */
	store_tx *tx = NULL;
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(consent_factor_unlock(tx, &f.admin, alive, &err), SH_OK);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, fx_code(&f, &c), c.expires_at - 1, &r, &err),
		     SH_OK);
	cr_assert(r.ok, "%s", err.code);
}

Test(passcode, default_lock_is_at_one_hundred_failures)
{
	struct consent_config c;
	consent_config_defaults(&c);
	cr_assert_eq(c.person_max_failures, 100);
}

/* A handset: the test SMS gateway the sender delivers to. */
struct handset {
	struct sms_gateway base;
	char text[SMS_TEXT_MAX];
};
static int handset_send(struct sms_gateway *gw, const char *to, const char *text,
			struct sh_err *err)
{
	(void)to;
	(void)err;
	snprintf(((struct handset *)gw)->text, SMS_TEXT_MAX, "%s", text);
	return SH_OK;
}
static void handset_free(struct sms_gateway *gw)
{
	(void)gw;
}

/* Cells of every table holding `needle`, counted (a stolen database). */
static int64_t cells_holding(const char *needle)
{
	struct sh_err err = {0};
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	char tables[64][64];
	int nt = 0;
	int64_t hits = 0;
	int pg = strncmp(f.url, "sqlite:", 7) != 0;
	cr_assert_eq(store_begin(f.db, STORE_READ, &tx, &err), SH_OK);
	cr_assert_eq(store_query(tx, &st, &err,
				 pg ? "SELECT table_name FROM information_schema.tables"
				      " WHERE table_schema = current_schema()"
				    : "SELECT name FROM sqlite_master WHERE type = 'table'",
				 ""),
		     SH_OK, "%s", err.msg);
	while (nt < 64 && store_step(st, &err) == STORE_ROW)
		snprintf(tables[nt++], sizeof tables[0], "%s", store_col_text(st, 0));
	store_finalize(st);
	cr_assert(nt > 10, "only %d tables", nt);
	for (int t = 0; t < nt; t++) {
		char sql[160];
		snprintf(sql, sizeof sql, "SELECT * FROM %.63s", tables[t]);
		cr_assert_eq(store_query(tx, &st, &err, sql, ""), SH_OK, "%s %s", sql, err.msg);
		while (store_step(st, &err) == STORE_ROW)
			for (int c = 0; c < store_col_count(st); c++) {
				size_t n = 0;
				const void *v = store_col_blob(st, c, &n);
				if (v && n >= strlen(needle) && memmem(v, n, needle, strlen(needle))) {
					fprintf(stderr, "(%s column %d holds it)\n", tables[t], c);
					hits++;
				}
			}
		store_finalize(st);
	}
	store_rollback(tx);
	return hits;
}

/* Issue 13 item 2: once a passcode is delivered, no row of any table
 * holds it (the store keeps only a keyed hash: the key is not in it). */
Test(passcode, a_delivered_passcode_is_in_no_row_of_any_table)
{
	struct consent_issued c;
	struct sh_err err = {0};
	fx_consent(&f, alive, "account opening", &c);
	char code[8];
	snprintf(code, sizeof code, "%s", fx_code(&f, &c));
	cr_assert_eq(strlen(code), 6);
	cr_assert(cells_holding(code) > 0, "the queued SMS must hold it until delivery");
	struct handset h = {.base = {.name = "handset", .send = handset_send, .free = handset_free}};
	cr_assert_eq(sms_outbox_pump(f.db, &h.base, sh_now(), &err), 1, "%s", err.msg);
	cr_assert(strstr(h.text, code), "the handset got %s", h.text);
	cr_assert_eq(cells_holding(code), 0);
	/* And the right passcode still works: the hash is all it needs. */
	store_tx *tx = NULL;
	struct consent_redeemed r;
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(consent_redeem(tx, f.kr, &f.cfg, f.party.id, c.consent_id, code, sh_now(), &r,
				    &err),
		     SH_OK);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	cr_assert(r.ok, "%s", err.code);
}

static int request(enum consent_kind kind, const char *idn, const char *addr,
		   struct consent_issued *c, struct sh_err *err)
{
	store_tx *tx = NULL;
	struct sh_err e = {0};
	struct consent_ask ask = {.kind = kind, .party_id = kind == CONSENT_FOR_PARTY ? f.party.id : 0,
				  .party_name = f.party.name, .id_number = idn,
				  .purpose = "account opening", .source_addr = addr,
				  .now = sh_now()};
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &e), SH_OK);
	int rc = consent_request(tx, f.kr, &f.cfg, &f.party_actor, &ask, c, err);
	if (rc == SH_OK)
		cr_assert_eq(store_commit(tx, &e), SH_OK);
	else
		store_rollback(tx);
	return rc;
}

/* Issue 13 item 4: anonymous sign-ins never spend the consent budget, and
 * a party told nothing was sent gets the truth (a refusal, not a consent). */
Test(passcode, sign_ins_never_spend_a_partys_consent_budget)
{
	struct consent_issued c;
	struct sh_err err = {0};
	/* Ten anonymous sign-ins from ten addresses for Ayesha's number. */
	for (int i = 0; i < 10; i++) {
		char addr[32];
		snprintf(addr, sizeof addr, "198.51.100.%d", i);
		cr_assert_eq(request(CONSENT_FOR_LOGIN, alive, addr, &c, &err), SH_OK);
		if (i < f.cfg.login_sms_per_window) {
			cr_assert(!c.refused && c.delivered, "%d: %s", i, err.code);
		} else {
			cr_assert(c.refused);
			cr_assert_str_eq(err.code, "LOGIN_RATE_LIMITED");
		}
	}
	/* The bank's consent still goes out. */
	cr_assert_eq(request(CONSENT_FOR_PARTY, alive, "203.0.113.5", &c, &err), SH_OK);
	cr_assert(!c.refused, "%s", err.code);
	cr_assert(c.delivered);
}

Test(passcode, budgets_per_person_party_and_address_refuse_with_the_truth)
{
	struct consent_issued c;
	struct sh_err err = {0};
	char unknown[14];
	cr_assert_eq(idnum_generate(unknown, &err), SH_OK);
	f.cfg.person_sms_per_window = 2;
	f.cfg.addr_sms_per_window = 3;
	/* Per person: the third consent for one number in the window is
	 * refused, for a registered number and an unknown one alike. */
	const char *nums[] = {alive, unknown};
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < 2; i++) {
			cr_assert_eq(request(CONSENT_FOR_PARTY, nums[k], NULL, &c, &err), SH_OK);
			cr_assert(!c.refused);
		}
		cr_assert_eq(request(CONSENT_FOR_PARTY, nums[k], NULL, &c, &err), SH_OK);
		cr_assert(c.refused);
		cr_assert_eq(err.status, SH_ETHROTTLE);
		cr_assert_str_eq(err.code, "CONSENT_RATE_LIMITED");
		cr_assert_str_eq(c.consent_id, "", "no consent is made");
		cr_assert(c.retry_after > sh_now());
	}
	/* Per address, for sign-ins: whichever numbers are asked. */
	for (int i = 0; i < 3; i++)
		cr_assert_eq(request(CONSENT_FOR_LOGIN, i ? unknown : nomobile, "198.51.100.9", &c, &err),
			     SH_OK);
	cr_assert(!c.refused);
	cr_assert_eq(request(CONSENT_FOR_LOGIN, alive, "198.51.100.9", &c, &err), SH_OK);
	cr_assert(c.refused);
	cr_assert_str_eq(err.code, "ADDRESS_RATE_LIMITED");
	/* Per party. */
	f.cfg.party_sms_per_window = 1;
	cr_assert_eq(request(CONSENT_FOR_PARTY, nomobile, NULL, &c, &err), SH_OK);
	cr_assert(c.refused);
	cr_assert_str_eq(err.code, "PARTY_RATE_LIMITED");
	/* The citizen sees the withheld request in their record. */
	cr_assert(fx_count(&f,
			   "SELECT COUNT(*) FROM verify_transactions WHERE id_number = ?"
			   " AND reason = 'rate_limited'",
			   alive) >= 1);
}

/* Issue 13 item 4: failed sign-ins (anonymous) never throttle or lock the
 * counter relying parties' verifications answer to. */
Test(passcode, failed_sign_ins_do_not_throttle_a_bank)
{
	struct consent_issued c;
	struct consent_redeemed r;
	struct sh_err err = {0};
	char bad[8];
	f.cfg.person_max_failures = 3;
	f.cfg.person_free_failures = 1;
	f.cfg.login_sms_per_window = 10;
	int64_t now = sh_now();
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(request(CONSENT_FOR_LOGIN, alive, "198.51.100.1", &c, &err), SH_OK);
		char m[2048];
		fx_last_sms(&f, "+923001234567", m, sizeof m);
		char code[8];
		fx_code_in(m, code);
		wrong_code(code, bad);
		cr_assert_eq(redeem(&f, 0, c.consent_id, bad, now + 100 * i, &r, &err), SH_OK);
	}
	cr_assert_str_eq(err.code, "PASSCODE_LOCKED", "sign-in is locked after 3");
	/* The bank's verification is neither throttled nor locked. */
	fx_consent(&f, alive, "account opening", &c);
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, fx_code(&f, &c), now + 201, &r, &err),
		     SH_OK);
	cr_assert(r.ok, "%s", err.code);
}

/* Issue 13 item 11: delays start after person_free_failures failures —
 * the 6th try with the default 5, as docs/consent.md says. */
Test(passcode, delays_start_at_the_sixth_consecutive_failure)
{
	struct consent_issued c;
	struct consent_redeemed r;
	struct sh_err err = {0};
	char bad[8];
	int64_t now = sh_now();
	cr_assert_eq(f.cfg.person_free_failures, 5);
	for (int i = 1; i <= 5; i++) {
		fx_consent(&f, alive, "account opening", &c);
		wrong_code(fx_code(&f, &c), bad);
		cr_assert_eq(redeem(&f, f.party.id, c.consent_id, bad, now, &r, &err), SH_OK);
		cr_assert_str_eq(err.code, "PASSCODE_INVALID", "try %d is free", i);
	}
	fx_consent(&f, alive, "account opening", &c);
	cr_assert_eq(redeem(&f, f.party.id, c.consent_id, fx_code(&f, &c), now, &r, &err), SH_OK);
	cr_assert_str_eq(err.code, "PASSCODE_THROTTLED", "the 6th waits");
	cr_assert_eq(r.retry_after, now + 2);
}
