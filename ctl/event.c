/*
 * event - moimctl event ls/show/rsvps/update/cancel/promote/skip/move
 *
 * moimctl only writes the database; moim-listd's event timer mails what
 * a change means, once: the REQUEST with the next SEQUENCE after an
 * update, METHOD:CANCEL after a cancellation, the notice to a member
 * promoted by hand. A change of the crashers policy (who may answer
 * without an invitation, RFC 5546 3.2.3) is the organizer's business,
 * not the attendees': it keeps the SEQUENCE, so nobody is mailed.
 *
 * With --json, times are ISO 8601 with the offset of the event's own
 * time zone (its TZID), each beside a "_unix" twin in seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "err.h"
#include "evblock.h"
#include "evview.h"
#include "json.h"
#include "sessions.h"
#include "seats.h"

/* event_find - the event a positional argument names, or a message */
static struct store_event *
event_find(struct ctl *c, const char *arg)
{
	struct store_event *ev = NULL;
	GError *e = NULL;
	gint64 id;

	if (!g_ascii_string_to_signed(arg, 10, 1, G_MAXINT64, &id, NULL)) {
		ctl_err("%s: %s: not an event number", c->verb, arg);
		return NULL;
	}
	if (!store_event_get(c->store, id, &ev, &e)) {
		ctl_err("%s: %s", c->verb, e->message);
		g_error_free(e);
		return NULL;
	}
	if (ev == NULL)
		ctl_err("%s: %s: no such event", c->verb, arg);
	return ev;
}

/* print_event - one line: id, start, state, sequence, capacity, title */
static void
print_event(const struct store_event *ev)
{
	/* An all-day event is its local dates, not the instants. */
	g_autofree char *t = ev->is_all_day
	    ? evblock_days_text(ev->starts, ev->ends, ev->tzid)
	    : ctl_time(ev->starts);
	g_autofree char *title = ctl_printable(ev->title);

	printf("%" G_GINT64_FORMAT "\t%s\t%s\tseq=%d\tcapacity=%d\t%s\n",
	    ev->id, t, ev->state, ev->sequence, ev->capacity, title);
}

/* event_zone - the event's time zone; UTC if its TZID is unknown */
static GTimeZone *
event_zone(const char *tzid)
{
	GTimeZone *tz = tzid ? g_time_zone_new_identifier(tzid) : NULL;

	return tz ? tz : g_time_zone_new_utc();
}

/* json_time - "key":ISO 8601 in tz,"key_unix":t; both null when
 * is_none */
static void
json_time(GString *out, bool *first, const char *key, gint64 t, GTimeZone *tz,
    bool is_none)
{
	g_autoptr(GDateTime) utc =
	    is_none ? NULL : g_date_time_new_from_unix_utc(t);
	g_autoptr(GDateTime) dt = utc ? g_date_time_to_timezone(utc, tz) : NULL;
	g_autofree char *iso =
	    dt ? g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S%:z") : NULL;
	g_autofree char *k = g_strconcat(key, "_unix", NULL);

	json_str_member(out, first, key, iso);
	if (is_none) {
		json_key(out, first, k);
		g_string_append(out, "null");
	} else
		json_int_member(out, first, k, t);
}

/* json_counts - "counts":{...} */
static void
json_counts(GString *out, bool *first, const struct evview_counts *n)
{
	bool f = true;

	json_key(out, first, "counts");
	g_string_append_c(out, '{');
	json_int_member(out, &f, "attending", n->attending);
	json_int_member(out, &f, "waiting", n->waiting);
	json_int_member(out, &f, "declined", n->declined);
	json_int_member(out, &f, "tentative", n->tentative);
	json_int_member(out, &f, "held", n->held);
	g_string_append_c(out, '}');
}

/* json_hosts - "lists":[...], the announcing list first */
static void
json_hosts(GString *out, bool *first, const GPtrArray *hosts)
{
	json_key(out, first, "lists");
	g_string_append_c(out, '[');
	for (guint i = 0; i < hosts->len; i++) {
		if (i > 0)
			g_string_append_c(out, ',');
		json_string(out, hosts->pdata[i]);
	}
	g_string_append_c(out, ']');
}

