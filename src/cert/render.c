/* render.c — the certificate page: cairo for drawing, Pango for shaping the
 * Urdu right-to-left, libqrencode for the QR matrix (see render.h). */
#include "cert/render.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Copies after the first: a diagonal mark on every page, and a stamp under
 * the title on the first. */
static void draw_duplicate(cairo_t *cr, const struct cert_doc *d, int first_page)
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
	if (!first_page)
		return;
	cairo_set_source_rgb(cr, 0.75, 0.05, 0.05);
	cairo_set_line_width(cr, 1.5);
	cairo_rectangle(cr, PAGE_W - MARGIN - 190, 202, 180, 50);
	cairo_stroke(cr);
	text(cr, en, FONT_LATIN, 12, 1, PAGE_W - MARGIN - 190, 206, 180, 0);
	text(cr, ur, FONT_URDU, 11, 0, PAGE_W - MARGIN - 190, 220, 180, 0);
}

/* The head of a continuation page: kind, serial and page number. */
static void draw_continued(cairo_t *cr, const struct cert_doc *d, int page, int pages)
{
	double w = PAGE_W - 2 * MARGIN;
	char line[200];
	cairo_set_source_rgb(cr, 0.0, 0.33, 0.2);
	snprintf(line, sizeof line, "%s (continued)", cert_title_en(d->kind));
	double h = text(cr, line, FONT_LATIN, 14, 1, MARGIN + 8, 40, w * 0.62, -1);
	text(cr, cert_title_ur(d->kind), FONT_URDU, 13, 1, MARGIN + w * 0.62, 30,
	     w * 0.38 - 8, 1);
	cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
	snprintf(line, sizeof line, "Serial No. %s      Page %d of %d", d->serial, page, pages);
	text(cr, line, FONT_LATIN, 10, 0, MARGIN + 8, 40 + h + 8, w - 16, -1);
}

/* One cell of a row: its text, face and box. */
struct cell {
	const char *s, *family;
	double size, x, w;
	int bold, align;
};

