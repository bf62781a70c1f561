/* iris_match.c — masked, rotation-compensated, normalized Hamming distance
 * and popcount 1:N search (iris_match.h). */
#include "bio/iris_match.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

static inline int get_bit(const uint64_t *w, int b)
{
	return (int)((w[b >> 6] >> (b & 63)) & 1u);
}

void iris_code_rotate(const struct iris_code *in, int shift, struct iris_code *out)
{
	memset(out, 0, sizeof *out);
	int s = ((shift % IRIS_COLS) + IRIS_COLS) % IRIS_COLS;
	for (int k = 0; k < IRIS_RINGS; k++)
		for (int c = 0; c < IRIS_COLS; c++) {
			int bi = 2 * (k * IRIS_COLS + c);
			int bo = 2 * (k * IRIS_COLS + (c + s) % IRIS_COLS);
			uint64_t cb = (uint64_t)(get_bit(in->code, bi) | get_bit(in->code, bi + 1) << 1);
			uint64_t mb = (uint64_t)(get_bit(in->mask, bi) | get_bit(in->mask, bi + 1) << 1);
			out->code[bo >> 6] |= cb << (bo & 63);
			out->mask[bo >> 6] |= mb << (bo & 63);
		}
}

void iris_probe_prepare(const struct iris_code *probe, struct iris_probe *p)
{
	for (int s = -IRIS_MAX_SHIFT; s <= IRIS_MAX_SHIFT; s++)
		iris_code_rotate(probe, s, &p->rot[s + IRIS_MAX_SHIFT]);
}

/* Daugman's normalization of one shift's counts (iris.h). */
static inline float hd_norm(unsigned d, unsigned n)
{
	if (n < IRIS_MIN_BITS)
		return 0.5f;
	float raw = (float)d / (float)n;
	return 0.5f - (0.5f - raw) * sqrtf((float)n * (1.0f / IRIS_HD_NORM_BITS));
}

/* Pick the best shift from per-shift counts. */
static struct iris_score best_of(const unsigned *d, const unsigned *n)
{
	struct iris_score s = {0.5f, 0.5f, 0, 0};
	float best = 2.0f;
	for (int k = 0; k < IRIS_SHIFTS; k++) {
		float h = hd_norm(d[k], n[k]);
		/* ties: the smaller rotation (the shift list runs outwards
		 * from the middle below only in effect: equal scores keep
		 * the one nearer zero) */
		int sh = k - IRIS_MAX_SHIFT;
		if (h < best || (h == best && abs(sh) < abs(s.shift))) {
			best = h;
			s.hd = h;
			s.hd_raw = n[k] ? (float)d[k] / (float)n[k] : 0.5f;
			s.shift = sh;
			s.bits = (int)n[k];
		}
	}
	return s;
}

static void counts_portable(const struct iris_probe *p, const struct iris_code *g, unsigned *d,
			    unsigned *n)
{
	for (int k = 0; k < IRIS_SHIFTS; k++) {
		const struct iris_code *a = &p->rot[k];
		unsigned dd = 0, nn = 0;
		for (int w = 0; w < IRIS_CODE_WORDS; w++) {
			uint64_t m = a->mask[w] & g->mask[w];
			dd += (unsigned)__builtin_popcountll((a->code[w] ^ g->code[w]) & m);
			nn += (unsigned)__builtin_popcountll(m);
		}
		d[k] = dd;
		n[k] = nn;
	}
}

#ifdef HAVE_X86
__attribute__((target("popcnt"))) static void counts_popcnt(const struct iris_probe *p,
							    const struct iris_code *g,
							    unsigned *d, unsigned *n)
{
	for (int k = 0; k < IRIS_SHIFTS; k++) {
		const struct iris_code *a = &p->rot[k];
		unsigned dd = 0, nn = 0;
		for (int w = 0; w < IRIS_CODE_WORDS; w++) {
			uint64_t m = a->mask[w] & g->mask[w];
			dd += (unsigned)__builtin_popcountll((a->code[w] ^ g->code[w]) & m);
			nn += (unsigned)__builtin_popcountll(m);
		}
		d[k] = dd;
		n[k] = nn;
	}
}

