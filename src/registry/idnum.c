/* idnum.c — identity numbers: Verhoeff check digit, random issue, filters,
 * normalization and the legacy format (see idnum.h and docs/registry.md). */
#include "registry/idnum.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* Verhoeff (1969): d is the multiplication table of the dihedral group D5,
 * p the position permutation (p[i] = p[1]^i), inv the group inverse. */
static const unsigned char verhoeff_d[10][10] = {
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
	{2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
	{4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
	{6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
	{8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
};
static const unsigned char verhoeff_p[8][10] = {
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
	{5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
	{9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
	{2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
};
static const unsigned char verhoeff_inv[10] = {0, 4, 3, 2, 1, 5, 6, 7, 8, 9};

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Returns the check digit 0..9, or -1 when `digits` holds a non-digit. */
int idnum_verhoeff_digit(const char *digits, size_t n)
{
	if (!digits || !all_digits(digits, n))
		return -1;
	unsigned c = 0;
	/* Rightmost payload digit sits at position 1: position 0 is the check
	 * digit that is being computed. */
	for (size_t i = 0; i < n; i++)
		c = verhoeff_d[c][verhoeff_p[(i + 1) % 8][digits[n - 1 - i] - '0']];
	return verhoeff_inv[c];
}

int idnum_verhoeff_valid(const char *digits, size_t n)
{
	if (!digits || n < 2 || !all_digits(digits, n))
		return 0;
	unsigned c = 0;
	for (size_t i = 0; i < n; i++)
		c = verhoeff_d[c][verhoeff_p[i % 8][digits[n - 1 - i] - '0']];
	return c == 0;
}

/* Runs of 4+: the same digit, or consecutive digits ascending or descending.
 * Sequences wrap around 9 -> 0 ("7890", "8901", "2109" are rejected too):
 * people read 7-8-9-0 as a run (it is the keyboard and phone-pad order), and
 * the point of the filter is numbers that look made-up or easy to guess. */
static int has_bad_run(const char *d, size_t n)
{
	int same = 1, up = 1, down = 1;
	for (size_t i = 1; i < n; i++) {
		int a = d[i - 1] - '0', b = d[i] - '0';
		int step = (b - a + 10) % 10;
		same = step == 0 ? same + 1 : 1;
		up = step == 1 ? up + 1 : 1;
		down = step == 9 ? down + 1 : 1;
		if (same >= 4 || up >= 4 || down >= 4)
			return 1;
	}
	return 0;
}

int idnum_filters_pass(const char *digits12)
{
	if (!digits12 || strnlen(digits12, 13) < 12 || !all_digits(digits12, 12))
		return 0;
	if (digits12[0] == '0')
		return 0;
	return !has_bad_run(digits12, 12);
}

int idnum_generate(char out[IDNUM_DIGITS + 1], struct sh_err *err)
{
	if (sodium_init() < 0)
		return sh_err_set(err, SH_EINTERNAL, "CSPRNG_UNAVAILABLE",
				  "libsodium could not be initialised");
	/* With the first digit in {8, 9} about 14% of draws fail a filter;
	 * 1000 tries failing means the generator is broken, not unlucky. */
	for (int attempt = 0; attempt < 1000; attempt++) {
		/* One CSPRNG call per draw (a syscall each on Linux): 32 bytes
		 * give 12 uniform digits by rejection sampling (a byte < 250 is
		 * uniform mod 10; P(a byte is rejected) = 6/256). */
		unsigned char rb[32];
		int have = 0;
		while (have < 12) {
			randombytes_buf(rb, sizeof rb);
			for (size_t k = 0; k < sizeof rb && have < 12; k++) {
				if (rb[k] >= 250)
					continue;
				/* Issued numbers begin with 8 or 9 so that they can
				 * never collide with legacy numbers, whose first digit
				 * is a province 1-7 (docs/registry.md). */
				out[have] = have == 0 ? (char)('8' + rb[k] % 2)
						      : (char)('0' + rb[k] % 10);
				have++;
			}
		}
		sodium_memzero(rb, sizeof rb);
		out[12] = '\0';
		if (!idnum_filters_pass(out))
			continue;
		int c = idnum_verhoeff_digit(out, 12);
		out[12] = (char)('0' + c);
		out[13] = '\0';
		/* The check digit must not complete a run either. */
		if (has_bad_run(out, 13))
			continue;
		return SH_OK;
	}
	out[0] = '\0';
	return sh_err_set(err, SH_EINTERNAL, "IDNUM_GENERATOR",
			  "no acceptable number in 1000 draws");
}

/* Strip the printed form's dashes: "#####-#######-#" or 13 bare digits. */
static int idnum_strip(const char *in, char out[IDNUM_DIGITS + 1])
{
	if (!in)
		return -1;
	size_t n = strnlen(in, IDNUM_PRINTED + 1);
	if (n == IDNUM_DIGITS && all_digits(in, n)) {
		memcpy(out, in, IDNUM_DIGITS);
		out[IDNUM_DIGITS] = '\0';
		return 0;
	}
	if (n == IDNUM_PRINTED && in[5] == '-' && in[13] == '-' && all_digits(in, 5) &&
	    all_digits(in + 6, 7) && all_digits(in + 14, 1)) {
		memcpy(out, in, 5);
		memcpy(out + 5, in + 6, 7);
		out[12] = in[14];
		out[IDNUM_DIGITS] = '\0';
		return 0;
	}
	return -1;
}

int idnum_normalize(const char *in, char out[IDNUM_DIGITS + 1], struct sh_err *err)
{
	char tmp[IDNUM_DIGITS + 1];
	if (idnum_strip(in, tmp) != 0)
		return sh_err_set(err, SH_EINVAL, "IDNUM_INVALID",
				  "identity number must be 13 digits or #####-#######-#");
	if (!idnum_verhoeff_valid(tmp, IDNUM_DIGITS))
		return sh_err_set(err, SH_EINVAL, "IDNUM_CHECK_DIGIT",
				  "identity number check digit is wrong");
	memcpy(out, tmp, sizeof tmp);
	return SH_OK;
}

int idnum_legacy_validate(const char *in, char out[IDNUM_DIGITS + 1], int *gender_out,
			  struct sh_err *err)
{
	char tmp[IDNUM_DIGITS + 1];
	if (idnum_strip(in, tmp) != 0)
		return sh_err_set(err, SH_EINVAL, "IDNUM_INVALID",
				  "legacy number must be 13 digits or #####-#######-#");
	/* Legacy scheme: the first digit is the province of first issue
	 * (1 Khyber Pakhtunkhwa ... 7 Gilgit-Baltistan); 0, 8, 9 were never used. */
	if (tmp[0] < '1' || tmp[0] > '7')
		return sh_err_set(err, SH_EINVAL, "IDNUM_INVALID",
				  "legacy number must begin with a province digit 1-7");
	if (gender_out)
		*gender_out = ((tmp[12] - '0') % 2) ? 1 : 2;
	memcpy(out, tmp, sizeof tmp);
	return SH_OK;
}

void idnum_format(const char *digits13, char *out, size_t n)
{
	if (!out || n == 0)
		return;
	if (!digits13 || strnlen(digits13, IDNUM_DIGITS + 1) != IDNUM_DIGITS) {
		snprintf(out, n, "%s", digits13 ? digits13 : "");
		return;
	}
	snprintf(out, n, "%.5s-%.7s-%c", digits13, digits13 + 5, digits13[12]);
}

/* Either form a registry lookup accepts: an issued number (valid check
 * digit) or a legacy one (province digit), dashes optional. */
int idnum_lookup_normalize(const char *in, char out[IDNUM_DIGITS + 1], struct sh_err *err)
{
	char tmp[IDNUM_DIGITS + 1];
	if (idnum_strip(in, tmp) != 0)
		return sh_err_set(err, SH_EINVAL, "IDNUM_INVALID",
				  "identity number must be 13 digits or #####-#######-#");
	if (!idnum_verhoeff_valid(tmp, IDNUM_DIGITS) && (tmp[0] < '1' || tmp[0] > '7'))
		return sh_err_set(err, SH_EINVAL, "IDNUM_INVALID",
				  "not a valid identity number");
	memcpy(out, tmp, sizeof tmp);
	return SH_OK;
}

int idnum_issued_shape(const char *digits13)
{
	return digits13 && strnlen(digits13, IDNUM_DIGITS + 1) == IDNUM_DIGITS &&
	       idnum_filters_pass(digits13) && !has_bad_run(digits13, IDNUM_DIGITS) &&
	       idnum_verhoeff_valid(digits13, IDNUM_DIGITS);
}
