/*
 * repeat - read a repeat rule written in Korean or English
 *
 * SYNOPSIS
 *	bool repeat_scan(const char *text, bool is_skip_line,
 *	    struct repeat *r, GString *rest, struct repeat_error *e);
 *	bool repeat_is_set(const struct repeat *r);
 *	bool repeat_first(const struct repeat *r, int y, int mo, int d,
 *	    struct repeat_date *first_out, struct repeat_error *e);
 *	bool repeat_resolve(struct repeat *r, const struct repeat_date *first,
 *	    struct repeat_error *e);
 *	char *repeat_rrule(const struct repeat *r, const char *tzid,
 *	    int hour, int minute, bool is_all_day);
 *	const char *repeat_reason_en(enum repeat_reason reason);
 *	const char *repeat_reason_ko(enum repeat_reason reason);
void repeat_words(char *buf, size_t size, const char *from, const char *to);
 *	void repeat_words(char *buf, size_t size, const char *from,
 *	    const char *to);
 * DESCRIPTION
 *	repeat_scan() takes the words of a repeat rule out of text (an
 *	event block's When or Repeats value) into *r and appends what is
 *	left (the date and time, with the separators around them) to rest.
 *	A rule is one of:
 *	  every week on days: 매주 수요일, 월·수·금, 월/수/금, 월수금, 평일,
 *	  주말, 화요일과 목요일, every Wednesday, Wednesdays, Tuesdays and
 *	  Thursdays, Mon/Wed/Fri, weekdays, weekends, weekly on Friday;
 *	  every n weeks: 격주 토요일, 2주마다 토요일, every other Saturday,
 *	  every 2 weeks on Saturday, fortnightly on Saturday;
 *	  the n-th or last weekday of a month: 매월 첫째 주 금요일, 매달
 *	  셋째 목요일, 마지막 주 금요일, first Friday of the month, last
 *	  Thursday of every month;
 *	  a day of the month: 매달 15일, monthly on the 15th;
 *	  every n months: 격월, 2개월마다, every 2 months, every other month;
 *	with an end: 12월까지, 3월 말까지, 2027년 3월 31일까지, until March 31,
 *	through 2027-03-31, 8주간, 3개월간, 총 10회, 10회, for 8 weeks, 10
 *	sessions, 8 times; and skipped dates: 1/1 휴강, 3월 17일, 4월 2일 휴강,
4월 2일 *	제외, except Dec 24, no session on April 2. On a skip line
 *	(is_skip_line: the Skip:/휴강: key) every date is a skipped one. A
 *	date followed by 부터, or after starting/from, is the first
 *	session's and goes to rest.
 *	Words that name no days or mean two things are refused, never
 *	guessed: 주 2회, 매주 2회, twice a week, biweekly, bi-monthly,
 *	semi-monthly, every second Saturday (the second of the month, or
 *	every other one?), two frequencies at once (매주 ... 격주).
 *
 *	repeat_is_set() is whether r holds a rule (a frequency, days, an
 *	end or skips). repeat_first() is the first day on or after y-mo-d
 *	that the rule's days name; a rule with no days (격주 alone, 매달)
 *	has no anchor without a date and is refused. repeat_resolve() checks
 *	r against the first session's date: its weekday or day must be one
 *	the rule names, an end must come after it, and every skipped date
 *	must be a session of the rule; a date without a year takes the next
 *	one after the first session. Rules without days take them from the
 *	first date. A count counts sessions held, so skipped dates within
 *	it lengthen the RRULE's COUNT.
 *
 *	repeat_rrule() is the RFC 5545 RRULE value of a resolved rule, as
 *	"FREQ=WEEKLY;INTERVAL=2;BYDAY=SA;COUNT=8": an end date is UNTIL at
 *	the end of that day in tzid, in UTC ("UNTIL=20270331T145959Z"), or a
 *	DATE for an all-day event. hour and minute (the first session's
 *	local start) are unused today and reserved for BYHOUR.
 *	repeat_words() copies the text from..to into buf for a message:
 *	cut to size at a whole UTF-8 character, control characters as
 *	spaces, blanks at the ends trimmed.
 * OWNERSHIP
 *	repeat_rrule() returns a new string (g_free). e->words is a copy.
 *	The reason texts are static.
 * INPUT AND LIMITS
 *	text is untrusted UTF-8 of at most EVBLOCK_MAX_LINE bytes (the
 *	caller checks). At most REPEAT_MAX_SKIPS skipped dates and a count
 *	of at most REPEAT_MAX_COUNT; an end more than EVBLOCK_MAX_YEARS
 *	years after the first session is refused.
 * THREADS
 *	No shared state.
 * ERRORS
 *	false with e filled: a reason and the words it is about.
 * SEE ALSO
 *	RFC 5545 3.3.10 (RECUR), 3.8.5.1 (EXDATE); ical/evblock.h.
 */
#ifndef MOIM_REPEAT_H
#define MOIM_REPEAT_H

#include <glib.h>
#include <stdbool.h>

#include "limits.h"

enum repeat_freq { REPEAT_NONE, REPEAT_WEEKLY, REPEAT_MONTHLY };

enum repeat_reason {
	REPEAT_OK,
	REPEAT_NO_DAYS, /* 주 2회, twice a week */
	REPEAT_AMBIGUOUS, /* biweekly, bi-monthly, every second Saturday */
	REPEAT_NO_ANCHOR, /* 격주 with no day and no date */
	REPEAT_CONFLICT, /* 매주 ... 격주, two ends */
	REPEAT_DAY_MISMATCH, /* 매주 수요일 beside a Thursday */
	REPEAT_BAD_END, /* an end before the start, or too far */
	REPEAT_BAD_SKIP, /* a skipped date that is no session */
	REPEAT_TOO_MANY, /* skips or a count beyond the limits */
	REPEAT_UNKNOWN, /* words of a Repeats line we do not know */
};

/* A calendar date as written; y 0: not written, d 0: the whole month. */
struct repeat_date {
	int y, mo, d;
	char words[32]; /* as written, for a message */
};

struct repeat {
	enum repeat_freq freq;
	int interval; /* 1 = every week or month */
	bool is_interval_set; /* written (격주, every 2 ...), not implied */
	unsigned days; /* bit w-1 for weekday w, 1 = Monday .. 7 = Sunday */
	int setpos; /* monthly: 1..5, -1 = last; 0 = none */
	int monthday; /* monthly: 1..31; 0 = none */
	bool has_until;
	struct repeat_date until;
	int count; /* sessions held; 0 = none */
	int rule_count; /* COUNT: count plus the skips within it */
	int weeks, months; /* "8주간", "for 3 months" */
	size_t n_skips;
	struct repeat_date skips[REPEAT_MAX_SKIPS];
	char first_words[32]; /* the rule's first words, for a message */
	char day_words[32]; /* the words of its days, for a message */
};

struct repeat_error {
	enum repeat_reason reason;
	char words[64];
};

bool repeat_scan(const char *text, bool is_skip_line, struct repeat *r,
    GString *rest, struct repeat_error *e);
bool repeat_is_set(const struct repeat *r);
bool repeat_first(const struct repeat *r, int y, int mo, int d,
    struct repeat_date *first_out, struct repeat_error *e);
bool repeat_resolve(
    struct repeat *r, const struct repeat_date *first, struct repeat_error *e);
char *repeat_rrule(const struct repeat *r, const char *tzid, int hour,
    int minute, bool is_all_day);
const char *repeat_reason_en(enum repeat_reason reason);
const char *repeat_reason_ko(enum repeat_reason reason);
void repeat_words(char *buf, size_t size, const char *from, const char *to);

#endif
