/* vitals_report.c — build a vital-statistics report: the level's areas
 * from the address library, the population from vitals_population, and
 * one pass over the period's registered events (crvs_tally_registered),
 * each counted in its area (found by code prefix: the address codes are
 * hierarchical, "PB-LHR-01-003" is in "PB-LHR" is in "PB") and month. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crvs/crvs.h"
#include "lib/parse.h"
#include "registry/address.h"
#include "vitals/vitals.h"

#define AREAS_MAX 100000 /* far above the library's councils; bounds a bad seed */

int vitals_month_parse(const char *s, int *year, int *month, struct sh_err *err)
{
	int64_t y, m;
	char ys[5], ms[3];
	if (!s || strlen(s) != 7 || s[4] != '-')
		goto bad;
	memcpy(ys, s, 4), ys[4] = '\0';
	memcpy(ms, s + 5, 2), ms[2] = '\0';
	if (ys[0] == '+' || ys[0] == '-' || ms[0] == '+' || ms[0] == '-' ||
	    sh_parse_i64(ys, 1900, 9999, &y) != SH_OK || sh_parse_i64(ms, 1, 12, &m) != SH_OK)
		goto bad;
	*year = (int)y, *month = (int)m;
	return SH_OK;
bad:
	return sh_err_set(err, SH_EINVAL, "BAD_MONTH", "month \"%.16s\" is not YYYY-MM",
			  s ? s : "");
}

static const char *const level_names[] = {"province", "district", "council"};

int vitals_level_parse(const char *s)
{
	for (int i = 0; s && i < 3; i++)
		if (!strcmp(s, level_names[i]))
			return i;
	return -1;
}

const char *vitals_level_name(enum vitals_level l)
{
	return (int)l >= 0 && l <= VITALS_COUNCIL ? level_names[l] : "unknown";
}

const char *vitals_kind_name(enum vitals_kind k)
{
	static const char *const n[] = {"births", "deaths", "marriages", "divorces"};
	return (int)k >= 0 && k < VITALS_KINDS ? n[k] : "unknown";
}

struct build {
	struct vitals_report *r;
	size_t cap;
	int oom;
};

static int area_add(void *ctx, const struct address_place *p)
{
	struct build *b = ctx;
	struct vitals_report *r = b->r;
	if (r->nareas == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct vitals_area *a = cap <= AREAS_MAX ? realloc(r->areas, cap * sizeof *a) : NULL;
		if (!a) {
			b->oom = 1;
			return 1;
		}
		r->areas = a, b->cap = cap;
	}
	struct vitals_area *a = &r->areas[r->nareas];
	memset(a, 0, sizeof *a);
	snprintf(a->code, sizeof a->code, "%s", p->code);
	snprintf(a->name_en, sizeof a->name_en, "%s", p->name_en);
	snprintf(a->name_ur, sizeof a->name_ur, "%s", p->name_ur);
	a->population = -1;
	r->nareas++;
	return 0;
}

static int code_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vitals_area *)a)->code, ((const struct vitals_area *)b)->code);
}

/* The level's area code of a council code: its first `parts` segments. */
static void area_of(const char *council, int parts, char out[VITALS_CODE_MAX])
{
	size_t i = 0;
	int seen = 0;
	for (; council[i] && i + 1 < VITALS_CODE_MAX; i++) {
		if (council[i] == '-' && ++seen == parts)
			break;
		out[i] = council[i];
	}
	out[i] = '\0';
}

static struct vitals_area *area_find(struct vitals_report *r, const char *code)
{
	struct vitals_area key;
	snprintf(key.code, sizeof key.code, "%s", code);
	return bsearch(&key, r->areas, r->nareas, sizeof *r->areas, code_cmp);
}

static int month_index(const struct vitals_report *r, const char *date)
{
	/* date is "YYYY-MM-DD" from the store and in the period by the query */
	int y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 +
		(date[3] - '0');
	int m = (date[5] - '0') * 10 + (date[6] - '0');
	int i = (y - r->q.from_year) * 12 + (m - r->q.from_month);
	return i >= 0 && i < r->nmonths ? i : -1;
}

static void count(struct vitals_counts *c, enum vitals_kind k, int timely)
{
	c->n[k]++;
	if (k == VITALS_BIRTHS)
		c->births_timely += timely;
	else if (k == VITALS_DEATHS)
		c->deaths_timely += timely;
}

static int tally_one(void *ctx, const struct crvs_tally_row *row)
{
	struct build *b = ctx;
	struct vitals_report *r = b->r;
	int mi = month_index(r, row->event_date);
	struct sh_date ev;
	if (mi < 0 || sh_parse_date(row->event_date, &ev) != SH_OK)
		return 0;
	enum vitals_kind k = (enum vitals_kind)(row->kind - CRVS_BIRTH);
	/* Timely: the registration's UTC date at most late_days after the
	 * event (crvs_rules.c late_days, the rule that flags late events). */
	int timely = row->registered_at > 0 &&
		     row->registered_at / 86400 - sh_date_to_days(ev) <= r->late_days;
	count(&r->national.total, k, timely);
	count(&r->national.months[mi], k, timely);
	char code[VITALS_CODE_MAX];
	area_of(row->council, r->q.level == VITALS_PROVINCE   ? 1
			      : r->q.level == VITALS_DISTRICT ? 2
							      : 0,
		code);
	struct vitals_area *a = area_find(r, code);
	if (!a) {
		r->unplaced++;
		return 0;
	}
	count(&a->total, k, timely);
	count(&a->months[mi], k, timely);
	return 0;
}

