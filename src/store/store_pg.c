/* store_pg.c — the PostgreSQL backend (placeholder until libpq code lands). */
#include "store/store_int.h"

static int pg_conn_open(store *db, void **out, struct sh_err *err)
{
	return sh_err_set(err, SH_EDB, "STORE_CONNECT", "PostgreSQL backend not built yet");
}

const struct store_ops store_pg_ops = {
	.conn_open = pg_conn_open,
};
