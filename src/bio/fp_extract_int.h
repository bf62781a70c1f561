/* fp_extract_int.h — the extraction pipeline's stages and their shared
 * working state (internal to fp_extract*.c and the fp_<stage>.c files;
 * exposed so that tests can check each stage on synthetic images).
 *
 * Fields are kept per block of FP_BLOCK x FP_BLOCK pixels at 500 dpi; the
 * pixel planes are w*h, row-major. One fp_work owns every buffer (one
 * allocation per plane, made by fp_work_init, freed by fp_work_free), so the
 * stages themselves never allocate per pixel. */
#ifndef SH_BIO_FP_EXTRACT_INT_H
#define SH_BIO_FP_EXTRACT_INT_H

#include <stdint.h>

#include "bio/fp.h"
#include "lib/err.h"

#define FP_BLOCK 8            /* block side in pixels (~0.4 mm at 500 dpi) */
#define FP_PERIOD_MIN 4.0f    /* plausible ridge periods at 500 dpi, px */
#define FP_PERIOD_MAX 16.0f   /* (human ridges: ~0.2-0.8 mm; typ. 9 px) */
#define FP_GABOR_R 7          /* Gabor kernel radius: 15x15 taps */

struct fp_work {
	int w, h;        /* image size in pixels */
	int bw, bh;      /* blocks across and down */
	/* pixel planes */
	const uint8_t *gray;  /* input (not owned) */
	float *norm;     /* locally normalised, ridges positive */
	float *gx, *gy;  /* gradient (scratch for orientation) */
	float *enh;      /* Gabor-enhanced, > 0 on ridges */
	float *pad;      /* norm with a zero frame of FP_GABOR_R pixels */
	uint8_t *bin;    /* 1 = ridge pixel (then skeleton after thinning) */
	uint8_t *cn;     /* crossing number of skeleton pixels */
	int32_t *idmap;  /* minutia candidate index per pixel, -1 none */
	/* block planes */
	uint8_t *mask;   /* 1 = foreground (fingerprint area) */
	float *bmean, *bstd;  /* gray statistics over 3x3 blocks */
	float *orient;   /* ridge direction in [0, pi), image coordinates:
			    the ridge runs along (cos t, sin t), y down */
	float *orient_d; /* the same for the orientation descriptors,
			    estimated again on enh (fp_orient_refine) */
	float *coh;      /* orientation coherence 0..1 (raw, 3x3 blocks) */
	float *period;   /* ridge period in pixels */
	float *clarity;  /* 0..1, how sinusoidal the ridges look */
	float *quality;  /* block quality 0..1 */
	float *tmpb;     /* scratch, 2 * bw * bh floats */
	int ncand;       /* minutiae candidates before filtering */
};

int fp_work_init(struct fp_work *wk, const uint8_t *gray, int w, int h,
		 struct sh_err *err);
void fp_work_free(struct fp_work *wk);

/* Stages, in pipeline order. */
void fp_segment_stats(struct fp_work *wk);     /* bmean, bstd, norm */
void fp_orient_estimate(struct fp_work *wk);   /* orient, coh */
void fp_segment_mask(struct fp_work *wk);      /* mask */
void fp_freq_estimate(struct fp_work *wk);     /* period, clarity */
void fp_enhance_gabor(struct fp_work *wk);     /* enh, bin */
void fp_orient_refine(struct fp_work *wk);     /* orient_d from enh */
void fp_thin(struct fp_work *wk);              /* bin -> skeleton */
/* Crossing number of the skeleton pixel at p (row stride w; p must not be
 * on the image frame). */
int fp_crossing_number(const uint8_t *p, int w);
void fp_quality_blocks(struct fp_work *wk);    /* quality; returns via wk */
int fp_quality_image(const struct fp_work *wk);
/* Image quality `q` corrected by the minutiae count (fp_quality.c). */
int fp_quality_count(int q, int count);
/* Minutiae from the skeleton, filtered, with quality; fills out->count and
 * out->minutiae (sorted by quality, best first). SH_ENOMEM on OOM. */
int fp_minutiae_detect(struct fp_work *wk, struct fp_template *out,
		       struct sh_err *err);

/* Where pixel (x, y) falls among the block centres: the four neighbouring
 * blocks (indices into a bw x bh field, clamped at the borders) and the
 * fractional position between them, for bilinear interpolation. */
struct fp_block_pos {
	int i00, i01, i10, i11; /* (x0,y0), (x1,y0), (x0,y1), (x1,y1) */
	float ax, ay;
};
void fp_block_locate(const struct fp_work *wk, float x, float y, struct fp_block_pos *p);
/* Bilinear lookup of a block field at pixel (x, y). */
float fp_block_sample(const struct fp_work *wk, const float *field, float x,
		      float y);
/* Orientation (ridge direction) at a pixel, interpolated as a doubled-angle
 * vector so that 0 and pi blend correctly. */
float fp_orient_at(const struct fp_work *wk, float x, float y);
/* The same on the descriptors' field (orient_d). */
float fp_orient_desc_at(const struct fp_work *wk, float x, float y);
/* Is pixel (x, y) inside the foreground mask? */
static inline int fp_in_mask(const struct fp_work *wk, int x, int y)
{
	if (x < 0 || y < 0 || x >= wk->w || y >= wk->h)
		return 0;
	return wk->mask[(y / FP_BLOCK) * wk->bw + x / FP_BLOCK];
}

#endif
