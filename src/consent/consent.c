/* consent.c — passcode consents: issue (hash + SMS) and redeem (checks,
 * counters, throttling). See consent.h for the rules and their sources. */
#include "consent/consent.h"

#include <jansson.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "notify/sms.h"
#include "registry/person.h"
#include "ledger/ledger.h"

int consent_idnum_clean(const char *in, char out[14], struct sh_err *err)
{
	size_t n = 0;
	for (const char *p = in ? in : ""; *p; p++) {
		if (*p == '-' || *p == ' ')
			continue;
		if (*p < '0' || *p > '9' || n == 13)
			return sh_err_set(err, SH_EINVAL, "ID_NUMBER",
					  "id_number must be 13 digits (dashes allowed)");
		out[n++] = *p;
	}
	if (n != 13)
		return sh_err_set(err, SH_EINVAL, "ID_NUMBER",
				  "id_number must be 13 digits (dashes allowed)");
	out[13] = '\0';
	return SH_OK;
}

static int purpose_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 3 || n >= CONSENT_PURPOSE_MAX)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0; /* no control characters: the purpose goes into an SMS */
	return 1;
}

void consent_code_hash(const struct keyring *kr, const char *consent_id, int64_t party_id,
		       const char *id_number, const char *purpose, const char *code,
		       unsigned char out[32])
{
	/* Length-prefixed fields: no two different bindings share bytes. */
	char buf[512];
	int n = snprintf(buf, sizeof buf, "shanakht-consent-v1|%zu:%s|%lld|%zu:%s|%zu:%s|%s",
			 strlen(consent_id), consent_id, (long long)party_id, strlen(id_number),
			 id_number, strlen(purpose), purpose, code);
	keyring_hash(kr, KEY_OTP_PEPPER, buf, n > 0 && (size_t)n < sizeof buf ? (size_t)n : 0, out);
	sodium_memzero(buf, sizeof buf);
}

static int sms_text(enum consent_kind kind, const char *party_name, const char *purpose,
		    const char *code, int ttl_min, char *out, size_t n)
{
	int w;
	if (kind == CONSENT_FOR_LOGIN)
		w = snprintf(out, n,
			     "Shanakht: your sign-in passcode is %s, valid %d minutes. "
			     "Never share it.\n"
			     "شناخت: آپ کا سائن اِن پاس کوڈ %s ہے، %d منٹ کے لیے۔ "
			     "یہ کسی کو نہ بتائیں۔",
			     code, ttl_min, code, ttl_min);
	else
		w = snprintf(out, n,
			     "Shanakht: %s asks to verify your identity for \"%s\". "
			     "Passcode %s, valid %d min. Give it only if you agree.\n"
			     "شناخت: %s آپ کی شناخت کی تصدیق چاہتا ہے، مقصد: \"%s\"۔ "
			     "پاس کوڈ %s، %d منٹ کے لیے۔ متفق ہوں تو ہی دیں۔",
			     party_name, purpose, code, ttl_min, party_name, purpose, code,
			     ttl_min);
	return w > 0 && (size_t)w < n ? SH_OK : SH_ETOOBIG;
}

/* Who can receive a passcode for idn: *why is "" (deliverable, mobile
 * copied out) or the reason nothing will be sent. One registry read for
 * every number. */
static int recipient_check(store_tx *tx, const char *idn, const char **why,
			   char mobile[PERSON_MOBILE_MAX], struct sh_err *err)
{
	struct person *p = malloc(sizeof *p); /* ~3 KiB: keep it off small stacks */
	if (!p)
		return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
	struct sh_err perr = {0};
	int rc = person_get(tx, idn, p, &perr);
	mobile[0] = '\0';
	*why = "";
	/* A number the registry rejects (bad check digit) belongs to no one:
	 * it is "unknown" too, with the same answer. */
	if (rc == SH_ENOTFOUND || rc == SH_EINVAL) {
		*why = "unknown";
		rc = SH_OK;
	} else if (rc != SH_OK) {
		*err = perr;
	} else if (p->status == PERSON_DECEASED) {
		*why = "deceased";
	} else if (p->status == PERSON_CANCELLED) {
		*why = "cancelled";
	} else if (!p->mobile[0]) {
		*why = "no_mobile";
	} else {
		snprintf(mobile, PERSON_MOBILE_MAX, "%s", p->mobile);
	}
	free(p);
	return rc;
}

