/* person_history.c — a person's versions, oldest first, and their children
 * (family links), read straight from indexed tables. */
#include <string.h>

#include "registry/idnum.h"
#include "registry/person_internal.h"

int person_history(store_tx *tx, const char *id_number,
		   int (*fn)(void *ctx, const struct person *p, const struct person_version_meta *m),
		   void *ctx, struct sh_err *err)
{
	struct person cur;
	int rc = person_get(tx, id_number, &cur, err);
	if (rc != SH_OK)
		return rc;
	store_stmt *st = NULL;
	rc = store_query(tx, &st, err,
			 "SELECT " PERSON_DATA_COLS ", actor_name, reason, fields, at"
			 " FROM person_versions WHERE person_id = ? ORDER BY version",
			 "i", cur.row_id);
	if (rc != SH_OK)
		return rc;
	struct person p;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		p.row_id = cur.row_id;
		person_from_row(st, 0, &p);
		const char *actor = store_col_text(st, PERSON_DATA_NCOLS);
		const char *reason = store_col_text(st, PERSON_DATA_NCOLS + 1);
		struct person_version_meta m = {
			.version = p.version,
			.at = store_col_int(st, PERSON_DATA_NCOLS + 3),
			.actor = actor ? actor : "system",
			.reason = reason ? reason : "",
			.fields = (unsigned)store_col_int(st, PERSON_DATA_NCOLS + 2),
		};
		if (fn(ctx, &p, &m) != 0) {
			rc = STORE_DONE;
			break;
		}
	}
	store_finalize(st);
	return rc == STORE_DONE ? SH_OK : rc;
}

int person_children(store_tx *tx, const char *id_number,
		    int (*fn)(void *ctx, const struct person *child), void *ctx,
		    struct sh_err *err)
{
	char id[IDNUM_DIGITS + 1];
	int rc = idnum_lookup_normalize(id_number, id, err);
	if (rc != SH_OK)
		return rc;
	store_stmt *st = NULL;
	/* Two indexed lookups (persons_mother, persons_father), merged. */
	rc = store_query(tx, &st, err,
			 "SELECT id, " PERSON_DATA_COLS " FROM persons WHERE mother_id = ?"
			 " UNION SELECT id, " PERSON_DATA_COLS " FROM persons WHERE father_id = ?"
			 " ORDER BY 11, 2",
			 "tt", id, id);
	if (rc != SH_OK)
		return rc;
	struct person p;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		p.row_id = store_col_int(st, 0);
		person_from_row(st, 1, &p);
		if (fn(ctx, &p) != 0) {
			rc = STORE_DONE;
			break;
		}
	}
	store_finalize(st);
	return rc == STORE_DONE ? SH_OK : rc;
}
