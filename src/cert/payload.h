/* payload.h — the signed, compact certificate payload carried in the QR code.
 *
 * Binary layout, version 1 (all integers big-endian):
 *   u8  version (1)        u8  kind (enum cert_kind)
 *   u8[4] key id           (first 4 bytes of SHA-256 of the Ed25519 public key)
 *   u8 len + serial        u8 len + subject (identity number or event reference)
 *   u32 issue date         (days since 1970-01-01)
 *   u16 copy number        (1 = original, 2.. = duplicate copies)
 *   u8  number of facts, then per fact: u8 len + key, u8 len + value (UTF-8)
 *   u8[64] Ed25519 signature over every byte before it
 * Text form: "SHK1:" followed by the bytes in RFC 9285 Base45, so the whole
 * text fits QR's alphanumeric mode. Verifying needs only the public key. */
#ifndef SH_CERT_PAYLOAD_H
#define SH_CERT_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "lib/parse.h"

#define CERT_PAYLOAD_VERSION 1
#define CERT_PAYLOAD_PREFIX "SHK1:"
#define CERT_KEY_ID_BYTES 4
#define CERT_PK_BYTES 32
#define CERT_SIG_BYTES 64
#define CERT_SERIAL_MAX 32
#define CERT_SUBJECT_MAX 32
#define CERT_FACTS_MAX 16
#define CERT_FACT_KEY_MAX 8
#define CERT_FACT_VALUE_MAX 256
#define CERT_PAYLOAD_BYTES_MAX 1400 /* fits a version-25 QR at level M */
#define CERT_PAYLOAD_TEXT_MAX 2200

enum cert_kind {
	CERT_BIRTH = 1, CERT_DEATH = 2, CERT_MARRIAGE = 3, CERT_DIVORCE = 4, CERT_FRC = 5,
};

struct cert_fact {
	char key[CERT_FACT_KEY_MAX];
	char value[CERT_FACT_VALUE_MAX];
};

struct cert_payload {
	int version;
	enum cert_kind kind;
	unsigned char key_id[CERT_KEY_ID_BYTES];
	char serial[CERT_SERIAL_MAX];
	char subject[CERT_SUBJECT_MAX];
	struct sh_date issued;
	int copy_no;
	int nfacts;
	struct cert_fact facts[CERT_FACTS_MAX];
};

/* "birth", "death", "marriage", "divorce", "frc"; parse gives -1 if unknown. */
const char *cert_kind_name(enum cert_kind k);
int cert_kind_parse(const char *s);

/* Append a fact (key and value copied); SH_ETOOBIG past the limits. */
int cert_payload_add(struct cert_payload *p, const char *key, const char *value,
		     struct sh_err *err) __attribute__((warn_unused_result));
/* The value of a fact, or NULL. */
const char *cert_payload_fact(const struct cert_payload *p, const char *key);

/* The key id of a public key (first 4 bytes of its SHA-256). */
void cert_key_id(const unsigned char pk[CERT_PK_BYTES], unsigned char id[CERT_KEY_ID_BYTES]);

/* A signer: writes the Ed25519 signature of msg into sig. */
typedef void (*cert_sign_fn)(void *ctx, const void *msg, size_t len,
			     unsigned char sig[CERT_SIG_BYTES]);

/* Set p->version and p->key_id from pk, pack, sign with `sign`, and write the
 * text form into out (capacity n, NUL-terminated). */
int cert_payload_sign(struct cert_payload *p, const unsigned char pk[CERT_PK_BYTES],
		      cert_sign_fn sign, void *sign_ctx, char *out, size_t n,
		      struct sh_err *err) __attribute__((warn_unused_result));

/* Decode the text form without checking the signature (to learn the key id).
 * SH_EINVAL PAYLOAD_INVALID on any malformed byte. */
int cert_payload_parse(const char *text, struct cert_payload *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Decode and check the signature against pk. SH_ERULE SIGNATURE_INVALID when
 * the bytes were altered or signed by another key, SH_ERULE KEY_MISMATCH when
 * the payload names another key id. *out is filled only on success. */
int cert_payload_verify(const char *text, const unsigned char pk[CERT_PK_BYTES],
			struct cert_payload *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Key ids and public keys as lower-case hex (out >= 2*n+1 bytes). */
void cert_hex(const unsigned char *in, size_t n, char *out);
int cert_unhex(const char *in, unsigned char *out, size_t n); /* 0 or -1 */

#endif
