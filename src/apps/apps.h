/* apps.h — online applications (issue 17): applicant accounts and their
 * applications. docs/applications.md describes the rules and the API.
 *
 * Accounts are a principal kind of their own (PRINCIPAL_APPLICANT), apart
 * from operators and citizens: a username, an Argon2id password (the
 * operators' policy, auth/password.h), a Pakistani mobile and an e-mail
 * address, each verified by a 6-digit code (apps_code.c: single use, 15
 * minutes, 5 tries, stored as a keyed hash). An account signs in only once
 * both are verified. Every state change is one transaction, audited. */
#ifndef SH_APPS_APPS_H
#define SH_APPS_APPS_H

#include <stdint.h>

#include <jansson.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "auth/principal.h"
#include "crypto/keyring.h"
#include "lib/err.h"
#include "store/store.h"

#define APPS_USERNAME_MAX 32
#define APPS_TOKEN_HEX 65      /* 32 random bytes as hex + NUL */
#define APPS_CODE_DIGITS 6
#define APPS_CODE_TTL 900      /* seconds */
#define APPS_CODE_TRIES 5
#define APPS_SESSION_TTL 3600
#define APPS_MAX_PER_ACCOUNT 10
#define APPS_TRACKING_DIGITS 13 /* 12 random + a Verhoeff check digit */

int apps_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

/* What a test or the demo needs to read back: the codes that went out (the
 * server never returns them; they leave only inside the SMS and e-mail). */
struct apps_sent_codes {
	char mobile[APPS_CODE_DIGITS + 1];
	char email[APPS_CODE_DIGITS + 1];
};

/* Mobile numbers: Pakistani mobiles only, "+923XXXXXXXXX", "923..." or
 * "03XXXXXXXXX", normalized to E.164 in out. SH_EINVAL MOBILE_INVALID. */
int apps_mobile_normalize(const char *in, char out[16], struct sh_err *err)
	__attribute__((warn_unused_result));

/* Sign up inside tx. 400 USERNAME_INVALID / MOBILE_INVALID / EMAIL_INVALID,
 * 422 WEAK_PASSWORD, 409 USERNAME_TAKEN. Queues both codes. sent may be
 * NULL (codes only in the outboxes). */
int apps_signup(store_tx *tx, const struct keyring *kr, const struct auth_pwcost *cost,
		const struct audit_actor *actor, const char *username, const char *password,
		const char *mobile, const char *email, int64_t now, int64_t *account_id,
		struct apps_sent_codes *sent, struct sh_err *err) __attribute__((warn_unused_result));

/* Verify the mobile ("mobile") or e-mail ("email") of `username` with a code.
 * Unknown accounts and wrong codes answer alike: 422 CODE_INVALID; a code
 * past its tries or time 410 CODE_EXPIRED. Returns SH_OK when tx must be
 * committed even though *ok is 0 (a try was counted). */
int apps_verify(store_tx *tx, const struct keyring *kr, const struct audit_actor *actor,
		const char *username, const char *channel, const char *code, int64_t now,
		int *ok, struct sh_err *err) __attribute__((warn_unused_result));

/* A fresh code for a channel not yet verified (the old one is spent).
 * Same answer for unknown accounts. */
int apps_resend(store_tx *tx, const struct keyring *kr, const char *username,
		const char *channel, int64_t now, struct apps_sent_codes *sent,
		struct sh_err *err) __attribute__((warn_unused_result));

/* Re-registration with a new e-mail: for an account whose e-mail is not yet
 * verified, proven by its password (401 INVALID_CREDENTIALS otherwise;
 * 409 EMAIL_ALREADY_VERIFIED). A new code goes to the new address. */
