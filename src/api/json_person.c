/* json_person.c — JSON <-> struct person, strict (see json_person.h). */
#include "api/json_person.h"

#include <stdio.h>
#include <string.h>

#include "lib/jsonw.h"
#include "registry/idnum.h"

enum decode_mode { MODE_CREATE, MODE_PATCH };

struct decoder {
	enum decode_mode mode;
	struct person *p;
	unsigned fields;
	const char *id_str;   /* id_number as given (create only) */
	int legacy;
	const char *dob_str;  /* dob as given, reconciled after the loop */
	int precision;        /* -1 when not given */
	int version;          /* -1 when not given */
	const char *reason;
};

/* The string value of `v` (NULL allowed as "" when nullable). Strings with
 * an embedded NUL are refused: C would silently cut them. */
static int get_str(json_t *v, const char *key, int nullable, const char **out,
		   struct sh_err *err)
{
	if (json_is_null(v) && nullable) {
		*out = "";
		return SH_OK;
	}
	if (!json_is_string(v))
		return sh_err_set(err, SH_EINVAL, "FIELD_TYPE", "field '%s' must be a string%s",
				  key, nullable ? " or null" : "");
	const char *s = json_string_value(v);
	if (strlen(s) != json_string_length(v))
		return sh_err_set(err, SH_EINVAL, "FIELD_TYPE", "field '%s' contains NUL", key);
	*out = s;
	return SH_OK;
}

static int put_str(char *dst, size_t n, json_t *v, const char *key, int nullable,
		   struct sh_err *err)
{
	const char *s = "";
	int rc = get_str(v, key, nullable, &s, err);
	if (rc != SH_OK)
		return rc;
	if (strlen(s) >= n)
		return sh_err_set(err, SH_EINVAL, "FIELD_TOO_LONG", "field '%s' is over %zu bytes",
				  key, n - 1);
	memcpy(dst, s, strlen(s) + 1);
	return SH_OK;
}

static int put_enum(int *dst, json_t *v, const char *key, int (*parse)(const char *),
		    const char *code, struct sh_err *err)
{
	const char *s = "";
	int rc = get_str(v, key, 0, &s, err);
	if (rc != SH_OK)
		return rc;
	int e = parse(s);
	if (e < 0)
		return sh_err_set(err, SH_EINVAL, code, "field '%s': unknown value '%.32s'", key, s);
	*dst = e;
	return SH_OK;
}

static int put_id(char dst[PERSON_IDNUM_LEN + 1], json_t *v, const char *key,
		  struct sh_err *err)
{
	const char *s = "";
	int rc = get_str(v, key, 1, &s, err);
	if (rc != SH_OK)
		return rc;
	if (!*s) {
		dst[0] = '\0';
		return SH_OK;
	}
	if (idnum_lookup_normalize(s, dst, err) != SH_OK)
		return sh_err_set(err, SH_EINVAL, "IDNUM_INVALID", "field '%s' is not an identity number",
				  key);
	return SH_OK;
}

static int put_date(struct sh_date *dst, json_t *v, const char *key, int nullable,
		    struct sh_err *err)
{
	const char *s = "";
	int rc = get_str(v, key, nullable, &s, err);
	if (rc != SH_OK)
		return rc;
	if (!*s && nullable) {
		memset(dst, 0, sizeof *dst);
		return SH_OK;
	}
	if (sh_parse_date(s, dst) != 0)
		return sh_err_set(err, SH_EINVAL, "DATE_INVALID", "field '%s' must be YYYY-MM-DD", key);
	return SH_OK;
}

/* Enum fields are ints in the struct; read them through an int. */
#define PUT_ENUM(field, parse, code)                                             \
	do {                                                                     \
		int e_ = (int)d->p->field;                                       \
		rc = put_enum(&e_, v, key, parse, code, err);                    \
		d->p->field = e_;                                                \
	} while (0)

