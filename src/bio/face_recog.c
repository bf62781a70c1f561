/* face_recog.c — the recognition network (see face_recog.h), following
 * face-api's FaceRecognitionNet.forwardInput, residualLayer.ts and
 * convLayer.ts. */
#include "bio/face_recog.h"

#include <stdio.h>
#include <string.h>

static const char *block_names[15] = {
	"conv32_1",  "conv32_2",  "conv32_3",  "conv64_down", "conv64_1",
	"conv64_2",  "conv64_3",  "conv128_down", "conv128_1", "conv128_2",
	"conv256_down", "conv256_1", "conv256_2", "conv256_down_out", NULL};

static int conv_get(const struct face_model *m, const char *prefix, int k, int cin, int cout,
		    struct face_recog_conv *c, struct sh_err *err)
{
	char n[FACE_WEIGHTS_NAME_MAX];
	int fs[4] = {k, k, cin, cout}, vs[1] = {cout};
	snprintf(n, sizeof n, "%s/conv/filters", prefix);
	c->filt = face_model_get(m, n, 4, fs, err);
	snprintf(n, sizeof n, "%s/conv/bias", prefix);
	c->bias = c->filt ? face_model_get(m, n, 1, vs, err) : NULL;
	snprintf(n, sizeof n, "%s/scale/weights", prefix);
	c->mul = c->bias ? face_model_get(m, n, 1, vs, err) : NULL;
	snprintf(n, sizeof n, "%s/scale/biases", prefix);
	c->add = c->mul ? face_model_get(m, n, 1, vs, err) : NULL;
	c->k = k;
	c->cin = cin;
	c->cout = cout;
	return c->add ? SH_OK : SH_EINVAL;
}

int face_recog_load(const char *dir, struct face_recog *net, struct sh_err *err)
{
	memset(net, 0, sizeof *net);
	int rc = face_model_load(dir ? dir : face_model_dir(), "face_recognition_model",
				 &net->model, err);
	if (rc)
		return rc;
	rc = conv_get(&net->model, "conv32_down", 7, 3, 32, &net->first, err);
	int cin = 32;
	for (int b = 0; !rc && block_names[b]; b++) {
		const char *nm = block_names[b];
		int cout = strncmp(nm, "conv32", 6) == 0 ? 32 : strncmp(nm, "conv64", 6) == 0 ? 64
			   : strncmp(nm, "conv128", 7) == 0 ? 128 : 256;
		char p[64];
		struct face_recog_block *bl = &net->blocks[b];
		bl->down = strstr(nm, "down") != NULL;
		snprintf(p, sizeof p, "%s/conv1", nm);
		rc = conv_get(&net->model, p, 3, cin, cout, &bl->c1, err);
		snprintf(p, sizeof p, "%s/conv2", nm);
		if (!rc)
			rc = conv_get(&net->model, p, 3, cout, cout, &bl->c2, err);
		cin = cout;
	}
	if (!rc) {
		int fs[2] = {256, FACE_DESC_DIM};
		net->fc = face_model_get(&net->model, "fc", 2, fs, err);
		rc = net->fc ? SH_OK : SH_EINVAL;
	}
	if (rc)
		face_recog_free(net);
	return rc;
}

void face_recog_free(struct face_recog *net)
{
	face_model_free(&net->model);
	memset(net, 0, sizeof *net);
}

/* convLayer.ts: conv2d, + bias, x scale, + biases, ReLU when `relu`.
 * stride 2 ("convDown") uses valid padding, stride 1 "same". */
static int conv_layer(const struct face_map *in, const struct face_recog_conv *c, int stride,
		      int relu, struct face_map *out)
{
	struct face_pad pad = stride == 1 ? face_pad_same(in->h, in->w, c->k, 1) : face_pad_none();
	int rc = face_conv(in, c->filt, c->k, c->cout, stride, pad, c->bias, out);
	if (rc)
		return rc;
	face_affine(out, c->mul, c->add);
	if (relu)
		face_relu(out);
	return SH_OK;
}

