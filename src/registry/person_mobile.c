/* person_mobile.c — a change of a person's mobile number, confirmed by a
 * code sent to the new number, told to the old one, and in effect only
 * after a cooling-off period (see person.h). The old number keeps getting
 * consent passcodes until then, because person_get shows the new number
 * only from its effective time: the real holder has that long to object
 * at their union council before an impostor's number starts receiving
 * them. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "crypto/keyring.h"
#include "notify/sms.h"
#include "registry/idnum.h"
#include "registry/person_internal.h"

static void code_hash(const struct keyring *kr, const char *id, const char *mobile,
		      const char *code, unsigned char out[32])
{
	char buf[128];
	int n = snprintf(buf, sizeof buf, "shanakht-mobile-change-v1|%s|%s|%s", id, mobile, code);
	keyring_hash(kr, KEY_OTP_PEPPER, buf, n > 0 && (size_t)n < sizeof buf ? (size_t)n : 0, out);
	sodium_memzero(buf, sizeof buf);
}

/* "+92300*****67": enough for the holder to recognise, not to dial. */
static void mobile_masked(const char *m, char out[PERSON_MOBILE_MAX])
{
	size_t n = strlen(m);
	for (size_t i = 0; i < n && i < PERSON_MOBILE_MAX - 1; i++)
		out[i] = (i < 6 || i + 2 >= n) ? m[i] : '*';
	out[n < PERSON_MOBILE_MAX ? n : PERSON_MOBILE_MAX - 1] = '\0';
}

static int mobile_audit(store_tx *tx, const struct audit_actor *actor, const char *action,
			const char *id, int64_t at, struct sh_err *err)
{
	char object[32], detail[64];
	snprintf(object, sizeof object, "person:%s", id);
	snprintf(detail, sizeof detail, "{\"at\":%lld}", (long long)at);
	return audit_append(tx, actor, action, object, detail, err);
}

int person_mobile_request(store_tx *tx, const struct audit_actor *actor,
			  const struct keyring *kr, const char *id_number, const char *mobile,
			  const char *reason, int64_t now, struct person_mobile_change *out,
			  struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	if (!reason || !*reason)
		return sh_err_set(err, SH_EINVAL, "REASON_REQUIRED", "a reason is required");
	if (strlen(reason) > 255)
		return sh_err_set(err, SH_EINVAL, "FIELD_TOO_LONG", "reason is over 255 bytes");
	char m[PERSON_MOBILE_MAX];
	struct person p;
	int rc = person_mobile_normalize(mobile, m, err);
	if (rc == SH_OK)
		rc = person_get(tx, id_number, &p, err);
	if (rc != SH_OK)
		return rc;
	if (p.status != PERSON_ALIVE)
		return sh_err_set(err, SH_ERULE, "PERSON_NOT_ALIVE",
				  "the record is %s: its mobile cannot change",
				  person_status_name(p.status));
	if (!strcmp(p.mobile, m))
		return sh_err_set(err, SH_ERULE, "MOBILE_UNCHANGED", "%s is already the mobile", m);
	char code[8];
	snprintf(code, sizeof code, "%06u", (unsigned)randombytes_uniform(1000000));
	unsigned char hash[32];
	code_hash(kr, p.id_number, m, code, hash);
	out->expires_at = now + PERSON_MOBILE_CODE_TTL;
	snprintf(out->mobile, sizeof out->mobile, "%s", m);
	/* One request at a time per person: a new one replaces the old. */
	rc = store_run(tx, err, "DELETE FROM person_mobile_changes WHERE id_number = ?", "t",
		       p.id_number);
	if (rc >= 0)
		rc = store_run(tx, err,
			       "INSERT INTO person_mobile_changes(id_number, mobile, code_hash,"
			       " expires_at, tries, reason, requested_by, created_at)"
			       " VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
			       "ttbitti", p.id_number, m, hash, sizeof hash, out->expires_at, reason,
			       actor && actor->name ? actor->name : "system", now);
	if (rc < 0)
		return rc;
	char printed[IDNUM_PRINTED + 1], text[SMS_TEXT_MAX];
	idnum_format(p.id_number, printed, sizeof printed);
	snprintf(text, sizeof text,
		 "Shanakht: code %s confirms this mobile for identity record %.5s-*******-%c."
		 " Give it only to the registration officer. Valid %d minutes.",
		 code, printed, printed[IDNUM_PRINTED - 1], PERSON_MOBILE_CODE_TTL / 60);
	sodium_memzero(code, sizeof code);
	rc = sms_enqueue(tx, m, text, "mobile.confirm", out->expires_at, NULL, err);
	sodium_memzero(text, sizeof text);
	if (rc != SH_OK)
		return rc;
	if (p.mobile[0]) {
		char masked[PERSON_MOBILE_MAX];
		mobile_masked(m, masked);
		snprintf(text, sizeof text,
			 "Shanakht: a change of the mobile on your identity record to %s was"
			 " requested. Passcodes keep coming to this number for %d hours after it is"
			 " confirmed. If you did not ask for it, visit your union council.",
			 masked, PERSON_MOBILE_COOLING_OFF / 3600);
		if ((rc = sms_enqueue(tx, p.mobile, text, "mobile.change_notice", 0, NULL, err)) !=
		    SH_OK)
			return rc;
		out->old_notified = 1;
	}
	return mobile_audit(tx, actor, "person.mobile.request", p.id_number, out->expires_at, err);
}

