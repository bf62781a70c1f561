/* sms_inbound.c — mobile registration by SMS, confirmation, status queries
 * and helpful replies. */
#include "consent/sms_inbound.h"

#include <ctype.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "consent/consent.h"
#include "notify/sms.h"
#include "registry/person.h"

int sms_number_normalize(const char *in, char *out, size_t n, struct sh_err *err)
{
	char d[24];
	size_t k = 0;
	int plus = 0;
	for (const char *p = in ? in : ""; *p; p++) {
		if (*p == '+' && k == 0 && !plus)
			plus = 1;
		else if (*p >= '0' && *p <= '9' && k < sizeof d - 1)
			d[k++] = *p;
		else if (*p != ' ' && *p != '-')
			return sh_err_set(err, SH_EINVAL, "SMS_FROM", "not a phone number");
	}
	d[k] = '\0';
	int w;
	if (!plus && k == 11 && d[0] == '0' && d[1] == '3')
		w = snprintf(out, n, "+92%s", d + 1); /* national 03xx-xxxxxxx */
	else if (!plus && k == 12 && d[0] == '9' && d[1] == '2')
		w = snprintf(out, n, "+%s", d);
	else if (plus && k >= 8 && k <= 15)
		w = snprintf(out, n, "+%s", d);
	else
		return sh_err_set(err, SH_EINVAL, "SMS_FROM", "not a phone number");
	return w > 0 && (size_t)w < n ? SH_OK : sh_err_set(err, SH_EINVAL, "SMS_FROM", "too long");
}

/* The status in Urdu, for the Urdu line of the reply. */
static const char *status_name_ur(enum person_status s)
{
	switch (s) {
	case PERSON_ALIVE:
		return "زندہ";
	case PERSON_DECEASED:
		return "وفات یافتہ";
	case PERSON_CANCELLED:
		return "منسوخ";
	}
	return "نامعلوم";
}

static int default_status(store_tx *tx, const char *from, const char *query, char *reply,
			  size_t n, struct sh_err *err)
{
	char idn[14];
	struct sh_err e = {0};
	if (consent_idnum_clean(query, idn, &e) == SH_OK) {
		struct person *p = malloc(sizeof *p);
		if (!p)
			return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
		int rc = person_get(tx, idn, p, &e);
		/* Only the identity's own registered mobile learns its status. */
		if (rc == SH_OK && p->mobile[0] && strcmp(p->mobile, from) == 0)
			snprintf(reply, n, "Shanakht: identity %.5s-%.7s-%.1s is %s.\n"
					   "شناخت: شناختی نمبر کی حیثیت: %s",
				 idn, idn + 5, idn + 12, person_status_name(p->status),
				 status_name_ur(p->status));
		else
			snprintf(reply, n, "Shanakht: no status can be sent for %s to this mobile.\n"
					   "شناخت: اس موبائل پر اس نمبر کی حیثیت نہیں بھیجی جا سکتی۔",
				 query);
		free(p);
		if (rc != SH_OK && rc != SH_ENOTFOUND && rc != SH_EINVAL)
			return rc;
		return SH_OK;
	}
	snprintf(reply, n, "Shanakht: no application with tracking number %.40s was found.\n"
			   "شناخت: اس ٹریکنگ نمبر کی کوئی درخواست نہیں ملی۔",
		 query);
	return SH_OK;
}

static _Atomic(sms_status_fn) status_hook = default_status;

void sms_status_set_hook(sms_status_fn fn)
{
	atomic_store(&status_hook, fn ? fn : default_status);
}

static const char HELP[] =
	"Shanakht: to register this mobile, send your 13-digit identity number "
	"(e.g. 12345-1234567-1) to %s. To confirm, send the 6-digit code you receive.\n"
	"شناخت: یہ موبائل رجسٹر کرنے کے لیے اپنا 13 ہندسوں کا شناختی نمبر %s پر بھیجیں۔ "
	"تصدیق کے لیے موصول ہونے والا 6 ہندسوں کا کوڈ بھیجیں۔";

