/*
 * evblock_test - unit tests for the evblock module
 *
 * Times are checked as local wall-clock text in the event's zone, which
 * is how the organizer wrote them, so a wrong zone or a wrong unix
 * conversion both show.
 */
#include "config.h"

#include <string.h>

#include "evblock.h"

/* 2026-12-01 09:00 KST (a Tuesday), 00:00 UTC. */
#define NOW G_GINT64_CONSTANT(1796083200)
/* 2026-11-28 12:00 KST. */
#define NOV28 G_GINT64_CONSTANT(1795834800)
/* 2026-12-28 12:00 KST. */
#define DEC28 G_GINT64_CONSTANT(1798426800)
/* 2027-01-30 12:00 KST. */
#define JAN30 G_GINT64_CONSTANT(1801278000)
#define TZ "Asia/Seoul"

/* A When value, with the start and end expected in tzid's wall clock. */
struct when_case {
	const char *when;
	gint64 now; /* 0 = NOW */
	const char *start, *end;
	const char *tzid;
	bool is_all_day;
};

static const struct when_case when_cases[] = {
    /* The forms of issue 6. */
    {"2026-12-16 14:00-17:00", 0, "2026-12-16 14:00", "2026-12-16 17:00", TZ,
	false},
    {"2026.12.16 14:00~17:00", 0, "2026-12-16 14:00", "2026-12-16 17:00", TZ,
	false},
    {"12/16 14:00", 0, "2026-12-16 14:00", "2026-12-16 16:00", TZ, false},
    {"2026년 12월 16일 (수) 오후 2시~5시", 0, "2026-12-16 14:00",
	"2026-12-16 17:00", TZ, false},
    {"12월 16일 오후 2시 30분", 0, "2026-12-16 14:30", "2026-12-16 16:30", TZ,
	false},
    {"16일 14시", 0, "2026-12-16 14:00", "2026-12-16 16:00", TZ, false},
    /* "16일" across a month end and a year end; today counts. */
    {"3일 14시", NOV28, "2026-12-03 14:00", "2026-12-03 16:00", TZ, false},
    {"3일 14시", DEC28, "2027-01-03 14:00", "2027-01-03 16:00", TZ, false},
    {"30일 14시", NOV28, "2026-11-30 14:00", "2026-11-30 16:00", TZ, false},
    {"28일 15시", DEC28, "2026-12-28 15:00", "2026-12-28 17:00", TZ, false},
    {"31일 10시", NOV28, "2026-12-31 10:00", "2026-12-31 12:00", TZ, false},
    {"29일 10시", JAN30, "2027-03-29 10:00", "2027-03-29 12:00", TZ, false},
    {"1일 9시", 0, "2026-12-01 09:00", "2026-12-01 11:00", TZ, false},
    /* A date without a year is the next one. */
    {"12/1 18:00", 0, "2026-12-01 18:00", "2026-12-01 20:00", TZ, false},
    {"11/30 18:00", 0, "2027-11-30 18:00", "2027-11-30 20:00", TZ, false},
    {"1월 5일 오전 10시", DEC28, "2027-01-05 10:00", "2027-01-05 12:00", TZ,
	false},
    {"2/29", 0, "2028-02-29 00:00", "2028-03-01 00:00", TZ, true},
    /* Separators and spacing. */
    {"2026/12/16 14:00 - 17:00", 0, "2026-12-16 14:00", "2026-12-16 17:00", TZ,
	false},
    {"2026. 12. 16. 14:00 ~ 17:00", 0, "2026-12-16 14:00", "2026-12-16 17:00",
	TZ, false},
    {"2026-12-16 14:00\u201317:00", 0, "2026-12-16 14:00", "2026-12-16 17:00",
	TZ, false},
    {"2026-12-16 14:00\uff5e17:30", 0, "2026-12-16 14:00", "2026-12-16 17:30",
	TZ, false},
    {"12.16 9:30", 0, "2026-12-16 09:30", "2026-12-16 11:30", TZ, false},
    {"12/16/2026 19:00", 0, "2026-12-16 19:00", "2026-12-16 21:00", TZ, false},
    {"2026년12월16일 14:00", 0, "2026-12-16 14:00", "2026-12-16 16:00", TZ,
	false},
    {"2026년 12월 16일 수요일 14:00", 0, "2026-12-16 14:00", "2026-12-16 16:00",
	TZ, false},
    /* 오전/오후 and their kin. */
    {"12월 16일 오전 10시~12시", 0, "2026-12-16 10:00", "2026-12-16 12:00", TZ,
	false},
    {"12월 16일 오전 11시~오후 1시", 0, "2026-12-16 11:00", "2026-12-16 13:00",
	TZ, false},
    {"12월 16일 오전 11시~1시", 0, "2026-12-16 11:00", "2026-12-16 13:00", TZ,
	false},
    {"12월 16일 오후 12시", 0, "2026-12-16 12:00", "2026-12-16 14:00", TZ,
	false},
    {"12월 16일 오전 12시 30분", 0, "2026-12-16 00:30", "2026-12-16 02:30", TZ,
	false},
    {"12월 16일 저녁 7시~9시", 0, "2026-12-16 19:00", "2026-12-16 21:00", TZ,
	false},
    {"12월 16일 오후 2시 반", 0, "2026-12-16 14:30", "2026-12-16 16:30", TZ,
	false},
    {"12월 16일 오후 2시부터 5시까지", 0, "2026-12-16 14:00",
	"2026-12-16 17:00", TZ, false},
    {"12월 16일 정오", 0, "2026-12-16 12:00", "2026-12-16 14:00", TZ, false},
    {"12월 16일 9시~6시", 0, "2026-12-16 09:00", "2026-12-16 18:00", TZ, false},
    {"12월 16일 오후 2:30", 0, "2026-12-16 14:30", "2026-12-16 16:30", TZ,
	false},
    /* English. */
    {"Dec 16, 2026 2pm", 0, "2026-12-16 14:00", "2026-12-16 16:00", TZ, false},
    {"Wed, December 16 2:00 PM - 5:00 PM", 0, "2026-12-16 14:00",
	"2026-12-16 17:00", TZ, false},
    {"16 Dec 2026 10am to 12pm", 0, "2026-12-16 10:00", "2026-12-16 12:00", TZ,
	false},
    {"2026-12-16 2:00-5:00 p.m.", 0, "2026-12-16 14:00", "2026-12-16 17:00", TZ,
	false},
    /* All-day and multi-day. */
    {"2026-12-16", 0, "2026-12-16 00:00", "2026-12-17 00:00", TZ, true},
    {"2026년 12월 16일 (수)", 0, "2026-12-16 00:00", "2026-12-17 00:00", TZ,
	true},
    {"12/16~12/18", 0, "2026-12-16 00:00", "2026-12-19 00:00", TZ, true},
    {"12월 30일~1월 2일", 0, "2026-12-30 00:00", "2027-01-03 00:00", TZ, true},
    {"12월 16일~18일", 0, "2026-12-16 00:00", "2026-12-19 00:00", TZ, true},
    {"2026-12-01", 0, "2026-12-01 00:00", "2026-12-02 00:00", TZ, true},
    {"2026-12-16 10:00 ~ 2026-12-17 16:00", 0, "2026-12-16 10:00",
	"2026-12-17 16:00", TZ, false},
    /* All-day words and day ranges as organizers write them (issue 12). */
    {"2027년 10월 9일 (토) 종일", 0, "2027-10-09 00:00", "2027-10-10 00:00", TZ,
	true},
    {"2027년 10월 9일 하루 종일", 0, "2027-10-09 00:00", "2027-10-10 00:00", TZ,
	true},
    {"10월 9일 하루종일", 0, "2027-10-09 00:00", "2027-10-10 00:00", TZ, true},
    {"10월 9일 온종일", 0, "2027-10-09 00:00", "2027-10-10 00:00", TZ, true},
    {"10월 9일 (종일)", 0, "2027-10-09 00:00", "2027-10-10 00:00", TZ, true},
    {"10월 9일~10일", 0, "2027-10-09 00:00", "2027-10-11 00:00", TZ, true},
    {"2027년 10월 9일(토)~11일(월)", 0, "2027-10-09 00:00", "2027-10-12 00:00",
	TZ, true},
    {"2027년 10월 9일 (토) ~ 11일 (월) 종일", 0, "2027-10-09 00:00",
	"2027-10-12 00:00", TZ, true},
    {"10월 30일 ~ 11월 1일", 0, "2027-10-30 00:00", "2027-11-02 00:00", TZ,
	true},
    {"Oct 9 2027 all day", 0, "2027-10-09 00:00", "2027-10-10 00:00", TZ, true},
    {"October 9, 2027 (all-day)", 0, "2027-10-09 00:00", "2027-10-10 00:00", TZ,
	true},
    {"Oct 9-11", 0, "2027-10-09 00:00", "2027-10-12 00:00", TZ, true},
    {"October 9 to 11", 0, "2027-10-09 00:00", "2027-10-12 00:00", TZ, true},
    {"Sat, Oct 9 - Mon, Oct 11, 2027", 0, "2027-10-09 00:00",
	"2027-10-12 00:00", TZ, true},
    {"2027-10-09 to 2027-10-11", 0, "2027-10-09 00:00", "2027-10-12 00:00", TZ,
	true},
    {"2027-10-09 to 2027-10-11 UTC", 0, "2027-10-09 00:00", "2027-10-12 00:00",
	"UTC", true},
    /* The longest range: 31 days. */
    {"12월 1일~31일", 0, "2026-12-01 00:00", "2027-01-01 00:00", TZ, true},
    /* Named zones. */
    {"2026-12-16 14:00 KST", 0, "2026-12-16 14:00", "2026-12-16 16:00",
	"Asia/Seoul", false},
    {"2026-12-16 14:00 UTC", 0, "2026-12-16 14:00", "2026-12-16 16:00", "UTC",
	false},
    {"2026-12-16 14:00 (Asia/Tokyo)", 0, "2026-12-16 14:00", "2026-12-16 16:00",
	"Asia/Tokyo", false},
    {"2026-12-16 14:00-15:00 +09:00", 0, "2026-12-16 14:00", "2026-12-16 15:00",
	"+09:00", false},
    {"2026-12-16 09:00 America/New_York", 0, "2026-12-16 09:00",
	"2026-12-16 11:00", "America/New_York", false},
    {"2026-12-16 14:00 GMT+9", 0, "2026-12-16 14:00", "2026-12-16 16:00",
	"+09:00", false},
    {"2026-12-16 14:00 한국시간", 0, "2026-12-16 14:00", "2026-12-16 16:00",
	"Asia/Seoul", false},
};

