/* pad_policy.c — the presentation-attack policy table and its check
 * (pad_policy.h). */
#include "bio/pad_policy.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* The transactions the policy names. High-risk ones are those whose fraud
 * the multi-modal rule answers: a SIM or a bank account opened on a
 * forged finger is the documented attack (issue 19). */
static const struct pad_rule table[] = {
	{"enrolment", 0},
	{"deduplication", 0},
	{"ekyc", 0},
	{"sim_issuance", 1},
	{"bank_account_opening", 1},
	{NULL, 0},
};

const struct pad_rule *pad_policy_table(void)
{
	return table;
}

const char *pad_modality_name(int m)
{
	static const char *names[PAD_MODALITIES] = {"fingerprint", "iris", "face"};
	return m >= 0 && m < PAD_MODALITIES ? names[m] : NULL;
}

/* Minimum device liveness per modality, none below the envelope's own floor
 * (src/biometrics BIO_LIVENESS_MIN, 0.5). Policy choices, not measured:
 * face is strictest because its attack instruments (a printed photo, a
 * phone screen) are the cheapest and a target's face is public; fingerprint
 * next (latent prints become silicone or oil-on-paper fakes, the attacks
 * named in the issue); iris at the floor (a fake needs the target's iris
 * at capture resolution, in NIR). */
double pad_policy_min_liveness(int m)
{
	static const double min[PAD_MODALITIES] = {0.6, 0.5, 0.7};
	return m >= 0 && m < PAD_MODALITIES ? min[m] : 1.0;
}

static int popcount3(unsigned bits)
{
	int n = 0;
	for (int m = 0; m < PAD_MODALITIES; m++)
		n += (bits >> m) & 1u;
	return n;
}

int pad_policy_check(const char *transaction, unsigned present,
		     const double liveness[PAD_MODALITIES], unsigned exempt,
		     struct pad_decision *out, struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	const struct pad_rule *rule = NULL;
	for (const struct pad_rule *r = table; transaction && r->transaction; r++)
		if (!strcmp(r->transaction, transaction))
			rule = r;
	if (!rule)
		return sh_err_set(err, SH_EINVAL, "PAD_TRANSACTION", "unknown transaction '%s'",
				  transaction ? transaction : "(null)");
	if ((present | exempt) & ~PAD_ALL)
		return sh_err_set(err, SH_EINVAL, "PAD_BAD_INPUT", "modality bits outside 0x%x",
				  PAD_ALL);
	if (present && !liveness)
		return sh_err_set(err, SH_EINVAL, "PAD_BAD_INPUT", "no liveness scores given");
	/* an exempted modality that is presented anyway still counts: the
	 * exemption excuses its absence, it does not forbid it */
	for (int m = 0; m < PAD_MODALITIES; m++) {
		if (!(present & PAD_BIT(m)))
			continue;
		double l = liveness[m];
		if (!isfinite(l) || l < 0 || l > 1)
			return sh_err_set(err, SH_EINVAL, "PAD_BAD_INPUT",
					  "%s liveness must be a number in 0..1", pad_modality_name(m));
		if (l < pad_policy_min_liveness(m))
			return sh_err_set(err, SH_ERULE, "PAD_LIVENESS",
					  "%s capture's liveness %.3f is below the required %.2f",
					  pad_modality_name(m), l, pad_policy_min_liveness(m));
	}
	int available = PAD_MODALITIES - popcount3(exempt & PAD_ALL);
	int have = popcount3(present);
	int need = rule->high_risk ? 2 : 1;
	int exempted = 0;
	/* with exemptions leaving fewer than `need`, every modality the
	 * person can give is required */
	if (need > available) {
		need = available;
		exempted = 1;
	}
	if (need <= 0 || have == 0)
		return sh_err_set(err, SH_ERULE, "PAD_NO_MODALITY",
				  "no biometric modality presented%s",
				  need <= 0 ? " (every modality exempted)" : "");
	if (have < need)
		return sh_err_set(err, SH_ERULE, "PAD_TOO_FEW_MODALITIES",
				  "'%s' needs %d distinct modalities, %d presented%s", rule->transaction,
				  need, have, exempted ? " (after exemptions)" : "");
	out->required = (unsigned)need;
	out->accepted = present;
	out->exemption_used = exempted;
	out->high_risk = rule->high_risk;
	return SH_OK;
}
