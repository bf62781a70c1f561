/* render.c — the certificate page: cairo for drawing, Pango for shaping the
 * Urdu right-to-left, libqrencode for the QR matrix (see render.h). */
#include "cert/render.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

/* ISO 216 A4 in PostScript points. */
#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 36.0

#define FONT_LATIN "Noto Sans"
#define FONT_URDU "Noto Nastaliq Urdu"

static const char *const titles_en[] = {
	[CERT_BIRTH] = "Birth Certificate",
	[CERT_DEATH] = "Death Certificate",
	[CERT_MARRIAGE] = "Marriage Registration Certificate",
	[CERT_DIVORCE] = "Divorce Registration Certificate",
	[CERT_FRC] = "Family Registration Certificate",
};
static const char *const titles_ur[] = {
	[CERT_BIRTH] = "پیدائش کا سرٹیفکیٹ",
	[CERT_DEATH] = "وفات کا سرٹیفکیٹ",
	[CERT_MARRIAGE] = "نکاح رجسٹریشن سرٹیفکیٹ",
	[CERT_DIVORCE] = "طلاق رجسٹریشن سرٹیفکیٹ",
	[CERT_FRC] = "خاندانی رجسٹریشن سرٹیفکیٹ",
};

const char *cert_title_en(enum cert_kind k)
{
	return (int)k >= CERT_BIRTH && k <= CERT_FRC ? titles_en[k] : "Certificate";
}

const char *cert_title_ur(enum cert_kind k)
{
	return (int)k >= CERT_BIRTH && k <= CERT_FRC ? titles_ur[k] : "سرٹیفکیٹ";
}

void cert_doc_row(struct cert_doc *d, const char *label_en, const char *label_ur,
		  const char *value, const char *value_ur)
{
	if (d->nrows >= CERT_ROWS_MAX)
		return;
	struct cert_row *r = &d->rows[d->nrows++];
	snprintf(r->label_en, sizeof r->label_en, "%s", label_en ? label_en : "");
	snprintf(r->label_ur, sizeof r->label_ur, "%s", label_ur ? label_ur : "");
	snprintf(r->value, sizeof r->value, "%s", value ? value : "");
	snprintf(r->value_ur, sizeof r->value_ur, "%s", value_ur ? value_ur : "");
}

/* Draw UTF-8 text in a box of width w at (x, y); align: -1 left, 0 centre,
 * 1 right. Pango picks the base direction from the text itself, so Urdu runs
 * right-to-left and mixed text follows the Unicode bidi algorithm (UAX #9).
 * Returns the height used. */
static double text(cairo_t *cr, const char *s, const char *family, double size, int bold,
		   double x, double y, double w, int align)
{
	PangoLayout *lay = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, family);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(lay, fd);
	pango_layout_set_width(lay, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(lay, align < 0 ? PANGO_ALIGN_LEFT
					: align > 0 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_CENTER);
	pango_layout_set_auto_dir(lay, FALSE); /* alignment is absolute, not per direction */
	pango_layout_set_text(lay, s, -1);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, lay);
	int pw, ph;
	pango_layout_get_size(lay, &pw, &ph);
	pango_font_description_free(fd);
	g_object_unref(lay);
	return (double)ph / PANGO_SCALE;
}

/* The QR symbol as filled squares, with the 4-module quiet zone of
 * ISO/IEC 18004:2015 section 6.3.8 left white. */
static int draw_qr(cairo_t *cr, const char *payload, double x, double y, double size,
		   struct sh_err *err)
{
	/* Mode hint 8 with case sensitivity lets libqrencode split the text
	 * into optimal segments; Base45 text lands in alphanumeric mode. */
	QRcode *qr = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return sh_err_set(err, SH_ETOOBIG, "QR_TOO_BIG",
				  "payload of %zu characters does not fit a QR code",
				  strlen(payload));
	double cell = size / (qr->width + 8);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int r = 0; r < qr->width; r++)
		for (int c = 0; c < qr->width; c++)
			if (qr->data[r * qr->width + c] & 1)
				cairo_rectangle(cr, x + (c + 4) * cell, y + (r + 4) * cell,
						cell, cell);
	cairo_fill(cr);
	QRcode_free(qr);
	return SH_OK;
}

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int len)
{
	struct sh_buf *b = closure;
	return sh_buf_append(b, data, len) == SH_OK ? CAIRO_STATUS_SUCCESS
						     : CAIRO_STATUS_WRITE_ERROR;
}

