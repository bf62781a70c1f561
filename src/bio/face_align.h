/* face_align.h — the recognition net's input crop from 68 landmarks.
 *
 * face-api's dlib-style crop (classes/FaceLandmarks.ts alignDlib): the
 * centres of the two eyes (36-41, 42-47) and of the mouth (48-67); side =
 * floor(mean eye-to-mouth distance / 0.45); top-left = floor(max(0, mean of
 * the three centres - (0.5, 0.43) * side)); the square clipped to the image
 * (Box.clipAtImageBorders). That crop is what the package's descriptors are
 * made from, so it is the one checked against its golden outputs.
 *
 * face_align_rotated is the similarity transform of the same crop: the
 * square of the same side and centre, rotated so that the eye line is
 * level, sampled bilinearly (outside the image: 0, as the padding the net
 * sees elsewhere). dlib's own chip extraction also levels the eyes. */
#ifndef SH_BIO_FACE_ALIGN_H
#define SH_BIO_FACE_ALIGN_H

#include <stdint.h>

#include "bio/face.h"
#include "lib/err.h"

struct face_crop {
	int x, y, w, h;    /* the axis-aligned crop, in the image */
	float cx, cy;      /* centre and side of the unclipped square */
	int side;
	float angle;       /* eye-line angle, radians (image y down) */
	uint8_t *rgb;      /* w * h * 3, owned; face_crop_free */
};

/* The crop rectangle and eye angle; no pixels. */
int face_align_rect(const struct face_landmarks *lm, int img_w, int img_h,
		    struct face_crop *out, struct sh_err *err) __attribute__((warn_unused_result));
/* face-api's crop, with its pixels. */
int face_align_crop(const uint8_t *rgb, int w, int h, const struct face_landmarks *lm,
		    struct face_crop *out, struct sh_err *err) __attribute__((warn_unused_result));
/* The eye-levelled crop (side x side), with its pixels. */
int face_align_rotated(const uint8_t *rgb, int w, int h, const struct face_landmarks *lm,
		       struct face_crop *out, struct sh_err *err)
	__attribute__((warn_unused_result));
void face_crop_free(struct face_crop *c);

/* Centre of landmarks [from, to). */
struct face_point face_align_centre(const struct face_landmarks *lm, int from, int to);

#endif
