/* cli_link.c — `shanakht link`: the record-linkage engine from the command
 * line. `link bench FILE...` links FEBRL-format files (one file: duplicates
 * within it; two or more: across them) and scores the result against the
 * true entities in the record ids (../shared/data/README.md); `link
 * translit FILE` measures the Urdu/romanized name comparator on a Dakshina
 * lexicon. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/err.h"
#include "lib/parse.h"
#include "linkage/lk_link.h"
#include "linkage/lk_text.h"

#define LINE_MAX_BYTES 4096
#define MAX_COLS 32

static double wall_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* split on commas, trimming spaces at both ends of each cell */
static int split(char *line, char **cells, int max)
{
	int n = 0;
	char *p = line;
	for (;;) {
		char *c = strchr(p, ',');
		if (c)
			*c = '\0';
		while (*p == ' ')
			p++;
		size_t l = strlen(p);
		while (l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\n' || p[l - 1] == '\r'))
			p[--l] = '\0';
		if (n < max)
			cells[n++] = p;
		if (!c)
			break;
		p = c + 1;
	}
	return n;
}

static const struct {
	const char *col;
	int field;
} febrl_cols[] = {
	{"given_name", LK_GIVEN},     {"surname", LK_SURNAME},   {"street_number", LK_STREETNO},
	{"address_1", LK_ADDR1},      {"address_2", LK_ADDR2},   {"suburb", LK_LOCALITY},
	{"postcode", LK_POSTCODE},    {"state", LK_REGION},      {"date_of_birth", LK_DOB},
	{"soc_sec_id", LK_IDNO},
};

/* rec-<N>-org / rec-<N>-dup-<k> (FEBRL), or a number whose tens are the
 * entity (febrl-dsgen) */
static int64_t entity_of(const char *id)
{
	int64_t v;
	if (!strncmp(id, "rec-", 4)) {
		char num[24];
		size_t i = 0;
		for (const char *p = id + 4; *p >= '0' && *p <= '9' && i + 1 < sizeof num; p++)
			num[i++] = *p;
		num[i] = '\0';
		return sh_parse_i64(num, 0, INT64_MAX, &v) == SH_OK ? v : -1;
	}
	return sh_parse_i64(id, 0, INT64_MAX, &v) == SH_OK ? v / 10 : -1;
}

static int load_febrl(const char *path, uint32_t source, struct lk_table *t, struct sh_err *err)
{
	int rc = SH_OK, map[MAX_COLS], idcol = -1;
	char line[LINE_MAX_BYTES];
	char *cells[MAX_COLS];
	long lineno = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return sh_err_set(err, SH_EIO, "FILE_OPEN", "cannot open %s", path);
	if (!fgets(line, sizeof line, f)) {
		rc = sh_err_set(err, SH_EINVAL, "FILE_EMPTY", "%s: no header", path);
		goto out;
	}
	lineno++;
	int nh = split(line, cells, MAX_COLS);
	for (int c = 0; c < nh; c++) {
		map[c] = -1;
		if (!strcmp(cells[c], "rec_id"))
			idcol = c;
		for (size_t k = 0; k < sizeof febrl_cols / sizeof febrl_cols[0]; k++)
			if (!strcmp(cells[c], febrl_cols[k].col))
				map[c] = febrl_cols[k].field;
	}
	if (idcol < 0) {
		rc = sh_err_set(err, SH_EINVAL, "FILE_HEADER", "%s: no rec_id column", path);
		goto out;
	}
	while (fgets(line, sizeof line, f)) {
		lineno++;
		int n = split(line, cells, MAX_COLS);
		if (n == 1 && !*cells[0])
			continue;
		const char *raw[LK_NF] = {0};
		for (int c = 0; c < n && c < nh; c++)
			if (map[c] >= 0)
				raw[map[c]] = cells[c];
		int64_t e = idcol < n ? entity_of(cells[idcol]) : -1;
		if (e < 0) {
			rc = sh_err_set(err, SH_EINVAL, "FILE_ROW", "%s:%ld: no entity in rec_id", path, lineno);
			goto out;
		}
		rc = lk_table_add(t, raw, source, e, err);
		if (rc)
			goto out;
	}
out:
	fclose(f);
	return rc;
}

static int link_bench(int argc, char **argv)
{
	struct lk_table t;
	struct lk_result res = {0};
	struct lk_params p;
	struct lk_quality q;
	struct sh_err err = {0};
	int verbose = 0, dups = 0, rc = 1, nfiles = 0;
	lk_table_init(&t);
	lk_params_default(&p);
	double t0 = wall_s();
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			verbose = 1;
			continue;
		}
		if (!strcmp(argv[i], "--dups")) {
			dups = 1;
			continue;
		}
		if (load_febrl(argv[i], (uint32_t)nfiles, &t, &err)) {
			fprintf(stderr, "link bench: %s\n", err.msg);
			goto out;
		}
		nfiles++;
	}
	if (nfiles == 0) {
		fprintf(stderr, "usage: shanakht link bench [-v] [--dups] FILE...\n");
		rc = 2;
		goto out;
	}
	int link_mode = nfiles > 1;
	/* in link mode each file holds each entity once unless --dups says so */
	if (link_mode && !dups)
		p.unique_sources = nfiles >= 64 ? UINT64_MAX : (1ULL << nfiles) - 1;
	if (lk_run(&t, link_mode, &p, &res, &err)) {
		fprintf(stderr, "link bench: %s\n", err.msg);
		goto out;
	}
	if (lk_evaluate(&t, res.cluster, link_mode, &q, &err)) {
		fprintf(stderr, "link bench: %s\n", err.msg);
		goto out;
	}
	double secs = wall_s() - t0;
	printf("mode: %s, files %d, records %zu\n", link_mode ? "link" : "dedup", nfiles, t.n);
	printf("candidate pairs %zu (patterns %zu), links %zu, review %zu, EM iterations %d, lambda %.5f\n",
	       res.npairs, res.npatterns, res.nlinks, res.nreview, res.model.iterations,
	       res.model.lambda);
	printf("true pairs %.0f, predicted %.0f, correct %.0f\n", q.truth, q.predicted, q.tp);
	if (verbose) {
		printf("%-14s %-34s %s\n", "field", "m (levels 0..)", "u (levels 0..)");
		for (int f = 0; f < LK_NF; f++) {
			int nl = lk_field_levels(f);
			char ms[64] = "", us[64] = "";
			size_t mo = 0, uo = 0;
			for (int l = 0; l < nl; l++) {
				mo += (size_t)snprintf(ms + mo, sizeof ms - mo, "%.4f ", res.model.m[f][l]);
				uo += (size_t)snprintf(us + uo, sizeof us - uo, "%.4f ", res.model.u[f][l]);
			}
			printf("%-14s %-34s %s\n", lk_field_name(f), ms, us);
		}
	}
	printf("linkage: f1=%.4f precision=%.4f recall=%.4f records=%zu seconds=%.2f\n", q.f1,
	       q.precision, q.recall, t.n, secs);
	rc = 0;
out:
	lk_result_free(&res);
	lk_table_free(&t);
	return rc;
}

int cli_link_translit(int argc, char **argv); /* cli_link_translit.c */

int cli_link(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "bench"))
		return link_bench(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "translit"))
		return cli_link_translit(argc - 1, argv + 1);
	fprintf(stderr, "usage: shanakht link bench [-v] [--dups] FILE...   (FEBRL format)\n"
			"       shanakht link translit FILE        (urdu<TAB>roman<TAB>count)\n");
	return 2;
}
