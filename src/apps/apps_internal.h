/* apps_internal.h — shared inside src/apps only: verification codes. */
#ifndef SH_APPS_INTERNAL_H
#define SH_APPS_INTERNAL_H

#include <jansson.h>

#include "apps/apps.h"

#define APPS_SECTIONS_MAX 8

/* A fresh code for (account, purpose) inside tx; earlier unused codes of the
 * same purpose are spent. code gets APPS_CODE_DIGITS digits + NUL. */
int apps_code_issue(store_tx *tx, const struct keyring *kr, int64_t account_id,
		    const char *purpose, int64_t now, char code[APPS_CODE_DIGITS + 1],
		    struct sh_err *err) __attribute__((warn_unused_result));
/* Check a code. account_id 0 (unknown account) answers as a wrong code.
 * SH_OK with *ok = 1 (spent now) or *ok = 0 and the refusal in err (422
 * CODE_INVALID, 410 CODE_EXPIRED): commit either way. A negative status
 * only for a store failure. */
int apps_code_redeem(store_tx *tx, const struct keyring *kr, int64_t account_id,
		     const char *purpose, const char *code, int64_t now, int *ok,
		     struct sh_err *err) __attribute__((warn_unused_result));

/* The application row by (account, tracking ID); *app_id its key. for_update
 * locks it (PostgreSQL) for a state change. 400 TRACKING_ID_INVALID, 404
 * APP_NOT_FOUND (another account's ID alike). */
int apps_application_row(store_tx *tx, int64_t account_id, const char *tracking_id,
			 int for_update, int64_t *app_id, struct apps_application *out,
			 struct sh_err *err) __attribute__((warn_unused_result));
int apps_audit_app(store_tx *tx, const struct audit_actor *actor, const char *tracking_id,
		   const char *action, const char *detail, struct sh_err *err)
	__attribute__((warn_unused_result));
/* 1 when the application's chip code is set. */
int apps_chip_code_is_set(store_tx *tx, int64_t app_id);

/* The types file (apps_types.c). */
json_t *apps_catalog_section(const struct apps_catalog *c, const char *name);
json_t *apps_catalog_root(const struct apps_catalog *c);

/* Eligibility (apps_rules.c): the type's rules over doc (section name ->
 * saved object). final = 0 while drafting: a rule over a section not yet
 * saved waits; final = 1 at submission. 422 APP_INELIGIBLE "rule: why". */
int apps_rules_check(store_tx *tx, const struct apps_type *t, json_t *doc, int64_t now,
		     int final, struct sh_err *err) __attribute__((warn_unused_result));

#endif
