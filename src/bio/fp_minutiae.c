/* fp_minutiae.c — minutiae from the ridge skeleton: crossing-number
 * detection, ridge tracing for direction, and removal of false minutiae
 * (border, spurs, short ridges, bridges, broken ridges, clusters). */
#include "bio/fp_extract_int.h"
#include "bio/fp_tune.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI_F 3.14159265358979f
#define MAX_CAND 4000   /* candidates considered; noise beyond is dropped */
#define TRACE_MAX 40    /* pixels followed along a branch */
#define DIR_STEPS 10    /* direction from the point ~10 px along (1 period) */

struct branch {
	int len;        /* pixels followed */
	int hit;        /* candidate reached, -1 none */
	float dx, dy;   /* unit direction from the minutia (image coords) */
};

struct cand {
	int x, y;
	int type;       /* FP_ENDING / FP_BIFURCATION */
	int nb;         /* branches traced (1 or 3) */
	struct branch br[3];
	float dir;      /* image-coordinate angle atan2(dy, dx) */
	int near;       /* other candidates within two ridge periods */
	int dead;
};

static const int NX[8] = {0, 1, 1, 1, 0, -1, -1, -1};
static const int NY[8] = {-1, -1, 0, 1, 1, 1, 0, -1};

/* Follow the skeleton from (x0,y0) (already a step away from the minutia
 * at (sx,sy)), never revisiting the `nex` excluded pixels or the path. */
static void trace(const struct fp_work *wk, int sx, int sy, int x0, int y0,
		  const int *ex, int nex, struct branch *br)
{
	int w = wk->w;
	int px[TRACE_MAX + 1], py[TRACE_MAX + 1];
	int n = 0, x = x0, y = y0;
	br->hit = -1;
	int dirx = x0, diry = y0;
	for (;;) {
		px[n] = x;
		py[n] = y;
		n++;
		if (n <= (int)FPK(dirsteps, DIR_STEPS)) {
			dirx = x;
			diry = y;
		}
		int id = wk->idmap[(size_t)y * w + x];
		if (id >= 0) {
			br->hit = id;
			break;
		}
		if (n >= TRACE_MAX)
			break;
		int best = -1;
		for (int k = 0; k < 8; k++) {
			int qx = x + NX[k], qy = y + NY[k];
			if (qx <= 0 || qy <= 0 || qx >= w - 1 || qy >= wk->h - 1)
				continue;
			if (!wk->bin[(size_t)qy * w + qx])
				continue;
			if (qx == sx && qy == sy)
				continue;
			int seen = 0;
			for (int i = 0; i < n && !seen; i++)
				seen = px[i] == qx && py[i] == qy;
			for (int i = 0; i < nex && !seen; i++)
				seen = ex[2 * i] == qx && ex[2 * i + 1] == qy;
			if (seen)
				continue;
			/* Prefer 4-neighbours (even k): on a thin line the
			 * diagonal is then the corner we skip. */
			if (best < 0 || ((k & 1) == 0 && (best & 1)))
				best = k;
		}
		if (best < 0)
			break;
		x += NX[best];
		y += NY[best];
	}
	br->len = n;
	float vx = (float)(dirx - sx), vy = (float)(diry - sy);
	float m = sqrtf(vx * vx + vy * vy);
	br->dx = m > 0 ? vx / m : 0;
	br->dy = m > 0 ? vy / m : 0;
}

/* Trace every branch leaving candidate c. */
static void trace_cand(const struct fp_work *wk, struct cand *c)
{
	int w = wk->w;
	const uint8_t *p = wk->bin + (size_t)c->y * w + c->x;
	int ring[8], ex[18], nex = 0;
	for (int k = 0; k < 8; k++) {
		ring[k] = p[NY[k] * w + NX[k]] != 0;
		if (ring[k]) {
			ex[2 * nex] = c->x + NX[k];
			ex[2 * nex + 1] = c->y + NY[k];
			nex++;
		}
	}
	/* One start pixel per run of set neighbours (a 4-neighbour where
	 * the run has one). */
	c->nb = 0;
	for (int k = 0; k < 8 && c->nb < 3; k++) {
		if (!ring[k] || ring[(k + 7) & 7])
			continue;  /* not the first pixel of a run */
		int start = k;
		for (int j = k; ring[j & 7] && j < k + 8; j++)
			if (((j & 7) & 1) == 0) {
				start = j & 7;
				break;
			}
		/* exclude the other neighbours, not this branch's start */
		int ex2[18], n2 = 0;
		for (int i = 0; i < nex; i++)
			if (!(ex[2 * i] == c->x + NX[start] &&
			      ex[2 * i + 1] == c->y + NY[start])) {
				ex2[2 * n2] = ex[2 * i];
				ex2[2 * n2 + 1] = ex[2 * i + 1];
				n2++;
			}
		trace(wk, c->x, c->y, c->x + NX[start], c->y + NY[start], ex2, n2,
		      &c->br[c->nb]);
		c->nb++;
	}
}