/* Spend one unit of (scope, subject)'s budget in this window, unless it
 * is used up: *over = 1 then, and nothing is counted. One upsert. */
static int budget_take(store_tx *tx, const char *scope, const char *subject, int limit,
		       int64_t bucket, int *over, struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "INSERT INTO consent_budgets (bucket, scope, subject, used)"
			     " VALUES (?, ?, ?, 1) ON CONFLICT (bucket, scope, subject) DO UPDATE"
			     " SET used = consent_budgets.used + 1 WHERE consent_budgets.used < ?"
			     " RETURNING used",
			     "itti", bucket, scope, subject, (int64_t)limit);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	store_finalize(st);
	if (rc < 0)
		return rc;
	*over = rc != STORE_ROW; /* the WHERE kept the row: nothing returned */
	return SH_OK;
}

/* The caller's budget first (party, or source address for sign-ins), then
 * the number's: the same two statements for every number, known or not,
 * so a refusal tells nothing about the number. Old windows go in one range
 * delete now and then (on a count of calls, never on the number). */
static int budgets_spend(store_tx *tx, const struct consent_config *cfg,
			 const struct consent_ask *ask, const char *idn, struct consent_issued *out,
			 struct sh_err *err)
{
	static atomic_uint calls;
	int64_t bucket = ask->now / CONSENT_BUDGET_WINDOW;
	int login = ask->kind == CONSENT_FOR_LOGIN, over = 0, rc;
	char party[24];
	snprintf(party, sizeof party, "%lld", (long long)ask->party_id);
	const char *who = login ? (ask->source_addr && *ask->source_addr ? ask->source_addr : "-")
				: party;
	if ((atomic_fetch_add(&calls, 1) & 255) == 0) {
		rc = store_run(tx, err, "DELETE FROM consent_budgets WHERE bucket < ?", "i",
			       bucket - 1);
		if (rc < 0)
			return rc;
	}
	rc = budget_take(tx, login ? "addr" : "party", who,
			 login ? cfg->addr_sms_per_window : cfg->party_sms_per_window, bucket,
			 &over, err);
	if (rc != SH_OK)
		return rc;
	if (over) {
		out->refused = 1;
		out->retry_after = (bucket + 1) * CONSENT_BUDGET_WINDOW;
		if (login)
			sh_err_set(err, SH_ETHROTTLE, "ADDRESS_RATE_LIMITED",
				   "too many sign-in requests from this address: retry after %lld s",
				   (long long)(out->retry_after - ask->now));
		else
			sh_err_set(err, SH_ETHROTTLE, "PARTY_RATE_LIMITED",
				   "your consent budget (%d per %d minutes) is used up: no passcode "
				   "was sent; retry after %lld s",
				   cfg->party_sms_per_window, CONSENT_BUDGET_WINDOW / 60,
				   (long long)(out->retry_after - ask->now));
		return SH_OK;
	}
	rc = budget_take(tx, login ? "login" : "person", idn,
			 login ? cfg->login_sms_per_window : cfg->person_sms_per_window, bucket,
			 &over, err);
	if (rc != SH_OK)
		return rc;
	if (over) {
		out->refused = 1;
		out->retry_after = (bucket + 1) * CONSENT_BUDGET_WINDOW;
		sh_err_set(err, SH_ETHROTTLE, login ? "LOGIN_RATE_LIMITED" : "CONSENT_RATE_LIMITED",
			   "too many passcodes were requested for this identity number in the last "
			   "%d minutes: no passcode was sent; retry after %lld s",
			   CONSENT_BUDGET_WINDOW / 60, (long long)(out->retry_after - ask->now));
	}
	return SH_OK;
}

/* A fresh consent: id and code from the CSPRNG, the keyed hash stored
 * (never the code), and code[] handed back for the SMS alone. */
