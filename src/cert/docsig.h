/* docsig.h — a signature over a certificate PDF's own bytes.
 *
 * The QR payload proves the facts, not the file: a copied payload pasted
 * into a forged or altered PDF still verifies. So every PDF the registry
 * serves ends with one signature line, a PDF comment (ISO 32000-1 7.2.3)
 * after %%EOF that readers ignore:
 *
 *   %shanakht-docsig-v1 kid=<8 hex> bytes=<N> sig=<128 hex>\n
 *
 * N is the number of bytes before the line, which is the whole file before
 * it: the signed range is always [0, N) and the line must be the file's last
 * (nothing may follow, so an appended incremental update breaks it). The
 * Ed25519 signature (RFC 8032) is over a fixed 88-byte message:
 *
 *   "shanakht-pdf-v1" 0x00 | u8[4] key id | u64 N big-endian | SHA-512(bytes [0, N))
 *
 * The label keeps it apart from payload signatures (whose messages start
 * with version byte 1) under the same registry key. */
#ifndef SH_CERT_DOCSIG_H
#define SH_CERT_DOCSIG_H

#include <stddef.h>

#include "cert/payload.h"
#include "lib/buf.h"
#include "lib/err.h"

#define CERT_DOCSIG_MARKER "%shanakht-docsig-v1 "

struct cert_docsig {
	unsigned char key_id[CERT_KEY_ID_BYTES];
	size_t signed_len; /* bytes [0, signed_len) are covered */
	unsigned char sig[CERT_SIG_BYTES];
};

/* Sign pdf's current bytes and append the signature line. */
int cert_docsig_append(struct sh_buf *pdf, const unsigned char pk[CERT_PK_BYTES],
		       cert_sign_fn sign, void *sign_ctx, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Read the signature line at the end of a file (no check of the signature).
 * SH_ENOTFOUND DOCUMENT_UNSIGNED when the file does not end with one,
 * SH_EINVAL DOCSIG_MALFORMED when the line is damaged or its byte count is
 * not where the line starts. */
int cert_docsig_parse(const unsigned char *pdf, size_t len, struct cert_docsig *out,
		      struct sh_err *err) __attribute__((warn_unused_result));

/* Parse and check against pk: SH_ERULE KEY_MISMATCH (signed by another key
 * id), SH_ERULE DOCUMENT_SIGNATURE_INVALID (any byte of [0, N) or of the
 * signature changed). *out may be NULL. */
int cert_docsig_verify(const unsigned char *pdf, size_t len, const unsigned char pk[CERT_PK_BYTES],
		       struct cert_docsig *out, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
