/*
 * act - the pages that change something: unsubscribe, answer, join, sign in
 *
 * Every change is a POST a person makes (or a mail client's RFC 8058
 * one-click POST); a GET or HEAD only shows a page with a button, since
 * link scanners fetch every link in a mail (WEB-NOTES.md). moim-web
 * itself changes nothing but the act it records (lib/store.h, "web
 * acts"): moim-listd carries it out with the code of the same act by
 * mail and sends the mails it causes (listd/webact.c). The answer and
 * unsubscribe pages wait a little for that result, so that a person
 * sees "you are number 2 on the waiting list"; the one-click POST
 * answers as soon as its act is committed.
 *
 * Tokens (lib/weblink.h) are the credential of /u/ and /r/: the URL
 * names list and member and is checked against the member row, or, for
 * a member who already left, against that member's unsubscribe act.
 * Sign-in links name a web_signins row and sign in once; the session
 * cookie names the same row. A bad token answers 403 and changes
 * nothing; nothing on these pages shows an address but the visitor's
 * own sign-in form.
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "err.h"
#include "log.h"
#include "web.h"
#include "weblink.h"

/* How long a page waits for moim-listd to carry out an act. */
#define ACT_WAIT_MS 3000
#define ACT_POLL_MS 50
/* The longest "next" page a sign-in returns to. */
#define ACT_MAX_NEXT 512
/* A guest count above this is a typo (as RSVPTEXT_MAX_HEADCOUNT). */
#define ACT_MAX_GUESTS 50

/* say - the text in the page's language */
static const char *
say(struct web_ctx *c, const char *ko, const char *en)
{
	return strcmp(web_lang(c), "ko") == 0 ? ko : en;
}

/* say_arg - the text in the page's language with its "{}" replaced by
 * arg (no printf format: the texts are data) */
static char *
say_arg(struct web_ctx *c, const char *ko, const char *en, const char *arg)
{
	const char *t = say(c, ko, en), *at = strstr(t, "{}");

	if (at == NULL)
		return g_strdup(t);
	return g_strdup_printf("%.*s%s%s", (int)(at - t), t, arg, at + 2);
}

/* vars_new - a template variable table owning its values */
static GHashTable *
vars_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
}

/* show - render template name with vars as the page body */
static void
show(struct web_ctx *c, int status, const char *title, const char *name,
    GHashTable *vars)
{
	GString *body = g_string_new(NULL);

	g_hash_table_replace(vars, "title", g_strdup(title));
	if (!web_tpl(c, name, vars, body)) {
		log_error("web: template %s failed", name);
		g_string_free(body, TRUE);
		web_error(c, 500);
		return;
	}
	web_page(c, status, title, body);
	g_string_free(body, TRUE);
}

/* notice - a short page: a heading and one paragraph */
static void
notice(struct web_ctx *c, int status, const char *title, const char *text)
{
	GHashTable *v = vars_new();

	g_hash_table_insert(v, "text", g_strdup(text));
	show(c, status, title, "act-done", v);
	g_hash_table_unref(v);
}

/* refuse - a link that is forged, of another list, or too old: 403,
 * nothing changed */
static void
refuse(struct web_ctx *c, const GError *why)
{
	bool expired =
	    why != NULL && g_error_matches(why, MOIM_ERROR, MOIM_ERR_POLICY);

	notice(c, 403, say(c, "쓸 수 없는 링크", "This link does not work"),
	    expired ? say(c, "이 링크는 기한이 지났습니다.",
			  "This link has expired.")
		    : say(c,
			  "이 링크는 올바르지 않습니다. 메일에 있는 링크를"
			  " 그대로 열어 주세요.",
			  "This link is not valid. Please open the link"
			  " exactly as it is in the mail."));
}

/* fail - a store error: logged, 500 */
static void
fail(struct web_ctx *c, const char *what, GError *e)
{
	log_error("web: %s: %s", what, e ? e->message : "?");
	g_clear_error(&e);
	web_error(c, 500);
}

