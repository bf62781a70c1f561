/* test_face_pipeline.c — the whole face pipeline: same person closer than
 * different persons on ORL images (AT&T Laboratories Cambridge, The
 * Database of Faces; skipped when ../shared/data is absent), bad images
 * with their error codes, and the quality measures reacting to blur and
 * exposure. */
#include <math.h>

#include "bio/face_extract.h"
#include "bio/face_match.h"
#include "face_test_util.h"

static struct face_engine engine;

static void setup(void)
{
	face_need_models();
	struct sh_err err;
	cr_assert_eq(face_engine_load(NULL, &engine, &err), 0, "%s", err.msg);
}

static void teardown(void)
{
	face_engine_free(&engine);
}

static int orl_path(const char *rel, char *out, size_t len)
{
	const char *root = getenv("SHANAKHT_SHARED_DATA");
	snprintf(out, len, "%s/faces/orl/%s", root ? root : "../shared/data", rel);
	return access(out, R_OK);
}

static void orl_desc(const char *rel, float *desc)
{
	char p[1024];
	struct face_image img;
	struct face_result r;
	struct sh_err err;
	if (orl_path(rel, p, sizeof p) != 0)
		cr_skip_test("ORL not found: %s", p);
	cr_assert_eq(face_image_load(p, &img, &err), 0, "%s", err.msg);
	cr_assert_eq(img.w, 92);
	cr_assert_eq(img.h, 112);
	struct face_opts o = {.whole_fallback = 1};
	cr_assert_eq(face_extract(&engine, &img, &o, &r, &err), 0, "%s: %s", rel, err.msg);
	memcpy(desc, r.desc, sizeof r.desc);
	face_image_free(&img);
}

TestSuite(face_pipeline, .init = setup, .fini = teardown);

/* Three subjects, two images each: every genuine pair scores above every
 * impostor pair. */
Test(face_pipeline, same_person_is_closer_on_orl)
{
	static const char *imgs[6] = {"s1/1.pgm", "s1/5.pgm", "s2/1.pgm",
				      "s2/6.pgm", "s3/2.pgm", "s3/9.pgm"};
	float d[6][FACE_DESC_DIM];
	for (int i = 0; i < 6; i++)
		orl_desc(imgs[i], d[i]);
	float min_gen = 2, max_imp = -2;
	for (int a = 0; a < 6; a++)
		for (int b = a + 1; b < 6; b++) {
			float s = face_match_score(d[a], d[b]);
			if (a / 2 == b / 2)
				min_gen = fminf(min_gen, s);
			else
				max_imp = fmaxf(max_imp, s);
		}
	cr_expect_gt(min_gen, max_imp, "lowest genuine %.3f, highest impostor %.3f", min_gen,
		     max_imp);
}

static void expect_code(const struct face_image *img, const char *code)
{
	struct face_result r;
	struct sh_err err;
	int rc = face_extract(&engine, img, NULL, &r, &err);
	cr_assert_neq(rc, 0, "expected %s", code);
	cr_expect_str_eq(err.code, code, "%s", err.msg);
}

Test(face_pipeline, no_face)
{
	struct face_image img;
	struct sh_err err;
	static uint8_t flat[160 * 120];
	for (size_t i = 0; i < sizeof flat; i++)
		flat[i] = (uint8_t)(100 + (i % 160) / 8); /* a soft horizontal ramp */
	cr_assert_eq(face_image_from_raw(flat, 160, 120, 1, &img, &err), 0);
	expect_code(&img, "FACE_NONE");
	face_image_free(&img);
}

static void load_demo(const char *name, struct face_image *img)
{
	char p[1024];
	struct sh_err err;
	face_demo_path(name, p, sizeof p);
	cr_assert_eq(face_image_load(p, img, &err), 0, "%s", err.msg);
}

Test(face_pipeline, several_faces)
{
	struct face_image img;
	load_demo("sample1.jpg", &img);
	expect_code(&img, "FACE_MULTIPLE");
	/* allowed: the best-scored face is used */
	struct face_result r;
	struct sh_err err;
	struct face_opts o = {.allow_many = 1};
	cr_assert_eq(face_extract(&engine, &img, &o, &r, &err), 0, "%s", err.msg);
	cr_expect_eq(r.nfaces, 3);
	face_image_free(&img);
}

