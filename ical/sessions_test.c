/*
 * sessions_test - unit tests for the sessions module
 *
 * Tables of events (a first start in a zone, a rule, sessions that
 * differ) with the sessions expected between two instants, the next
 * session, the session on a date, by original instant, and values of
 * RECURRENCE-ID/RDATE read in a zone. Asia/Seoul has no DST;
 * America/New_York changes on 2026-11-01 and 2027-03-14, so a 19:00
 * session keeps 19:00 local across it. Each libical 3.0.16 fault named
 * in sessions.h has a case, marked "libical".
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <libical/ical.h>

#include "sessions.h"

#define SEOUL "Asia/Seoul"
#define NY "America/New_York"

/* at - the instant of a local "20261202T190000" in tzid */
static gint64
at(const char *local, const char *tzid)
{
	gint64 t = 0;

	g_assert_true(sessions_instant(local, tzid, &t, NULL));
	return t;
}

/* A stored difference: original local start, state, new local start. */
struct row {
	const char *original;
	const char *state;
	const char *starts;
};

struct ev_case {
	const char *what;
	const char *tzid;
	const char *first; /* local first start */
	int hours; /* length of a session */
	bool is_all_day;
	const char *rrule;
	struct row rows[3];
	const char *from, *to; /* local window */
	/* local actual starts expected, "*" suffix: skipped, "+": moved */
	const char *want[12];
};

