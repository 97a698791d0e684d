/*
 * rsvptext - read a plain-text reply to an event announcement
 *
 * SYNOPSIS
 *	bool rsvptext_read(const char *body_utf8, struct rsvptext *out);
 *	const char *rsvptext_answer_name(enum rsvptext_answer a);
 * DESCRIPTION
 *	rsvptext_read() reads the new text of a reply (SPEC "Events and
 *	RSVP") and says whether it answers yes, no or maybe, for how many
 *	people, and whether it also asks or discusses something, so that
 *	the caller may distribute it as well as record it.
 *
 *	Only the new text counts. Quoted lines ("> ...") are skipped; an
 *	attribution line (Gmail, Apple Mail, Thunderbird "On ... wrote:",
 *	Korean "...님이 작성:", "... 쓴 글:") followed by quoted lines is
 *	skipped, and one followed by unquoted text ends the new text, as do
 *	Outlook/Naver/Daum blocks ("-----Original Message-----",
 *	"-----원본 메시지-----", "From:"/"보낸 사람:" header blocks, a line of
 *	underscores), a signature ("-- ") and "Sent from my iPhone".
 *
 *	The new text is cut into clauses at sentence ends, line ends and
 *	parentheses. A clause that asks (ends in '?', or a Korean question
 *	ending such as 나요/까요/습니까) gives no answer. In the others,
 *	English and Korean cues are matched as stems with their endings
 *	(참석/참가 + 하/합/할/예정, 갈게/갑니다/가겠, 못/안 + verb, 어렵/
 *	힘들, 수 없, 미정, 아마, can't make it, not going, count me in,
 *	tentative...). Within a clause no beats maybe beats yes ("아마 못 갈
 *	것 같아요" is no); across clauses the last one that answers wins, and
 *	weak cues ("뵙겠습니다", "see you there", a bare "네") count only
 *	when nothing else answers. A headcount with nothing else is a yes.
 *
 *	when says which session of a recurring event the answer names: the
 *	one the answering clause names, else one named in another clause
 *	("12월 23일은요. 불참입니다"): a date ("12월 23일", "Dec 23rd",
 *	"12/23", month/day, no year), this week ("이번 주", "금주", "this
 *	week"), next week ("다음 주", "담주", "next week"), or all of them
 *	("매주", "모두 참석", "all of them", "every week"), which with no
 *	other cue is a yes ("all of them" answers "which weeks?"). A plain
 *	answer names none: the caller takes the next session.
 *
 *	headcount is the number of people the answer is for, the sender
 *	included: "2명", "저 포함 3명", "we are 3", "셋이서" are totals;
 *	"+2 guests", "동반 1명", "with 2 friends", "with my wife" are the
 *	sender plus guests; a bare "+1" is one yes. It is 1 for a yes or
 *	maybe without a count, and 0 for no and for no answer.
 * OWNERSHIP
 *	out is filled by value; nothing is allocated for the caller.
 * INPUT AND LIMITS
 *	body_utf8 is untrusted, NUL-terminated UTF-8 (the caller decodes
 *	the charset and reads HTML-only mail through its text). Only the
 *	first RSVPTEXT_MAX_INPUT bytes are looked at and the first
 *	RSVPTEXT_MAX_LINES lines of new text; a headcount over
 *	RSVPTEXT_MAX_HEADCOUNT is not taken as one.
 * THREADS
 *	The patterns are compiled once, on first use, under g_once(); after
 *	that nothing is shared that changes.
 * ERRORS
 *	false when body_utf8 is NULL or not valid UTF-8 (within the bytes
 *	looked at); *out then says RSVPTEXT_NONE.
 * SEE ALSO
 *	ical/evblock.h, ical/imip.h (iMIP REPLY).
 */
#ifndef MOIM_RSVPTEXT_H
#define MOIM_RSVPTEXT_H

#include <stdbool.h>

#include "limits.h"

enum rsvptext_answer {
	RSVPTEXT_NONE,
	RSVPTEXT_YES,
	RSVPTEXT_NO,
	RSVPTEXT_MAYBE,
};

/* Which session of a recurring event the answer names. */
enum rsvptext_when {
	RSVPTEXT_WHEN_NONE, /* none: the next session */
	RSVPTEXT_WHEN_THIS_WEEK, /* "이번 주", "this week" */
	RSVPTEXT_WHEN_NEXT_WEEK, /* "다음 주", "next week" */
	RSVPTEXT_WHEN_DATE, /* "12월 23일", "Dec 23", "12/23": month, day */
	RSVPTEXT_WHEN_ALL, /* "매주", "all of them": the series */
};

struct rsvptext {
	enum rsvptext_answer answer;
	int headcount; /* sender included; 0 for NO and NONE */
	bool has_question; /* a clause of the new text asks something */
	bool has_discussion; /* text beyond the answer and greetings */
	enum rsvptext_when when; /* NONE when there is no answer */
	int month, day; /* RSVPTEXT_WHEN_DATE: the date named, no year */
};

bool rsvptext_read(const char *body_utf8, struct rsvptext *out);
const char *rsvptext_answer_name(enum rsvptext_answer a);

#endif
