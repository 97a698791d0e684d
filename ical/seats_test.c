/*
 * seats_test - table tests for seats and the waitlist
 */
#include <glib.h>
#include <string.h>

#include "seats.h"
#include "store.h"

#define Y SEATS_YES
#define N SEATS_NO
#define M SEATS_MAYBE
#define A SEATS_ATTENDING
#define W SEATS_WAITLIST
#define D SEATS_DECLINED
#define T SEATS_TENTATIVE

struct row {
	enum seats_answer answer;
	int headcount;
	bool had_seat, is_forced;
	enum seats_status want;
	int want_pos;
	int held; /* 0: as many as headcount */
};

static const struct {
	const char *name;
	int capacity;
	size_t n;
	struct row r[6];
} cases[] = {
    /* a lowered capacity takes no held seat; it limits promotions */
    {"capacity lowered below the seats held", 2, 4,
	{{Y, 1, true, false, A, 0, 0}, {Y, 1, true, false, A, 0, 0},
	    {Y, 1, true, false, A, 0, 0}, {Y, 1, false, false, W, 1, 0}}},
    {"held seats kept in any queue order", 1, 4,
	{{Y, 1, false, false, W, 1, 0}, {Y, 2, true, false, A, 0, 0},
	    {Y, 1, true, false, A, 0, 0}, {Y, 1, false, false, W, 2, 0}}},
    {"a decline still over capacity promotes no one", 2, 4,
	{{Y, 1, true, false, A, 0, 0}, {N, 0, true, false, D, 0, 0},
	    {Y, 1, true, false, A, 0, 0}, {Y, 1, false, false, W, 1, 0}}},
    {"a decline that brings it under promotes", 2, 4,
	{{N, 0, true, false, D, 0, 0}, {N, 0, true, false, D, 0, 0},
	    {Y, 1, true, false, A, 0, 0}, {Y, 1, false, false, A, 0, 0}}},
    {"capacity lowered to one, a party of three keeps its seats", 1, 2,
	{{Y, 3, true, false, A, 0, 0}, {Y, 1, false, false, W, 1, 0}}},
    {"a party that shrank keeps its seat", 1, 2,
	{{Y, 2, true, false, A, 0, 3}, {Y, 1, false, false, W, 1, 0}}},
    {"a party that grew keeps its seat while there is room", 4, 2,
	{{Y, 1, true, false, A, 0, 0}, {Y, 3, true, false, A, 0, 2}}},
    {"a party that grew over a lowered capacity waits", 2, 3,
	{{Y, 1, true, false, A, 0, 0}, {Y, 1, true, false, A, 0, 0},
	    {Y, 2, true, false, W, 1, 1}}},
    {"a grown party fits after the others holding seats", 3, 3,
	{{Y, 2, true, false, A, 0, 1}, {Y, 1, true, false, A, 0, 0},
	    {Y, 1, false, false, W, 1, 0}}},
    {"no limit", 0, 3,
	{{Y, 5, false, false, A, 0, 0}, {Y, 9, false, false, A, 0, 0},
	    {N, 0, false, false, D, 0, 0}}},
    {"third yes waits", 2, 3,
	{{Y, 1, false, false, A, 0, 0}, {Y, 1, false, false, A, 0, 0},
	    {Y, 1, false, false, W, 1, 0}}},
    {"a decline promotes the first waiting", 2, 3,
	{{Y, 1, true, false, A, 0, 0}, {N, 0, true, false, D, 0, 0},
	    {Y, 1, false, false, A, 0, 0}}},
    {"headcounts count", 3, 3,
	{{Y, 2, false, false, A, 0, 0}, {Y, 2, false, false, W, 1, 0},
	    {Y, 1, false, false, W, 2, 0}}},
    {"no jumping the queue", 3, 3,
	{{Y, 2, true, false, A, 0, 0}, {Y, 3, false, false, W, 1, 0},
	    {Y, 1, false, false, W, 2, 0}}},
    {"held seats stay before earlier waiters", 2, 3,
	{{Y, 1, false, false, W, 1, 0}, {Y, 1, true, false, A, 0, 0},
	    {Y, 1, true, false, A, 0, 0}}},
    {"a grown party waits", 2, 2,
	{{Y, 1, true, false, A, 0, 0}, {Y, 3, true, false, W, 1, 1}}},
    {"forced beyond capacity", 1, 3,
	{{Y, 1, true, false, A, 0, 0}, {Y, 1, false, true, A, 0, 0},
	    {Y, 1, false, false, W, 1, 0}}},
    {"maybe holds no seat", 1, 3,
	{{M, 1, false, false, T, 0, 0}, {Y, 1, false, false, A, 0, 0},
	    {M, 2, true, false, T, 0, 0}}},
    {"headcount 0 is one", 1, 2,
	{{Y, 0, false, false, A, 0, 0}, {Y, 0, false, false, W, 1, 0}}},
    {"two declines promote two", 2, 6,
	{{N, 0, true, false, D, 0, 0}, {N, 0, true, false, D, 0, 0},
	    {Y, 1, false, false, A, 0, 0}, {Y, 1, false, false, A, 0, 0},
	    {Y, 1, false, false, W, 1, 0}, {M, 1, false, false, T, 0, 0}}},
};

