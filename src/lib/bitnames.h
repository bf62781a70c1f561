/* bitnames.h — bit sets with stable wire names: a table of names, where
 * names[i] is bit 1<<i, read and written as "a,b,c". Used by the
 * verification types (ledger/vtype.h) and the KYC attributes
 * (consent/policy.h), whose names are part of the API and the store. */
#ifndef SH_LIB_BITNAMES_H
#define SH_LIB_BITNAMES_H

#include <stddef.h>

struct bitnames {
	const char *const *names;
	size_t count;
};

/* The bit of the name s[0..len), 0 when unknown. */
unsigned bitnames_bit(const struct bitnames *t, const char *s, size_t len);
/* The name of one bit, NULL when it is not exactly one known bit. */
const char *bitnames_name(const struct bitnames *t, unsigned bit);
/* "a,b,c" for the set bits, cut at a whole name when buf is too small. */
void bitnames_format(const struct bitnames *t, unsigned bits, char *buf, size_t cap);
/* Parse "a,b,c" (empty items skipped); SH_EINVAL on an unknown name. */
int bitnames_parse_list(const struct bitnames *t, const char *s, unsigned *out);

#endif
