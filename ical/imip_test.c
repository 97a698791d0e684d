/*
 * imip_test - unit tests of the imip module
 */
#include "config.h"

#include <string.h>

#include <libical/ical.h>

#include "err.h"
#include "imip.h"
#include "mime.h"
#include "testutil.h"

/* 2026-12-16 14:00 and 17:00 in Asia/Seoul (UTC+9, no DST). */
#define FORUM_START INT64_C(1797397200)
#define FORUM_END (FORUM_START + 3 * 3600)
#define FORUM_TITLE                                                                                  \
	"제1회 공개기술포럼: 인공지능과 우주항공의 만남, 대덕연구단지의 " \
	"연구자와 학생, 기업이 함께 배우는 자리"
#define MEMBER "kim.minsu@kari.example.kr"

/* forum_event - the event of most tests: Korean texts, Asia/Seoul */
static struct imip_event
forum_event(void)
{
	struct imip_event ev = {
	    .uid = "42.ai@lists.example.org",
	    .sequence = 0,
	    .summary = FORUM_TITLE,
	    .location = "한국항공우주연구원 4층 시청각실; 대전",
	    .description = "발표 세 편과 토론.\n주차는 정문에서.",
	    .start = FORUM_START,
	    .end = FORUM_END,
	    .tzid = "Asia/Seoul",
	    .is_all_day = false,
	    .organizer_addr = "ai-rsvp+42@lists.example.org",
	    .organizer_name = "대덕 AI 모임",
	    .dtstamp = INT64_C(1790000000),
	};

	return ev;
}

/* imip_dir - corpus/imip, or NULL with the test marked skipped */
static char *
imip_dir(void)
{
	g_autofree char *dir = testutil_corpus(NULL);

	if (dir == NULL) {
		g_test_skip("no corpus (set MOIM_CORPUS)");
		return NULL;
	}
	return g_build_filename(dir, "imip", NULL);
}

/* read_rel - imip_read() of a corpus file; false (with err) if refused */
static bool
read_rel(const char *dir, const char *rel, struct imip_reply **r, GError **err)
{
	g_autofree char *path = g_build_filename(dir, rel, NULL);
	g_autofree char *buf = NULL;
	gsize len;

	if (!g_file_get_contents(path, &buf, &len, NULL))
		g_error("cannot read %s", path);
	return imip_read(buf, len, r, err);
}

/* parse_back - libical's own reading of text, which must be clean */
static icalcomponent *
parse_back(const char *text)
{
	icalcomponent *c = icalparser_parse_string(text);

	g_assert_nonnull(c);
	g_assert_cmpint(icalcomponent_count_errors(c), ==, 0);
	return c;
}

/* check_lines - CRLF line ends and at most 75 octets a line */
static void
check_lines(const char *text)
{
	const char *p = text, *nl;

	while ((nl = strchr(p, '\n')) != NULL) {
		g_assert_true(nl > p && nl[-1] == '\r');
		g_assert_cmpint(nl - 1 - p, <=, 75);
		g_assert_null(memchr(p, '\r', (size_t)(nl - 1 - p)));
		p = nl + 1;
	}
	g_assert_cmpstr(p, ==, "");
}

/* check_people - the one ATTENDEE and the ORGANIZER of our REQUEST */
static void
check_people(icalcomponent *ve)
{
	icalproperty *p;

	p = icalcomponent_get_first_property(ve, ICAL_ATTENDEE_PROPERTY);
	g_assert_cmpstr(icalproperty_get_attendee(p), ==, "mailto:" MEMBER);
	g_assert_null(
	    icalcomponent_get_next_property(ve, ICAL_ATTENDEE_PROPERTY));
	g_assert_cmpint(
	    icalparameter_get_partstat(
		icalproperty_get_first_parameter(p, ICAL_PARTSTAT_PARAMETER)),
	    ==, ICAL_PARTSTAT_NEEDSACTION);
	g_assert_cmpint(icalparameter_get_rsvp(icalproperty_get_first_parameter(
			    p, ICAL_RSVP_PARAMETER)),
	    ==, ICAL_RSVP_TRUE);
	g_assert_cmpint(icalparameter_get_role(icalproperty_get_first_parameter(
			    p, ICAL_ROLE_PARAMETER)),
	    ==, ICAL_ROLE_REQPARTICIPANT);
	g_assert_cmpstr(icalparameter_get_cn(icalproperty_get_first_parameter(
			    p, ICAL_CN_PARAMETER)),
	    ==, "김민수");
	p = icalcomponent_get_first_property(ve, ICAL_ORGANIZER_PROPERTY);
	g_assert_cmpstr(icalproperty_get_organizer(p), ==,
	    "mailto:ai-rsvp+42@lists.example.org");
	g_assert_cmpstr(icalparameter_get_cn(icalproperty_get_first_parameter(
			    p, ICAL_CN_PARAMETER)),
	    ==, "대덕 AI 모임");
}

/* assert_times - ics is well formed and holds both lines whole */
static void
assert_times(const char *ics, const char *dtstart, const char *dtend)
{
	g_autofree char *a = g_strdup_printf("\r\n%s\r\n", dtstart);
	g_autofree char *b = g_strdup_printf("\r\n%s\r\n", dtend);

	g_assert_nonnull(ics);
	check_lines(ics);
	g_assert_nonnull(strstr(ics, a));
	g_assert_nonnull(strstr(ics, b));
}

/* test_request_parsed_back - libical reads our REQUEST as we meant it */
static void
test_request_parsed_back(void)
{
	struct imip_event ev = forum_event();
	g_autofree char *ics = imip_request(&ev, MEMBER, "김민수", NULL);
	icalcomponent *cal, *ve, *vtz;
	struct icaltimetype tt;

	assert_times(ics, "DTSTART;TZID=Asia/Seoul:20261216T140000",
	    "DTEND;TZID=Asia/Seoul:20261216T170000");
	cal = parse_back(ics);
	g_assert_cmpint(icalcomponent_get_method(cal), ==, ICAL_METHOD_REQUEST);
	vtz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
	g_assert_nonnull(vtz);
	g_assert_cmpstr(icalproperty_get_tzid(icalcomponent_get_first_property(
			    vtz, ICAL_TZID_PROPERTY)),
	    ==, "Asia/Seoul");
	ve = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	g_assert_cmpstr(icalcomponent_get_uid(ve), ==, ev.uid);
	g_assert_cmpstr(icalcomponent_get_summary(ve), ==, FORUM_TITLE);
	g_assert_cmpstr(icalcomponent_get_location(ve), ==, ev.location);
	g_assert_cmpstr(icalcomponent_get_description(ve), ==, ev.description);
	g_assert_cmpint(icalcomponent_get_sequence(ve), ==, 0);
	tt = icalcomponent_get_dtstart(ve);
	g_assert_cmpint(tt.hour, ==, 14);
	g_assert_cmpint(
	    icaltime_as_timet_with_zone(tt, tt.zone), ==, FORUM_START);
	tt = icalcomponent_get_dtend(ve);
	g_assert_cmpint(
	    icaltime_as_timet_with_zone(tt, tt.zone), ==, FORUM_END);
	check_people(ve);
	g_assert_nonnull(
	    icalcomponent_get_first_property(ve, ICAL_DTSTAMP_PROPERTY));
	icalcomponent_free(cal);
}

/* A weekly series from Wednesday 2026-12-02 19:30 KST. */
#define STUDY_START INT64_C(1796207400)
#define WEEK INT64_C(604800)

/* test_request_series - RRULE, EXDATE in the event's zone, and a moved
 * session as a VEVENT with RECURRENCE-ID, in one REQUEST */
