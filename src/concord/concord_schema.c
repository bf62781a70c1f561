/* concord_schema.c — the tables of data concordance (module "concord"). */
#include "concord/concord.h"

static const struct store_migration concord_migrations[] = {
	{1, "council records, imports, links, review decisions",
	 /* One row per council record; its identity is (council_code, row_key):
	  * "r:" + the council's register number, or "h:" + a hash of its
	  * content when the council gives none (a re-import is idempotent). */
	 "CREATE TABLE concord_imports ("
	 " id {{PK}},"
	 " file_name TEXT,"
	 " encoding TEXT NOT NULL,"
	 " rows_read BIGINT NOT NULL,"
	 " imported BIGINT NOT NULL,"
	 " updated BIGINT NOT NULL,"
	 " unchanged BIGINT NOT NULL,"
	 " bad BIGINT NOT NULL,"
	 " actor TEXT,"
	 " created_at BIGINT NOT NULL);"
	 "CREATE TABLE concord_records ("
	 " id {{PK}},"
	 " council_code TEXT NOT NULL,"
	 " row_key TEXT NOT NULL,"
	 " content_hash TEXT NOT NULL,"
	 " register_no TEXT NOT NULL,"
	 " name TEXT NOT NULL,"
	 " given TEXT NOT NULL,"
	 " family TEXT NOT NULL,"
	 " father TEXT NOT NULL,"
	 " name_ur TEXT NOT NULL,"
	 " father_ur TEXT NOT NULL,"
	 " dob TEXT NOT NULL,"          /* YYYY-MM-DD, YYYY (year only) or '' */
	 " sex TEXT NOT NULL,"          /* male, female, unknown */
	 " id_number TEXT NOT NULL,"    /* 13 digits or '' */
	 " address TEXT NOT NULL,"
	 " import_id BIGINT NOT NULL REFERENCES concord_imports(id),"
	 " line BIGINT NOT NULL,"
	 " updated_at BIGINT NOT NULL,"
	 " UNIQUE (council_code, row_key));"
	 /* The last linkage result of each record. */
	 "CREATE TABLE concord_links ("
	 " record_id BIGINT PRIMARY KEY REFERENCES concord_records(id),"
	 " council_code TEXT NOT NULL,"
	 " status TEXT NOT NULL,"       /* link, review, nonlink */
	 " person_id TEXT,"             /* link: the person; review: the best candidate */
	 " probability_ppm BIGINT NOT NULL," /* posterior x 1e6 */
	 " decided BIGINT NOT NULL,"    /* 1: from an operator's decision */
	 " linked_at BIGINT NOT NULL);"
	 "CREATE INDEX concord_links_council ON concord_links(council_code, status);"
	 "CREATE INDEX concord_links_person ON concord_links(person_id);"
	 /* Operators' decisions on (record, person): they outlive every re-run. */
	 "CREATE TABLE concord_decisions ("
	 " record_id BIGINT NOT NULL REFERENCES concord_records(id),"
	 " person_id TEXT NOT NULL,"
	 " decision TEXT NOT NULL,"     /* same, different */
	 " reason TEXT NOT NULL,"
	 " actor TEXT,"
	 " decided_at BIGINT NOT NULL,"
	 " PRIMARY KEY (record_id, person_id));"},
};

int concord_migrate(store *db, struct sh_err *err)
{
	return store_migrate(db, "concord", concord_migrations,
			     sizeof concord_migrations / sizeof concord_migrations[0], err);
}
