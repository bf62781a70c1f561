/* test_render.c — certificates render to PDF; the PDF rasterizes
 * (pdftoppm), its QR decodes (zbarimg) to a payload that verifies, and the
 * payload embedded in the PDF reads back. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cert/payload.h"
#include "cert/render.h"
#include "lib/buf.h"

struct test_key {
	unsigned char pk[32], sk[64];
};

static void test_sign(void *ctx, const void *msg, size_t len, unsigned char sig[64])
{
	struct test_key *k = ctx;
	crypto_sign_detached(sig, NULL, msg, len, k->sk);
}

static struct test_key key;

static void setup(void)
{
	unsigned char seed[32];
	memset(seed, 42, sizeof seed);
	cr_assert(sodium_init() >= 0);
	crypto_sign_seed_keypair(key.pk, key.sk, seed);
}

static void make_doc(struct cert_doc *d, enum cert_kind kind, int copy)
{
	memset(d, 0, sizeof *d);
	d->kind = kind;
	snprintf(d->serial, sizeof d->serial, "%s-2026-0000000%d",
		 kind == CERT_BIRTH ? "BRC" : kind == CERT_DEATH ? "DRC"
		 : kind == CERT_MARRIAGE ? "MRC" : kind == CERT_DIVORCE ? "DVC" : "FRC", copy);
	d->copy_no = copy;
	d->issued = (struct sh_date){2026, 11, 23};
	snprintf(d->issuer, sizeof d->issuer, "Union Council 042, Lahore (PB-LHR-042)");
	struct cert_payload p = {0};
	p.kind = kind;
	snprintf(p.serial, sizeof p.serial, "%s", d->serial);
	snprintf(p.subject, sizeof p.subject, "3520212345675");
	p.issued = d->issued;
	p.copy_no = copy;
	cr_assert_eq(cert_payload_add(&p, "n", "Ayesha Khan", NULL), 0);
	cr_assert_eq(cert_payload_add(&p, "dob", "2026-11-01", NULL), 0);
	switch (kind) {
	case CERT_BIRTH:
		cert_doc_row(d, "Name", "نام", "Ayesha Khan", "عائشہ خان");
		cert_doc_row(d, "Identity number", "شناختی نمبر", "35202-1234567-5", "");
		cert_doc_row(d, "Sex", "جنس", "Female", "عورت");
		cert_doc_row(d, "Date of birth", "تاریخ پیدائش", "2026-11-01", "");
		cert_doc_row(d, "Place of birth", "جائے پیدائش", "Lahore General Hospital", "");
		cert_doc_row(d, "Father", "والد", "Imran Khan (35202-7654321-3)", "عمران خان");
		cert_doc_row(d, "Mother", "والدہ", "Sana Imran (35202-1111111-2)", "ثناء عمران");
		break;
	case CERT_DEATH:
		cert_doc_row(d, "Name", "نام", "Muhammad Aslam", "محمد اسلم");
		cert_doc_row(d, "Date of death", "تاریخ وفات", "2026-10-30", "");
		cert_doc_row(d, "Cause (ICD-10)", "وجہ وفات", "I21.9", "");
		snprintf(d->note_en, sizeof d->note_en, "Late registration");
		snprintf(d->note_ur, sizeof d->note_ur, "تاخیر سے اندراج");
		break;
	case CERT_MARRIAGE:
		cert_doc_row(d, "Husband", "شوہر", "Imran Khan (35202-7654321-3)", "عمران خان");
		cert_doc_row(d, "Wife", "بیوی", "Sana Imran (35202-1111111-2)", "ثناء عمران");
		cert_doc_row(d, "Date of marriage", "تاریخ نکاح", "2020-02-14", "");
		cert_doc_row(d, "Dower", "حق مہر", "PKR 100,000", "");
		break;
	case CERT_DIVORCE:
		cert_doc_row(d, "Husband", "شوہر", "Imran Khan", "عمران خان");
		cert_doc_row(d, "Wife", "بیوی", "Sana Imran", "ثناء عمران");
		cert_doc_row(d, "Type", "قسم", "Talaq", "طلاق");
		cert_doc_row(d, "Effective date", "مؤثر تاریخ", "2026-05-15", "");
		break;
	case CERT_FRC:
		cert_doc_row(d, "Head of family", "سربراہ خاندان", "Imran Khan", "عمران خان");
		for (int i = 0; i < 6; i++)
			cert_doc_row(d, "Child", "اولاد", "Child Name (35202-0000000-0)", "بچے کا نام");
		break;
	}
	cr_assert_eq(cert_payload_sign(&p, key.pk, test_sign, &key, d->payload,
				       sizeof d->payload, NULL), 0);
}

/* Run a shell command and capture its stdout (trailing newline stripped). */
static int run(const char *cmd, char *out, size_t n)
{
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	size_t got = fread(out, 1, n - 1, f);
	out[got] = '\0';
	while (got && (out[got - 1] == '\n' || out[got - 1] == '\r'))
		out[--got] = '\0';
	return pclose(f);
}