static void
test_request_series(void)
{
	struct imip_event ev = forum_event();
	const int64_t ex[] = {STUDY_START + 3 * WEEK};
	const struct imip_override moved[] = {
	    {.recurrence_id = STUDY_START + 2 * WEEK,
		.start = STUDY_START + 2 * WEEK + 86400,
		.end = STUDY_START + 2 * WEEK + 86400 + 5400,
		.location = "2층 회의실",
		.sequence = 1}};
	g_autofree char *ics = NULL;
	icalcomponent *cal, *ve;
	icalproperty *p;
	int n_vevents = 0;

	ev.start = STUDY_START;
	ev.end = STUDY_START + 5400;
	ev.rrule = "FREQ=WEEKLY;BYDAY=WE;UNTIL=20261231T145959Z";
	ev.exdates = ex;
	ev.n_exdates = 1;
	ev.overrides = moved;
	ev.n_overrides = 1;
	ics = imip_request(&ev, MEMBER, NULL, NULL);
	g_assert_nonnull(ics);
	g_assert_nonnull(strstr(
	    ics, "RRULE:FREQ=WEEKLY;UNTIL=20261231T145959Z;BYDAY=WE\r\n"));
	g_assert_nonnull(
	    strstr(ics, "EXDATE;TZID=Asia/Seoul:20261223T193000\r\n"));
	g_assert_nonnull(
	    strstr(ics, "RECURRENCE-ID;TZID=Asia/Seoul:20261216T193000\r\n"));
	g_assert_nonnull(
	    strstr(ics, "DTSTART;TZID=Asia/Seoul:20261217T193000\r\n"));
	cal = parse_back(ics);
	for (ve = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	     ve != NULL; ve = icalcomponent_get_next_component(
			     cal, ICAL_VEVENT_COMPONENT)) {
		g_assert_cmpstr(icalcomponent_get_uid(ve), ==, ev.uid);
		p = icalcomponent_get_first_property(
		    ve, ICAL_RECURRENCEID_PROPERTY);
		/* The master carries the rule; the moved session does not. */
		g_assert_true((p == NULL) ==
		    (icalcomponent_get_first_property(
			 ve, ICAL_RRULE_PROPERTY) != NULL));
		if (p != NULL) {
			g_assert_cmpint(icalcomponent_get_sequence(ve), ==, 1);
			g_assert_cmpstr(
			    icalcomponent_get_location(ve), ==, "2층 회의실");
		}
		n_vevents++;
	}
	g_assert_cmpint(n_vevents, ==, 2);
	icalcomponent_free(cal);
}

/* test_request_series_all_day - EXDATE of an all-day series is a DATE */
static void
test_request_series_all_day(void)
{
	struct imip_event ev = forum_event();
	const int64_t ex[] = {INT64_C(1797692400)}; /* 2026-12-20 KST */
	g_autofree char *ics = NULL;

	ev.is_all_day = true;
	ev.start = INT64_C(1797087600); /* 2026-12-13 00:00 KST */
	ev.end = ev.start + 86400;
	ev.rrule = "FREQ=WEEKLY;BYDAY=SU;UNTIL=20270131";
	ev.exdates = ex;
	ev.n_exdates = 1;
	ics = imip_request(&ev, MEMBER, NULL, NULL);
	g_assert_nonnull(ics);
	g_assert_nonnull(strstr(ics, "DTSTART;VALUE=DATE:20261213\r\n"));
	g_assert_nonnull(strstr(ics, "EXDATE;VALUE=DATE:20261220\r\n"));
	g_assert_nonnull(strstr(ics, "RRULE:FREQ=WEEKLY;UNTIL=20270131;"));
}

/* test_request_series_refused - an RRULE libical cannot read */
static void
test_request_series_refused(void)
{
	struct imip_event ev = forum_event();
	GError *err = NULL;

	ev.rrule = "FREQ=SOMETIMES";
	g_assert_null(imip_request(&ev, MEMBER, NULL, &err));
	g_assert_error(err, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&err);
	ev.rrule = "RSCALE=HEBREW;FREQ=YEARLY;BYMONTH=5L";
	g_assert_null(imip_request(&ev, MEMBER, NULL, &err));
	g_assert_error(err, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&err);
	ev.rrule = "FREQ=WEEKLY\r\nATTENDEE:mailto:x@example.org";
	g_assert_null(imip_request(&ev, MEMBER, NULL, &err));
	g_assert_error(err, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&err);
}

/* test_read_series - a calendar app's series: the master's RRULE and
 * EXDATE, an override whose RECURRENCE-ID is in UTC while DTSTART has a
 * TZID (Google, iCloud), and a cancelled instance */
static void
test_read_series(void)
{
	static const char ics[] =
	    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google "
	    "Calendar 70.9054//EN\r\nMETHOD:REQUEST\r\n"
	    "BEGIN:VEVENT\r\nUID:study@google.com\r\nSEQUENCE:0\r\n"
	    "DTSTART;TZID=Asia/Seoul:20261202T193000\r\n"
	    "DTEND;TZID=Asia/Seoul:20261202T210000\r\n"
	    "RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=8\r\n"
	    "EXDATE;TZID=Asia/Seoul:20261223T193000\r\n"
	    "SUMMARY:Paper reading\r\nORGANIZER:mailto:o@example.net\r\n"
	    "END:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:study@google.com\r\nSEQUENCE:1\r\n"
	    "RECURRENCE-ID:20261216T103000Z\r\n"
	    "DTSTART;TZID=Asia/Seoul:20261217T193000\r\n"
	    "DTEND;TZID=Asia/Seoul:20261217T210000\r\n"
	    "LOCATION:Room 2\r\nSUMMARY:Paper reading\r\n"
	    "END:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:study@google.com\r\nSEQUENCE:1\r\n"
	    "RECURRENCE-ID;TZID=Asia/Seoul:20261230T193000\r\n"
	    "DTSTART;TZID=Asia/Seoul:20261230T193000\r\n"
	    "STATUS:CANCELLED\r\nSUMMARY:Paper reading\r\n"
	    "END:VEVENT\r\nEND:VCALENDAR\r\n";
	struct imip_reply *r = NULL;
	GError *err = NULL;

	g_assert_true(imip_parse(ics, sizeof ics - 1, NULL, &r, &err));
	g_assert_no_error(err);
	g_assert_cmpstr(r->event.rrule, ==, "FREQ=WEEKLY;COUNT=8;BYDAY=WE");
	g_assert_cmpuint(r->event.n_exdates, ==, 1);
	g_assert_cmpint(r->event.exdates[0], ==, STUDY_START + 3 * WEEK);
	g_assert_cmpuint(r->event.n_overrides, ==, 2);
	/* RECURRENCE-ID in UTC names the same instant as 19:30 in Seoul. */
	g_assert_cmpint(
	    r->event.overrides[0].recurrence_id, ==, STUDY_START + 2 * WEEK);
	g_assert_cmpint(
	    r->event.overrides[0].start, ==, STUDY_START + 2 * WEEK + 86400);
	g_assert_cmpint(r->event.overrides[0].end, ==,
	    STUDY_START + 2 * WEEK + 86400 + 5400);
	g_assert_cmpstr(r->event.overrides[0].location, ==, "Room 2");
	g_assert_false(r->event.overrides[0].is_cancelled);
	/* The TZID of a RECURRENCE-ID counts (libical issue #934). */
	g_assert_cmpint(
	    r->event.overrides[1].recurrence_id, ==, STUDY_START + 4 * WEEK);
	g_assert_true(r->event.overrides[1].is_cancelled);
	imip_reply_free(r);
}

/* test_request_read_back - imip_parse() gives back what was built */
static void
test_request_read_back(void)
{
	struct imip_event ev = forum_event();
	g_autofree char *ics = NULL;
	struct imip_reply *r = NULL;

	ev.sequence = 3;
	ics = imip_request(&ev, MEMBER, NULL, NULL);
	g_assert_true(imip_parse(ics, strlen(ics), "REQUEST", &r, NULL));
	g_assert_cmpint(r->method, ==, IMIP_METHOD_REQUEST);
	g_assert_cmpstr(r->uid, ==, ev.uid);
	g_assert_cmpint(r->sequence, ==, 3);
	g_assert_true(r->has_time);
	g_assert_false(r->is_floating);
	g_assert_cmpint(r->event.start, ==, FORUM_START);
	g_assert_cmpint(r->event.end, ==, FORUM_END);
	g_assert_cmpstr(r->event.tzid, ==, "Asia/Seoul");
	g_assert_cmpstr(r->event.summary, ==, FORUM_TITLE);
	g_assert_cmpstr(r->event.organizer_addr, ==, ev.organizer_addr);
	g_assert_cmpstr(r->event.organizer_name, ==, ev.organizer_name);
	g_assert_cmpuint(r->n_attendees, ==, 1);
	g_assert_cmpstr(r->attendees[0].canonical, ==, MEMBER);
	g_assert_null(r->attendees[0].cn);
	g_assert_cmpint(
	    r->attendees[0].partstat, ==, IMIP_PARTSTAT_NEEDS_ACTION);
	imip_reply_free(r);
}

