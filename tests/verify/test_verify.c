/* test_verify.c — yesno and kyc: normalized names, reasons, policy limits,
 * refusals for dead/cancelled/locked identities, fraud signals, the ledger,
 * biometric types in the records. */
#include "../consent/fixture.h"

#include <jansson.h>

#include "verify/verify.h"

static struct fx f;
static char alive[14], dead[14], cancelled[14];

static void setup(void)
{
	fx_open(&f);
	fx_party(&f, "Jazz Telco", VT_YESNO | VT_KYC | VT_FINGERPRINT, KA_NAME_EN | KA_ADDRESS);
	fx_person(&f, "Ayesha Khan", "Imran Khan", "1990-04-12", "+923001234567", PERSON_ALIVE,
		  alive);
	fx_person(&f, "Zafar Iqbal", "Iqbal Shah", "1950-03-01", "+923007654321", PERSON_DECEASED,
		  dead);
	fx_person(&f, "Nadia Rauf", "Rauf Ali", "1970-07-07", "+923001111111", PERSON_CANCELLED,
		  cancelled);
}
static void teardown(void)
{
	fx_close(&f);
}
TestSuite(verify, .init = setup, .fini = teardown);

/* Run a verification in its own transaction (committed when asked). */
static int run(struct verify_request *vr, struct verify_result *out, struct sh_err *err)
{
	store_tx *tx = NULL;
	struct sh_err e = {0};
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &e), SH_OK);
	int rc = verify_run(tx, f.kr, &f.cfg, &f.party_actor, &f.party, vr, sh_now(), out, err);
	if (rc == SH_OK)
		cr_assert_eq(store_commit(tx, &e), SH_OK, "%s", e.msg);
	else
		store_rollback(tx);
	return rc;
}

static struct verify_result res;

Test(verify, yesno_matches_normalized_names)
{
	struct consent_issued c;
	struct sh_err err = {0};
	fx_consent(&f, alive, "SIM issuance", &c);
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = c.test_code,
				    .type = "yesno", .name = "  AYESHA   khan ",
				    .father_name = "عمران خان", .dob = "1990-04-12",
				    .gender = "female"};
	cr_assert_eq(run(&vr, &res, &err), SH_OK, "%s %s", err.code, err.msg);
	cr_assert(res.ok, "%s", err.code);
	cr_assert_str_eq(res.result, "yes");
	cr_assert_str_eq(res.reason, "ALL_MATCH");
}

Test(verify, yesno_says_no_with_the_first_mismatch)
{
	struct consent_issued c;
	struct sh_err err = {0};
	fx_consent(&f, alive, "SIM issuance", &c);
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = c.test_code,
				    .type = "yesno", .name = "Ayesha Khan", .dob = "1991-04-12"};
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert(res.ok);
	cr_assert_str_eq(res.result, "no");
	cr_assert_str_eq(res.reason, "DOB_MISMATCH");
	/* Pure comparison: name first. */
	struct person p = res.person;
	struct verify_request v2 = {.name = "Ayesha Malik", .dob = "1991-04-12"};
	char reason[32];
	cr_assert_eq(verify_yesno_compare(&p, &v2, reason, &err), 0);
	cr_assert_str_eq(reason, "NAME_MISMATCH");
	struct verify_request v3 = {.father_name = "Imran  KHAN"};
	cr_assert_eq(verify_yesno_compare(&p, &v3, reason, &err), 1);
	struct verify_request v4 = {0};
	cr_assert(verify_yesno_compare(&p, &v4, reason, &err) < 0);
	cr_assert_str_eq(err.code, "YESNO_NO_FIELDS");
}

Test(verify, kyc_returns_exactly_the_policy)
{
	struct consent_issued c;
	struct sh_err err = {0};
	fx_consent(&f, alive, "SIM issuance", &c);
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = c.test_code,
				    .type = "kyc"};
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert(res.ok, "%s", err.code);
	json_t *o = verify_kyc_json(&res.person, res.attrs);
	cr_assert_eq(json_object_size(o), 2);
	cr_assert_str_eq(json_string_value(json_object_get(o, "name_en")), "Ayesha Khan");
	cr_assert(json_is_object(json_object_get(o, "address")));
	cr_assert_null(json_object_get(o, "dob"));
	cr_assert_null(json_object_get(o, "father_name_en"));
	json_decref(o);
}

Test(verify, kyc_outside_policy_returns_nothing_and_keeps_the_passcode)
{
	struct consent_issued c;
	struct sh_err err = {0};
	fx_consent(&f, alive, "SIM issuance", &c);
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = c.test_code,
				    .type = "kyc", .attrs = KA_NAME_EN | KA_DOB};
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert(!res.ok);
	cr_assert_str_eq(err.code, "ATTRIBUTE_NOT_ALLOWED");
	cr_assert_eq(err.status, SH_EFORBIDDEN);
	cr_assert_eq(res.attrs, 0);
	/* The passcode was not spent: a request within the policy works. */
	vr.attrs = KA_NAME_EN;
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert(res.ok, "%s", err.code);
	cr_assert_eq(res.attrs, KA_NAME_EN);
}

