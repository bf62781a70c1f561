/* person.h — the person registry: the single version of the truth.
 *
 * The registry is the only writer of person records. Other domains (civil
 * registration, consent, biometrics) change a person only through these
 * functions, inside their own transaction, so that the event record, the
 * person's new version and the audit entry commit together or not at all.
 *
 * Records are never overwritten: every change writes a new version (who,
 * when, why) and the current row points at it. Deletion is a status.
 *
 * Functions taking a store_tx run inside the caller's transaction and append
 * their own audit entries to it; they never commit. */
#ifndef SH_REGISTRY_PERSON_H
#define SH_REGISTRY_PERSON_H

#include <stdint.h>

#include "audit/audit.h"
#include "lib/err.h"
#include "lib/parse.h"
#include "store/store.h"

#define PERSON_IDNUM_LEN 13      /* digits, stored without dashes */
#define PERSON_NAME_MAX 256      /* bytes of UTF-8, NUL included */
#define PERSON_CODE_MAX 32
#define PERSON_MOBILE_MAX 20     /* E.164, "+923001234567" */

enum person_gender { GENDER_UNKNOWN = 0, GENDER_MALE, GENDER_FEMALE, GENDER_OTHER };
enum person_status { PERSON_ALIVE = 0, PERSON_DECEASED, PERSON_CANCELLED };
enum person_dob_precision { DOB_FULL = 0, DOB_YEAR_ONLY };
enum person_citizenship {
	CITIZEN = 0, CITIZENSHIP_POC, CITIZENSHIP_ARC, CITIZENSHIP_POR,
	CITIZENSHIP_ACC, CITIZENSHIP_STATELESS,
};
enum person_marital { MARITAL_SINGLE = 0, MARITAL_MARRIED, MARITAL_DIVORCED, MARITAL_WIDOWED };
enum person_guardian { GUARDIAN_FATHER = 0, GUARDIAN_HUSBAND };

struct person {
	int64_t row_id;                    /* internal; never leaves the server */
	char id_number[PERSON_IDNUM_LEN + 1];
	int legacy_number;                 /* 1 when imported from the legacy scheme */
	int version;                       /* 1 on creation, +1 per change */
	char name_ur[PERSON_NAME_MAX];     /* Urdu script */
	char name_en[PERSON_NAME_MAX];     /* Latin script */
	char guardian_name_ur[PERSON_NAME_MAX]; /* father's or husband's name */
	char guardian_name_en[PERSON_NAME_MAX];
	enum person_guardian guardian_relation;
	enum person_gender gender;
	struct sh_date dob;
	enum person_dob_precision dob_precision;
	char place_of_birth[PERSON_NAME_MAX];
	char council_code[PERSON_CODE_MAX]; /* union council of the address */
	char address_line[PERSON_NAME_MAX];
	enum person_status status;
	struct sh_date date_of_death;      /* when status == PERSON_DECEASED */
	enum person_citizenship citizenship;
	enum person_marital marital;
	char mobile[PERSON_MOBILE_MAX];    /* "" when none registered */
	char mother_id[PERSON_IDNUM_LEN + 1]; /* "" when unknown */
	char father_id[PERSON_IDNUM_LEN + 1];
	int64_t updated_at;                /* Unix seconds of this version */
};

/* Which fields a change sets (PERSON_F_* bits). */
enum person_field {
	PERSON_F_NAME_UR = 1u << 0, PERSON_F_NAME_EN = 1u << 1,
	PERSON_F_GUARDIAN = 1u << 2, PERSON_F_GENDER = 1u << 3,
	PERSON_F_DOB = 1u << 4, PERSON_F_PLACE_OF_BIRTH = 1u << 5,
	PERSON_F_ADDRESS = 1u << 6, PERSON_F_STATUS = 1u << 7,
	PERSON_F_CITIZENSHIP = 1u << 8, PERSON_F_MARITAL = 1u << 9,
	PERSON_F_MOBILE = 1u << 10, PERSON_F_PARENTS = 1u << 11,
};
#define PERSON_F_ALL 0xFFFu

