/*
 * evview_test - unit tests for the evview module
 *
 * A table of answer sets with the counts expected (seats in people,
 * declined and held in answers), the organizer address, and the iTIP
 * view of a stored event. A table of recurring events (their stored
 * sessions and answers) with the per-session text expected, seats
 * decided by ical/seats.c as moim-listd decides them; and a series'
 * iTIP view with its EXDATE and moved session.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "err.h"
#include "evview.h"
#include "seats.h"

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

/* A weekly series from Wednesday 2026-12-16 14:00-17:00 in Seoul. */
#define S1 1797397200 /* 2026-12-16 14:00 +09:00 */
#define WEEK 604800
#define HOUR 3600

struct sess_answer {
	const char *address;
	gint64 session; /* 0: the series */
	const char *answer; /* accepted, declined, tentative */
	int headcount;
	const char *status; /* as stored */
};

struct sess_row {
	gint64 session;
	const char *state;
	gint64 starts, ends;
};

struct sess_case {
	const char *what;
	const char *rrule;
	int capacity;
	struct sess_row rows[3];
	struct sess_answer answers[6];
	gint64 now;
	guint max;
	const char *lang;
	const char *want;
};

static const struct sess_case sess_cases[] = {
    {"series answers count in every session; a full one waits",
	"FREQ=WEEKLY;COUNT=6", 2, {{0}},
	{{"a@x", 0, "accepted", 1, "attending"},
	    {"b@x", 0, "accepted", 1, "attending"},
	    {"c@x", 0, "accepted", 1, "waitlist"}, {NULL}},
	S1 - 86400, 3, "ko",
	"  2026-12-16 (수) 14:00  참석 2/2명, 대기 1명, 불참 0명\n"
	"  2026-12-23 (수) 14:00  참석 2/2명, 대기 1명, 불참 0명\n"
	"  2026-12-30 (수) 14:00  참석 2/2명, 대기 1명, 불참 0명\n"},
    {"a session's own answer wins over the series answer",
	"FREQ=WEEKLY;COUNT=6", 2, {{0}},
	{{"a@x", 0, "accepted", 1, "attending"},
	    {"b@x", 0, "accepted", 1, "attending"},
	    {"c@x", 0, "accepted", 1, "waitlist"},
	    {"a@x", S1 + WEEK, "declined", 0, "declined"},
	    {"c@x", S1 + 2 * WEEK, "declined", 0, "declined"}, {NULL}},
	S1 - 86400, 3, "ko",
	"  2026-12-16 (수) 14:00  참석 2/2명, 대기 1명, 불참 0명\n"
	"  2026-12-23 (수) 14:00  참석 2/2명, 대기 0명, 불참 1명\n"
	"  2026-12-30 (수) 14:00  참석 2/2명, 대기 0명, 불참 1명\n"},
    {"an answer for one session only counts there", "FREQ=WEEKLY;COUNT=6", 0,
	{{0}}, {{"a@x", S1 + WEEK, "accepted", 3, "attending"}, {NULL}},
	S1 - 86400, 2, "ko",
	"  2026-12-16 (수) 14:00  참석 0명, 대기 0명, 불참 0명\n"
	"  2026-12-23 (수) 14:00  참석 3명, 대기 0명, 불참 0명\n"},
    {"skipped and moved sessions are marked", "FREQ=WEEKLY;COUNT=6", 10,
	{{S1 + WEEK, "skipped", S1 + WEEK, S1 + WEEK + 3 * HOUR},
	    {S1 + 2 * WEEK, "moved", 1798711200, 1798718400}, {0}},
	{{"a@x", 0, "accepted", 2, "attending"},
	    {"a@x", S1 + 2 * WEEK, "declined", 0, "declined"}, {NULL}},
	S1 - 86400, 4, "ko",
	"  2026-12-16 (수) 14:00  참석 2/10명, 대기 0명, 불참 0명\n"
	"  2026-12-23 (수) 14:00  휴강\n"
	"  2026-12-31 (목) 19:00 (2026-12-30 (수) 14:00에서 옮김)  참석 0/10명,"
	" 대기 0명, 불참 1명\n"
	"  2027-01-06 (수) 14:00  참석 2/10명, 대기 0명, 불참 0명\n"},
    {"in English", "FREQ=WEEKLY;COUNT=6", 10,
	{{S1 + WEEK, "skipped", S1 + WEEK, S1 + WEEK + 3 * HOUR},
	    {S1 + 2 * WEEK, "moved", 1798711200, 1798718400}, {0}},
	{{"a@x", 0, "accepted", 2, "attending"}, {NULL}}, S1 - 86400, 3, "en",
	"  2026-12-16 (Wed) 14:00  attending 2/10, waiting 0, declined 0\n"
	"  2026-12-23 (Wed) 14:00  skipped\n"
	"  2026-12-31 (Thu) 19:00 (moved from 2026-12-30 (Wed) 14:00)"
	"  attending 2/10, waiting 0, declined 0\n"},
    {"sessions over are left out, one under way stays", "FREQ=WEEKLY;COUNT=6",
	0, {{0}}, {{"a@x", 0, "declined", 0, "declined"}, {NULL}},
	S1 + WEEK + HOUR, 2, "ko",
	"  2026-12-23 (수) 14:00  참석 0명, 대기 0명, 불참 1명\n"
	"  2026-12-30 (수) 14:00  참석 0명, 대기 0명, 불참 1명\n"},
    {"the rule's end ends the list", "FREQ=WEEKLY;COUNT=6", 0, {{0}}, {{NULL}},
	S1 + 4 * WEEK + 4 * HOUR, 8, "ko",
	"  2027-01-20 (수) 14:00  참석 0명, 대기 0명, 불참 0명\n"},
    {"after the last session, none", "FREQ=WEEKLY;COUNT=6", 0, {{0}}, {{NULL}},
	S1 + 6 * WEEK, 8, "en", "  -\n"},
    {"held answers count nowhere; a tentative one holds no seat",
	"FREQ=WEEKLY;COUNT=6", 1, {{0}},
	{{"h@x", 0, "accepted", 1, "held"},
	    {"t@x", 0, "tentative", 1, "tentative"},
	    {"a@x", 0, "accepted", 1, "waitlist"}, {NULL}},
	S1 - 86400, 1, "ko",
	"  2026-12-16 (수) 14:00  참석 1/1명, 대기 0명, 불참 0명\n"},
    {"a party that does not fit waits, and no one jumps it",
	"FREQ=WEEKLY;COUNT=6", 3, {{0}},
	{{"a@x", 0, "accepted", 2, "attending"},
	    {"b@x", 0, "accepted", 2, "waitlist"},
	    {"c@x", 0, "accepted", 1, "waitlist"}, {NULL}},
	S1 - 86400, 1, "ko",
	"  2026-12-16 (수) 14:00  참석 2/3명, 대기 3명, 불참 0명\n"},
    {"an event without a rule has no sessions", NULL, 10, {{0}},
	{{"a@x", 0, "accepted", 2, "attending"}, {NULL}}, S1 - 86400, 8, "ko",
	"  -\n"},
};

