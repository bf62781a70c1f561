/* test_fp_extract.c — the extraction stages on synthetic ridge patterns with
 * known answers (orientation, period, a minutia's place, type and
 * direction), degenerate input, and real FVC2002 images. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bio/fp_debug.h"
#include "bio/fp_extract.h"
#include "bio/fp_extract_int.h"
#include "bio/fp_image.h"

#define PI_F 3.14159265f
#define S 256

static float ang_diff(float a, float b, float period)
{
	float d = fmodf(fabsf(a - b), period);
	return d > period / 2 ? period - d : d;
}

/* Parallel ridges along direction t (image coordinates), period p. */
static void sinusoid(uint8_t *px, float t, float p)
{
	for (int y = 0; y < S; y++)
		for (int x = 0; x < S; x++) {
			float across = -x * sinf(t) + y * cosf(t);
			px[y * S + x] = (uint8_t)lrintf(128 + 90 * cosf(2 * PI_F * across / p));
		}
}

Test(fp_extract, orientation_and_period_of_a_sinusoid)
{
	static uint8_t px[S * S];
	const float angles[] = {0.0f, 0.5236f, 1.5708f, 2.3562f};
	const float periods[] = {7.0f, 9.0f, 12.0f};
	for (size_t a = 0; a < 4; a++)
		for (size_t p = 0; p < 3; p++) {
			sinusoid(px, angles[a], periods[p]);
			struct fp_work wk;
			cr_assert_eq(fp_work_init(&wk, px, S, S, NULL), SH_OK);
			fp_segment_stats(&wk);
			fp_orient_estimate(&wk);
			fp_segment_mask(&wk);
			fp_freq_estimate(&wk);
			int fg = 0;
			for (int by = 4; by < wk.bh - 4; by++)
				for (int bx = 4; bx < wk.bw - 4; bx++) {
					int b = by * wk.bw + bx;
					fg += wk.mask[b];
					float d = ang_diff(wk.orient[b], angles[a], PI_F);
					cr_assert_lt(d, 3 * PI_F / 180,
						     "block %d,%d: orientation %f want %f",
						     bx, by, wk.orient[b], angles[a]);
					cr_assert_float_eq(wk.period[b], periods[p], 0.5,
							   "period %f want %f",
							   wk.period[b], periods[p]);
					cr_assert_gt(wk.coh[b], 0.9f);
				}
			cr_assert_eq(fg, (wk.bw - 8) * (wk.bh - 8));
			fp_work_free(&wk);
		}
}

/* Horizontal ridges of period 10 where the ridge at y = 130 exists only
 * for x >= 128: a ridge ending at (128, 130) whose ridge runs to +x, so
 * its ISO direction is 0. */
static void ridge_ending_pattern(uint8_t px[S * S])
{
	for (int y = 0; y < S; y++)
		for (int x = 0; x < S; x++) {
			float v = 128 - 100 * cosf(2 * PI_F * y / 10);
			if (x < 128 && abs(y - 130) < 5)
				v = 228;
			px[y * S + x] = (uint8_t)lrintf(v);
		}
}

/* The template of ridge_ending_pattern(). */
static void extract_ridge_ending(struct fp_template *t)
{
	static uint8_t px[S * S];
	ridge_ending_pattern(px);
	struct fp_image img;
	struct sh_err err;
	cr_assert_eq(fp_image_from_raw(px, S, S, 500, &img, &err), SH_OK);
	cr_assert_eq(fp_extract(&img, t, &err), SH_OK, "%s", err.msg);
	fp_image_free(&img);
}

/* The ending of ridge_ending_pattern() is found once, as an ending, with its
 * direction. */
