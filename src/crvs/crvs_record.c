/* crvs_record.c — reading one record of a register (marriages, divorces)
 * by its id or by its registration number, and the pending-duplicate check
 * that every notice runs against the event register. */
#include "crvs/crvs_internal.h"

int crvs_record_get(store_tx *tx, const struct crvs_record_kind *k, int64_t id, void *out,
		    struct sh_err *err)
{
	store_stmt *st;
	int rc = store_query(tx, &st, err, k->by_id, "i", id);
	if (rc)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		k->row(st, out);
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_ENOTFOUND, k->missing, "no %s %lld", k->what,
				(long long)id);
	}
	store_finalize(st);
	return rc;
}

int crvs_record_by_reg(store_tx *tx, const struct crvs_record_kind *k, const char *reg_no,
		       void *out, struct sh_err *err)
{
	store_stmt *st;
	int rc = store_query(tx, &st, err, k->id_by_reg_no, "t", reg_no);
	if (rc)
		return rc;
	rc = store_step(st, err);
	int64_t id = rc == STORE_ROW ? store_col_int(st, 0) : 0;
	store_finalize(st);
	if (rc < 0)
		return rc;
	if (!id)
		return sh_err_set(err, SH_ENOTFOUND, k->missing, "no %s %s", k->what, reg_no);
	return crvs_record_get(tx, k, id, out, err);
}

int crvs_refuse_duplicate(store_stmt *st, const char *code, const char *what,
			  struct sh_err *err)
{
	int rc = store_step(st, err);
	if (rc == STORE_ROW)
		rc = sh_err_set(err, SH_ERULE, code, "%s as event %lld", what,
				(long long)store_col_int(st, 0));
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}