static const struct ev_case ev_cases[] = {
    {"one session: id 0", SEOUL, "20261202T190000", 2, false, NULL, {{0}},
	"20261201T000000", "20261231T000000", {"20261202T190000"}},
    {"weekly until a UTC instant", SEOUL, "20261202T190000", 2, false,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20261230T145959Z", {{0}}, "20261101T000000",
	"20270301T000000",
	{"20261202T190000", "20261209T190000", "20261216T190000",
	    "20261223T190000", "20261230T190000"}},
    {"window inside the series", SEOUL, "20261202T190000", 2, false,
	"FREQ=WEEKLY;BYDAY=WE", {{0}}, "20261210T000000", "20261224T000000",
	{"20261216T190000", "20261223T190000"}},
    {"libical: COUNT counts from the first, not the window", SEOUL,
	"20261202T190000", 2, false, "FREQ=WEEKLY;BYDAY=WE;COUNT=3", {{0}},
	"20261208T000000", "20270301T000000",
	{"20261209T190000", "20261216T190000"}},
    {"every other Saturday", SEOUL, "20261205T140000", 3, false,
	"FREQ=WEEKLY;INTERVAL=2;BYDAY=SA;COUNT=4", {{0}}, "20261201T000000",
	"20270301T000000",
	{"20261205T140000", "20261219T140000", "20270102T140000",
	    "20270116T140000"}},
    {"first Friday of the month", SEOUL, "20261204T190000", 2, false,
	"FREQ=MONTHLY;BYDAY=1FR;COUNT=3", {{0}}, "20261201T000000",
	"20270401T000000",
	{"20261204T190000", "20270101T190000", "20270205T190000"}},
    {"the 15th of each month", SEOUL, "20261215T100000", 1, false,
	"FREQ=MONTHLY;BYMONTHDAY=15", {{0}}, "20261201T000000",
	"20270301T000000",
	{"20261215T100000", "20270115T100000", "20270215T100000"}},
    {"DST: 19:00 in New York on both sides of 2026-11-01", NY,
	"20261020T190000", 2, false, "FREQ=WEEKLY;BYDAY=TU;COUNT=4", {{0}},
	"20261001T000000", "20261201T000000",
	{"20261020T190000", "20261027T190000", "20261103T190000",
	    "20261110T190000"}},
    {"DST: spring forward 2027-03-14", NY, "20270301T090000", 1, false,
	"FREQ=WEEKLY;BYDAY=MO;COUNT=3", {{0}}, "20270201T000000",
	"20270401T000000",
	{"20270301T090000", "20270308T090000", "20270315T090000"}},
    {"libical: an override is not also at its original time", SEOUL,
	"20261202T190000", 2, false, "FREQ=WEEKLY;BYDAY=WE;COUNT=3",
	{{"20261209T190000", "moved", "20261210T200000"}}, "20261201T000000",
	"20270101T000000",
	{"20261202T190000", "20261210T200000+", "20261216T190000"}},
    {"moved into the window from after it", SEOUL, "20261202T190000", 2, false,
	"FREQ=WEEKLY;BYDAY=WE",
	{{"20261230T190000", "moved", "20261201T190000"}}, "20261201T000000",
	"20261203T000000", {"20261201T190000+", "20261202T190000"}},
    {"skipped sessions are listed as skipped", SEOUL, "20261202T190000", 2,
	false, "FREQ=WEEKLY;BYDAY=WE;COUNT=3",
	{{"20261209T190000", "skipped", NULL}}, "20261201T000000",
	"20270101T000000",
	{"20261202T190000", "20261209T190000*", "20261216T190000"}},
    {"a row for no instance of the rule is ignored", SEOUL, "20261202T190000",
	2, false, "FREQ=WEEKLY;BYDAY=WE;COUNT=2",
	{{"20261203T190000", "skipped", NULL}}, "20261201T000000",
	"20270101T000000", {"20261202T190000", "20261209T190000"}},
    {"all day, weekly, from local midnight", SEOUL, "20261205T000000", 24, true,
	"FREQ=WEEKLY;COUNT=2", {{0}}, "20261201T000000", "20270101T000000",
	{"20261205T000000", "20261212T000000"}},
    {"UNTIL as a date includes that day", SEOUL, "20261202T190000", 2, false,
	"FREQ=WEEKLY;UNTIL=20261216", {{0}}, "20261201T000000",
	"20270101T000000",
	{"20261202T190000", "20261209T190000", "20261216T190000"}},
    {"libical: a first start off the rule is still the first", SEOUL,
	"20261130T190000", 2, false, "FREQ=WEEKLY;BYDAY=WE;COUNT=3", {{0}},
	"20261101T000000", "20270101T000000",
	{"20261130T190000", "20261202T190000", "20261209T190000"}},
    {"Monday, Wednesday and Friday", SEOUL, "20261207T070000", 1, false,
	"FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=5", {{0}}, "20261201T000000",
	"20270101T000000",
	{"20261207T070000", "20261209T070000", "20261211T070000",
	    "20261214T070000", "20261216T070000"}},
};

/* event_of - a stored event from a case, and its stored rows (new) */
static GPtrArray *
event_of(const struct ev_case *c, struct store_event *ev)
{
	GPtrArray *rows =
	    g_ptr_array_new_with_free_func((GDestroyNotify)store_session_free);

	memset(ev, 0, sizeof *ev);
	ev->tzid = (char *)c->tzid;
	ev->starts = at(c->first, c->tzid);
	ev->ends = ev->starts + (gint64)c->hours * 3600;
	ev->is_all_day = c->is_all_day;
	ev->rrule = (char *)c->rrule;
	for (const struct row *r = c->rows; r->original != NULL; r++) {
		struct store_session *ss = g_new0(struct store_session, 1);

		ss->session = at(r->original, c->tzid);
		ss->state = g_strdup(r->state);
		if (r->starts != NULL) {
			ss->starts = at(r->starts, c->tzid);
			ss->ends = ss->starts + 3600;
		}
		g_ptr_array_add(rows, ss);
	}
	return rows;
}

