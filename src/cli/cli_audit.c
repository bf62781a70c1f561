/* cli_audit.c — `shanakht audit verify`: recompute every leaf and the Merkle
 * root of the audit log and compare them with what is stored. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "cli/cli_opts.h"

int cli_audit(int argc, char **argv)
{
	struct cli_opts o;
	struct sh_err err = {0};
	store *db = NULL;
	int status = 1;

	if (argc < 2 || strcmp(argv[1], "verify") != 0) {
		fprintf(stderr, "usage: shanakht audit verify [--db URL]\n");
		return 2;
	}
	if (cli_opts_parse(argc - 1, argv + 1, &o) != 0)
		return 2;
	if (store_open(o.db_url, 1, &db, &err) != SH_OK) {
		fprintf(stderr, "shanakht audit verify: %s\n", err.msg);
		return 1;
	}
	struct audit_head head;
	uint64_t bad = 0;
	int rc = audit_verify(db, &head, &bad, &err);
	char hex[AUDIT_HASH_BYTES * 2 + 1];
	for (int i = 0; i < AUDIT_HASH_BYTES; i++)
		snprintf(hex + 2 * i, 3, "%02x", head.root[i]);
	if (rc == SH_OK) {
		printf("audit log consistent: %llu entries, root %s\n",
		       (unsigned long long)head.size, hex);
		status = 0;
	} else if (err.status == SH_ECONFLICT) {
		printf("AUDIT LOG TAMPERED: first bad entry %llu: %s\n", (unsigned long long)bad,
		       err.msg);
	} else {
		fprintf(stderr, "shanakht audit verify: %s\n", err.msg);
	}
	store_close(db);
	return status;
}
