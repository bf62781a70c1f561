/* apps_types.c — the application types the portal offers (issue 17 item 2).
 * Fee timing follows the FAQ: modifications and renewals pay at the start,
 * the others at the end. Eligibility rules per type are not yet checked
 * here (docs/applications.md, "Not yet built"). */
#include <string.h>

#include "apps/apps.h"

static const struct apps_type types[] = {
	{"nicop.fresh", "NICOP — fresh", 0},
	{"nicop.renewal", "NICOP — renewal", 1},
	{"nicop.modification", "NICOP — modification", 1},
	{"nicop.reprint", "NICOP — reprint (lost)", 0},
	{"nicop.update", "NICOP — update of a non-printable field", 0},
	{"sid.renewal", "Smart ID — renewal", 1},
	{"sid.modification", "Smart ID — modification", 1},
	{"sid.reprint", "Smart ID — reprint", 0},
	{"sid.update", "Smart ID — update", 0},
	{"poc.fresh", "Pakistan Origin Card — fresh", 0},
	{"poc.renewal", "Pakistan Origin Card — renewal", 1},
	{"poc.modification", "Pakistan Origin Card — modification", 1},
	{"frc", "Family Registration Certificate", 0},
	{"cancel.nationality", "Cancellation — nationality surrender", 0},
	{"cancel.death", "Cancellation — a blood relative's death", 0},
	{"cancel.poc_dual", "Cancellation — POC for dual or resumed nationality", 0},
	{"cancel.poc_divorce", "Cancellation — a foreign spouse's POC after divorce", 0},
};

const struct apps_type *apps_types(size_t *n)
{
	*n = sizeof types / sizeof types[0];
	return types;
}

const struct apps_type *apps_type_find(const char *code)
{
	for (size_t i = 0; code && i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(types[i].code, code))
			return &types[i];
	return NULL;
}
