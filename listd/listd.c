/*
 * listd - moim-listd's shared state: the configuration in force, the
 * wake-up of the threads, the stop
 *
 * The functions every thread calls on struct listd (listd.h); main.c
 * owns the struct and its signals, the threads only read and wait.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <unistd.h>

#include "listd.h"
#include "log.h"
#include "store.h"

#define LISTD_OPEN_MIN_MS 100
#define LISTD_OPEN_MAX_MS 5000

/* listd_cfg - the configuration in force */
struct moim_config *
listd_cfg(struct listd *d)
{
	return g_atomic_pointer_get(&d->cfg);
}

/* listd_kick - wake the threads waiting for work */
void
listd_kick(struct listd *d)
{
	uint64_t one = 1;

	g_mutex_lock(&d->lock);
	d->gen++;
	g_cond_broadcast(&d->cond);
	g_mutex_unlock(&d->lock);
	/* Nonblocking: a full counter already means "wake up". */
	if (d->has_kick_fd)
		(void)!write(d->kick_fd, &one, sizeof(one));
}

/* listd_wait - wait up to max_ms for a kick newer than *seen_gen */
bool
listd_wait(struct listd *d, guint64 *seen_gen, int max_ms)
{
	return listd_wait_until(d, seen_gen,
	    g_get_monotonic_time() + max_ms * G_TIME_SPAN_MILLISECOND);
}

/* listd_wait_until - wait until the monotonic time until for a kick
 * newer than *seen_gen */
bool
listd_wait_until(struct listd *d, guint64 *seen_gen, gint64 until)
{
	bool kicked;

	g_mutex_lock(&d->lock);
	while (d->gen == *seen_gen && !d->stopping)
		if (!g_cond_wait_until(&d->cond, &d->lock, until))
			break;
	kicked = d->gen != *seen_gen;
	*seen_gen = d->gen;
	g_mutex_unlock(&d->lock);
	return kicked;
}

/* kicked_since - whether a kick newer than *seen_gen came (or the stop);
 * *seen_gen moves to it */
static bool
kicked_since(struct listd *d, guint64 *seen_gen, bool *is_over_out)
{
	bool kicked;

	g_mutex_lock(&d->lock);
	kicked = d->gen != *seen_gen;
	*is_over_out = kicked || d->stopping;
	*seen_gen = d->gen;
	g_mutex_unlock(&d->lock);
	return kicked;
}

/* listd_wait_fd_until - listd_wait_until(), and also until fd (>= 0) is
 * readable, which returns true; one thread only (the kick descriptor's
 * count is read by whoever polls it) */
bool
listd_wait_fd_until(struct listd *d, guint64 *seen_gen, gint64 until, int fd)
{
	struct pollfd p[2];
	uint64_t n;
	bool is_over;

	if (fd < 0 || !d->has_kick_fd)
		return listd_wait_until(d, seen_gen, until);
	p[0] = (struct pollfd){.fd = d->kick_fd, .events = POLLIN};
	p[1] = (struct pollfd){.fd = fd, .events = POLLIN};
	for (;;) {
		gint64 left = until - g_get_monotonic_time();
		bool kicked = kicked_since(d, seen_gen, &is_over);
		int rc;

		if (is_over || left <= 0)
			return kicked;
		/* A kick after the check above is counted in kick_fd. */
		rc = poll(p, 2, (int)MIN((left + 999) / 1000, G_MAXINT));
		if (rc < 0 && errno != EINTR)
			return false;
		if (rc > 0 && (p[0].revents & POLLIN))
			(void)!read(d->kick_fd, &n, sizeof(n));
		if (rc > 0 && p[1].revents != 0)
			return true;
	}
}

/* listd_store_open - a connection, tried again with a back-off until
 * the database answers; NULL when stopped first */
struct store *
listd_store_open(struct listd *d, const char *who)
{
	GError *e = NULL;
	gint64 wait_ms = LISTD_OPEN_MIN_MS;
	guint64 gen = 0;
	bool is_failing = false;

	while (!listd_stopping(d)) {
		gint64 at;
		struct store *s =
		    store_open(listd_cfg(d)->database, STORE_RW, &e);

		if (s != NULL) {
			if (is_failing)
				log_info("%s: database open again", who);
			return s;
		}
		if (!is_failing)
			log_error("%s: %s; trying again", who, e->message);
		is_failing = true;
		g_clear_error(&e);
		/* Kicks (LMTP, DNS) do not shorten the back-off. */
		at = g_get_monotonic_time() + wait_ms * G_TIME_SPAN_MILLISECOND;
		while (!listd_stopping(d) && g_get_monotonic_time() < at)
			(void)listd_wait_until(d, &gen, at);
		wait_ms = MIN(wait_ms * 2, LISTD_OPEN_MAX_MS);
	}
	return NULL;
}

/* listd_stopping - whether SIGTERM asked us to finish */
bool
listd_stopping(struct listd *d)
{
	bool s;

	g_mutex_lock(&d->lock);
	s = d->stopping;
	g_mutex_unlock(&d->lock);
	return s;
}
