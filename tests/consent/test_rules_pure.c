/* test_rules_pure.c — the parts of consent that need no database: the
 * request-signature recipe (known answers computed independently with
 * Python's hmac/hashlib, the worked example of docs/relying-parties.md),
 * policy names, identity-number and phone-number cleaning, config limits. */
#include <criterion/criterion.h>

#include <string.h>

#include "consent/config.h"
#include "consent/consent.h"
#include "consent/party_auth.h"
#include "consent/policy.h"
#include "consent/sms_inbound.h"
#include "notify/sms.h"

#define SECRET "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define NONCE "q7Zr2xW9mK4pL8sT3vYb"

Test(signature, worked_example_post_known_answer)
{
	const char *body = "{\"id_number\":\"3520112345671\",\"purpose\":\"account opening\"}";
	char sig[PARTY_SIG_HEX];
	party_signature(SECRET, "POST", "/api/v1/consents", "1795430000", NONCE, body,
			strlen(body), sig);
	cr_assert_str_eq(sig, "918ecb93171f0ceaae2124fbc8d1be1a72e33684635699a76cfd29e07040e3d2");
}

Test(signature, empty_body_hashes_the_empty_string)
{
	char a[PARTY_SIG_HEX], b[PARTY_SIG_HEX];
	party_signature(SECRET, "GET", "/api/v1/me/verifications", "1795430000", NONCE, NULL, 0, a);
	party_signature(SECRET, "GET", "/api/v1/me/verifications", "1795430000", NONCE, "", 0, b);
	cr_assert_str_eq(a, "03a76591bd6239a68db2424a221fd852a783d8442e3ff8c53863539875160b9c");
	cr_assert_str_eq(a, b);
}

Test(signature, every_field_is_covered)
{
	char base[PARTY_SIG_HEX], x[PARTY_SIG_HEX];
	party_signature(SECRET, "POST", "/p", "1", NONCE, "{}", 2, base);
	party_signature(SECRET, "PUT", "/p", "1", NONCE, "{}", 2, x);
	cr_expect_str_neq(base, x);
	party_signature(SECRET, "POST", "/q", "1", NONCE, "{}", 2, x);
	cr_expect_str_neq(base, x);
	party_signature(SECRET, "POST", "/p", "2", NONCE, "{}", 2, x);
	cr_expect_str_neq(base, x);
	party_signature(SECRET, "POST", "/p", "1", NONCE "x", "{}", 2, x);
	cr_expect_str_neq(base, x);
	party_signature(SECRET, "POST", "/p", "1", NONCE, "{ }", 3, x);
	cr_expect_str_neq(base, x);
	party_signature("ff" SECRET, "POST", "/p", "1", NONCE, "{}", 2, x);
	cr_expect_str_neq(base, x);
}

Test(policy, names_round_trip)
{
	unsigned bits;
	char buf[256];
	cr_assert_eq(vtypes_parse_list("yesno,kyc", &bits), 0);
	cr_assert_eq(bits, VT_YESNO | VT_KYC);
	cr_assert_eq(policy_attrs_parse_list("name_en,dob,address", &bits), 0);
	cr_assert_eq(bits, KA_NAME_EN | KA_DOB | KA_ADDRESS);
	policy_attrs_format(bits, buf, sizeof buf);
	cr_assert_str_eq(buf, "name_en,dob,address");
	cr_assert_neq(policy_attrs_parse_list("name_en,photo", &bits), 0);
	cr_assert_eq(vtype_parse("fingerprint"), VT_FINGERPRINT);
	cr_assert_eq(vtype_parse("retina"), 0);
	cr_assert(policy_sector_valid("telco"));
	cr_assert(!policy_sector_valid("casino"));
}

Test(idnum, cleaning_accepts_dashes_only)
{
	char out[14];
	struct sh_err err = {0};
	cr_assert_eq(consent_idnum_clean("35202-1234567-1", out, &err), SH_OK);
	cr_assert_str_eq(out, "3520212345671");
	cr_assert_eq(consent_idnum_clean("352021234567", out, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "ID_NUMBER");
	cr_assert_eq(consent_idnum_clean("35202123456711", out, &err), SH_EINVAL);
	cr_assert_eq(consent_idnum_clean("3520212345x71", out, &err), SH_EINVAL);
	cr_assert_eq(consent_idnum_clean(NULL, out, &err), SH_EINVAL);
}

Test(sms, phone_numbers_normalize_to_e164)
{
	char out[24];
	struct sh_err err = {0};
	cr_assert_eq(sms_number_normalize("03001234567", out, sizeof out, &err), SH_OK);
	cr_assert_str_eq(out, "+923001234567");
	cr_assert_eq(sms_number_normalize("923001234567", out, sizeof out, &err), SH_OK);
	cr_assert_str_eq(out, "+923001234567");
	cr_assert_eq(sms_number_normalize("+92 300 1234567", out, sizeof out, &err), SH_OK);
	cr_assert_str_eq(out, "+923001234567");
	cr_assert_eq(sms_number_normalize("hello", out, sizeof out, &err), SH_EINVAL);
	cr_assert_eq(sms_number_normalize("12", out, sizeof out, &err), SH_EINVAL);
}

Test(sms, backoff_doubles_and_caps)
{
	cr_assert_eq(sms_backoff_seconds(1), 2);
	cr_assert_eq(sms_backoff_seconds(2), 4);
	cr_assert_eq(sms_backoff_seconds(5), 32);
	cr_assert_eq(sms_backoff_seconds(9), 300);
	cr_assert_eq(sms_backoff_seconds(1000), 300);
}

Test(config, passcode_validity_never_exceeds_ten_minutes)
{
	struct consent_config c;
	consent_config_defaults(&c);
	cr_assert_eq(c.otp_ttl_seconds, 300); /* 5 minutes by default */
	cr_assert_eq(c.otp_max_tries, 5);
	cr_assert_eq(c.person_max_failures, 100);
	c.otp_ttl_seconds = 3600;
	c.person_max_failures = 1000;
	consent_config_clamp(&c);
	cr_assert_eq(c.otp_ttl_seconds, 600); /* NIST SP 800-63B: <= 10 min */
	cr_assert_eq(c.person_max_failures, 100);
}
