/* routes.c — the server's route table: every module's routes, joined once,
 * plus the health check. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api/routes.h"
#include "api/app.h"

/* GET /healthz: the process answers and the store answers a query. */
static void h_healthz(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	int rc = store_begin(app->db, STORE_READ, &tx, &err);
	if (rc == SH_OK)
		rc = store_query(tx, &st, &err, "SELECT 1", "");
	if (rc == SH_OK)
		rc = store_step(st, &err) == STORE_ROW ? SH_OK : SH_EDB;
	store_finalize(st);
	if (tx)
		store_rollback(tx);
	if (rc != SH_OK) {
		http_reply_error(resp, 503, "STORE_UNAVAILABLE", err.msg[0] ? err.msg : "store down");
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:s, s:s, s:s}", "status", "ok", "store",
					     store_backend_of(app->db) == STORE_SQLITE ? "sqlite" :
										 "postgresql",
					     "version", "0.1.0"));
}

static const struct http_route server_routes[] = {
	{"GET", "/healthz", h_healthz, HTTP_AUTH_NONE, 0},
};

static const struct {
	const struct http_route *routes;
	const size_t *count;
} tables[] = {
	{server_routes, NULL},
	{auth_routes, &auth_routes_count},
	{audit_routes, &audit_routes_count},
	{persons_routes, &persons_routes_count},
	{address_routes, &address_routes_count},
	{crvs_routes, &crvs_routes_count},
	{cert_routes, &cert_routes_count},
	{parties_routes, &parties_routes_count},
	{consent_routes, &consent_routes_count},
	{verify_routes, &verify_routes_count},
	{citizen_routes, &citizen_routes_count},
	{sms_routes, &sms_routes_count},
	{docs_routes, &docs_routes_count},
	{bio_routes, &bio_routes_count},
	{bio_case_routes, &bio_case_routes_count},
	{web_routes, &web_routes_count},
	{apps_routes, &apps_routes_count},
	{concord_routes, &concord_routes_count},
	{quality_routes, &quality_routes_count},
	{vitals_routes, &vitals_routes_count},
	{me_routes, &me_routes_count},
};

static struct http_route *all;
static size_t all_count;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void join_routes(void)
{
	size_t n = 0;
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		n += tables[t].count ? *tables[t].count : sizeof server_routes / sizeof server_routes[0];
	all = calloc(n, sizeof *all);
	if (!all)
		return;
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
		size_t c = tables[t].count ? *tables[t].count
					   : sizeof server_routes / sizeof server_routes[0];
		memcpy(all + all_count, tables[t].routes, c * sizeof *all);
		all_count += c;
	}
}

const struct http_route *app_routes(size_t *count)
{
	pthread_once(&once, join_routes);
	*count = all_count;
	return all;
}