/* A whole post that must fail at line with reason. */
struct err_case {
	const char *text;
	gint64 now;
	unsigned line;
	enum evblock_reason reason;
};

#define EV "Event: Forum\n"
static const struct err_case err_cases[] = {
    {EV "When: sometime soon\n", 0, 2, EVBLOCK_BAD_DATE},
    {EV "When: 다음 주 수요일\n", 0, 2, EVBLOCK_BAD_DATE},
    {EV "When: 2026-12-16 14:00 and later\n", 0, 2, EVBLOCK_BAD_DATE},
    {EV "When: 2026-12-16 14\n", 0, 2, EVBLOCK_BAD_DATE},
    {EV "When: 2026-12-16 14:00~\n", 0, 2, EVBLOCK_BAD_DATE},
    {EV "When: 12/16~14:00\n", 0, 2, EVBLOCK_BAD_DATE},
    {EV "When: 2026-12-16 (Thu)\n", 0, 2, EVBLOCK_WEEKDAY_MISMATCH},
    {"행사: 포럼\n일시: 2026년 12월 16일 (목) 오후 2시\n", 0, 2,
	EVBLOCK_WEEKDAY_MISMATCH},
    {EV "When: 2026-02-30\n", 0, 2, EVBLOCK_NO_SUCH_DATE},
    {EV "When: 2026-13-01\n", 0, 2, EVBLOCK_NO_SUCH_DATE},
    {EV "When: 2026-12-16 25:00\n", 0, 2, EVBLOCK_NO_SUCH_DATE},
    {EV "When: 2026-12-16 14:75\n", 0, 2, EVBLOCK_NO_SUCH_DATE},
    {EV "When: 12월 16일 오후 13시\n", 0, 2, EVBLOCK_NO_SUCH_DATE},
    {EV "When: 32일\n", 0, 2, EVBLOCK_NO_SUCH_DATE},
    {EV "When: 2026-12-16 17:00-14:00\n", 0, 2, EVBLOCK_END_BEFORE_START},
    {EV "When: 2026-12-16 14:00-14:00\n", 0, 2, EVBLOCK_END_BEFORE_START},
    {EV "When: 12월 16일 오후 2시~1시\n", 0, 2, EVBLOCK_END_BEFORE_START},
    {EV "When: 12/18~12/16\n", 0, 2, EVBLOCK_END_BEFORE_START},
    {EV "When: 10월 9일~8일\n", 0, 2, EVBLOCK_END_BEFORE_START},
    {EV "When: Oct 9-8\n", 0, 2, EVBLOCK_END_BEFORE_START},
    {EV "When: 12월 1일~1월 1일\n", 0, 2, EVBLOCK_TOO_LONG},
    {EV "When: 2026-12-16 10:00 ~ 2027-01-20 10:00\n", 0, 2, EVBLOCK_TOO_LONG},
    {EV "When: 10월 9일 종일 14:00\n", 0, 2, EVBLOCK_BAD_DATE},
    {EV "When: 10월 9일 14:00 종일\n", 0, 2, EVBLOCK_BAD_DATE},
    {EV "When: 10월 9일 반종일\n", 0, 2, EVBLOCK_BAD_DATE},
    {EV "When: Oct 9 all\n", 0, 2, EVBLOCK_BAD_DATE},
    {EV "When: 10월 9일 (종일\n", 0, 2, EVBLOCK_BAD_DATE},
    {EV "When: 2027년 10월 9일(토)~11일(화)\n", 0, 2, EVBLOCK_WEEKDAY_MISMATCH},
    {EV "When: Oct 9-32\n", 0, 2, EVBLOCK_NO_SUCH_DATE},
    {EV "When: 2026-11-30 14:00\n", 0, 2, EVBLOCK_PAST},
    {EV "When: 2025-12-16\n", 0, 2, EVBLOCK_PAST},
    {EV "When: 12/1 08:00\n", 0, 2, EVBLOCK_PAST},
    {EV "When: 30일 10시\n", JAN30, 2, EVBLOCK_PAST},
    {EV "When: 1일 8시\n", 0, 2, EVBLOCK_PAST},
    {EV "When: 2036-12-16\n", 0, 2, EVBLOCK_TOO_FAR},
    {EV "When: 2026-12-16 14:00 Mars/Olympus\n", 0, 2, EVBLOCK_BAD_ZONE},
    {EV "When: 2026-12-16 14:00 +25:00\n", 0, 2, EVBLOCK_BAD_DATE},
    {EV "When: 2026-12-16\nCapacity: many\n", 0, 3, EVBLOCK_BAD_CAPACITY},
    {EV "When: 2026-12-16\nCapacity: 0\n", 0, 3, EVBLOCK_BAD_CAPACITY},
    {EV "When: 2026-12-16\nCapacity: -5\n", 0, 3, EVBLOCK_BAD_CAPACITY},
    {EV "When: 2026-12-16\nCapacity: 1000000\n", 0, 3, EVBLOCK_BAD_CAPACITY},
    {EV "When: 2026-12-16\n정원: 80명 정도\n", 0, 3, EVBLOCK_BAD_CAPACITY},
    {EV "When: 2026-12-16 14:00\nRSVP-By: soon\n", 0, 3, EVBLOCK_BAD_DEADLINE},
    {EV "When: 2026-12-16 14:00\nRSVP-By: 2026-12-20\n", 0, 3,
	EVBLOCK_DEADLINE_AFTER_START},
    {EV "When: 2026-12-16 14:00\n마감: 2026년 11월 30일\n", 0, 3,
	EVBLOCK_DEADLINE_PAST},
    {EV "When: 2026-12-16 14:00\n마감: 11월 30일\n", 0, 3,
	EVBLOCK_DEADLINE_AFTER_START},
    {EV "When: 2026-12-16 14:00\nRSVP-By: 2026-12-16 15:00\n", 0, 3,
	EVBLOCK_DEADLINE_AFTER_START},
    {"Event: Forum\n", 0, 1, EVBLOCK_NO_WHEN},
    {"Where: Hall\nWhen: 2026-12-16\n", 0, 2, EVBLOCK_NO_TITLE},
    {EV "When: 2026-12-16\nEvent: Again\n", 0, 3, EVBLOCK_DUPLICATE_KEY},
    {"행사: 포럼\n일시: 12월 16일\nWhen: 12월 17일\n", 0, 3,
	EVBLOCK_DUPLICATE_KEY},
    {EV "When:\n", 0, 2, EVBLOCK_EMPTY_VALUE},
    {EV "When: 2026-12-16\nWhere: \xff\xfe\n", 0, 3, EVBLOCK_BAD_TEXT},
    {"\n\n" EV "When: 2026-12-16 25:00\n", 0, 4, EVBLOCK_NO_SUCH_DATE},
};

