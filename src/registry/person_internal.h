/* person_internal.h — what the registry's own files share: the column list
 * of a person row, row <-> struct conversion, validation and search tokens.
 * Not for use outside src/registry/. */
#ifndef SH_REGISTRY_PERSON_INTERNAL_H
#define SH_REGISTRY_PERSON_INTERNAL_H

#include "registry/person.h"

/* The data columns of persons and person_versions, in the order that
 * person_bind() and person_from_row() use (23 columns). */
#define PERSON_DATA_COLS                                                                    \
	"id_number, legacy_number, version, name_ur, name_en, guardian_name_ur,"           \
	" guardian_name_en, guardian_relation, gender, dob, dob_year, dob_precision,"      \
	" place_of_birth, council_code, address_line, status, date_of_death, citizenship," \
	" marital, mobile, mother_id, father_id, updated_at"
#define PERSON_DATA_NCOLS 23
/* The same columns qualified with the alias "p." for joins. */
#define PERSON_DATA_COLS_P                                                                  \
	"p.id_number, p.legacy_number, p.version, p.name_ur, p.name_en, p.guardian_name_ur,"\
	" p.guardian_name_en, p.guardian_relation, p.gender, p.dob, p.dob_year,"           \
	" p.dob_precision, p.place_of_birth, p.council_code, p.address_line, p.status,"    \
	" p.date_of_death, p.citizenship, p.marital, p.mobile, p.mother_id, p.father_id,"  \
	" p.updated_at"

/* Bind the 23 data columns at parameters first..first+22. */
int person_bind(store_stmt *st, int first, const struct person *p);
/* Read the 23 data columns starting at column `first`. */
void person_from_row(store_stmt *st, int first, struct person *out);

/* The scheduled marital status and mobile of a person (person_schedule.c):
 * the value and time columns of each, joined to a persons row "p". */
#define PERSON_SCHED_COLS " sm.value, sm.effective_at, sp.value, sp.effective_at"
#define PERSON_SCHED_NCOLS 4
#define PERSON_SCHED_JOIN                                                                   \
	" LEFT JOIN person_scheduled sm ON sm.id_number = p.id_number AND sm.field = 'marital'" \
	" LEFT JOIN person_scheduled sp ON sp.id_number = p.id_number AND sp.field = 'mobile'"
/* Apply the scheduled values read at column `first` that are due by `now`. */
void person_sched_overlay(store_stmt *st, int first, struct person *p, int64_t now);
/* Before a write of `fields`: make every due scheduled change of the person
 * a version of its own (*versions: how many), and drop what is scheduled
 * for `fields`. */
int person_sched_fold(store_tx *tx, const char *id_number, unsigned fields, int *versions,
		      struct sh_err *err);
/* The update itself, with no folding (person_update folds, then calls it). */
int person_update_now(store_tx *tx, const struct audit_actor *actor, const char *id_number,
		      int expected_version, const struct person *changes, unsigned fields,
		      const char *reason, struct person *out, struct sh_err *err);

/* Field checks that need no database (lengths, scripts, dates, enums,
 * mobile, parents' number format). */
int person_validate_fields(const struct person *p, struct sh_err *err);
/* Checks against the database: council exists, parents exist and fit. */
int person_validate_refs(store_tx *tx, const struct person *p, unsigned fields,
			 struct sh_err *err);

/* Replace the search tokens of person `row_id` with those of its names. */
int person_tokens_write(store_tx *tx, int64_t row_id, const struct person *p, int replace,
			struct sh_err *err);

/* Versions table row for *p (p->version, p->updated_at already set). */
int person_version_insert(store_tx *tx, int64_t row_id, const struct person *p,
			  const struct audit_actor *actor, const char *reason, unsigned fields,
			  struct sh_err *err);

#endif
