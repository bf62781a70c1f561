/* render.h — one national certificate format, drawn as a PDF page.
 *
 * A4 portrait (continuation pages when the rows need them), English on the
 * left and Urdu on the right of every row, rows as tall as their measured
 * text. Urdu is laid out by Pango (HarfBuzz shaping, right-to-left, Unicode bidi) in
 * "Noto Nastaliq Urdu" from Debian's fonts-noto-core, found through
 * fontconfig. The QR code (libqrencode, level M) is drawn as cairo
 * rectangles, and the same payload text is written into the PDF's Keywords
 * metadata behind a marker so that `shanakht cert verify FILE.pdf` can read
 * it back without a QR decoder. Copies after the first carry a "DUPLICATE
 * COPY n" mark. */
#ifndef SH_CERT_RENDER_H
#define SH_CERT_RENDER_H

#include <stddef.h>

#include "cert/payload.h"
#include "lib/buf.h"
#include "lib/err.h"

#define CERT_ROWS_MAX 28
#define CERT_PDF_MARKER "shanakht-payload:"

struct cert_row {
	char label_en[64];
	char label_ur[128];
	char value[320];     /* Latin script or digits; a longest name + " (ID number)" */
	char value_ur[256];  /* Urdu script, may be "" */
};

/* Everything printed on a certificate; built by cert_issue.c from the
 * registry and the civil registers. */
struct cert_doc {
	enum cert_kind kind;
	char serial[CERT_SERIAL_MAX];
	int copy_no;
	struct sh_date issued;
	char issuer[128];          /* issuing office, e.g. the union council */
	char note_en[160];         /* e.g. "Late registration", may be "" */
	char note_ur[256];
	int nrows;
	struct cert_row rows[CERT_ROWS_MAX];
	char payload[CERT_PAYLOAD_TEXT_MAX]; /* signed QR text */
};

/* Append a row (strings copied, truncated to fit); ignored past the limit. */
void cert_doc_row(struct cert_doc *d, const char *label_en, const char *label_ur,
		  const char *value, const char *value_ur);

/* Titles of a kind in both scripts. */
const char *cert_title_en(enum cert_kind k);
const char *cert_title_ur(enum cert_kind k);

/* Render the PDF into *out (caller owns out, inits it). SH_EINTERNAL
 * CERT_RENDER when cairo fails, SH_ETOOBIG when the QR cannot hold the
 * payload. */
int cert_render_pdf(const struct cert_doc *doc, struct sh_buf *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Where the rows went, as measured while drawing (for tests): the page, top
 * and height of each row's box, the box's lower limit on its page, the ink
 * extents of everything drawn in it, and its line count. */
struct cert_layout_row {
	int page;
	double y, h, limit;
	double ink_top, ink_bottom;
	int lines;
};
struct cert_layout {
	int pages, nrows;
	struct cert_layout_row rows[CERT_ROWS_MAX];
};

/* cert_render_pdf, also filling *rep (may be NULL). */
int cert_render_pdf_report(const struct cert_doc *doc, struct sh_buf *out,
			   struct cert_layout *rep, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Find the payload text that cert_render_pdf() embedded in a PDF's bytes.
 * Writes it into out (capacity n). SH_ENOTFOUND PAYLOAD_NOT_FOUND when the
 * file carries none. */
int cert_pdf_extract(const unsigned char *pdf, size_t len, char *out, size_t n,
		     struct sh_err *err) __attribute__((warn_unused_result));

#endif
