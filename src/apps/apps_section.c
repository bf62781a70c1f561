/* apps_section.c — an application's sections (issue 17 item 3): saved one
 * by one (each validated against its schema in data/apps/types.json and
 * against the type's eligibility rules it can already decide), reviewed as
 * a whole, and submitted only when complete. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/apps_internal.h"
#include "lib/parse.h"
#include "registry/idnum.h"

#define SBAD(...) sh_err_set(err, SH_EINVAL, "SECTION_INVALID", __VA_ARGS__)

static int text_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int enum_has(json_t *f, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(f, "values"), i, v) if (!strcmp(json_string_value(v), s))
		return 1;
	return 0;
}

/* Validate `in` against a fields list; *out gets a new object with the
 * normalized values (ID numbers as 13 digits). Unknown fields are refused
 * (a typo must not silently drop data). */
static int fields_apply(json_t *fields, json_t *in, const char *where, json_t **out,
			struct sh_err *err)
{
	*out = NULL;
	if (!json_is_object(in))
		return SBAD("%s must be an object", where);
	const char *key;
	json_t *val;
	json_object_foreach(in, key, val) {
		size_t i;
		json_t *f;
		int known = 0;
		json_array_foreach(fields, i, f) if (!strcmp(json_string_value(json_object_get(f, "name")),
							     key)) known = 1;
		if (!known)
			return SBAD("%s: unknown field %.40s", where, key);
	}
	json_t *o = json_object();
	if (!o)
		return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
	int rc = SH_OK;
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f) {
		const char *name = json_string_value(json_object_get(f, "name"));
		const char *type = json_string_value(json_object_get(f, "type"));
		json_t *v = json_object_get(in, name);
		if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
			if (json_is_true(json_object_get(f, "required"))) {
				rc = SBAD("%s.%s is required", where, name);
				goto out;
			}
			continue;
		}
		json_t *nv = NULL;
		if (!strcmp(type, "list")) {
			if (!json_is_array(v) || json_array_size(v) == 0 ||
			    json_array_size(v) > (size_t)json_integer_value(json_object_get(f, "max"))) {
				rc = SBAD("%s.%s must be a list of 1..%lld", where, name,
					  (long long)json_integer_value(json_object_get(f, "max")));
				goto out;
			}
			nv = json_array();
			size_t j;
			json_t *item;
			json_array_foreach(v, j, item) {
				json_t *ni = NULL;
				char w[64];
				snprintf(w, sizeof w, "%s.%s[%zu]", where, name, j);
				if ((rc = fields_apply(json_object_get(f, "fields"), item, w, &ni, err)) ||
				    json_array_append_new(nv, ni)) {
					json_decref(nv);
					if (!rc)
						rc = sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
					goto out;
				}
			}
		} else {
			const char *s = json_string_value(v);
			if (!s) {
				rc = SBAD("%s.%s must be a string", where, name);
				goto out;
			}
			struct sh_date d;
			char idn[IDNUM_DIGITS + 1];
			if (!strcmp(type, "string")) {
				if (strlen(s) > (size_t)json_integer_value(json_object_get(f, "max")) ||
				    !text_ok(s)) {
					rc = SBAD("%s.%s: at most %lld bytes, no control characters",
						  where, name,
						  (long long)json_integer_value(json_object_get(f, "max")));
					goto out;
				}
				nv = json_string(s);
			} else if (!strcmp(type, "date")) {
				if (sh_parse_date(s, &d) != SH_OK || d.year < 1900 || d.year > 2200) {
					rc = SBAD("%s.%s: a date YYYY-MM-DD", where, name);
					goto out;
				}
				nv = json_string(s);
			} else if (!strcmp(type, "enum")) {
				if (!enum_has(f, s)) {
					rc = SBAD("%s.%s: not one of the allowed values", where, name);
					goto out;
				}
				nv = json_string(s);
			} else { /* id_number */
				struct sh_err e2 = {0};
				if (idnum_normalize(s, idn, &e2) != SH_OK) {
					rc = SBAD("%s.%s: %s", where, name, e2.msg);
					goto out;
				}
				nv = json_string(idn);
			}
		}
		if (!nv || json_object_set_new(o, name, nv)) {
			rc = sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
			goto out;
		}
	}
out:
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return SH_OK;
}

int apps_section_validate(const char *section, json_t *in, json_t **out, struct sh_err *err)
{
	json_t *def = apps_catalog_section(apps_catalog(), section);
	if (!def)
		return sh_err_set(err, SH_EINVAL, "SECTION_UNKNOWN", "no section %.40s", section);
	return fields_apply(json_object_get(def, "fields"), in, section, out, err);
}

static int type_has_section(const struct apps_type *t, const char *section)
{
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(t->def, "sections"), i, s) if (
		!strcmp(json_string_value(s), section)) return 1;
	return 0;
}

