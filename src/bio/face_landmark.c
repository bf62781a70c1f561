/* face_landmark.c — the 68-point landmark net (see face_landmark.h),
 * following face-api's denseBlock4, FaceFeatureExtractor.forwardInput and
 * FaceLandmark68NetBase.postProcess. */
#include "bio/face_landmark.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bio/face_nn.h"

#define LM_SIDE 112

static const int block_ch[4] = {32, 64, 128, 256};

int face_landmark_load(const char *dir, struct face_landmark_net *net, struct sh_err *err)
{
	memset(net, 0, sizeof *net);
	int rc = face_model_load(dir ? dir : face_model_dir(), "face_landmark_68_model",
				 &net->model, err);
	if (rc)
		return rc;
	const struct face_model *m = &net->model;
	int f0[4] = {3, 3, 3, 32}, b0[1] = {32};
	net->conv0 = face_model_get(m, "dense0/conv0/filters", 4, f0, err);
	net->conv0_bias = net->conv0 ? face_model_get(m, "dense0/conv0/bias", 1, b0, err) : NULL;
	rc = net->conv0_bias ? SH_OK : SH_EINVAL;
	for (int b = 0; b < 4 && !rc; b++)
		for (int c = 0; c < 4 && !rc; c++) {
			if (b == 0 && c == 0)
				continue;
			struct face_lm_sep *s = &net->sep[b][c];
			s->cin = c == 0 && b > 0 ? block_ch[b - 1] : block_ch[b];
			s->cout = block_ch[b];
			char n[FACE_WEIGHTS_NAME_MAX];
			int dws[4] = {3, 3, s->cin, 1}, pws[4] = {1, 1, s->cin, s->cout},
			    bs[1] = {s->cout};
			snprintf(n, sizeof n, "dense%d/conv%d/depthwise_filter", b, c);
			s->dw = face_model_get(m, n, 4, dws, err);
			snprintf(n, sizeof n, "dense%d/conv%d/pointwise_filter", b, c);
			s->pw = s->dw ? face_model_get(m, n, 4, pws, err) : NULL;
			snprintf(n, sizeof n, "dense%d/conv%d/bias", b, c);
			s->bias = s->pw ? face_model_get(m, n, 1, bs, err) : NULL;
			rc = s->bias ? SH_OK : SH_EINVAL;
		}
	if (!rc) {
		int fs[2] = {256, 136}, bs[1] = {136};
		net->fc = face_model_get(m, "fc/weights", 2, fs, err);
		net->fc_bias = net->fc ? face_model_get(m, "fc/bias", 1, bs, err) : NULL;
		rc = net->fc_bias ? SH_OK : SH_EINVAL;
	}
	if (rc)
		face_landmark_free(net);
	return rc;
}

void face_landmark_free(struct face_landmark_net *net)
{
	face_model_free(&net->model);
	memset(net, 0, sizeof *net);
}

/* tf.separableConv2d(x, dw, pw, stride, 'same') + bias */
static int sep_conv(const struct face_map *x, const struct face_lm_sep *s, int stride,
		    struct face_map *out)
{
	struct face_map t = {0};
	int rc = face_dwconv(x, s->dw, 3, stride, face_pad_same(x->h, x->w, 3, stride), &t);
	if (!rc)
		rc = face_conv(&t, s->pw, 1, s->cout, 1, face_pad_none(), s->bias, out);
	face_map_free(&t);
	return rc;
}

/* denseBlock4: o1 = relu(conv0 x), o2 = sep1 o1, o3 = sep2 relu(o1+o2),
 * o4 = sep3 relu(o1+o2+o3), out = relu(o1+o2+o3+o4). Replaces *x. */
