/* test_iris.c — the iris engine: segmentation of a drawn eye to within a
 * pixel, IrisCode rotation found at the right shift, Hamming distance
 * properties, the popcount kernels agreeing, bad images refused with their
 * codes, and (when ../shared/data is there) genuine < impostor on IITD. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bio/iris_encode.h"
#include "bio/iris_extract.h"
#include "bio/iris_image.h"
#include "bio/iris_match.h"
#include "bio/iris_segment.h"

#define W 320
#define H 240

static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

/* A drawn eye: sclera, an iris disc with radial/angular texture and a dark
 * pupil disc, each pixel the 4x4 supersampled coverage (so the edges are
 * where the circles say to a fraction of a pixel), plus a glint in the
 * pupil and mild noise. */
static void draw_eye_rim(uint8_t *px, float pcx, float pcy, float pr, float lcx, float lcy,
			 float lr, float rim)
{
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			float acc = 0;
			for (int sy = 0; sy < 4; sy++)
				for (int sx = 0; sx < 4; sx++) {
					float fx = (float)x + ((float)sx + 0.5f) / 4 - 0.5f;
					float fy = (float)y + ((float)sy + 0.5f) / 4 - 0.5f;
					float dp = hypotf(fx - pcx, fy - pcy), dl = hypotf(fx - lcx, fy - lcy);
					float v;
					if (dp < pr)
						v = 12;
					else if (dl < lr) {
						float t = atan2f(fy - lcy, fx - lcx);
						v = 105 + 14 * sinf(9 * t + 0.05f * dl) * cosf(0.3f * dl);
					} else if (rim > 0 && fabsf(dl - rim) < 1.5f)
						v = 60; /* a soft contact lens's rim on the sclera */
					else
						v = 190;
					acc += v;
				}
			px[y * W + x] = (uint8_t)(acc / 16 + (float)(rnd() % 5) - 2);
		}
	for (int y = -2; y <= 2; y++) /* a glint */
		for (int x = -2; x <= 2; x++)
			px[(int)(pcy - 8 + (float)y) * W + (int)(pcx + 6 + (float)x)] = 255;
}

static void draw_eye(uint8_t *px, float pcx, float pcy, float pr, float lcx, float lcy, float lr)
{
	draw_eye_rim(px, pcx, pcy, pr, lcx, lcy, lr, 0);
}

/* An iris cut by the image border (top), and two with
 * a soft contact lens's rim at 1.2 limbus radii: the limbus is still
 * found within a pixel (the border is not an edge; the rim is a ridge on
 * the sclera, not the end of the iris). */
Test(iris_segment, cut_iris_and_lens_rim_within_a_pixel)
{
	static const float cases[][7] = {
		{160.6f, 108.4f, 40.5f, 158.3f, 110.2f, 118.6f, 0},
		{160.6f, 119.4f, 38.5f, 158.3f, 121.7f, 95.2f, 1.2f * 95.2f},
		{150.2f, 118.7f, 30.5f, 151.1f, 120.4f, 100.3f, 1.18f * 100.3f},
	};
	uint8_t *px = malloc(W * H);
	cr_assert(px);
	rng_state = 11;
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		const float *c = cases[k];
		draw_eye_rim(px, c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
		struct iris_image img = {W, H, px};
		struct iris_seg seg;
		struct sh_err err;
		cr_assert_eq(iris_segment(&img, &seg, NULL, &err), SH_OK, "case %zu: %s", k, err.msg);
		cr_expect_lt(fabsf(seg.pupil.r - c[2]), 1.0f, "case %zu pupil r %.2f", k, seg.pupil.r);
		cr_expect_lt(fabsf(seg.limbus.x - c[3]), 1.0f, "case %zu limbus x %.2f", k, seg.limbus.x);
		cr_expect_lt(fabsf(seg.limbus.y - c[4]), 1.0f, "case %zu limbus y %.2f", k, seg.limbus.y);
		cr_expect_lt(fabsf(seg.limbus.r - c[5]), 1.0f, "case %zu limbus r %.2f", k, seg.limbus.r);
	}
	free(px);
}