/* Every saved section of application `app_id` as one object. */
static int sections_load(store_tx *tx, int64_t app_id, json_t **doc, struct sh_err *err)
{
	store_stmt *st = NULL;
	*doc = json_object();
	if (!*doc)
		return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
	int rc = store_query(tx, &st, err,
			     "SELECT name, body FROM apps_sections WHERE application_id = ?", "i",
			     app_id);
	while (rc == SH_OK && (rc = store_step(st, err)) == STORE_ROW) {
		json_t *v = json_loads(store_col_text(st, 1), 0, NULL);
		if (!v || json_object_set_new(*doc, store_col_text(st, 0), v)) {
			rc = sh_err_set(err, SH_EINTERNAL, "SECTION_STORED", "a stored section is bad");
			break;
		}
		rc = SH_OK;
	}
	store_finalize(st);
	if (rc < 0) {
		json_decref(*doc);
		*doc = NULL;
		return rc;
	}
	return SH_OK;
}

int apps_section_put(store_tx *tx, const struct audit_actor *actor, int64_t account_id,
		     const char *tracking_id, const char *section, json_t *value, int64_t now,
		     struct sh_err *err)
{
	struct apps_application a;
	int64_t app_id = 0;
	json_t *norm = NULL, *doc = NULL;
	char *text = NULL;
	int rc = apps_application_row(tx, account_id, tracking_id, 1, &app_id, &a, err);
	if (rc != SH_OK)
		return rc;
	const struct apps_type *t = apps_type_find(a.type);
	if (!t)
		return sh_err_set(err, SH_EINTERNAL, "APP_TYPE_UNKNOWN", "stored type %s", a.type);
	if (strcmp(a.state, "draft") != 0)
		return sh_err_set(err, SH_ECONFLICT, "APP_NOT_EDITABLE",
				  "only a draft is edited (state %s)", a.state);
	if (!section || !type_has_section(t, section))
		return sh_err_set(err, SH_EINVAL, "SECTION_UNKNOWN",
				  "a %s application has no section %.40s", t->code,
				  section ? section : "");
	if ((rc = apps_section_validate(section, value, &norm, err)))
		goto out;
	if ((rc = sections_load(tx, app_id, &doc, err)))
		goto out;
	if (json_object_set(doc, section, norm)) {
		rc = sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
		goto out;
	}
	/* A rule the sections saved so far can decide refuses now, before the
	 * applicant fills in the rest (the FAQ's rules, named). */
	if ((rc = apps_rules_check(tx, t, doc, now, 0, err)))
		goto out;
	text = json_dumps(norm, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text) {
		rc = sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
		goto out;
	}
	if ((rc = store_run(tx, err,
			    "DELETE FROM apps_sections WHERE application_id = ? AND name = ?", "it",
			    app_id, section)) < 0)
		goto out;
	if ((rc = store_run(tx, err,
			    "INSERT INTO apps_sections(application_id, name, body, updated_at)"
			    " VALUES (?, ?, ?, ?)",
			    "itti", app_id, section, text, now)) < 0)
		goto out;
	if ((rc = store_run(tx, err, "UPDATE apps_applications SET updated_at = ? WHERE id = ?",
			    "ii", now, app_id)) < 0)
		goto out;
	rc = apps_audit_app(tx, actor, tracking_id, "apps.application.section", section, err);
out:
	free(text);
	json_decref(norm);
	json_decref(doc);
	return rc < 0 ? rc : SH_OK;
}

static int age_on(json_t *doc, int64_t now, int *age)
{
	struct sh_date d;
	const char *s =
		json_string_value(json_object_get(json_object_get(doc, "applicant"), "date_of_birth"));
	if (!s || sh_parse_date(s, &d) != SH_OK)
		return 0;
	*age = sh_date_years_between(d, sh_days_to_date(now / 86400));
	return 1;
}

/* The documents the type asks for; "photo_member_under_18" expands to one
 * per FRC member under 18 ("photo_member:<id number>"). */
static json_t *documents_required(const struct apps_type *t, json_t *doc, int64_t now)
{
	json_t *out = json_array();
	size_t i;
	json_t *d;
	struct sh_date today = sh_days_to_date(now / 86400);
	json_array_foreach(json_object_get(t->def, "documents"), i, d) {
		const char *name = json_string_value(d);
		if (strcmp(name, "photo_member_under_18") != 0) {
			json_array_append_new(out, json_string(name));
			continue;
		}
		size_t j;
		json_t *m;
		json_array_foreach(json_object_get(json_object_get(doc, "family"), "members"), j, m) {
			struct sh_date b;
			const char *dob = json_string_value(json_object_get(m, "date_of_birth"));
			const char *id = json_string_value(json_object_get(m, "id_number"));
			if (dob && id && sh_parse_date(dob, &b) == SH_OK &&
			    sh_date_years_between(b, today) < 18) {
				char n[48];
				snprintf(n, sizeof n, "photo_member:%s", id);
				json_array_append_new(out, json_string(n));
			}
		}
	}
	return out;
}

