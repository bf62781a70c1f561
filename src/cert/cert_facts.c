/* cert_facts.c — what each kind of certificate prints and signs, gathered
 * from the person registry and the civil registers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cert/cert.h"
#include "crvs/crvs.h"
#include "registry/address.h"
#include "registry/idnum.h"

static void fmt_id(const char *id, char *out, size_t n)
{
	if (id && strlen(id) == IDNUM_DIGITS)
		idnum_format(id, out, n);
	else
		snprintf(out, n, "%s", id && *id ? id : "-");
}

static void name_id(const struct person *p, char *out, size_t n)
{
	char id[20];
	fmt_id(p->id_number, id, sizeof id);
	snprintf(out, n, "%s (%s)", p->name_en[0] ? p->name_en : "-", id);
}

static const char *sex_en(enum person_gender g)
{
	return g == GENDER_MALE ? "Male" : g == GENDER_FEMALE ? "Female" : "Other";
}

static const char *sex_ur(enum person_gender g)
{
	return g == GENDER_MALE ? "مرد" : g == GENDER_FEMALE ? "عورت" : "دیگر";
}

static const char *sex_code(enum person_gender g)
{
	return g == GENDER_MALE ? "M" : g == GENDER_FEMALE ? "F" : "X";
}

#define ADD(k, v)                                                                          \
	do {                                                                               \
		if ((rc = cert_payload_add(p, k, v, err)) != SH_OK)                        \
			return rc;                                                         \
	} while (0)

static const char *crvs_json_or(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static int person_or_404(store_tx *tx, const char *id, struct person *out, struct sh_err *err)
{
	return person_get(tx, id, out, err);
}

/* The rows a certificate about one person opens with; dob as printed. */
static void person_rows(struct cert_doc *d, const struct person *x, const char *dob)
{
	char id[20];
	fmt_id(x->id_number, id, sizeof id);
	cert_doc_row(d, "Name", "نام", x->name_en, x->name_ur);
	cert_doc_row(d, "Identity number", "شناختی نمبر", id, "");
	cert_doc_row(d, "Sex", "جنس", sex_en(x->gender), sex_ur(x->gender));
	cert_doc_row(d, "Date of birth", "تاریخ پیدائش", dob, "");
}

static void late_note(struct cert_doc *d)
{
	snprintf(d->note_en, sizeof d->note_en, "Late registration");
	snprintf(d->note_ur, sizeof d->note_ur, "تاخیر سے اندراج");
}

static int birth(store_tx *tx, const char *subject, struct cert_doc *d, struct cert_payload *p,
		 struct sh_err *err)
{
	struct person c, m, f;
	int rc = person_or_404(tx, subject, &c, err), has_m = 0, has_f = 0;
	if (rc)
		return rc;
	if (c.mother_id[0] && person_get(tx, c.mother_id, &m, NULL) == SH_OK)
		has_m = 1;
	if (c.father_id[0] && person_get(tx, c.father_id, &f, NULL) == SH_OK)
		has_f = 1;
	struct crvs_event ev = {0};
	char reg_no[32] = "-";
	if (crvs_event_find(tx, CRVS_BIRTH, c.id_number, &ev, NULL) == SH_OK) {
		snprintf(reg_no, sizeof reg_no, "%s", ev.reg_no);
		if (ev.late)
			late_note(d);
		crvs_event_free(&ev);
	}
	char dob[11], buf[300];
	sh_date_format(c.dob, dob, sizeof dob);
	person_rows(d, &c, dob);
	cert_doc_row(d, "Place of birth", "جائے پیدائش", c.place_of_birth, "");
	if (has_f) {
		name_id(&f, buf, sizeof buf);
		cert_doc_row(d, "Father", "والد", buf, f.name_ur);
	}
	if (has_m) {
		name_id(&m, buf, sizeof buf);
		cert_doc_row(d, "Mother", "والدہ", buf, m.name_ur);
	}
	cert_doc_row(d, "Registration number", "اندراج نمبر", reg_no, "");
	ADD("n", c.name_en);
	ADD("s", sex_code(c.gender));
	ADD("dob", dob);
	ADD("m", c.mother_id);
	ADD("f", c.father_id);
	ADD("r", reg_no);
	return SH_OK;
}