static void mobile_code_hash(const struct keyring *kr, int64_t row, const char *mobile,
			     const char *idn, const char *code, unsigned char out[32])
{
	char buf[160];
	int n = snprintf(buf, sizeof buf, "shanakht-mobile-v1|%lld|%s|%s|%s", (long long)row,
			 mobile, idn, code);
	keyring_hash(kr, KEY_OTP_PEPPER, buf, (size_t)n, out);
	sodium_memzero(buf, sizeof buf);
}

/* Trimmed copy of text, upper-cased ASCII, at most n-1 bytes. */
static void squeeze(const char *in, char *out, size_t n)
{
	size_t k = 0;
	while (*in && isspace((unsigned char)*in))
		in++;
	for (; *in && k + 1 < n; in++)
		out[k++] = (char)toupper((unsigned char)*in);
	while (k && isspace((unsigned char)out[k - 1]))
		k--;
	out[k] = '\0';
}

static int reply(store_tx *tx, const char *to, const char *text, int64_t expires,
		 struct sh_err *err)
{
	return sms_enqueue(tx, to, text, "sms.reply", expires, NULL, err);
}

static int do_register(store_tx *tx, const struct keyring *kr, const struct consent_config *cfg,
		       const struct audit_actor *actor, const char *from, const char *idn,
		       int64_t now, struct sms_inbound_result *out, struct sh_err *err)
{
	char text[SMS_TEXT_MAX];
	struct person *p = malloc(sizeof *p);
	if (!p)
		return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
	struct sh_err e = {0};
	int rc = person_get(tx, idn, p, &e);
	if (rc != SH_OK && rc != SH_ENOTFOUND && rc != SH_EINVAL) {
		*err = e;
		goto out;
	}
	if (rc != SH_OK || p->status != PERSON_ALIVE) {
		snprintf(out->action, sizeof out->action, "register_unknown");
		snprintf(text, sizeof text,
			 "Shanakht: %.5s-%.7s-%.1s is not a living registered identity. Check the "
			 "number and send it again.\nشناخت: یہ نمبر کسی زندہ رجسٹرڈ شناخت کا نہیں۔ "
			 "نمبر دیکھ کر دوبارہ بھیجیں۔",
			 idn, idn + 5, idn + 12);
		rc = reply(tx, from, text, 0, err);
		goto out;
	}
	if (p->mobile[0]) {
		int same = strcmp(p->mobile, from) == 0;
		snprintf(out->action, sizeof out->action, same ? "register_same" : "register_other");
		snprintf(text, sizeof text, "%s",
			 same ? "Shanakht: this mobile is already registered for your identity.\n"
				"شناخت: یہ موبائل پہلے سے آپ کی شناخت کے لیے رجسٹرڈ ہے۔"
			      : "Shanakht: another mobile is registered for this identity. To change "
				"it, visit a registration centre with your card.\n"
				"شناخت: اس شناخت کے لیے دوسرا موبائل رجسٹرڈ ہے۔ تبدیلی کے لیے "
				"اپنے کارڈ کے ساتھ رجسٹریشن مرکز جائیں۔");
		rc = reply(tx, from, text, 0, err);
		goto out;
	}
	store_stmt *st = NULL;
	rc = store_query(tx, &st, err,
			 "SELECT COUNT(DISTINCT id_number) FROM mobile_registrations WHERE mobile = ?"
			 " AND id_number <> ? AND (state = 'bound' OR (state = 'pending'"
			 " AND expires_at > ?))",
			 "tti", from, idn, now);
	if (rc != SH_OK)
		goto out;
	rc = store_step(st, err);
	int64_t count = rc == STORE_ROW ? store_col_int(st, 0) : 0;
	store_finalize(st);
	if (rc < 0)
		goto out;
	if (count >= cfg->mobile_max_identities) {
		snprintf(out->action, sizeof out->action, "register_limit");
		snprintf(text, sizeof text,
			 "Shanakht: this mobile already serves %lld identities, the most allowed.\n"
			 "شناخت: یہ موبائل زیادہ سے زیادہ اجازت شدہ شناختوں کے لیے رجسٹرڈ ہے۔",
			 (long long)count);
		rc = reply(tx, from, text, 0, err);
		goto out;
	}
	rc = store_run(tx, err,
		       "UPDATE mobile_registrations SET state = 'expired' WHERE mobile = ?"
		       " AND state = 'pending'",
		       "t", from);
	if (rc < 0)
		goto out;
	int64_t expires = now + cfg->otp_ttl_seconds;
	unsigned char zero[32] = {0}, hash[32];
	rc = store_query(tx, &st, err,
			 "INSERT INTO mobile_registrations(mobile, id_number, code_hash, created_at,"
			 " expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
			 "ttbii", from, idn, zero, sizeof zero, now, expires);
	if (rc != SH_OK)
		goto out;
	rc = store_step(st, err);
	int64_t row = rc == STORE_ROW ? store_col_int(st, 0) : 0;
	store_finalize(st);
	if (rc < 0)
		goto out;
	char code[8];
	snprintf(code, sizeof code, "%06u", (unsigned)randombytes_uniform(1000000));
	mobile_code_hash(kr, row, from, idn, code, hash);
	rc = store_run(tx, err, "UPDATE mobile_registrations SET code_hash = ? WHERE id = ?", "bi",
		       hash, sizeof hash, row);
	if (rc < 0)
		goto out;
	snprintf(text, sizeof text,
		 "Shanakht: to register this mobile for %.5s-%.7s-%.1s, send %s to %s within %d "
		 "minutes.\nشناخت: یہ موبائل رجسٹر کرنے کے لیے %d منٹ میں %s کو %s بھیجیں۔",
		 idn, idn + 5, idn + 12, code, cfg->reg_short_code, cfg->otp_ttl_seconds / 60,
		 cfg->otp_ttl_seconds / 60, code, cfg->reg_short_code);
	rc = reply(tx, from, text, expires, err);
	if (rc != SH_OK)
		goto out;
	sodium_memzero(code, sizeof code);
	sodium_memzero(text, sizeof text);
	snprintf(out->action, sizeof out->action, "register_pending");
	char object[32];
	snprintf(object, sizeof object, "person:%s", idn);
	rc = audit_append(tx, actor, "mobile.register_request", object, NULL, err);
out:
	free(p);
	return rc;
}