/* json_sessions - "sessions":[...], a series' coming sessions, each
 * with its times, whether moved or skipped, and its counts */
static void
json_sessions(GString *out, bool *first, const GArray *ss, GTimeZone *tz)
{
	json_key(out, first, "sessions");
	g_string_append_c(out, '[');
	for (guint i = 0; i < ss->len; i++) {
		const struct evview_session *es =
		    &g_array_index(ss, struct evview_session, i);
		bool f = true;

		g_string_append(out, i ? ",{" : "{");
		json_time(out, &f, "session", es->s.original, tz, false);
		json_time(out, &f, "starts", es->s.starts, tz, false);
		json_time(out, &f, "ends", es->s.ends, tz, false);
		json_bool_member(out, &f, "moved", es->s.is_moved);
		json_bool_member(out, &f, "skipped", es->s.is_skipped);
		json_counts(out, &f, &es->n);
		g_string_append_c(out, '}');
	}
	g_string_append_c(out, ']');
}

/* Beside an event: its lists, the counts of its answers (a series': of
 * its next session) and a series' coming sessions (else NULL). */
struct facts {
	GPtrArray *hosts;
	struct evview_counts n;
	GArray *sessions;
};

/* event_json - append one event as a JSON object */
static void
event_json(GString *out, const struct store_event *ev, const struct facts *f)
{
	g_autoptr(GTimeZone) tz = event_zone(ev->tzid);
	bool first = true;

	g_string_append_c(out, '{');
	json_int_member(out, &first, "id", ev->id);
	json_str_member(out, &first, "uid", ev->uid);
	json_str_member(out, &first, "title", ev->title);
	json_time(out, &first, "starts", ev->starts, tz, false);
	json_time(out, &first, "ends", ev->ends, tz, false);
	json_bool_member(out, &first, "all_day", ev->is_all_day);
	json_str_member(out, &first, "tzid", ev->tzid);
	json_str_member(out, &first, "location", ev->location);
	json_str_member(out, &first, "description", ev->description);
	json_int_member(out, &first, "capacity", ev->capacity);
	json_time(out, &first, "rsvp_by", ev->rsvp_by, tz, ev->rsvp_by == 0);
	json_int_member(out, &first, "sequence", ev->sequence);
	json_str_member(out, &first, "organizer", ev->organizer);
	json_str_member(out, &first, "organizer_name", ev->organizer_name);
	json_str_member(out, &first, "state", ev->state);
	json_str_member(out, &first, "crashers", ev->crashers);
	json_str_member(out, &first, "message_id", ev->message_id);
	json_str_member(out, &first, "source_uid", ev->source_uid);
	json_time(out, &first, "created", ev->created, tz, false);
	json_hosts(out, &first, f->hosts);
	json_counts(out, &first, &f->n);
	if (f->sessions != NULL)
		json_sessions(out, &first, f->sessions, tz);
	g_string_append_c(out, '}');
}

/* facts_clear - release what event_facts() found */
static void
facts_clear(struct facts *f)
{
	g_clear_pointer(&f->hosts, g_ptr_array_unref);
	g_clear_pointer(&f->sessions, g_array_unref);
}

/* event_facts - what the store knows beside the event: its lists and
 * the counts of its answers; a series' per session (ical/evview) */
static bool
event_facts(
    struct ctl *c, const struct store_event *ev, struct facts *f, GError **err)
{
	const struct evview_session *next;
	int held;

	memset(f, 0, sizeof *f);
	if ((f->hosts = store_event_hosts(c->store, ev->id, err)) == NULL ||
	    !evview_counts_get(c->store, ev->id, &f->n, err))
		goto fail;
	if (ev->rrule == NULL)
		return true;
	f->sessions = evview_sessions_get(
	    c->store, ev, ctl_now(), EVVIEW_SESSIONS_SHOWN, err);
	if (f->sessions == NULL)
		goto fail;
	/* Held answers wait for the organizer in no session. */
	held = f->n.held;
	next = evview_sessions_next(f->sessions);
	f->n = next != NULL ? next->n : (struct evview_counts){0};
	f->n.held = held;
	return true;
fail:
	facts_clear(f);
	return false;
}

