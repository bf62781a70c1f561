/* vitals_census.c — the population DATA of vital statistics, and the
 * module's schema. The figures are loaded into tables by the migration so
 * that a planner can later load others (a newer census, district tables)
 * without a code change; the report reads only the tables.
 *
 * Source of the population: Pakistan Bureau of Statistics, 7th Population
 * and Housing Census 2023 ("first digital census"), results notified in the
 * Gazette of Pakistan, August 2023: Pakistan 241,499,431; Punjab
 * 127,688,922; Sindh 55,696,147; Khyber Pakhtunkhwa 40,856,097 (including
 * the merged tribal districts); Balochistan 14,894,402; Islamabad Capital
 * Territory 2,363,863 (also its one district, IS-ISB). The census does not
 * enumerate Gilgit-Baltistan or Azad Jammu and Kashmir, and district tables
 * are not loaded here yet: those areas report counts but no rates
 * (population -1 in the report, null in the API).
 *
 * Expected crude birth rate: 27 births per 1,000 population per year —
 * the order of the UN World Population Prospects / World Bank WDI
 * (SP.DYN.CBRT.IN) estimate for Pakistan in the early 2020s. It is an
 * assumption stated as data, one national figure for every area: a
 * province's true rate differs (Balochistan's is higher, Islamabad's
 * lower), so completeness by area is an indicator, not a measurement. */
#include "vitals/vitals.h"

static const struct store_migration migrations[] = {
	{1, "population (2023 census) and the expected crude birth rate",
	 "CREATE TABLE vitals_population (area_code TEXT PRIMARY KEY,"
	 " population BIGINT NOT NULL, census TEXT NOT NULL);"
	 "CREATE TABLE vitals_reference (name TEXT PRIMARY KEY, value BIGINT NOT NULL,"
	 " source TEXT NOT NULL);"
	 "INSERT INTO vitals_population (area_code, population, census) VALUES"
	 " ('PK', 241499431, 'PBS 2023'), ('PB', 127688922, 'PBS 2023'),"
	 " ('SD', 55696147, 'PBS 2023'), ('KP', 40856097, 'PBS 2023'),"
	 " ('BA', 14894402, 'PBS 2023'), ('IS', 2363863, 'PBS 2023'),"
	 " ('IS-ISB', 2363863, 'PBS 2023');"
	 "INSERT INTO vitals_reference (name, value, source) VALUES"
	 " ('census_source', 0, 'Pakistan Bureau of Statistics, 7th Population and Housing"
	 " Census 2023 (Gazette notification, August 2023); Gilgit-Baltistan, Azad Jammu and"
	 " Kashmir and district tables not loaded'),"
	 " ('expected_cbr_per_100k', 2700, 'Expected crude birth rate 27 per 1,000 per year:"
	 " UN World Population Prospects / World Bank WDI SP.DYN.CBRT.IN order for Pakistan,"
	 " early 2020s; one national figure, an assumption');"},
};

int vitals_migrate(store *db, struct sh_err *err)
{
	return store_migrate(db, "vitals", migrations, sizeof migrations / sizeof migrations[0],
			     err);
}
