/*
 * imip - build iTIP invitations and read iMIP replies (libical, GMime)
 *
 * SYNOPSIS
 *	void imip_init(void);
 *	char *imip_request(const struct imip_event *ev,
 *	    const char *attendee_addr, const char *attendee_name,
 *	    GError **err);
 *	char *imip_cancel(const struct imip_event *ev,
 *	    const char *attendee_addr, const char *attendee_name,
 *	    GError **err);
 *	char *imip_publish(const struct imip_event *ev, bool is_cancelled,
 *	    GError **err);
 *	char *imip_publish(
    const struct imip_event *ev, bool is_cancelled, GError **err);
GMimeObject *imip_mime_new(const char *ics, enum imip_method method,
 *	    const char *text_utf8, GError **err);
 *	char *imip_attendee_line(enum imip_method m, const char *attendee_addr,
 *	    const char *attendee_name, GError **err);
 *	GMimeObject *imip_text_part_new(const char *text_utf8, GError **err);
 *	bool imip_read(const char *msg, size_t len,
 *	    struct imip_reply **reply_out, GError **err);
 *	bool imip_parse(const char *buf, size_t len, const char *method_param,
 *	    struct imip_reply **reply_out, GError **err);
 *	void imip_reply_free(struct imip_reply *r);
 *	const char *imip_method_name(enum imip_method m);
 *	const char *imip_partstat_name(enum imip_partstat p);
 * DESCRIPTION
 *	imip_init() sets libical's errors to non-fatal and initialises
 *	GMime, once; every other function calls it, so callers need not.
 *
 *	imip_request() returns the iCalendar text (CRLF line ends, folded
 *	at 75 octets by libical) of an RFC 5546 METHOD:REQUEST for one
 *	attendee: VTIMEZONE of ev->tzid from libical's built-in zones (its
 *	TZID is the plain zone name, e.g. "Asia/Seoul"), one VEVENT with
 *	UID, DTSTAMP, SEQUENCE, DTSTART/DTEND in that zone (VALUE=DATE
 *	for an all-day event, DTEND the day after the last day), SUMMARY,
 *	LOCATION, DESCRIPTION, STATUS:CONFIRMED, ORGANIZER;CN=name and
 *	ATTENDEE;CN=..;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;
 *	RSVP=TRUE. A series adds RRULE and one EXDATE per skipped session
 *	(in ev->tzid with its VTIMEZONE; VALUE=DATE for an all-day event),
 *	and each moved session is a further VEVENT of the same UID with
 *	RECURRENCE-ID (its original start), its new DTSTART/DTEND and its
 *	SEQUENCE, in the same object: one REQUEST per member for the whole
 *	series. With ev->recurrence_id set, the VEVENT is that one
 *	instance (RECURRENCE-ID in the event's zone, RFC 5546 3.2.2):
 *	REQUEST moves a session, CANCEL skips it. imip_cancel() is the same
 *	with METHOD:CANCEL and
 *	STATUS:CANCELLED, without RSVP; the caller raises ev->sequence.
 *	imip_publish() is the same event as METHOD:PUBLISH for anyone to
 *	import (a web page's download): ORGANIZER but no ATTENDEE, and
 *	STATUS:CANCELLED when is_cancelled.
 *	CR LF and CR in texts become LF; other control characters become
 *	spaces.
 *
 *	imip_mime_new() builds what RFC 6047 clients expect: multipart/
 *	mixed [ multipart/alternative [ text/plain (text_utf8),
 *	text/calendar; method=M; charset=UTF-8 ], application/ics;
 *	name=invite.ics as an attachment ], both calendar parts base64.
 *
 *	imip_attendee_line() is the ATTENDEE property line (folded, CRLF at
 *	the end) that imip_request() (m IMIP_METHOD_REQUEST) or
 *	imip_cancel() (IMIP_METHOD_CANCEL) writes for that attendee in
 *	each VEVENT: libical writes each property on its own, so a
 *	calendar made for one attendee can be made for another by
 *	swapping these lines (ical/imipcopy). imip_text_part_new() is the
 *	text/plain part imip_mime_new() puts beside the calendar.
 *
 *	imip_read() reads a whole message (or, when it starts with
 *	BEGIN:VCALENDAR, a bare iCalendar object). It takes the first
 *	text/calendar, application/ics or *.ics part at any multipart
 *	depth (not inside attached messages), preferring one with a method
 *	parameter, decodes base64 or quoted-printable and the charset, and
 *	hands it to imip_parse(). With no calendar part, an Outlook-style
 *	Subject prefix ("Accepted:", "Declined:", "Tentative:", "수락:",
 *	"거절:", "미정:") gives a reply with is_from_subject set, method
 *	IMIP_METHOD_REPLY and only subject_partstat filled in. Otherwise
 *	*reply_out is NULL and the result is true: no answer is not a
 *	failure.
 *
 *	imip_parse() reads one iCalendar object: METHOD (the property, or
 *	method_param, the Content-Type parameter, when the property is
 *	absent; a conflict is an input error), then the first VEVENT: UID,
 *	SEQUENCE (missing = 0; values beyond 0..INT32_MAX are clamped
 *	before libical sees them, as libical's atoi would wrap them),
 *	RECURRENCE-ID, SUMMARY, LOCATION, DESCRIPTION, DTSTART/DTEND with
 *	their TZID, ORGANIZER and every ATTENDEE with CN and PARTSTAT.
 *	Then every VEVENT with that UID (the first too) as an instance:
 *	its RECURRENCE-ID as written, with its TZID and, where the value is
 *	UTC or the TZID names the calendar's VTIMEZONE or a zone winzone
 *	knows, as an instant (libical 3.0.16's
 *	icalcomponent_get_recurrenceid() drops the TZID, so the property
 *	is read here), whether it has an RRULE, and its ATTENDEEs. A
 *	REPLY needs no ORGANIZER (Outlook sends none).
 *	Of a series it also reads the master's (the VEVENT of that UID
 *	without RECURRENCE-ID) RRULE and EXDATEs, and each overriding
 *	VEVENT (RECURRENCE-ID as an instant, read with its own TZID, which
 *	libical 3.0's icalcomponent_get_recurrenceid ignores; its new
 *	times, LOCATION, SEQUENCE, STATUS:CANCELLED) into event.rrule,
 *	exdates and overrides.
 * OWNERSHIP
 *	imip_request(), imip_cancel() and imip_publish() return a new
 *	string (g_free);
 *	imip_mime_new() a new reference (g_object_unref). *reply_out
 *	belongs to the caller (imip_reply_free, which accepts NULL); every
 *	string in it, also in event and attendees, lives as long as it.
 *	Arguments are borrowed.
 * INPUT AND LIMITS
 *	msg and buf are untrusted. mime_parse() applies the message limits;
 *	a calendar over IMIP_MAX_ICAL bytes, with a NUL byte, more than
 *	IMIP_MAX_COMPONENTS components or nesting deeper than
 *	IMIP_MAX_DEPTH, more than IMIP_MAX_ATTENDEES attendees, several
 *	VCALENDARs, no VEVENT or no UID is MOIM_ERR_INPUT, and so is any
 *	X-LIC-ERROR libical inserts (STYLE 7.11), except its note that it
 *	dropped a property with an empty value: Google sends "LOCATION:"
 *	and "DESCRIPTION:" in every REPLY, and an empty TEXT is legal
 *	(RFC 5545 3.3.11). Invalid UTF-8 is replaced (U+FFFD), as texts
 *	are only displayed. ev is trusted but checked: UID, SUMMARY and
 *	the addresses are required, addresses must pass
 *	addr_is_valid_mailbox(), texts must be UTF-8, the zone must be
 *	known to libical, and end must follow start; an rrule libical
 *	cannot read, more than IMIP_MAX_COMPONENTS exdates or overrides,
 *	or an override that ends before it starts is MOIM_ERR_INPUT.
 * THREADS
 *	imip_init() is safe from many threads. libical's built-in zone
 *	cache is shared: call imip_init() and build one request before
 *	starting threads that call imip_request().
 * ERRORS
 *	MOIM_ERR_INPUT for bad input or a bad ev; MOIM_ERR_INTERNAL when
 *	libical or GMime fails on what we built. Never a temporary error.
 * SEE ALSO
 *	RFC 5545 (iCalendar), RFC 5546 (iTIP), RFC 6047 (iMIP), RFC 6868;
 *	lib/mime.h, lib/addr.h, lib/limits.h.
 */