/* local - t in zone tzid as "YYYY-MM-DD HH:MM" */
static char *
local(gint64 t, const char *tzid)
{
	GTimeZone *tz = g_time_zone_new_identifier(tzid);
	GDateTime *u, *l;
	char *s;

	g_assert_nonnull(tz);
	u = g_date_time_new_from_unix_utc(t);
	l = g_date_time_to_timezone(u, tz);
	s = g_date_time_format(l, "%Y-%m-%d %H:%M");
	g_date_time_unref(l);
	g_date_time_unref(u);
	g_time_zone_unref(tz);
	return s;
}

/* parse_ok - parse text that must give an event */
static struct evblock *
parse_ok(const char *text, gint64 now)
{
	struct evblock *ev = NULL;
	struct evblock_error e;

	if (!evblock_parse(text, TZ, now, &ev, &e))
		g_error("%s: line %u: %s", text, e.line, e.msg_en);
	g_assert_nonnull(ev);
	return ev;
}

static void
test_when(gconstpointer data)
{
	const struct when_case *c = data;
	g_autofree char *text =
	    g_strdup_printf("Event: Forum\nWhen: %s\n", c->when);
	struct evblock *ev = parse_ok(text, c->now ? c->now : NOW);
	g_autofree char *start = local(ev->start, c->tzid);
	g_autofree char *end = local(ev->end, c->tzid);

	g_assert_cmpstr(ev->tzid, ==, c->tzid);
	g_assert_cmpstr(start, ==, c->start);
	g_assert_cmpstr(end, ==, c->end);
	g_assert_cmpint(ev->is_all_day, ==, c->is_all_day);
	evblock_free(ev);
}

