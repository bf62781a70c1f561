/* person_enum.c — wire names of the person enums ("male", "deceased", ...). */
#include "registry/person.h"

#include <string.h>

static int lookup(const char *const *names, int n, const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

#define NAMES_OF(arr) (int)(sizeof arr / sizeof arr[0])

static const char *const gender_names[] = {"unknown", "male", "female", "other"};
static const char *const status_names[] = {"alive", "deceased", "cancelled"};
static const char *const citizenship_names[] = {"citizen", "poc", "arc", "por", "acc",
						 "stateless"};
static const char *const marital_names[] = {"single", "married", "divorced", "widowed"};
static const char *const guardian_names[] = {"father", "husband"};
static const char *const precision_names[] = {"full", "year"};

const char *person_gender_name(enum person_gender g)
{
	return (int)g >= 0 && (int)g < NAMES_OF(gender_names) ? gender_names[g] : NULL;
}
int person_gender_parse(const char *s)
{
	return lookup(gender_names, NAMES_OF(gender_names), s);
}
const char *person_status_name(enum person_status s)
{
	return (int)s >= 0 && (int)s < NAMES_OF(status_names) ? status_names[s] : NULL;
}
int person_status_parse(const char *s)
{
	return lookup(status_names, NAMES_OF(status_names), s);
}
const char *person_citizenship_name(enum person_citizenship c)
{
	return (int)c >= 0 && (int)c < NAMES_OF(citizenship_names) ? citizenship_names[c] : NULL;
}
int person_citizenship_parse(const char *s)
{
	return lookup(citizenship_names, NAMES_OF(citizenship_names), s);
}
const char *person_marital_name(enum person_marital m)
{
	return (int)m >= 0 && (int)m < NAMES_OF(marital_names) ? marital_names[m] : NULL;
}
int person_marital_parse(const char *s)
{
	return lookup(marital_names, NAMES_OF(marital_names), s);
}
const char *person_guardian_name(enum person_guardian g)
{
	return (int)g >= 0 && (int)g < NAMES_OF(guardian_names) ? guardian_names[g] : NULL;
}
int person_guardian_parse(const char *s)
{
	return lookup(guardian_names, NAMES_OF(guardian_names), s);
}
const char *person_dob_precision_name(enum person_dob_precision p)
{
	return (int)p >= 0 && (int)p < NAMES_OF(precision_names) ? precision_names[p] : NULL;
}
int person_dob_precision_parse(const char *s)
{
	return lookup(precision_names, NAMES_OF(precision_names), s);
}
