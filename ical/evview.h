/*
 * evview - a stored event as its readers see it: iTIP view, organizer
 * address, the counts of its answers
 *
 * SYNOPSIS
 *	void evview_imip(const struct store_event *ev,
 *	    const char *organizer_addr, gint64 now, struct imip_event *out);
 *	char *evview_organizer(const struct store_list *l, gint64 event_id);
char *evview_when(const struct store_event *ev, const char *lang);
 *	char *evview_when(const struct store_event *ev, const char *lang);
 *	void evview_count(const GPtrArray *rsvps, struct evview_counts *n_out);
 *	bool evview_counts_get(struct store *s, gint64 event_id,
 *	    struct evview_counts *n_out, GError **err);
 * DESCRIPTION
 *	What moim-listd's invitations, moimctl's event show and moim-web's
 *	event page say of one event, made in one place so that they agree.
 *
 *	evview_imip() fills the iTIP view of a stored event (ical/imip.h)
 *	for building REQUEST, CANCEL or PUBLISH; out points into ev.
 *	evview_organizer() is the event's ORGANIZER, L-rsvp+EVENT@D on the
 *	list l it was announced on first (SPEC "Events and RSVP").
 *
 *	evview_when() is the event's time in its own zone (its TZID),
 *	"2026-12-16 14:00-17:00 (Asia/Seoul)", a second date when it ends
 *	on another day; an all-day event is its local dates,
 *	"2027-10-09 ~ 2027-10-11 종일 (Asia/Seoul)", ", all day" for lang
 *	"en". An unknown TZID is read as UTC (and still named).
 *
 *	evview_count() adds up the answers (struct store_rsvp *, in any
 *	order): attending (a seat, store_rsvp_has_seat()), waiting and
 *	tentative in people (headcounts), declined and held (answers from
 *	the uninvited, kept for the organizer) in answers.
 *	evview_counts_get() does it for the answers the store holds.
 * OWNERSHIP
 *	evview_organizer() and evview_when() return a new string (g_free);
 *	out borrows ev.
 * INPUT AND LIMITS
 *	The store's rows are trusted.
 * THREADS
 *	No shared state.
 * ERRORS
 *	evview_counts_get(): the store's errors.
 * SEE ALSO
 *	ical/imip.h, lib/store.h, SPEC "Events and RSVP".
 */
#ifndef MOIM_EVVIEW_H
#define MOIM_EVVIEW_H

#include <stdbool.h>

#include <glib.h>

#include "imip.h"
#include "store.h"

struct evview_counts {
	int attending, waiting, declined, tentative, held;
};

void evview_imip(const struct store_event *ev, const char *organizer_addr,
    gint64 now, struct imip_event *out);
char *evview_organizer(const struct store_list *l, gint64 event_id);
char *evview_when(const struct store_event *ev, const char *lang);
void evview_count(const GPtrArray *rsvps, struct evview_counts *n_out);
bool evview_counts_get(struct store *s, gint64 event_id,
    struct evview_counts *n_out, GError **err);

#endif
