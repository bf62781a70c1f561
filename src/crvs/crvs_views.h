/* crvs_views.h — civil registration's read-only reporting views (D37). */
#ifndef SH_CRVS_CRVS_VIEWS_H
#define SH_CRVS_CRVS_VIEWS_H

#include "store/store.h"

/* v_birth_facts(event_id, mother_id, father_id, child_id, sex, birth_order,
 *   council_code, event_date, event_day, status) — one row per birth event
 *   of any status; event_day is days since 1970-01-01, child_id the
 *   registered child's identity number (NULL until registered).
 * v_marriage_facts(marriage_id, husband_id, wife_id, status, event_kind,
 *   event_status) — every marriage row with its civil event's kind and
 *   status (NULL when no event stands behind it). */
int crvs_views_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

#endif
