/* cli_backup.c — `shanakht backup` and `shanakht restore` (issue 21 item 4):
 * the whole store, sealed biometric data included, online; the keyring
 * (--keys) is never part of it and is backed up apart (docs/store.md). A
 * restore is checked by `audit verify` on what it restored. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "store/store.h"

/* --db URL and --out/--from FILE from argv; 0 or 2 (usage). */
static int args(int argc, char **argv, const char *file_opt, const char **url,
		const char **file)
{
	*url = NULL;
	*file = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--db") == 0)
			*url = argv[i + 1];
		else if (strcmp(argv[i], file_opt) == 0)
			*file = argv[i + 1];
		else
			return 2;
	}
	return *url && *file && argc % 2 == 1 ? 0 : 2;
}

int cli_backup(int argc, char **argv)
{
	const char *url, *file;
	struct sh_err err = {0};
	if (args(argc, argv, "--out", &url, &file) != 0) {
		fprintf(stderr, "usage: shanakht backup --db URL --out FILE\n");
		return 2;
	}
	if (store_backup(url, file, &err) != SH_OK) {
		fprintf(stderr, "shanakht backup: %s: %s\n", err.code, err.msg);
		return 1;
	}
	printf("backup written to %s (the keyring is not in it: keep --keys apart)\n", file);
	return 0;
}

int cli_restore(int argc, char **argv)
{
	const char *url, *file;
	struct sh_err err = {0};
	store *db = NULL;
	if (args(argc, argv, "--from", &url, &file) != 0) {
		fprintf(stderr, "usage: shanakht restore --db URL --from FILE\n");
		return 2;
	}
	if (store_restore(url, file, &err) != SH_OK) {
		fprintf(stderr, "shanakht restore: %s: %s\n", err.code, err.msg);
		return 1;
	}
	/* what was restored must verify, or the restore did not happen */
	struct audit_head head;
	uint64_t bad = 0;
	int rc = store_open(url, 1, &db, &err);
	if (rc == SH_OK)
		rc = audit_verify(db, &head, &bad, &err);
	store_close(db);
	if (rc != SH_OK) {
		fprintf(stderr, "shanakht restore: restored, but audit verify failed: %s\n",
			err.msg);
		return 1;
	}
	printf("restored %s into the store; audit log consistent: %llu entries\n", file,
	       (unsigned long long)head.size);
	return 0;
}
