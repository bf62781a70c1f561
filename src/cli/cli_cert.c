/* cli_cert.c — `shanakht cert verify`: check a certificate offline, from
 * its PDF or from the QR payload text alone, with only a public key.
 *
 *   shanakht cert verify FILE.pdf          [--key HEX | --keys DIR]
 *   shanakht cert verify --payload TEXT    [--key HEX | --keys DIR]
 *
 * --key is the Ed25519 public key in hex (GET /api/v1/keys). --keys DIR
 * holds public keys, one hex key per *.pub file (the payload's key id picks
 * the right one); when DIR is a server key directory (master.key) its public
 * key is derived instead. Exit status: 0 valid, 1 not valid, 2 usage.
 *
 * A PDF is checked as a document, not only for the payload it carries
 * (issue 13 item 7): its last line must be the registry's signature over
 * every byte before it (cert/docsig.h), and the payload is read from those
 * signed bytes only. The output says what was checked. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cert/docsig.h"
#include "cert/payload.h"
#include "cert/render.h"
#include "cli/cli.h"
#include "crypto/keyring.h"

#define PDF_MAX (32u << 20)

static int usage(void)
{
	fprintf(stderr, "usage: shanakht cert verify FILE.pdf | --payload TEXT "
			"[--key PUBKEY_HEX | --keys DIR]\n");
	return 2;
}

static int read_file(const char *path, unsigned char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || st.st_size <= 0 || (size_t)st.st_size > PDF_MAX) {
		fclose(f);
		return -1;
	}
	*out = malloc((size_t)st.st_size);
	if (!*out) {
		fclose(f);
		return -1;
	}
	*len = fread(*out, 1, (size_t)st.st_size, f);
	fclose(f);
	return *len == (size_t)st.st_size ? 0 : -1;
}

/* A hex key from a small file, whitespace trimmed. */
static int key_from_file(const char *path, unsigned char pk[CERT_PK_BYTES])
{
	char buf[160];
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return cert_unhex(buf, pk, CERT_PK_BYTES);
}

