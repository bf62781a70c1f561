/* bench_auth.c — prints figures for the auth and audit paths: Argon2id cost,
 * login, session check, audit append (single and batched), full verify.
 * Usage: bench_auth [store-url] (default: a temporary SQLite file). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "auth/sessions.h"
#include "auth/users.h"
#include "crypto/keyring.h"

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, const struct sh_err *err)
{
	fprintf(stderr, "bench_auth: %s: %s %s\n", what, err->code, err->msg);
	exit(1);
}

int main(int argc, char **argv)
{
	char path[] = "/tmp/shanakht-bench-XXXXXX";
	char url[128];
	struct sh_err err;
	store *db;
	struct keyring *kr;
	unsigned char master[32] = {42};
	if (argc > 1) {
		snprintf(url, sizeof url, "%s", argv[1]);
	} else {
		if (!mkdtemp(path))
			return 1;
		snprintf(url, sizeof url, "sqlite:%s/b.db", path);
	}
	if (keyring_from_master(master, &kr, &err) != SH_OK)
		die("keyring", &err);
	if (store_open(url, 4, &db, &err) != SH_OK)
		die("store_open", &err);
	if (audit_migrate(db, &err) != SH_OK || auth_migrate(db, &err) != SH_OK)
		die("migrate", &err);

	printf("%-36s %12s\n", "operation", "ms/op");
	char hash[AUTH_HASH_MAX];
	int n = 10;
	double t = now_s();
	for (int i = 0; i < n; i++)
		if (auth_password_hash(&auth_pwcost_default, "Correct-horse-42", hash, &err) != SH_OK)
			die("hash", &err);
	printf("%-36s %12.2f\n", "argon2id hash (t=4, 32 MiB)", (now_s() - t) * 1000 / n);

	store_tx *tx;
	struct audit_actor sys = {.kind = "system"};
	if (store_begin(db, STORE_WRITE, &tx, &err) != SH_OK ||
	    auth_user_create(tx, &sys, &auth_pwcost_default, "bench", "Correct-horse-42", ROLE_ADMIN, NULL, NULL, &err) !=
		    SH_OK ||
	    store_commit(tx, &err) != SH_OK)
		die("create", &err);
	struct auth_login_result res;
	t = now_s();
	for (int i = 0; i < n; i++)
		if (auth_login_at(db, kr, &auth_pwcost_default, "bench", "Correct-horse-42", "127.0.0.1", NULL, 3600,
				  time(NULL), &res, &err) != SH_OK)
			die("login", &err);
	printf("%-36s %12.2f\n", "login (3 transactions + hash)", (now_s() - t) * 1000 / n);

	struct principal p;
	n = 2000;
	t = now_s();
	for (int i = 0; i < n; i++)
		if (auth_session_check(db, kr, res.token, &p, &err) != SH_OK)
			die("check", &err);
	printf("%-36s %12.3f\n", "session check", (now_s() - t) * 1000 / n);

	n = 500;
	t = now_s();
	for (int i = 0; i < n; i++)
		if (audit_record(db, &sys, "bench.append", "person:1", "{\"k\":1}", &err) != SH_OK)
			die("record", &err);
	printf("%-36s %12.3f\n", "audit append, 1 per tx", (now_s() - t) * 1000 / n);

	n = 20000;
	if (audit_writer_start(db, &err) != SH_OK)
		die("writer", &err);
	t = now_s();
	for (int i = 0; i < n; i++)
		audit_enqueue(&sys, "bench.enqueue", "person:2", NULL);
	audit_writer_flush();
	printf("%-36s %12.4f\n", "audit enqueue+batched append", (now_s() - t) * 1000 / n);
	audit_writer_stop();

	struct audit_head h;
	t = now_s();
	if (audit_verify(db, &h, NULL, &err) != SH_OK)
		die("verify", &err);
	double v = now_s() - t;
	printf("%-36s %12.1f  (%llu entries, %.0f entries/s)\n", "full verify", v * 1000,
	       (unsigned long long)h.size, (double)h.size / v);

	store_close(db);
	keyring_free(kr);
	if (argc <= 1) {
		char f[160];
		const char *sfx[] = {"", "-wal", "-shm"};
		for (int i = 0; i < 3; i++) {
			snprintf(f, sizeof f, "%s/b.db%s", path, sfx[i]);
			unlink(f);
		}
		rmdir(path);
	}
	return 0;
}
