/* h_audit.c — HTTP adapters for the audit log:
 *   GET /api/v1/audit/root          signed tree head (admin, auditor); ?verify=1
 *                                   also runs a full verification
 *   GET /api/v1/audit/verify        full verification (admin, auditor)
 *   GET /api/v1/audit/entries       ?from=&limit= (auditor, admin)
 *   GET /api/v1/audit/consistency   ?first=&second= RFC 6962 proof (admin, auditor) */
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "api/h_common.h"
#include "api/routes.h"
#include "lib/parse.h"
#include "api/app.h"

static json_t *hex_json(const unsigned char *p, size_t n)
{
	char s[2 * 64 + 1];
	sodium_bin2hex(s, sizeof s, p, n);
	return json_string(s);
}

static void add_verification(struct app *app, json_t *out, struct sh_err *err, int *fatal)
{
	struct audit_head computed = {0};
	uint64_t bad = 0;
	int rc = audit_verify(app->db, &computed, &bad, err);
	*fatal = 0;
	if (rc == SH_OK) {
		json_object_set_new(out, "verified", json_true());
	} else if (rc == SH_ECONFLICT) {
		json_object_set_new(out, "verified", json_false());
		json_object_set_new(out, "first_bad_index", json_integer((json_int_t)bad));
		json_object_set_new(out, "computed_size", json_integer((json_int_t)computed.size));
		json_object_set_new(out, "computed_root", hex_json(computed.root, AUDIT_HASH_BYTES));
	} else {
		*fatal = 1;
	}
}

