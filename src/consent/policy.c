/* policy.c — names of verification types and KYC attributes. */
#include "consent/policy.h"

#include <stdio.h>
#include <string.h>

#include "lib/err.h"

static const char *const type_names[] = {"yesno", "kyc", "fingerprint", "face", "iris",
					 "multimodal"};
static const char *const attr_names[] = {
	"name_en", "name_ur", "father_name_en", "father_name_ur", "dob",
	"gender", "address", "place_of_birth", "citizenship", "marital_status",
};
#define NTYPES (sizeof type_names / sizeof type_names[0])
#define NATTRS (sizeof attr_names / sizeof attr_names[0])

static unsigned name_to_bit(const char *const *names, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) == len && strncmp(names[i], s, len) == 0)
			return 1u << i;
	return 0;
}

static const char *bit_to_name(const char *const *names, size_t n, unsigned bit)
{
	for (size_t i = 0; i < n; i++)
		if (bit == 1u << i)
			return names[i];
	return NULL;
}

unsigned policy_type_parse(const char *s)
{
	return s ? name_to_bit(type_names, NTYPES, s, strlen(s)) : 0;
}
const char *policy_type_name(unsigned bit)
{
	return bit_to_name(type_names, NTYPES, bit);
}
unsigned policy_attr_parse(const char *s)
{
	return s ? name_to_bit(attr_names, NATTRS, s, strlen(s)) : 0;
}
const char *policy_attr_name(unsigned bit)
{
	return bit_to_name(attr_names, NATTRS, bit);
}

static void format_list(const char *const *names, size_t n, unsigned bits, char *buf,
			size_t cap)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!(bits & (1u << i)))
			continue;
		int w = snprintf(buf + used, cap - used, "%s%s", used ? "," : "", names[i]);
		if (w < 0 || (size_t)w >= cap - used)
			return;
		used += (size_t)w;
	}
}

void policy_types_format(unsigned bits, char *buf, size_t n)
{
	format_list(type_names, NTYPES, bits, buf, n);
}
void policy_attrs_format(unsigned bits, char *buf, size_t n)
{
	format_list(attr_names, NATTRS, bits, buf, n);
}

static int parse_list(const char *const *names, size_t n, const char *s, unsigned *out)
{
	*out = 0;
	while (s && *s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		if (len) {
			unsigned b = name_to_bit(names, n, s, len);
			if (!b)
				return SH_EINVAL;
			*out |= b;
		}
		s = comma ? comma + 1 : NULL;
	}
	return SH_OK;
}

int policy_types_parse_list(const char *s, unsigned *out)
{
	return parse_list(type_names, NTYPES, s, out);
}
int policy_attrs_parse_list(const char *s, unsigned *out)
{
	return parse_list(attr_names, NATTRS, s, out);
}

int policy_sector_valid(const char *s)
{
	static const char *const sectors[] = {"bank", "telco", "government", "other"};
	for (size_t i = 0; s && i < sizeof sectors / sizeof sectors[0]; i++)
		if (strcmp(s, sectors[i]) == 0)
			return 1;
	return 0;
}
