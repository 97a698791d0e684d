/*
 * event - announcements with an event block become events; event timers
 *
 * An owner's or moderator's post whose text starts with an event block
 * (ical/evblock), or that carries a calendar invitation made in a
 * calendar app, is stored as an event, and every member gets a copy of
 * the post of its own: multipart/alternative text and an iTIP REQUEST
 * naming that member as ATTENDEE and L-rsvp+EVENT@D as ORGANIZER, plus
 * invite.ics (ical/imip). A block or calendar that cannot be used holds
 * the post and tells the organizer which line failed and why. The same
 * announcement posted to several lists at once (each list's owner or
 * moderator) is one event: the other lists co-host it, and a member of
 * several of them is invited once.
 *
 * The timer does, once each and in the transaction that queues the
 * mails, what moimctl asked for or time brought: METHOD:CANCEL to
 * everyone invited to a cancelled event, the REQUEST again with the new
 * SEQUENCE after an update, the reminder to attendees reminder_hours
 * before the start (the reminders table remembers it across restarts),
 * and the notice to a member promoted by hand.
 */
#include <string.h>

#include "copy.h"
#include "err.h"
#include "evblock.h"
#include "event.h"
#include "evview.h"
#include "imipcopy.h"
#include "job.h"
#include "links.h"
#include "listd.h"
#include "log.h"
#include "mime.h"
#include "moderate.h"
#include "notice.h"
#include "rsvp.h"
#include "sessions.h"
#include "tpl.h"

#define EVENT_TEXT_MAX (64 * 1024)

/* event_vars - the template variables of a notice about an event */
GHashTable *
event_vars(struct job *j, const struct store_event *ev, const char *to)
{
	GHashTable *v = notice_vars(j, to);

	g_hash_table_insert(v, "event", g_strdup(ev->title));
	g_hash_table_insert(
	    v, "when", evview_when(ev, j->t.list->set.language));
	g_hash_table_insert(
	    v, "where", g_strdup(ev->location ? ev->location : "-"));
	g_hash_table_insert(
	    v, "rsvp_address", evview_organizer(j->t.list, ev->id));
	g_hash_table_insert(
	    v, "id", g_strdup_printf("%" G_GINT64_FORMAT, ev->id));
	g_hash_table_insert(v, "web_links", g_strdup(""));
	return v;
}

/* member_links - ${web_links} for one member: "" without [web] base_url
 * or without a member; else a blank line, the member's answer links and
 * the event's page (tpl "event-links"), without a final newline */
static char *
member_links(struct job *j, const struct store_event *ev, gint64 member_id,
    const char *address, GError **err)
{
	const struct store_list *l = j->t.list;
	GHashTable *v = notice_vars(j, address);
	g_autofree char *subject = NULL, *body = NULL;
	bool ok = true;

	if (links_event_vars(v, j->d->key, listd_cfg(j->d)->base_url,
		l->address, l->set.archive, ev->id, member_id, address, j->now))
		ok = tpl_render(listd_cfg(j->d)->templates, l->set.language,
		    "event-links", v, &subject, &body, err);
	g_hash_table_unref(v);
	if (!ok)
		return NULL;
	return body == NULL ? g_strdup("")
			    : g_strconcat("\n\n", g_strchomp(body), NULL);
}

/* event_member_vars - event_vars() with the member's ${web_links} */
static GHashTable *
event_member_vars(struct job *j, const struct store_event *ev, gint64 member_id,
    const char *address, GError **err)
{
	char *links = member_links(j, ev, member_id, address, err);
	GHashTable *v;

	if (links == NULL)
		return NULL;
	v = event_vars(j, ev, address);
	g_hash_table_replace(v, "web_links", links);
	return v;
}

/* block_error - hold the post; tell the organizer where (a line of the
 * block, or line 0: the calendar attachment) and why */
static bool
block_error(struct job *j, const struct evblock_error *e, GError **err)
{
	const struct addr *to = j->envelope ? j->envelope : j->from;
	bool is_ko = strcmp(j->t.list->set.language, "ko") == 0;
	/* A repeat rule's refusal names the words it is about. */
	g_autofree char *quoted = e->words[0] != '\0'
	    ? g_strdup_printf(" (\"%s\")", e->words)
	    : g_strdup("");
	g_autofree char *why = e->line > 0
	    ? g_strdup_printf(
		  "event block, line %u: %s%s", e->line, e->msg_en, quoted)
	    : g_strdup_printf("calendar attachment: %s", e->msg_en);
	gsize len;
	const char *raw = g_bytes_get_data(j->raw, &len);
	GHashTable *v;
	gint64 id;
	bool ok;

	j->result = "held: bad event block";
	log_info("event: list=%s message-id=%s held: %s", j->t.list->address,
	    j->message_id ? j->message_id : "-", why);
	if (!store_held_add(j->s, j->t.list->id, to ? addr_canonical(to) : "",
		j->subject, why, raw, len, j->now,
		j->now + (gint64)j->t.list->set.hold_days * 86400, &id, err))
		return false;
	if (to == NULL)
		return true;
	v = notice_vars(j, addr_canonical(to));
	g_hash_table_insert(v, "position",
	    e->line == 0
		? g_strdup(is_ko ? "첨부된 일정" : "Calendar attachment")
		: is_ko ? g_strdup_printf("%u번째 줄", e->line)
			: g_strdup_printf("Line %u", e->line));
	g_hash_table_insert(v, "reason",
	    g_strconcat(is_ko ? e->msg_ko : e->msg_en, quoted, NULL));
	g_hash_table_insert(
	    v, "subject", g_utf8_make_valid(j->subject ? j->subject : "", -1));
	ok = notice_queue(j, "event-held", addr_canonical(to), v, NULL, err);
	g_hash_table_unref(v);
	return ok;
}

/* The exceptions of a series as ical/imip writes them (EXDATE, moved
 * sessions), read from event_sessions by ical/evview, which moim-web's
 * event.ics shares. */
struct series_view {
	struct evview_series s;
};

/* series_view_fill - the iTIP view of ev with its rule and exceptions */
static bool
series_view_fill(struct job *j, const struct store_event *ev, const char *org,
    struct imip_event *iev, struct series_view *sv, GError **err)
{
	return evview_series_get(j->s, ev, org, j->now, iev, &sv->s, err);
}

/* series_view_clear - release what series_view_fill() made */
static void
series_view_clear(struct series_view *sv)
{
	evview_series_clear(&sv->s);
}

/* put_skips - the block's skipped sessions as event_sessions rows; a
 * skipped row the block no longer names is dropped (a repost changes
 * the series), moved ones stay */