static void render_and_check(enum cert_kind kind, int copy)
{
	struct cert_doc *d = calloc(1, sizeof *d);
	cr_assert_not_null(d);
	make_doc(d, kind, copy);
	struct sh_buf pdf;
	sh_buf_init(&pdf, 0);
	struct sh_err e = {0};
	cr_assert_eq(cert_render_pdf(d, &pdf, &e), 0, "%s", e.msg);
	cr_assert_gt(pdf.len, 1000);
	cr_assert_eq(memcmp(pdf.data, "%PDF-", 5), 0);

	/* The embedded copy of the payload reads back and verifies. */
	char embedded[CERT_PAYLOAD_TEXT_MAX];
	cr_assert_eq(cert_pdf_extract((unsigned char *)pdf.data, pdf.len, embedded,
				      sizeof embedded, &e), 0, "%s", e.msg);
	cr_assert_str_eq(embedded, d->payload);

	char dir[] = "/tmp/shanakht-cert-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char path[256], cmd[1024], out[CERT_PAYLOAD_TEXT_MAX + 64];
	snprintf(path, sizeof path, "%s/c.pdf", dir);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(pdf.data, 1, pdf.len, f), pdf.len);
	fclose(f);
	snprintf(cmd, sizeof cmd, "pdftoppm -r 150 -png -singlefile %s %s/page", path, dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(path, sizeof path, "%s/page.png", dir);
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_gt(st.st_size, 20000, "PNG of %lld bytes looks blank", (long long)st.st_size);
	snprintf(cmd, sizeof cmd, "zbarimg --quiet --raw -Sdisable -Sqrcode.enable %s 2>/dev/null", path);
	cr_assert_eq(run(cmd, out, sizeof out), 0, "zbarimg found no QR");
	cr_assert_str_eq(out, d->payload);
	struct cert_payload got;
	cr_assert_eq(cert_payload_verify(out, key.pk, &got, &e), 0, "%s", e.msg);
	cr_assert_eq(got.kind, kind);
	cr_assert_eq(got.copy_no, copy);
	/* Keep the PNGs for a human look when asked to. */
	const char *keep = getenv("SHANAKHT_KEEP_CERT_PNG");
	if (keep) {
		snprintf(cmd, sizeof cmd, "cp %s %s/%s-%d.png", path, keep, cert_kind_name(kind),
			 copy);
		cr_assert_eq(system(cmd), 0);
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
	sh_buf_free(&pdf);
	free(d);
}

TestSuite(render, .init = setup);

Test(render, birth) { render_and_check(CERT_BIRTH, 1); }
Test(render, death) { render_and_check(CERT_DEATH, 1); }
Test(render, marriage) { render_and_check(CERT_MARRIAGE, 1); }
Test(render, divorce) { render_and_check(CERT_DIVORCE, 1); }
Test(render, frc) { render_and_check(CERT_FRC, 1); }
Test(render, duplicate_copy) { render_and_check(CERT_BIRTH, 3); }

Test(render, pdf_without_payload_is_refused)
{
	const char fake[] = "%PDF-1.5\n1 0 obj << /Keywords (nothing here) >> endobj\n";
	char out[64];
	struct sh_err e = {0};
	cr_assert_eq(cert_pdf_extract((const unsigned char *)fake, sizeof fake - 1, out,
				      sizeof out, &e), SH_ENOTFOUND);
	cr_assert_str_eq(e.code, "PAYLOAD_NOT_FOUND");
}

Test(render, extract_reads_hex_utf16_strings)
{
	/* <FEFF 0073 ...> spelling "shanakht-payload:SHK1:AB" */
	const char *txt = "shanakht-payload:SHK1:AB";
	char pdf[512] = "/Keywords <FEFF";
	size_t len = strlen(pdf);
	for (const char *c = txt; *c; c++)
		len += (size_t)snprintf(pdf + len, sizeof pdf - len, "00%02X", (unsigned char)*c);
	snprintf(pdf + len, sizeof pdf - len, ">");
	char out[64];
	cr_assert_eq(cert_pdf_extract((const unsigned char *)pdf, strlen(pdf), out, sizeof out,
				      NULL), 0);
	cr_assert_str_eq(out, "SHK1:AB");
}