/* event_json_append - append ev with its lists and counts as JSON */
static bool
event_json_append(
    struct ctl *c, GString *out, const struct store_event *ev, GError **err)
{
	struct facts f;

	if (!event_facts(c, ev, &f, err))
		return false;
	event_json(out, ev, &f);
	facts_clear(&f);
	return true;
}

/* print_events - event ls output, text or JSON */
static bool
print_events(struct ctl *c, const GPtrArray *evs, bool json, GError **err)
{
	g_autoptr(GString) out = g_string_new("[");

	for (guint i = 0; i < evs->len; i++) {
		if (!json) {
			print_event(evs->pdata[i]);
			continue;
		}
		g_string_append(out, i ? ",\n " : "");
		if (!event_json_append(c, out, evs->pdata[i], err))
			return false;
	}
	if (json)
		printf("%s]\n", out->str);
	return true;
}

/* ctl_event_ls - event ls L [--json] */
int
ctl_event_ls(struct ctl *c, struct ctl_args *a)
{
	struct store_list *l = NULL;
	GError *e = NULL;
	GPtrArray *evs;
	bool ok;

	if (!ctl_list_find(c, ctl_arg(a, 0), &l, &e))
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	evs = store_event_list(c->store, l->id, &e);
	store_list_free(l);
	if (evs == NULL)
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	ok = print_events(c, evs, ctl_opt(a, "json") != NULL, &e);
	g_ptr_array_unref(evs);
	if (ok)
		return CTL_OK;
	ctl_err("%s: %s", c->verb, e->message);
	g_error_free(e);
	return CTL_USER;
}

/* show_text - event show output for a person; a series' coming
 * sessions follow, one line each */
static void
show_text(const struct store_event *ev, const struct facts *f)
{
	const GPtrArray *hosts = f->hosts;
	const struct evview_counts *n = &f->n;
	g_autofree char *s = ctl_time(ev->starts), *e = ctl_time(ev->ends),
			*title = ctl_printable(ev->title),
			*loc = ctl_printable(ev->location ? ev->location : "");
	g_autofree char *lists = g_strjoinv(", ", (char **)hosts->pdata);
	g_autofree char *days = ev->is_all_day
	    ? evblock_days_text(ev->starts, ev->ends, ev->tzid)
	    : g_strdup("no");

	printf("id: %" G_GINT64_FORMAT "\nuid: %s\ntitle: %s\nstarts: %s\n"
	       "ends: %s\ntzid: %s\nlocation: %s\ncapacity: %d\n"
	       "sequence: %d\nstate: %s\norganizer: %s\nattending: %d\n"
	       "waiting: %d\ndeclined: %d\ntentative: %d\nheld: %d\n"
	       "crashers: %s\nlists: %s\nall_day: %s\n",
	    ev->id, ev->uid, title, s, e, ev->tzid, loc, ev->capacity,
	    ev->sequence, ev->state, ev->organizer, n->attending, n->waiting,
	    n->declined, n->tentative, n->held,
	    ev->crashers ? ev->crashers : "accept", lists, days);
	if (f->sessions != NULL) {
		/* Dates and numbers only: nothing to make printable. */
		g_autofree char *t =
		    evview_sessions_text(ev, f->sessions, "en");
		g_autofree char *rule = ctl_printable(ev->rrule);

		printf("rule: %s\nsessions:\n%s", rule, t);
	}
}

