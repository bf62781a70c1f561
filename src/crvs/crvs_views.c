/* crvs_views.c — civil registration's reporting views (crvs_views.h), a
 * migration of their own ("crvs_views"). The day number is the only part
 * that differs by backend. */
#include "crvs/crvs_views.h"

#define BIRTH_FACTS(day)                                                                  \
	"CREATE VIEW v_birth_facts AS SELECT id AS event_id, subject_a AS mother_id,"        \
	" subject_b AS father_id, person_id AS child_id, sex, birth_order, council_code,"    \
	" event_date, " day " AS event_day, status FROM crvs_events WHERE kind = 'birth';"

/* A marriage row is how a spouse enters a family tree: its event tells
 * whether a registered marriage stands behind it. */
static const char marriage_facts[] =
	"CREATE VIEW v_marriage_facts AS SELECT m.id AS marriage_id, m.husband_id, m.wife_id,"
	" m.status, e.kind AS event_kind, e.status AS event_status FROM crvs_marriages m"
	" LEFT JOIN crvs_events e ON e.id = m.event_id;";

int crvs_views_migrate(store *db, struct sh_err *err)
{
	const struct store_migration m[] = {
		{1, "birth facts",
		 store_backend_of(db) == STORE_POSTGRES
			 ? BIRTH_FACTS("CAST(CAST(event_date AS DATE) - DATE '1970-01-01' AS BIGINT)")
			 : BIRTH_FACTS("CAST(julianday(event_date) - 2440587.5 AS BIGINT)")},
		{2, "marriage facts", marriage_facts},
	};
	return store_migrate(db, "crvs_views", m, sizeof m / sizeof m[0], err);
}
