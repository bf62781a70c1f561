/* verify.c — yes/no and eKYC verifications: policy, refusals, consent,
 * comparison, ledger and audit. */
#include "verify/verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consent/policy.h"
#include "registry/names.h"
#include "ledger/ledger.h"

/* Equal after the registry's normalization (script variants, marks, case,
 * spacing). Either script of the record may match. */
static int name_equal(const char *given, const char *a, const char *b, struct sh_err *err)
{
	char g[PERSON_NAME_MAX * 2], x[PERSON_NAME_MAX * 2];
	if (names_normalize(given, g, sizeof g, err) != SH_OK)
		return -1;
	if (!g[0])
		return sh_err_set(err, SH_EINVAL, "YESNO_NAME", "a name needs letters"), -1;
	const char *cands[] = {a, b};
	for (int i = 0; i < 2; i++) {
		struct sh_err ignore = {0};
		if (cands[i] && cands[i][0] &&
		    names_normalize(cands[i], x, sizeof x, &ignore) == SH_OK && strcmp(g, x) == 0)
			return 1;
	}
	return 0;
}

void verify_relations_of(const struct person *p, const struct person *father,
			 struct verify_relations *out)
{
	memset(out, 0, sizeof *out);
	if (p->guardian_relation == GUARDIAN_FATHER) {
		snprintf(out->father_en, sizeof out->father_en, "%s", p->guardian_name_en);
		snprintf(out->father_ur, sizeof out->father_ur, "%s", p->guardian_name_ur);
		return;
	}
	snprintf(out->husband_en, sizeof out->husband_en, "%s", p->guardian_name_en);
	snprintf(out->husband_ur, sizeof out->husband_ur, "%s", p->guardian_name_ur);
	if (father) {
		snprintf(out->father_en, sizeof out->father_en, "%s", father->name_en);
		snprintf(out->father_ur, sizeof out->father_ur, "%s", father->name_ur);
	}
}

/* A relation's name: 1 equal, 0 not, -1 bad input; *unknown when the
 * registry has no name for that relation (then never equal). */
static int relation_equal(const char *given, const char *en, const char *ur, int *unknown,
			  struct sh_err *err)
{
	*unknown = !en[0] && !ur[0];
	if (*unknown) {
		/* Still check the input, so bad input fails alike. */
		char g[PERSON_NAME_MAX * 2];
		if (names_normalize(given, g, sizeof g, err) != SH_OK)
			return -1;
		return 0;
	}
	return name_equal(given, en, ur, err);
}

int verify_yesno_compare(const struct person *p, const struct verify_relations *rel,
			 const struct verify_request *req, char reason[32], struct sh_err *err)
{
	if (!req->name && !req->father_name && !req->husband_name && !req->dob && !req->gender)
		return sh_err_set(err, SH_EINVAL, "YESNO_NO_FIELDS",
				  "yesno needs at least one of name, father_name, husband_name, dob, "
				  "gender");
	const char *first = NULL;
	if (req->name) {
		int eq = name_equal(req->name, p->name_en, p->name_ur, err);
		if (eq < 0)
			return err->status ? err->status : SH_EINVAL;
		if (!eq && !first)
			first = "NAME_MISMATCH";
	}
	if (req->father_name) {
		int unknown = 0;
		int eq = relation_equal(req->father_name, rel->father_en, rel->father_ur, &unknown,
					err);
		if (eq < 0)
			return err->status ? err->status : SH_EINVAL;
		if (!eq && !first)
			first = unknown ? "FATHER_NAME_UNKNOWN" : "FATHER_NAME_MISMATCH";
	}
	if (req->husband_name) {
		int unknown = 0;
		int eq = relation_equal(req->husband_name, rel->husband_en, rel->husband_ur, &unknown,
					err);
		if (eq < 0)
			return err->status ? err->status : SH_EINVAL;
		if (!eq && !first)
			first = unknown ? "HUSBAND_NAME_UNKNOWN" : "HUSBAND_NAME_MISMATCH";
	}
	if (req->dob) {
		struct sh_date d;
		if (sh_parse_date(req->dob, &d) != 0)
			return sh_err_set(err, SH_EINVAL, "YESNO_DOB", "dob must be YYYY-MM-DD");
		/* A record known only by year matches any date in that year. */
		int eq = p->dob_precision == DOB_YEAR_ONLY
				 ? d.year == p->dob.year
				 : d.year == p->dob.year && d.month == p->dob.month &&
					   d.day == p->dob.day;
		if (!eq && !first)
			first = "DOB_MISMATCH";
	}
	if (req->gender) {
		int g = person_gender_parse(req->gender);
		if (g < 0)
			return sh_err_set(err, SH_EINVAL, "YESNO_GENDER",
					  "gender must be male, female or other");
		if (g != (int)p->gender && !first)
			first = "GENDER_MISMATCH";
	}
	snprintf(reason, 32, "%s", first ? first : "ALL_MATCH");
	return first ? 0 : 1;
}

