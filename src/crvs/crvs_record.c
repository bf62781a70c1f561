/* crvs_record.c — the registers of marriages and divorces as readers see
 * them: one record by its id or registration number, the live marriages of
 * a person, and the pending-duplicate check that every notice runs against
 * the event register.
 *
 * A talaq's effect is computed here at read time: a talaq whose waiting
 * period has ended reads as effective and its marriage as divorced, the
 * same day, whether or not a write has settled it yet (crvs_talaq.c
 * records the effect on the next write). */
#include <stdio.h>
#include <string.h>

#include "crvs/crvs_internal.h"

int crvs_record_get(store_tx *tx, const struct crvs_record_kind *k, int64_t id, void *out,
		    struct sh_err *err)
{
	store_stmt *st;
	int rc = store_query(tx, &st, err, k->by_id, "i", id);
	if (rc)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		k->row(st, out);
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_ENOTFOUND, k->missing, "no %s %lld", k->what,
				(long long)id);
	}
	store_finalize(st);
	return rc;
}

int crvs_record_by_reg(store_tx *tx, const struct crvs_record_kind *k, const char *reg_no,
		       void *out, struct sh_err *err)
{
	store_stmt *st;
	int rc = store_query(tx, &st, err, k->id_by_reg_no, "t", reg_no);
	if (rc)
		return rc;
	rc = store_step(st, err);
	int64_t id = rc == STORE_ROW ? store_col_int(st, 0) : 0;
	store_finalize(st);
	if (rc < 0)
		return rc;
	if (!id)
		return sh_err_set(err, SH_ENOTFOUND, k->missing, "no %s %s", k->what, reg_no);
	return crvs_record_get(tx, k, id, out, err);
}

int crvs_refuse_duplicate(store_stmt *st, const char *code, const char *what,
			  struct sh_err *err)
{
	int rc = store_step(st, err);
	if (rc == STORE_ROW)
		rc = sh_err_set(err, SH_ERULE, code, "%s as event %lld", what,
				(long long)store_col_int(st, 0));
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

/* ---- marriages ---- */

#define MARRIAGE_COLS                                                                     \
	"id, event_id, husband_id, wife_id, marriage_date, COALESCE(ended_on, ''), status,"  \
	" reg_no, council_code, COALESCE(dower, ''), COALESCE(place, '')"

static void marriage_row(store_stmt *st, void *out)
{
	struct crvs_marriage *m = out;
	memset(m, 0, sizeof *m);
	m->id = store_col_int(st, 0);
	m->event_id = store_col_int(st, 1);
	snprintf(m->husband_id, sizeof m->husband_id, "%s", store_col_text(st, 2));
	snprintf(m->wife_id, sizeof m->wife_id, "%s", store_col_text(st, 3));
	snprintf(m->date, sizeof m->date, "%s", store_col_text(st, 4));
	snprintf(m->ended_on, sizeof m->ended_on, "%s", store_col_text(st, 5));
	const char *s = store_col_text(st, 6);
	m->status = !strcmp(s, "talaq_pending") ? MARRIAGE_TALAQ_PENDING
		    : !strcmp(s, "divorced") ? MARRIAGE_DIVORCED
		    : !strcmp(s, "ended_by_death") ? MARRIAGE_ENDED_BY_DEATH : MARRIAGE_ACTIVE;
	snprintf(m->reg_no, sizeof m->reg_no, "%s", store_col_text(st, 7));
	snprintf(m->council_code, sizeof m->council_code, "%s", store_col_text(st, 8));
	snprintf(m->dower, sizeof m->dower, "%s", store_col_text(st, 9));
	snprintf(m->place, sizeof m->place, "%s", store_col_text(st, 10));
}

static const struct crvs_record_kind marriage_record = {
	.by_id = "SELECT " MARRIAGE_COLS " FROM crvs_marriages WHERE id = ?",
	.id_by_reg_no = "SELECT id FROM crvs_marriages WHERE reg_no = ?",
	.row = marriage_row,
	.missing = "MARRIAGE_NOT_FOUND",
	.what = "marriage",
};

/* Today as readers see it (UTC). */
static void read_today(char out[11])
{
	crvs_date_str(sh_date_today(), out);
}

/* A talaq_pending marriage whose talaq's waiting period has ended reads as
 * divorced on the talaq's date of effect. */
static int marriage_effect(store_tx *tx, struct crvs_marriage *m, struct sh_err *err)
{
	if (m->status != MARRIAGE_TALAQ_PENDING)
		return SH_OK;
	char today[11];
	read_today(today);
	store_stmt *st;
	int rc = store_query(tx, &st, err,
			     "SELECT effective_date FROM crvs_divorces WHERE marriage_id = ? AND"
			     " status = 'pending_effect' AND effective_date <= ?"
			     " ORDER BY effective_date LIMIT 1",
			     "it", m->id, today);
	if (rc)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		m->status = MARRIAGE_DIVORCED;
		snprintf(m->ended_on, sizeof m->ended_on, "%s", store_col_text(st, 0));
	}
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

int crvs_marriage_get(store_tx *tx, int64_t id, struct crvs_marriage *out, struct sh_err *err)
{
	int rc = crvs_record_get(tx, &marriage_record, id, out, err);
	return rc ? rc : marriage_effect(tx, out, err);
}

int crvs_marriage_by_reg(store_tx *tx, const char *reg_no, struct crvs_marriage *out,
			 struct sh_err *err)
{
	int rc = crvs_record_by_reg(tx, &marriage_record, reg_no, out, err);
	return rc ? rc : marriage_effect(tx, out, err);
}

int crvs_marriages_of(store_tx *tx, const char *person_id,
		      int (*fn)(void *ctx, const struct crvs_marriage *m), void *ctx,
		      struct sh_err *err)
{
	char today[11];
	read_today(today);
	store_stmt *st;
	int rc = store_query(tx, &st, err,
			     "SELECT " MARRIAGE_COLS " FROM crvs_marriages m WHERE (husband_id = ? OR"
			     " wife_id = ?) AND status IN ('active', 'talaq_pending') AND NOT EXISTS"
			     " (SELECT 1 FROM crvs_divorces d WHERE d.marriage_id = m.id AND"
			     " d.status = 'pending_effect' AND d.effective_date <= ?) ORDER BY id",
			     "ttt", person_id, person_id, today);
	if (rc)
		return rc;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct crvs_marriage m;
		marriage_row(st, &m);
		if (fn(ctx, &m)) {
			rc = STORE_DONE;
			break;
		}
	}
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}


