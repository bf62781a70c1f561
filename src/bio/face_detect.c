/* face_detect.c — the tiny face detector (see face_detect.h). */
#include "bio/face_detect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bio/face_nn.h"

#define NANCHORS 5

/* tinyFaceDetector/const.ts BOX_ANCHORS, in cells */
static const float anchors[NANCHORS][2] = {
	{1.603231f, 2.094468f}, {6.041143f, 7.080126f}, {2.882459f, 3.518061f},
	{4.266906f, 5.178857f}, {9.041765f, 10.66308f}};

int face_detect_load(const char *dir, struct face_detector *net, struct sh_err *err)
{
	memset(net, 0, sizeof *net);
	int rc = face_model_load(dir ? dir : face_model_dir(), "tiny_face_detector_model",
				 &net->model, err);
	if (rc)
		return rc;
	const struct face_model *m = &net->model;
	int f0[4] = {3, 3, 3, 16}, b0[1] = {16};
	net->conv0 = face_model_get(m, "conv0/filters", 4, f0, err);
	net->conv0_bias = net->conv0 ? face_model_get(m, "conv0/bias", 1, b0, err) : NULL;
	rc = net->conv0_bias ? SH_OK : SH_EINVAL;
	for (int i = 0, cin = 16; i < 5 && !rc; i++, cin *= 2) {
		struct face_dt_sep *s = &net->sep[i];
		char n[FACE_WEIGHTS_NAME_MAX];
		s->cin = cin;
		s->cout = cin * 2;
		int dws[4] = {3, 3, cin, 1}, pws[4] = {1, 1, cin, cin * 2}, bs[1] = {cin * 2};
		snprintf(n, sizeof n, "conv%d/depthwise_filter", i + 1);
		s->dw = face_model_get(m, n, 4, dws, err);
		snprintf(n, sizeof n, "conv%d/pointwise_filter", i + 1);
		s->pw = s->dw ? face_model_get(m, n, 4, pws, err) : NULL;
		snprintf(n, sizeof n, "conv%d/bias", i + 1);
		s->bias = s->pw ? face_model_get(m, n, 1, bs, err) : NULL;
		rc = s->bias ? SH_OK : SH_EINVAL;
	}
	if (!rc) {
		int f8[4] = {1, 1, 512, 5 * NANCHORS}, b8[1] = {5 * NANCHORS};
		net->conv8 = face_model_get(m, "conv8/filters", 4, f8, err);
		net->conv8_bias = net->conv8 ? face_model_get(m, "conv8/bias", 1, b8, err) : NULL;
		rc = net->conv8_bias ? SH_OK : SH_EINVAL;
	}
	if (rc)
		face_detect_free(net);
	return rc;
}

void face_detect_free(struct face_detector *net)
{
	face_model_free(&net->model);
	memset(net, 0, sizeof *net);
}

static float sigmoid(float x)
{
	return 1.0f / (1.0f + expf(-x));
}

/* tinyYolov2/depthwiseSeparableConv.ts: zero-pad 1, depthwise 3x3 valid,
 * pointwise, + bias, leaky ReLU (0.1). Replaces *x. */
static int sep_leaky(struct face_map *x, const struct face_dt_sep *s)
{
	struct face_map t = {0}, o = {0};
	int rc = face_dwconv(x, s->dw, 3, 1, (struct face_pad){1, 1, 1, 1}, &t);
	if (!rc)
		rc = face_conv(&t, s->pw, 1, s->cout, 1, face_pad_none(), s->bias, &o);
	face_map_free(&t);
	if (rc)
		return rc;
	face_leaky(&o, 0.1f);
	face_map_free(x);
	*x = o;
	return SH_OK;
}

static int maxpool2(struct face_map *x, int stride)
{
	struct face_map o = {0};
	int rc = face_maxpool(x, 2, stride, face_pad_same(x->h, x->w, 2, stride), &o);
	if (rc)
		return rc;
	face_map_free(x);
	*x = o;
	return SH_OK;
}