/* form_get - a field of the POSTed form, or NULL */
static const char *
form_get(struct web_ctx *c, const char *key)
{
	return c->form != NULL ? g_hash_table_lookup(c->form, key) : NULL;
}

/* act_url - the absolute URL of base-relative path prefix + token */
static char *
act_url(struct web_ctx *c, const char *prefix, const char *token)
{
	g_autofree char *seg = weblink_segment(token);
	g_autofree char *path = g_strconcat(prefix, seg, NULL);

	return web_url(c, path);
}

/* adopt_list - the list an act is about gives the page its language */
static bool
adopt_list(struct web_ctx *c, gint64 list_id, GError **err)
{
	struct store_list *l = NULL;

	if (!store_list_get_id(c->s, list_id, &l, err))
		return false;
	if (l == NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "list gone");
	store_list_free(c->list);
	c->list = l;
	return true;
}

/* wait_done - the act's result once moim-listd has done it, within
 * ACT_WAIT_MS; NULL when it has not (yet) */
static char *
wait_done(struct web_ctx *c, gint64 id)
{
	for (int waited = 0; waited <= ACT_WAIT_MS; waited += ACT_POLL_MS) {
		struct store_web_act *a = NULL;
		GError *e = NULL;
		char *res = NULL;

		if (!store_web_act_get(c->s, id, &a, &e)) {
			log_warn("web: act %" G_GINT64_FORMAT ": %s", id,
			    e->message);
			g_clear_error(&e);
			return NULL;
		}
		if (a == NULL) /* purged: nothing to wait for */
			return NULL;
		if (a->done)
			res = g_strdup(a->result);
		store_web_act_free(a);
		if (res != NULL)
			return res;
		g_usleep(ACT_POLL_MS * 1000);
	}
	return NULL;
}

/* ------------------------------------------------------- unsubscribe */

enum unsub_state {
	UNSUB_FORGED, /* no member or act the token verifies against */
	UNSUB_MEMBER, /* still a member */
	UNSUB_GONE, /* left (or leaving) through an earlier act */
};

/* unsub_check - what an unsubscribe token names: the member row it
 * verifies against, else a past unsubscribe act of that member id;
 * c->list becomes that list; *why_out the token's fault if forged */
static bool
unsub_check(struct web_ctx *c, const char *tok, enum unsub_state *st_out,
    struct store_member **m_out, GError **why_out, GError **err)
{
	struct store_web_act *a = NULL;
	guint64 id;
	gint64 exp;

	*st_out = UNSUB_FORGED;
	*m_out = NULL;
	if (!token_decode(tok, &id, &exp, why_out) || id > G_MAXINT64)
		return true;
	if (!store_member_get_id(c->s, (gint64)id, m_out, err) ||
	    !store_web_act_unsub_of(c->s, (gint64)id, &a, err))
		return false;
	if (*m_out != NULL) {
		if (!adopt_list(c, (*m_out)->list_id, err))
			goto fail;
		if (token_verify(c->w->key, WEBLINK_UNSUB, c->list->address,
			(*m_out)->address, tok, c->now, why_out)) {
			/* Already asked, not yet done: no second act. */
			*st_out = a != NULL && !a->done &&
				strcmp(a->address, (*m_out)->address) == 0
			    ? UNSUB_GONE
			    : UNSUB_MEMBER;
			goto out;
		}
	}
	g_clear_pointer(m_out, store_member_free);
	if (a != NULL && a->list_id != 0) {
		if (!adopt_list(c, a->list_id, err))
			goto fail;
		g_clear_error(why_out);
		if (token_verify(c->w->key, WEBLINK_UNSUB, c->list->address,
			a->address, tok, c->now, why_out))
			*st_out = UNSUB_GONE;
	} else if (why_out != NULL && *why_out == NULL) {
		g_set_error_literal(
		    why_out, MOIM_ERROR, MOIM_ERR_INPUT, "no such member");
	}
out:
	store_web_act_free(a);
	return true;
fail:
	store_web_act_free(a);
	g_clear_pointer(m_out, store_member_free);
	return false;
}

