/* testdb.c — per-test databases on SQLite or the private PostgreSQL server. */
#include "testdb.h"

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int testdb_is_postgres(void)
{
	const char *b = getenv("SHANAKHT_TEST_BACKEND");
	return b && strcmp(b, "postgres") == 0;
}

/* The private server's URL: from the file the pg_server fixture wrote
 * (SHANAKHT_TEST_PG_FILE), or SHANAKHT_TEST_PG. */
static const char *admin_url(void)
{
	static char url[256];
	const char *file = getenv("SHANAKHT_TEST_PG_FILE");
	if (!url[0] && file) {
		FILE *f = fopen(file, "r");
		if (f) {
			if (fgets(url, sizeof url, f))
				url[strcspn(url, "\r\n")] = '\0';
			fclose(f);
		}
	}
	if (url[0])
		return url;
	const char *u = getenv("SHANAKHT_TEST_PG");
	return u ? u : "postgresql://shanakht@127.0.0.1:55432/postgres";
}

static int pg_command(const char *sql)
{
	PGconn *c = PQconnectdb(admin_url());
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "testdb: cannot reach %s: %s", admin_url(), PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "testdb: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

char *testdb_url(void)
{
	static unsigned counter;
	char *url = malloc(512);
	if (!url)
		return NULL;
	if (!testdb_is_postgres()) {
		char dir[] = "/tmp/shanakht-test-XXXXXX";
		if (!mkdtemp(dir)) {
			free(url);
			return NULL;
		}
		snprintf(url, 512, "sqlite:%s/t.db", dir);
		return url;
	}
	char name[64], sql[128];
	snprintf(name, sizeof name, "t_%ld_%u_%u", (long)getpid(), counter++,
		 (unsigned)rand());
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	if (pg_command(sql) != 0) {
		free(url);
		return NULL;
	}
	/* Replace the database name (after the last '/') of the admin URL. */
	const char *base = admin_url();
	const char *slash = strrchr(base, '/');
	int prefix = slash ? (int)(slash - base) : (int)strlen(base);
	snprintf(url, 512, "%.*s/%s", prefix, base, name);
	return url;
}

void testdb_drop(char *url)
{
	if (!url)
		return;
	if (strncmp(url, "sqlite:", 7) == 0) {
		const char *path = url + 7;
		char tmp[512];
		const char *suffixes[] = {"", "-wal", "-shm"};
		for (int i = 0; i < 3; i++) {
			snprintf(tmp, sizeof tmp, "%s%s", path, suffixes[i]);
			unlink(tmp);
		}
		snprintf(tmp, sizeof tmp, "%s", path);
		char *slash = strrchr(tmp, '/');
		if (slash) {
			*slash = '\0';
			rmdir(tmp);
		}
	} else {
		const char *name = strrchr(url, '/');
		if (name) {
			char sql[160];
			snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name + 1);
			pg_command(sql);
		}
	}
	free(url);
}

void testdb_exec(store *db, const char *sql)
{
	struct sh_err err = {0};
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_exec(tx, sql, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK, "%s", err.msg);
}
