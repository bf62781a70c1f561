/* test_issue.c — certificates of every kind issued from registered events:
 * serials, duplicate copies, signed payloads that verify with the
 * registry's public key, the rendered PDF's QR decoding (pdftoppm + zbarimg),
 * and the rules (no death certificate for the living, no divorce
 * certificate before the talaq takes effect). */
#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../crvs/crvs_fixture.h"
#include "cert/cert.h"
#include "cert/docsig.h"
#include "crypto/keyring.h"
#include "registry/idnum.h"
#include "auth/roles.h"

static struct keyring *kr;
static char keydir[64];

static void setup(void)
{
	fx_setup();
	struct sh_err e = {0};
	cr_assert_eq(cert_migrate(db, &e), 0, "%s", e.msg);
	char tmpl[] = "/tmp/shanakht-keys-XXXXXX";
	cr_assert_not_null(mkdtemp(tmpl));
	snprintf(keydir, sizeof keydir, "%s/k", tmpl);
	cr_assert_eq(keyring_create(keydir, &e), 0, "%s", e.msg);
	cr_assert_eq(keyring_load(keydir, &kr, &e), 0, "%s", e.msg);
}

static void teardown(void)
{
	keyring_free(kr);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %.*s", (int)(strlen(keydir) - 2), keydir);
	cr_assert_eq(system(cmd), 0);
	fx_teardown();
}

TestSuite(issue, .init = setup, .fini = teardown, .timeout = 180);

static char mother[14], father[14], w1[14], w2[14], child[14];
static char marriage_reg[32], divorce_reg[32];

/* A family: parents married, a child born and registered, then a
 * divorce by decree and the father's death. */
static void history(void)
{
	fx_person("Sana Imran", GENDER_FEMALE, 28, LHR1, mother);
	fx_person("Imran Khan", GENDER_MALE, 32, LHR1, father);
	fx_person("Witness One", GENDER_MALE, 40, LHR1, w1);
	fx_person("Witness Two", GENDER_MALE, 45, LHR1, w2);
	struct crvs_ctx r = REG(LHR1), k = NIKAH, h = HEALTH;
	struct crvs_licence l;
	EXPECT_OK(crvs_licence_grant(&r, "nikahkhwan1", LHR1, &l, &e));
	struct crvs_marriage_notice m;
	memset(&m, 0, sizeof m);
	snprintf(m.husband_id, 14, "%s", father);
	snprintf(m.wife_id, 14, "%s", mother);
	snprintf(m.witness1_id, 14, "%s", w1);
	snprintf(m.witness2_id, 14, "%s", w2);
	m.date = ago(30);
	snprintf(m.council_code, sizeof m.council_code, LHR1);
	snprintf(m.place, sizeof m.place, "Data Darbar Mosque, Lahore");
	snprintf(m.dower, sizeof m.dower, "PKR 250,000");
	m.husband_consent = m.wife_consent = 1;
	struct crvs_outcome o, reg;
	EXPECT_OK(crvs_submit_marriage(&k, &m, &o, &e));
	EXPECT_OK(crvs_register(&r, o.event_id, NULL, &reg, &e));
	snprintf(marriage_reg, sizeof marriage_reg, "%s", reg.reg_no);

	struct crvs_birth_notice b;
	memset(&b, 0, sizeof b);
	snprintf(b.mother_id, 14, "%s", mother);
	snprintf(b.father_id, 14, "%s", father);
	b.sex = GENDER_FEMALE;
	b.date = ago(2);
	snprintf(b.place, sizeof b.place, "Services Hospital, Lahore");
	snprintf(b.facility, sizeof b.facility, "Services Hospital");
	b.birth_order = 1;
	snprintf(b.council_code, sizeof b.council_code, LHR1);
	EXPECT_OK(crvs_notify_birth(&h, &b, &o, &e));
	struct crvs_registration names = {0};
	snprintf(names.name_en, sizeof names.name_en, "Ayesha Khan");
	snprintf(names.name_ur, sizeof names.name_ur, "عائشہ خان");
	EXPECT_OK(crvs_register(&r, o.event_id, &names, &reg, &e));
	snprintf(child, sizeof child, "%s", reg.person_id);
}

