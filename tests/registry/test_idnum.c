/* test_idnum.c — identity numbers: Verhoeff known answers, filters, issue,
 * normalization, legacy format. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "registry/idnum.h"

/* Known answers from Verhoeff's scheme as published (Wikipedia "Verhoeff
 * algorithm" worked examples: 236 -> 3, 12345 -> 1, 142857 -> 0; 2363 valid). */
Test(idnum, verhoeff_known_answers)
{
	cr_assert_eq(idnum_verhoeff_digit("236", 3), 3);
	cr_assert_eq(idnum_verhoeff_digit("12345", 5), 1);
	cr_assert_eq(idnum_verhoeff_digit("142857", 6), 0);
	cr_assert_eq(idnum_verhoeff_digit("75872", 5), 2);
	cr_assert(idnum_verhoeff_valid("2363", 4));
	cr_assert(idnum_verhoeff_valid("123451", 6));
	cr_assert(idnum_verhoeff_valid("1428570", 7));
	cr_assert(idnum_verhoeff_valid("758722", 6));
	cr_assert_not(idnum_verhoeff_valid("2364", 4));
	cr_assert_not(idnum_verhoeff_valid("2336", 4)); /* transposition */
	cr_assert_eq(idnum_verhoeff_digit("12a", 3), -1);
	cr_assert_not(idnum_verhoeff_valid("23a3", 4));
}

/* Verhoeff detects every single-digit error and every adjacent
 * transposition; check that on a spread of 12-digit payloads. */
Test(idnum, verhoeff_detects_single_errors_and_transpositions)
{
	char s[14];
	unsigned long long x = 314159265358ULL;
	for (int round = 0; round < 300; round++) {
		x = (x * 6364136223846793005ULL + 1442695040888963407ULL);
		for (int i = 0; i < 12; i++)
			s[i] = (char)('0' + (int)((x >> (i * 5)) % 10));
		s[12] = (char)('0' + idnum_verhoeff_digit(s, 12));
		s[13] = '\0';
		cr_assert(idnum_verhoeff_valid(s, 13));
		for (int i = 0; i < 13; i++) {
			char keep = s[i];
			for (char d = '0'; d <= '9'; d++) {
				if (d == keep)
					continue;
				s[i] = d;
				cr_assert_not(idnum_verhoeff_valid(s, 13), "single error at %d", i);
			}
			s[i] = keep;
		}
		for (int i = 0; i + 1 < 13; i++) {
			if (s[i] == s[i + 1])
				continue;
			char t = s[i];
			s[i] = s[i + 1];
			s[i + 1] = t;
			cr_assert_not(idnum_verhoeff_valid(s, 13), "transposition at %d", i);
			s[i + 1] = s[i];
			s[i] = t;
		}
	}
}

Test(idnum, filters)
{
	cr_assert(idnum_filters_pass("861937250481"));
	cr_assert_not(idnum_filters_pass("061937250481"));  /* leading zero */
	cr_assert_not(idnum_filters_pass("861111250481"));  /* 4 repeated */
	cr_assert(idnum_filters_pass("861112250481"));      /* 3 repeated is fine */
	cr_assert_not(idnum_filters_pass("861234250481"));  /* ascending */
	cr_assert(idnum_filters_pass("861235250481"));      /* 3 ascending is fine */
	cr_assert_not(idnum_filters_pass("869876250481"));  /* descending */
	cr_assert_not(idnum_filters_pass("867890250481"));  /* wraps 9 -> 0 */
	cr_assert_not(idnum_filters_pass("868901250481"));
	cr_assert_not(idnum_filters_pass("862109250481"));  /* descending wrap */
	cr_assert_not(idnum_filters_pass("86193725048"));   /* short */
	cr_assert_not(idnum_filters_pass("86193725048x"));
}

static int has_run4(const char *d, size_t n)
{
	for (size_t i = 0; i + 3 < n; i++) {
		int same = 1, up = 1, down = 1;
		for (int k = 1; k < 4; k++) {
			int a = d[i + k - 1] - '0', b = d[i + k] - '0';
			same &= b == a;
			up &= b == (a + 1) % 10;
			down &= b == (a + 9) % 10;
		}
		if (same || up || down)
			return 1;
	}
	return 0;
}