static float iou(const struct face_box *a, const struct face_box *b)
{
	float iw = fmaxf(0, fminf(a->x + a->w, b->x + b->w) - fmaxf(a->x, b->x));
	float ih = fmaxf(0, fminf(a->y + a->h, b->y + b->h) - fmaxf(a->y, b->y));
	float inter = iw * ih;
	return inter / (a->w * a->h + b->w * b->h - inter);
}

static int score_desc(const void *pa, const void *pb)
{
	const struct face_box *a = pa, *b = pb;
	return a->score < b->score ? 1 : a->score > b->score ? -1 : 0;
}

int face_detect_run(const struct face_detector *net, const uint8_t *rgb, int w, int h, int input,
		    float min_score, struct face_box *out, int max, struct sh_err *err)
{
	static const float mean[3] = {117.001f, 114.697f, 97.404f};
	struct face_map x = {0}, t = {0};
	struct face_box *cand = NULL;
	int rc, n = 0, kept = 0;
	if (input < 64 || input > 1024 || input % 32 != 0)
		return sh_err_set(err, SH_EINVAL, "FACE_DETECT_INPUT", "detector input %d", input);
	if ((rc = face_input(rgb, w, h, input, 0, mean, 255.0f, &x)))
		goto out;
	/* conv0: 3x3 valid + bias, leaky */
	if ((rc = face_conv(&x, net->conv0, 3, 16, 1, face_pad_none(), net->conv0_bias, &t)))
		goto out;
	face_map_free(&x);
	x = t;
	t = (struct face_map){0};
	face_leaky(&x, 0.1f);
	for (int i = 0; i < 5 && !rc; i++) {
		rc = maxpool2(&x, 2);
		if (!rc)
			rc = sep_leaky(&x, &net->sep[i]);
	}
	if (rc || (rc = maxpool2(&x, 1)))
		goto out;
	if ((rc = face_conv(&x, net->conv8, 1, 5 * NANCHORS, 1, face_pad_none(), net->conv8_bias,
			    &t)))
		goto out;
	/* extractBoxes: relative to the padded square, corrected to the image */
	int cells = t.h;
	double scale = (double)input / (w > h ? w : h);
	double rw = round(w * scale), rh = round(h * scale), side = rw > rh ? rw : rh;
	double corr_x = side / rw, corr_y = side / rh;
	cand = malloc(sizeof *cand * (size_t)cells * cells * NANCHORS);
	if (!cand) {
		rc = SH_ENOMEM;
		goto out;
	}
	for (int row = 0; row < cells; row++)
		for (int col = 0; col < cells; col++)
			for (int a = 0; a < NANCHORS; a++) {
				const float *v = t.d + ((size_t)row * cells + col) * 5 * NANCHORS + a * 5;
				float score = sigmoid(v[4]);
				if (!(score > min_score))
					continue;
				double cx = (col + sigmoid(v[0])) / cells * corr_x;
				double cy = (row + sigmoid(v[1])) / cells * corr_y;
				double bw = exp(v[2]) * anchors[a][0] / cells * corr_x;
				double bh = exp(v[3]) * anchors[a][1] / cells * corr_y;
				cand[n++] = (struct face_box){(float)((cx - bw / 2) * w),
							      (float)((cy - bh / 2) * h),
							      (float)(bw * w), (float)(bh * h), score};
			}
	/* ops/nonMaxSuppression.ts: best first, drop IoU > threshold */
	qsort(cand, (size_t)n, sizeof *cand, score_desc);
	for (int i = 0; i < n && kept < max; i++) {
		int drop = 0;
		for (int j = 0; j < kept && !drop; j++)
			drop = iou(&out[j], &cand[i]) > FACE_DETECT_IOU;
		if (!drop)
			out[kept++] = cand[i];
	}
out:
	face_map_free(&x);
	face_map_free(&t);
	free(cand);
	if (rc)
		return sh_err_set(err, SH_ENOMEM, "FACE_NOMEM", "out of memory in the detector");
	return kept;
}