/* test_cases - every case of the table */
static void
test_cases(void)
{
	for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
		struct seats_entry e[G_N_ELEMENTS(cases[0].r)];

		memset(e, 0, sizeof(e));
		for (size_t i = 0; i < cases[c].n; i++) {
			e[i].answer = cases[c].r[i].answer;
			e[i].headcount = cases[c].r[i].headcount;
			e[i].had_seat = cases[c].r[i].had_seat;
			e[i].is_forced = cases[c].r[i].is_forced;
			e[i].held = cases[c].r[i].held;
			e[i].status = SEATS_DECLINED;
			e[i].position = 99;
		}
		seats_assign(e, cases[c].n, cases[c].capacity);
		for (size_t i = 0; i < cases[c].n; i++) {
			if (e[i].status != cases[c].r[i].want ||
			    e[i].position != cases[c].r[i].want_pos)
				g_error("%s: entry %zu: status %d pos %d",
				    cases[c].name, i, e[i].status,
				    e[i].position);
		}
	}
}

/* test_empty - nothing to assign is fine */
static void
test_empty(void)
{
	seats_assign(NULL, 0, 5);
}

#define S 1765000000 /* the session decided */

struct rsvp_row {
	gint64 session; /* S: an answer for this session; 0: the series */
	const char *answer, *source, *stored; /* stored: its status */
	int headcount;
	/* its headcount before the change; 0: as now; -1: no answer */
	int before;
	enum seats_status want;
	int pos;
	/* the headcount session_seats records for its address in S (a
	 * series seat there); -1: one recorded for another session */
	int seat;
};

/* One session's answers as stored: an answer for the session keeps the
 * seat its stored status says it holds; a series answer the seat
 * session_seats records for it in that session, else it is seated in
 * queue order; a hand promotion is beyond the capacity. */
static const struct {
	const char *name;
	int capacity;
	size_t n;
	struct rsvp_row r[6];
} rsvp_cases[] = {
    {"series answers afresh in queue order", 1, 6,
	{{0, "accepted", "imip", "waitlist", 1, 0, A, 0, 0},
	    {0, "declined", "text", "declined", 0, 0, D, 0, 0},
	    {0, "accepted", "command", "attending", 1, 0, W, 1, 0},
	    {0, "tentative", "text", "tentative", 1, 0, T, 0, 0},
	    {0, "accepted", "moimctl", "promoted", 1, 0, A, 0, 0},
	    {0, "accepted", "web", "attending", 1, 0, W, 2, 0}}},
    {"capacity lowered: the session's seat holders keep them", 1, 4,
	{{S, "accepted", "imip", "attending", 1, 0, A, 0, 0},
	    {S, "accepted", "text", "attending", 1, 0, A, 0, 0},
	    {S, "accepted", "command", "waitlist", 1, 0, W, 1, 0},
	    {0, "accepted", "web", "attending", 1, 0, W, 2, 0}}},
    {"a holder's decline over capacity promotes no one", 1, 4,
	{{S, "declined", "text", "declined", 0, 0, D, 0, 0},
	    {S, "accepted", "text", "attending", 1, 0, A, 0, 0},
	    {S, "accepted", "imip", "attending", 1, 0, A, 0, 0},
	    {S, "accepted", "command", "waitlist", 1, 0, W, 1, 0}}},
    {"a party that grew past the capacity waits", 2, 3,
	{{S, "accepted", "imip", "attending", 1, 0, A, 0, 0},
	    {S, "accepted", "text", "attending", 3, 1, W, 1, 0},
	    {0, "accepted", "web", "waitlist", 1, 0, W, 2, 0}}},
    {"an answer new to the session holds no seat yet", 1, 3,
	{{S, "accepted", "imip", "attending", 1, 0, A, 0, 0},
	    {S, "accepted", "text", "attending", 1, -1, W, 1, 0},
	    {0, "accepted", "web", "waitlist", 1, 0, W, 2, 0}}},
    {"a party that shrank keeps its seat", 1, 2,
	{{S, "accepted", "text", "attending", 1, 2, A, 0, 0},
	    {0, "accepted", "web", "waitlist", 1, 0, W, 1, 0}}},
    {"series seats recorded for the session stay when capacity drops", 2, 5,
	{{0, "accepted", "imip", "attending", 1, 0, A, 0, 1},
	    {0, "accepted", "text", "attending", 1, 0, A, 0, 1},
	    {0, "accepted", "command", "attending", 1, 0, A, 0, 1},
	    {0, "accepted", "web", "waitlist", 1, 0, W, 1, 0},
	    {0, "accepted", "web", "waitlist", 1, 0, W, 2, 0}}},
    {"a session decline over capacity promotes no series answer", 2, 4,
	{{S, "declined", "command", "declined", 0, 0, D, 0, 1},
	    {0, "accepted", "text", "attending", 1, 0, A, 0, 1},
	    {0, "accepted", "command", "attending", 1, 0, A, 0, 1},
	    {0, "accepted", "web", "waitlist", 1, 0, W, 1, 0}}},
    {"under capacity again: the first series answer waiting is seated", 2, 4,
	{{S, "declined", "command", "declined", 0, 0, D, 0, 0},
	    {S, "declined", "text", "declined", 0, 0, D, 0, 1},
	    {0, "accepted", "command", "attending", 1, 0, A, 0, 1},
	    {0, "accepted", "web", "waitlist", 1, 0, A, 0, 0}}},
    {"a series seat recorded for another session holds none here", 1, 2,
	{{0, "accepted", "imip", "attending", 1, 0, W, 1, -1},
	    {0, "accepted", "text", "attending", 1, 0, A, 0, 1}}},
    {"a series party that grew past the capacity waits", 2, 3,
	{{0, "accepted", "imip", "attending", 1, 0, A, 0, 1},
	    {0, "accepted", "text", "attending", 3, 0, W, 1, 1},
	    {0, "accepted", "web", "waitlist", 1, 0, W, 2, 0}}},
    {"an answer new to the session keeps its series seat there", 1, 3,
	{{0, "accepted", "imip", "waitlist", 1, 0, W, 1, 0},
	    {S, "accepted", "text", "waitlist", 1, -1, A, 0, 1},
	    {0, "accepted", "web", "attending", 1, 0, W, 2, 0}}},
};

