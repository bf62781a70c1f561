/* cli_iris.h — what the `shanakht iris` subcommands share (cli_iris.c,
 * cli_iris_bench.c). */
#ifndef SH_CLI_CLI_IRIS_H
#define SH_CLI_CLI_IRIS_H

#include "bio/iris_extract.h"

/* Load an eye image (PNG/TIFF/JPEG or an ISO/IEC 19794-6 record) and
 * extract its code; *cpu_ms (may be NULL) gets the extraction CPU time. */
int cli_iris_load(const char *path, struct iris_code *code, struct iris_extract_info *info,
		  double *cpu_ms, struct sh_err *err) __attribute__((warn_unused_result));

int cli_iris_bench(int argc, char **argv);

#endif