static bool
put_skips(struct job *j, const struct store_event *ev, const struct evblock *b,
    GError **err)
{
	GPtrArray *old = store_session_list(j->s, ev->id, err);
	bool ok = old != NULL;

	for (guint i = 0; ok && i < old->len; i++) {
		const struct store_session *ss = old->pdata[i];
		bool kept = false;

		for (size_t k = 0; k < b->n_skips; k++)
			kept |= b->skips[k] == ss->session;
		if (strcmp(ss->state, "skipped") == 0 && !kept)
			ok = store_session_delete(
			    j->s, ev->id, ss->session, err);
	}
	for (size_t k = 0; ok && k < b->n_skips; k++) {
		struct store_session ss = {.event_id = ev->id,
		    .session = b->skips[k],
		    .starts = b->skips[k],
		    .ends = b->skips[k] + (b->end - b->start),
		    .state = (char *)"skipped",
		    .sequence = ev->sequence};

		ok = store_session_put(j->s, &ss, err);
	}
	if (old != NULL)
		g_ptr_array_unref(old);
	return ok;
}

/* hosted_by - *id_out: the id of the list a is, if this server holds it
 * and org owns or moderates it (so that it co-hosts when its copy
 * comes, may_cohost()), else 0 */
static bool
hosted_by(struct job *j, const struct addr *a, const struct addr *org,
    gint64 *id_out, GError **err)
{
	struct store_list *l = NULL;
	struct store_member *m = NULL;
	bool ok;

	*id_out = 0;
	if (!store_list_get(j->s, addr_local(a), addr_domain(a), &l, err))
		return false;
	if (l == NULL)
		return true;
	ok = store_member_get(j->s, l->id, addr_canonical(org), &m, err);
	if (ok &&
	    (l->id == j->t.list->id ||
		(m != NULL && m->role >= STORE_ROLE_MODERATOR)))
		*id_out = l->id;
	store_member_free(m);
	store_list_free(l);
	return ok;
}

/* home_list - the list a new event belongs to first (whose L-rsvp
 * address is its ORGANIZER): the first list named in To, then Cc, that
 * can host it, so that a co-hosted announcement has the same home
 * whichever copy Postfix delivers first; else the job's list */
static bool
home_list(struct job *j, const struct addr *org, gint64 *id_out, GError **err)
{
	static const char *const fields[] = {"To", "Cc"};
	bool ok = true;

	*id_out = 0;
	for (size_t f = 0; ok && *id_out == 0 && f < G_N_ELEMENTS(fields);
	     f++) {
		g_autofree char *v =
		    mime_header_text(GMIME_OBJECT(j->msg), fields[f]);
		GPtrArray *as = v ? addr_parse_list(v, strlen(v), NULL) : NULL;

		for (guint i = 0;
		     ok && as != NULL && *id_out == 0 && i < as->len; i++)
			ok = hosted_by(j, as->pdata[i], org, id_out, err);
		if (as != NULL)
			g_ptr_array_unref(as);
	}
	if (*id_out == 0)
		*id_out = j->t.list->id;
	return ok;
}

/* event_create - store the event a block describes */
static bool
event_create(struct job *j, const struct evblock *b, const char *source_uid,
    const char *organizer_name, struct store_event **ev_out, GError **err)
{
	const struct addr *org = j->from ? j->from : j->envelope;
	const char *name = organizer_name != NULL && *organizer_name != '\0'
	    ? organizer_name
	    : addr_display_name(org);
	g_autofree char *uuid = g_uuid_string_random();
	struct store_event ev = {
	    .list_id = j->t.list->id,
	    .uid = g_strdup_printf("%s@%s", uuid, j->t.list->domain),
	    .title = b->title,
	    .starts = b->start,
	    .ends = b->end,
	    .is_all_day = b->is_all_day,
	    .tzid = b->tzid,
	    .location = b->location,
	    .description = b->description,
	    .capacity = b->capacity,
	    .rsvp_by = b->has_rsvp_by ? b->rsvp_by : 0,
	    .organizer = (char *)addr_canonical(org),
	    .organizer_name =
		(char *)(name && *name ? name : j->t.list->set.name),
	    .message_id = j->message_id,
	    .source_uid = (char *)source_uid,
	    .crashers = (char *)listset_crashers_name(j->t.list->set.crashers),
	    .rrule = b->rrule,
	};
	gint64 id;
	bool added;
	bool ok = home_list(j, org, &ev.list_id, err) &&
	    store_event_add(j->s, &ev, j->now, &id, err) &&
	    store_event_link(j->s, id, j->t.list->id, &added, err) &&
	    store_event_get(j->s, id, ev_out, err);

	g_free(ev.uid);
	if (ok && *ev_out == NULL)
		return moim_fail(err, MOIM_ERR_INTERNAL, "event vanished");
	return ok && put_skips(j, *ev_out, b, err);
}

/* The invitations one announcement queues: one outbound holding what
 * they share, and each member's own part (ical/imipcopy). */
struct invite_set {
	GBytes *shared; /* made from the first member's text */
	struct imipcopy *c; /* shared, read */
	GArray *rcpts; /* struct store_rcpt */
	GPtrArray *parts; /* GBytes, each member's own part */
};

/* invite_one - one member's part of the invitation, with its REQUEST */
static bool
invite_one(struct job *j, const struct store_event *ev,
    const struct imip_event *iev, const char *text,
    const struct store_member *m, struct invite_set *set, GError **err)
{
	struct store_rcpt r = {m->address, m->id};
	GBytes *part;

	if (set->shared == NULL &&
	    (set->shared = imipcopy_shared_new(j->msg, iev, text, err)) == NULL)
		return false;
	if (set->c == NULL &&
	    (set->c = imipcopy_open(g_bytes_get_data(set->shared, NULL),
		 g_bytes_get_size(set->shared), err)) == NULL)
		return false;
	part =
	    imipcopy_member_new(set->c, m->address, m->display_name, text, err);
	if (part == NULL)
		return false;
	g_array_append_val(set->rcpts, r);
	g_ptr_array_add(set->parts, part);
	return store_invitation_put(
	    j->s, ev->id, m->address, ev->sequence, j->now, err);
}

/* invite_queue - the set's one outbound row, when it invites anyone */
static bool
invite_queue(struct job *j, const struct invite_set *set, GError **err)
{
	if (set->rcpts->len == 0)
		return true;
	return store_outbound_add_parts(j->s, j->t.list->id, STORE_OUT_INVITE,
	    j->message_id, g_bytes_get_data(set->shared, NULL),
	    g_bytes_get_size(set->shared),
	    (const struct store_rcpt *)(void *)set->rcpts->data,
	    (GBytes *const *)set->parts->pdata, set->rcpts->len, j->now, err);
}