Test(fp_extract, finds_a_ridge_ending_with_its_direction)
{
	struct fp_template t;
	extract_ridge_ending(&t);
	int found = 0;
	for (int i = 0; i < t.count; i++) {
		const struct fp_minutia *m = &t.minutiae[i];
		if (fabsf(m->x - 128) <= 6 && fabsf(m->y - 130) <= 4) {
			found++;
			cr_assert_eq(m->type, FP_ENDING);
			cr_assert_lt(ang_diff(m->angle, 0, 2 * PI_F), 20 * PI_F / 180,
				     "angle %f", m->angle);
			cr_assert_gt(m->quality, 0);
		}
	}
	cr_assert_eq(found, 1, "%d minutiae near the ending (of %d)", found, t.count);
	cr_assert_leq(t.count, 3, "spurious minutiae: %d", t.count);
	cr_assert_gt(t.quality, 0);  /* low: one minutia is too few */
}

/* Straight horizontal ridges: the flow around the ending runs along its
 * direction everywhere, so every sample of its orientation descriptor on the
 * print must read ~0 (orientation relative to the minutia, modulo pi). */
Test(fp_extract, orientation_descriptor_of_straight_ridges)
{
	static struct fp_template t;
	extract_ridge_ending(&t);
	int checked = 0;
	for (int i = 0; i < t.count; i++) {
		const struct fp_minutia *m = &t.minutiae[i];
		if (!(fabsf(m->x - 128) <= 6 && fabsf(m->y - 130) <= 4))
			continue;
		cr_assert_geq(__builtin_popcount(m->omask), 24, "mask %08x", m->omask);
		for (int k = 0; k < FP_ODESC_N; k++) {
			if (!(m->omask >> k & 1))
				continue;
			int d = (int8_t)m->odesc[k];
			cr_assert_leq(abs(d), 12, "sample %d reads %d/256 of pi", k, d);
		}
		checked++;
	}
	cr_assert_eq(checked, 1);
}

/* The debug picture: written, decodable, twice the width (overlay beside
 * the image), and the template it reports is fp_extract's. */
