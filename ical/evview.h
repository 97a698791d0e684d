/*
 * evview - a stored event as its readers see it: iTIP view, organizer
 * address, the counts of its answers, per session for a series
 *
 * SYNOPSIS
 *	void evview_imip(const struct store_event *ev,
 *	    const char *organizer_addr, gint64 now, struct imip_event *out);
 *	char *evview_organizer(const struct store_list *l, gint64 event_id);
 *	char *evview_when(const struct store_event *ev, const char *lang);
 *	void evview_count(const GPtrArray *rsvps, struct evview_counts *n_out);
 *	bool evview_counts_get(struct store *s, gint64 event_id,
 *	    struct evview_counts *n_out, GError **err);
 *	GArray *evview_sessions(const struct store_event *ev,
 *	    const GPtrArray *stored, const GPtrArray *rsvps,
 *	    const GPtrArray *seated, gint64 now, guint max, GError **err);
 *	GArray *evview_sessions_get(struct store *s,
 *	    const struct store_event *ev, gint64 now, guint max,
 *	    GError **err);
 *	const struct evview_session *evview_sessions_next(
 *	    const GArray *sessions);
 *	char *evview_sessions_text(const struct store_event *ev,
 *	    const GArray *sessions, const char *lang);
 *	char *evview_session_label(const struct store_event *ev,
 *	    const struct evview_session *es, const char *lang);
 *	const char *evview_session_skipped(const char *lang);
 *	void evview_series_set(const struct store_event *ev,
 *	    GPtrArray *stored, struct imip_event *iev,
 *	    struct evview_series *sv);
 *	bool evview_series_get(struct store *s, const struct store_event *ev,
 *	    const char *organizer_addr, gint64 now, struct imip_event *iev,
 *	    struct evview_series *sv, GError **err);
 *	void evview_series_clear(struct evview_series *sv);
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
 *
 *	evview_sessions() is what a recurring event's answers say per
 *	session (SPEC "Recurring events"): the first max sessions (struct
 *	evview_session, by actual start) not over by now, within
 *	MOIM_SEAT_HORIZON, skipped and moved ones included and marked,
 *	each with the counts of the answers that count for it (each
 *	address's own answer for that session, else its series answer:
 *	sessions_answers()) with their seats decided as moim-listd
 *	decides them (ical/seats.h seats_words_rsvps()). stored, rsvps
 *	and seated are the event's store_session, store_rsvp and
 *	store_session_seat rows (seated: the seats series answers hold per
 *	session; NULL: none). An event
 *	without a rule gives an empty array: its counts are
 *	evview_count()'s. evview_sessions_get() reads them from the
 *	store. evview_sessions_next() is the first session not skipped.
 *	evview_sessions_text() writes them one line each, in the event's
 *	zone and lang (ko, else en): "  2026-12-23 (수) 19:30  참석 3/20명,
 *	대기 1명, 불참 2명", "attending 3/20, waiting 1, declined 2" (no
 *	"/capacity" without one), a skipped session's counts as
 *	evview_session_skipped(), "휴강"/"skipped"; "  -" for none. Each
 *	line begins with evview_session_label(): the session's local start
 *	(the date alone for an all-day event), for a moved one followed by
 *	"(2026-12-23 (수) 19:30에서 옮김)"/"(moved from ...)".
 *
 *	evview_series_set() adds to iev (made by evview_imip()) what a
 *	series carries in iTIP (ical/imip.h): the rule, one EXDATE per
 *	skipped session and one override per moved one, from stored (the
 *	event's store_session rows, or NULL), so that invitations and the
 *	web's event.ics say the same. evview_series_get() is
 *	evview_imip() and evview_series_set() with the rows the store
 *	holds.
 * OWNERSHIP
 *	evview_organizer(), evview_when() and evview_sessions_text() return
 *	a new string (g_free); evview_sessions() and evview_sessions_get()
 *	a new array (g_array_unref); evview_session_label() a new string,
 *	evview_session_skipped() a static one. out borrows ev.
 *evview_series_set() takes stored; iev then points into sv and ev, and stays
 *valid until evview_series_clear(sv). INPUT AND LIMITS The store's rows are
 *trusted. THREADS No shared state. ERRORS evview_counts_get(),
 *evview_sessions_get(), evview_series_get(): the store's errors;
 *evview_sessions(): a rule that does not parse (ical/sessions.h). SEE ALSO
 *	ical/imip.h, ical/sessions.h, lib/store.h, ical/seats.h, SPEC
 *	"Events and RSVP".
 */
#ifndef MOIM_EVVIEW_H
#define MOIM_EVVIEW_H

#include <stdbool.h>

#include <glib.h>

#include "imip.h"
#include "sessions.h"
#include "store.h"

/* Sessions of a series that the report mail, moimctl event show and the
 * web page show: two months of a weekly one. */
#define EVVIEW_SESSIONS_SHOWN 8

struct evview_counts {
	int attending, waiting, declined, tentative, held;
};

/* One session of a recurring event and the counts of its answers. */
struct evview_session {
	struct session s;
	struct evview_counts n;
};

/* What a series' iTIP view points into (evview_series_set()). */
struct evview_series {
	GPtrArray *sessions; /* struct store_session */
	GArray *exdates; /* int64_t */
	GArray *overrides; /* struct imip_override */
};

void evview_imip(const struct store_event *ev, const char *organizer_addr,
    gint64 now, struct imip_event *out);
char *evview_organizer(const struct store_list *l, gint64 event_id);
char *evview_when(const struct store_event *ev, const char *lang);
void evview_count(const GPtrArray *rsvps, struct evview_counts *n_out);
bool evview_counts_get(struct store *s, gint64 event_id,
    struct evview_counts *n_out, GError **err);
GArray *evview_sessions(const struct store_event *ev, const GPtrArray *stored,
    const GPtrArray *rsvps, const GPtrArray *seated, gint64 now, guint max,
    GError **err);
GArray *evview_sessions_get(struct store *s, const struct store_event *ev,
    gint64 now, guint max, GError **err);
const struct evview_session *evview_sessions_next(const GArray *sessions);
char *evview_sessions_text(
    const struct store_event *ev, const GArray *sessions, const char *lang);
char *evview_session_label(const struct store_event *ev,
    const struct evview_session *es, const char *lang);
const char *evview_session_skipped(const char *lang);
void evview_series_set(const struct store_event *ev, GPtrArray *stored,
    struct imip_event *iev, struct evview_series *sv);
bool evview_series_get(struct store *s, const struct store_event *ev,
    const char *organizer_addr, gint64 now, struct imip_event *iev,
    struct evview_series *sv, GError **err);
void evview_series_clear(struct evview_series *sv);

#endif
