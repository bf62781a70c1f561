/* docsig.c — the signature line at the end of a certificate PDF (see
 * docsig.h for the format and why). */
#include "cert/docsig.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL "shanakht-pdf-v1"
#define MSG_BYTES (sizeof LABEL + CERT_KEY_ID_BYTES + 8 + crypto_hash_sha512_BYTES)
/* marker + "kid=" 8 + " bytes=" up to 20 digits + " sig=" 128 + "\n" */
#define LINE_MAX_BYTES 200

static void message(const unsigned char *pdf, size_t n, const unsigned char kid[CERT_KEY_ID_BYTES],
		    unsigned char msg[MSG_BYTES])
{
	unsigned char *m = msg;
	memcpy(m, LABEL, sizeof LABEL); /* with its NUL */
	m += sizeof LABEL;
	memcpy(m, kid, CERT_KEY_ID_BYTES);
	m += CERT_KEY_ID_BYTES;
	for (int i = 7; i >= 0; i--)
		*m++ = (unsigned char)((uint64_t)n >> (8 * i));
	crypto_hash_sha512(m, pdf, n);
}

int cert_docsig_append(struct sh_buf *pdf, const unsigned char pk[CERT_PK_BYTES],
		       cert_sign_fn sign, void *sign_ctx, struct sh_err *err)
{
	struct cert_docsig s;
	cert_key_id(pk, s.key_id);
	s.signed_len = pdf->len;
	unsigned char msg[MSG_BYTES];
	message((const unsigned char *)pdf->data, pdf->len, s.key_id, msg);
	sign(sign_ctx, msg, sizeof msg, s.sig);
	char kid[2 * CERT_KEY_ID_BYTES + 1], sig[2 * CERT_SIG_BYTES + 1], line[LINE_MAX_BYTES];
	cert_hex(s.key_id, sizeof s.key_id, kid);
	cert_hex(s.sig, sizeof s.sig, sig);
	int k = snprintf(line, sizeof line, "%skid=%s bytes=%zu sig=%s\n", CERT_DOCSIG_MARKER, kid,
			 s.signed_len, sig);
	if (k < 0 || (size_t)k >= sizeof line)
		return sh_err_set(err, SH_EINTERNAL, "DOCSIG", "signature line too long");
	if (sh_buf_append(pdf, line, (size_t)k) != SH_OK)
		return sh_err_set(err, SH_ETOOBIG, "CERT_RENDER", "PDF too large");
	return SH_OK;
}

/* "name=" at p followed by exactly want hex digits and then `end`. */
static int field_hex(const char **p, const char *name, unsigned char *out, size_t bytes, char end)
{
	size_t nl = strlen(name);
	if (strncmp(*p, name, nl) != 0)
		return -1;
	const char *v = *p + nl;
	char hex[2 * CERT_SIG_BYTES + 1];
	if (2 * bytes >= sizeof hex || strlen(v) < 2 * bytes + 1 || v[2 * bytes] != end)
		return -1;
	memcpy(hex, v, 2 * bytes);
	hex[2 * bytes] = '\0';
	if (cert_unhex(hex, out, bytes) != 0)
		return -1;
	*p = v + 2 * bytes + 1;
	return 0;
}

int cert_docsig_parse(const unsigned char *pdf, size_t len, struct cert_docsig *out,
		      struct sh_err *err)
{
	size_t ml = strlen(CERT_DOCSIG_MARKER);
	if (len < ml + 2 || pdf[len - 1] != '\n')
		goto unsigned_;
	/* The last line: from the byte after the previous '\n'. */
	size_t start = len - 1;
	while (start > 0 && pdf[start - 1] != '\n' && len - start < LINE_MAX_BYTES)
		start--;
	if (len - start < ml || memcmp(pdf + start, CERT_DOCSIG_MARKER, ml) != 0)
		goto unsigned_;
	char line[LINE_MAX_BYTES + 1];
	size_t ll = len - start;
	memcpy(line, pdf + start, ll);
	line[ll] = '\0';
	if (memchr(line, '\0', ll))
		goto malformed;
	const char *p = line + ml;
	if (field_hex(&p, "kid=", out->key_id, CERT_KEY_ID_BYTES, ' ') != 0)
		goto malformed;
	if (strncmp(p, "bytes=", 6) != 0)
		goto malformed;
	p += 6;
	size_t n = 0;
	int digits = 0;
	for (; *p >= '0' && *p <= '9' && digits < 19; p++, digits++)
		n = n * 10 + (size_t)(*p - '0');
	if (digits == 0 || *p != ' ' || (digits > 1 && p[-digits] == '0'))
		goto malformed;
	p++;
	if (field_hex(&p, "sig=", out->sig, CERT_SIG_BYTES, '\n') != 0 || *p != '\0')
		goto malformed;
	/* The range is the whole file before the line: nothing unsigned before
	 * or after the signed bytes. */
	if (n != start)
		goto malformed;
	out->signed_len = n;
	return SH_OK;
unsigned_:
	return sh_err_set(err, SH_ENOTFOUND, "DOCUMENT_UNSIGNED",
			  "the file does not end with a Shanakht document signature");
malformed:
	return sh_err_set(err, SH_EINVAL, "DOCSIG_MALFORMED",
			  "the document signature line is damaged or does not cover the "
			  "whole file");
}

int cert_docsig_verify(const unsigned char *pdf, size_t len, const unsigned char pk[CERT_PK_BYTES],
		       struct cert_docsig *out, struct sh_err *err)
{
	struct cert_docsig s;
	int rc = cert_docsig_parse(pdf, len, &s, err);
	if (rc)
		return rc;
	unsigned char kid[CERT_KEY_ID_BYTES];
	cert_key_id(pk, kid);
	if (memcmp(kid, s.key_id, sizeof kid) != 0)
		return sh_err_set(err, SH_ERULE, "KEY_MISMATCH",
				  "the document was signed by another key");
	unsigned char msg[MSG_BYTES];
	message(pdf, s.signed_len, s.key_id, msg);
	if (crypto_sign_verify_detached(s.sig, msg, sizeof msg, pk) != 0)
		return sh_err_set(err, SH_ERULE, "DOCUMENT_SIGNATURE_INVALID",
				  "the document's bytes are not the ones the registry signed");
	if (out)
		*out = s;
	return SH_OK;
}
