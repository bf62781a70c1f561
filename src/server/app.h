/* app.h — the running server's context, handed to every HTTP handler as
 * req->app. Owned by `shanakht serve` (src/server/serve.c). */
#ifndef SH_SERVER_APP_H
#define SH_SERVER_APP_H

#include "audit/audit.h"
#include "crypto/keyring.h"
#include "http/http.h"
#include "store/store.h"

struct app {
	store *db;
	struct keyring *keys;
	const char *var_dir;     /* "var": outbox logs, runtime files */
	int session_ttl_seconds; /* operator bearer tokens */
};

/* The audit actor for a request's principal (strings borrowed from req). */
struct audit_actor app_actor(const struct http_req *req);

#endif
