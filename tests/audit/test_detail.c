/* test_detail.c — audit details are never cut (issue 14.8): a consent
 * request whose purpose is full of quotes and backslashes (each escaped to
 * two characters in JSON) must leave a detail in the audit entry that is
 * valid JSON and carries the purpose whole. Regression: the detail was
 * copied into a 256-byte array, and the cut JSON did not parse. Through the
 * real binary (e2e.h), so that it tests what the server stores. */
#include <criterion/criterion.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "e2e.h"
#include "registry/person.h"
#include "store/store.h"

static void create_person(struct e2e_server *s, char idn[14])
{
	struct sh_err err = {0};
	store *db = NULL;
	store_tx *tx = NULL;
	struct audit_actor actor = {.kind = "operator", .id = 1, .name = "admin", .role = "admin"};
	struct person *p = calloc(1, sizeof *p);
	cr_assert_not_null(p);
	cr_assert_eq(store_open(s->db_url, 1, &db, &err), SH_OK, "%s", err.msg);
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
	cr_assert_eq(person_create(tx, &actor, p, "e2e fixture", &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	snprintf(idn, 14, "%s", p->id_number);
	store_close(db);
	free(p);
}

Test(audit_detail, a_purpose_of_quotes_and_backslashes_is_kept_whole, .timeout = 120)
{
	struct e2e_server s;
	struct e2e_resp r;
	cr_assert_eq(e2e_start(&s, NULL), 0, "server did not start");
	char idn[14];
	create_person(&s, idn);
	cr_assert_eq(e2e_request(&s, "POST", "/api/v1/parties", s.admin_token,
				 "{\"name\":\"Quote Bank\",\"sector\":\"bank\",\"types\":[\"yesno\"]}",
				 NULL, &r),
		     0);
	cr_assert_eq(r.status, 201, "%s", r.body);
	json_t *key = json_object_get(r.json, "key");
	char key_id[64], secret[80];
	snprintf(key_id, sizeof key_id, "%s", json_string_value(json_object_get(key, "key_id")));
	snprintf(secret, sizeof secret, "%s", json_string_value(json_object_get(key, "secret")));
	e2e_resp_free(&r);

	/* 100 characters (the longest purpose allowed), 200 once escaped */
	char purpose[101];
	for (int i = 0; i < 100; i++)
		purpose[i] = i % 2 ? '"' : '\\';
	purpose[100] = '\0';
	json_t *body = json_pack("{s:s, s:s}", "id_number", idn, "purpose", purpose);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	cr_assert_eq(e2e_party_request(&s, key_id, secret, "POST", "/api/v1/consents", text, NULL,
				       &r),
		     0);
	free(text);
	cr_assert_eq(r.status, 202, "%s", r.body);
	e2e_resp_free(&r);

	struct sh_err err = {0};
	store *db = NULL;
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	cr_assert_eq(store_open(s.db_url, 1, &db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_query(tx, &st, &err,
				 "SELECT detail FROM audit_log WHERE action = 'consent.request'", ""),
		     SH_OK, "%s", err.msg);
	cr_assert_eq(store_step(st, &err), STORE_ROW, "no consent.request entry");
	const char *detail = store_col_text(st, 0);
	json_error_t je;
	json_t *d = json_loads(detail, 0, &je);
	cr_assert_not_null(d, "the audit detail is not JSON (%s): %s", je.text, detail);
	cr_assert_str_eq(json_string_value(json_object_get(d, "purpose")), purpose);
	cr_assert_str_eq(json_string_value(json_object_get(d, "id_number")), idn);
	json_decref(d);
	store_finalize(st);
	store_rollback(tx);
	store_close(db);
	cr_assert_eq(e2e_stop(&s), 0);
}
