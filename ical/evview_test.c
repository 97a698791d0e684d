/*
 * evview_test - unit tests for the evview module
 *
 * A table of answer sets with the counts expected (seats in people,
 * declined and held in answers), the organizer address, and the iTIP
 * view of a stored event.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "evview.h"

struct answer {
	const char *status;
	int headcount;
};

struct count_case {
	const char *what;
	struct answer answers[6];
	struct evview_counts want;
};

static const struct count_case count_cases[] = {
    {"none", {{NULL, 0}}, {0, 0, 0, 0, 0}},
    {"seats in people", {{"attending", 1}, {"attending", 3}, {NULL, 0}},
	{4, 0, 0, 0, 0}},
    {"promoted and admitted hold seats",
	{{"promoted", 2}, {"admitted", 1}, {"attending", 1}, {NULL, 0}},
	{4, 0, 0, 0, 0}},
    {"waiting in people",
	{{"attending", 2}, {"waitlist", 2}, {"waitlist", 1}, {NULL, 0}},
	{2, 3, 0, 0, 0}},
    {"declined and held in answers",
	{{"declined", 0}, {"declined", 1}, {"held", 3}, {NULL, 0}},
	{0, 0, 2, 0, 1}},
    {"tentative in people",
	{{"tentative", 2}, {"attending", 1}, {"declined", 0}, {NULL, 0}},
	{1, 0, 1, 2, 0}},
    {"unknown status counts nowhere", {{"odd", 5}, {"attending", 1}, {NULL, 0}},
	{1, 0, 0, 0, 0}},
};

/* test_count - the table */
static void
test_count(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(count_cases); i++) {
		const struct count_case *c = &count_cases[i];
		g_autoptr(GPtrArray) rs = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)store_rsvp_free);
		struct evview_counts n;

		for (const struct answer *a = c->answers; a->status; a++) {
			struct store_rsvp *r = g_new0(struct store_rsvp, 1);

			r->status = g_strdup(a->status);
			r->headcount = a->headcount;
			g_ptr_array_add(rs, r);
		}
		evview_count(rs, &n);
		g_test_message("%s", c->what);
		g_assert_cmpint(n.attending, ==, c->want.attending);
		g_assert_cmpint(n.waiting, ==, c->want.waiting);
		g_assert_cmpint(n.declined, ==, c->want.declined);
		g_assert_cmpint(n.tentative, ==, c->want.tentative);
		g_assert_cmpint(n.held, ==, c->want.held);
	}
}

/* test_organizer - L-rsvp+EVENT@D */
static void
test_organizer(void)
{
	struct store_list l = {.local = "ai", .domain = "lists.example.org"};
	g_autofree char *a = evview_organizer(&l, 42);

	g_assert_cmpstr(a, ==, "ai-rsvp+42@lists.example.org");
}

struct when_case {
	gint64 starts, ends;
	bool is_all_day;
	const char *tzid, *lang, *want;
};

static const struct when_case when_cases[] = {
    {1797397200, 1797408000, false, "Asia/Seoul", "ko",
	"2026-12-16 14:00-17:00 (Asia/Seoul)"},
    {1797397200, 1797465600, false, "Asia/Seoul", "en",
	"2026-12-16 14:00 - 2026-12-17 09:00 (Asia/Seoul)"},
    {1797397200, 1797408000, false, "UTC", "en",
	"2026-12-16 05:00-08:00 (UTC)"},
    {1797397200, 1797408000, false, "Nowhere/Atlantis", "en",
	"2026-12-16 05:00-08:00 (Nowhere/Atlantis)"},
    {1823007600, 1823266800, true, "Asia/Seoul", "ko",
	"2027-10-09 ~ 2027-10-11 종일 (Asia/Seoul)"},
    {1823007600, 1823094000, true, "Asia/Seoul", "en",
	"2027-10-09, all day (Asia/Seoul)"},
};

/* test_when - the time in the event's own zone */
static void
test_when(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(when_cases); i++) {
		const struct when_case *c = &when_cases[i];
		struct store_event ev = {
		    .starts = c->starts,
		    .ends = c->ends,
		    .is_all_day = c->is_all_day,
		    .tzid = (char *)c->tzid,
		};
		g_autofree char *w = evview_when(&ev, c->lang);

		g_assert_cmpstr(w, ==, c->want);
	}
}

/* test_imip - the iTIP view carries the stored event's fields */
static void
test_imip(void)
{
	struct store_event ev = {
	    .uid = "42.ai@lists.example.org",
	    .title = "포럼",
	    .starts = 1000,
	    .ends = 2000,
	    .is_all_day = true,
	    .tzid = "Asia/Seoul",
	    .location = "4층",
	    .sequence = 3,
	    .organizer_name = "AI",
	};
	struct imip_event iev;

	evview_imip(&ev, "ai-rsvp+42@lists.example.org", 500, &iev);
	g_assert_cmpstr(iev.uid, ==, ev.uid);
	g_assert_cmpstr(iev.summary, ==, ev.title);
	g_assert_cmpstr(iev.location, ==, ev.location);
	g_assert_null(iev.description);
	g_assert_cmpint(iev.start, ==, 1000);
	g_assert_cmpint(iev.end, ==, 2000);
	g_assert_true(iev.is_all_day);
	g_assert_cmpint(iev.sequence, ==, 3);
	g_assert_cmpint(iev.dtstamp, ==, 500);
	g_assert_cmpstr(iev.organizer_addr, ==, "ai-rsvp+42@lists.example.org");
	g_assert_cmpstr(iev.organizer_name, ==, "AI");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/evview/count", test_count);
	g_test_add_func("/evview/organizer", test_organizer);
	g_test_add_func("/evview/imip", test_imip);
	g_test_add_func("/evview/when", test_when);
	return g_test_run();
}
