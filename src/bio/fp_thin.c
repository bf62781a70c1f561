/* fp_thin.c — thinning of the binary ridge map to a one-pixel skeleton
 * (Zhang & Suen 1984, two sub-iterations, table driven), then a pass that
 * removes the corner pixels it leaves on diagonal staircases. */
#include "bio/fp_extract_int.h"

#include <pthread.h>
#include <string.h>

/* Neighbour bits: 0 N, 1 NE, 2 E, 3 SE, 4 S, 5 SW, 6 W, 7 NW (clockwise). */
static uint8_t lut_del[3][256];
static pthread_once_t lut_once = PTHREAD_ONCE_INIT;

static void lut_build(void)
{
	for (int m = 0; m < 256; m++) {
		int p[8], b = 0, a = 0;
		for (int i = 0; i < 8; i++) {
			p[i] = (m >> i) & 1;
			b += p[i];
		}
		for (int i = 0; i < 8; i++)
			a += !p[i] && p[(i + 1) & 7];
		int ok = b >= 2 && b <= 6 && a == 1;
		int n = p[0], e = p[2], s = p[4], w = p[6];
		lut_del[0][m] = ok && !(n && e && s) && !(e && s && w);
		lut_del[1][m] = ok && !(n && e && w) && !(n && s && w);
		/* Clean-up: any simple, non-end pixel (its neighbours form
		 * one 8-connected run, so removing it keeps connectivity). */
		lut_del[2][m] = ok;
	}
}

static inline int nbits(const uint8_t *p, int w)
{
	return p[-w] | p[-w + 1] << 1 | p[1] << 2 | p[w + 1] << 3 |
	       p[w] << 4 | p[w - 1] << 5 | p[-1] << 6 | p[-w - 1] << 7;
}

/* Crossing number (Rutovitz): the number of 0->1 transitions around the
 * 8-neighbourhood; 1 = ridge ending, 2 = ridge, 3+ = bifurcation. */
int fp_crossing_number(const uint8_t *p, int w)
{
	int m = nbits(p, w), a = 0;
	for (int i = 0; i < 8; i++)
		a += !((m >> i) & 1) && ((m >> ((i + 1) & 7)) & 1);
	return a;
}

void fp_thin(struct fp_work *wk)
{
	pthread_once(&lut_once, lut_build);
	int w = wk->w, h = wk->h;
	uint8_t *b = wk->bin;
	/* A clear one-pixel frame, so neighbourhoods never leave the image. */
	memset(b, 0, (size_t)w);
	memset(b + (size_t)(h - 1) * w, 0, (size_t)w);
	for (int y = 0; y < h; y++)
		b[(size_t)y * w] = b[(size_t)y * w + w - 1] = 0;
	/* Deletions of a sub-iteration are marked (value 2) and applied
	 * after the scan, as the algorithm requires (parallel rule). */
	int changed = 1;
	for (int iter = 0; changed && iter < 30; iter++) {
		changed = 0;
		for (int sub = 0; sub < 2; sub++) {
			for (int y = 1; y < h - 1; y++) {
				uint8_t *row = b + (size_t)y * w;
				for (int x = 1; x < w - 1; x++) {
					if (!row[x])
						continue;
					uint8_t *p = row + x;
					int m = (p[-w] & 1) | (p[-w + 1] & 1) << 1 |
						(p[1] & 1) << 2 | (p[w + 1] & 1) << 3 |
						(p[w] & 1) << 4 | (p[w - 1] & 1) << 5 |
						(p[-1] & 1) << 6 | (p[-w - 1] & 1) << 7;
					if (lut_del[sub][m])
						row[x] = 3;  /* bit 0 still set */
				}
			}
			for (size_t i = 0; i < (size_t)w * h; i++)
				if (b[i] == 3) {
					b[i] = 0;
					changed = 1;
				}
		}
	}
	/* Sequential clean-up of staircase corners. */
	for (int y = 1; y < h - 1; y++)
		for (int x = 1; x < w - 1; x++) {
			uint8_t *p = b + (size_t)y * w + x;
			if (*p && lut_del[2][nbits(p, w)])
				*p = 0;
		}
}
