/*
 * imip - build iTIP invitations and read iMIP replies (libical, GMime)
 */
#include "config.h"

#include <string.h>

#include <libical/ical.h>

#include "addr.h"
#include "err.h"
#include "imip.h"
#include "limits.h"
#include "log.h"
#include "mime.h"
#include "winzone.h"

#define IMIP_PRODID "-//moim//moim mailing lists//EN"

/* libical's note when it drops a property with an empty value. */
#define IMIP_EMPTY_VALUE_NOTE "No value for "

static const struct {
	enum imip_method method;
	icalproperty_method ical;
	const char *name;
} methods[] = {
    {IMIP_METHOD_PUBLISH, ICAL_METHOD_PUBLISH, "PUBLISH"},
    {IMIP_METHOD_REQUEST, ICAL_METHOD_REQUEST, "REQUEST"},
    {IMIP_METHOD_REPLY, ICAL_METHOD_REPLY, "REPLY"},
    {IMIP_METHOD_ADD, ICAL_METHOD_ADD, "ADD"},
    {IMIP_METHOD_CANCEL, ICAL_METHOD_CANCEL, "CANCEL"},
    {IMIP_METHOD_REFRESH, ICAL_METHOD_REFRESH, "REFRESH"},
    {IMIP_METHOD_COUNTER, ICAL_METHOD_COUNTER, "COUNTER"},
    {IMIP_METHOD_DECLINECOUNTER, ICAL_METHOD_DECLINECOUNTER, "DECLINECOUNTER"},
};

static const struct {
	enum imip_partstat partstat;
	icalparameter_partstat ical;
	const char *name;
} partstats[] = {
    {IMIP_PARTSTAT_NEEDS_ACTION, ICAL_PARTSTAT_NEEDSACTION, "NEEDS-ACTION"},
    {IMIP_PARTSTAT_ACCEPTED, ICAL_PARTSTAT_ACCEPTED, "ACCEPTED"},
    {IMIP_PARTSTAT_DECLINED, ICAL_PARTSTAT_DECLINED, "DECLINED"},
    {IMIP_PARTSTAT_TENTATIVE, ICAL_PARTSTAT_TENTATIVE, "TENTATIVE"},
    {IMIP_PARTSTAT_DELEGATED, ICAL_PARTSTAT_DELEGATED, "DELEGATED"},
};

/* Outlook's answer subjects, English and Korean (Outlook 2016+, OWA). */
static const struct {
	const char *prefix;
	enum imip_partstat partstat;
} subject_prefixes[] = {
    {"Accepted:", IMIP_PARTSTAT_ACCEPTED},
    {"Declined:", IMIP_PARTSTAT_DECLINED},
    {"Tentative:", IMIP_PARTSTAT_TENTATIVE},
    {"수락:", IMIP_PARTSTAT_ACCEPTED},
    {"거절:", IMIP_PARTSTAT_DECLINED},
    {"미정:", IMIP_PARTSTAT_TENTATIVE},
};

/* What the line source of libical's parser sees and counts. */
struct lines {
	const char *p;
	const char *end;
	unsigned n_components;
	unsigned depth;
};

/* init_once - the g_once body of imip_init() */
static gpointer
init_once(gpointer unused)
{
	/* libical's default may abort() on malformed data (STYLE 6). */
	icalerror_set_errors_are_fatal(0);
	mime_init();
	return NULL;
}

/* imip_init - make libical's errors non-fatal and start GMime, once */
void
imip_init(void)
{
	static GOnce once = G_ONCE_INIT;

	g_once(&once, init_once, NULL);
}

/* imip_method_name - the iTIP name of m, "NONE" or "OTHER" */
const char *
imip_method_name(enum imip_method m)
{
	for (size_t i = 0; i < G_N_ELEMENTS(methods); i++)
		if (methods[i].method == m)
			return methods[i].name;
	return m == IMIP_METHOD_NONE ? "NONE" : "OTHER";
}

/* imip_partstat_name - the iCalendar name of p, "NONE" or "OTHER" */
const char *
imip_partstat_name(enum imip_partstat p)
{
	for (size_t i = 0; i < G_N_ELEMENTS(partstats); i++)
		if (partstats[i].partstat == p)
			return partstats[i].name;
	return p == IMIP_PARTSTAT_NONE ? "NONE" : "OTHER";
}

/* ical_method - libical's value of one of our methods */
static icalproperty_method
ical_method(enum imip_method m)
{
	for (size_t i = 0; i < G_N_ELEMENTS(methods); i++)
		if (methods[i].method == m)
			return methods[i].ical;
	return ICAL_METHOD_NONE;
}

/* clean_text - a copy of s: CR LF and CR become LF (or a space when not
 * is_multiline), other control characters a space */
static char *
clean_text(const char *s, bool is_multiline)
{
	GString *g = g_string_sized_new(strlen(s));

	for (const char *p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\r' && p[1] == '\n')
			continue;
		if (c == '\r')
			c = '\n';
		if (c == '\n' && !is_multiline)
			c = ' ';
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			c = ' ';
		g_string_append_c(g, (char)c);
	}
	return g_string_free(g, FALSE);
}

/* is_utf8 - whether an optional text is valid UTF-8 */
static bool
is_utf8(const char *s)
{
	return s == NULL || g_utf8_validate(s, -1, NULL);
}

/* series_valid - refuse a series we cannot write: an RRULE libical does
 * not read, too many exceptions, a moved session out of range */
static bool
series_valid(const struct imip_event *ev, GError **err)
{
	g_autofree char *up =
	    ev->rrule != NULL ? g_ascii_strup(ev->rrule, -1) : NULL;

	/* libical 3.0 strdup()s an RSCALE that nothing frees, and we write
	 * only Gregorian rules: refuse it before libical reads it. */
	if (ev->rrule != NULL &&
	    (strchr(ev->rrule, '\n') != NULL || strchr(ev->rrule, '\r') ||
		strstr(up, "RSCALE") != NULL ||
		icalrecurrencetype_from_string(ev->rrule).freq ==
		    ICAL_NO_RECURRENCE)) {
		g_autofree char *q = log_quote(ev->rrule, 80);

		icalerror_clear_errno();
		return moim_fail(err, MOIM_ERR_INPUT, "bad RRULE \"%s\"", q);
	}
	if (ev->n_exdates > IMIP_MAX_COMPONENTS ||
	    ev->n_overrides > IMIP_MAX_COMPONENTS)
		return moim_fail(err, MOIM_ERR_INPUT, "too many exceptions");
	for (size_t i = 0; i < ev->n_exdates; i++)
		if (ev->exdates[i] < 0 || ev->exdates[i] > IMIP_MAX_TIME)
			return moim_fail(
			    err, MOIM_ERR_INPUT, "EXDATE out of range");
	for (size_t i = 0; i < ev->n_overrides; i++) {
		const struct imip_override *o = &ev->overrides[i];

		if (o->recurrence_id < 0 || o->start < 0 ||
		    o->end > IMIP_MAX_TIME || o->end <= o->start ||
		    o->sequence < 0 || !is_utf8(o->location))
			return moim_fail(
			    err, MOIM_ERR_INPUT, "bad moved session");
	}
	return true;
}

