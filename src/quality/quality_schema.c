/* quality_schema.c — the quality module's tables (quality_migrate): runs,
 * their results, the cases their signals opened, and the telco lists. */
#include "quality/quality.h"

static const struct store_migration migrations[] = {
	{1, "runs, results, cases, telco lists",
	 "CREATE TABLE quality_runs (id {{PK}}, started_at BIGINT NOT NULL,"
	 " finished_at BIGINT NOT NULL, millis BIGINT NOT NULL, actor TEXT NOT NULL,"
	 " cases_opened BIGINT NOT NULL);"
	 /* grp '' is the total of an indicator; other rows its breakdown */
	 "CREATE TABLE quality_results (run_id BIGINT NOT NULL REFERENCES quality_runs(id),"
	 " rule TEXT NOT NULL, grp TEXT NOT NULL, value BIGINT NOT NULL,"
	 " denominator BIGINT NOT NULL, threshold TEXT NOT NULL, unit TEXT NOT NULL,"
	 " breach BIGINT NOT NULL, opened BIGINT NOT NULL, PRIMARY KEY (run_id, rule, grp));"
	 /* (rule, subject) is a hit: it opens one case, ever */
	 "CREATE TABLE quality_cases (id {{PK}}, rule TEXT NOT NULL, subject TEXT NOT NULL,"
	 " id_number TEXT NOT NULL, detail TEXT NOT NULL, state TEXT NOT NULL,"
	 " first_run BIGINT NOT NULL, last_run BIGINT NOT NULL, opened_at BIGINT NOT NULL,"
	 " decided_by TEXT, decided_at BIGINT, reason TEXT, UNIQUE (rule, subject));"
	 "CREATE INDEX quality_cases_state ON quality_cases(state, id);"
	 "CREATE TABLE quality_telco_sims (source TEXT NOT NULL, id_number TEXT NOT NULL,"
	 " imported_at BIGINT NOT NULL, PRIMARY KEY (source, id_number));"
	 "CREATE INDEX quality_telco_sims_person ON quality_telco_sims(id_number);"},
};

int quality_migrate(store *db, struct sh_err *err)
{
	return store_migrate(db, "quality", migrations, sizeof migrations / sizeof migrations[0],
			     err);
}
