/* bio_case.h — adjudication of de-duplication hits (docs/biometrics.md).
 *
 * A case pairs a held enrolment with one candidate person. The adjudicator
 * sees both records side by side and decides: same person (a duplicate
 * identity: the candidate's record is flagged `duplicate`, the later
 * enrolment is `blocked`, a `duplicate_identity` fraud signal is raised) or
 * different persons (the pair is remembered so that twins and siblings are
 * not raised again; the enrolment becomes `unique` when no case of it is
 * still open). Every step is audited in the transaction that makes it. */
#ifndef SH_BIOMETRICS_BIO_CASE_H
#define SH_BIOMETRICS_BIO_CASE_H

#include "biometrics/bio.h"

struct bio_case {
	int64_t id;
	int64_t enrolment_id, candidate_enrolment_id;
	char id_number[16], candidate_id_number[16];
	char score[16];
	char detail[2048];         /* JSON: per-finger scores and the rule */
	char state[24];            /* open | same_person | different_persons */
	int64_t opened_at, decided_at;
	char decided_by[BIO_ID_MAX];
	char reason[256];
};

int bio_case_get(store_tx *tx, int64_t id, struct bio_case *out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* Cases in a state ("open", or NULL for all), oldest first, after `after`. */
int bio_case_list(store_tx *tx, const char *state, int64_t after, int limit,
		  struct bio_case *out, int *n, struct sh_err *err)
	__attribute__((warn_unused_result));
/* decision: "same_person" | "different_persons"; reason required.
 * SH_ECONFLICT CASE_DECIDED for a case already decided. */
int bio_case_decide(store_tx *tx, const struct audit_actor *actor, int64_t id,
		    const char *decision, const char *reason, struct bio_case *out,
		    struct sh_err *err) __attribute__((warn_unused_result));

/* One sealed image of a case's side ("probe" or "candidate") at a finger
 * position, opened, for the adjudicator; the view is audited with its
 * reason in tx (a write). *bytes malloc'd. */
int bio_case_image(store_tx *tx, const struct keyring *kr, const struct audit_actor *actor,
		   int64_t case_id, const char *side, int position, const char *reason,
		   unsigned char **bytes, size_t *len, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Positions with an image in an enrolment (bit p set for position p). */
int bio_enrolment_positions(store_tx *tx, int64_t enrolment_id, unsigned *mask,
			    struct sh_err *err) __attribute__((warn_unused_result));

#endif