Test(iris_segment, synthetic_eye_within_a_pixel)
{
	static const float cases[][6] = {
		{160.6f, 119.4f, 38.5f, 158.3f, 121.7f, 95.2f},
		{141.2f, 108.8f, 24.3f, 143.0f, 110.1f, 101.7f},
		{175.5f, 126.2f, 52.8f, 172.4f, 123.3f, 99.4f},
	};
	uint8_t *px = malloc(W * H);
	cr_assert(px);
	rng_state = 7;
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		const float *c = cases[k];
		draw_eye(px, c[0], c[1], c[2], c[3], c[4], c[5]);
		struct iris_image img = {W, H, px};
		struct iris_seg seg;
		struct sh_err err;
		cr_assert_eq(iris_segment(&img, &seg, NULL, &err), SH_OK, "case %zu: %s", k, err.msg);
		cr_expect_lt(fabsf(seg.pupil.x - c[0]), 1.0f, "case %zu pupil x %.2f", k, seg.pupil.x);
		cr_expect_lt(fabsf(seg.pupil.y - c[1]), 1.0f, "case %zu pupil y %.2f", k, seg.pupil.y);
		cr_expect_lt(fabsf(seg.pupil.r - c[2]), 1.0f, "case %zu pupil r %.2f", k, seg.pupil.r);
		cr_expect_lt(fabsf(seg.limbus.x - c[3]), 1.0f, "case %zu limbus x %.2f", k, seg.limbus.x);
		cr_expect_lt(fabsf(seg.limbus.y - c[4]), 1.0f, "case %zu limbus y %.2f", k, seg.limbus.y);
		cr_expect_lt(fabsf(seg.limbus.r - c[5]), 1.0f, "case %zu limbus r %.2f", k, seg.limbus.r);
		cr_expect(!seg.upper.present && !seg.lower.present, "case %zu: no lids drawn", k);
	}
	free(px);
}

/* A normalized iris of smooth random texture, every sample valid. */
static void texture(struct iris_norm *n, uint64_t seed)
{
	rng_state = seed;
	float ph[8], fr[8], fa[8];
	for (int j = 0; j < 8; j++) {
		ph[j] = (float)(rnd() % 1000) / 159.0f;
		fr[j] = 3 + (float)(rnd() % 20);       /* cycles around */
		fa[j] = 0.05f + (float)(rnd() % 100) / 400.0f; /* radial rate */
	}
	for (int r = 0; r < IRIS_NORM_H; r++)
		for (int c = 0; c < IRIS_NORM_W; c++) {
			float t = 2 * 3.14159265f * (float)c / IRIS_NORM_W, v = 120;
			for (int j = 0; j < 8; j++)
				v += 8 * sinf(fr[j] * t + fa[j] * (float)r * fr[j] + ph[j]);
			n->pix[r * IRIS_NORM_W + c] = v;
			n->valid[r * IRIS_NORM_W + c] = 1;
		}
}

Test(iris_code, rotation_found_at_the_right_shift)
{
	static struct iris_norm a, b;
	struct iris_code ca, cb;
	texture(&a, 11);
	cr_assert_eq(iris_encode(&a, &ca), IRIS_LOCATIONS);
	for (int s = -IRIS_MAX_SHIFT; s <= IRIS_MAX_SHIFT; s += 3) {
		/* b is a turned by s code columns (2 s rubber-sheet columns) */
		for (int r = 0; r < IRIS_NORM_H; r++)
			for (int c = 0; c < IRIS_NORM_W; c++) {
				int src = ((c - 2 * s) % IRIS_NORM_W + IRIS_NORM_W) % IRIS_NORM_W;
				b.pix[r * IRIS_NORM_W + c] = a.pix[r * IRIS_NORM_W + src];
				b.valid[r * IRIS_NORM_W + c] = 1;
			}
		iris_encode(&b, &cb);
		struct iris_score sc = iris_match(&ca, &cb);
		cr_expect_eq(sc.shift, s, "turned by %d, found %d", s, sc.shift);
		cr_expect_lt(sc.hd_raw, 1e-6f, "turned by %d: raw HD %.4f", s, sc.hd_raw);
		cr_expect_eq(sc.bits, IRIS_CODE_BITS);
	}
	/* an independent texture is about half different at every shift */
	texture(&b, 12345);
	iris_encode(&b, &cb);
	struct iris_score sc = iris_match(&ca, &cb);
	cr_expect_gt(sc.hd_raw, 0.35f, "independent textures: raw HD %.3f", sc.hd_raw);
}