Test(verify, types_outside_policy_and_biometric_types)
{
	struct consent_issued c;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(party_set_policy(tx, &f.admin, f.party.id, VT_YESNO | VT_FINGERPRINT, 0, &err),
		     SH_OK);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	f.party.types = VT_YESNO | VT_FINGERPRINT;
	f.party.kyc_attrs = 0;
	fx_consent(&f, alive, "SIM issuance", &c);
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = c.test_code,
				    .type = "kyc"};
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert_str_eq(err.code, "TYPE_NOT_ALLOWED");
	json_t *bio = json_pack("{s:[i,i], s:s}", "finger_positions", 2, 7, "device", "MSO1300");
	vr.type = "fingerprint";
	vr.biometric = bio;
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert_str_eq(err.code, "TYPE_NOT_AVAILABLE");
	json_decref(bio);
	/* The ledger keeps the modality and its metadata. */
	cr_assert_eq(fx_count(&f,
			      "SELECT COUNT(*) FROM verify_transactions WHERE type = 'fingerprint'"
			      " AND detail LIKE '%finger_positions%' AND id_number = ?",
			      alive),
		     1);
	vr.type = "palmprint";
	cr_assert_eq(run(&vr, &res, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "VERIFY_TYPE");
}

Test(verify, deceased_and_cancelled_are_refused_and_signalled)
{
	struct consent_issued c;
	struct sh_err err = {0};
	fx_consent(&f, dead, "loan", &c);
	cr_assert(!c.delivered, "no passcode goes to a dead person's phone");
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = "123456",
				    .type = "yesno", .name = "Zafar Iqbal"};
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert(!res.ok);
	cr_assert_str_eq(err.code, "IDENTITY_DECEASED");
	/* Two signals: at the consent request and at the verification. */
	cr_assert_eq(fx_count(&f,
			      "SELECT COUNT(*) FROM fraud_signals WHERE kind = 'deceased_attempt'"
			      " AND id_number = ?",
			      dead),
		     2);
	fx_consent(&f, cancelled, "loan", &c);
	vr.consent_id = c.consent_id;
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert_str_eq(err.code, "IDENTITY_CANCELLED");
}

Test(verify, citizen_locks_take_effect_at_once)
{
	struct consent_issued c;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	struct audit_actor citizen = {.kind = "citizen", .name = alive};
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(ledger_lock_set(tx, &citizen, alive, VT_KYC, 1, &err), SH_OK);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	fx_consent(&f, alive, "SIM issuance", &c);
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = c.test_code,
				    .type = "kyc"};
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert(!res.ok);
	cr_assert_str_eq(err.code, "VERIFICATION_LOCKED");
	/* yesno is not locked */
	fx_consent(&f, alive, "SIM issuance", &c);
	struct verify_request v2 = {.consent_id = c.consent_id, .passcode = c.test_code,
				    .type = "yesno", .name = "Ayesha Khan"};
	cr_assert_eq(run(&v2, &res, &err), SH_OK);
	cr_assert(res.ok);
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(ledger_lock_set(tx, &citizen, alive, VT_KYC, 0, &err), SH_OK);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	fx_consent(&f, alive, "SIM issuance", &c);
	vr.consent_id = c.consent_id;
	vr.passcode = c.test_code;
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert(res.ok, "%s", err.code);
}

static int collect(void *ctx, const struct ledger_entry *t)
{
	json_array_append_new(ctx, json_pack("{s:s, s:s, s:s}", "event", t->event, "result",
					     t->result, "party", t->party_name ? t->party_name : ""));
	return 0;
}

Test(verify, every_attempt_is_in_the_ledger)
{
	struct consent_issued c;
	struct sh_err err = {0};
	fx_consent(&f, alive, "SIM issuance", &c);
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = "000000",
				    .type = "yesno", .name = "Ayesha Khan"};
	if (!strcmp(c.test_code, "000000"))
		vr.passcode = "000001";
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert_str_eq(err.code, "PASSCODE_INVALID");
	vr.passcode = c.test_code;
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert(res.ok);
	json_t *arr = json_array();
	store_tx *tx = NULL;
	cr_assert_eq(store_begin(f.db, STORE_READ, &tx, &err), SH_OK);
	cr_assert_eq(ledger_list(tx, alive, 50, 0, collect, arr, &err), SH_OK);
	store_rollback(tx);
	/* newest first: verified, refused, passcode_sent, consent_requested */
	cr_assert_eq(json_array_size(arr), 4);
	const char *ev[] = {"verified", "refused", "passcode_sent", "consent_requested"};
	for (int i = 0; i < 4; i++) {
		json_t *o = json_array_get(arr, (size_t)i);
		cr_expect_str_eq(json_string_value(json_object_get(o, "event")), ev[i]);
		cr_expect_str_eq(json_string_value(json_object_get(o, "party")), "Jazz Telco");
	}
	json_decref(arr);
	/* and in the audit log */
	cr_assert_eq(fx_count(&f, "SELECT COUNT(*) FROM audit_log WHERE action = 'verify.attempt'",
			      NULL),
		     2);
}