static float ang_diff(float a, float b)  /* |a - b| on the circle, 0..pi */
{
	float d = fmodf(fabsf(a - b), 2 * PI_F);
	return d > PI_F ? 2 * PI_F - d : d;
}

/* Direction (image coordinates) of candidate c, ISO sense (fp.h): an
 * ending points into its ridge; a bifurcation along the valley between its
 * two forking branches, i.e. between the two closest branch directions. */
static int cand_direction(const struct fp_work *wk, struct cand *c)
{
	float dir;
	if (c->type == FP_ENDING) {
		dir = atan2f(c->br[0].dy, c->br[0].dx);
	} else {
		if (c->nb != 3)
			return -1;
		float a[3];
		for (int i = 0; i < 3; i++)
			a[i] = atan2f(c->br[i].dy, c->br[i].dx);
		int bi = 0, bj = 1;
		float best = 10;
		for (int i = 0; i < 3; i++)
			for (int j = i + 1; j < 3; j++) {
				float d = ang_diff(a[i], a[j]);
				if (d < best) {
					best = d;
					bi = i;
					bj = j;
				}
			}
		dir = atan2f(c->br[bi].dy + c->br[bj].dy,
			     c->br[bi].dx + c->br[bj].dx);
	}
	/* Refine with the smoothed orientation field, which averages many
	 * ridges: take the field's sense nearest to the traced direction when
	 * the two agree (they disagree near cores and deltas). */
	float t = fp_orient_at(wk, (float)c->x, (float)c->y);
	float t2 = t + PI_F;
	float ft = ang_diff(dir, t) < ang_diff(dir, t2) ? t : t2;
	if (ang_diff(dir, ft) < FPK(blend, 0.5f)) {
		float vx = cosf(dir) + cosf(ft), vy = sinf(dir) + sinf(ft);
		dir = atan2f(vy, vx);
	}
	c->dir = dir;
	return 0;
}

/* Distance (px) from (x,y) to the background, probed on rings. */
static float border_dist(const struct fp_work *wk, int x, int y)
{
	static const float radii[] = {4, 8, 12, 16, 20, 24, 32};
	for (size_t r = 0; r < sizeof radii / sizeof *radii; r++)
		for (int k = 0; k < 16; k++) {
			float a = k * PI_F / 8;
			int qx = x + (int)lrintf(radii[r] * cosf(a));
			int qy = y + (int)lrintf(radii[r] * sinf(a));
			if (!fp_in_mask(wk, qx, qy))
				return radii[r];
		}
	return 40;
}

/* Orientation descriptor (fp.h): the smoothed ridge orientation around the
 * minutia, relative to its direction. It describes the ridge flow, which
 * survives where the minutiae themselves do not (a missed or spurious
 * neighbour changes a minutia's cylinder, not the flow around it). */
static void describe(const struct fp_work *wk, struct fp_minutia *m)
{
	float d = -m->angle; /* image-coordinate direction (y down) */
	m->omask = 0;
	for (int k = 0; k < FP_ODESC_N; k++) {
		float r = FP_ODESC_R0 * (float)(k / FP_ODESC_PER_RING + 1);
		float phi = d + (float)(k % FP_ODESC_PER_RING) * (2 * PI_F / FP_ODESC_PER_RING);
		float x = m->x + r * cosf(phi), y = m->y + r * sinf(phi);
		m->odesc[k] = 0;
		if (!fp_in_mask(wk, (int)lrintf(x), (int)lrintf(y)))
			continue;
		float rel = fp_orient_desc_at(wk, x, y) - d;
		int q = (int)lrintf(rel * (256.0f / PI_F));
		m->odesc[k] = (uint8_t)(q & 255);
		m->omask |= 1u << k;
	}
}

