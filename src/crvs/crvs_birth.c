/* crvs_birth.c — birth notifications (health facility or self-declaration
 * at the council counter) and their registration, which creates the child
 * in the registry with a new identity number linked to mother and father. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crvs/crvs_internal.h"

static json_t *birth_json(const struct crvs_birth_notice *n, const char *source)
{
	char date[11];
	crvs_date_str(n->date, date);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:s,s:s}", "mother_id",
			 n->mother_id, "father_id", n->father_id, "sex", person_gender_name(n->sex),
			 "date", date, "time", n->time, "place", n->place, "facility", n->facility,
			 "weight_grams", n->weight_grams, "birth_order", n->birth_order,
			 "council_code", n->council_code, "documents", n->documents, "source",
			 source);
}

void crvs_birth_from_json(json_t *o, struct crvs_birth_notice *n)
{
	memset(n, 0, sizeof *n);
	crvs_json_copy(o, "mother_id", n->mother_id, sizeof n->mother_id);
	crvs_json_copy(o, "father_id", n->father_id, sizeof n->father_id);
	int g = person_gender_parse(crvs_json_str(o, "sex"));
	n->sex = g < 0 ? GENDER_UNKNOWN : (enum person_gender)g;
	if (sh_parse_date(crvs_json_str(o, "date"), &n->date) != SH_OK)
		memset(&n->date, 0, sizeof n->date);
	crvs_json_copy(o, "time", n->time, sizeof n->time);
	crvs_json_copy(o, "place", n->place, sizeof n->place);
	crvs_json_copy(o, "facility", n->facility, sizeof n->facility);
	n->weight_grams = (int)json_integer_value(json_object_get(o, "weight_grams"));
	n->birth_order = (int)json_integer_value(json_object_get(o, "birth_order"));
	crvs_json_copy(o, "council_code", n->council_code, sizeof n->council_code);
	crvs_json_copy(o, "documents", n->documents, sizeof n->documents);
}

/* The duplicate rule: one birth per (mother, date, order). The same sex
 * too means the same child notified twice; another sex at the same order
 * means a multiple birth that needs distinct orders. Events other than
 * `self_id` that are pending or registered count. */
static int check_duplicate(store_tx *tx, const struct crvs_birth_notice *n, int64_t self_id,
			   struct sh_err *err)
{
	char date[11];
	crvs_date_str(n->date, date);
	store_stmt *st;
	int rc = store_query(tx, &st, err,
			     "SELECT id, sex, status FROM crvs_events WHERE subject_a = ? AND"
			     " kind = 'birth' AND event_date = ? AND birth_order = ? AND id <> ? AND"
			     " status <> 'rejected' ORDER BY id",
			     "ttii", n->mother_id, date, (int64_t)n->birth_order, self_id);
	if (rc)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		long long other = (long long)store_col_int(st, 0);
		int same_sex = !strcmp(store_col_text(st, 1), person_gender_name(n->sex));
		const char *status = store_col_text(st, 2);
		if (same_sex)
			rc = sh_err_set(err, SH_ERULE, "DUPLICATE_BIRTH",
					"this birth is already notified as event %lld (%s)", other,
					status);
		else
			rc = sh_err_set(err, SH_ERULE, "BIRTH_ORDER_TAKEN",
					"birth order %d of this mother on %s is taken by event %lld;"
					" multiple births need distinct orders",
					n->birth_order, date, other);
	}
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

int crvs_birth_rules(store_tx *tx, const struct crvs_ctx *c, const struct crvs_birth_notice *n,
		     int64_t self_id, struct person *mother, struct sh_err *err)
{
	int rc;
	if ((rc = crvs_check_date(c, n->date, err)))
		return rc;
	if (n->sex != GENDER_MALE && n->sex != GENDER_FEMALE && n->sex != GENDER_OTHER)
		return sh_err_set(err, SH_EINVAL, "SEX_INVALID", "sex must be male, female or other");
	if (n->birth_order < 1 || n->birth_order > 9)
		return sh_err_set(err, SH_EINVAL, "BIRTH_ORDER_INVALID",
				  "birth_order must be 1..9 (1 for a single birth)");
	/* A mother alive at the birth: EVENT_AFTER_DEATH otherwise. */
	if ((rc = crvs_party(tx, n->mother_id, "mother", n->date, mother, err)))
		return rc;
	if (mother->gender != GENDER_FEMALE)
		return sh_err_set(err, SH_ERULE, "MOTHER_NOT_FEMALE",
				  "the mother's record is not of a woman");
	if (n->father_id[0]) {
		struct person father;
		rc = person_get(tx, n->father_id, &father, err);
		if (rc == SH_ENOTFOUND)
			return sh_err_set(err, SH_ERULE, "PARTY_NOT_FOUND",
					  "the father (%s) is not registered", n->father_id);
		if (rc)
			return rc;
		if (father.gender != GENDER_MALE)
			return sh_err_set(err, SH_ERULE, "FATHER_NOT_MALE",
					  "the father's record is not of a man");
		if (sh_date_to_days(n->date) < sh_date_to_days(father.dob))
			return sh_err_set(err, SH_ERULE, "EVENT_BEFORE_BIRTH",
					  "the birth is dated before the father's birth");
	}
	/* Compare by the mother's canonical number, however it was typed. */
	struct crvs_birth_notice canon = *n;
	snprintf(canon.mother_id, sizeof canon.mother_id, "%s", mother->id_number);
	return check_duplicate(tx, &canon, self_id, err);
}