/* A relation's name, or null when the registry does not know it. */
static json_t *name_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

json_t *verify_kyc_json(const struct person *p, const struct verify_relations *rel,
			unsigned attrs)
{
	json_t *o = json_object();
	char dob[16];
	if (!o)
		return NULL;
	if (attrs & KA_NAME_EN)
		json_object_set_new(o, "name_en", json_string(p->name_en));
	if (attrs & KA_NAME_UR)
		json_object_set_new(o, "name_ur", json_string(p->name_ur));
	if (attrs & KA_FATHER_NAME_EN)
		json_object_set_new(o, "father_name_en", name_or_null(rel->father_en));
	if (attrs & KA_FATHER_NAME_UR)
		json_object_set_new(o, "father_name_ur", name_or_null(rel->father_ur));
	if (attrs & KA_DOB) {
		if (p->dob_precision == DOB_YEAR_ONLY)
			snprintf(dob, sizeof dob, "%04d", p->dob.year);
		else
			sh_date_format(p->dob, dob, sizeof dob);
		json_object_set_new(o, "dob", json_string(dob));
	}
	if (attrs & KA_GENDER)
		json_object_set_new(o, "gender", json_string(person_gender_name(p->gender)));
	if (attrs & KA_ADDRESS) {
		json_object_set_new(o, "address",
				    json_pack("{s:s, s:s}", "line", p->address_line, "council_code",
					      p->council_code));
	}
	if (attrs & KA_PLACE_OF_BIRTH)
		json_object_set_new(o, "place_of_birth", json_string(p->place_of_birth));
	if (attrs & KA_CITIZENSHIP)
		json_object_set_new(o, "citizenship",
				    json_string(person_citizenship_name(p->citizenship)));
	if (attrs & KA_MARITAL_STATUS)
		json_object_set_new(o, "marital_status",
				    json_string(person_marital_name(p->marital)));
	if (attrs & KA_LIFE_STATUS)
		json_object_set_new(o, "life_status", json_string(person_status_name(p->status)));
	return o;
}

/* One ledger row for this attempt. */
static int ledger(store_tx *tx, const struct party *party, const char *idn,
		  const struct verify_request *req, const char *purpose, const char *event,
		  const char *result, const char *reason, int64_t now, struct sh_err *err)
{
	/* Named metadata only (verify_biometric_meta): checked before any
	 * work, so this cannot fail on a request that got here. */
	char detail[VERIFY_BIO_META_MAX];
	int rc = verify_biometric_meta(req->biometric, detail, err);
	if (rc != SH_OK)
		return rc;
	struct ledger_entry t = {
		.party_id = party->id, .party_name = party->name, .id_number = idn,
		.consent_id = req->consent_id, .purpose = purpose, .type = req->type,
		.event = event, .result = result, .reason = reason,
		.detail = detail[0] ? detail : NULL, .at = now,
	};
	return ledger_record(tx, &t, err);
}

static int audit_attempt(store_tx *tx, const struct audit_actor *actor, const char *idn,
			 const struct verify_request *req, const char *result, const char *reason,
			 struct sh_err *err)
{
	char object[32];
	snprintf(object, sizeof object, "person:%s", idn);
	json_t *d = json_pack("{s:s, s:s, s:s, s:s}", "consent_id", req->consent_id, "type",
			      req->type, "result", result, "reason", reason ? reason : "");
	char *ds = d ? json_dumps(d, JSON_COMPACT) : NULL;
	json_decref(d);
	int rc = audit_append(tx, actor, "verify.attempt", object, ds, err);
	free(ds);
	return rc;
}

