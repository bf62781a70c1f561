/* apps_rules.c — eligibility rules of an application type (issue 17 item
 * 2), evaluated over the sections saved so far. The rules are data
 * (data/apps/types.json); this file is the fixed set of checks they may
 * name. A refusal is 422 APP_INELIGIBLE whose message starts with the
 * rule's name ("sid_age_18: ..."), so a client shows which rule refused. */
#include <string.h>

#include "apps/apps_internal.h"
#include "crvs/crvs.h"
#include "lib/parse.h"

/* The saved value at "section.field" in doc, or NULL; *section_saved says
 * whether its section is saved at all (a rule over an unsaved section
 * waits). */
static json_t *doc_get(json_t *doc, const char *path, int *section_saved)
{
	const char *dot = strchr(path, '.');
	char sec[40];
	size_t n = (size_t)(dot - path);
	memcpy(sec, path, n);
	sec[n] = '\0';
	json_t *s = json_object_get(doc, sec);
	*section_saved = s != NULL;
	json_t *v = json_object_get(s, dot + 1);
	return json_is_null(v) ? NULL : v;
}

static int date_of(json_t *v, struct sh_date *d)
{
	const char *s = json_string_value(v);
	return s && sh_parse_date(s, d) == SH_OK;
}

/* d plus m months, the day clamped to the month's length. */
static struct sh_date add_months(struct sh_date d, int m)
{
	int total = d.year * 12 + (d.month - 1) + m;
	struct sh_date r = {total / 12, total % 12 + 1, d.day};
	while (r.day > 28 && !sh_date_valid(r.year, r.month, r.day))
		r.day--;
	return r;
}

static int refuse(json_t *r, struct sh_err *err)
{
	return sh_err_set(err, SH_ERULE, "APP_INELIGIBLE", "%s: %s",
			  json_string_value(json_object_get(r, "name")),
			  json_string_value(json_object_get(r, "message")));
}

static int death_registered(store_tx *tx, const char *id_number, int *ok, struct sh_err *err)
{
	struct crvs_event e;
	struct sh_err e2 = {0};
	int rc = crvs_event_find(tx, CRVS_DEATH, id_number, &e, &e2);
	if (rc == SH_OK) {
		*ok = e.status == CRVS_REGISTERED;
		crvs_event_free(&e);
		return SH_OK;
	}
	if (rc == SH_ENOTFOUND) {
		*ok = 0;
		return SH_OK;
	}
	if (err)
		*err = e2;
	return rc;
}

static int divorce_registered(store_tx *tx, const char *reg_no, const char *party, int *ok,
			      struct sh_err *err)
{
	struct crvs_divorce d;
	struct sh_err e2 = {0};
	int rc = crvs_divorce_by_reg(tx, reg_no, &d, &e2);
	*ok = 0;
	if (rc == SH_ENOTFOUND)
		return SH_OK;
	if (rc != SH_OK) {
		if (err)
			*err = e2;
		return rc;
	}
	*ok = !strcmp(d.status, "effective") &&
	      (!party || !strcmp(d.husband_id, party) || !strcmp(d.wife_id, party));
	return SH_OK;
}

static int rule_eval(store_tx *tx, json_t *r, json_t *doc, struct sh_date today, int final,
		     struct sh_err *err)
{
	const char *check = json_string_value(json_object_get(r, "check"));
	int saved = 0, saved2 = 1;
	json_t *v = doc_get(doc, json_string_value(json_object_get(r, "field")), &saved);
	const char *party_path = json_string_value(json_object_get(r, "party"));
	const char *eq_path = json_string_value(json_object_get(r, "equals"));
	json_t *other = NULL;
	if (party_path)
		other = doc_get(doc, party_path, &saved2);
	else if (eq_path)
		other = doc_get(doc, eq_path, &saved2);
	/* While drafting, a rule waits for the sections it reads; at submission
	 * every section is saved (apps_submit checks that first). */
	if (!saved || !saved2)
		return final ? refuse(r, err) : SH_OK;
	struct sh_date d;
	int ok = 0, rc = SH_OK;
	if (!strcmp(check, "present")) {
		ok = v != NULL;
	} else if (!strcmp(check, "equals")) {
		const char *s = json_string_value(v);
		ok = s && !strcmp(s, json_string_value(json_object_get(r, "value")));
	} else if (!strcmp(check, "one_of")) {
		const char *s = json_string_value(v);
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(r, "values"), i, x) if (
			s && json_string_value(x) && !strcmp(s, json_string_value(x))) ok = 1;
	} else if (!strcmp(check, "age_min")) {
		ok = date_of(v, &d) && sh_date_years_between(d, today) >=
					       (int)json_integer_value(json_object_get(r, "years"));
	} else if (!strcmp(check, "date_future")) {
		ok = date_of(v, &d) && sh_date_to_days(d) > sh_date_to_days(today);
	} else if (!strcmp(check, "expires_within_months")) {
		int m = (int)json_integer_value(json_object_get(r, "months"));
		ok = date_of(v, &d) && sh_date_to_days(d) >= sh_date_to_days(today) &&
		     sh_date_to_days(d) <= sh_date_to_days(add_months(today, m));
	} else if (!strcmp(check, "list_contains")) {
		const char *item = json_string_value(json_object_get(r, "item"));
		const char *want = json_string_value(other);
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			const char *s = json_string_value(json_object_get(x, item));
			if (want && s && !strcmp(s, want))
				ok = 1;
		}
	} else if (!strcmp(check, "death_registered")) {
		const char *id = json_string_value(v);
		if (id)
			rc = death_registered(tx, id, &ok, err);
	} else if (!strcmp(check, "divorce_registered")) {
		const char *reg = json_string_value(v);
		if (reg && (!party_path || json_string_value(other)))
			rc = divorce_registered(tx, reg, json_string_value(other), &ok, err);
	} else {
		return sh_err_set(err, SH_EINTERNAL, "APP_RULE", "unknown check %s", check);
	}
	if (rc != SH_OK)
		return rc;
	return ok ? SH_OK : refuse(r, err);
}

int apps_rules_check(store_tx *tx, const struct apps_type *t, json_t *doc, int64_t now,
		     int final, struct sh_err *err)
{
	struct sh_date today = sh_days_to_date(now / 86400);
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(t->def, "rules"), i, r) {
		int rc = rule_eval(tx, r, doc, today, final, err);
		if (rc != SH_OK)
			return rc;
	}
	return SH_OK;
}
