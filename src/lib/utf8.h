/* utf8.h — validation of one UTF-8 sequence (RFC 3629), shared by the JSON
 * writers: shortest form only, no surrogates, nothing past U+10FFFF. */
#ifndef SH_LIB_UTF8_H
#define SH_LIB_UTF8_H

#include <stddef.h>

/* The length (1..4) of the well-formed sequence starting at s, or 0 when
 * it is not one (a stray continuation byte, an overlong form, a
 * surrogate, a truncated sequence: s must be NUL-terminated). */
size_t sh_utf8_seq_len(const unsigned char *s);

#endif
