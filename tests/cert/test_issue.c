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
#include "crypto/keyring.h"

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
