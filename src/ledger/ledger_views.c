/* ledger_views.c — the ledger's reporting view (ledger_views.h), a migration
 * of its own ("verify_views"). Integer division of Unix seconds is the UTC
 * day on both backends. */
#include "ledger/ledger_views.h"

static const char views_sql[] =
	"CREATE VIEW v_verify_facts AS SELECT id_number, type, result, created_at AS at,"
	" created_at / 86400 AS day FROM verify_transactions;";

int ledger_views_migrate(store *db, struct sh_err *err)
{
	const struct store_migration m[] = {
		{1, "verification facts", views_sql},
	};
	return store_migrate(db, "verify_views", m, sizeof m / sizeof m[0], err);
}
