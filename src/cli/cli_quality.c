/* cli_quality.c — `shanakht quality run|list|cases|telco`: a run of every
 * registry-quality rule, the latest figures, the cases signals opened, and
 * the import of a telco's active-SIM list (quality.h, docs/quality.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_opts.h"
#include "quality/quality.h"

#define TELCO_FILE_MAX (512u << 20) /* 512 MiB: ~35M numbers */

static void usage(void)
{
	fprintf(stderr, "usage: shanakht quality run [--db URL]\n"
			"       shanakht quality list [--db URL]\n"
			"       shanakht quality cases [--db URL] [open|confirmed|dismissed]\n"
			"       shanakht quality telco [--db URL] SOURCE FILE.csv\n");
}

static void print_run(const struct quality_run *run)
{
	printf("run %lld at %lld by %s: %lld ms, %lld cases opened\n", (long long)run->id,
	       (long long)run->started_at, run->actor, (long long)run->millis,
	       (long long)run->cases_opened);
	for (int i = 0; i < run->nresults; i++) {
		const struct quality_result *r = &run->results[i];
		if (r->rule->kind == QUALITY_SIGNAL)
			printf("  %-30s signal     hits %lld, opened %d%s\n", r->rule->name,
			       (long long)r->value, r->opened, r->breach ? "  BREACH" : "");
		else
			printf("  %-30s indicator  %lld / %lld (threshold %g %s)%s\n", r->rule->name,
			       (long long)r->value, (long long)r->denominator, r->rule->threshold,
			       r->rule->unit, r->breach ? "  BREACH" : "");
		for (int g = 0; g < r->ngroups; g++)
			printf("      %-26s %lld / %lld\n", r->groups[g].grp,
			       (long long)r->groups[g].value, (long long)r->groups[g].denominator);
	}
}

static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (;;) {
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 65536;
			char *b = nc <= TELCO_FILE_MAX ? realloc(buf, nc + 1) : NULL;
			if (!b) {
				rc = -1;
				break;
			}
			buf = b;
			cap = nc;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		rc = -1;
	fclose(f);
	if (rc) {
		free(buf);
		return -1;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

int cli_quality(int argc, char **argv)
{
	struct cli_opts o;
	struct sh_err err = {0};
	store *db = NULL;
	store_tx *tx = NULL;
	int status = 1, rc;
	if (argc < 2) {
		usage();
		return 2;
	}
	const char *cmd = argv[1];
	if (cli_opts_parse(argc - 1, argv + 1, &o) != 0)
		return 2;
	struct audit_actor actor = {.kind = "system", .name = "shanakht quality"};
	if (strcmp(cmd, "run") && strcmp(cmd, "list") && strcmp(cmd, "cases") &&
	    strcmp(cmd, "telco")) {
		usage();
		return 2;
	}
	if (!strcmp(cmd, "telco") && o.nargs != 2) {
		usage();
		return 2;
	}
	if (store_open(o.db_url, 2, &db, &err) != SH_OK) {
		fprintf(stderr, "shanakht quality: %s\n", err.msg);
		return 1;
	}
	if (!strcmp(cmd, "run")) {
		struct quality_run run;
		if ((rc = quality_run(db, &actor, 0, &run, &err)) == SH_OK) {
			print_run(&run);
			quality_run_free(&run);
		}
	} else if (!strcmp(cmd, "list")) {
		struct quality_run run;
		if ((rc = store_begin(db, STORE_READ, &tx, &err)) == SH_OK) {
			rc = quality_latest(tx, &run, &err);
			store_rollback(tx);
		}
		if (rc == SH_OK) {
			print_run(&run);
			quality_run_free(&run);
		}
	} else if (!strcmp(cmd, "cases")) {
		struct quality_case *cs = calloc(QUALITY_CASE_LIST_MAX, sizeof *cs);
		const char *state = o.nargs > 0 ? o.args[0] : "open";
		int64_t after = 0;
		int n = 0;
		rc = cs ? store_begin(db, STORE_READ, &tx, &err)
			: sh_err_set(&err, SH_ENOMEM, "OUT_OF_MEMORY", "cases");
		while (rc == SH_OK) {
			if ((rc = quality_cases_list(tx, state, NULL, after, QUALITY_CASE_LIST_MAX, cs,
						     &n, &err)) != SH_OK || n == 0)
				break;
			for (int i = 0; i < n; i++)
				printf("%lld\t%s\t%s\t%s\t%s\n", (long long)cs[i].id, cs[i].state,
				       cs[i].rule, cs[i].id_number, cs[i].detail);
			after = cs[n - 1].id;
		}
		if (tx)
			store_rollback(tx);
		free(cs);
	} else {
		char *csv = NULL;
		size_t len = 0;
		struct quality_telco_result r;
		if (read_file(o.args[1], &csv, &len) != 0) {
			fprintf(stderr, "shanakht quality telco: cannot read %s (or over %u bytes)\n",
				o.args[1], TELCO_FILE_MAX);
			store_close(db);
			return 1;
		}
		if ((rc = store_begin(db, STORE_WRITE, &tx, &err)) == SH_OK) {
			rc = quality_telco_import(tx, &actor, o.args[0], csv, len, &r, &err);
			rc = rc == SH_OK ? store_commit(tx, &err) : (store_rollback(tx), rc);
		}
		free(csv);
		if (rc == SH_OK)
			printf("telco list %s: %lld imported, %lld rejected%s%s\n", o.args[0],
			       (long long)r.imported, (long long)r.rejected, r.bad_lines[0] ? ": " : "",
			       r.bad_lines);
	}
	if (rc == SH_OK)
		status = 0;
	else
		fprintf(stderr, "shanakht quality %s: %s\n", cmd, err.msg);
	store_close(db);
	return status;
}
