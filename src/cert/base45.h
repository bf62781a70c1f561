/* base45.h — RFC 9285 Base45, the text form of certificate QR payloads.
 *
 * Base45's 45 characters are exactly QR code's alphanumeric set, so a QR
 * symbol stores 5.5 bits per character instead of the 8 of byte mode. */
#ifndef SH_CERT_BASE45_H
#define SH_CERT_BASE45_H

#include <stddef.h>

#include "lib/err.h"

/* Characters needed for n bytes, without the NUL. */
#define BASE45_ENCODED_LEN(n) (((n) / 2) * 3 + ((n) % 2) * 2)

/* Encode n bytes into out (capacity outsz, NUL-terminated). SH_ETOOBIG when
 * out is too small. */
int base45_encode(const unsigned char *in, size_t n, char *out, size_t outsz,
		  struct sh_err *err) __attribute__((warn_unused_result));
/* Decode a NUL-terminated Base45 text into out (capacity outsz); *n is the
 * number of bytes. SH_EINVAL BASE45_INVALID on a bad character, a dangling
 * single character or a group out of range (RFC 9285 section 4.2). */
int base45_decode(const char *in, unsigned char *out, size_t outsz, size_t *n,
		  struct sh_err *err) __attribute__((warn_unused_result));

#endif