static int dense_block(const struct face_landmark_net *net, int b, struct face_map *x)
{
	struct face_map o1 = {0}, acc = {0}, in = {0}, o = {0};
	int rc;
	if (b == 0)
		rc = face_conv(x, net->conv0, 3, 32, 2, face_pad_same(x->h, x->w, 3, 2),
			       net->conv0_bias, &o1);
	else
		rc = sep_conv(x, &net->sep[b][0], 2, &o1);
	if (rc)
		goto out;
	face_relu(&o1);
	if ((rc = face_map_alloc(&acc, o1.h, o1.w, o1.c)) ||
	    (rc = face_map_alloc(&in, o1.h, o1.w, o1.c)))
		goto out;
	size_t n = (size_t)o1.h * o1.w * o1.c;
	memcpy(acc.d, o1.d, n * sizeof(float));
	memcpy(in.d, o1.d, n * sizeof(float));
	for (int c = 1; c < 4; c++) {
		if ((rc = sep_conv(&in, &net->sep[b][c], 1, &o)))
			goto out;
		face_add(&acc, &o);
		face_map_free(&o);
		memcpy(in.d, acc.d, n * sizeof(float));
		face_relu(&in);
	}
	face_map_free(x);
	*x = in; /* relu(o1 + o2 + o3 + o4) */
	in = (struct face_map){0};
out:
	face_map_free(&o1);
	face_map_free(&acc);
	face_map_free(&in);
	face_map_free(&o);
	return rc;
}

int face_landmark_detect(const struct face_landmark_net *net, const uint8_t *rgb, int w, int h,
			 const struct face_box *box, struct face_landmarks *out,
			 struct sh_err *err)
{
	static const float mean[3] = {122.782f, 117.001f, 104.298f};
	/* Box.clipAtImageBorders, then floor */
	double cx = fmax(box->x, 0), cy = fmax(box->y, 0);
	double cw = fmin(box->x + box->w - cx, w - cx), ch = fmin(box->y + box->h - cy, h - cy);
	int x0 = (int)floor(cx), y0 = (int)floor(cy), bw = (int)floor(cw), bh = (int)floor(ch);
	if (bw < 1 || bh < 1)
		return sh_err_set(err, SH_EINVAL, "FACE_BOX", "face box outside the image");
	uint8_t *crop = malloc((size_t)bw * bh * 3);
	struct face_map in = {0};
	int rc = SH_ENOMEM;
	if (!crop)
		goto out;
	for (int y = 0; y < bh; y++)
		memcpy(crop + (size_t)y * bw * 3, rgb + ((size_t)(y + y0) * w + x0) * 3,
		       (size_t)bw * 3);
	if ((rc = face_input(crop, bw, bh, LM_SIDE, 1, mean, 255.0f, &in)))
		goto out;
	for (int b = 0; b < 4 && !rc; b++)
		rc = dense_block(net, b, &in);
	if (rc)
		goto out;
	/* avgPool 7x7 s2 valid on 7x7x256 -> 256 */
	float feat[256] = {0}, o[136];
	for (int i = 0; i < in.h * in.w; i++)
		for (int c = 0; c < 256; c++)
			feat[c] += in.d[(size_t)i * 256 + c];
	for (int c = 0; c < 256; c++)
		feat[c] /= (float)(in.h * in.w);
	face_dense(feat, 256, net->fc, 136, net->fc_bias, o);
	/* postProcess: undo the centred square padding (exact half) */
	double s = (double)LM_SIDE / (bw > bh ? bw : bh);
	double sw = bw * s, sh = bh * s;
	double padx = sw < sh ? (sh - sw) / 2 : 0, pady = sh < sw ? (sw - sh) / 2 : 0;
	for (int i = 0; i < FACE_LANDMARKS; i++) {
		double rx = ((double)o[2 * i] * LM_SIDE - padx) / sw;
		double ry = ((double)o[2 * i + 1] * LM_SIDE - pady) / sh;
		out->p[i].x = (float)(rx * bw + box->x);
		out->p[i].y = (float)(ry * bh + box->y);
	}
out:
	free(crop);
	face_map_free(&in);
	if (rc == SH_ENOMEM)
		sh_err_set(err, SH_ENOMEM, "FACE_NOMEM", "out of memory in the landmark net");
	return rc;
}
