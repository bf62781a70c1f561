/* serve.c — `shanakht serve`: open the store, load the keys, migrate, and
 * answer HTTP until SIGINT/SIGTERM. */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_opts.h"
#include "http/http.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "notify/email.h"
#include "notify/sms.h"
#include "api/app.h"
#include "biometrics/bio_gallery.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* DB pool gauges for /metrics. */
static void pool_metrics(void *ctx, struct sh_buf *out)
{
	struct store_pool_stats st;
	store_pool_stats(ctx, &st);
	int rc = sh_buf_printf(out,
			       "# HELP shanakht_db_pool_size Connections in the store pool.\n"
			       "# TYPE shanakht_db_pool_size gauge\n"
			       "shanakht_db_pool_size %d\n"
			       "# HELP shanakht_db_pool_in_use Connections lent out now.\n"
			       "# TYPE shanakht_db_pool_in_use gauge\n"
			       "shanakht_db_pool_in_use %d\n"
			       "# HELP shanakht_db_pool_acquired_total Connections taken from the pool.\n"
			       "# TYPE shanakht_db_pool_acquired_total counter\n"
			       "shanakht_db_pool_acquired_total %llu\n"
			       "# HELP shanakht_db_pool_waited_total Takes that had to wait.\n"
			       "# TYPE shanakht_db_pool_waited_total counter\n"
			       "shanakht_db_pool_waited_total %llu\n"
			       "# HELP shanakht_db_pool_timeouts_total Takes that gave up.\n"
			       "# TYPE shanakht_db_pool_timeouts_total counter\n"
			       "shanakht_db_pool_timeouts_total %llu\n"
			       "# HELP shanakht_db_group_commits_total SQLite writer COMMITs (group commit).\n"
			       "# TYPE shanakht_db_group_commits_total counter\n"
			       "shanakht_db_group_commits_total %llu\n"
			       "# HELP shanakht_db_group_members_total Write transactions those COMMITs carried.\n"
			       "# TYPE shanakht_db_group_members_total counter\n"
			       "shanakht_db_group_members_total %llu\n"
			       "# HELP shanakht_db_wal_restarts_total Times the SQLite WAL was started over.\n"
			       "# TYPE shanakht_db_wal_restarts_total counter\n"
			       "shanakht_db_wal_restarts_total %llu\n",
			       st.size, st.in_use, (unsigned long long)st.acquired,
			       (unsigned long long)st.waited, (unsigned long long)st.timeouts,
			       (unsigned long long)st.group_commits,
			       (unsigned long long)st.group_members,
			       (unsigned long long)st.wal_restarts);
	(void)rc; /* a full metrics buffer only truncates the page */
}

