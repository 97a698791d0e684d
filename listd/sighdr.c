/*
 * sighdr - which header fields moim-listd signs, and the results it seals
 */
#include <string.h>

#include "limits.h"
#include "rawhdr.h"
#include "sighdr.h"

/* What a copy's DKIM-Signature covers: what the message is and who it
 * is from, and the RFC 8058 fields receivers want signed. */
const char *const sighdr_dkim_names[] = {"From", "Reply-To", "Subject", "Date",
    "Message-ID", "To", "Cc", "In-Reply-To", "References", "MIME-Version",
    "Content-Type", "Content-Transfer-Encoding", "List-Id", "List-Post",
    "List-Help", "List-Subscribe", "List-Archive", "Archived-At",
    "List-Unsubscribe", "List-Unsubscribe-Post", NULL};
const char *const sighdr_dkim_over[] = {"From", "Reply-To", "Subject",
    "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", NULL};

/* The ARC-Message-Signature: the same fields, but for those each member's
 * copy has its own (the set is made once for all copies). */
const char *const sighdr_ams_names[] = {"From", "Reply-To", "Subject", "Date",
    "Message-ID", "To", "Cc", "In-Reply-To", "References", "MIME-Version",
    "Content-Type", "Content-Transfer-Encoding", "List-Id", "List-Post",
    "List-Help", "List-Subscribe", "List-Archive", "Archived-At", NULL};
const char *const sighdr_ams_over[] = {
    "From", "Reply-To", "Subject", "List-Id", NULL};

/* squeeze - s with blanks, CR and LF runs made one space, trimmed */
static char *
squeeze(const char *s, size_t n)
{
	GString *out = g_string_sized_new(n);
	bool blank = false;

	for (size_t i = 0; i < n && s[i] != '\0'; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
		    s[i] == '\n') {
			blank = out->len > 0;
			continue;
		}
		if (blank)
			g_string_append_c(out, ' ');
		blank = false;
		g_string_append_c(out, s[i]);
	}
	return g_string_free(out, false);
}

/* sighdr_ar_split - authserv-id and results of a trusted A-R value */
bool
sighdr_ar_split(const char *value, const char *const *trusted, char **id_out,
    char **results_out)
{
	size_t n = strnlen(value, MOIM_MAX_HEADER_FIELD);
	const char *semi = memchr(value, ';', n);
	g_autofree char *head =
	    squeeze(value, semi != NULL ? (size_t)(semi - value) : n);
	g_autofree char *rest = NULL;
	char *sp;

	/* "authserv-id [version]": the version is not the id */
	if ((sp = strchr(head, ' ')) != NULL)
		*sp = '\0';
	if (trusted == NULL || head[0] == '\0' ||
	    strlen(head) > MOIM_MAX_DOMAIN)
		return false;
	for (size_t i = 0; trusted[i] != NULL; i++) {
		if (g_ascii_strcasecmp(trusted[i], head) != 0)
			continue;
		if (semi != NULL)
			rest =
			    squeeze(semi + 1, n - (size_t)(semi + 1 - value));
		*id_out = g_steal_pointer(&head);
		*results_out = rest != NULL && rest[0] != '\0' &&
			g_ascii_strcasecmp(rest, "none") != 0
		    ? g_steal_pointer(&rest)
		    : NULL;
		return true;
	}
	return false;
}

/* has_arc_result - whether results holds a resinfo "arc=..." */
static bool
has_arc_result(const char *results)
{
	g_auto(GStrv) parts = g_strsplit(results, ";", -1);

	for (size_t i = 0; parts[i] != NULL; i++)
		if (g_ascii_strncasecmp(g_strchug(parts[i]), "arc=", 4) == 0)
			return true;
	return false;
}

/* sighdr_aar_results - the results the list's AAR carries */
char *
sighdr_aar_results(const char *results, const char *arc)
{
	if (results == NULL)
		return g_strdup_printf("arc=%s", arc);
	if (has_arc_result(results))
		return g_strdup(results);
	return g_strdup_printf("%s; arc=%s", results, arc);
}

struct count {
	const char *const *names;
	guint *n; /* fields seen per name */
};

/* count_field - rawhdr_filter() callback: count, keep nothing */
static bool
count_field(const char *name, void *data)
{
	struct count *c = data;

	for (size_t i = 0; c->names[i] != NULL; i++)
		if (g_ascii_strcasecmp(c->names[i], name) == 0)
			c->n[i]++;
	return false;
}

/* sighdr_list - the h= list of names for msg */
const char **
sighdr_list(const char *msg, size_t len, const char *const *names,
    const char *const *oversign)
{
	size_t nn = g_strv_length((char **)names), end = rawhdr_end(msg, len);
	g_autofree guint *n = g_new0(guint, nn);
	struct count c = {names, n};
	GPtrArray *out = g_ptr_array_new();
	GString *scratch = g_string_new(NULL);

	/* Only the header block: the body is not ours to copy. */
	rawhdr_filter(msg, end, count_field, &c, scratch);
	g_string_free(scratch, true);
	for (size_t i = 0; i < nn; i++) {
		guint k = n[i] + (g_strv_contains(oversign, names[i]) ? 1 : 0);

		for (; k > 0 && out->len < DKIM_MAX_SIGNED; k--)
			g_ptr_array_add(out, (char *)names[i]);
	}
	g_ptr_array_add(out, NULL);
	return (const char **)g_ptr_array_free(out, false);
}
