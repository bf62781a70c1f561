/* testdb.h — a fresh, empty database for one test, on the backend the
 * environment selects: SHANAKHT_TEST_BACKEND=sqlite (default) or postgres,
 * with SHANAKHT_TEST_PG the URL of the private test server (ctest's
 * pg_server fixture starts it). */
#ifndef SH_TEST_TESTDB_H
#define SH_TEST_TESTDB_H

/* A store URL ("sqlite:/tmp/.../t.db" or "postgresql://.../t_..."); the
 * caller frees it with testdb_drop(), which also removes the database. */
char *testdb_url(void);
void testdb_drop(char *url);
/* 1 when the suite runs on PostgreSQL. */
int testdb_is_postgres(void);

#include "store/store.h"
/* Run sql (tables, first rows; several statements allowed) in a write
 * transaction of its own; a failure fails the test. */
void testdb_exec(store *db, const char *sql);

#endif