static int code_issue(store_tx *tx, const struct keyring *kr, const struct consent_config *cfg,
		      const struct consent_ask *ask, const char *idn, const char *purpose,
		      int deliver, char code[CONSENT_CODE_DIGITS + 1], struct consent_issued *out,
		      struct sh_err *err)
{
	unsigned char rnd[12], hash[32];
	char rhex[2 * sizeof rnd + 1];
	uint32_t c = randombytes_uniform(1000000); /* CSPRNG, uniform over 000000..999999 */
	snprintf(code, CONSENT_CODE_DIGITS + 1, "%06u", (unsigned)c);
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(rhex, sizeof rhex, rnd, sizeof rnd);
	snprintf(out->consent_id, sizeof out->consent_id, "cs_%s", rhex);
	out->expires_at = ask->now + cfg->otp_ttl_seconds;
	consent_code_hash(kr, out->consent_id, ask->party_id, idn, purpose, code, hash);
	int rc = store_run(tx, err,
			   "INSERT INTO consents(public_id, party_id, id_number, purpose, code_hash,"
			   " person_ok, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			   "tittbiii", out->consent_id, ask->party_id, idn, purpose, hash, sizeof hash,
			   (int64_t)deliver, ask->now, out->expires_at);
	return rc < 0 ? rc : SH_OK;
}

/* Queue the SMS, or write its one twin when nothing is sent: a fraud
 * signal for a dead or cancelled identity asked for by a party, or a
 * withheld outbox row. Exactly one insert of one row on every path. */
static int delivery(store_tx *tx, const struct consent_config *cfg,
		    const struct consent_ask *ask, const char *idn, const char *purpose,
		    const char *why, const char *mobile, const char *code,
		    const struct consent_issued *out, struct sh_err *err)
{
	char text[SMS_TEXT_MAX];
	const char *kind = ask->kind == CONSENT_FOR_LOGIN ? "citizen.login" : "consent.passcode";
	/* The text is composed in every case: a purpose too long for an SMS
	 * must fail alike for every number, or the error would tell them
	 * apart. */
	int rc = sms_text(ask->kind, ask->party_name ? ask->party_name : "", purpose, code,
			  (cfg->otp_ttl_seconds + 59) / 60, text, sizeof text);
	if (rc != SH_OK) {
		rc = sh_err_set(err, SH_EINVAL, "PURPOSE", "purpose too long for an SMS");
	} else if (!why[0]) {
		rc = sms_enqueue(tx, mobile, text, kind, out->expires_at, NULL, err);
	} else if (ask->kind == CONSENT_FOR_PARTY &&
		   (!strcmp(why, "deceased") || !strcmp(why, "cancelled"))) {
		/* Someone is trying to use a dead or cancelled identity. */
		rc = ledger_fraud_signal(tx, !strcmp(why, "deceased") ? "deceased_attempt"
								       : "cancelled_attempt",
					 idn, ask->party_id, out->consent_id,
					 "{\"stage\":\"consent_request\"}", err);
	} else {
		rc = sms_withhold(tx, kind, out->expires_at, err);
	}
	sodium_memzero(text, sizeof text);
	return rc;
}

static int audit_step(store_tx *tx, const struct audit_actor *actor,
		      const struct consent_ask *ask, const char *idn, const char *purpose,
		      const struct consent_issued *out, struct sh_err *err)
{
	char object[48];
	snprintf(object, sizeof object, "consent:%s", out->consent_id[0] ? out->consent_id : "-");
	json_t *d = json_pack("{s:s, s:I, s:s, s:b, s:s}", "id_number", idn, "party_id",
			      (json_int_t)ask->party_id, "purpose", purpose, "delivered",
			      out->delivered, "reason", out->undelivered_reason);
	char *ds = d ? json_dumps(d, JSON_COMPACT) : NULL;
	json_decref(d);
	if (!ds)
		return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
	int rc = audit_append(tx, actor, ask->kind == CONSENT_FOR_LOGIN ? "citizen.login_request"
								       : "consent.request",
			      object, ds, err);
	free(ds);
	return rc;
}

