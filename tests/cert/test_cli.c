/* test_cli.c — `shanakht cert verify` offline: from the PDF, from the
 * payload alone, with --key or a --keys directory; tampering and a wrong key
 * fail with exit status 1. Runs the real binary (SHANAKHT_BIN). */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cert/docsig.h"
#include "cert/payload.h"
#include "cert/render.h"

static unsigned char pk[32], sk[64];
static char dir[64], pkhex[65];

static void sign(void *ctx, const void *m, size_t n, unsigned char sig[64])
{
	(void)ctx;
	crypto_sign_detached(sig, NULL, m, n, sk);
}

static void setup(void)
{
	cr_assert(sodium_init() >= 0);
	crypto_sign_keypair(pk, sk);
	cert_hex(pk, 32, pkhex);
	snprintf(dir, sizeof dir, "/tmp/shanakht-cli-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(cli, .init = setup, .fini = teardown, .timeout = 60);

/* Run the binary with a shell command tail; returns the exit status and
 * the output in out. */
static int run(const char *args, char *out, size_t n)
{
	const char *bin = getenv("SHANAKHT_BIN");
	cr_assert_not_null(bin, "SHANAKHT_BIN not set");
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "%s cert verify %s 2>&1", bin, args);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	size_t k = fread(out, 1, n - 1, f);
	out[k] = '\0';
	int st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void make(char *payload, size_t n, const char *pdf_path)
{
	struct cert_payload p = {0};
	p.kind = CERT_DEATH;
	snprintf(p.serial, sizeof p.serial, "DRC-2026-00000009");
	snprintf(p.subject, sizeof p.subject, "3520212345675");
	p.issued = (struct sh_date){2026, 11, 23};
	p.copy_no = 2;
	cr_assert_eq(cert_payload_add(&p, "n", "Muhammad Aslam", NULL), 0);
	cr_assert_eq(cert_payload_sign(&p, pk, sign, NULL, payload, n, NULL), 0);
	struct cert_doc *d = calloc(1, sizeof *d);
	d->kind = CERT_DEATH;
	snprintf(d->serial, sizeof d->serial, "%s", p.serial);
	d->copy_no = 2;
	d->issued = p.issued;
	cert_doc_row(d, "Name", "نام", "Muhammad Aslam", "محمد اسلم");
	snprintf(d->payload, sizeof d->payload, "%s", payload);
	struct sh_buf b;
	sh_buf_init(&b, 0);
	cr_assert_eq(cert_render_pdf(d, &b, NULL), 0);
	cr_assert_eq(cert_docsig_append(&b, pk, sign, NULL, NULL), 0);
	FILE *f = fopen(pdf_path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(b.data, 1, b.len, f), b.len);
	fclose(f);
	sh_buf_free(&b);
	free(d);
}

Test(cli, verifies_pdf_and_payload_offline)
{
	char payload[CERT_PAYLOAD_TEXT_MAX], pdf[128], args[4096], out[4096];
	snprintf(pdf, sizeof pdf, "%s/c.pdf", dir);
	make(payload, sizeof payload, pdf);
	snprintf(args, sizeof args, "%s --key %s", pdf, pkhex);
	cr_assert_eq(run(args, out, sizeof out), 0, "%s", out);
	cr_assert(strstr(out, "VALID\n") == out, "%s", out);
	cr_assert(strstr(out, "checked: document signature"), "%s", out);
	cr_assert(strstr(out, "checked: QR payload signature"), "%s", out);
	cr_assert(strstr(out, "serial: DRC-2026-00000009"));
	cr_assert(strstr(out, "copy: 2 (duplicate copy)"));
	cr_assert(strstr(out, "n: Muhammad Aslam"));
	snprintf(args, sizeof args, "--payload '%s' --key %s", payload, pkhex);
	cr_assert_eq(run(args, out, sizeof out), 0, "%s", out);
	/* A --keys directory of *.pub files. */
	char path[128];
	snprintf(path, sizeof path, "%s/registry-2026.pub", dir);
	FILE *f = fopen(path, "w");
	fprintf(f, "%s\n", pkhex);
	fclose(f);
	snprintf(args, sizeof args, "%s --keys %s", pdf, dir);
	cr_assert_eq(run(args, out, sizeof out), 0, "%s", out);
}

Test(cli, tampered_or_foreign_fails)
{
	char payload[CERT_PAYLOAD_TEXT_MAX], pdf[128], args[4096], out[4096];
	snprintf(pdf, sizeof pdf, "%s/c.pdf", dir);
	make(payload, sizeof payload, pdf);
	size_t n = strlen(payload);
	payload[n - 10] = payload[n - 10] == 'A' ? 'B' : 'A';
	snprintf(args, sizeof args, "--payload '%s' --key %s", payload, pkhex);
	cr_assert_eq(run(args, out, sizeof out), 1, "%s", out);
	cr_assert(strstr(out, "INVALID"));
	unsigned char other[32], osk[64];
	char ohex[65];
	crypto_sign_keypair(other, osk);
	cert_hex(other, 32, ohex);
	snprintf(args, sizeof args, "%s --key %s", pdf, ohex);
	cr_assert_eq(run(args, out, sizeof out), 1, "%s", out);
	cr_assert(strstr(out, "KEY_MISMATCH"), "%s", out);
	snprintf(args, sizeof args, "%s --keys %s", pdf, dir); /* no .pub files */
	cr_assert_eq(run(args, out, sizeof out), 1, "%s", out);
	cr_assert(strstr(out, "UNKNOWN_KEY"), "%s", out);
	/* A PDF without a payload. */
	snprintf(args, sizeof args, "/dev/null --key %s", pkhex);
	cr_assert_eq(run(args, out, sizeof out), 2, "%s", out);
	cr_assert_eq(run("", out, sizeof out), 2);
}

static long file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fclose(f);
	return n;
}

static void flip(const char *path, long at)
{
	FILE *f = fopen(path, "r+b");
	cr_assert_not_null(f);
	fseek(f, at, SEEK_SET);
	int c = fgetc(f);
	fseek(f, at, SEEK_SET);
	fputc(c ^ 0x01, f);
	fclose(f);
}

/* Issue 13 item 7: the verifier said VALID for a two-line fake "PDF" that
 * held a copied payload, and for a real certificate with a byte changed. */
Test(cli, two_line_fake_pdf_with_a_copied_payload_is_invalid)
{
	char payload[CERT_PAYLOAD_TEXT_MAX], pdf[128], args[4096], out[4096];
	snprintf(pdf, sizeof pdf, "%s/c.pdf", dir);
	make(payload, sizeof payload, pdf);
	char fake[128];
	snprintf(fake, sizeof fake, "%s/fake.pdf", dir);
	FILE *f = fopen(fake, "w");
	cr_assert_not_null(f);
	fprintf(f, "%%PDF-1.4\n/Keywords (%s%s)\n", CERT_PDF_MARKER, payload);
	fclose(f);
	snprintf(args, sizeof args, "%s --key %s", fake, pkhex);
	cr_assert_eq(run(args, out, sizeof out), 1, "%s", out);
	cr_assert(strstr(out, "INVALID DOCUMENT_UNSIGNED") == out, "%s", out);
	/* Nor does a forged signature line help, nor the real line copied
	 * under other bytes. */
	f = fopen(fake, "w");
	fprintf(f, "%%PDF-1.4\n/Keywords (%s%s)\n", CERT_PDF_MARKER, payload);
	fclose(f);
	long n = file_size(fake);
	char kid[9];
	unsigned char id[4];
	cert_key_id(pk, id);
	cert_hex(id, 4, kid);
	f = fopen(fake, "a");
	fprintf(f, "%%shanakht-docsig-v1 kid=%s bytes=%ld sig=", kid, n);
	for (int i = 0; i < 128; i++)
		fputc('a', f);
	fputc('\n', f);
	fclose(f);
	cr_assert_eq(run(args, out, sizeof out), 1, "%s", out);
	cr_assert(strstr(out, "INVALID DOCUMENT_SIGNATURE_INVALID") == out, "%s", out);
	/* A wrong byte count in the line. */
	f = fopen(fake, "w");
	fprintf(f, "%%PDF-1.4\n%%shanakht-docsig-v1 kid=%s bytes=3 sig=", kid);
	for (int i = 0; i < 128; i++)
		fputc('a', f);
	fputc('\n', f);
	fclose(f);
	cr_assert_eq(run(args, out, sizeof out), 1, "%s", out);
	cr_assert(strstr(out, "INVALID DOCSIG_MALFORMED") == out, "%s", out);
}

Test(cli, real_certificate_with_a_flipped_byte_is_invalid)
{
	char payload[CERT_PAYLOAD_TEXT_MAX], pdf[128], args[4096], out[4096];
	snprintf(pdf, sizeof pdf, "%s/c.pdf", dir);
	make(payload, sizeof payload, pdf);
	snprintf(args, sizeof args, "%s --key %s", pdf, pkhex);
	cr_assert_eq(run(args, out, sizeof out), 0, "%s", out);
	long n = file_size(pdf);
	/* In the page content (middle of the file), in the header, in the
	 * signature itself: each flip is caught, and undoing it restores
	 * VALID. */
	long at[] = {n / 2, 3, n - 20};
	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		flip(pdf, at[i]);
		cr_assert_eq(run(args, out, sizeof out), 1, "byte %ld: %s", at[i], out);
		cr_assert(strstr(out, "INVALID DOCUMENT_SIGNATURE_INVALID") == out ||
			  strstr(out, "INVALID DOCSIG_MALFORMED") == out, "byte %ld: %s", at[i], out);
		flip(pdf, at[i]);
		cr_assert_eq(run(args, out, sizeof out), 0, "byte %ld restored: %s", at[i], out);
	}
	/* Bytes appended after the signature (an incremental update). */
	FILE *f = fopen(pdf, "a");
	fprintf(f, "1 0 obj\n<< /Keywords (x) >>\nendobj\n");
	fclose(f);
	cr_assert_eq(run(args, out, sizeof out), 1, "%s", out);
	cr_assert(strstr(out, "INVALID DOCUMENT_UNSIGNED") == out, "%s", out);
}