/* test_between - the table */
static void
test_between(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(ev_cases); i++) {
		const struct ev_case *c = &ev_cases[i];
		struct store_event ev;
		g_autoptr(GPtrArray) rows = event_of(c, &ev);
		GArray *ss;
		size_t n = 0;

		g_test_message("case: %s", c->what);
		ss = sessions_between(
		    &ev, rows, at(c->from, c->tzid), at(c->to, c->tzid), NULL);
		g_assert_nonnull(ss);
		while (n < G_N_ELEMENTS(c->want) && c->want[n] != NULL)
			n++;
		g_assert_cmpuint(ss->len, ==, n);
		for (guint k = 0; k < ss->len; k++) {
			const struct session *s =
			    &g_array_index(ss, struct session, k);
			g_autofree char *local = g_strndup(c->want[k], 15);
			char flag = c->want[k][15];

			g_assert_cmpint(s->starts, ==, at(local, c->tzid));
			g_assert_cmpint(s->is_skipped, ==, flag == '*');
			g_assert_cmpint(s->is_moved, ==, flag == '+');
			g_assert_cmpint(s->id, ==, c->rrule ? s->original : 0);
			if (!s->is_moved)
				g_assert_cmpint(
				    s->ends - s->starts, ==, c->hours * 3600);
		}
		g_array_unref(ss);
	}
}

/* The DST case in UTC: the offset moves from -4 to -5 hours. */
static void
test_dst_utc(void)
{
	struct store_event ev = {.tzid = NY, .rrule = "FREQ=WEEKLY;COUNT=3"};
	GArray *ss;

	ev.starts = at("20261027T230000Z", NULL); /* 19:00 EDT */
	ev.ends = ev.starts + 3600;
	ss = sessions_between(&ev, NULL, 0, G_MAXINT64, NULL);
	g_assert_cmpuint(ss->len, ==, 3);
	g_assert_cmpint(g_array_index(ss, struct session, 1).starts, ==,
	    at("20261104T000000Z", NULL)); /* 19:00 EST */
	g_array_unref(ss);
}

/* A lookup: the next session after a local time, or the session on a
 * date (after NULL). want is a local start, "*" suffix: skipped; NULL:
 * none. */
struct lookup_case {
	const char *what;
	size_t ev; /* index in ev_cases */
	const char *after;
	int y, m, d;
	const char *want;
};

static const struct lookup_case lookup_cases[] = {
    {"next: one session, before it", 0, "20261201T000000", 0, 0, 0,
	"20261202T190000"},
    {"next: one session, after it", 0, "20261203T000000", 0, 0, 0, NULL},
    {"next: the coming Wednesday", 1, "20261203T120000", 0, 0, 0,
	"20261209T190000"},
    {"next: at the start itself", 1, "20261209T190000", 0, 0, 0,
	"20261209T190000"},
    {"next: after the last", 1, "20261231T000000", 0, 0, 0, NULL},
    {"next: a moved session at its new time", 9, "20261203T000000", 0, 0, 0,
	"20261210T200000"},
    {"next: a moved-earlier session comes first", 10, "20261130T000000", 0, 0,
	0, "20261201T190000"},
    {"next: a skipped session is not next", 11, "20261203T000000", 0, 0, 0,
	"20261216T190000"},
    {"next: no end, far ahead", 2, "20291003T000000", 0, 0, 0,
	"20291003T190000"},
    {"date: one session on its date", 0, NULL, 2026, 12, 2, "20261202T190000"},
    {"date: one session, another date", 0, NULL, 2026, 12, 9, NULL},
    {"date: weekly, a Wednesday", 1, NULL, 2026, 12, 23, "20261223T190000"},
    {"date: weekly, a Thursday", 1, NULL, 2026, 12, 24, NULL},
    {"date: moved, its new date", 9, NULL, 2026, 12, 10, "20261210T200000"},
    {"date: moved, not its old date", 9, NULL, 2026, 12, 9, NULL},
    {"date: skipped, found as skipped", 11, NULL, 2026, 12, 9,
	"20261209T190000*"},
    {"date: DST zone, the local date", 7, NULL, 2026, 11, 3, "20261103T190000"},
    {"date: all day", 13, NULL, 2026, 12, 12, "20261212T000000"},
};

