/* concord_report.c — discrepancy reports of a council or a district: what
 * the council's register and the national registry say differently about
 * the same person, who is only in the council's register (candidates for
 * registration), and who is only in the registry. JSON, and CSV from it. */
#include "concord/concord.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linkage/lk_text.h"
#include "registry/address.h"
#include "registry/person.h"

/* Rows listed per section; beyond it the counts stay exact and the section
 * says "truncated". */
#define REPORT_LIST_MAX 50000

static int oom(struct sh_err *err)
{
	return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "out of memory");
}

/* Two names differ when their folded forms do (case, accents, Urdu letter
 * variants and spacing are not differences); an empty side is no claim. */
static int names_differ(const char *a, const char *b)
{
	if (!a[0] || !b[0])
		return 0;
	char fa[512], fb[512];
	lk_fold(a, fa, sizeof fa);
	lk_fold(b, fb, sizeof fb);
	return strcmp(fa, fb) != 0;
}

static int add_diff(json_t *diffs, const char *field, const char *cv, const char *rv)
{
	return json_array_append_new(diffs, json_pack("{s:s, s:s, s:s}", "field", field,
						      "council_value", cv, "registry_value", rv));
}

static void person_dob(const struct person *p, char out[11])
{
	out[0] = '\0';
	if (!p->dob.year)
		return;
	if (p->dob_precision == DOB_YEAR_ONLY)
		snprintf(out, 11, "%04u", (unsigned)p->dob.year % 10000u);
	else
		snprintf(out, 11, "%04u-%02u-%02u", (unsigned)p->dob.year % 10000u, (unsigned)p->dob.month % 100u,
			 (unsigned)p->dob.day % 100u);
}

/* The differences of a linked record and its person. */
static json_t *differences(store_stmt *st, const struct person *p)
{
	json_t *d = json_array();
	if (!d)
		return NULL;
	const char *name = store_col_text(st, 3), *given = store_col_text(st, 4);
	const char *family = store_col_text(st, 5), *father = store_col_text(st, 6);
	const char *name_ur = store_col_text(st, 7), *father_ur = store_col_text(st, 8);
	const char *dob = store_col_text(st, 9), *sex = store_col_text(st, 10);
	const char *idno = store_col_text(st, 11);
	char full[520];
	if (name[0])
		snprintf(full, sizeof full, "%s", name);
	else
		snprintf(full, sizeof full, "%s%s%s", given, given[0] && family[0] ? " " : "", family);
	char pdob[11];
	person_dob(p, pdob);
	const char *psex = p->gender == GENDER_MALE ? "male" : p->gender == GENDER_FEMALE ? "female"
											   : "unknown";
	int rc = 0;
	if (names_differ(full, p->name_en))
		rc |= add_diff(d, "name", full, p->name_en);
	if (names_differ(name_ur, p->name_ur))
		rc |= add_diff(d, "name_ur", name_ur, p->name_ur);
	if (names_differ(father, p->guardian_name_en))
		rc |= add_diff(d, "father", father, p->guardian_name_en);
	if (names_differ(father_ur, p->guardian_name_ur))
		rc |= add_diff(d, "father_ur", father_ur, p->guardian_name_ur);
	/* A year-only date beside a full one is a difference too: the
	 * council or the registry knows the day and the other does not. */
	if (dob[0] && pdob[0] && strcmp(dob, pdob))
		rc |= add_diff(d, "dob", dob, pdob);
	if (strcmp(sex, "unknown") && strcmp(psex, "unknown") && strcmp(sex, psex))
		rc |= add_diff(d, "sex", sex, psex);
	if (idno[0] && strcmp(idno, p->id_number))
		rc |= add_diff(d, "id_number", idno, p->id_number);
	if (rc) {
		json_decref(d);
		return NULL;
	}
	return d;
}