/* ---- divorces ---- */

#define DIVORCE_COLS                                                                       \
	"d.id, d.event_id, d.marriage_id, d.dtype, m.husband_id, m.wife_id, d.notice_date,"   \
	" d.effective_date, d.status, COALESCE(d.decree_ref, ''), d.reg_no, d.council_code"

static void divorce_row(store_stmt *st, void *out)
{
	struct crvs_divorce *d = out;
	memset(d, 0, sizeof *d);
	d->id = store_col_int(st, 0);
	d->event_id = store_col_int(st, 1);
	d->marriage_id = store_col_int(st, 2);
	int t = crvs_divorce_type_parse(store_col_text(st, 3));
	d->type = t < 0 ? DIVORCE_DECREE : (enum crvs_divorce_type)t;
	snprintf(d->husband_id, sizeof d->husband_id, "%s", store_col_text(st, 4));
	snprintf(d->wife_id, sizeof d->wife_id, "%s", store_col_text(st, 5));
	snprintf(d->notice_date, sizeof d->notice_date, "%s", store_col_text(st, 6));
	snprintf(d->effective_date, sizeof d->effective_date, "%s", store_col_text(st, 7));
	snprintf(d->status, sizeof d->status, "%s", store_col_text(st, 8));
	snprintf(d->decree_ref, sizeof d->decree_ref, "%s", store_col_text(st, 9));
	snprintf(d->reg_no, sizeof d->reg_no, "%s", store_col_text(st, 10));
	snprintf(d->council_code, sizeof d->council_code, "%s", store_col_text(st, 11));
}

static const struct crvs_record_kind divorce_record = {
	.by_id = "SELECT " DIVORCE_COLS " FROM crvs_divorces d JOIN crvs_marriages m"
		 " ON m.id = d.marriage_id WHERE d.id = ?",
	.id_by_reg_no = "SELECT id FROM crvs_divorces WHERE reg_no = ?",
	.row = divorce_row,
	.missing = "DIVORCE_NOT_FOUND",
	.what = "divorce",
};

/* A talaq whose waiting period has ended reads as effective. */
static void divorce_effect(struct crvs_divorce *d)
{
	char today[11];
	read_today(today);
	if (!strcmp(d->status, "pending_effect") && strcmp(d->effective_date, today) <= 0)
		snprintf(d->status, sizeof d->status, "effective");
}

int crvs_divorce_get(store_tx *tx, int64_t id, struct crvs_divorce *out, struct sh_err *err)
{
	int rc = crvs_record_get(tx, &divorce_record, id, out, err);
	if (rc == SH_OK)
		divorce_effect(out);
	return rc;
}

int crvs_divorce_by_reg(store_tx *tx, const char *reg_no, struct crvs_divorce *out,
			struct sh_err *err)
{
	int rc = crvs_record_by_reg(tx, &divorce_record, reg_no, out, err);
	if (rc == SH_OK)
		divorce_effect(out);
	return rc;
}

int crvs_marriage_stored(store_tx *tx, int64_t id, struct crvs_marriage *out,
			 struct sh_err *err)
{
	return crvs_record_get(tx, &marriage_record, id, out, err);
}
