/* apps_types.c — the application types as data (issue 17 item 2):
 * data/apps/types.json, built into the server (src/CMakeLists.txt embeds
 * it), parsed and validated once at start. A type names its sections
 * (schemas shared by all types), supporting documents, fee timing and
 * eligibility rules (apps_rules.c evaluates them). A file that does not
 * validate stops the server at start, never half-loads. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "apps/apps.h"
#include "apps/apps_internal.h"

extern const unsigned char apps_types_json[];
extern const unsigned long apps_types_json_len;

struct apps_catalog {
	json_t *root; /* owned; read-only once built */
	struct apps_type *types;
	size_t n;
};

static const char *const checks[] = {"equals",   "one_of",	   "present",
				     "age_min",	 "date_future", "expires_within_months",
				     "list_contains", "death_registered", "divorce_registered"};
static const char *const field_types[] = {"string", "date", "enum", "id_number", "list"};

static int in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

#define BAD(...) sh_err_set(err, SH_EINVAL, "APP_TYPES_INVALID", __VA_ARGS__)

static int fields_check(json_t *fields, const char *where, int depth, struct sh_err *err)
{
	size_t i;
	json_t *f;
	if (!json_is_array(fields) || json_array_size(fields) == 0)
		return BAD("%s: fields must be a non-empty array", where);
	json_array_foreach(fields, i, f) {
		const char *name = json_string_value(json_object_get(f, "name"));
		const char *type = json_string_value(json_object_get(f, "type"));
		if (!name || !*name || strlen(name) > 40)
			return BAD("%s: field %zu has no name", where, i);
		if (!in_list(type, field_types, sizeof field_types / sizeof *field_types))
			return BAD("%s.%s: unknown field type", where, name);
		if (!json_is_boolean(json_object_get(f, "required")))
			return BAD("%s.%s: required must be true or false", where, name);
		json_t *max = json_object_get(f, "max");
		if ((!strcmp(type, "string") || !strcmp(type, "list")) &&
		    (!json_is_integer(max) || json_integer_value(max) < 1 ||
		     json_integer_value(max) > 1000))
			return BAD("%s.%s: max must be 1..1000", where, name);
		if (!strcmp(type, "enum")) {
			json_t *v = json_object_get(f, "values");
			if (!json_is_array(v) || json_array_size(v) == 0)
				return BAD("%s.%s: an enum needs values", where, name);
		}
		if (!strcmp(type, "list")) {
			if (depth > 0)
				return BAD("%s.%s: lists do not nest", where, name);
			int rc = fields_check(json_object_get(f, "fields"), name, depth + 1, err);
			if (rc)
				return rc;
		}
	}
	return SH_OK;
}

/* The field a "section.field" path names, or NULL. */
static json_t *path_field(json_t *sections, const char *path)
{
	const char *dot = path ? strchr(path, '.') : NULL;
	if (!dot || dot == path || (size_t)(dot - path) >= 40)
		return NULL;
	char sec[40];
	memcpy(sec, path, (size_t)(dot - path));
	sec[dot - path] = '\0';
	json_t *fields = json_object_get(json_object_get(sections, sec), "fields");
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f) if (!strcmp(json_string_value(json_object_get(f, "name")),
						     dot + 1)) return f;
	return NULL;
}

static int type_in_sections(json_t *t, const char *path)
{
	size_t i;
	json_t *s;
	const char *dot = strchr(path, '.');
	json_array_foreach(json_object_get(t, "sections"), i, s) {
		const char *n = json_string_value(s);
		if (n && strlen(n) == (size_t)(dot - path) && !strncmp(n, path, (size_t)(dot - path)))
			return 1;
	}
	return 0;
}