/* test_lookup - the table */
static void
test_lookup(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(lookup_cases); i++) {
		const struct lookup_case *c = &lookup_cases[i];
		const struct ev_case *e = &ev_cases[c->ev];
		struct store_event ev;
		g_autoptr(GPtrArray) rows = event_of(e, &ev);
		g_autofree char *local = NULL;
		struct session s;
		bool found = true;

		g_test_message("case: %s", c->what);
		if (c->after != NULL)
			g_assert_true(sessions_next(&ev, rows,
			    at(c->after, e->tzid), &s, &found, NULL));
		else
			g_assert_true(sessions_on_date(
			    &ev, rows, c->y, c->m, c->d, &s, &found, NULL));
		g_assert_cmpint(found, ==, c->want != NULL);
		if (!found)
			continue;
		local = g_strndup(c->want, 15);
		g_assert_cmpint(s.starts, ==, at(local, e->tzid));
		g_assert_cmpint(s.is_skipped, ==, c->want[15] == '*');
	}
}

struct week_case {
	const char *what;
	size_t ev;
	const char *now; /* local */
	int weeks; /* -1: month/day ahead instead */
	int month, day;
	const char *want; /* local start or NULL */
};

static const struct week_case week_cases[] = {
    {"this week: Monday, the coming Wednesday", 2, "20261214T090000", 0, 0, 0,
	"20261216T190000"},
    {"this week: Sunday, the Wednesday has passed", 2, "20261220T090000", 0, 0,
	0, NULL},
    {"this week: during the session, it has started", 2, "20261216T193000", 0,
	0, 0, NULL},
    {"next week: from a Thursday", 2, "20261217T090000", 1, 0, 0,
	"20261223T190000"},
    {"next week: skipped, so none", 11, "20261201T090000", 1, 0, 0, NULL},
    {"next week: in New York across DST", 7, "20261028T090000", 1, 0, 0,
	"20261103T190000"},
    {"a date this year", 2, "20261201T090000", -1, 12, 23, "20261223T190000"},
    {"a date passed: next year's", 2, "20261224T090000", -1, 1, 6,
	"20270106T190000"},
};

/* test_week - sessions named by week or by a date without a year */
static void
test_week(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(week_cases); i++) {
		const struct week_case *c = &week_cases[i];
		const struct ev_case *e = &ev_cases[c->ev];
		struct store_event ev;
		g_autoptr(GPtrArray) rows = event_of(e, &ev);
		gint64 now = at(c->now, e->tzid);
		struct session s;
		bool found = true;

		g_test_message("case: %s", c->what);
		if (c->weeks >= 0)
			g_assert_true(sessions_in_week(
			    &ev, rows, now, c->weeks, &s, &found, NULL));
		else
			g_assert_true(sessions_on_day_ahead(&ev, rows, now,
			    c->month, c->day, &s, &found, NULL));
		g_assert_cmpint(found, ==, c->want != NULL);
		if (found)
			g_assert_cmpint(s.starts, ==, at(c->want, e->tzid));
	}
}

