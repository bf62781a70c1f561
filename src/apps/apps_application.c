/* apps_application.c — applications: drafts with a tracking ID, the
 * account's own list, cancellation. An account reaches only its own rows:
 * every query is keyed by (account_id, tracking_id), so another account's
 * tracking ID is "not found", the same as an unknown one. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "apps/apps_internal.h"
#include "registry/idnum.h"

int apps_tracking_valid(const char *s)
{
	if (!s || strlen(s) != APPS_TRACKING_DIGITS)
		return 0;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return idnum_verhoeff_valid(s, APPS_TRACKING_DIGITS);
}

/* 12 CSPRNG digits (the first not 0) and a Verhoeff check digit: 9 * 10^11
 * values, so a tracking ID cannot be guessed from another. */
static void tracking_new(char out[APPS_TRACKING_DIGITS + 1])
{
	out[0] = (char)('1' + randombytes_uniform(9));
	for (int i = 1; i < APPS_TRACKING_DIGITS - 1; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	out[APPS_TRACKING_DIGITS - 1] =
		(char)('0' + idnum_verhoeff_digit(out, APPS_TRACKING_DIGITS - 1));
	out[APPS_TRACKING_DIGITS] = '\0';
}

static void row_read(store_stmt *st, struct apps_application *a)
{
	snprintf(a->tracking_id, sizeof a->tracking_id, "%s", store_col_text(st, 0));
	snprintf(a->type, sizeof a->type, "%s", store_col_text(st, 1));
	snprintf(a->state, sizeof a->state, "%s", store_col_text(st, 2));
	a->created_at = store_col_int(st, 3);
	a->updated_at = store_col_int(st, 4);
}

int apps_audit_app(store_tx *tx, const struct audit_actor *actor, const char *tracking_id,
		     const char *action, const char *detail, struct sh_err *err)
{
	char object[40];
	snprintf(object, sizeof object, "application:%s", tracking_id);
	return audit_append(tx, actor, action, object, detail, err);
}

int apps_application_create(store_tx *tx, const struct audit_actor *actor, int64_t account_id,
			    const char *type, int64_t now, struct apps_application *out,
			    struct sh_err *err)
{
	store_stmt *st = NULL;
	memset(out, 0, sizeof *out);
	const json_t *refused = apps_type_refused(type);
	if (refused)
		return sh_err_set(err, SH_ERULE, "APP_INELIGIBLE", "%s: %s",
				  json_string_value(json_object_get(refused, "rule")),
				  json_string_value(json_object_get(refused, "message")));
	const struct apps_type *t = apps_type_find(type);
	if (!t)
		return sh_err_set(err, SH_EINVAL, "APP_TYPE_UNKNOWN",
				  "unknown application type (GET /api/v1/apps/types lists them)");
	/* FOR UPDATE on the account row serializes concurrent creates of one
	 * account, so the limit holds on PostgreSQL too. */
	int rc = store_query(tx, &st, err, "SELECT id FROM apps_accounts WHERE id = ? FOR UPDATE",
			     "i", account_id);
	if (rc == SH_OK)
		rc = store_step(st, err);
	store_finalize(st);
	st = NULL;
	if (rc != STORE_ROW)
		return rc < 0 ? rc : sh_err_set(err, SH_ENOTFOUND, "ACCOUNT_NOT_FOUND", "no account");
	rc = store_query(tx, &st, err,
			 "SELECT COUNT(*) FROM apps_applications WHERE account_id = ?"
			 " AND state <> 'cancelled'",
			 "i", account_id);
	int64_t open = 0;
	if (rc == SH_OK && (rc = store_step(st, err)) == STORE_ROW) {
		open = store_col_int(st, 0);
		rc = SH_OK;
	}
	store_finalize(st);
	st = NULL;
	if (rc != SH_OK)
		return rc;
	if (open >= APPS_MAX_PER_ACCOUNT)
		return sh_err_set(err, SH_ERULE, "APP_LIMIT",
				  "an account may hold at most %d applications that are not cancelled",
				  APPS_MAX_PER_ACCOUNT);
	for (int attempt = 0;; attempt++) {
		tracking_new(out->tracking_id);
		rc = store_query(tx, &st, err,
				 "SELECT 1 FROM apps_applications WHERE tracking_id = ?", "t",
				 out->tracking_id);
		if (rc == SH_OK)
			rc = store_step(st, err);
		store_finalize(st);
		st = NULL;
		if (rc == STORE_DONE)
			break;
		if (rc < 0)
			return rc;
		if (attempt >= 8)
			return sh_err_set(err, SH_EINTERNAL, "TRACKING_ID", "no free tracking ID");
	}
	snprintf(out->type, sizeof out->type, "%s", t->code);
	snprintf(out->state, sizeof out->state, "draft");
	out->created_at = out->updated_at = now;
	rc = store_run(tx, err,
		       "INSERT INTO apps_applications(tracking_id, account_id, type, state,"
		       " created_at, updated_at) VALUES (?, ?, ?, 'draft', ?, ?)",
		       "titii", out->tracking_id, account_id, t->code, now, now);
	if (rc < 0)
		return rc;
	return apps_audit_app(tx, actor, out->tracking_id, "apps.application.create", t->code, err);
}

int apps_application_row(store_tx *tx, int64_t account_id, const char *tracking_id,
			 int for_update, int64_t *app_id, struct apps_application *out,
			 struct sh_err *err)
{
	store_stmt *st = NULL;
	memset(out, 0, sizeof *out);
	*app_id = 0;
	if (!apps_tracking_valid(tracking_id))
		return sh_err_set(err, SH_EINVAL, "TRACKING_ID_INVALID",
				  "a tracking ID is 13 digits with a valid check digit");
	int rc = store_query(tx, &st, err,
			     for_update
				     ? "SELECT tracking_id, type, state, created_at, updated_at, id"
				       " FROM apps_applications WHERE account_id = ? AND tracking_id = ?"
				       " FOR UPDATE"
				     : "SELECT tracking_id, type, state, created_at, updated_at, id"
				       " FROM apps_applications WHERE account_id = ? AND tracking_id = ?",
			     "it", account_id, tracking_id);
	if (rc == SH_OK)
		rc = store_step(st, err);
	if (rc == STORE_ROW) {
		row_read(st, out);
		*app_id = store_col_int(st, 5);
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_ENOTFOUND, "APP_NOT_FOUND", "no such application");
	}
	store_finalize(st);
	return rc;
}