/* invite_set_clear - release what invite_one() made */
static void
invite_set_clear(struct invite_set *set)
{
	g_array_unref(set->rcpts);
	g_ptr_array_unref(set->parts);
	g_clear_pointer(&set->c, imipcopy_free);
	g_clear_pointer(&set->shared, g_bytes_unref);
}

/* invitees - the job's list's members who get invitations: all who get
 * mail (regular and digest), since an invitation cannot wait for the
 * digest */
static GPtrArray *
invitees(struct job *j, GError **err)
{
	GPtrArray *a = store_member_recipients(
	    j->s, j->t.list->id, STORE_MODE_REGULAR, err);
	GPtrArray *b = a != NULL ? store_member_recipients(j->s, j->t.list->id,
				       STORE_MODE_DIGEST, err)
				 : NULL;
	guint i;

	if (b == NULL) {
		if (a != NULL)
			g_ptr_array_unref(a);
		return NULL;
	}
	for (i = 0; i < b->len; i++)
		g_ptr_array_add(a, g_ptr_array_steal_index_fast(b, 0));
	g_ptr_array_unref(b);
	return a;
}

/* note_calendar_alternative - g_mime_message_foreach() visitor: a
 * text/calendar inside a multipart/alternative sets *(bool *)data */
static void
note_calendar_alternative(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	if (GMIME_IS_MULTIPART(parent) &&
	    g_mime_content_type_is_type(g_mime_object_get_content_type(parent),
		"multipart", "alternative") &&
	    g_mime_content_type_is_type(
		g_mime_object_get_content_type(part), "text", "calendar"))
		*(bool *)data = true;
}

/* join_footer - text, then the list's footer foot as its copies carry
 * it (foot NULL: none) */
static char *
join_footer(const char *text, const char *foot)
{
	if (foot == NULL)
		return g_strdup(text);
	return g_strconcat(text,
	    *text != '\0' && !g_str_has_suffix(text, "\n") ? "\n\n" : "\n",
	    foot, NULL);
}

/* event_text - the event's details (tpl "event-invite") with vars */
static char *
event_text(
    struct job *j, const struct store_event *ev, GHashTable *v, GError **err)
{
	char *subject = NULL, *body = NULL;
	bool ok;

	g_hash_table_insert(v, "organizer",
	    g_strdup(ev->organizer_name != NULL ? ev->organizer_name
						: ev->organizer));
	g_hash_table_insert(v, "about",
	    g_strdup(ev->description != NULL ? ev->description : ""));
	ok = tpl_render(listd_cfg(j->d)->templates, j->t.list->set.language,
	    "event-invite", v, &subject, &body, err);
	g_free(subject);
	return ok ? body : NULL;
}

/* invite_text - the text beside each member's invitation, read from the
 * post as it arrived (copy_prepare() may have wrapped the body for the
 * footer): what the post says, unless a calendar app wrote it along with
 * an adopted invitation (its "reply for the list" links speak for the
 * list's address, not the member's): then NULL with *by_app_out set, and
 * each member gets the event's details instead */
static bool
invite_text(struct job *j, const struct store_event *ev, char **text_out,
    bool *by_app_out, GError **err)
{
	gsize len;
	const char *raw = g_bytes_get_data(j->raw, &len);
	GMimeMessage *m = mime_parse(raw, len, err);

	*text_out = NULL;
	*by_app_out = false;
	if (m == NULL)
		return false;
	/* the text beside a calendar in an alternative is the app's */
	if (ev->source_uid != NULL)
		g_mime_message_foreach(
		    m, note_calendar_alternative, by_app_out);
	if (!*by_app_out)
		*text_out = mime_body_text(m, EVENT_TEXT_MAX);
	g_object_unref(m);
	return true;
}

/* member_text - one member's text beside the invitation: the post's text
 * and the member's answer links after it, or the event's details with
 * them (text NULL), then the footer foot (or NULL) */
static char *
member_text(struct job *j, const struct store_event *ev, const char *text,
    const char *foot, const struct store_member *m, GError **err)
{
	g_autofree char *body = NULL, *links = NULL;
	GHashTable *v;

	if (text == NULL) {
		v = event_member_vars(j, ev, m->id, m->address, err);
		body = v != NULL ? event_text(j, ev, v, err) : NULL;
		if (v != NULL)
			g_hash_table_unref(v);
	} else if ((links = member_links(j, ev, m->id, m->address, err)) ==
	    NULL) {
		return NULL;
	} else if (*links != '\0') {
		g_autofree char *t = g_strchomp(g_strdup(text));

		body = g_strconcat(t, links, "\n", NULL);
	} else {
		body = g_strdup(text);
	}
	return body != NULL ? join_footer(body, foot) : NULL;
}

/* invite_all - the personal copies of an announcement, for the members
 * of the job's list who have none yet (a member of several co-hosting
 * lists is invited once); ORGANIZER is the rsvp address on the list the
 * event was announced on first */
static bool
invite_all(struct job *j, const struct store_event *ev, GError **err)
{
	const struct listset *ls = &j->t.list->set;
	g_autofree char *org = NULL, *text = NULL, *foot = NULL;
	struct store_list *first = NULL;
	GPtrArray *m = NULL;
	struct imip_event iev;
	struct series_view sv = {0};
	struct invite_set set = {
	    .rcpts = g_array_new(FALSE, FALSE, sizeof(struct store_rcpt)),
	    .parts =
		g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref)};
	guint i, n = 0;
	bool ok, has, by_app;

	ok = invite_text(j, ev, &text, &by_app, err);
	/* One footer serves every member, as on a post. */
	if (ok && ls->footer && !ls->unmodified)
		ok = (foot = copy_footer_text(j, err)) != NULL;
	if (ok)
		ok = (m = invitees(j, err)) != NULL;
	if (ok && ev->list_id != j->t.list->id)
		ok = store_list_get_id(j->s, ev->list_id, &first, err);
	if (!ok) {
		if (m != NULL)
			g_ptr_array_unref(m);
		invite_set_clear(&set);
		return false;
	}
	org = evview_organizer(first != NULL ? first : j->t.list, ev->id);
	ok = series_view_fill(j, ev, org, &iev, &sv, err);
	for (i = 0; ok && i < m->len; i++) {
		const struct store_member *x = m->pdata[i];

		ok = store_invitation_has(j->s, ev->id, x->address, &has, err);
		if (ok && !has) {
			g_autofree char *t =
			    member_text(j, ev, text, foot, x, err);

			ok = t != NULL &&
			    invite_one(j, ev, &iev, t, x, &set, err);
			n++;
		}
	}
	ok = ok && invite_queue(j, &set, err);
	invite_set_clear(&set);
	if (ok)
		log_info("event: list=%s event=%" G_GINT64_FORMAT
			 " message-id=%s invitations=%u",
		    j->t.list->address, ev->id,
		    j->message_id ? j->message_id : "-", n);
	series_view_clear(&sv);
	store_list_free(first);
	g_ptr_array_unref(m);
	return ok;
}