/* unsub_page - the GET page: the list's name and one button, whose
 * form sends the RFC 8058 body */
static void
unsub_page(struct web_ctx *c, const char *tok)
{
	GHashTable *v = vars_new();

	g_hash_table_insert(v, "list_name", g_strdup(c->list->set.name));
	g_hash_table_insert(v, "action", act_url(c, "u/", tok));
	show(c, 200, say(c, "구독 취소", "Unsubscribe"), "unsub", v);
	g_hash_table_unref(v);
}

/* unsub_gone - the answer for a member who already left */
static void
unsub_gone(struct web_ctx *c)
{
	g_autofree char *t =
	    say_arg(c, "{} 메일링 리스트 구독은 이미 취소되었습니다.",
		"You are already unsubscribed from {}.", c->list->set.name);

	notice(c, 200, say(c, "구독 취소", "Unsubscribed"), t);
}

/* unsub_post - RFC 8058 one-click: record the act, answer 200 once it
 * is committed (no redirect, no cookie needed) */
static void
unsub_post(struct web_ctx *c, const struct store_member *m)
{
	struct store_web_act a = {.kind = STORE_WEB_UNSUB,
	    .list_id = m->list_id,
	    .member_id = m->id,
	    .address = m->address};
	g_autofree char *t = NULL;
	GError *e = NULL;
	gint64 id;

	if (!store_web_act_add(c->s, &a, c->now, &id, &e)) {
		fail(c, "unsubscribe", e);
		return;
	}
	log_info("web: act=%" G_GINT64_FORMAT
		 " unsub list=%s member=%" G_GINT64_FORMAT,
	    id, c->list->address, m->id);
	t = say_arg(c,
	    "{} 메일링 리스트 구독을 취소했습니다. 확인 메일을 곧 보내"
	    " 드립니다.",
	    "You are unsubscribed from {}. A mail confirming it follows.",
	    c->list->set.name);
	notice(c, 200, say(c, "구독 취소", "Unsubscribed"), t);
}

/* act_unsub - /u/TOKEN */
void
act_unsub(struct web_ctx *c, const char *token)
{
	struct store_member *m = NULL;
	enum unsub_state st;
	GError *e = NULL, *why = NULL;

	if (c->req->method == WEB_POST &&
	    g_strcmp0(form_get(c, "List-Unsubscribe"), "One-Click") != 0) {
		web_error(c, 400);
		return;
	}
	if (!unsub_check(c, token, &st, &m, &why, &e)) {
		fail(c, "unsubscribe", e);
		return;
	}
	if (st == UNSUB_FORGED)
		refuse(c, why);
	else if (st == UNSUB_GONE)
		unsub_gone(c);
	else if (c->req->method == WEB_POST)
		unsub_post(c, m);
	else
		unsub_page(c, token);
	g_clear_error(&why);
	store_member_free(m);
}

/* ------------------------------------------------------------- answer */

struct rsvp_link {
	gint64 event_id;
	struct store_member *m;
	struct store_event *ev;
};

static void
rsvp_link_clear(struct rsvp_link *r)
{
	store_member_free(r->m);
	store_event_free(r->ev);
}

/* rsvp_check - the member and event an answer token names, checked;
 * r->ev NULL when the token is bad (*why_out says why) */
static bool
rsvp_check(struct web_ctx *c, const char *tok, struct rsvp_link *r,
    GError **why_out, GError **err)
{
	gint64 member_id;
	bool has = false;

	if (!weblink_rsvp_decode(tok, &r->event_id, &member_id, why_out))
		return true;
	if (!store_member_get_id(c->s, member_id, &r->m, err))
		return false;
	if (r->m == NULL) {
		g_set_error_literal(
		    why_out, MOIM_ERROR, MOIM_ERR_INPUT, "no such member");
		return true;
	}
	if (!adopt_list(c, r->m->list_id, err))
		return false;
	if (!weblink_rsvp_verify(c->w->key, c->list->address, r->event_id,
		r->m->address, tok, c->now, why_out))
		return true;
	if (!store_event_get(c->s, r->event_id, &r->ev, err))
		return false;
	if (r->ev != NULL &&
	    !store_event_has_list(c->s, r->event_id, c->list->id, &has, err))
		return false;
	if (r->ev != NULL && !has)
		g_clear_pointer(&r->ev, store_event_free);
	if (r->ev == NULL)
		g_set_error_literal(
		    why_out, MOIM_ERROR, MOIM_ERR_INPUT, "no such event");
	return true;
}