#ifndef MOIM_IMIP_H
#define MOIM_IMIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "limits.h"

enum imip_method {
	IMIP_METHOD_NONE,
	IMIP_METHOD_PUBLISH,
	IMIP_METHOD_REQUEST,
	IMIP_METHOD_REPLY,
	IMIP_METHOD_ADD,
	IMIP_METHOD_CANCEL,
	IMIP_METHOD_REFRESH,
	IMIP_METHOD_COUNTER,
	IMIP_METHOD_DECLINECOUNTER,
	IMIP_METHOD_OTHER,
};

enum imip_partstat {
	IMIP_PARTSTAT_NONE, /* no PARTSTAT parameter */
	IMIP_PARTSTAT_NEEDS_ACTION,
	IMIP_PARTSTAT_ACCEPTED,
	IMIP_PARTSTAT_DECLINED,
	IMIP_PARTSTAT_TENTATIVE,
	IMIP_PARTSTAT_DELEGATED,
	IMIP_PARTSTAT_OTHER, /* COMPLETED, IN-PROCESS, X- values */
};

struct imip_event {
	const char *uid; /* stable per event, e.g. "42.ai@lists.example.org" */
	int32_t sequence; /* 0 first, +1 per update (RFC 5546 2.1.4) */
	const char *summary; /* UTF-8 */
	const char *location; /* UTF-8, NULL for none */
	const char *description; /* UTF-8, NULL for none */
	int64_t start; /* UTC seconds; all-day: any instant of the day */
	/* UTC seconds, after start; all-day: any instant of the day after
	 * the last one (DTEND is exclusive, RFC 5545 3.6.1), as evblock's
	 * next local midnight is; a parsed DATE is read as UTC midnight */
	int64_t end;
	const char *tzid; /* IANA zone, "Asia/Seoul"; NULL or "UTC": UTC */
	bool is_all_day;
	const char *organizer_addr; /* L-rsvp+EVENT@D */
	const char *organizer_name; /* CN, NULL for none */
	int64_t dtstamp; /* UTC seconds: the caller's "now" */
	/* 0: the whole event; else this is one instance of a series, the
	 * one whose original start this is (RECURRENCE-ID, written in tzid
	 * as DTSTART is), with its own start, end and sequence */
	int64_t recurrence_id;
	/* A series (NULL/0: one session): the RRULE value, read in tzid
	 * from start; the original starts of skipped sessions (EXDATE);
	 * moved sessions, each an extra VEVENT with RECURRENCE-ID. */
	const char *rrule;
	const int64_t *exdates;
	size_t n_exdates;
	const struct imip_override *overrides;
	size_t n_overrides;
};