int consent_request(store_tx *tx, const struct keyring *kr, const struct consent_config *cfg,
		    const struct audit_actor *actor, const struct consent_ask *ask,
		    struct consent_issued *out, struct sh_err *err)
{
	char idn[14], code[CONSENT_CODE_DIGITS + 1] = {0}, mobile[PERSON_MOBILE_MAX];
	const char *purpose = ask->kind == CONSENT_FOR_LOGIN ? "citizen sign-in" : ask->purpose;
	const char *why = "";
	memset(out, 0, sizeof *out);
	int rc = consent_idnum_clean(ask->id_number, idn, err);
	if (rc != SH_OK)
		return rc;
	if (!purpose_valid(purpose))
		return sh_err_set(err, SH_EINVAL, "PURPOSE",
				  "purpose must be 3..100 printable characters");

	rc = recipient_check(tx, idn, &why, mobile, err);
	if (rc == SH_OK)
		rc = budgets_spend(tx, cfg, ask, idn, out, err);
	if (rc != SH_OK)
		return rc;
	struct ledger_entry t = {
		.party_id = ask->party_id,
		.party_name = ask->kind == CONSENT_FOR_LOGIN ? "(you)" : ask->party_name,
		.id_number = idn, .purpose = purpose,
		.type = ask->kind == CONSENT_FOR_LOGIN ? "login" : "consent",
		.event = "consent_requested", .at = ask->now,
	};
	if (out->refused) {
		/* Nothing is issued; the citizen's record and the audit say so. */
		struct sh_err e = {0};
		snprintf(out->undelivered_reason, sizeof out->undelivered_reason, "rate_limited");
		t.event = "passcode_withheld";
		t.result = "not_sent";
		t.reason = "rate_limited";
		rc = ledger_record(tx, &t, &e);
		if (rc == SH_OK)
			rc = audit_step(tx, actor, ask, idn, purpose, out, &e);
		if (rc != SH_OK)
			*err = e;
		return rc;
	}
	int deliver = why[0] == '\0';
	rc = code_issue(tx, kr, cfg, ask, idn, purpose, deliver, code, out, err);
	if (rc != SH_OK)
		goto out;
	t.consent_id = out->consent_id;
	t.result = deliver ? "ok" : "not_sent";
	t.reason = deliver ? NULL : why;
	rc = ledger_record(tx, &t, err);
	if (rc != SH_OK)
		goto out;
	rc = delivery(tx, cfg, ask, idn, purpose, why, mobile, code, out, err);
	if (rc != SH_OK)
		goto out;
	t.event = deliver ? "passcode_sent" : "passcode_withheld";
	t.result = deliver ? "queued" : "not_sent";
	rc = ledger_record(tx, &t, err);
	if (rc != SH_OK)
		goto out;
	out->delivered = deliver;
	snprintf(out->undelivered_reason, sizeof out->undelivered_reason, "%s", why);
	rc = audit_step(tx, actor, ask, idn, purpose, out, err);
out:
	sodium_memzero(code, sizeof code);
	return rc;
}

/* A refusal is an outcome, not a failure: err holds it for the reply, and
 * SH_OK tells the caller to commit what the attempt changed. */
static int refusal(int status)
{
	(void)status;
	return SH_OK;
}

/* Per-person failure state (NIST SP 800-63B 5.2.2 rate limiting). */
struct failures {
	int64_t consecutive, last_at, locked_at;
};

/* The counter a consent's failures go to: the citizen's own sign-in
 * (party 0) has its own, so anonymous callers cannot throttle or lock the
 * factor for relying parties. */
static const char *failures_scope(int64_t party_id)
{
	return party_id == 0 ? "login" : "party";
}

static int failures_get(store_tx *tx, const char *idn, const char *scope, struct failures *f,
			struct sh_err *err)
{
	store_stmt *st = NULL;
	memset(f, 0, sizeof *f);
	int rc = store_query(tx, &st, err,
			     "SELECT consecutive, last_failure_at, locked_at FROM otp_failures"
			     " WHERE id_number = ? AND scope = ? FOR UPDATE",
			     "tt", idn, scope);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		f->consecutive = store_col_int(st, 0);
		f->last_at = store_col_int(st, 1);
		f->locked_at = store_col_int(st, 2);
	}
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

/* Delay owed after n consecutive failures: none for the first `free`, then
 * 2, 4, 8 ... seconds, capped at one hour. */
