/* sms_sender.c — the background thread that empties the SMS outbox. */
#include "notify/sms.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "lib/log.h"
#include "lib/parse.h"

struct sms_sender {
	store *db;
	struct sms_gateway *gw;
	int poll_ms;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop, woken;
};

static void *sender_main(void *arg)
{
	struct sms_sender *s = arg;
	for (;;) {
		struct sh_err err = {0};
		int rc = sms_outbox_pump(s->db, s->gw, sh_now(), &err);
		if (rc < 0)
			sh_warn("sms: outbox pass failed: %s %s", err.code, err.msg);
		pthread_mutex_lock(&s->lock);
		if (!s->stop && !s->woken && rc < SMS_PUMP_BATCH) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += (long)s->poll_ms * 1000000L;
			ts.tv_sec += ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			while (!s->stop && !s->woken &&
			       pthread_cond_timedwait(&s->cond, &s->lock, &ts) != ETIMEDOUT)
				;
		}
		s->woken = 0;
		int stop = s->stop;
		pthread_mutex_unlock(&s->lock);
		if (stop)
			break;
	}
	return NULL;
}

int sms_sender_start(store *db, struct sms_gateway *gw, int poll_ms, struct sms_sender **out,
		     struct sh_err *err)
{
	struct sms_sender *s = calloc(1, sizeof *s);
	if (!s)
		return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
	s->db = db;
	s->gw = gw;
	s->poll_ms = poll_ms > 0 ? poll_ms : 200;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	if (pthread_create(&s->thread, NULL, sender_main, s) != 0) {
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->lock);
		free(s);
		return sh_err_set(err, SH_EINTERNAL, "THREAD", "cannot start the SMS sender");
	}
	sh_info("sms: sender started with the %s gateway", gw->name);
	*out = s;
	return SH_OK;
}

void sms_sender_wake(struct sms_sender *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->woken = 1;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

void sms_sender_stop(struct sms_sender *s)
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
	sms_gateway_free(s->gw);
	free(s);
}

int sms_service_start(store *db, const char *var_dir, struct sms_sender **out,
		      struct sh_err *err)
{
	struct sms_gateway *gw = NULL;
	int rc = sms_gateway_open(getenv("SHANAKHT_SMS_GATEWAY"), var_dir, &gw, err);
	if (rc != SH_OK)
		return rc;
	rc = sms_sender_start(db, gw, 0, out, err);
	if (rc != SH_OK)
		sms_gateway_free(gw);
	return rc;
}