int apps_application_get(store_tx *tx, int64_t account_id, const char *tracking_id,
			 struct apps_application *out, struct sh_err *err)
{
	int64_t id;
	return apps_application_row(tx, account_id, tracking_id, 0, &id, out, err);
}

int apps_application_list(store_tx *tx, int64_t account_id, apps_application_fn fn, void *ctx,
			  struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "SELECT tracking_id, type, state, created_at, updated_at"
			     " FROM apps_applications WHERE account_id = ? ORDER BY id",
			     "i", account_id);
	while (rc == SH_OK && (rc = store_step(st, err)) == STORE_ROW) {
		struct apps_application a;
		row_read(st, &a);
		rc = fn(ctx, &a) ? sh_err_set(err, SH_ENOMEM, "OOM", "out of memory") : SH_OK;
	}
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

int apps_application_cancel(store_tx *tx, const struct audit_actor *actor, int64_t account_id,
			    const char *tracking_id, int64_t now, struct apps_application *out,
			    struct sh_err *err)
{
	int rc = apps_application_get(tx, account_id, tracking_id, out, err);
	if (rc != SH_OK)
		return rc;
	if (strcmp(out->state, "draft") != 0)
		return sh_err_set(err, SH_ECONFLICT, "APP_NOT_CANCELLABLE",
				  "only an application not yet paid can be cancelled (state %s)",
				  out->state);
	rc = store_run(tx, err,
		       "UPDATE apps_applications SET state = 'cancelled', updated_at = ?"
		       " WHERE account_id = ? AND tracking_id = ? AND state = 'draft'",
		       "iit", now, account_id, tracking_id);
	if (rc < 0)
		return rc;
	snprintf(out->state, sizeof out->state, "cancelled");
	out->updated_at = now;
	return apps_audit_app(tx, actor, tracking_id, "apps.application.cancel", NULL, err);
}
