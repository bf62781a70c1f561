/* bench_cert.c — certificate payload and PDF figures: payload size, QR text
 * length, sign/verify and render times. Prints a table; asserts nothing. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cert/payload.h"
#include "cert/render.h"

static unsigned char pk[32], sk[64];

static void sign(void *ctx, const void *m, size_t n, unsigned char sig[64])
{
	(void)ctx;
	crypto_sign_detached(sig, NULL, m, n, sk);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	crypto_sign_keypair(pk, sk);
	struct cert_payload p = {0};
	p.kind = CERT_BIRTH;
	snprintf(p.serial, sizeof p.serial, "BRC-2026-00000017");
	snprintf(p.subject, sizeof p.subject, "3520212345675");
	p.issued = (struct sh_date){2026, 11, 23};
	p.copy_no = 1;
	const char *facts[][2] = {{"n", "Ayesha Khan"}, {"s", "F"}, {"dob", "2026-11-01"},
				  {"m", "3520211111112"}, {"f", "3520276543213"},
				  {"r", "B-2026-000017"}};
	for (size_t i = 0; i < 6; i++)
		if (cert_payload_add(&p, facts[i][0], facts[i][1], NULL))
			return 1;
	static char text[CERT_PAYLOAD_TEXT_MAX];
	int n = 2000;
	double t0 = now();
	for (int i = 0; i < n; i++)
		if (cert_payload_sign(&p, pk, sign, NULL, text, sizeof text, NULL))
			return 1;
	double t_sign = (now() - t0) / n;
	t0 = now();
	for (int i = 0; i < n; i++)
		if (cert_payload_verify(text, pk, NULL, NULL))
			return 1;
	double t_verify = (now() - t0) / n;

	static struct cert_doc d;
	d.kind = CERT_BIRTH;
	snprintf(d.serial, sizeof d.serial, "%s", p.serial);
	d.copy_no = 1;
	d.issued = p.issued;
	cert_doc_row(&d, "Name", "نام", "Ayesha Khan", "عائشہ خان");
	cert_doc_row(&d, "Father", "والد", "Imran Khan", "عمران خان");
	cert_doc_row(&d, "Mother", "والدہ", "Sana Imran", "ثناء عمران");
	snprintf(d.payload, sizeof d.payload, "%s", text);
	struct sh_buf b;
	sh_buf_init(&b, 0);
	t0 = now();
	if (cert_render_pdf(&d, &b, NULL)) /* first render loads fonts */
		return 1;
	double t_first = now() - t0;
	size_t pdf_bytes = b.len;
	int m = 50;
	t0 = now();
	for (int i = 0; i < m; i++) {
		b.len = 0;
		if (cert_render_pdf(&d, &b, NULL))
			return 1;
	}
	double t_render = (now() - t0) / m;
	sh_buf_free(&b);
	printf("%-34s %12s\n", "measure", "value");
	printf("%-34s %12zu\n", "payload text chars (birth)", strlen(text));
	printf("%-34s %12.1f\n", "payload sign (us)", t_sign * 1e6);
	printf("%-34s %12.1f\n", "payload verify (us)", t_verify * 1e6);
	printf("%-34s %12.1f\n", "first PDF render, fonts load (ms)", t_first * 1e3);
	printf("%-34s %12.1f\n", "PDF render (ms)", t_render * 1e3);
	printf("%-34s %12zu\n", "PDF bytes", pdf_bytes);
	return 0;
}