static int decode_field(struct decoder *d, const char *key, json_t *v, struct sh_err *err)
{
	struct person *p = d->p;
	int rc = SH_OK;
	unsigned bit = 0;
	/* Life and marital status change only by a registered civil event
	 * (birth, death, marriage, divorce: src/crvs), never by an edit; a
	 * mobile only by a confirmed change (POST /persons/{id}/mobile). */
	if (d->mode == MODE_PATCH &&
	    (!strcmp(key, "status") || !strcmp(key, "date_of_death") || !strcmp(key, "marital")))
		return sh_err_set(err, SH_ERULE, "CIVIL_EVENT_REQUIRED",
				  "'%s' changes only through a registered civil event (a death,"
				  " marriage or divorce registration), not by an edit",
				  key);
	if (d->mode == MODE_PATCH && !strcmp(key, "mobile"))
		return sh_err_set(err, SH_ERULE, "MOBILE_CONFIRMATION_REQUIRED",
				  "a new mobile is confirmed by a code sent to it: POST"
				  " /api/v1/persons/{id}/mobile");
	if (strcmp(key, "name_ur") == 0) {
		rc = put_str(p->name_ur, sizeof p->name_ur, v, key, 1, err), bit = PERSON_F_NAME_UR;
	} else if (strcmp(key, "name_en") == 0) {
		rc = put_str(p->name_en, sizeof p->name_en, v, key, 1, err), bit = PERSON_F_NAME_EN;
	} else if (strcmp(key, "guardian_name_ur") == 0) {
		rc = put_str(p->guardian_name_ur, sizeof p->guardian_name_ur, v, key, 1, err);
		bit = PERSON_F_GUARDIAN;
	} else if (strcmp(key, "guardian_name_en") == 0) {
		rc = put_str(p->guardian_name_en, sizeof p->guardian_name_en, v, key, 1, err);
		bit = PERSON_F_GUARDIAN;
	} else if (strcmp(key, "guardian_relation") == 0) {
		PUT_ENUM(guardian_relation, person_guardian_parse, "GUARDIAN_RELATION_INVALID");
		bit = PERSON_F_GUARDIAN;
	} else if (strcmp(key, "gender") == 0) {
		PUT_ENUM(gender, person_gender_parse, "GENDER_INVALID");
		bit = PERSON_F_GENDER;
	} else if (strcmp(key, "dob") == 0) {
		rc = get_str(v, key, 0, &d->dob_str, err), bit = PERSON_F_DOB;
	} else if (strcmp(key, "dob_precision") == 0) {
		int e = 0;
		rc = put_enum(&e, v, key, person_dob_precision_parse, "DOB_INVALID", err);
		d->precision = e;
		bit = PERSON_F_DOB;
	} else if (strcmp(key, "place_of_birth") == 0) {
		rc = put_str(p->place_of_birth, sizeof p->place_of_birth, v, key, 1, err);
		bit = PERSON_F_PLACE_OF_BIRTH;
	} else if (strcmp(key, "council_code") == 0) {
		rc = put_str(p->council_code, sizeof p->council_code, v, key, 0, err);
		bit = PERSON_F_ADDRESS;
	} else if (strcmp(key, "address_line") == 0) {
		rc = put_str(p->address_line, sizeof p->address_line, v, key, 1, err);
		bit = PERSON_F_ADDRESS;
	} else if (strcmp(key, "status") == 0) {
		PUT_ENUM(status, person_status_parse, "STATUS_INVALID");
		bit = PERSON_F_STATUS;
	} else if (strcmp(key, "date_of_death") == 0) {
		rc = put_date(&p->date_of_death, v, key, 1, err), bit = PERSON_F_STATUS;
	} else if (strcmp(key, "citizenship") == 0) {
		PUT_ENUM(citizenship, person_citizenship_parse, "CITIZENSHIP_INVALID");
		bit = PERSON_F_CITIZENSHIP;
	} else if (strcmp(key, "marital") == 0) {
		PUT_ENUM(marital, person_marital_parse, "MARITAL_INVALID");
		bit = PERSON_F_MARITAL;
	} else if (strcmp(key, "mobile") == 0) {
		const char *s = "";
		rc = get_str(v, key, 1, &s, err), bit = PERSON_F_MOBILE;
		if (rc == SH_OK && !*s)
			p->mobile[0] = '\0';
		else if (rc == SH_OK)
			rc = person_mobile_normalize(s, p->mobile, err);
	} else if (strcmp(key, "mother_id") == 0) {
		rc = put_id(p->mother_id, v, key, err), bit = PERSON_F_PARENTS;
	} else if (strcmp(key, "father_id") == 0) {
		rc = put_id(p->father_id, v, key, err), bit = PERSON_F_PARENTS;
	} else if (strcmp(key, "reason") == 0) {
		rc = get_str(v, key, d->mode == MODE_CREATE, &d->reason, err);
		if (rc == SH_OK && strlen(d->reason) > 1000)
			rc = sh_err_set(err, SH_EINVAL, "FIELD_TOO_LONG", "field 'reason' is over 1000 bytes");
	} else if (d->mode == MODE_CREATE && strcmp(key, "id_number") == 0) {
		rc = get_str(v, key, 1, &d->id_str, err);
	} else if (d->mode == MODE_CREATE && strcmp(key, "legacy_number") == 0) {
		if (!json_is_boolean(v))
			return sh_err_set(err, SH_EINVAL, "FIELD_TYPE",
					  "field 'legacy_number' must be true or false");
		d->legacy = json_is_true(v);
	} else if (d->mode == MODE_PATCH && strcmp(key, "version") == 0) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 1000000000)
			return sh_err_set(err, SH_EINVAL, "FIELD_TYPE",
					  "field 'version' must be a positive integer");
		d->version = (int)json_integer_value(v);
	} else if (strcmp(key, "updated_at") == 0 || strcmp(key, "address") == 0 ||
		   strcmp(key, "version") == 0 || strcmp(key, "id_number") == 0 ||
		   strcmp(key, "legacy_number") == 0) {
		return sh_err_set(err, SH_EINVAL, "READ_ONLY_FIELD", "field '%s' cannot be written here",
				  key);
	} else {
		return sh_err_set(err, SH_EINVAL, "UNKNOWN_FIELD", "unknown field '%.64s'", key);
	}
	if (rc == SH_OK)
		d->fields |= bit;
	return rc;
}

