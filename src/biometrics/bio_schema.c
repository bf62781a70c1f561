/* bio_schema.c — the biometric repository's tables (biometrics_migrate). */
#include "biometrics/bio.h"

static const struct store_migration bio_migrations[] = {
	{1, "devices, sealed samples, enrolments, adjudication",
	 "CREATE TABLE bio_devices ("
	 " id {{PK}},"
	 " device_id TEXT NOT NULL UNIQUE,"
	 " make TEXT NOT NULL, model TEXT NOT NULL, serial TEXT NOT NULL,"
	 " modality TEXT NOT NULL,"
	 " status TEXT NOT NULL,"          /* approved|revoked */
	 " approved_on TEXT NOT NULL,"
	 " council_code TEXT NOT NULL,"
	 " public_key {{BLOB}} NOT NULL,"
	 " registered_at BIGINT NOT NULL,"
	 " revoked_at BIGINT NOT NULL DEFAULT 0,"
	 " revoke_reason TEXT);"
	 "CREATE TABLE bio_nonces ("
	 " device_id TEXT NOT NULL,"
	 " nonce TEXT NOT NULL,"
	 " seen_at BIGINT NOT NULL,"
	 " PRIMARY KEY (device_id, nonce));"
	 "CREATE INDEX bio_nonces_seen ON bio_nonces(seen_at);"
	 /* generation: of the repository master key that wraps it */
	 "CREATE TABLE bio_keys ("
	 " id_number TEXT PRIMARY KEY,"
	 " generation BIGINT NOT NULL,"
	 " wrapped {{BLOB}} NOT NULL);"
	 "CREATE TABLE bio_meta ("
	 " name TEXT PRIMARY KEY,"
	 " value BIGINT NOT NULL);"
	 /* one row per enrolment version; state: unique|held|blocked|duplicate|
	  * superseded. `current` is 1 on the person's latest version. */
	 "CREATE TABLE bio_enrolments ("
	 " id {{PK}},"
	 " id_number TEXT NOT NULL,"
	 " version BIGINT NOT NULL,"
	 " state TEXT NOT NULL,"
	 " current BIGINT NOT NULL,"
	 " device_id TEXT NOT NULL,"
	 " operator TEXT NOT NULL,"
	 " captured_at BIGINT NOT NULL,"
	 " liveness TEXT NOT NULL,"
	 " document TEXT NOT NULL,"
	 " exemption TEXT NOT NULL,"
	 " created_at BIGINT NOT NULL,"
	 " UNIQUE (id_number, version));"
	 "CREATE INDEX bio_enrolments_current ON bio_enrolments(current, id);"
	 /* kind: image|template|missing. sealed under the person's data key,
	  * bound to (id_number, enrolment, position, kind). */
	 "CREATE TABLE bio_samples ("
	 " id {{PK}},"
	 " enrolment_id BIGINT NOT NULL REFERENCES bio_enrolments(id),"
	 " position BIGINT NOT NULL,"
	 " kind TEXT NOT NULL,"
	 " quality BIGINT NOT NULL DEFAULT 0,"
	 " low_quality BIGINT NOT NULL DEFAULT 0,"
	 " attempts BIGINT NOT NULL DEFAULT 1,"
	 " missing_reason TEXT,"
	 " engine_version BIGINT NOT NULL DEFAULT 0,"
	 " sealed {{BLOB}},"
	 " UNIQUE (enrolment_id, position, kind));"
	 "CREATE TABLE bio_attempts ("
	 " id_number TEXT NOT NULL,"
	 " position BIGINT NOT NULL,"
	 " attempts BIGINT NOT NULL,"
	 " PRIMARY KEY (id_number, position));"
	 "CREATE TABLE bio_cases ("
	 " id {{PK}},"
	 " enrolment_id BIGINT NOT NULL REFERENCES bio_enrolments(id),"
	 " id_number TEXT NOT NULL,"
	 " candidate_enrolment_id BIGINT NOT NULL REFERENCES bio_enrolments(id),"
	 " candidate_id_number TEXT NOT NULL,"
	 " score TEXT NOT NULL,"
	 " detail TEXT NOT NULL,"         /* JSON: per-finger scores */
	 " state TEXT NOT NULL,"          /* open|same_person|different_persons */
	 " opened_at BIGINT NOT NULL,"
	 " decided_by TEXT,"
	 " decided_at BIGINT,"
	 " reason TEXT);"
	 "CREATE INDEX bio_cases_state ON bio_cases(state, id);"
	 /* pairs adjudicated as different persons (a < b): never raised again */
	 "CREATE TABLE bio_distinct_pairs ("
	 " a TEXT NOT NULL, b TEXT NOT NULL, case_id BIGINT NOT NULL,"
	 " PRIMARY KEY (a, b));"},
};

int biometrics_migrate(store *db, struct sh_err *err)
{
	return store_migrate(db, "biometrics", bio_migrations,
			     sizeof bio_migrations / sizeof bio_migrations[0], err);
}
