/* cli_vitals.c — `shanakht vitals report --from YYYY-MM --to YYYY-MM
 * --level province|district|council [--csv] [--db URL]`: the vital
 * statistics report of src/vitals, as JSON (default) or CSV, on stdout. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/buf.h"
#include "store/store.h"
#include "vitals/vitals.h"

#define CSV_MAX (256u << 20)

static int usage(void)
{
	fprintf(stderr, "usage: shanakht vitals report --from YYYY-MM --to YYYY-MM"
			" [--level province|district|council] [--csv] [--db URL]\n");
	return 2;
}

int cli_vitals(int argc, char **argv)
{
	const char *db_url = "sqlite:var/shanakht.db", *from = NULL, *to = NULL;
	const char *level = "province";
	int csv = 0, status = 1;
	struct sh_err err = {0};
	struct vitals_query q;
	struct vitals_report r;
	store *db = NULL;
	store_tx *tx = NULL;

	if (argc < 2 || strcmp(argv[1], "report") != 0)
		return usage();
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--csv"))
			csv = 1;
		else if (i + 1 < argc && !strcmp(a, "--from"))
			from = argv[++i];
		else if (i + 1 < argc && !strcmp(a, "--to"))
			to = argv[++i];
		else if (i + 1 < argc && !strcmp(a, "--level"))
			level = argv[++i];
		else if (i + 1 < argc && !strcmp(a, "--db"))
			db_url = argv[++i];
		else
			return usage();
	}
	int l = vitals_level_parse(level);
	if (!from || !to || l < 0)
		return usage();
	q.level = (enum vitals_level)l;
	if (vitals_month_parse(from, &q.from_year, &q.from_month, &err) != SH_OK ||
	    vitals_month_parse(to, &q.to_year, &q.to_month, &err) != SH_OK) {
		fprintf(stderr, "shanakht vitals: %s\n", err.msg);
		return 2;
	}
	if (store_open(db_url, 1, &db, &err) != SH_OK)
		goto fail;
	if (store_begin(db, STORE_READ, &tx, &err) != SH_OK)
		goto fail;
	int rc = vitals_report_build(tx, &q, &r, &err);
	store_rollback(tx);
	if (rc != SH_OK)
		goto fail;
	if (csv) {
		struct sh_buf b;
		sh_buf_init(&b, CSV_MAX);
		rc = vitals_report_csv(&r, &b, &err);
		if (rc == SH_OK && fwrite(b.data, 1, b.len, stdout) != b.len)
			rc = sh_err_set(&err, SH_EIO, "WRITE_FAILED", "cannot write stdout");
		sh_buf_free(&b);
	} else {
		json_t *j = vitals_report_json(&r);
		rc = j && json_dumpf(j, stdout, JSON_INDENT(2)) == 0 && fputc('\n', stdout) != EOF
			     ? SH_OK
			     : sh_err_set(&err, SH_ENOMEM, "OUT_OF_MEMORY", "cannot write the report");
		json_decref(j);
	}
	vitals_report_free(&r);
	if (rc != SH_OK)
		goto fail;
	status = 0;
	goto out;
fail:
	fprintf(stderr, "shanakht vitals: %s\n", err.msg);
out:
	store_close(db);
	return status;
}
