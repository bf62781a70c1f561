/* crvs_internal.h — helpers shared by the civil registration files; not a
 * public interface. */
#ifndef SH_CRVS_INTERNAL_H
#define SH_CRVS_INTERNAL_H

#include <jansson.h>

#include "crvs/crvs.h"
#include "registry/address.h"

/* Begin a write transaction for c (or take c->tx). */
int crvs_tx_begin(const struct crvs_ctx *c, store_tx **tx, struct sh_err *err);
/* Commit when rc is SH_OK, else roll back; returns the final status. With
 * c->tx, neither: the caller ends its own transaction. */
int crvs_tx_end(const struct crvs_ctx *c, store_tx *tx, int rc, struct sh_err *err);

void crvs_date_str(struct sh_date d, char out[11]);
/* The council, with its province; SH_ERULE UNKNOWN_COUNCIL when absent. */
int crvs_council(store_tx *tx, const char *code, struct address_council *out,
		 struct sh_err *err);
/* Event date sanity: not in the future (DATE_FUTURE). */
int crvs_check_date(const struct crvs_ctx *c, struct sh_date d, struct sh_err *err);
/* Late registration: past rules.late_days needs a reason (LATE_REASON_REQUIRED);
 * *late is set when the event is late. */
int crvs_check_late(store_tx *tx, const struct crvs_ctx *c, struct sh_date d,
		    const char *reason, int *late, struct sh_err *err);
/* Who notifies a birth or death: a health facility ("facility") or the
 * council counter ("self_declaration"), whose notices need supporting
 * documents (DOCUMENTS_REQUIRED, "a self-declared <what> needs ..."). */
int crvs_notice_source(const struct crvs_ctx *c, const char *documents, const char *what,
		       const char **source, struct sh_err *err);
/* The person `id` (label names the party in messages), who must exist
 * (PARTY_NOT_FOUND), be born by `on` (EVENT_BEFORE_BIRTH) and not have died
 * before `on` (EVENT_AFTER_DEATH). */
int crvs_party(store_tx *tx, const char *id, const char *label, struct sh_date on,
	       struct person *out, struct sh_err *err);

/* An event row to insert. */
struct crvs_new_event {
	enum crvs_kind kind;
	const char *source;
	struct sh_date date;
	const char *council, *council_a, *council_b;
	const char *subject_a, *subject_b;
	const char *sex;
	int birth_order;
	int late;
	const char *late_reason;
	json_t *details; /* borrowed */
};
int crvs_event_insert(store_tx *tx, const struct crvs_ctx *c, const struct crvs_new_event *e,
		      int64_t *id, struct sh_err *err);
/* Mark registered: reg_no and person id (may be NULL). */
int crvs_event_mark_registered(store_tx *tx, const struct crvs_ctx *c, int64_t id,
			       const char *reg_no, const char *person_id, struct sh_err *err);
/* The registration number of an event: "B-2026-000017". */
void crvs_reg_no(enum crvs_kind k, struct sh_date d, int64_t id, char out[32]);
/* Audit in tx; object "crvs_event:<id>"; detail may be NULL. */
int crvs_audit(store_tx *tx, const struct crvs_ctx *c, const char *action, const char *object,
	       json_t *detail, struct sh_err *err);

/* JSON helpers for the stored notice. */
const char *crvs_json_str(json_t *o, const char *key);
void crvs_json_copy(json_t *o, const char *key, char *out, size_t n);

/* Per kind: the registration step inside tx. */
int crvs_birth_register(store_tx *tx, const struct crvs_ctx *c, const struct crvs_event *e,
			const struct crvs_registration *r, struct crvs_outcome *out,
			struct sh_err *err);
int crvs_death_register(store_tx *tx, const struct crvs_ctx *c, const struct crvs_event *e,
			struct crvs_outcome *out, struct sh_err *err);
