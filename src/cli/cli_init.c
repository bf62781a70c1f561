/* cli_init.c — `shanakht init`: create the key ring, the schema and the first
 * administrator (and, with --demo, demonstration data).
 *
 * Safe to run again after a failure: the password is checked before
 * anything is created; the key ring and the schema are kept when they
 * exist; and the administrator and the demo data are one transaction, so
 * a failure leaves no users and the next run starts that step afresh. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>

#include "auth/password.h"
#include "auth/roles.h"
#include "auth/users.h"
#include "cli/cli.h"
#include "cli/cli_opts.h"
#include "lib/fsutil.h"
#include "api/app.h"
#include "cli/demo.h"

/* A password people can type: 20 characters from an unambiguous alphabet,
 * ~115 bits from the CSPRNG. */
void cli_generate_password(char out[21])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679";
	for (int i = 0; i < 20; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[20] = '\0';
}

int cli_init(int argc, char **argv)
{
	struct cli_opts o;
	struct sh_err err = {0};
	store *db = NULL;
	struct keyring *keys = NULL;
	store_tx *tx = NULL;
	int status = 1;
	char generated[21];

	if (cli_opts_parse(argc, argv, &o) != 0)
		return 2;
	if (sodium_init() < 0) {
		fprintf(stderr, "shanakht init: libsodium failed to initialize\n");
		return 1;
	}
	const char *password = getenv("SHANAKHT_ADMIN_PASSWORD");
	int printed = 0;
	if (!password || !*password) {
		cli_generate_password(generated);
		password = generated;
		printed = 1;
	}
	/* Before anything is created: a refused password must not leave keys
	 * and a schema with no one to use them. */
	if (auth_password_check(password, "admin", &err) != SH_OK ||
	    (o.demo && demo_password_check(password, &err) != SH_OK)) {
		fprintf(stderr, "shanakht init: SHANAKHT_ADMIN_PASSWORD: %s\n", err.msg);
		sodium_memzero(generated, sizeof generated);
		return 1;
	}
	/* var/ and the parent of the key directory (the key ring makes its own
	 * directory 0700). var/ holds the database and the SMS outbox log:
	 * 0700, and every file init creates 0600 (issue 13 item 2). */
	umask(077);
	if (sh_mkdir_p(o.var_dir, 0700) != 0 || chmod(o.var_dir, 0700) != 0) {
		fprintf(stderr, "shanakht init: cannot create %s: %s\n", o.var_dir, strerror(errno));
		goto out;
	}
	char parent[4096];
	snprintf(parent, sizeof parent, "%s", o.keys_dir);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if (sh_mkdir_p(parent, 0755) != 0) {
			fprintf(stderr, "shanakht init: cannot create %s: %s\n", parent, strerror(errno));
			goto out;
		}
	}
	if (keyring_create(o.keys_dir, &err) != SH_OK && err.status != SH_ECONFLICT) {
		fprintf(stderr, "shanakht init: %s\n", err.msg);
		goto out;
	}
	if (keyring_load(o.keys_dir, &keys, &err) != SH_OK) {
		fprintf(stderr, "shanakht init: %s\n", err.msg);
		goto out;
	}
	if (store_open(o.db_url, 2, &db, &err) != SH_OK ||
	    app_migrate(db, &err) != SH_OK) {
		fprintf(stderr, "shanakht init: %s\n", err.msg);
		goto out;
	}

	struct audit_actor system = {.kind = "system", .name = "shanakht init"};
	int64_t admin_id;
	if (store_begin(db, STORE_WRITE, &tx, &err) != SH_OK)
		goto fail;
	if (auth_user_create(tx, &system, &auth_pwcost_default, "admin", password, ROLE_ADMIN, NULL, &admin_id,
			     &err) != SH_OK) {
		if (err.status == SH_ECONFLICT)
			sh_err_set(&err, SH_ECONFLICT, "ALREADY_INITIALIZED",
				   "an admin already exists in %s; nothing changed", o.db_url);
		goto fail;
	}
	struct demo_summary demo;
	if (o.demo && demo_load(tx, keys, password, &demo, &err) != SH_OK) {
		fprintf(stderr, "shanakht init: demo data (nothing was kept; run init again): %s\n",
			err.msg);
		goto out;
	}
	if (store_commit(tx, &err) != SH_OK) {
		tx = NULL;
		goto fail;
	}
	tx = NULL;
	printf("initialized %s with keys in %s\n", o.db_url, o.keys_dir);
	if (printed)
		printf("admin password (shown once, store it safely): %s\n", generated);
	else
		printf("admin password taken from SHANAKHT_ADMIN_PASSWORD\n");
	if (o.demo)
		demo_print(&demo);
	status = 0;
	goto out;
fail:
	fprintf(stderr, "shanakht init: %s\n", err.msg);
out:
	if (tx)
		store_rollback(tx);
	if (db)
		store_close(db);
	keyring_free(keys);
	sodium_memzero(generated, sizeof generated);
	return status;
}
