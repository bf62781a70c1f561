/* test_verify.c — yesno and kyc: normalized names, reasons, policy limits,
 * refusals for dead/cancelled/locked identities, fraud signals, the ledger,
 * biometric types in the records. */
#include "../consent/fixture.h"

#include <jansson.h>

#include "registry/idnum.h"
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
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = fx_code(&f, &c),
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
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = fx_code(&f, &c),
				    .type = "yesno", .name = "Ayesha Khan", .dob = "1991-04-12"};
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert(res.ok);
	cr_assert_str_eq(res.result, "no");
	cr_assert_str_eq(res.reason, "DOB_MISMATCH");
	/* Pure comparison: name first. */
	struct person p = res.person;
	struct verify_request v2 = {.name = "Ayesha Malik", .dob = "1991-04-12"};
	char reason[32];
	cr_assert_eq(verify_yesno_compare(&p, &res.rel, &v2, reason, &err), 0);
	cr_assert_str_eq(reason, "NAME_MISMATCH");
	struct verify_request v3 = {.father_name = "Imran  KHAN"};
	cr_assert_eq(verify_yesno_compare(&p, &res.rel, &v3, reason, &err), 1);
	struct verify_request v4 = {0};
	cr_assert(verify_yesno_compare(&p, &res.rel, &v4, reason, &err) < 0);
	cr_assert_str_eq(err.code, "YESNO_NO_FIELDS");
}

Test(verify, kyc_returns_exactly_the_policy)
{
	struct consent_issued c;
	struct sh_err err = {0};
	fx_consent(&f, alive, "SIM issuance", &c);
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = fx_code(&f, &c),
				    .type = "kyc"};
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert(res.ok, "%s", err.code);
	json_t *o = verify_kyc_json(&res.person, &res.rel, res.attrs);
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
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = fx_code(&f, &c),
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
	cr_assert_eq(party_set_policy(tx, &f.admin, f.party.id, VT_YESNO | VT_FINGERPRINT | VT_FACE,
				      0, &err),
		     SH_OK);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	f.party.types = VT_YESNO | VT_FINGERPRINT | VT_FACE;
	f.party.kyc_attrs = 0;
	fx_consent(&f, alive, "SIM issuance", &c);
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = fx_code(&f, &c),
				    .type = "kyc"};
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert_str_eq(err.code, "TYPE_NOT_ALLOWED");
	json_t *bio = json_pack("{s:s, s:[i,i], s:s}", "modality", "fingerprint", "positions", 2, 7,
				"device_id", "MSO1300");
	/* fingerprint needs a device-signed capture: bad input, nothing kept */
	vr.type = "fingerprint";
	vr.biometric = bio;
	cr_assert_eq(run(&vr, &res, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "CAPTURE_REQUIRED");
	cr_assert_eq(fx_count(&f,
			      "SELECT COUNT(*) FROM verify_transactions WHERE type = 'fingerprint'"
			      " AND id_number = ?",
			      alive),
		     0);
	/* face has no matcher yet */
	vr.type = "face";
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert_str_eq(err.code, "TYPE_NOT_AVAILABLE");
	json_decref(bio);
	/* The ledger keeps the modality and its metadata. */
	cr_assert_eq(fx_count(&f,
			      "SELECT COUNT(*) FROM verify_transactions WHERE type = 'face'"
			      " AND detail LIKE '%\"positions\":[2,7]%' AND id_number = ?",
			      alive),
		     1);
	vr.type = "palmprint";
	cr_assert_eq(run(&vr, &res, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "VERIFY_TYPE");
}

/* Issue 13 item 9: before a right passcode, a dead or cancelled identity
 * answers exactly what any number whose passcode is wrong answers: no
 * party can list deaths by asking. */
Test(verify, deceased_and_cancelled_are_not_disclosed_before_a_passcode)
{
	struct consent_issued c, u;
	struct sh_err err = {0}, uerr = {0};
	struct verify_result ures;
	char unknown[14];
	cr_assert_eq(idnum_generate(unknown, &err), SH_OK);
	/* A party whose policy would allow the disclosure learns nothing yet. */
	f.party.kyc_attrs |= KA_LIFE_STATUS;
	fx_consent(&f, dead, "loan", &c);
	cr_assert(!c.delivered, "no passcode goes to a dead person's phone");
	fx_consent(&f, unknown, "loan", &u);
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = "123456",
				    .type = "yesno", .name = "Zafar Iqbal"};
	struct verify_request vu = vr;
	vu.consent_id = u.consent_id;
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert_eq(run(&vu, &ures, &uerr), SH_OK);
	cr_assert(!res.ok);
	cr_assert_str_eq(err.code, "PASSCODE_INVALID");
	cr_assert_str_eq(err.code, uerr.code);
	cr_assert_str_eq(err.msg, uerr.msg);
	/* The consent request kept its fraud signal; the verification before
	 * any passcode adds none (it would be work only deaths do). */
	cr_assert_eq(fx_count(&f,
			      "SELECT COUNT(*) FROM fraud_signals WHERE kind = 'deceased_attempt'"
			      " AND id_number = ?",
			      dead),
		     1);
	fx_consent(&f, cancelled, "loan", &c);
	vr.consent_id = c.consent_id;
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert_str_eq(err.code, "PASSCODE_INVALID");
}

