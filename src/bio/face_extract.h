/* face_extract.h — the face pipeline: detect, landmarks, crop, descriptor,
 * quality, on one image (face.h lists the parts).
 *
 * Detection: the tiny face detector on the image as given; when it finds
 * nothing, again on the image centred on a canvas 2x, then 3x its size
 * (FACE_PAD_MAX) filled by repeating its edge pixels, because the detector
 * (trained on faces within scenes) misses a face that fills the frame, as
 * in passport-style close-ups and the ORL database (docs/face.md has the
 * figures). Coordinates are mapped back to the image. Exactly one face is
 * required unless `allow_many` is set (then the best-scored one is used).
 * Error codes (sh_err.code), besides those of face_image.h and the weights:
 *   FACE_NONE      no face found                        (SH_ERULE)
 *   FACE_MULTIPLE  more than one face                   (SH_ERULE)
 *   FACE_TOO_SMALL the face is too small to align       (SH_ERULE) */
#ifndef SH_BIO_FACE_EXTRACT_H
#define SH_BIO_FACE_EXTRACT_H

#include "bio/face.h"
#include "bio/face_align.h"
#include "bio/face_detect.h"
#include "bio/face_image.h"
#include "bio/face_landmark.h"
#include "bio/face_quality.h"
#include "bio/face_recog.h"
#include "lib/err.h"

/* The three networks; loaded once, read-only afterwards (one engine may
 * serve many threads). */
struct face_engine {
	struct face_detector det;
	struct face_landmark_net lm;
	struct face_recog rec;
};

int face_engine_load(const char *dir, struct face_engine *e, struct sh_err *err)
	__attribute__((warn_unused_result));
void face_engine_free(struct face_engine *e);

struct face_opts {
	int allow_many;     /* use the best face when there are several */
	int whole_fallback; /* no face found: take the whole image as the box
			       (a stated benchmark fallback, never the default) */
	int level_eyes;     /* crop with face_align_rotated (eye line level)
			       instead of face-api's axis-aligned crop */
};

struct face_result {
	int nfaces;          /* faces the detector found */
	int padded;          /* found only on the edge-padded canvas: its factor */
	int fallback;        /* whole-image box used (whole_fallback) */
	struct face_box box; /* in image coordinates */
	struct face_landmarks lm;
	struct face_crop crop; /* rectangle only; no pixels kept */
	float desc[FACE_DESC_DIM];
	struct face_quality quality;
	/* CPU time of this thread per stage, ms (for the benchmark) */
	double ms_detect, ms_landmarks, ms_embed;
};

int face_extract(const struct face_engine *e, const struct face_image *img,
		 const struct face_opts *opts, struct face_result *out, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
