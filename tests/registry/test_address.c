/* test_address.c — the address library seed: every province has its
 * districts, codes are hierarchical and unique, lookups and listings. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "registry/address.h"
#include "registry/address_data.h"
#include "registry/person.h"
#include "store/store.h"
#include "testdb.h"

static store *db;
static char *url;

static void setup(void)
{
	struct sh_err e = {0};
	url = testdb_url();
	cr_assert(url);
	cr_assert_eq(store_open(url, 2, &db, &e), 0, "%s", e.msg);
	cr_assert_eq(registry_migrate(db, &e), 0, "%s", e.msg);
}

static void teardown(void)
{
	store_close(db);
	testdb_drop(url);
}

TestSuite(address, .init = setup, .fini = teardown, .timeout = 60);

static int64_t count(store_tx *tx, const char *sql, const char *arg)
{
	store_stmt *st;
	struct sh_err e;
	cr_assert_eq(arg ? store_query(tx, &st, &e, sql, "t", arg) : store_query(tx, &st, &e, sql, ""),
		     0, "%s", e.msg);
	cr_assert_eq(store_step(st, &e), STORE_ROW, "%s", e.msg);
	int64_t n = store_col_int(st, 0);
	store_finalize(st);
	return n;
}

static int collect(void *ctx, const struct address_place *p)
{
	int *n = ctx;
	cr_assert(p->code[0]);
	cr_assert(p->name_en[0]);
	(*n)++;
	return 0;
}

Test(address, seed_counts)
{
	store_tx *tx;
	struct sh_err e;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0);
	cr_assert_eq(count(tx, "SELECT COUNT(*) FROM addr_provinces", NULL), 7);
	cr_assert_eq(count(tx, "SELECT COUNT(*) FROM addr_districts", NULL), 169);
	/* districts per province, as notified up to 2023 */
	static const struct { const char *p; int n; } want[] = {
		{"PB", 41}, {"SD", 30}, {"KP", 36}, {"BA", 37}, {"IS", 1}, {"GB", 14}, {"JK", 10},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		cr_assert_eq(count(tx, "SELECT COUNT(*) FROM addr_districts WHERE province_code = ?",
				   want[i].p), want[i].n, "%s", want[i].p);
		int n = 0;
		cr_assert_eq(address_list_districts(tx, want[i].p, collect, &n, &e), 0);
		cr_assert_eq(n, want[i].n);
	}
	/* every district has tehsils, every tehsil its councils */
	cr_assert_eq(count(tx, "SELECT COUNT(*) FROM addr_districts d WHERE NOT EXISTS"
			       " (SELECT 1 FROM addr_tehsils t WHERE t.district_code = d.code)", NULL), 0);
	int64_t tehsils = count(tx, "SELECT COUNT(*) FROM addr_tehsils", NULL);
	cr_assert_gt(tehsils, 500);
	cr_assert_eq(count(tx, "SELECT COUNT(*) FROM addr_councils", NULL),
		     tehsils * ADDRESS_SEED_COUNCILS_PER_TEHSIL);
	/* codes are hierarchical: a child's code starts with its parent's */
	cr_assert_eq(count(tx, "SELECT COUNT(*) FROM addr_councils c WHERE"
			       " substr(c.code, 1, length(c.tehsil_code)) <> c.tehsil_code"
			       " OR substr(c.tehsil_code, 1, length(c.district_code)) <> c.district_code"
			       " OR substr(c.district_code, 1, length(c.province_code)) <> c.province_code",
			 NULL), 0);
	/* district names are unique nationally (no copy-paste slips) */
	cr_assert_eq(count(tx, "SELECT COUNT(*) FROM (SELECT name_en FROM addr_districts"
			       " GROUP BY name_en HAVING COUNT(*) > 1) x", NULL), 0);
	store_rollback(tx);
}

Test(address, seed_table_codes_unique)
{
	for (size_t i = 0; i < address_seed_districts_count; i++) {
		cr_assert_eq(strlen(address_seed_districts[i].code), 3);
		for (size_t j = i + 1; j < address_seed_districts_count; j++)
			cr_assert_str_neq(address_seed_districts[i].code, address_seed_districts[j].code);
	}
}

Test(address, council_lookup)
{
	store_tx *tx;
	struct sh_err e;
	struct address_council c;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0);
	cr_assert_eq(address_council_get(tx, "PB-LHR-01-003", &c, &e), 0, "%s", e.msg);
	cr_assert_str_eq(c.council.name_en, "Lahore City UC-3");
	cr_assert_str_eq(c.tehsil.code, "PB-LHR-01");
	cr_assert_str_eq(c.tehsil.name_en, "Lahore City");
	cr_assert_str_eq(c.district.code, "PB-LHR");
	cr_assert_str_eq(c.district.name_ur, "لاہور");
	cr_assert_str_eq(c.province.code, "PB");
	cr_assert_str_eq(c.province.name_en, "Punjab");
	cr_assert_eq(address_council_exists(tx, "SD-KHS-04-001", &e), 1);
	cr_assert_eq(address_council_exists(tx, "PB-LHR-01-999", &e), 0);
	cr_assert_eq(address_council_exists(tx, "", &e), 0);
	cr_assert_eq(address_council_get(tx, "XX-YYY-01-001", &c, &e), SH_ENOTFOUND);
	cr_assert_str_eq(e.code, "UNKNOWN_COUNCIL");
	int n = 0;
	cr_assert_eq(address_list_councils(tx, NULL, "PB-LHR", collect, &n, &e), 0);
	cr_assert_eq(n, 5 * ADDRESS_SEED_COUNCILS_PER_TEHSIL);
	n = 0;
	cr_assert_eq(address_list_provinces(tx, collect, &n, &e), 0);
	cr_assert_eq(n, 7);
	n = 0;
	cr_assert_eq(address_list_tehsils(tx, "IS-ISB", collect, &n, &e), 0);
	cr_assert_eq(n, 2);
	store_rollback(tx);
}

Test(address, migrate_is_idempotent)
{
	struct sh_err e;
	cr_assert_eq(registry_migrate(db, &e), 0, "%s", e.msg);
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0);
	cr_assert_eq(count(tx, "SELECT COUNT(*) FROM addr_districts", NULL), 169);
	store_rollback(tx);
}