static int cmp_quality(const void *a, const void *b)
{
	const struct fp_minutia *x = a, *y = b;
	return (int)y->quality - (int)x->quality;
}

/* Stage 1, candidates: skeleton pixels with crossing number 1 (ending) or
 * 3 (bifurcation) inside the mask, at most MAX_CAND; wk->idmap maps each
 * candidate pixel to its index. Each is traced along its branches and
 * given a direction; one that cannot be given one is dead from the start. */
static int cands_find(struct fp_work *wk, struct cand *cs)
{
	int w = wk->w, h = wk->h;
	int nc = 0;
	for (size_t i = 0; i < (size_t)w * h; i++)
		wk->idmap[i] = -1;
	for (int y = 1; y < h - 1; y++)
		for (int x = 1; x < w - 1; x++) {
			const uint8_t *p = wk->bin + (size_t)y * w + x;
			if (!*p)
				continue;
			int cn = fp_crossing_number(p, w);
			if ((cn != 1 && cn != 3) || !fp_in_mask(wk, x, y))
				continue;
			if (nc >= MAX_CAND)
				continue;
			struct cand *c = &cs[nc];
			memset(c, 0, sizeof *c);
			c->x = x;
			c->y = y;
			c->type = cn == 1 ? FP_ENDING : FP_BIFURCATION;
			wk->idmap[(size_t)y * w + x] = nc++;
		}
	wk->ncand = nc;
	for (int i = 0; i < nc; i++) {
		trace_cand(wk, &cs[i]);
		if (cand_direction(wk, &cs[i]))
			cs[i].dead = 1;
	}
	return nc;
}

/* Stage 2, structural rules, decided on the full candidate set: specks,
 * short ridges and islands, spurs, bridges and holes — a branch that
 * reaches another candidate within a fraction of the ridge period. */
static void prune_structure(const struct fp_work *wk, struct cand *cs, int nc)
{
	for (int i = 0; i < nc; i++) {
		struct cand *c = &cs[i];
		float T = fp_block_sample(wk, wk->period, (float)c->x, (float)c->y);
		for (int b = 0; b < c->nb; b++) {
			const struct branch *br = &c->br[b];
			if (br->hit < 0) {
				/* a speck: an ending whose ridge dies at once */
				if (c->type == FP_ENDING && br->len < 0.8f * T)
					c->dead = 1;
				continue;
			}
			const struct cand *o = &cs[br->hit];
			float lim;
			if (c->type == FP_ENDING && o->type == FP_ENDING)
				lim = FPK(shortridge, 0.8f) * T;   /* short ridge / island */
			else if (c->type != o->type)
				lim = FPK(spur, 0.7f) * T;   /* spur */
			else
				lim = FPK(bridge, 0.7f) * T;   /* bridge, hole */
			if (br->len < lim) {
				c->dead = 1;
				cs[br->hit].dead = 2;
			}
		}
	}
}

/* Stage 3, proximity rules between survivors: broken ridges (two endings
 * facing each other across a gap), and any two minutiae closer than about
 * half a period, which real ridge structure does not produce. */
static void prune_proximity(const struct fp_work *wk, struct cand *cs, int nc)
{
	for (int i = 0; i < nc; i++) {
		if (cs[i].dead == 1)
			continue;
		for (int j = i + 1; j < nc; j++) {
			if (cs[j].dead == 1)
				continue;
			float dx = (float)(cs[j].x - cs[i].x);
			float dy = (float)(cs[j].y - cs[i].y);
			float d2 = dx * dx + dy * dy;
			if (d2 > 400)
				continue;
			float T = fp_block_sample(wk, wk->period, (float)cs[i].x,
						  (float)cs[i].y);
			float d = sqrtf(d2);
			if (d < FPK(close, 0.4f) * T) {
				cs[i].dead = cs[j].dead = 2;
				continue;
			}
			if (cs[i].type == FP_ENDING && cs[j].type == FP_ENDING &&
			    d < FPK(broken, 1.8f) * T &&
			    ang_diff(cs[i].dir, cs[j].dir) > 2.4f) {
				/* the gap runs along both directions */
				float g = atan2f(dy, dx);  /* from i to j */
				if (ang_diff(g, cs[i].dir + PI_F) < 0.7f &&
				    ang_diff(g, cs[j].dir) < 0.7f)
					cs[i].dead = cs[j].dead = 2;
			}
		}
	}
}