static void audit_root(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	struct audit_head h;
	/* ?verify=yes must not quietly answer without the verification. */
	const char *v = http_query(req, "verify");
	bool verify = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	if (v && *v && !verify && strcmp(v, "0") != 0 && strcmp(v, "false") != 0) {
		http_reply_error(resp, 400, "BAD_QUERY", "verify must be 1, true, 0 or false");
		return;
	}
	if (audit_head(app->db, &h, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	unsigned char msg[AUDIT_HEAD_MSG_BYTES], sig[KEYRING_SIG_BYTES], pk[KEYRING_PK_BYTES];
	audit_head_message(&h, msg);
	keyring_sign(app->keys, msg, sizeof msg, sig);
	keyring_public_key(app->keys, pk);
	json_t *out = json_pack("{s:I, s:o, s:o, s:o, s:s}", "size", (json_int_t)h.size, "root",
				hex_json(h.root, sizeof h.root), "signature",
				hex_json(sig, sizeof sig), "public_key", hex_json(pk, sizeof pk),
				"signed_message",
				"\"shanakht-audit-v1\" || size (8 bytes, big-endian) || root");
	if (verify) {
		int fatal;
		add_verification(app, out, &err, &fatal);
		if (fatal) {
			json_decref(out);
			http_reply_err(resp, &err);
			return;
		}
	}
	http_reply_json(resp, 200, out);
}

static void audit_verify_all(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	struct audit_head computed = {0};
	uint64_t bad = 0;
	int rc = audit_verify(app->db, &computed, &bad, &err);
	if (rc == SH_ECONFLICT) {
		/* The error body, plus where the damage starts. */
		http_reply_json(resp, 409,
				json_pack("{s:{s:s, s:s}, s:I}", "error", "code", err.code,
					  "message", err.msg, "first_bad_index", (json_int_t)bad));
		return;
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200,
			json_pack("{s:b, s:I, s:o}", "consistent", 1, "size",
				  (json_int_t)computed.size, "root",
				  hex_json(computed.root, sizeof computed.root)));
}

static int entry_json(void *ctx, const struct audit_entry *e)
{
	json_t *arr = ctx;
	json_t *o = json_pack("{s:I, s:I, s:s, s:{s:s, s:I, s:s?, s:s?}, s:s, s:s?, s:s?, s:s?, "
			      "s:s?, s:o}",
			      "idx", (json_int_t)e->idx, "at", (json_int_t)e->at, "at_text",
			      e->at_text ? e->at_text : "", "actor", "kind",
			      e->actor_kind ? e->actor_kind : "", "id", (json_int_t)e->actor_id,
			      "name", e->actor_name, "role", e->actor_role, "action",
			      e->action ? e->action : "", "object", e->object, "detail", e->detail,
			      "request_id", e->request_id, "client_addr", e->client_addr,
			      "leaf_hash", hex_json(e->leaf_hash, AUDIT_HASH_BYTES));
	if (!o)
		return SH_ENOMEM;
	json_array_append_new(arr, o);
	return 0;
}

static void audit_list(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	int64_t from, limit;
	if (h_query_i64(req, "from", 0, INT64_MAX, 0, &from, &err) != SH_OK ||
	    h_query_i64(req, "limit", 1, 1000, 100, &limit, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	json_t *arr = json_array();
	int rc = audit_entries(app->db, (uint64_t)from, (size_t)limit, entry_json, arr, &err);
	if (rc != SH_OK) {
		json_decref(arr);
		if (rc == SH_ENOMEM)
			sh_err_set(&err, SH_ENOMEM, "NO_MEMORY", "out of memory");
		http_reply_err(resp, &err);
		return;
	}
	/* Audit entries name the people acted on: reading them is audited. */
	char object[64];
	snprintf(object, sizeof object, "audit:%lld+%zu", (long long)from, json_array_size(arr));
	struct audit_actor actor = app_actor(req);
	audit_enqueue(&actor, "audit.read", object, NULL);
	json_t *out = json_pack("{s:o}", "entries", arr);
	size_t n = json_array_size(arr);
	if ((int64_t)n == limit)
		json_object_set_new(out, "next_from", json_integer((json_int_t)(from + limit)));
	http_reply_json(resp, 200, out);
}

static void audit_consistency(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	struct audit_head h;
	int64_t first, second;
	if (audit_head(app->db, &h, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	if (h_query_i64(req, "first", 1, INT64_MAX, 0, &first, &err) != SH_OK ||
	    h_query_i64(req, "second", 1, INT64_MAX, (int64_t)h.size, &second, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	if (first == 0 || first > second || (uint64_t)second > h.size) {
		http_reply_error(resp, 400, "BAD_TREE_SIZES",
				 "need 1 <= first <= second <= the current tree size");
		return;
	}
	unsigned char r1[AUDIT_HASH_BYTES], r2[AUDIT_HASH_BYTES];
	unsigned char (*proof)[AUDIT_HASH_BYTES] = NULL;
	size_t np = 0;
	if (audit_root_at(app->db, (uint64_t)first, r1, &err) != SH_OK ||
	    audit_root_at(app->db, (uint64_t)second, r2, &err) != SH_OK ||
	    audit_consistency_proof(app->db, (uint64_t)first, (uint64_t)second, &proof, &np,
				    &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < np; i++)
		json_array_append_new(arr, hex_json(proof[i], AUDIT_HASH_BYTES));
	free(proof);
	http_reply_json(resp, 200,
			json_pack("{s:I, s:I, s:o, s:o, s:o}", "first", (json_int_t)first, "second",
				  (json_int_t)second, "first_root", hex_json(r1, sizeof r1),
				  "second_root", hex_json(r2, sizeof r2), "proof", arr));
}

/* GET /api/v1/audit/inclusion?index=&size= (issue 16): the audit path of
 * one entry to the tree head of the first `size` entries (default: the
 * current size), with that head signed like /audit/root, so that a page can
 * recompute the entry's leaf hash, fold the path and check the signature. */
static void audit_inclusion(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	struct audit_head h;
	int64_t index, size;
	if (audit_head(app->db, &h, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	if (h_query_i64(req, "index", 0, INT64_MAX, -1, &index, &err) != SH_OK ||
	    h_query_i64(req, "size", 1, INT64_MAX, (int64_t)h.size, &size, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	if (index < 0 || index >= size || (uint64_t)size > h.size) {
		http_reply_error(resp, 400, "BAD_INDEX",
				 "need 0 <= index < size <= the current tree size");
		return;
	}
	struct audit_head at = {.size = (uint64_t)size};
	unsigned char leaf[AUDIT_HASH_BYTES];
	unsigned char (*proof)[AUDIT_HASH_BYTES] = NULL;
	size_t np = 0;
	if (audit_inclusion_proof(app->db, (uint64_t)index, (uint64_t)size, leaf, at.root, &proof,
				  &np, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	unsigned char msg[AUDIT_HEAD_MSG_BYTES], sig[KEYRING_SIG_BYTES], pk[KEYRING_PK_BYTES];
	audit_head_message(&at, msg);
	keyring_sign(app->keys, msg, sizeof msg, sig);
	keyring_public_key(app->keys, pk);
	json_t *arr = json_array();
	for (size_t i = 0; i < np; i++)
		json_array_append_new(arr, hex_json(proof[i], AUDIT_HASH_BYTES));
	free(proof);
	http_reply_json(resp, 200,
			json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:o}", "index", (json_int_t)index,
				  "size", (json_int_t)size, "leaf_hash", hex_json(leaf, sizeof leaf),
				  "root", hex_json(at.root, sizeof at.root), "proof", arr,
				  "signature", hex_json(sig, sizeof sig), "public_key",
				  hex_json(pk, sizeof pk)));
}

const struct http_route audit_routes[] = {
	{"GET", "/api/v1/audit/root", audit_root, HTTP_AUTH_OPERATOR, ROLE_ADMIN | ROLE_AUDITOR},
	{"GET", "/api/v1/audit/verify", audit_verify_all, HTTP_AUTH_OPERATOR,
	 ROLE_ADMIN | ROLE_AUDITOR},
	{"GET", "/api/v1/audit/entries", audit_list, HTTP_AUTH_OPERATOR, ROLE_AUDITOR | ROLE_ADMIN},
	{"GET", "/api/v1/audit/consistency", audit_consistency, HTTP_AUTH_OPERATOR,
	 ROLE_ADMIN | ROLE_AUDITOR},
	{"GET", "/api/v1/audit/inclusion", audit_inclusion, HTTP_AUTH_OPERATOR,
	 ROLE_ADMIN | ROLE_AUDITOR},
};
const size_t audit_routes_count = sizeof audit_routes / sizeof audit_routes[0];
