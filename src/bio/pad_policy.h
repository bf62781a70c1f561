/* pad_policy.h — the presentation-attack policy: which captures a
 * transaction accepts (pad_policy.c). Pure: no I/O, no state.
 *
 * Two rules (issue 19; docs/iris.md, "Presentation attacks"):
 *  1. every presented modality needs its capture device's signed liveness
 *     score (the capture envelope's `liveness`, 0..1, src/biometrics) at or
 *     above that modality's minimum (pad_policy_min_liveness); one below
 *     refuses the whole transaction (a suspected attack is not silently
 *     dropped in favour of the other modalities);
 *  2. high-risk transactions (SIM issuance, bank account opening) need at
 *     least two distinct modalities, each passing rule 1 — unless the
 *     person's policy exemptions leave fewer than two modalities they can
 *     give: then every modality they can give is required (at least one),
 *     and the answer says an exemption was applied (for the audit trail).
 *
 * The minimums are policy, not measurements: no software liveness check on
 * images is claimed here, and none was measured (no presentation-attack
 * data set is available to us); the device's certified PAD (ISO/IEC
 * 30107-3 testing) is what the score stands for.
 *
 * Errors (sh_err.code): PAD_TRANSACTION (SH_EINVAL: an unknown transaction
 * name), PAD_BAD_INPUT (SH_EINVAL: a liveness outside 0..1 or not a
 * number, a modality bit outside PAD_ALL), PAD_LIVENESS (SH_ERULE: a
 * presented modality below its minimum; the message names it),
 * PAD_TOO_FEW_MODALITIES (SH_ERULE: fewer distinct modalities than the
 * transaction requires), PAD_NO_MODALITY (SH_ERULE: nothing presented, or
 * every modality exempted). */
#ifndef SH_BIO_PAD_POLICY_H
#define SH_BIO_PAD_POLICY_H

#include "lib/err.h"

enum pad_modality { PAD_FINGERPRINT = 0, PAD_IRIS = 1, PAD_FACE = 2, PAD_MODALITIES = 3 };

#define PAD_BIT(m) (1u << (m))
#define PAD_ALL (PAD_BIT(PAD_FINGERPRINT) | PAD_BIT(PAD_IRIS) | PAD_BIT(PAD_FACE))

/* One row of the policy table. */
struct pad_rule {
	const char *transaction; /* "enrolment", "ekyc", "sim_issuance", ... */
	int high_risk;           /* 1: needs two modalities */
};

/* The table (NULL-terminated by a row with transaction NULL). */
const struct pad_rule *pad_policy_table(void);

/* "fingerprint", "iris", "face"; NULL out of range. */
const char *pad_modality_name(int m);

/* The minimum device liveness score a capture of modality m needs. */
double pad_policy_min_liveness(int m);

struct pad_decision {
	unsigned required;   /* distinct modalities the transaction needed */
	unsigned accepted;   /* bits of the modalities that passed */
	int exemption_used;  /* 1: fewer than two because of exemptions */
	int high_risk;
};

/* Check a transaction's captures. `present`: bits of the modalities
 * presented; liveness[m] is read for those only. `exempt`: bits of the
 * modalities the person's policy exemptions excuse (no readable fingers,
 * no eyes). SH_OK and *out filled when the captures suffice. */
int pad_policy_check(const char *transaction, unsigned present,
		     const double liveness[PAD_MODALITIES], unsigned exempt,
		     struct pad_decision *out, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
