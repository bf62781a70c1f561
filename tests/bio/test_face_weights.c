/* test_face_weights.c — the tfjs weights-manifest reader: parsing and
 * uint8 dequantization on a hand-made manifest, refusals, the package's
 * real files (tensor counts and sizes from face-weights.md), and a
 * bit-exact known answer against the package's own dequantized values
 * (tests/bio/face_golden.txt, made by tfjs). */
#include <math.h>
#include <stdint.h>

#include "face_test_util.h"

static const char manifest[] =
	"[{\"paths\":[\"x.bin\"],\"weights\":["
	"{\"name\":\"a\",\"shape\":[2,2],\"dtype\":\"float32\","
	"\"quantization\":{\"dtype\":\"uint8\",\"scale\":0.5,\"min\":-1.25}},"
	"{\"dtype\":\"float32\",\"shape\":[],\"name\":\"b\"},"
	"{\"name\":\"c\",\"shape\":[3],\"dtype\":\"int32\","
	"\"quantization\":{\"min\":100,\"scale\":0.5,\"dtype\":\"uint8\"}}]}]";

/* a: 4 bytes q; b: one float32 LE (1.5f = 0x3fc00000); c: 3 bytes q */
static const uint8_t bin[] = {0, 1, 255, 7, 0x00, 0x00, 0xc0, 0x3f, 0, 3, 5};

