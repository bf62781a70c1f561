/* h_bio_capture.h — the JSON form of a device-signed fingerprint capture
 * ({envelope, signature, images, missing, document, exemption}), decoded
 * for the biometric repository; shared by enrolment, 1:1 verification at
 * councils and relying parties' fingerprint eKYC (h_verify.c). */
#ifndef SH_API_H_BIO_CAPTURE_H
#define SH_API_H_BIO_CAPTURE_H

#include <jansson.h>

#include "biometrics/bio_enrol.h"
#include "http/http.h"

/* Decode obj into r (zeroed by the caller); strings point into obj and the
 * image bytes live in the request's arena. CAPTURE_INVALID, CAPTURE_SIGNATURE,
 * ENROL_NO_FINGERS, CAPTURE_TOO_MANY, IMAGE_INVALID, IMAGE_TOO_LARGE. */
int h_bio_decode_capture(struct http_req *req, json_t *obj, struct bio_enrol_req *r,
			 struct sh_err *err) __attribute__((warn_unused_result));

#endif