/* dob "YYYY-MM-DD", or "YYYY" for a year-only date; dob_precision says
 * which when given, and must agree with a bare year. */
static int decode_dob(struct decoder *d, struct sh_err *err)
{
	struct person *p = d->p;
	if (d->dob_str) {
		const char *s = d->dob_str;
		if (strlen(s) == 4 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
		    s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9') {
			if (d->precision == DOB_FULL)
				return sh_err_set(err, SH_EINVAL, "DOB_INVALID",
						  "a full dob must be YYYY-MM-DD");
			p->dob.year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
				      (s[2] - '0') * 10 + (s[3] - '0');
			p->dob.month = 1;
			p->dob.day = 1;
			p->dob_precision = DOB_YEAR_ONLY;
			return SH_OK;
		}
		if (sh_parse_date(s, &p->dob) != 0)
			return sh_err_set(err, SH_EINVAL, "DOB_INVALID",
					  "field 'dob' must be YYYY-MM-DD or YYYY");
		p->dob_precision = d->precision >= 0 ? (enum person_dob_precision)d->precision
						     : DOB_FULL;
	} else if (d->precision >= 0) {
		p->dob_precision = (enum person_dob_precision)d->precision;
	}
	if (p->dob_precision == DOB_YEAR_ONLY && p->dob.year) {
		p->dob.month = 1;
		p->dob.day = 1;
	}
	return SH_OK;
}

static int decode(struct decoder *d, json_t *body, struct sh_err *err)
{
	if (!json_is_object(body))
		return sh_err_set(err, SH_EINVAL, "BODY_NOT_OBJECT", "the body must be a JSON object");
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		int rc = decode_field(d, key, v, err);
		if (rc != SH_OK)
			return rc;
	}
	return decode_dob(d, err);
}

