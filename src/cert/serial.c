/* serial.c — random certificate serials with a Verhoeff check digit (see
 * serial.h). */
#include "cert/serial.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "registry/idnum.h"

static const char *const prefixes[] = {
	[CERT_BIRTH] = "BRC", [CERT_DEATH] = "DRC", [CERT_MARRIAGE] = "MRC",
	[CERT_DIVORCE] = "DVC", [CERT_FRC] = "FRC",
};

const char *cert_serial_prefix(enum cert_kind k)
{
	return (int)k >= CERT_BIRTH && k <= CERT_FRC ? prefixes[k] : "XXX";
}

/* Runs of 4 or more equal or consecutive digits (wrapping 9 -> 0), as in
 * identity numbers: numbers that look made up are easy to misread. */
static int bad_run(const char *d, size_t n)
{
	int same = 1, up = 1, down = 1;
	for (size_t i = 1; i < n; i++) {
		int step = (d[i] - d[i - 1] + 10) % 10;
		same = step == 0 ? same + 1 : 1;
		up = step == 1 ? up + 1 : 1;
		down = step == 9 ? down + 1 : 1;
		if (same >= 4 || up >= 4 || down >= 4)
			return 1;
	}
	return 0;
}

static void print(const char *prefix, const char *digits, char *out, size_t n)
{
	snprintf(out, n, "%s-%.4s-%.4s-%.4s-%.4s", prefix, digits, digits + 4, digits + 8,
		 digits + 12);
}

int cert_serial_generate(enum cert_kind k, char *out, size_t n, struct sh_err *err)
{
	if ((int)k < CERT_BIRTH || k > CERT_FRC)
		return sh_err_set(err, SH_EINVAL, "CERT_KIND_INVALID", "unknown certificate kind");
	if (n < CERT_SERIAL_PRINTED + 1)
		return sh_err_set(err, SH_EINTERNAL, "SERIAL_BUFFER", "serial buffer too small");
	if (sodium_init() < 0)
		return sh_err_set(err, SH_EINTERNAL, "CSPRNG_UNAVAILABLE",
				  "libsodium could not be initialised");
	char d[CERT_SERIAL_DIGITS + 1];
	/* About a quarter of draws fail a filter; 1000 failures in a row
	 * means the generator is broken. */
	for (int attempt = 0; attempt < 1000; attempt++) {
		int have = 0;
		while (have < CERT_SERIAL_DIGITS - 1) {
			unsigned char rb[32];
			randombytes_buf(rb, sizeof rb);
			/* A byte < 250 is uniform mod 10 (rejection sampling). */
			for (size_t i = 0; i < sizeof rb && have < CERT_SERIAL_DIGITS - 1; i++)
				if (rb[i] < 250)
					d[have++] = (char)('0' + rb[i] % 10);
		}
		d[have] = '\0';
		if (d[0] == '0')
			continue;
		d[have] = (char)('0' + idnum_verhoeff_digit(d, (size_t)have));
		d[have + 1] = '\0';
		if (bad_run(d, CERT_SERIAL_DIGITS))
			continue;
		print(prefixes[k], d, out, n);
		return SH_OK;
	}
	return sh_err_set(err, SH_EINTERNAL, "CSPRNG_UNAVAILABLE", "serial generator failed");
}

static int legacy(const char *s)
{
	/* PREFIX-YYYY-nnnnnnnn, exactly as cert.c printed it before. */
	if (strlen(s) != 17 || s[3] != '-' || s[8] != '-')
		return 0;
	for (int i = 4; i < 17; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

int cert_serial_normalize(const char *in, char *out, size_t n, struct sh_err *err)
{
	char prefix[4] = {0}, digits[CERT_SERIAL_DIGITS + 1];
	size_t k = 0;
	if (!in || strlen(in) < 3 || strlen(in) > 40)
		goto bad;
	for (int i = 0; i < 3; i++) {
		char c = in[i];
		prefix[i] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
	}
	int known = 0;
	for (int kd = CERT_BIRTH; kd <= CERT_FRC; kd++)
		known |= strcmp(prefix, prefixes[kd]) == 0;
	if (!known)
		goto bad;
	char up[48];
	snprintf(up, sizeof up, "%s%s", prefix, in + 3);
	if (legacy(up)) {
		snprintf(out, n, "%s", up);
		return SH_OK;
	}
	for (const char *s = in + 3; *s; s++) {
		if (*s == '-' || *s == ' ')
			continue;
		if (*s < '0' || *s > '9' || k >= CERT_SERIAL_DIGITS)
			goto bad;
		digits[k++] = *s;
	}
	digits[k] = '\0';
	if (k != CERT_SERIAL_DIGITS)
		goto bad;
	if (!idnum_verhoeff_valid(digits, k))
		return sh_err_set(err, SH_EINVAL, "SERIAL_INVALID",
				  "the serial's check digit is wrong (a typo?)");
	print(prefix, digits, out, n);
	return SH_OK;
bad:
	return sh_err_set(err, SH_EINVAL, "SERIAL_INVALID",
			  "a serial is BRC|DRC|MRC|DVC|FRC followed by 16 digits "
			  "(BRC-4821-9375-0062-8817)");
}
