/* roles.c — role names (see roles.h). */
#include "auth/roles.h"

#include <string.h>

static const struct {
	unsigned bit;
	const char *name;
} roles[] = {
	{ROLE_ADMIN, "admin"},
	{ROLE_UC_REGISTRAR, "uc_registrar"},
	{ROLE_HEALTH_NOTIFIER, "health_notifier"},
	{ROLE_NIKAH_REGISTRAR, "nikah_registrar"},
	{ROLE_COURT_CLERK, "court_clerk"},
	{ROLE_CASE_OFFICER, "case_officer"},
	{ROLE_ENROLMENT_OPERATOR, "enrolment_operator"},
	{ROLE_AUDITOR, "auditor"},
	{ROLE_BIOMETRIC_ADJUDICATOR, "biometric_adjudicator"},
	{ROLE_BIOMETRIC_EXAMINER, "biometric_examiner"},
	{ROLE_PLANNER, "planner"},
};

unsigned role_from_name(const char *name)
{
	if (!name)
		return 0;
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(roles[i].name, name) == 0)
			return roles[i].bit;
	return 0;
}

const char *role_name(unsigned bit)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].bit == bit)
			return roles[i].name;
	return NULL;
}