/* test_find - by original instant; a bad date and a bad rule */
static void
test_find(void)
{
	struct store_event ev;
	g_autoptr(GPtrArray) rows = event_of(&ev_cases[9], &ev);
	g_autoptr(GPtrArray) none = NULL;
	struct session s;
	GError *err = NULL;
	bool found;
	gint64 end;

	g_assert_true(sessions_find(
	    &ev, rows, at("20261209T190000", SEOUL), &s, &found, NULL));
	g_assert_true(found);
	g_assert_true(s.is_moved);
	g_assert_cmpint(s.starts, ==, at("20261210T200000", SEOUL));
	g_assert_true(sessions_find(
	    &ev, rows, at("20261209T180000", SEOUL), &s, &found, NULL));
	g_assert_false(found);
	g_assert_true(sessions_last_end(&ev, rows, &end, NULL));
	g_assert_cmpint(end, ==, at("20261216T210000", SEOUL));
	g_assert_false(
	    sessions_on_date(&ev, rows, 2026, 2, 30, &s, &found, &err));
	g_clear_error(&err);
	none = event_of(&ev_cases[2], &ev);
	g_assert_true(sessions_last_end(&ev, NULL, &end, NULL));
	g_assert_cmpint(end, ==, 0); /* no end */
	ev.rrule = "FREQ=FORTNIGHTLY";
	g_assert_null(sessions_between(&ev, NULL, 0, 1, &err));
	g_clear_error(&err);
	ev.rrule = "FREQ=SECONDLY";
	g_assert_false(sessions_next(&ev, NULL, 0, &s, &found, &err));
	g_clear_error(&err);
}

/* A rule with no end is bounded: a daily rule from 1970 gives no session
 * in 2100 (the bound stops it), and returns. */
static void
test_bound(void)
{
	struct store_event ev = {.tzid = "UTC", .rrule = "FREQ=DAILY"};
	struct session s;
	bool found = true;

	ev.starts = 0;
	ev.ends = 3600;
	g_assert_true(sessions_next(
	    &ev, NULL, at("21000101T000000Z", NULL), &s, &found, NULL));
	g_assert_false(found);
}

struct instant_case {
	const char *what;
	const char *value;
	const char *tzid;
	const char *want_utc; /* NULL: an error */
};

static const struct instant_case instant_cases[] = {
    {"UTC as Google writes it", "20261209T100000Z", SEOUL, "20261209T100000Z"},
    {"libical: RECURRENCE-ID;TZID read in its zone", "20261209T190000", SEOUL,
	"20261209T100000Z"},
    {"libical: RDATE;TZID read in its zone, DST", "20261110T190000", NY,
	"20261111T000000Z"},
    {"Outlook's zone name", "20261209T190000", "Korea Standard Time",
	"20261209T100000Z"},
    {"Evolution's zone path", "20261209T190000",
	"/freeassociation.sourceforge.net/Tzfile/Asia/Seoul",
	"20261209T100000Z"},
    {"no zone: UTC", "20261209T190000", NULL, "20261209T190000Z"},
    {"a date: its midnight in the zone", "20261209", SEOUL, "20261208T150000Z"},
    {"garbage", "2026-12-09", SEOUL, NULL},
    {"empty", "", SEOUL, NULL},
    {"too long",
	"20261209T190000ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"
	"ZZZZZZZZZZZZZZ",
	SEOUL, NULL},
};

/* test_instant - the table, and the libical fault it guards against */
static void
test_instant(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(instant_cases); i++) {
		const struct instant_case *c = &instant_cases[i];
		GError *err = NULL;
		gint64 t = 0;
		bool ok = sessions_instant(c->value, c->tzid, &t, &err);

		g_test_message("case: %s", c->what);
		g_assert_cmpint(ok, ==, c->want_utc != NULL);
		if (ok)
			g_assert_cmpint(t, ==, at(c->want_utc, NULL));
		else
			g_assert_nonnull(err);
		g_clear_error(&err);
	}
}

/* libical 3.0.16 reads the RECURRENCE-ID of a component without its
 * TZID; the property's value read with sessions_instant() in that TZID
 * is the instant. If libical is fixed, the first check says so. */
static void
test_libical_recurrenceid(void)
{
	static const char vevent[] =
	    "BEGIN:VEVENT\r\nUID:x\r\n"
	    "RECURRENCE-ID;TZID=Asia/Seoul:20261209T190000\r\n"
	    "END:VEVENT\r\n";
	icalcomponent *c = icalcomponent_new_from_string(vevent);
	icalproperty *p =
	    icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY);
	icalparameter *tz =
	    icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	struct icaltimetype lib = icalcomponent_get_recurrenceid(c);
	char *v = icaltime_as_ical_string_r(icalproperty_get_recurrenceid(p));
	gint64 t = 0;

	g_assert_true(lib.zone == NULL);
	g_assert_true(
	    sessions_instant(v, icalparameter_get_tzid(tz), &t, NULL));
	g_assert_cmpint(t, ==, at("20261209T100000Z", NULL));
	icalmemory_free_buffer(v);
	icalcomponent_free(c);
}