/* One moved session of a series (RFC 5546 3.2.2: an override). */
struct imip_override {
	int64_t recurrence_id; /* the session's original start, UTC s */
	int64_t start, end; /* when it happens now */
	const char *location; /* NULL: the series' */
	int32_t sequence;
	bool is_cancelled; /* read: STATUS:CANCELLED, a skipped session */
};

struct imip_attendee {
	const char *addr; /* as written after "mailto:" */
	const char *canonical; /* addr_canonical() of addr, NULL if invalid */
	const char *cn; /* NULL for none */
	enum imip_partstat partstat;
};

/* One VEVENT of a reply with the UID of the first: the master (no
 * RECURRENCE-ID, the whole series) or one instance. */
struct imip_instance {
	const char *recurrence_id; /* as written; NULL for the master */
	const char *recurrence_tzid; /* its TZID parameter, or NULL */
	/* The instant RECURRENCE-ID names, when it is UTC or its TZID names
	 * a VTIMEZONE of the calendar or a zone we know; else has_instant
	 * is false and the reader of the value supplies the event's zone
	 * (a DATE, a floating time): sessions_instant(). */
	int64_t recurrence_instant;
	bool has_instant;
	bool has_rrule; /* Outlook writes RRULE on an instance too */
	struct imip_attendee *attendees;
	size_t n_attendees;
};

struct imip_reply {
	enum imip_method method;
	bool is_from_subject; /* no calendar: only subject_partstat is set */
	enum imip_partstat subject_partstat;
	const char *uid;
	int32_t sequence;
	const char *recurrence_id; /* as written, "20220317T110000Z"; NULL */
	struct imip_attendee *attendees;
	size_t n_attendees;
	/* The VEVENT as read (REQUEST/PUBLISH adoption); uid and sequence
	 * repeat the fields above. start and end are 0 unless has_time;
	 * is_floating: a time without a zone libical knows, read as UTC.
	 * event.tzid is the IANA name of DTSTART's zone (Outlook's Windows
	 * names mapped by winzone), "UTC", or NULL when its TZID names no
	 * zone we know: the instants are still right when the calendar
	 * carried the VTIMEZONE. */
	struct imip_event event;
	bool has_time;
	bool is_floating;
	/* Every VEVENT with the first one's UID, in order, the first
	 * included (Google answers the master and several instances in one
	 * REPLY); at most IMIP_MAX_COMPONENTS. */
	struct imip_instance *instances;
	size_t n_instances;
	GStringChunk *strings; /* owns every string above */
	/* own event.exdates and event.overrides of a series (REQUEST,
	 * PUBLISH): the master's RRULE and EXDATEs, and the VEVENTs of its
	 * UID with RECURRENCE-ID, as instants whatever zone they name */
	int64_t *exdates_buf;
	struct imip_override *overrides_buf;
};

void imip_init(void);
char *imip_request(const struct imip_event *ev, const char *attendee_addr,
    const char *attendee_name, GError **err);
char *imip_cancel(const struct imip_event *ev, const char *attendee_addr,
    const char *attendee_name, GError **err);
char *imip_publish(
    const struct imip_event *ev, bool is_cancelled, GError **err);
GMimeObject *imip_mime_new(const char *ics, enum imip_method method,
    const char *text_utf8, GError **err);
char *imip_attendee_line(enum imip_method m, const char *attendee_addr,
    const char *attendee_name, GError **err);
GMimeObject *imip_text_part_new(const char *text_utf8, GError **err);
bool imip_read(
    const char *msg, size_t len, struct imip_reply **reply_out, GError **err);
bool imip_parse(const char *buf, size_t len, const char *method_param,
    struct imip_reply **reply_out, GError **err);
void imip_reply_free(struct imip_reply *r);
const char *imip_method_name(enum imip_method m);
const char *imip_partstat_name(enum imip_partstat p);

#endif
