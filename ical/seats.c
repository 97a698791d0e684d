/*
 * seats - who has a seat at an event with a capacity, and who waits
 */
#include <string.h>

#include "seats.h"
#include "store.h"

/* seats_fit - whether h more seats fit after used */
static bool
seats_fit(int used, int h, int capacity)
{
	return capacity <= 0 || used + h <= capacity;
}

/* seats_keep - seat the answers that held a seat before: all that did
 * not grow, whatever the capacity is now (a lowered capacity takes no
 * seat from anyone), then, in queue order, each grown party that still
 * fits; *used_out is the seats they take */
static void
seats_keep(struct seats_entry *e, size_t n, int capacity, int *used_out)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (e[i].status == SEATS_WAITLIST && e[i].had_seat &&
		    (e[i].held <= 0 || e[i].headcount <= e[i].held)) {
			e[i].status = SEATS_ATTENDING;
			*used_out += e[i].headcount;
		}
	for (i = 0; i < n; i++)
		if (e[i].status == SEATS_WAITLIST && e[i].had_seat &&
		    seats_fit(*used_out, e[i].headcount, capacity)) {
			e[i].status = SEATS_ATTENDING;
			*used_out += e[i].headcount;
		}
}

/* seats_assign - the status of every answer, in queue order */
void
seats_assign(struct seats_entry *e, size_t n, int capacity)
{
	int used = 0, pos = 0;
	bool blocked = false;
	size_t i;

	for (i = 0; i < n; i++) {
		e[i].position = 0;
		if (e[i].answer == SEATS_NO)
			e[i].status = SEATS_DECLINED;
		else if (e[i].answer == SEATS_MAYBE)
			e[i].status = SEATS_TENTATIVE;
		else
			e[i].status = SEATS_WAITLIST;
		if (e[i].answer == SEATS_YES && e[i].headcount < 1)
			e[i].headcount = 1;
		/* A hand promotion adds seats; it takes none of the others'. */
		if (e[i].answer == SEATS_YES && e[i].is_forced)
			e[i].status = SEATS_ATTENDING;
	}
	/* Seats already held come first, then the queue: the capacity
	 * limits promotions only. */
	seats_keep(e, n, capacity, &used);
	for (i = 0; i < n; i++) {
		if (e[i].status != SEATS_WAITLIST)
			continue;
		if (!blocked && !e[i].had_seat &&
		    seats_fit(used, e[i].headcount, capacity)) {
			e[i].status = SEATS_ATTENDING;
			used += e[i].headcount;
			continue;
		}
		blocked = true;
		e[i].position = ++pos;
	}
}

/* seats_recorded - the headcount of address's seat in session id that
 * seated (struct store_session_seat, or NULL) records; 0: none */
int
seats_recorded(const GPtrArray *seated, gint64 id, const char *address)
{
	for (guint i = 0; seated != NULL && i < seated->len; i++) {
		const struct store_session_seat *st = seated->pdata[i];

		if (st->session == id && strcmp(st->address, address) == 0)
			return MAX(st->headcount, 1);
	}
	return 0;
}

/* held_before - the headcount r's seat in session id was held for: a
 * series answer's as seated records it; an answer for the session as
 * before says (the answers before this change; NULL: as r says), or,
 * new to the session, the seat the same address's series answer held
 * there; 0: none */
static int
held_before(const struct store_rsvp *r, gint64 id, const GPtrArray *before,
    const GPtrArray *seated)
{
	if (id == 0)
		return 0;
	if (r->session == 0)
		return seats_recorded(seated, id, r->address);
	if (before == NULL)
		return store_rsvp_has_seat(r) ? r->headcount : 0;
	for (guint i = 0; i < before->len; i++) {
		const struct store_rsvp *o = before->pdata[i];

		if (o->session == r->session &&
		    strcmp(o->address, r->address) == 0)
			return store_rsvp_has_seat(o) && store_rsvp_has_seat(r)
			    ? o->headcount
			    : 0;
	}
	return seats_recorded(seated, id, r->address);
}

/* seats_assign_rsvps - seats_assign() for one session's answers */
void
seats_assign_rsvps(const GPtrArray *rs, gint64 id, int capacity,
    const GPtrArray *before, const GPtrArray *seated, struct seats_entry *e)
{
	for (guint i = 0; i < rs->len; i++) {
		const struct store_rsvp *r = rs->pdata[i];

		e[i].answer = strcmp(r->answer, "accepted") == 0 ? SEATS_YES
		    : strcmp(r->answer, "declined") == 0	 ? SEATS_NO
								 : SEATS_MAYBE;
		e[i].headcount = r->headcount;
		/* A series answer's seat in this session is the one recorded
		 * for it; an answer for this session has its own status. */
		e[i].held = held_before(r, id, before, seated);
		e[i].had_seat = e[i].held > 0;
		e[i].is_forced = strcmp(r->source, "moimctl") == 0;
	}
	seats_assign(e, rs->len, capacity);
}

/* seats_words_rsvps - seats_assign_rsvps() as the status words the store
 * keeps */
void
seats_words_rsvps(const GPtrArray *rs, gint64 id, int capacity,
    const GPtrArray *seated, const char **status_out)
{
	static const char *const words[] = {[SEATS_ATTENDING] = "attending",
	    [SEATS_WAITLIST] = "waitlist",
	    [SEATS_DECLINED] = "declined",
	    [SEATS_TENTATIVE] = "tentative"};
	struct seats_entry *e = g_new0(struct seats_entry, rs->len + 1);

	seats_assign_rsvps(rs, id, capacity, NULL, seated, e);
	for (guint i = 0; i < rs->len; i++)
		status_out[i] = words[e[i].status];
	g_free(e);
}