static int death(store_tx *tx, const char *subject, struct cert_doc *d, struct cert_payload *p,
		 struct sh_err *err)
{
	struct person x;
	int rc = person_or_404(tx, subject, &x, err);
	if (rc)
		return rc;
	if (x.status != PERSON_DECEASED)
		return sh_err_set(err, SH_ERULE, "NOT_DECEASED",
				  "no death is registered for this person");
	struct crvs_event ev = {0};
	char reg_no[32] = "-", place[CRVS_TEXT_MAX] = "", cause[16] = "";
	if (crvs_event_find(tx, CRVS_DEATH, x.id_number, &ev, NULL) == SH_OK) {
		snprintf(reg_no, sizeof reg_no, "%s", ev.reg_no);
		json_error_t je;
		json_t *o = json_loads(ev.details, 0, &je);
		if (o) {
			snprintf(place, sizeof place, "%s",
				 crvs_json_or(o, "place"));
			snprintf(cause, sizeof cause, "%s",
				 crvs_json_or(o, "cause_icd10"));
			json_decref(o);
		}
		if (ev.late)
			late_note(d);
		crvs_event_free(&ev);
	}
	char dod[11], dob[11];
	sh_date_format(x.date_of_death, dod, sizeof dod);
	sh_date_format(x.dob, dob, sizeof dob);
	person_rows(d, &x, dob);
	cert_doc_row(d, "Date of death", "تاریخ وفات", dod, "");
	if (place[0])
		cert_doc_row(d, "Place of death", "جائے وفات", place, "");
	if (cause[0])
		cert_doc_row(d, "Cause (ICD-10)", "وجہ وفات", cause, "");
	cert_doc_row(d, "Registration number", "اندراج نمبر", reg_no, "");
	ADD("n", x.name_en);
	ADD("dod", dod);
	ADD("r", reg_no);
	return SH_OK;
}

static int couple(store_tx *tx, const char *hid, const char *wid, struct cert_doc *d,
		  struct sh_err *err)
{
	struct person h, w;
	int rc;
	if ((rc = person_get(tx, hid, &h, err)) || (rc = person_get(tx, wid, &w, err)))
		return rc;
	char buf[300];
	name_id(&h, buf, sizeof buf);
	cert_doc_row(d, "Husband", "شوہر", buf, h.name_ur);
	name_id(&w, buf, sizeof buf);
	cert_doc_row(d, "Wife", "بیوی", buf, w.name_ur);
	return SH_OK;
}

static int marriage(store_tx *tx, const char *subject, struct cert_doc *d,
		    struct cert_payload *p, struct sh_err *err)
{
	struct crvs_marriage m;
	int rc = crvs_marriage_by_reg(tx, subject, &m, err);
	if (rc || (rc = couple(tx, m.husband_id, m.wife_id, d, err)))
		return rc;
	cert_doc_row(d, "Date of marriage", "تاریخ نکاح", m.date, "");
	if (m.place[0])
		cert_doc_row(d, "Place of marriage", "جائے نکاح", m.place, "");
	if (m.dower[0])
		cert_doc_row(d, "Dower", "حق مہر", m.dower, "");
	cert_doc_row(d, "Union Council", "یونین کونسل", m.council_code, "");
	cert_doc_row(d, "Registration number", "اندراج نمبر", m.reg_no, "");
	ADD("h", m.husband_id);
	ADD("w", m.wife_id);
	ADD("d", m.date);
	ADD("r", m.reg_no);
	return SH_OK;
}

