/* person_views.h — the registry's read-only reporting views (D37): what
 * other domains may read of the persons table without knowing its SQL. */
#ifndef SH_REGISTRY_PERSON_VIEWS_H
#define SH_REGISTRY_PERSON_VIEWS_H

#include "store/store.h"

/* v_person_facts(id_number, gender, dob_year, dob_precision, status,
 *   death_day, council_code, address_line, marital, mother_id, father_id,
 *   card_issued_at, created_at) — one row per person; death_day is days
 *   since 1970-01-01 (NULL when alive). card_issued_at: the time of the
 *   record's latest version, the proxy for a card's issue until a card
 *   register exists (docs/quality.md, "Expired cards").
 * v_parent_links_gained(id_number, relation, parent_id, version, at) — a
 *   parent link that appeared in a later version of a person, not at
 *   creation. */
int registry_views_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

#endif