/* when_text - an event's time in its own zone */
static char *
when_text(const struct store_event *ev)
{
	GTimeZone *tz = g_time_zone_new_identifier(ev->tzid);
	GDateTime *s, *e;
	char *out;

	if (tz == NULL)
		tz = g_time_zone_new_utc();
	s = g_date_time_new_from_unix_utc(ev->starts);
	e = g_date_time_new_from_unix_utc(ev->ends);
	if (s == NULL || e == NULL) {
		out = g_strdup("-");
	} else {
		GDateTime *ls = g_date_time_to_timezone(s, tz);
		GDateTime *le = g_date_time_to_timezone(e, tz);
		g_autofree char *a = g_date_time_format(
		    ls, ev->is_all_day ? "%Y-%m-%d" : "%Y-%m-%d %H:%M");
		g_autofree char *b = g_date_time_format(
		    le, ev->is_all_day ? "%Y-%m-%d" : "%H:%M");

		out = ev->is_all_day
		    ? g_strdup(a)
		    : g_strdup_printf("%s-%s (%s)", a, b, ev->tzid);
		g_date_time_unref(ls);
		g_date_time_unref(le);
	}
	if (s != NULL)
		g_date_time_unref(s);
	if (e != NULL)
		g_date_time_unref(e);
	g_time_zone_unref(tz);
	return out;
}

/* status_text - a page's sentence for an answer's status or an act's
 * result ("waitlist 2"); NULL for one it does not know */
static char *
status_text(struct web_ctx *c, const char *st, int headcount)
{
	g_autofree char *n = NULL;
	int pos = 0;

	if (g_str_has_prefix(st, "waitlist")) {
		pos = atoi(st + strlen("waitlist"));
		n = g_strdup_printf("%d", pos);
		return pos > 0 ? say_arg(c,
				     "정원이 다 찼습니다. 대기자 명단 {}번째"
				     "입니다.",
				     "The event is full: you are number {} on"
				     " the waiting list.",
				     n)
			       : g_strdup(say(c, "대기자 명단에 있습니다.",
				     "You are on the waiting list."));
	}
	n = g_strdup_printf("%d", MAX(headcount, 1));
	if (strcmp(st, "attending") == 0 || strcmp(st, "promoted") == 0 ||
	    strcmp(st, "admitted") == 0)
		return say_arg(c, "참석으로 등록되었습니다 ({}명).",
		    "You are attending ({} people).", n);
	if (strcmp(st, "declined") == 0)
		return g_strdup(say(c, "불참으로 등록되었습니다.",
		    "You are registered as not attending."));
	if (strcmp(st, "tentative") == 0)
		return g_strdup(say(c, "미정으로 등록되었습니다.",
		    "You are registered as maybe attending."));
	if (strcmp(st, "closed") == 0)
		return g_strdup(
		    say(c, "이 행사는 참석 응답을 더 받지 않습니다.",
			"This event no longer takes answers."));
	if (strcmp(st, "held") == 0)
		return g_strdup(say(c, "주최자가 확인한 뒤에 등록됩니다.",
		    "Your answer waits for the organizer."));
	return NULL;
}

/* rsvp_page - GET: the event, the member's answer now, three buttons;
 * ?answer= only marks a button, it records nothing */
