/*
 * evblock - parse the event block at the start of an organizer's post
 *
 * SYNOPSIS
 *	bool evblock_parse(const char *text_utf8, const char *default_tz,
 *	    gint64 now, struct evblock **ev_out,
 *	    struct evblock_error *err_out);
 *	void evblock_free(struct evblock *ev);
 *	char *evblock_days_text(gint64 start, gint64 end, const char *tzid);
 *	gint64 evblock_date_local(gint64 utc_day, const char *tzid);
 *	gint64 evblock_remind_at(gint64 start, bool is_all_day,
 *	    const char *tzid, int hours);
 * DESCRIPTION
 *	evblock_parse() reads the "Key: value" lines at the top of a post
 *	(SPEC "Events and RSVP"), English or Korean keys in any order:
 *	Event/Title/행사/행사명/제목, When/Date/일시/날짜/일정,
 *	Where/Location/Place/Venue/장소, Capacity/Seats/정원,
 *	RSVP-By/Deadline/마감/신청 마감, Description/내용/설명. A line that
 *	starts with a space or tab continues the value above it; the block
 *	ends at the first blank line or the first line that is not a key.
 *
 *	When takes a date, an optional time or time range and an optional
 *	zone: 2026-12-16 14:00-17:00, 2026.12.16 14:00~17:00, 12/16 14:00,
 *	Dec 16 2pm, 2026년 12월 16일 (수) 오후 2시~5시, 12월 16일 오후 2시
 *	30분, 16일 14시, 12/16~12/18; a weekday in the text must match the
 *	date. A date without a year is the next such date (today counts), a
 *	day alone the next such day of a month. A date without a time is an
 *	all-day event, and so is a date followed by 종일, 하루 종일, 온종일,
 *	all day or all-day (in parentheses or not); a range of dates without
 *	times is a multi-day one: 10월 9일~10일, 2027년 10월 9일(토)~11일(월),
 *	10월 30일 ~ 11월 1일, Oct 9-11, October 9 to 11, 2027-10-09 to
 *	2027-10-11. An end written as a day alone is in the start's month, so
 *	10월 9일~8일 is backwards, not November 8. An event lasts at most
 *	EVBLOCK_MAX_DAYS days (10월 1일~31일). A missing end time is
 *	start + 2 hours; an end hour without
 *	오전/오후/am/pm takes the start's when that keeps it after the start.
 *	The zone is default_tz unless one is named: KST, JST, UTC, GMT,
 *	an IANA name such as Asia/Seoul, or an offset such as +09:00.
 *	Capacity is 80, 80명, 80 seats, or unlimited/무제한 (0).
 *
 *	A repeat rule (ical/repeat.h lists its forms) may stand on the When
 *	line (매주 수요일 19:30-21:00, 12월까지) or on its own
 *	Repeats/Repeat/Recurrence/반복/반복일정 line, and skipped dates on a
 *	Skip/Except/No-Session/휴강/휴강일/쉬는 날 line. The first session is
 *	the date written, else the first day the rule names from today
 *	(the next one when today's has begun). The event's start and end
 *	are the first session's; rrule and skips say the rest. A rule that
 *	is refused fails with EVBLOCK_BAD_REPEAT, the repeat module's
 *	sentences and the words it is about in words, at the line that
 *	holds them. RSVP-By is
 *	a date with an optional time; a date alone closes at the end of that
 *	day, or at the start when it is the event's own day.
 *
 *	evblock_days_text() writes the local dates of an all-day event
 *	(start and end as evblock gives them) as "2027-10-09" or
 *	"2027-10-09 ~ 2027-10-11" (the last day, not the exclusive end).
 *	evblock_date_local() turns a calendar's DATE, which iCalendar
 *	parsing gives as that day's UTC midnight, into the same day's
 *	midnight in tzid. evblock_remind_at() is when a reminder set
 *	hours ahead is due: hours before a timed event; for an all-day
 *	event at EVBLOCK_REMIND_HOUR (18:00) local time on the day
 *	ceil(hours / 24) days (at least one) before its first day, so the
 *	reminder comes the evening before and not at midnight. An unknown
 *	tzid counts as UTC.
 *
 *	A post with no block, or a block with neither an Event nor a When
 *	key, is success with *ev_out = NULL. A block that cannot be used
 *	fails and fills *err_out with the 1-based line number (0 when the
 *	fault is default_tz), a reason code and a sentence in English and
 *	Korean for the organizer.
 * OWNERSHIP
 *	*ev_out belongs to the caller (evblock_free() accepts NULL); err_out
 *	must not be NULL. msg_en and msg_ko of struct evblock_error are
 *	static strings; rrule and skips belong to the evblock.
 * INPUT AND LIMITS
 *	text_utf8 is untrusted. Only the block is read: at most
 *	EVBLOCK_MAX_LINES lines, each at most EVBLOCK_MAX_LINE bytes and
 *	valid UTF-8, else EVBLOCK_BAD_TEXT. Capacity is 1..EVBLOCK_MAX_CAPACITY;
 *	a start more than EVBLOCK_MAX_YEARS years after now is refused.
 *	Times are UTC unix seconds, computed from now (never time()).
 * THREADS
 *	No shared state.
 * ERRORS
 *	false only for a block that cannot be used; err_out says why.
 * SEE ALSO
 *	RFC 5545 (DTSTART/DTEND, VALUE=DATE), ical/rsvptext.h.
 */