/* residualLayer.ts residual / residualDown: the conv branch plus the input
 * (average-pooled 2x2 s2 and zero-extended in channels when going down;
 * the conv branch zero-extended by one row and column when it comes out
 * smaller than the pooled shortcut), then ReLU. Replaces *x. */
static int residual(struct face_map *x, const struct face_recog_block *b)
{
	struct face_map t = {0}, u = {0}, p = {0}, sum = {0};
	int rc = conv_layer(x, &b->c1, b->down ? 2 : 1, 1, &t);
	if (!rc)
		rc = conv_layer(&t, &b->c2, 1, 0, &u);
	if (rc)
		goto out;
	if (!b->down) {
		face_add(&u, x);
		face_relu(&u);
		face_map_free(x);
		*x = u;
		u = (struct face_map){0};
		goto out;
	}
	rc = face_avgpool(x, 2, 2, face_pad_none(), &p);
	if (rc || (rc = face_map_alloc(&sum, p.h, p.w, u.c)))
		goto out;
	for (int y = 0; y < sum.h; y++)
		for (int xx = 0; xx < sum.w; xx++) {
			float *o = sum.d + ((size_t)y * sum.w + xx) * sum.c;
			const float *ps = p.d + ((size_t)y * p.w + xx) * p.c;
			for (int c = 0; c < p.c; c++)
				o[c] = ps[c];
			if (y < u.h && xx < u.w) {
				const float *us = u.d + ((size_t)y * u.w + xx) * u.c;
				for (int c = 0; c < u.c; c++)
					o[c] += us[c];
			}
		}
	face_relu(&sum);
	face_map_free(x);
	*x = sum;
	sum = (struct face_map){0};
out:
	face_map_free(&t);
	face_map_free(&u);
	face_map_free(&p);
	face_map_free(&sum);
	return rc;
}

int face_recog_forward(const struct face_recog *net, const struct face_map *input,
		       float out[FACE_DESC_DIM], struct face_map *first, struct sh_err *err)
{
	struct face_map a = {0}, b = {0};
	int rc = conv_layer(input, &net->first, 2, 1, &a);
	if (rc)
		goto out;
	if (first) {
		if ((rc = face_map_alloc(first, a.h, a.w, a.c)))
			goto out;
		memcpy(first->d, a.d, sizeof(float) * (size_t)a.h * a.w * a.c);
	}
	rc = face_maxpool(&a, 3, 2, face_pad_none(), &b);
	face_map_free(&a);
	if (rc)
		goto out;
	for (int i = 0; i < 14 && !rc; i++)
		rc = residual(&b, &net->blocks[i]);
	if (rc)
		goto out;
	/* mean over H and W, then fc (no bias) */
	float avg[256] = {0};
	int n = b.h * b.w;
	for (int i = 0; i < n; i++)
		for (int c = 0; c < 256; c++)
			avg[c] += b.d[(size_t)i * 256 + c];
	for (int c = 0; c < 256; c++)
		avg[c] /= (float)n;
	face_dense(avg, 256, net->fc, FACE_DESC_DIM, NULL, out);
out:
	face_map_free(&a);
	face_map_free(&b);
	if (rc)
		sh_err_set(err, rc, "FACE_NOMEM", "out of memory in the recognition network");
	return rc;
}

int face_recog_embed(const struct face_recog *net, const uint8_t *rgb, int w, int h,
		     float out[FACE_DESC_DIM], struct sh_err *err)
{
	static const float mean[3] = {122.782f, 117.001f, 104.298f};
	struct face_map in = {0};
	if (w < 1 || h < 1)
		return sh_err_set(err, SH_EINVAL, "FACE_CROP", "empty face crop");
	if (face_input(rgb, w, h, FACE_RECOG_SIDE, 1, mean, 255.0f, &in))
		return sh_err_set(err, SH_ENOMEM, "FACE_NOMEM", "out of memory");
	int rc = face_recog_forward(net, &in, out, NULL, err);
	face_map_free(&in);
	return rc;
}
