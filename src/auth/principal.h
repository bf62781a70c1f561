/* principal.h — who is calling: an operator, a relying party or a citizen.
 *
 * Filled by the application's authentication (api/app.c) from a bearer
 * token, a signed request or a citizen session, and read by handlers and
 * domain code to decide scope. A plain value: no pointers it owns, except
 * the relying party's nonce, which is borrowed from the request. */
#ifndef SH_AUTH_PRINCIPAL_H
#define SH_AUTH_PRINCIPAL_H

#include <stdint.h>

enum principal_kind {
	PRINCIPAL_ANONYMOUS = 0,
	PRINCIPAL_OPERATOR, /* a staff user with a bearer token and one role */
	PRINCIPAL_PARTY,    /* a relying party (bank, telco) signing its requests */
	PRINCIPAL_CITIZEN,  /* a citizen proven by a passcode to their own mobile */
	PRINCIPAL_APPLICANT, /* an online-applications account (src/apps) */
};

struct principal {
	enum principal_kind kind;
	int64_t id;          /* user id, party id, or person id */
	unsigned role_bit;   /* operator: one ROLE_* bit (auth/roles.h) */
	char name[64];       /* username, party key id, identity number */
	char role[32];
	char council_code[32];
	/* A relying party's X-Nonce, until the request's write takes it to
	 * record it (app_write); then NULL. */
	const char *replay_nonce;
	int64_t replay_ts; /* and its X-Timestamp, which the nonce is filed under */
};

#endif
