/* person_validate.c — every rule a person record must satisfy before it is
 * written (field codes are stable: they reach the API's error body). */
#include <string.h>
#include <utf8proc.h>

#include "registry/address.h"
#include "registry/idnum.h"
#include "registry/names.h"
#include "registry/person_internal.h"

int person_mobile_normalize(const char *in, char out[PERSON_MOBILE_MAX], struct sh_err *err)
{
	char d[24];
	size_t n = 0;
	int plus = 0;
	if (!in)
		in = "";
	for (const char *p = in; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (*p == '+' && n == 0 && !plus) {
			plus = 1;
			continue;
		}
		if (*p < '0' || *p > '9' || n + 1 >= sizeof d)
			return sh_err_set(err, SH_EINVAL, "MOBILE_INVALID",
					  "mobile must be a Pakistani number +92 3XX XXXXXXX");
		d[n++] = *p;
	}
	d[n] = '\0';
	const char *national = NULL; /* the 10 digits after +92 */
	if (plus && n == 12 && strncmp(d, "92", 2) == 0)
		national = d + 2;
	else if (!plus && n == 12 && strncmp(d, "92", 2) == 0)
		national = d + 2;
	else if (!plus && n == 14 && strncmp(d, "0092", 4) == 0)
		national = d + 4;
	else if (!plus && n == 11 && d[0] == '0')
		national = d + 1;
	/* ITU-T E.164 for Pakistan: mobile numbers are 3XX XXXXXXX (PTA
	 * numbering plan), ten national digits beginning with 3. */
	if (!national || national[0] != '3')
		return sh_err_set(err, SH_EINVAL, "MOBILE_INVALID",
				  "mobile must be a Pakistani number +92 3XX XXXXXXX");
	memcpy(out, "+92", 3);
	memcpy(out + 3, national, 10);
	out[13] = '\0';
	return SH_OK;
}

/* Valid UTF-8, no control characters, fits its column. */
static int text_ok(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	if (n >= max)
		return 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)n;
	while (left > 0) {
		int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &c);
		if (k <= 0)
			return 0;
		if (utf8proc_category(c) == UTF8PROC_CATEGORY_CC)
			return 0;
		p += k;
		left -= k;
	}
	return 1;
}

static int check_name(const char *s, int urdu, const char *code, const char *field,
		      struct sh_err *err)
{
	if (!*s)
		return SH_OK;
	if (!text_ok(s, PERSON_NAME_MAX))
		return sh_err_set(err, SH_EINVAL, code, "%s is not valid text", field);
	if (urdu ? !names_is_arabic_script(s) : !names_is_latin_script(s))
		return sh_err_set(err, SH_EINVAL, code, "%s must be letters of the %s script",
				  field, urdu ? "Urdu (Arabic)" : "Latin");
	return SH_OK;
}

static int date_set(struct sh_date d)
{
	return d.year != 0 || d.month != 0 || d.day != 0;
}

static int64_t days(struct sh_date d)
{
	return sh_date_to_days(d);
}

static int id_ok(const char *s)
{
	char tmp[IDNUM_DIGITS + 1];
	return idnum_lookup_normalize(s, tmp, NULL) == SH_OK && strcmp(tmp, s) == 0;
}

