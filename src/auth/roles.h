/* roles.h — operator roles. An operator has exactly one role; routes allow a
 * set of roles as a bit mask. */
#ifndef SH_AUTH_ROLES_H
#define SH_AUTH_ROLES_H

enum role_bit {
	ROLE_ADMIN = 1u << 0,
	ROLE_UC_REGISTRAR = 1u << 1,
	ROLE_HEALTH_NOTIFIER = 1u << 2,
	ROLE_NIKAH_REGISTRAR = 1u << 3,
	ROLE_COURT_CLERK = 1u << 4,
	ROLE_CASE_OFFICER = 1u << 5,
	ROLE_ENROLMENT_OPERATOR = 1u << 6,
	ROLE_AUDITOR = 1u << 7,
	ROLE_BIOMETRIC_ADJUDICATOR = 1u << 8, /* de-duplication cases, image views */
	ROLE_BIOMETRIC_EXAMINER = 1u << 9,    /* 1:N identification with a legal reason */
	ROLE_PLANNER = 1u << 10,              /* vital statistics: aggregates, no person data */
};
#define ROLE_ANY_OPERATOR 0x7FFu

/* "uc_registrar" -> ROLE_UC_REGISTRAR; 0 when unknown. */
unsigned role_from_name(const char *name);
/* ROLE_UC_REGISTRAR -> "uc_registrar"; NULL when not exactly one known bit. */
const char *role_name(unsigned role_bit);

#endif
