/* cli_face.h — helpers shared by the `shanakht face` subcommands
 * (cli_face.c, cli_face_bench.c). */
#ifndef SH_CLI_CLI_FACE_H
#define SH_CLI_CLI_FACE_H

#include "bio/face_extract.h"
#include "bio/face_iso.h"

/* The operating threshold on face_match_score: 1 - 0.6, the Euclidean
 * distance threshold face-api's FaceMatcher and dlib's face recognition
 * example use for this network (documented with the model, not fitted to
 * our data; docs/face.md gives FMR/FNMR at it on ORL). */
#define CLI_FACE_THRESHOLD 0.4f

/* Load `path` as a face image: an ISO/IEC 19794-5 record (sniffed by its
 * "FAC\0" magic) gives its JPEG; anything else is decoded as an image.
 * *from_iso (may be NULL) is set to 1 for a record. */
int cli_face_load(const char *path, struct face_image *img, int *from_iso, struct sh_err *err)
	__attribute__((warn_unused_result));

int cli_face_bench(int argc, char **argv);

#endif