static void
test_error(gconstpointer data)
{
	const struct err_case *c = data;
	struct evblock *ev = NULL;
	struct evblock_error e;

	g_assert_false(
	    evblock_parse(c->text, TZ, c->now ? c->now : NOW, &ev, &e));
	g_assert_null(ev);
	g_assert_cmpint(e.reason, ==, c->reason);
	g_assert_cmpuint(e.line, ==, c->line);
	g_assert_nonnull(e.msg_en);
	g_assert_nonnull(e.msg_ko);
	g_assert_true(g_utf8_validate(e.msg_ko, -1, NULL));
}

/* A block with a repeat rule: the first session in local time, the
 * RRULE and the skipped sessions' original starts. */
struct series_case {
	const char *text;
	const char *start, *end;
	const char *rrule;
	const char *skips; /* local starts, ", "-separated; "" none */
};

static const struct series_case series_cases[] = {
    {"Event: Study\nWhen: 매주 수요일 19:30-21:00, 12월까지\n",
	"2026-12-02 19:30", "2026-12-02 21:00",
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20261231T145959Z", ""},
    /* Today's 08:00 has begun (NOW is Tuesday 09:00): next week's. */
    {"Event: Run\nWhen: 매주 화요일 08:00\n", "2026-12-08 08:00",
	"2026-12-08 10:00", "FREQ=WEEKLY;BYDAY=TU", ""},
    {"행사: 스터디\n일시: 2026-12-09 19:30-21:00\n반복: 매주 수요일, 총 10회\n"
     "휴강: 12/23\n",
	"2026-12-09 19:30", "2026-12-09 21:00", "FREQ=WEEKLY;BYDAY=WE;COUNT=11",
	"2026-12-23 19:30"},
    {"Event: Kaggle\nWhen: 격주 토요일 오후 2시~5시\nSkip: 12/19\n",
	"2026-12-05 14:00", "2026-12-05 17:00",
	"FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", "2026-12-19 14:00"},
    {"Event: Cleanup\nWhen: 매월 첫째 주 토요일\n", "2026-12-05 00:00",
	"2026-12-06 00:00", "FREQ=MONTHLY;BYDAY=1SA", ""},
    {"Event: Reading\nWhen: every Wednesday 7pm-9pm until March 31, "
     "except Dec 23 and Jan 6\n",
	"2026-12-02 19:00", "2026-12-02 21:00",
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T145959Z",
	"2026-12-23 19:00, 2027-01-06 19:00"},
    {"Event: Forum\nWhen: 2026년 12월 16일 (수) 오후 2시~5시\n",
	"2026-12-16 14:00", "2026-12-16 17:00", NULL, ""},
    {"Event: Forum\nWhen: 2026-12-16 19:00-21:00\n반복: 격월\n",
	"2026-12-16 19:00", "2026-12-16 21:00", "FREQ=MONTHLY;INTERVAL=2", ""},
    {"Event: Paper\nWhen: every Friday 7pm-9pm\nRepeats: 10 sessions, "
     "except Dec 25\n",
	"2026-12-04 19:00", "2026-12-04 21:00", "FREQ=WEEKLY;BYDAY=FR;COUNT=11",
	"2026-12-25 19:00"},
    {"Event: Paper\nWhen: every Friday 7pm-9pm until April 30, except "
     "April 2\n",
	"2026-12-04 19:00", "2026-12-04 21:00",
	"FREQ=WEEKLY;BYDAY=FR;UNTIL=20270430T145959Z", "2027-04-02 19:00"},
    {"행사: 세미나\n일시: 매주 금요일 19:00-21:00, 4월 2일 제외, 4월까지\n",
	"2026-12-04 19:00", "2026-12-04 21:00",
	"FREQ=WEEKLY;BYDAY=FR;UNTIL=20270430T145959Z", "2027-04-02 19:00"},
    {"행사: 세미나\n일시: 마지막 주 목요일 19:00-21:00, 3월 말까지\n",
	"2026-12-31 19:00", "2026-12-31 21:00",
	"FREQ=MONTHLY;BYDAY=-1TH;UNTIL=20270331T145959Z", ""},
};

static void
test_series(gconstpointer data)
{
	const struct series_case *c = data;
	struct evblock *ev = parse_ok(c->text, NOW);
	g_autofree char *start = local(ev->start, TZ);
	g_autofree char *end = local(ev->end, TZ);
	GString *skips = g_string_new(NULL);

	for (size_t i = 0; i < ev->n_skips; i++) {
		g_autofree char *t = local(ev->skips[i], TZ);

		g_string_append_printf(skips, "%s%s", i ? ", " : "", t);
	}
	g_assert_cmpstr(start, ==, c->start);
	g_assert_cmpstr(end, ==, c->end);
	g_assert_cmpstr(ev->rrule, ==, c->rrule);
	g_assert_cmpstr(skips->str, ==, c->skips);
	g_string_free(skips, TRUE);
	evblock_free(ev);
}

/* A repeat rule refused: the line, and the words the notice names. */
struct series_err_case {
	const char *text;
	unsigned line;
	const char *words;
};

static const struct series_err_case series_err_cases[] = {
    {"Event: S\nWhen: 주 2회 19:00\n", 2, "주 2회"},
    {"Event: S\nWhen: 2026-12-10 19:00\nRepeats: 매주 수요일\n", 3, "수요일"},
    {"Event: S\nWhen: 2026-12-09 19:00\n반복: 매주 수요일\n휴강: 1/1\n", 4,
	"1/1"},
    {"Event: S\nWhen: 19:00\n반복: biweekly\n", 3, "biweekly"},
    {"Event: S\nWhen: 2026-12-09 19:00\n반복: 매주 수요일 blah\n", 3, "blah"},
    {"Event: S\nWhen: 2026-12-09 19:00\nSkip: 12/16\n", 3, "12/16"},
    {"Event: S\nWhen: 격주 19:00\n", 2, "격주"},
    {"Event: S\nWhen: 19:00\n반복: 격월\n", 3, "격월"},
    {"Event: S\nWhen: 격주 19:00\nRepeats: for 8 weeks\n", 2, "격주"},
    {"Event: S\nWhen: 19:00\nRepeats: biweekly on Saturday\n", 3, "biweekly"},
    {"행사: S\n일시: 19:00\n반복: 주 2회\n", 3, "주 2회"},
    {"Event: S\nWhen: 매주 수요일 2026년 11월 1일까지\n", 2, "2026년 11월 1일"},
};

static void
test_series_error(gconstpointer data)
{
	const struct series_err_case *c = data;
	struct evblock *ev = NULL;
	struct evblock_error e;

	g_assert_false(evblock_parse(c->text, TZ, NOW, &ev, &e));
	g_assert_null(ev);
	g_assert_cmpint(e.reason, ==, EVBLOCK_BAD_REPEAT);
	g_assert_cmpuint(e.line, ==, c->line);
	g_assert_cmpstr(e.words, ==, c->words);
	g_assert_nonnull(e.msg_en);
	g_assert_true(g_utf8_validate(e.msg_ko, -1, NULL));
}

/* The SPEC's two examples, with every field. */
static void
test_spec_examples(void)
{
	static const char en[] = "Event: 1st Public Technology Forum\n"
				 "When: 2026-12-16 14:00-17:00\n"
				 "Where: KARI, 4F auditorium\n"
				 "Capacity: 80\n"
				 "RSVP-By: 2026-12-14\n"
				 "\n"
				 "Dear members,\n";
	static const char ko[] = "행사: 제1회 공개기술포럼\r\n"
				 "일시: 2026년 12월 16일 (수) 오후 2시~5시\r\n"
				 "장소: 한국항공우주연구원 4층 시청각실\r\n"
				 "정원: 80명\r\n"
				 "마감: 12월 14일\r\n"
				 "내용: 공개 토론과\r\n"
				 "  네트워킹\r\n"
				 "\r\n"
				 "안녕하세요.\r\n";
	struct evblock *a = parse_ok(en, NOW), *b = parse_ok(ko, NOW);
	g_autofree char *dl = local(a->rsvp_by, TZ);

	g_assert_cmpstr(a->title, ==, "1st Public Technology Forum");
	g_assert_cmpstr(a->location, ==, "KARI, 4F auditorium");
	g_assert_null(a->description);
	g_assert_cmpint(a->capacity, ==, 80);
	g_assert_true(a->has_rsvp_by);
	g_assert_cmpstr(dl, ==, "2026-12-15 00:00");
	g_assert_cmpstr(en + a->body_offset, ==, "Dear members,\n");
	g_assert_cmpstr(b->title, ==, "제1회 공개기술포럼");
	g_assert_cmpstr(b->location, ==, "한국항공우주연구원 4층 시청각실");
	g_assert_cmpstr(b->description, ==, "공개 토론과 네트워킹");
	g_assert_cmpint(b->capacity, ==, 80);
	g_assert_cmpint(b->start, ==, a->start);
	g_assert_cmpint(b->end, ==, a->end);
	g_assert_cmpint(b->rsvp_by, ==, a->rsvp_by);
	g_assert_cmpstr(ko + b->body_offset, ==, "안녕하세요.\r\n");
	evblock_free(a);
	evblock_free(b);
}

/* Capacity forms, each with the number expected. */
static void
test_capacity(void)
{
	static const struct {
		const char *v;
		int cap;
	} t[] = {{"80", 80}, {"80명", 80}, {"80 명", 80}, {"선착순 30명", 30},
	    {"1,000 seats", 1000}, {"120 people", 120}, {"무제한", 0},
	    {"unlimited", 0}, {"최대 50석", 50}};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		g_autofree char *text = g_strdup_printf(
		    "Event: F\nWhen: 2026-12-16\nCapacity: %s\n", t[i].v);
		struct evblock *ev = parse_ok(text, NOW);

		g_assert_cmpint(ev->capacity, ==, t[i].cap);
		evblock_free(ev);
	}
}

