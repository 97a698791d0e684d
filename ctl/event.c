/*
 * event - moimctl event ls/show/rsvps/update/cancel/promote
 *
 * moimctl only writes the database; moim-listd's event timer mails what
 * a change means, once: the REQUEST with the next SEQUENCE after an
 * update, METHOD:CANCEL after a cancellation, the notice to a member
 * promoted by hand.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "err.h"
#include "evblock.h"

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
	g_autofree char *t = ctl_time(ev->starts),
			*title = ctl_printable(ev->title);

	printf("%" G_GINT64_FORMAT "\t%s\t%s\tseq=%d\tcapacity=%d\t%s\n",
	    ev->id, t, ev->state, ev->sequence, ev->capacity, title);
}

/* ctl_event_ls - event ls L */
int
ctl_event_ls(struct ctl *c, struct ctl_args *a)
{
	struct store_list *l = NULL;
	GError *e = NULL;
	GPtrArray *evs;

	if (!ctl_list_find(c, ctl_arg(a, 0), &l, &e))
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	evs = store_event_list(c->store, l->id, &e);
	store_list_free(l);
	if (evs == NULL)
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	for (guint i = 0; i < evs->len; i++)
		print_event(evs->pdata[i]);
	g_ptr_array_unref(evs);
	return CTL_OK;
}

/* headcounts - the seats taken and the people waiting */
static bool
headcounts(struct ctl *c, const struct store_event *ev, int *going_out,
    int *waiting_out, GError **err)
{
	GPtrArray *rs = store_rsvp_list(c->store, ev->id, err);

	if (rs == NULL)
		return false;
	*going_out = *waiting_out = 0;
	for (guint i = 0; i < rs->len; i++) {
		const struct store_rsvp *r = rs->pdata[i];

		if (strcmp(r->status, "attending") == 0 ||
		    strcmp(r->status, "promoted") == 0)
			*going_out += r->headcount;
		else if (strcmp(r->status, "waitlist") == 0)
			*waiting_out += r->headcount;
	}
	g_ptr_array_unref(rs);
	return true;
}

