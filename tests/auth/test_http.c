/* test_http.c — the session, user and audit endpoints over real HTTP
 * (in-process server with this module's routes and a bearer-token hook). */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "auth/sessions.h"
#include "auth/users.h"
#include "crypto/keyring.h"
#include "e2e.h"
#include "api/routes.h"
#include "api/app.h"
#include "testdb.h"

#define PW "Correct-horse-42"

static char *url;
static struct app app;
/* Cheap Argon2id for tests (app configuration, as serve sets it). */
static const struct auth_pwcost cheap = {1, crypto_pwhash_MEMLIMIT_MIN};
static struct http_server *srv;
static struct e2e_server s; /* the validating proxy in front of srv */
static char admin_tok[80], auditor_tok[80], reg_tok[80];

/* This test's own actor mapping (the server's lives in src/server/app.c). */
struct audit_actor app_actor(const struct http_req *req)
{
	struct audit_actor a = {.kind = req->principal.kind == PRINCIPAL_OPERATOR ? "operator"
									     : "anonymous"};
	a.id = req->principal.id;
	a.name = req->principal.name[0] ? req->principal.name : NULL;
	a.role = req->principal.role[0] ? req->principal.role : NULL;
	a.request_id = req->request_id;
	a.client_addr = req->client_addr;
	return a;
}

