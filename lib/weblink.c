/*
 * weblink - the links to moim-web's pages that mail carries, and their tokens
 */
#include <string.h>

#include "err.h"
#include "weblink.h"

#define DAY (24 * 3600)

/* weblink_path - base_url joined with path, or NULL without a base */
char *
weblink_path(const char *base_url, const char *path)
{
	size_t n;

	if (base_url == NULL || *base_url == '\0')
		return NULL;
	n = strlen(base_url);
	while (*path == '/')
		path++;
	return g_strconcat(
	    base_url, base_url[n - 1] == '/' ? "" : "/", path, NULL);
}

/* weblink_segment - one path segment, percent-encoded */
char *
weblink_segment(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	GString *out = g_string_sized_new(strlen(s) + 8);

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (g_ascii_isalnum(*p) || strchr("-._~@", *p) != NULL) {
			g_string_append_c(out, (char)*p);
			continue;
		}
		g_string_append_c(out, '%');
		g_string_append_c(out, hex[*p >> 4]);
		g_string_append_c(out, hex[*p & 15]);
	}
	return g_string_free(out, FALSE);
}

/* weblink_list - the list page */
char *
weblink_list(const char *base_url, const char *list_addr)
{
	g_autofree char *seg = weblink_segment(list_addr);
	g_autofree char *path = g_strconcat(seg, "/", NULL);

	return weblink_path(base_url, path);
}

/* weblink_message - a message's page; message_id without "<>" */
char *
weblink_message(
    const char *base_url, const char *list_addr, const char *message_id)
{
	g_autofree char *l = weblink_segment(list_addr);
	g_autofree char *m = weblink_segment(message_id);
	g_autofree char *path = g_strconcat(l, "/m/", m, "/", NULL);

	return weblink_path(base_url, path);
}

/* weblink_event - an event's page */
char *
weblink_event(const char *base_url, const char *list_addr, gint64 event_id)
{
	g_autofree char *l = weblink_segment(list_addr);
	g_autofree char *path =
	    g_strdup_printf("%s/e/%" G_GINT64_FORMAT "/", l, event_id);

	return weblink_path(base_url, path);
}

/* weblink_unsub_token - the token of a member's unsubscribe link */
char *
weblink_unsub_token(const struct token_key *k, const char *list_addr,
    gint64 member_id, const char *address, gint64 now)
{
	return token_make(k, WEBLINK_UNSUB, list_addr, address,
	    (guint64)member_id, now + (gint64)WEBLINK_LINK_DAYS * DAY);
}

/* weblink_unsub - a member's one-click unsubscribe URL */
char *
weblink_unsub(const struct token_key *k, const char *base_url,
    const char *list_addr, gint64 member_id, const char *address, gint64 now)
{
	g_autofree char *tok = NULL;
	g_autofree char *path = NULL;

	if (base_url == NULL || *base_url == '\0')
		return NULL;
	tok = weblink_unsub_token(k, list_addr, member_id, address, now);
	path = g_strconcat("u/", tok, NULL);
	return weblink_path(base_url, path);
}

/* rsvp_context - what an answer token's MAC binds besides the member */
static char *
rsvp_context(const char *list_addr, gint64 event_id)
{
	return g_strdup_printf("%s:%" G_GINT64_FORMAT, list_addr, event_id);
}

/* weblink_rsvp_token - "EVENT-T", the token of a member's answer link */
char *
weblink_rsvp_token(const struct token_key *k, const char *list_addr,
    gint64 event_id, gint64 member_id, const char *address, gint64 now)
{
	g_autofree char *ctx = rsvp_context(list_addr, event_id);
	g_autofree char *t = token_make(k, WEBLINK_RSVP, ctx, address,
	    (guint64)member_id, now + (gint64)WEBLINK_LINK_DAYS * DAY);

	return g_strdup_printf("%" G_GINT64_FORMAT "-%s", event_id, t);
}

/* weblink_rsvp - a member's answer URL; answer NULL: no query */
char *
weblink_rsvp(const struct token_key *k, const char *base_url,
    const char *list_addr, gint64 event_id, gint64 member_id,
    const char *address, const char *answer, gint64 now)
{
	g_autofree char *tok = NULL;
	g_autofree char *path = NULL;

	if (base_url == NULL || *base_url == '\0')
		return NULL;
	tok =
	    weblink_rsvp_token(k, list_addr, event_id, member_id, address, now);
	path = g_strconcat(
	    "r/", tok, answer ? "?answer=" : "", answer ? answer : "", NULL);
	return weblink_path(base_url, path);
}

/* weblink_rsvp_decode - event and member ids of an answer token */
bool
weblink_rsvp_decode(
    const char *tok, gint64 *event_id_out, gint64 *member_id_out, GError **err)
{
	const char *dash = strchr(tok, '-');
	g_autofree char *ev = NULL;
	guint64 id, mid;
	gint64 expires;

	*event_id_out = *member_id_out = 0;
	if (dash == NULL || dash == tok || dash - tok > 18)
		return moim_fail(err, MOIM_ERR_INPUT, "malformed answer token");
	ev = g_strndup(tok, (gsize)(dash - tok));
	if (!g_ascii_string_to_unsigned(ev, 10, 1, G_MAXINT64, &id, NULL) ||
	    ev[0] == '0')
		return moim_fail(err, MOIM_ERR_INPUT, "malformed answer token");
	if (!token_decode(dash + 1, &mid, &expires, err))
		return false;
	if (mid == 0 || mid > G_MAXINT64)
		return moim_fail(err, MOIM_ERR_INPUT, "malformed answer token");
	*event_id_out = (gint64)id;
	*member_id_out = (gint64)mid;
	return true;
}

/* weblink_rsvp_verify - whether tok is this member's answer token */
bool
weblink_rsvp_verify(const struct token_key *k, const char *list_addr,
    gint64 event_id, const char *address, const char *tok, gint64 now,
    GError **err)
{
	const char *dash = strchr(tok, '-');
	g_autofree char *ctx = rsvp_context(list_addr, event_id);
	g_autofree char *want = g_strdup_printf("%" G_GINT64_FORMAT, event_id);

	if (dash == NULL || (size_t)(dash - tok) != strlen(want) ||
	    strncmp(tok, want, strlen(want)) != 0)
		return moim_fail(err, MOIM_ERR_INPUT, "malformed answer token");
	return token_verify(k, WEBLINK_RSVP, ctx, address, dash + 1, now, err);
}
