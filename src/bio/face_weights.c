/* face_weights.c — the tfjs weights-manifest reader (see face_weights.h). */
#include "bio/face_weights.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SH_FACE_MODEL_DIR
#define SH_FACE_MODEL_DIR "deps/npm/node_modules/@vladmandic/face-api/model"
#endif

#define MANIFEST_MAX_BYTES (1u << 20)

const char *face_model_dir(void)
{
	const char *env = getenv("SHANAKHT_FACE_MODELS");
	return env && env[0] ? env : SH_FACE_MODEL_DIR;
}

/* Read a whole file of at most `cap` bytes; *out is the caller's. */
static int read_all(const char *path, size_t cap, uint8_t **out, size_t *len, struct sh_err *err)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	int rc = SH_OK;
	*out = NULL;
	*len = 0;
	if (!f)
		return sh_err_set(err, SH_EIO, "FACE_WEIGHTS_IO", "cannot open %s", path);
	if (fseek(f, 0, SEEK_END) != 0) {
		rc = sh_err_set(err, SH_EIO, "FACE_WEIGHTS_IO", "cannot seek %s", path);
		goto out;
	}
	long sz = ftell(f);
	if (sz < 0 || (size_t)sz > cap) {
		rc = sh_err_set(err, SH_EINVAL, "FACE_WEIGHTS_FORMAT", "%s: size %ld over %zu bytes",
				path, sz, cap);
		goto out;
	}
	rewind(f);
	buf = malloc((size_t)sz + 1);
	if (!buf) {
		rc = sh_err_set(err, SH_ENOMEM, "FACE_WEIGHTS_NOMEM", "out of memory");
		goto out;
	}
	if (fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		rc = sh_err_set(err, SH_EIO, "FACE_WEIGHTS_IO", "short read on %s", path);
		goto out;
	}
	buf[sz] = 0;
	*out = buf;
	*len = (size_t)sz;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return rc;
}

static int bad(struct sh_err *err, const char *what, const char *name)
{
	return sh_err_set(err, SH_EINVAL, "FACE_WEIGHTS_FORMAT", "weights manifest: %s%s%s", what,
			  name ? ": " : "", name ? name : "");
}

/* One entry's shape, dtype and quantization; the byte count it takes. */
static int entry_parse(json_t *e, struct face_tensor *t, int *quant, double *scale, double *min,
		       int *is_int, struct sh_err *err)
{
	json_t *name = json_object_get(e, "name"), *shape = json_object_get(e, "shape");
	json_t *dtype = json_object_get(e, "dtype"), *q = json_object_get(e, "quantization");
	if (!json_is_string(name) || strlen(json_string_value(name)) >= sizeof t->name)
		return bad(err, "entry without a usable name", NULL);
	snprintf(t->name, sizeof t->name, "%s", json_string_value(name));
	if (!json_is_array(shape) || json_array_size(shape) > 4)
		return bad(err, "shape not an array of at most 4", t->name);
	t->ndim = (int)json_array_size(shape);
	t->count = 1;
	for (int i = 0; i < t->ndim; i++) {
		json_t *d = json_array_get(shape, (size_t)i);
		if (!json_is_integer(d) || json_integer_value(d) < 1 ||
		    json_integer_value(d) > (1 << 24))
			return bad(err, "bad dimension", t->name);
		t->shape[i] = (int)json_integer_value(d);
		t->count *= (size_t)t->shape[i];
		if (t->count > FACE_WEIGHTS_MAX_BYTES)
			return bad(err, "tensor too large", t->name);
	}
	const char *dt = json_is_string(dtype) ? json_string_value(dtype) : "";
	if (strcmp(dt, "float32") == 0)
		*is_int = 0;
	else if (strcmp(dt, "int32") == 0)
		*is_int = 1;
	else
		return bad(err, "dtype not float32/int32", t->name);
	*quant = 0;
	if (q) {
		json_t *qd = json_object_get(q, "dtype"), *sc = json_object_get(q, "scale"),
		       *mn = json_object_get(q, "min");
		if (!json_is_string(qd) || strcmp(json_string_value(qd), "uint8") != 0)
			return bad(err, "quantization other than uint8 is not supported", t->name);
		if (!json_is_number(sc) || !json_is_number(mn))
			return bad(err, "quantization without scale/min", t->name);
		*quant = 1;
		*scale = json_number_value(sc);
		*min = json_number_value(mn);
	}
	return SH_OK;
}

