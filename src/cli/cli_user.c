/* cli_user.c — `shanakht user add USERNAME --role ROLE [--council CODE]`:
 * create an operator from the command line (the password comes from
 * SHANAKHT_USER_PASSWORD, or is generated and printed once). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "auth/roles.h"
#include "auth/users.h"
#include "cli/cli.h"
#include "cli/cli_opts.h"
#include "api/app.h"

void cli_generate_password(char out[21]);

int cli_user(int argc, char **argv)
{
	struct cli_opts o;
	struct sh_err err = {0};
	store *db = NULL;
	store_tx *tx = NULL;
	int status = 1;
	char generated[21] = {0};

	if (argc < 2 || strcmp(argv[1], "add") != 0) {
		fprintf(stderr, "usage: shanakht user add USERNAME --role ROLE [--council CODE] "
				"[--db URL]\n");
		return 2;
	}
	if (cli_opts_parse(argc - 1, argv + 1, &o) != 0)
		return 2;
	if (o.nargs != 1 || !o.role) {
		fprintf(stderr, "shanakht user add: give one USERNAME and --role\n");
		return 2;
	}
	unsigned role = role_from_name(o.role);
	if (!role) {
		fprintf(stderr, "shanakht user add: unknown role '%s'\n", o.role);
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	const char *password = getenv("SHANAKHT_USER_PASSWORD");
	if (!password || !*password) {
		cli_generate_password(generated);
		password = generated;
	}
	if (store_open(o.db_url, 1, &db, &err) != SH_OK || app_migrate(db, &err) != SH_OK)
		goto fail;
	struct audit_actor system = {.kind = "system", .name = "shanakht user add"};
	int64_t id;
	if (store_begin(db, STORE_WRITE, &tx, &err) != SH_OK)
		goto fail;
	if (auth_user_create(tx, &system, &auth_pwcost_default, o.args[0], password, role, o.council, &id, &err))
		goto fail;
	status = store_commit(tx, &err) == SH_OK ? 0 : 1;
	tx = NULL;
	if (status)
		goto fail;
	printf("created operator %s (%s)\n", o.args[0], o.role);
	if (generated[0])
		printf("password (shown once): %s\n", generated);
	goto out;
fail:
	fprintf(stderr, "shanakht user add: %s\n", err.msg);
out:
	if (tx)
		store_rollback(tx);
	if (db)
		store_close(db);
	sodium_memzero(generated, sizeof generated);
	return status;
}
