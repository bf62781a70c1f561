/* password.c — password policy and Argon2id hashing (libsodium). */
#include "auth/password.h"

#include <ctype.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

const struct auth_pwcost auth_pwcost_default = {AUTH_PWHASH_OPSLIMIT, AUTH_PWHASH_MEMLIMIT};

/* Dummy hashes for unknown users, one per cost in use (a process uses one
 * or two: the server's, a test's), made on first need. */
#define DUMMY_SLOTS 4
static struct {
	pthread_mutex_t mu;
	struct {
		struct auth_pwcost cost;
		char hash[AUTH_HASH_MAX]; /* "" while unused */
	} slot[DUMMY_SLOTS];
	unsigned next; /* slot to reuse when all are taken */
} D = {.mu = PTHREAD_MUTEX_INITIALIZER};

/* Common choices that meet the length and class rules anyway. */
static const char *const blocklist[] = {
	"password1234", "password12345", "password123456", "passw0rd1234", "qwertyuiop12",
	"qwertyuiop123", "123456789abc", "abc123456789", "1234567890ab", "administrator1",
	"admin1234567", "welcome12345", "shanakht1234", "pakistan1234", "iloveyou1234",
	"letmein12345", "123456qwerty", "qwerty123456", "1q2w3e4r5t6y", "changeme1234",
};

int auth_password_check(const char *pw, const char *username, struct sh_err *err)
{
	if (!pw)
		return sh_err_set(err, SH_EINVAL, "WEAK_PASSWORD", "a password is required");
	size_t bytes = strlen(pw);
	if (bytes > AUTH_PASSWORD_MAX_BYTES)
		return sh_err_set(err, SH_ERULE, "WEAK_PASSWORD", "password longer than %d bytes",
				  AUTH_PASSWORD_MAX_BYTES);
	/* NIST SP 800-63B 5.1.1.2: each Unicode code point counts as one. */
	size_t chars = 0;
	int lower = 0, upper = 0, digit = 0, other = 0, same = 1;
	for (size_t i = 0; i < bytes; i++) {
		unsigned char c = (unsigned char)pw[i];
		if ((c & 0xC0) != 0x80)
			chars++;
		if (c != (unsigned char)pw[0])
			same = 0;
		if (c >= 'a' && c <= 'z')
			lower = 1;
		else if (c >= 'A' && c <= 'Z')
			upper = 1;
		else if (c >= '0' && c <= '9')
			digit = 1;
		else
			other = 1;
	}
	if (chars < AUTH_PASSWORD_MIN_CHARS)
		return sh_err_set(err, SH_ERULE, "WEAK_PASSWORD",
				  "password must have at least %d characters",
				  AUTH_PASSWORD_MIN_CHARS);
	if (same)
		return sh_err_set(err, SH_ERULE, "WEAK_PASSWORD",
				  "password must not be one repeated character");
	if (lower + upper + digit + other < 2)
		return sh_err_set(err, SH_ERULE, "WEAK_PASSWORD",
				  "password must mix at least two of: lower case, upper case, "
				  "digits, other characters");
	if (username && *username && strcasestr(pw, username))
		return sh_err_set(err, SH_ERULE, "WEAK_PASSWORD",
				  "password must not contain the username");
	for (size_t i = 0; i < sizeof blocklist / sizeof blocklist[0]; i++)
		if (strcasecmp(pw, blocklist[i]) == 0)
			return sh_err_set(err, SH_ERULE, "WEAK_PASSWORD",
					  "password is on the list of common passwords");
	return SH_OK;
}

int auth_password_hash(const struct auth_pwcost *cost, const char *pw,
		       char out[AUTH_HASH_MAX], struct sh_err *err)
{
	if (sodium_init() < 0)
		return sh_err_set(err, SH_EINTERNAL, "SODIUM_INIT", "libsodium failed to initialise");
	/* Argon2id (RFC 9106) via crypto_pwhash_str: salt and cost in the string. */
	if (crypto_pwhash_str(out, pw, strlen(pw), cost->opslimit, cost->memlimit) != 0)
		return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "out of memory hashing a password");
	return SH_OK;
}

/* Copy the dummy hash of `cost` into out ("" when it cannot be made). */
static void dummy_hash(const struct auth_pwcost *cost, char out[AUTH_HASH_MAX])
{
	pthread_mutex_lock(&D.mu);
	int k = 0;
	while (k < DUMMY_SLOTS && D.slot[k].hash[0] &&
	       (D.slot[k].cost.opslimit != cost->opslimit ||
		D.slot[k].cost.memlimit != cost->memlimit))
		k++;
	if (k == DUMMY_SLOTS) {
		k = (int)(D.next++ % DUMMY_SLOTS);
		D.slot[k].hash[0] = '\0';
	}
	if (!D.slot[k].hash[0]) {
		unsigned char r[16];
		char pw[33];
		randombytes_buf(r, sizeof r);
		sodium_bin2hex(pw, sizeof pw, r, sizeof r);
		D.slot[k].cost = *cost;
		if (crypto_pwhash_str(D.slot[k].hash, pw, strlen(pw), cost->opslimit,
				      cost->memlimit) != 0)
			D.slot[k].hash[0] = '\0';
	}
	memcpy(out, D.slot[k].hash, AUTH_HASH_MAX);
	pthread_mutex_unlock(&D.mu);
}

int auth_password_verify(const struct auth_pwcost *cost, const char *hash, const char *pw)
{
	if (!pw)
		pw = "";
	if (!hash || !*hash) {
		/* Unknown user: the same Argon2id work, always false. */
		char d[AUTH_HASH_MAX];
		dummy_hash(cost, d);
		if (d[0]) {
			int r = crypto_pwhash_str_verify(d, pw, strlen(pw));
			(void)r;
		}
		return 0;
	}
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

int auth_password_needs_rehash(const struct auth_pwcost *cost, const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, cost->opslimit, cost->memlimit) != 0;
}
