/* face_test_util.h — what the face tests share: finding the package's
 * weights and demo images (skipping when scripts/deps has not installed
 * them), and reading tests/bio/face_golden.txt. Included by each
 * tests/bio/test_face_*.c (one Criterion executable each). */
#ifndef SH_TEST_FACE_UTIL_H
#define SH_TEST_FACE_UTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bio/face_weights.h"

/* Skips the test when the weights are not installed. */
static inline void face_need_models(void)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/face_recognition_model-weights_manifest.json", face_model_dir());
	if (access(p, R_OK) != 0)
		cr_skip_test("face-api weights not installed (scripts/deps): %s", p);
}

/* "<package>/demo/<name>", or a skip. */
static inline void face_demo_path(const char *name, char *out, size_t len)
{
	face_need_models();
	snprintf(out, len, "%s/../demo/%s", face_model_dir(), name);
	if (access(out, R_OK) != 0)
		cr_skip_test("demo image not found: %s", out);
}

/* The golden file line starting with `key` (e.g. "desc synthetic"), copied
 * into buf without the key; 0 if found. */
static inline int face_golden(const char *key, char *buf, size_t len)
{
	const char *src = getenv("SHANAKHT_SOURCE_DIR");
	char p[1024];
	snprintf(p, sizeof p, "%s/tests/bio/face_golden.txt", src ? src : ".");
	FILE *f = fopen(p, "r");
	cr_assert_not_null(f, "cannot open %s", p);
	size_t kl = strlen(key);
	int found = -1;
	static char line[65536];
	while (fgets(line, sizeof line, f))
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ') {
			snprintf(buf, len, "%s", line + kl + 1);
			found = 0;
			break;
		}
	fclose(f);
	return found;
}

/* Up to max floats from a golden line. */
static inline int face_golden_floats(const char *key, float *v, int max)
{
	static char buf[65536];
	cr_assert_eq(face_golden(key, buf, sizeof buf), 0, "golden line '%s' missing", key);
	int n = 0;
	char *p = buf, *end;
	while (n < max) {
		float x = strtof(p, &end);
		if (end == p)
			break;
		v[n++] = x;
		p = end;
	}
	return n;
}

#endif