static int authenticate(void *ctx, enum http_auth auth, struct http_req *req,
			struct sh_err *err)
{
	struct app *a = ctx;
	if (auth == HTTP_AUTH_NONE)
		return SH_OK;
	const char *h = http_header(req, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return sh_err_set(err, SH_EUNAUTH, "AUTH_REQUIRED", "bearer token required");
	return auth_session_check(a->db, a->keys, h + 7, &req->principal, err);
}

static void create_user(const char *name, unsigned role)
{
	struct sh_err err;
	store_tx *tx;
	struct audit_actor sys = {.kind = "system"};
	cr_assert_eq(store_begin(app.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(auth_user_create(tx, &sys, &cheap, name, PW, role, NULL, NULL, &err), SH_OK, "%s",
		     err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
}

static void setup(void)
{
	struct sh_err err;
	unsigned char master[32] = {5};
	app.pwcost = &cheap;
	cr_assert_eq(keyring_from_master(master, &app.keys, &err), SH_OK);
	url = testdb_url();
	cr_assert_eq(store_open(url, 4, &app.db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audit_migrate(app.db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(auth_migrate(app.db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audit_writer_start(app.db, &err), SH_OK);
	app.session_ttl_seconds = 3600;
	create_user("admin", ROLE_ADMIN);
	create_user("auditor", ROLE_AUDITOR);
	create_user("reg", ROLE_UC_REGISTRAR);

	static struct http_route routes[32];
	size_t n = 0;
	for (size_t i = 0; i < auth_routes_count; i++)
		routes[n++] = auth_routes[i];
	for (size_t i = 0; i < audit_routes_count; i++)
		routes[n++] = audit_routes[i];
	struct http_config cfg = {.listen = "127.0.0.1:0", .threads = 2};
	struct http_hooks hooks = {.authenticate = authenticate};
	cr_assert_eq(http_server_start(&cfg, routes, n, &hooks, &app, &srv, &err), SH_OK, "%s",
		     err.msg);
	/* Every answer goes through the validating proxy (docs/openapi.yaml). */
	cr_assert_eq(e2e_validate(&s, http_server_port(srv)), 0, "the answer validator starts");
	cr_assert_eq(e2e_login(&s, "admin", PW, admin_tok), 200);
	cr_assert_eq(e2e_login(&s, "auditor", PW, auditor_tok), 200);
	cr_assert_eq(e2e_login(&s, "reg", PW, reg_tok), 200);
}

static void teardown(void)
{
	e2e_validate_stop(&s);
	http_server_stop(srv);
	audit_writer_stop();
	store_close(app.db);
	keyring_free(app.keys);
	testdb_drop(url);
}

TestSuite(http_auth, .init = setup, .fini = teardown);

static long req(const char *method, const char *path, const char *tok, const char *body,
		struct e2e_resp *r)
{
	cr_assert_eq(e2e_request(&s, method, path, tok, body, NULL, r), 0, "%s %s", method, path);
	return r->status;
}

/* The status of a request whose answer needs no further look. */
static long status_of(const char *method, const char *path, const char *tok, const char *body)
{
	struct e2e_resp r;
	long status = req(method, path, tok, body, &r);
	e2e_resp_free(&r);
	return status;
}

Test(http_auth, login_whoami_logout)
{
	struct e2e_resp r;
	cr_assert_eq(req("POST", "/api/v1/session", NULL, "{\"username\":\"reg\",\"password\":\"nope-nope-nope-1\"}", &r), 401);
	cr_assert_str_eq(e2e_error_code(&r), "INVALID_CREDENTIALS");
	e2e_resp_free(&r);
	cr_assert_eq(req("POST", "/api/v1/session", NULL, "{\"username\":\"nobody\",\"password\":\"nope-nope-nope-1\"}", &r), 401);
	cr_assert_str_eq(e2e_error_code(&r), "INVALID_CREDENTIALS");
	e2e_resp_free(&r);
	cr_assert_eq(status_of("POST", "/api/v1/session", NULL, "{\"username\":\"reg\"}"), 400);

	cr_assert_eq(req("POST", "/api/v1/session", NULL, "{\"username\":\"reg\",\"password\":\"" PW "\"}", &r), 200);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "role")), "uc_registrar");
	cr_assert(json_is_integer(json_object_get(r.json, "expires_at")));
	char tok[80];
	snprintf(tok, sizeof tok, "%s", json_string_value(json_object_get(r.json, "token")));
	cr_assert_eq(strlen(tok), 64);
	e2e_resp_free(&r);

	cr_assert_eq(req("GET", "/api/v1/session", tok, NULL, &r), 200);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "username")), "reg");
	e2e_resp_free(&r);
	cr_assert_eq(status_of("DELETE", "/api/v1/session", tok, NULL), 204);
	cr_assert_eq(status_of("GET", "/api/v1/session", tok, NULL), 401);
	cr_assert_eq(status_of("GET", "/api/v1/session", reg_tok, NULL), 200);
}

Test(http_auth, throttled_login_says_when_to_retry)
{
	struct e2e_resp r;
	int fails = 0;
	long st = 0;
	for (int i = 0; i < 10; i++) {
		st = req("POST", "/api/v1/session", NULL,
			 "{\"username\":\"reg\",\"password\":\"Wrong-password-1\"}", &r);
		if (st == 429)
			break;
		cr_assert_eq(st, 401);
		fails++;
		e2e_resp_free(&r);
	}
	cr_assert_eq(st, 429);
	/* Normally the 6th attempt; the 7th if a second ticked over in between. */
	cr_assert(fails == 5 || fails == 6, "%d failures before 429", fails);
	cr_assert_str_eq(e2e_error_code(&r), "LOGIN_THROTTLED");
	cr_assert_neq(r.retry_after[0], '\0', "no Retry-After");
	cr_assert_geq(strtol(r.retry_after, NULL, 10), 1);
	e2e_resp_free(&r);
}

Test(http_auth, users_admin_only_and_disable_revokes)
{
	struct e2e_resp r;
	const char *body = "{\"username\":\"clerk.1\",\"password\":\"" PW "\",\"role\":\"court_clerk\","
			   "\"council_code\":\"KHI-7\"}";
	cr_assert_eq(status_of("POST", "/api/v1/users", reg_tok, body), 403);
	cr_assert_eq(status_of("POST", "/api/v1/users", auditor_tok, body), 403);
	cr_assert_eq(status_of("POST", "/api/v1/users", NULL, body), 401);
	cr_assert_eq(req("POST", "/api/v1/users", admin_tok, body, &r), 201);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "council_code")), "KHI-7");
	e2e_resp_free(&r);
	cr_assert_eq(req("POST", "/api/v1/users", admin_tok, body, &r), 409);
	cr_assert_str_eq(e2e_error_code(&r), "USERNAME_TAKEN");
	e2e_resp_free(&r);
	cr_assert_eq(status_of("POST", "/api/v1/users", admin_tok,
			       "{\"username\":\"weak\",\"password\":\"short\",\"role\":\"admin\"}"),
		     422);
	cr_assert_eq(status_of("POST", "/api/v1/users", admin_tok,
			       "{\"username\":\"r2\",\"password\":\"" PW "\",\"role\":\"king\"}"),
		     400);

	cr_assert_eq(req("GET", "/api/v1/users?limit=2", auditor_tok, NULL, &r), 200);
	cr_assert_eq(json_array_size(json_object_get(r.json, "users")), 2);
	cr_assert(json_is_integer(json_object_get(r.json, "next_after")));
	e2e_resp_free(&r);
	cr_assert_eq(status_of("GET", "/api/v1/users", reg_tok, NULL), 403);

	char clerk[80];
	cr_assert_eq(e2e_login(&s, "clerk.1", PW, clerk), 200);
	cr_assert_eq(req("POST", "/api/v1/users/clerk.1/disable", admin_tok, NULL, &r), 200);
	cr_assert(json_is_true(json_object_get(r.json, "disabled")));
	e2e_resp_free(&r);
	cr_assert_eq(status_of("GET", "/api/v1/session", clerk, NULL), 401);
	cr_assert_eq(status_of("POST", "/api/v1/users/admin/disable", admin_tok, NULL), 422);
	cr_assert_eq(status_of("POST", "/api/v1/users/ghost/disable", admin_tok, NULL), 404);
	cr_assert_eq(status_of("POST", "/api/v1/users/clerk.1/enable", admin_tok, NULL), 200);
	cr_assert_eq(e2e_login(&s, "clerk.1", PW, clerk), 200);
}