/* ctl_event_show - event show EVENT [--json] */
int
ctl_event_show(struct ctl *c, struct ctl_args *a)
{
	struct store_event *ev = event_find(c, ctl_arg(a, 0));
	g_autoptr(GString) out = g_string_new(NULL);
	struct facts f;
	GError *e = NULL;

	if (ev == NULL)
		return CTL_USER;
	if (!event_facts(c, ev, &f, &e)) {
		ctl_err("%s: %s", c->verb, e->message);
		g_error_free(e);
		store_event_free(ev);
		return CTL_USER;
	}
	if (ctl_opt(a, "json") != NULL) {
		event_json(out, ev, &f);
		printf("%s\n", out->str);
	} else {
		/* NULL-terminated for g_strjoinv(). */
		g_ptr_array_add(f.hosts, NULL);
		show_text(ev, &f);
	}
	facts_clear(&f);
	store_event_free(ev);
	return CTL_OK;
}

/* csv_field - s as one RFC 4180 field */
static void
csv_field(GString *out, const char *s, bool last)
{
	g_autofree char *p = ctl_printable(s ? s : "");

	if (strpbrk(p, ",\"") != NULL) {
		g_string_append_c(out, '"');
		for (const char *q = p; *q != '\0'; q++) {
			if (*q == '"')
				g_string_append_c(out, '"');
			g_string_append_c(out, *q);
		}
		g_string_append_c(out, '"');
	} else {
		g_string_append(out, p);
	}
	g_string_append(out, last ? "\r\n" : ",");
}

/* print_rsvp - one answer, as CSV or tab-separated */
static void
print_rsvp(const struct store_rsvp *r, bool csv)
{
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *hc = g_strdup_printf("%d", r->headcount),
			*t = ctl_time(r->updated);
	const char *f[] = {r->address, r->display_name, r->answer, hc,
	    r->status, r->source, t};

	for (size_t i = 0; i < G_N_ELEMENTS(f); i++) {
		if (csv) {
			csv_field(out, f[i], i + 1 == G_N_ELEMENTS(f));
		} else {
			g_autofree char *p = ctl_printable(f[i] ? f[i] : "-");

			g_string_append_printf(out, "%s%s", p,
			    i + 1 == G_N_ELEMENTS(f) ? "\n" : "\t");
		}
	}
	fputs(out->str, stdout);
}

/* rsvp_json - append one answer as a JSON object; position is its
 * place on the waitlist, 0 when it does not wait */
static void
rsvp_json(GString *out, const struct store_rsvp *r, int position, GTimeZone *tz)
{
	bool first = true;

	g_string_append_c(out, '{');
	json_str_member(out, &first, "address", r->address);
	json_str_member(out, &first, "display_name", r->display_name);
	json_str_member(out, &first, "answer", r->answer);
	json_int_member(out, &first, "headcount", r->headcount);
	json_str_member(out, &first, "status", r->status);
	json_str_member(out, &first, "source", r->source);
	json_time(out, &first, "updated", r->updated, tz, false);
	json_key(out, &first, "waitlist_position");
	if (position > 0)
		g_string_append_printf(out, "%d", position);
	else
		g_string_append(out, "null");
	g_string_append_c(out, '}');
}

/* print_rsvps_json - the answers rs, in queue order, as a JSON array */
static void
print_rsvps_json(const struct store_event *ev, const GPtrArray *rs)
{
	g_autoptr(GTimeZone) tz = event_zone(ev->tzid);
	g_autoptr(GString) out = g_string_new("[");
	int pos = 0;

	for (guint i = 0; i < rs->len; i++) {
		const struct store_rsvp *r = rs->pdata[i];
		bool waits = strcmp(r->status, "waitlist") == 0;

		g_string_append(out, i ? ",\n " : "");
		rsvp_json(out, r, waits ? ++pos : 0, tz);
	}
	printf("%s]\n", out->str);
}

/* print_rsvps - event rsvps output: text, CSV or JSON */
static void
print_rsvps(
    const struct store_event *ev, const GPtrArray *rs, bool csv, bool json)
{
	if (json) {
		print_rsvps_json(ev, rs);
		return;
	}
	if (csv)
		fputs("address,name,answer,headcount,status,source,updated\r\n",
		    stdout);
	for (guint i = 0; i < rs->len; i++)
		print_rsvp(rs->pdata[i], csv);
}