/* poster - the address an announcement speaks for (its organizer) */
static const struct addr *
poster(const struct job *j)
{
	return j->from ? j->from : j->envelope;
}

/* may_cohost - whether this list may co-host ev, which the same message
 * made on another list: only when its poster is ev's organizer and owns
 * or moderates every list involved, now (SPEC "co-hosted event"); the
 * Message-ID alone is known to every member and the archive */
static bool
may_cohost(
    struct job *j, const struct store_event *ev, bool *may_out, GError **err)
{
	const struct addr *p = poster(j);

	*may_out = false;
	if (p == NULL || strcmp(addr_canonical(p), ev->organizer) != 0)
		return true;
	return store_event_organizer_everywhere(
	    j->s, ev->id, j->t.list->id, addr_canonical(p), may_out, err);
}

/* may_change - whether this post may change ev: its organizer, or an
 * owner or moderator of the list that announced it first, not of a
 * co-host */
static bool
may_change(
    struct job *j, const struct store_event *ev, bool *may_out, GError **err)
{
	const struct addr *p = poster(j);
	struct store_member *m = NULL;

	*may_out = false;
	if (p == NULL)
		return true;
	if (strcmp(addr_canonical(p), ev->organizer) == 0) {
		*may_out = true;
		return true;
	}
	if (!store_member_get(j->s, ev->list_id, addr_canonical(p), &m, err))
		return false;
	*may_out = m != NULL && m->role >= STORE_ROLE_MODERATOR;
	store_member_free(m);
	return true;
}

/* not_theirs - hold a post that would co-host or change another list's
 * event without the right to (issue 13.1) */
static bool
not_theirs(struct job *j, const struct store_event *ev, GError **err)
{
	log_warn("event: list=%s message-id=%s event=%" G_GINT64_FORMAT
		 " of list %" G_GINT64_FORMAT ": sender may not change it",
	    j->t.list->address, j->message_id ? j->message_id : "-", ev->id,
	    ev->list_id);
	return moderate_hold(j,
	    "the message would change an event that its sender did not "
	    "announce, on a list its sender does not run",
	    err);
}

/* may_act - may_cohost() for the same mail, may_change() otherwise */
static bool
may_act(struct job *j, const struct store_event *ev, bool same_mail,
    bool *may_out, GError **err)
{
	return same_mail ? may_cohost(j, ev, may_out, err)
			 : may_change(j, ev, may_out, err);
}

/* cohost - the announcement was posted to several lists at once and
 * already made the event on one of them: this list co-hosts it when the
 * sender is this list's owner or moderator too (the caller checked);
 * its members who were not invited yet are */
static bool
cohost(struct job *j, struct store_event *ev, GError **err)
{
	bool added;

	if (!store_event_link(j->s, ev->id, j->t.list->id, &added, err))
		return false;
	j->result = "event co-hosted";
	log_info("event: list=%s event=%" G_GINT64_FORMAT " co-hosted",
	    j->t.list->address, ev->id);
	return copy_prepare(j, err) && invite_all(j, ev, err) &&
	    copy_archive(j, err);
}

/* adopt_error - hold an announcement whose calendar cannot be used */
static bool
adopt_error(struct job *j, const char *en, const char *ko, GError **err)
{
	struct evblock_error e = {.line = 0, .msg_en = en, .msg_ko = ko};

	return block_error(j, &e, err);
}

/* adopt_skips - a calendar's EXDATEs as the original starts of skipped
 * sessions (a DATE is a day, read in tzid), in b */
static void
adopt_skips(const struct imip_event *x, const char *tzid, bool is_all_day,
    struct evblock *b)
{
	b->rrule = (char *)x->rrule;
	b->n_skips = 0;
	b->skips = g_new0(gint64, x->n_exdates + 1);
	for (size_t i = 0; x->rrule != NULL && i < x->n_exdates; i++)
		b->skips[b->n_skips++] = is_all_day
		    ? evblock_date_local(x->exdates[i], tzid)
		    : x->exdates[i];
}

/* adopt_overrides - a calendar's RECURRENCE-ID instances: a cancelled
 * one is a skipped session, any other a moved one */
static bool
adopt_overrides(struct job *j, const struct store_event *ev,
    const struct imip_event *x, GError **err)
{
	bool ok = true;

	for (size_t i = 0; ok && ev->rrule != NULL && i < x->n_overrides; i++) {
		const struct imip_override *o = &x->overrides[i];
		struct store_session ss = {.event_id = ev->id,
		    .session = o->recurrence_id,
		    .starts = o->is_cancelled ? o->recurrence_id : o->start,
		    .ends = o->is_cancelled
			? o->recurrence_id + (ev->ends - ev->starts)
			: o->end,
		    .state = (char *)(o->is_cancelled ? "skipped" : "moved"),
		    /* the series' own: these overrides travel inside the
		     * series' REQUEST; a row above it would also be mailed
		     * alone by tick_changed() */
		    .sequence = ev->sequence,
		    .location = (char *)o->location};

		if (ss.ends > ss.starts)
			ok = store_session_put(j->s, &ss, err);
	}
	return ok;
}

/* adopt_update - the organizer's calendar sent the event again: new
 * details go out as SEQUENCE+1 (by the timer), CANCEL cancels it */
