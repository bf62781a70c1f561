/* scope.h — where an operator may act on a person's record.
 *
 * A council's operators act on the persons registered at their council
 * (the person's council_code: where their address is) and nowhere else;
 * an administrator acts nationwide, every act audited under their name as
 * any other. Reading is not scoped (registrars check parties of other
 * councils for civil events; every read is audited). docs/registry.md
 * gives the rule per role. */
#ifndef SH_AUTH_SCOPE_H
#define SH_AUTH_SCOPE_H

#include "auth/principal.h"
#include "lib/err.h"

/* May `who` change a person registered at `council`? SH_OK, or
 * SH_EFORBIDDEN OUT_OF_SCOPE. Administrators: any council. Union council
 * registrars: their own council only. Enrolment operators (creating
 * records): their own council when their account names one, any when it
 * names none (a national enrolment centre). Every other role: none. */
int auth_scope_person(const struct principal *who, const char *council, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
