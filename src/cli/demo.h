/* demo.h — demonstration data for `shanakht init --demo`: one operator of
 * each role and a few hundred synthetic families. Never for production. */
#ifndef SH_SERVER_DEMO_H
#define SH_SERVER_DEMO_H

#include "crypto/keyring.h"
#include "store/store.h"

/* Operators get `password`; their names are printed. */
int demo_load(store *db, struct keyring *keys, const char *password, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