int apps_email_change(store_tx *tx, const struct keyring *kr, const struct auth_pwcost *cost,
		      const struct audit_actor *actor, const char *username,
		      const char *password, const char *email, int64_t now,
		      struct apps_sent_codes *sent, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Sign in: 401 INVALID_CREDENTIALS (unknown user and wrong password alike,
 * same Argon2id work), 403 ACCOUNT_UNVERIFIED (after a right password), 429
 * LOGIN_THROTTLED (retry_after seconds) after 5 consecutive failures for the
 * username or from actor->client_addr. Like apps_verify: SH_OK with *ok = 0
 * and the refusal in err means commit (the failure is counted); a negative
 * status is a store failure. */
struct apps_session {
	char token[APPS_TOKEN_HEX];
	int64_t expires_at;
	int64_t account_id;
	int64_t retry_after; /* LOGIN_THROTTLED */
};
int apps_login(store_tx *tx, const struct keyring *kr, const struct auth_pwcost *cost,
	       const struct audit_actor *actor, const char *username, const char *password,
	       int64_t now, struct apps_session *out, int *ok, struct sh_err *err)
	__attribute__((warn_unused_result));
/* The account behind a token: 401 APPLICANT_SESSION. */
int apps_session_check(store *db, const struct keyring *kr, const char *token, int64_t now,
		       struct principal *out, struct sh_err *err) __attribute__((warn_unused_result));
int apps_logout(store_tx *tx, const struct keyring *kr, const char *token, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Forgotten password: a code to the verified mobile and e-mail; the same
 * answer (SH_OK) whether or not the account exists. */
int apps_password_forgot(store_tx *tx, const struct keyring *kr, const char *username,
			 int64_t now, struct apps_sent_codes *sent, struct sh_err *err)
	__attribute__((warn_unused_result));
/* Set a new password with the reset code: 422 CODE_INVALID, 422
 * WEAK_PASSWORD; every session of the account ends. */
int apps_password_reset(store_tx *tx, const struct keyring *kr, const struct auth_pwcost *cost,
			const struct audit_actor *actor, const char *username,
			const char *code, const char *password, int64_t now, int *ok,
			struct sh_err *err) __attribute__((warn_unused_result));
/* Change with the current password: 403 WRONG_PASSWORD, 422 WEAK_PASSWORD;
 * the account's other sessions end (keep_token stays). */
int apps_password_change(store_tx *tx, const struct keyring *kr,
			 const struct auth_pwcost *cost, const struct audit_actor *actor,
			 int64_t account_id, const char *current, const char *next,
			 const char *keep_token, struct sh_err *err)
	__attribute__((warn_unused_result));

struct apps_account {
	int64_t id;
	char username[APPS_USERNAME_MAX + 1];
	char mobile[16];
	char email[256];
	int mobile_verified, email_verified;
	int64_t created_at;
};
int apps_account_get(store_tx *tx, int64_t account_id, struct apps_account *out,
		     struct sh_err *err) __attribute__((warn_unused_result));

/* ---- applications ---- */

/* The application types: data/apps/types.json, built in, parsed and
 * validated once (apps_types.c). apps_types_load at start reports a bad
 * file (400 APP_TYPES_INVALID naming the place); the accessors load it on
 * first use too and answer nothing when it is bad. */
struct apps_type {
	const char *code;  /* "nicop.fresh" */
	const char *title;
	int fee_at_start;  /* modification, renewal: 1 */
	json_t *def;       /* the type's object in the file (read-only) */
};
struct apps_catalog;
int apps_types_load(struct sh_err *err) __attribute__((warn_unused_result));
const struct apps_catalog *apps_catalog(void);
const struct apps_type *apps_type_find(const char *code);
const struct apps_type *apps_types(size_t *n);
/* A type the portal refuses by rule (no fresh Smart ID online): its
 * {code, rule, message} object, or NULL. */
const json_t *apps_type_refused(const char *code);
/* Parse and validate a types file (the built-in one, or a test's). */
int apps_catalog_parse(const char *text, size_t len, struct apps_catalog **out,
		       struct sh_err *err) __attribute__((warn_unused_result));
void apps_catalog_free(struct apps_catalog *c);
const struct apps_type *apps_catalog_types(const struct apps_catalog *c, size_t *n);
const struct apps_type *apps_catalog_find(const struct apps_catalog *c, const char *code);

struct apps_application {
	char tracking_id[APPS_TRACKING_DIGITS + 1];
	char type[32];
	char state[16]; /* draft, submitted, cancelled */
	int64_t created_at, updated_at;
};

/* 1 when s is 13 digits whose last is the Verhoeff check digit. */
int apps_tracking_valid(const char *s);

/* A new draft of `type`: 400 APP_TYPE_UNKNOWN, 422 APP_INELIGIBLE for a
 * type refused by rule (sid.fresh: no_fresh_smart_id_online), 422 APP_LIMIT (10 open, i.e.
 * not cancelled, per account). */
int apps_application_create(store_tx *tx, const struct audit_actor *actor, int64_t account_id,
			    const char *type, int64_t now, struct apps_application *out,
			    struct sh_err *err) __attribute__((warn_unused_result));
/* Only the account's own: another account's tracking ID is 404
 * APP_NOT_FOUND, exactly as an unknown one. */
int apps_application_get(store_tx *tx, int64_t account_id, const char *tracking_id,
			 struct apps_application *out, struct sh_err *err)
	__attribute__((warn_unused_result));
typedef int (*apps_application_fn)(void *ctx, const struct apps_application *a);
int apps_application_list(store_tx *tx, int64_t account_id, apps_application_fn fn, void *ctx,
			  struct sh_err *err) __attribute__((warn_unused_result));
/* Cancel before payment: 409 APP_NOT_CANCELLABLE for a cancelled one. */
int apps_application_cancel(store_tx *tx, const struct audit_actor *actor, int64_t account_id,
			    const char *tracking_id, int64_t now, struct apps_application *out,
			    struct sh_err *err) __attribute__((warn_unused_result));

/* ---- sections, review, submission (apps_section.c) ---- */

/* Validate a section's object against its schema in the types file; *out a
 * normalized copy. 400 SECTION_UNKNOWN / SECTION_INVALID (names the field). */
int apps_section_validate(const char *section, json_t *in, json_t **out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* Save one section of the account's own draft (replacing an earlier save):
 * 404 APP_NOT_FOUND, 409 APP_NOT_EDITABLE, 400 SECTION_UNKNOWN (not one of
 * the type's sections) / SECTION_INVALID, 422 APP_INELIGIBLE when a rule the
 * saved sections decide refuses (nothing is saved then). */
int apps_section_put(store_tx *tx, const struct audit_actor *actor, int64_t account_id,
		     const char *tracking_id, const char *section, json_t *value, int64_t now,
		     struct sh_err *err) __attribute__((warn_unused_result));
/* The whole application for review: *out (caller owns) has sections,
 * missing_sections, documents_required, issues, fee_paid and, once the
 * applicant section is saved, fingerprints_required / signature_required
 * (not under 14) and for a NICOP issues_id_number (no ID number yet). */
int apps_review(store_tx *tx, int64_t account_id, const char *tracking_id, int64_t now,
		struct apps_application *a, json_t **out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* Submit a complete draft: 422 APP_INCOMPLETE (names the missing sections,
 * or the chip code for a type that issues a card), 422 APP_INELIGIBLE, 409
 * APP_NOT_EDITABLE. */
int apps_submit(store_tx *tx, const struct audit_actor *actor, int64_t account_id,
		const char *tracking_id, int64_t now, struct apps_application *a,
		struct sh_err *err) __attribute__((warn_unused_result));

/* The chip security code (apps_chip.c). 1 when `code` is refused (not 4
 * digits, or weak: four equal digits, a run like 1234 or 4321, a repeated
 * pair like 1212, a palindrome like 1221, or a common code); *why names
 * the rule (may be NULL). */
int apps_chip_code_weak(const char *code, const char **why);
/* Set it on the account's own draft: 404 APP_NOT_FOUND, 409
 * APP_NOT_EDITABLE, 422 CHIP_CODE_WEAK (the message names the rule). */
int apps_chip_code_set(store_tx *tx, const struct keyring *kr, const struct auth_pwcost *cost,
		       const struct audit_actor *actor, int64_t account_id,
		       const char *tracking_id, const char *code, struct sh_err *err)
	__attribute__((warn_unused_result));
/* SH_OK when `code` is the one set (for the card record); 422
 * CHIP_CODE_MISMATCH otherwise, also when none was set. */
int apps_chip_code_check(store_tx *tx, const struct keyring *kr, const struct auth_pwcost *cost,
			 int64_t account_id, const char *tracking_id, const char *code,
			 struct sh_err *err) __attribute__((warn_unused_result));

#endif
