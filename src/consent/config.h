/* config.h — settings of consent, verification and citizen SMS, with their
 * safe defaults. Domain functions take the config explicitly; the server
 * reads it once from the environment (consent_config_env). */
#ifndef SH_CONSENT_CONFIG_H
#define SH_CONSENT_CONFIG_H

struct consent_config {
	/* NIST SP 800-63B 5.1.3.2: an out-of-band code is valid <= 10 minutes. */
	int otp_ttl_seconds;        /* default 300, clamped to [60, 600] */
	int otp_max_tries;          /* wrong tries per passcode, default 5 */
	/* NIST SP 800-63B 5.2.2: at most 100 consecutive failures per factor. */
	int person_max_failures;    /* default 100, clamped to [1, 100] */
	int person_free_failures;   /* failures before delays start, default 5 */
	int clock_skew_seconds;     /* signed-request window, default 300 */
	int key_overlap_seconds;    /* old key lives on after rotation, 7 days */
	int citizen_session_seconds;/* citizen session lifetime, default 900 */
	int mobile_max_identities;  /* identities bound to one mobile, default 5 */
	/* Passcode SMS budgets per CONSENT_BUDGET_WINDOW (10 minutes), each
	 * its own counter (consent_budgets): a relying party's consents per
	 * person and per party, a citizen's own sign-ins per person and per
	 * source address. Anonymous sign-ins never spend the consent budget. */
	int person_sms_per_window;  /* consents per person, default 10 */
	int party_sms_per_window;   /* consents per relying party, default 60000 */
	int login_sms_per_window;   /* sign-in passcodes per person, default 5 */
	int addr_sms_per_window;    /* sign-in passcodes per source address, default 20 */
	const char *sms_inbound_secret; /* shared secret in /sms/inbound?secret= */
	const char *reg_short_code;     /* mobile registration, default "8300" */
	const char *status_short_code;  /* application status, default "8400" */
	const char *sms_sender_name;    /* shown in texts, default "Shanakht" */
};

/* The defaults above. */
void consent_config_defaults(struct consent_config *c);
/* Defaults overridden by SHANAKHT_OTP_TTL, SHANAKHT_OTP_MAX_TRIES,
 * SHANAKHT_MOBILE_MAX_IDS, SHANAKHT_SMS_INBOUND_SECRET,
 * SHANAKHT_SMS_REG_CODE, SHANAKHT_SMS_STATUS_CODE,
 * SHANAKHT_CITIZEN_SESSION_TTL, SHANAKHT_KEY_OVERLAP,
 * SHANAKHT_PARTY_SMS_PER_WINDOW; values are clamped to
 * their safe ranges. Read once per process; the result is static. */
const struct consent_config *consent_config_env(void);
/* Clamp every field into its safe range (used by both of the above). */
void consent_config_clamp(struct consent_config *c);

#endif