/* event_valid - refuse an event we cannot make a valid invitation of */
static bool
event_valid(const struct imip_event *ev, enum imip_method m,
    const char *att_addr, const char *att_name, GError **err)
{
	if (ev->uid == NULL || *ev->uid == '\0')
		return moim_fail(err, MOIM_ERR_INPUT, "event without a UID");
	if (ev->summary == NULL || *ev->summary == '\0')
		return moim_fail(err, MOIM_ERR_INPUT, "event without a title");
	if (!is_utf8(ev->uid) || !is_utf8(ev->summary) ||
	    !is_utf8(ev->location) || !is_utf8(ev->description) ||
	    !is_utf8(ev->organizer_name) || !is_utf8(att_name))
		return moim_fail(err, MOIM_ERR_INPUT, "event text not UTF-8");
	if (ev->sequence < 0)
		return moim_fail(err, MOIM_ERR_INPUT, "negative SEQUENCE");
	if (ev->organizer_addr == NULL ||
	    !addr_is_valid_mailbox(ev->organizer_addr))
		return moim_fail(err, MOIM_ERR_INPUT, "bad organizer address");
	/* A PUBLISH names no attendee, every other method one. */
	if ((att_addr == NULL) != (m == IMIP_METHOD_PUBLISH) ||
	    (att_addr != NULL && !addr_is_valid_mailbox(att_addr)))
		return moim_fail(err, MOIM_ERR_INPUT, "bad attendee address");
	if (ev->start < 0 || ev->end > IMIP_MAX_TIME || ev->dtstamp < 0 ||
	    ev->dtstamp > IMIP_MAX_TIME)
		return moim_fail(
		    err, MOIM_ERR_INPUT, "event time out of range");
	if (ev->end <= ev->start)
		return moim_fail(err, MOIM_ERR_INPUT,
		    "event ends before it "
		    "starts");
	return series_valid(ev, err);
}

/* is_utc_name - whether tzid means UTC */
static bool
is_utc_name(const char *tzid)
{
	return tzid == NULL || strcmp(tzid, "UTC") == 0 ||
	    strcmp(tzid, "Etc/UTC") == 0;
}

/* zone_of - libical's built-in zone named tzid (UTC for NULL or "UTC") */
static icaltimezone *
zone_of(const char *tzid, GError **err)
{
	icaltimezone *z;

	if (is_utc_name(tzid))
		return icaltimezone_get_utc_timezone();
	z = icaltimezone_get_builtin_timezone(tzid);
	if (z == NULL) {
		g_autofree char *q = log_quote(tzid, 64);

		moim_fail(err, MOIM_ERR_INPUT, "unknown time zone \"%s\"", q);
	}
	return z;
}

/* add_vtimezone - add zone as a VTIMEZONE whose TZID is the plain name */
static bool
add_vtimezone(
    icalcomponent *cal, icaltimezone *zone, const char *tzid, GError **err)
{
	icalcomponent *vtz = icaltimezone_get_component(zone);
	icalproperty *p;

	if (vtz == NULL)
		return moim_fail(err, MOIM_ERR_INTERNAL,
		    "libical has no VTIMEZONE for %s", tzid);
	vtz = icalcomponent_new_clone(vtz);
	/* libical names it "/freeassociation.sourceforge.net/Asia/Seoul";
	 * clients know "Asia/Seoul", and DTSTART refers to this name. */
	p = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
	if (p != NULL)
		icalproperty_set_tzid(p, tzid);
	else
		icalcomponent_add_property(vtz, icalproperty_new_tzid(tzid));
	icalcomponent_add_component(cal, vtz);
	return true;
}

/* time_prop - DTSTART or DTEND at t: a DATE (day_offset days later), a
 * UTC time, or a local time with TZID */
static icalproperty *
time_prop(icalproperty_kind kind, int64_t t, int day_offset,
    const struct imip_event *ev, icaltimezone *zone)
{
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	struct icaltimetype tt;
	icalproperty *p = icalproperty_new(kind);

	tt = icaltime_from_timet_with_zone((time_t)t, 0, utc);
	if (zone != utc)
		tt = icaltime_convert_to_zone(tt, zone);
	if (ev->is_all_day) {
		tt.is_date = 1;
		tt.hour = tt.minute = tt.second = 0;
		tt.zone = NULL;
		icaltime_adjust(&tt, day_offset, 0, 0, 0);
		icalproperty_set_value(p, icalvalue_new_date(tt));
		icalproperty_add_parameter(
		    p, icalparameter_new_value(ICAL_VALUE_DATE));
		return p;
	}
	if (zone != utc) {
		/* A local time is written without "Z", named by TZID. */
		tt.zone = NULL;
		icalproperty_add_parameter(p, icalparameter_new_tzid(ev->tzid));
	}
	icalproperty_set_value(p, icalvalue_new_datetime(tt));
	return p;
}

/* add_text - add a TEXT property made by ctor from s, when s is set */
static void
add_text(icalcomponent *c, icalproperty *(*ctor)(const char *), const char *s)
{
	char *clean;

	if (s == NULL || *s == '\0')
		return;
	clean = clean_text(s, true);
	icalcomponent_add_property(c, ctor(clean));
	g_free(clean);
}

/* person_prop - p with value mailto:addr and, when name is set, CN */
static icalproperty *
person_prop(icalproperty *p, const char *addr, const char *name)
{
	char *v = g_strconcat("mailto:", addr, NULL);

	icalproperty_set_value(p, icalvalue_new_caladdress(v));
	g_free(v);
	if (name != NULL && *name != '\0') {
		/* libical quotes it and applies RFC 6868 to '"'. */
		char *cn = clean_text(name, false);

		icalproperty_add_parameter(p, icalparameter_new_cn(cn));
		g_free(cn);
	}
	return p;
}

