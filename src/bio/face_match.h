/* face_match.h — comparing face descriptors, 1:1 and 1:N.
 *
 * Score: 1 - Euclidean distance between the two descriptors (not
 * normalized, as face-api compares them: its FaceMatcher's default
 * distance threshold 0.6 is a score of 0.4); accepted when score >=
 * threshold. Cosine similarity is offered beside it for the benchmark.
 *
 * The 1:N gallery holds each descriptor as 128 int8 (x * 256, rounded,
 * clamped to +-127: descriptor values lie within +-0.5), 128 bytes a face
 * instead of 512; the cost in accuracy and the speed are measured in
 * bench/face (docs/face.md). */
#ifndef SH_BIO_FACE_MATCH_H
#define SH_BIO_FACE_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "bio/face_recog.h"
#include "lib/err.h"

#define FACE_Q_SCALE 256.0f

float face_match_distance(const float *a, const float *b);
float face_match_score(const float *a, const float *b);
float face_match_cosine(const float *a, const float *b);

/* One int8 descriptor. */
void face_match_quantize(const float *desc, int8_t out[FACE_DESC_DIM]);
/* Squared distance between two int8 descriptors, in quantization units. */
int32_t face_match_qdist2(const int8_t *a, const int8_t *b);
/* The score of two int8 descriptors (1 - distance). */
float face_match_qscore(const int8_t *a, const int8_t *b);

struct face_gallery {
	size_t n, cap;
	int8_t *q;     /* n * FACE_DESC_DIM, 64-byte aligned */
	uint64_t *id;  /* caller's ids */
};

struct face_hit {
	uint64_t id;
	float score;
};

int face_gallery_init(struct face_gallery *g, size_t cap, struct sh_err *err)
	__attribute__((warn_unused_result));
int face_gallery_add(struct face_gallery *g, uint64_t id, const float *desc, struct sh_err *err)
	__attribute__((warn_unused_result));
void face_gallery_free(struct face_gallery *g);

/* The k best gallery entries for `probe` (score descending) into hits;
 * returns how many (<= k, <= n). Read-only on g: threads may search one
 * gallery at once. */
int face_gallery_search(const struct face_gallery *g, const float *probe, int k,
			struct face_hit *hits);

#endif