int json_person_decode_create(json_t *body, struct person *out, const char **reason,
			      struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	struct decoder d = {.mode = MODE_CREATE, .p = out, .precision = -1, .version = -1};
	int rc = decode(&d, body, err);
	if (rc != SH_OK)
		return rc;
	if (!d.dob_str)
		return sh_err_set(err, SH_EINVAL, "DOB_REQUIRED", "field 'dob' is required");
	out->legacy_number = d.legacy;
	if (d.id_str && *d.id_str) {
		char id[IDNUM_DIGITS + 1];
		rc = d.legacy ? idnum_legacy_validate(d.id_str, id, NULL, err)
			      : idnum_normalize(d.id_str, id, err);
		if (rc != SH_OK) {
			/* both failures are a bad number to the client */
			if (err)
				snprintf(err->code, sizeof err->code, "IDNUM_INVALID");
			return rc;
		}
		memcpy(out->id_number, id, sizeof id);
	} else if (d.legacy) {
		return sh_err_set(err, SH_EINVAL, "IDNUM_INVALID",
				  "legacy_number needs the id_number being imported");
	}
	if (reason)
		*reason = d.reason;
	return SH_OK;
}

int json_person_decode_patch(json_t *body, struct person *changes, unsigned *fields,
			     int *version, const char **reason, struct sh_err *err)
{
	struct decoder d = {.mode = MODE_PATCH, .p = changes, .precision = -1, .version = -1};
	int rc = decode(&d, body, err);
	if (rc != SH_OK)
		return rc;
	if (d.version < 0)
		return sh_err_set(err, SH_EINVAL, "VERSION_REQUIRED",
				  "field 'version' (the version being changed) is required");
	if (!d.reason || !*d.reason)
		return sh_err_set(err, SH_EINVAL, "REASON_REQUIRED", "field 'reason' is required");
	if (d.fields == 0)
		return sh_err_set(err, SH_EINVAL, "NO_CHANGES", "no fields to change");
	*fields = d.fields;
	*version = d.version;
	*reason = d.reason;
	return SH_OK;
}

/* --- encode ----------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *id_or_null(const char *id)
{
	if (!id || !*id)
		return json_null();
	char printed[IDNUM_PRINTED + 1];
	idnum_format(id, printed, sizeof printed);
	return json_string(printed);
}

static json_t *date_or_null(struct sh_date d)
{
	if (!d.year)
		return json_null();
	char s[16];
	sh_date_format(d, s, sizeof s);
	return json_string(s);
}

json_t *json_place_encode(const struct address_place *pl)
{
	if (!pl->code[0])
		return json_null();
	return json_pack("{s:s, s:s, s:o}", "code", pl->code, "name_en", pl->name_en, "name_ur",
			 str_or_null(pl->name_ur));
}

json_t *json_person_encode(const struct person *p, const struct address_council *addr)
{
	char updated[32];
	sh_time_format(p->updated_at, updated, sizeof updated);
	json_t *o = json_object();
	if (!o)
		return NULL;
	int bad = 0;
	bad |= json_object_set_new(o, "id_number", id_or_null(p->id_number));
	bad |= json_object_set_new(o, "legacy_number", json_boolean(p->legacy_number));
	bad |= json_object_set_new(o, "version", json_integer(p->version));
	bad |= json_object_set_new(o, "name_ur", str_or_null(p->name_ur));
	bad |= json_object_set_new(o, "name_en", str_or_null(p->name_en));
	bad |= json_object_set_new(o, "guardian_name_ur", str_or_null(p->guardian_name_ur));
	bad |= json_object_set_new(o, "guardian_name_en", str_or_null(p->guardian_name_en));
	bad |= json_object_set_new(o, "guardian_relation",
				   json_string(person_guardian_name(p->guardian_relation)));
	bad |= json_object_set_new(o, "gender", json_string(person_gender_name(p->gender)));
	bad |= json_object_set_new(o, "dob", date_or_null(p->dob));
	bad |= json_object_set_new(o, "dob_precision",
				   json_string(person_dob_precision_name(p->dob_precision)));
	bad |= json_object_set_new(o, "place_of_birth", str_or_null(p->place_of_birth));
	bad |= json_object_set_new(o, "council_code", str_or_null(p->council_code));
	bad |= json_object_set_new(o, "address_line", str_or_null(p->address_line));
	if (addr) {
		json_t *a = json_pack("{s:o, s:o, s:o, s:o}", "province",
				      json_place_encode(&addr->province), "district",
				      json_place_encode(&addr->district), "tehsil",
				      json_place_encode(&addr->tehsil), "council",
				      json_place_encode(&addr->council));
		bad |= a ? json_object_set_new(o, "address", a) : -1;
	}
	bad |= json_object_set_new(o, "status", json_string(person_status_name(p->status)));
	bad |= json_object_set_new(o, "date_of_death", date_or_null(p->date_of_death));
	bad |= json_object_set_new(o, "citizenship",
				   json_string(person_citizenship_name(p->citizenship)));
	bad |= json_object_set_new(o, "marital", json_string(person_marital_name(p->marital)));
	bad |= json_object_set_new(o, "mobile", str_or_null(p->mobile));
	bad |= json_object_set_new(o, "mother_id", id_or_null(p->mother_id));
	bad |= json_object_set_new(o, "father_id", id_or_null(p->father_id));
	bad |= json_object_set_new(o, "updated_at", json_string(updated));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* --- direct writer ---------------------------------------------------- */