static bool
adopt_update(struct job *j, struct store_event *ev, const struct imip_reply *r,
    GError **err)
{
	const struct imip_event *x = &r->event;

	if (r->method == IMIP_METHOD_CANCEL) {
		g_free(ev->state);
		ev->state = g_strdup("cancelled");
		j->result = "event cancelled by its calendar";
	} else {
		if (!r->has_time || x->end <= x->start)
			return adopt_error(j,
			    "the updated invitation has no usable time",
			    "바뀐 일정에 쓸 수 있는 시간이 없습니다", err);
		g_free(ev->title);
		ev->title = g_strdup(x->summary ? x->summary : ev->title);
		g_free(ev->location);
		ev->location = g_strdup(x->location);
		g_free(ev->description);
		ev->description = g_strdup(x->description);
		ev->starts = x->start;
		ev->ends = x->end;
		ev->is_all_day = x->is_all_day;
		if (x->tzid != NULL && !r->is_floating) {
			g_free(ev->tzid);
			ev->tzid = g_strdup(x->tzid);
		}
		if (ev->is_all_day) {
			ev->starts = evblock_date_local(x->start, ev->tzid);
			ev->ends = evblock_date_local(x->end, ev->tzid);
		}
		g_free(ev->rrule);
		ev->rrule = g_strdup(x->rrule);
		j->result = "event updated by its calendar";
	}
	ev->sequence++;
	log_info("event: list=%s event=%" G_GINT64_FORMAT " %s, sequence %d",
	    j->t.list->address, ev->id, j->result, ev->sequence);
	if (!store_event_update(j->s, ev, err))
		return false;
	if (r->method != IMIP_METHOD_CANCEL) {
		struct evblock b = {.start = ev->starts, .end = ev->ends};
		bool ok;

		adopt_skips(x, ev->tzid, ev->is_all_day, &b);
		ok =
		    put_skips(j, ev, &b, err) && adopt_overrides(j, ev, x, err);
		g_free(b.skips);
		return ok;
	}
	return true;
}

/* adopt_new - a new event from the organizer's calendar invitation */
static bool
adopt_new(struct job *j, const struct imip_reply *r, GError **err)
{
	const struct imip_event *x = &r->event;
	struct evblock b = {0};
	struct store_event *ev = NULL;
	bool ok;

	if (!r->has_time || x->end <= x->start)
		return adopt_error(j,
		    "the invitation has no usable start and end",
		    "일정에 쓸 수 있는 시작과 끝 시각이 없습니다", err);
	if (x->end <= j->now)
		return adopt_error(j, "the event is already over",
		    "이미 끝난 행사입니다", err);
	if (x->summary == NULL || *x->summary == '\0')
		return adopt_error(j, "the invitation has no title (SUMMARY)",
		    "일정에 제목(SUMMARY)이 없습니다", err);
	b.title = (char *)x->summary;
	b.location = (char *)x->location;
	b.description = (char *)x->description;
	/* A zone libical does not know (Outlook's Windows names) was read as
	 * UTC; the list's zone is the better guess for how to show it. */
	b.tzid = (char *)(x->tzid != NULL && !r->is_floating
		? x->tzid
		: listd_cfg(j->d)->timezone);
	b.start = x->start;
	b.end = x->end;
	b.is_all_day = x->is_all_day;
	if (b.is_all_day) {
		/* A calendar's DATE values are days, not instants. */
		b.start = evblock_date_local(x->start, b.tzid);
		b.end = evblock_date_local(x->end, b.tzid);
	}
	/* A series keeps its rule, skipped and moved sessions. */
	adopt_skips(x, b.tzid, b.is_all_day, &b);
	ok = event_create(j, &b, x->uid, x->organizer_name, &ev, err) &&
	    adopt_overrides(j, ev, x, err) && copy_prepare(j, err) &&
	    copy_archived_at(j, err) && invite_all(j, ev, err) &&
	    copy_archive(j, err);
	j->result = "event adopted from a calendar invitation";
	g_free(b.skips);
	store_event_free(ev);
	return ok;
}

/* is_adoptable - whether event_adopt() takes r as an event (or its update
 * or cancellation) rather than as an ordinary post */
static bool
is_adoptable(const struct imip_reply *r)
{
	return r != NULL && !r->is_from_subject && r->uid != NULL &&
	    (r->method == IMIP_METHOD_REQUEST ||
		r->method == IMIP_METHOD_PUBLISH ||
		r->method == IMIP_METHOD_CANCEL);
}

/* event_adopt - an organizer's calendar invitation (an .ics attached to
 * a post, or the invitation an organizer's calendar sends to the list as
 * an attendee) becomes the list's event: it is re-issued to each member
 * with L-rsvp+EVENT@D as ORGANIZER and the organizer's name as CN, so
 * members can answer the list although the organizer's calendar cannot
 * see them. The same calendar UID again updates or cancels it. Without
 * a calendar the post is an ordinary one (*handled_out false). */
static bool
event_adopt(struct job *j, bool *handled_out, GError **err)
{
	gsize len;
	const char *raw = g_bytes_get_data(j->raw, &len);
	struct imip_reply *r = NULL;
	struct store_event *ev = NULL;
	GError *e = NULL;
	bool ok = true, same_mail = false, may = false;

	if (!imip_read(raw, len, &r, &e)) {
		*handled_out = true;
		log_info("event: list=%s message-id=%s calendar unreadable: %s",
		    j->t.list->address, j->message_id ? j->message_id : "-",
		    e->message);
		g_clear_error(&e);
		return adopt_error(j, "the calendar attachment cannot be read",
		    "첨부된 일정 파일을 읽을 수 없습니다", err);
	}
	if (!is_adoptable(r)) {
		imip_reply_free(r);
		return true;
	}
	ok = store_event_by_source_uid(j->s, j->t.list->id, r->uid, &ev, err);
	if (ok && ev == NULL && j->message_id != NULL) {
		/* the same mail, sent to a co-hosting list too */
		ok =
		    store_event_by_message_id(j->s, 0, j->message_id, &ev, err);
		same_mail = ev != NULL;
	} else if (ev != NULL && j->message_id != NULL &&
	    ev->message_id != NULL &&
	    strcmp(ev->message_id, j->message_id) == 0) {
		/* the same mail, to the home list home_list() linked */
		same_mail = true;
	}
	if (!ok || (ev == NULL && r->method == IMIP_METHOD_CANCEL)) {
		/* a cancellation of nothing we know is an ordinary post */
		imip_reply_free(r);
		return ok;
	}
	*handled_out = true;
	if (ev == NULL)
		ok = adopt_new(j, r, err);
	else if (!may_act(j, ev, same_mail, &may, err))
		ok = false;
	else if (!may)
		ok = not_theirs(j, ev, err);
	else if (same_mail)
		ok = cohost(j, ev, err);
	else
		ok = adopt_update(j, ev, r, err);
	store_event_free(ev);
	imip_reply_free(r);
	return ok;
}

/* same_title - the list's active, coming event with this title (case
 * and blanks at the ends ignored), or NULL */
static bool
same_title(
    struct job *j, const char *title, struct store_event **ev_out, GError **err)
{
	GPtrArray *evs = store_event_list(j->s, j->t.list->id, err);
	g_autofree char *want = g_utf8_casefold(title, -1);
	guint i;

