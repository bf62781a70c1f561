/* crvs.h — civil registration: births, deaths, marriages and divorces, from
 * the feeders' notifications to the Union Council's registration.
 *
 * Feeders submit events (health facilities: births and deaths; licensed
 * nikah registrars: marriages; court clerks: divorces and talaq notices; the
 * council counter: self-declared births and deaths with documents). Each is
 * kept pending until a Union Council registrar of the competent council
 * registers or rejects it. Registering changes the person registry through
 * registry/person.h only, in the same transaction as the event record and
 * the audit entries.
 *
 * Every rule breach is SH_ERULE (HTTP 422) with a stable code; docs/crvs.md
 * lists them. Every function that takes a `struct crvs_ctx` runs one
 * transaction of its own, or the caller's (crvs_ctx.tx). */
#ifndef SH_CRVS_CRVS_H
#define SH_CRVS_CRVS_H

#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"
#include "lib/err.h"
#include "lib/parse.h"
#include "registry/person.h"
#include "store/store.h"

#define CRVS_TEXT_MAX 256
#define CRVS_IDNUM_MAX 14

/* Who is acting, where, and on which day (today may be set by tests to
 * exercise late registration and talaq waiting periods; {0} = real UTC). */
struct crvs_ctx {
	store *db;
	const struct audit_actor *actor;
	unsigned role_bit;         /* the actor's ROLE_* (auth/roles.h) */
	const char *council_code;  /* the actor's council ("" / NULL for none) */
	struct sh_date today;
	/* NULL: each call runs a transaction of its own. Set: calls run inside
	 * this one and never commit or roll it back; after an error the caller
	 * must roll it back (a failed call may have written part of its work). */
	store_tx *tx;
};

enum crvs_kind { CRVS_BIRTH = 1, CRVS_DEATH, CRVS_MARRIAGE, CRVS_DIVORCE };
enum crvs_status { CRVS_PENDING = 0, CRVS_REGISTERED, CRVS_REJECTED };
enum crvs_divorce_type { DIVORCE_TALAQ = 1, DIVORCE_DECREE, DIVORCE_KHULA };

const char *crvs_kind_name(enum crvs_kind k);     /* "birth", ... */
int crvs_kind_parse(const char *s);               /* -1 when unknown */
const char *crvs_status_name(enum crvs_status s); /* "pending", ... */
const char *crvs_divorce_type_name(enum crvs_divorce_type t);
int crvs_divorce_type_parse(const char *s);

/* Schema (module "crvs") and the rule configuration seed. */
int crvs_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

/* ---- configuration of rules: defaults in crvs_rules.c, overrides in the
 * tables crvs_settings / crvs_min_age ---- */
#define CRVS_BIRTH_ORDER_MIN 1
#define CRVS_BIRTH_ORDER_MAX 9
struct crvs_rules {
	int late_days;         /* registration later than this is flagged, needs a reason */
	int talaq_wait_days;   /* MFLO 1961 s.7(3): 90 days after notice */
	int witness_min_age;
};
int crvs_rules_get(store_tx *tx, struct crvs_rules *out, struct sh_err *err)
	__attribute__((warn_unused_result));
int crvs_rules_set(const struct crvs_ctx *c, const char *name, int64_t value,
		   struct sh_err *err) __attribute__((warn_unused_result));
/* Minimum marriage age in a province (code "PB", "SD", ...) for a gender. */
int crvs_min_age_get(store_tx *tx, const char *province, enum person_gender g, int *out,
		     struct sh_err *err) __attribute__((warn_unused_result));
int crvs_min_age_set(const struct crvs_ctx *c, const char *province, int male, int female,
		     struct sh_err *err) __attribute__((warn_unused_result));
/* The provinces with a default minimum age: i in 0..crvs_min_age_provinces()-1. */
size_t crvs_min_age_provinces(void);
const char *crvs_min_age_province(size_t i);

/* ---- submissions ---- */
struct crvs_birth_notice {
	char mother_id[CRVS_IDNUM_MAX];
	char father_id[CRVS_IDNUM_MAX];   /* "" when not given */
	enum person_gender sex;
	struct sh_date date;
	char time[8];                     /* "HH:MM", may be "" */
	char place[CRVS_TEXT_MAX];
	char facility[CRVS_TEXT_MAX];     /* required from a health facility */
	int weight_grams;                 /* 0 when unknown */
	int birth_order;                  /* 1 for a single birth; 1, 2, .. for multiples
					     (CRVS_BIRTH_ORDER_MIN..MAX) */
	char council_code[32];            /* council where the birth happened */
	char late_reason[CRVS_TEXT_MAX];
	char documents[CRVS_TEXT_MAX];    /* self-declaration: supporting documents */
};

struct crvs_death_notice {
	char person_id[CRVS_IDNUM_MAX];
	struct sh_date date;
	char place[CRVS_TEXT_MAX];
	char cause_icd10[16];             /* "" when not given */
	char council_code[32];
	char late_reason[CRVS_TEXT_MAX];
	char documents[CRVS_TEXT_MAX];
};