static void draw_frame(cairo_t *cr)
{
	cairo_set_source_rgb(cr, 0.0, 0.33, 0.2); /* national green */
	cairo_set_line_width(cr, 3);
	cairo_rectangle(cr, MARGIN / 2, MARGIN / 2, PAGE_W - MARGIN, PAGE_H - MARGIN);
	cairo_stroke(cr);
	cairo_set_line_width(cr, 0.8);
	cairo_rectangle(cr, MARGIN / 2 + 5, MARGIN / 2 + 5, PAGE_W - MARGIN - 10,
			PAGE_H - MARGIN - 10);
	cairo_stroke(cr);
}

static void draw_header(cairo_t *cr, const struct cert_doc *d)
{
	double w = PAGE_W - 2 * MARGIN, half = w / 2;
	cairo_set_source_rgb(cr, 0.0, 0.33, 0.2);
	text(cr, "ISLAMIC REPUBLIC OF PAKISTAN", FONT_LATIN, 11, 1, MARGIN + 8, 44, half, -1);
	text(cr, "National Civil Registration", FONT_LATIN, 9.5, 0, MARGIN + 8, 60, half, -1);
	text(cr, "اسلامی جمہوریہ پاکستان", FONT_URDU, 12, 1, MARGIN + half - 8, 34, half, 1);
	text(cr, "قومی سول رجسٹریشن", FONT_URDU, 10, 0, MARGIN + half - 8, 58, half, 1);
	cairo_set_line_width(cr, 0.8);
	cairo_move_to(cr, MARGIN + 8, 92);
	cairo_line_to(cr, PAGE_W - MARGIN - 8, 92);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	text(cr, cert_title_en(d->kind), FONT_LATIN, 20, 1, MARGIN, 104, w, 0);
	text(cr, cert_title_ur(d->kind), FONT_URDU, 18, 1, MARGIN, 128, w, 0);
}

static void draw_serial(cairo_t *cr, const struct cert_doc *d, double y)
{
	double w = PAGE_W - 2 * MARGIN;
	char line[160], date[16];
	sh_date_format(d->issued, date, sizeof date);
	snprintf(line, sizeof line, "Serial No. %s      Issued %s      Copy %d", d->serial, date,
		 d->copy_no);
	cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
	text(cr, line, FONT_LATIN, 10, 0, MARGIN + 8, y, w - 16, -1);
}

/* Copies after the first: a stamp under the title and a diagonal mark. */
static void draw_duplicate(cairo_t *cr, const struct cert_doc *d)
{
	char en[64], ur[96];
	snprintf(en, sizeof en, "DUPLICATE COPY %d", d->copy_no);
	snprintf(ur, sizeof ur, "نقل نمبر %d", d->copy_no);
	cairo_save(cr);
	cairo_translate(cr, PAGE_W / 2, PAGE_H / 2);
	cairo_rotate(cr, -0.6);
	cairo_set_source_rgba(cr, 0.8, 0.1, 0.1, 0.16);
	text(cr, en, FONT_LATIN, 54, 1, -300, -40, 600, 0);
	cairo_restore(cr);
	cairo_set_source_rgb(cr, 0.75, 0.05, 0.05);
	cairo_set_line_width(cr, 1.5);
	cairo_rectangle(cr, PAGE_W - MARGIN - 190, 202, 180, 50);
	cairo_stroke(cr);
	text(cr, en, FONT_LATIN, 12, 1, PAGE_W - MARGIN - 190, 206, 180, 0);
	text(cr, ur, FONT_URDU, 11, 0, PAGE_W - MARGIN - 190, 220, 180, 0);
}

/* One row: English label | value | Urdu value | Urdu label. */
static double draw_row(cairo_t *cr, const struct cert_row *r, double y, int shade)
{
	double x0 = MARGIN + 8, x1 = x0 + 140, x2 = x1 + 185, x3 = x2 + 110;
	double right = PAGE_W - MARGIN - 8, h = 32;
	if (strlen(r->value) > 34)
		h = 44;
	if (shade) {
		cairo_set_source_rgb(cr, 0.94, 0.97, 0.95);
		cairo_rectangle(cr, x0 - 4, y, right - x0 + 8, h);
		cairo_fill(cr);
	}
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	text(cr, r->label_en, FONT_LATIN, 9, 0, x0, y + 9, x1 - x0 - 6, -1);
	cairo_set_source_rgb(cr, 0, 0, 0);
	text(cr, r->value, FONT_LATIN, 10.5, 1, x1, y + 8, x2 - x1 + (r->value_ur[0] ? 0 : 100),
	     -1);
	if (r->value_ur[0])
		text(cr, r->value_ur, FONT_URDU, 11, 1, x2, y - 2, x3 - x2, 1);
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	text(cr, r->label_ur, FONT_URDU, 9.5, 0, x3, y - 1, right - x3, 1);
	return h;
}

