/* apps_internal.h — shared inside src/apps only: verification codes. */
#ifndef SH_APPS_INTERNAL_H
#define SH_APPS_INTERNAL_H

#include "apps/apps.h"

/* A fresh code for (account, purpose) inside tx; earlier unused codes of the
 * same purpose are spent. code gets APPS_CODE_DIGITS digits + NUL. */
int apps_code_issue(store_tx *tx, const struct keyring *kr, int64_t account_id,
		    const char *purpose, int64_t now, char code[APPS_CODE_DIGITS + 1],
		    struct sh_err *err) __attribute__((warn_unused_result));
/* Check a code. account_id 0 (unknown account) answers as a wrong code.
 * SH_OK with *ok = 1 (spent now) or *ok = 0 and the refusal in err (422
 * CODE_INVALID, 410 CODE_EXPIRED): commit either way. A negative status
 * only for a store failure. */
int apps_code_redeem(store_tx *tx, const struct keyring *kr, int64_t account_id,
		     const char *purpose, const char *code, int64_t now, int *ok,
		     struct sh_err *err) __attribute__((warn_unused_result));

#endif
