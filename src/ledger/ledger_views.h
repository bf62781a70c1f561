/* ledger_views.h — the verification ledger's read-only reporting view (D37). */
#ifndef SH_LEDGER_LEDGER_VIEWS_H
#define SH_LEDGER_LEDGER_VIEWS_H

#include "store/store.h"

/* v_verify_facts(id_number, type, result, at, day) — one row per
 * verification transaction; day is days since 1970-01-01 (UTC). */
int ledger_views_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

#endif
