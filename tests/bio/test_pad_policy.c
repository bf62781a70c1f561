/* test_pad_policy.c — the presentation-attack policy table: liveness
 * minimums per modality, two modalities for high-risk transactions, and
 * the fall-back to the modalities a person has. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "bio/pad_policy.h"

#define F PAD_BIT(PAD_FINGERPRINT)
#define I PAD_BIT(PAD_IRIS)
#define A PAD_BIT(PAD_FACE)

static const double live[PAD_MODALITIES] = {0.9, 0.9, 0.9};

static const char *check(const char *txn, unsigned present, const double *l, unsigned exempt,
			 struct pad_decision *d)
{
	static struct sh_err err;
	if (pad_policy_check(txn, present, l, exempt, d, &err) == SH_OK)
		return "OK";
	return err.code;
}

Test(pad_policy, table_names_the_high_risk_transactions)
{
	int seen = 0;
	for (const struct pad_rule *r = pad_policy_table(); r->transaction; r++) {
		int hr = !strcmp(r->transaction, "sim_issuance") ||
			 !strcmp(r->transaction, "bank_account_opening");
		cr_expect_eq(r->high_risk, hr, "%s", r->transaction);
		seen += hr;
	}
	cr_expect_eq(seen, 2);
	for (int m = 0; m < PAD_MODALITIES; m++)
		cr_expect(pad_policy_min_liveness(m) >= 0.5, "no minimum below the envelope's floor");
}

Test(pad_policy, liveness_minimum_per_modality)
{
	struct pad_decision d;
	for (int m = 0; m < PAD_MODALITIES; m++) {
		double l[PAD_MODALITIES] = {0.9, 0.9, 0.9};
		double min = pad_policy_min_liveness(m);
		l[m] = min;
		cr_expect_str_eq(check("ekyc", PAD_BIT(m), l, 0, &d), "OK", "%s at its minimum",
				 pad_modality_name(m));
		l[m] = nextafter(min, 0);
		cr_expect_str_eq(check("ekyc", PAD_BIT(m), l, 0, &d), "PAD_LIVENESS",
				 "%s just below", pad_modality_name(m));
		/* one failing capture refuses the transaction even with others good */
		cr_expect_str_eq(check("ekyc", PAD_ALL, l, 0, &d), "PAD_LIVENESS");
	}
	double bad[PAD_MODALITIES] = {NAN, 0.9, 0.9};
	cr_expect_str_eq(check("ekyc", F, bad, 0, &d), "PAD_BAD_INPUT");
	bad[0] = 1.5;
	cr_expect_str_eq(check("ekyc", F, bad, 0, &d), "PAD_BAD_INPUT");
	/* a modality not presented is not read */
	cr_expect_str_eq(check("ekyc", I, bad, 0, &d), "OK");
}

Test(pad_policy, high_risk_needs_two_modalities)
{
	struct pad_decision d;
	cr_expect_str_eq(check("ekyc", F, live, 0, &d), "OK");
	cr_expect_eq(d.required, 1u);
	cr_expect_str_eq(check("sim_issuance", F, live, 0, &d), "PAD_TOO_FEW_MODALITIES");
	cr_expect_str_eq(check("bank_account_opening", A, live, 0, &d), "PAD_TOO_FEW_MODALITIES");
	cr_expect_str_eq(check("sim_issuance", F | A, live, 0, &d), "OK");
	cr_expect_eq(d.required, 2u);
	cr_expect_eq(d.accepted, F | A);
	cr_expect(d.high_risk && !d.exemption_used);
	cr_expect_str_eq(check("bank_account_opening", F | I | A, live, 0, &d), "OK");
	cr_expect_str_eq(check("sim_issuance", 0, live, 0, &d), "PAD_NO_MODALITY");
	cr_expect_str_eq(check("ekyc", 0, live, 0, &d), "PAD_NO_MODALITY");
}

Test(pad_policy, exemptions_fall_back_to_what_the_person_has)
{
	struct pad_decision d;
	/* no readable fingers: two of iris and face still required */
	cr_expect_str_eq(check("sim_issuance", A, live, F, &d), "PAD_TOO_FEW_MODALITIES");
	cr_expect_str_eq(check("sim_issuance", I | A, live, F, &d), "OK");
	cr_expect(!d.exemption_used);
	/* no fingers and no eyes: the face alone, and the answer says so */
	cr_expect_str_eq(check("sim_issuance", A, live, F | I, &d), "OK");
	cr_expect_eq(d.required, 1u);
	cr_expect(d.exemption_used);
	/* the exemption does not excuse a low liveness */
	double l[PAD_MODALITIES] = {0.9, 0.9, 0.1};
	cr_expect_str_eq(check("sim_issuance", A, l, F | I, &d), "PAD_LIVENESS");
	cr_expect_str_eq(check("ekyc", 0, live, PAD_ALL, &d), "PAD_NO_MODALITY");
}

Test(pad_policy, bad_requests)
{
	struct pad_decision d;
	cr_expect_str_eq(check("lottery", F, live, 0, &d), "PAD_TRANSACTION");
	cr_expect_str_eq(check(NULL, F, live, 0, &d), "PAD_TRANSACTION");
	cr_expect_str_eq(check("ekyc", 8u, live, 0, &d), "PAD_BAD_INPUT");
	cr_expect_str_eq(check("ekyc", F, NULL, 0, &d), "PAD_BAD_INPUT");
}
