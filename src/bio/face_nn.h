/* face_nn.h — the few tensor operations the face networks need, on NHWC
 * float maps of batch 1, with TensorFlow's semantics (padding, pooling,
 * legacy bilinear resize) so that outputs agree with the package's tfjs
 * results. Convolutions are im2col + cblas_sgemm (OpenBLAS). Every op
 * allocates its output map (caller frees with face_map_free) and returns
 * SH_OK or SH_ENOMEM; shapes are the caller's to get right (checked by
 * asserts of the networks' fixed layouts, not at run time). */
#ifndef SH_BIO_FACE_NN_H
#define SH_BIO_FACE_NN_H

#include <stdint.h>

/* Run OpenBLAS on the calling thread only: our callers parallelize over
 * images (server request threads, bench threads), and OpenBLAS's own
 * thread pool on top of that oversubscribes the cores. */
void face_nn_single_thread(void);

struct face_map {
	int h, w, c;
	float *d; /* h * w * c, channel fastest */
};

/* Padding before/after each spatial axis. */
struct face_pad {
	int top, bottom, left, right;
};

int face_map_alloc(struct face_map *m, int h, int w, int c);
void face_map_free(struct face_map *m);

/* TF "same" padding for kernel k, stride s: out = ceil(in / s), the total
 * padding split floor(total/2) before, the rest after. */
struct face_pad face_pad_same(int h, int w, int k, int s);
/* Zero padding. */
struct face_pad face_pad_none(void);

/* 2-D convolution with a [k, k, in, out] (HWIO) filter, then + bias
 * (may be NULL). */
int face_conv(const struct face_map *in, const float *filt, int k, int cout, int stride,
	      struct face_pad pad, const float *bias, struct face_map *out);

/* Depthwise convolution with a [k, k, C, 1] filter. */
int face_dwconv(const struct face_map *in, const float *filt, int k, int stride,
		struct face_pad pad, struct face_map *out);

/* Pooling. Max pooling ignores padded cells (TF "same"); average pooling
 * divides by the count of real cells. */
int face_maxpool(const struct face_map *in, int k, int stride, struct face_pad pad,
		 struct face_map *out);
int face_avgpool(const struct face_map *in, int k, int stride, struct face_pad pad,
		 struct face_map *out);

/* In place: x = x * mul[c] + add[c] (either may be NULL). */
void face_affine(struct face_map *m, const float *mul, const float *add);
void face_relu(struct face_map *m);
void face_relu6(struct face_map *m);
void face_leaky(struct face_map *m, float slope);
/* a += b (same shape). */
void face_add(struct face_map *a, const struct face_map *b);

/* y[j] = sum_i x[i] W[i * nout + j] (+ bias[j]); W is [nin, nout]. */
void face_dense(const float *x, int nin, const float *w, int nout, const float *bias, float *y);

/* TF's legacy bilinear resize (alignCorners = false, halfPixelCenters =
 * false): source = dst * in / out, neighbours floor and ceil (clamped),
 * horizontal first, then vertical. */
int face_resize(const struct face_map *in, int oh, int ow, struct face_map *out);

/* An 8-bit RGB image (w x h x 3) as a float map, zero-padded to a square
 * side max(w, h) — centred (face-api padToSquare isCenterImage: round(d/2)
 * after, the rest before) or at the end (bottom/right) — resized to
 * side x side, then (x - mean[c]) / div, in float32 as tfjs does. */
int face_input(const uint8_t *rgb, int w, int h, int side, int centre, const float mean[3],
	       float div, struct face_map *out);

#endif
