/* vitals_rates.c — the derived figures of a report (docs/vitals.md has the
 * formulas). Rates are annualised so that a month and a year compare: a
 * crude rate is events per 1,000 population per year (UN Principles and
 * Recommendations for a Vital Statistics System, rev. 3: crude birth and
 * death rates per 1,000 mid-year population). */
#include "vitals/vitals.h"

double vitals_rate_per_1000(int64_t events, int64_t population, int months)
{
	if (population <= 0 || months <= 0)
		return -1;
	return (double)events * 1000.0 * 12.0 / ((double)population * months);
}

double vitals_expected_births(const struct vitals_report *r, int64_t population, int months)
{
	if (population <= 0 || months <= 0 || r->cbr_per_100k <= 0)
		return -1;
	return (double)population * (double)r->cbr_per_100k / 100000.0 * months / 12.0;
}

double vitals_completeness(const struct vitals_report *r, int64_t births, int64_t population,
			   int months)
{
	double expected = vitals_expected_births(r, population, months);
	return expected > 0 ? (double)births / expected : -1;
}

double vitals_timeliness(int64_t timely, int64_t events)
{
	return events > 0 ? (double)timely / (double)events : -1;
}