Test(fp_extract, debug_png_is_written)
{
	static uint8_t px[S * S];
	ridge_ending_pattern(px);
	struct fp_image img, back = {0};
	static struct fp_template t, u;
	struct sh_err err;
	char path[] = "/tmp/fp_debug_XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(fp_image_from_raw(px, S, S, 500, &img, &err), SH_OK);
	cr_assert_eq(fp_debug_png(&img, path, &t, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(fp_extract(&img, &u, &err), SH_OK);
	cr_assert_eq(t.count, u.count);
	cr_assert_eq(fp_image_load(path, 0, &back, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(back.width, 2 * S);
	cr_assert_eq(back.height, S);
	fp_image_free(&back);
	cr_assert_eq(fp_debug_png(&img, "/nonexistent-dir/x.png", NULL, &err), SH_EIO);
	cr_assert_str_eq(err.code, "FP_DEBUG_WRITE");
	fp_image_free(&img);
	unlink(path);
}

/* A phase spiral (Larkin & Fletcher 2007) puts one minutia at (x0, y0);
 * whether it is a ridge ending or a bifurcation depends on which phase is
 * dark. Under ISO 19794-2 the two are duals with the same direction. */
static int spiral_minutia(int invert, struct fp_minutia *out)
{
	static uint8_t px[S * S];
	const float x0 = 120, y0 = 136;
	for (int y = 0; y < S; y++)
		for (int x = 0; x < S; x++) {
			float ph = 2 * PI_F * y / 10 + atan2f(y - y0, x - x0);
			float v = 90 * cosf(ph);
			px[y * S + x] = (uint8_t)lrintf(128 + (invert ? -v : v));
		}
	struct fp_image img;
	struct fp_template t;
	cr_assert_eq(fp_image_from_raw(px, S, S, 500, &img, NULL), SH_OK);
	cr_assert_eq(fp_extract(&img, &t, NULL), SH_OK);
	fp_image_free(&img);
	int found = 0;
	for (int i = 0; i < t.count; i++)
		if (fabsf(t.minutiae[i].x - x0) <= 7 && fabsf(t.minutiae[i].y - y0) <= 7) {
			*out = t.minutiae[i];
			found++;
		}
	return found;
}

Test(fp_extract, ending_and_bifurcation_are_duals)
{
	struct fp_minutia a, b;
	cr_assert_eq(spiral_minutia(0, &a), 1);
	cr_assert_eq(spiral_minutia(1, &b), 1);
	cr_assert_neq(a.type, b.type);
	cr_assert(a.type == FP_ENDING || a.type == FP_BIFURCATION);
	cr_assert(b.type == FP_ENDING || b.type == FP_BIFURCATION);
	/* both along the ridges (x axis), and the same way */
	cr_assert_lt(ang_diff(a.angle, 0, PI_F), 25 * PI_F / 180, "%f", a.angle);
	cr_assert_lt(ang_diff(a.angle, b.angle, 2 * PI_F), 30 * PI_F / 180,
		     "%f vs %f", a.angle, b.angle);
}

Test(fp_extract, blank_and_tiny_images_give_no_minutiae)
{
	static uint8_t px[S * S];
	memset(px, 200, sizeof px);
	struct fp_image img;
	struct fp_template t;
	struct sh_err err;
	cr_assert_eq(fp_image_from_raw(px, S, S, 500, &img, &err), SH_OK);
	cr_assert_eq(fp_extract(&img, &t, &err), SH_OK);
	cr_assert_eq(t.count, 0);
	cr_assert_eq(t.quality, 0);
	cr_assert_eq(t.width, S);
	fp_image_free(&img);
	cr_assert_eq(fp_image_from_raw(px, 5, 3, 500, &img, &err), SH_OK);
	cr_assert_eq(fp_extract(&img, &t, &err), SH_OK);
	cr_assert_eq(t.count, 0);
	fp_image_free(&img);
	struct fp_image empty = {0};
	cr_assert_eq(fp_extract(&empty, &t, &err), SH_EINVAL);
}

Test(fp_extract, resolution_is_normalised_to_500_dpi)
{
	static uint8_t px[S * S];
	sinusoid(px, 0.3f, 11.38f);  /* 9 px at 500 dpi, seen at 569 dpi */
	struct fp_image img;
	struct fp_template t;
	cr_assert_eq(fp_image_from_raw(px, S, S, 569, &img, NULL), SH_OK);
	cr_assert_eq(fp_extract(&img, &t, NULL), SH_OK);
	cr_assert_eq(t.width, 225);
	cr_assert_eq(t.height, 225);
	fp_image_free(&img);
}

Test(fp_extract, real_fvc_images_are_sane)
{
	const char *root = getenv("SHANAKHT_SHARED_DATA");
	if (!root)
		cr_skip_test("SHANAKHT_SHARED_DATA not set");
	for (int db = 1; db <= 4; db++) {
		char path[512];
		snprintf(path, sizeof path,
			 "%s/fingerprints/fvc2002/DB%d_B/101_1.tif", root, db);
		if (access(path, R_OK) != 0)
			cr_skip_test("no FVC data");
		struct fp_image img;
		struct fp_template t;
		struct sh_err err;
		cr_assert_eq(fp_image_load(path, db == 2 ? 569 : 0, &img, &err), SH_OK);
		cr_assert_eq(fp_extract(&img, &t, &err), SH_OK, "%s", err.msg);
		fp_image_free(&img);
		cr_assert(t.count >= 15 && t.count <= 120, "DB%d: %d minutiae", db,
			  t.count);
		cr_assert(t.quality >= 20, "DB%d quality %d", db, t.quality);
		for (int i = 0; i < t.count; i++) {
			const struct fp_minutia *m = &t.minutiae[i];
			cr_assert(m->x >= 0 && m->x < t.width && m->y >= 0 &&
				  m->y < t.height);
			cr_assert(m->angle >= 0 && m->angle < 2 * PI_F);
			cr_assert(m->quality >= 1 && m->quality <= 100);
			if (i)
				cr_assert_leq(m->quality, t.minutiae[i - 1].quality);
		}
	}
}

Test(fp_extract, noise_is_not_a_fingerprint)
{
	static uint8_t px[S * S];
	srand(11);
	for (int i = 0; i < S * S; i++)
		px[i] = (uint8_t)rand();
	struct fp_image img;
	struct fp_template t;
	cr_assert_eq(fp_image_from_raw(px, S, S, 500, &img, NULL), SH_OK);
	cr_assert_eq(fp_extract(&img, &t, NULL), SH_OK);
	cr_assert_lt(t.quality, 20);
	cr_assert_lt(t.count, 5);
	fp_image_free(&img);
}

/* The count correction (fp_quality.c): unchanged inside 25..60 minutiae,
 * scaled down linearly on either side, clamped to 0..100. */
Test(fp_quality, count_correction)
{
	cr_assert_eq(fp_quality_count(80, 40), 80);
	cr_assert_eq(fp_quality_count(80, 25), 80);
	cr_assert_eq(fp_quality_count(80, 60), 80);
	cr_assert_eq(fp_quality_count(80, 10), 32);
	cr_assert_eq(fp_quality_count(80, 120), 40);
	cr_assert_eq(fp_quality_count(80, 0), 0);
	cr_assert_eq(fp_quality_count(150, 40), 100);
}

/* Degraded copies of one real print must score in order: the print itself,
 * then the print under strong sensor noise, then under noise so strong the
 * ridges are barely there; and a small central crop (a partial print)
 * below the whole. Through the public fp_quality (fp.h). */
Test(fp_quality, degraded_copies_ordered)
{
	const char *root = getenv("SHANAKHT_SHARED_DATA");
	if (!root)
		cr_skip_test("SHANAKHT_SHARED_DATA not set");
	char path[512];
	snprintf(path, sizeof path, "%s/fingerprints/fvc2002/DB1_B/101_1.tif", root);
	if (access(path, R_OK) != 0)
		cr_skip_test("no FVC data");
	struct fp_image img;
	struct sh_err err;
	cr_assert_eq(fp_image_load(path, 0, &img, &err), SH_OK);
	int w = img.width, h = img.height, q[4];
	uint8_t *px = malloc((size_t)w * (size_t)h);
	cr_assert_not_null(px);
	const int noise[3] = {0, 90, 200};
	for (int k = 0; k < 3; k++) {
		uint64_t s = 12345;
		for (int i = 0; i < w * h; i++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			int n = (int)((s >> 33) % (uint64_t)(2 * noise[k] + 1)) - noise[k];
			int v = img.pixels[i] + n;
			px[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
		struct fp_image d;
		cr_assert_eq(fp_image_from_raw(px, w, h, 500, &d, NULL), SH_OK);
		cr_assert_eq(fp_quality(&d, &q[k], &err), SH_OK, "%s", err.msg);
		fp_image_free(&d);
	}
	/* a 120 x 120 px crop from the middle: ~6 x 6 mm */
	int cw = 120, x0 = (w - cw) / 2, y0 = (h - cw) / 2;
	for (int y = 0; y < cw; y++)
		memcpy(px + y * cw, img.pixels + (y0 + y) * w + x0, (size_t)cw);
	struct fp_image c;
	cr_assert_eq(fp_image_from_raw(px, cw, cw, 500, &c, NULL), SH_OK);
	cr_assert_eq(fp_quality(&c, &q[3], &err), SH_OK, "%s", err.msg);
	fp_image_free(&c);
	free(px);
	fp_image_free(&img);
	cr_log_info("quality: clean %d, noise 90 %d, noise 200 %d, crop %d", q[0], q[1], q[2], q[3]);
	cr_assert_gt(q[0], q[1], "clean %d vs noisy %d", q[0], q[1]);
	cr_assert_gt(q[1], q[2], "noisy %d vs very noisy %d", q[1], q[2]);
	cr_assert_gt(q[0], q[3], "whole %d vs crop %d", q[0], q[3]);
}