struct crvs_marriage_notice {
	char husband_id[CRVS_IDNUM_MAX], wife_id[CRVS_IDNUM_MAX];
	char witness1_id[CRVS_IDNUM_MAX], witness2_id[CRVS_IDNUM_MAX];
	struct sh_date date;
	char place[CRVS_TEXT_MAX];
	char council_code[32];
	char dower[CRVS_TEXT_MAX];
	int husband_consent, wife_consent; /* 1 when recorded */
	char arbitration_ref[64];          /* MFLO 1961 s.6 permission, further marriage */
	char late_reason[CRVS_TEXT_MAX];
};

struct crvs_divorce_notice {
	char husband_id[CRVS_IDNUM_MAX], wife_id[CRVS_IDNUM_MAX];
	enum crvs_divorce_type type;
	struct sh_date date;               /* talaq: date of notice; decree: date of decree */
	char decree_ref[64];
	char council_code[32];
};

/* What a submission or a registration reports back. */
struct crvs_outcome {
	int64_t event_id;
	int late;                          /* flagged as late registration */
	char reg_no[32];                   /* registration number once registered */
	char person_id[CRVS_IDNUM_MAX];    /* birth: the child's new identity number */
	char effective_date[11];           /* divorce: when it takes effect */
	int64_t record_id;                 /* marriage or divorce record id */
};

int crvs_notify_birth(const struct crvs_ctx *c, const struct crvs_birth_notice *n,
		      struct crvs_outcome *out, struct sh_err *err)
	__attribute__((warn_unused_result));
int crvs_notify_death(const struct crvs_ctx *c, const struct crvs_death_notice *n,
		      struct crvs_outcome *out, struct sh_err *err)
	__attribute__((warn_unused_result));
int crvs_submit_marriage(const struct crvs_ctx *c, const struct crvs_marriage_notice *n,
			 struct crvs_outcome *out, struct sh_err *err)
	__attribute__((warn_unused_result));