/* Stage 4, clusters: real minutiae are sparse (about one per 40x40 px);
 * many within two ridge periods of each other mark a noisy patch (scars,
 * sweat pores, smudges). A dense cluster is removed; a looser one lowers
 * its members' quality (stage 5). Removing small clusters lost more true
 * minutiae than it saved on FVC2002. */
static void prune_clusters(const struct fp_work *wk, struct cand *cs, int nc)
{
	for (int i = 0; i < nc; i++) {
		if (cs[i].dead)
			continue;
		float T = fp_block_sample(wk, wk->period, (float)cs[i].x, (float)cs[i].y);
		float r = FPK(clusterr, 2.0f) * T;
		for (int j = 0; j < nc; j++) {
			if (j == i || cs[j].dead)
				continue;
			float dx = (float)(cs[j].x - cs[i].x);
			float dy = (float)(cs[j].y - cs[i].y);
			if (dx * dx + dy * dy < r * r)
				cs[i].near++;
		}
	}
	for (int i = 0; i < nc; i++)
		if (cs[i].near >= (int)FPK(clustern, 8.0f))
			cs[i].dead = 3;
}

/* Stage 5, emission: survivors away from the print's edge become minutiae
 * with a quality from the local block quality, the border distance and the
 * cluster count; past FP_MAX_MINUTIAE the worst is replaced. Then sorted by
 * quality (best first) and described. */
static void cands_emit(const struct fp_work *wk, const struct cand *cs, int nc,
		       struct fp_template *out)
{
	for (int i = 0; i < nc; i++) {
		const struct cand *c = &cs[i];
		if (c->dead)
			continue;
		float bd = border_dist(wk, c->x, c->y);
		float T = fp_block_sample(wk, wk->period, (float)c->x, (float)c->y);
		/* Near the edge of the print the ridge map is unreliable: the
		 * ridges end there because the impression does. */
		if (bd <= FPK(border, 1.3f) * T)
			continue;
		float q = fp_block_sample(wk, wk->quality, (float)c->x, (float)c->y);
		if (q < FPK(minq, 0.0f))
			continue;
		float bf = bd >= 24 ? 1.0f : 0.6f + 0.4f * (bd - 8) / 16;
		float cf = 1.0f / (1.0f + FPK(clusterq, 0.25f) * c->near);
		int qi = (int)lrintf(100 * q * bf * cf);
		if (qi < 1)
			qi = 1;
		if (qi > 100)
			qi = 100;
		if (out->count >= FP_MAX_MINUTIAE) {
			/* Keep the best: replace the worst if this is better. */
			int worst = 0;
			for (int k = 1; k < out->count; k++)
				if (out->minutiae[k].quality < out->minutiae[worst].quality)
					worst = k;
			if (out->minutiae[worst].quality >= qi)
				continue;
			out->count--;
			out->minutiae[worst] = out->minutiae[out->count];
		}
		struct fp_minutia *m = &out->minutiae[out->count++];
		m->x = (float)c->x;
		m->y = (float)c->y;
		/* ISO angle: counter-clockwise with y up (fp.h). */
		float a = -c->dir;
		while (a < 0)
			a += 2 * PI_F;
		while (a >= 2 * PI_F)
			a -= 2 * PI_F;
		m->angle = a;
		m->type = (uint8_t)c->type;
		m->quality = (uint8_t)qi;
	}
	qsort(out->minutiae, (size_t)out->count, sizeof out->minutiae[0],
	      cmp_quality);
	for (int i = 0; i < out->count; i++)
		describe(wk, &out->minutiae[i]);
}

int fp_minutiae_detect(struct fp_work *wk, struct fp_template *out,
		       struct sh_err *err)
{
	out->count = 0;
	struct cand *cs = malloc(sizeof *cs * MAX_CAND);
	if (!cs)
		return sh_err_set(err, SH_ENOMEM, "FP_EXTRACT_NOMEM",
				  "out of memory for minutiae candidates");
	int nc = cands_find(wk, cs);
	prune_structure(wk, cs, nc);
	prune_proximity(wk, cs, nc);
	prune_clusters(wk, cs, nc);
	cands_emit(wk, cs, nc, out);
	free(cs);
	return SH_OK;
}