static int do_confirm(store_tx *tx, const struct keyring *kr, const struct consent_config *cfg,
		      const struct audit_actor *actor, const char *from, const char *code,
		      int64_t now, struct sms_inbound_result *out, struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "SELECT id, id_number, code_hash, tries FROM mobile_registrations"
			     " WHERE mobile = ? AND state = 'pending' AND expires_at > ?"
			     " ORDER BY id DESC LIMIT 1 FOR UPDATE",
			     "ti", from, now);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc < 0) {
		store_finalize(st);
		return rc;
	}
	if (rc == STORE_DONE) {
		store_finalize(st);
		snprintf(out->action, sizeof out->action, "confirm_none");
		char text[SMS_TEXT_MAX];
		snprintf(text, sizeof text,
			 "Shanakht: there is no registration waiting for this mobile (codes last "
			 "%d minutes). Send your identity number to %s to start again.\n"
			 "شناخت: اس موبائل کی کوئی رجسٹریشن زیرِ التوا نہیں۔ دوبارہ شروع کرنے کے لیے "
			 "اپنا شناختی نمبر %s پر بھیجیں۔",
			 cfg->otp_ttl_seconds / 60, cfg->reg_short_code, cfg->reg_short_code);
		return reply(tx, from, text, 0, err);
	}
	int64_t row = store_col_int(st, 0), tries = store_col_int(st, 3);
	char idn[14];
	snprintf(idn, sizeof idn, "%s", store_col_text(st, 1));
	unsigned char stored[32] = {0}, given[32];
	size_t hl = 0;
	const void *h = store_col_blob(st, 2, &hl);
	if (h && hl == 32)
		memcpy(stored, h, 32);
	store_finalize(st);
	mobile_code_hash(kr, row, from, idn, code, given);
	if (sodium_memcmp(stored, given, 32) != 0) {
		tries++;
		int spent = tries >= cfg->otp_max_tries;
		rc = store_run(tx, err, "UPDATE mobile_registrations SET tries = ?, state = ?"
					" WHERE id = ?",
			       "iti", tries, spent ? "failed" : "pending", row);
		if (rc < 0)
			return rc;
		snprintf(out->action, sizeof out->action, "confirm_wrong");
		char text[SMS_TEXT_MAX];
		if (spent)
			snprintf(text, sizeof text, "%s",
				 "Shanakht: wrong code, and no tries are left. Send your identity "
				 "number again to get a new code.\nشناخت: غلط کوڈ، کوشش ختم۔ نیا کوڈ "
				 "لینے کے لیے شناختی نمبر دوبارہ بھیجیں۔");
		else
			snprintf(text, sizeof text,
				 "Shanakht: wrong code, %lld tries left.\nشناخت: غلط کوڈ، %lld کوششیں باقی۔",
				 (long long)(cfg->otp_max_tries - tries),
				 (long long)(cfg->otp_max_tries - tries));
		return reply(tx, from, text, 0, err);
	}
	struct person ch;
	memset(&ch, 0, sizeof ch);
	snprintf(ch.mobile, sizeof ch.mobile, "%s", from);
	rc = person_update(tx, actor, idn, 0, &ch, PERSON_F_MOBILE,
			   "mobile registered by SMS with a confirmation passcode", NULL, err);
	if (rc != SH_OK)
		return rc;
	rc = store_run(tx, err,
		       "UPDATE mobile_registrations SET state = 'bound', bound_at = ? WHERE id = ?",
		       "ii", now, row);
	if (rc < 0)
		return rc;
	snprintf(out->action, sizeof out->action, "confirmed");
	char object[32];
	snprintf(object, sizeof object, "person:%s", idn);
	rc = audit_append(tx, actor, "mobile.bound", object, NULL, err);
	if (rc != SH_OK)
		return rc;
	return reply(tx, from,
		     "Shanakht: this mobile is now registered for your identity. Passcodes for "
		     "verifications will come here.\nشناخت: یہ موبائل اب آپ کی شناخت کے لیے رجسٹرڈ "
		     "ہے۔ تصدیق کے پاس کوڈ یہیں آئیں گے۔",
		     0, err);
}