int person_validate_fields(const struct person *p, struct sh_err *err)
{
	int rc;
	if (!*p->name_ur && !*p->name_en)
		return sh_err_set(err, SH_EINVAL, "NAME_REQUIRED",
				  "name_ur or name_en is required");
	if ((rc = check_name(p->name_ur, 1, "NAME_INVALID", "name_ur", err)) ||
	    (rc = check_name(p->name_en, 0, "NAME_INVALID", "name_en", err)) ||
	    (rc = check_name(p->guardian_name_ur, 1, "NAME_INVALID", "guardian_name_ur", err)) ||
	    (rc = check_name(p->guardian_name_en, 0, "NAME_INVALID", "guardian_name_en", err)))
		return rc;
	if (!text_ok(p->place_of_birth, PERSON_NAME_MAX))
		return sh_err_set(err, SH_EINVAL, "TEXT_INVALID", "place_of_birth is not valid text");
	if (!text_ok(p->address_line, PERSON_NAME_MAX))
		return sh_err_set(err, SH_EINVAL, "TEXT_INVALID", "address_line is not valid text");
	if (!person_guardian_name(p->guardian_relation))
		return sh_err_set(err, SH_EINVAL, "GUARDIAN_RELATION_INVALID",
				  "guardian_relation must be father or husband");
	if (!person_gender_name(p->gender))
		return sh_err_set(err, SH_EINVAL, "GENDER_INVALID", "unknown gender");
	if (!person_status_name(p->status))
		return sh_err_set(err, SH_EINVAL, "STATUS_INVALID", "unknown status");
	if (!person_citizenship_name(p->citizenship))
		return sh_err_set(err, SH_EINVAL, "CITIZENSHIP_INVALID", "unknown citizenship");
	if (!person_marital_name(p->marital))
		return sh_err_set(err, SH_EINVAL, "MARITAL_INVALID", "unknown marital status");
	if (!person_dob_precision_name(p->dob_precision))
		return sh_err_set(err, SH_EINVAL, "DOB_INVALID", "unknown dob precision");

	/* Dates: the oldest living Pakistani was born after 1880; nothing in
	 * the future; a year-only date is kept as YYYY-01-01. */
	struct sh_date today = sh_date_today();
	if (!sh_date_valid(p->dob.year, p->dob.month, p->dob.day) || p->dob.year < 1880)
		return sh_err_set(err, SH_EINVAL, "DOB_INVALID", "dob must be a date after 1880");
	if (p->dob_precision == DOB_YEAR_ONLY && (p->dob.month != 1 || p->dob.day != 1))
		return sh_err_set(err, SH_EINVAL, "DOB_INVALID",
				  "a year-only dob is stored as YYYY-01-01");
	if (days(p->dob) > days(today))
		return sh_err_set(err, SH_ERULE, "DOB_FUTURE", "dob is in the future");
	if (p->status == PERSON_DECEASED) {
		struct sh_date d = p->date_of_death;
		if (!date_set(d))
			return sh_err_set(err, SH_EINVAL, "DEATH_DATE_REQUIRED",
					  "date_of_death is required when status is deceased");
		if (!sh_date_valid(d.year, d.month, d.day))
			return sh_err_set(err, SH_EINVAL, "DEATH_DATE_INVALID",
					  "date_of_death is not a date");
		if (days(d) > days(today))
			return sh_err_set(err, SH_ERULE, "DEATH_DATE_FUTURE",
					  "date_of_death is in the future");
		/* With a year-only dob, only the year can be compared. */
		if (p->dob_precision == DOB_YEAR_ONLY ? d.year < p->dob.year
						      : days(d) < days(p->dob))
			return sh_err_set(err, SH_ERULE, "DEATH_BEFORE_BIRTH",
					  "date_of_death is before dob");
	} else if (date_set(p->date_of_death)) {
		return sh_err_set(err, SH_EINVAL, "DEATH_DATE_UNEXPECTED",
				  "date_of_death is only for status deceased");
	}
	if (*p->mobile) {
		char norm[PERSON_MOBILE_MAX];
		if ((rc = person_mobile_normalize(p->mobile, norm, err)) != SH_OK)
			return rc;
		if (strcmp(norm, p->mobile) != 0)
			return sh_err_set(err, SH_EINVAL, "MOBILE_INVALID",
					  "mobile must be in E.164 form +923XXXXXXXXX");
	}
	if (!*p->council_code)
		return sh_err_set(err, SH_EINVAL, "COUNCIL_REQUIRED", "council_code is required");
	if (!text_ok(p->council_code, PERSON_CODE_MAX))
		return sh_err_set(err, SH_EINVAL, "COUNCIL_INVALID", "council_code is not valid");
	if (*p->mother_id && !id_ok(p->mother_id))
		return sh_err_set(err, SH_EINVAL, "IDNUM_INVALID", "mother_id is not an identity number");
	if (*p->father_id && !id_ok(p->father_id))
		return sh_err_set(err, SH_EINVAL, "IDNUM_INVALID", "father_id is not an identity number");
	if (*p->id_number &&
	    (strcmp(p->mother_id, p->id_number) == 0 || strcmp(p->father_id, p->id_number) == 0))
		return sh_err_set(err, SH_ERULE, "PARENT_SELF", "a person cannot be their own parent");
	if (*p->mother_id && strcmp(p->mother_id, p->father_id) == 0)
		return sh_err_set(err, SH_ERULE, "PARENT_SELF", "mother and father are the same person");
	return SH_OK;
}

/* A parent must exist, be born before the child (by year, since either dob
 * may be year-only) and not contradict the role by recorded gender. */
static int check_parent(store_tx *tx, const struct person *child, const char *id, int mother,
			struct sh_err *err)
{
	struct person par;
	struct sh_err e2;
	int rc = person_get(tx, id, &par, &e2);
	if (rc == SH_ENOTFOUND)
		return sh_err_set(err, SH_ERULE, "PARENT_NOT_FOUND", "%s %s is not registered",
				  mother ? "mother" : "father", id);
	if (rc != SH_OK) {
		if (err)
			*err = e2;
		return rc;
	}
	if ((mother && par.gender == GENDER_MALE) || (!mother && par.gender == GENDER_FEMALE))
		return sh_err_set(err, SH_ERULE, "PARENT_GENDER",
				  "the %s's record has gender %s", mother ? "mother" : "father",
				  person_gender_name(par.gender));
	if (par.dob.year >= child->dob.year)
		return sh_err_set(err, SH_ERULE, "PARENT_DOB", "the %s is not older than the child",
				  mother ? "mother" : "father");
	return SH_OK;
}

int person_validate_refs(store_tx *tx, const struct person *p, unsigned fields,
			 struct sh_err *err)
{
	int rc;
	if (fields & PERSON_F_ADDRESS) {
		rc = address_council_exists(tx, p->council_code, err);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return sh_err_set(err, SH_ERULE, "UNKNOWN_COUNCIL",
					  "no union council with code '%.40s'", p->council_code);
	}
	if (fields & (PERSON_F_PARENTS | PERSON_F_DOB)) {
		if (*p->mother_id && (rc = check_parent(tx, p, p->mother_id, 1, err)) != SH_OK)
			return rc;
		if (*p->father_id && (rc = check_parent(tx, p, p->father_id, 0, err)) != SH_OK)
			return rc;
	}
	return SH_OK;
}
