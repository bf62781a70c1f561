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
	/* The passcodes of the consents fx_consent issued, as the handset
	 * read them (newest last, a ring). */
	struct {
		char consent_id[CONSENT_ID_MAX];
		char code[CONSENT_CODE_DIGITS + 1];
	} codes[64];
	unsigned ncodes;
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

/* The 6-digit passcode in an SMS text ("" when none). */
static inline void fx_code_in(const char *text, char code[CONSENT_CODE_DIGITS + 1])
{
	code[0] = '\0';
	for (const char *p = text; *p; p++)
		if (strspn(p, "0123456789") == CONSENT_CODE_DIGITS &&
		    (p == text || p[-1] < '0' || p[-1] > '9')) {
			memcpy(code, p, CONSENT_CODE_DIGITS);
			code[CONSENT_CODE_DIGITS] = '\0';
			return;
		}
}

/* The passcode the newest queued SMS carries, read inside tx (before the
 * sender delivers and redacts it), as a handset would read it. */
static inline void fx_outbox_code(store_tx *tx, char code[CONSENT_CODE_DIGITS + 1])
{
	struct sh_err err = {0};
	store_stmt *st = NULL;
	cr_assert_eq(store_query(tx, &st, &err,
				 "SELECT text FROM sms_outbox WHERE state = 'pending'"
				 " ORDER BY id DESC LIMIT 1",
				 ""),
		     SH_OK, "%s", err.msg);
	cr_assert_eq(store_step(st, &err), STORE_ROW, "no SMS queued");
	fx_code_in(store_col_text(st, 0), code);
	store_finalize(st);
}

static inline void fx_code_keep(struct fx *f, const char *consent_id, const char *code)
{
	unsigned i = f->ncodes++ % (sizeof f->codes / sizeof f->codes[0]);
	snprintf(f->codes[i].consent_id, sizeof f->codes[i].consent_id, "%s", consent_id);
	snprintf(f->codes[i].code, sizeof f->codes[i].code, "%s", code);
}

/* Issue a consent for the fixture's party (as the API does) and keep the
 * passcode its SMS carried, for fx_code. */
static inline void fx_consent(struct fx *f, const char *idn, const char *purpose,
			      struct consent_issued *out)
{
	struct sh_err err = {0};
	store_tx *tx = NULL;
	char code[CONSENT_CODE_DIGITS + 1] = "";
	struct consent_ask ask = {.kind = CONSENT_FOR_PARTY, .party_id = f->party.id,
				  .party_name = f->party.name, .id_number = idn,
				  .purpose = purpose, .source_addr = "192.0.2.1",
				  .now = sh_now()};
	cr_assert_eq(store_begin(f->db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(consent_request(tx, f->kr, &f->cfg, &f->party_actor, &ask, out, &err), SH_OK,
		     "%s %s", err.code, err.msg);
	cr_assert(!out->refused, "%s %s", err.code, err.msg);
	if (out->delivered)
		fx_outbox_code(tx, code);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	if (code[0])
		fx_code_keep(f, out->consent_id, code);
}

/* The passcode of consent c. A delivered one: what its SMS said. One
 * that was never sent: found by trying every code against the stored
 * keyed hash with the server's key ring — what only a holder of the key
 * can do (a copy of the database alone cannot), about a second. */
static inline const char *fx_code(struct fx *f, const struct consent_issued *c)
{
	for (unsigned i = 0; i < sizeof f->codes / sizeof f->codes[0]; i++)
		if (f->codes[i].consent_id[0] && !strcmp(f->codes[i].consent_id, c->consent_id))
			return f->codes[i].code;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	cr_assert_eq(store_begin(f->db, STORE_READ, &tx, &err), SH_OK);
	cr_assert_eq(store_query(tx, &st, &err,
				 "SELECT party_id, id_number, purpose, code_hash FROM consents"
				 " WHERE public_id = ?",
				 "t", c->consent_id),
		     SH_OK);
	cr_assert_eq(store_step(st, &err), STORE_ROW, "no consent %s", c->consent_id);
	int64_t party = store_col_int(st, 0);
	char idn[14], purpose[CONSENT_PURPOSE_MAX], code[CONSENT_CODE_DIGITS + 1] = "";
	unsigned char want[32] = {0}, h[32];
	size_t hl = 0;
	snprintf(idn, sizeof idn, "%s", store_col_text(st, 1));
	snprintf(purpose, sizeof purpose, "%s", store_col_text(st, 2));
	const void *b = store_col_blob(st, 3, &hl);
	cr_assert_eq(hl, sizeof want);
	memcpy(want, b, sizeof want);
	store_finalize(st);
	store_rollback(tx);
	for (unsigned n = 0; n < 1000000 && !code[0]; n++) {
		char g[CONSENT_CODE_DIGITS + 1];
		snprintf(g, sizeof g, "%06u", n);
		consent_code_hash(f->kr, c->consent_id, party, idn, purpose, g, h);
		if (!memcmp(h, want, sizeof h))
			memcpy(code, g, sizeof g);
	}
	cr_assert(code[0], "no code matches the stored hash");
	fx_code_keep(f, c->consent_id, code);
	return fx_code(f, c);
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
