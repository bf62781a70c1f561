/* crvs_licence.c — nikah registrar licences: a council licenses an operator
 * with the nikah_registrar role; only a licence in force lets them submit
 * marriages, and the council can suspend it. */
#include <stdio.h>
#include <string.h>

#include "auth/roles.h"
#include "auth/users.h"
#include "crvs/crvs_internal.h"

static void licence_row(store_stmt *st, struct crvs_licence *l)
{
	memset(l, 0, sizeof *l);
	snprintf(l->licence_no, sizeof l->licence_no, "%s", store_col_text(st, 0));
	snprintf(l->username, sizeof l->username, "%s", store_col_text(st, 1));
	snprintf(l->council_code, sizeof l->council_code, "%s", store_col_text(st, 2));
	snprintf(l->status, sizeof l->status, "%s", store_col_text(st, 3));
	const char *r = store_col_text(st, 4);
	snprintf(l->suspend_reason, sizeof l->suspend_reason, "%s", r ? r : "");
}

int crvs_licence_grant(const struct crvs_ctx *c, const char *username, const char *council,
		       struct crvs_licence *out, struct sh_err *err)
{
	if (!username || !*username || strlen(username) >= sizeof out->username)
		return sh_err_set(err, SH_EINVAL, "USERNAME_REQUIRED", "username is required");
	/* A council registrar licenses for their own council only. */
	if (c->role_bit != ROLE_ADMIN && (!council || !c->council_code ||
					  strcmp(council, c->council_code) != 0))
		return sh_err_set(err, SH_ERULE, "WRONG_COUNCIL",
				  "a registrar may license for their own council only");
	store_tx *tx;
	int rc = crvs_tx_begin(c, &tx, err);
	if (rc)
		return rc;
	struct address_council place;
	struct auth_user holder;
	if ((rc = crvs_council(tx, council, &place, err)))
		goto out;
	/* A licence is for an operator of the nikah registrar role (not a
	 * health notifier or anyone else), and of this council when the
	 * account names one. */
	rc = auth_user_get(tx, username, &holder, err);
	if (rc == SH_ENOTFOUND) {
		rc = sh_err_set(err, SH_ERULE, "USER_NOT_FOUND", "no operator %s", username);
		goto out;
	}
	if (rc)
		goto out;
	if (role_from_name(holder.role) != ROLE_NIKAH_REGISTRAR) {
		rc = sh_err_set(err, SH_ERULE, "NOT_NIKAH_REGISTRAR",
				"%s has the role %s; only a nikah_registrar can be licensed",
				username, holder.role);
		goto out;
	}
	if (holder.council_code[0] && strcmp(holder.council_code, council) != 0) {
		rc = sh_err_set(err, SH_ERULE, "WRONG_COUNCIL",
				"%s belongs to council %s, not %s", username, holder.council_code,
				council);
		goto out;
	}
	store_stmt *st;
	rc = store_query(tx, &st, err,
			 "INSERT INTO crvs_licences(licence_no, username, council_code, status,"
			 " granted_by, granted_at) VALUES ('', ?, ?, 'active', ?, ?) RETURNING id",
			 "ttti", username, council, c->actor ? c->actor->name : "system", sh_now());
	if (rc)
		goto out;
	rc = store_step(st, err);
	int64_t id = rc == STORE_ROW ? store_col_int(st, 0) : 0;
	store_finalize(st);
	if (rc == SH_ECONFLICT) {
		rc = sh_err_set(err, SH_ECONFLICT, "LICENCE_EXISTS", "%s already holds a licence",
				username);
		goto out;
	}
	if (rc < 0)
		goto out;
	memset(out, 0, sizeof *out);
	snprintf(out->licence_no, sizeof out->licence_no, "NR-%s-%05lld", council, (long long)id);
	snprintf(out->username, sizeof out->username, "%s", username);
	snprintf(out->council_code, sizeof out->council_code, "%s", council);
	snprintf(out->status, sizeof out->status, "active");
	rc = store_run(tx, err, "UPDATE crvs_licences SET licence_no = ? WHERE id = ?", "ti",
		       out->licence_no, id);
	if (rc < 0)
		goto out;
	char object[64];
	snprintf(object, sizeof object, "nikah_licence:%s", out->licence_no);
	json_t *d = json_pack("{s:s,s:s}", "username", username, "council", council);
	rc = crvs_audit(tx, c, "crvs.licence.grant", object, d, err);
	json_decref(d);
out:
	return crvs_tx_end(c, tx, rc, err);
}

int crvs_licence_suspend(const struct crvs_ctx *c, const char *licence_no, const char *reason,
			 struct sh_err *err)
{
	if (!reason || !*reason)
		return sh_err_set(err, SH_EINVAL, "REASON_REQUIRED", "a reason is required");
	store_tx *tx;
	int rc = crvs_tx_begin(c, &tx, err);
	if (rc)
		return rc;
	store_stmt *st;
	rc = store_query(tx, &st, err,
			 "SELECT licence_no, username, council_code, status, suspend_reason"
			 " FROM crvs_licences WHERE licence_no = ?",
			 "t", licence_no);
	if (rc)
		goto out;
	struct crvs_licence l;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		licence_row(st, &l);
	store_finalize(st);
	if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_ENOTFOUND, "LICENCE_NOT_FOUND", "no licence %s", licence_no);
		goto out;
	}
	if (rc < 0)
		goto out;
	if (c->role_bit != ROLE_ADMIN &&
	    (!c->council_code || strcmp(l.council_code, c->council_code) != 0)) {
		rc = sh_err_set(err, SH_ERULE, "WRONG_COUNCIL",
				"licence %s belongs to council %s", licence_no, l.council_code);
		goto out;
	}
	rc = store_run(tx, err,
		       "UPDATE crvs_licences SET status = 'suspended', suspend_reason = ?,"
		       " suspended_at = ? WHERE licence_no = ?",
		       "tit", reason, sh_now(), licence_no);
	if (rc < 0)
		goto out;
	char object[64];
	snprintf(object, sizeof object, "nikah_licence:%s", licence_no);
	json_t *d = json_pack("{s:s}", "reason", reason);
	rc = crvs_audit(tx, c, "crvs.licence.suspend", object, d, err);
	json_decref(d);
out:
	return crvs_tx_end(c, tx, rc, err);
}

int crvs_licence_check(store_tx *tx, const char *username, struct crvs_licence *out,
		       struct sh_err *err)
{
	store_stmt *st;
	int rc = store_query(tx, &st, err,
			     "SELECT licence_no, username, council_code, status, suspend_reason"
			     " FROM crvs_licences WHERE username = ?",
			     "t", username ? username : "");
	if (rc)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		licence_row(st, out);
	store_finalize(st);
	if (rc == STORE_DONE)
		return sh_err_set(err, SH_EFORBIDDEN, "NIKAH_LICENCE_REQUIRED",
				  "%s holds no nikah registrar licence", username ? username : "");
	if (rc < 0)
		return rc;
	if (strcmp(out->status, "active") != 0)
		return sh_err_set(err, SH_EFORBIDDEN, "NIKAH_LICENCE_SUSPENDED",
				  "licence %s is suspended: %s", out->licence_no, out->suspend_reason);
	return SH_OK;
}