/* test_rsvps - every case of rsvp_cases */
static void
test_rsvps(void)
{
	for (size_t c = 0; c < G_N_ELEMENTS(rsvp_cases); c++) {
		const struct rsvp_row *rows = rsvp_cases[c].r;
		size_t n = rsvp_cases[c].n;
		struct store_rsvp r[G_N_ELEMENTS(rsvp_cases[0].r)];
		struct store_rsvp o[G_N_ELEMENTS(rsvp_cases[0].r)];
		struct seats_entry e[G_N_ELEMENTS(rsvp_cases[0].r)];
		char addr[G_N_ELEMENTS(rsvp_cases[0].r)][16];
		g_autoptr(GPtrArray) rs = g_ptr_array_new();
		g_autoptr(GPtrArray) before = g_ptr_array_new();
		g_autoptr(GPtrArray) seated = g_ptr_array_new();
		struct store_session_seat st[G_N_ELEMENTS(rsvp_cases[0].r)];

		memset(r, 0, sizeof r);
		for (size_t i = 0; i < n; i++) {
			g_snprintf(
			    addr[i], sizeof addr[i], "m%zu@x.example", i);
			r[i].session = rows[i].session;
			r[i].address = addr[i];
			r[i].answer = (char *)rows[i].answer;
			r[i].source = (char *)rows[i].source;
			r[i].status = (char *)rows[i].stored;
			r[i].headcount = rows[i].headcount;
			o[i] = r[i];
			if (rows[i].before > 0)
				o[i].headcount = rows[i].before;
			g_ptr_array_add(rs, &r[i]);
			if (rows[i].before >= 0)
				g_ptr_array_add(before, &o[i]);
			st[i] = (struct store_session_seat){0,
			    rows[i].seat < 0 ? S + 86400 : S, addr[i],
			    ABS(rows[i].seat)};
			if (rows[i].seat != 0)
				g_ptr_array_add(seated, &st[i]);
		}
		seats_assign_rsvps(
		    rs, S, rsvp_cases[c].capacity, before, seated, e);
		for (size_t i = 0; i < n; i++)
			if (e[i].status != rows[i].want ||
			    e[i].position != rows[i].pos)
				g_error("%s: entry %zu: status %d pos %d",
				    rsvp_cases[c].name, i, e[i].status,
				    e[i].position);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/seats/cases", test_cases);
	g_test_add_func("/seats/empty", test_empty);
	g_test_add_func("/seats/rsvps", test_rsvps);
	return g_test_run();
}
