/*
 * digest - daily MIME digests for members in digest mode
 *
 * SYNOPSIS
 *	gint64 digest_due_at(GTimeZone *tz, int secs, gint64 oldest);
 *	void digest_timer(struct listd *d, struct store *s, gint64 now);
 * DESCRIPTION
 *	digest_timer() sends every digest that is due (copy.c queues the posts);
 *	digest_due_at() is when the digest of posts queued since oldest goes
 *	out: the first time of day secs (in tz) at or after it.
 */
#ifndef MOIM_DIGEST_H
#define MOIM_DIGEST_H

#include "listd.h"
#include "store.h"

gint64 digest_due_at(GTimeZone *tz, int secs, gint64 oldest);
void digest_timer(struct listd *d, struct store *s, gint64 now);

#endif
