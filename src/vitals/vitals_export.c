/* vitals_export.c — a report as CSV (RFC 4180) and as JSON. Both carry the
 * same figures: counts, crude rates per 1,000 per year, expected births,
 * completeness and timeliness, with "" / null where a figure cannot be
 * computed (no population, no events). Ratios are rounded to 4 decimals,
 * rates to 2, expected births to whole births, so the CSV is stable text. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vitals/vitals.h"

static double round_to(double v, double scale)
{
	return round(v * scale) / scale;
}

/* A CSV cell of a figure: empty when negative (not computable). */
static int put_num(struct sh_buf *b, double v, int decimals)
{
	if (v < 0)
		return sh_buf_puts(b, ",");
	return sh_buf_printf(b, ",%.*f", decimals, v);
}

/* Names come from the address library; quote them (RFC 4180 2.6/2.7). */
static int put_text(struct sh_buf *b, const char *s)
{
	int rc = sh_buf_puts(b, ",\"");
	for (const char *p = s; rc == SH_OK && *p; p++)
		rc = *p == '"' ? sh_buf_puts(b, "\"\"") : sh_buf_append(b, p, 1);
	return rc == SH_OK ? sh_buf_puts(b, "\"") : rc;
}

static int csv_row(struct sh_buf *b, const struct vitals_report *r, const struct vitals_area *a,
		   const char *month, const struct vitals_counts *c, int months)
{
	int rc = sh_buf_printf(b, "%s,%s",
			       a == &r->national ? "national" : vitals_level_name(r->q.level),
			       a->code);
	if (rc == SH_OK)
		rc = put_text(b, a->name_en);
	if (rc == SH_OK)
		rc = sh_buf_printf(b, ",%s", month);
	if (rc == SH_OK && a->population >= 0)
		rc = sh_buf_printf(b, ",%lld", (long long)a->population);
	else if (rc == SH_OK)
		rc = sh_buf_puts(b, ",");
	for (int k = 0; rc == SH_OK && k < VITALS_KINDS; k++)
		rc = sh_buf_printf(b, ",%lld", (long long)c->n[k]);
	for (int k = 0; rc == SH_OK && k < VITALS_KINDS; k++)
		rc = put_num(b, vitals_rate_per_1000(c->n[k], a->population, months), 2);
	if (rc == SH_OK)
		rc = put_num(b, vitals_expected_births(r, a->population, months), 0);
	if (rc == SH_OK)
		rc = put_num(b, vitals_completeness(r, c->n[VITALS_BIRTHS], a->population, months), 4);
	if (rc == SH_OK)
		rc = sh_buf_printf(b, ",%lld,%lld", (long long)c->births_timely,
				   (long long)c->deaths_timely);
	if (rc == SH_OK)
		rc = put_num(b, vitals_timeliness(c->births_timely, c->n[VITALS_BIRTHS]), 4);
	if (rc == SH_OK)
		rc = put_num(b, vitals_timeliness(c->deaths_timely, c->n[VITALS_DEATHS]), 4);
	return rc == SH_OK ? sh_buf_puts(b, "\r\n") : rc;
}

static int csv_area(struct sh_buf *b, const struct vitals_report *r, const struct vitals_area *a)
{
	int rc = csv_row(b, r, a, "all", &a->total, r->nmonths);
	for (int i = 0; rc == SH_OK && i < r->nmonths; i++) {
		int y = r->q.from_year + (r->q.from_month - 1 + i) / 12;
		int m = (r->q.from_month - 1 + i) % 12 + 1;
		char month[16];
		snprintf(month, sizeof month, "%04d-%02d", y % 10000, m);
		rc = csv_row(b, r, a, month, &a->months[i], 1);
	}
	return rc;
}

int vitals_report_csv(const struct vitals_report *r, struct sh_buf *out, struct sh_err *err)
{
	int rc = sh_buf_puts(out, "level,area_code,area_name,month,population,births,deaths,"
				  "marriages,divorces,birth_rate,death_rate,marriage_rate,"
				  "divorce_rate,expected_births,completeness,births_timely,"
				  "deaths_timely,birth_timeliness,death_timeliness\r\n");
	if (rc == SH_OK)
		rc = csv_area(out, r, &r->national);
	for (size_t i = 0; rc == SH_OK && i < r->nareas; i++)
		rc = csv_area(out, r, &r->areas[i]);
	if (rc == SH_ETOOBIG)
		return sh_err_set(err, rc, "REPORT_TOO_BIG",
				  "the report is over the export cap: a shorter period or a "
				  "higher level");
	if (rc != SH_OK)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "out of memory");
	return SH_OK;
}

