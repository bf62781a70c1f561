/* apps_schema.c — the applications module's tables. */
#include "apps/apps.h"

static const struct store_migration apps_migrations[] = {
	{1, "applicant accounts and applications",
	 "CREATE TABLE apps_accounts ("
	 " id {{PK}},"
	 " username TEXT NOT NULL UNIQUE,"
	 " pw_hash TEXT NOT NULL,"
	 " mobile TEXT NOT NULL,"
	 " email TEXT NOT NULL,"
	 " mobile_verified BIGINT NOT NULL DEFAULT 0,"
	 " email_verified BIGINT NOT NULL DEFAULT 0,"
	 " created_at BIGINT NOT NULL);"
	 "CREATE TABLE apps_codes ("
	 " id {{PK}},"
	 " account_id BIGINT NOT NULL REFERENCES apps_accounts(id),"
	 " purpose TEXT NOT NULL," /* mobile | email | reset */
	 " code_hash TEXT NOT NULL,"
	 " expires_at BIGINT NOT NULL,"
	 " tries BIGINT NOT NULL DEFAULT 0,"
	 " used BIGINT NOT NULL DEFAULT 0);"
	 "CREATE INDEX apps_codes_account ON apps_codes(account_id, purpose, used);"
	 "CREATE TABLE apps_sessions ("
	 " token_hash TEXT PRIMARY KEY,"
	 " account_id BIGINT NOT NULL REFERENCES apps_accounts(id),"
	 " created_at BIGINT NOT NULL,"
	 " expires_at BIGINT NOT NULL,"
	 " revoked BIGINT NOT NULL DEFAULT 0);"
	 "CREATE INDEX apps_sessions_account ON apps_sessions(account_id);"
	 "CREATE TABLE apps_applications ("
	 " id {{PK}},"
	 " tracking_id TEXT NOT NULL UNIQUE,"
	 " account_id BIGINT NOT NULL REFERENCES apps_accounts(id),"
	 " type TEXT NOT NULL,"
	 " state TEXT NOT NULL DEFAULT 'draft'," /* draft | cancelled */
	 " created_at BIGINT NOT NULL,"
	 " updated_at BIGINT NOT NULL);"
	 "CREATE INDEX apps_applications_account ON apps_applications(account_id, state);"},
	{2, "chip security code hash",
	 "ALTER TABLE apps_applications ADD COLUMN chip_hash TEXT;"},
	{3, "sections saved one by one; submission",
	 "CREATE TABLE apps_sections ("
	 " application_id BIGINT NOT NULL REFERENCES apps_applications(id),"
	 " name TEXT NOT NULL,"
	 " body TEXT NOT NULL," /* the validated section as JSON */
	 " updated_at BIGINT NOT NULL,"
	 " PRIMARY KEY (application_id, name));"
	 "ALTER TABLE apps_applications ADD COLUMN submitted_at BIGINT;"},
};

/* Also the start-up check of the types file: a server whose built-in
 * data/apps/types.json does not validate does not start. */
int apps_migrate(store *db, struct sh_err *err)
{
	int rc = apps_types_load(err);
	if (rc != SH_OK)
		return rc;
	return store_migrate(db, "apps", apps_migrations,
			     sizeof apps_migrations / sizeof apps_migrations[0], err);
}