/* Find the key whose id the payload names in DIR. */
static int key_from_dir(const char *dir, const unsigned char want[CERT_KEY_ID_BYTES],
			unsigned char pk[CERT_PK_BYTES])
{
	char path[4096];
	snprintf(path, sizeof path, "%s/master.key", dir);
	struct stat st;
	if (stat(path, &st) == 0) {
		struct keyring *kr;
		struct sh_err err = {0};
		if (keyring_load(dir, &kr, &err) != SH_OK) {
			fprintf(stderr, "shanakht: %s\n", err.msg);
			return -1;
		}
		keyring_public_key(kr, pk);
		keyring_free(kr);
		return 0;
	}
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *ent;
	int found = -1;
	while (found && (ent = readdir(d)) != NULL) {
		size_t n = strlen(ent->d_name);
		if (n < 5 || strcmp(ent->d_name + n - 4, ".pub") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
		unsigned char id[CERT_KEY_ID_BYTES];
		if (key_from_file(path, pk) == 0) {
			cert_key_id(pk, id);
			if (memcmp(id, want, sizeof id) == 0)
				found = 0;
		}
	}
	closedir(d);
	return found;
}

static void print_payload(const struct cert_payload *p)
{
	char issued[11], kid[2 * CERT_KEY_ID_BYTES + 1];
	sh_date_format(p->issued, issued, sizeof issued);
	cert_hex(p->key_id, CERT_KEY_ID_BYTES, kid);
	printf("kind: %s\nserial: %s\nsubject: %s\nissued: %s\ncopy: %d%s\nkey_id: %s\n",
	       cert_kind_name(p->kind), p->serial, p->subject, issued, p->copy_no,
	       p->copy_no > 1 ? " (duplicate copy)" : "", kid);
	for (int i = 0; i < p->nfacts; i++)
		printf("%s: %s\n", p->facts[i].key, p->facts[i].value);
}

static int verify(int argc, char **argv)
{
	const char *file = NULL, *payload = NULL, *key = NULL, *keys = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--payload") && i + 1 < argc)
			payload = argv[++i];
		else if (!strcmp(argv[i], "--key") && i + 1 < argc)
			key = argv[++i];
		else if (!strcmp(argv[i], "--keys") && i + 1 < argc)
			keys = argv[++i];
		else if (argv[i][0] != '-' && !file)
			file = argv[i];
		else
			return usage();
	}
	if ((!file) == (!payload) || (!key && !keys) || (key && keys))
		return usage();
	static char text[CERT_PAYLOAD_TEXT_MAX];
	struct sh_err err = {0};
	unsigned char *pdf = NULL;
	size_t len = 0;
	struct cert_docsig ds = {0};
	int rc = 1;
	if (file) {
		if (read_file(file, &pdf, &len) != 0) {
			fprintf(stderr, "shanakht: cannot read %s\n", file);
			rc = 2;
			goto out;
		}
		if (cert_docsig_parse(pdf, len, &ds, &err) != SH_OK) {
			printf("INVALID %s: %s.\nNothing in this file was verified: a payload copied "
			       "into a file proves nothing about the file. Check the QR code with "
			       "--payload, or fetch the PDF again.\n",
			       err.code, err.msg);
			goto out;
		}
		/* Only the signed bytes are read from here on. */
		if (cert_pdf_extract(pdf, ds.signed_len, text, sizeof text, &err) != SH_OK) {
			printf("INVALID %s: %s\n", err.code, err.msg);
			goto out;
		}
	} else {
		snprintf(text, sizeof text, "%s", payload);
	}
	struct cert_payload p;
	if (cert_payload_parse(text, &p, &err) != SH_OK) {
		printf("INVALID %s: %s\n", err.code, err.msg);
		goto out;
	}
	if (file && memcmp(ds.key_id, p.key_id, sizeof ds.key_id) != 0) {
		printf("INVALID KEY_MISMATCH: the document and its payload name different keys\n");
		goto out;
	}
	unsigned char pk[CERT_PK_BYTES];
	if (key && cert_unhex(key, pk, sizeof pk) != 0) {
		fprintf(stderr, "shanakht: --key must be 64 hex digits\n");
		rc = 2;
		goto out;
	}
	char kid[2 * CERT_KEY_ID_BYTES + 1];
	cert_hex(p.key_id, CERT_KEY_ID_BYTES, kid);
	if (keys && key_from_dir(keys, p.key_id, pk) != 0) {
		printf("INVALID UNKNOWN_KEY: no public key with id %s in %s\n", kid, keys);
		goto out;
	}
	if (file && cert_docsig_verify(pdf, len, pk, NULL, &err) != SH_OK) {
		printf("INVALID %s: %s (bytes 0-%zu of %zu).\n", err.code, err.msg,
		       ds.signed_len ? ds.signed_len - 1 : 0, len);
		goto out;
	}
	if (cert_payload_verify(text, pk, &p, &err) != SH_OK) {
		printf("INVALID %s: %s\n", err.code, err.msg);
		goto out;
	}
	printf("VALID\n");
	if (file)
		printf("checked: document signature (Ed25519, key %s) over bytes 0-%zu of %zu, "
		       "everything but the signature line: the file, its printed text included, "
		       "is byte for byte as the registry issued it\n",
		       kid, ds.signed_len - 1, len);
	printf("checked: QR payload signature (Ed25519, key %s): the facts below are the "
	       "registry's\n", kid);
	if (!file)
		printf("not checked: any document or paper; compare its printed facts with "
		       "these\n");
	print_payload(&p);
	rc = 0;
out:
	free(pdf);
	return rc;
}

int cli_cert(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "verify"))
		return verify(argc - 1, argv + 1);
	return usage();
}
