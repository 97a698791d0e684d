/*
 * event - events: announcements become events; the events timer
 *
 * SYNOPSIS
 *	bool event_post(struct job *j, bool *handled_out, GError **err);
 *	bool event_wanted(struct job *j, bool *wanted_out, GError **err);
 *	void event_timer(struct listd *d, struct store *s, gint64 now);
 *	gint64 event_next_due(struct listd *d, struct store *s, gint64 now,
 *	    gint64 until);
 *	GHashTable *event_vars(struct job *j, const struct store_event *ev,
 *	    const char *to);
 * DESCRIPTION
 *	event_post() makes an organizer's post with an event block or a calendar
 *	an event and invites the members (*handled_out false: not an event);
 *	event_wanted() says whether a post would be one. event_timer() sends
 *	reminders, changes and cancellations; event_next_due() is when the
 *	next reminder comes due in (now, until]. event_vars() is notice_vars()
 *with the event's variables.
 *
 *	event.c and rsvp.c still call each other (event_vars(); the seated and
 *	the promoted): tests/layers_test.sh counts them as one module.
 */
#ifndef MOIM_EVENT_H
#define MOIM_EVENT_H

#include "job.h"
#include "listd.h"

bool event_post(struct job *j, bool *handled_out, GError **err);
bool event_wanted(struct job *j, bool *wanted_out, GError **err);
void event_timer(struct listd *d, struct store *s, gint64 now);
gint64 event_next_due(
    struct listd *d, struct store *s, gint64 now, gint64 until);
GHashTable *event_vars(
    struct job *j, const struct store_event *ev, const char *to);

#endif
