/* crvs_schema.c — the civil registration schema, enum names and the
 * configuration of rules (late registration, talaq waiting period,
 * minimum marriage age per province). */
#include <string.h>

#include "crvs/crvs_internal.h"

static const struct store_migration migrations[] = {
	{1, "civil registration events, marriages, divorces, licences, rules",
	 "CREATE TABLE crvs_events (id {{PK}}, kind TEXT NOT NULL, status TEXT NOT NULL,"
	 " source TEXT NOT NULL, event_date TEXT NOT NULL, council_code TEXT NOT NULL,"
	 " council_a TEXT, council_b TEXT, subject_a TEXT, subject_b TEXT, sex TEXT,"
	 " birth_order BIGINT, late BIGINT NOT NULL DEFAULT 0, late_reason TEXT,"
	 " details TEXT NOT NULL, submitted_by TEXT NOT NULL, submitted_at BIGINT NOT NULL,"
	 " decided_by TEXT, decided_at BIGINT, reject_reason TEXT, person_id TEXT,"
	 " reg_no TEXT UNIQUE);"
	 "CREATE INDEX crvs_events_pending ON crvs_events(status, council_code);"
	 "CREATE INDEX crvs_events_subject ON crvs_events(subject_a, kind, event_date);"
	 "CREATE INDEX crvs_events_person ON crvs_events(person_id);"
	 "CREATE TABLE crvs_marriages (id {{PK}}, event_id BIGINT NOT NULL UNIQUE,"
	 " husband_id TEXT NOT NULL, wife_id TEXT NOT NULL, marriage_date TEXT NOT NULL,"
	 " status TEXT NOT NULL, ended_on TEXT, arbitration_ref TEXT, reg_no TEXT NOT NULL,"
	 " council_code TEXT NOT NULL, dower TEXT, place TEXT, created_at BIGINT NOT NULL);"
	 "CREATE INDEX crvs_marriages_h ON crvs_marriages(husband_id, status);"
	 "CREATE INDEX crvs_marriages_w ON crvs_marriages(wife_id, status);"
	 "CREATE TABLE crvs_divorces (id {{PK}}, event_id BIGINT NOT NULL UNIQUE,"
	 " marriage_id BIGINT NOT NULL, dtype TEXT NOT NULL, notice_date TEXT NOT NULL,"
	 " effective_date TEXT NOT NULL, status TEXT NOT NULL, decree_ref TEXT,"
	 " reg_no TEXT NOT NULL, council_code TEXT NOT NULL, revoked_at BIGINT,"
	 " created_at BIGINT NOT NULL);"
	 "CREATE INDEX crvs_divorces_due ON crvs_divorces(status, effective_date);"
	 "CREATE TABLE crvs_licences (id {{PK}}, licence_no TEXT NOT NULL UNIQUE,"
	 " username TEXT NOT NULL UNIQUE, council_code TEXT NOT NULL, status TEXT NOT NULL,"
	 " granted_by TEXT NOT NULL, granted_at BIGINT NOT NULL, suspend_reason TEXT,"
	 " suspended_at BIGINT);"
	 "CREATE TABLE crvs_settings (name TEXT PRIMARY KEY, value BIGINT NOT NULL);"
	 "CREATE TABLE crvs_min_age (province TEXT PRIMARY KEY, male BIGINT NOT NULL,"
	 " female BIGINT NOT NULL);"
	 /* Defaults: 60 days for late registration; MFLO 1961 s.7(3) 90 days. */
	 "INSERT INTO crvs_settings(name, value) VALUES ('late_days', 60),"
	 " ('talaq_wait_days', 90), ('witness_min_age', 18);"
	 /* Child Marriage Restraint Act 1929 (18 / 16) as still in force in
	  * Punjab, KP, Balochistan, GB and AJK; Sindh Child Marriages Restraint
	  * Act 2013 and ICT Child Marriage Restraint Act 2025: 18 for both. */
	 "INSERT INTO crvs_min_age(province, male, female) VALUES ('PB', 18, 16),"
	 " ('SD', 18, 18), ('KP', 18, 16), ('BA', 18, 16), ('IS', 18, 18), ('GB', 18, 16),"
	 " ('JK', 18, 16);"},
};

int crvs_migrate(store *db, struct sh_err *err)
{
	return store_migrate(db, "crvs", migrations, sizeof migrations / sizeof migrations[0],
			     err);
}

static const char *const kind_names[] = {
	[CRVS_BIRTH] = "birth", [CRVS_DEATH] = "death", [CRVS_MARRIAGE] = "marriage",
	[CRVS_DIVORCE] = "divorce",
};

const char *crvs_kind_name(enum crvs_kind k)
{
	return (int)k >= CRVS_BIRTH && k <= CRVS_DIVORCE ? kind_names[k] : "unknown";
}