static void divorce_and_death(void)
{
	struct crvs_ctx r = REG(LHR1), c = COURT, h = HEALTH;
	struct crvs_outcome o, reg;
	struct crvs_divorce_notice d;
	memset(&d, 0, sizeof d);
	snprintf(d.husband_id, 14, "%s", father);
	snprintf(d.wife_id, 14, "%s", mother);
	d.type = DIVORCE_TALAQ;
	d.date = ago(1);
	snprintf(d.council_code, sizeof d.council_code, LHR1);
	EXPECT_OK(crvs_submit_divorce(&c, &d, &o, &e));
	EXPECT_OK(crvs_register(&r, o.event_id, NULL, &reg, &e));
	snprintf(divorce_reg, sizeof divorce_reg, "%s", reg.reg_no);
	struct cert_record rec;
	EXPECT_ERR(SH_ERULE, "DIVORCE_NOT_EFFECTIVE",
		   cert_issue(db, kr, &a_reg, LHR1, CERT_DIVORCE, divorce_reg, ago(0), &rec, &e));
	EXPECT_ERR(SH_ERULE, "NOT_DECEASED",
		   cert_issue(db, kr, &a_reg, LHR1, CERT_DEATH, father, ago(0), &rec, &e));
	struct crvs_death_notice dn;
	memset(&dn, 0, sizeof dn);
	snprintf(dn.person_id, 14, "%s", father);
	dn.date = ago(0);
	snprintf(dn.council_code, sizeof dn.council_code, LHR1);
	snprintf(dn.place, sizeof dn.place, "Mayo Hospital, Lahore");
	snprintf(dn.cause_icd10, sizeof dn.cause_icd10, "I21.9");
	EXPECT_OK(crvs_notify_death(&h, &dn, &o, &e));
	EXPECT_OK(crvs_register(&r, o.event_id, NULL, &reg, &e));
}