	*ev_out = NULL;
	if (evs == NULL)
		return false;
	g_strstrip(want);
	for (i = 0; i < evs->len && *ev_out == NULL; i++) {
		struct store_event *ev = evs->pdata[i];
		g_autofree char *t = g_utf8_casefold(ev->title, -1);

		/* A series' first session may be over; the series is not. */
		if (strcmp(ev->state, "active") == 0 &&
		    (ev->ends > j->now || ev->rrule != NULL) &&
		    strcmp(g_strstrip(t), want) == 0)
			*ev_out = g_ptr_array_steal_index(evs, i);
	}
	g_ptr_array_unref(evs);
	return true;
}

/* repost - the organizer announced an event of the same title again:
 * its new details go to everyone invited as SEQUENCE+1 (by the timer),
 * and members who were not invited yet get the announcement */
static bool
repost(struct job *j, struct store_event *ev, const struct evblock *b,
    GError **err)
{
	g_free(ev->location);
	ev->location = g_strdup(b->location);
	if (b->description != NULL) {
		g_free(ev->description);
		ev->description = g_strdup(b->description);
	}
	g_free(ev->tzid);
	ev->tzid = g_strdup(b->tzid);
	ev->starts = b->start;
	ev->ends = b->end;
	ev->is_all_day = b->is_all_day;
	ev->capacity = b->capacity;
	ev->rsvp_by = b->has_rsvp_by ? b->rsvp_by : 0;
	/* The block says the whole series again: its rule and skips. */
	g_free(ev->rrule);
	ev->rrule = g_strdup(b->rrule);
	ev->sequence++;
	j->result = "event updated by a repost";
	log_info("event: list=%s event=%" G_GINT64_FORMAT
		 " updated by a repost, sequence %d",
	    j->t.list->address, ev->id, ev->sequence);
	return store_event_update(j->s, ev, err) && put_skips(j, ev, b, err) &&
	    copy_prepare(j, err) && invite_all(j, ev, err);
}

/* event_wanted - whether event_post() would act on an event: a usable
 * block or calendar invitation (a bad one is only held and explained, an
 * act of nobody's rights); a privileged act, so post.c asks for proof */
bool
event_wanted(struct job *j, bool *wanted_out, GError **err)
{
	g_autofree char *body = mime_body_text(j->msg, EVENT_TEXT_MAX);
	struct evblock *b = NULL;
	struct evblock_error e = {0};
	struct imip_reply *r = NULL;
	gsize len;
	const char *raw = g_bytes_get_data(j->raw, &len);

	(void)err;
	*wanted_out = false;
	if (!evblock_parse(body, listd_cfg(j->d)->timezone, j->now, &b, &e))
		return true;
	*wanted_out = b != NULL;
	evblock_free(b);
	if (*wanted_out || !imip_read(raw, len, &r, NULL))
		return true;
	*wanted_out = is_adoptable(r);
	imip_reply_free(r);
	return true;
}

/* event_post - an organizer's post: an event when it has a block or a
 * calendar invitation; *handled_out false when it has neither (an
 * ordinary post) */
bool
event_post(struct job *j, bool *handled_out, GError **err)
{
	g_autofree char *body = mime_body_text(j->msg, EVENT_TEXT_MAX);
	struct evblock *b = NULL;
	struct evblock_error e = {0};
	struct store_event *ev = NULL;
	bool ok, same_mail, may = false;

	*handled_out = false;
	if (!evblock_parse(body, listd_cfg(j->d)->timezone, j->now, &b, &e)) {
		*handled_out = true;
		return block_error(j, &e, err);
	}
	if (b == NULL)
		return event_adopt(j, handled_out, err);
	*handled_out = true;
	if (j->message_id != NULL &&
	    !store_event_by_message_id(j->s, 0, j->message_id, &ev, err)) {
		evblock_free(b);
		return false;
	}
	same_mail = ev != NULL;
	if (ev == NULL && !same_title(j, b->title, &ev, err)) {
		evblock_free(b);
		return false;
	}
	if (ev != NULL && !may_act(j, ev, same_mail, &may, err)) {
		ok = false;
	} else if (ev != NULL && !may) {
		ok = not_theirs(j, ev, err);
	} else if (same_mail) {
		ok = cohost(j, ev, err);
	} else if (ev != NULL) {
		ok = repost(j, ev, b, err);
	} else {
		ok = event_create(j, b, NULL, NULL, &ev, err) &&
		    copy_prepare(j, err) && copy_archived_at(j, err) &&
		    invite_all(j, ev, err) && copy_archive(j, err);
		j->result = "event announced";
	}
	store_event_free(ev);
	evblock_free(b);
	return ok;
}

/* member_rcpt - the member behind an invited address (id 0 if none) */
static bool
member_rcpt(
    struct job *j, const char *address, struct store_rcpt *r_out, GError **err)
{
	struct store_member *m = NULL;

	r_out->address = address;
	r_out->member_id = 0;
	if (!store_member_get(j->s, j->t.list->id, address, &m, err))
		return false;
	if (m != NULL)
		r_out->member_id = m->id;
	store_member_free(m);
	return true;
}

/* to_invited - a REQUEST (tpl "event-update") or CANCEL (tpl
 * "event-cancel") to each invited address that is still a member of a
 * hosting list or has answered; for a REQUEST only those who have not
 * seen this SEQUENCE yet */
static bool
to_invited(struct job *j, const struct store_event *ev, bool cancel,
    bool *sent_out, GError **err)
{
	g_autofree char *org = evview_organizer(j->t.list, ev->id);
	GPtrArray *inv = store_invitation_list(j->s, ev->id, err);
	struct imip_event iev;
	struct series_view sv = {0};
	guint i;
	bool ok = inv != NULL && series_view_fill(j, ev, org, &iev, &sv, err);

	for (i = 0; ok && i < inv->len; i++) {
		const struct store_invitation *iv = inv->pdata[i];
		g_autofree char *ics = NULL;
		struct store_rcpt r;
		GHashTable *v;
		bool audience;

		if (!cancel && iv->sequence >= ev->sequence)
			continue;
		/* Who left every hosting list without answering hears no
		 * more of the event; the invitation counts as up to date, so
		 * the next tick does not ask again. */
		ok = store_event_audience(
		    j->s, ev->id, iv->address, &audience, err);
		if (ok && !audience)
			ok = store_invitation_put(j->s, ev->id, iv->address,
			    ev->sequence, j->now, err);
		if (!ok)
			break;
		if (!audience)
			continue;
		ics = cancel ? imip_cancel(&iev, iv->address, NULL, err)
			     : imip_request(&iev, iv->address, NULL, err);
		ok = ics != NULL && member_rcpt(j, iv->address, &r, err);
		if (!ok)
			break;
		v = cancel
		    ? event_vars(j, ev, iv->address)
		    : event_member_vars(j, ev, r.member_id, iv->address, err);
		ok = v != NULL &&
		    notice_queue_imip(j,
			cancel ? "event-cancel" : "event-update", &r, v, ics,
			cancel ? IMIP_METHOD_CANCEL : IMIP_METHOD_REQUEST,
			err) &&
		    store_invitation_put(
			j->s, ev->id, iv->address, ev->sequence, j->now, err);
		if (v != NULL)
			g_hash_table_unref(v);
		*sent_out = true;
	}
	series_view_clear(&sv);
	if (inv != NULL)
		g_ptr_array_unref(inv);
	return ok;
}