int crvs_kind_parse(const char *s)
{
	for (int k = CRVS_BIRTH; s && k <= CRVS_DIVORCE; k++)
		if (!strcmp(kind_names[k], s))
			return k;
	return -1;
}

const char *crvs_status_name(enum crvs_status s)
{
	return s == CRVS_REGISTERED ? "registered" : s == CRVS_REJECTED ? "rejected" : "pending";
}

static const char *const dtype_names[] = {
	[DIVORCE_TALAQ] = "talaq", [DIVORCE_DECREE] = "decree", [DIVORCE_KHULA] = "khula",
};

const char *crvs_divorce_type_name(enum crvs_divorce_type t)
{
	return (int)t >= DIVORCE_TALAQ && t <= DIVORCE_KHULA ? dtype_names[t] : "unknown";
}

int crvs_divorce_type_parse(const char *s)
{
	for (int k = DIVORCE_TALAQ; s && k <= DIVORCE_KHULA; k++)
		if (!strcmp(dtype_names[k], s))
			return k;
	return -1;
}

const char *crvs_marriage_status_name(enum crvs_marriage_status s)
{
	switch (s) {
	case MARRIAGE_ACTIVE: return "active";
	case MARRIAGE_TALAQ_PENDING: return "talaq_pending";
	case MARRIAGE_DIVORCED: return "divorced";
	case MARRIAGE_ENDED_BY_DEATH: return "ended_by_death";
	}
	return "unknown";
}

int crvs_rules_get(store_tx *tx, struct crvs_rules *out, struct sh_err *err)
{
	store_stmt *st;
	out->late_days = 60;
	out->talaq_wait_days = 90;
	out->witness_min_age = 18;
	int rc = store_query(tx, &st, err, "SELECT name, value FROM crvs_settings", "");
	if (rc)
		return rc;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *name = store_col_text(st, 0);
		int v = (int)store_col_int(st, 1);
		if (!strcmp(name, "late_days"))
			out->late_days = v;
		else if (!strcmp(name, "talaq_wait_days"))
			out->talaq_wait_days = v;
		else if (!strcmp(name, "witness_min_age"))
			out->witness_min_age = v;
	}
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

int crvs_rules_set(const struct crvs_ctx *c, const char *name, int64_t value,
		   struct sh_err *err)
{
	if (strcmp(name, "late_days") && strcmp(name, "talaq_wait_days") &&
	    strcmp(name, "witness_min_age"))
		return sh_err_set(err, SH_EINVAL, "RULE_UNKNOWN", "no rule named %s", name);
	if (value < 0 || value > 3650)
		return sh_err_set(err, SH_EINVAL, "RULE_VALUE_INVALID", "%s out of range", name);
	store_tx *tx;
	int rc = crvs_tx_begin(c, &tx, err);
	if (rc)
		return rc;
	rc = store_run(tx, err, "UPDATE crvs_settings SET value = ? WHERE name = ?", "it", value,
		       name);
	if (rc >= 0) {
		json_t *d = json_pack("{s:s,s:I}", "rule", name, "value", (json_int_t)value);
		rc = crvs_audit(tx, c, "crvs.rule.set", NULL, d, err);
		json_decref(d);
	}
	return crvs_tx_end(tx, rc, err);
}

int crvs_min_age_get(store_tx *tx, const char *province, enum person_gender g, int *out,
		     struct sh_err *err)
{
	store_stmt *st;
	*out = 18;
	int rc = store_query(tx, &st, err, "SELECT male, female FROM crvs_min_age WHERE province = ?",
			     "t", province);
	if (rc)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		*out = (int)store_col_int(st, g == GENDER_FEMALE ? 1 : 0);
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

int crvs_min_age_set(const struct crvs_ctx *c, const char *province, int male, int female,
		     struct sh_err *err)
{
	if (!province || strlen(province) != 2 || male < 0 || male > 30 || female < 0 ||
	    female > 30)
		return sh_err_set(err, SH_EINVAL, "RULE_VALUE_INVALID", "bad minimum age rule");
	store_tx *tx;
	int rc = crvs_tx_begin(c, &tx, err);
	if (rc)
		return rc;
	rc = store_run(tx, err,
		       "INSERT INTO crvs_min_age(province, male, female) VALUES (?, ?, ?)"
		       " ON CONFLICT (province) DO UPDATE SET male = excluded.male,"
		       " female = excluded.female",
		       "tii", province, (int64_t)male, (int64_t)female);
	if (rc >= 0) {
		json_t *d = json_pack("{s:s,s:i,s:i}", "province", province, "male", male,
				      "female", female);
		rc = crvs_audit(tx, c, "crvs.rule.min_age", NULL, d, err);
		json_decref(d);
	}
	return crvs_tx_end(tx, rc, err);
}
