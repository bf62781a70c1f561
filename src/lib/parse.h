/* parse.h — strict number and date parsing (no atoi: every byte checked). */
#ifndef SH_LIB_PARSE_H
#define SH_LIB_PARSE_H

#include <stdint.h>
#include <time.h>

/* Whole string must be a base-10 integer within [min, max]. 0 or SH_EINVAL. */
int sh_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
	__attribute__((warn_unused_result));

/* Civil date "YYYY-MM-DD", validated against the calendar (leap years). */
struct sh_date {
	int year, month, day;
};
int sh_parse_date(const char *s, struct sh_date *out)
	__attribute__((warn_unused_result));
int sh_date_valid(int y, int m, int d);
/* Days since 1970-01-01 (proleptic Gregorian), and back. */
int64_t sh_date_to_days(struct sh_date d);
struct sh_date sh_days_to_date(int64_t days);
/* Today's UTC date. */
struct sh_date sh_date_today(void);
/* "YYYY-MM-DD" into buf (>= 11 bytes). */
void sh_date_format(struct sh_date d, char *buf, size_t n);
/* Whole years from `birth` to `on` (age). */
int sh_date_years_between(struct sh_date birth, struct sh_date on);

/* Wall-clock now, Unix seconds and RFC 3339 UTC ("2026-11-23T09:30:00Z"). */
int64_t sh_now(void);
/* Monotonic clock, nanoseconds: for ages and timeouts, never for dates. */
int64_t sh_mono_ns(void);
void sh_time_format(int64_t unix_seconds, char *buf, size_t n);

#endif