int registry_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

/* Create a person from *p (all fields validated: names, dates, council code
 * in the address library, parents exist). An empty p->id_number issues a new
 * random identity number; a legacy number may be given for imports. On
 * success fills p->id_number, p->row_id, p->version. Errors: SH_EINVAL with a
 * field code, SH_ECONFLICT PERSON_EXISTS. */
int person_create(store_tx *tx, const struct audit_actor *actor, struct person *p,
		  const char *reason, struct sh_err *err) __attribute__((warn_unused_result));

/* Current version. SH_ENOTFOUND PERSON_NOT_FOUND. Accepts dashed numbers. */
int person_get(store_tx *tx, const char *id_number, struct person *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Apply the fields of `changes` selected by `fields` as a new version.
 * expected_version > 0 makes it conditional: a stale version gives
 * SH_ECONFLICT VERSION_CONFLICT (optimistic concurrency). `reason` is
 * required. On success *out (may be NULL) is the new current version. */
int person_update(store_tx *tx, const struct audit_actor *actor, const char *id_number,
		  int expected_version, const struct person *changes, unsigned fields,
		  const char *reason, struct person *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Every version, oldest first: calls fn for each; fn returns nonzero to stop. */
struct person_version_meta {
	int version;
	int64_t at;
	const char *actor;   /* username or "system" */
	const char *reason;
	unsigned fields;     /* what this version changed */
};
int person_history(store_tx *tx, const char *id_number,
		   int (*fn)(void *ctx, const struct person *p, const struct person_version_meta *m),
		   void *ctx, struct sh_err *err) __attribute__((warn_unused_result));

/* Search by normalized name (Urdu or Latin; all words must appear) and/or
 * date of birth (NULL for any). Up to `limit` results into out[], count in
 * *n. A year-only dob record matches any dob in that year. */
int person_search(store_tx *tx, const char *name, const struct sh_date *dob, int limit,
		  struct person *out, int *n, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Enum <-> wire names ("male", "deceased", "poc", "married", ...). The
 * *_parse functions return -1 for unknown names. */
const char *person_gender_name(enum person_gender g);
int person_gender_parse(const char *s);
const char *person_status_name(enum person_status s);
int person_status_parse(const char *s);
const char *person_citizenship_name(enum person_citizenship c);
int person_citizenship_parse(const char *s);
const char *person_marital_name(enum person_marital m);
int person_marital_parse(const char *s);
const char *person_guardian_name(enum person_guardian g);     /* "father", "husband" */
int person_guardian_parse(const char *s);
const char *person_dob_precision_name(enum person_dob_precision p); /* "full", "year" */
int person_dob_precision_parse(const char *s);

/* --- Added by the registry module (beyond the lead's first contract). --- */

struct address_council;

/* person_get plus the address names of the person's union council, in one
 * indexed query (the hot path of GET /persons/{id}). *addr may be NULL. */
int person_get_full(store_tx *tx, const char *id_number, struct person *out,
		    struct address_council *addr, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Persons whose mother_id or father_id is `id_number` (family trees), in
 * order of birth; fn returns nonzero to stop. */
int person_children(store_tx *tx, const char *id_number,
		    int (*fn)(void *ctx, const struct person *child), void *ctx,
		    struct sh_err *err) __attribute__((warn_unused_result));

/* Register or change the mobile number (a PERSON_F_MOBILE update with no
 * version condition). "" removes it. */
int person_set_mobile(store_tx *tx, const struct audit_actor *actor, const char *id_number,
		      const char *mobile, const char *reason, struct sh_err *err)
	__attribute__((warn_unused_result));

/* --- Changes that take effect later (person_schedule.c). ---
 * A scheduled value of PERSON_F_MARITAL or PERSON_F_MOBILE takes effect at
 * effective_at (Unix seconds): from then every read (person_get) shows it,
 * and the next write records it as a version. One per person and field: a
 * new one replaces the old; writing the field directly drops it. */
int person_schedule(store_tx *tx, const struct audit_actor *actor, const char *id_number,
		    unsigned field, const struct person *value, int64_t effective_at,
		    const char *reason, struct sh_err *err) __attribute__((warn_unused_result));
int person_schedule_cancel(store_tx *tx, const struct audit_actor *actor, const char *id_number,
			   unsigned field, const char *reason, struct sh_err *err)
	__attribute__((warn_unused_result));
/* The change of `field` still to come: SH_OK with *value's field and
 * *effective_at, or SH_ENOTFOUND (err untouched) when none. */
int person_schedule_get(store_tx *tx, const char *id_number, unsigned field,
			struct person *value, int64_t *effective_at, struct sh_err *err)
	__attribute__((warn_unused_result));

/* --- A change of mobile (person_mobile.c). ---
 * Requested at a counter: a 6-digit code goes to the new number (valid
 * PERSON_MOBILE_CODE_TTL seconds, PERSON_MOBILE_CODE_TRIES tries) and a
 * notice to the old one. Confirmed with that code: with no old number the
 * new one is in force at once; otherwise it is scheduled (person_schedule)
 * PERSON_MOBILE_COOLING_OFF seconds ahead and the old number told when.
 * Until then person_get, and so every consent passcode, keeps the old
 * number. The code is kept only as a keyed hash (KEY_OTP_PEPPER). */
#define PERSON_MOBILE_CODE_TTL 600
#define PERSON_MOBILE_CODE_TRIES 5
#define PERSON_MOBILE_COOLING_OFF (72 * 3600)
struct keyring;
struct person_mobile_change {
	char mobile[PERSON_MOBILE_MAX]; /* the new number, E.164 */
	int64_t expires_at;             /* request: the code's end */
	int confirmed;                  /* confirm: 0 for a wrong code */
	int tries_left;                 /* confirm, wrong code: tries left */
	int64_t effective_at;           /* confirm: when the new number takes over */
	int old_notified;               /* an old number was sent a notice */
};
/* Errors: MOBILE_INVALID, PERSON_NOT_FOUND, SH_ERULE MOBILE_UNCHANGED /
 * PERSON_NOT_ALIVE, REASON_REQUIRED. */
int person_mobile_request(store_tx *tx, const struct audit_actor *actor,
			  const struct keyring *kr, const char *id_number, const char *mobile,
			  const char *reason, int64_t now, struct person_mobile_change *out,
			  struct sh_err *err) __attribute__((warn_unused_result));
/* SH_OK with out->confirmed = 0 for a wrong code (the try is counted in
 * tx: commit it). Errors: CODE_INVALID, SH_ENOTFOUND NO_MOBILE_CHANGE,
 * SH_ERULE MOBILE_CODE_EXPIRED (expired or tries spent). */
int person_mobile_confirm(store_tx *tx, const struct audit_actor *actor,
			  const struct keyring *kr, const char *id_number, const char *code,
			  int64_t now, struct person_mobile_change *out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* Withdraw a change not yet in effect (requested or scheduled); *cancelled
 * says whether there was one. */
int person_mobile_cancel(store_tx *tx, const struct audit_actor *actor, const char *id_number,
			 const char *reason, int *cancelled, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Accept "+923001234567", "923001234567", "03001234567", "0092 300 1234567"
 * (spaces and dashes ignored) and write the E.164 form "+923001234567".
 * Pakistani mobile numbers only: +92 3XX XXXXXXX. SH_EINVAL MOBILE_INVALID. */
int person_mobile_normalize(const char *in, char out[PERSON_MOBILE_MAX], struct sh_err *err)
	__attribute__((warn_unused_result));

/* --- Persons of an area (person_area.c). ---
 * Every current person whose council_code is `area_code` or lies under it
 * (a tehsil, district or province code), in row order; fn returns nonzero
 * to stop. SH_EINVAL AREA_INVALID for an empty code. */
int person_each_in_area(store_tx *tx, const char *area_code,
			int (*fn)(void *ctx, const struct person *p), void *ctx,
			struct sh_err *err) __attribute__((warn_unused_result));

#endif