/* parse_date - "2026-12-23" */
static bool
parse_date(const char *v, int *y, int *m, int *d)
{
	for (int i = 0; v == NULL || i < 10; i++)
		if (v == NULL ||
		    (i == 4 || i == 7 ? v[i] != '-' : !g_ascii_isdigit(v[i])))
			return false;
	if (v[10] != '\0')
		return false;
	*y = atoi(v);
	*m = atoi(v + 5);
	*d = atoi(v + 8);
	return g_date_valid_dmy(*d, *m, *y);
}

/* session_find - the session of ev on date (YYYY-MM-DD in the event's
 * zone), or a message; *s_out may be skipped */
static bool
session_find(struct ctl *c, const struct store_event *ev, const char *date,
    struct session *s_out)
{
	GPtrArray *stored;
	GError *e = NULL;
	int y, m, d;
	bool found = false, ok;

	if (!parse_date(date, &y, &m, &d)) {
		ctl_err("%s: %s: not a date (YYYY-MM-DD)", c->verb, date);
		return false;
	}
	stored = store_session_list(c->store, ev->id, &e);
	ok = stored != NULL &&
	    sessions_on_date(ev, stored, y, m, d, s_out, &found, &e);
	if (stored != NULL)
		g_ptr_array_unref(stored);
	if (!ok) {
		ctl_err("%s: %s", c->verb, e->message);
		g_error_free(e);
		return false;
	}
	if (!found)
		ctl_err("%s: event %" G_GINT64_FORMAT " has no session on %s",
		    c->verb, ev->id, date);
	return found;
}

/* session_answers - the answers that count for session id, as copies
 * with the status the seats of that session give them (seated: the
 * seats series answers hold) */
static GPtrArray *
session_answers(const struct store_event *ev, GPtrArray *all,
    const GPtrArray *seated, gint64 id)
{
	g_autoptr(GPtrArray) rs = sessions_answers(all, id);
	GPtrArray *out = g_ptr_array_new();
	g_autofree const char **st = g_new0(const char *, rs->len + 1);

	seats_words_rsvps(rs, id, ev->capacity, seated, st);
	for (guint i = 0; i < rs->len; i++) {
		struct store_rsvp *r = rs->pdata[i];

		/* all owns the rows; only the status is this session's */
		g_free(r->status);
		r->status = g_strdup(st[i]);
		g_ptr_array_add(out, r);
	}
	return out;
}

/* ctl_event_rsvps - event rsvps EVENT [--session DATE] [--csv | --json] */
int
ctl_event_rsvps(struct ctl *c, struct ctl_args *a)
{
	bool csv = ctl_opt(a, "csv") != NULL;
	bool json = ctl_opt(a, "json") != NULL;
	const char *date = ctl_opt(a, "session");
	struct store_event *ev;
	struct session s;
	GError *e = NULL;
	GPtrArray *rs, *shown = NULL;
	g_autoptr(GPtrArray) seated = NULL;

	if (csv && json) {
		ctl_err("%s: --csv and --json exclude each other", c->verb);
		return CTL_USAGE;
	}
	ev = event_find(c, ctl_arg(a, 0));
	if (ev == NULL)
		return CTL_USER;
	if (date != NULL && !session_find(c, ev, date, &s)) {
		store_event_free(ev);
		return CTL_USER;
	}
	rs = store_rsvp_list(c->store, ev->id, &e);
	if (rs != NULL && date != NULL &&
	    (seated = store_session_seat_list(c->store, ev->id, &e)) == NULL)
		g_clear_pointer(&rs, g_ptr_array_unref);
	if (rs == NULL) {
		ctl_err("%s: %s", c->verb, e->message);
		g_error_free(e);
		store_event_free(ev);
		return CTL_USER;
	}
	if (date != NULL)
		shown = session_answers(ev, rs, seated, s.id);
	print_rsvps(ev, shown != NULL ? shown : rs, csv, json);
	if (shown != NULL)
		g_ptr_array_unref(shown);
	g_ptr_array_unref(rs);
	store_event_free(ev);
	return CTL_OK;
}

