/*
 * seats - who has a seat at an event with a capacity, and who waits
 *
 * SYNOPSIS
 *	void seats_assign(struct seats_entry *e, size_t n, int capacity);
 *	void seats_assign_rsvps(const GPtrArray *rs, gint64 id,
 *	    int capacity, const GPtrArray *before, const GPtrArray *seated,
 *	    struct seats_entry *e);
 *	void seats_words_rsvps(const GPtrArray *rs, gint64 id, int capacity,
 *	    const GPtrArray *seated, const char **status_out);
 *	int seats_recorded(const GPtrArray *seated, gint64 id,
 *	    const char *address);
 * DESCRIPTION
 *	seats_assign() decides the status of every answer to one event
 *	(SPEC "Events and RSVP"): e holds the answers in queue order (the
 *	order in which each "yes" arrived). A yes takes its headcount of
 *	seats while they last; once one yes does not fit, it and every
 *	later yes wait, in order, so a small party never jumps the queue.
 *	A yes that held a seat before (had_seat) keeps it, whatever the
 *	capacity is now: an owner who lowers the capacity takes no seat
 *	from anyone, and the new capacity limits only promotions from the
 *	waitlist, so the event stays over it until declines bring it
 *	under. The exception is a party that grew (headcount above held,
 *	the seats it held; held 0: as many as it asks for now): it keeps
 *	its seat only while the capacity leaves room for all of it, after
 *	the others who hold seats, else it waits. One promoted by hand
 *	(is_forced) has a seat beyond the capacity, which takes no seat
 *	from anyone else.
 *	No and maybe hold no seat. A capacity of 0 means no limit.
 *
 *	seats_words_rsvps() is seats_assign_rsvps() with no earlier answers
 *	to compare (before NULL: each answer's stored status stands), giving
 *	each answer's status as the word the store keeps (attending,
 *	waitlist, declined, tentative) in status_out[i]: the seats
 *	ical/evview.c counts.
 *
 *	seats_assign_rsvps() does it for the answers (struct store_rsvp,
 *	in queue order) that count for session id of a recurring event
 *	(ical/sessions.h sessions_answers()), a promotion by hand (source
 *	moimctl) beyond the capacity; e has rs->len entries. An answer for
 *	that very session keeps the seat its stored status says it holds
 *	(held for its headcount in before, the answers before the change
 *	being decided, or NULL). An answer for the whole series has no
 *	status per session: it keeps the seat that seated (struct
 *	store_session_seat rows, lib/store.h; only those of session id
 *	count; NULL: none) records for its address in that session, held
 *	for the headcount recorded, and is otherwise seated in queue order.
 *	An answer new to the session (not in before) keeps the seat its
 *	address's series answer held there.
 *
 *	seats_recorded() is the headcount of the seat seated records for
 *	address in session id (0: none).
 *
 *	The caller compares each entry's old status with the new one: a
 *	member who waited and now attends was promoted and is told so.
 * OWNERSHIP
 *	e is the caller's; status and position are written in place.
 * INPUT AND LIMITS
 *	A headcount below 1 counts as 1 for a yes.
 * THREADS
 *	No shared state.
 * ERRORS
 *	None.
 */
#ifndef MOIM_SEATS_H
#define MOIM_SEATS_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

enum seats_answer { SEATS_YES, SEATS_NO, SEATS_MAYBE };
enum seats_status {
	SEATS_ATTENDING,
	SEATS_WAITLIST,
	SEATS_DECLINED,
	SEATS_TENTATIVE,
};

struct seats_entry {
	enum seats_answer answer;
	int headcount;
	bool had_seat; /* attending before this decision */
	int held; /* the headcount the seat was held for; 0: headcount */
	bool is_forced; /* promoted by hand */
	enum seats_status status; /* out */
	int position; /* out: 1-based place on the waitlist, else 0 */
};

void seats_assign(struct seats_entry *e, size_t n, int capacity);
void seats_assign_rsvps(const GPtrArray *rs, gint64 id, int capacity,
    const GPtrArray *before, const GPtrArray *seated, struct seats_entry *e);
void seats_words_rsvps(const GPtrArray *rs, gint64 id, int capacity,
    const GPtrArray *seated, const char **status_out);
int seats_recorded(const GPtrArray *seated, gint64 id, const char *address);

#endif