static int64_t failure_delay(const struct consent_config *cfg, int64_t n)
{
	if (n < cfg->person_free_failures)
		return 0;
	int64_t k = n - cfg->person_free_failures + 1;
	return k >= 12 ? 3600 : (int64_t)1 << k > 3600 ? 3600 : (int64_t)1 << k;
}

int consent_redeem(store_tx *tx, const struct keyring *kr, const struct consent_config *cfg,
		   int64_t party_id, const char *consent_id, const char *passcode, int64_t now,
		   struct consent_redeemed *out, struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	if (!consent_id || strlen(consent_id) >= CONSENT_ID_MAX)
		return sh_err_set(err, SH_ENOTFOUND, "CONSENT_NOT_FOUND", "no such consent");
	int wellformed = passcode && strlen(passcode) == CONSENT_CODE_DIGITS;
	for (int i = 0; wellformed && i < CONSENT_CODE_DIGITS; i++)
		wellformed = passcode[i] >= '0' && passcode[i] <= '9';
	if (!wellformed)
		return sh_err_set(err, SH_EINVAL, "PASSCODE_FORMAT", "passcode must be 6 digits");

	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "SELECT id, id_number, purpose, code_hash, person_ok, state, tries,"
			     " expires_at FROM consents WHERE public_id = ? AND party_id = ? FOR UPDATE",
			     "ti", consent_id, party_id);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc != STORE_ROW) {
		store_finalize(st);
		return rc < 0 ? rc
			      : sh_err_set(err, SH_ENOTFOUND, "CONSENT_NOT_FOUND", "no such consent");
	}
	int64_t row = store_col_int(st, 0);
	snprintf(out->consent_id, sizeof out->consent_id, "%s", consent_id);
	snprintf(out->id_number, sizeof out->id_number, "%s", store_col_text(st, 1));
	snprintf(out->purpose, sizeof out->purpose, "%s", store_col_text(st, 2));
	unsigned char stored[32] = {0};
	size_t hl = 0;
	const void *h = store_col_blob(st, 3, &hl);
	if (h && hl == sizeof stored)
		memcpy(stored, h, sizeof stored);
	int person_ok = store_col_int(st, 4) != 0;
	char state[16];
	snprintf(state, sizeof state, "%s", store_col_text(st, 5));
	int64_t tries = store_col_int(st, 6), expires_at = store_col_int(st, 7);
	store_finalize(st);

	if (!strcmp(state, "used"))
		return refusal(sh_err_set(err, SH_EGONE, "CONSENT_USED", "this consent was already used"));
	if (!strcmp(state, "spent"))
		return refusal(sh_err_set(err, SH_EGONE, "CONSENT_SPENT",
				  "too many wrong passcodes: request a new consent"));
	if (now >= expires_at)
		return refusal(sh_err_set(err, SH_EGONE, "CONSENT_EXPIRED",
				  "the passcode expired: request a new consent"));

	struct failures f;
	const char *scope = failures_scope(party_id);
	rc = failures_get(tx, out->id_number, scope, &f, err);
	if (rc != SH_OK)
		return rc;
	if (f.locked_at)
		return refusal(sh_err_set(err, SH_ETHROTTLE, "PASSCODE_LOCKED",
				  "too many failed passcodes for this identity: passcodes are "
				  "locked until the citizen visits a registration centre"));
	int64_t wait = failure_delay(cfg, f.consecutive);
	if (wait && now < f.last_at + wait) {
		out->retry_after = f.last_at + wait;
		return refusal(sh_err_set(err, SH_ETHROTTLE, "PASSCODE_THROTTLED",
				  "too many failed passcodes: retry after %lld s",
				  (long long)(out->retry_after - now)));
	}

	unsigned char given[32];
	consent_code_hash(kr, consent_id, party_id, out->id_number, out->purpose, passcode, given);
	int match = sodium_memcmp(given, stored, sizeof given) == 0;
	if (match && person_ok) {
		rc = store_run(tx, err,
			       "UPDATE consents SET state = 'used', used_at = ? WHERE id = ?"
			       " AND state = 'pending'",
			       "ii", now, row);
		if (rc < 0)
			return rc;
		if (rc == 0) /* a concurrent redeem won */
			return refusal(sh_err_set(err, SH_EGONE, "CONSENT_USED",
					  "this consent was already used"));
		if (f.consecutive) {
			rc = store_run(tx, err,
				       "UPDATE otp_failures SET consecutive = 0 WHERE id_number = ?"
				       " AND scope = ?",
				       "tt", out->id_number, scope);
			if (rc < 0)
				return rc;
		}
		out->ok = 1;
		return SH_OK;
	}
	/* Wrong: count it against the passcode and against the person. */
	tries++;
	rc = store_run(tx, err, "UPDATE consents SET tries = ?, state = ? WHERE id = ?", "iti",
		       tries, tries >= cfg->otp_max_tries ? "spent" : "pending", row);
	if (rc < 0)
		return rc;
	f.consecutive++;
	int lock = f.consecutive >= cfg->person_max_failures;
	rc = store_run(tx, err,
		       "INSERT INTO otp_failures(id_number, scope, consecutive, last_failure_at,"
		       " locked_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id_number, scope) DO UPDATE"
		       " SET consecutive = excluded.consecutive,"
		       " last_failure_at = excluded.last_failure_at,"
		       " locked_at = excluded.locked_at",
		       "ttiii", out->id_number, scope, f.consecutive, now, lock ? now : (int64_t)0);
	if (rc < 0)
		return rc;
	out->tries_left = tries >= cfg->otp_max_tries ? 0 : (int)(cfg->otp_max_tries - tries);
	if (lock)
		return refusal(sh_err_set(err, SH_ETHROTTLE, "PASSCODE_LOCKED",
				  "too many failed passcodes for this identity: passcodes are "
				  "locked until the citizen visits a registration centre"));
	if (out->tries_left == 0)
		return refusal(sh_err_set(err, SH_EGONE, "CONSENT_SPENT",
				  "wrong passcode, and no tries are left: request a new consent"));
	return refusal(sh_err_set(err, SH_ERULE, "PASSCODE_INVALID", "wrong passcode (%d tries left)",
			  out->tries_left));
}