/* Record a refusal (ledger + audit) and hand it back as "commit, not ok". */
static int refuse(store_tx *tx, const struct audit_actor *actor, const struct party *party,
		  const char *idn, const char *purpose, const struct verify_request *req,
		  int64_t now, const struct sh_err *why, struct sh_err *err)
{
	struct sh_err e = {0};
	int rc = ledger(tx, party, idn, req, purpose, "refused", "refused", why->code, now, &e);
	if (rc == SH_OK)
		rc = audit_attempt(tx, actor, idn, req, "refused", why->code, &e);
	if (rc != SH_OK) {
		*err = e;
		return rc;
	}
	*err = *why;
	return SH_OK;
}

/* Failures that are the server's, not the request's: roll back. */
static int server_fault(int rc)
{
	return rc == SH_ENOMEM || rc == SH_EBUSY || rc == SH_EIO || rc == SH_EDB ||
	       rc == SH_EINTERNAL;
}

/* The fingerprint match itself, after consent, life status and locks: a
 * refusal of the repository is recorded like any other (the consent is
 * spent: a forged or replayed capture is an attempt the citizen sees). */
static int run_fingerprint(store_tx *tx, const struct keyring *kr,
			   const struct audit_actor *actor, const struct party *party,
			   const char *idn, const char *purpose, const struct verify_request *req,
			   const struct bio_checked *checked, unsigned attrs, int64_t now,
			   struct verify_result *out, struct sh_err *err)
{
	struct bio_enrol_req cap = *req->capture;
	struct bio_verify_result res;
	struct sh_err why = {0};
	cap.id_number = idn;
	cap.station = NULL; /* a bank's device belongs to no council */
	int rc = bio_verify_person(tx, kr, actor, &cap, checked, now, &res, &why);
	if (rc != SH_OK) {
		if (server_fault(rc)) {
			*err = why;
			return rc;
		}
		return refuse(tx, actor, party, idn, purpose, req, now, &why, err);
	}
	snprintf(out->result, sizeof out->result, "%s", res.match ? "yes" : "no");
	snprintf(out->reason, sizeof out->reason, "%s",
		 res.match ? "FINGERPRINT_MATCH" : "FINGERPRINT_NO_MATCH");
	snprintf(out->band, sizeof out->band, "%s", res.band);
	out->fingers = res.fingers;
	out->attrs = res.match ? attrs : 0; /* attributes only for the right person */
	return SH_OK;
}

/* *checked: the fingerprint capture checked and extracted before the
 * consent is touched; set here, freed by the caller (verify_run). */
static int run(store_tx *tx, const struct keyring *kr, const struct consent_config *cfg,
	       const struct audit_actor *actor, const struct party *party,
	       const struct verify_request *req, int64_t now, struct bio_checked **checked,
	       struct verify_result *out, struct sh_err *err)
{
	unsigned type = vtype_parse(req->type);
	if (!type)
		return sh_err_set(err, SH_EINVAL, "VERIFY_TYPE",
				  "type must be yesno, kyc, fingerprint, face, iris or multimodal");
	if (!req->consent_id || !req->passcode)
		return sh_err_set(err, SH_EINVAL, "VERIFY_FIELDS", "consent_id and passcode are required");
	if (type == VT_YESNO && !req->name && !req->father_name && !req->husband_name &&
	    !req->dob && !req->gender)
		return sh_err_set(err, SH_EINVAL, "YESNO_NO_FIELDS",
				  "yesno needs at least one of name, father_name, husband_name, dob, "
				  "gender");
	char idn[14], purpose[CONSENT_PURPOSE_MAX], meta[VERIFY_BIO_META_MAX];
	int rc = verify_biometric_meta(req->biometric, meta, err);
	if (rc != SH_OK)
		return rc;
	if (type == VT_FINGERPRINT && !req->capture)
		return sh_err_set(err, SH_EINVAL, "CAPTURE_REQUIRED",
				  "a fingerprint verification needs a device-signed capture");
	rc = consent_peek(tx, party->id, req->consent_id, idn, purpose, err);
	if (rc != SH_OK)
		return rc;

