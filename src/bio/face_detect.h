/* face_detect.h — face-api's tiny face detector (src/tinyFaceDetector/,
 * tinyYolov2/TinyYolov2Base.ts runMobilenet): a Tiny-YOLOv2-style net of
 * depthwise-separable convolutions with leaky ReLU, 13 x 13 cells x 5
 * anchors at input size 416; weights tiny_face_detector_model. Chosen over
 * the SSD MobileNet v1 of the same package: 0.19 M weights against 5.6 M
 * and a fraction of the work per image (docs/decisions.md). */
#ifndef SH_BIO_FACE_DETECT_H
#define SH_BIO_FACE_DETECT_H

#include "bio/face.h"
#include "bio/face_weights.h"
#include "lib/err.h"

#define FACE_DETECT_INPUT 416      /* face-api's default inputSize */
#define FACE_DETECT_MIN_SCORE 0.5f /* face-api's default scoreThreshold */
#define FACE_DETECT_IOU 0.4f       /* tinyFaceDetector/const.ts IOU_THRESHOLD */
#define FACE_DETECT_MAX 32

struct face_dt_sep {
	const float *dw, *pw, *bias;
	int cin, cout;
};

struct face_detector {
	struct face_model model;
	const float *conv0, *conv0_bias;
	struct face_dt_sep sep[5]; /* conv1..conv5 */
	const float *conv8, *conv8_bias;
};

int face_detect_load(const char *dir, struct face_detector *net, struct sh_err *err)
	__attribute__((warn_unused_result));
void face_detect_free(struct face_detector *net);

/* Faces in an RGB image (w x h), at most `max` of them, best score first,
 * after non-maximum suppression; `input` is the network side (a multiple of
 * 32; FACE_DETECT_INPUT), `min_score` the score threshold. Returns the
 * count (>= 0) or a negative status. */
int face_detect_run(const struct face_detector *net, const uint8_t *rgb, int w, int h, int input,
		    float min_score, struct face_box *out, int max, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