/* add_people - add ORGANIZER and the one ATTENDEE, if any */
static void
add_people(icalcomponent *ve, const struct imip_event *ev, enum imip_method m,
    const char *att_addr, const char *att_name)
{
	icalproperty *p;

	p = icalproperty_new(ICAL_ORGANIZER_PROPERTY);
	icalcomponent_add_property(
	    ve, person_prop(p, ev->organizer_addr, ev->organizer_name));
	if (att_addr == NULL)
		return;
	p = person_prop(
	    icalproperty_new(ICAL_ATTENDEE_PROPERTY), att_addr, att_name);
	icalproperty_add_parameter(
	    p, icalparameter_new_cutype(ICAL_CUTYPE_INDIVIDUAL));
	icalproperty_add_parameter(
	    p, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
	icalproperty_add_parameter(
	    p, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
	if (m == IMIP_METHOD_REQUEST)
		icalproperty_add_parameter(
		    p, icalparameter_new_rsvp(ICAL_RSVP_TRUE));
	icalcomponent_add_property(ve, p);
}

/* add_series - RRULE and one EXDATE per skipped session, in the zone
 * of DTSTART (RFC 5545 3.8.5.1: the same value type) */
static void
add_series(icalcomponent *ve, const struct imip_event *ev, icaltimezone *zone)
{
	if (ev->rrule == NULL)
		return;
	icalcomponent_add_property(ve,
	    icalproperty_new_rrule(icalrecurrencetype_from_string(ev->rrule)));
	for (size_t i = 0; i < ev->n_exdates; i++)
		icalcomponent_add_property(ve,
		    time_prop(
			ICAL_EXDATE_PROPERTY, ev->exdates[i], 0, ev, zone));
}

/* vevent_new - the VEVENT of ev for one attendee (or none) */
static icalcomponent *
vevent_new(const struct imip_event *ev, icaltimezone *zone, enum imip_method m,
    bool is_cancelled, const char *att_addr, const char *att_name)
{
	icalcomponent *ve = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	char *uid = clean_text(ev->uid, false);

	icalcomponent_add_property(ve, icalproperty_new_uid(uid));
	g_free(uid);
	icalcomponent_add_property(ve,
	    icalproperty_new_dtstamp(
		icaltime_from_timet_with_zone((time_t)ev->dtstamp, 0, utc)));
	icalcomponent_add_property(ve, icalproperty_new_sequence(ev->sequence));
	if (ev->recurrence_id != 0)
		icalcomponent_add_property(ve,
		    time_prop(ICAL_RECURRENCEID_PROPERTY, ev->recurrence_id, 0,
			ev, zone));
	icalcomponent_add_property(
	    ve, time_prop(ICAL_DTSTART_PROPERTY, ev->start, 0, ev, zone));
	icalcomponent_add_property(
	    ve, time_prop(ICAL_DTEND_PROPERTY, ev->end, 0, ev, zone));
	add_text(ve, icalproperty_new_summary, ev->summary);
	add_text(ve, icalproperty_new_location, ev->location);
	add_text(ve, icalproperty_new_description, ev->description);
	icalcomponent_add_property(ve,
	    icalproperty_new_status(
		is_cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(
	    ve, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
	add_people(ve, ev, m, att_addr, att_name);
	add_series(ve, ev, zone);
	return ve;
}

/* add_overrides - a VEVENT per moved session, with RECURRENCE-ID */
static void
add_overrides(icalcomponent *cal, const struct imip_event *ev,
    icaltimezone *zone, enum imip_method m, bool is_cancelled,
    const char *att_addr, const char *att_name)
{
	for (size_t i = 0; i < ev->n_overrides; i++) {
		const struct imip_override *o = &ev->overrides[i];
		struct imip_event one = *ev;
		icalcomponent *ve;

		one.start = o->start;
		one.end = o->end;
		one.sequence =
		    o->sequence > ev->sequence ? o->sequence : ev->sequence;
		if (o->location != NULL)
			one.location = o->location;
		one.rrule = NULL;
		one.n_exdates = 0;
		ve =
		    vevent_new(&one, zone, m, is_cancelled, att_addr, att_name);
		icalcomponent_add_property(ve,
		    time_prop(ICAL_RECURRENCEID_PROPERTY, o->recurrence_id, 0,
			ev, zone));
		icalcomponent_add_component(cal, ve);
	}
}

/* build - the iCalendar text of ev with method m for one attendee, or
 * for none (att_addr NULL); STATUS:CANCELLED when is_cancelled */
static char *
build(const struct imip_event *ev, enum imip_method m, bool is_cancelled,
    const char *att_addr, const char *att_name, GError **err)
{
	icalcomponent *cal;
	icaltimezone *zone;
	char *s, *text = NULL;

	imip_init();
	if (!event_valid(ev, m, att_addr, att_name, err))
		return NULL;
	if ((zone = zone_of(ev->tzid, err)) == NULL)
		return NULL;
	cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	icalcomponent_add_property(cal, icalproperty_new_prodid(IMIP_PRODID));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(
	    cal, icalproperty_new_method(ical_method(m)));
	if (!ev->is_all_day && zone != icaltimezone_get_utc_timezone() &&
	    !add_vtimezone(cal, zone, ev->tzid, err))
		goto out;
	icalcomponent_add_component(
	    cal, vevent_new(ev, zone, m, is_cancelled, att_addr, att_name));
	if (ev->rrule != NULL)
		add_overrides(
		    cal, ev, zone, m, is_cancelled, att_addr, att_name);
	s = icalcomponent_as_ical_string_r(cal);
	if (s == NULL) {
		moim_fail(err, MOIM_ERR_INTERNAL, "libical: %s",
		    icalerror_strerror(icalerrno));
		goto out;
	}
	text = g_strdup(s);
	icalmemory_free_buffer(s);
out:
	icalcomponent_free(cal);
	return text;
}

/* imip_request - a METHOD:REQUEST inviting one attendee to ev */
char *
imip_request(const struct imip_event *ev, const char *attendee_addr,
    const char *attendee_name, GError **err)
{
	return build(
	    ev, IMIP_METHOD_REQUEST, false, attendee_addr, attendee_name, err);
}

/* imip_cancel - a METHOD:CANCEL of ev for one attendee */
char *
imip_cancel(const struct imip_event *ev, const char *attendee_addr,
    const char *attendee_name, GError **err)
{
	return build(
	    ev, IMIP_METHOD_CANCEL, true, attendee_addr, attendee_name, err);
}

/* imip_publish - a METHOD:PUBLISH of ev for anyone, without attendees */
char *
imip_publish(const struct imip_event *ev, bool is_cancelled, GError **err)
{
	return build(ev, IMIP_METHOD_PUBLISH, is_cancelled, NULL, NULL, err);
}

/* calendar_part - a base64 part of type/subtype holding ics */
static GMimePart *
calendar_part(
    const char *type, const char *subtype, const char *ics, const char *method)
{
	GMimePart *p = g_mime_part_new_with_type(type, subtype);
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(ics, strlen(ics));
	GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(
	    s, GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content(p, w);
	g_object_unref(w);
	g_object_unref(s);
	g_mime_object_set_content_type_parameter(
	    GMIME_OBJECT(p), "charset", "UTF-8");
	if (method != NULL)
		g_mime_object_set_content_type_parameter(
		    GMIME_OBJECT(p), "method", method);
	/* base64 keeps iCalendar's CRLF and is 7-bit clean. */
	g_mime_part_set_content_encoding(p, GMIME_CONTENT_ENCODING_BASE64);
	return p;
}

/* text_part - a text/plain; charset=UTF-8 part, 7-bit encoded */
static GMimePart *
text_part(const char *text)
{
	GMimeTextPart *t = g_mime_text_part_new_with_subtype("plain");
	GMimePart *p = GMIME_PART(t);

	g_mime_text_part_set_text(t, text);
	g_mime_part_set_content_encoding(p,
	    g_mime_part_get_best_content_encoding(
		p, GMIME_ENCODING_CONSTRAINT_7BIT));
	return p;
}

/* imip_mime_new - the RFC 6047 body: alternative text and calendar, plus
 * invite.ics */
GMimeObject *
imip_mime_new(const char *ics, enum imip_method method, const char *text_utf8,
    GError **err)
{
	GMimeMultipart *mixed, *alt;
	GMimePart *p;
	const char *name = imip_method_name(method);

	imip_init();
	if (ical_method(method) == ICAL_METHOD_NONE)
		return moim_fail(err, MOIM_ERR_INPUT, "no iTIP method"), NULL;
	if (ics == NULL || !g_utf8_validate(ics, -1, NULL) ||
	    !is_utf8(text_utf8))
		return moim_fail(err, MOIM_ERR_INPUT, "text not UTF-8"), NULL;
	alt = g_mime_multipart_new_with_subtype("alternative");
	p = text_part(text_utf8 != NULL ? text_utf8 : "");
	g_mime_multipart_add(alt, GMIME_OBJECT(p));
	g_object_unref(p);
	p = calendar_part("text", "calendar", ics, name);
	g_mime_multipart_add(alt, GMIME_OBJECT(p));
	g_object_unref(p);
	mixed = g_mime_multipart_new_with_subtype("mixed");
	g_mime_multipart_add(mixed, GMIME_OBJECT(alt));
	g_object_unref(alt);
	p = calendar_part("application", "ics", ics, NULL);
	g_mime_object_set_disposition(
	    GMIME_OBJECT(p), GMIME_DISPOSITION_ATTACHMENT);
	g_mime_part_set_filename(p, "invite.ics");
	g_mime_multipart_add(mixed, GMIME_OBJECT(p));
	g_object_unref(p);
	return GMIME_OBJECT(mixed);
}

/* reply_new - an empty reply with its string store */
static struct imip_reply *
reply_new(void)
{
	struct imip_reply *r = g_new0(struct imip_reply, 1);

	r->strings = g_string_chunk_new(256);
	return r;
}

/* imip_reply_free - release a reply and all its strings */
void
imip_reply_free(struct imip_reply *r)
{
	if (r == NULL)
		return;
	g_free(r->attendees);
	for (size_t i = 0; i < r->n_instances; i++)
		g_free(r->instances[i].attendees);
	g_free(r->instances);
	g_free(r->exdates_buf);
	g_free(r->overrides_buf);
	g_string_chunk_free(r->strings);
	g_free(r);
}

/* keep - a copy of s (trimmed) owned by r; NULL for NULL */
static const char *
keep(struct imip_reply *r, const char *s)
{
	char *k;

	if (s == NULL)
		return NULL;
	k = g_string_chunk_insert(r->strings, s);
	return g_strstrip(k);
}

/* gen_line - the line source of libical's parser, like fgets() */
static char *
gen_line(char *s, size_t size, void *d)
{
	struct lines *l = d;
	size_t n = (size_t)(l->end - l->p);
	const char *nl;

	if (n == 0 || size < 2)
		return NULL;
	if (n > size - 1)
		n = size - 1;
	nl = memchr(l->p, '\n', n);
	if (nl != NULL)
		n = (size_t)(nl - l->p) + 1;
	memcpy(s, l->p, n);
	s[n] = '\0';
	l->p += n;
	return s;
}

/* line_is - whether an unfolded line is property or keyword name */
static bool
line_is(const char *line, const char *name)
{
	size_t n = strlen(name);

	return g_ascii_strncasecmp(line, name, n) == 0 &&
	    (line[n] == ':' || line[n] == ';');
}

/* clamp_sequence - rewrite a SEQUENCE value beyond 0..INT32_MAX in place,
 * as libical reads it with atoi(), which wraps */
static void
clamp_sequence(char *line)
{
	char *v = strrchr(line, ':');
	char *end;
	gint64 n;

	if (v == NULL)
		return;
	v++;
	n = g_ascii_strtoll(v, &end, 10);
	if (end == v)
		return; /* not a number: libical notes the error */
	/* An int32 overflow takes at least 10 characters, as the
	 * replacement does, so it fits where the value was. */
	if (n > G_MAXINT32 && strlen(v) >= 10)
		memcpy(v, "2147483647", sizeof "2147483647");
	else if (n < 0)
		memcpy(v, "0", sizeof "0");
}

/* check_line - count components, bound their nesting, clamp SEQUENCE */
static bool
check_line(char *line, struct lines *l, GError **err)
{
	if (line_is(line, "BEGIN")) {
		if (++l->n_components > IMIP_MAX_COMPONENTS)
			return moim_fail(err, MOIM_ERR_INPUT,
			    "more than %d iCalendar components",
			    IMIP_MAX_COMPONENTS);
		if (++l->depth > IMIP_MAX_DEPTH)
			return moim_fail(err, MOIM_ERR_INPUT,
			    "iCalendar components nested deeper than %d",
			    IMIP_MAX_DEPTH);
	} else if (line_is(line, "END")) {
		if (l->depth > 0)
			l->depth--;
	} else if (line_is(line, "SEQUENCE")) {
		clamp_sequence(line);
	}
	return true;
}

/* parse_root - run libical's parser over text, line by line, so that
 * check_line() sees each unfolded line first */
static icalcomponent *
parse_root(const char *text, size_t len, GError **err)
{
	struct lines l = {text, text + len, 0, 0};
	icalparser *parser = icalparser_new();
	icalcomponent *root = NULL, *c;
	unsigned n_roots = 0;
	bool ok = true;
	char *line;

	if (parser == NULL)
		return moim_fail(err, MOIM_ERR_INTERNAL, "icalparser_new"),
		       NULL;
	icalparser_set_gen_data(parser, &l);
	while (ok && (line = icalparser_get_line(parser, gen_line)) != NULL) {
		ok = check_line(line, &l, err);
		if (ok && (c = icalparser_add_line(parser, line)) != NULL) {
			n_roots++;
			if (root == NULL)
				root = c;
			else
				icalcomponent_free(c);
		}
		icalmemory_free_buffer(line);
	}
	icalparser_free(parser);
	if (ok && n_roots != 1)
		ok = moim_fail(err, MOIM_ERR_INPUT,
		    n_roots == 0 ? "no complete iCalendar object"
				 : "several iCalendar objects");
	if (!ok && root != NULL)
		g_clear_pointer(&root, icalcomponent_free);
	return root;
}

/* check_errors - refuse libical's X-LIC-ERROR notes (but the one on an
 * empty value) and invalid components, in c and below */
static bool
check_errors(icalcomponent *c, GError **err)
{
	icalproperty *p;
	icalcomponent *sub;

	if (icalcomponent_isa(c) == ICAL_XLICINVALID_COMPONENT)
		return moim_fail(err, MOIM_ERR_INPUT, "invalid component");
	for (p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
	     p != NULL;
	     p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
		const char *note = icalproperty_get_xlicerror(p);
		g_autofree char *q = NULL;

		if (note != NULL &&
		    g_str_has_prefix(note, IMIP_EMPTY_VALUE_NOTE))
			continue;
		q = log_quote(note != NULL ? note : "", 120);
		return moim_fail(err, MOIM_ERR_INPUT, "iCalendar: %s", q);
	}
	for (sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
	     sub != NULL;
	     sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		if (!check_errors(sub, err))
			return false;
	return true;
}

/* rules_ok - refuse an RRULE of a VTIMEZONE observance that recurs more
 * often than monthly: libical expands them to convert a time, and
 * FREQ=SECONDLY from year 1 is millions of transitions */
static bool
rules_ok(icalcomponent *obs, GError **err)
{
	icalproperty *p;

	for (p = icalcomponent_get_first_property(obs, ICAL_RRULE_PROPERTY);
	     p != NULL;
	     p = icalcomponent_get_next_property(obs, ICAL_RRULE_PROPERTY)) {
		struct icalrecurrencetype r = icalproperty_get_rrule(p);

		if (r.freq != ICAL_YEARLY_RECURRENCE &&
		    r.freq != ICAL_MONTHLY_RECURRENCE)
			return moim_fail(err, MOIM_ERR_INPUT,
			    "time zone rule recurs too often");
	}
	return true;
}

/* check_zone_rules - rules_ok() for every observance of every VTIMEZONE */
static bool
check_zone_rules(icalcomponent *root, GError **err)
{
	icalcomponent_kind tz_kind = ICAL_VTIMEZONE_COMPONENT;
	icalcomponent *tz, *obs;

	for (tz = icalcomponent_get_first_component(root, tz_kind); tz != NULL;
	     tz = icalcomponent_get_next_component(root, tz_kind))
		for (obs = icalcomponent_get_first_component(
			 tz, ICAL_ANY_COMPONENT);
		     obs != NULL; obs = icalcomponent_get_next_component(
				      tz, ICAL_ANY_COMPONENT))
			if (!rules_ok(obs, err))
				return false;
	return true;
}

/* method_from_name - our method named s (case-insensitive) */
static enum imip_method
method_from_name(const char *s)
{
	for (size_t i = 0; i < G_N_ELEMENTS(methods); i++)
		if (g_ascii_strcasecmp(s, methods[i].name) == 0)
			return methods[i].method;
	return IMIP_METHOD_OTHER;
}

/* method_of - METHOD of root, else the Content-Type's method parameter */
static bool
method_of(icalcomponent *root, const char *param, enum imip_method *m_out,
    GError **err)
{
	icalproperty *p =
	    icalcomponent_get_first_property(root, ICAL_METHOD_PROPERTY);
	enum imip_method from_param = IMIP_METHOD_NONE;
	enum imip_method m = IMIP_METHOD_OTHER;

	if (param != NULL)
		from_param = method_from_name(param);
	if (p == NULL) {
		*m_out = from_param;
		return true;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(methods); i++)
		if (methods[i].ical == icalproperty_get_method(p))
			m = methods[i].method;
	/* RFC 6047 2.4: they must agree; which one a client shows is
	 * unknown, so an answer from either could be wrong. */
	if (param != NULL && m != from_param)
		return moim_fail(err, MOIM_ERR_INPUT,
		    "METHOD:%s but method=%s in Content-Type",
		    imip_method_name(m), imip_method_name(from_param));
	*m_out = m;
	return true;
}

/* mailto_value - the address in a CAL-ADDRESS, without "mailto:" */
static const char *
mailto_value(const char *v)
{
	if (v == NULL)
		return NULL;
	while (g_ascii_isspace(*v))
		v++;
	if (g_ascii_strncasecmp(v, "mailto:", 7) == 0)
		v += 7;
	return v;
}

/* param_cn - the CN parameter of p, or NULL */
static const char *
param_cn(icalproperty *p)
{
	icalparameter *cn =
	    icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);

	return cn != NULL ? icalparameter_get_cn(cn) : NULL;
}

/* partstat_of - the PARTSTAT of an ATTENDEE property */
static enum imip_partstat
partstat_of(icalproperty *p)
{
	icalparameter *ps =
	    icalproperty_get_first_parameter(p, ICAL_PARTSTAT_PARAMETER);
	icalparameter_partstat v;

	if (ps == NULL)
		return IMIP_PARTSTAT_NONE;
	v = icalparameter_get_partstat(ps);
	for (size_t i = 0; i < G_N_ELEMENTS(partstats); i++)
		if (partstats[i].ical == v)
			return partstats[i].partstat;
	return IMIP_PARTSTAT_OTHER;
}

/* canonical_of - addr_canonical() of s kept in r, NULL if s is not one */
static const char *
canonical_of(struct imip_reply *r, const char *s)
{
	struct addr *a = NULL;
	const char *c = NULL;

	if (s != NULL && addr_parse(s, strlen(s), &a, NULL))
		c = keep(r, addr_canonical(a));
	addr_free(a);
	return c;
}

/* attendees_of - every ATTENDEE of ve with CN and PARTSTAT, into a new
 * array *a_out of *n_out */
static bool
attendees_of(icalcomponent *ve, struct imip_reply *r,
    struct imip_attendee **a_out, size_t *n_out, GError **err)
{
	int n = icalcomponent_count_properties(ve, ICAL_ATTENDEE_PROPERTY);
	icalproperty *p;

	if (n > IMIP_MAX_ATTENDEES)
		return moim_fail(err, MOIM_ERR_INPUT,
		    "%d attendees, more than %d", n, IMIP_MAX_ATTENDEES);
	*a_out = g_new0(struct imip_attendee, n > 0 ? n : 1);
	*n_out = 0;
	for (p = icalcomponent_get_first_property(ve, ICAL_ATTENDEE_PROPERTY);
	     p != NULL && *n_out < (size_t)n;
	     p = icalcomponent_get_next_property(ve, ICAL_ATTENDEE_PROPERTY)) {
		struct imip_attendee *a = &(*a_out)[*n_out];
		const char *v = mailto_value(icalproperty_get_attendee(p));

		if (v == NULL || *v == '\0')
			continue;
		a->addr = keep(r, v);
		a->canonical = canonical_of(r, a->addr);
		a->cn = keep(r, param_cn(p));
		a->partstat = partstat_of(p);
		(*n_out)++;
	}
	return true;
}

/* read_attendees - every ATTENDEE of the first VEVENT */
static bool
read_attendees(icalcomponent *ve, struct imip_reply *r, GError **err)
{
	return attendees_of(ve, r, &r->attendees, &r->n_attendees, err);
}

/* utc_seconds - tt as UTC seconds; libical converts from the zone given,
 * which is tt's own (a floating time, with none, is read as UTC) */
static int64_t
utc_seconds(struct icaltimetype tt)
{
	return (int64_t)icaltime_as_timet_with_zone(tt, tt.zone);
}

/* prop_tzid - the TZID parameter of property kind of ve, or NULL */
static const char *
prop_tzid(icalcomponent *ve, icalproperty_kind kind)
{
	icalproperty *p = icalcomponent_get_first_property(ve, kind);
	icalparameter *tz = p != NULL
	    ? icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER)
	    : NULL;

	return tz != NULL ? icalparameter_get_tzid(tz) : NULL;
}

/* with_zone - tt in zone iana (what winzone_iana() made of its TZID)
 * when the calendar carried no VTIMEZONE of that TZID; otherwise tt as
 * libical read it */
static struct icaltimetype
with_zone(struct icaltimetype tt, const char *iana)
{
	if (tt.zone == NULL && !tt.is_date && iana != NULL)
		tt.zone = icaltimezone_get_builtin_timezone(iana);
	return tt;
}

/* read_times - DTSTART and DTEND of ve; the zone as an IANA name, or
 * NULL when the TZID names none we know (its VTIMEZONE still gave the
 * right instants) */
static void
read_times(icalcomponent *ve, struct imip_reply *r)
{
	const char *tzid = prop_tzid(ve, ICAL_DTSTART_PROPERTY);
	const char *iana = winzone_iana(tzid);
	struct icaltimetype s = with_zone(icalcomponent_get_dtstart(ve), iana);
	struct icaltimetype e = with_zone(icalcomponent_get_dtend(ve),
	    winzone_iana(prop_tzid(ve, ICAL_DTEND_PROPERTY)));

	if (icalcomponent_get_first_property(ve, ICAL_DTSTART_PROPERTY) ==
		NULL ||
	    icaltime_is_null_time(s) || !icaltime_is_valid_time(s))
		return;
	r->has_time = true;
	r->event.is_all_day = s.is_date;
	r->is_floating = !s.is_date && s.zone == NULL;
	if (tzid != NULL)
		r->event.tzid = iana != NULL ? keep(r, iana) : NULL;
	else if (icaltime_is_utc(s))
		r->event.tzid = "UTC";
	r->event.start = utc_seconds(s);
	/* RFC 5545 3.6.1: a DATE start without an end lasts that day. */
	r->event.end = r->event.start + (s.is_date ? 86400 : 0);
	if (!icaltime_is_null_time(e) && icaltime_is_valid_time(e))
		r->event.end = utc_seconds(e);
}

/* read_event - UID, SEQUENCE and the rest of the first VEVENT */
static bool
read_event(icalcomponent *root, struct imip_reply *r, GError **err)
{
	icalcomponent *ve =
	    icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	icalproperty *p;
	const char *uid;

	if (ve == NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "no VEVENT");
	uid = icalcomponent_get_uid(ve);
	if (uid == NULL || *uid == '\0')
		return moim_fail(err, MOIM_ERR_INPUT, "VEVENT without UID");
	r->uid = r->event.uid = keep(r, uid);
	p = icalcomponent_get_first_property(ve, ICAL_SEQUENCE_PROPERTY);
	r->sequence = p != NULL ? MAX(icalproperty_get_sequence(p), 0) : 0;
	r->event.sequence = r->sequence;
	p = icalcomponent_get_first_property(ve, ICAL_RECURRENCEID_PROPERTY);
	if (p != NULL) {
		char *s =
		    icaltime_as_ical_string_r(icalproperty_get_recurrenceid(p));

		r->recurrence_id = keep(r, s);
		icalmemory_free_buffer(s);
	}
	r->event.summary = keep(r, icalcomponent_get_summary(ve));
	r->event.location = keep(r, icalcomponent_get_location(ve));
	r->event.description = keep(r, icalcomponent_get_description(ve));
	p = icalcomponent_get_first_property(ve, ICAL_ORGANIZER_PROPERTY);
	if (p != NULL) {
		r->event.organizer_addr =
		    keep(r, mailto_value(icalproperty_get_organizer(p)));
		r->event.organizer_name = keep(r, param_cn(p));
	}
	read_times(ve, r);
	return read_attendees(ve, r, err);
}

/* tzid_zone - the zone a TZID names: a VTIMEZONE of root, else a zone
 * libical or winzone knows; NULL when none */
static icaltimezone *
tzid_zone(icalcomponent *root, const char *tzid)
{
	icaltimezone *zone = icalcomponent_get_timezone(root, tzid);
	const char *iana;

	if (zone == NULL && (iana = winzone_iana(tzid)) != NULL)
		zone = strcmp(iana, "UTC") == 0
		    ? icaltimezone_get_utc_timezone()
		    : icaltimezone_get_builtin_timezone(iana);
	return zone;
}

/* recurrence_of - RECURRENCE-ID of ve as written, its TZID, and the
 * instant where the value or the zone tells it: libical 3.0.16's
 * icalcomponent_get_recurrenceid() drops the TZID */
static void
recurrence_of(icalcomponent *root, icalcomponent *ve, struct imip_reply *r,
    struct imip_instance *in)
{
	icalproperty *p =
	    icalcomponent_get_first_property(ve, ICAL_RECURRENCEID_PROPERTY);
	icalparameter *tz;
	struct icaltimetype tt;
	icaltimezone *zone = NULL;
	char *s;

	if (p == NULL)
		return;
	tt = icalproperty_get_recurrenceid(p);
	if (icaltime_is_null_time(tt) || !icaltime_is_valid_time(tt))
		return;
	s = icaltime_as_ical_string_r(tt);
	in->recurrence_id = keep(r, s);
	icalmemory_free_buffer(s);
	tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	in->recurrence_tzid =
	    tz != NULL ? keep(r, icalparameter_get_tzid(tz)) : NULL;
	if (icaltime_is_utc(tt)) {
		in->recurrence_instant = (int64_t)icaltime_as_timet(tt);
		in->has_instant = true;
		return;
	}
	if (tt.is_date || in->recurrence_tzid == NULL)
		return;
	zone = tzid_zone(root, in->recurrence_tzid);
	if (zone == NULL)
		return;
	tt.zone = NULL;
	in->recurrence_instant = (int64_t)icaltime_as_timet_with_zone(tt, zone);
	in->has_instant = true;
}

/* read_instances - every VEVENT with the UID of the first */
static bool
read_instances(icalcomponent *root, struct imip_reply *r, GError **err)
{
	icalcomponent_kind k = ICAL_VEVENT_COMPONENT;
	int n = icalcomponent_count_components(root, k);
	icalcomponent *ve;
	bool ok = true;

	r->instances = g_new0(struct imip_instance, n > 0 ? n : 1);
	for (ve = icalcomponent_get_first_component(root, k);
	     ok && ve != NULL && r->n_instances < (size_t)n;
	     ve = icalcomponent_get_next_component(root, k)) {
		struct imip_instance *in = &r->instances[r->n_instances];
		const char *uid = icalcomponent_get_uid(ve);
		g_autofree char *trimmed = g_strstrip(g_strdup(uid ? uid : ""));

		/* Another event's VEVENT answers nothing of this one. */
		if (strcmp(trimmed, r->uid) != 0)
			continue;
		recurrence_of(root, ve, r, in);
		in->has_rrule = icalcomponent_get_first_property(
				    ve, ICAL_RRULE_PROPERTY) != NULL;
		ok = attendees_of(ve, r, &in->attendees, &in->n_attendees, err);
		r->n_instances++;
	}
	return ok;
}

/* prop_instant - tt of property p as UTC seconds, read in the zone its
 * TZID names (a VTIMEZONE of root, else a zone libical or winzone
 * knows); a DATE is its UTC midnight */
static int64_t
prop_instant(icalcomponent *root, icalproperty *p, struct icaltimetype tt)
{
	icalparameter *tz =
	    icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	const char *tzid = tz != NULL ? icalparameter_get_tzid(tz) : NULL;

	if (tzid != NULL && !tt.is_date && !icaltime_is_utc(tt))
		tt.zone = tzid_zone(root, tzid);
	return utc_seconds(tt);
}

/* read_override - one VEVENT with RECURRENCE-ID of the series */
static void
read_override(icalcomponent *root, icalcomponent *ve, icalproperty *rid,
    struct imip_reply *r, GArray *ov)
{
	struct imip_override o = {0};
	icalproperty *p;

	o.recurrence_id =
	    prop_instant(root, rid, icalproperty_get_recurrenceid(rid));
	p = icalcomponent_get_first_property(ve, ICAL_DTSTART_PROPERTY);
	o.start = p != NULL ? prop_instant(root, p, icalproperty_get_dtstart(p))
			    : o.recurrence_id;
	p = icalcomponent_get_first_property(ve, ICAL_DTEND_PROPERTY);
	o.end = p != NULL ? prop_instant(root, p, icalproperty_get_dtend(p))
			  : o.start + (r->event.end - r->event.start);
	o.location = keep(r, icalcomponent_get_location(ve));
	p = icalcomponent_get_first_property(ve, ICAL_SEQUENCE_PROPERTY);
	o.sequence = p != NULL ? MAX(icalproperty_get_sequence(p), 0) : 0;
	o.is_cancelled = icalcomponent_get_status(ve) == ICAL_STATUS_CANCELLED;
	g_array_append_val(ov, o);
}

/* read_series - the master's RRULE and EXDATEs, and the overrides, of
 * the series r->uid names */
static void
read_series(icalcomponent *root, struct imip_reply *r)
{
	GArray *ex = g_array_new(FALSE, FALSE, sizeof(int64_t));
	GArray *ov = g_array_new(FALSE, TRUE, sizeof(struct imip_override));
	icalcomponent *ve;
	icalproperty *p, *rid;

	for (ve =
		 icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	     ve != NULL; ve = icalcomponent_get_next_component(
			     root, ICAL_VEVENT_COMPONENT)) {
		const char *uid = icalcomponent_get_uid(ve);

		if (uid == NULL || strcmp(uid, r->uid) != 0)
			continue;
		rid = icalcomponent_get_first_property(
		    ve, ICAL_RECURRENCEID_PROPERTY);
		if (rid != NULL) {
			read_override(root, ve, rid, r, ov);
			continue;
		}
		p = icalcomponent_get_first_property(ve, ICAL_RRULE_PROPERTY);
		if (p != NULL && r->event.rrule == NULL) {
			struct icalrecurrencetype rt =
			    icalproperty_get_rrule(p);
			char *s;

			/* Non-Gregorian rules (RSCALE) are not ours to
			 * write: such a series is taken as its first date. */
			if (rt.rscale != NULL)
				continue;
			s = icalrecurrencetype_as_string_r(&rt);
			r->event.rrule = keep(r, s);
			icalmemory_free_buffer(s);
		}
		for (p = icalcomponent_get_first_property(
			 ve, ICAL_EXDATE_PROPERTY);
		     p != NULL; p = icalcomponent_get_next_property(
				    ve, ICAL_EXDATE_PROPERTY)) {
			int64_t t =
			    prop_instant(root, p, icalproperty_get_exdate(p));

			g_array_append_val(ex, t);
		}
	}
	r->event.n_exdates = ex->len;
	r->event.n_overrides = ov->len;
	r->event.exdates = r->exdates_buf =
	    (int64_t *)(void *)g_array_free(ex, FALSE);
	r->event.overrides = r->overrides_buf =
	    (struct imip_override *)(void *)g_array_free(ov, FALSE);
}

/* parsed_reply - the reply read from root */
static struct imip_reply *
parsed_reply(icalcomponent *root, const char *method_param, GError **err)
{
	struct imip_reply *r;

	if (icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT)
		return moim_fail(err, MOIM_ERR_INPUT, "not a VCALENDAR"), NULL;
	if (!check_errors(root, err) || !check_zone_rules(root, err))
		return NULL;
	r = reply_new();
	if (!method_of(root, method_param, &r->method, err) ||
	    !read_event(root, r, err) || !read_instances(root, r, err))
		g_clear_pointer(&r, imip_reply_free);
	else
		read_series(root, r);
	return r;
}

/* imip_parse - read one iCalendar object */
bool
imip_parse(const char *buf, size_t len, const char *method_param,
    struct imip_reply **reply_out, GError **err)
{
	icalcomponent *root;
	char *text;

	imip_init();
	*reply_out = NULL;
	if (len > IMIP_MAX_ICAL)
		return moim_fail(err, MOIM_ERR_INPUT,
		    "calendar of %zu bytes, more than %d", len, IMIP_MAX_ICAL);
	if (memchr(buf, '\0', len) != NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "NUL in calendar");
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	/* Texts are only shown and compared; U+FFFD is enough. */
	text = g_utf8_make_valid(buf, (gssize)len);
	root = parse_root(text, strlen(text), err);
	g_free(text);
	if (root == NULL)
		return false;
	*reply_out = parsed_reply(root, method_param, err);
	icalcomponent_free(root);
	return *reply_out != NULL;
}

/* is_calendar_part - whether part carries an iCalendar object */
static bool
is_calendar_part(GMimeObject *part)
{
	GMimeContentType *ct = g_mime_object_get_content_type(part);
	g_autofree char *name = mime_part_filename(part);

	if (g_mime_content_type_is_type(ct, "text", "calendar") ||
	    g_mime_content_type_is_type(ct, "application", "ics"))
		return true;
	return name != NULL && g_str_has_suffix(name, ".ics") &&
	    g_mime_content_type_is_type(ct, "application", "octet-stream");
}

struct found {
	GMimeObject *first;
	GMimeObject *with_method;
};

/* visit_part - remember the first calendar part, and one with method= */
static void
visit_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	struct found *f = data;

	if (!GMIME_IS_PART(part) || !is_calendar_part(part))
		return;
	if (f->first == NULL)
		f->first = part;
	if (f->with_method == NULL &&
	    g_mime_object_get_content_type_parameter(part, "method") != NULL)
		f->with_method = part;
}

/* to_utf8 - buf in charset as new UTF-8 bytes (unchanged when charset is
 * UTF-8, ASCII, absent or unknown: imip_parse() repairs them) */
static char *
to_utf8(const char *buf, size_t len, const char *charset, size_t *len_out)
{
	gsize n = 0;
	char *u = NULL;

	if (len > 0 && charset != NULL &&
	    g_ascii_strcasecmp(charset, "utf-8") != 0 &&
	    g_ascii_strcasecmp(charset, "us-ascii") != 0)
		u = g_convert(
		    buf, (gssize)len, "UTF-8", charset, NULL, &n, NULL);
	if (u == NULL) {
		/* An empty part has no buffer at all: copy nothing then. */
		u = g_malloc(len + 1);
		if (len > 0)
			memcpy(u, buf, len);
		u[len] = '\0';
		n = len;
	}
	*len_out = n;
	return u;
}

/* read_part - decode a calendar part and parse it */
static bool
read_part(GMimeObject *part, struct imip_reply **reply_out, GError **err)
{
	GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(part));
	GMimeStream *mem;
	GByteArray *ba;
	char *text;
	size_t len;
	bool ok;

	if (w == NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "empty calendar part");
	mem = g_mime_stream_mem_new();
	/* Decoding shrinks base64 and QP: the message bound holds. */
	if (g_mime_data_wrapper_write_to_stream(w, mem) < 0) {
		g_object_unref(mem);
		return moim_fail(err, MOIM_ERR_INPUT, "undecodable calendar");
	}
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	text = to_utf8((const char *)ba->data, ba->len,
	    g_mime_object_get_content_type_parameter(part, "charset"), &len);
	g_object_unref(mem);
	ok = imip_parse(text, len,
	    g_mime_object_get_content_type_parameter(part, "method"), reply_out,
	    err);
	g_free(text);
	return ok;
}

/* subject_reply - a reply from an Outlook answer subject, or NULL */
static struct imip_reply *
subject_reply(GMimeMessage *m)
{
	g_autofree char *subject = mime_header_text(GMIME_OBJECT(m), "Subject");
	struct imip_reply *r;
	const char *s = subject;

	if (s == NULL)
		return NULL;
	while (g_ascii_isspace(*s))
		s++;
	for (size_t i = 0; i < G_N_ELEMENTS(subject_prefixes); i++) {
		const char *pre = subject_prefixes[i].prefix;

		if (g_ascii_strncasecmp(s, pre, strlen(pre)) != 0)
			continue;
		r = reply_new();
		r->method = IMIP_METHOD_REPLY;
		r->is_from_subject = true;
		r->subject_partstat = subject_prefixes[i].partstat;
		return r;
	}
	return NULL;
}

/* is_bare_calendar - whether buf is an iCalendar object, not a message */
static bool
is_bare_calendar(const char *buf, size_t len)
{
	static const char begin[] = "BEGIN:VCALENDAR";
	size_t i = 0;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && g_ascii_isspace(buf[i]))
		i++;
	return len - i >= sizeof begin - 1 &&
	    g_ascii_strncasecmp(buf + i, begin, sizeof begin - 1) == 0;
}

/* imip_read - the iTIP object or Outlook answer subject of a message */
bool
imip_read(
    const char *msg, size_t len, struct imip_reply **reply_out, GError **err)
{
	struct found f = {NULL, NULL};
	GMimeMessage *m;
	bool ok = true;

	imip_init();
	*reply_out = NULL;
	if (is_bare_calendar(msg, len))
		return imip_parse(msg, len, NULL, reply_out, err);
	if ((m = mime_parse(msg, len, err)) == NULL)
		return false;
	/* STYLE 7.11: a broken structure may hide which part is which. */
	if (mime_has_critical_warning(m)) {
		g_object_unref(m);
		return moim_fail(err, MOIM_ERR_INPUT, "MIME structure errors");
	}
	g_mime_message_foreach(m, visit_part, &f);
	if (f.with_method != NULL || f.first != NULL)
		ok = read_part(f.with_method != NULL ? f.with_method : f.first,
		    reply_out, err);
	else
		*reply_out = subject_reply(m);
	g_object_unref(m);
	return ok;
}

/* imip_attendee_line - the ATTENDEE property imip_request() (or, for
 * IMIP_METHOD_CANCEL, imip_cancel()) writes for one attendee, as it
 * appears in the calendar text: libical writes each property apart */
char *
imip_attendee_line(enum imip_method m, const char *attendee_addr,
    const char *attendee_name, GError **err)
{
	icalcomponent *ve;
	icalproperty *p;
	char *s, *text = NULL;

	imip_init();
	if (m != IMIP_METHOD_REQUEST && m != IMIP_METHOD_CANCEL)
		return moim_fail(err, MOIM_ERR_INPUT, "no attendee method"),
		       NULL;
	if (attendee_addr == NULL || !addr_is_valid_mailbox(attendee_addr))
		return moim_fail(err, MOIM_ERR_INPUT, "bad attendee address"),
		       NULL;
	if (!is_utf8(attendee_name))
		return moim_fail(err, MOIM_ERR_INPUT, "attendee not UTF-8"),
		       NULL;
	/* The same code as a whole calendar's, on a VEVENT of its own. */
	ve = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	add_people(ve, &(struct imip_event){.organizer_addr = attendee_addr}, m,
	    attendee_addr, attendee_name);
	p = icalcomponent_get_first_property(ve, ICAL_ATTENDEE_PROPERTY);
	s = p != NULL ? icalproperty_as_ical_string_r(p) : NULL;
	if (s == NULL)
		moim_fail(err, MOIM_ERR_INTERNAL, "libical: %s",
		    icalerror_strerror(icalerrno));
	else
		text = g_strdup(s);
	icalmemory_free_buffer(s);
	icalcomponent_free(ve);
	return text;
}

/* imip_text_part_new - the text/plain part imip_mime_new() makes */
GMimeObject *
imip_text_part_new(const char *text_utf8, GError **err)
{
	imip_init();
	if (!is_utf8(text_utf8))
		return moim_fail(err, MOIM_ERR_INPUT, "text not UTF-8"), NULL;
	return GMIME_OBJECT(text_part(text_utf8 != NULL ? text_utf8 : ""));
}