	/* Policy first: nothing outside it is even looked at, and the
	 * passcode is not spent on a request that cannot be answered. */
	struct sh_err why = {0};
	unsigned attrs = 0;
	if (!(party->types & type)) {
		sh_err_set(&why, SH_EFORBIDDEN, "TYPE_NOT_ALLOWED",
			   "your policy does not allow %s verifications", req->type);
		return refuse(tx, actor, party, idn, purpose, req, now, &why, err);
	}
	if (type == VT_KYC || (type == VT_FINGERPRINT && req->attrs)) {
		/* fingerprint: attributes only when asked, by the same policy */
		attrs = req->attrs ? req->attrs : party->kyc_attrs;
		if (attrs & ~party->kyc_attrs) {
			char extra[256];
			policy_attrs_format(attrs & ~party->kyc_attrs, extra, sizeof extra);
			sh_err_set(&why, SH_EFORBIDDEN, "ATTRIBUTE_NOT_ALLOWED",
				   "outside your policy: %s (nothing was returned)", extra);
			return refuse(tx, actor, party, idn, purpose, req, now, &why, err);
		}
	}
	/* Bad input rolls back before the consent is touched, an unreadable
	 * image included; the checked capture goes on to the match, which does
	 * not parse, hash, decode or extract it again. */
	if (type == VT_FINGERPRINT && !req->checked &&
	    (rc = bio_verify_precheck(req->capture, actor, checked, err)) != SH_OK)
		return rc;
	if (type & (VT_FACE | VT_IRIS | VT_MULTIMODAL)) {
		sh_err_set(&why, SH_ERULE, "TYPE_NOT_AVAILABLE",
			   "%s verification arrives with the biometric repository", req->type);
		return refuse(tx, actor, party, idn, purpose, req, now, &why, err);
	}

	/* The record, read alike for every number. Its life status is not
	 * looked at before the passcode: a dead or cancelled identity never
	 * gets a passcode (consent_request), so its consent fails like any
	 * wrong passcode, and nobody can list deaths by asking (security.md). */
	struct sh_err perr = {0};
	rc = person_get(tx, idn, &out->person, &perr);
	int known = rc == SH_OK;
	if (rc != SH_OK && rc != SH_ENOTFOUND && rc != SH_EINVAL) {
		*err = perr;
		return rc;
	}

	/* The consent: passcode checks, counters. */
	struct consent_redeemed red;
	rc = consent_redeem(tx, kr, cfg, party->id, req->consent_id, req->passcode, now, &red,
			    &why);
	if (rc != SH_OK) {
		*err = why;
		return rc;
	}
	if (!red.ok) {
		out->retry_after = red.retry_after;
		return refuse(tx, actor, party, idn, purpose, req, now, &why, err);
	}

	/* Consent was given (the passcode reached the registered mobile
	 * before the death or cancellation was registered). Only a party
	 * whose policy holds life_status is told which; the attempt is kept
	 * as a fraud signal either way. */
	if (!known || out->person.status != PERSON_ALIVE) {
		int dead = known && out->person.status == PERSON_DECEASED;
		rc = ledger_fraud_signal(tx, dead ? "deceased_attempt" : "cancelled_attempt", idn,
					 party->id, req->consent_id, "{\"stage\":\"verification\"}",
					 err);
		if (rc != SH_OK)
			return rc;
		if (party->kyc_attrs & KA_LIFE_STATUS)
			sh_err_set(&why, SH_ERULE, dead ? "IDENTITY_DECEASED" : "IDENTITY_CANCELLED",
				   dead ? "this identity belongs to a deceased person"
					: "this identity number is cancelled");
		else
			sh_err_set(&why, SH_ERULE, "IDENTITY_UNVERIFIABLE",
				   "this identity cannot be verified: no answer is given");
		return refuse(tx, actor, party, idn, purpose, req, now, &why, err);
	}