/* sess_rows - the stored sessions of a case */
static GPtrArray *
sess_rows(const struct sess_case *c)
{
	GPtrArray *out =
	    g_ptr_array_new_with_free_func((GDestroyNotify)store_session_free);

	for (const struct sess_row *r = c->rows; r->state != NULL; r++) {
		struct store_session *ss = g_new0(struct store_session, 1);

		ss->session = r->session;
		ss->state = g_strdup(r->state);
		ss->starts = r->starts;
		ss->ends = r->ends;
		g_ptr_array_add(out, ss);
	}
	return out;
}

/* sess_answers - the answers of a case, in queue order */
static GPtrArray *
sess_answers(const struct sess_case *c)
{
	GPtrArray *out =
	    g_ptr_array_new_with_free_func((GDestroyNotify)store_rsvp_free);

	for (const struct sess_answer *a = c->answers; a->address; a++) {
		struct store_rsvp *r = g_new0(struct store_rsvp, 1);

		r->session = a->session;
		r->address = g_strdup(a->address);
		r->answer = g_strdup(a->answer);
		r->headcount = a->headcount;
		r->status = g_strdup(a->status);
		r->source = g_strdup("text");
		r->queued = out->len + 1;
		g_ptr_array_add(out, r);
	}
	return out;
}

/* test_sessions - the table: per-session counts and their text */
static void
test_sessions(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(sess_cases); i++) {
		const struct sess_case *c = &sess_cases[i];
		struct store_event ev = {
		    .starts = S1,
		    .ends = S1 + 3 * HOUR,
		    .tzid = "Asia/Seoul",
		    .capacity = c->capacity,
		    .rrule = (char *)c->rrule,
		};
		g_autoptr(GPtrArray) rows = sess_rows(c);
		g_autoptr(GPtrArray) rs = sess_answers(c);
		GError *e = NULL;
		g_autoptr(GArray) ss =
		    evview_sessions(&ev, rows, rs, NULL, c->now, c->max, &e);
		g_autofree char *text = NULL;

		g_test_message("%s", c->what);
		g_assert_no_error(e);
		g_assert_nonnull(ss);
		text = evview_sessions_text(&ev, ss, c->lang);
		g_assert_cmpstr(text, ==, c->want);
	}
}

