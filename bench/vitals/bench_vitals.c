/* bench_vitals.c — the vital-statistics report over N registered events
 * (default 1,000,000) in a SQLite store: generates the events (councils
 * drawn from the address library, event dates over 2024-2025, kinds in a
 * birth-heavy mix, 5% rejected and 5% pending, registration 0-120 days
 * after the event), then times vitals_report_build at each level for 12
 * and 24 months. Prints a table and, last, one line per run:
 *   vitals: events=<n> level=<l> months=<m> seconds=<s>
 * Usage: bench_vitals [N] [PATH]   (PATH default /tmp/bench_vitals.db, replaced) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "crvs/crvs.h"
#include "lib/parse.h"
#include "registry/address.h"
#include "registry/person.h"
#include "store/store.h"
#include "vitals/vitals.h"

struct councils {
	char (*code)[ADDRESS_CODE_MAX];
	size_t n, cap;
};

static int council_add(void *ctx, const struct address_place *p)
{
	struct councils *c = ctx;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		void *q = realloc(c->code, cap * sizeof *c->code);
		if (!q)
			return 1;
		c->code = q, c->cap = cap;
	}
	snprintf(c->code[c->n++], ADDRESS_CODE_MAX, "%s", p->code);
	return 0;
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17; /* xorshift64 */
	return (uint32_t)(rng >> 16);
}

static int fill(store *db, long n, struct sh_err *err)
{
	struct councils c = {0};
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	static const char *const kinds[] = {"birth", "birth", "birth", "birth", "birth", "birth",
					    "death", "death", "marriage", "divorce"};
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	if ((rc = address_list_councils(tx, NULL, NULL, council_add, &c, err)) != SH_OK || !c.n)
		goto out;
	rc = store_prepare(tx,
			   "INSERT INTO crvs_events (kind, status, source, event_date, council_code,"
			   " details, submitted_by, submitted_at, decided_at)"
			   " VALUES (?, ?, 'facility', ?, ?, '{}', 'bench', ?, ?)",
			   &st, err);
	if (rc != SH_OK)
		goto out;
	int64_t d0 = sh_date_to_days((struct sh_date){2024, 1, 1});
	for (long i = 0; i < n && rc == SH_OK; i++) {
		uint32_t r = next();
		int64_t day = d0 + r % 731;
		char date[11];
		sh_date_format(sh_days_to_date(day), date, sizeof date);
		uint32_t s = next() % 100;
		const char *status = s < 90 ? "registered" : s < 95 ? "rejected" : "pending";
		int64_t reg = (day + next() % 121) * 86400 + 36000;
		store_reset(st);
		store_bind_text(st, 1, kinds[next() % 10]);
		store_bind_text(st, 2, status);
		store_bind_text(st, 3, date);
		store_bind_text(st, 4, c.code[next() % c.n]);
		store_bind_int(st, 5, day * 86400);
		if (s < 90)
			store_bind_int(st, 6, reg);
		else
			store_bind_null(st, 6);
		rc = store_step(st, err) < 0 ? SH_EDB : SH_OK;
	}
	store_finalize(st);
	st = NULL;
	if (rc == SH_OK)
		rc = store_commit(tx, err), tx = NULL;
out:
	if (tx)
		store_rollback(tx);
	free(c.code);
	return rc;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	const char *path = argc > 2 ? argv[2] : "/tmp/bench_vitals.db";
	char url[512];
	struct sh_err err = {0};
	store *db = NULL;
	snprintf(url, sizeof url, "sqlite:%s", path);
	unlink(path);
	if (store_open(url, 1, &db, &err) != SH_OK || audit_migrate(db, &err) != SH_OK ||
	    registry_migrate(db, &err) != SH_OK || crvs_migrate(db, &err) != SH_OK ||
	    vitals_migrate(db, &err) != SH_OK) {
		fprintf(stderr, "bench_vitals: %s\n", err.msg);
		return 1;
	}
	int64_t t0 = sh_mono_ns();
	if (fill(db, n, &err) != SH_OK) {
		fprintf(stderr, "bench_vitals: fill: %s\n", err.msg);
		return 1;
	}
	printf("generated %ld events in %.1f s (90%% registered)\n", n,
	       (double)(sh_mono_ns() - t0) / 1e9);
	printf("%-9s %6s %10s %8s %10s\n", "level", "months", "counted", "areas", "seconds");
	char lines[8][128];
	int nl = 0;
	static const struct {
		int fy, fm, ty, tm;
	} periods[] = {{2025, 1, 2025, 12}, {2024, 1, 2025, 12}};
	for (int p = 0; p < 2; p++)
		for (int l = VITALS_PROVINCE; l <= VITALS_COUNCIL; l++) {
			struct vitals_query q = {periods[p].fy, periods[p].fm, periods[p].ty,
						 periods[p].tm, (enum vitals_level)l};
			struct vitals_report r;
			store_tx *tx;
			if (store_begin(db, STORE_READ, &tx, &err) != SH_OK)
				return 1;
			int64_t t = sh_mono_ns();
			int rc = vitals_report_build(tx, &q, &r, &err);
			/* the export is part of the answer */
			json_t *j = rc == SH_OK ? vitals_report_json(&r) : NULL;
			double s = (double)(sh_mono_ns() - t) / 1e9;
			store_rollback(tx);
			if (rc != SH_OK || !j) {
				fprintf(stderr, "bench_vitals: %s\n", err.msg);
				return 1;
			}
			int64_t counted = 0;
			for (int k = 0; k < VITALS_KINDS; k++)
				counted += r.national.total.n[k];
			printf("%-9s %6d %10lld %8zu %10.3f\n", vitals_level_name(q.level), r.nmonths,
			       (long long)counted, r.nareas, s);
			snprintf(lines[nl++], sizeof lines[0],
				 "vitals: events=%ld level=%s months=%d seconds=%.3f", n,
				 vitals_level_name(q.level), r.nmonths, s);
			json_decref(j);
			vitals_report_free(&r);
		}
	for (int i = 0; i < nl; i++)
		puts(lines[i]);
	store_close(db);
	unlink(path);
	return 0;
}
