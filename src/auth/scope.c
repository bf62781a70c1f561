/* scope.c — where an operator may act on a person's record (scope.h). */
#include "auth/scope.h"

#include <string.h>

#include "auth/roles.h"

int auth_scope_person(const struct principal *who, const char *council, struct sh_err *err)
{
	const char *mine = who->council_code;
	const char *theirs = council ? council : "";
	if (who->kind == PRINCIPAL_OPERATOR) {
		if (who->role_bit == ROLE_ADMIN)
			return SH_OK;
		if (who->role_bit == ROLE_ENROLMENT_OPERATOR && !mine[0])
			return SH_OK;
		if ((who->role_bit == ROLE_UC_REGISTRAR ||
		     who->role_bit == ROLE_ENROLMENT_OPERATOR) &&
		    mine[0] && !strcmp(mine, theirs))
			return SH_OK;
	}
	return sh_err_set(err, SH_EFORBIDDEN, "OUT_OF_SCOPE",
			  "the record is registered at council %s; %s acts for council %s only",
			  theirs[0] ? theirs : "(none)", who->name[0] ? who->name : "this operator",
			  mine[0] ? mine : "(none)");
}
