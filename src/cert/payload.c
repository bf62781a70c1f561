/* payload.c — packing, signing and verifying certificate QR payloads
 * (layout in payload.h). */
#include "cert/payload.h"

#include <sodium.h>
#include <string.h>

#include "cert/base45.h"

static const char *const kind_names[] = {
	[CERT_BIRTH] = "birth", [CERT_DEATH] = "death", [CERT_MARRIAGE] = "marriage",
	[CERT_DIVORCE] = "divorce", [CERT_FRC] = "frc",
};

const char *cert_kind_name(enum cert_kind k)
{
	if ((int)k < CERT_BIRTH || (int)k > CERT_FRC)
		return "unknown";
	return kind_names[k];
}

int cert_kind_parse(const char *s)
{
	for (int k = CERT_BIRTH; s && k <= CERT_FRC; k++)
		if (strcmp(kind_names[k], s) == 0)
			return k;
	return -1;
}

int cert_payload_add(struct cert_payload *p, const char *key, const char *value,
		     struct sh_err *err)
{
	if (p->nfacts >= CERT_FACTS_MAX)
		return sh_err_set(err, SH_ETOOBIG, "PAYLOAD_TOO_BIG", "too many facts");
	struct cert_fact *f = &p->facts[p->nfacts];
	size_t kl = strlen(key), vl = strlen(value ? value : "");
	if (kl == 0 || kl >= sizeof f->key || vl >= sizeof f->value)
		return sh_err_set(err, SH_ETOOBIG, "PAYLOAD_TOO_BIG", "fact %s too long", key);
	memcpy(f->key, key, kl + 1);
	memcpy(f->value, value ? value : "", vl + 1);
	p->nfacts++;
	return SH_OK;
}

const char *cert_payload_fact(const struct cert_payload *p, const char *key)
{
	for (int i = 0; i < p->nfacts; i++)
		if (strcmp(p->facts[i].key, key) == 0)
			return p->facts[i].value;
	return NULL;
}

void cert_key_id(const unsigned char pk[CERT_PK_BYTES], unsigned char id[CERT_KEY_ID_BYTES])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, pk, CERT_PK_BYTES);
	memcpy(id, h, CERT_KEY_ID_BYTES);
}

