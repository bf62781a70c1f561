/* consent.c — passcode consents: issue (hash + SMS) and redeem (checks,
 * counters, throttling). See consent.h for the rules and their sources. */
#include "consent/consent.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "notify/sms.h"
#include "registry/person.h"
#include "ledger/ledger.h"

/* Passcode SMS per person per 10 minutes (anti-flooding). */
#define CONSENT_SMS_PER_WINDOW 10

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

int consent_request(store_tx *tx, const struct keyring *kr, const struct consent_config *cfg,
		    const struct audit_actor *actor, enum consent_kind kind, int64_t party_id,
		    const char *party_name, const char *id_number, const char *purpose,
		    int64_t now, int test_capture, struct consent_issued *out, struct sh_err *err)
{
	char idn[14], code[CONSENT_CODE_DIGITS + 1], text[SMS_TEXT_MAX];
	unsigned char rnd[12], hash[32];
	char rhex[2 * sizeof rnd + 1];
	struct person *p = NULL;
	int rc = consent_idnum_clean(id_number, idn, err);
	if (rc != SH_OK)
		return rc;
	if (kind == CONSENT_FOR_LOGIN)
		purpose = "citizen sign-in";
	if (!purpose_valid(purpose))
		return sh_err_set(err, SH_EINVAL, "PURPOSE",
				  "purpose must be 3..100 printable characters");
	memset(out, 0, sizeof *out);
	p = malloc(sizeof *p); /* struct person is ~3 KiB: keep it off small stacks */
	if (!p)
		return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");

	/* Who can receive it. Every branch below does the same store work
	 * (one read, one consent insert, ledger rows, one audit entry) so that
	 * the answer and its timing do not tell the cases apart. */
	struct sh_err perr = {0};
	rc = person_get(tx, idn, p, &perr);
	const char *why = "";
	/* A number the registry rejects (bad check digit) belongs to no one:
	 * it is "unknown" too, with the same answer. */
	if (rc == SH_ENOTFOUND || rc == SH_EINVAL)
		why = "unknown";
	else if (rc != SH_OK) {
		*err = perr;
		goto out;
	} else if (p->status == PERSON_DECEASED)
		why = "deceased";
	else if (p->status == PERSON_CANCELLED)
		why = "cancelled";
	else if (!p->mobile[0])
		why = "no_mobile";
	if (!why[0]) {
		/* SMS flooding guard: at most CONSENT_SMS_PER_WINDOW passcodes per
		 * person per 10 minutes; beyond that the answer stays the same
		 * but nothing is sent. */
		store_stmt *cs = NULL;
		rc = store_query(tx, &cs, err,
				 "SELECT COUNT(*) FROM consents WHERE id_number = ? AND created_at > ?"
				 " AND person_ok = 1",
				 "ti", idn, now - 600);
		if (rc != SH_OK)
			goto out;
		rc = store_step(cs, err);
		int64_t recent = rc == STORE_ROW ? store_col_int(cs, 0) : 0;
		store_finalize(cs);
		if (rc < 0)
			goto out;
		if (recent >= CONSENT_SMS_PER_WINDOW)
			why = "rate_limited";
	}
	int deliver = why[0] == '\0';

	uint32_t c = randombytes_uniform(1000000); /* CSPRNG, uniform over 000000..999999 */
	snprintf(code, sizeof code, "%06u", (unsigned)c);
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(rhex, sizeof rhex, rnd, sizeof rnd);
	snprintf(out->consent_id, sizeof out->consent_id, "cs_%s", rhex);
	out->expires_at = now + cfg->otp_ttl_seconds;
	consent_code_hash(kr, out->consent_id, party_id, idn, purpose, code, hash);

	rc = store_run(tx, err,
		       "INSERT INTO consents(public_id, party_id, id_number, purpose, code_hash,"
		       " person_ok, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		       "tittbiii", out->consent_id, party_id, idn, purpose, hash, sizeof hash,
		       (int64_t)deliver, now, out->expires_at);
	if (rc < 0)
		goto out;
	struct ledger_entry t = {
		.party_id = party_id, .party_name = kind == CONSENT_FOR_LOGIN ? "(you)" : party_name,
		.id_number = idn, .consent_id = out->consent_id, .purpose = purpose,
		.type = kind == CONSENT_FOR_LOGIN ? "login" : "consent",
		.event = "consent_requested", .result = deliver ? "ok" : "not_sent",
		.reason = deliver ? NULL : why, .at = now,
	};
	rc = ledger_record(tx, &t, err);
	if (rc != SH_OK)
		goto out;
	/* The text is composed in every case: a purpose too long for an SMS
	 * must fail alike for every number, or the error would tell them
	 * apart. */
	rc = sms_text(kind, party_name ? party_name : "", purpose, code,
		      (cfg->otp_ttl_seconds + 59) / 60, text, sizeof text);
	if (rc != SH_OK) {
		rc = sh_err_set(err, SH_EINVAL, "PURPOSE", "purpose too long for an SMS");
		goto out;
	}
	if (deliver) {
		rc = sms_enqueue(tx, p->mobile, text,
				 kind == CONSENT_FOR_LOGIN ? "citizen.login" : "consent.passcode",
				 out->expires_at, NULL, err);
		if (rc != SH_OK)
			goto out;
		t.event = "passcode_sent";
		t.result = "queued";
	} else {
		t.event = "passcode_withheld";
		t.result = "not_sent";
	}
	rc = ledger_record(tx, &t, err);
	if (rc != SH_OK)
		goto out;
	if (!deliver && kind == CONSENT_FOR_PARTY &&
	    (!strcmp(why, "deceased") || !strcmp(why, "cancelled"))) {
		/* Someone is trying to use a dead or cancelled identity. */
		rc = ledger_fraud_signal(tx, !strcmp(why, "deceased") ? "deceased_attempt"
								       : "cancelled_attempt",
					 idn, party_id, out->consent_id,
					 "{\"stage\":\"consent_request\"}", err);
		if (rc != SH_OK)
			goto out;
	}
	out->delivered = deliver;
	snprintf(out->undelivered_reason, sizeof out->undelivered_reason, "%s", why);
	if (test_capture)
		memcpy(out->test_code, code, sizeof code);

	char object[48], detail[256];
	snprintf(object, sizeof object, "consent:%s", out->consent_id);
	json_t *d = json_pack("{s:s, s:I, s:s, s:b, s:s}", "id_number", idn, "party_id",
			      (json_int_t)party_id, "purpose", purpose, "delivered", deliver,
			      "reason", why);
	char *ds = d ? json_dumps(d, JSON_COMPACT) : NULL;
	json_decref(d);
	snprintf(detail, sizeof detail, "%s", ds ? ds : "{}");
	free(ds);
	rc = audit_append(tx, actor, kind == CONSENT_FOR_LOGIN ? "citizen.login_request"
								: "consent.request",
			  object, detail, err);
out:
	sodium_memzero(code, sizeof code);
	sodium_memzero(text, sizeof text);
	free(p);
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

static int failures_get(store_tx *tx, const char *idn, struct failures *f, struct sh_err *err)
{
	store_stmt *st = NULL;
	memset(f, 0, sizeof *f);
	int rc = store_query(tx, &st, err,
			     "SELECT consecutive, last_failure_at, locked_at FROM otp_failures"
			     " WHERE id_number = ? FOR UPDATE",
			     "t", idn);
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
	rc = failures_get(tx, out->id_number, &f, err);
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
				       "UPDATE otp_failures SET consecutive = 0 WHERE id_number = ?",
				       "t", out->id_number);
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
		       "INSERT INTO otp_failures(id_number, consecutive, last_failure_at, locked_at)"
		       " VALUES (?, ?, ?, ?) ON CONFLICT (id_number) DO UPDATE SET"
		       " consecutive = excluded.consecutive,"
		       " last_failure_at = excluded.last_failure_at,"
		       " locked_at = excluded.locked_at",
		       "tiii", out->id_number, f.consecutive, now, lock ? now : (int64_t)0);
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
