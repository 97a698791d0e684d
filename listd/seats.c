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

/* held_before - the headcount r's seat was held for in before (the
 * answers before this change; NULL: as r says); 0: none, as for an
 * answer new to the session */
static int
held_before(const struct store_rsvp *r, const GPtrArray *before)
{
	if (before == NULL)
		return r->headcount;
	for (guint i = 0; i < before->len; i++) {
		const struct store_rsvp *o = before->pdata[i];

		if (o->session == r->session &&
		    strcmp(o->address, r->address) == 0)
			return store_rsvp_has_seat(o) ? o->headcount : 0;
	}
	return 0;
}

/* seats_assign_rsvps - seats_assign() for one session's answers */
void
seats_assign_rsvps(const GPtrArray *rs, gint64 id, int capacity,
    const GPtrArray *before, struct seats_entry *e)
{
	for (guint i = 0; i < rs->len; i++) {
		const struct store_rsvp *r = rs->pdata[i];

		e[i].answer = strcmp(r->answer, "accepted") == 0 ? SEATS_YES
		    : strcmp(r->answer, "declined") == 0	 ? SEATS_NO
								 : SEATS_MAYBE;
		e[i].headcount = r->headcount;
		/* Only an answer for this very session has a status of
		 * this session to go by. */
		e[i].had_seat = id != 0 && r->session == id &&
		    store_rsvp_has_seat(r) && held_before(r, before) > 0;
		e[i].held = e[i].had_seat ? held_before(r, before) : 0;
		e[i].is_forced = strcmp(r->source, "moimctl") == 0;
	}
	seats_assign(e, rs->len, capacity);
}

/* seats_words_rsvps - seats_assign_rsvps() as the status words the store
 * keeps (ical/evview.h evview_seats_fn) */
void
seats_words_rsvps(
    const GPtrArray *rs, gint64 id, int capacity, const char **status_out)
{
	static const char *const words[] = {[SEATS_ATTENDING] = "attending",
	    [SEATS_WAITLIST] = "waitlist",
	    [SEATS_DECLINED] = "declined",
	    [SEATS_TENTATIVE] = "tentative"};
	struct seats_entry *e = g_new0(struct seats_entry, rs->len + 1);

	seats_assign_rsvps(rs, id, capacity, NULL, e);
	for (guint i = 0; i < rs->len; i++)
		status_out[i] = words[e[i].status];
	g_free(e);
}