void cert_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int cert_unhex(const char *in, unsigned char *out, size_t n)
{
	if (strlen(in) != 2 * n)
		return -1;
	for (size_t i = 0; i < 2 * n; i++) {
		char c = in[i];
		int v = c >= '0' && c <= '9' ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (v < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (unsigned char)(v << 4);
		else
			out[i / 2] |= (unsigned char)v;
	}
	return 0;
}

/* A bounded writer over a fixed byte array. */
struct packer {
	unsigned char *b;
	size_t len, cap;
	int overflow;
};

static void put(struct packer *w, const void *p, size_t n)
{
	if (w->overflow || n > w->cap - w->len) {
		w->overflow = 1;
		return;
	}
	memcpy(w->b + w->len, p, n);
	w->len += n;
}

static void put_u8(struct packer *w, unsigned v)
{
	unsigned char c = (unsigned char)v;
	put(w, &c, 1);
}

static void put_str(struct packer *w, const char *s)
{
	size_t n = strlen(s);
	if (n > 255) {
		w->overflow = 1;
		return;
	}
	put_u8(w, (unsigned)n);
	put(w, s, n);
}

static int pack(const struct cert_payload *p, unsigned char *buf, size_t cap, size_t *len,
		struct sh_err *err)
{
	struct packer w = {buf, 0, cap, 0};
	int64_t days = sh_date_to_days(p->issued);
	if (days < 0 || days > UINT32_MAX || p->copy_no < 1 || p->copy_no > 0xFFFF)
		return sh_err_set(err, SH_EINVAL, "PAYLOAD_INVALID", "issue date or copy out of range");
	put_u8(&w, CERT_PAYLOAD_VERSION);
	put_u8(&w, (unsigned)p->kind);
	put(&w, p->key_id, CERT_KEY_ID_BYTES);
	put_str(&w, p->serial);
	put_str(&w, p->subject);
	unsigned char d[4] = {(unsigned char)(days >> 24), (unsigned char)(days >> 16),
			      (unsigned char)(days >> 8), (unsigned char)days};
	put(&w, d, 4);
	put_u8(&w, (unsigned)p->copy_no >> 8);
	put_u8(&w, (unsigned)p->copy_no & 0xFF);
	put_u8(&w, (unsigned)p->nfacts);
	for (int i = 0; i < p->nfacts; i++) {
		put_str(&w, p->facts[i].key);
		put_str(&w, p->facts[i].value);
	}
	if (w.overflow)
		return sh_err_set(err, SH_ETOOBIG, "PAYLOAD_TOO_BIG",
				  "payload over %zu bytes", cap);
	*len = w.len;
	return SH_OK;
}

int cert_payload_sign(struct cert_payload *p, const unsigned char pk[CERT_PK_BYTES],
		      cert_sign_fn sign, void *sign_ctx, char *out, size_t n,
		      struct sh_err *err)
{
	unsigned char buf[CERT_PAYLOAD_BYTES_MAX];
	size_t len = 0;
	p->version = CERT_PAYLOAD_VERSION;
	cert_key_id(pk, p->key_id);
	int rc = pack(p, buf, sizeof buf - CERT_SIG_BYTES, &len, err);
	if (rc)
		return rc;
	sign(sign_ctx, buf, len, buf + len);
	len += CERT_SIG_BYTES;
	size_t plen = strlen(CERT_PAYLOAD_PREFIX);
	if (n <= plen)
		return sh_err_set(err, SH_ETOOBIG, "PAYLOAD_TOO_BIG", "no room for payload text");
	memcpy(out, CERT_PAYLOAD_PREFIX, plen);
	return base45_encode(buf, len, out + plen, n - plen, err);
}

/* A bounded reader; any short read marks the whole parse bad. */
struct reader {
	const unsigned char *b;
	size_t len, pos;
	int bad;
};

static unsigned get_u8(struct reader *r)
{
	if (r->bad || r->pos >= r->len) {
		r->bad = 1;
		return 0;
	}
	return r->b[r->pos++];
}

static void get(struct reader *r, void *out, size_t n)
{
	if (r->bad || n > r->len - r->pos) {
		r->bad = 1;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->b + r->pos, n);
	r->pos += n;
}

static void get_str(struct reader *r, char *out, size_t cap)
{
	size_t n = get_u8(r);
	if (n >= cap) {
		r->bad = 1;
		out[0] = '\0';
		return;
	}
	get(r, out, n);
	out[n] = '\0';
	if (memchr(out, '\0', n))
		r->bad = 1; /* an embedded NUL would hide bytes from readers */
}

/* Decode text into raw bytes and parse them; *signed_len is the length of
 * the signed part (everything before the signature). */
static int decode(const char *text, unsigned char *buf, size_t cap, size_t *len,
		  size_t *signed_len, struct cert_payload *out, struct sh_err *err)
{
	size_t plen = strlen(CERT_PAYLOAD_PREFIX);
	if (!text || strncmp(text, CERT_PAYLOAD_PREFIX, plen) != 0)
		return sh_err_set(err, SH_EINVAL, "PAYLOAD_INVALID",
				  "payload does not start with %s", CERT_PAYLOAD_PREFIX);
	int rc = base45_decode(text + plen, buf, cap, len, err);
	if (rc)
		return sh_err_set(err, SH_EINVAL, "PAYLOAD_INVALID", "payload is not base45");
	if (*len < CERT_SIG_BYTES + 2)
		return sh_err_set(err, SH_EINVAL, "PAYLOAD_INVALID", "payload too short");
	struct reader r = {buf, *len - CERT_SIG_BYTES, 0, 0};
	memset(out, 0, sizeof *out);
	out->version = (int)get_u8(&r);
	if (out->version != CERT_PAYLOAD_VERSION)
		return sh_err_set(err, SH_EINVAL, "PAYLOAD_VERSION",
				  "payload version %d is not supported", out->version);
	out->kind = (enum cert_kind)get_u8(&r);
	get(&r, out->key_id, CERT_KEY_ID_BYTES);
	get_str(&r, out->serial, sizeof out->serial);
	get_str(&r, out->subject, sizeof out->subject);
	unsigned char d[4];
	get(&r, d, 4);
	int64_t days = ((int64_t)d[0] << 24) | ((int64_t)d[1] << 16) | ((int64_t)d[2] << 8) | d[3];
	out->issued = sh_days_to_date(days);
	out->copy_no = (int)(get_u8(&r) << 8);
	out->copy_no |= (int)get_u8(&r);
	out->nfacts = (int)get_u8(&r);
	if (out->nfacts > CERT_FACTS_MAX)
		r.bad = 1;
	for (int i = 0; !r.bad && i < out->nfacts; i++) {
		get_str(&r, out->facts[i].key, sizeof out->facts[i].key);
		get_str(&r, out->facts[i].value, sizeof out->facts[i].value);
	}
	if (r.bad || r.pos != r.len || (int)out->kind < CERT_BIRTH || out->kind > CERT_FRC ||
	    out->copy_no < 1)
		return sh_err_set(err, SH_EINVAL, "PAYLOAD_INVALID", "payload is malformed");
	*signed_len = r.len;
	return SH_OK;
}

int cert_payload_parse(const char *text, struct cert_payload *out, struct sh_err *err)
{
	unsigned char buf[CERT_PAYLOAD_BYTES_MAX];
	size_t len, signed_len;
	return decode(text, buf, sizeof buf, &len, &signed_len, out, err);
}

int cert_payload_verify(const char *text, const unsigned char pk[CERT_PK_BYTES],
			struct cert_payload *out, struct sh_err *err)
{
	unsigned char buf[CERT_PAYLOAD_BYTES_MAX];
	size_t len, signed_len;
	struct cert_payload p;
	int rc = decode(text, buf, sizeof buf, &len, &signed_len, &p, err);
	if (rc)
		return rc;
	unsigned char id[CERT_KEY_ID_BYTES];
	cert_key_id(pk, id);
	if (memcmp(id, p.key_id, CERT_KEY_ID_BYTES) != 0) {
		char want[9], got[9];
		cert_hex(p.key_id, CERT_KEY_ID_BYTES, want);
		cert_hex(id, CERT_KEY_ID_BYTES, got);
		return sh_err_set(err, SH_ERULE, "KEY_MISMATCH",
				  "payload was signed by key %s, not %s", want, got);
	}
	/* RFC 8032 Ed25519; libsodium rejects non-canonical signatures. */
	if (crypto_sign_verify_detached(buf + signed_len, buf, signed_len, pk) != 0)
		return sh_err_set(err, SH_ERULE, "SIGNATURE_INVALID",
				  "the payload's signature does not verify");
	if (out)
		*out = p;
	return SH_OK;
}