/* A death registered after the passcode went out: the consent was given.
 * Only a party whose policy holds life_status is told it is a death. */
Test(verify, after_consent_only_a_life_status_policy_names_the_death)
{
	struct consent_issued c1, c2;
	struct sh_err err = {0};
	char idn[14];
	fx_person(&f, "Kamran Akmal", "Akmal Shah", "1960-05-05", "+923002222222", PERSON_ALIVE,
		  idn);
	fx_consent(&f, idn, "loan", &c1);
	fx_consent(&f, idn, "loan", &c2);
	cr_assert(c1.delivered && c2.delivered);
	store_tx *tx = NULL;
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(store_run(tx, &err, "UPDATE persons SET status = 'deceased' WHERE id_number = ?",
			       "t", idn),
		     1);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	struct verify_request vr = {.consent_id = c1.consent_id, .passcode = fx_code(&f, &c1),
				    .type = "yesno", .name = "Kamran Akmal"};
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert(!res.ok);
	cr_assert_str_eq(err.code, "IDENTITY_UNVERIFIABLE");
	f.party.kyc_attrs |= KA_LIFE_STATUS;
	vr.consent_id = c2.consent_id;
	vr.passcode = fx_code(&f, &c2);
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert(!res.ok);
	cr_assert_str_eq(err.code, "IDENTITY_DECEASED");
	cr_assert_eq(fx_count(&f,
			      "SELECT COUNT(*) FROM fraud_signals WHERE kind = 'deceased_attempt'"
			      " AND id_number = ?",
			      idn),
		     2);
}

