/* fixture.h — a fresh store with every schema the consent tests need, a
 * key ring, a consent config, persons and a relying party. Included by the
 * tests in tests/consent, tests/verify and tests/notify. */
#ifndef SH_TEST_CONSENT_FIXTURE_H
#define SH_TEST_CONSENT_FIXTURE_H

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "consent/config.h"
#include "consent/consent.h"
#include "consent/party.h"
#include "consent/policy.h"
#include "crypto/keyring.h"
#include "notify/sms.h"
#include "registry/person.h"
#include "store/store.h"
#include "testdb.h"
#include "ledger/ledger.h"

struct fx {
	char *url;
	store *db;
	struct keyring *kr;
	char keydir[128];
	struct consent_config cfg;
	struct audit_actor admin, party_actor;
	struct party party;
	struct party_key_issued key;
};

/* The council every fixture person lives in (from the address library). */
#ifndef FX_COUNCIL
#define FX_COUNCIL "PB-LHR-01-001"
#endif

static inline void fx_open(struct fx *f)
{
	struct sh_err err = {0};
	memset(f, 0, sizeof *f);
	f->url = testdb_url();
	cr_assert(f->url, "no test database");
	cr_assert_eq(store_open(f->url, 4, &f->db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audit_migrate(f->db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(registry_migrate(f->db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(notify_migrate(f->db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(consent_migrate(f->db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(ledger_migrate(f->db, &err), SH_OK, "%s", err.msg);
	snprintf(f->keydir, sizeof f->keydir, "/tmp/shanakht-keys-XXXXXX");
	cr_assert(mkdtemp(f->keydir));
	char kd[160];
	snprintf(kd, sizeof kd, "%s/keys", f->keydir);
	cr_assert_eq(keyring_create(kd, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(keyring_load(kd, &f->kr, &err), SH_OK, "%s", err.msg);
	consent_config_defaults(&f->cfg);
	f->admin = (struct audit_actor){.kind = "operator", .id = 1, .name = "admin", .role = "admin"};
	f->party_actor = (struct audit_actor){.kind = "party", .id = 1, .name = "pk_test"};
}

static inline void fx_close(struct fx *f)
{
	keyring_free(f->kr);
	store_close(f->db);
	testdb_drop(f->url);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->keydir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", f->keydir);
}

/* Create a person; mobile "" for none. Writes the identity number. */
static inline void fx_person(struct fx *f, const char *name_en, const char *father_en,
			     const char *dob, const char *mobile, enum person_status status,
			     char idn[14])
{
	struct sh_err err = {0};
	struct person *p = calloc(1, sizeof *p);
	cr_assert(p);
	snprintf(p->name_en, sizeof p->name_en, "%s", name_en);
	snprintf(p->name_ur, sizeof p->name_ur, "%s", "عائشہ خان");
	snprintf(p->guardian_name_en, sizeof p->guardian_name_en, "%s", father_en);
	snprintf(p->guardian_name_ur, sizeof p->guardian_name_ur, "%s", "عمران خان");
	p->guardian_relation = GUARDIAN_FATHER;
	p->gender = GENDER_FEMALE;
	cr_assert_eq(sh_parse_date(dob, &p->dob), 0);
	snprintf(p->place_of_birth, sizeof p->place_of_birth, "Lahore");
	snprintf(p->council_code, sizeof p->council_code, "%s", FX_COUNCIL);
	snprintf(p->address_line, sizeof p->address_line, "House 12, Street 4, Model Town");
	snprintf(p->mobile, sizeof p->mobile, "%s", mobile);
	p->status = PERSON_ALIVE;
	store_tx *tx = NULL;
	cr_assert_eq(store_begin(f->db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(person_create(tx, &f->admin, p, "test fixture", &err), SH_OK, "%s %s",
		     err.code, err.msg);
	if (status != PERSON_ALIVE) {
		struct person ch = {0};
		ch.status = status;
		if (status == PERSON_DECEASED) {
			ch.date_of_death = (struct sh_date){2024, 1, 2};
		}
		cr_assert_eq(person_update(tx, &f->admin, p->id_number, 0, &ch, PERSON_F_STATUS,
					   "test fixture: status", NULL, &err),
			     SH_OK, "%s %s", err.code, err.msg);
	}
	cr_assert_eq(store_commit(tx, &err), SH_OK, "%s", err.msg);
	snprintf(idn, 14, "%s", p->id_number);
	free(p);
}

/* Register the fixture's relying party with a policy. */
static inline void fx_party(struct fx *f, const char *name, unsigned types, unsigned attrs)
{
	struct sh_err err = {0};
	store_tx *tx = NULL;
	memset(&f->party, 0, sizeof f->party);
	snprintf(f->party.name, sizeof f->party.name, "%s", name);
	snprintf(f->party.sector, sizeof f->party.sector, "bank");
	f->party.types = types;
	f->party.kyc_attrs = attrs;
	cr_assert_eq(store_begin(f->db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(party_create(tx, f->kr, &f->admin, &f->party, &f->key, &err), SH_OK, "%s %s",
		     err.code, err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	f->party_actor.id = f->party.id;
	f->party_actor.name = f->key.key_id;
}

/* Issue a consent for the fixture's party; returns the passcode in code. */
static inline void fx_consent(struct fx *f, const char *idn, const char *purpose,
			      struct consent_issued *out)
{
	struct sh_err err = {0};
	store_tx *tx = NULL;
	cr_assert_eq(store_begin(f->db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(consent_request(tx, f->kr, &f->cfg, &f->party_actor, CONSENT_FOR_PARTY,
				     f->party.id, f->party.name, idn, purpose, sh_now(), 1, out,
				     &err),
		     SH_OK, "%s %s", err.code, err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
}

/* Count rows of a simple query (first column of the first row). */
static inline int64_t fx_count(struct fx *f, const char *sql, const char *arg)
{
	struct sh_err err = {0};
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	cr_assert_eq(store_begin(f->db, STORE_READ, &tx, &err), SH_OK);
	if (arg)
		cr_assert_eq(store_query(tx, &st, &err, sql, "t", arg), SH_OK, "%s", err.msg);
	else
		cr_assert_eq(store_query(tx, &st, &err, sql, ""), SH_OK, "%s", err.msg);
	int64_t n = store_step(st, &err) == STORE_ROW ? store_col_int(st, 0) : -1;
	store_finalize(st);
	store_rollback(tx);
	return n;
}

/* The text of the newest SMS queued to `to`. */
static inline void fx_last_sms(struct fx *f, const char *to, char *out, size_t n)
{
	struct sh_err err = {0};
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	cr_assert_eq(store_begin(f->db, STORE_READ, &tx, &err), SH_OK);
	cr_assert_eq(store_query(tx, &st, &err,
				 "SELECT text FROM sms_outbox WHERE to_number = ? ORDER BY id DESC",
				 "t", to),
		     SH_OK);
	cr_assert_eq(store_step(st, &err), STORE_ROW, "no SMS to %s", to);
	snprintf(out, n, "%s", store_col_text(st, 0));
	store_finalize(st);
	store_rollback(tx);
}

#endif
