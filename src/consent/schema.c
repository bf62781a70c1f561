/* schema.c — the consent module's tables (see party.h consent_migrate). */
#include "consent/party.h"

static const struct store_migration consent_migrations[] = {
	{1, "relying parties and keys",
	 "CREATE TABLE parties ("
	 " id {{PK}},"
	 " name TEXT NOT NULL UNIQUE,"
	 " sector TEXT NOT NULL,"
	 " types TEXT NOT NULL,"          /* "yesno,kyc" */
	 " kyc_attrs TEXT NOT NULL,"      /* "name_en,dob" */
	 " suspended BIGINT NOT NULL DEFAULT 0,"
	 " created_at BIGINT NOT NULL,"
	 " updated_at BIGINT NOT NULL);"
	 "CREATE TABLE party_keys ("
	 " id {{PK}},"
	 " party_id BIGINT NOT NULL REFERENCES parties(id),"
	 " key_id TEXT NOT NULL UNIQUE,"
	 " secret_sealed {{BLOB}} NOT NULL,"
	 " created_at BIGINT NOT NULL,"
	 " expires_at BIGINT NOT NULL DEFAULT 0);" /* 0: no expiry */
	 "CREATE TABLE party_nonces ("
	 " party_id BIGINT NOT NULL,"
	 " nonce TEXT NOT NULL,"
	 " seen_at BIGINT NOT NULL,"
	 " PRIMARY KEY (party_id, nonce));"
	 "CREATE INDEX party_nonces_seen ON party_nonces(seen_at);"},
	{2, "consents and passcodes",
	 /* party_id 0 is the citizen's own login. code_hash is a keyed hash of
	  * the passcode bound to (consent, party, person, purpose); person_ok is
	  * 0 for consents that can never verify (unknown number, no mobile) so
	  * that they answer exactly like wrong passcodes. */
	 "CREATE TABLE consents ("
	 " id {{PK}},"
	 " public_id TEXT NOT NULL UNIQUE,"
	 " party_id BIGINT NOT NULL,"
	 " id_number TEXT NOT NULL,"
	 " purpose TEXT NOT NULL,"
	 " code_hash {{BLOB}} NOT NULL,"
	 " person_ok BIGINT NOT NULL,"
	 " state TEXT NOT NULL DEFAULT 'pending'," /* pending|used|spent */
	 " tries BIGINT NOT NULL DEFAULT 0,"
	 " created_at BIGINT NOT NULL,"
	 " expires_at BIGINT NOT NULL,"
	 " used_at BIGINT);"
	 "CREATE INDEX consents_person ON consents(id_number, created_at);"
	 "CREATE TABLE otp_failures ("
	 " id_number TEXT PRIMARY KEY,"
	 " consecutive BIGINT NOT NULL DEFAULT 0,"
	 " last_failure_at BIGINT NOT NULL DEFAULT 0,"
	 " locked_at BIGINT NOT NULL DEFAULT 0);"
	 "CREATE TABLE citizen_sessions ("
	 " id {{PK}},"
	 " token_hash TEXT NOT NULL UNIQUE,"
	 " id_number TEXT NOT NULL,"
	 " created_at BIGINT NOT NULL,"
	 " expires_at BIGINT NOT NULL,"
	 " revoked BIGINT NOT NULL DEFAULT 0);"},
	{3, "mobile registration by SMS",
	 "CREATE TABLE mobile_registrations ("
	 " id {{PK}},"
	 " mobile TEXT NOT NULL,"
	 " id_number TEXT NOT NULL,"
	 " code_hash {{BLOB}} NOT NULL,"
	 " state TEXT NOT NULL DEFAULT 'pending'," /* pending|bound|expired|failed */
	 " tries BIGINT NOT NULL DEFAULT 0,"
	 " created_at BIGINT NOT NULL,"
	 " expires_at BIGINT NOT NULL,"
	 " bound_at BIGINT);"
	 "CREATE INDEX mobile_registrations_mobile ON mobile_registrations(mobile, state);"},
	/* Nonces filed by bucket of signed time (party_auth.h says why); the
	 * old rows under their bucket of seen time, which is at most the
	 * window away and so is still checked against. */
	{4, "party nonces in buckets of signed time",
	 "CREATE TABLE party_nonces_bucketed ("
	 " bucket BIGINT NOT NULL,"
	 " party_id BIGINT NOT NULL,"
	 " nonce TEXT NOT NULL,"
	 " seen_at BIGINT NOT NULL,"
	 " PRIMARY KEY (bucket, party_id, nonce));"
	 "INSERT INTO party_nonces_bucketed (bucket, party_id, nonce, seen_at)"
	 " SELECT seen_at / 600, party_id, nonce, seen_at FROM party_nonces;"
	 "DROP TABLE party_nonces;"
	 "ALTER TABLE party_nonces_bucketed RENAME TO party_nonces;"},
	/* Every signed request inserts one random nonce: as a rowid table with
	 * its key beside it, that was two B-trees and two leaves written per
	 * request on SQLite, and each nonce stored twice (decisions D15). */
	{5, "party nonces keyed by their primary key alone",
	 "CREATE TABLE party_nonces_keyed ("
	 " bucket BIGINT NOT NULL,"
	 " party_id BIGINT NOT NULL,"
	 " nonce TEXT NOT NULL,"
	 " seen_at BIGINT NOT NULL,"
	 " PRIMARY KEY (bucket, party_id, nonce)){{WITHOUT_ROWID}};"
	 "INSERT INTO party_nonces_keyed (bucket, party_id, nonce, seen_at)"
	 " SELECT bucket, party_id, nonce, seen_at FROM party_nonces;"
	 "DROP TABLE party_nonces;"
	 "ALTER TABLE party_nonces_keyed RENAME TO party_nonces;"},
	/* Passcode SMS budgets (consent.h): one counter per (window, scope,
	 * subject), the window first so that old windows are one range of the
	 * key to delete. scope: person | party | login | addr. */
	{6, "passcode SMS budgets",
	 "CREATE TABLE consent_budgets ("
	 " bucket BIGINT NOT NULL,"
	 " scope TEXT NOT NULL,"
	 " subject TEXT NOT NULL,"
	 " used BIGINT NOT NULL,"
	 " PRIMARY KEY (bucket, scope, subject)){{WITHOUT_ROWID}};"},
	/* Failure counters per (person, factor use): a citizen's own sign-in
	 * ('login', anonymous callers) no longer shares the counter that
	 * throttles and locks relying parties' verifications ('party'). */
	{7, "passcode failures per person and use",
	 "CREATE TABLE otp_failures_scoped ("
	 " id_number TEXT NOT NULL,"
	 " scope TEXT NOT NULL,"
	 " consecutive BIGINT NOT NULL DEFAULT 0,"
	 " last_failure_at BIGINT NOT NULL DEFAULT 0,"
	 " locked_at BIGINT NOT NULL DEFAULT 0,"
	 " PRIMARY KEY (id_number, scope));"
	 "INSERT INTO otp_failures_scoped (id_number, scope, consecutive, last_failure_at,"
	 " locked_at) SELECT id_number, 'party', consecutive, last_failure_at, locked_at"
	 " FROM otp_failures;"
	 "DROP TABLE otp_failures;"
	 "ALTER TABLE otp_failures_scoped RENAME TO otp_failures;"},
};

int consent_migrate(store *db, struct sh_err *err)
{
	return store_migrate(db, "consent", consent_migrations,
			     sizeof consent_migrations / sizeof consent_migrations[0], err);
}
