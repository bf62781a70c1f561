/* bio_views.c — the biometric repository's reporting views (bio_views.h),
 * a migration of their own ("biometrics_views"). */
#include "biometrics/bio_views.h"

static const char views_sql[] =
	"CREATE VIEW v_bio_coverage AS SELECT e.id_number, e.state,"
	" (SELECT COUNT(*) FROM bio_samples s WHERE s.enrolment_id = e.id"
	" AND s.kind = 'template' AND s.position BETWEEN 1 AND 10) AS fingers,"
	" CASE WHEN d.modality = 'face' THEN 1 ELSE 0 END AS photos"
	" FROM bio_enrolments e LEFT JOIN bio_devices d ON d.device_id = e.device_id"
	" WHERE e.current = 1;"
	"CREATE VIEW v_bio_matches AS SELECT id AS case_id, id_number, candidate_id_number,"
	" state, opened_at FROM bio_cases WHERE state <> 'different_persons';"
	/* the coverage view joins by person */
	"CREATE INDEX bio_enrolments_person ON bio_enrolments(id_number, current);";

int bio_views_migrate(store *db, struct sh_err *err)
{
	const struct store_migration m[] = {
		{1, "coverage and matches", views_sql},
	};
	return store_migrate(db, "biometrics_views", m, sizeof m / sizeof m[0], err);
}
