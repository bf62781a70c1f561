/* vitals.h — vital statistics: counts of registered births, deaths,
 * marriages and divorces by month and area (province, district, council),
 * crude rates per 1,000 against the 2023 census, completeness of birth
 * registration against an expected crude birth rate, and timeliness (share
 * registered within the crvs late_days window). docs/vitals.md has the
 * definitions, sources and formulas.
 *
 * Events are counted by EVENT date (the date of occurrence), not by the
 * date of registration: rates and completeness compare events with the
 * population at risk in the same period (UN Principles and Recommendations
 * for a Vital Statistics System, rev. 3, para. 384 — tabulation by date of
 * occurrence), and a late registration then fills the month it belongs to.
 * Only registered events count: pending and rejected notices are not facts
 * of the register.
 *
 * Ownership: a vitals_report owns its areas and their monthly arrays;
 * vitals_report_free() releases them. */
#ifndef SH_VITALS_VITALS_H
#define SH_VITALS_VITALS_H

#include <jansson.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/err.h"
#include "store/store.h"

#define VITALS_MONTHS_MAX 120 /* ten years per report: bounds memory */
#define VITALS_CODE_MAX 32
#define VITALS_NAME_MAX 128
#define VITALS_SOURCE_MAX 256

enum vitals_level { VITALS_PROVINCE, VITALS_DISTRICT, VITALS_COUNCIL };
enum vitals_kind { VITALS_BIRTHS, VITALS_DEATHS, VITALS_MARRIAGES, VITALS_DIVORCES, VITALS_KINDS };

struct vitals_counts {
	int64_t n[VITALS_KINDS];
	int64_t births_timely, deaths_timely; /* registered within late_days of the event */
};

struct vitals_area {
	char code[VITALS_CODE_MAX];
	char name_en[VITALS_NAME_MAX];
	char name_ur[VITALS_NAME_MAX];
	int64_t population; /* 2023 census; -1 when the data has no figure */
	struct vitals_counts total;
	struct vitals_counts *months; /* nmonths entries, first month first */
};

struct vitals_query {
	int from_year, from_month, to_year, to_month; /* inclusive months */
	enum vitals_level level;
};

struct vitals_report {
	struct vitals_query q;
	int nmonths;
	int late_days;               /* the crvs rule in force when the report ran */
	int64_t cbr_per_100k;        /* expected births per 100,000 population per year */
	char census_source[VITALS_SOURCE_MAX];
	char cbr_source[VITALS_SOURCE_MAX];
	struct vitals_area national; /* "PK": every event of the period */
	size_t nareas;
	struct vitals_area *areas;   /* level's areas in code order (council level: only
					councils with events) */
	int64_t unplaced;            /* events whose council is not in the address library */
};

/* Schema and data (module "vitals"): the census figures and the expected
 * crude birth rate, with their sources (vitals_census.c). */
int vitals_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

/* "YYYY-MM" (1900..9999) -> year, month; SH_EINVAL BAD_MONTH. */
int vitals_month_parse(const char *s, int *year, int *month, struct sh_err *err)
	__attribute__((warn_unused_result));
/* "province" | "district" | "council"; -1 when unknown. */
int vitals_level_parse(const char *s);
const char *vitals_level_name(enum vitals_level l);
const char *vitals_kind_name(enum vitals_kind k); /* "births", ... */

/* Builds the report in a read transaction. SH_EINVAL BAD_PERIOD when `to`
 * is before `from` or the period is longer than VITALS_MONTHS_MAX. */
int vitals_report_build(store_tx *tx, const struct vitals_query *q, struct vitals_report *out,
			struct sh_err *err) __attribute__((warn_unused_result));
void vitals_report_free(struct vitals_report *r);

/* Derived figures (vitals_rates.c); each is < 0 when it cannot be computed
 * (no population figure, or no events to divide by). */
/* events per 1,000 population per year over `months` months */
double vitals_rate_per_1000(int64_t events, int64_t population, int months);
/* births expected from the crude birth rate over `months` months */
double vitals_expected_births(const struct vitals_report *r, int64_t population, int months);
/* registered births / expected births */
double vitals_completeness(const struct vitals_report *r, int64_t births, int64_t population,
			   int months);
/* share of events registered within late_days */
double vitals_timeliness(int64_t timely, int64_t events);

/* Exports (vitals_export.c). CSV (RFC 4180): one row per area and month
 * and one per area with month "all" (the period), national first. */
int vitals_report_csv(const struct vitals_report *r, struct sh_buf *out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* The JSON form (docs/openapi.yaml VitalStatistics); NULL when out of memory. */
json_t *vitals_report_json(const struct vitals_report *r);

#endif