static void hex32(json_t *j, unsigned char out[32])
{
	size_t n = 0;
	const char *h = json_string_value(j);
	cr_assert_not_null(h);
	cr_assert_eq(sodium_hex2bin(out, 32, h, strlen(h), NULL, &n, NULL), 0);
	cr_assert_eq(n, 32);
}

static const char *str_or_null(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Everything an outside verifier needs comes from the API. */
Test(http_auth, audit_root_entries_and_proofs_verify_from_the_api)
{
	struct e2e_resp r;
	cr_assert_eq(status_of("GET", "/api/v1/audit/root", reg_tok, NULL), 403);
	/* ?verify=yes is refused, not answered without the verification */
	cr_assert_eq(req("GET", "/api/v1/audit/root?verify=yes", auditor_tok, NULL, &r), 400);
	cr_assert_str_eq(e2e_error_code(&r), "BAD_QUERY");
	e2e_resp_free(&r);
	cr_assert_eq(status_of("GET", "/api/v1/audit/root?verify=0", auditor_tok, NULL), 200);
	cr_assert_eq(req("GET", "/api/v1/audit/root?verify=1", auditor_tok, NULL, &r), 200);
	uint64_t size = (uint64_t)json_integer_value(json_object_get(r.json, "size"));
	cr_assert_geq(size, 6); /* 3 user.create + 3 auth.login */
	cr_assert(json_is_true(json_object_get(r.json, "verified")));
	struct audit_head h = {.size = size};
	unsigned char pk[32], sig[64], msg[AUDIT_HEAD_MSG_BYTES];
	hex32(json_object_get(r.json, "root"), h.root);
	hex32(json_object_get(r.json, "public_key"), pk);
	size_t n = 0;
	const char *sh = json_string_value(json_object_get(r.json, "signature"));
	cr_assert_eq(sodium_hex2bin(sig, 64, sh, strlen(sh), NULL, &n, NULL), 0);
	audit_head_message(&h, msg);
	cr_assert_eq(keyring_verify(pk, msg, sizeof msg, sig), SH_OK);
	e2e_resp_free(&r);

	/* Recompute every leaf from the JSON fields, then the root. */
	char path[96];
	snprintf(path, sizeof path, "/api/v1/audit/entries?from=0&limit=%llu",
		 (unsigned long long)size);
	cr_assert_eq(req("GET", path, auditor_tok, NULL, &r), 200);
	json_t *arr = json_object_get(r.json, "entries");
	cr_assert_eq(json_array_size(arr), size);
	unsigned char (*leaves)[32] = calloc(size, 32);
	for (size_t i = 0; i < size; i++) {
		json_t *e = json_array_get(arr, i), *a = json_object_get(e, "actor");
		struct audit_entry ent = {
			.idx = (uint64_t)json_integer_value(json_object_get(e, "idx")),
			.at = json_integer_value(json_object_get(e, "at")),
			.at_text = str_or_null(e, "at_text"),
			.actor_kind = str_or_null(a, "kind"),
			.actor_id = json_integer_value(json_object_get(a, "id")),
			.actor_name = str_or_null(a, "name"),
			.actor_role = str_or_null(a, "role"),
			.action = str_or_null(e, "action"),
			.object = str_or_null(e, "object"),
			.detail = str_or_null(e, "detail"),
			.request_id = str_or_null(e, "request_id"),
			.client_addr = str_or_null(e, "client_addr"),
		};
		struct sh_err err;
		unsigned char stated[32];
		cr_assert_eq(audit_entry_hash(&ent, leaves[i], &err), SH_OK);
		hex32(json_object_get(e, "leaf_hash"), stated);
		cr_assert_eq(memcmp(leaves[i], stated, 32), 0, "entry %zu", i);
	}
	unsigned char root[32];
	audit_merkle_root((const unsigned char (*)[32])leaves, size, root);
	cr_assert_eq(memcmp(root, h.root, 32), 0);
	e2e_resp_free(&r);
	cr_assert_eq(status_of("GET", "/api/v1/audit/entries", reg_tok, NULL), 403);

	/* A consistency proof from size 2 to `size` checks against the roots. */
	snprintf(path, sizeof path, "/api/v1/audit/consistency?first=2&second=%llu",
		 (unsigned long long)size);
	cr_assert_eq(req("GET", path, auditor_tok, NULL, &r), 200);
	unsigned char r1[32], r2[32];
	hex32(json_object_get(r.json, "first_root"), r1);
	hex32(json_object_get(r.json, "second_root"), r2);
	audit_merkle_root((const unsigned char (*)[32])leaves, 2, root);
	cr_assert_eq(memcmp(root, r1, 32), 0);
	cr_assert_eq(memcmp(h.root, r2, 32), 0);
	json_t *pj = json_object_get(r.json, "proof");
	size_t np = json_array_size(pj);
	unsigned char (*proof)[32] = calloc(np + 1, 32);
	for (size_t i = 0; i < np; i++)
		hex32(json_array_get(pj, i), proof[i]);
	cr_assert_eq(audit_consistency_check(2, size, r1, r2, (const unsigned char (*)[32])proof, np),
		     SH_OK);
	free(proof);
	free(leaves);
	e2e_resp_free(&r);
	cr_assert_eq(status_of("GET", "/api/v1/audit/consistency?first=0", auditor_tok, NULL), 400);

	cr_assert_eq(req("GET", "/api/v1/audit/verify", admin_tok, NULL, &r), 200);
	cr_assert(json_is_true(json_object_get(r.json, "consistent")));
	e2e_resp_free(&r);
	/* Tamper with one entry behind the server's back. */
	struct sh_err err;
	store_tx *tx;
	cr_assert_eq(store_begin(app.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(store_run(tx, &err, "UPDATE audit_log SET actor_name = 'mallory' WHERE idx = 1",
			       ""),
		     1);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	cr_assert_eq(req("GET", "/api/v1/audit/verify", admin_tok, NULL, &r), 409);
	cr_assert_str_eq(e2e_error_code(&r), "AUDIT_TAMPERED");
	cr_assert_eq(json_integer_value(json_object_get(r.json, "first_bad_index")), 1);
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/audit/root?verify=1", auditor_tok, NULL, &r), 200);
	cr_assert(json_is_false(json_object_get(r.json, "verified")));
	e2e_resp_free(&r);
}

Test(http_auth, password_reset_and_change)
{
	struct e2e_resp r;
	cr_assert_eq(status_of("POST", "/api/v1/users/reg/password", reg_tok,
			 "{\"password\":\"Another-Pass-55\"}"), 403);
	cr_assert_eq(status_of("POST", "/api/v1/users/reg/password", admin_tok,
			 "{\"password\":\"Another-Pass-55\"}"), 200);
	cr_assert_eq(status_of("GET", "/api/v1/session", reg_tok, NULL), 401);
	char tok[80];
	cr_assert_eq(e2e_login(&s, "reg", "Another-Pass-55", tok), 200);
	cr_assert_eq(req("POST", "/api/v1/session/password", tok,
			 "{\"current_password\":\"Wrong-password-1\",\"new_password\":\"Third-Pass-999\"}",
			 &r), 403);
	cr_assert_str_eq(e2e_error_code(&r), "WRONG_PASSWORD");
	e2e_resp_free(&r);
	cr_assert_eq(req("POST", "/api/v1/session/password", tok,
			 "{\"current_password\":\"Another-Pass-55\",\"new_password\":\"Third-Pass-999\"}",
			 &r), 204);
	e2e_resp_free(&r);
	cr_assert_eq(status_of("GET", "/api/v1/session", tok, NULL), 200);
	cr_assert_eq(e2e_login(&s, "reg", "Third-Pass-999", tok), 200);
}