/* test_date_text - a date in the event's zone */
static void
test_date_text(void)
{
	g_autofree char *a =
	    sessions_date_text(at("20261223T160000Z", NULL), SEOUL);
	g_autofree char *b =
	    sessions_date_text(at("20261223T160000Z", NULL), NY);

	g_assert_cmpstr(a, ==, "2026-12-24");
	g_assert_cmpstr(b, ==, "2026-12-23");
}

/* An answer row: address, session, status. */
struct answer_row {
	const char *address;
	gint64 session;
	const char *status;
};

struct answers_case {
	const char *what;
	struct answer_row rows[6];
	gint64 session;
	const char *want; /* addresses:sessions of the answers that count */
};

static const struct answers_case answers_cases[] = {
    {"one-session event: every answer is session 0",
	{{"a", 0, "attending"}, {"b", 0, "declined"}}, 0, "a:0 b:0"},
    {"series answers count for a session without own",
	{{"a", 0, "attending"}, {"b", 0, "waitlist"}}, 100, "a:0 b:0"},
    {"an own answer beats the series answer",
	{{"a", 0, "attending"}, {"b", 0, "attending"}, {"a", 100, "declined"}},
	100, "b:0 a:100"},
    {"another session's answer does not count",
	{{"a", 0, "attending"}, {"a", 200, "declined"}}, 100, "a:0"},
    {"held answers count nowhere; the series one stays",
	{{"a", 0, "attending"}, {"a", 100, "held"}, {"c", 100, "held"}}, 100,
	"a:0"},
    {"the series itself: series answers only",
	{{"a", 0, "attending"}, {"a", 100, "declined"}, {"b", 100, "declined"}},
	0, "a:0"},
};

/* test_answers - the table */
static void
test_answers(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(answers_cases); i++) {
		const struct answers_case *c = &answers_cases[i];
		g_autoptr(GPtrArray) rs =
		    g_ptr_array_new_with_free_func(g_free);
		g_autoptr(GPtrArray) got = NULL;
		g_autoptr(GString) s = g_string_new(NULL);

		g_test_message("case: %s", c->what);
		for (const struct answer_row *a = c->rows; a->address; a++) {
			struct store_rsvp *r = g_new0(struct store_rsvp, 1);

			r->address = (char *)a->address;
			r->session = a->session;
			r->status = (char *)a->status;
			g_ptr_array_add(rs, r);
		}
		got = sessions_answers(rs, c->session);
		for (guint k = 0; k < got->len; k++) {
			const struct store_rsvp *r = got->pdata[k];

			g_string_append_printf(s, "%s%s:%" G_GINT64_FORMAT,
			    k ? " " : "", r->address, r->session);
		}
		g_assert_cmpstr(s->str, ==, c->want);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	icalerror_set_errors_are_fatal(0);
	g_test_add_func("/sessions/between", test_between);
	g_test_add_func("/sessions/dst_utc", test_dst_utc);
	g_test_add_func("/sessions/lookup", test_lookup);
	g_test_add_func("/sessions/find", test_find);
	g_test_add_func("/sessions/week", test_week);
	g_test_add_func("/sessions/bound", test_bound);
	g_test_add_func("/sessions/instant", test_instant);
	g_test_add_func(
	    "/sessions/libical_recurrenceid", test_libical_recurrenceid);
	g_test_add_func("/sessions/date_text", test_date_text);
	g_test_add_func("/sessions/answers", test_answers);
	return g_test_run();
}
