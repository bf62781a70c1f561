/* citizen_auth.h — citizens signing in with a passcode to their own mobile.
 *
 * POST /api/v1/me/login {id_number} sends a passcode (consent_request with
 * CONSENT_FOR_LOGIN, party 0) and answers with a login id, identically for
 * every number; POST /api/v1/me/session {login_id, passcode} redeems it
 * (same limits as consents) for a bearer token. Tokens are 32 random bytes
 * (hex); only their keyed hash (KEY_TOKEN_PEPPER) is stored. */
#ifndef SH_CONSENT_CITIZEN_AUTH_H
#define SH_CONSENT_CITIZEN_AUTH_H

#include <stdint.h>

#include "audit/audit.h"
#include "consent/config.h"
#include "consent/consent.h"
#include "crypto/keyring.h"
#include "auth/principal.h"
#include "lib/err.h"
#include "store/store.h"

#define CITIZEN_TOKEN_HEX 65

struct citizen_session {
	char token[CITIZEN_TOKEN_HEX]; /* shown once */
	char id_number[14];
	int64_t expires_at;
};

/* Inside tx, like consent_redeem(): SH_OK = commit; out->... filled and
 * *ok = 1 on success, else err holds the refusal (PASSCODE_INVALID, ...). */
int citizen_session_create(store_tx *tx, const struct keyring *kr,
			   const struct consent_config *cfg, const struct audit_actor *actor,
			   const char *login_id, const char *passcode, int64_t now, int *ok,
			   struct citizen_session *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* The authenticate hook for HTTP_AUTH_CITIZEN: fills *out (kind
 * PRINCIPAL_CITIZEN, name = identity number). SH_EUNAUTH CITIZEN_SESSION when
 * unknown, expired or revoked. */
int citizen_session_check(store *db, const struct keyring *kr, const char *token,
			  struct principal *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Sign out: revoke the token. */
int citizen_session_revoke(store_tx *tx, const struct keyring *kr, const char *token,
			   struct sh_err *err) __attribute__((warn_unused_result));

#endif
