/* face.h — the face engine's shared types.
 *
 * The engine is pure computation plus image decoding (nothing of ours but
 * lib/): image input (face_image.c), the networks of the npm package
 * @vladmandic/face-api run in C on its weights (face_weights.c, face_nn.c:
 * the tiny face detector face_detect.c, the 68-point landmark net
 * face_landmark.c, the recognition net face_recog.c), the crop from
 * landmarks (face_align.c), quality (face_quality.c), ISO/IEC 19794-5
 * records (face_iso.c), comparison and 1:N search (face_match.c), and the
 * whole pipeline (face_extract.c). Coordinates are image pixels, origin
 * top-left, x right, y down. */
#ifndef SH_BIO_FACE_H
#define SH_BIO_FACE_H

#include <stdint.h>

#define FACE_LANDMARKS 68

struct face_box {
	float x, y, w, h;
	float score; /* detector confidence 0..1 */
};

struct face_point {
	float x, y;
};

/* The 68 points in the iBUG 300-W order: jaw 0-16, brows 17-26, nose
 * 27-35, eyes 36-41 (the subject's right, left of the image) and 42-47,
 * mouth 48-67. */
struct face_landmarks {
	struct face_point p[FACE_LANDMARKS];
};

#endif