static void random_code(struct iris_code *c, uint64_t seed, int masked_words)
{
	rng_state = seed;
	for (int w = 0; w < IRIS_CODE_WORDS; w++) {
		c->code[w] = (uint64_t)rnd() << 32 | rnd();
		c->mask[w] = w < masked_words ? 0 : ~0ull;
	}
}

Test(iris_match, hamming_distance_properties)
{
	struct iris_code a, b;
	random_code(&a, 1, 0);
	b = a;
	struct iris_score s = iris_match(&a, &b);
	cr_expect_eq(s.hd_raw, 0.0f);
	cr_expect_eq(s.shift, 0);
	/* all bits flipped: raw HD 1 at shift 0, but a rotation of random bits
	 * agrees about half the time, so the best over shifts is near 0.5 */
	for (int w = 0; w < IRIS_CODE_WORDS; w++)
		b.code[w] = ~a.code[w];
	s = iris_match(&a, &b);
	cr_expect_gt(s.hd_raw, 0.4f);
	/* Daugman's normalization: at 911 bits compared HDnorm = HDraw; more
	 * bits push a given raw HD further from 0.5 */
	random_code(&b, 2, 0);
	s = iris_match(&a, &b);
	cr_expect_eq(s.bits, IRIS_CODE_BITS);
	float expect = 0.5f - (0.5f - s.hd_raw) * sqrtf((float)IRIS_CODE_BITS / IRIS_HD_NORM_BITS);
	cr_expect_float_eq(s.hd, expect, 1e-5f);
	/* too few bits in common: no evidence either way */
	random_code(&b, 3, IRIS_CODE_WORDS - 2); /* 128 bits kept */
	s = iris_match(&a, &b);
	cr_expect_eq(s.hd, 0.5f);
}

Test(iris_match, kernels_agree_and_search_finds_the_mate)
{
	enum { N = 300 };
	struct iris_code *g = aligned_alloc(64, N * sizeof *g);
	struct iris_probe *p = aligned_alloc(64, sizeof *p);
	float *hd = malloc(N * sizeof *hd), *ref = malloc(N * sizeof *ref);
	cr_assert(g && p && hd && ref);
	for (int i = 0; i < N; i++)
		random_code(&g[i], 100 + (uint64_t)i, i % 5);
	/* the probe: gallery 123 turned by 3 columns, 5% of its bits flipped */
	struct iris_code probe;
	iris_code_rotate(&g[123], 3, &probe);
	rng_state = 99;
	for (int k = 0; k < IRIS_CODE_BITS / 20; k++) {
		int b = (int)(rnd() % IRIS_CODE_BITS);
		probe.code[b / 64] ^= 1ull << (b % 64);
	}
	iris_probe_prepare(&probe, p);
	static const char *names[] = {"portable", "popcnt", "avx512-vpopcntdq"};
	const char *dflt = iris_match_kernel();
	cr_assert_eq(iris_match_force_kernel("portable"), 0);
	cr_assert_eq(iris_search(p, g, N, ref), 123);
	for (size_t k = 1; k < 3; k++) {
		if (iris_match_force_kernel(names[k]))
			continue; /* this CPU lacks it */
		cr_expect_eq(iris_search(p, g, N, hd), 123, "%s", names[k]);
		for (int i = 0; i < N; i++)
			cr_expect_eq(hd[i], ref[i], "%s, gallery %d", names[k], i);
	}
	cr_assert_eq(iris_match_force_kernel(dflt), 0);
	struct iris_score s = iris_compare(p, &g[123]);
	cr_expect_eq(s.shift, -3); /* probe = gallery turned +3: turn back */
	cr_expect_lt(s.hd_raw, 0.06f);
	free(g);
	free(p);
	free(hd);
	free(ref);
}

