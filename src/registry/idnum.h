/* idnum.h — identity numbers.
 *
 * Issued numbers are 12 random digits (CSPRNG, never derived from personal
 * data) plus a Verhoeff check digit: 13 digits, printed #####-#######-#.
 * Filters reject a leading 0, 4+ repeated digits and 4+ ascending or
 * descending sequential digits. Legacy 13-digit numbers (first digit the
 * province 1-7, last digit odd = male, even = female, no check digit) are
 * accepted on import and validated by format only. */
#ifndef SH_REGISTRY_IDNUM_H
#define SH_REGISTRY_IDNUM_H

#include <stddef.h>

#include "lib/err.h"

#define IDNUM_DIGITS 13
#define IDNUM_PRINTED 15 /* with dashes */

/* Verhoeff: the check digit for a string of digits, and validation of a
 * string whose last digit is the check digit. */
int idnum_verhoeff_digit(const char *digits, size_t n);
int idnum_verhoeff_valid(const char *digits, size_t n);

/* A fresh random number passing every filter: 13 digits + NUL in out. */
int idnum_generate(char out[IDNUM_DIGITS + 1], struct sh_err *err)
	__attribute__((warn_unused_result));
/* 1 when 12 payload digits pass the filters. */
int idnum_filters_pass(const char *digits12);

/* Accept "1234512345671" or "12345-1234567-1"; write the 13 bare digits.
 * Validates the check digit (SH_EINVAL IDNUM_INVALID / IDNUM_CHECK_DIGIT). */
int idnum_normalize(const char *in, char out[IDNUM_DIGITS + 1], struct sh_err *err)
	__attribute__((warn_unused_result));
/* Legacy format: digits only, province 1-7; gender from the last digit:
 * 1 male, 2 female, via *gender_out (may be NULL). */
int idnum_legacy_validate(const char *in, char out[IDNUM_DIGITS + 1], int *gender_out,
			  struct sh_err *err) __attribute__((warn_unused_result));
/* For lookups: an issued number (valid check digit) or a legacy one
 * (first digit 1-7), dashes optional. SH_EINVAL IDNUM_INVALID otherwise. */
int idnum_lookup_normalize(const char *in, char out[IDNUM_DIGITS + 1], struct sh_err *err)
	__attribute__((warn_unused_result));
/* 1 when 13 bare digits could have come from idnum_generate: check digit
 * valid and every filter passed (also across the check digit). */
int idnum_issued_shape(const char *digits13);
/* "#####-#######-#" into out (>= 16 bytes). */
void idnum_format(const char *digits13, char *out, size_t n);

#endif
