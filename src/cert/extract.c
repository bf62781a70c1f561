/* extract.c — read the signed payload back out of a certificate PDF's
 * Keywords entry (ISO 32000-1:2008 14.3.3 document information dictionary;
 * strings per 7.3.4: literal "(...)" with backslash escapes, or hex "<...>",
 * UTF-16BE when they start with the byte order mark FE FF). */
#include "cert/render.h"

#include <string.h>

static int hexval(unsigned char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decode the PDF string starting at p (at '(' or '<') into raw bytes. */
static size_t pdf_string(const unsigned char *p, const unsigned char *end, unsigned char *out,
			 size_t cap)
{
	size_t n = 0;
	if (p < end && *p == '(') {
		int depth = 1;
		for (p++; p < end && n < cap; p++) {
			unsigned char c = *p;
			if (c == '\\' && p + 1 < end) {
				c = *++p;
				switch (c) {
				case 'n': out[n++] = '\n'; break;
				case 'r': out[n++] = '\r'; break;
				case 't': out[n++] = '\t'; break;
				case 'b': out[n++] = '\b'; break;
				case 'f': out[n++] = '\f'; break;
				case '\r': case '\n': break; /* line continuation */
				default:
					if (c >= '0' && c <= '7') {
						int v = 0;
						for (int k = 0; k < 3 && p < end && *p >= '0' && *p <= '7';
						     k++, p++)
							v = v * 8 + (*p - '0');
						p--;
						out[n++] = (unsigned char)v;
					} else {
						out[n++] = c;
					}
				}
				continue;
			}
			if (c == '(')
				depth++;
			if (c == ')' && --depth == 0)
				break;
			out[n++] = c;
		}
	} else if (p < end && *p == '<') {
		int hi = -1;
		for (p++; p < end && *p != '>' && n < cap; p++) {
			int v = hexval(*p);
			if (v < 0)
				continue; /* whitespace is allowed inside */
			if (hi < 0) {
				hi = v;
			} else {
				out[n++] = (unsigned char)(hi << 4 | v);
				hi = -1;
			}
		}
	}
	/* UTF-16BE with BOM: the payload alphabet is ASCII, keep the low bytes. */
	if (n >= 2 && out[0] == 0xFE && out[1] == 0xFF) {
		size_t m = 0;
		for (size_t i = 2; i + 1 < n; i += 2)
			out[m++] = out[i] == 0 ? out[i + 1] : '?';
		n = m;
	}
	return n;
}

static int take(const unsigned char *s, size_t len, char *out, size_t n, struct sh_err *err)
{
	size_t ml = strlen(CERT_PDF_MARKER);
	const unsigned char *m = memmem(s, len, CERT_PDF_MARKER, ml);
	if (!m)
		return SH_ENOTFOUND;
	const unsigned char *v = m + ml, *end = s + len;
	size_t k = 0;
	/* The payload is Base45 behind a fixed prefix: stop at anything else. */
	while (v + k < end && v[k] >= 0x20 && v[k] < 0x7F && v[k] != ')' && v[k] != '>')
		k++;
	if (k == 0 || k >= n)
		return sh_err_set(err, SH_EINVAL, "PAYLOAD_INVALID",
				  "embedded payload is empty or too long");
	memcpy(out, v, k);
	out[k] = '\0';
	return SH_OK;
}

int cert_pdf_extract(const unsigned char *pdf, size_t len, char *out, size_t n,
		     struct sh_err *err)
{
	const unsigned char *p = pdf, *end = pdf + len;
	while ((p = memmem(p, (size_t)(end - p), "/Keywords", 9)) != NULL) {
		p += 9;
		while (p < end && (*p == ' ' || *p == '\r' || *p == '\n' || *p == '\t'))
			p++;
		unsigned char local[CERT_PAYLOAD_TEXT_MAX * 2 + 64];
		size_t bn = pdf_string(p, end, local, sizeof local);
		int rc = take(local, bn, out, n, err);
		if (rc != SH_ENOTFOUND)
			return rc;
	}
	return sh_err_set(err, SH_ENOTFOUND, "PAYLOAD_NOT_FOUND",
			  "the PDF carries no Shanakht certificate payload");
}
