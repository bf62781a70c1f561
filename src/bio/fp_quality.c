/* fp_quality.c — block and image quality from orientation coherence and
 * ridge clarity: the two things that make minutiae trustworthy. */
#include "bio/fp_extract_int.h"
#include "bio/fp_tune.h"

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
