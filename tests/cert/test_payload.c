/* test_payload.c — Base45 known answers (RFC 9285) and signed certificate
 * payloads: round trip, tampering, wrong key. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "cert/base45.h"
#include "cert/payload.h"

/* RFC 9285 section 4.3 examples. */
Test(base45, rfc9285_known_answers)
{
	struct {
		const char *raw, *enc;
	} kat[] = {
		{"AB", "BB8"}, {"Hello!!", "%69 VD92EX0"}, {"base-45", "UJCLQE7W581"},
		{"ietf!", "QED8WEX0"}, {"", ""},
	};
	for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
		char out[64];
		cr_assert_eq(base45_encode((const unsigned char *)kat[i].raw, strlen(kat[i].raw),
					   out, sizeof out, NULL), 0);
		cr_assert_str_eq(out, kat[i].enc);
		unsigned char back[64];
		size_t n = 0;
		cr_assert_eq(base45_decode(kat[i].enc, back, sizeof back, &n, NULL), 0);
		cr_assert_eq(n, strlen(kat[i].raw));
		cr_assert_eq(memcmp(back, kat[i].raw, n), 0);
	}
}

Test(base45, rejects_bad_input)
{
	unsigned char b[16];
	size_t n;
	struct sh_err e = {0};
	cr_assert_eq(base45_decode("GGW", b, sizeof b, &n, &e), SH_EINVAL); /* 65535 + 1 */
	cr_assert_str_eq(e.code, "BASE45_INVALID");
	cr_assert_eq(base45_decode("ab", b, sizeof b, &n, NULL), SH_EINVAL); /* lower case */
	cr_assert_eq(base45_decode("BB8B", b, sizeof b, &n, NULL), SH_EINVAL); /* dangling */
	cr_assert_eq(base45_decode("FGW", b, sizeof b, &n, NULL), 0);         /* 65535 */
	cr_assert_eq(n, 2);
	cr_assert_eq(b[0], 0xFF);
	cr_assert_eq(b[1], 0xFF);
	char small[3];
	cr_assert_eq(base45_encode((const unsigned char *)"AB", 2, small, sizeof small, NULL),
		     SH_ETOOBIG);
}

struct test_key {
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
};

static void test_sign(void *ctx, const void *msg, size_t len, unsigned char sig[64])
{
	struct test_key *k = ctx;
	crypto_sign_detached(sig, NULL, msg, len, k->sk);
}

static void make_key(struct test_key *k, unsigned char seed_byte)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	memset(seed, seed_byte, sizeof seed);
	cr_assert_eq(sodium_init() >= 0, 1);
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
}

static void birth_payload(struct cert_payload *p)
{
	memset(p, 0, sizeof *p);
	p->kind = CERT_BIRTH;
	snprintf(p->serial, sizeof p->serial, "BRC-2026-00000017");
	snprintf(p->subject, sizeof p->subject, "4210112345678");
	p->issued = (struct sh_date){2026, 11, 23};
	p->copy_no = 1;
	cr_assert_eq(cert_payload_add(p, "n", "Ayesha Khan", NULL), 0);
	cr_assert_eq(cert_payload_add(p, "s", "F", NULL), 0);
	cr_assert_eq(cert_payload_add(p, "dob", "2026-11-01", NULL), 0);
	cr_assert_eq(cert_payload_add(p, "nu", "عائشہ خان", NULL), 0);
}