/* set_when - a new When value, read as the event block reads it, in
 * zone tz unless it names one */
static bool
set_when(struct store_event *ev, const char *v, const char *tz, GError **err)
{
	g_autofree char *text = g_strdup_printf("Event: x\nWhen: %s\n", v);
	struct evblock *b = NULL;
	struct evblock_error be = {0};

	if (!evblock_parse(text, tz, ctl_now(), &b, &be) || b == NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "when: %s",
		    be.msg_en ? be.msg_en : "not a date");
	ev->starts = b->start;
	ev->ends = b->end;
	ev->is_all_day = b->is_all_day;
	g_free(ev->tzid);
	ev->tzid = g_strdup(b->tzid);
	evblock_free(b);
	return true;
}

/* set_text - replace a text field of the event */
static bool
set_text(char **slot, const char *v, GError **err)
{
	if (!g_utf8_validate(v, -1, NULL) || strlen(v) > 1000)
		return moim_fail(err, MOIM_ERR_INPUT, "not a short UTF-8 text");
	g_free(*slot);
	*slot = g_strdup(v);
	return true;
}

/* set_crashers - the policy for answers from the uninvited */
static bool
set_crashers(struct store_event *ev, const char *v, GError **err)
{
	if (strcmp(v, "accept") != 0 && strcmp(v, "hold") != 0 &&
	    strcmp(v, "refuse") != 0) {
		g_autofree char *p = ctl_printable(v);

		return moim_fail(err, MOIM_ERR_INPUT,
		    "crashers: %s: not accept, hold or refuse", p);
	}
	g_free(ev->crashers);
	ev->crashers = g_strdup(v);
	return true;
}

/* set_one - apply KEY=VALUE to the event; *is_visible_out is set when
 * attendees see the change (anything but crashers=) */
static bool
set_one(struct ctl *c, struct store_event *ev, const char *kv,
    bool *is_visible_out, GError **err)
{
	const char *eq = strchr(kv, '=');
	g_autofree char *k = eq ? g_strndup(kv, eq - kv) : NULL;
	guint64 n;

	if (k == NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "%s: not KEY=VALUE", kv);
	if (strcmp(k, "crashers") == 0)
		return set_crashers(ev, eq + 1, err);
	*is_visible_out = true;
	if (strcmp(k, "title") == 0 && eq[1] != '\0')
		return set_text(&ev->title, eq + 1, err);
	if (strcmp(k, "where") == 0 || strcmp(k, "location") == 0)
		return set_text(&ev->location, eq + 1, err);
	if (strcmp(k, "description") == 0)
		return set_text(&ev->description, eq + 1, err);
	if (strcmp(k, "when") == 0)
		return set_when(ev, eq + 1, c->cfg->timezone, err);
	if (strcmp(k, "capacity") == 0) {
		if (!g_ascii_string_to_unsigned(
			eq + 1, 10, 0, EVBLOCK_MAX_CAPACITY, &n, NULL))
			return moim_fail(err, MOIM_ERR_INPUT,
			    "capacity: not 0..%d", EVBLOCK_MAX_CAPACITY);
		ev->capacity = (int)n;
		return true;
	}
	return moim_fail(err, MOIM_ERR_INPUT,
	    "%s: unknown key (title, when, where, description, capacity,"
	    " crashers)",
	    k);
}

/* event_store - write ev back as it is; 1 on failure */
static int
event_store(struct ctl *c, const struct store_event *ev)
{
	GError *e = NULL;

	if (store_event_update(c->store, ev, &e))
		return CTL_OK;
	ctl_err("%s: %s", c->verb, e->message);
	g_error_free(e);
	return CTL_USER;
}

/* event_write - store a changed event as the next SEQUENCE */
static int
event_write(struct ctl *c, struct store_event *ev, const char *what)
{
	int rc;

	ev->sequence++;
	rc = event_store(c, ev);
	if (rc == CTL_OK)
		printf("%s %" G_GINT64_FORMAT " sequence %d\n", what, ev->id,
		    ev->sequence);
	return rc;
}

