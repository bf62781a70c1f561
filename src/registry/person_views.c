/* person_views.c — the registry's reporting views (person_views.h), kept in
 * a migration of their own ("registry_views") so the tables they read and
 * the views stay in one module. Day numbers differ by backend; the views
 * hide that, so readers' SQL is one text for both. */
#include "registry/person_views.h"

static const char facts_sqlite[] =
	"CREATE VIEW v_person_facts AS SELECT id_number, gender, dob_year, dob_precision,"
	" status, CAST(julianday(NULLIF(date_of_death, '')) - 2440587.5 AS BIGINT) AS death_day,"
	" council_code, address_line, marital, mother_id, father_id,"
	" updated_at AS card_issued_at, created_at FROM persons;";
static const char facts_pg[] =
	"CREATE VIEW v_person_facts AS SELECT id_number, gender, dob_year, dob_precision,"
	" status, CAST(CAST(NULLIF(date_of_death, '') AS DATE) - DATE '1970-01-01' AS BIGINT)"
	" AS death_day, council_code, address_line, marital, mother_id, father_id,"
	" updated_at AS card_issued_at, created_at FROM persons;";

/* A link is gained when a version names a parent the version before did
 * not (both columns are NULL when unknown: person.c binds "" as NULL). */
static const char gained_sql[] =
	"CREATE VIEW v_parent_links_gained AS"
	" SELECT p.id_number, 'mother' AS relation, v.mother_id AS parent_id, v.version, v.at"
	" FROM person_versions v JOIN person_versions w ON w.person_id = v.person_id"
	" AND w.version = v.version - 1 JOIN persons p ON p.id = v.person_id"
	" WHERE v.mother_id IS NOT NULL AND (w.mother_id IS NULL OR w.mother_id <> v.mother_id)"
	" UNION ALL"
	" SELECT p.id_number, 'father', v.father_id, v.version, v.at"
	" FROM person_versions v JOIN person_versions w ON w.person_id = v.person_id"
	" AND w.version = v.version - 1 JOIN persons p ON p.id = v.person_id"
	" WHERE v.father_id IS NOT NULL AND (w.father_id IS NULL OR w.father_id <> v.father_id);";

/* The facts the quality rules count over every person (status, sex, year
 * and precision of birth, the card proxy, the number) in one narrow index:
 * their scans read it instead of the wide rows (1M persons: 1.9 s -> 0.6 s
 * for one count, under load; docs/benchmarks.md). One more index per
 * person write is the price. */
static const char facts_index_sql[] =
	"CREATE INDEX persons_facts ON persons(status, gender, dob_year, dob_precision,"
	" updated_at, id_number);";

int registry_views_migrate(store *db, struct sh_err *err)
{
	const struct store_migration m[] = {
		{1, "person facts", store_backend_of(db) == STORE_POSTGRES ? facts_pg : facts_sqlite},
		{2, "parent links gained after creation", gained_sql},
		{3, "person facts index", facts_index_sql},
	};
	return store_migrate(db, "registry_views", m, sizeof m / sizeof m[0], err);
}
