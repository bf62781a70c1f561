/* cert_list.c — the certificates issued about one person (birth and family
 * registration certificates, whose subject is an identity number), for the
 * citizen's own portal. Marriage and divorce certificates take a marriage
 * or divorce number as subject and are not listed here. */
#include <stdio.h>
#include <string.h>

#include "cert/cert.h"
#include "lib/parse.h"

int cert_list_person(store_tx *tx, const char *id_number, int limit,
		     int (*each)(void *ctx, const struct cert_record *r), void *ctx,
		     struct sh_err *err)
{
	store_stmt *st;
	/* kind first: the (kind, subject) index serves both arms. */
	int rc = store_query(tx, &st, err,
			     "SELECT serial, kind, copy_no, issued_on, issuer, status, council"
			     " FROM certificates WHERE kind IN ('birth', 'frc') AND subject = ?"
			     " ORDER BY issued_on DESC, serial DESC LIMIT ?",
			     "ti", id_number, (int64_t)limit);
	if (rc)
		return rc;
	struct cert_record r;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		memset(&r, 0, sizeof r);
		snprintf(r.serial, sizeof r.serial, "%s", store_col_text(st, 0));
		r.kind = (enum cert_kind)cert_kind_parse(store_col_text(st, 1));
		snprintf(r.subject, sizeof r.subject, "%s", id_number);
		r.copy_no = (int)store_col_int(st, 2);
		if (sh_parse_date(store_col_text(st, 3), &r.issued) != SH_OK)
			memset(&r.issued, 0, sizeof r.issued);
		snprintf(r.issuer, sizeof r.issuer, "%s", store_col_text(st, 4));
		snprintf(r.status, sizeof r.status, "%s", store_col_text(st, 5));
		const char *council = store_col_text(st, 6);
		snprintf(r.council, sizeof r.council, "%s", council ? council : "");
		if (each(ctx, &r)) {
			rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "certificate list");
			break;
		}
	}
	store_finalize(st);
	return rc == STORE_DONE ? SH_OK : rc;
}