int crvs_notify_birth(const struct crvs_ctx *c, const struct crvs_birth_notice *n,
		      struct crvs_outcome *out, struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	/* A facility notifies; the council counter takes self-declarations,
	 * which need supporting documents and are flagged as such. */
	const char *source;
	int rc = crvs_notice_source(c, n->documents, "birth", &source, err);
	if (rc)
		return rc;
	if (!strcmp(source, "facility") && !n->facility[0])
		return sh_err_set(err, SH_EINVAL, "FACILITY_REQUIRED",
				  "a facility notification names the facility");
	store_tx *tx;
	if ((rc = crvs_tx_begin(c, &tx, err)))
		return rc;
	struct address_council place;
	struct person mother;
	int late = 0;
	if ((rc = crvs_council(tx, n->council_code, &place, err)) ||
	    (rc = crvs_birth_rules(tx, c, n, 0, &mother, err)) ||
	    (rc = crvs_check_late(tx, c, n->date, n->late_reason, &late, err)))
		goto out;
	json_t *d = birth_json(n, source);
	if (!d) {
		rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "birth notice");
		goto out;
	}
	struct crvs_new_event e = {
		.kind = CRVS_BIRTH, .source = source, .date = n->date, .council = n->council_code,
		.council_a = mother.council_code, .subject_a = mother.id_number,
		.subject_b = n->father_id[0] ? n->father_id : NULL,
		.sex = person_gender_name(n->sex), .birth_order = n->birth_order, .late = late,
		.late_reason = n->late_reason, .details = d,
	};
	rc = crvs_event_insert(tx, c, &e, &out->event_id, err);
	json_decref(d);
	out->late = late;
out:
	return crvs_tx_end(c, tx, rc, err);
}

int crvs_birth_register(store_tx *tx, const struct crvs_ctx *c, const struct crvs_event *e,
			const struct crvs_registration *r, struct crvs_outcome *out,
			struct sh_err *err)
{
	/* a failed allocation inside jansson can look like bad JSON, or
	 * even parse to wrong values: ENOMEM tells (allocation sweep, 14.5) */
	errno = 0;
	json_t *o = json_loads(e->details, 0, NULL);
	if (errno == ENOMEM) {
		json_decref(o);
		return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "out of memory reading the notice");
	}
	if (!o)
		return sh_err_set(err, SH_EINTERNAL, "EVENT_DETAILS", "stored notice is not JSON");
	struct crvs_birth_notice n;
	crvs_birth_from_json(o, &n);
	json_decref(o);
	if (r && r->father_id[0])
		snprintf(n.father_id, sizeof n.father_id, "%s", r->father_id);
	struct person mother;
	int rc = crvs_birth_rules(tx, c, &n, e->id, &mother, err);
	if (rc)
		return rc;
	struct person child;
	memset(&child, 0, sizeof child);
	if (r) {
		snprintf(child.name_en, sizeof child.name_en, "%s", r->name_en);
		snprintf(child.name_ur, sizeof child.name_ur, "%s", r->name_ur);
		snprintf(child.address_line, sizeof child.address_line, "%s", r->address_line);
	}
	if (!child.name_en[0] && !child.name_ur[0])
		return sh_err_set(err, SH_EINVAL, "NAME_REQUIRED",
				  "the child's name_en or name_ur is required to register");
	child.gender = n.sex;
	child.dob = n.date;
	child.dob_precision = DOB_FULL;
	snprintf(child.place_of_birth, sizeof child.place_of_birth, "%s", n.place);
	/* The child lives where the mother lives until told otherwise. */
	snprintf(child.council_code, sizeof child.council_code, "%s", mother.council_code);
	if (!child.address_line[0])
		snprintf(child.address_line, sizeof child.address_line, "%s", mother.address_line);
	snprintf(child.mother_id, sizeof child.mother_id, "%s", mother.id_number);
	child.citizenship = mother.citizenship;
	child.status = PERSON_ALIVE;
	child.marital = MARITAL_SINGLE;
	child.guardian_relation = GUARDIAN_FATHER;
	if (n.father_id[0]) {
		struct person father;
		if ((rc = person_get(tx, n.father_id, &father, err)))
			return rc;
		snprintf(child.father_id, sizeof child.father_id, "%s", father.id_number);
		snprintf(child.guardian_name_en, sizeof child.guardian_name_en, "%s", father.name_en);
		snprintf(child.guardian_name_ur, sizeof child.guardian_name_ur, "%s", father.name_ur);
		if (father.citizenship == CITIZEN)
			child.citizenship = CITIZEN; /* Citizenship Act 1951 s.5: by descent */
	}
	char reason[96];
	crvs_reg_no(CRVS_BIRTH, n.date, e->id, out->reg_no);
	snprintf(reason, sizeof reason, "birth registration %s", out->reg_no);
	if ((rc = person_create(tx, c->actor, &child, reason, err)))
		return rc;
	snprintf(out->person_id, sizeof out->person_id, "%s", child.id_number);
	return SH_OK;
}