/* tick_cancel - METHOD:CANCEL to everyone invited, once */
static bool
tick_cancel(
    struct job *j, const struct store_event *ev, bool *sent_out, GError **err)
{
	bool marked;

	if (strcmp(ev->state, "cancelled") != 0)
		return true;
	if (!store_event_marked(j->s, ev->id, "cancel", &marked, err))
		return false;
	if (marked)
		return true;
	return store_event_mark(j->s, ev->id, "cancel", j->now, &marked, err) &&
	    to_invited(j, ev, true, sent_out, err);
}

/* remind - the reminder of ev (or of one session of it, as ev) to the
 * addresses seated (char *), once per kind */
static bool
remind(struct job *j, const struct store_event *ev, const GPtrArray *seated,
    const char *kind, bool *sent_out, GError **err)
{
	bool marked, ok;
	guint i;

	if (!store_event_marked(j->s, ev->id, kind, &marked, err))
		return false;
	/* An event announced inside the window has no attendees yet: the
	 * reminder waits for the first, rather than going to no one. */
	if (marked || seated->len == 0)
		return true;
	ok = store_event_mark(j->s, ev->id, kind, j->now, &marked, err);
	for (i = 0; ok && i < seated->len; i++) {
		const char *addr = seated->pdata[i];
		struct store_rcpt who = {(char *)addr, 0};
		GHashTable *v = NULL;

		/* The answer links need the member; without [web] base_url
		 * there are none, and no lookup. */
		if (*listd_cfg(j->d)->base_url != '\0')
			ok = member_rcpt(j, addr, &who, err);
		if (ok)
			v = event_member_vars(j, ev, who.member_id, addr, err);
		ok = v != NULL &&
		    notice_queue(j, "event-reminder", addr, v, NULL, err);
		if (v != NULL)
			g_hash_table_unref(v);
		*sent_out = true;
	}
	log_info("event: event=%" G_GINT64_FORMAT " %s sent to %u", ev->id,
	    kind, seated->len);
	return ok;
}

/* is_due - whether the reminder of a session starting at starts is due:
 * an all-day event's comes the evening before (18:00 in its zone), not
 * at midnight: see evblock_remind_at() */
static bool
is_due(struct job *j, const struct store_event *ev, gint64 starts)
{
	gint64 h = j->t.list->set.reminder_hours;

	return h > 0 &&
	    j->now >=
	    evblock_remind_at(starts, ev->is_all_day, ev->tzid, (int)h) &&
	    j->now < starts;
}

/* tick_sessions - each session's reminder to that session's attendees,
 * once per session ("reminder@SESSION") */
static bool
tick_sessions(
    struct job *j, const struct store_event *ev, bool *sent_out, GError **err)
{
	/* an all-day reminder may come a day before its hours */
	gint64 ahead = (j->t.list->set.reminder_hours + 48) * 3600;
	GPtrArray *stored = store_session_list(j->s, ev->id, err);
	GArray *ss = NULL;
	bool ok = stored != NULL &&
	    (ss = sessions_between(ev, stored, j->now, j->now + ahead, err)) !=
		NULL;

	for (guint i = 0; ok && i < ss->len; i++) {
		const struct session *s = &g_array_index(ss, struct session, i);
		struct store_event one = *ev;
		g_autofree char *kind = NULL;
		GPtrArray *seated;

		if (s->is_skipped || !is_due(j, ev, s->starts))
			continue;
		one.starts = s->starts;
		one.ends = s->ends;
		one.rrule = NULL;
		kind = g_strdup_printf("reminder@%" G_GINT64_FORMAT, s->id);
		seated = rsvp_session_seated(j, ev, s->id, err);
		ok = seated != NULL &&
		    remind(j, &one, seated, kind, sent_out, err);
		if (seated != NULL)
			g_ptr_array_unref(seated);
	}
	if (ss != NULL)
		g_array_unref(ss);
	if (stored != NULL)
		g_ptr_array_unref(stored);
	return ok;
}

/* to_invited_session - one session's CANCEL (skipped) or REQUEST
 * (moved: its new times, RECURRENCE-ID its original start) to each
 * invited address still in the audience; answers stay as they are */
static bool
to_invited_session(struct job *j, const struct store_event *ev,
    const struct store_session *row, bool *sent_out, GError **err)
{
	g_autofree char *org = evview_organizer(j->t.list, ev->id);
	GPtrArray *inv = store_invitation_list(j->s, ev->id, err);
	bool cancel = strcmp(row->state, "skipped") == 0;
	struct store_event one = *ev;
	struct imip_event iev;
	bool ok = inv != NULL;

	one.rrule = NULL;
	one.sequence = row->sequence;
	one.starts = cancel ? row->session : row->starts;
	one.ends = cancel ? row->session + (ev->ends - ev->starts) : row->ends;
	if (row->location != NULL)
		one.location = row->location;
	evview_imip(&one, org, j->now, &iev);
	iev.recurrence_id = row->session;
	for (guint i = 0; ok && i < inv->len; i++) {
		const struct store_invitation *iv = inv->pdata[i];
		g_autofree char *ics = NULL;
		struct store_rcpt r;
		GHashTable *v = NULL;
		bool audience;

		ok = store_event_audience(
		    j->s, ev->id, iv->address, &audience, err);
		if (!ok || !audience)
			continue;
		ics = cancel ? imip_cancel(&iev, iv->address, NULL, err)
			     : imip_request(&iev, iv->address, NULL, err);
		ok = ics != NULL && member_rcpt(j, iv->address, &r, err) &&
		    (v = event_vars(j, &one, iv->address)) != NULL &&
		    notice_queue_imip(j,
			cancel ? "event-cancel" : "event-update", &r, v, ics,
			cancel ? IMIP_METHOD_CANCEL : IMIP_METHOD_REQUEST, err);
		if (v != NULL)
			g_hash_table_unref(v);
		*sent_out = true;
	}
	if (inv != NULL)
		g_ptr_array_unref(inv);
	return ok;
}

