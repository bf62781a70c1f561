/* routes.h — every module's route table. Each handler file (h_<module>.c)
 * defines `const struct http_route <module>_routes[]` and
 * `const size_t <module>_routes_count`; src/api/routes.c joins them. */
#ifndef SH_API_ROUTES_H
#define SH_API_ROUTES_H

#include <stddef.h>

#include "http/http.h"

/* registry: src/api/h_persons.c, src/api/h_address.c */
extern const struct http_route persons_routes[];
extern const size_t persons_routes_count;
extern const struct http_route address_routes[];
extern const size_t address_routes_count;
extern const struct http_route auth_routes[];
extern const size_t auth_routes_count;
extern const struct http_route audit_routes[];
extern const size_t audit_routes_count;
/* civil registration and certificates: src/api/h_crvs.c, src/api/h_cert.c */
extern const struct http_route crvs_routes[];
extern const size_t crvs_routes_count;
extern const struct http_route cert_routes[];
extern const size_t cert_routes_count;
/* consent and verification (h_parties.c, h_consent.c, h_verify.c,
 * h_citizen.c, h_sms.c) */
extern const struct http_route parties_routes[];
extern const size_t parties_routes_count;
extern const struct http_route consent_routes[];
extern const size_t consent_routes_count;
extern const struct http_route verify_routes[];
extern const size_t verify_routes_count;
extern const struct http_route citizen_routes[];
extern const size_t citizen_routes_count;
extern const struct http_route sms_routes[];
extern const size_t sms_routes_count;
/* the served API description and its page: src/api/h_docs.c */
extern const struct http_route docs_routes[];
extern const size_t docs_routes_count;
/* biometric repository (h_bio.c, h_bio_case.c) */
extern const struct http_route bio_routes[];
extern const size_t bio_routes_count;
extern const struct http_route bio_case_routes[];
extern const size_t bio_case_routes_count;
/* the web pages' cookie sessions: src/api/h_web.c */
extern const struct http_route web_routes[];
extern const size_t web_routes_count;
extern const struct http_route me_routes[];
extern const size_t me_routes_count;
/* online applications (h_apps.c) */
extern const struct http_route apps_routes[];
extern const size_t apps_routes_count;
/* data concordance of council registers (h_concord.c) */
extern const struct http_route concord_routes[];
extern const size_t concord_routes_count;
/* registry-quality indicators and fraud-signal cases (h_quality.c) */
extern const struct http_route quality_routes[];
extern const size_t quality_routes_count;

/* vital statistics (h_vitals.c) */
extern const struct http_route vitals_routes[];
extern const size_t vitals_routes_count;

#endif
