/* e2e.h — end-to-end tests against the real `shanakht` binary over HTTP.
 *
 * e2e_start() makes a temporary var/ directory and a fresh database on the
 * backend under test (testdb.h), runs `shanakht init` with a known admin
 * password, then `shanakht serve --listen 127.0.0.1:0` and reads the bound
 * port from its first line of output. Requests go through libcurl.
 *
 * Every answer is checked against docs/openapi.yaml: e2e_start() puts the
 * validating proxy tools/openapi/validator.mjs (Node, npm packages installed
 * by scripts/deps --test) in front of the server, `port` and `base` are the
 * proxy's, and an answer whose status, headers or body differ from the
 * description fails the running test (at the request, and again at
 * e2e_stop). SHANAKHT_OPENAPI_VALIDATE=0 talks to the server directly
 * (debugging only); SHANAKHT_OPENAPI_RECORD=FILE appends every exchange to
 * FILE. */
#ifndef SH_TEST_E2E_H
#define SH_TEST_E2E_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

#define E2E_ADMIN_PASSWORD "correct-horse-battery-staple-42"

struct e2e_server {
	pid_t pid;
	unsigned port;      /* where requests go: the validating proxy's port */
	unsigned server_port; /* the server's own port */
	pid_t proxy_pid;    /* the validator, or 0 when SHANAKHT_OPENAPI_VALIDATE=0 */
	int proxy_fd;       /* the validator's stdout, kept open */
	char dir[256];      /* temporary var dir */
	char keys[300];
	char *db_url;       /* owned (testdb) */
	char base[64];      /* "http://127.0.0.1:PORT" */
	char admin_token[80];
	int out_fd;         /* the server's stdout, kept open */
	char **init_output; /* e2e_start_demo: where init's output goes */
};

struct e2e_resp {
	long status;
	char *body;         /* NUL-terminated, owned */
	size_t len;
	json_t *json;       /* parsed body or NULL, owned */
	char request_id[80];
	char content_type[128];
	char retry_after[32];
	char violation[1600]; /* X-OpenAPI-Violation: how the answer differs, or "" */
};

/* Start a server (and log in as admin into s->admin_token). Extra `serve`
 * arguments may be given (NULL-terminated array, or NULL). Returns 0. */
int e2e_start(struct e2e_server *s, const char *const *serve_args);
/* The same after `shanakht init --demo`; init's output (malloc'd) into
 * *init_output when not NULL. */
int e2e_start_demo(struct e2e_server *s, char **init_output);
/* An in-process server (http_server_start in the test itself) on
 * server_port gets the same validating proxy: s->port and s->base become
 * the proxy's, so e2e_request() checks every answer against
 * docs/openapi.yaml. A temporary s->dir is made when empty. Returns 0.
 * e2e_validate_stop() stops the proxy, fails the test for every answer that
 * differed, and removes that directory. */
int e2e_validate(struct e2e_server *s, unsigned server_port);
void e2e_validate_stop(struct e2e_server *s);
/* SIGTERM and wait; returns the server's exit status (0 on a clean stop). */
int e2e_stop(struct e2e_server *s);

/* One request. token: bearer token or NULL; body: JSON text or NULL.
 * extra_headers: NULL-terminated "Name: value" strings or NULL. */
int e2e_request(struct e2e_server *s, const char *method, const char *path, const char *token,
		const char *body, const char *const *extra_headers, struct e2e_resp *out);
/* The same with a jansson body (not stolen). */
int e2e_request_json(struct e2e_server *s, const char *method, const char *path,
		     const char *token, json_t *body, struct e2e_resp *out);
void e2e_resp_free(struct e2e_resp *r);
/* "error.code" of a JSON error body, or "". */
const char *e2e_error_code(const struct e2e_resp *r);

/* POST /api/v1/session; token into out (>= 80 bytes). Returns HTTP status. */
long e2e_login(struct e2e_server *s, const char *username, const char *password, char *out);
/* Create an operator as admin and log in as it. Returns 0. */
int e2e_operator(struct e2e_server *s, const char *username, const char *role,
		 const char *council, char *token_out);

/* A relying party's signed request (docs/relying-parties.md): X-Party-Key,
 * X-Timestamp (now), X-Nonce (fresh, or `nonce` to replay one) and
 * X-Signature over body (may be NULL). Returns what e2e_request returns. */
int e2e_party_request(struct e2e_server *s, const char *key_id, const char *secret,
		      const char *method, const char *path, const char *body,
		      const char *nonce, struct e2e_resp *out);

/* Run the shanakht binary with args (NULL-terminated), output (stdout and
 * stderr) into *output (malloc'd, may be NULL). Returns the exit status. */
int e2e_run_cli(const char *const *args, char **output);

/* An identity number as answered (dashed, 35202-1234567-1) reduced to its 13
 * digits in out (NUL-terminated; stops at 13 digits). */
void e2e_idnum_digits(const char *printed, char out[14]);

/* A software capture device (`shanakht device keygen`) registered through
 * POST /api/v1/biometrics/devices by the admin for council; asserts 201 and
 * status approved. The private key is written to key_path (in s->dir). */
void e2e_bio_device(struct e2e_server *s, const char *device_id, const char *serial,
		    const char *council, char *key_path, size_t key_path_n);

/* `shanakht device sign` of FVC fingers subjects[0..n) at impression imp
 * (files fvc_dir/<subject>_<imp>.tif) as positions 1..n by operator op for
 * idn, with extra CLI args (NULL-terminated, or NULL). Returns the capture's
 * JSON (malloc'd; asserts the command succeeded). */
char *e2e_bio_sign(const char *key_path, const char *device_id, const char *op,
		   const char *idn, const char *fvc_dir, const int *subjects, int n, int imp,
		   const char *const *extra);

#endif
