/* test_backup.c — issue 21 item 4: `shanakht backup` taken online from a
 * running server (persons, a relying party, the schema's own rows),
 * `shanakht restore` into a new store, then: the restored
 * audit log verifies, every table holds as many rows as the source, the
 * restore never lands on data, a backup never overwrites a file. (Sealed
 * biometric rows are ordinary store rows and are counted the same way;
 * this test enrols none.) */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "store/store.h"
#include "testdb.h"

#define LHR1 "PB-LHR-01-001"

static struct e2e_server srv;

static void person(const char *name, const char *mobile)
{
	json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name_en", name,
			      "name_ur", "علی", "guardian_name_en", "Akbar Ali", "guardian_relation",
			      "father", "gender", "male", "dob", "1990-05-01", "place_of_birth",
			      "Lahore", "council_code", LHR1, "citizenship", "citizen", "reason",
			      "test", "mobile", mobile);
	struct e2e_resp r;
	e2e_request_json(&srv, "POST", "/api/v1/persons", srv.admin_token, b, &r);
	json_decref(b);
	cr_assert_eq(r.status, 201, "create person: %ld %s", r.status, r.body);
	e2e_resp_free(&r);
}

/* Every table's name and row count, "name=count\n" sorted by name. */
static char *counts(const char *url)
{
	struct sh_err err = {0};
	store *db;
	cr_assert_eq(store_open(url, 1, &db, &err), SH_OK, "%s", err.msg);
	store_tx *tx;
	store_stmt *st;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK, "%s", err.msg);
	const char *list = testdb_is_postgres()
				   ? "SELECT table_name FROM information_schema.tables WHERE "
				     "table_schema = 'public' ORDER BY table_name"
				   : "SELECT name FROM sqlite_master WHERE type = 'table' AND name "
				     "NOT LIKE 'sqlite_%' ORDER BY name";
	cr_assert_eq(store_query(tx, &st, &err, list, ""), SH_OK, "%s", err.msg);
	char names[256][64];
	int n = 0;
	while (store_step(st, &err) == STORE_ROW && n < 256)
		snprintf(names[n++], 64, "%s", store_col_text(st, 0));
	store_finalize(st);
	size_t cap = 65536, len = 0;
	char *out = calloc(1, cap);
	for (int i = 0; i < n; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%.63s\"", names[i]);
		cr_assert_eq(store_query(tx, &st, &err, sql, ""), SH_OK, "%s", err.msg);
		cr_assert_eq(store_step(st, &err), STORE_ROW, "%s", err.msg);
		len += (size_t)snprintf(out + len, cap - len, "%s=%lld\n", names[i],
					(long long)store_col_int(st, 0));
		store_finalize(st);
	}
	store_rollback(tx);
	store_close(db);
	cr_assert_gt(n, 10, "the schema has its tables");
	return out;
}

Test(backup, online_backup_restores_and_verifies, .timeout = 300)
{
	cr_assert_eq(e2e_start(&srv, NULL), 0, "server starts");
	person("Backup Alpha", "03001234501");
	person("Backup Beta", "03001234502");
	struct e2e_resp r;
	e2e_request(&srv, "POST", "/api/v1/parties", srv.admin_token,
		    "{\"name\":\"Backup Bank\",\"sector\":\"bank\",\"types\":[\"yesno\"]}", NULL, &r);
	cr_assert_eq(r.status, 201, "%s", r.body);
	e2e_resp_free(&r);

	char file[400];
	snprintf(file, sizeof file, "%s/store.backup", srv.dir);
	/* online: the server is running and has just written */
	const char *bk[] = {"backup", "--db", srv.db_url, "--out", file, NULL};
	char *out = NULL;
	cr_assert_eq(e2e_run_cli(bk, &out), 0, "backup: %s", out);
	free(out);
	/* never overwritten */
	cr_assert_neq(e2e_run_cli(bk, &out), 0, "a second backup onto the file: %s", out);
	cr_assert(strstr(out, "BACKUP_TARGET_EXISTS"), "%s", out);
	free(out);

	char *src = counts(srv.db_url);
	char *dst_url = testdb_url();
	cr_assert_not_null(dst_url);
	const char *rs[] = {"restore", "--db", dst_url, "--from", file, NULL};
	cr_assert_eq(e2e_run_cli(rs, &out), 0, "restore: %s", out);
	cr_assert(strstr(out, "audit log consistent"), "%s", out);
	free(out);
	char *dst = counts(dst_url);
	cr_assert_str_eq(dst, src, "every table's row count survives the restore");
	const char *verify[] = {"audit", "verify", "--db", dst_url, NULL};
	cr_assert_eq(e2e_run_cli(verify, &out), 0, "audit verify: %s", out);
	free(out);
	/* a restore never lands on a store that has data */
	cr_assert_neq(e2e_run_cli(rs, &out), 0, "restore over data: %s", out);
	free(out);
	free(src);
	free(dst);
	testdb_drop(dst_url);
	cr_assert_eq(e2e_stop(&srv), 0);
}