/* test_sessions_next - the first session not skipped */
static void
test_sessions_next(void)
{
	struct store_event ev = {.starts = S1,
	    .ends = S1 + 3 * HOUR,
	    .tzid = "Asia/Seoul",
	    .rrule = "FREQ=WEEKLY;COUNT=3"};
	const struct sess_case *c = &sess_cases[3]; /* skip, move */
	g_autoptr(GPtrArray) rows = sess_rows(c);
	g_autoptr(GPtrArray) rs = sess_answers(c);
	g_autoptr(GArray) ss =
	    evview_sessions(&ev, rows, rs, NULL, S1 + HOUR, 8, NULL);
	const struct evview_session *n = evview_sessions_next(ss);

	g_assert_cmpuint(ss->len, ==, 3);
	g_assert_nonnull(n);
	g_assert_cmpint(n->s.starts, ==, S1);
	g_assert_cmpint(n->n.attending, ==, 2);
	/* once the first is over, the next is the moved one, not the
	 * skipped one */
	g_array_unref(ss);
	ss = evview_sessions(&ev, rows, rs, NULL, S1 + 4 * HOUR, 8, NULL);
	n = evview_sessions_next(ss);
	g_assert_nonnull(n);
	g_assert_true(n->s.is_moved);
	g_assert_cmpint(n->s.starts, ==, 1798711200);
	g_assert_cmpint(n->s.original, ==, S1 + 2 * WEEK);
	g_assert_cmpint(n->n.declined, ==, 1);
	g_assert_null(evview_sessions_next(NULL));
}

/* test_bad_rule - a rule that does not parse is an input error */
static void
test_bad_rule(void)
{
	struct store_event ev = {.starts = S1,
	    .ends = S1 + HOUR,
	    .tzid = "Asia/Seoul",
	    .rrule = "FREQ=NEVER"};
	g_autoptr(GPtrArray) rs = g_ptr_array_new();
	GError *e = NULL;

	g_assert_null(evview_sessions(&ev, NULL, rs, NULL, S1, 8, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_error_free(e);
}

/* test_series - a series' iTIP view carries its rule, the skipped
 * session as EXDATE and the moved one as an override, and so does the
 * PUBLISH made of it */
static void
test_series(void)
{
	struct store_event ev = {.uid = "42.ai@lists.example.org",
	    .title = "논문 읽기",
	    .starts = S1,
	    .ends = S1 + 3 * HOUR,
	    .tzid = "Asia/Seoul",
	    .sequence = 1,
	    .rrule = "FREQ=WEEKLY;COUNT=6"};
	const struct sess_case *c = &sess_cases[3];
	struct imip_event iev;
	struct evview_series sv;
	g_autofree char *ics = NULL;
	GError *e = NULL;

	evview_imip(&ev, "ai-rsvp+42@lists.example.org", S1, &iev);
	evview_series_set(&ev, sess_rows(c), &iev, &sv);
	g_assert_cmpstr(iev.rrule, ==, ev.rrule);
	g_assert_cmpuint(iev.n_exdates, ==, 1);
	g_assert_cmpint(iev.exdates[0], ==, S1 + WEEK);
	g_assert_cmpuint(iev.n_overrides, ==, 1);
	g_assert_cmpint(iev.overrides[0].recurrence_id, ==, S1 + 2 * WEEK);
	g_assert_cmpint(iev.overrides[0].start, ==, 1798711200);
	ics = imip_publish(&iev, false, &e);
	g_assert_no_error(e);
	g_assert_nonnull(strstr(ics, "RRULE:FREQ=WEEKLY;COUNT=6"));
	g_assert_nonnull(strstr(ics, "EXDATE;TZID=Asia/Seoul:20261223T140000"));
	g_assert_nonnull(
	    strstr(ics, "RECURRENCE-ID;TZID=Asia/Seoul:20261230T140000"));
	g_assert_nonnull(
	    strstr(ics, "DTSTART;TZID=Asia/Seoul:20261231T190000"));
	evview_series_clear(&sv);
	g_assert_null(sv.sessions);

	/* one session: nothing added */
	ev.rrule = NULL;
	evview_imip(&ev, "ai-rsvp+42@lists.example.org", S1, &iev);
	evview_series_set(&ev, NULL, &iev, &sv);
	g_assert_null(iev.rrule);
	g_assert_cmpuint(iev.n_exdates, ==, 0);
	g_assert_cmpuint(iev.n_overrides, ==, 0);
	evview_series_clear(&sv);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/evview/count", test_count);
	g_test_add_func("/evview/organizer", test_organizer);
	g_test_add_func("/evview/imip", test_imip);
	g_test_add_func("/evview/when", test_when);
	g_test_add_func("/evview/sessions", test_sessions);
	g_test_add_func("/evview/sessions-next", test_sessions_next);
	g_test_add_func("/evview/bad-rule", test_bad_rule);
	g_test_add_func("/evview/series", test_series);
	return g_test_run();
}