int crvs_marriage_register(store_tx *tx, const struct crvs_ctx *c, const struct crvs_event *e,
			   struct crvs_outcome *out, struct sh_err *err);
int crvs_divorce_register(store_tx *tx, const struct crvs_ctx *c, const struct crvs_event *e,
			  struct crvs_outcome *out, struct sh_err *err);

/* Rules re-checked at registration, since the registry may have changed
 * since the notice. */
int crvs_birth_rules(store_tx *tx, const struct crvs_ctx *c, const struct crvs_birth_notice *n,
		     int64_t self_id, struct person *mother, struct sh_err *err);
int crvs_marriage_rules(store_tx *tx, const struct crvs_ctx *c,
			const struct crvs_marriage_notice *n, int64_t self_id, struct sh_err *err);
int crvs_divorce_rules(store_tx *tx, const struct crvs_ctx *c,
		       const struct crvs_divorce_notice *n, struct crvs_marriage *m,
		       struct sh_err *err);
void crvs_birth_from_json(json_t *o, struct crvs_birth_notice *n);
void crvs_marriage_from_json(json_t *o, struct crvs_marriage_notice *n);
void crvs_divorce_from_json(json_t *o, struct crvs_divorce_notice *n);

/* A register read one record at a time: its SQL by id (one integer
 * parameter) and for the id by registration number (one text parameter),
 * how a row fills the record, and what a miss is called. */
struct crvs_record_kind {
	const char *by_id;
	const char *id_by_reg_no;
	void (*row)(store_stmt *st, void *out);
	const char *missing; /* SH_ENOTFOUND code, "MARRIAGE_NOT_FOUND" */
	const char *what;    /* in "no <what> <id>" */
};
int crvs_record_get(store_tx *tx, const struct crvs_record_kind *k, int64_t id, void *out,
		    struct sh_err *err);
int crvs_record_by_reg(store_tx *tx, const struct crvs_record_kind *k, const char *reg_no,
		       void *out, struct sh_err *err);
/* Finish a duplicate check whose query st selects the id of a conflicting
 * event: a row is SH_ERULE `code`, "<what> as event <id>". Finalizes st. */
int crvs_refuse_duplicate(store_stmt *st, const char *code, const char *what,
			  struct sh_err *err);

/* Who acts, as the event register records it ("system" for none). */
const char *crvs_actor_name(const struct crvs_ctx *c);
/* Audit action "crvs.<kind>.<verb>" on object "crvs_event:<id>"; takes
 * detail (may be NULL). */
int crvs_event_audit(store_tx *tx, const struct crvs_ctx *c, int64_t id, enum crvs_kind kind,
		     const char *verb, json_t *detail, struct sh_err *err);
/* A marriage as stored, without the read-time effect of a due talaq. */
int crvs_marriage_stored(store_tx *tx, int64_t id, struct crvs_marriage *out,
			 struct sh_err *err);
/* End marriage m as divorced on `on` (crvs_talaq.c); each party is
 * divorced unless married to someone else too. */
int crvs_talaq_dissolve(store_tx *tx, const struct crvs_ctx *c, const struct crvs_marriage *m,
			const char *on, const char *reason, struct sh_err *err);
/* Schedule in the registry the change of id's marital status that its
 * pending talaqs will make (divorced on the last date of effect when every
 * live marriage is ending), or cancel it when none will. */
int crvs_marital_sync(store_tx *tx, const struct crvs_ctx *c, const char *id, const char *reason,
		      struct sh_err *err);

/* Set a person's marital status (reason recorded in the registry). */
int crvs_set_marital(store_tx *tx, const struct crvs_ctx *c, const char *id,
		     enum person_marital m, const char *reason, struct sh_err *err);
/* Marital status a person should have once marriage `except` ended:
 * married if another marriage is live, else `otherwise`. */
int crvs_marital_after(store_tx *tx, const char *id, int64_t except, enum person_marital otherwise,
		       enum person_marital *out, struct sh_err *err);

#endif
