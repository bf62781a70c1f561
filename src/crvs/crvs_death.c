/* crvs_death.c — death notifications and their registration: the person
 * becomes deceased with the date of death, and their live marriages end
 * (the surviving spouse is widowed unless married to someone else too). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "crvs/crvs_internal.h"

/* ICD-10 category with an optional subcategory: "I21", "I21.9", "U07.1". */
static int icd10_valid(const char *s)
{
	if (!s[0])
		return 1;
	if (!isupper((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    !(isdigit((unsigned char)s[2]) || s[2] == 'A' || s[2] == 'B'))
		return 0;
	if (!s[3])
		return 1;
	if (s[3] != '.' || !isalnum((unsigned char)s[4]))
		return 0;
	for (const char *p = s + 5; *p; p++)
		if (!isalnum((unsigned char)*p) || p - s > 7)
			return 0;
	return 1;
}

static int death_rules(store_tx *tx, const struct crvs_ctx *c, const char *person_id,
		       struct sh_date date, int64_t self_id, struct person *p, struct sh_err *err)
{
	int rc;
	if ((rc = crvs_check_date(c, date, err)))
		return rc;
	rc = crvs_party(tx, person_id, "deceased", date, p, err);
	if (rc == SH_ERULE && !strcmp(err->code, "EVENT_BEFORE_BIRTH"))
		return sh_err_set(err, SH_ERULE, "DEATH_BEFORE_BIRTH",
				  "the date of death is before the date of birth");
	if (rc)
		return rc;
	if (p->status == PERSON_DECEASED)
		return sh_err_set(err, SH_ERULE, "ALREADY_DECEASED",
				  "the person is already registered as deceased");
	store_stmt *st;
	rc = store_query(tx, &st, err,
			 "SELECT id FROM crvs_events WHERE subject_a = ? AND kind = 'death' AND"
			 " status = 'pending' AND id <> ?",
			 "ti", p->id_number, self_id);
	if (rc)
		return rc;
	return crvs_refuse_duplicate(st, "DUPLICATE_DEATH", "this death is already notified",
				     err);
}

int crvs_notify_death(const struct crvs_ctx *c, const struct crvs_death_notice *n,
		      struct crvs_outcome *out, struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	const char *source;
	int rc = crvs_notice_source(c, n->documents, "death", &source, err);
	if (rc)
		return rc;
	if (!icd10_valid(n->cause_icd10))
		return sh_err_set(err, SH_EINVAL, "CAUSE_INVALID",
				  "cause must be an ICD-10 code such as I21.9");
	store_tx *tx;
	if ((rc = crvs_tx_begin(c, &tx, err)))
		return rc;
	struct address_council place;
	struct person p;
	int late = 0;
	if ((rc = crvs_council(tx, n->council_code, &place, err)) ||
	    (rc = death_rules(tx, c, n->person_id, n->date, 0, &p, err)) ||
	    (rc = crvs_check_late(tx, c, n->date, n->late_reason, &late, err)))
		goto out;
	char date[11];
	crvs_date_str(n->date, date);
	json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "person_id", p.id_number, "date",
			      date, "place", n->place, "cause_icd10", n->cause_icd10,
			      "council_code", n->council_code, "documents", n->documents, "source",
			      source);
	if (!d) {
		rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "death notice");
		goto out;
	}
	struct crvs_new_event e = {
		.kind = CRVS_DEATH, .source = source, .date = n->date, .council = n->council_code,
		.council_a = p.council_code, .subject_a = p.id_number, .late = late,
		.late_reason = n->late_reason, .details = d,
	};
	rc = crvs_event_insert(tx, c, &e, &out->event_id, err);
	json_decref(d);
	out->late = late;
out:
	return crvs_tx_end(c, tx, rc, err);
}

struct live {
	int64_t ids[16];
	char spouse[16][CRVS_IDNUM_MAX];
	int n;
};

static int collect(void *ctx, const struct crvs_marriage *m)
{
	struct live *l = ctx;
	if (l->n >= 16)
		return 1;
	l->ids[l->n] = m->id;
	snprintf(l->spouse[l->n], CRVS_IDNUM_MAX, "%s", m->husband_id);
	l->n++;
	return 0;
}

int crvs_death_register(store_tx *tx, const struct crvs_ctx *c, const struct crvs_event *e,
			struct crvs_outcome *out, struct sh_err *err)
{
	struct sh_date date;
	if (sh_parse_date(e->event_date, &date) != SH_OK)
		return sh_err_set(err, SH_EINTERNAL, "EVENT_DETAILS", "stored date is bad");
	struct person p;
	int rc = death_rules(tx, c, e->subject_a, date, e->id, &p, err);
	if (rc)
		return rc;
	crvs_reg_no(CRVS_DEATH, date, e->id, out->reg_no);
	char reason[96];
	snprintf(reason, sizeof reason, "death registration %s", out->reg_no);
	struct person ch;
	memset(&ch, 0, sizeof ch);
	ch.status = PERSON_DECEASED;
	ch.date_of_death = date;
	if ((rc = person_update(tx, c->actor, p.id_number, 0, &ch, PERSON_F_STATUS, reason, NULL,
				err)))
		return rc;
	/* The marriages end by death; each spouse is widowed unless another
	 * marriage of theirs is still live. */
	struct live l = {.n = 0};
	if ((rc = crvs_marriages_of(tx, p.id_number, collect, &l, err)))
		return rc;
	for (int i = 0; i < l.n; i++) {
		struct crvs_marriage m;
		if ((rc = crvs_marriage_get(tx, l.ids[i], &m, err)))
			return rc;
		rc = store_run(tx, err,
			       "UPDATE crvs_marriages SET status = 'ended_by_death', ended_on = ?"
			       " WHERE id = ?",
			       "ti", e->event_date, m.id);
		if (rc < 0)
			return rc;
		const char *spouse = strcmp(m.husband_id, p.id_number) ? m.husband_id : m.wife_id;
		enum person_marital ms;
		if ((rc = crvs_marital_after(tx, spouse, m.id, MARITAL_WIDOWED, &ms, err)) ||
		    (rc = crvs_set_marital(tx, c, spouse, ms, reason, err)) ||
		    (rc = crvs_marital_sync(tx, c, spouse, reason, err)))
			return rc;
	}
	return SH_OK;
}