Test(face_pipeline, wrong_size_and_corrupt_images)
{
	struct face_image img;
	struct sh_err err;
	static uint8_t px[8 * 8];
	cr_assert_neq(face_image_from_raw(px, 8, 8, 1, &img, &err), 0);
	cr_expect_str_eq(err.code, "FACE_IMAGE_TOO_SMALL");
	cr_assert_neq(face_image_from_raw(px, 5000, 20, 1, &img, &err), 0);
	cr_expect_str_eq(err.code, "FACE_IMAGE_TOO_LARGE");
	static const uint8_t junk[] = "definitely not an image";
	cr_assert_neq(face_image_decode(junk, sizeof junk, &img, &err), 0);
	cr_expect_str_eq(err.code, "FACE_IMAGE_FORMAT");
	static const uint8_t pgm[] = "P5\n92 112\n255\n\x01\x02"; /* raster cut short */
	cr_assert_neq(face_image_decode(pgm, sizeof pgm - 1, &img, &err), 0);
	cr_expect_str_eq(err.code, "FACE_IMAGE_MALFORMED");
	/* a real JPEG cut in half */
	char p[1024];
	face_demo_path("sample2.jpg", p, sizeof p);
	FILE *f = fopen(p, "rb");
	cr_assert_not_null(f);
	static uint8_t buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	cr_assert_gt(n, 1000);
	cr_assert_neq(face_image_decode(buf, n / 2, &img, &err), 0);
	cr_expect_str_eq(err.code, "FACE_IMAGE_MALFORMED", "%s", err.msg);
	/* the whole file decodes */
	cr_assert_eq(face_image_decode(buf, n, &img, &err), 0, "%s", err.msg);
	face_image_free(&img);
}

/* 9x9 box blur, three passes */
static void blur(struct face_image *img)
{
	uint8_t *t = malloc((size_t)img->w * img->h * 3);
	cr_assert_not_null(t);
	for (int pass = 0; pass < 3; pass++)
		for (int dir = 0; dir < 2; dir++) {
			for (int y = 0; y < img->h; y++)
				for (int x = 0; x < img->w; x++)
					for (int c = 0; c < 3; c++) {
						int s = 0, n = 0;
						for (int k = -4; k <= 4; k++) {
							int xx = dir ? x : x + k, yy = dir ? y + k : y;
							if (xx < 0 || yy < 0 || xx >= img->w || yy >= img->h)
								continue;
							s += img->rgb[((size_t)yy * img->w + xx) * 3 + c];
							n++;
						}
						t[((size_t)y * img->w + x) * 3 + c] = (uint8_t)(s / n);
					}
			memcpy(img->rgb, t, (size_t)img->w * img->h * 3);
		}
	free(t);
}

Test(face_pipeline, quality_reacts_to_blur_and_exposure)
{
	struct face_image img;
	struct face_result good, r;
	struct sh_err err;
	load_demo("sample2.jpg", &img);
	cr_assert_eq(face_extract(&engine, &img, NULL, &good, &err), 0, "%s", err.msg);
	cr_expect_eq(good.quality.flags & (FACE_Q_BLUR | FACE_Q_EXPOSURE | FACE_Q_EYES_CLOSED), 0,
		     "flags %x", good.quality.flags);
	cr_expect_gt(good.quality.eye_px, 40);
	/* the landmarks measure the face the package found: roll from the eye line */
	float roll = atan2f(good.lm.p[45].y - good.lm.p[36].y, good.lm.p[45].x - good.lm.p[36].x) *
		     57.29578f;
	cr_expect(fabsf(roll - good.quality.roll) < 5, "roll %f vs %f", roll, good.quality.roll);

	/* darkened to a tenth */
	struct face_image dark;
	cr_assert_eq(face_image_from_raw(img.rgb, img.w, img.h, 3, &dark, &err), 0);
	for (size_t i = 0; i < (size_t)img.w * img.h * 3; i++)
		dark.rgb[i] /= 10;
	face_quality_measure(dark.rgb, dark.w, dark.h, &good.lm, &r.quality);
	cr_expect(r.quality.flags & FACE_Q_EXPOSURE, "dark image not flagged (mean %f)",
		  r.quality.brightness);
	face_image_free(&dark);

	blur(&img);
	face_quality_measure(img.rgb, img.w, img.h, &good.lm, &r.quality);
	cr_expect_lt(r.quality.sharpness, good.quality.sharpness / 3, "blurred %f, sharp %f",
		     r.quality.sharpness, good.quality.sharpness);
	cr_expect(r.quality.flags & FACE_Q_BLUR, "blurred image not flagged (%f)",
		  r.quality.sharpness);
	face_image_free(&img);
}