/* tick_changed - each session skipped or moved by moimctl (a stored row
 * whose sequence is above the series'; the block's own skipped dates
 * travel as EXDATE) reaches calendars once per sequence */
static bool
tick_changed(
    struct job *j, const struct store_event *ev, bool *sent_out, GError **err)
{
	GPtrArray *rows;
	bool ok;

	if (ev->rrule == NULL || strcmp(ev->state, "active") != 0)
		return true;
	if ((rows = store_session_list(j->s, ev->id, err)) == NULL)
		return false;
	ok = true;
	for (guint i = 0; ok && i < rows->len; i++) {
		const struct store_session *row = rows->pdata[i];
		g_autofree char *kind =
		    g_strdup_printf("session@%" G_GINT64_FORMAT ".%d",
			row->session, row->sequence);
		bool marked = false;

		if (row->sequence <= ev->sequence)
			continue;
		ok = store_event_mark(j->s, ev->id, kind, j->now, &marked, err);
		if (ok && marked)
			ok = to_invited_session(j, ev, row, sent_out, err);
	}
	g_ptr_array_unref(rows);
	return ok;
}

/* tick_reminder - the reminder to attendees, once (per session) */
static bool
tick_reminder(
    struct job *j, const struct store_event *ev, bool *sent_out, GError **err)
{
	GPtrArray *seated;
	bool ok;

	if (strcmp(ev->state, "active") != 0)
		return true;
	if (ev->rrule != NULL)
		return tick_sessions(j, ev, sent_out, err);
	if (!is_due(j, ev, ev->starts))
		return true;
	seated = rsvp_session_seated(j, ev, 0, err);
	ok = seated != NULL && remind(j, ev, seated, "reminder", sent_out, err);
	if (seated != NULL)
		g_ptr_array_unref(seated);
	return ok;
}

/* tick_promoted - tell members promoted by hand (moimctl) */
static bool
tick_promoted(
    struct job *j, const struct store_event *ev, bool *sent_out, GError **err)
{
	GPtrArray *rs = store_rsvp_list(j->s, ev->id, err);
	bool ok = rs != NULL;
	guint i;

	for (i = 0; ok && i < rs->len; i++) {
		struct store_rsvp *r = rs->pdata[i];

		bool was_held = strcmp(r->status, "admitted") == 0;

		if (strcmp(r->status, "promoted") != 0 && !was_held)
			continue;
		g_free(r->status);
		r->status = g_strdup("attending");
		ok = store_rsvp_put(j->s, r, err) &&
		    rsvp_tell_promoted(j, ev, r, was_held, err);
		*sent_out = true;
	}
	if (rs != NULL)
		g_ptr_array_unref(rs);
	return ok;
}

/* event_tick - what is due for one event, in one transaction */
static void
event_tick(
    struct listd *d, struct store *s, const struct store_event *ev, gint64 now)
{
	struct job j = {.d = d, .s = s, .now = now, .result = "event timer"};
	GError *e = NULL;
	bool sent = false, ok;

	if (!store_list_get_id(s, ev->list_id, &j.t.list, &e) ||
	    j.t.list == NULL)
		goto out;
	ok = store_begin(s, &e) && tick_cancel(&j, ev, &sent, &e) &&
	    (strcmp(ev->state, "active") != 0 ||
		to_invited(&j, ev, false, &sent, &e)) &&
	    tick_changed(&j, ev, &sent, &e) &&
	    tick_reminder(&j, ev, &sent, &e) &&
	    tick_promoted(&j, ev, &sent, &e) && store_commit(s, &e);
	if (!ok)
		store_rollback(s);
	else if (sent)
		listd_kick(d);
out:
	if (e != NULL)
		log_warn("event: event=%" G_GINT64_FORMAT ": %s", ev->id,
		    e->message);
	g_clear_error(&e);
	job_clear(&j);
}

/* event_timer - cancellations, updates, reminders and promotions due */
void
event_timer(struct listd *d, struct store *s, gint64 now)
{
	GError *e = NULL;
	GPtrArray *evs = store_event_current(s, now, &e);
	guint i;

	if (evs == NULL) {
		log_error("event: %s", e->message);
		g_clear_error(&e);
		return;
	}
	for (i = 0; i < evs->len; i++)
		event_tick(d, s, evs->pdata[i], now);
	g_ptr_array_unref(evs);
}

/* reminder_next - the earliest reminder of ev (of list l) due in
 * (now, until], or G_MAXINT64 */
static gint64
reminder_next(struct store *s, const struct store_list *l,
    const struct store_event *ev, gint64 now, gint64 until)
{
	gint64 h = l->set.reminder_hours, next = G_MAXINT64, at;
	/* an all-day reminder may come a day before its hours */
	gint64 ahead = (h + 48) * 3600;
	GPtrArray *stored = NULL;
	GArray *ss = NULL;

	if (h <= 0 || strcmp(ev->state, "active") != 0)
		return next;
	if (ev->rrule == NULL) {
		at = evblock_remind_at(
		    ev->starts, ev->is_all_day, ev->tzid, (int)h);
		return at > now && at <= until ? at : next;
	}
	if ((stored = store_session_list(s, ev->id, NULL)) != NULL)
		ss = sessions_between(ev, stored, now, until + ahead, NULL);
	for (guint i = 0; ss != NULL && i < ss->len; i++) {
		const struct session *x = &g_array_index(ss, struct session, i);

		at = evblock_remind_at(
		    x->starts, ev->is_all_day, ev->tzid, (int)h);
		if (!x->is_skipped && at > now && at <= until)
			next = MIN(next, at);
	}
	if (ss != NULL)
		g_array_unref(ss);
	if (stored != NULL)
		g_ptr_array_unref(stored);
	return next;
}

/* event_next_due - when the next reminder comes due, in (now, until];
 * G_MAXINT64 when none does (the other work of event_timer() follows
 * changes in the database, not the clock) */
gint64
event_next_due(struct listd *d, struct store *s, gint64 now, gint64 until)
{
	GPtrArray *evs = store_event_current(s, now, NULL);
	gint64 next = G_MAXINT64;

	(void)d;
	for (guint i = 0; evs != NULL && i < evs->len; i++) {
		const struct store_event *ev = evs->pdata[i];
		struct store_list *l = NULL;

		if (store_list_get_id(s, ev->list_id, &l, NULL) && l != NULL)
			next = MIN(next, reminder_next(s, l, ev, now, until));
		store_list_free(l);
	}
	if (evs != NULL)
		g_ptr_array_unref(evs);
	return next;
}