/* Issue 14 item 7: the ledger keeps named metadata only. */
Test(verify, biometric_metadata_is_named_and_bounded)
{
	struct sh_err err = {0};
	char out[VERIFY_BIO_META_MAX];
	json_t *ok = json_pack("{s:s, s:[i], s:s, s:i, s:s}", "modality", "iris", "positions", 1,
			       "device_id", "IRIS-CAM:7", "quality", 88, "sample_sha256",
			       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	cr_assert_eq(verify_biometric_meta(ok, out, &err), SH_OK, "%s", err.msg);
	cr_assert_str_eq(out, "{\"device_id\":\"IRIS-CAM:7\",\"modality\":\"iris\","
			      "\"positions\":[1],\"quality\":88,\"sample_sha256\":"
			      "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}");
	json_decref(ok);
	const char *bad[] = {
		"{\"template\":\"Rk1SACAyMAA=\"}",           /* a template: refused */
		"{\"modality\":\"fingerprint\",\"image\":\"x\"}", /* an image */
		"{\"positions\":[1,2,3,4,5,6,7,8,9,10,1]}",     /* more than 10 */
		"{\"positions\":[11]}",
		"{\"quality\":101}",
		"{\"device_id\":\"a b\"}",
		"{\"sample_sha256\":\"ABC\"}",
		"{\"modality\":\"palm\"}",
		"[1,2]",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *j = json_loads(bad[i], JSON_DECODE_ANY, NULL);
		cr_assert(j);
		cr_assert_eq(verify_biometric_meta(j, out, &err), SH_EINVAL, "%s", bad[i]);
		cr_assert_str_eq(err.code, "BIOMETRIC_FIELD");
		json_decref(j);
	}
	/* Through a verification: refused whole, nothing recorded. */
	struct consent_issued c;
	fx_consent(&f, alive, "SIM issuance", &c);
	json_t *tmpl = json_pack("{s:s, s:s}", "modality", "fingerprint", "template",
				 "Rk1SACAyMAAAAAE=");
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = fx_code(&f, &c),
				    .type = "fingerprint", .biometric = tmpl};
	cr_assert_eq(run(&vr, &res, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "BIOMETRIC_FIELD");
	json_decref(tmpl);
	cr_assert_eq(fx_count(&f, "SELECT COUNT(*) FROM verify_transactions WHERE detail LIKE"
				  " '%Rk1S%'",
			      NULL),
		     0);
}

/* Issue 13 item 5: father_name is the father's, never the husband's. */
Test(verify, each_relation_is_matched_only_against_itself)
{
	struct sh_err err = {0};
	char father[14], wife[14];
	fx_person(&f, "Rashid Mehmood", "Mehmood Khan", "1940-01-01", "", PERSON_ALIVE, father);
	fx_person(&f, "Sadia Rashid", "Rashid Mehmood", "1975-01-01", "+923003333333",
		  PERSON_ALIVE, wife);
	/* Sadia married Kashif: her guardian is now her husband; her father is
	 * linked by record. */
	struct person ch = {0};
	store_tx *tx = NULL;
	ch.gender = GENDER_MALE;
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(person_update(tx, &f.admin, father, 0, &ch, PERSON_F_GENDER, "test: a man",
				   NULL, &err),
		     SH_OK, "%s %s", err.code, err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	snprintf(ch.guardian_name_en, sizeof ch.guardian_name_en, "Kashif Ali");
	snprintf(ch.guardian_name_ur, sizeof ch.guardian_name_ur, "کاشف علی");
	ch.guardian_relation = GUARDIAN_HUSBAND;
	snprintf(ch.father_id, sizeof ch.father_id, "%s", father);
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(person_update(tx, &f.admin, wife, 0, &ch, PERSON_F_GUARDIAN | PERSON_F_PARENTS,
				   "test: married", NULL, &err),
		     SH_OK, "%s %s", err.code, err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	struct consent_issued c;
	fx_consent(&f, wife, "loan", &c);
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = fx_code(&f, &c),
				    .type = "yesno", .father_name = "Kashif Ali"};
	cr_assert_eq(run(&vr, &res, &err), SH_OK, "%s %s", err.code, err.msg);
	cr_assert(res.ok, "%s", err.code);
	cr_assert_str_eq(res.result, "no", "the husband is not the father");
	cr_assert_str_eq(res.reason, "FATHER_NAME_MISMATCH");
	char reason[32];
	struct verify_request v2 = {.father_name = "Rashid Mehmood"};
	cr_assert_eq(verify_yesno_compare(&res.person, &res.rel, &v2, reason, &err), 1, "%s",
		     reason);
	struct verify_request v3 = {.husband_name = "kashif  ALI"};
	cr_assert_eq(verify_yesno_compare(&res.person, &res.rel, &v3, reason, &err), 1, "%s",
		     reason);
	struct verify_request v4 = {.husband_name = "Rashid Mehmood"};
	cr_assert_eq(verify_yesno_compare(&res.person, &res.rel, &v4, reason, &err), 0);
	cr_assert_str_eq(reason, "HUSBAND_NAME_MISMATCH");
	json_t *o = verify_kyc_json(&res.person, &res.rel, KA_FATHER_NAME_EN);
	cr_assert_str_eq(json_string_value(json_object_get(o, "father_name_en")),
			 "Rashid Mehmood");
	json_decref(o);
	/* No father linked: the father is unknown, never the husband. */
	struct verify_relations none;
	verify_relations_of(&res.person, NULL, &none);
	cr_assert_eq(verify_yesno_compare(&res.person, &none, &v2, reason, &err), 0);
	cr_assert_str_eq(reason, "FATHER_NAME_UNKNOWN");
	o = verify_kyc_json(&res.person, &none, KA_FATHER_NAME_EN);
	cr_assert(json_is_null(json_object_get(o, "father_name_en")));
	json_decref(o);
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
	struct verify_request vr = {.consent_id = c.consent_id, .passcode = fx_code(&f, &c),
				    .type = "kyc"};
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert(!res.ok);
	cr_assert_str_eq(err.code, "VERIFICATION_LOCKED");
	/* yesno is not locked */
	fx_consent(&f, alive, "SIM issuance", &c);
	struct verify_request v2 = {.consent_id = c.consent_id, .passcode = fx_code(&f, &c),
				    .type = "yesno", .name = "Ayesha Khan"};
	cr_assert_eq(run(&v2, &res, &err), SH_OK);
	cr_assert(res.ok);
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(ledger_lock_set(tx, &citizen, alive, VT_KYC, 0, &err), SH_OK);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	fx_consent(&f, alive, "SIM issuance", &c);
	vr.consent_id = c.consent_id;
	vr.passcode = fx_code(&f, &c);
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
	if (!strcmp(fx_code(&f, &c), "000000"))
		vr.passcode = "000001";
	cr_assert_eq(run(&vr, &res, &err), SH_OK);
	cr_assert_str_eq(err.code, "PASSCODE_INVALID");
	vr.passcode = fx_code(&f, &c);
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