/* Deadlines: date alone is end of day, or the start on the same day. */
static void
test_deadline(void)
{
	static const struct {
		const char *when, *by, *expect;
	} t[] = {{"2026-12-16 14:00", "2026-12-14", "2026-12-15 00:00"},
	    {"2026-12-16 14:00", "12월 14일 오후 6시", "2026-12-14 18:00"},
	    {"2026-12-16 14:00", "12/16", "2026-12-16 14:00"},
	    {"2026-12-16", "2026-12-16", "2026-12-16 00:00"},
	    {"2026-12-16 14:00", "2026-12-16 12:00", "2026-12-16 12:00"},
	    {"2027-01-05 14:00", "12월 30일", "2026-12-31 00:00"}};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		g_autofree char *text = g_strdup_printf(
		    "Event: F\nWhen: %s\nRSVP-By: %s\n", t[i].when, t[i].by);
		struct evblock *ev = parse_ok(text, NOW);
		g_autofree char *s = local(ev->rsvp_by, TZ);

		g_assert_true(ev->has_rsvp_by);
		g_assert_cmpstr(s, ==, t[i].expect);
		evblock_free(ev);
	}
}

/* Posts with no block: success with no event. */
static void
test_no_block(void)
{
	static const char *const t[] = {"", "\n\n", "Hello all,\nWhen: now\n",
	    "안녕하세요.\n", "Where: Seoul\nCapacity: 10\n",
	    "http://example.org: a link\n", "\xff\xfe\n"};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		struct evblock *ev = (struct evblock *)1;
		struct evblock_error e;

		g_assert_true(evblock_parse(t[i], TZ, NOW, &ev, &e));
		g_assert_null(ev);
	}
}