/* event_write_crashers - store a new crashers policy alone: attendees
 * see no change, so the SEQUENCE stays and nobody is mailed */
static int
event_write_crashers(struct ctl *c, const struct store_event *ev)
{
	int rc = event_store(c, ev);

	if (rc == CTL_OK)
		printf("crashers of %" G_GINT64_FORMAT ": %s\n", ev->id,
		    ev->crashers);
	return rc;
}

/* ctl_event_update - event update EVENT KEY=VALUE... */
int
ctl_event_update(struct ctl *c, struct ctl_args *a)
{
	struct store_event *ev = event_find(c, ctl_arg(a, 0));
	bool is_visible = false;
	GError *e = NULL;
	int rc;

	if (ev == NULL)
		return CTL_USER;
	for (guint i = 1; i < a->pos->len; i++) {
		if (set_one(c, ev, ctl_arg(a, i), &is_visible, &e))
			continue;
		ctl_err("%s: %s", c->verb, e->message);
		g_error_free(e);
		store_event_free(ev);
		return CTL_USER;
	}
	if (ev->ends <= ev->starts || strcmp(ev->state, "active") != 0) {
		ctl_err("%s: %s", c->verb,
		    ev->ends <= ev->starts ? "the end is not after the start"
					   : "the event is cancelled");
		store_event_free(ev);
		return CTL_USER;
	}
	rc = is_visible ? event_write(c, ev, "updated")
			: event_write_crashers(c, ev);
	store_event_free(ev);
	return rc;
}

/* ctl_event_cancel - event cancel EVENT */
int
ctl_event_cancel(struct ctl *c, struct ctl_args *a)
{
	struct store_event *ev = event_find(c, ctl_arg(a, 0));
	int rc;

	if (ev == NULL)
		return CTL_USER;
	if (strcmp(ev->state, "cancelled") == 0) {
		ctl_err("%s: %s: already cancelled", c->verb, ctl_arg(a, 0));
		store_event_free(ev);
		return CTL_USER;
	}
	g_free(ev->state);
	ev->state = g_strdup("cancelled");
	rc = event_write(c, ev, "cancelled");
	store_event_free(ev);
	return rc;
}

/* session_write - record how one session now differs from the rule,
 * with a SEQUENCE above the series' and the session's last one, which
 * listd mails once (tick_changed) */
static int
session_write(struct ctl *c, const struct store_event *ev,
    struct store_session *row, const char *date, const char *what)
{
	struct store_session *old = NULL;
	GError *e = NULL;
	bool ok;

	row->event_id = ev->id;
	ok = store_session_get(c->store, ev->id, row->session, &old, &e);
	if (ok) {
		row->sequence =
		    MAX(old != NULL ? old->sequence : 0, ev->sequence) + 1;
		ok = store_session_put(c->store, row, &e);
	}
	store_session_free(old);
	if (!ok) {
		ctl_err("%s: %s", c->verb, e->message);
		g_error_free(e);
		return CTL_USER;
	}
	printf(
	    "event %" G_GINT64_FORMAT ": session %s %s\n", ev->id, date, what);
	return CTL_OK;
}

/* series_session - the event a positional argument names, which must
 * recur, and its session on the date of the next argument */
static struct store_event *
series_session(struct ctl *c, struct ctl_args *a, struct session *s_out)
{
	struct store_event *ev = event_find(c, ctl_arg(a, 0));

	if (ev != NULL && ev->rrule == NULL) {
		ctl_err(
		    "%s: %s: not a recurring event", c->verb, ctl_arg(a, 0));
		g_clear_pointer(&ev, store_event_free);
	}
	if (ev != NULL && !session_find(c, ev, ctl_arg(a, 1), s_out))
		g_clear_pointer(&ev, store_event_free);
	return ev;
}

/* ctl_event_skip - event skip EVENT DATE: no session that day; those
 * invited get a CANCEL for it, answers stay for the record */
