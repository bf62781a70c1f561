/* email_sender.c — the background thread that empties the e-mail outbox
 * (started by `shanakht serve` when SHANAKHT_SMTP_URL is set; without it,
 * messages wait in the outbox, nothing is lost). */
#include "notify/email.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "lib/log.h"
#include "lib/parse.h"

struct email_sender {
	store *db;
	struct email_smtp cfg;
	int poll_ms;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop;
};

static void *sender_main(void *arg)
{
	struct email_sender *s = arg;
	for (;;) {
		struct sh_err err = {0};
		int rc = email_outbox_pump(s->db, &s->cfg, sh_now(), &err);
		if (rc < 0)
			sh_warn("email: outbox pass failed: %s %s", err.code, err.msg);
		pthread_mutex_lock(&s->lock);
		if (!s->stop && rc <= 0) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += (long)s->poll_ms * 1000000L;
			ts.tv_sec += ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			while (!s->stop && pthread_cond_timedwait(&s->cond, &s->lock, &ts) != ETIMEDOUT)
				;
		}
		int stop = s->stop;
		pthread_mutex_unlock(&s->lock);
		if (stop)
			break;
	}
	return NULL;
}

int email_service_start(store *db, struct email_sender **out, struct sh_err *err)
{
	*out = NULL;
	struct email_smtp cfg;
	int rc = email_smtp_env(&cfg, err);
	if (rc == SH_ERULE) { /* not configured: the outbox keeps the mail */
		sh_info("email: SHANAKHT_SMTP_URL not set; e-mail stays in the outbox");
		return SH_OK;
	}
	if (rc != SH_OK)
		return rc;
	struct email_sender *s = calloc(1, sizeof *s);
	if (!s)
		return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
	s->db = db;
	s->cfg = cfg;
	s->poll_ms = 250;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	if (pthread_create(&s->thread, NULL, sender_main, s) != 0) {
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->lock);
		free(s);
		return sh_err_set(err, SH_EINTERNAL, "THREAD", "cannot start the e-mail sender");
	}
	sh_info("email: sender started for %s", cfg.url);
	*out = s;
	return SH_OK;
}

void email_service_stop(struct email_sender *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
