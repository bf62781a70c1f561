/* cli_fp.h — helpers shared by the `shanakht fp` subcommands (cli_fp.c)
 * and the FVC benchmark (bench/fp/fp_bench.c): loading a fingerprint image or ISO template from a file. */
#ifndef SH_CLI_CLI_FP_H
#define SH_CLI_CLI_FP_H

#include "bio/fp.h"

/* Load `path` as a minutiae template: an ISO/IEC 19794-2 record (sniffed
 * by its "FMR\0" magic) is decoded, anything else is decoded as an image
 * and run through the extractor. dpi: 0 = the file's (or 500), else forced.
 * *extract_ms (may be NULL) receives the extraction's CPU time in ms, 0 for
 * ISO.
 * *iso (may be NULL) is set to 1 when the file was an ISO template. */
int cli_fp_load(const char *path, int dpi, struct fp_template *t,
		double *extract_ms, int *iso, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Size in bytes of the ISO/IEC 19794-2 encoding of `t`, or 0 on error. */
size_t cli_fp_iso_bytes(const struct fp_template *t);

#endif