int consent_factor_unlock(store_tx *tx, const struct audit_actor *actor, const char *id_number,
			  struct sh_err *err)
{
	char idn[14];
	int rc = consent_idnum_clean(id_number, idn, err);
	if (rc != SH_OK)
		return rc;
	rc = store_run(tx, err,
		       "UPDATE otp_failures SET consecutive = 0, locked_at = 0 WHERE id_number = ?",
		       "t", idn);
	if (rc < 0)
		return rc;
	char object[32];
	snprintf(object, sizeof object, "person:%s", idn);
	return audit_append(tx, actor, "consent.factor_unlock", object, NULL, err);
}

int consent_peek(store_tx *tx, int64_t party_id, const char *consent_id, char id_number[14],
		 char purpose[CONSENT_PURPOSE_MAX], struct sh_err *err)
{
	if (!consent_id || strlen(consent_id) >= CONSENT_ID_MAX)
		return sh_err_set(err, SH_ENOTFOUND, "CONSENT_NOT_FOUND", "no such consent");
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "SELECT id_number, purpose FROM consents WHERE public_id = ?"
			     " AND party_id = ?",
			     "ti", consent_id, party_id);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		snprintf(id_number, 14, "%s", store_col_text(st, 0));
		snprintf(purpose, CONSENT_PURPOSE_MAX, "%s", store_col_text(st, 1));
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_ENOTFOUND, "CONSENT_NOT_FOUND", "no such consent");
	}
	store_finalize(st);
	return rc;
}

json_t *consent_answer_json(const struct consent_issued *c, const struct consent_config *cfg)
{
	char at[32], notice[512];
	sh_time_format(c->expires_at, at, sizeof at);
	snprintf(notice, sizeof notice,
		 "If this identity number is registered with a mobile number, a passcode has "
		 "been sent to it by SMS. If the citizen receives no SMS, the citizen must "
		 "register a mobile first: send the 13-digit identity number by SMS to %s, or "
		 "visit a registration centre.",
		 cfg->reg_short_code);
	return json_pack("{s:s, s:s, s:s, s:s}", "consent_id", c->consent_id, "status",
			 "passcode_sent_if_registered", "expires_at", at, "notice", notice);
}
