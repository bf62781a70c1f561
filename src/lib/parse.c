/* parse.c — strict parsing of numbers, dates and times (see parse.h). */
#include "lib/parse.h"
#include "lib/err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sh_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (!s || !*s)
		return SH_EINVAL;
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return SH_EINVAL;
	errno = 0;
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	if (errno || !end || *end != '\0' || v < min || v > max)
		return SH_EINVAL;
	*out = (int64_t)v;
	return SH_OK;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int sh_date_valid(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1800 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	int dim = mdays[m - 1] + (m == 2 && is_leap(y));
	return d <= dim;
}

int sh_parse_date(const char *s, struct sh_date *out)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return SH_EINVAL;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return SH_EINVAL;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	if (!sh_date_valid(y, m, d))
		return SH_EINVAL;
	out->year = y;
	out->month = m;
	out->day = d;
	return SH_OK;
}

/* Howard Hinnant's days_from_civil, an exact algorithm for the proleptic
 * Gregorian calendar. */
int64_t sh_date_to_days(struct sh_date dt)
{
	int64_t y = dt.year - (dt.month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (dt.month + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + dt.day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct sh_date sh_days_to_date(int64_t z)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	struct sh_date r = {(int)(y + (m <= 2)), (int)m, (int)d};
	return r;
}

struct sh_date sh_date_today(void)
{
	return sh_days_to_date(sh_now() / 86400);
}

void sh_date_format(struct sh_date d, char *buf, size_t n)
{
	snprintf(buf, n, "%04d-%02d-%02d", d.year, d.month, d.day);
}

int sh_date_years_between(struct sh_date birth, struct sh_date on)
{
	int years = on.year - birth.year;
	if (on.month < birth.month || (on.month == birth.month && on.day < birth.day))
		years--;
	return years;
}

int64_t sh_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t sh_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void sh_time_format(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
