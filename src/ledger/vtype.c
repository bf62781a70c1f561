/* vtype.c — names of the verification types. */
#include "ledger/vtype.h"

#include <string.h>

#include "lib/bitnames.h"

static const char *const type_names[] = {"yesno", "kyc", "fingerprint", "face", "iris",
					 "multimodal"};
static const struct bitnames types = {type_names, sizeof type_names / sizeof type_names[0]};

unsigned vtype_parse(const char *s)
{
	return s ? bitnames_bit(&types, s, strlen(s)) : 0;
}
const char *vtype_name(unsigned bit)
{
	return bitnames_name(&types, bit);
}
void vtypes_format(unsigned bits, char *buf, size_t n)
{
	bitnames_format(&types, bits, buf, n);
}
int vtypes_parse_list(const char *s, unsigned *out)
{
	return bitnames_parse_list(&types, s, out);
}
