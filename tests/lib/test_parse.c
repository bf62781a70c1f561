/* test_parse.c — strict number and date parsing. */
#include <criterion/criterion.h>

#include "lib/parse.h"
#include "lib/err.h"

Test(parse, integers_are_strict)
{
	int64_t v;
	cr_assert_eq(sh_parse_i64("42", 0, 100, &v), SH_OK);
	cr_assert_eq(v, 42);
	cr_assert_eq(sh_parse_i64("-7", -10, 10, &v), SH_OK);
	cr_assert_eq(v, -7);
	cr_assert_eq(sh_parse_i64("", 0, 100, &v), SH_EINVAL);
	cr_assert_eq(sh_parse_i64("4x", 0, 100, &v), SH_EINVAL);
	cr_assert_eq(sh_parse_i64(" 4", 0, 100, &v), SH_EINVAL);
	cr_assert_eq(sh_parse_i64("101", 0, 100, &v), SH_EINVAL);
	cr_assert_eq(sh_parse_i64("99999999999999999999", 0, INT64_MAX, &v), SH_EINVAL);
}

Test(parse, dates_follow_the_calendar)
{
	struct sh_date d;
	cr_assert_eq(sh_parse_date("2024-02-29", &d), SH_OK);
	cr_assert_eq(sh_parse_date("2023-02-29", &d), SH_EINVAL);
	cr_assert_eq(sh_parse_date("1900-02-29", &d), SH_EINVAL);
	cr_assert_eq(sh_parse_date("2000-02-29", &d), SH_OK);
	cr_assert_eq(sh_parse_date("2024-13-01", &d), SH_EINVAL);
	cr_assert_eq(sh_parse_date("2024-1-01", &d), SH_EINVAL);
	cr_assert_eq(sh_parse_date("20240101", &d), SH_EINVAL);
}

Test(parse, days_round_trip)
{
	struct sh_date epoch = {1970, 1, 1};
	cr_assert_eq(sh_date_to_days(epoch), 0);
	struct sh_date d = {2026, 11, 23};
	cr_assert_eq(sh_date_to_days(d), 20780);
	for (int64_t day = -50000; day < 50000; day += 37) {
		struct sh_date r = sh_days_to_date(day);
		cr_assert_eq(sh_date_to_days(r), day);
	}
}

Test(parse, ages)
{
	struct sh_date b = {2000, 6, 15};
	cr_assert_eq(sh_date_years_between(b, (struct sh_date){2018, 6, 14}), 17);
	cr_assert_eq(sh_date_years_between(b, (struct sh_date){2018, 6, 15}), 18);
}
