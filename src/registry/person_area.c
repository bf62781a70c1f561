/* person_area.c — every current person registered in one area (a union
 * council, or every council under a tehsil, district or province code), for
 * modules that compare the registry with another register (src/concord). */
#include "registry/person_internal.h"

#include <stdio.h>
#include <string.h>

int person_each_in_area(store_tx *tx, const char *area_code,
			int (*fn)(void *ctx, const struct person *p), void *ctx,
			struct sh_err *err)
{
	if (!area_code || !area_code[0] || strlen(area_code) >= PERSON_CODE_MAX ||
	    strchr(area_code, '%') || strchr(area_code, '_'))
		return sh_err_set(err, SH_EINVAL, "AREA_INVALID", "an area code is required");
	char like[PERSON_CODE_MAX + 4];
	snprintf(like, sizeof like, "%s-%%", area_code);
	store_stmt *st = NULL;
	/* council codes nest by prefix ("PB-LHR" > "PB-LHR-01" > "PB-LHR-01-003"),
	 * so an area is one code or one prefix range of the council_code index. */
	int rc = store_query(tx, &st, err,
			     "SELECT id, " PERSON_DATA_COLS " FROM persons"
			     " WHERE council_code = ? OR council_code LIKE ? ORDER BY id",
			     "tt", area_code, like);
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
