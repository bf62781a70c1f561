/* users.h — operator accounts: create, disable/enable, list, and the auth
 * module's schema (users, sessions, login_failures).
 *
 * Every change appends its audit entry inside the caller's transaction.
 * Usernames match [a-z0-9._-]{3,63} (63 so that a username always fits
 * principal.name). */
#ifndef SH_AUTH_USERS_H
#define SH_AUTH_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "lib/err.h"
#include "store/store.h"

#define AUTH_USERNAME_MAX 63
#define AUTH_COUNCIL_MAX 31

struct auth_user {
	int64_t id;
	char username[AUTH_USERNAME_MAX + 1];
	char role[32];
	char council_code[AUTH_COUNCIL_MAX + 1]; /* "" when none */
	int disabled;
	int locked; /* 100 consecutive failed logins; cleared by enabling */
	int64_t created_at;
};

/* Schema for users, sessions and login_failures; call once at start-up. */
int auth_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

/* 1 when name is a valid username. */
int auth_username_valid(const char *name);

/* The id of `username`, its row locked for the rest of tx (FOR UPDATE);
 * 404 USER_NOT_FOUND when there is none. */
int auth_user_id_for_update(store_tx *tx, const char *username, int64_t *id,
			    struct sh_err *err) __attribute__((warn_unused_result));

/* Create an operator. role_bit: exactly one ROLE_* bit; council_code may be
 * NULL. Errors: 400 BAD_USERNAME / BAD_ROLE / BAD_COUNCIL_CODE, 422
 * WEAK_PASSWORD, 409 USERNAME_TAKEN (the tx must then be rolled back). The
 * password is hashed here (Argon2id, ~60 ms). */
int auth_user_create(store_tx *tx, const struct audit_actor *actor,
		     const struct auth_pwcost *cost, const char *username,
		     const char *password, unsigned role_bit, const char *council_code,
		     int64_t *id_out, struct sh_err *err) __attribute__((warn_unused_result));

/* Disable (revoking every session) or enable (also clearing a lockout).
 * 404 USER_NOT_FOUND; 422 CANNOT_DISABLE_SELF when an operator would disable
 * their own account. */
int auth_user_disable(store_tx *tx, const struct audit_actor *actor, const char *username,
		      int disabled, struct sh_err *err) __attribute__((warn_unused_result));

/* Users with id > after_id in id order, at most limit; *out is malloc'd
 * (the caller frees it), *n its length. */
int auth_user_list(store_tx *tx, int64_t after_id, size_t limit, struct auth_user **out,
		   size_t *n, struct sh_err *err) __attribute__((warn_unused_result));
/* One user by name; 404 USER_NOT_FOUND. */
int auth_user_get(store_tx *tx, const char *username, struct auth_user *out,
		  struct sh_err *err) __attribute__((warn_unused_result));

#endif