Test(face_weights, parses_and_dequantizes)
{
	struct face_model m;
	struct sh_err err;
	cr_assert_eq(face_model_parse(manifest, sizeof manifest - 1, bin, sizeof bin, &m, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(m.n, 3);
	const struct face_tensor *a = face_model_find(&m, "a"), *b = face_model_find(&m, "b"),
				 *c = face_model_find(&m, "c");
	cr_assert(a && b && c);
	cr_assert_eq(a->ndim, 2);
	cr_assert_eq(a->count, 4);
	/* q * scale + min, in double, stored as float */
	cr_assert_eq(a->data[0], -1.25f);
	cr_assert_eq(a->data[1], -0.75f);
	cr_assert_eq(a->data[2], 126.25f);
	cr_assert_eq(a->data[3], 2.25f);
	cr_assert_eq(b->ndim, 0);
	cr_assert_eq(b->count, 1);
	cr_assert_eq(b->data[0], 1.5f);
	/* int32: round(q * scale + min) */
	cr_assert_eq(c->data[0], 100.0f);
	cr_assert_eq(c->data[1], 102.0f); /* 101.5 rounds half away from zero */
	cr_assert_eq(c->data[2], 103.0f); /* 102.5 */
	int shape[2] = {2, 2}, wrong[2] = {2, 3};
	cr_assert_not_null(face_model_get(&m, "a", 2, shape, &err));
	cr_assert_null(face_model_get(&m, "a", 2, wrong, &err));
	cr_assert_str_eq(err.code, "FACE_WEIGHTS_MISSING");
	cr_assert_null(face_model_get(&m, "zz", 2, shape, &err));
	face_model_free(&m);
}

static void expect_refused(const char *json, const uint8_t *b, size_t blen, const char *code)
{
	struct face_model m;
	struct sh_err err;
	cr_assert_neq(face_model_parse(json, strlen(json), b, blen, &m, &err), 0, "%s", json);
	cr_assert_str_eq(err.code, code, "%s: %s", json, err.msg);
	cr_assert_null(m.t);
}

Test(face_weights, refuses_bad_manifests)
{
	/* the shard one byte short, one byte long */
	expect_refused(manifest, bin, sizeof bin - 1, "FACE_WEIGHTS_FORMAT");
	uint8_t longer[sizeof bin + 1] = {0};
	expect_refused(manifest, longer, sizeof longer, "FACE_WEIGHTS_FORMAT");
	expect_refused("{\"paths\":[]}", bin, 0, "FACE_WEIGHTS_FORMAT");
	expect_refused("[{\"paths\":[\"x\"],\"weights\":[{\"name\":\"a\",\"shape\":[1],"
		       "\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"uint16\","
		       "\"scale\":1,\"min\":0}}]}]", bin, 2, "FACE_WEIGHTS_FORMAT");
	expect_refused("[{\"paths\":[\"x\"],\"weights\":[{\"name\":\"a\",\"shape\":[-1],"
		       "\"dtype\":\"float32\"}]}]", bin, 4, "FACE_WEIGHTS_FORMAT");
	expect_refused("[{\"paths\":[\"x\"],\"weights\":[{\"name\":\"a\",\"shape\":[1],"
		       "\"dtype\":\"bool\"}]}]", bin, 1, "FACE_WEIGHTS_FORMAT");
	expect_refused("[{\"paths\":[\"x\"],\"weights\":[{\"name\":\"a\",\"shape\":[1],"
		       "\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"uint8\"}}]}]", bin, 1,
		       "FACE_WEIGHTS_FORMAT");
	expect_refused("[not json", bin, 1, "FACE_WEIGHTS_FORMAT");
}

Test(face_weights, refuses_a_shard_outside_the_folder)
{
	char dir[] = "/tmp/face_weights_XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char p[256];
	snprintf(p, sizeof p, "%s/evil-weights_manifest.json", dir);
	FILE *f = fopen(p, "w");
	cr_assert_not_null(f);
	fputs("[{\"paths\":[\"../etc/passwd\"],\"weights\":[]}]", f);
	fclose(f);
	struct face_model m;
	struct sh_err err;
	cr_assert_neq(face_model_load(dir, "evil", &m, &err), 0);
	cr_assert_str_eq(err.code, "FACE_WEIGHTS_FORMAT");
	cr_assert_neq(face_model_load(dir, "absent", &m, &err), 0);
	cr_assert_str_eq(err.code, "FACE_WEIGHTS_IO");
	unlink(p);
	rmdir(dir);
}

/* face-weights.md section 1: tensors, values and shard bytes per model */
Test(face_weights, loads_the_package_models)
{
	face_need_models();
	static const struct {
		const char *name;
		int tensors;
		size_t values, bytes;
	} want[] = {{"face_recognition_model", 117, 5614592, 6444032},
		    {"tiny_face_detector_model", 19, 193321, 193321},
		    {"face_landmark_68_model", 49, 356840, 356840}};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		struct face_model m;
		struct sh_err err;
		cr_assert_eq(face_model_load(face_model_dir(), want[i].name, &m, &err), 0, "%s: %s",
			     want[i].name, err.msg);
		cr_expect_eq(m.n, want[i].tensors, "%s", want[i].name);
		cr_expect_eq(m.nvalues, want[i].values, "%s", want[i].name);
		cr_expect_eq(m.bin_bytes, want[i].bytes, "%s", want[i].name);
		face_model_free(&m);
	}
}

/* Bit-exact against tfjs's own Float32Array of the dequantized weights. */
Test(face_weights, dequantization_is_bit_exact_with_tfjs)
{
	face_need_models();
	struct face_model m;
	struct sh_err err;
	cr_assert_eq(face_model_load(face_model_dir(), "face_recognition_model", &m, &err), 0);
	static const char *names[] = {"conv32_down/conv/filters",
				      "conv256_down_out/conv2/scale/biases",
				      "conv64_1/conv1/conv/filters", "fc"};
	int checked = 0;
	for (size_t k = 0; k < 4; k++) {
		char key[160], buf[1024];
		snprintf(key, sizeof key, "dequant face_recognition_model %s", names[k]);
		cr_assert_eq(face_golden(key, buf, sizeof buf), 0, "%s", key);
		const struct face_tensor *t = face_model_find(&m, names[k]);
		cr_assert_not_null(t);
		char *p = buf;
		for (;;) {
			char *colon = strchr(p, ':');
			if (!colon)
				break;
			size_t idx = strtoul(p, NULL, 10);
			uint32_t want = (uint32_t)strtoul(colon + 1, &p, 16), got;
			cr_assert_lt(idx, t->count);
			memcpy(&got, &t->data[idx], 4);
			cr_expect_eq(got, want, "%s[%zu]: %08x, tfjs %08x", names[k], idx, got, want);
			checked++;
		}
	}
	cr_assert_geq(checked, 20);
	face_model_free(&m);
}