/* test_request_all_day_and_utc - DATE values; UTC without VTIMEZONE */
static void
test_request_all_day_and_utc(void)
{
	struct imip_event ev = forum_event();
	g_autofree char *day = NULL, *utc = NULL;

	/* 23:30 UTC on the 15th is already the 16th in Seoul. */
	ev.is_all_day = true;
	ev.start = FORUM_START - 5 * 3600 - 1800;
	ev.end = ev.start + 86400;
	day = imip_request(&ev, MEMBER, NULL, NULL);
	g_assert_nonnull(strstr(day, "\r\nDTSTART;VALUE=DATE:20261216\r\n"));
	g_assert_nonnull(strstr(day, "\r\nDTEND;VALUE=DATE:20261217\r\n"));
	check_lines(day);
	icalcomponent_free(parse_back(day));
	ev = forum_event();
	ev.tzid = NULL;
	utc = imip_request(&ev, MEMBER, NULL, NULL);
	g_assert_nonnull(strstr(utc, "\r\nDTSTART:20261216T050000Z\r\n"));
	g_assert_null(strstr(utc, "VTIMEZONE"));
	icalcomponent_free(parse_back(utc));
}

/* test_all_day_range - a 9~11 range (local midnights in Seoul, end
 * exclusive) is DATE-valued in REQUEST and CANCEL, with no VTIMEZONE,
 * and a calendar's DATE values read back as UTC midnights */
static void
test_all_day_range(void)
{
	static const struct {
		const char *method;
		char *(*make)(const struct imip_event *, const char *,
		    const char *, GError **);
	} kinds[] = {{"REQUEST", imip_request}, {"CANCEL", imip_cancel}};
	struct imip_event ev = forum_event();

	ev.is_all_day = true;
	ev.start = INT64_C(1823007600); /* 2027-10-09 00:00 KST */
	ev.end = INT64_C(1823266800); /* 2027-10-12 00:00 KST */
	for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
		g_autofree char *ics = kinds[i].make(&ev, MEMBER, NULL, NULL);
		struct imip_reply *r = NULL;

		assert_times(ics, "DTSTART;VALUE=DATE:20271009",
		    "DTEND;VALUE=DATE:20271012");
		g_assert_null(strstr(ics, "VTIMEZONE"));
		g_assert_null(strstr(ics, "TZID"));
		g_assert_true(
		    imip_parse(ics, strlen(ics), kinds[i].method, &r, NULL));
		g_assert_true(r->has_time);
		g_assert_true(r->event.is_all_day);
		g_assert_cmpint(r->event.start, ==, INT64_C(1823040000));
		g_assert_cmpint(r->event.end, ==, INT64_C(1823299200));
		imip_reply_free(r);
	}
}

/* test_all_day_no_dtend - a calendar's DATE start without DTEND is one
 * day long (RFC 5545 3.6.1) */
static void
test_all_day_no_dtend(void)
{
	static const char ics[] =
	    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
	    "METHOD:PUBLISH\r\nBEGIN:VEVENT\r\nUID:day@example.net\r\n"
	    "DTSTAMP:20261126T010203Z\r\n"
	    "DTSTART;VALUE=DATE:20271009\r\nSUMMARY:Day\r\n"
	    "END:VEVENT\r\nEND:VCALENDAR\r\n";
	struct imip_reply *r = NULL;

	g_assert_true(imip_parse(ics, strlen(ics), NULL, &r, NULL));
	g_assert_true(r->has_time);
	g_assert_true(r->event.is_all_day);
	g_assert_cmpint(r->event.start, ==, INT64_C(1823040000));
	g_assert_cmpint(r->event.end, ==, INT64_C(1823040000) + 86400);
	imip_reply_free(r);
}

/* test_request_neutralised - controls in texts and names stay inside
 * their values */
static void
test_request_neutralised(void)
{
	struct imip_event ev = forum_event();
	g_autofree char *ics = NULL;
	struct imip_reply *r = NULL;

	ev.summary = "Forum\r\nATTENDEE:mailto:evil@example.com\x01";
	ev.description = "line 1\r\nline 2\rline 3";
	ev.organizer_name = "Kim \"the\" organizer\r\nX-EVIL:1";
	ics = imip_request(&ev, MEMBER, "Lee; \"Jr\", PhD:\n", NULL);
	check_lines(ics);
	g_assert_true(imip_parse(ics, strlen(ics), NULL, &r, NULL));
	g_assert_cmpuint(r->n_attendees, ==, 1);
	g_assert_cmpstr(r->attendees[0].cn, ==, "Lee; \"Jr\", PhD:");
	g_assert_cmpstr(
	    r->event.summary, ==, "Forum\nATTENDEE:mailto:evil@example.com");
	g_assert_cmpstr(r->event.description, ==, "line 1\nline 2\nline 3");
	g_assert_cmpstr(
	    r->event.organizer_name, ==, "Kim \"the\" organizer X-EVIL:1");
	imip_reply_free(r);
}

/* test_cancel - METHOD:CANCEL, STATUS:CANCELLED, the caller's SEQUENCE */
static void
test_cancel(void)
{
	struct imip_event ev = forum_event();
	g_autofree char *ics = NULL;
	icalcomponent *cal, *ve;

	ev.sequence = 2;
	ics = imip_cancel(&ev, MEMBER, NULL, NULL);
	cal = parse_back(ics);
	g_assert_cmpint(icalcomponent_get_method(cal), ==, ICAL_METHOD_CANCEL);
	ve = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	g_assert_cmpint(
	    icalcomponent_get_status(ve), ==, ICAL_STATUS_CANCELLED);
	g_assert_cmpint(icalcomponent_get_sequence(ve), ==, 2);
	g_assert_cmpstr(icalcomponent_get_uid(ve), ==, ev.uid);
	g_assert_null(strstr(ics, "RSVP"));
	icalcomponent_free(cal);
}

/* test_instance - one session of a series: CANCEL (skip) and REQUEST
 * (move) name it by RECURRENCE-ID in the event's zone; the reader
 * gives back its original instant */
static void
test_instance(void)
{
	struct imip_event ev = forum_event();
	enum imip_method ms[] = {IMIP_METHOD_CANCEL, IMIP_METHOD_REQUEST};

	ev.recurrence_id = FORUM_START;
	ev.start = FORUM_START + 86400;
	ev.end = FORUM_END + 86400;
	ev.sequence = 1;
	for (size_t i = 0; i < G_N_ELEMENTS(ms); i++) {
		struct imip_reply *r = NULL;
		g_autofree char *ics = ms[i] == IMIP_METHOD_CANCEL
		    ? imip_cancel(&ev, MEMBER, NULL, NULL)
		    : imip_request(&ev, MEMBER, NULL, NULL);

		g_assert_nonnull(strstr(
		    ics, "RECURRENCE-ID;TZID=Asia/Seoul:20261216T140000"));
		g_assert_true(imip_parse(ics, strlen(ics), NULL, &r, NULL));
		g_assert_cmpint(r->method, ==, ms[i]);
		g_assert_cmpuint(r->n_instances, ==, 1);
		g_assert_true(r->instances[0].has_instant);
		g_assert_cmpint(
		    r->instances[0].recurrence_instant, ==, FORUM_START);
		g_assert_cmpint(r->event.start, ==, FORUM_START + 86400);
		imip_reply_free(r);
	}
}

/* test_publish - METHOD:PUBLISH: the event and its organizer, nobody
 * invited, and STATUS by is_cancelled; it parses back */
