/* base45.c — RFC 9285 Base45 encoding and strict decoding (see base45.h). */
#include "cert/base45.h"

#include <string.h>

/* RFC 9285 section 4: the alphabet, value = index. */
static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

static int char_value(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

int base45_encode(const unsigned char *in, size_t n, char *out, size_t outsz,
		  struct sh_err *err)
{
	size_t need = BASE45_ENCODED_LEN(n) + 1;
	if (outsz < need)
		return sh_err_set(err, SH_ETOOBIG, "BASE45_TOO_LONG",
				  "base45 output needs %zu bytes", need);
	size_t o = 0;
	/* RFC 9285 4.1: two bytes [a, b] are n = a*256 + b = c + d*45 + e*45^2,
	 * written c d e; a lone final byte is written c d. */
	for (size_t i = 0; i + 1 < n; i += 2) {
		unsigned v = (unsigned)in[i] * 256u + in[i + 1];
		out[o++] = alphabet[v % 45];
		v /= 45;
		out[o++] = alphabet[v % 45];
		out[o++] = alphabet[v / 45];
	}
	if (n % 2) {
		unsigned v = in[n - 1];
		out[o++] = alphabet[v % 45];
		out[o++] = alphabet[v / 45];
	}
	out[o] = '\0';
	return SH_OK;
}

int base45_decode(const char *in, unsigned char *out, size_t outsz, size_t *n,
		  struct sh_err *err)
{
	size_t len = strlen(in), o = 0;
	if (len % 3 == 1)
		return sh_err_set(err, SH_EINVAL, "BASE45_INVALID",
				  "base45 text has a dangling character");
	for (size_t i = 0; i < len; i += 3) {
		size_t group = len - i >= 3 ? 3 : 2;
		unsigned v = 0, mul = 1;
		for (size_t k = 0; k < group; k++) {
			int c = char_value(in[i + k]);
			if (c < 0)
				return sh_err_set(err, SH_EINVAL, "BASE45_INVALID",
						  "character %zu is not base45", i + k);
			v += (unsigned)c * mul;
			mul *= 45;
		}
		/* RFC 9285 6: a triple above 65535 or a pair above 255 is invalid. */
		if ((group == 3 && v > 0xFFFF) || (group == 2 && v > 0xFF))
			return sh_err_set(err, SH_EINVAL, "BASE45_INVALID",
					  "base45 group at %zu is out of range", i);
		size_t bytes = group == 3 ? 2 : 1;
		if (o + bytes > outsz)
			return sh_err_set(err, SH_ETOOBIG, "BASE45_TOO_LONG",
					  "decoded payload over %zu bytes", outsz);
		if (group == 3) {
			out[o++] = (unsigned char)(v >> 8);
			out[o++] = (unsigned char)(v & 0xFF);
		} else {
			out[o++] = (unsigned char)v;
		}
	}
	*n = o;
	return SH_OK;
}