#ifndef MOIM_EVBLOCK_H
#define MOIM_EVBLOCK_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "limits.h"

enum evblock_reason {
	EVBLOCK_OK,
	EVBLOCK_BAD_TEXT, /* not UTF-8, or a line too long */
	EVBLOCK_NO_TITLE, /* When without Event */
	EVBLOCK_NO_WHEN, /* Event without When */
	EVBLOCK_DUPLICATE_KEY,
	EVBLOCK_EMPTY_VALUE,
	EVBLOCK_BAD_DATE, /* a date or time we cannot read */
	EVBLOCK_NO_SUCH_DATE, /* 2026-02-30, 25:00 */
	EVBLOCK_WEEKDAY_MISMATCH, /* (목) beside a Wednesday */
	EVBLOCK_BAD_ZONE,
	EVBLOCK_END_BEFORE_START,
	EVBLOCK_PAST,
	EVBLOCK_TOO_FAR,
	EVBLOCK_BAD_CAPACITY,
	EVBLOCK_BAD_DEADLINE,
	EVBLOCK_DEADLINE_PAST,
	EVBLOCK_DEADLINE_AFTER_START,
	EVBLOCK_TOO_LONG, /* more than EVBLOCK_MAX_DAYS days */
	EVBLOCK_BAD_REPEAT, /* a repeat rule refused (ical/repeat) */
};

struct evblock {
	char *title;
	char *location; /* NULL when not given */
	char *description; /* NULL when not given */
	char *tzid; /* "Asia/Seoul", "UTC" or "+09:00" */
	gint64 start; /* UTC unix seconds */
	gint64 end; /* exclusive; all-day: the next local midnight */
	bool is_all_day;
	int capacity; /* 0 = no limit */
	bool has_rsvp_by;
	gint64 rsvp_by; /* RSVPs are open while now < rsvp_by */
	size_t body_offset; /* byte offset of the text after the block */
	/* A series: the RFC 5545 RRULE value (in tzid, from start), or
	 * NULL for one session; the original start instants of the skipped
	 * sessions (n_skips of them). */
	char *rrule;
	gint64 *skips;
	size_t n_skips;
};

struct evblock_error {
	unsigned line; /* 1-based; 0 = default_tz */
	enum evblock_reason reason;
	const char *msg_en;
	const char *msg_ko;
	char words[64]; /* the words the reason is about, or "" */
};

bool evblock_parse(const char *text_utf8, const char *default_tz, gint64 now,
    struct evblock **ev_out, struct evblock_error *err_out);
void evblock_free(struct evblock *ev);
char *evblock_days_text(gint64 start, gint64 end, const char *tzid);
gint64 evblock_date_local(gint64 utc_day, const char *tzid);
gint64 evblock_remind_at(
    gint64 start, bool is_all_day, const char *tzid, int hours);

/* An all-day event's reminder comes at this local hour (see above). */
#define EVBLOCK_REMIND_HOUR 18

#endif
