/* fuzz_cert_payload.c — libFuzzer driver for what `shanakht cert verify`
 * reads from strangers: QR payload text (Base45 + the binary layout) and
 * PDF files to pull the payload out of and whose signature line to read
 * (cert/docsig.h), and serials as typed. A payload that parses must name a
 * known kind and keep every string within its field; a signature line that
 * parses must cover exactly the bytes before it; a serial that normalizes
 * must be a NUL-terminated string that normalizes to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cert/docsig.h"
#include "cert/payload.h"
#include "cert/render.h"
#include "cert/serial.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char extracted[CERT_PAYLOAD_TEXT_MAX];
	struct sh_err err = {0};
	(void)cert_pdf_extract(data, size, extracted, sizeof extracted, &err);
	struct cert_docsig ds;
	if (cert_docsig_parse(data, size, &ds, &err) == SH_OK &&
	    (ds.signed_len >= size || data[ds.signed_len] != '%'))
		__builtin_trap();

	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct cert_payload p;
	if (cert_payload_parse(text, &p, &err) == SH_OK) {
		if ((int)p.kind < CERT_BIRTH || (int)p.kind > CERT_FRC || p.nfacts < 0 || p.nfacts > CERT_FACTS_MAX ||
		    strnlen(p.serial, sizeof p.serial) == sizeof p.serial ||
		    strnlen(p.subject, sizeof p.subject) == sizeof p.subject)
			__builtin_trap();
		unsigned char pk[CERT_PK_BYTES] = {0};
		(void)cert_payload_verify(text, pk, &p, &err);
	}
	char serial[CERT_SERIAL_MAX], again[CERT_SERIAL_MAX];
	if (cert_serial_normalize(text, serial, sizeof serial, &err) == SH_OK &&
	    (cert_serial_normalize(serial, again, sizeof again, &err) != SH_OK ||
	     strcmp(serial, again) != 0))
		__builtin_trap();
	free(text);
	return 0;
}