static int rule_check(json_t *sections, json_t *t, json_t *r, const char *code,
		      struct sh_err *err)
{
	const char *name = json_string_value(json_object_get(r, "name"));
	const char *check = json_string_value(json_object_get(r, "check"));
	const char *field = json_string_value(json_object_get(r, "field"));
	if (!name || !*name || strlen(name) > 40)
		return BAD("%s: a rule has no name", code);
	if (!in_list(check, checks, sizeof checks / sizeof *checks))
		return BAD("%s/%s: unknown check", code, name);
	if (!json_string_value(json_object_get(r, "message")))
		return BAD("%s/%s: no message", code, name);
	json_t *f = path_field(sections, field);
	if (!f || !type_in_sections(t, field))
		return BAD("%s/%s: field %s is not in the type's sections", code, name,
			   field ? field : "(none)");
	if (!strcmp(check, "equals") && !json_string_value(json_object_get(r, "value")))
		return BAD("%s/%s: equals needs a value", code, name);
	if (!strcmp(check, "one_of") && !json_is_array(json_object_get(r, "values")))
		return BAD("%s/%s: one_of needs values", code, name);
	if (!strcmp(check, "age_min") && !json_is_integer(json_object_get(r, "years")))
		return BAD("%s/%s: age_min needs years", code, name);
	if (!strcmp(check, "expires_within_months") &&
	    !json_is_integer(json_object_get(r, "months")))
		return BAD("%s/%s: expires_within_months needs months", code, name);
	const char *ftype = json_string_value(json_object_get(f, "type"));
	if ((!strcmp(check, "age_min") || !strcmp(check, "date_future") ||
	     !strcmp(check, "expires_within_months")) &&
	    strcmp(ftype, "date") != 0)
		return BAD("%s/%s: %s applies to a date", code, name, check);
	if (!strcmp(check, "list_contains")) {
		const char *eq = json_string_value(json_object_get(r, "equals"));
		if (strcmp(ftype, "list") != 0 || !json_string_value(json_object_get(r, "item")) ||
		    !eq || !path_field(sections, eq) || !type_in_sections(t, eq))
			return BAD("%s/%s: list_contains needs a list, item and equals", code, name);
	}
	const char *party = json_string_value(json_object_get(r, "party"));
	if (party && (!path_field(sections, party) || !type_in_sections(t, party)))
		return BAD("%s/%s: party %s is not in the type's sections", code, name, party);
	return SH_OK;
}

static int type_check(json_t *sections, json_t *t, struct apps_type *out, struct sh_err *err)
{
	const char *code = json_string_value(json_object_get(t, "code"));
	const char *title = json_string_value(json_object_get(t, "title"));
	const char *fee = json_string_value(json_object_get(t, "fee_paid"));
	if (!code || !*code || strlen(code) >= 32 || !title)
		return BAD("a type has no code or title");
	if (!fee || (strcmp(fee, "at_start") && strcmp(fee, "at_end")))
		return BAD("%s: fee_paid is at_start or at_end", code);
	if (!json_string_value(json_object_get(t, "issues")))
		return BAD("%s: issues names the document issued", code);
	json_t *secs = json_object_get(t, "sections");
	size_t i;
	json_t *s;
	if (!json_is_array(secs) || json_array_size(secs) == 0 ||
	    json_array_size(secs) > APPS_SECTIONS_MAX)
		return BAD("%s: 1..%d sections", code, APPS_SECTIONS_MAX);
	json_array_foreach(secs, i, s) if (!json_object_get(sections, json_string_value(s)))
		return BAD("%s: unknown section %s", code, json_string_value(s));
	json_t *docs = json_object_get(t, "documents");
	if (!json_is_array(docs))
		return BAD("%s: documents must be an array", code);
	json_array_foreach(docs, i, s) if (!json_string_value(s))
		return BAD("%s: a document is a name", code);
	const char *first = json_string_value(json_object_get(t, "first_document_if_absent"));
	if (first && (!path_field(sections, first) || !type_in_sections(t, first)))
		return BAD("%s: first_document_if_absent names no field of its sections", code);
	json_t *rules = json_object_get(t, "rules");
	if (!json_is_array(rules))
		return BAD("%s: rules must be an array", code);
	json_array_foreach(rules, i, s) {
		int rc = rule_check(sections, t, s, code, err);
		if (rc)
			return rc;
	}
	out->code = code;
	out->title = title;
	out->fee_at_start = !strcmp(fee, "at_start");
	out->def = t;
	return SH_OK;
}