int cli_serve(int argc, char **argv)
{
	struct cli_opts o;
	struct sh_err err = {0};
	struct app app = {0};
	struct http_server *srv = NULL;
	struct sms_sender *sms = NULL;
	struct email_sender *email = NULL;
	int status = 1;

	/* Block the stop signals before any thread starts, so that every
	 * thread inherits the mask and only the main thread's sigsuspend can
	 * take them: a SIGTERM handled by a worker would set the flag without
	 * waking main, and the server would never stop. sigsuspend also makes
	 * a signal between the flag check and the wait impossible to lose. */
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);

	if (cli_opts_parse(argc, argv, &o) != 0)
		return 2;
	/* Each request mallocs and frees a few tens of KiB on its worker
	 * thread's arena; with glibc's default (adaptive, 128 KiB) trim
	 * threshold the arena's heap was shrunk and grown again around most
	 * requests (an mprotect system call each time). Keeping up to 64 MiB
	 * per arena cut server CPU per GET by ~9% (docs/benchmarks.md). */
	(void)mallopt(M_TRIM_THRESHOLD, 64 << 20);
	if (o.verbose)
		sh_log_set_level(SH_LOG_DEBUG);
	/* Default: a thread per HTTP connection, since a handler blocks in the
	 * database (a page read, the write gate, its group's COMMIT); in a
	 * pool of workers the other connections of a blocked worker waited
	 * with it, and that wait made most of the verifications' p99
	 * (decisions D15). `--threads N` still asks for a pool of N.
	 * The store pool: sixteen connections per core (at most 256) plus
	 * room for the background threads (audit writer, SMS sender) — the
	 * requests in the database at once; more wait for a connection. */
	if (!o.pool_size) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		int per_cores = n > 0 && n <= 16 ? 16 * (int)n : n > 16 ? 256 : 32;
		int want = o.threads ? (int)o.threads : per_cores;
		o.pool_size = want + 4 > 1024 ? 1024 : want + 4;
	}

	/* Whatever serve creates (the SQLite file, its -wal and -shm, the
	 * SMS outbox log) is the server's alone: 0600 files in a 0700 var/
	 * (issue 13 item 2; docs/security.md). */
	umask(077);
	if (chmod(o.var_dir, 0700) != 0 && errno != ENOENT)
		fprintf(stderr, "shanakht serve: warning: cannot make %s 0700: %s\n", o.var_dir,
			strerror(errno));
	if (keyring_load(o.keys_dir, &app.keys, &err) != SH_OK) {
		fprintf(stderr, "shanakht serve: %s\n", err.msg);
		goto out;
	}
	if (store_open(o.db_url, o.pool_size, &app.db, &err) != SH_OK) {
		fprintf(stderr, "shanakht serve: %s\n", err.msg);
		goto out;
	}
	if (app_migrate(app.db, &err) != SH_OK) {
		fprintf(stderr, "shanakht serve: migrations failed: %s\n", err.msg);
		goto out;
	}
	if (audit_writer_start(app.db, &err) != SH_OK) {
		fprintf(stderr, "shanakht serve: %s\n", err.msg);
		goto out;
	}
	/* Outbound SMS leave through the outbox, so that a gateway outage
	 * never blocks a request nor loses a message. */
	if (sms_service_start(app.db, o.var_dir, &sms, &err) != SH_OK) {
		fprintf(stderr, "shanakht serve: SMS: %s\n", err.msg);
		goto out;
	}
	if (email_service_start(app.db, &email, &err) != SH_OK) {
		fprintf(stderr, "shanakht serve: e-mail: %s\n", err.msg);
		goto out;
	}
	app.var_dir = o.var_dir;
	app.session_ttl_seconds = o.session_ttl;
	/* The biometric gallery is loaded before the first request. */
	if (bio_gallery_create(&app.gallery, &err) != SH_OK ||
	    bio_gallery_load(app.gallery, app.db, app.keys, &err) != SH_OK) {
		fprintf(stderr, "shanakht serve: biometric gallery: %s\n", err.msg);
		goto out;
	}

	struct http_config cfg = {
		.listen = o.listen,
		.threads = o.threads,
		.max_body = o.max_body,
		.static_dir = o.web_dir,
	};
	struct http_hooks hooks = {
		.authenticate = app_authenticate, .denied = app_denied, .finished = app_finished};
	size_t nroutes;
	const struct http_route *routes = app_routes(&nroutes);
	if (http_server_start(&cfg, routes, nroutes, &hooks, &app, &srv, &err) != SH_OK) {
		fprintf(stderr, "shanakht serve: %s\n", err.msg);
		goto out;
	}
	http_metrics_add_source(srv, pool_metrics, app.db);


	sh_info("shanakht serving on %s (port %u), store %s", o.listen,
		http_server_port(srv), o.db_url);
	/* The bound port, so that --listen 127.0.0.1:0 can be used by tests. */
	char host[128];
	const char *colon = strrchr(o.listen, ':');
	snprintf(host, sizeof host, "%.*s", colon ? (int)(colon - o.listen) : 0, o.listen);
	printf("listening on %s:%u\n", host, http_server_port(srv));
	fflush(stdout);
	while (!stop_requested)
		sigsuspend(&old);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	sh_info("shutting down");
	status = 0;
out:
	if (srv)
		http_server_stop(srv);
	if (sms)
		sms_sender_stop(sms);
	email_service_stop(email);
	audit_writer_stop();
	if (app.db)
		store_close(app.db);
	bio_gallery_free(app.gallery);
	keyring_free(app.keys);
	return status;
}