/* Property test: every generated number is well-formed, passes the
 * filters (checked here by an independent implementation), round-trips
 * through format/normalize, and numbers do not repeat. */
Test(idnum, generated_numbers_are_valid)
{
	enum { N = 20000 };
	static char seen[N][14];
	int digit_count[10] = {0};
	for (int i = 0; i < N; i++) {
		char id[14], printed[16], back[14];
		struct sh_err err;
		cr_assert_eq(idnum_generate(id, &err), 0);
		cr_assert_eq(strlen(id), 13);
		cr_assert(id[0] == '8' || id[0] == '9');
		cr_assert(idnum_verhoeff_valid(id, 13));
		cr_assert(idnum_filters_pass(id));
		cr_assert_not(has_run4(id, 13), "%s has a run", id);
		cr_assert(idnum_issued_shape(id));
		idnum_format(id, printed, sizeof printed);
		cr_assert_eq(strlen(printed), 15);
		cr_assert_eq(printed[5], '-');
		cr_assert_eq(printed[13], '-');
		cr_assert_eq(idnum_normalize(printed, back, &err), 0);
		cr_assert_str_eq(back, id);
		memcpy(seen[i], id, 14);
		for (int k = 1; k < 12; k++)
			digit_count[id[k] - '0']++;
	}
	/* Uniform enough: each digit within 10% of its share of 220,000. */
	for (int d = 0; d < 10; d++)
		cr_assert(digit_count[d] > 19800 && digit_count[d] < 24200, "digit %d: %d", d,
			  digit_count[d]);
	qsort(seen, N, 14, (int (*)(const void *, const void *))strcmp);
	for (int i = 1; i < N; i++)
		cr_assert_str_neq(seen[i - 1], seen[i]);
}

Test(idnum, normalize_accepts_dashed_and_bare)
{
	char out[14];
	struct sh_err err;
	char id[14] = "861937250481";
	id[12] = (char)('0' + idnum_verhoeff_digit(id, 12));
	id[13] = '\0';
	cr_assert_eq(idnum_normalize(id, out, &err), 0);
	char dashed[16];
	idnum_format(id, dashed, sizeof dashed);
	cr_assert_eq(idnum_normalize(dashed, out, &err), 0);
	cr_assert_str_eq(out, id);
	id[12] = (char)('0' + (id[12] - '0' + 1) % 10);
	cr_assert_eq(idnum_normalize(id, out, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "IDNUM_CHECK_DIGIT");
	cr_assert_eq(idnum_normalize("86193-725048-12", out, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "IDNUM_INVALID");
	cr_assert_eq(idnum_normalize("8619372504812 ", out, &err), SH_EINVAL);
	cr_assert_eq(idnum_normalize("", out, &err), SH_EINVAL);
	cr_assert_eq(idnum_normalize("86193 7250481 2", out, &err), SH_EINVAL);
}

Test(idnum, legacy_format)
{
	char out[14];
	int g = 0;
	struct sh_err err;
	cr_assert_eq(idnum_legacy_validate("35202-1234567-1", out, &g, &err), 0);
	cr_assert_str_eq(out, "3520212345671");
	cr_assert_eq(g, 1);
	cr_assert_eq(idnum_legacy_validate("3520212345678", out, &g, &err), 0);
	cr_assert_eq(g, 2);
	cr_assert_eq(idnum_legacy_validate("8520212345678", out, &g, &err), SH_EINVAL);
	cr_assert_eq(idnum_legacy_validate("0520212345678", out, &g, &err), SH_EINVAL);
	cr_assert_eq(idnum_legacy_validate("352021234567", out, &g, &err), SH_EINVAL);
	cr_assert_not(idnum_issued_shape("9999999999999")); /* Verhoeff-valid, filtered */
	cr_assert(idnum_verhoeff_valid("9999999999999", 13));
	/* lookups accept legacy or check-digit numbers */
	cr_assert_eq(idnum_lookup_normalize("35202-1234567-1", out, &err), 0);
	cr_assert_eq(idnum_lookup_normalize("9000000000000", out, &err), SH_EINVAL);
}