int apps_catalog_parse(const char *text, size_t len, struct apps_catalog **out,
		       struct sh_err *err)
{
	json_error_t je;
	*out = NULL;
	struct apps_catalog *c = calloc(1, sizeof *c);
	if (!c)
		return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
	int rc = SH_OK;
	c->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!c->root) {
		rc = BAD("types file line %d: %s", je.line, je.text);
		goto out;
	}
	json_t *sections = json_object_get(c->root, "sections");
	json_t *types = json_object_get(c->root, "types");
	json_t *bio = json_object_get(c->root, "biometrics");
	if (!json_is_object(sections) || !json_is_array(types) || json_array_size(types) == 0 ||
	    !json_is_integer(json_object_get(bio, "fingerprints_min_age")) ||
	    !json_is_integer(json_object_get(bio, "signature_min_age"))) {
		rc = BAD("the types file needs sections, types and biometrics");
		goto out;
	}
	const char *sname;
	json_t *sdef;
	json_object_foreach(sections, sname, sdef) {
		if (strlen(sname) >= 40) {
			rc = BAD("section name %s too long", sname);
			goto out;
		}
		if ((rc = fields_check(json_object_get(sdef, "fields"), sname, 0, err)))
			goto out;
	}
	size_t i;
	json_t *t;
	c->types = calloc(json_array_size(types), sizeof *c->types);
	if (!c->types) {
		rc = sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
		goto out;
	}
	json_array_foreach(types, i, t) {
		if ((rc = type_check(sections, t, &c->types[i], err)))
			goto out;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(c->types[j].code, c->types[i].code)) {
				rc = BAD("type %s twice", c->types[i].code);
				goto out;
			}
		c->n = i + 1;
	}
	json_array_foreach(json_object_get(c->root, "refused"), i, t) {
		if (!json_string_value(json_object_get(t, "code")) ||
		    !json_string_value(json_object_get(t, "rule")) ||
		    !json_string_value(json_object_get(t, "message"))) {
			rc = BAD("a refused type needs code, rule and message");
			goto out;
		}
	}
out:
	if (rc) {
		apps_catalog_free(c);
		return rc;
	}
	*out = c;
	return SH_OK;
}

void apps_catalog_free(struct apps_catalog *c)
{
	if (!c)
		return;
	free(c->types);
	json_decref(c->root);
	free(c);
}

const struct apps_type *apps_catalog_types(const struct apps_catalog *c, size_t *n)
{
	*n = c ? c->n : 0;
	return c ? c->types : NULL;
}

const struct apps_type *apps_catalog_find(const struct apps_catalog *c, const char *code)
{
	for (size_t i = 0; c && code && i < c->n; i++)
		if (!strcmp(c->types[i].code, code))
			return &c->types[i];
	return NULL;
}

json_t *apps_catalog_section(const struct apps_catalog *c, const char *name)
{
	return c && name ? json_object_get(json_object_get(c->root, "sections"), name) : NULL;
}

json_t *apps_catalog_root(const struct apps_catalog *c)
{
	return c ? c->root : NULL;
}

/* The built-in catalog: loaded once (pthread_once), shared read-only by
 * every thread for the life of the process. */
static struct apps_catalog *builtin;
static struct sh_err builtin_err;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void builtin_load(void)
{
	if (apps_catalog_parse((const char *)apps_types_json, apps_types_json_len, &builtin,
			       &builtin_err) != SH_OK)
		builtin = NULL;
}

int apps_types_load(struct sh_err *err)
{
	pthread_once(&builtin_once, builtin_load);
	if (!builtin) {
		if (err)
			*err = builtin_err;
		return builtin_err.status ? builtin_err.status : SH_EINTERNAL;
	}
	return SH_OK;
}

const struct apps_catalog *apps_catalog(void)
{
	return apps_types_load(NULL) == SH_OK ? builtin : NULL;
}

const struct apps_type *apps_types(size_t *n)
{
	return apps_catalog_types(apps_catalog(), n);
}

const struct apps_type *apps_type_find(const char *code)
{
	return apps_catalog_find(apps_catalog(), code);
}

const json_t *apps_type_refused(const char *code)
{
	const struct apps_catalog *c = apps_catalog();
	size_t i;
	json_t *t;
	if (!c || !code)
		return NULL;
	json_array_foreach(json_object_get(c->root, "refused"), i, t) if (
		!strcmp(json_string_value(json_object_get(t, "code")), code)) return t;
	return NULL;
}
