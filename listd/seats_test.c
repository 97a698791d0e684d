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
};

static const struct {
	const char *name;
	int capacity;
	size_t n;
	struct row r[6];
} cases[] = {
    {"no limit", 0, 3,
	{{Y, 5, false, false, A, 0}, {Y, 9, false, false, A, 0},
	    {N, 0, false, false, D, 0}}},
    {"third yes waits", 2, 3,
	{{Y, 1, false, false, A, 0}, {Y, 1, false, false, A, 0},
	    {Y, 1, false, false, W, 1}}},
    {"a decline promotes the first waiting", 2, 3,
	{{Y, 1, true, false, A, 0}, {N, 0, true, false, D, 0},
	    {Y, 1, false, false, A, 0}}},
    {"headcounts count", 3, 3,
	{{Y, 2, false, false, A, 0}, {Y, 2, false, false, W, 1},
	    {Y, 1, false, false, W, 2}}},
    {"no jumping the queue", 3, 3,
	{{Y, 2, true, false, A, 0}, {Y, 3, false, false, W, 1},
	    {Y, 1, false, false, W, 2}}},
    {"held seats stay before earlier waiters", 2, 3,
	{{Y, 1, false, false, W, 1}, {Y, 1, true, false, A, 0},
	    {Y, 1, true, false, A, 0}}},
    {"a grown party waits", 2, 2,
	{{Y, 1, true, false, A, 0}, {Y, 3, true, false, W, 1}}},
    {"forced beyond capacity", 1, 3,
	{{Y, 1, true, false, A, 0}, {Y, 1, false, true, A, 0},
	    {Y, 1, false, false, W, 1}}},
    {"maybe holds no seat", 1, 3,
	{{M, 1, false, false, T, 0}, {Y, 1, false, false, A, 0},
	    {M, 2, true, false, T, 0}}},
    {"headcount 0 is one", 1, 2,
	{{Y, 0, false, false, A, 0}, {Y, 0, false, false, W, 1}}},
    {"two declines promote two", 2, 6,
	{{N, 0, true, false, D, 0}, {N, 0, true, false, D, 0},
	    {Y, 1, false, false, A, 0}, {Y, 1, false, false, A, 0},
	    {Y, 1, false, false, W, 1}, {M, 1, false, false, T, 0}}},
};

/* test_cases - every case of the table */
static void
test_cases(void)
{
	for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
		struct seats_entry e[6];

		memset(e, 0, sizeof(e));
		for (size_t i = 0; i < cases[c].n; i++) {
			e[i].answer = cases[c].r[i].answer;
			e[i].headcount = cases[c].r[i].headcount;
			e[i].had_seat = cases[c].r[i].had_seat;
			e[i].is_forced = cases[c].r[i].is_forced;
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

/* test_rsvps - one session's answers as stored: decided afresh in queue
 * order, a hand promotion beyond the capacity */
static void
test_rsvps(void)
{
	static const struct {
		const char *answer, *source;
		int headcount;
		enum seats_status want;
		int pos;
	} rows[] = {
	    {"accepted", "imip", 1, SEATS_ATTENDING, 0},
	    {"declined", "text", 0, SEATS_DECLINED, 0},
	    {"accepted", "command", 1, SEATS_WAITLIST, 1},
	    {"tentative", "text", 1, SEATS_TENTATIVE, 0},
	    {"accepted", "moimctl", 1, SEATS_ATTENDING, 0},
	    {"accepted", "web", 1, SEATS_WAITLIST, 2},
	};
	struct store_rsvp r[G_N_ELEMENTS(rows)];
	struct seats_entry e[G_N_ELEMENTS(rows)];
	g_autoptr(GPtrArray) rs = g_ptr_array_new();

	memset(r, 0, sizeof r);
	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		r[i].answer = (char *)rows[i].answer;
		r[i].source = (char *)rows[i].source;
		r[i].headcount = rows[i].headcount;
		r[i].status = "attending"; /* stored status plays no part */
		g_ptr_array_add(rs, &r[i]);
	}
	seats_assign_rsvps(rs, 1, e);
	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_assert_cmpint(e[i].status, ==, rows[i].want);
		g_assert_cmpint(e[i].position, ==, rows[i].pos);
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
