/* iris_search_bench.c — 1:N IrisCode search throughput on a synthetic
 * gallery (random 2,048-bit codes with masks of realistic coverage, mates
 * planted as noisy rotated copies): comparisons per second per core for
 * each popcount kernel the CPU has, one thread, CPU time. A comparison is
 * a full rotation-compensated score (IRIS_SHIFTS Hamming distances).
 *   iris_search_bench [--gallery N] [--probes P] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bio/iris_match.h"
#include "lib/parse.h"

static uint64_t st = 0x9e3779b97f4a7c15ull;

static uint64_t rnd64(void)
{
	st ^= st << 13;
	st ^= st >> 7;
	st ^= st << 17;
	return st;
}

static double cpu_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	int64_t gn = 200000, pn = 10;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--gallery") && i + 1 < argc &&
		    sh_parse_i64(argv[i + 1], 1, 50000000, &gn) == SH_OK)
			i++;
		else if (!strcmp(argv[i], "--probes") && i + 1 < argc &&
			 sh_parse_i64(argv[i + 1], 1, 100000, &pn) == SH_OK)
			i++;
		else {
			fprintf(stderr, "usage: iris_search_bench [--gallery N] [--probes P]\n");
			return 2;
		}
	}
	struct iris_code *g = aligned_alloc(64, (size_t)gn * sizeof *g);
	float *hd = malloc((size_t)gn * sizeof *hd);
	struct iris_probe *p = aligned_alloc(64, sizeof *p);
	if (!g || !hd || !p) {
		fprintf(stderr, "iris_search_bench: no memory for %lld codes\n", (long long)gn);
		return 1;
	}
	for (int64_t i = 0; i < gn; i++)
		for (int w = 0; w < IRIS_CODE_WORDS; w++) {
			g[i].code[w] = rnd64();
			/* about 80% of locations usable, both bits of a location alike */
			uint64_t m = 0;
			for (int b = 0; b < 64; b += 2)
				if (rnd64() % 10 < 8)
					m |= 3ull << b;
			g[i].mask[w] = m;
		}
	static const char *kernels[] = {"portable", "popcnt", "avx512-vpopcntdq"};
	const char *dflt = iris_match_kernel();
	double best = 0;
	int found = 0, tried = 0;
	printf("1:N IrisCode search, gallery %lld, %lld probes, %d shifts per comparison, "
	       "%zu bytes per gallery code\n", (long long)gn, (long long)pn, IRIS_SHIFTS,
	       sizeof(struct iris_code));
	for (size_t k = 0; k < sizeof kernels / sizeof kernels[0]; k++) {
		if (iris_match_force_kernel(kernels[k]))
			continue;
		double t0 = cpu_s();
		for (int64_t q = 0; q < pn; q++) {
			int64_t mate = (q * 7919) % gn;
			struct iris_code probe;
			iris_code_rotate(&g[mate], (int)(q % 7) - 3, &probe);
			for (int b = 0; b < 200; b++) /* ~10% of the bits flipped */
				probe.code[rnd64() % IRIS_CODE_WORDS] ^= 1ull << (rnd64() % 64);
			iris_probe_prepare(&probe, p);
			long r = iris_search(p, g, (size_t)gn, hd);
			found += r == mate;
			tried++;
		}
		double c = cpu_s() - t0;
		double rate = c > 0 ? (double)gn * (double)pn / c : 0;
		printf("kernel %-16s %.2f s CPU  %12.0f comparisons/s/core  %13.0f HD/s\n", kernels[k],
		       c, rate, rate * IRIS_SHIFTS);
		if (!strcmp(kernels[k], dflt))
			best = rate;
	}
	(void)iris_match_force_kernel(dflt);
	printf("planted mates found: %d of %d\n", found, tried);
	printf("iris-search-bench: kernel=%s comparisons_per_s_per_core=%.0f\n", dflt, best);
	free(g);
	free(hd);
	free(p);
	return found == tried ? 0 : 1;
}
