/* lk_decode.c — a register file's bytes to UTF-8: byte-order marks, UTF-16
 * LE/BE and Windows-1256 through iconv, validation of UTF-8. */
#include "linkage/lk_import.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/utf8.h"

static const struct {
	const char *name;
	enum lk_enc enc;
} enc_names[] = {
	{"auto", LK_ENC_AUTO},       {"utf-8", LK_ENC_UTF8},       {"utf8", LK_ENC_UTF8},
	{"utf-16le", LK_ENC_UTF16LE}, {"utf-16be", LK_ENC_UTF16BE}, {"windows-1256", LK_ENC_CP1256},
	{"cp1256", LK_ENC_CP1256},
};

int lk_enc_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof enc_names / sizeof enc_names[0]; i++)
		if (!strcasecmp(name, enc_names[i].name))
			return (int)enc_names[i].enc;
	return -1;
}

const char *lk_enc_name(enum lk_enc e)
{
	switch (e) {
	case LK_ENC_UTF8: return "utf-8";
	case LK_ENC_UTF16LE: return "utf-16le";
	case LK_ENC_UTF16BE: return "utf-16be";
	case LK_ENC_CP1256: return "windows-1256";
	default: return "auto";
	}
}

/* Valid UTF-8 with no NUL byte (s[n] must be NUL). */
static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (s[i] == 0)
			return 0;
		size_t l = sh_utf8_seq_len(s + i);
		if (l == 0 || i + l > n)
			return 0;
		i += l;
	}
	return 1;
}

static int copy_utf8(const unsigned char *in, size_t n, char **out, size_t *outlen,
		     struct sh_err *err)
{
	char *s = malloc(n + 1);
	if (!s)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "out of memory");
	memcpy(s, in, n);
	s[n] = '\0';
	if (!utf8_valid((const unsigned char *)s, n)) {
		free(s);
		return sh_err_set(err, SH_EINVAL, "ENCODING_INVALID",
				  "the file is not valid UTF-8 text (name its encoding in the mapping)");
	}
	*out = s;
	*outlen = n;
	return SH_OK;
}

static int convert(const unsigned char *in, size_t n, const char *from, char **out,
		   size_t *outlen, struct sh_err *err)
{
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return sh_err_set(err, SH_EINTERNAL, "ENCODING_UNAVAILABLE",
				  "iconv cannot convert from %s", from);
	/* UTF-8 of UTF-16 takes at most 3/2 the bytes; of a single-byte code
	 * page at most 3 per byte. */
	size_t cap = n * 3 + 1;
	char *s = malloc(cap);
	int rc = SH_OK;
	if (!s) {
		rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "out of memory");
		goto out;
	}
	char *ip = (char *)(uintptr_t)in, *op = s;
	size_t il = n, ol = cap - 1;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		rc = sh_err_set(err, SH_EINVAL, "ENCODING_INVALID",
				"byte %zu is not valid %s", (size_t)(ip - (char *)(uintptr_t)in), from);
		goto out;
	}
	*op = '\0';
	*outlen = (size_t)(op - s);
	if (memchr(s, '\0', *outlen)) {
		rc = sh_err_set(err, SH_EINVAL, "ENCODING_INVALID", "the text holds a NUL character");
		goto out;
	}
	*out = s;
	s = NULL;
out:
	free(s);
	iconv_close(cd);
	return rc;
}

int lk_decode(const unsigned char *in, size_t n, enum lk_enc hint, char **out, size_t *outlen,
	      enum lk_enc *used, struct sh_err *err)
{
	enum lk_enc e = hint;
	size_t skip = 0;
	if (n >= 3 && in[0] == 0xEF && in[1] == 0xBB && in[2] == 0xBF)
		e = LK_ENC_UTF8, skip = 3;
	else if (n >= 2 && in[0] == 0xFF && in[1] == 0xFE)
		e = LK_ENC_UTF16LE, skip = 2;
	else if (n >= 2 && in[0] == 0xFE && in[1] == 0xFF)
		e = LK_ENC_UTF16BE, skip = 2;
	else if (e == LK_ENC_AUTO) {
		/* A register's first character is a letter or digit, never NUL:
		 * a zero byte in the first code unit is UTF-16 without a mark. */
		if (n >= 2 && in[0] != 0 && in[1] == 0)
			e = LK_ENC_UTF16LE;
		else if (n >= 2 && in[0] == 0 && in[1] != 0)
			e = LK_ENC_UTF16BE;
		else {
			e = LK_ENC_UTF8;
			if (memchr(in, '\0', n)) {
				/* UTF-8 and Windows-1256 text never holds NUL. */
			} else {
				char *tmp = malloc(n + 1);
				if (!tmp)
					return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "out of memory");
				memcpy(tmp, in, n);
				tmp[n] = '\0';
				if (!utf8_valid((const unsigned char *)tmp, n))
					e = LK_ENC_CP1256;
				free(tmp);
			}
		}
	}
	if (used)
		*used = e;
	in += skip, n -= skip;
	switch (e) {
	case LK_ENC_UTF16LE: return convert(in, n, "UTF-16LE", out, outlen, err);
	case LK_ENC_UTF16BE: return convert(in, n, "UTF-16BE", out, outlen, err);
	case LK_ENC_CP1256: return convert(in, n, "CP1256", out, outlen, err);
	default: return copy_utf8(in, n, out, outlen, err);
	}
}
