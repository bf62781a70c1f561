/* face_recog.h — the 128-d face recognition network of face-api
 * (src/faceRecognitionNet/): a ResNet-34-like net with 29 conv layers,
 * equivalent to dlib's dnn_face_recognition_ex model (Davis King; 99.38% on
 * LFW), run in C on the package's weights (face_recognition_model).
 *
 * Input: an 8-bit RGB face crop of any size (the dlib-style crop of
 * face_align.h), zero-padded to a centred square, resized to 150 x 150
 * (TF legacy bilinear), minus the mean RGB (122.782, 117.001, 104.298),
 * divided by 255. Output: the descriptor, not L2-normalized (norms ~1.4);
 * face-api compares descriptors by Euclidean distance. */
#ifndef SH_BIO_FACE_RECOG_H
#define SH_BIO_FACE_RECOG_H

#include <stdint.h>

#include "bio/face_nn.h"
#include "bio/face_weights.h"
#include "lib/err.h"

#define FACE_DESC_DIM 128
#define FACE_RECOG_SIDE 150

struct face_recog_conv {
	const float *filt, *bias, *mul, *add;
	int k, cin, cout;
};

struct face_recog_block {
	struct face_recog_conv c1, c2;
	int down;
};

struct face_recog {
	struct face_model model;
	struct face_recog_conv first; /* conv32_down: 7x7 s2 valid */
	struct face_recog_block blocks[15];
	const float *fc;              /* [256, 128] */
};

/* Load face_recognition_model from `dir` (face_model_dir() when NULL). */
int face_recog_load(const char *dir, struct face_recog *net, struct sh_err *err)
	__attribute__((warn_unused_result));
void face_recog_free(struct face_recog *net);

/* The descriptor of an RGB crop (w x h x 3). */
int face_recog_embed(const struct face_recog *net, const uint8_t *rgb, int w, int h,
		     float out[FACE_DESC_DIM], struct sh_err *err)
	__attribute__((warn_unused_result));

/* The network on a prepared 150 x 150 x 3 input map; when `first` is not
 * NULL it receives a copy of the first block's output (conv32_down, 72 x
 * 72 x 32, after ReLU), for the layer known-answer test. */
int face_recog_forward(const struct face_recog *net, const struct face_map *input,
		       float out[FACE_DESC_DIM], struct face_map *first, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