static void
rsvp_page(struct web_ctx *c, const char *tok, const struct rsvp_link *r)
{
	const char *pre =
	    c->query ? g_hash_table_lookup(c->query, "answer") : NULL;
	const char *words[] = {"yes", "no", "maybe"};
	const char *keys[] = {"yes_class", "no_class", "maybe_class"};
	struct store_rsvp *now = NULL;
	GHashTable *v = vars_new();
	GError *e = NULL;
	char *cur = NULL;

	if (!store_rsvp_get(c->s, r->ev->id, r->m->address, &now, &e)) {
		g_hash_table_unref(v);
		fail(c, "rsvp", e);
		return;
	}
	if (now != NULL)
		cur = status_text(c, now->status, now->headcount);
	g_hash_table_insert(v, "event", g_strdup(r->ev->title));
	g_hash_table_insert(v, "when", when_text(r->ev));
	g_hash_table_insert(
	    v, "where", g_strdup(r->ev->location ? r->ev->location : "-"));
	g_hash_table_insert(v, "current",
	    cur ? cur
		: g_strdup(say(c, "아직 응답하지 않으셨습니다.",
		      "You have not answered yet.")));
	g_hash_table_insert(v, "guests",
	    g_strdup_printf("%d",
		now != NULL && now->headcount > 1 ? now->headcount - 1 : 0));
	g_hash_table_insert(v, "action", act_url(c, "r/", tok));
	for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
		g_hash_table_insert(v, (gpointer)keys[i],
		    g_strdup(g_strcmp0(pre, words[i]) == 0 ? "chosen" : ""));
	show(c, 200, r->ev->title, "rsvp", v);
	g_hash_table_unref(v);
	store_rsvp_free(now);
}

/* guests_parse - the optional guests field: "" or 0..ACT_MAX_GUESTS */
static bool
guests_parse(const char *s, int *n_out)
{
	guint64 n = 0;

	*n_out = 0;
	if (s == NULL || s[0] == '\0')
		return true;
	if (!g_ascii_string_to_unsigned(s, 10, 0, ACT_MAX_GUESTS, &n, NULL))
		return false;
	*n_out = (int)n;
	return true;
}

/* rsvp_post - record the answer through an act and show its outcome */
static void
rsvp_post(struct web_ctx *c, const struct rsvp_link *r)
{
	const char *answer = form_get(c, "answer");
	struct store_web_act a = {.kind = STORE_WEB_RSVP,
	    .list_id = c->list->id,
	    .member_id = r->m->id,
	    .event_id = r->ev->id,
	    .address = r->m->address};
	g_autofree char *res = NULL, *text = NULL;
	GError *e = NULL;
	gint64 id;

	if (answer == NULL ||
	    (strcmp(answer, "yes") != 0 && strcmp(answer, "no") != 0 &&
		strcmp(answer, "maybe") != 0) ||
	    !guests_parse(form_get(c, "guests"), &a.guests)) {
		web_error(c, 400);
		return;
	}
	a.answer = (char *)answer;
	if (!store_web_act_add(c->s, &a, c->now, &id, &e)) {
		fail(c, "rsvp", e);
		return;
	}
	res = wait_done(c, id);
	if (res != NULL)
		text = status_text(c, res, 1 + a.guests);
	if (text == NULL)
		text = g_strdup(
		    say(c, "응답을 받았습니다. 결과는 곧 메일로 알려 드립니다.",
			"Your answer is recorded; a mail with its outcome"
			" follows."));
	notice(c, 200, r->ev->title, text);
}

/* act_rsvp - /r/TOKEN */
void
act_rsvp(struct web_ctx *c, const char *token)
{
	struct rsvp_link r = {0};
	GError *e = NULL, *why = NULL;

	if (!rsvp_check(c, token, &r, &why, &e))
		fail(c, "rsvp", e);
	else if (r.ev == NULL)
		refuse(c, why);
	else if (c->req->method == WEB_POST)
		rsvp_post(c, &r);
	else
		rsvp_page(c, token, &r);
	g_clear_error(&why);
	rsvp_link_clear(&r);
}

/* -------------------------------------------------------- join, sign in */

