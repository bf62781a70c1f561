/* bitnames.c — bit sets with stable wire names. */
#include "lib/bitnames.h"

#include <stdio.h>
#include <string.h>

#include "lib/err.h"

unsigned bitnames_bit(const struct bitnames *t, const char *s, size_t len)
{
	for (size_t i = 0; s && i < t->count; i++)
		if (strlen(t->names[i]) == len && strncmp(t->names[i], s, len) == 0)
			return 1u << i;
	return 0;
}

const char *bitnames_name(const struct bitnames *t, unsigned bit)
{
	for (size_t i = 0; i < t->count; i++)
		if (bit == 1u << i)
			return t->names[i];
	return NULL;
}

void bitnames_format(const struct bitnames *t, unsigned bits, char *buf, size_t cap)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < t->count; i++) {
		if (!(bits & (1u << i)))
			continue;
		int w = snprintf(buf + used, cap - used, "%s%s", used ? "," : "", t->names[i]);
		if (w < 0 || (size_t)w >= cap - used) {
			buf[used] = '\0'; /* a whole name or none */
			return;
		}
		used += (size_t)w;
	}
}

int bitnames_parse_list(const struct bitnames *t, const char *s, unsigned *out)
{
	*out = 0;
	while (s && *s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		if (len) {
			unsigned b = bitnames_bit(t, s, len);
			if (!b)
				return SH_EINVAL;
			*out |= b;
		}
		s = comma ? comma + 1 : NULL;
	}
	return SH_OK;
}
