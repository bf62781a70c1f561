/* policy.c — names of the KYC attributes; relying-party sectors. */
#include "consent/policy.h"

#include <string.h>

#include "lib/bitnames.h"

static const char *const attr_names[] = {
	"name_en", "name_ur", "father_name_en", "father_name_ur", "dob",
	"gender", "address", "place_of_birth", "citizenship", "marital_status",
	"life_status",
};
static const struct bitnames attrs = {attr_names, sizeof attr_names / sizeof attr_names[0]};

unsigned policy_attr_parse(const char *s)
{
	return s ? bitnames_bit(&attrs, s, strlen(s)) : 0;
}
const char *policy_attr_name(unsigned bit)
{
	return bitnames_name(&attrs, bit);
}
void policy_attrs_format(unsigned bits, char *buf, size_t n)
{
	bitnames_format(&attrs, bits, buf, n);
}
int policy_attrs_parse_list(const char *s, unsigned *out)
{
	return bitnames_parse_list(&attrs, s, out);
}

int policy_sector_valid(const char *s)
{
	static const char *const sectors[] = {"bank", "telco", "government", "other"};
	for (size_t i = 0; s && i < sizeof sectors / sizeof sectors[0]; i++)
		if (strcmp(s, sectors[i]) == 0)
			return 1;
	return 0;
}
