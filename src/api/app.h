/* app.h — the running server's context, handed to every HTTP handler as
 * req->app. Owned by `shanakht serve` (src/cli/cli_serve.c). */
#ifndef SH_API_APP_H
#define SH_API_APP_H

#include "audit/audit.h"
#include "crypto/keyring.h"
#include "http/http.h"
#include "store/store.h"

struct auth_pwcost;
struct bio_gallery;

struct app {
	store *db;
	struct keyring *keys;
	const char *var_dir;     /* "var": outbox logs, runtime files */
	int session_ttl_seconds; /* operator bearer tokens */
	/* Argon2id cost of operator passwords (auth/password.h); NULL =
	 * auth_pwcost_default. Configuration, not a global: tests pass a
	 * cheap one. */
	const struct auth_pwcost *pwcost;
	struct bio_gallery *gallery; /* biometrics: the in-memory 1:N gallery (bio_gallery.h) */
};

/* The audit actor for a request's principal (strings borrowed from req). */
struct audit_actor app_actor(const struct http_req *req);

/* http_hooks for the server (see http.h). */
int app_authenticate(void *app, enum http_auth auth, struct http_req *req, struct sh_err *err);
void app_denied(void *app, struct http_req *req, const struct sh_err *why);
/* The finished hook: a relying party's nonce that no committed write
 * recorded (the handler failed, or never wrote) is recorded now, so that
 * every signed request is used once. */
int app_finished(void *app, struct http_req *req, int status, struct sh_err *err);

/* Run the request's write, fn(tx, ctx), as one transaction (store_write:
 * fn may run on the thread of another request's write). A relying party's
 * request records its nonce first, in this same transaction: a replay
 * fails there (PARTY_REPLAY) and changes nothing, and a verification costs
 * one commit, not two. */
int app_write(struct http_req *req, store_write_fn fn, void *ctx, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Apply every module's schema migrations, in dependency order. */
int app_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

/* All routes of all modules, joined (static storage). */
const struct http_route *app_routes(size_t *count);

#endif
