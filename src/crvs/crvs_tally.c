/* crvs_tally.c — the registered events of a period, one row each, for
 * statistics (src/vitals). The SQL on crvs_events stays in this module;
 * the reader aggregates. A covering index (migration 2) keeps the scan on
 * the index alone: status, event date, kind, council, registration time. */
#include <string.h>

#include "crvs/crvs_internal.h"

int crvs_tally_registered(store_tx *tx, const char *from, const char *to_excl,
			  crvs_tally_fn fn, void *ctx, struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "SELECT kind, event_date, council_code, decided_at FROM crvs_events"
			     " WHERE status = 'registered' AND event_date >= ? AND event_date < ?",
			     "tt", from, to_excl);
	if (rc != SH_OK)
		return rc;
	while ((rc = store_step(st, err)) == 1) {
		struct crvs_tally_row r = {0};
		const char *kind = store_col_text(st, 0), *date = store_col_text(st, 1);
		const char *council = store_col_text(st, 2);
		int k = crvs_kind_parse(kind);
		if (k < 0 || !date || strlen(date) != 10 || !council)
			continue; /* not an event this version knows: never counted */
		r.kind = (enum crvs_kind)k;
		memcpy(r.event_date, date, 11);
		r.council = council;
		r.registered_at = store_col_is_null(st, 3) ? 0 : store_col_int(st, 3);
		if (fn(ctx, &r)) {
			rc = 0;
			break;
		}
	}
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}
