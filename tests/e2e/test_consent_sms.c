/* test_consent_sms.c — the whole consent story through the real `shanakht`
 * binary and a real Kannel: a citizen registers their mobile by texting
 * their identity number to the short code (Kannel -> POST /sms/inbound), the
 * confirmation passcode comes back to the fake handset, a bank asks for
 * consent with signed requests, the passcode SMS reaches the handset, and
 * the bank's yes/no verification succeeds with it. */
#include <criterion/criterion.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "consent/party_auth.h"
#include "e2e.h"
#include "kannel.h"
#include "lib/parse.h"
#include "registry/person.h"
#include "store/store.h"

#define HANDSET "+923001234567"
#define INBOUND_SECRET "e2e-inbound-secret"

static struct e2e_server s;
static struct kannel k;
static char key_id[64], secret[80];

static long signed_req(const char *method, const char *path, const char *body,
		       struct e2e_resp *r)
{
	cr_assert_eq(e2e_party_request(&s, key_id, secret, method, path, body, NULL, r), 0);
	return r->status;
}

/* Six digits standing alone in text (not part of an identity number). */
static void code_in(const char *text, char code[8])
{
	regex_t re;
	regmatch_t m[3];
	cr_assert_eq(regcomp(&re, "(^|[^0-9-])([0-9]{6})([^0-9-]|$)", REG_EXTENDED), 0);
	cr_assert_eq(regexec(&re, text, 3, m, 0), 0, "no passcode in: %s", text);
	snprintf(code, 8, "%.*s", (int)(m[2].rm_eo - m[2].rm_so), text + m[2].rm_so);
	regfree(&re);
}

static void handset_expect(const char *must_contain, char *text, size_t n)
{
	char from[64], to[64];
	cr_assert_eq(kannel_handset_recv(&k, from, sizeof from, to, sizeof to, text, n, 30000), 0,
		     "no SMS reached the handset (waiting for \"%s\")", must_contain);
	cr_assert_str_eq(to, HANDSET);
	cr_assert(strstr(text, must_contain), "expected \"%s\" in: %s", must_contain, text);
}

/* A person without a mobile, created through the registry library in the
 * server's own database. */
static void create_person(char idn[14])
{
	struct sh_err err = {0};
	store *db = NULL;
	store_tx *tx = NULL;
	struct audit_actor actor = {.kind = "operator", .id = 1, .name = "admin", .role = "admin"};
	struct person *p = calloc(1, sizeof *p);
	cr_assert_eq(store_open(s.db_url, 1, &db, &err), SH_OK, "%s", err.msg);
	snprintf(p->name_en, sizeof p->name_en, "Ayesha Khan");
	snprintf(p->name_ur, sizeof p->name_ur, "عائشہ خان");
	snprintf(p->guardian_name_en, sizeof p->guardian_name_en, "Imran Khan");
	snprintf(p->guardian_name_ur, sizeof p->guardian_name_ur, "عمران خان");
	p->gender = GENDER_FEMALE;
	p->dob = (struct sh_date){1990, 4, 12};
	snprintf(p->place_of_birth, sizeof p->place_of_birth, "Lahore");
	snprintf(p->council_code, sizeof p->council_code, "PB-LHR-01-001");
	snprintf(p->address_line, sizeof p->address_line, "House 12, Street 4, Model Town");
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(person_create(tx, &actor, p, "e2e fixture", &err), SH_OK, "%s %s", err.code,
		     err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	snprintf(idn, 14, "%s", p->id_number);
	store_close(db);
	free(p);
}

Test(e2e_consent, mobile_registration_and_verification_through_kannel, .timeout = 180)
{
	/* scripts/deps installs Kannel: its absence is a broken machine, not a
	 * reason to pass. */
	cr_assert(kannel_available(),
		  "Kannel is not installed (/usr/sbin/bearerbox, /usr/sbin/smsbox): "
		  "apt-get install kannel");
	cr_assert_eq(kannel_prepare(&k), 0);
	char gw[600];
	snprintf(gw, sizeof gw, "kannel:%s", k.sendsms_url);
	setenv("SHANAKHT_SMS_GATEWAY", gw, 1);
	setenv("SHANAKHT_SMS_INBOUND_SECRET", INBOUND_SECRET, 1);
	cr_assert_eq(e2e_start(&s, NULL), 0, "server did not start");
	struct e2e_resp r;
	char post_url[300];
	snprintf(post_url, sizeof post_url,
		 "http://127.0.0.1:%u/sms/inbound?secret=" INBOUND_SECRET "&from=%%p&to=%%P", s.port);
	cr_assert_eq(kannel_start(&k, post_url), 0, "Kannel did not start");

	char idn[14], text[4096], code[8];
	create_person(idn);

	/* The citizen registers the mobile by SMS. */
	cr_assert_eq(kannel_handset_send(&k, HANDSET, "8300", idn), 0);
	handset_expect("to register this mobile", text, sizeof text);
	code_in(text, code);
	cr_assert_eq(kannel_handset_send(&k, HANDSET, "8300", code), 0);
	handset_expect("now registered", text, sizeof text);

	/* The bank is registered and asks for consent. */
	cr_assert_eq(e2e_request(&s, "POST", "/api/v1/parties", s.admin_token,
				 "{\"name\":\"Meezan Bank\",\"sector\":\"bank\","
				 "\"types\":[\"yesno\"]}",
				 NULL, &r),
		     0);
	cr_assert_eq(r.status, 201, "%s", r.body);
	json_t *key = json_object_get(r.json, "key");
	snprintf(key_id, sizeof key_id, "%s", json_string_value(json_object_get(key, "key_id")));
	snprintf(secret, sizeof secret, "%s", json_string_value(json_object_get(key, "secret")));
	e2e_resp_free(&r);
	char body[256], cid[64];
	snprintf(body, sizeof body, "{\"id_number\":\"%s\",\"purpose\":\"account opening\"}", idn);
	cr_assert_eq(signed_req("POST", "/api/v1/consents", body, &r), 202, "%s", r.body);
	snprintf(cid, sizeof cid, "%s", json_string_value(json_object_get(r.json, "consent_id")));
	e2e_resp_free(&r);

	/* The passcode arrives at the handset, in English and Urdu. */
	handset_expect("Meezan Bank", text, sizeof text);
	cr_assert(strstr(text, "account opening"), "%s", text);
	cr_assert(strstr(text, "پاس کوڈ"), "no Urdu: %s", text);
	char *p = strstr(text, "Passcode ");
	cr_assert(p, "%s", text);
	code_in(p, code);

	snprintf(body, sizeof body,
		 "{\"consent_id\":\"%s\",\"passcode\":\"%s\",\"type\":\"yesno\","
		 "\"name\":\"Ayesha Khan\",\"father_name\":\"Imran Khan\",\"dob\":\"1990-04-12\"}",
		 cid, code);
	cr_assert_eq(signed_req("POST", "/api/v1/verifications", body, &r), 200, "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "result")), "yes");
	e2e_resp_free(&r);

	kannel_stop(&k);
	cr_assert_eq(e2e_stop(&s), 0);
}
