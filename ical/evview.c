/*
 * evview - a stored event as its readers see it (see evview.h)
 */
#include "config.h"

#include <string.h>

#include "evblock.h"
#include "evview.h"

/* evview_imip - the iTIP view of a stored event */
void
evview_imip(const struct store_event *ev, const char *organizer_addr,
    gint64 now, struct imip_event *out)
{
	memset(out, 0, sizeof(*out));
	out->uid = ev->uid;
	out->sequence = ev->sequence;
	out->summary = ev->title;
	out->location = ev->location;
	out->description = ev->description;
	out->start = ev->starts;
	out->end = ev->ends;
	out->tzid = ev->tzid;
	out->is_all_day = ev->is_all_day;
	out->organizer_addr = organizer_addr;
	out->organizer_name = ev->organizer_name;
	out->dtstamp = now;
}

/* evview_organizer - L-rsvp+EVENT@D */
char *
evview_organizer(const struct store_list *l, gint64 event_id)
{
	return g_strdup_printf(
	    "%s-rsvp+%" G_GINT64_FORMAT "@%s", l->local, event_id, l->domain);
}

/* evview_when - "2026-12-16 14:00-17:00 (Asia/Seoul)"; all-day events as
 * "2027-10-09 ~ 2027-10-11 종일 (Asia/Seoul)" in lang */
char *
evview_when(const struct store_event *ev, const char *lang)
{
	GTimeZone *tz = g_time_zone_new_identifier(ev->tzid);
	GDateTime *u1 = g_date_time_new_from_unix_utc(ev->starts);
	GDateTime *u2 = g_date_time_new_from_unix_utc(ev->ends);
	GDateTime *a, *b;
	g_autofree char *s1 = NULL, *s2 = NULL;
	char *out;

	if (tz == NULL)
		tz = g_time_zone_new_utc();
	a = g_date_time_to_timezone(u1, tz);
	b = g_date_time_to_timezone(u2, tz);
	if (ev->is_all_day) {
		s1 = evblock_days_text(ev->starts, ev->ends, ev->tzid);
		s2 = g_strdup(lang != NULL && strcmp(lang, "en") == 0
			? ", all day"
			: " 종일");
	} else {
		s1 = g_date_time_format(a, "%Y-%m-%d %H:%M");
		s2 = g_date_time_format(b,
		    g_date_time_get_day_of_year(a) ==
			    g_date_time_get_day_of_year(b)
			? "-%H:%M"
			: " - %Y-%m-%d %H:%M");
	}
	out = g_strdup_printf("%s%s (%s)", s1, s2, ev->tzid);
	g_date_time_unref(a);
	g_date_time_unref(b);
	g_date_time_unref(u1);
	g_date_time_unref(u2);
	g_time_zone_unref(tz);
	return out;
}

/* evview_count - add up the answers rs as event show prints them */
void
evview_count(const GPtrArray *rs, struct evview_counts *n)
{
	memset(n, 0, sizeof(*n));
	for (guint i = 0; i < rs->len; i++) {
		const struct store_rsvp *r = rs->pdata[i];

		if (store_rsvp_has_seat(r))
			n->attending += r->headcount;
		else if (strcmp(r->status, "waitlist") == 0)
			n->waiting += r->headcount;
		else if (strcmp(r->status, "tentative") == 0)
			n->tentative += r->headcount;
		else if (strcmp(r->status, "declined") == 0)
			n->declined++;
		else if (strcmp(r->status, "held") == 0)
			n->held++;
	}
}

/* evview_counts_get - the counts of the event's answers in the store */
bool
evview_counts_get(
    struct store *s, gint64 event_id, struct evview_counts *n_out, GError **err)
{
	GPtrArray *rs = store_rsvp_list(s, event_id, err);

	if (rs == NULL)
		return false;
	evview_count(rs, n_out);
	g_ptr_array_unref(rs);
	return true;
}
