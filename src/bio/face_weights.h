/* face_weights.h — TensorFlow.js weight files (a JSON manifest of tensors
 * plus binary shards) as shipped by the npm package @vladmandic/face-api,
 * read without tfjs.
 *
 * Format (tfjs-core io/types.d.ts WeightsManifestConfig, io_utils.js
 * decodeWeight): a JSON array of groups {paths, weights}; a group's shards
 * are concatenated and its tensors stored back to back in entry order,
 * little-endian, unaligned: prod(shape) bytes when uint8-quantized, else 4.
 * A uint8 value q dequantizes to (float)((double)q * scale + min), computed
 * in double as JavaScript does, so the result is bit-exact with the
 * package's own Float32Array; int32 tensors are rounded and stored as
 * floats. Only uint8 quantization occurs in the package; uint16/float16
 * quantization is refused (FACE_WEIGHTS_FORMAT), not guessed at.
 *
 * A model owns every tensor's values (one allocation); tensors point into
 * it. Error codes: FACE_WEIGHTS_IO (SH_EIO), FACE_WEIGHTS_FORMAT (SH_EINVAL:
 * bad JSON, sizes that do not add up, an unsafe shard path),
 * FACE_WEIGHTS_MISSING (a tensor the network needs is absent or has another
 * shape), FACE_WEIGHTS_NOMEM. */
#ifndef SH_BIO_FACE_WEIGHTS_H
#define SH_BIO_FACE_WEIGHTS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define FACE_WEIGHTS_MAX_TENSORS 512
#define FACE_WEIGHTS_MAX_BYTES (64u << 20) /* all shards of one model */
#define FACE_WEIGHTS_NAME_MAX 96

struct face_tensor {
	char name[FACE_WEIGHTS_NAME_MAX];
	int ndim;
	int shape[4];
	size_t count;
	const float *data; /* into face_model.values */
};

struct face_model {
	struct face_tensor *t;
	int n;
	float *values;
	size_t nvalues;
	size_t bin_bytes; /* bytes of the shards read */
};

/* Load "<dir>/<name>-weights_manifest.json" and its shards (named in the
 * manifest, relative to dir; a path with '/' or a leading '.' is refused). */
int face_model_load(const char *dir, const char *name, struct face_model *m,
		    struct sh_err *err) __attribute__((warn_unused_result));

/* Parse a manifest held in memory against the concatenated shard bytes
 * (the first group's; later groups' shards follow in order). */
int face_model_parse(const char *json, size_t json_len, const uint8_t *bin,
		     size_t bin_len, struct face_model *m, struct sh_err *err)
	__attribute__((warn_unused_result));

/* The tensor called `name`, or NULL. */
const struct face_tensor *face_model_find(const struct face_model *m, const char *name);

/* The values of tensor `name` if it has exactly `ndim` dimensions equal to
 * shape[] (a leading 0 in shape matches any size); NULL with
 * FACE_WEIGHTS_MISSING in *err otherwise. */
const float *face_model_get(const struct face_model *m, const char *name, int ndim,
			    const int *shape, struct sh_err *err);

void face_model_free(struct face_model *m);

/* "<repo>/deps/npm/node_modules/@vladmandic/face-api/model" as configured
 * at build time, overridden by the SHANAKHT_FACE_MODELS environment
 * variable. Never fetched: scripts/deps installs the pinned package. */
const char *face_model_dir(void);

#endif
