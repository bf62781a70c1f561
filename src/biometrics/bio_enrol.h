/* bio_enrol.h — fingerprint enrolment of a registered person, with 1:N
 * de-duplication against the gallery (docs/biometrics.md).
 *
 * bio_enrol runs the whole enrolment: it checks the signed capture, decodes
 * and measures every image, applies the age policy, searches the gallery,
 * and writes the enrolment version, its sealed images and templates, any
 * adjudication cases and the audit entries in one transaction. A refusal
 * (any error) stores nothing. A finger below the quality floor with
 * attempts left answers SH_ERULE RECAPTURE_NEEDED and stores only the
 * capture's nonce and the attempt counts. */
#ifndef SH_BIOMETRICS_BIO_ENROL_H
#define SH_BIOMETRICS_BIO_ENROL_H

#include "bio/fp.h"
#include "biometrics/bio.h"
#include "biometrics/bio_gallery.h"

/* The engine's recapture floor (fp.h, issue 18): images under it hold most
 * false non-matches, so the person is asked again; fp_extract's template
 * quality is the same figure as fp_quality(), read without a second
 * extraction. */
#define BIO_QUALITY_FLOOR FP_QUALITY_RECAPTURE
#define BIO_MAX_ATTEMPTS 3    /* captures of one finger before it is kept flagged */
#define BIO_CASES_MAX BIO_HITS_MAX

struct bio_image_in {
	int position;              /* ISO/IEC finger position 1..10 */
	const uint8_t *bytes;      /* PNG, JPEG, TIFF or ISO/IEC 19794-4 record */
	size_t len;
};

struct bio_missing_in {
	int position;
	const char *reason;        /* "amputated", "bandaged", "unprintable" */
};

struct bio_enrol_req {
	const char *id_number;
	const char *envelope;      /* signed text */
	size_t envelope_len;
	unsigned char signature[KEYRING_SIG_BYTES];
	int nimages;
	struct bio_image_in image[BIO_MAX_ITEMS];
	int nmissing;
	struct bio_missing_in missing[BIO_MAX_ITEMS];
	const char *document;      /* "id_card" (default) | "crc" */
	const char *exemption;     /* NULL | "elderly" | "skin" | "amputee" */
	const char *station;       /* operator's council, NULL for none */
};

struct bio_finger_out {
	int position;
	int quality;
	int low_quality;           /* kept after the last attempt */
	int attempts;
	int recapture;             /* asked again (RECAPTURE_NEEDED) */
};

struct bio_enrol_result {
	int64_t enrolment_id;
	int version;
	char state[16];            /* "unique" | "held" */
	int nfingers;
	struct bio_finger_out finger[BIO_MAX_ITEMS];
	int ncases;
	int64_t case_id[BIO_CASES_MAX];
	struct bio_hit hit[BIO_CASES_MAX];
	double search_ms;
	size_t gallery_fingers;
};

int bio_enrol(store *db, const struct keyring *kr, struct bio_gallery *g,
	      const struct audit_actor *actor, const struct bio_enrol_req *r,
	      struct bio_enrol_result *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Decode one image as enrolment accepts it: caps, format, a declared
 * resolution within FP_IMAGE_MIN_DPI..FP_IMAGE_MAX_DPI (IMAGE_RESOLUTION
 * otherwise). IMAGE_TOO_LARGE (413), IMAGE_FORMAT / IMAGE_CORRUPT (400). */
struct fp_image;
int bio_image_decode(const uint8_t *bytes, size_t len, struct fp_image *img,
		     struct sh_err *err) __attribute__((warn_unused_result));
/* The same for an image filed under finger `position` (1..10, 0 = no
 * check): an ISO/IEC 19794-4 finger image record must name that position
 * (CAPTURE_POSITION otherwise). Records are decoded by fp_iso_image.h:
 * IMAGE_CORRUPT for a malformed or truncated one, IMAGE_FORMAT for WSQ,
 * JPEG 2000, version 020 or several fingers in one record. */
int bio_image_decode_at(const uint8_t *bytes, size_t len, int position,
			struct fp_image *img, struct sh_err *err)
	__attribute__((warn_unused_result));

/* The person's biometric state for reading APIs: never a template. */
struct bio_status_finger {
	int position;
	int quality, low_quality, attempts;
	char missing_reason[32];
	int engine_version;
};
struct bio_status {
	int enrolled;
	int version;
	char state[16];
	int64_t enrolled_at;
	char device_id[BIO_ID_MAX];
	int nfingers;
	struct bio_status_finger finger[BIO_MAX_ITEMS];
};
int bio_status_get(store_tx *tx, const char *id_number, struct bio_status *out,
		   struct sh_err *err) __attribute__((warn_unused_result));

#endif
