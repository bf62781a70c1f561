/* fp_iso.h — ISO/IEC 19794-2:2005 finger minutiae record ("FMR", version
 * 2.0) encoding and strict decoding of one finger view.
 *
 * Encoding writes the record of clause 7 with one finger view: resolution
 * 197 pixels/cm (500 dpi), finger position 0 (unknown), view 0, impression
 * 0 (live-scan plain), finger quality = template quality, and, when the
 * minutiae carry orientation descriptors (fp.h), one vendor-defined
 * extended data area (7.4.3; type codes 0x0100-0xFFFF are the vendor's)
 * holding them: type FP_ISO_ODESC_TYPE, length (this area's bytes, header
 * included, as the decoder reads area lengths), a format byte, then per
 * minutia in record order its 32-bit mask (big-endian) and FP_ODESC_N
 * descriptor bytes. Other readers skip the area; ours restores the
 * descriptors (and rejects an area of our type that does not match the
 * minutiae), so an ISO round trip matches as well as the image did.
 * Decoding checks every field and rejects the record (SH_EINVAL, code
 * FP_ISO_MALFORMED, or FP_ISO_UNSUPPORTED for valid records we do not
 * handle: several finger views) rather than guessing; coordinates of
 * records at another resolution are scaled to 500 dpi. */
#ifndef SH_BIO_FP_ISO_H
#define SH_BIO_FP_ISO_H

#include <stddef.h>
#include <stdint.h>

#include "bio/fp.h"
#include "lib/err.h"

#define FP_ISO_HEADER_BYTES 24   /* clause 7.3 record header */
#define FP_ISO_VIEW_BYTES 4      /* clause 7.4.1 finger view header */
#define FP_ISO_MINUTIA_BYTES 6   /* clause 7.4.2 */
#define FP_ISO_ODESC_TYPE 0x5348   /* "SH" */
#define FP_ISO_ODESC_FORMAT 1       /* FP_ODESC_RINGS x FP_ODESC_PER_RING at FP_ODESC_R0 */
#define FP_ISO_ODESC_AREA_BYTES(n) (4 + 1 + (size_t)(n) * (4 + FP_ODESC_N))
#define FP_ISO_MAX_BYTES (FP_ISO_HEADER_BYTES + FP_ISO_VIEW_BYTES + \
			  FP_ISO_MINUTIA_BYTES * FP_MAX_MINUTIAE + 2 + \
			  FP_ISO_ODESC_AREA_BYTES(FP_MAX_MINUTIAE))

/* Encode *t; *out is malloc'd (caller frees), *len its size. */
int fp_iso_encode(const struct fp_template *t, uint8_t **out, size_t *len,
		  struct sh_err *err) __attribute__((warn_unused_result));

/* Decode and validate; *t is fully overwritten (zeroed on error). */
int fp_iso_decode(const uint8_t *data, size_t len, struct fp_template *t,
		  struct sh_err *err) __attribute__((warn_unused_result));

#endif