/* Key spellings, any order, and the block's end at a non-key line. */
static void
test_keys(void)
{
	static const char text[] = "RSVP by: 12/14\n"
				   "Location: Room 1\n"
				   "TITLE : Seminar\n"
				   "date\uff1a 12/16 10:00\n"
				   "Seats: 12\n"
				   "Please come.\n"
				   "Description: not in the block\n";
	struct evblock *ev = parse_ok(text, NOW);

	g_assert_cmpstr(ev->title, ==, "Seminar");
	g_assert_cmpstr(ev->location, ==, "Room 1");
	g_assert_null(ev->description);
	g_assert_cmpint(ev->capacity, ==, 12);
	g_assert_cmpstr(text + ev->body_offset, ==,
	    "Please come.\nDescription: not in the block\n");
	evblock_free(ev);
}

/* A bad default zone is the caller's fault: line 0. */
static void
test_bad_default_zone(void)
{
	struct evblock *ev = NULL;
	struct evblock_error e;

	g_assert_false(evblock_parse(
	    "Event: F\nWhen: 2026-12-16\n", "Nowhere/City", NOW, &ev, &e));
	g_assert_cmpint(e.reason, ==, EVBLOCK_BAD_ZONE);
	g_assert_cmpuint(e.line, ==, 0);
}