/* email_of - the canonical address of the form's "email", or NULL */
static char *
email_of(struct web_ctx *c)
{
	const char *s = form_get(c, "email");
	struct addr *a = NULL;
	char *out;

	if (s == NULL || !addr_parse(s, strlen(s), &a, NULL) || a == NULL)
		return NULL;
	out = g_strdup(addr_canonical(a));
	addr_free(a);
	return out;
}

/* act_join - POST /L@D/join: the double opt-in mail, never a
 * subscription; the page is the same for members and others */
void
act_join(struct web_ctx *c)
{
	g_autofree char *addr = NULL;
	struct store_web_act a = {.kind = STORE_WEB_JOIN};
	GError *e = NULL;

	if (c->req->method != WEB_POST || c->list == NULL) {
		web_error(c, c->list == NULL ? 404 : 405);
		return;
	}
	addr = email_of(c);
	if (addr == NULL) {
		notice(c, 400, say(c, "구독 신청", "Join"),
		    say(c, "메일 주소를 확인해 주세요.",
			"Please check the mail address."));
		return;
	}
	a.list_id = c->list->id;
	a.address = addr;
	if (!store_web_act_add(c->s, &a, c->now, NULL, &e)) {
		fail(c, "join", e);
		return;
	}
	notice(c, 200, say(c, "구독 신청", "Join"),
	    say(c,
		"확인 메일을 보냈습니다. 메일의 안내대로 답장하시면 구독이"
		" 시작됩니다.",
		"Please check your mail: the subscription starts once you"
		" answer the confirmation we sent."));
}

/* next_ok - whether next is a page of ours to return to after signing
 * in: a path relative to base_url, of URL path characters only, that
 * cannot name another host */
static bool
next_ok(const char *next)
{
	size_t n = strlen(next);

	if (n == 0 || n > ACT_MAX_NEXT || next[0] == '/' ||
	    strstr(next, "//") != NULL || strstr(next, "..") != NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isalnum(next[i]) &&
		    strchr("-._~@%/+", next[i]) == NULL)
			return false;
	return true;
}

/* next_of - the page to return to from a field value (a path from
 * "/", or relative), or NULL */
static const char *
next_of(const char *v)
{
	if (v == NULL)
		return NULL;
	while (*v == '/')
		v++;
	return next_ok(v) ? v : NULL;
}

/* join_form - the join form of c->list as an HTML fragment ("" off a
 * list): who cannot read a members-only list may still ask to join */
static char *
join_form(struct web_ctx *c)
{
	g_autofree char *seg = NULL, *path = NULL;
	GHashTable *v;
	GString *out;

	if (c->list == NULL || c->list->set.archive == LISTSET_ARCHIVE_HIDDEN)
		return g_strdup("");
	seg = weblink_segment(c->list->address);
	path = g_strconcat(seg, "/join", NULL);
	v = vars_new();
	out = g_string_new(NULL);
	g_hash_table_insert(v, "action", web_url(c, path));
	g_hash_table_insert(v, "list_name", g_strdup(c->list->set.name));
	if (!web_tpl(c, "join", v, out))
		g_string_truncate(out, 0);
	g_hash_table_unref(v);
	return g_string_free(out, FALSE);
}

/* act_signin_form - the sign-in form, with status (200, or 403 for a
 * members-only page), returning to the page asked for */
void
act_signin_form(struct web_ctx *c, int status)
{
	const char *q = c->query ? g_hash_table_lookup(c->query, "next") : NULL;
	const char *next = status == 200 ? next_of(q) : next_of(c->req->path);
	GHashTable *v = vars_new();

	g_hash_table_insert(v, "action", web_url(c, "signin"));
	g_hash_table_insert(v, "next", g_strdup(next ? next : ""));
	g_hash_table_insert(v, "join", join_form(c));
	show(c, status, say(c, "로그인", "Sign in"), "signin", v);
	g_hash_table_unref(v);
}

/* act_signin - /signin: GET the form; POST mails a link, through
 * moim-listd, to a member; the page never tells who is one */
