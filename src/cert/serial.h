/* serial.h — certificate serial numbers.
 *
 * A serial is the kind's prefix and 16 digits printed in groups of four,
 * "BRC-4821-9375-0062-8817": 15 digits from the CSPRNG and a Verhoeff check
 * digit (the discipline of identity numbers, registry/idnum.h: digits only,
 * no leading 0, no run of 4 repeated or consecutive digits, a check digit
 * that catches every single-digit typo and adjacent swap). A serial says
 * nothing about when or how many certificates were issued, and guessing one
 * that exists is a 1 in ~10^7 chance even with 10^8 issued.
 *
 * Serials issued before this scheme ("BRC-2026-00000001") are still on paper
 * and in the store, and are accepted as they are. */
#ifndef SH_CERT_SERIAL_H
#define SH_CERT_SERIAL_H

#include <stddef.h>

#include "cert/payload.h"
#include "lib/err.h"

#define CERT_SERIAL_DIGITS 16
#define CERT_SERIAL_PRINTED 23 /* "BRC-" + 4 groups of 4 digits joined by '-' */

/* "BRC", "DRC", "MRC", "DVC", "FRC". */
const char *cert_serial_prefix(enum cert_kind k);

/* A fresh random serial for kind k into out (>= CERT_SERIAL_PRINTED + 1). */
int cert_serial_generate(enum cert_kind k, char *out, size_t n, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Canonical form of what someone typed: prefix case-folded, the digits with
 * or without dashes or spaces, check digit valid; a legacy serial
 * (PREFIX-YYYY-nnnnnnnn) is passed through. SH_EINVAL SERIAL_INVALID when it
 * is neither (a wrong check digit is a typo, caught before any lookup). */
int cert_serial_normalize(const char *in, char *out, size_t n, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
