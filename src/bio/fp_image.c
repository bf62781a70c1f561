/* fp_image.c — fingerprint image decoding (TIFF, PNG, JPEG, raw) and
 * resampling to 500 dpi. */
#include "bio/fp.h"
