/* bench_fp_extract.c — extraction time per stage and minutiae counts over
 * the FVC2002 DB1-4_B images (BioLab, University of Bologna). Prints
 * figures; never asserts.
 * Usage: bench_fp_extract [DATA_DIR] [REPEATS]
 *   DATA_DIR defaults to ../shared/data (the fvc2002 folders inside). */
#include <stdio.h>
#include <stdlib.h>

#include "bio/fp_extract.h"
#include "bio/fp_image.h"
#include "lib/parse.h"

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "../shared/data";
	int reps = 1;
	if (argc > 2) {
		int64_t v;
		if (sh_parse_i64(argv[2], 1, 99, &v) == 0)
			reps = (int)v;
	}
	printf("%-6s %5s %7s %6s %6s %6s", "db", "imgs", "minut", "q", "qmin",
	       "qmax");
	for (int s = 0; s < FP_EXTRACT_STAGES; s++)
		printf(" %9.9s", fp_extract_stage_name(s));
	printf("   (ms per image)\n");
	double all[FP_EXTRACT_STAGES] = {0};
	int nall = 0;
	for (int db = 1; db <= 4; db++) {
		double st[FP_EXTRACT_STAGES] = {0};
		int n = 0, qmin = 101, qmax = -1;
		long msum = 0, qsum = 0;
		for (int f = 101; f <= 110; f++)
			for (int i = 1; i <= 8; i++) {
				char path[512];
				snprintf(path, sizeof path,
					 "%s/fingerprints/fvc2002/DB%d_B/%d_%d.tif",
					 dir, db, f, i);
				struct fp_image img;
				struct sh_err err;
				if (fp_image_load(path, db == 2 ? 569 : 0, &img, &err)) {
					fprintf(stderr, "%s: %s\n", path, err.msg);
					continue;
				}
				struct fp_template t;
				for (int r = 0; r < reps; r++) {
					double us[FP_EXTRACT_STAGES];
					if (fp_extract_timed(&img, &t, us, &err)) {
						fprintf(stderr, "%s: %s\n", path, err.msg);
						break;
					}
					for (int s = 0; s < FP_EXTRACT_STAGES; s++)
						st[s] += us[s] / reps;
				}
				fp_image_free(&img);
				n++;
				msum += t.count;
				qsum += t.quality;
				if (t.quality < qmin)
					qmin = t.quality;
				if (t.quality > qmax)
					qmax = t.quality;
			}
		if (!n)
			continue;
		printf("DB%d_B  %5d %7.1f %6.1f %6d %6d", db, n, (double)msum / n,
		       (double)qsum / n, qmin, qmax);
		for (int s = 0; s < FP_EXTRACT_STAGES; s++) {
			printf(" %9.2f", st[s] / n / 1000);
			all[s] += st[s];
		}
		printf("\n");
		nall += n;
	}
	if (nall) {
		printf("%-6s %5d %7s %6s %6s %6s", "all", nall, "", "", "", "");
		for (int s = 0; s < FP_EXTRACT_STAGES; s++)
			printf(" %9.2f", all[s] / nall / 1000);
		printf("\n");
	}
	return 0;
}