	/* Relations, each from its own source: the father's record only when
	 * the guardian is the husband and a father is linked. */
	struct person *father = NULL;
	if (out->person.guardian_relation == GUARDIAN_HUSBAND && out->person.father_id[0]) {
		father = malloc(sizeof *father);
		if (!father)
			return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
		rc = person_get(tx, out->person.father_id, father, &perr);
		if (rc != SH_OK && rc != SH_ENOTFOUND && rc != SH_EINVAL) {
			free(father);
			*err = perr;
			return rc;
		}
		if (rc != SH_OK) {
			free(father);
			father = NULL;
		}
	}
	verify_relations_of(&out->person, father, &out->rel);
	free(father);

	/* The citizen's own locks take effect at once. */
	unsigned locks = 0;
	rc = ledger_locks_get(tx, idn, &locks, err);
	if (rc != SH_OK)
		return rc;
	if (locks & type) {
		sh_err_set(&why, SH_EFORBIDDEN, "VERIFICATION_LOCKED",
			   "the citizen has locked %s verifications", req->type);
		return refuse(tx, actor, party, idn, purpose, req, now, &why, err);
	}

	if (type == VT_FINGERPRINT) {
		rc = run_fingerprint(tx, kr, actor, party, idn, purpose, req,
				     req->checked ? req->checked : *checked, attrs, now, out, err);
		if (rc != SH_OK || !out->result[0])
			return rc; /* a server fault, or a refusal recorded */
	} else if (type == VT_YESNO) {
		int yes = verify_yesno_compare(&out->person, &out->rel, req, out->reason, err);
		if (yes < 0)
			return yes;
		snprintf(out->result, sizeof out->result, "%s", yes ? "yes" : "no");
	} else {
		snprintf(out->result, sizeof out->result, "ok");
		snprintf(out->reason, sizeof out->reason, "ATTRIBUTES_RELEASED");
		out->attrs = attrs;
	}
	rc = ledger(tx, party, idn, req, purpose, "verified", out->result, out->reason, now, err);
	if (rc == SH_OK)
		rc = audit_attempt(tx, actor, idn, req, out->result, out->reason, err);
	if (rc != SH_OK)
		return rc;
	out->ok = 1;
	return SH_OK;
}

/* The ledger's metadata of a capture, from its envelope (never its
 * images): modality, positions, device. NULL when there is none or it
 * does not parse (then the request fails its own checks). */
static json_t *capture_meta(const struct bio_enrol_req *r)
{
	struct bio_capture c;
	struct sh_err ignore = {0};
	if (!r || !r->envelope || bio_capture_parse(r->envelope, r->envelope_len, &c, &ignore) != SH_OK)
		return NULL;
	json_t *pos = json_array();
	for (int i = 0; pos && i < c.count; i++)
		json_array_append_new(pos, json_integer(c.position[i]));
	return json_pack("{s:s, s:o, s:s}", "modality", "fingerprint", "positions", pos,
			 "device_id", c.device_id);
}

int verify_prepare(const struct audit_actor *actor, const struct verify_request *req,
		   struct bio_checked **out, struct sh_err *err)
{
	*out = NULL;
	if (vtype_parse(req->type) != VT_FINGERPRINT || !req->capture)
		return SH_OK;
	return bio_verify_precheck(req->capture, actor, out, err);
}

int verify_run(store_tx *tx, const struct keyring *kr, const struct consent_config *cfg,
	       const struct audit_actor *actor, const struct party *party,
	       const struct verify_request *req, int64_t now, struct verify_result *out,
	       struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	unsigned type = vtype_parse(req->type);
	struct bio_checked *checked = NULL;
	if (type != VT_FINGERPRINT || req->biometric || !req->capture) {
		int rc = run(tx, kr, cfg, actor, party, req, now, &checked, out, err);
		bio_checked_free(checked);
		return rc;
	}
	/* The citizen's history names the device and the fingers. */
	struct verify_request copy = *req;
	json_t *meta = capture_meta(req->capture);
	struct sh_err merr = {0};
	char probe[VERIFY_BIO_META_MAX];
	if (meta && verify_biometric_meta(meta, probe, &merr) == SH_OK)
		copy.biometric = meta;
	int rc = run(tx, kr, cfg, actor, party, &copy, now, &checked, out, err);
	bio_checked_free(checked);
	json_decref(meta);
	return rc;
}