void
act_signin(struct web_ctx *c)
{
	g_autofree char *addr = NULL;
	struct store_web_act a = {.kind = STORE_WEB_SIGNIN};
	GError *e = NULL;

	if (c->req->method != WEB_POST) {
		act_signin_form(c, 200);
		return;
	}
	addr = email_of(c);
	if (addr == NULL) {
		notice(c, 400, say(c, "로그인", "Sign in"),
		    say(c, "메일 주소를 확인해 주세요.",
			"Please check the mail address."));
		return;
	}
	a.address = addr;
	a.next = (char *)next_of(form_get(c, "next"));
	if (!store_web_act_add(c->s, &a, c->now, NULL, &e)) {
		fail(c, "signin", e);
		return;
	}
	notice(c, 200, say(c, "로그인", "Sign in"),
	    say(c,
		"이 주소가 리스트 구독자라면 로그인 링크를 메일로 보냈습니다."
		" 링크는 30분 동안 한 번만 쓸 수 있습니다.",
		"If this address is a member of a list here, a sign-in link"
		" is on its way. It works once, for 30 minutes."));
}

/* signin_check - the sign-in row a link names, if the token is good */
static bool
signin_check(struct web_ctx *c, const char *tok,
    struct store_web_signin **si_out, GError **why_out, GError **err)
{
	guint64 id;
	gint64 exp;

	*si_out = NULL;
	if (!token_decode(tok, &id, &exp, why_out) || id > G_MAXINT64)
		return true;
	if (!store_web_signin_get(c->s, (gint64)id, si_out, err))
		return false;
	if (*si_out != NULL &&
	    !token_verify(c->w->key, WEBLINK_SIGNIN, "", (*si_out)->address,
		tok, c->now, why_out))
		g_clear_pointer(si_out, store_web_signin_free);
	return true;
}

/* signin_used - the answer for a link used before */
static void
signin_used(struct web_ctx *c)
{
	notice(c, 403, say(c, "쓸 수 없는 링크", "This link does not work"),
	    say(c, "이 로그인 링크는 이미 쓰였습니다. 새 링크를 받아 주세요.",
		"This sign-in link was used already. Please ask for a new"
		" one."));
}

/* signin_post - use the row once, set the session cookie, and go back
 * to the page the visitor came from */
static void
signin_post(struct web_ctx *c, const struct store_web_signin *si)
{
	g_autofree char *cookie = NULL;
	GError *e = NULL;
	bool used = false;

	if (!store_web_signin_use(c->s, si->id, &used, &e)) {
		fail(c, "signin", e);
		return;
	}
	if (!used) {
		signin_used(c);
		return;
	}
	cookie = token_make(c->w->key, WEBLINK_SESSION, "", si->address,
	    (guint64)si->id, c->now + (gint64)WEBLINK_SESSION_DAYS * 86400);
	c->resp->set_cookie = g_strdup_printf(
	    "moim_session=%s; HttpOnly; Secure; SameSite=Lax; Path=/;"
	    " Max-Age=%d",
	    cookie, WEBLINK_SESSION_DAYS * 86400);
	log_info("web: signin=%" G_GINT64_FORMAT " signed in", si->id);
	web_redirect(c, 303, next_of(si->next) ? next_of(si->next) : "");
}

/* act_signin_token - /signin/TOKEN: GET a button, POST signs in */
void
act_signin_token(struct web_ctx *c, const char *token)
{
	struct store_web_signin *si = NULL;
	GError *e = NULL, *why = NULL;

	if (!signin_check(c, token, &si, &why, &e)) {
		fail(c, "signin", e);
	} else if (si == NULL) {
		refuse(c, why);
	} else if (si->used) {
		signin_used(c);
	} else if (c->req->method == WEB_POST) {
		signin_post(c, si);
	} else {
		GHashTable *v = vars_new();

		g_hash_table_insert(v, "action", act_url(c, "signin/", token));
		show(c, 200, say(c, "로그인", "Sign in"), "signin-token", v);
		g_hash_table_unref(v);
	}
	g_clear_error(&why);
	store_web_signin_free(si);
}