Test(payload, sign_and_verify_round_trip)
{
	struct test_key k;
	make_key(&k, 7);
	struct cert_payload p, got;
	birth_payload(&p);
	char text[CERT_PAYLOAD_TEXT_MAX];
	cr_assert_eq(cert_payload_sign(&p, k.pk, test_sign, &k, text, sizeof text, NULL), 0);
	cr_assert_eq(strncmp(text, "SHK1:", 5), 0);
	/* Every character must be in QR's alphanumeric set. */
	for (const char *c = text; *c; c++)
		cr_assert(strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", *c) != NULL);
	struct sh_err e = {0};
	cr_assert_eq(cert_payload_verify(text, k.pk, &got, &e), 0, "%s", e.msg);
	cr_assert_eq(got.kind, CERT_BIRTH);
	cr_assert_str_eq(got.serial, "BRC-2026-00000017");
	cr_assert_str_eq(got.subject, "4210112345678");
	cr_assert_eq(got.issued.year, 2026);
	cr_assert_eq(got.issued.month, 11);
	cr_assert_eq(got.issued.day, 23);
	cr_assert_eq(got.copy_no, 1);
	cr_assert_str_eq(cert_payload_fact(&got, "n"), "Ayesha Khan");
	cr_assert_str_eq(cert_payload_fact(&got, "nu"), "عائشہ خان");
	cr_assert_null(cert_payload_fact(&got, "zz"));
}

Test(payload, signing_is_deterministic_known_answer)
{
	/* Ed25519 (RFC 8032) is deterministic: the same facts and key give the
	 * same text, so a stored payload can be re-rendered byte for byte. */
	struct test_key k;
	make_key(&k, 7);
	struct cert_payload a, b;
	birth_payload(&a);
	birth_payload(&b);
	char ta[CERT_PAYLOAD_TEXT_MAX], tb[CERT_PAYLOAD_TEXT_MAX];
	cr_assert_eq(cert_payload_sign(&a, k.pk, test_sign, &k, ta, sizeof ta, NULL), 0);
	cr_assert_eq(cert_payload_sign(&b, k.pk, test_sign, &k, tb, sizeof tb, NULL), 0);
	cr_assert_str_eq(ta, tb);
}

Test(payload, every_tampered_character_fails)
{
	struct test_key k;
	make_key(&k, 9);
	struct cert_payload p;
	birth_payload(&p);
	char text[CERT_PAYLOAD_TEXT_MAX];
	cr_assert_eq(cert_payload_sign(&p, k.pk, test_sign, &k, text, sizeof text, NULL), 0);
	size_t len = strlen(text);
	for (size_t i = 5; i < len; i++) {
		char t[CERT_PAYLOAD_TEXT_MAX];
		memcpy(t, text, len + 1);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		struct sh_err e = {0};
		int rc = cert_payload_verify(t, k.pk, NULL, &e);
		cr_assert_neq(rc, 0, "tampered char %zu verified", i);
	}
}

Test(payload, changed_fact_fails_signature)
{
	struct test_key k;
	make_key(&k, 3);
	struct cert_payload p;
	birth_payload(&p);
	char text[CERT_PAYLOAD_TEXT_MAX];
	cr_assert_eq(cert_payload_sign(&p, k.pk, test_sign, &k, text, sizeof text, NULL), 0);
	/* Re-encode with a changed name but the old signature. */
	unsigned char raw[CERT_PAYLOAD_BYTES_MAX];
	size_t n;
	cr_assert_eq(base45_decode(text + 5, raw, sizeof raw, &n, NULL), 0);
	unsigned char *name = memmem(raw, n, "Ayesha", 6);
	cr_assert_not_null(name);
	name[0] = 'B';
	char forged[CERT_PAYLOAD_TEXT_MAX] = "SHK1:";
	cr_assert_eq(base45_encode(raw, n, forged + 5, sizeof forged - 5, NULL), 0);
	struct cert_payload parsed;
	cr_assert_eq(cert_payload_parse(forged, &parsed, NULL), 0); /* well-formed */
	struct sh_err e = {0};
	cr_assert_eq(cert_payload_verify(forged, k.pk, NULL, &e), SH_ERULE);
	cr_assert_str_eq(e.code, "SIGNATURE_INVALID");
}

Test(payload, other_key_is_refused)
{
	struct test_key k, other;
	make_key(&k, 1);
	make_key(&other, 2);
	struct cert_payload p;
	birth_payload(&p);
	char text[CERT_PAYLOAD_TEXT_MAX];
	cr_assert_eq(cert_payload_sign(&p, k.pk, test_sign, &k, text, sizeof text, NULL), 0);
	struct sh_err e = {0};
	cr_assert_eq(cert_payload_verify(text, other.pk, NULL, &e), SH_ERULE);
	cr_assert_str_eq(e.code, "KEY_MISMATCH");
	/* A forger who copies the victim's key id still fails the signature. */
	struct cert_payload q;
	birth_payload(&q);
	char forged[CERT_PAYLOAD_TEXT_MAX];
	cr_assert_eq(cert_payload_sign(&q, k.pk, test_sign, &other, forged, sizeof forged, NULL),
		     0);
	cr_assert_eq(cert_payload_verify(forged, k.pk, NULL, &e), SH_ERULE);
	cr_assert_str_eq(e.code, "SIGNATURE_INVALID");
}

Test(payload, malformed_text_is_invalid)
{
	struct cert_payload p;
	struct sh_err e = {0};
	cr_assert_eq(cert_payload_parse("hello", &p, &e), SH_EINVAL);
	cr_assert_str_eq(e.code, "PAYLOAD_INVALID");
	cr_assert_eq(cert_payload_parse("SHK1:", &p, &e), SH_EINVAL);
	cr_assert_eq(cert_payload_parse("SHK1:BB8", &p, &e), SH_EINVAL);
	cr_assert_eq(cert_payload_parse(NULL, &p, &e), SH_EINVAL);
}