static int population_load(store_tx *tx, struct vitals_report *r, struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err, "SELECT area_code, population FROM vitals_population",
			     "");
	if (rc != SH_OK)
		return rc;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *code = store_col_text(st, 0);
		if (!code)
			continue;
		if (!strcmp(code, "PK")) {
			r->national.population = store_col_int(st, 1);
			continue;
		}
		struct vitals_area *a = area_find(r, code);
		if (a)
			a->population = store_col_int(st, 1);
	}
	store_finalize(st);
	if (rc < 0)
		return rc;
	rc = store_query(tx, &st, err, "SELECT name, value, source FROM vitals_reference", "");
	if (rc != SH_OK)
		return rc;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *name = store_col_text(st, 0), *src = store_col_text(st, 2);
		if (!name || !src)
			continue;
		if (!strcmp(name, "census_source"))
			snprintf(r->census_source, sizeof r->census_source, "%s", src);
		else if (!strcmp(name, "expected_cbr_per_100k")) {
			r->cbr_per_100k = store_col_int(st, 1);
			snprintf(r->cbr_source, sizeof r->cbr_source, "%s", src);
		}
	}
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

/* Council level lists only the councils that had events: the library has
 * thousands, and a council has no population figure to show a zero against. */
static void drop_empty(struct vitals_report *r)
{
	size_t w = 0;
	for (size_t i = 0; i < r->nareas; i++) {
		int any = 0;
		for (int k = 0; k < VITALS_KINDS; k++)
			any |= r->areas[i].total.n[k] != 0;
		if (any)
			r->areas[w++] = r->areas[i];
		else
			free(r->areas[i].months);
	}
	r->nareas = w;
}

int vitals_report_build(store_tx *tx, const struct vitals_query *q, struct vitals_report *out,
			struct sh_err *err)
{
	struct vitals_report *r = out;
	struct build b = {.r = r};
	int rc;
	memset(r, 0, sizeof *r);
	r->q = *q;
	r->nmonths = (q->to_year - q->from_year) * 12 + (q->to_month - q->from_month) + 1;
	if (r->nmonths < 1 || r->nmonths > VITALS_MONTHS_MAX)
		return sh_err_set(err, SH_EINVAL, "BAD_PERIOD",
				  "the period must run forwards, 1 to %d months", VITALS_MONTHS_MAX);
	if ((int)q->level < 0 || q->level > VITALS_COUNCIL)
		return sh_err_set(err, SH_EINVAL, "BAD_LEVEL",
				  "level must be province, district or council");
	snprintf(r->national.code, sizeof r->national.code, "PK");
	snprintf(r->national.name_en, sizeof r->national.name_en, "Pakistan");
	snprintf(r->national.name_ur, sizeof r->national.name_ur, "پاکستان");
	r->national.population = -1;
	r->national.months = calloc((size_t)r->nmonths, sizeof *r->national.months);
	if (!r->national.months)
		goto oom;

	struct crvs_rules rules;
	if ((rc = crvs_rules_get(tx, &rules, err)) != SH_OK)
		goto fail;
	r->late_days = rules.late_days;

	rc = q->level == VITALS_PROVINCE   ? address_list_provinces(tx, area_add, &b, err)
	     : q->level == VITALS_DISTRICT ? address_list_districts(tx, NULL, area_add, &b, err)
					   : address_list_councils(tx, NULL, NULL, area_add, &b, err);
	if (b.oom)
		goto oom;
	if (rc != SH_OK)
		goto fail;
	qsort(r->areas, r->nareas, sizeof *r->areas, code_cmp);
	for (size_t i = 0; i < r->nareas; i++)
		if (!(r->areas[i].months = calloc((size_t)r->nmonths, sizeof(struct vitals_counts))))
			goto oom;
	if ((rc = population_load(tx, r, err)) != SH_OK)
		goto fail;

	char from[32], to[32];
	int ty = q->to_year + (q->to_month == 12), tm = q->to_month == 12 ? 1 : q->to_month + 1;
	snprintf(from, sizeof from, "%04d-%02d-01", q->from_year, q->from_month);
	snprintf(to, sizeof to, "%04d-%02d-01", ty, tm);
	if ((rc = crvs_tally_registered(tx, from, to, tally_one, &b, err)) != SH_OK)
		goto fail;
	if (q->level == VITALS_COUNCIL)
		drop_empty(r);
	return SH_OK;
oom:
	rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "out of memory");
fail:
	vitals_report_free(r);
	return rc;
}

void vitals_report_free(struct vitals_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nareas; i++)
		free(r->areas[i].months);
	free(r->areas);
	free(r->national.months);
	r->areas = NULL, r->national.months = NULL, r->nareas = 0;
}