static void
test_publish(void)
{
	static const struct {
		bool is_cancelled;
		icalproperty_status status;
	} cases[] = {
	    {false, ICAL_STATUS_CONFIRMED},
	    {true, ICAL_STATUS_CANCELLED},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct imip_event ev = forum_event();
		g_autofree char *ics =
		    imip_publish(&ev, cases[i].is_cancelled, NULL);
		struct imip_reply *r = NULL;
		icalcomponent *cal, *ve;

		assert_times(ics, "DTSTART;TZID=Asia/Seoul:20261216T140000",
		    "DTEND;TZID=Asia/Seoul:20261216T170000");
		cal = parse_back(ics);
		g_assert_cmpint(
		    icalcomponent_get_method(cal), ==, ICAL_METHOD_PUBLISH);
		ve = icalcomponent_get_first_component(
		    cal, ICAL_VEVENT_COMPONENT);
		g_assert_cmpint(
		    icalcomponent_get_status(ve), ==, cases[i].status);
		g_assert_null(icalcomponent_get_first_property(
		    ve, ICAL_ATTENDEE_PROPERTY));
		g_assert_nonnull(icalcomponent_get_first_property(
		    ve, ICAL_ORGANIZER_PROPERTY));
		g_assert_null(strstr(ics, "RSVP"));
		icalcomponent_free(cal);
		g_assert_true(
		    imip_parse(ics, strlen(ics), "PUBLISH", &r, NULL));
		g_assert_cmpint(r->method, ==, IMIP_METHOD_PUBLISH);
		g_assert_cmpuint(r->n_attendees, ==, 0);
		g_assert_cmpint(r->event.start, ==, FORUM_START);
		imip_reply_free(r);
	}
}

/* test_request_refused - events that cannot make an invitation */
static void
test_request_refused(void)
{
	static const struct {
		const char *what;
		int field;
		const char *value;
	} cases[] = {
	    {"no uid", 0, NULL},
	    {"empty summary", 1, ""},
	    {"unknown zone", 2, "Asia/Daedeok"},
	    {"organizer with CRLF", 3, "a@b.example\r\nX: y"},
	    {"organizer without domain", 3, "ai-rsvp"},
	    {"attendee with space", 4, "kim minsu@example.com"},
	    {"attendee NULL", 4, NULL},
	    {"summary not UTF-8", 1, "caf\xe9"},
	    {"ends before start", 5, NULL},
	    {"negative sequence", 6, NULL},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct imip_event ev = forum_event();
		const char *att = MEMBER;
		GError *e = NULL;
		char *ics;

		switch (cases[i].field) {
		case 0:
			ev.uid = cases[i].value;
			break;
		case 1:
			ev.summary = cases[i].value;
			break;
		case 2:
			ev.tzid = cases[i].value;
			break;
		case 3:
			ev.organizer_addr = cases[i].value;
			break;
		case 4:
			att = cases[i].value;
			break;
		case 5:
			ev.end = ev.start - 60;
			break;
		default:
			ev.sequence = -1;
			break;
		}
		ics = imip_request(&ev, att, NULL, &e);
		if (ics != NULL)
			g_error("%s: built", cases[i].what);
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
		g_clear_error(&e);
	}
}

/* find_part - the first leaf part of type/subtype under o */
static GMimeObject *
find_part(GMimeObject *o, const char *type, const char *subtype)
{
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);

		for (int i = 0; i < g_mime_multipart_get_count(mp); i++) {
			GMimeObject *f = find_part(
			    g_mime_multipart_get_part(mp, i), type, subtype);

			if (f != NULL)
				return f;
		}
		return NULL;
	}
	return g_mime_content_type_is_type(
		   g_mime_object_get_content_type(o), type, subtype)
	    ? o
	    : NULL;
}

/* part_bytes - the decoded content of a leaf part */
static char *
part_bytes(GMimeObject *o)
{
	GMimeStream *s = g_mime_stream_mem_new();
	GByteArray *ba;
	char *text;

	g_mime_data_wrapper_write_to_stream(
	    g_mime_part_get_content(GMIME_PART(o)), s);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	text = g_strndup((const char *)ba->data, ba->len);
	g_object_unref(s);
	return text;
}

/* invitation_message - a whole message around imip_mime_new()'s body */
static GBytes *
invitation_message(const char *ics)
{
	GMimeMessage *m = g_mime_message_new(TRUE);
	GMimeObject *body = imip_mime_new(
	    ics, IMIP_METHOD_REQUEST, "초대합니다.\n12월 16일 오후 2시", NULL);
	GBytes *b;

	g_assert_nonnull(body);
	g_mime_message_add_mailbox(
	    m, GMIME_ADDRESS_TYPE_FROM, NULL, "ai-rsvp+42@lists.example.org");
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, NULL, MEMBER);
	g_mime_message_set_subject(m, "[ai] 공개기술포럼", "UTF-8");
	g_mime_message_set_mime_part(m, body);
	g_object_unref(body);
	b = mime_to_bytes(GMIME_OBJECT(m));
	g_object_unref(m);
	return b;
}

/* check_structure - mixed [ alternative [ plain, calendar ], invite.ics ] */
static void
check_structure(GMimeObject *top, GMimeObject **txt_out, GMimeObject **cal_out,
    GMimeObject **att_out)
{
	GMimeObject *alt, *txt, *cal, *att;

	g_assert_true(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(top), "multipart", "mixed"));
	alt = g_mime_multipart_get_part(GMIME_MULTIPART(top), 0);
	g_assert_true(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(alt), "multipart", "alternative"));
	txt = g_mime_multipart_get_part(GMIME_MULTIPART(alt), 0);
	cal = g_mime_multipart_get_part(GMIME_MULTIPART(alt), 1);
	g_assert_true(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(txt), "text", "plain"));
	g_assert_true(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(cal), "text", "calendar"));
	g_assert_cmpstr(g_mime_object_get_content_type_parameter(cal, "method"),
	    ==, "REQUEST");
	g_assert_cmpstr(
	    g_mime_object_get_content_type_parameter(cal, "charset"), ==,
	    "UTF-8");
	att = g_mime_multipart_get_part(GMIME_MULTIPART(top), 1);
	g_assert_true(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(att), "application", "ics"));
	g_assert_cmpstr(
	    g_mime_part_get_filename(GMIME_PART(att)), ==, "invite.ics");
	g_assert_true(g_mime_part_is_attachment(GMIME_PART(att)));
	*txt_out = txt;
	*cal_out = cal;
	*att_out = att;
}

/* test_mime_round_trip - the RFC 6047 structure survives GMime */
static void
test_mime_round_trip(void)
{
	struct imip_event ev = forum_event();
	g_autofree char *ics = imip_request(&ev, MEMBER, "김민수", NULL);
	GBytes *b = invitation_message(ics);
	gsize len;
	const char *raw = g_bytes_get_data(b, &len);
	GMimeMessage *m = mime_parse(raw, len, NULL);
	GMimeObject *top, *cal, *att, *txt;
	g_autofree char *cal_text = NULL, *att_text = NULL, *txt_text = NULL;
	struct imip_reply *r = NULL;

	g_assert_nonnull(m);
	g_assert_false(mime_has_critical_warning(m));
	top = g_mime_message_get_mime_part(m);
	check_structure(top, &txt, &cal, &att);
	cal_text = part_bytes(cal);
	att_text = part_bytes(att);
	txt_text = part_bytes(txt);
	g_assert_cmpstr(cal_text, ==, ics);
	g_assert_cmpstr(att_text, ==, ics);
	g_assert_nonnull(strstr(txt_text, "오후 2시"));
	g_assert_null(find_part(top, "text", "html"));
	g_assert_true(imip_read(raw, len, &r, NULL));
	g_assert_cmpint(r->method, ==, IMIP_METHOD_REQUEST);
	g_assert_cmpstr(r->attendees[0].canonical, ==, MEMBER);
	g_assert_cmpint(r->event.start, ==, FORUM_START);
	imip_reply_free(r);
	g_object_unref(m);
	g_bytes_unref(b);
}

