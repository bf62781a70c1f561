/* config.c — consent settings: defaults, environment, safe ranges. */
#include "consent/config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/parse.h"

void consent_config_defaults(struct consent_config *c)
{
	c->otp_ttl_seconds = 300;
	c->otp_max_tries = 5;
	c->person_max_failures = 100;
	c->person_free_failures = 5;
	c->clock_skew_seconds = 300;
	c->key_overlap_seconds = 7 * 86400;
	c->citizen_session_seconds = 900;
	c->mobile_max_identities = 5;
	c->person_sms_per_window = 10;
	c->party_sms_per_window = 60000; /* 100 a second, sustained */
	c->login_sms_per_window = 5;
	c->addr_sms_per_window = 20;
	c->sms_inbound_secret = NULL;
	c->reg_short_code = "8300";
	c->status_short_code = "8400";
	c->sms_sender_name = "Shanakht";
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void consent_config_clamp(struct consent_config *c)
{
	c->otp_ttl_seconds = clamp(c->otp_ttl_seconds, 60, 600); /* SP 800-63B: <= 10 min */
	c->otp_max_tries = clamp(c->otp_max_tries, 1, 10);
	c->person_max_failures = clamp(c->person_max_failures, 1, 100); /* SP 800-63B 5.2.2 */
	c->person_free_failures = clamp(c->person_free_failures, 1, c->person_max_failures);
	c->clock_skew_seconds = clamp(c->clock_skew_seconds, 30, 300);
	c->key_overlap_seconds = clamp(c->key_overlap_seconds, 0, 90 * 86400);
	c->citizen_session_seconds = clamp(c->citizen_session_seconds, 60, 3600);
	c->mobile_max_identities = clamp(c->mobile_max_identities, 1, 50);
	c->person_sms_per_window = clamp(c->person_sms_per_window, 1, 1000);
	c->party_sms_per_window = clamp(c->party_sms_per_window, 1, 100000000);
	c->login_sms_per_window = clamp(c->login_sms_per_window, 1, 100);
	c->addr_sms_per_window = clamp(c->addr_sms_per_window, 1, 100000);
}

static void env_int(const char *name, int *v)
{
	const char *s = getenv(name);
	int64_t x;
	if (s && sh_parse_i64(s, 0, 100000000, &x) == 0)
		*v = (int)x;
}

static struct consent_config env_config;
static pthread_once_t env_once = PTHREAD_ONCE_INIT;

static void env_load(void)
{
	struct consent_config *c = &env_config;
	consent_config_defaults(c);
	env_int("SHANAKHT_OTP_TTL", &c->otp_ttl_seconds);
	env_int("SHANAKHT_OTP_MAX_TRIES", &c->otp_max_tries);
	env_int("SHANAKHT_MOBILE_MAX_IDS", &c->mobile_max_identities);
	env_int("SHANAKHT_CITIZEN_SESSION_TTL", &c->citizen_session_seconds);
	env_int("SHANAKHT_KEY_OVERLAP", &c->key_overlap_seconds);
	env_int("SHANAKHT_PARTY_SMS_PER_WINDOW", &c->party_sms_per_window);
	env_int("SHANAKHT_PERSON_SMS_PER_WINDOW", &c->person_sms_per_window);
	const char *s;
	if ((s = getenv("SHANAKHT_SMS_INBOUND_SECRET")) && *s)
		c->sms_inbound_secret = s;
	if ((s = getenv("SHANAKHT_SMS_REG_CODE")) && *s)
		c->reg_short_code = s;
	if ((s = getenv("SHANAKHT_SMS_STATUS_CODE")) && *s)
		c->status_short_code = s;
	consent_config_clamp(c);
}

const struct consent_config *consent_config_env(void)
{
	pthread_once(&env_once, env_load);
	return &env_config;
}
