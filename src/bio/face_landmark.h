/* face_landmark.h — face-api's 68-point landmark net (FaceLandmark68Net,
 * src/faceFeatureExtractor/ and src/faceLandmarkNet/): four dense blocks of
 * depthwise-separable convolutions (32, 64, 128, 256 channels) on a 112 x
 * 112 input, a 7 x 7 average pool and a [256, 136] fully connected layer;
 * weights face_landmark_68_model. */
#ifndef SH_BIO_FACE_LANDMARK_H
#define SH_BIO_FACE_LANDMARK_H

#include "bio/face.h"
#include "bio/face_weights.h"
#include "lib/err.h"

struct face_lm_sep {
	const float *dw, *pw, *bias; /* [3,3,C,1], [1,1,C,O], [O] */
	int cin, cout;
};

struct face_landmark_net {
	struct face_model model;
	const float *conv0, *conv0_bias; /* dense0/conv0: plain 3x3 [3,3,3,32] */
	struct face_lm_sep sep[4][4];    /* [block][conv]; [0][0] unused */
	const float *fc, *fc_bias;
};

int face_landmark_load(const char *dir, struct face_landmark_net *net, struct sh_err *err)
	__attribute__((warn_unused_result));
void face_landmark_free(struct face_landmark_net *net);

/* Landmarks of the face in `box` of an RGB image (w x h): the box clipped
 * to the image and floored is the crop (Box.clipAtImageBorders), padded to
 * a centred square and resized to 112; the points come back in image
 * coordinates (relative to the unfloored box, as face-api does). */
int face_landmark_detect(const struct face_landmark_net *net, const uint8_t *rgb, int w, int h,
			 const struct face_box *box, struct face_landmarks *out,
			 struct sh_err *err) __attribute__((warn_unused_result));

#endif