int sms_inbound_handle(store *db, const struct keyring *kr, const struct consent_config *cfg,
		       const char *from_raw, const char *to, const char *text, int64_t now,
		       struct sms_inbound_result *out, struct sh_err *err)
{
	char from[PERSON_MOBILE_MAX], body[200], reply_text[SMS_TEXT_MAX], idn[14];
	memset(out, 0, sizeof *out);
	int rc = sms_number_normalize(from_raw, from, sizeof from, err);
	if (rc != SH_OK)
		return rc;
	squeeze(text ? text : "", body, sizeof body);
	struct audit_actor actor = {.kind = "citizen", .name = from, .role = "sms"};
	store_tx *tx = NULL;
	rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	struct sh_err e = {0};
	const char *word = body;
	if (to && cfg->status_short_code && strcmp(to, cfg->status_short_code) == 0) {
		if (strncmp(word, "STATUS", 6) == 0)
			word += 6;
		while (*word == ' ')
			word++;
		sms_status_fn fn = atomic_load(&status_hook);
		rc = fn(tx, from, word, reply_text, sizeof reply_text, err);
		if (rc == SH_OK)
			rc = reply(tx, from, reply_text, 0, err);
		snprintf(out->action, sizeof out->action, "status");
	} else {
		if (strncmp(word, "REG ", 4) == 0)
			word += 4;
		else if (strncmp(word, "CONFIRM ", 8) == 0)
			word += 8;
		while (*word == ' ')
			word++;
		size_t len = strlen(word);
		int six = len == 6 && strspn(word, "0123456789") == 6;
		if (six)
			rc = do_confirm(tx, kr, cfg, &actor, from, word, now, out, err);
		else if (consent_idnum_clean(word, idn, &e) == SH_OK)
			rc = do_register(tx, kr, cfg, &actor, from, idn, now, out, err);
		else {
			snprintf(out->action, sizeof out->action, "help");
			snprintf(reply_text, sizeof reply_text, HELP, cfg->reg_short_code,
				 cfg->reg_short_code);
			rc = reply(tx, from, reply_text, 0, err);
		}
	}
	if (rc != SH_OK) {
		store_rollback(tx);
		return rc;
	}
	return store_commit(tx, err);
}
