/* lk_date.c — the dates union councils write (DD-MM-YYYY and its / and .
 * forms, ISO YYYY-MM-DD, a bare year), with birth-year-only kept as such:
 * "01-01-YYYY" is the placeholder the national database and the councils
 * used for "year known, day not" (issue 20: 58.3 million records). */
#include "linkage/lk_import.h"

#include <stdio.h>
#include <string.h>

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Up to `max` digits at *s; the count read (0: none). */
static int digits(const char **s, int max, int *v)
{
	int n = 0;
	*v = 0;
	while (n < max && **s >= '0' && **s <= '9') {
		*v = *v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	return n;
}

int lk_date_parse(const char *s, struct lk_date *out, struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	while (*s == ' ' || *s == '\t')
		s++;
	const char *p = s;
	int a, b, c, y, m, d;
	int na = digits(&p, 8, &a);
	if (na == 4 && (*p == '\0' || *p == ' ')) {
		y = a, m = 0, d = 0;
	} else if (na == 8 && (*p == '\0' || *p == ' ')) {
		y = a / 10000, m = a / 100 % 100, d = a % 100;
	} else if ((na == 1 || na == 2 || na == 4) && (*p == '-' || *p == '/' || *p == '.')) {
		char sep = *p++;
		int nb = digits(&p, 2, &b);
		if (nb == 0 || *p != sep)
			goto form;
		p++;
		int nc = digits(&p, 4, &c);
		if (na == 4 && nc >= 1 && nc <= 2)
			y = a, m = b, d = c;
		else if (na <= 2 && nc == 4)
			y = c, m = b, d = a;
		else
			goto form;
		if (*p != '\0' && *p != ' ')
			goto form;
	} else {
		goto form;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p)
		goto form;
	if (y < 1850 || y > 2100)
		return sh_err_set(err, SH_EINVAL, "DATE_INVALID", "year %d is out of range", y);
	out->year = y;
	if (m == 0 && d == 0) {
		out->year_only = 1;
		return SH_OK;
	}
	if (m < 1 || m > 12 || d < 1 || d > days_in(y, m))
		return sh_err_set(err, SH_EINVAL, "DATE_INVALID", "%.40s is not a day of the calendar",
				  s);
	if (m == 1 && d == 1) { /* the councils' "day unknown" */
		out->year_only = 1;
		return SH_OK;
	}
	out->month = m;
	out->day = d;
	return SH_OK;
form:
	return sh_err_set(err, SH_EINVAL, "DATE_FORM",
			  "%.40s is not a date (DD-MM-YYYY, DD/MM/YYYY, DD.MM.YYYY, YYYY-MM-DD or YYYY)",
			  s);
}

void lk_date_format(const struct lk_date *d, char out[11])
{
	if (d->year_only)
		snprintf(out, 11, "%04u", (unsigned)d->year % 10000u);
	else
		snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d->year % 10000u, (unsigned)d->month % 100u, (unsigned)d->day % 100u);
}