int face_model_parse(const char *json, size_t json_len, const uint8_t *bin, size_t bin_len,
		     struct face_model *m, struct sh_err *err)
{
	json_error_t jerr;
	int rc = SH_OK;
	memset(m, 0, sizeof *m);
	json_t *root = json_loadb(json, json_len, 0, &jerr);
	if (!json_is_array(root)) {
		rc = bad(err, "not a JSON array of groups", jerr.text);
		goto out;
	}
	/* pass 1: count tensors and values */
	size_t ntens = 0;
	for (size_t g = 0; g < json_array_size(root); g++) {
		json_t *w = json_object_get(json_array_get(root, g), "weights");
		if (!json_is_array(w)) {
			rc = bad(err, "group without weights", NULL);
			goto out;
		}
		ntens += json_array_size(w);
	}
	if (ntens == 0 || ntens > FACE_WEIGHTS_MAX_TENSORS) {
		rc = bad(err, "no tensors, or too many", NULL);
		goto out;
	}
	m->t = calloc(ntens, sizeof *m->t);
	if (!m->t) {
		rc = sh_err_set(err, SH_ENOMEM, "FACE_WEIGHTS_NOMEM", "out of memory");
		goto out;
	}
	size_t nvalues = 0, off = 0;
	for (size_t g = 0, k = 0; g < json_array_size(root); g++) {
		json_t *w = json_object_get(json_array_get(root, g), "weights");
		for (size_t i = 0; i < json_array_size(w); i++, k++) {
			int quant, is_int;
			double scale, min;
			rc = entry_parse(json_array_get(w, i), &m->t[k], &quant, &scale, &min, &is_int,
					 err);
			if (rc)
				goto out;
			nvalues += m->t[k].count;
			off += m->t[k].count * (quant ? 1 : 4);
		}
	}
	if (off != bin_len) {
		rc = sh_err_set(err, SH_EINVAL, "FACE_WEIGHTS_FORMAT",
				"weights manifest: tensors take %zu bytes, shards hold %zu", off, bin_len);
		goto out;
	}
	m->values = malloc(nvalues * sizeof *m->values);
	if (!m->values) {
		rc = sh_err_set(err, SH_ENOMEM, "FACE_WEIGHTS_NOMEM", "out of memory");
		goto out;
	}
	/* pass 2: decode (io_utils.js decodeWeight) */
	size_t v = 0;
	off = 0;
	for (size_t g = 0, k = 0; g < json_array_size(root); g++) {
		json_t *w = json_object_get(json_array_get(root, g), "weights");
		for (size_t i = 0; i < json_array_size(w); i++, k++) {
			int quant, is_int;
			double scale = 1, min = 0;
			struct face_tensor *t = &m->t[k];
			rc = entry_parse(json_array_get(w, i), t, &quant, &scale, &min, &is_int, err);
			if (rc)
				goto out;
			float *dst = m->values + v;
			for (size_t j = 0; j < t->count; j++) {
				double x;
				if (quant) {
					x = (double)bin[off + j] * scale + min;
				} else {
					uint32_t u = (uint32_t)bin[off + 4 * j] |
						     (uint32_t)bin[off + 4 * j + 1] << 8 |
						     (uint32_t)bin[off + 4 * j + 2] << 16 |
						     (uint32_t)bin[off + 4 * j + 3] << 24;
					if (is_int) {
						x = (double)(int32_t)u;
					} else {
						float f;
						memcpy(&f, &u, sizeof f);
						x = f;
					}
				}
				/* Math.round: half up, also for negatives */
				dst[j] = is_int ? (float)floor(x + 0.5) : (float)x;
			}
			t->data = dst;
			v += t->count;
			off += t->count * (quant ? 1 : 4);
		}
	}
	m->n = (int)ntens;
	m->nvalues = nvalues;
	m->bin_bytes = bin_len;
out:
	json_decref(root);
	if (rc)
		face_model_free(m);
	return rc;
}