/* A line over the bound is refused, not cut and read. */
static void
test_long_line(void)
{
	GString *s = g_string_new("Event: ");
	struct evblock *ev = NULL;
	struct evblock_error e;

	for (int i = 0; i < EVBLOCK_MAX_LINE; i++)
		g_string_append_c(s, 'x');
	g_string_append(s, "\nWhen: 2026-12-16\n");
	g_assert_false(evblock_parse(s->str, TZ, NOW, &ev, &e));
	g_assert_cmpint(e.reason, ==, EVBLOCK_BAD_TEXT);
	g_assert_cmpuint(e.line, ==, 1);
	g_string_free(s, TRUE);
}

/* All-day helpers: the dates shown, a calendar's DATE in the event's
 * zone, and when the reminder comes (18:00 local the day before). */
static void
test_all_day_helpers(void)
{
	/* 2027-10-09 00:00 and 2027-10-12 00:00 in Seoul. */
	const gint64 s = G_GINT64_CONSTANT(1823007600);
	const gint64 e = G_GINT64_CONSTANT(1823266800);
	static const struct {
		int hours;
		gint64 want;
	} remind[] = {
	    {1, G_GINT64_CONSTANT(1822986000)}, /* 10-08 18:00 */
	    {24, G_GINT64_CONSTANT(1822986000)},
	    {0, G_GINT64_CONSTANT(1822986000)},
	    {25, G_GINT64_CONSTANT(1822899600)}, /* 10-07 18:00 */
	};
	g_autofree char *range = evblock_days_text(s, e, TZ);
	g_autofree char *one = evblock_days_text(s, s + 86400, TZ);

	g_assert_cmpstr(range, ==, "2027-10-09 ~ 2027-10-11");
	g_assert_cmpstr(one, ==, "2027-10-09");
	/* 20271009 read as UTC midnight is the 9th in Seoul and New York. */
	g_assert_cmpint(
	    evblock_date_local(G_GINT64_CONSTANT(1823040000), TZ), ==, s);
	g_assert_cmpint(evblock_date_local(
			    G_GINT64_CONSTANT(1823040000), "America/New_York"),
	    ==, G_GINT64_CONSTANT(1823054400));
	for (size_t i = 0; i < G_N_ELEMENTS(remind); i++)
		g_assert_cmpint(evblock_remind_at(s, true, TZ, remind[i].hours),
		    ==, remind[i].want);
	g_assert_cmpint(evblock_remind_at(s, false, TZ, 3), ==, s - 3 * 3600);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(when_cases); i++) {
		g_autofree char *name = g_strdup_printf("/evblock/when/%zu", i);

		g_test_add_data_func(name, &when_cases[i], test_when);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(err_cases); i++) {
		g_autofree char *name =
		    g_strdup_printf("/evblock/error/%zu", i);

		g_test_add_data_func(name, &err_cases[i], test_error);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(series_cases); i++) {
		g_autofree char *name =
		    g_strdup_printf("/evblock/series/%zu", i);

		g_test_add_data_func(name, &series_cases[i], test_series);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(series_err_cases); i++) {
		g_autofree char *name =
		    g_strdup_printf("/evblock/series_error/%zu", i);

		g_test_add_data_func(
		    name, &series_err_cases[i], test_series_error);
	}
	g_test_add_func("/evblock/spec_examples", test_spec_examples);
	g_test_add_func("/evblock/capacity", test_capacity);
	g_test_add_func("/evblock/deadline", test_deadline);
	g_test_add_func("/evblock/no_block", test_no_block);
	g_test_add_func("/evblock/keys", test_keys);
	g_test_add_func("/evblock/bad_default_zone", test_bad_default_zone);
	g_test_add_func("/evblock/long_line", test_long_line);
	g_test_add_func("/evblock/all_day_helpers", test_all_day_helpers);
	return g_test_run();
}
