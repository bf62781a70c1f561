/* crvs_schema.c — the civil registration schema and the enum names. The
 * rules' defaults and their configuration are crvs_rules.c: the tables
 * crvs_settings and crvs_min_age hold only what an administrator set. */
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
	 " female BIGINT NOT NULL);"},
	/* vital statistics (crvs_tally.c) read registered events by event date:
	 * a covering index, so the 1M-event report never touches the table */
	{2, "covering index for vital statistics",
	 "CREATE INDEX crvs_events_vital ON crvs_events(status, event_date, kind,"
	 " council_code, decided_at);"},
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
