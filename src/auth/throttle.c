/* throttle.c — failed-login counters and the delay/lockout rules. */
#include "auth/throttle.h"

#include <string.h>

int64_t auth_throttle_delay(int64_t failures)
{
	if (failures < AUTH_THROTTLE_AFTER)
		return 0;
	int64_t e = failures - AUTH_THROTTLE_AFTER;
	if (e >= 20) /* 2^20 s is far past the cap; avoid shifting further */
		return AUTH_THROTTLE_CAP_SECONDS;
	int64_t d = (int64_t)1 << e;
	return d > AUTH_THROTTLE_CAP_SECONDS ? AUTH_THROTTLE_CAP_SECONDS : d;
}

int64_t auth_throttle_wait(const struct auth_throttle *t, int64_t now)
{
	int64_t until = t->last_failure_at + auth_throttle_delay(t->failures);
	return until > now ? until - now : 0;
}

/* Step st, a query for (failures, last_failure_at, locked), into out when
 * it has a row; finalizes st and returns the step's status. */
static int counter_read(store_stmt *st, struct auth_throttle *out, struct sh_err *err)
{
	int rc = store_step(st, err);
	if (rc == STORE_ROW) {
		out->failures = store_col_int(st, 0);
		out->last_failure_at = store_col_int(st, 1);
		out->locked = store_col_int(st, 2) != 0;
	}
	store_finalize(st);
	return rc;
}

int auth_throttle_get(store_tx *tx, const char *kind, const char *subject,
		      struct auth_throttle *out, struct sh_err *err)
{
	store_stmt *st = NULL;
	memset(out, 0, sizeof *out);
	int rc = store_query(tx, &st, err,
			     "SELECT failures, last_failure_at, locked FROM login_failures"
			     " WHERE kind = ? AND subject = ? FOR UPDATE",
			     "tt", kind, subject);
	if (rc != SH_OK)
		return rc;
	rc = counter_read(st, out, err);
	return rc < 0 ? rc : SH_OK;
}

int auth_throttle_fail(store_tx *tx, const char *kind, const char *subject, int64_t now,
		       struct auth_throttle *out, struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "INSERT INTO login_failures (kind, subject, failures, last_failure_at,"
			     " locked) VALUES (?, ?, 1, ?, 0)"
			     " ON CONFLICT (kind, subject) DO UPDATE SET"
			     " failures = login_failures.failures + 1,"
			     " last_failure_at = excluded.last_failure_at"
			     " RETURNING failures, last_failure_at, locked",
			     "tti", kind, subject, now);
	if (rc != SH_OK)
		return rc;
	rc = counter_read(st, out, err);
	if (rc < 0)
		return rc;
	if (rc != STORE_ROW)
		return sh_err_set(err, SH_EDB, "NO_ROW", "login_failures upsert returned no row");
	if (strcmp(kind, AUTH_THROTTLE_ACCOUNT) == 0 && !out->locked &&
	    out->failures >= AUTH_LOCK_AFTER) {
		rc = store_run(tx, err,
			       "UPDATE login_failures SET locked = 1 WHERE kind = ? AND subject = ?",
			       "tt", kind, subject);
		if (rc < 0)
			return rc;
		out->locked = 1;
	}
	return SH_OK;
}

int auth_throttle_clear(store_tx *tx, const char *kind, const char *subject, struct sh_err *err)
{
	return store_run(tx, err, "DELETE FROM login_failures WHERE kind = ? AND subject = ?", "tt",
			 kind, subject);
}
