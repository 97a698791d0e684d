/*
 * links - the web links that list mail carries, as header values and
 * template variables
 */
#include <string.h>

#include "links.h"
#include "weblink.h"

/* has_base - whether there is a web base to link to */
static bool
has_base(const char *base_url)
{
	return base_url != NULL && *base_url != '\0';
}

/* links_unsubscribe - List-Unsubscribe (and -Post) lines of one copy */
char *
links_unsubscribe(const struct token_key *k, const char *base_url,
    const char *list_addr, gint64 member_id, const char *address,
    const char *mailto, gint64 now)
{
	g_autofree char *url = NULL;

	if (has_base(base_url) && member_id > 0)
		url = weblink_unsub(
		    k, base_url, list_addr, member_id, address, now);
	if (url == NULL)
		return g_strdup_printf("List-Unsubscribe: <%s>\n", mailto);
	/* Folded after the comma: both URIs stay within 78 columns for a
	 * base of usual length, and relaxed DKIM canonicalisation does not
	 * care. */
	return g_strdup_printf("List-Unsubscribe: <%s>,\n <%s>\n"
			       "List-Unsubscribe-Post: List-Unsubscribe="
			       "One-Click\n",
	    url, mailto);
}

/* links_list_page - the list's page, unless the list hides it */
char *
links_list_page(
    const char *base_url, const char *list_addr, enum listset_archive archive)
{
	if (archive == LISTSET_ARCHIVE_HIDDEN)
		return NULL;
	return weblink_list(base_url, list_addr);
}

/* links_list_archive - the List-Archive value, or NULL */
char *
links_list_archive(const char *base_url, const char *archive_url,
    const char *list_local, const char *list_addr, enum listset_archive archive)
{
	g_autofree char *page = links_list_page(base_url, list_addr, archive);

	if (page != NULL)
		return g_strdup_printf("<%s>", page);
	if (archive_url != NULL && *archive_url != '\0')
		return g_strdup_printf("<%s/%s>", archive_url, list_local);
	return NULL;
}

/* links_archived_at - the Archived-At value of a post, or NULL */
char *
links_archived_at(const char *base_url, const char *list_addr,
    enum listset_archive archive, const char *message_id)
{
	g_autofree char *id = NULL;
	g_autofree char *url = NULL;
	size_t n;

	if (archive == LISTSET_ARCHIVE_HIDDEN || message_id == NULL)
		return NULL;
	n = strlen(message_id);
	if (n >= 2 && message_id[0] == '<' && message_id[n - 1] == '>')
		id = g_strndup(message_id + 1, n - 2);
	else
		id = g_strdup(message_id);
	if (*id == '\0')
		return NULL;
	url = weblink_message(base_url, list_addr, id);
	return url != NULL ? g_strdup_printf("<%s>", url) : NULL;
}

/* links_event_vars - a member's answer links and the event's page */
bool
links_event_vars(GHashTable *vars, const struct token_key *k,
    const char *base_url, const char *list_addr, enum listset_archive archive,
    gint64 event_id, gint64 member_id, const char *address, gint64 now)
{
	static const char *const answers[][2] = {
	    {"rsvp_yes", "yes"}, {"rsvp_no", "no"}, {"rsvp_maybe", "maybe"}};
	size_t i;

	if (!has_base(base_url) || member_id <= 0)
		return false;
	for (i = 0; i < G_N_ELEMENTS(answers); i++)
		g_hash_table_replace(vars, (char *)answers[i][0],
		    weblink_rsvp(k, base_url, list_addr, event_id, member_id,
			address, answers[i][1], now));
	g_hash_table_replace(vars, "event_url",
	    archive == LISTSET_ARCHIVE_HIDDEN
		? weblink_rsvp(k, base_url, list_addr, event_id, member_id,
		      address, NULL, now)
		: weblink_event(base_url, list_addr, event_id));
	return true;
}
