/* fp_quality.c — block and image quality from orientation coherence and
 * ridge clarity: the two things that make minutiae trustworthy. */
#include "bio/fp_extract_int.h"
#include "bio/fp_tune.h"
#include "bio/fp_extract.h"
#include "lib/err.h"

#include <stdlib.h>

#include <math.h>

void fp_quality_blocks(struct fp_work *wk)
{
	int n = wk->bw * wk->bh;
	for (int b = 0; b < n; b++) {
		if (!wk->mask[b]) {
			wk->quality[b] = 0;
			continue;
		}
		/* Coherence of clean ridges is 0.6-0.9 over 24x24 px, noise
		 * gives < 0.2; clarity (fp_freq.c) is how much of a sinusoid
		 * survives averaging along the ridges. Geometric mean: both
		 * must be good. */
		float c = (wk->coh[b] - 0.15f) / 0.55f;
		c = c < 0 ? 0 : c > 1 ? 1 : c;
		float q = sqrtf(c * wk->clarity[b]);
		wk->quality[b] = q;
	}
}

int fp_quality_image(const struct fp_work *wk)
{
	int n = wk->bw * wk->bh, fg = 0;
	double sum = 0;
	for (int b = 0; b < n; b++)
		if (wk->mask[b]) {
			fg++;
			sum += wk->quality[b];
		}
	if (!fg)
		return 0;
	/* A print smaller than ~10x10 mm (200x200 px at 500 dpi) carries
	 * too few minutiae to match reliably whatever its clarity. */
	double area = (double)fg * FP_BLOCK * FP_BLOCK;
	double af = area / FPK(arearef, 40000.0f);
	if (af > 1)
		af = 1;
	long q = lround(100.0 * (sum / fg) * af);
	return (int)(q < 0 ? 0 : q > 100 ? 100 : q);
}

/* The minutiae count says what ridge clarity cannot: a print at 500 dpi
 * of ~10x10 mm or more carries 25-60 true minutiae (fp_match.h). Fewer says
 * a partial or blank print (little to match on); many more says ridges
 * broken into dots (dry skin) or merged and smeared (wet skin, noisy
 * border), each break a spurious minutia the matcher must wade through —
 * the two causes behind most failing genuine pairs on FVC2002
 * (docs/fingerprint-matching.md, "Failure analysis"). Scaled linearly
 * outside that range. */
#define QCOUNT_LO 25
#define QCOUNT_HI 60
int fp_quality_count(int q, int count)
{
	if (count < QCOUNT_LO)
		q = q * count / QCOUNT_LO;
	else if (count > QCOUNT_HI)
		q = q * QCOUNT_HI / count;
	return q < 0 ? 0 : q > 100 ? 100 : q;
}

int fp_quality(const struct fp_image *img, int *quality, struct sh_err *err)
{
	/* a template is ~12 kB: on the heap, not on a caller's thread stack */
	struct fp_template *t = malloc(sizeof *t);
	if (!t)
		return sh_err_set(err, SH_ENOMEM, "FP_EXTRACT_NOMEM", "out of memory");
	int rc = fp_extract(img, t, err);
	if (rc == SH_OK)
		*quality = t->quality;
	free(t);
	return rc;
}
