/* face_quality.h — a face image quality score in the spirit of ICAO 9303
 * portrait rules and ISO/IEC 19794-5:2005 clause 7-8 (full frontal image
 * best practice): pose, sharpness, exposure, eyes open, eye distance; the
 * "exactly one face" rule is face_extract's (FACE_MULTIPLE).
 *
 * Every measure comes from the 68 landmarks and the pixels of the face
 * region; none is a trained classifier, so read them as screening figures:
 *  - roll: the eye line's angle; yaw: where the nose tip (30) falls
 *    between the jaw ends (0, 16), as asin(2r - 1); pitch: the nose tip's
 *    height between the eye line and the chin (8) against a neutral 0.40
 *    (a rough geometric guide, not a calibrated angle);
 *  - sharpness: variance of the 3x3 Laplacian over the face square
 *    resampled to 128 x 128 gray, divided by the region's variance (so
 *    that contrast does not count as detail);
 *  - exposure: mean gray of the face square and the fractions of its
 *    pixels at <= 5 or >= 250;
 *  - eyes open: the eye aspect ratio (Soukupova and Cech, "Real-time eye
 *    blink detection using facial landmarks", CVWW 2016) of each eye;
 *  - eye distance: pixels between the eye centres (ISO 19794-5 full
 *    frontal best practice asks for >= 90 px; ICAO the same at 300 dpi).
 * The score is 100 less a penalty for each measure out of range; `flags`
 * says which (FACE_Q_*). */
#ifndef SH_BIO_FACE_QUALITY_H
#define SH_BIO_FACE_QUALITY_H

#include <stdint.h>

#include "bio/face.h"

enum {
	FACE_Q_POSE = 1 << 0,       /* |yaw| or |pitch| > 15 deg, |roll| > 8 deg */
	FACE_Q_BLUR = 1 << 1,       /* sharpness under FACE_Q_MIN_SHARPNESS */
	FACE_Q_EXPOSURE = 1 << 2,   /* too dark, too bright, or clipped */
	FACE_Q_EYES_CLOSED = 1 << 3,/* an eye aspect ratio under FACE_Q_MIN_EAR */
	FACE_Q_SMALL = 1 << 4,      /* eye distance under FACE_Q_MIN_EYE_PX */
};

#define FACE_Q_MAX_YAW 15.0f
#define FACE_Q_MAX_PITCH 15.0f
#define FACE_Q_MAX_ROLL 8.0f
#define FACE_Q_MIN_SHARPNESS 0.02f
#define FACE_Q_MIN_EAR 0.15f
#define FACE_Q_MIN_EYE_PX 90.0f

struct face_quality {
	int score; /* 0..100 */
	unsigned flags;
	float yaw, pitch, roll; /* degrees */
	float sharpness;
	float brightness;       /* mean gray 0..255 */
	float dark, bright;     /* fractions clipped */
	float ear_left, ear_right;
	float eye_px;
};

/* Quality of the face with landmarks `lm` in an RGB image (w x h). */
void face_quality_measure(const uint8_t *rgb, int w, int h, const struct face_landmarks *lm,
			  struct face_quality *q);

/* A short comma-separated list of the flags' names into buf. */
void face_quality_flags_str(unsigned flags, char *buf, int len);

#endif
