/* fuzz_cert_payload.c — libFuzzer driver for what `shanakht cert verify`
 * reads from strangers: QR payload text (Base45 + the binary layout) and
 * PDF files to pull the payload out of. A payload that parses must name a
 * known kind and keep every string within its field. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cert/payload.h"
#include "cert/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char extracted[CERT_PAYLOAD_TEXT_MAX];
	struct sh_err err = {0};
	(void)cert_pdf_extract(data, size, extracted, sizeof extracted, &err);

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
	free(text);
	return 0;
}