int face_model_load(const char *dir, const char *name, struct face_model *m, struct sh_err *err)
{
	char path[1024];
	uint8_t *json = NULL, *bin = NULL;
	size_t json_len = 0, bin_len = 0;
	json_t *root = NULL;
	int rc;
	memset(m, 0, sizeof *m);
	if ((size_t)snprintf(path, sizeof path, "%s/%s-weights_manifest.json", dir, name) >=
	    sizeof path)
		return sh_err_set(err, SH_EINVAL, "FACE_WEIGHTS_IO", "model path too long");
	rc = read_all(path, MANIFEST_MAX_BYTES, &json, &json_len, err);
	if (rc)
		goto out;
	json_error_t jerr;
	root = json_loadb((const char *)json, json_len, 0, &jerr);
	if (!json_is_array(root)) {
		rc = bad(err, "not a JSON array of groups", path);
		goto out;
	}
	/* concatenate every group's shards in order */
	for (size_t g = 0; g < json_array_size(root); g++) {
		json_t *paths = json_object_get(json_array_get(root, g), "paths");
		if (!json_is_array(paths)) {
			rc = bad(err, "group without paths", path);
			goto out;
		}
		for (size_t i = 0; i < json_array_size(paths); i++) {
			const char *p = json_string_value(json_array_get(paths, i));
			if (!p || !p[0] || p[0] == '.' || strchr(p, '/') || strchr(p, '\\')) {
				rc = bad(err, "unsafe or missing shard path", p);
				goto out;
			}
			if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, p) >= sizeof path) {
				rc = bad(err, "shard path too long", p);
				goto out;
			}
			uint8_t *part;
			size_t plen;
			rc = read_all(path, FACE_WEIGHTS_MAX_BYTES - bin_len, &part, &plen, err);
			if (rc)
				goto out;
			uint8_t *grown = realloc(bin, bin_len + plen + 1);
			if (!grown) {
				free(part);
				rc = sh_err_set(err, SH_ENOMEM, "FACE_WEIGHTS_NOMEM", "out of memory");
				goto out;
			}
			bin = grown;
			memcpy(bin + bin_len, part, plen);
			bin_len += plen;
			free(part);
		}
	}
	rc = face_model_parse((const char *)json, json_len, bin, bin_len, m, err);
out:
	json_decref(root);
	free(json);
	free(bin);
	return rc;
}

const struct face_tensor *face_model_find(const struct face_model *m, const char *name)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->t[i].name, name) == 0)
			return &m->t[i];
	return NULL;
}

const float *face_model_get(const struct face_model *m, const char *name, int ndim,
			    const int *shape, struct sh_err *err)
{
	const struct face_tensor *t = face_model_find(m, name);
	int ok = t && t->ndim == ndim;
	for (int i = 0; ok && i < ndim; i++)
		ok = shape[i] == 0 || shape[i] == t->shape[i];
	if (!ok) {
		sh_err_set(err, SH_EINVAL, "FACE_WEIGHTS_MISSING",
			   "weights: tensor %s %s", name, t ? "has another shape" : "is missing");
		return NULL;
	}
	return t->data;
}

void face_model_free(struct face_model *m)
{
	free(m->t);
	free(m->values);
	memset(m, 0, sizeof *m);
}