int crvs_submit_divorce(const struct crvs_ctx *c, const struct crvs_divorce_notice *n,
			struct crvs_outcome *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* ---- the council's decision ---- */
struct crvs_registration {
	char name_en[PERSON_NAME_MAX];     /* birth: the child's names */
	char name_ur[PERSON_NAME_MAX];
	char father_id[CRVS_IDNUM_MAX];    /* birth: overrides the notice's, may be "" */
	char address_line[PERSON_NAME_MAX];
};
int crvs_register(const struct crvs_ctx *c, int64_t event_id,
		  const struct crvs_registration *r, struct crvs_outcome *out,
		  struct sh_err *err) __attribute__((warn_unused_result));
int crvs_reject(const struct crvs_ctx *c, int64_t event_id, const char *reason,
		struct sh_err *err) __attribute__((warn_unused_result));

/* A stored event. details is the submitted notice as JSON text (malloc'd,
 * freed by crvs_event_free). */
struct crvs_event {
	int64_t id;
	enum crvs_kind kind;
	enum crvs_status status;
	char source[24];
	char event_date[11];
	char council_code[32];
	char subject_a[CRVS_IDNUM_MAX], subject_b[CRVS_IDNUM_MAX];
	int late;
	char late_reason[CRVS_TEXT_MAX];
	char submitted_by[64];
	int64_t submitted_at;
	char decided_by[64];
	char reject_reason[CRVS_TEXT_MAX];
	char person_id[CRVS_IDNUM_MAX];
	char reg_no[32];
	char council_a[32], council_b[32]; /* the parties' councils, "" when none */
	char *details;
};
void crvs_event_free(struct crvs_event *e);
int crvs_event_get(store_tx *tx, int64_t id, struct crvs_event *out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* May c read event e? An administrator reads any; a council registrar the
 * events of its jurisdiction (where it happened or a party's council, as
 * its pending list: SH_EFORBIDDEN WRONG_COUNCIL); a feeder the events it
 * submitted (SH_EFORBIDDEN NOT_SUBMITTER). */
int crvs_event_visible(const struct crvs_ctx *c, const struct crvs_event *e, struct sh_err *err)
	__attribute__((warn_unused_result));
/* Pending events the council may decide (event council or a person's
 * council), oldest first; fn returns nonzero to stop. The event passed to fn
 * is freed after it returns. */
int crvs_pending(store_tx *tx, const char *council, int limit,
		 int (*fn)(void *ctx, const struct crvs_event *e), void *ctx,
		 struct sh_err *err) __attribute__((warn_unused_result));
/* The registered event of a kind for a subject (birth: child; death:
 * deceased), SH_ENOTFOUND EVENT_NOT_FOUND. */
int crvs_event_find(store_tx *tx, enum crvs_kind kind, const char *person_id,
		    struct crvs_event *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* ---- marriages and divorces ---- */
enum crvs_marriage_status {
	MARRIAGE_ACTIVE = 0, MARRIAGE_TALAQ_PENDING, MARRIAGE_DIVORCED, MARRIAGE_ENDED_BY_DEATH,
};
struct crvs_marriage {
	int64_t id, event_id;
	char husband_id[CRVS_IDNUM_MAX], wife_id[CRVS_IDNUM_MAX];
	char date[11], ended_on[11];
	enum crvs_marriage_status status;
	char reg_no[32], council_code[32], dower[CRVS_TEXT_MAX], place[CRVS_TEXT_MAX];
};
struct crvs_divorce {
	int64_t id, event_id, marriage_id;
	enum crvs_divorce_type type;
	char husband_id[CRVS_IDNUM_MAX], wife_id[CRVS_IDNUM_MAX];
	char notice_date[11], effective_date[11];
	char status[16]; /* "pending_effect", "effective", "revoked" */
	char decree_ref[64], reg_no[32], council_code[32];
};
const char *crvs_marriage_status_name(enum crvs_marriage_status s);
int crvs_marriage_get(store_tx *tx, int64_t id, struct crvs_marriage *out, struct sh_err *err)
	__attribute__((warn_unused_result));
int crvs_divorce_get(store_tx *tx, int64_t id, struct crvs_divorce *out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* By registration number ("M-2026-000003" / "T-2026-000007"):
 * SH_ENOTFOUND MARRIAGE_NOT_FOUND / DIVORCE_NOT_FOUND. */
int crvs_marriage_by_reg(store_tx *tx, const char *reg_no, struct crvs_marriage *out,
			 struct sh_err *err) __attribute__((warn_unused_result));
int crvs_divorce_by_reg(store_tx *tx, const char *reg_no, struct crvs_divorce *out,
			struct sh_err *err) __attribute__((warn_unused_result));
/* Marriages of a person that are not ended (active or talaq pending). */
int crvs_marriages_of(store_tx *tx, const char *person_id,
		      int (*fn)(void *ctx, const struct crvs_marriage *m), void *ctx,
		      struct sh_err *err) __attribute__((warn_unused_result));

/* Revoke a talaq before it takes effect (MFLO 1961 s.7(4)). */
int crvs_talaq_revoke(const struct crvs_ctx *c, int64_t divorce_id, struct sh_err *err)
	__attribute__((warn_unused_result));
/* Record the effect of every talaq whose waiting period ended on or before
 * `today`, inside tx (called by every civil registration write). Readers
 * need not call it: the registers (crvs_marriage_get, crvs_divorce_get,
 * crvs_marriages_of) and the parties' marital status (person_get) already
 * show a talaq's effect from its date. Returns how many were recorded. */
int crvs_talaq_settle(store_tx *tx, const struct audit_actor *actor, struct sh_date today,
		      struct sh_err *err) __attribute__((warn_unused_result));

/* ---- nikah registrar licences ---- */
struct crvs_licence {
	char licence_no[32];
	char username[64];
	char council_code[32];
	char status[16]; /* "active", "suspended" */
	char suspend_reason[CRVS_TEXT_MAX];
};
int crvs_licence_grant(const struct crvs_ctx *c, const char *username, const char *council,
		       struct crvs_licence *out, struct sh_err *err)
	__attribute__((warn_unused_result));
int crvs_licence_suspend(const struct crvs_ctx *c, const char *licence_no, const char *reason,
			 struct sh_err *err) __attribute__((warn_unused_result));
/* SH_EFORBIDDEN NIKAH_LICENCE_REQUIRED / NIKAH_LICENCE_SUSPENDED. */
int crvs_licence_check(store_tx *tx, const char *username, struct crvs_licence *out,
		       struct sh_err *err) __attribute__((warn_unused_result));

/* ---- family tree (from the registry's links and the marriage register) ---- */
#define CRVS_FAMILY_MAX 32
struct crvs_family {
	struct person head;
	int has_mother, has_father;
	struct person mother, father;
	int nspouses, nchildren;
	struct person spouses[CRVS_FAMILY_MAX / 4];
	struct person children[CRVS_FAMILY_MAX];
};
/* Fills *out (large: allocate it). */
int crvs_family(store_tx *tx, const char *id_number, struct crvs_family *out,
		struct sh_err *err) __attribute__((warn_unused_result));

/* The date a ctx means by today. */
struct sh_date crvs_today(const struct crvs_ctx *c);

/* ---- statistics (crvs_tally.c): every registered event whose event date
 * is in [from, to_excl) ("YYYY-MM-DD"), one call of fn each (nonzero stops);
 * the row's strings live until fn returns. registered_at: Unix seconds of
 * the registration (decided_at), 0 when not recorded. ---- */
struct crvs_tally_row {
	enum crvs_kind kind;
	char event_date[11];
	const char *council;
	int64_t registered_at;
};
typedef int (*crvs_tally_fn)(void *ctx, const struct crvs_tally_row *r);
int crvs_tally_registered(store_tx *tx, const char *from, const char *to_excl,
			  crvs_tally_fn fn, void *ctx, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
