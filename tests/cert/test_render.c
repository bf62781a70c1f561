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
#include "registry/names.h"
#include "registry/person.h"

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

/* Issue 13 item 8: a long "Name (ID number)" wrapped and the next row's
 * shading hid its second line. Rows now take their measured height; here the
 * longest names the registry accepts (PERSON_NAME_MAX - 1 bytes, in Latin
 * and in Urdu script, with and without spaces) go through every kind that
 * prints names, and the renderer's own measurements of what it drew must
 * stay inside each row's box, boxes must not overlap, every row must be
 * drawn, and no row may reach the footer. */
static void longest(char *out, size_t n, const char *unit)
{
	size_t k = 0, ul = strlen(unit);
	/* Whole units while they fit, then single bytes of ASCII or whole
	 * 2-byte letters, so the result is valid UTF-8 of PERSON_NAME_MAX - 1
	 * bytes at most. */
	while (k + ul < n) {
		memcpy(out + k, unit, ul);
		k += ul;
	}
	out[k] = '\0';
	while (k && (out[k - 1] == ' '))
		out[--k] = '\0';
}

static void long_row(struct cert_doc *d, const char *label_en, const char *label_ur,
		     const char *en, const char *ur)
{
	char v[400];
	snprintf(v, sizeof v, "%s (35202-1234567-5)", en);
	cert_doc_row(d, label_en, label_ur, v, ur);
}

static void check_layout(struct cert_doc *d, const char *png)
{
	struct cert_payload p = {0};
	p.kind = d->kind;
	snprintf(p.serial, sizeof p.serial, "%s", d->serial);
	snprintf(p.subject, sizeof p.subject, "3520212345675");
	p.issued = d->issued;
	p.copy_no = d->copy_no;
	cr_assert_eq(cert_payload_add(&p, "n", d->rows[0].value_ur, NULL), 0);
	cr_assert_eq(cert_payload_sign(&p, key.pk, test_sign, &key, d->payload,
				       sizeof d->payload, NULL), 0);
	struct sh_buf pdf;
	sh_buf_init(&pdf, 0);
	struct cert_layout *lay = calloc(1, sizeof *lay);
	struct sh_err e = {0};
	cr_assert_eq(cert_render_pdf_report(d, &pdf, lay, &e), 0, "%s", e.msg);
	cr_assert_eq(lay->nrows, d->nrows, "every row is drawn");
	int wrapped = 0;
	for (int i = 0; i < lay->nrows; i++) {
		const struct cert_layout_row *r = &lay->rows[i];
		cr_assert_geq(r->ink_top, r->y - 0.01, "row %d: ink above its box (%.1f < %.1f)",
			      i, r->ink_top, r->y);
		cr_assert_leq(r->ink_bottom, r->y + r->h + 0.01,
			      "row %d (%s): ink below its box (%.1f > %.1f): the next row hides it",
			      i, d->rows[i].label_en, r->ink_bottom, r->y + r->h);
		cr_assert_leq(r->y + r->h, r->limit + 0.01, "row %d runs into the footer", i);
		if (i + 1 < lay->nrows && lay->rows[i + 1].page == r->page)
			cr_assert_geq(lay->rows[i + 1].y, r->y + r->h - 0.01, "rows %d and %d overlap",
				      i, i + 1);
		wrapped += r->lines > 4;
	}
	cr_assert_gt(wrapped, 0, "the long names wrapped (the case under test)");
	/* A look for people: SHANAKHT_KEEP_CERT_PNG=DIR keeps page 1. */
	const char *keep = getenv("SHANAKHT_KEEP_CERT_PNG");
	if (keep) {
		char path[512], cmd[1200];
		snprintf(path, sizeof path, "%s/%s.pdf", keep, png);
		FILE *f = fopen(path, "wb");
		cr_assert_not_null(f);
		cr_assert_eq(fwrite(pdf.data, 1, pdf.len, f), pdf.len);
		fclose(f);
		snprintf(cmd, sizeof cmd, "pdftoppm -r 100 -png %s %s/%s", path, keep, png);
		cr_assert_eq(system(cmd), 0);
	}
	free(lay);
	sh_buf_free(&pdf);
}

static char en_words[256], en_solid[256], ur_words[256], ur_solid[256];

static void long_names(void)
{
	longest(en_words, PERSON_NAME_MAX, "Muhammad Waqas Abdul Wahab ");
	longest(en_solid, PERSON_NAME_MAX, "W");
	longest(ur_words, PERSON_NAME_MAX, "محمد وقاص عبدالوہاب ");
	longest(ur_solid, PERSON_NAME_MAX, "ہ");
	cr_assert(names_is_latin_script(en_words) && names_is_latin_script(en_solid));
	cr_assert(names_is_arabic_script(ur_words) && names_is_arabic_script(ur_solid));
	cr_assert_geq(strlen(en_words), PERSON_NAME_MAX - 30);
	cr_assert_geq(strlen(ur_words), PERSON_NAME_MAX - 40);
}

static struct cert_doc *long_doc(enum cert_kind kind, const char *serial)
{
	struct cert_doc *d = calloc(1, sizeof *d);
	cr_assert_not_null(d);
	d->kind = kind;
	snprintf(d->serial, sizeof d->serial, "%s", serial);
	d->copy_no = 2;
	d->issued = (struct sh_date){2026, 11, 23};
	snprintf(d->issuer, sizeof d->issuer, "Union Council 042, Lahore (PB-LHR-042)");
	return d;
}

Test(render, longest_names_marriage_and_divorce_do_not_overlap)
{
	long_names();
	for (int k = 0; k < 2; k++) {
		struct cert_doc *d = long_doc(k ? CERT_DIVORCE : CERT_MARRIAGE,
					      k ? "DVC-4821-9375-0062-8817" : "MRC-4821-9375-0062-8817");
		long_row(d, "Husband", "شوہر", en_words, ur_words);
		long_row(d, "Wife", "بیوی", en_solid, ur_solid);
		cert_doc_row(d, "Date of marriage", "تاریخ نکاح", "2020-02-14", "");
		cert_doc_row(d, "Place of marriage", "جائے نکاح", en_words, "");
		cert_doc_row(d, "Registration number", "اندراج نمبر", "M-2026-000003", "");
		check_layout(d, k ? "long-divorce" : "long-marriage");
		free(d);
	}
}

Test(render, longest_names_frc_every_row_on_some_page)
{
	long_names();
	struct cert_doc *d = long_doc(CERT_FRC, "FRC-4821-9375-0062-8817");
	long_row(d, "Head of family", "سربراہ خاندان", en_words, ur_words);
	long_row(d, "Father", "والد", en_solid, ur_solid);
	long_row(d, "Mother", "والدہ", en_words, ur_solid);
	while (d->nrows < CERT_ROWS_MAX)
		long_row(d, "Child (born 2020-01-01)", "اولاد", d->nrows % 2 ? en_words : en_solid,
			 d->nrows % 3 ? ur_words : ur_solid);
	check_layout(d, "long-frc");
	free(d);
}