struct nat_ctx {
	json_t *list;
	json_t *councils; /* object: council codes with records */
	char **linked;    /* sorted person ids linked in the area */
	size_t nlinked;
	size_t count;
	int oom;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int national_only(void *ctx, const struct person *p)
{
	struct nat_ctx *c = ctx;
	if (!json_object_get(c->councils, p->council_code))
		return 0; /* a council that imported nothing says nothing */
	const char *key = p->id_number;
	if (bsearch(&key, c->linked, c->nlinked, sizeof *c->linked, cmp_str))
		return 0;
	c->count++;
	if (c->count > REPORT_LIST_MAX)
		return 0;
	char dob[11];
	person_dob(p, dob);
	if (json_array_append_new(c->list,
				  json_pack("{s:s, s:s, s:s, s:s, s:s}", "person_id", p->id_number,
					    "council_code", p->council_code, "name_en", p->name_en,
					    "name_ur", p->name_ur, "dob", dob)) != 0) {
		c->oom = 1;
		return 1;
	}
	return 0;
}

static int stop_at_first(void *ctx, const struct address_place *p)
{
	(void)p;
	*(int *)ctx = 1;
	return 1;
}

/* Is `area` a council (1) or a district with councils (2)? */
static int area_kind(store_tx *tx, const char *area, struct sh_err *err)
{
	int rc = address_council_exists(tx, area, err);
	if (rc != 0)
		return rc;
	int any = 0;
	rc = address_list_councils(tx, NULL, area, stop_at_first, &any, err);
	if (rc != SH_OK)
		return rc;
	if (any)
		return 2;
	return sh_err_set(err, SH_ENOTFOUND, "UNKNOWN_AREA",
			  "%.40s is neither a council nor a district code", area);
}

int concord_report(store_tx *tx, const char *area, json_t **out, struct sh_err *err)
{
	*out = NULL;
	if (!area || !area[0] || strlen(area) >= 32 || strchr(area, '%') || strchr(area, '_'))
		return sh_err_set(err, SH_EINVAL, "AREA_INVALID", "a council or district code is required");
	int kind = area_kind(tx, area, err);
	if (kind < 0)
		return kind;
	char like[64];
	snprintf(like, sizeof like, "%s-%%", area);
	json_t *rep = json_object(), *matched = json_array(), *conly = json_array();
	json_t *councils = json_object();
	struct nat_ctx nc = {.list = json_array(), .councils = councils};
	store_stmt *st = NULL;
	size_t nrec = 0, nmatch = 0, ndiff = 0, nconly = 0, nreview = 0, nunlinked = 0;
	int rc = SH_OK;
	size_t caplinked = 0;
	if (!rep || !matched || !conly || !councils || !nc.list) {
		rc = oom(err);
		goto out;
	}
	rc = store_query(tx, &st, err,
			 "SELECT r.id, r.council_code, r.register_no, r.name, r.given, r.family,"
			 " r.father, r.name_ur, r.father_ur, r.dob, r.sex, r.id_number,"
			 " l.status, l.person_id, l.probability_ppm, l.decided"
			 " FROM concord_records r LEFT JOIN concord_links l ON l.record_id = r.id"
			 " WHERE r.council_code = ? OR r.council_code LIKE ? ORDER BY r.council_code, r.id",
			 "tt", area, like);
	if (rc != SH_OK)
		goto out;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		nrec++;
		const char *council = store_col_text(st, 1);
		json_object_set_new(councils, council, json_true());
		const char *status = store_col_text(st, 12);
		if (!status) {
			nunlinked++;
			continue;
		}
		if (!strcmp(status, "review")) {
			nreview++;
			continue;
		}
		if (!strcmp(status, "nonlink")) {
			nconly++;
			if (nconly > REPORT_LIST_MAX)
				continue;
			const char *name = store_col_text(st, 3), *given = store_col_text(st, 4),
				   *family = store_col_text(st, 5);
			char full[520];
			if (name[0])
				snprintf(full, sizeof full, "%s", name);
			else
				snprintf(full, sizeof full, "%s%s%s", given, given[0] && family[0] ? " " : "",
					 family);
			if (json_array_append_new(
				    conly, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "record_id",
						     (json_int_t)store_col_int(st, 0), "council_code", council,
						     "register_no", store_col_text(st, 2), "name", full,
						     "name_ur", store_col_text(st, 7), "father",
						     store_col_text(st, 6), "dob", store_col_text(st, 9),
						     "sex", store_col_text(st, 10))) != 0) {
				rc = oom(err);
				goto out;
			}
			continue;
		}
		/* a link */
		nmatch++;
		const char *pid = store_col_text(st, 13);
		if (nc.nlinked == caplinked) {
			size_t ncap = caplinked ? 2 * caplinked : 256;
			char **nl = realloc(nc.linked, ncap * sizeof *nl);
			if (!nl) {
				rc = oom(err);
				goto out;
			}
			nc.linked = nl;
			caplinked = ncap;
		}
		if (!(nc.linked[nc.nlinked] = strdup(pid ? pid : ""))) {
			rc = oom(err);
			goto out;
		}
		nc.nlinked++;
		struct person p;
		struct sh_err perr = {0};
		if (!pid || person_get(tx, pid, &p, &perr) != SH_OK)
			continue; /* the person is gone from the registry: no comparison */
		json_t *d = differences(st, &p);
		if (!d) {
			rc = oom(err);
			goto out;
		}
		if (json_array_size(d) == 0) {
			json_decref(d);
			continue;
		}
		ndiff++;
		if (ndiff > REPORT_LIST_MAX) {
			json_decref(d);
			continue;
		}
		if (json_array_append_new(
			    matched, json_pack("{s:I, s:s, s:s, s:s, s:f, s:b, s:o}", "record_id",
					       (json_int_t)store_col_int(st, 0), "council_code", council,
					       "register_no", store_col_text(st, 2), "person_id", pid,
					       "probability", (double)store_col_int(st, 14) / 1e6,
					       "decided", (int)store_col_int(st, 15), "differences", d)) != 0) {
			rc = oom(err);
			goto out;
		}
	}
	store_finalize(st);
	st = NULL;
	if (rc != STORE_DONE)
		goto out;
	rc = SH_OK;
	qsort(nc.linked, nc.nlinked, sizeof *nc.linked, cmp_str);
	rc = person_each_in_area(tx, area, national_only, &nc, err);
	if (rc == SH_OK && nc.oom)
		rc = oom(err);
	if (rc != SH_OK)
		goto out;
	json_t *clist = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(councils, k, v) json_array_append_new(clist, json_string(k));
	json_t *counts = json_pack(
		"{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "records", (json_int_t)nrec, "matched",
		(json_int_t)nmatch, "matched_with_differences", (json_int_t)ndiff, "council_only",
		(json_int_t)nconly, "review", (json_int_t)nreview, "not_linked", (json_int_t)nunlinked,
		"national_only", (json_int_t)nc.count);
	if (!clist || !counts) {
		json_decref(clist);
		json_decref(counts);
		rc = oom(err);
		goto out;
	}
	json_object_set_new(rep, "area", json_string(area));
	json_object_set_new(rep, "kind", json_string(kind == 1 ? "council" : "district"));
	json_object_set_new(rep, "councils", clist);
	json_object_set_new(rep, "counts", counts);
	json_object_set_new(rep, "truncated",
			    json_boolean(ndiff > REPORT_LIST_MAX || nconly > REPORT_LIST_MAX ||
					 nc.count > REPORT_LIST_MAX));
	json_object_set(rep, "matched_with_differences", matched);
	json_object_set(rep, "council_only", conly);
	json_object_set(rep, "national_only", nc.list);
	*out = rep;
	rep = NULL;