static void write_id(struct jsonw *w, const char *key, const char *id)
{
	jsonw_key(w, key);
	if (!id || !*id) {
		jsonw_null(w);
		return;
	}
	char printed[IDNUM_PRINTED + 1];
	idnum_format(id, printed, sizeof printed);
	jsonw_string(w, printed);
}

static void write_date(struct jsonw *w, const char *key, struct sh_date d)
{
	jsonw_key(w, key);
	if (!d.year) {
		jsonw_null(w);
		return;
	}
	char s[16];
	sh_date_format(d, s, sizeof s);
	jsonw_string(w, s);
}

static void write_text(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_string_or_null(w, s);
}

static void write_place(struct jsonw *w, const char *key, const struct address_place *pl)
{
	jsonw_key(w, key);
	if (!pl->code[0]) {
		jsonw_null(w);
		return;
	}
	jsonw_object_open(w);
	jsonw_key(w, "code");
	jsonw_string(w, pl->code);
	jsonw_key(w, "name_en");
	jsonw_string(w, pl->name_en);
	write_text(w, "name_ur", pl->name_ur);
	jsonw_object_close(w);
}

int json_person_write(struct sh_buf *b, const struct person *p,
		      const struct address_council *addr)
{
	char updated[32];
	sh_time_format(p->updated_at, updated, sizeof updated);
	struct jsonw w;
	jsonw_init(&w, b);
	jsonw_object_open(&w);
	write_id(&w, "id_number", p->id_number);
	jsonw_key(&w, "legacy_number");
	jsonw_bool(&w, p->legacy_number);
	jsonw_key(&w, "version");
	jsonw_int(&w, p->version);
	write_text(&w, "name_ur", p->name_ur);
	write_text(&w, "name_en", p->name_en);
	write_text(&w, "guardian_name_ur", p->guardian_name_ur);
	write_text(&w, "guardian_name_en", p->guardian_name_en);
	jsonw_key(&w, "guardian_relation");
	jsonw_string(&w, person_guardian_name(p->guardian_relation));
	jsonw_key(&w, "gender");
	jsonw_string(&w, person_gender_name(p->gender));
	write_date(&w, "dob", p->dob);
	jsonw_key(&w, "dob_precision");
	jsonw_string(&w, person_dob_precision_name(p->dob_precision));
	write_text(&w, "place_of_birth", p->place_of_birth);
	write_text(&w, "council_code", p->council_code);
	write_text(&w, "address_line", p->address_line);
	if (addr) {
		jsonw_key(&w, "address");
		jsonw_object_open(&w);
		write_place(&w, "province", &addr->province);
		write_place(&w, "district", &addr->district);
		write_place(&w, "tehsil", &addr->tehsil);
		write_place(&w, "council", &addr->council);
		jsonw_object_close(&w);
	}
	jsonw_key(&w, "status");
	jsonw_string(&w, person_status_name(p->status));
	write_date(&w, "date_of_death", p->date_of_death);
	jsonw_key(&w, "citizenship");
	jsonw_string(&w, person_citizenship_name(p->citizenship));
	jsonw_key(&w, "marital");
	jsonw_string(&w, person_marital_name(p->marital));
	write_text(&w, "mobile", p->mobile);
	write_id(&w, "mother_id", p->mother_id);
	write_id(&w, "father_id", p->father_id);
	jsonw_key(&w, "updated_at");
	jsonw_string(&w, updated);
	jsonw_object_close(&w);
	return jsonw_status(&w);
}