/* 2,048 bits = 4 zmm registers per code and per mask. */
__attribute__((target("avx512f,avx512vpopcntdq"))) static void
counts_avx512(const struct iris_probe *p, const struct iris_code *g, unsigned *d, unsigned *n)
{
	__m512i gc[4], gm[4];
	for (int v = 0; v < 4; v++) {
		gc[v] = _mm512_loadu_si512((const void *)(g->code + 8 * v));
		gm[v] = _mm512_loadu_si512((const void *)(g->mask + 8 * v));
	}
	for (int k = 0; k < IRIS_SHIFTS; k++) {
		const struct iris_code *a = &p->rot[k];
		__m512i sd = _mm512_setzero_si512(), sn = _mm512_setzero_si512();
		for (int v = 0; v < 4; v++) {
			__m512i m = _mm512_and_si512(
				_mm512_load_si512((const void *)(a->mask + 8 * v)), gm[v]);
			__m512i x = _mm512_xor_si512(
				_mm512_load_si512((const void *)(a->code + 8 * v)), gc[v]);
			sd = _mm512_add_epi64(sd, _mm512_popcnt_epi64(_mm512_and_si512(x, m)));
			sn = _mm512_add_epi64(sn, _mm512_popcnt_epi64(m));
		}
		d[k] = (unsigned)_mm512_reduce_add_epi64(sd);
		n[k] = (unsigned)_mm512_reduce_add_epi64(sn);
	}
}
#endif

typedef void (*counts_fn)(const struct iris_probe *, const struct iris_code *, unsigned *,
			  unsigned *);

static counts_fn kernel_fn;
static const char *kernel_name;

static void pick_kernel(void)
{
	if (kernel_fn)
		return;
	kernel_fn = counts_portable;
	kernel_name = "portable";
#ifdef HAVE_X86
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq")) {
		kernel_fn = counts_avx512;
		kernel_name = "avx512-vpopcntdq";
	} else if (__builtin_cpu_supports("popcnt")) {
		kernel_fn = counts_popcnt;
		kernel_name = "popcnt";
	}
#endif
}

const char *iris_match_kernel(void)
{
	pick_kernel();
	return kernel_name;
}

int iris_match_force_kernel(const char *name)
{
	pick_kernel();
	if (!strcmp(name, "portable")) {
		kernel_fn = counts_portable;
		kernel_name = "portable";
		return 0;
	}
#ifdef HAVE_X86
	if (!strcmp(name, "popcnt") && __builtin_cpu_supports("popcnt")) {
		kernel_fn = counts_popcnt;
		kernel_name = "popcnt";
		return 0;
	}
	if (!strcmp(name, "avx512-vpopcntdq") && __builtin_cpu_supports("avx512f") &&
	    __builtin_cpu_supports("avx512vpopcntdq")) {
		kernel_fn = counts_avx512;
		kernel_name = "avx512-vpopcntdq";
		return 0;
	}
#endif
	return -1;
}

struct iris_score iris_compare(const struct iris_probe *p, const struct iris_code *g)
{
	unsigned d[IRIS_SHIFTS], n[IRIS_SHIFTS];
	pick_kernel();
	/* a gallery code on the stack or in a struct need not be 64-byte
	 * aligned: the SIMD path loads it unaligned; the probe is aligned */
	kernel_fn(p, g, d, n);
	return best_of(d, n);
}

struct iris_score iris_match(const struct iris_code *a, const struct iris_code *b)
{
	static _Thread_local struct iris_probe p;
	iris_probe_prepare(a, &p);
	return iris_compare(&p, b);
}

long iris_search(const struct iris_probe *p, const struct iris_code *gallery, size_t n,
		 float *hd)
{
	unsigned d[IRIS_SHIFTS], c[IRIS_SHIFTS];
	long best = -1;
	float bh = 2.0f;
	pick_kernel();
	for (size_t i = 0; i < n; i++) {
		kernel_fn(p, &gallery[i], d, c);
		float h = 2.0f;
		for (int k = 0; k < IRIS_SHIFTS; k++) {
			float v = hd_norm(d[k], c[k]);
			h = v < h ? v : h;
		}
		if (hd)
			hd[i] = h;
		if (h < bh) {
			bh = h;
			best = (long)i;
		}
	}
	return best;
}