/* test_mime_refused - a body needs a method and UTF-8 */
static void
test_mime_refused(void)
{
	GError *e = NULL;

	g_assert_null(
	    imip_mime_new("BEGIN:VCALENDAR\r\n", IMIP_METHOD_NONE, "x", &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&e);
	g_assert_null(imip_mime_new("caf\xe9", IMIP_METHOD_REQUEST, "x", &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&e);
}

/* test_corpus_replies - every REPLY of the corpus, as the README says */
static void
test_corpus_replies(void)
{
	static const struct {
		const char *file;
		const char *attendee; /* canonical, NULL: none */
		enum imip_partstat partstat;
		const char *uid;
		int32_t sequence;
	} cases[] = {
	    {"google/nylas_invite_w_rsvps2.ics", "test1@example.com",
		IMIP_PARTSTAT_TENTATIVE, "cccc@nylas.com", 0},
	    {"google/nylas_invite_w_rsvps3.ics", "karim@example.com",
		IMIP_PARTSTAT_ACCEPTED, "cccc@nylas.com", 0},
	    {"google/nylas_invite_w_rsvps_4.ics", "karim@example.com",
		IMIP_PARTSTAT_DECLINED, "cccc@nylas.com", 0},
	    {"google/nylas_invalid_rsvp.ics", "karim@example.com",
		IMIP_PARTSTAT_DECLINED, "234252$cccc@nylas.com", 0},
	    {"google/nylas_invalid_rsvp2.ics", "karim@example.com",
		IMIP_PARTSTAT_DECLINED, "234252cccc@google.com", 0},
	    {"apple/calendarserver_good_reply.eml", "xyzzy@example.com",
		IMIP_PARTSTAT_ACCEPTED, "1E71F9C8-AEDA-48EB-98D0-76E898F6BB5C",
		7},
	    {"apple/calendarserver_good_reply_future.eml", "xyzzy@example.com",
		IMIP_PARTSTAT_ACCEPTED, "1E71F9C8-AEDA-48EB-98D0-76E898F6BB5C",
		7},
	    {"apple/calendarserver_good_reply_past.eml", "xyzzy@example.com",
		IMIP_PARTSTAT_ACCEPTED, "1E71F9C8-AEDA-48EB-98D0-76E898F6BB5C",
		7},
	    /* ccs fills in organizer and attendee from the token. */
	    {"apple/calendarserver_reply_missing_organizer.eml", NULL,
		IMIP_PARTSTAT_NONE, "1E71F9C8-AEDA-48EB-98D0-76E898F6BB5C", 7},
	    {"apple/calendarserver_reply_missing_attendee.eml", NULL,
		IMIP_PARTSTAT_NONE, "1E71F9C8-AEDA-48EB-98D0-76E898F6BB5C", 7},
	    {"blackberry-rim/z-push_meeting_reply_rim.ics", "user1@domain1.tld",
		IMIP_PARTSTAT_ACCEPTED, "f503ce50-49c6-11e5-9533-693764eab43f",
		0},
	};
	g_autofree char *dir = imip_dir();

	if (dir == NULL)
		return;
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct imip_reply *r = NULL;
		GError *e = NULL;

		if (!read_rel(dir, cases[i].file, &r, &e))
			g_error("%s: %s", cases[i].file, e->message);
		g_assert_nonnull(r);
		g_assert_cmpint(r->method, ==, IMIP_METHOD_REPLY);
		g_assert_false(r->is_from_subject);
		g_assert_cmpstr(r->uid, ==, cases[i].uid);
		g_assert_cmpint(r->sequence, ==, cases[i].sequence);
		if (cases[i].attendee == NULL) {
			g_assert_cmpuint(r->n_attendees, ==, 0);
		} else {
			g_assert_cmpuint(r->n_attendees, ==, 1);
			g_assert_cmpstr(
			    r->attendees[0].canonical, ==, cases[i].attendee);
			g_assert_cmpint(
			    r->attendees[0].partstat, ==, cases[i].partstat);
		}
		imip_reply_free(r);
	}
}

/* test_corpus_details - fields the README's other assertions name */
static void
test_corpus_details(void)
{
	g_autofree char *dir = imip_dir();
	struct imip_reply *r = NULL;

	if (dir == NULL)
		return;
	g_assert_true(
	    read_rel(dir, "google/nylas_bogus_sequence_number.ics", &r, NULL));
	g_assert_cmpint(r->sequence, ==, G_MAXINT32);
	g_clear_pointer(&r, imip_reply_free);
	g_assert_true(
	    read_rel(dir, "apple/nylas_event_without_sequence.ics", &r, NULL));
	g_assert_cmpint(r->sequence, ==, 0);
	g_clear_pointer(&r, imip_reply_free);
	g_assert_true(
	    read_rel(dir, "google/nylas_google_cancelled2.ics", &r, NULL));
	g_assert_cmpint(r->method, ==, IMIP_METHOD_CANCEL);
	g_assert_cmpint(r->sequence, ==, 1);
	g_clear_pointer(&r, imip_reply_free);
	g_assert_true(read_rel(dir,
	    "unknown-client/thunderbird-tests_exception-major.eml", &r, NULL));
	g_assert_cmpstr(r->recurrence_id, ==, "20220317T110000Z");
	g_assert_cmpint(r->sequence, ==, 2);
	g_clear_pointer(&r, imip_reply_free);
	g_assert_true(read_rel(
	    dir, "outlook-exchange/nylas_windows_event.ics", &r, NULL));
	g_assert_cmpint(r->method, ==, IMIP_METHOD_REQUEST);
	g_assert_cmpstr(r->event.organizer_addr, ==,
	    "inbox.apptest2@inboxapp.onmicrosoft.com");
	g_assert_cmpint(r->sequence, ==, 4);
	g_assert_true(r->has_time);
	/* Outlook's "Romance Standard Time" is Paris; 2015-02-20 09:30 CET */
	g_assert_cmpstr(r->event.tzid, ==, "Europe/Paris");
	g_assert_false(r->is_floating);
	g_assert_cmpint(r->event.start, ==, 1424421000);
	g_clear_pointer(&r, imip_reply_free);
	g_assert_true(read_rel(dir,
	    "outlook-exchange/nextcloud-mail_request_outlook_com.eml", &r,
	    NULL));
	g_assert_cmpstr(r->event.tzid, ==, "Europe/Berlin");
	g_clear_pointer(&r, imip_reply_free);
	/* A person's reply without a calendar and without an Outlook
	 * subject is no answer. */
	g_assert_true(read_rel(dir,
	    "apple/calendarserver_reply_missing_attachment.eml", &r, NULL));
	g_assert_null(r);
}

/* test_corpus_index - every message and file INDEX.tsv describes gives
 * its METHOD and UID, or is refused as input */
static void
test_corpus_index(void)
{
	g_autofree char *dir = imip_dir();
	g_autofree char *index = NULL, *path = NULL;
	g_auto(GStrv) lines = NULL;
	unsigned n_ok = 0, n_refused = 0;

	if (dir == NULL)
		return;
	path = g_build_filename(dir, "INDEX.tsv", NULL);
	g_assert_true(g_file_get_contents(path, &index, NULL, NULL));
	lines = g_strsplit(index, "\n", -1);
	for (size_t i = 1; lines[i] != NULL; i++) {
		g_auto(GStrv) col = g_strsplit(lines[i], "\t", -1);
		struct imip_reply *r = NULL;
		GError *e = NULL;

		if (g_strv_length(col) < 6)
			continue;
		if (!read_rel(dir, col[0], &r, &e)) {
			g_test_message("refused %s: %s", col[0], e->message);
			g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
			g_clear_error(&e);
			n_refused++;
			continue;
		}
		n_ok++;
		if (strcmp(col[3], "-") != 0 && *col[3] != '\0') {
			g_assert_nonnull(r);
			g_assert_cmpstr(
			    imip_method_name(r->method), ==, col[3]);
			/* INDEX.tsv cuts the 64-character UID of
			 * nylas_iphone_through_exchange.ics at 60. */
			if (!g_str_has_prefix(r->uid, col[5]) ||
			    strlen(col[5]) < 8)
				g_error("%s: UID %s", col[0], r->uid);
		}
		imip_reply_free(r);
	}
	g_test_message("INDEX: %u read, %u refused", n_ok, n_refused);
	g_assert_cmpuint(n_ok, >=, 50);
}

/* walk - imip_read() on every file under path: read or MOIM_ERR_INPUT */
static void
walk(const char *path, unsigned *n_ok, unsigned *n_refused)
{
	g_autoptr(GPtrArray) files = testutil_files(path);

	g_assert_cmpuint(files->len, >, 0);
	for (guint i = 0; i < files->len; i++) {
		const char *p = files->pdata[i];
		g_autofree char *buf = NULL;
		struct imip_reply *r = NULL;
		GError *e = NULL;
		gsize len;

		g_assert_true(g_file_get_contents(p, &buf, &len, NULL));
		if (imip_read(buf, len, &r, &e)) {
			(*n_ok)++;
			imip_reply_free(r);
			continue;
		}
		if (!g_error_matches(e, MOIM_ERROR, MOIM_ERR_INPUT))
			g_error("%s: %s", p, e->message);
		g_clear_error(&e);
		(*n_refused)++;
	}
}

/* test_corpus_all - nothing in imip/ or imip/bare-ics/ crashes */
static void
test_corpus_all(void)
{
	g_autofree char *dir = imip_dir();
	unsigned n_ok = 0, n_refused = 0;

	if (dir == NULL)
		return;
	walk(dir, &n_ok, &n_refused);
	g_test_message("corpus: %u read, %u refused", n_ok, n_refused);
	g_assert_cmpuint(n_ok + n_refused, >=, 400);
	g_assert_cmpuint(n_ok, >=, 200);
}

/* test_subject_fallback - Outlook answer subjects without a calendar */
static void
test_subject_fallback(void)
{
	static const struct {
		const char *subject; /* raw header value */
		bool is_answer;
		enum imip_partstat partstat;
	} cases[] = {
	    {"Accepted: Forum", true, IMIP_PARTSTAT_ACCEPTED},
	    {"accepted: Forum", true, IMIP_PARTSTAT_ACCEPTED},
	    {"Declined: Forum", true, IMIP_PARTSTAT_DECLINED},
	    {"Tentative: Forum", true, IMIP_PARTSTAT_TENTATIVE},
	    {"=?UTF-8?B?7IiY6529OiDtj6zrn7w=?=", true, IMIP_PARTSTAT_ACCEPTED},
	    {"=?UTF-8?B?6rGw7KCIOiDtj6zrn7w=?=", true, IMIP_PARTSTAT_DECLINED},
	    {"=?UTF-8?B?66+47KCVOiDtj6zrn7w=?=", true, IMIP_PARTSTAT_TENTATIVE},
	    {"Re: Accepted: Forum", false, IMIP_PARTSTAT_NONE},
	    {"Accepted Forum", false, IMIP_PARTSTAT_NONE},
	    {"Forum accepted: yes", false, IMIP_PARTSTAT_NONE},
	    {"", false, IMIP_PARTSTAT_NONE},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *msg = g_strdup_printf(
		    "From: a@example.com\r\nTo: ai-rsvp+42@example.org\r\n"
		    "Subject: %s\r\nMIME-Version: 1.0\r\n"
		    "Content-Type: text/plain\r\n\r\nok\r\n",
		    cases[i].subject);
		struct imip_reply *r = NULL;

		g_assert_true(imip_read(msg, strlen(msg), &r, NULL));
		if (!cases[i].is_answer) {
			if (r != NULL)
				g_error("%s: answer", cases[i].subject);
			continue;
		}
		g_assert_nonnull(r);
		g_assert_true(r->is_from_subject);
		g_assert_cmpint(r->method, ==, IMIP_METHOD_REPLY);
		g_assert_cmpint(r->subject_partstat, ==, cases[i].partstat);
		g_assert_null(r->uid);
		imip_reply_free(r);
	}
}

#define CAL_HEAD "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
#define EV_HEAD                                                                \
	"BEGIN:VEVENT\r\nUID:u1@example.org\r\nDTSTAMP:20260101T000000Z\r\n"
#define EV_TAIL "END:VEVENT\r\nEND:VCALENDAR\r\n"

/* test_parse_table - small calendars: what is read and what is refused */
static void
test_parse_table(void)
{
	static const struct {
		const char *what;
		const char *ics;
		const char *method_param;
		bool is_ok;
		int32_t sequence;
		enum imip_method method;
	} cases[] = {
	    {"plain reply",
		CAL_HEAD "METHOD:REPLY\r\n" EV_HEAD "SEQUENCE:5\r\n" EV_TAIL,
		NULL, true, 5, IMIP_METHOD_REPLY},
	    {"method from param", CAL_HEAD EV_HEAD EV_TAIL, "reply", true, 0,
		IMIP_METHOD_REPLY},
	    {"no method at all", CAL_HEAD EV_HEAD EV_TAIL, NULL, true, 0,
		IMIP_METHOD_NONE},
	    {"method conflict", CAL_HEAD "METHOD:REPLY\r\n" EV_HEAD EV_TAIL,
		"REQUEST", false, 0, 0},
	    {"negative sequence", CAL_HEAD EV_HEAD "SEQUENCE:-7\r\n" EV_TAIL,
		NULL, true, 0, IMIP_METHOD_NONE},
	    {"huge sequence",
		CAL_HEAD EV_HEAD "SEQUENCE:99999999999999999999999\r\n" EV_TAIL,
		NULL, true, G_MAXINT32, IMIP_METHOD_NONE},
	    {"sequence 2^31",
		CAL_HEAD EV_HEAD "SEQUENCE:2147483648\r\n" EV_TAIL, NULL, true,
		G_MAXINT32, IMIP_METHOD_NONE},
	    {"empty location is fine", CAL_HEAD EV_HEAD "LOCATION:\r\n" EV_TAIL,
		NULL, true, 0, IMIP_METHOD_NONE},
	    {"no VEVENT", CAL_HEAD "END:VCALENDAR\r\n", NULL, false, 0, 0},
	    {"no UID", CAL_HEAD "BEGIN:VEVENT\r\n" EV_TAIL, NULL, false, 0, 0},
	    {"no END", CAL_HEAD EV_HEAD, NULL, false, 0, 0},
	    {"two calendars", CAL_HEAD EV_HEAD EV_TAIL CAL_HEAD EV_HEAD EV_TAIL,
		NULL, false, 0, 0},
	    {"bad date",
		CAL_HEAD EV_HEAD "DTSTART:2026XX01T000000Z\r\n" EV_TAIL, NULL,
		false, 0, 0},
	    {"garbage line", CAL_HEAD EV_HEAD "=3DTENTATIVE\r\n" EV_TAIL, NULL,
		false, 0, 0},
	    {"VEVENT alone", EV_HEAD "END:VEVENT\r\n", NULL, false, 0, 0},
	    {"secondly zone",
		CAL_HEAD
		"BEGIN:VTIMEZONE\r\nTZID:X\r\n"
		"BEGIN:STANDARD\r\nDTSTART:00010101T000000\r\n"
		"RRULE:FREQ=SECONDLY\r\nTZOFFSETFROM:+0000\r\n"
		"TZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n" EV_HEAD
		"DTSTART;TZID=X:20260101T000000\r\n" EV_TAIL,
		NULL, false, 0, 0},
	    {"empty", "", NULL, false, 0, 0},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct imip_reply *r = NULL;
		GError *e = NULL;
		bool ok = imip_parse(cases[i].ics, strlen(cases[i].ics),
		    cases[i].method_param, &r, &e);

		if (ok != cases[i].is_ok)
			g_error(
			    "%s: %s", cases[i].what, ok ? "read" : e->message);
		if (!ok) {
			g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
			g_assert_null(r);
			g_clear_error(&e);
			continue;
		}
		g_assert_cmpint(r->sequence, ==, cases[i].sequence);
		g_assert_cmpint(r->method, ==, cases[i].method);
		imip_reply_free(r);
	}
}

/* Replies to a weekly series (UID 7.study@lists.example.org, Wednesdays
 * 19:00 Asia/Seoul from 2026-12-02) as each client writes them. */
#define SERIES_UID "UID:7.study@lists.example.org\r\n"
#define SEOUL_TZ                                                               \
	"BEGIN:VTIMEZONE\r\nTZID:Asia/Seoul\r\nBEGIN:STANDARD\r\n"             \
	"DTSTART:19700101T000000\r\nTZOFFSETFROM:+0900\r\n"                    \
	"TZOFFSETTO:+0900\r\nTZNAME:KST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
#define KST_WIN_TZ                                                             \
	"BEGIN:VTIMEZONE\r\nTZID:Korea Standard Time\r\nBEGIN:STANDARD\r\n"    \
	"DTSTART:16010101T000000\r\nTZOFFSETFROM:+0900\r\n"                    \
	"TZOFFSETTO:+0900\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
#define REPLY_HEAD                                                             \
	"BEGIN:VCALENDAR\r\nPRODID:-//test//EN\r\nVERSION:2.0\r\n"             \
	"METHOD:REPLY\r\n"
#define ATT(ps) "ATTENDEE;CN=Kim;PARTSTAT=" ps ":mailto:" MEMBER "\r\n"
#define ORG "ORGANIZER:mailto:study-rsvp+7@lists.example.org\r\n"
#define WED_RULE "RRULE:FREQ=WEEKLY;BYDAY=WE\r\n"

/* One VEVENT expected: its RECURRENCE-ID as an instant in UTC ("-": the
 * master; "?": written, but no instant without the event's zone), the
 * sender's PARTSTAT, whether it carries an RRULE. */
struct want_instance {
	const char *rid;
	enum imip_partstat partstat;
	bool has_rrule;
};

/* test_reply_instances - several VEVENTs in one REPLY, the
 * RECURRENCE-ID in UTC or any zone */
static void
test_reply_instances(void)
{
	static const struct {
		const char *what;
		const char *ics;
		struct want_instance want[4];
	} cases[] = {
	    {"Google: master and instances, RECURRENCE-ID in UTC",
		REPLY_HEAD SEOUL_TZ
		"BEGIN:VEVENT\r\n" SERIES_UID
		"DTSTART;TZID=Asia/Seoul:20261202T190000\r\n"
		"DTEND;TZID=Asia/Seoul:20261202T210000\r\n" WED_RULE ORG ATT(
		    "ACCEPTED") "LOCATION:\r\nEND:VEVENT\r\n"
				"BEGIN:VEVENT\r\n" SERIES_UID
				"RECURRENCE-ID:20261209T100000Z\r\n"
				"DTSTART;TZID=Asia/Seoul:20261209T190000\r\n"
				"DTEND;TZID=Asia/Seoul:20261209T210000\r\n" ORG ATT(
				    "DECLINED") "END:VEVENT\r\n"
						"BEGIN:VEVENT\r\n" SERIES_UID
						"RECURRENCE-ID:20261223T100000Z\r\n"
						"DTSTART;TZID=Asia/Seoul:20261223T190000\r\n" ORG
						    ATT("TENTATIVE") "END:VEVENT\r\nEND:VCALENDAR\r\n",
		{{"-", IMIP_PARTSTAT_ACCEPTED, true},
		    {"20261209T100000Z", IMIP_PARTSTAT_DECLINED, false},
		    {"20261223T100000Z", IMIP_PARTSTAT_TENTATIVE, false}}},
	    {"Outlook: one instance with RRULE, Windows zone, no ORGANIZER",
		REPLY_HEAD KST_WIN_TZ
		"BEGIN:VEVENT\r\n" SERIES_UID
		"RECURRENCE-ID;TZID=Korea Standard Time:20261216T190000\r\n"
		"SUMMARY:Accepted: Paper reading\r\n"
		"DTSTART;TZID=Korea Standard Time:20261216T190000\r\n" WED_RULE
		    ATT("ACCEPTED") "END:VEVENT\r\nEND:VCALENDAR\r\n",
		{{"20261216T100000Z", IMIP_PARTSTAT_ACCEPTED, true}}},
	    {"libical: RECURRENCE-ID;TZID with the calendar's VTIMEZONE",
		REPLY_HEAD SEOUL_TZ
		"BEGIN:VEVENT\r\n" SERIES_UID
		"RECURRENCE-ID;TZID=Asia/Seoul:20261209T190000\r\n" ORG ATT(
		    "DECLINED") "END:VEVENT\r\nEND:VCALENDAR\r\n",
		{{"20261209T100000Z", IMIP_PARTSTAT_DECLINED, false}}},
	    {"Evolution: zone path without VTIMEZONE",
		REPLY_HEAD
		"BEGIN:VEVENT\r\n" SERIES_UID
		"RECURRENCE-ID;TZID=/freeassociation.sourceforge.net/Tzfile/"
		"Asia/Seoul:20261230T190000\r\n" WED_RULE ORG ATT(
		    "ACCEPTED") "END:VEVENT\r\nEND:VCALENDAR\r\n",
		{{"20261230T100000Z", IMIP_PARTSTAT_ACCEPTED, true}}},
	    {"Thunderbird: accept all occurrences, the master only",
		REPLY_HEAD SEOUL_TZ
		"BEGIN:VEVENT\r\n" SERIES_UID
		"DTSTART;TZID=Asia/Seoul:20261202T190000\r\n" WED_RULE ORG ATT(
		    "ACCEPTED") "END:VEVENT\r\nEND:VCALENDAR\r\n",
		{{"-", IMIP_PARTSTAT_ACCEPTED, true}}},
	    {"an all-day instance: a DATE needs the event's zone",
		REPLY_HEAD "BEGIN:VEVENT\r\n" SERIES_UID
			   "RECURRENCE-ID;VALUE=DATE:20261212\r\n" ORG ATT(
			       "DECLINED") "END:VEVENT\r\nEND:VCALENDAR\r\n",
		{{"?", IMIP_PARTSTAT_DECLINED, false}}},
	    {"a VEVENT of another event answers nothing here",
		REPLY_HEAD "BEGIN:VEVENT\r\n" SERIES_UID ORG ATT(
		    "ACCEPTED") "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:8.other@x\r\n"
				"RECURRENCE-ID:20261209T100000Z\r\n" ATT(
				    "DECLINED") "END:VEVENT\r\nEND:VCALENDAR\r\n",
		{{"-", IMIP_PARTSTAT_ACCEPTED, false}}},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct imip_reply *r = NULL;
		GError *e = NULL;
		size_t n = 0;

		g_test_message("case: %s", cases[i].what);
		if (!imip_parse(
			cases[i].ics, strlen(cases[i].ics), NULL, &r, &e))
			g_error("%s: %s", cases[i].what, e->message);
		g_assert_cmpint(r->method, ==, IMIP_METHOD_REPLY);
		g_assert_cmpstr(r->uid, ==, "7.study@lists.example.org");
		while (n < 4 && cases[i].want[n].rid != NULL)
			n++;
		g_assert_cmpuint(r->n_instances, ==, n);
		for (size_t k = 0; k < n; k++) {
			const struct want_instance *w = &cases[i].want[k];
			const struct imip_instance *in = &r->instances[k];

			g_assert_cmpuint(in->n_attendees, ==, 1);
			g_assert_cmpstr(in->attendees[0].canonical, ==, MEMBER);
			g_assert_cmpint(
			    in->attendees[0].partstat, ==, w->partstat);
			g_assert_cmpint(in->has_rrule, ==, w->has_rrule);
			if (strcmp(w->rid, "-") == 0) {
				g_assert_null(in->recurrence_id);
				continue;
			}
			g_assert_nonnull(in->recurrence_id);
			g_assert_cmpint(
			    in->has_instant, ==, strcmp(w->rid, "?") != 0);
			if (in->has_instant)
				g_assert_cmpint(in->recurrence_instant, ==,
				    (int64_t)icaltime_as_timet(
					icaltime_from_string(w->rid)));
		}
		imip_reply_free(r);
	}
}

/* test_parse_limits - size, NUL, component count and nesting */
static void
test_parse_limits(void)
{
	GString *g = g_string_new(CAL_HEAD EV_HEAD);
	struct imip_reply *r = NULL;
	GError *e = NULL;
	char *big;

	for (int i = 0; i < IMIP_MAX_COMPONENTS; i++)
		g_string_append(g, "BEGIN:VALARM\r\nEND:VALARM\r\n");
	g_string_append(g, EV_TAIL);
	g_assert_false(imip_parse(g->str, g->len, NULL, &r, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&e);
	g_string_assign(g, CAL_HEAD EV_HEAD);
	for (int i = 0; i < IMIP_MAX_DEPTH; i++)
		g_string_append(g, "BEGIN:X-DEEP\r\n");
	g_assert_false(imip_parse(g->str, g->len, NULL, &r, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&e);
	g_string_free(g, TRUE);
	big = g_malloc(IMIP_MAX_ICAL + 2);
	memset(big, 'x', IMIP_MAX_ICAL + 1);
	big[IMIP_MAX_ICAL + 1] = '\0';
	g_assert_false(imip_parse(big, IMIP_MAX_ICAL + 1, NULL, &r, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&e);
	g_free(big);
	g_assert_false(imip_parse(CAL_HEAD "\0" EV_HEAD EV_TAIL,
	    sizeof(CAL_HEAD "\0" EV_HEAD EV_TAIL) - 1, NULL, &r, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&e);
	g_assert_null(r);
}

#define MSG_HEAD                                                               \
	"From: Kim <kim@example.com>\r\nTo: ai-rsvp+42@lists.example.org\r\n"  \
	"Subject: Accepted: Forum\r\nMIME-Version: 1.0\r\n"

/* test_message_parts - which part is read, and how it is decoded */
static void
test_message_parts(void)
{
	static const char *const msgs[] = {
	    /* application/ics first, the method= part wins */
	    MSG_HEAD
	    "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
	    "--b\r\nContent-Type: application/ics; name=x.ics\r\n\r\n" CAL_HEAD
	    "METHOD:REQUEST\r\n"
	    "BEGIN:VEVENT\r\nUID:wrong\r\n" EV_TAIL
	    "--b\r\nContent-Type: text/calendar; method=REPLY; "
	    "charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	    "QkVHSU46VkNBTEVOREFSDQpNRVRIT0Q6UkVQTFkNCkJFR0lOOlZFVkVOVA0KVUlE"
	    "OnUxQGV4YW1wbGUub3JnDQpTVU1NQVJZOuuqqOyehA0KQVRURU5ERUU7UEFSVFNU"
	    "QVQ9QUNDRVBURUQ6bWFpbHRvOktpbUBFeGFtcGxlLkNPTQ0KRU5EOlZFVkVOVA0K"
	    "RU5EOlZDQUxFTkRBUg0K\r\n--b--\r\n",
	    /* Latin-1 in quoted-printable, nested two deep */
	    MSG_HEAD
	    "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
	    "--b\r\nContent-Type: multipart/alternative; boundary=c\r\n\r\n"
	    "--c\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
	    "--c\r\nContent-Type: text/calendar; charset=ISO-8859-1\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
	    "UID:u1@example.org\r\nSUMMARY:caf=E9 =\r\nm=F6im\r\n"
	    "ATTENDEE;PARTSTAT=3DACCEPTED:MAILTO:Kim@Example.COM\r\n" EV_TAIL
	    "--c--\r\n--b--\r\n",
	};
	static const char *const summaries[] = {"모임", "café möim"};

	for (size_t i = 0; i < G_N_ELEMENTS(msgs); i++) {
		struct imip_reply *r = NULL;
		GError *e = NULL;

		if (!imip_read(msgs[i], strlen(msgs[i]), &r, &e))
			g_error("message %zu: %s", i, e->message);
		g_assert_nonnull(r);
		g_assert_false(r->is_from_subject);
		g_assert_cmpint(r->method, ==, IMIP_METHOD_REPLY);
		g_assert_cmpstr(r->uid, ==, "u1@example.org");
		g_assert_cmpstr(r->event.summary, ==, summaries[i]);
		g_assert_cmpuint(r->n_attendees, ==, 1);
		g_assert_cmpstr(r->attendees[0].addr, ==, "Kim@Example.COM");
		g_assert_cmpstr(
		    r->attendees[0].canonical, ==, "kim@example.com");
		g_assert_cmpint(
		    r->attendees[0].partstat, ==, IMIP_PARTSTAT_ACCEPTED);
		imip_reply_free(r);
	}
}

/* test_zone_names - the TZIDs calendars write without a VTIMEZONE: a
 * Windows name, a path-prefixed IANA name, one nobody knows */
static void
test_zone_names(void)
{
	static const struct {
		const char *tzid;
		const char *iana; /* NULL: unknown, read as UTC */
		int64_t start;
	} rows[] = {
	    /* 2026-12-16 14:00 in Seoul is 05:00 UTC */
	    {"Korea Standard Time", "Asia/Seoul", 1797397200},
	    {"korea standard time", "Asia/Seoul", 1797397200},
	    {"/mozilla.org/20050126_1/Asia/Seoul", "Asia/Seoul", 1797397200},
	    {"Asia/Seoul", "Asia/Seoul", 1797397200},
	    {"Customized Time Zone", NULL, 1797429600},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autofree char *ics = g_strdup_printf(CAL_HEAD
		    "METHOD:REQUEST\r\n" EV_HEAD "SUMMARY:Forum\r\n"
		    "DTSTART;TZID=\"%s\":20261216T140000\r\n"
		    "DTEND;TZID=\"%s\":20261216T170000\r\n" EV_TAIL,
		    rows[i].tzid, rows[i].tzid);
		struct imip_reply *r = NULL;
		GError *e = NULL;

		if (!imip_read(ics, strlen(ics), &r, &e))
			g_error("%s: %s", rows[i].tzid, e->message);
		g_assert_true(r->has_time);
		g_assert_cmpstr(r->event.tzid, ==, rows[i].iana);
		g_assert_cmpint(r->is_floating, ==, rows[i].iana == NULL);
		g_assert_cmpint(r->event.start, ==, rows[i].start);
		g_assert_cmpint(r->event.end, ==, rows[i].start + 3 * 3600);
		imip_reply_free(r);
	}
}

/* test_empty_calendar - an empty calendar part is refused as input, in
 * any charset, and read without touching a buffer it does not have */
static void
test_empty_calendar(void)
{
	static const char *const charsets[] = {"UTF-8", "ISO-8859-1", "x-none"};

	for (size_t i = 0; i < G_N_ELEMENTS(charsets); i++) {
		g_autofree char *msg = g_strdup_printf(MSG_HEAD
		    "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
		    "--b\r\nContent-Type: text/calendar; method=REPLY; "
		    "charset=%s\r\nContent-Transfer-Encoding: base64\r\n\r\n"
		    "\r\n--b--\r\n",
		    charsets[i]);
		struct imip_reply *r = NULL;
		GError *e = NULL;
		bool ok = imip_read(msg, strlen(msg), &r, &e);

		g_assert_false(ok);
		g_assert_null(r);
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
		g_clear_error(&e);
	}
}

/* test_names - the names of methods and answers */
static void
test_names(void)
{
	g_assert_cmpstr(imip_method_name(IMIP_METHOD_REPLY), ==, "REPLY");
	g_assert_cmpstr(
	    imip_method_name(IMIP_METHOD_DECLINECOUNTER), ==, "DECLINECOUNTER");
	g_assert_cmpstr(imip_method_name(IMIP_METHOD_NONE), ==, "NONE");
	g_assert_cmpstr(
	    imip_partstat_name(IMIP_PARTSTAT_NEEDS_ACTION), ==, "NEEDS-ACTION");
	g_assert_cmpstr(imip_partstat_name(IMIP_PARTSTAT_OTHER), ==, "OTHER");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	imip_init();
	g_test_add_func("/imip/request_parsed_back", test_request_parsed_back);
	g_test_add_func("/imip/request_read_back", test_request_read_back);
	g_test_add_func("/imip/request_series", test_request_series);
	g_test_add_func("/imip/read_series", test_read_series);
	g_test_add_func(
	    "/imip/request_series_all_day", test_request_series_all_day);
	g_test_add_func(
	    "/imip/request_series_refused", test_request_series_refused);
	g_test_add_func(
	    "/imip/request_all_day_and_utc", test_request_all_day_and_utc);
	g_test_add_func("/imip/all_day_range", test_all_day_range);
	g_test_add_func("/imip/all_day_no_dtend", test_all_day_no_dtend);
	g_test_add_func("/imip/request_neutralised", test_request_neutralised);
	g_test_add_func("/imip/cancel", test_cancel);
	g_test_add_func("/imip/instance", test_instance);
	g_test_add_func("/imip/publish", test_publish);
	g_test_add_func("/imip/request_refused", test_request_refused);
	g_test_add_func("/imip/reply_instances", test_reply_instances);
	g_test_add_func("/imip/mime_round_trip", test_mime_round_trip);
	g_test_add_func("/imip/mime_refused", test_mime_refused);
	g_test_add_func("/imip/empty_calendar", test_empty_calendar);
	g_test_add_func("/imip/zone_names", test_zone_names);
	g_test_add_func("/imip/corpus_replies", test_corpus_replies);
	g_test_add_func("/imip/corpus_details", test_corpus_details);
	g_test_add_func("/imip/corpus_index", test_corpus_index);
	g_test_add_func("/imip/corpus_all", test_corpus_all);
	g_test_add_func("/imip/subject_fallback", test_subject_fallback);
	g_test_add_func("/imip/parse_table", test_parse_table);
	g_test_add_func("/imip/parse_limits", test_parse_limits);
	g_test_add_func("/imip/message_parts", test_message_parts);
	g_test_add_func("/imip/names", test_names);
	return g_test_run();
}