static void check_pdf(const struct cert_record *rec, enum cert_kind kind)
{
	struct sh_buf pdf;
	sh_buf_init(&pdf, 0);
	struct sh_err e = {0};
	cr_assert_eq(cert_pdf(db, kr, rec->serial, &pdf, &e), 0, "%s", e.msg);
	char dir[] = "/tmp/shanakht-issue-XXXXXX", cmd[600], out[CERT_PAYLOAD_TEXT_MAX + 8];
	cr_assert_not_null(mkdtemp(dir));
	snprintf(cmd, sizeof cmd, "%s/c.pdf", dir);
	FILE *f = fopen(cmd, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(pdf.data, 1, pdf.len, f), pdf.len);
	fclose(f);
	sh_buf_free(&pdf);
	snprintf(cmd, sizeof cmd,
		 "pdftoppm -r 150 -png -singlefile %s/c.pdf %s/p && zbarimg --quiet --raw "
		 "-Sdisable -Sqrcode.enable %s/p.png 2>/dev/null",
		 dir, dir, dir);
	FILE *z = popen(cmd, "r");
	cr_assert_not_null(z);
	size_t n = fread(out, 1, sizeof out - 1, z);
	cr_assert_eq(pclose(z), 0, "no QR decoded");
	out[n] = '\0';
	while (n && out[n - 1] == '\n')
		out[--n] = '\0';
	cr_assert_str_eq(out, rec->payload);
	unsigned char pk[KEYRING_PK_BYTES];
	keyring_public_key(kr, pk);
	struct cert_payload p;
	cr_assert_eq(cert_payload_verify(out, pk, &p, &e), 0, "%s", e.msg);
	cr_assert_eq(p.kind, kind);
	cr_assert_str_eq(p.serial, rec->serial);
	const char *keep = getenv("SHANAKHT_KEEP_CERT_PNG");
	if (keep) {
		snprintf(cmd, sizeof cmd, "cp %s/p.png %s/issued-%s-%d.png", dir, keep,
			 cert_kind_name(kind), rec->copy_no);
		cr_assert_eq(system(cmd), 0);
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

Test(issue, birth_certificate_and_duplicate_copies)
{
	history();
	struct cert_record a, b, got;
	EXPECT_OK(cert_issue(db, kr, &a_reg, LHR1, CERT_BIRTH, child, ago(0), &a, &e));
	cr_assert_eq(a.copy_no, 1);
	cr_assert_eq(strncmp(a.serial, "BRC-", 4), 0);
	uint64_t before = fx_audit_size();
	EXPECT_OK(cert_issue(db, kr, &a_reg, LHR1, CERT_BIRTH, child, ago(0), &b, &e));
	cr_assert_eq(b.copy_no, 2);
	cr_assert_str_neq(a.serial, b.serial);
	cr_assert_eq(fx_audit_size(), before + 1);
	unsigned char pk[KEYRING_PK_BYTES];
	keyring_public_key(kr, pk);
	struct cert_payload p;
	struct sh_err err = {0};
	cr_assert_eq(cert_payload_verify(b.payload, pk, &p, &err), 0, "%s", err.msg);
	cr_assert_eq(p.copy_no, 2);
	cr_assert_str_eq(p.subject, child);
	cr_assert_str_eq(cert_payload_fact(&p, "n"), "Ayesha Khan");
	cr_assert_str_eq(cert_payload_fact(&p, "m"), mother);
	int ok = 0;
	EXPECT_OK(cert_verify_serial(db, pk, a.serial, &got, &ok, &e));
	cr_assert_eq(ok, 1);
	cr_assert_eq(got.copies, 2);
	EXPECT_ERR(SH_ENOTFOUND, "CERT_NOT_FOUND",
		   cert_verify_serial(db, pk, "BRC-2026-99999999", &got, &ok, &e));
	check_pdf(&a, CERT_BIRTH);
	check_pdf(&b, CERT_BIRTH);
}

Test(issue, every_kind_renders_and_verifies)
{
	history();
	struct cert_record rec;
	EXPECT_OK(cert_issue(db, kr, &a_reg, LHR1, CERT_MARRIAGE, marriage_reg, ago(0), &rec, &e));
	check_pdf(&rec, CERT_MARRIAGE);
	EXPECT_OK(cert_issue(db, kr, &a_reg, LHR1, CERT_FRC, father, ago(0), &rec, &e));
	check_pdf(&rec, CERT_FRC);
	divorce_and_death();
	EXPECT_OK(cert_issue(db, kr, &a_reg, LHR1, CERT_DEATH, father, ago(0), &rec, &e));
	check_pdf(&rec, CERT_DEATH);
	/* The talaq takes effect 90 days after notice. */
	EXPECT_OK(cert_issue(db, kr, &a_reg, LHR1, CERT_DIVORCE, divorce_reg, ago(-89), &rec, &e));
	check_pdf(&rec, CERT_DIVORCE);
	EXPECT_ERR(SH_ENOTFOUND, "MARRIAGE_NOT_FOUND",
		   cert_issue(db, kr, &a_reg, LHR1, CERT_MARRIAGE, "M-2026-999999", ago(0), &rec, &e));
	EXPECT_ERR(SH_ENOTFOUND, "PERSON_NOT_FOUND",
		   cert_issue(db, kr, &a_reg, LHR1, CERT_BIRTH, "4210112345674", ago(0), &rec, &e));
}

/* Issue 13 item 3: serials were the record id (BRC-2026-00000001, ...), so
 * anyone could walk them. Now 15 random digits and a Verhoeff check digit. */
static int serial_shape(const char *s, const char *prefix)
{
	if (strlen(s) != CERT_SERIAL_PRINTED || strncmp(s, prefix, 3) != 0)
		return 0;
	char digits[CERT_SERIAL_DIGITS + 1];
	size_t k = 0;
	for (size_t i = 3; s[i]; i++) {
		if ((i - 3) % 5 == 0) {
			if (s[i] != '-')
				return 0;
		} else if (s[i] >= '0' && s[i] <= '9') {
			digits[k++] = s[i];
		} else {
			return 0;
		}
	}
	digits[k] = '\0';
	return k == CERT_SERIAL_DIGITS && idnum_verhoeff_valid(digits, k);
}

Test(issue, serials_are_random_with_a_check_digit)
{
	history();
	struct cert_record a, b, got;
	EXPECT_OK(cert_issue(db, kr, &a_reg, LHR1, CERT_BIRTH, child, ago(0), &a, &e));
	EXPECT_OK(cert_issue(db, kr, &a_reg, LHR1, CERT_BIRTH, child, ago(0), &b, &e));
	cr_assert(serial_shape(a.serial, "BRC"), "%s", a.serial);
	cr_assert(serial_shape(b.serial, "BRC"), "%s", b.serial);
	cr_assert_str_neq(a.serial, b.serial);
	/* Not the next number after the previous one, nor the year. */
	cr_assert_eq(strstr(a.serial, "2026-0000"), NULL, "%s", a.serial);
	cr_assert_str_eq(a.council, LHR1);
	/* Typed back without dashes, in lower case: the same certificate. */
	char typed[32];
	size_t k = 0;
	for (const char *s = a.serial; *s; s++)
		if (*s != '-')
			typed[k++] = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
	typed[k] = '\0';
	store_tx *tx;
	EXPECT_OK(store_begin(db, STORE_READ, &tx, &e));
	EXPECT_OK(cert_get(tx, typed, &got, &e));
	cr_assert_str_eq(got.serial, a.serial);
	cr_assert_str_eq(got.council, LHR1);
	/* One wrong digit is a typo the check digit catches. */
	char typo[32];
	snprintf(typo, sizeof typo, "%s", a.serial);
	typo[5] = typo[5] == '9' ? '0' : (char)(typo[5] + 1);
	EXPECT_ERR(SH_EINVAL, "SERIAL_INVALID", cert_get(tx, typo, &got, &e));
	EXPECT_ERR(SH_EINVAL, "SERIAL_INVALID", cert_get(tx, "XYZ-1234", &got, &e));
	store_rollback(tx);
	/* Draws are uniform enough that 200 of them never repeat and every
	 * position takes many values. */
	char seen[200][CERT_SERIAL_MAX];
	for (int i = 0; i < 200; i++) {
		EXPECT_OK(cert_serial_generate(CERT_FRC, seen[i], sizeof seen[i], &e));
		cr_assert(serial_shape(seen[i], "FRC"), "%s", seen[i]);
		for (int j = 0; j < i; j++)
			cr_assert_str_neq(seen[i], seen[j]);
	}
}

static void set_status(const char *serial, const char *status)
{
	store_tx *tx;
	EXPECT_OK(store_begin(db, STORE_WRITE, &tx, &e));
	struct sh_err se = {0};
	cr_assert_geq(store_run(tx, &se, "UPDATE certificates SET status = ? WHERE serial = ?", "tt",
				status, serial), 0, "%s", se.msg);
	EXPECT_OK(store_commit(tx, &e));
}

/* Issue 13 items 3 and 10: the public check by serial says only the status;
 * the facts come back only for the payload issued under that serial; a
 * tampered payload answers status "invalid" and valid false together. */
Test(issue, check_by_serial_discloses_nothing_and_status_agrees_with_valid)
{
	history();
	struct cert_record a, m;
	EXPECT_OK(cert_issue(db, kr, &a_reg, LHR1, CERT_BIRTH, child, ago(0), &a, &e));
	EXPECT_OK(cert_issue(db, kr, &a_reg, LHR1, CERT_MARRIAGE, marriage_reg, ago(0), &m, &e));
	unsigned char pk[KEYRING_PK_BYTES];
	keyring_public_key(kr, pk);
	struct cert_check *c = calloc(1, sizeof *c);
	EXPECT_OK(cert_check(db, pk, a.serial, NULL, c, &e));
	cr_assert_str_eq(c->status, "valid");
	cr_assert_eq(c->valid, 1);
	cr_assert_eq(c->facts_shown, 0);

	EXPECT_OK(cert_check(db, pk, a.serial, a.payload, c, &e));
	cr_assert_str_eq(c->status, "valid");
	cr_assert_eq(c->facts_shown, 1);
	cr_assert_str_eq(cert_payload_fact(&c->facts, "m"), mother);

	char bad[CERT_PAYLOAD_TEXT_MAX];
	snprintf(bad, sizeof bad, "%s", a.payload);
	size_t n = strlen(bad);
	bad[n - 9] = bad[n - 9] == 'A' ? 'B' : 'A';
	EXPECT_OK(cert_check(db, pk, a.serial, bad, c, &e));
	cr_assert_str_eq(c->status, "invalid");
	cr_assert_eq(c->valid, 0);
	cr_assert_eq(c->payload_valid, 0);
	cr_assert_eq(c->facts_shown, 0);
	cr_assert_str_neq(c->payload_error, "");

	/* A genuine payload of another certificate does not open this one. */
	EXPECT_OK(cert_check(db, pk, a.serial, m.payload, c, &e));
	cr_assert_str_eq(c->status, "invalid");
	cr_assert_str_eq(c->payload_error, "SERIAL_MISMATCH");
	cr_assert_eq(c->facts_shown, 0);

	char unknown[CERT_SERIAL_MAX];
	EXPECT_OK(cert_serial_generate(CERT_BIRTH, unknown, sizeof unknown, &e));
	EXPECT_OK(cert_check(db, pk, unknown, a.payload, c, &e));
	cr_assert_str_eq(c->status, "unknown");
	cr_assert_eq(c->valid, 0);
	cr_assert_eq(c->facts_shown, 0);

	set_status(a.serial, "revoked");
	EXPECT_OK(cert_check(db, pk, a.serial, NULL, c, &e));
	cr_assert_str_eq(c->status, "revoked");
	cr_assert_eq(c->valid, 0);
	free(c);
}

Test(issue, operators_read_facts_within_scope)
{
	history();
	struct cert_record a;
	EXPECT_OK(cert_issue(db, kr, &a_reg, LHR1, CERT_BIRTH, child, ago(0), &a, &e));
	struct principal p = {.kind = PRINCIPAL_OPERATOR, .role_bit = ROLE_UC_REGISTRAR};
	snprintf(p.council_code, sizeof p.council_code, LHR1);
	cr_assert(cert_may_read(&p, &a));
	snprintf(p.council_code, sizeof p.council_code, KHI1);
	cr_assert_not(cert_may_read(&p, &a));
	p.council_code[0] = '\0';
	cr_assert_not(cert_may_read(&p, &a));
	p.role_bit = ROLE_ADMIN;
	cr_assert(cert_may_read(&p, &a));
	p.role_bit = ROLE_AUDITOR;
	cr_assert(cert_may_read(&p, &a));
	p.role_bit = ROLE_HEALTH_NOTIFIER;
	cr_assert_not(cert_may_read(&p, &a));
	p.role_bit = ROLE_CASE_OFFICER;
	cr_assert_not(cert_may_read(&p, &a));
	struct principal anon = {0};
	cr_assert_not(cert_may_read(&anon, &a));
	/* Issued by the national registry (no council): admin and auditor only. */
	struct cert_record nat;
	EXPECT_OK(cert_issue(db, kr, &a_reg, NULL, CERT_BIRTH, child, ago(0), &nat, &e));
	cr_assert_str_eq(nat.council, "");
	p.role_bit = ROLE_UC_REGISTRAR;
	snprintf(p.council_code, sizeof p.council_code, LHR1);
	cr_assert_not(cert_may_read(&p, &nat));
}

/* The file served is signed as a file: its signature line verifies, and a
 * changed byte does not. */
Test(issue, served_pdf_carries_a_document_signature)
{
	history();
	struct cert_record a;
	EXPECT_OK(cert_issue(db, kr, &a_reg, LHR1, CERT_BIRTH, child, ago(0), &a, &e));
	struct sh_buf pdf;
	sh_buf_init(&pdf, 0);
	EXPECT_OK(cert_pdf(db, kr, a.serial, &pdf, &e));
	unsigned char pk[KEYRING_PK_BYTES];
	keyring_public_key(kr, pk);
	struct cert_docsig ds;
	EXPECT_OK(cert_docsig_verify((unsigned char *)pdf.data, pdf.len, pk, &ds, &e));
	cr_assert_lt(ds.signed_len, pdf.len);
	cr_assert_gt(ds.signed_len, pdf.len - 200);
	pdf.data[pdf.len / 3] ^= 0x20;
	EXPECT_ERR(SH_ERULE, "DOCUMENT_SIGNATURE_INVALID",
		   cert_docsig_verify((unsigned char *)pdf.data, pdf.len, pk, &ds, &e));
	sh_buf_free(&pdf);
}

/* Certificates stored before random serials and the council column (schema
 * version 1, serial = record id) keep working after the migration: found by
 * their printed serial, checked publicly, opened by their payload, in their
 * council's scope, and rendered. */
static const struct store_migration v1[] = {
	{1, "certificates",
	 "CREATE TABLE certificates (id {{PK}}, serial TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
	 " subject TEXT NOT NULL, copy_no BIGINT NOT NULL, issued_on TEXT NOT NULL,"
	 " issued_at BIGINT NOT NULL, issued_by TEXT NOT NULL, issuer TEXT NOT NULL,"
	 " status TEXT NOT NULL, payload TEXT NOT NULL, doc TEXT NOT NULL,"
	 " UNIQUE (kind, subject, copy_no));"
	 "CREATE INDEX certificates_subject ON certificates(kind, subject);"},
};

static void legacy_setup(void)
{
	fx_setup();
	struct sh_err err = {0};
	cr_assert_eq(store_migrate(db, "cert", v1, 1, &err), 0, "%s", err.msg);
	char tmpl[] = "/tmp/shanakht-keys-XXXXXX";
	cr_assert_not_null(mkdtemp(tmpl));
	snprintf(keydir, sizeof keydir, "%s/k", tmpl);
	cr_assert_eq(keyring_create(keydir, &err), 0, "%s", err.msg);
	cr_assert_eq(keyring_load(keydir, &kr, &err), 0, "%s", err.msg);
}

TestSuite(legacy, .init = legacy_setup, .fini = teardown, .timeout = 180);

Test(legacy, old_sequential_serials_keep_working_after_migration)
{
	history();
	struct cert_payload p = {0};
	p.kind = CERT_BIRTH;
	snprintf(p.serial, sizeof p.serial, "BRC-2026-00000001");
	snprintf(p.subject, sizeof p.subject, "%s", child);
	p.issued = ago(0);
	p.copy_no = 1;
	EXPECT_OK(cert_payload_add(&p, "n", "Ayesha Khan", &e));
	char payload[CERT_PAYLOAD_TEXT_MAX], day[11];
	EXPECT_OK(cert_sign_keyring(kr, &p, payload, sizeof payload, &e));
	sh_date_format(p.issued, day, sizeof day);
	store_tx *tx;
	EXPECT_OK(store_begin(db, STORE_WRITE, &tx, &e));
	struct sh_err se = {0};
	cr_assert_geq(store_run(tx, &se,
				"INSERT INTO certificates(serial, kind, subject, copy_no, issued_on,"
				" issued_at, issued_by, issuer, status, payload, doc) VALUES"
				" ('BRC-2026-00000001', 'birth', ?, 1, ?, 0, 'registrar1',"
				" 'Union Council Lahore One, Lahore (" LHR1 ")', 'valid', ?,"
				" '{\"rows\":[[\"Name\",\"نام\",\"Ayesha Khan\",\"عائشہ خان\"]],"
				"\"note_en\":\"\",\"note_ur\":\"\"}')",
				"ttt", child, day, payload),
		      0, "%s", se.msg);
	EXPECT_OK(store_commit(tx, &e));
	EXPECT_OK(cert_migrate(db, &e));

	unsigned char pk[KEYRING_PK_BYTES];
	keyring_public_key(kr, pk);
	struct cert_check *c = calloc(1, sizeof *c);
	EXPECT_OK(cert_check(db, pk, "brc-2026-00000001", NULL, c, &e));
	cr_assert_str_eq(c->status, "valid");
	cr_assert_eq(c->facts_shown, 0);
	cr_assert_str_eq(c->rec.council, LHR1, "backfilled from the printed issuer");
	EXPECT_OK(cert_check(db, pk, "BRC-2026-00000001", payload, c, &e));
	cr_assert_eq(c->facts_shown, 1);
	cr_assert_str_eq(cert_payload_fact(&c->facts, "n"), "Ayesha Khan");
	struct principal reg = {.kind = PRINCIPAL_OPERATOR, .role_bit = ROLE_UC_REGISTRAR};
	snprintf(reg.council_code, sizeof reg.council_code, LHR1);
	cr_assert(cert_may_read(&reg, &c->rec));
	struct sh_buf pdf;
	sh_buf_init(&pdf, 0);
	EXPECT_OK(cert_pdf(db, kr, "BRC-2026-00000001", &pdf, &e));
	EXPECT_OK(cert_docsig_verify((unsigned char *)pdf.data, pdf.len, pk, NULL, &e));
	sh_buf_free(&pdf);
	/* New issues after the migration get random serials beside the old. */
	struct cert_record b;
	EXPECT_OK(cert_issue(db, kr, &a_reg, LHR1, CERT_BIRTH, child, ago(0), &b, &e));
	cr_assert(serial_shape(b.serial, "BRC"), "%s", b.serial);
	cr_assert_eq(b.copy_no, 2);
	free(c);
}
