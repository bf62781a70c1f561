/* test_private_files.c — issue 13 item 2: what init and serve create is the
 * server's alone: var/ 0700, the SQLite file and its -wal and -shm 0600,
 * whatever the caller's umask. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e.h"

static mode_t mode_of(const char *path)
{
	struct stat st;
	cr_assert_eq(stat(path, &st), 0, "%s is missing", path);
	return st.st_mode & 07777;
}

Test(private_files, init_makes_var_0700_and_the_database_0600)
{
	char dir[] = "/tmp/shanakht-modes-XXXXXX", var[128], keys[128], db[160], url[200];
	cr_assert(mkdtemp(dir));
	snprintf(var, sizeof var, "%s/var", dir);
	snprintf(keys, sizeof keys, "%s/keys", dir);
	snprintf(db, sizeof db, "%s/shanakht.db", var);
	snprintf(url, sizeof url, "sqlite:%s", db);
	umask(022); /* a usual login umask: files would be 0644, folders 0755 */
	setenv("SHANAKHT_ADMIN_PASSWORD", E2E_ADMIN_PASSWORD, 1);
	const char *init[] = {"init", "--db", url, "--keys", keys, "--var", var, NULL};
	char *out = NULL;
	int rc = e2e_run_cli(init, &out);
	cr_assert_eq(rc, 0, "init failed: %s", out ? out : "");
	free(out);
	cr_expect_eq(mode_of(var), 0700, "var/ is %o", mode_of(var));
	cr_expect_eq(mode_of(db), 0600, "the database is %o", mode_of(db));
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

Test(private_files, serve_makes_wal_and_shm_0600)
{
	struct e2e_server s;
	umask(022);
	cr_assert_eq(e2e_start(&s, NULL), 0, "server did not start");
	if (strncmp(s.db_url, "sqlite:", 7) == 0) {
		/* A write, so the WAL has frames; the server holds both files open. */
		struct e2e_resp r;
		cr_assert_eq(e2e_request(&s, "POST", "/api/v1/me/login", NULL,
					 "{\"id_number\":\"3520212345671\"}", NULL, &r),
			     0);
		e2e_resp_free(&r);
		char wal[300], shm[300];
		snprintf(wal, sizeof wal, "%s-wal", s.db_url + 7);
		snprintf(shm, sizeof shm, "%s-shm", s.db_url + 7);
		cr_expect_eq(mode_of(s.db_url + 7), 0600, "db %o", mode_of(s.db_url + 7));
		cr_expect_eq(mode_of(wal), 0600, "-wal %o", mode_of(wal));
		cr_expect_eq(mode_of(shm), 0600, "-shm %o", mode_of(shm));
	}
	cr_expect_eq(mode_of(s.dir), 0700);
	cr_assert_eq(e2e_stop(&s), 0);
}