/* ctl_event_show - event show EVENT */
int
ctl_event_show(struct ctl *c, struct ctl_args *a)
{
	struct store_event *ev = event_find(c, ctl_arg(a, 0));
	g_autofree char *s = NULL, *e_ = NULL, *title = NULL, *loc = NULL;
	GError *e = NULL;
	int going, waiting;

	if (ev == NULL)
		return CTL_USER;
	if (!headcounts(c, ev, &going, &waiting, &e)) {
		ctl_err("%s: %s", c->verb, e->message);
		g_error_free(e);
		store_event_free(ev);
		return CTL_USER;
	}
	s = ctl_time(ev->starts);
	e_ = ctl_time(ev->ends);
	title = ctl_printable(ev->title);
	loc = ctl_printable(ev->location ? ev->location : "");
	printf("id: %" G_GINT64_FORMAT "\nuid: %s\ntitle: %s\nstarts: %s\n"
	       "ends: %s\ntzid: %s\nlocation: %s\ncapacity: %d\n"
	       "sequence: %d\nstate: %s\norganizer: %s\nattending: %d\n"
	       "waiting: %d\n",
	    ev->id, ev->uid, title, s, e_, ev->tzid, loc, ev->capacity,
	    ev->sequence, ev->state, ev->organizer, going, waiting);
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

/* ctl_event_rsvps - event rsvps EVENT [--csv] */
int
ctl_event_rsvps(struct ctl *c, struct ctl_args *a)
{
	struct store_event *ev = event_find(c, ctl_arg(a, 0));
	bool csv = ctl_opt(a, "csv") != NULL;
	GError *e = NULL;
	GPtrArray *rs;

	if (ev == NULL)
		return CTL_USER;
	rs = store_rsvp_list(c->store, ev->id, &e);
	store_event_free(ev);
	if (rs == NULL) {
		ctl_err("%s: %s", c->verb, e->message);
		g_error_free(e);
		return CTL_USER;
	}
	if (csv)
		fputs("address,name,answer,headcount,status,source,updated\r\n",
		    stdout);
	for (guint i = 0; i < rs->len; i++)
		print_rsvp(rs->pdata[i], csv);
	g_ptr_array_unref(rs);
	return CTL_OK;
}

/* set_when - a new When value, read as the event block reads it */
static bool
set_when(struct ctl *c, struct store_event *ev, const char *v, GError **err)
{
	g_autofree char *text = g_strdup_printf("Event: x\nWhen: %s\n", v);
	struct evblock *b = NULL;
	struct evblock_error be = {0};

	if (!evblock_parse(text, c->cfg->timezone, ctl_now(), &b, &be) ||
	    b == NULL)
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

/* set_one - apply KEY=VALUE to the event */
static bool
set_one(struct ctl *c, struct store_event *ev, const char *kv, GError **err)
{
	const char *eq = strchr(kv, '=');
	g_autofree char *k = eq ? g_strndup(kv, eq - kv) : NULL;
	guint64 n;

	if (k == NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "%s: not KEY=VALUE", kv);
	if (strcmp(k, "title") == 0 && eq[1] != '\0')
		return set_text(&ev->title, eq + 1, err);
	if (strcmp(k, "where") == 0 || strcmp(k, "location") == 0)
		return set_text(&ev->location, eq + 1, err);
	if (strcmp(k, "description") == 0)
		return set_text(&ev->description, eq + 1, err);
	if (strcmp(k, "when") == 0)
		return set_when(c, ev, eq + 1, err);
	if (strcmp(k, "capacity") == 0) {
		if (!g_ascii_string_to_unsigned(
			eq + 1, 10, 0, EVBLOCK_MAX_CAPACITY, &n, NULL))
			return moim_fail(err, MOIM_ERR_INPUT,
			    "capacity: not 0..%d", EVBLOCK_MAX_CAPACITY);
		ev->capacity = (int)n;
		return true;
	}
	return moim_fail(err, MOIM_ERR_INPUT,
	    "%s: unknown key (title, when, where, description, capacity)", k);
}

/* event_write - store a changed event as the next SEQUENCE */
static int
event_write(struct ctl *c, struct store_event *ev, const char *what)
{
	GError *e = NULL;

	ev->sequence++;
	if (!store_event_update(c->store, ev, &e)) {
		ctl_err("%s: %s", c->verb, e->message);
		g_error_free(e);
		return CTL_USER;
	}
	printf("%s %" G_GINT64_FORMAT " sequence %d\n", what, ev->id,
	    ev->sequence);
	return CTL_OK;
}

/* ctl_event_update - event update EVENT KEY=VALUE... */
int
ctl_event_update(struct ctl *c, struct ctl_args *a)
{
	struct store_event *ev = event_find(c, ctl_arg(a, 0));
	GError *e = NULL;
	int rc;

	if (ev == NULL)
		return CTL_USER;
	for (guint i = 1; i < a->pos->len; i++) {
		if (set_one(c, ev, ctl_arg(a, i), &e))
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
	rc = event_write(c, ev, "updated");
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

/* promote - give addr a seat beyond the capacity; listd tells them */
static bool
promote(
    struct ctl *c, const struct store_event *ev, const char *addr, GError **err)
{
	struct store_rsvp *old = NULL;
	struct store_rsvp r = {.event_id = ev->id,
	    .address = (char *)addr,
	    .answer = "accepted",
	    .headcount = 1,
	    .status = "promoted",
	    .source = "moimctl",
	    .updated = ctl_now()};
	bool ok;

	if (!store_rsvp_get(c->store, ev->id, addr, &old, err))
		return false;
	if (old != NULL) {
		r.headcount = MAX(old->headcount, 1);
		r.queued = old->queued;
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