/* null when not computable */
static json_t *num_or_null(double v, double scale)
{
	return v < 0 ? json_null() : json_real(round_to(v, scale));
}

static json_t *counts_json(const struct vitals_report *r, const struct vitals_area *a,
			   const struct vitals_counts *c, int months)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	int bad = 0;
	for (int k = 0; k < VITALS_KINDS; k++)
		bad |= json_object_set_new(o, vitals_kind_name(k), json_integer(c->n[k]));
	json_t *rates = json_object();
	bad |= !rates;
	for (int k = 0; rates && k < VITALS_KINDS; k++)
		bad |= json_object_set_new(rates, vitals_kind_name(k),
					   num_or_null(vitals_rate_per_1000(c->n[k], a->population,
									    months),
						       100));
	bad |= json_object_set_new(o, "rates_per_1000", rates);
	double exp = vitals_expected_births(r, a->population, months);
	bad |= json_object_set_new(o, "expected_births", exp < 0 ? json_null()
								   : json_integer((json_int_t)round(exp)));
	bad |= json_object_set_new(o, "completeness",
				   num_or_null(vitals_completeness(r, c->n[VITALS_BIRTHS],
								   a->population, months),
					       10000));
	bad |= json_object_set_new(o, "births_timely", json_integer(c->births_timely));
	bad |= json_object_set_new(o, "deaths_timely", json_integer(c->deaths_timely));
	bad |= json_object_set_new(o, "birth_timeliness",
				   num_or_null(vitals_timeliness(c->births_timely,
								 c->n[VITALS_BIRTHS]),
					       10000));
	bad |= json_object_set_new(o, "death_timeliness",
				   num_or_null(vitals_timeliness(c->deaths_timely,
								 c->n[VITALS_DEATHS]),
					       10000));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *area_json(const struct vitals_report *r, const struct vitals_area *a)
{
	json_t *o = json_object(), *months = json_array();
	int bad = !o || !months;
	if (!bad) {
		bad |= json_object_set_new(o, "code", json_string(a->code));
		bad |= json_object_set_new(o, "name_en", json_string(a->name_en));
		bad |= json_object_set_new(o, "name_ur", json_string(a->name_ur));
		bad |= json_object_set_new(o, "population",
					   a->population < 0 ? json_null()
							     : json_integer(a->population));
		bad |= json_object_set_new(o, "total", counts_json(r, a, &a->total, r->nmonths));
	}
	for (int i = 0; !bad && i < r->nmonths; i++) {
		int y = r->q.from_year + (r->q.from_month - 1 + i) / 12;
		int m = (r->q.from_month - 1 + i) % 12 + 1;
		char month[16];
		snprintf(month, sizeof month, "%04d-%02d", y % 10000, m);
		const struct vitals_counts *c = &a->months[i];
		json_t *e = json_pack("{s:s, s:I, s:I, s:I, s:I}", "month", month, "births",
				      (json_int_t)c->n[VITALS_BIRTHS], "deaths",
				      (json_int_t)c->n[VITALS_DEATHS], "marriages",
				      (json_int_t)c->n[VITALS_MARRIAGES], "divorces",
				      (json_int_t)c->n[VITALS_DIVORCES]);
		bad |= json_array_append_new(months, e);
	}
	if (!bad) {
		bad |= json_object_set_new(o, "months", months);
		months = NULL;
	}
	json_decref(months);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *vitals_report_json(const struct vitals_report *r)
{
	char from[16], to[16];
	snprintf(from, sizeof from, "%04d-%02d", r->q.from_year % 10000, r->q.from_month);
	snprintf(to, sizeof to, "%04d-%02d", r->q.to_year % 10000, r->q.to_month);
	json_t *areas = json_array();
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:f, s:s, s:s, s:I}", "from", from,
			      "to", to, "level", vitals_level_name(r->q.level), "basis",
			      "event_date", "months", r->nmonths, "late_days", r->late_days,
			      "expected_cbr_per_1000", (double)r->cbr_per_100k / 100.0,
			      "census_source", r->census_source, "cbr_source", r->cbr_source,
			      "unplaced", (json_int_t)r->unplaced);
	int bad = !o || !areas;
	if (!bad)
		bad |= json_object_set_new(o, "national", area_json(r, &r->national));
	for (size_t i = 0; !bad && i < r->nareas; i++)
		bad |= json_array_append_new(areas, area_json(r, &r->areas[i]));
	if (!bad) {
		bad |= json_object_set_new(o, "areas", areas);
		areas = NULL;
	}
	json_decref(areas);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}
