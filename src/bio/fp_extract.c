/* fp_extract.c — the extraction pipeline: image -> minutiae template. */
#include "bio/fp_extract.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bio/fp_extract_int.h"
#include "bio/fp_image.h"
#include "bio/fp_tune.h"

static const char *const stage_names[FP_EXTRACT_STAGES] = {
	"resample", "normalise", "orientation", "segment", "frequency",
	"gabor", "thin", "minutiae", "total"};

const char *fp_extract_stage_name(int i)
{
	return i >= 0 && i < FP_EXTRACT_STAGES ? stage_names[i] : "?";
}

void fp_work_free(struct fp_work *wk)
{
	free(wk->norm);
	free(wk->gx);
	free(wk->gy);
	free(wk->enh);
	free(wk->pad);
	free(wk->bin);
	free(wk->cn);
	free(wk->idmap);
	free(wk->mask);
	free(wk->bmean);
	free(wk->bstd);
	free(wk->orient);
	free(wk->orient_d);
	free(wk->coh);
	free(wk->period);
	free(wk->clarity);
	free(wk->quality);
	free(wk->tmpb);
	memset(wk, 0, sizeof *wk);
}

int fp_work_init(struct fp_work *wk, const uint8_t *gray, int w, int h,
		 struct sh_err *err)
{
	memset(wk, 0, sizeof *wk);
	wk->gray = gray;
	wk->w = w;
	wk->h = h;
	wk->bw = (w + FP_BLOCK - 1) / FP_BLOCK;
	wk->bh = (h + FP_BLOCK - 1) / FP_BLOCK;
	size_t np = (size_t)w * h, nb = (size_t)wk->bw * wk->bh;
	size_t npad = (size_t)(w + 2 * FP_GABOR_R) * (h + 2 * FP_GABOR_R);
	wk->norm = malloc(np * sizeof(float));
	wk->gx = malloc(np * sizeof(float));
	wk->gy = malloc(np * sizeof(float));
	wk->enh = malloc(np * sizeof(float));
	wk->pad = malloc(npad * sizeof(float));
	wk->bin = malloc(np);
	wk->cn = malloc(np);
	wk->idmap = malloc(np * sizeof(int32_t));
	wk->mask = malloc(nb);
	wk->bmean = malloc(nb * sizeof(float));
	wk->bstd = malloc(nb * sizeof(float));
	wk->orient = malloc(nb * sizeof(float));
	wk->orient_d = malloc(nb * sizeof(float));
	wk->coh = malloc(nb * sizeof(float));
	wk->period = malloc(nb * sizeof(float));
	wk->clarity = malloc(nb * sizeof(float));
	wk->quality = malloc(nb * sizeof(float));
	/* tmpb doubles as int and byte scratch (fp_segment.c): 2 floats per
	 * block, at least 16 so tiny images work. */
	wk->tmpb = malloc((nb * 2 + 16) * sizeof(float));
	if (!wk->norm || !wk->gx || !wk->gy || !wk->enh || !wk->pad ||
	    !wk->bin || !wk->cn || !wk->idmap || !wk->mask || !wk->bmean ||
	    !wk->bstd || !wk->orient || !wk->orient_d || !wk->coh || !wk->period ||
	    !wk->clarity || !wk->quality || !wk->tmpb) {
		fp_work_free(wk);
		return sh_err_set(err, SH_ENOMEM, "FP_EXTRACT_NOMEM",
				  "out of memory for a %dx%d image", w, h);
	}
	return SH_OK;
}

/* CPU time of the calling thread: stage figures stay meaningful on a
 * loaded machine, where wall time mostly measures the other processes. */
static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int fp_extract_timed(const struct fp_image *img, struct fp_template *out,
		     double *stage_us, struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	double t[FP_EXTRACT_STAGES + 1];
	t[0] = now_us();
	if (!img || !img->pixels || img->width <= 0 || img->height <= 0)
		return sh_err_set(err, SH_EINVAL, "FP_IMAGE_MALFORMED",
				  "empty image");
	if (img->width > FP_MAX_IMAGE_SIDE || img->height > FP_MAX_IMAGE_SIDE)
		return sh_err_set(err, SH_ETOOBIG, "FP_IMAGE_TOO_LARGE",
				  "image %dx%d over %d a side", img->width,
				  img->height, FP_MAX_IMAGE_SIDE);
	int dpi = img->dpi ? img->dpi : FP_DPI;
	struct fp_image im = {0};
	struct fp_work wk = {0};
	int rc = fp_image_from_raw(img->pixels, img->width, img->height, dpi,
				   &im, err);
	if (rc)
		return rc;
	rc = fp_image_resample(&im, FP_DPI, err);
	if (rc)
		goto out;
	out->width = im.width;
	out->height = im.height;
	/* Below ~3 blocks a side there is no fingerprint to speak of. */
	if (im.width < 3 * FP_BLOCK || im.height < 3 * FP_BLOCK)
		goto out;
	rc = fp_work_init(&wk, im.pixels, im.width, im.height, err);
	if (rc)
		goto out;
	t[1] = now_us();
	fp_segment_stats(&wk);
	t[2] = now_us();
	fp_orient_estimate(&wk);
	t[3] = now_us();
	fp_segment_mask(&wk);
	t[4] = now_us();
	fp_freq_estimate(&wk);
	fp_quality_blocks(&wk);
	t[5] = now_us();
	fp_enhance_gabor(&wk);
	fp_orient_refine(&wk);
	t[6] = now_us();
	fp_thin(&wk);
	t[7] = now_us();
	rc = fp_minutiae_detect(&wk, out, err);
	if (rc)
		goto out;
	out->quality = fp_quality_image(&wk);
	out->quality = fp_quality_count(out->quality, out->count);
	t[8] = now_us();
	if (stage_us) {
		for (int i = 0; i < FP_EXTRACT_STAGES - 1; i++)
			stage_us[i] = t[i + 1] - t[i];
		stage_us[FP_EXTRACT_STAGES - 1] = t[8] - t[0];
	}
out:
	fp_work_free(&wk);
	fp_image_free(&im);
	if (rc)
		memset(out, 0, sizeof *out);
	return rc;
}

int fp_extract(const struct fp_image *img, struct fp_template *out,
	       struct sh_err *err)
{
	return fp_extract_timed(img, out, NULL, err);
}