int
ctl_event_skip(struct ctl *c, struct ctl_args *a)
{
	struct session s;
	struct store_event *ev = series_session(c, a, &s);
	struct store_session row = {0};
	int rc;

	if (ev == NULL)
		return CTL_USER;
	if (s.is_skipped) {
		ctl_err("%s: %s: already skipped", c->verb, ctl_arg(a, 1));
		store_event_free(ev);
		return CTL_USER;
	}
	row.session = s.id;
	row.starts = s.starts;
	row.ends = s.ends;
	row.state = "skipped";
	rc = session_write(c, ev, &row, ctl_arg(a, 1), "skipped");
	store_event_free(ev);
	return rc;
}

/* ctl_event_move - event move EVENT DATE WHEN: the session of DATE now
 * happens at WHEN (as the block's When line reads it, in the event's
 * zone unless WHEN names one; a bare time such as "20:00-22:00" is on
 * DATE); those invited get a REQUEST for it */
int
ctl_event_move(struct ctl *c, struct ctl_args *a)
{
	struct session s;
	struct store_event *ev = series_session(c, a, &s);
	struct store_event *when = NULL;
	struct store_session row = {0};
	const char *v = ctl_arg(a, 2);
	g_autofree char *text = NULL;
	GError *e = NULL;
	int rc = CTL_USER;

	if (ev == NULL)
		return CTL_USER;
	text = g_ascii_isdigit(v[0]) && (v[1] == ':' || v[2] == ':')
	    ? g_strdup_printf("%s %s", ctl_arg(a, 1), v)
	    : g_strdup(v);
	when = g_new0(struct store_event, 1);
	/* The session's date is the event's; so is its new time. */
	if (!set_when(when, text, ev->tzid, &e)) {
		ctl_err("%s: %s", c->verb, e->message);
		g_error_free(e);
	} else if (when->is_all_day != ev->is_all_day) {
		ctl_err("%s: %s: the series is %s", c->verb, v,
		    ev->is_all_day ? "all-day" : "timed");
	} else {
		row.session = s.id;
		row.starts = when->starts;
		row.ends = when->ends;
		row.state = "moved";
		rc = session_write(c, ev, &row, ctl_arg(a, 1), "moved");
	}
	store_event_free(when);
	store_event_free(ev);
	return rc;
}

/* promote - give addr a seat beyond the capacity, whether the answer
 * waited for a seat or was held for the organizer (from someone not
 * invited: status "held"); listd tells them */
static bool
promote(
    struct ctl *c, const struct store_event *ev, const char *addr, GError **err)
{
	struct store_rsvp *old = NULL;
	struct store_rsvp r = {.event_id = ev->id,
	    .address = (char *)addr,
	    .answer = "accepted",
	    .headcount = 1,
	    .status = "promoted", /* listd tells them, and marks them */
	    .source = "moimctl",
	    .updated = ctl_now()};
	bool ok;

	if (!store_rsvp_get(c->store, ev->id, addr, &old, err))
		return false;
	if (old != NULL) {
		r.headcount = MAX(old->headcount, 1);
		r.queued = old->queued;
		/* a held answer is told it was taken, not that a seat freed */
		if (strcmp(old->status, "held") == 0)
			r.status = "admitted";
	}
	ok = store_rsvp_put(c->store, &r, err);
	store_rsvp_free(old);
	return ok;
}

/* ctl_event_promote - event promote EVENT ADDR */
int
ctl_event_promote(struct ctl *c, struct ctl_args *a)
{
	struct store_event *ev = event_find(c, ctl_arg(a, 0));
	struct addr *ad = NULL;
	GError *e = NULL;
	bool ok;

	if (ev == NULL)
		return CTL_USER;
	ok = ctl_addr_parse(ctl_arg(a, 1), &ad, &e) &&
	    promote(c, ev, addr_canonical(ad), &e);
	if (ok)
		printf("promoted %s\n", addr_canonical(ad));
	else
		ctl_err("%s: %s", c->verb, e->message);
	g_clear_error(&e);
	addr_free(ad);
	store_event_free(ev);
	return ok ? CTL_OK : CTL_USER;
}