int person_mobile_confirm(store_tx *tx, const struct audit_actor *actor,
			  const struct keyring *kr, const char *id_number, const char *code,
			  int64_t now, struct person_mobile_change *out, struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	char id[IDNUM_DIGITS + 1];
	int rc = idnum_lookup_normalize(id_number, id, err);
	if (rc != SH_OK)
		return rc;
	if (!code || strlen(code) != 6 || strspn(code, "0123456789") != 6)
		return sh_err_set(err, SH_EINVAL, "CODE_INVALID", "the code is 6 digits");
	store_stmt *st;
	rc = store_query(tx, &st, err,
			 "SELECT mobile, code_hash, expires_at, tries, reason FROM"
			 " person_mobile_changes WHERE id_number = ?",
			 "t", id);
	if (rc)
		return rc;
	rc = store_step(st, err);
	unsigned char stored[32] = {0};
	char reason[300] = "";
	int64_t expires = 0, tries = 0;
	if (rc == STORE_ROW) {
		snprintf(out->mobile, sizeof out->mobile, "%s", store_col_text(st, 0));
		size_t hl = 0;
		const void *h = store_col_blob(st, 1, &hl);
		if (h && hl == sizeof stored)
			memcpy(stored, h, sizeof stored);
		expires = store_col_int(st, 2);
		tries = store_col_int(st, 3);
		snprintf(reason, sizeof reason, "%s", store_col_text(st, 4));
	}
	store_finalize(st);
	if (rc < 0)
		return rc;
	if (rc == STORE_DONE)
		return sh_err_set(err, SH_ENOTFOUND, "NO_MOBILE_CHANGE",
				  "no change of mobile is waiting for a code");
	if (expires <= now || tries >= PERSON_MOBILE_CODE_TRIES)
		return sh_err_set(err, SH_ERULE, "MOBILE_CODE_EXPIRED",
				  "the code has expired or its tries are spent: request again");
	unsigned char given[32];
	code_hash(kr, id, out->mobile, code, given);
	if (sodium_memcmp(stored, given, sizeof given) != 0) {
		rc = store_run(tx, err,
			       "UPDATE person_mobile_changes SET tries = tries + 1 WHERE id_number = ?",
			       "t", id);
		if (rc < 0)
			return rc;
		out->tries_left = (int)(PERSON_MOBILE_CODE_TRIES - tries - 1);
		return SH_OK; /* confirmed stays 0: the caller commits the count */
	}
	rc = store_run(tx, err, "DELETE FROM person_mobile_changes WHERE id_number = ?", "t", id);
	if (rc < 0)
		return rc;
	struct person p, ch;
	if ((rc = person_get(tx, id, &p, err)) != SH_OK)
		return rc;
	memset(&ch, 0, sizeof ch);
	snprintf(ch.mobile, sizeof ch.mobile, "%s", out->mobile);
	out->confirmed = 1;
	if (!p.mobile[0]) {
		/* No number to protect: nobody would be cut off. */
		out->effective_at = now;
		rc = person_update(tx, actor, id, 0, &ch, PERSON_F_MOBILE, reason, NULL, err);
	} else {
		out->effective_at = now + PERSON_MOBILE_COOLING_OFF;
		rc = person_schedule(tx, actor, id, PERSON_F_MOBILE, &ch, out->effective_at, reason,
				     err);
		if (rc == SH_OK) {
			char masked[PERSON_MOBILE_MAX], when[32], text[SMS_TEXT_MAX];
			mobile_masked(out->mobile, masked);
			sh_time_format(out->effective_at, when, sizeof when);
			snprintf(text, sizeof text,
				 "Shanakht: the mobile on your identity record changes to %s at %s"
				 " (UTC). Until then passcodes come to this number. If you did not"
				 " ask for it, visit your union council before then.",
				 masked, when);
			rc = sms_enqueue(tx, p.mobile, text, "mobile.change_notice", 0, NULL, err);
			out->old_notified = rc == SH_OK;
		}
	}
	if (rc != SH_OK)
		return rc;
	return mobile_audit(tx, actor, "person.mobile.confirm", id, out->effective_at, err);
}

int person_mobile_cancel(store_tx *tx, const struct audit_actor *actor, const char *id_number,
			 const char *reason, int *cancelled, struct sh_err *err)
{
	char id[IDNUM_DIGITS + 1];
	*cancelled = 0;
	int rc = idnum_lookup_normalize(id_number, id, err);
	if (rc != SH_OK)
		return rc;
	struct person v;
	int64_t at;
	rc = person_schedule_get(tx, id, PERSON_F_MOBILE, &v, &at, err);
	if (rc != SH_OK && rc != SH_ENOTFOUND)
		return rc;
	int scheduled = rc == SH_OK;
	rc = store_run(tx, err, "DELETE FROM person_mobile_changes WHERE id_number = ?", "t", id);
	if (rc < 0)
		return rc;
	*cancelled = rc > 0 || scheduled;
	if (scheduled &&
	    (rc = person_schedule_cancel(tx, actor, id, PERSON_F_MOBILE, reason, err)) != SH_OK)
		return rc;
	if (!*cancelled)
		return SH_OK;
	return mobile_audit(tx, actor, "person.mobile.cancel", id, 0, err);
}