static int divorce(store_tx *tx, const char *subject, struct cert_doc *d,
		   struct cert_payload *p, struct sh_err *err)
{
	struct crvs_divorce v;
	int rc = crvs_divorce_by_reg(tx, subject, &v, err);
	if (rc)
		return rc;
	if (strcmp(v.status, "effective") != 0)
		return sh_err_set(err, SH_ERULE, "DIVORCE_NOT_EFFECTIVE",
				  "the divorce is %s (effective date %s)", v.status,
				  v.effective_date);
	if ((rc = couple(tx, v.husband_id, v.wife_id, d, err)))
		return rc;
	static const char *const type_ur[] = {"", "طلاق", "عدالتی ڈگری", "خلع"};
	static const char *const type_en[] = {"", "Talaq", "Court decree", "Khula"};
	cert_doc_row(d, "Type", "قسم", type_en[v.type], type_ur[v.type]);
	cert_doc_row(d, v.type == DIVORCE_TALAQ ? "Date of notice" : "Date of decree",
		     "تاریخ نوٹس / ڈگری", v.notice_date, "");
	cert_doc_row(d, "Effective date", "مؤثر تاریخ", v.effective_date, "");
	if (v.decree_ref[0])
		cert_doc_row(d, "Reference", "حوالہ", v.decree_ref, "");
	cert_doc_row(d, "Registration number", "اندراج نمبر", v.reg_no, "");
	ADD("h", v.husband_id);
	ADD("w", v.wife_id);
	ADD("t", crvs_divorce_type_name(v.type));
	ADD("e", v.effective_date);
	ADD("r", v.reg_no);
	return SH_OK;
}

static int frc(store_tx *tx, const char *subject, struct cert_doc *d, struct cert_payload *p,
	       struct sh_err *err)
{
	struct crvs_family *f = calloc(1, sizeof *f);
	if (!f)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "family");
	int rc = crvs_family(tx, subject, f, err);
	if (rc)
		goto out;
	char buf[300], sp[CERT_FACT_VALUE_MAX] = "", ch[CERT_FACT_VALUE_MAX] = "";
	name_id(&f->head, buf, sizeof buf);
	cert_doc_row(d, "Head of family", "سربراہ خاندان", buf, f->head.name_ur);
	if (f->has_father) {
		name_id(&f->father, buf, sizeof buf);
		cert_doc_row(d, "Father", "والد", buf, f->father.name_ur);
	}
	if (f->has_mother) {
		name_id(&f->mother, buf, sizeof buf);
		cert_doc_row(d, "Mother", "والدہ", buf, f->mother.name_ur);
	}
	for (int i = 0; i < f->nspouses; i++) {
		name_id(&f->spouses[i], buf, sizeof buf);
		cert_doc_row(d, "Spouse", "شریک حیات", buf, f->spouses[i].name_ur);
		size_t l = strlen(sp);
		snprintf(sp + l, sizeof sp - l, "%s%s", l ? "," : "", f->spouses[i].id_number);
	}
	for (int i = 0; i < f->nchildren; i++) {
		char label[32], dob[11];
		sh_date_format(f->children[i].dob, dob, sizeof dob);
		snprintf(label, sizeof label, "Child (born %s)", dob);
		name_id(&f->children[i], buf, sizeof buf);
		cert_doc_row(d, label, "اولاد", buf, f->children[i].name_ur);
		size_t l = strlen(ch);
		if (l + 15 < sizeof ch) /* the QR lists as many children as fit */
			snprintf(ch + l, sizeof ch - l, "%s%s", l ? "," : "",
				 f->children[i].id_number);
	}
	if ((rc = cert_payload_add(p, "n", f->head.name_en, err)) ||
	    (rc = cert_payload_add(p, "sp", sp, err)) || (rc = cert_payload_add(p, "ch", ch, err)))
		goto out;
out:
	free(f);
	return rc;
}

int cert_facts(store_tx *tx, enum cert_kind kind, const char *subject, struct cert_doc *doc,
	       struct cert_payload *p, struct sh_err *err)
{
	switch (kind) {
	case CERT_BIRTH: return birth(tx, subject, doc, p, err);
	case CERT_DEATH: return death(tx, subject, doc, p, err);
	case CERT_MARRIAGE: return marriage(tx, subject, doc, p, err);
	case CERT_DIVORCE: return divorce(tx, subject, doc, p, err);
	case CERT_FRC: return frc(tx, subject, doc, p, err);
	}
	return sh_err_set(err, SH_EINVAL, "CERT_KIND_INVALID", "unknown certificate kind");
}