static json_t *missing_sections(const struct apps_type *t, json_t *doc)
{
	json_t *out = json_array();
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(t->def, "sections"), i, s) if (
		!json_object_get(doc, json_string_value(s))) json_array_append(out, s);
	return out;
}

int apps_review(store_tx *tx, int64_t account_id, const char *tracking_id, int64_t now,
		struct apps_application *a, json_t **out, struct sh_err *err)
{
	int64_t app_id = 0;
	json_t *doc = NULL;
	*out = NULL;
	int rc = apps_application_row(tx, account_id, tracking_id, 0, &app_id, a, err);
	if (rc != SH_OK)
		return rc;
	const struct apps_type *t = apps_type_find(a->type);
	if (!t)
		return sh_err_set(err, SH_EINTERNAL, "APP_TYPE_UNKNOWN", "stored type %s", a->type);
	if ((rc = sections_load(tx, app_id, &doc, err)))
		return rc;
	json_t *bio = json_object_get(apps_catalog_root(apps_catalog()), "biometrics");
	json_t *r = json_pack("{s:o, s:o, s:o, s:s, s:s}", "sections", doc, "missing_sections",
			      missing_sections(t, doc), "documents_required",
			      documents_required(t, doc, now), "issues",
			      json_string_value(json_object_get(t->def, "issues")), "fee_paid",
			      t->fee_at_start ? "at_start" : "at_end");
	if (!r)
		return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
	int age;
	/* Children under 14 give no fingerprints and no signature (FAQ). */
	if (age_on(doc, now, &age)) {
		json_object_set_new(r, "fingerprints_required",
				    json_boolean(age >= json_integer_value(json_object_get(
								bio, "fingerprints_min_age"))));
		json_object_set_new(r, "signature_required",
				    json_boolean(age >= json_integer_value(json_object_get(
								bio, "signature_min_age"))));
	}
	const char *first = json_string_value(json_object_get(t->def, "first_document_if_absent"));
	if (first) {
		/* A NICOP for someone with no ID number issues one. */
		const char *dot = strchr(first, '.');
		char sec[40];
		size_t n = (size_t)(dot - first);
		memcpy(sec, first, n);
		sec[n] = '\0';
		json_t *s = json_object_get(doc, sec);
		if (s)
			json_object_set_new(r, "issues_id_number",
					    json_boolean(!json_object_get(s, dot + 1)));
	}
	*out = r;
	return SH_OK;
}

int apps_submit(store_tx *tx, const struct audit_actor *actor, int64_t account_id,
		const char *tracking_id, int64_t now, struct apps_application *a,
		struct sh_err *err)
{
	int64_t app_id = 0;
	json_t *doc = NULL, *miss = NULL;
	int rc = apps_application_row(tx, account_id, tracking_id, 1, &app_id, a, err);
	if (rc != SH_OK)
		return rc;
	const struct apps_type *t = apps_type_find(a->type);
	if (!t)
		return sh_err_set(err, SH_EINTERNAL, "APP_TYPE_UNKNOWN", "stored type %s", a->type);
	if (strcmp(a->state, "draft") != 0)
		return sh_err_set(err, SH_ECONFLICT, "APP_NOT_EDITABLE",
				  "only a draft is submitted (state %s)", a->state);
	if ((rc = sections_load(tx, app_id, &doc, err)))
		return rc;
	miss = missing_sections(t, doc);
	if (json_array_size(miss) > 0) {
		char list[200] = "";
		size_t i, off = 0;
		json_t *s;
		json_array_foreach(miss, i, s) {
			int k = snprintf(list + off, sizeof list - off, "%s%s", i ? ", " : "",
					 json_string_value(s));
			if (k < 0 || (size_t)k >= sizeof list - off)
				break;
			off += (size_t)k;
		}
		rc = sh_err_set(err, SH_ERULE, "APP_INCOMPLETE", "missing sections: %s", list);
		goto out;
	}
	if (strcmp(json_string_value(json_object_get(t->def, "issues")), "none") != 0 &&
	    !apps_chip_code_is_set(tx, app_id)) {
		rc = sh_err_set(err, SH_ERULE, "APP_INCOMPLETE",
				"missing: the chip security code (PUT .../chip-code)");
		goto out;
	}
	if ((rc = apps_rules_check(tx, t, doc, now, 1, err)))
		goto out;
	if ((rc = store_run(tx, err,
			    "UPDATE apps_applications SET state = 'submitted', submitted_at = ?,"
			    " updated_at = ? WHERE id = ? AND state = 'draft'",
			    "iii", now, now, app_id)) < 0)
		goto out;
	snprintf(a->state, sizeof a->state, "submitted");
	a->updated_at = now;
	rc = apps_audit_app(tx, actor, tracking_id, "apps.application.submit", t->code, err);
out:
	json_decref(miss);
	json_decref(doc);
	return rc < 0 ? rc : SH_OK;
}