static void draw_footer(cairo_t *cr, const struct cert_doc *d, double qr_x, double qr_y,
			double qr_size)
{
	double x = MARGIN + 8, w = qr_x - x - 12;
	char line[400];
	cairo_set_source_rgb(cr, 0, 0, 0);
	snprintf(line, sizeof line, "Issued by %s", d->issuer[0] ? d->issuer : "the registrar");
	text(cr, line, FONT_LATIN, 9.5, 1, x, qr_y, w, -1);
	cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
	snprintf(line, sizeof line,
		 "The QR code holds the facts of this certificate signed with the registry's "
		 "Ed25519 key. Verify offline with the published public key "
		 "(GET /api/v1/keys, or `shanakht cert verify`), or online at "
		 "/api/v1/certificates/%s/verify. A certificate whose printed facts differ "
		 "from its QR code is not valid.",
		 d->serial);
	double h = text(cr, line, FONT_LATIN, 8, 0, x, qr_y + 18, w, -1);
	text(cr, "تصدیق کے لیے کیو آر کوڈ اسکین کریں۔ کیو آر کوڈ میں درج معلومات اور "
		 "سرٹیفکیٹ پر چھپی معلومات مختلف ہوں تو سرٹیفکیٹ درست نہیں۔",
	     FONT_URDU, 9, 0, x, qr_y + 24 + h, w, 1);
	cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
	text(cr, d->serial, FONT_LATIN, 7.5, 0, qr_x, qr_y + qr_size, qr_size, 0);
}

int cert_render_pdf(const struct cert_doc *d, struct sh_buf *out, struct sh_err *err)
{
	int rc = SH_OK;
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_buf, out, PAGE_W, PAGE_H);
	cairo_t *cr = cairo_create(s);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		rc = sh_err_set(err, SH_EINTERNAL, "CERT_RENDER", "cairo: %s",
				cairo_status_to_string(cairo_status(cr)));
		goto out;
	}
	char subject[160], keywords[CERT_PAYLOAD_TEXT_MAX + 32];
	snprintf(subject, sizeof subject, "%s %s", cert_title_en(d->kind), d->serial);
	snprintf(keywords, sizeof keywords, "%s%s", CERT_PDF_MARKER, d->payload);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, subject);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, subject);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Shanakht");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS, keywords);

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	draw_frame(cr);
	draw_header(cr, d);
	draw_serial(cr, d, 182);
	if (d->copy_no > 1)
		draw_duplicate(cr, d);
	double y = d->copy_no > 1 ? 262 : 212;
	if (d->note_en[0]) {
		cairo_set_source_rgb(cr, 0.6, 0.3, 0.0);
		text(cr, d->note_en, FONT_LATIN, 10, 1, MARGIN + 8, y, 300, -1);
		text(cr, d->note_ur, FONT_URDU, 10, 1, PAGE_W - MARGIN - 258, y - 8, 250, 1);
		y += 28;
	}
	double qr_size = 170, qr_y = PAGE_H - MARGIN - 24 - qr_size;
	double qr_x = PAGE_W - MARGIN - 8 - qr_size;
	for (int i = 0; i < d->nrows && y < qr_y - 40; i++)
		y += draw_row(cr, &d->rows[i], y, i % 2 == 0);
	rc = draw_qr(cr, d->payload, qr_x, qr_y, qr_size, err);
	if (rc)
		goto out;
	draw_footer(cr, d, qr_x, qr_y, qr_size);
	cairo_show_page(cr);
out:
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (rc == SH_OK && cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		rc = sh_err_set(err, SH_EINTERNAL, "CERT_RENDER", "cairo: %s",
				cairo_status_to_string(cairo_surface_status(s)));
	cairo_surface_destroy(s);
	return rc;
}