static PangoLayout *cell_layout(cairo_t *cr, const struct cell *c)
{
	PangoLayout *lay = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, c->family);
	pango_font_description_set_absolute_size(fd, c->size * PANGO_SCALE);
	pango_font_description_set_weight(fd, c->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(lay, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(lay, (int)(c->w * PANGO_SCALE));
	pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(lay, c->align < 0 ? PANGO_ALIGN_LEFT
					: c->align > 0 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_CENTER);
	pango_layout_set_auto_dir(lay, FALSE);
	pango_layout_set_text(lay, c->s, -1);
	return lay;
}

/* English label | value | Urdu value | Urdu label; the value takes the Urdu
 * value's column too when there is no Urdu value. */
#define ROW_CELLS 4
#define ROW_PAD 5.0
#define ROW_MIN_H 28.0
#define COL_X0 (MARGIN + 8)
#define COL_X1 (COL_X0 + 140)
#define COL_X2 (COL_X1 + 185)
#define COL_X3 (COL_X2 + 110)
#define COL_RIGHT (PAGE_W - MARGIN - 8)

static int row_cells(const struct cert_row *r, struct cell c[ROW_CELLS])
{
	int n = 0;
	c[n++] = (struct cell){r->label_en, FONT_LATIN, 9, COL_X0, COL_X1 - COL_X0 - 6, 0, -1};
	c[n++] = (struct cell){r->value, FONT_LATIN, 10.5, COL_X1,
			       COL_X2 - COL_X1 - 6 + (r->value_ur[0] ? 0 : COL_X3 - COL_X2), 1, -1};
	if (r->value_ur[0])
		c[n++] = (struct cell){r->value_ur, FONT_URDU, 11, COL_X2, COL_X3 - COL_X2, 1, 1};
	c[n++] = (struct cell){r->label_ur, FONT_URDU, 9.5, COL_X3 + 4, COL_RIGHT - COL_X3 - 4, 0, 1};
	return n;
}

/* Where a row's cells go, from their measured extents (Pango): first lines
 * share a baseline, and the row is as tall as its tallest cell, ink or
 * logical box whichever reaches further (Nastaliq's ink leaves its line box),
 * so a wrapped name never runs under the next row. offs[i] is cell i's top
 * relative to the row's top. */
static double row_measure(cairo_t *cr, const struct cert_row *r, double offs[ROW_CELLS])
{
	struct cell c[ROW_CELLS];
	int n = row_cells(r, c);
	double base[ROW_CELLS], top[ROW_CELLS], bot[ROW_CELLS], maxbase = 0;
	for (int i = 0; i < n; i++) {
		PangoLayout *lay = cell_layout(cr, &c[i]);
		PangoRectangle ink, log;
		pango_layout_get_extents(lay, &ink, &log);
		base[i] = (double)pango_layout_get_baseline(lay) / PANGO_SCALE;
		double it = (double)ink.y / PANGO_SCALE, ib = (double)(ink.y + ink.height) / PANGO_SCALE;
		double lt = (double)log.y / PANGO_SCALE, lb = (double)(log.y + log.height) / PANGO_SCALE;
		top[i] = it < lt ? it : lt;
		bot[i] = ib > lb ? ib : lb;
		if (base[i] > maxbase)
			maxbase = base[i];
		g_object_unref(lay);
	}
	double mintop = 0, maxbot = 0;
	for (int i = 0; i < n; i++) {
		offs[i] = maxbase - base[i];
		if (i == 0 || offs[i] + top[i] < mintop)
			mintop = offs[i] + top[i];
		if (i == 0 || offs[i] + bot[i] > maxbot)
			maxbot = offs[i] + bot[i];
	}
	double shift = ROW_PAD - mintop;
	for (int i = 0; i < n; i++)
		offs[i] += shift;
	double h = maxbot + shift + ROW_PAD;
	return h < ROW_MIN_H ? ROW_MIN_H : h;
}

static void row_draw(cairo_t *cr, const struct cert_row *r, double y, double h,
		     const double offs[ROW_CELLS], int shade, struct cert_layout_row *rep)
{
	if (shade) {
		cairo_set_source_rgb(cr, 0.94, 0.97, 0.95);
		cairo_rectangle(cr, COL_X0 - 4, y, COL_RIGHT - COL_X0 + 8, h);
		cairo_fill(cr);
	}
	struct cell c[ROW_CELLS];
	int n = row_cells(r, c);
	for (int i = 0; i < n; i++) {
		int label = c[i].s == r->label_en || c[i].s == r->label_ur;
		if (label)
			cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
		else
			cairo_set_source_rgb(cr, 0, 0, 0);
		PangoLayout *lay = cell_layout(cr, &c[i]);
		cairo_move_to(cr, c[i].x, y + offs[i]);
		pango_cairo_show_layout(cr, lay);
		if (rep) {
			/* What was drawn, measured again from the layout shown. */
			PangoRectangle ink;
			pango_layout_get_extents(lay, &ink, NULL);
			double t = y + offs[i] + (double)ink.y / PANGO_SCALE;
			double b = t + (double)ink.height / PANGO_SCALE;
			if (ink.height > 0) {
				if (rep->ink_top == 0 || t < rep->ink_top)
					rep->ink_top = t;
				if (b > rep->ink_bottom)
					rep->ink_bottom = b;
			}
			rep->lines += pango_layout_get_line_count(lay);
		}
		g_object_unref(lay);
	}
}

static void draw_footer(cairo_t *cr, const struct cert_doc *d, double qr_x, double qr_y,
			double qr_size, int pages)
{
	double x = MARGIN + 8, w = qr_x - x - 12;
	char line[400];
	cairo_set_source_rgb(cr, 0, 0, 0);
	snprintf(line, sizeof line, "Issued by %s", d->issuer[0] ? d->issuer : "the registrar");
	if (pages > 1) {
		size_t l = strlen(line);
		snprintf(line + l, sizeof line - l, " (page 1 of %d)", pages);
	}
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

/* Rows start under the serial line (and the duplicate stamp, and the
 * note) on page 1 and under the continuation head on later pages; they stop
 * above the footer's QR block on page 1 and above the frame elsewhere. */
#define QR_SIZE 170.0
#define QR_Y (PAGE_H - MARGIN - 24 - QR_SIZE)
#define QR_X (PAGE_W - MARGIN - 8 - QR_SIZE)
#define PAGE1_LIMIT (QR_Y - 12)
#define PAGEN_TOP 104.0
#define PAGEN_LIMIT (PAGE_H - MARGIN - 12)

int cert_render_pdf(const struct cert_doc *d, struct sh_buf *out, struct sh_err *err)
{
	return cert_render_pdf_report(d, out, NULL, err);
}

int cert_render_pdf_report(const struct cert_doc *d, struct sh_buf *out,
			   struct cert_layout *rep, struct sh_err *err)
{
	int rc = SH_OK;
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_buf, out, PAGE_W, PAGE_H);
	cairo_t *cr = cairo_create(s);
	static const struct cert_layout zero;
	struct cert_layout *lay = calloc(1, sizeof *lay);
	if (!lay) {
		rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "certificate layout");
		goto out;
	}
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

	/* Layout first, from measured text: which page each row is on and
	 * where, so that page 1 can say how many pages there are. */
	double y0 = d->copy_no > 1 ? 262 : 212, y = y0;
	if (d->note_en[0])
		y += 28;
	double offs[CERT_ROWS_MAX][ROW_CELLS];
	int page = 1, nrows = d->nrows < CERT_ROWS_MAX ? d->nrows : CERT_ROWS_MAX;
	for (int i = 0; i < nrows; i++) {
		double h = row_measure(cr, &d->rows[i], offs[i]);
		double limit = page == 1 ? PAGE1_LIMIT : PAGEN_LIMIT;
		if (y + h > limit) {
			page++;
			y = PAGEN_TOP;
		}
		lay->rows[i] = (struct cert_layout_row){.page = page, .y = y, .h = h,
				.limit = page == 1 ? PAGE1_LIMIT : PAGEN_LIMIT};
		y += h;
	}
	lay->nrows = nrows;
	lay->pages = page;

	int i = 0;
	for (int pg = 1; pg <= lay->pages; pg++) {
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		draw_frame(cr);
		if (pg == 1) {
			draw_header(cr, d);
			draw_serial(cr, d, 182);
		} else {
			draw_continued(cr, d, pg, lay->pages);
		}
		if (d->copy_no > 1)
			draw_duplicate(cr, d, pg == 1);
		if (pg == 1 && d->note_en[0]) {
			cairo_set_source_rgb(cr, 0.6, 0.3, 0.0);
			text(cr, d->note_en, FONT_LATIN, 10, 1, MARGIN + 8, y0, 300, -1);
			text(cr, d->note_ur, FONT_URDU, 10, 1, PAGE_W - MARGIN - 258, y0 - 8, 250, 1);
		}
		for (int k = 0; i < nrows && lay->rows[i].page == pg; i++, k++)
			row_draw(cr, &d->rows[i], lay->rows[i].y, lay->rows[i].h, offs[i],
				 k % 2 == 0, &lay->rows[i]);
		if (pg == 1) {
			if ((rc = draw_qr(cr, d->payload, QR_X, QR_Y, QR_SIZE, err)))
				goto out;
			draw_footer(cr, d, QR_X, QR_Y, QR_SIZE, lay->pages);
		}
		cairo_show_page(cr);
	}
	if (rep)
		*rep = *lay;
out:
	if (rc && rep)
		*rep = zero;
	free(lay);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (rc == SH_OK && cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		rc = sh_err_set(err, SH_EINTERNAL, "CERT_RENDER", "cairo: %s",
				cairo_status_to_string(cairo_surface_status(s)));
	cairo_surface_destroy(s);
	return rc;
}
