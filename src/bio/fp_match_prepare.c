/* fp_match_prepare.c — builds the bit-packed Minutia Cylinder-Code matching
 * form of a template (fp_match.h), once per template: the minutiae that
 * enter it, their convex hull, and one cylinder each (fp_cylinder.c). */
#include "bio/fp_match.h"

#include <math.h>
#include <string.h>

#include "bio/fp_cylinder.h"

#define TWO_PI (2.0f * (float)M_PI)

/* Pick the minutiae that enter the matching form: the FP_MATCH_MAX of
 * highest quality, keeping the extractor's order among equals. */
static int select_minutiae(const struct fp_template *t, int *idx)
{
	int n = 0;
	for (int i = 0; i < t->count; i++)
		idx[n++] = i;
	if (n <= FP_MATCH_MAX)
		return n;
	for (int i = 1; i < n; i++) { /* stable insertion sort by quality desc */
		int v = idx[i], j = i - 1;
		while (j >= 0 && t->minutiae[idx[j]].quality < t->minutiae[v].quality) {
			idx[j + 1] = idx[j];
			j--;
		}
		idx[j + 1] = v;
	}
	return FP_MATCH_MAX;
}

static uint8_t angle_q8(float a)
{
	float q = a * (256.0f / TWO_PI);
	long r = lroundf(q);
	return (uint8_t)(r & 255);
}

int fp_match_prepare(const struct fp_template *t, struct fp_mtemplate *out,
		     struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	out->version = FP_MTEMPLATE_VERSION;
	if (!t || t->count < 0 || t->count > FP_MAX_MINUTIAE)
		return sh_err_set(err, SH_EINVAL, "FP_TEMPLATE_INVALID",
				  "minutiae count out of range");
	out->quality = (uint8_t)(t->quality < 0 ? 0 : t->quality > 100 ? 100 : t->quality);
	for (int i = 0; i < t->count; i++) {
		const struct fp_minutia *m = &t->minutiae[i];
		if (!isfinite(m->x) || !isfinite(m->y) || !isfinite(m->angle) ||
		    fabsf(m->x) > 4 * FP_MAX_IMAGE_SIDE || fabsf(m->y) > 4 * FP_MAX_IMAGE_SIDE)
			return sh_err_set(err, SH_EINVAL, "FP_TEMPLATE_INVALID",
					  "minutia %d has a bad coordinate", i);
	}
	int idx[FP_MAX_MINUTIAE];
	int n = select_minutiae(t, idx);
	if (n < 2)
		return SH_OK;

	struct fp_cyl_pt pts[FP_MATCH_MAX], hull[2 * FP_MATCH_MAX + 2];
	float ang[FP_MATCH_MAX];
	for (int i = 0; i < n; i++) {
		pts[i].x = t->minutiae[idx[i]].x;
		pts[i].y = t->minutiae[idx[i]].y;
		ang[i] = t->minutiae[idx[i]].angle;
	}
	int nh = fp_cylinder_hull(pts, n, hull);
	/* kept for the overlap count of fp_match.c */
	int keep = nh <= FP_HULL_MAX ? nh : FP_HULL_MAX;
	for (int v = 0; v < keep; v++) {
		const struct fp_cyl_pt *hv = &hull[(long)v * nh / keep];
		out->hull[v][0] = (int16_t)lroundf(hv->x);
		out->hull[v][1] = (int16_t)lroundf(hv->y);
	}
	out->nhull = (uint8_t)keep;

	const struct fp_cyl_set set = {pts, ang, n, hull, nh, t->width, t->height};
	int used = 0;
	for (int m = 0; m < n; m++) {
		struct fp_cylinder c;
		if (!fp_cylinder_build(&set, m, &c))
			continue;
		for (int w = 0; w < FP_MCC_NW; w++) {
			out->valid[w][used] = c.valid[w];
			for (int k = 0; k < FP_MCC_ND; k++)
				out->bits[k][w][used] = c.bits[k][w];
		}
		out->mq[used] = t->minutiae[idx[m]].quality;
		out->omask[used] = t->minutiae[idx[m]].omask;
		memcpy(out->odesc[used], t->minutiae[idx[m]].odesc, FP_ODESC_N);
		out->x[used] = (int16_t)lroundf(pts[m].x);
		out->y[used] = (int16_t)lroundf(pts[m].y);
		out->angle[used] = angle_q8(ang[m]);
		used++;
	}
	out->count = (uint16_t)used;
	/* FNV-1a over what the comparison reads: orders the two arguments of
	 * fp_match canonically (fp_match.h) */
	uint64_t h = 0xcbf29ce484222325ull;
	const uint8_t *bytes[] = {(const uint8_t *)out->x, (const uint8_t *)out->y, out->angle,
				  (const uint8_t *)out->valid, out->mq,
				  out->odesc[0], (const uint8_t *)out->omask,
				  (const uint8_t *)out->hull};
	const size_t lens[] = {2 * (size_t)used, 2 * (size_t)used, (size_t)used, 8 * (size_t)used,
			       (size_t)used, FP_ODESC_N * (size_t)used, 4 * (size_t)used,
			       4 * (size_t)out->nhull};
	for (int part = 0; part < 8; part++)
		for (size_t i = 0; i < lens[part]; i++)
			h = (h ^ bytes[part][i]) * 0x100000001b3ull;
	for (int k = 0; k < FP_MCC_ND; k++)
		for (int w = 0; w < FP_MCC_NW; w++)
			for (int i = 0; i < used; i++)
				h = (h ^ out->bits[k][w][i]) * 0x100000001b3ull;
	out->key = h;
	return SH_OK;
}
