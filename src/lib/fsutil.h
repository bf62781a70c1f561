/* fsutil.h — small file-system helpers. */
#ifndef SH_LIB_FSUTIL_H
#define SH_LIB_FSUTIL_H

#include <sys/types.h>

/* mkdir -p: create path and its missing parents with `mode`. 0 or -1 (errno). */
int sh_mkdir_p(const char *path, mode_t mode);

#endif