Test(iris_extract, bad_images_get_their_codes)
{
	uint8_t *px = calloc(W * H, 1);
	cr_assert(px);
	struct iris_code code;
	struct sh_err err;
	/* wrong size */
	struct iris_image small = {60, 40, px};
	cr_expect_eq(iris_extract(&small, &code, NULL, &err), SH_EINVAL);
	cr_expect_str_eq(err.code, "IRIS_IMAGE_SIZE");
	/* blank */
	memset(px, 128, W * H);
	struct iris_image img = {W, H, px};
	cr_expect_eq(iris_extract(&img, &code, NULL, &err), SH_ERULE);
	cr_expect_str_eq(err.code, "IRIS_NO_CONTRAST");
	/* a closed eye: skin with a dark line of lashes along the lid */
	rng_state = 5;
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			float lid = 120 + 0.0006f * (float)((x - 160) * (x - 160));
			float d = fabsf((float)y - lid);
			int v = 170 + (int)(rnd() % 9) - 4;
			if (d < 3 + (float)(x % 7 == 0) * 10)
				v = 35;
			px[y * W + x] = (uint8_t)v;
		}
	cr_expect_eq(iris_extract(&img, &code, NULL, &err), SH_ERULE);
	cr_expect(!strcmp(err.code, "IRIS_NO_PUPIL") || !strcmp(err.code, "IRIS_NO_LIMBUS"),
		  "closed eye: %s", err.code);
	/* corrupt bytes */
	struct iris_image out;
	static const uint8_t png_head[16] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
					     0, 0, 0, 13, 'I', 'H', 'D', 'R'};
	cr_expect_neq(iris_image_decode(png_head, sizeof png_head, &out, &err), SH_OK);
	cr_expect_str_eq(err.code, "IRIS_IMAGE_MALFORMED");
	static const uint8_t junk[32] = "this is not an image at all....";
	cr_expect_neq(iris_image_decode(junk, sizeof junk, &out, &err), SH_OK);
	cr_expect_str_eq(err.code, "IRIS_IMAGE_FORMAT");
	cr_expect_null(out.pixels);
	free(px);
}

Test(iris_extract, drawn_eye_matches_itself_turned)
{
	uint8_t *px = malloc(W * H);
	cr_assert(px);
	rng_state = 3;
	draw_eye(px, 160.6f, 119.4f, 38.5f, 158.3f, 121.7f, 95.2f);
	struct iris_image img = {W, H, px};
	struct iris_code a;
	struct iris_extract_info info;
	struct sh_err err;
	cr_assert_eq(iris_extract(&img, &a, &info, &err), SH_OK, "%s", err.msg);
	cr_expect_gt(info.usable, IRIS_LOCATIONS * 3 / 4);
	cr_expect_gt(info.quality, 50);
	free(px);
}

/* IITD (../shared/data): two images of one eye against two other eyes. */
Test(iris_extract, iitd_genuine_below_impostors)
{
	const char *root = getenv("SHANAKHT_SHARED_DATA");
	char path[4][1024];
	static const char *names[4] = {"001/01_L", "001/02_L", "002/01_L", "003/01_L"};
	if (!root)
		cr_skip_test("SHANAKHT_SHARED_DATA not set");
	struct iris_code c[4];
	for (int i = 0; i < 4; i++) {
		snprintf(path[i], sizeof path[i], "%s/iris/iitd/%s.png", root, names[i]);
		FILE *f = fopen(path[i], "rb");
		if (!f)
			cr_skip_test("IITD iris data not found at %s", path[i]);
		fclose(f);
		struct iris_image img;
		struct sh_err err;
		cr_assert_eq(iris_image_load(path[i], &img, &err), SH_OK, "%s", err.msg);
		cr_assert_eq(iris_extract(&img, &c[i], NULL, &err), SH_OK, "%s: %s", names[i], err.msg);
		iris_image_free(&img);
	}
	float gen = iris_match(&c[0], &c[1]).hd;
	cr_expect_lt(gen, 0.3f, "genuine HD %.3f", gen);
	for (int i = 0; i < 2; i++)
		for (int j = 2; j < 4; j++) {
			float imp = iris_match(&c[i], &c[j]).hd;
			cr_expect_gt(imp, 0.38f, "%s ~ %s impostor HD %.3f", names[i], names[j], imp);
			cr_expect_lt(gen, imp);
		}
}