out:
	store_finalize(st);
	for (size_t i = 0; i < nc.nlinked; i++)
		free(nc.linked[i]);
	free(nc.linked);
	json_decref(rep);
	json_decref(matched);
	json_decref(conly);
	json_decref(councils);
	json_decref(nc.list);
	return rc;
}

/* RFC 4180: a field with a separator, quote or line break is quoted. */
static int csv_field(struct sh_buf *b, const char *s, int last)
{
	int rc = SH_OK;
	if (!s)
		s = "";
	if (strpbrk(s, ",\"\r\n")) {
		rc |= sh_buf_puts(b, "\"");
		for (const char *p = s; *p; p++)
			rc |= *p == '"' ? sh_buf_puts(b, "\"\"") : sh_buf_append(b, p, 1);
		rc |= sh_buf_puts(b, "\"");
	} else {
		rc |= sh_buf_puts(b, s);
	}
	rc |= sh_buf_puts(b, last ? "\r\n" : ",");
	return rc;
}

static int csv_row(struct sh_buf *b, const char *kind, const char *council, json_int_t record,
		   const char *regno, const char *person, const char *field, const char *cv,
		   const char *rv)
{
	char rec[24] = "";
	if (record > 0)
		snprintf(rec, sizeof rec, "%lld", (long long)record);
	return csv_field(b, kind, 0) | csv_field(b, council, 0) | csv_field(b, rec, 0) |
	       csv_field(b, regno, 0) | csv_field(b, person, 0) | csv_field(b, field, 0) |
	       csv_field(b, cv, 0) | csv_field(b, rv, 1);
}

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

int concord_report_csv(const json_t *report, struct sh_buf *out, struct sh_err *err)
{
	int rc = sh_buf_puts(out, "kind,council_code,record_id,register_no,person_id,field,"
				  "council_value,registry_value\r\n");
	size_t i, j;
	json_t *m, *d;
	json_array_foreach(json_object_get(report, "matched_with_differences"), i, m) {
		json_int_t rec = json_integer_value(json_object_get(m, "record_id"));
		json_array_foreach(json_object_get(m, "differences"), j, d)
			rc |= csv_row(out, "matched_with_differences", jstr(m, "council_code"), rec,
				      jstr(m, "register_no"), jstr(m, "person_id"), jstr(d, "field"),
				      jstr(d, "council_value"), jstr(d, "registry_value"));
	}
	json_array_foreach(json_object_get(report, "council_only"), i, m) {
		char what[600];
		snprintf(what, sizeof what, "%s%s%s", jstr(m, "name"),
			 jstr(m, "name")[0] && jstr(m, "name_ur")[0] ? " / " : "", jstr(m, "name_ur"));
		rc |= csv_row(out, "council_only", jstr(m, "council_code"),
			      json_integer_value(json_object_get(m, "record_id")), jstr(m, "register_no"),
			      "", "name", what, "");
	}
	json_array_foreach(json_object_get(report, "national_only"), i, m) {
		char what[600];
		snprintf(what, sizeof what, "%s%s%s", jstr(m, "name_en"),
			 jstr(m, "name_en")[0] && jstr(m, "name_ur")[0] ? " / " : "",
			 jstr(m, "name_ur"));
		rc |= csv_row(out, "national_only", jstr(m, "council_code"), 0, "",
			      jstr(m, "person_id"), "name", "", what);
	}
	if (rc != SH_OK)
		return sh_err_set(err, SH_ETOOBIG, "REPORT_TOO_BIG", "the report is too big for CSV");
	return SH_OK;
}
