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
	/* Seats already held come first, then the queue. */
	for (i = 0; i < n; i++)
		if (e[i].status == SEATS_WAITLIST && e[i].had_seat &&
		    seats_fit(used, e[i].headcount, capacity)) {
			e[i].status = SEATS_ATTENDING;
			used += e[i].headcount;
		}
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

/* seats_assign_rsvps - seats_assign() for one session's answers */
void
seats_assign_rsvps(const GPtrArray *rs, int capacity, struct seats_entry *e)
{
	for (guint i = 0; i < rs->len; i++) {
		const struct store_rsvp *r = rs->pdata[i];

		e[i].answer = strcmp(r->answer, "accepted") == 0 ? SEATS_YES
		    : strcmp(r->answer, "declined") == 0	 ? SEATS_NO
								 : SEATS_MAYBE;
		e[i].headcount = r->headcount;
		e[i].had_seat = false;
		e[i].is_forced = strcmp(r->source, "moimctl") == 0;
	}
	seats_assign(e, rs->len, capacity);
}

/* seats_words_rsvps - seats_assign_rsvps() as the status words the store
 * keeps (ical/evview.h evview_seats_fn) */
void
seats_words_rsvps(const GPtrArray *rs, int capacity, const char **status_out)
{
	static const char *const words[] = {[SEATS_ATTENDING] = "attending",
	    [SEATS_WAITLIST] = "waitlist",
	    [SEATS_DECLINED] = "declined",
	    [SEATS_TENTATIVE] = "tentative"};
	struct seats_entry *e = g_new0(struct seats_entry, rs->len + 1);

	seats_assign_rsvps(rs, capacity, e);
	for (guint i = 0; i < rs->len; i++)
		status_out[i] = words[e[i].status];
	g_free(e);
}
