/*
 * listd - moim-listd's shared state: the configuration in force, the
 * wake-up of the threads, the stop
 *
 * The functions every thread calls on struct listd (listd.h); main.c
 * owns the struct and its signals, the threads only read and wait.
 */
#include "listd.h"

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
	g_mutex_lock(&d->lock);
	d->gen++;
	g_cond_broadcast(&d->cond);
	g_mutex_unlock(&d->lock);
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
