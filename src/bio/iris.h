/* iris.h — the iris engine's shared types: eye images, segmentation,
 * the normalized (rubber-sheet) iris and the IrisCode.
 *
 * Pipeline (each stage one file): iris_segment.c finds the pupil and the
 * limbus (Daugman's integro-differential operator) and masks specular
 * reflections; iris_normalize.c unwraps the annulus into IRIS_NORM_H x
 * IRIS_NORM_W samples (Daugman's rubber sheet) with a noise mask (eyelids,
 * eyelashes, reflections, off-image); iris_encode.c turns it into an
 * IrisCode of IRIS_CODE_BITS phase bits plus a mask (2-D complex Gabor,
 * two bits per location: signs of the real and imaginary responses);
 * iris_match.c compares codes (masked fractional Hamming distance, rotation
 * by code-column shifts, Daugman's normalization for the number of bits
 * compared) and searches galleries by 64-bit popcounts. iris_extract.c
 * runs the whole pipeline; iris_iso.c reads and writes ISO/IEC 19794-6
 * image records.
 *
 * Conventions: coordinates in pixels, origin top-left, x right, y down;
 * angle theta measured from +x towards +y (clockwise on screen); normalized
 * row 0 is at the pupil boundary, row IRIS_NORM_H-1 at the limbus. Pure
 * computation: nothing of ours but lib/. */
#ifndef SH_BIO_IRIS_H
#define SH_BIO_IRIS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

/* Images we take: 8-bit gray, each side within these bounds. The lower
 * bound is what can hold an iris of IRIS_MIN_IRIS_RADIUS with its pupil;
 * the upper one caps work and memory (a 4:3 VGA-class sensor is 640x480). */
#define IRIS_MIN_SIDE 96
#define IRIS_MAX_SIDE 1600

/* Physiology (Daugman, "How iris recognition works", IEEE TCSVT 14(1),
 * 2004; ISO/IEC 29794-6:2015 6.2): the pupil-to-iris radius ratio of live
 * eyes lies between about 0.1 and 0.8 (we take 0.15..0.75, outside which
 * the segmentation is more likely wrong than the eye unusual); the pupil
 * and iris centres are not concentric but close: the pupil is decentred
 * by a few tenths of a millimetre on an iris of 11-12 mm diameter, well
 * under a tenth of the iris radius (IRIS_MAX_CENTRE_OFFSET). ISO/IEC 19794-6:2011 calls iris diameters below
 * 100 px unusable ("low" quality is 100-149 px): IRIS_MIN_IRIS_RADIUS. */
#define IRIS_MIN_IRIS_RADIUS 50
#define IRIS_MIN_RATIO 0.15f
#define IRIS_MAX_RATIO 0.75f
#define IRIS_MAX_CENTRE_OFFSET 0.1f /* of the iris radius */

/* Rubber sheet: rows from pupil to limbus, columns around the eye. */
#define IRIS_NORM_H 64
#define IRIS_NORM_W 256

/* The code: IRIS_RINGS x IRIS_COLS locations, two bits each. */
#define IRIS_RINGS 8
#define IRIS_COLS 128
#define IRIS_LOCATIONS (IRIS_RINGS * IRIS_COLS)
#define IRIS_CODE_BITS (2 * IRIS_LOCATIONS) /* 2,048 */
#define IRIS_CODE_WORDS (IRIS_CODE_BITS / 64)

/* Rotation compensation: shifts of +-IRIS_MAX_SHIFT code columns
 * (360/IRIS_COLS = 2.8 degrees each, so +-22.5 degrees: head roll and
 * camera tilt of a cooperative subject at a fixed-mount camera). */
#define IRIS_MAX_SHIFT 8
#define IRIS_SHIFTS (2 * IRIS_MAX_SHIFT + 1)

/* Daugman's score normalization ("New methods in iris recognition", IEEE
 * TSMC-B 37(5), 2007): HDnorm = 0.5 - (0.5 - HDraw) * sqrt(n / 911), with
 * n the number of bits compared and 911 his typical count for a 2,048-bit
 * code. Below IRIS_MIN_BITS compared bits (an eighth of the code) there is
 * too little iris in common to say anything: the score is 0.5. */
#define IRIS_HD_NORM_BITS 911
#define IRIS_MIN_BITS 256

/* An 8-bit grayscale eye image, row-major. */
struct iris_image {
	int width, height;
	uint8_t *pixels; /* owned; iris_image_free() */
};

struct iris_circle {
	float x, y, r;
};

/* An eyelid margin over the iris (iris_eyelid.h): y = y0 +- a (x - xv)^2. */
struct iris_lid {
	int present;
	float y0, a, xv;
	float edge; /* mean |dI/dy| along it */
};

/* What segmentation found. */
struct iris_seg {
	struct iris_circle pupil, limbus;
	float pupil_contrast, limbus_contrast; /* grey levels across the edge */
	struct iris_lid upper, lower;
};

/* The unwrapped iris: IRIS_NORM_H rows (pupil -> limbus) x IRIS_NORM_W
 * columns (theta = 2 pi c / IRIS_NORM_W); valid[] is 1 where the sample
 * is iris (not eyelid, eyelash, reflection or outside the image). */
struct iris_norm {
	float pix[IRIS_NORM_H * IRIS_NORM_W];
	uint8_t valid[IRIS_NORM_H * IRIS_NORM_W];
};

/* The IrisCode. Location (ring k, column c) has index i = k * IRIS_COLS + c;
 * its bits are 2i (sign of the real part) and 2i+1 (imaginary part), bit b
 * in code[b / 64] at position b % 64. mask has both bits of a location set
 * when the location is usable. */
struct iris_code {
	uint64_t code[IRIS_CODE_WORDS];
	uint64_t mask[IRIS_CODE_WORDS];
};

/* The result of a comparison. */
struct iris_score {
	float hd;        /* normalized Hamming distance, the best over shifts */
	float hd_raw;    /* the fractional HD at that shift */
	int shift;       /* code columns probe->gallery at the best shift */
	int bits;        /* bits compared there */
};

void iris_image_free(struct iris_image *img);

#endif
