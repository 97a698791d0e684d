/*
 * webtext - how the web archive shows mail text: names, quotes, months
 *
 * DESCRIPTION
 *	See webtext.h.
 */
#include <string.h>

#include "webtext.h"

/* webtext_name - a sender as shown: a name, never an address */
char *
webtext_name(const char *display_name, const char *address)
{
	const char *s = display_name != NULL && *display_name != '\0'
	    ? display_name
	    : address;
	const char *at;
	char *out;

	if (s == NULL)
		return g_strdup("?");
	at = strchr(s, '@');
	out = at != NULL ? g_strndup(s, at - s) : g_strdup(s);
	g_strstrip(out);
	if (*out != '\0')
		return out;
	g_free(out);
	return g_strdup("?");
}

/* webtext_hide_addrs - text with the domain of each address cut */
char *
webtext_hide_addrs(const char *text)
{
	static gsize once;
	static GRegex *re;

	if (g_once_init_enter(&once)) {
		re = g_regex_new(
		    "([A-Za-z0-9._%+=-]+)@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+",
		    G_REGEX_OPTIMIZE, 0, NULL);
		g_once_init_leave(&once, 1);
	}
	return g_regex_replace(re, text ? text : "", -1, 0, "\\1@…", 0, NULL);
}

/* is_quote - whether a line is quoted text */
static bool
is_quote(const char *l)
{
	return l[0] == '>';
}

/* is_blank - whether a line holds only white space */
static bool
is_blank(const char *l)
{
	for (; *l != '\0'; l++)
		if (!g_ascii_isspace(*l))
			return false;
	return true;
}

/* is_attribution - whether a line can introduce a quote ("... wrote:") */
static bool
is_attribution(const char *l)
{
	size_t n = strlen(l);

	while (n > 0 && g_ascii_isspace(l[n - 1]))
		n--;
	return n > 0 && n <= WEBTEXT_ATTRIBUTION && l[n - 1] == ':';
}

/* is_original - whether a line starts an Outlook-style quoted original */
static bool
is_original(const char *l)
{
	static const char *const marks[] = {
	    "-----Original Message-----", "-----원본 메시지-----"};

	while (*l == ' ' || *l == '\t')
		l++;
	for (size_t i = 0; i < G_N_ELEMENTS(marks); i++)
		if (g_str_has_prefix(l, marks[i]))
			return true;
	return false;
}

/* quote_end - one past the last line of the quote whose first quoted
 * line is q: quoted lines, and blank lines between them */
static int
quote_end(char **lines, int n, int q)
{
	int last = q;

	for (int i = q; i < n; i++) {
		if (is_quote(lines[i]))
			last = i;
		else if (!is_blank(lines[i]))
			break;
	}
	return last + 1;
}

/* quote_at - where a quote starting at line i has its first quoted line
 * (i itself, or after an attribution and blank lines), or -1 */
static int
quote_at(char **lines, int n, int i)
{
	int j = i + 1;

	if (is_quote(lines[i]))
		return i;
	if (!is_attribution(lines[i]))
		return -1;
	while (j < n && j <= i + 2 && is_blank(lines[j]))
		j++;
	return j < n && is_quote(lines[j]) ? j : -1;
}

/* add_block - lines [from, to) as a block, without blank lines at its
 * end (nor, for plain text, at its start); nothing if that is all */
static void
add_block(GPtrArray *out, char **lines, int from, int to, bool is_quote)
{
	struct webtext_block *b;
	GString *t;

	while (to > from && is_blank(lines[to - 1]))
		to--;
	while (!is_quote && from < to && is_blank(lines[from]))
		from++;
	if (from >= to)
		return;
	t = g_string_new(NULL);
	for (int i = from; i < to; i++)
		g_string_append_printf(
		    t, "%s%s", i > from ? "\n" : "", lines[i]);
	b = g_new0(struct webtext_block, 1);
	b->is_quote = is_quote;
	b->nlines = to - from;
	b->text = g_string_free(t, FALSE);
	g_ptr_array_add(out, b);
}

/* block_free - free one block */
static void
block_free(gpointer p)
{
	struct webtext_block *b = p;

	g_free(b->text);
	g_free(b);
}

/* webtext_fold - the text as plain and quoted blocks, in order */
GPtrArray *
webtext_fold(const char *text)
{
	g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
	GPtrArray *out = g_ptr_array_new_with_free_func(block_free);
	int n = (int)g_strv_length(lines), plain = 0, i = 0;

	for (int k = 0; k < n; k++) {
		size_t len = strlen(lines[k]);

		if (len > 0 && lines[k][len - 1] == '\r')
			lines[k][len - 1] = '\0';
	}
	while (i < n) {
		int q = quote_at(lines, n, i), end;

		if (is_original(lines[i])) {
			add_block(out, lines, plain, i, false);
			add_block(out, lines, i, n, true);
			return out;
		}
		if (q < 0) {
			i++;
			continue;
		}
		end = quote_end(lines, n, q);
		add_block(out, lines, plain, i, false);
		add_block(out, lines, i, end, true);
		i = plain = end;
	}
	add_block(out, lines, plain, n, false);
	return out;
}

/* webtext_month_parse - "YYYY-MM" into year and month */
bool
webtext_month_parse(const char *s, int *year_out, int *month_out)
{
	int y = 0, m = 0;

	if (s == NULL || strlen(s) != 7 || s[4] != '-')
		return false;
	for (int i = 0; i < 7; i++) {
		if (i == 4)
			continue;
		if (!g_ascii_isdigit(s[i]))
			return false;
		if (i < 4)
			y = y * 10 + (s[i] - '0');
		else
			m = m * 10 + (s[i] - '0');
	}
	if (y < 1000 || y > 9998 || m < 1 || m > 12)
		return false;
	*year_out = y;
	*month_out = m;
	return true;
}

/* webtext_snippet_hit - where archive_snippet() marked the query's hit */
bool
webtext_snippet_hit(
    const char *snippet, const char *query, size_t *at_out, size_t *len_out)
{
	g_auto(GStrv) words = NULL;
	g_autofree char *lower = NULL;
	const char *best = NULL;

	if (snippet == NULL || query == NULL)
		return false;
	words = g_regex_split_simple("[\\s\"]+", query, 0, 0);
	lower = g_ascii_strdown(snippet, -1);
	for (int i = 0; words[i] != NULL; i++) {
		g_autofree char *w = g_ascii_strdown(words[i], -1);
		g_autofree char *pat = g_strconcat("[", w, "]", NULL);
		const char *p = *w != '\0' ? strstr(lower, pat) : NULL;

		if (p != NULL && (best == NULL || p < best)) {
			best = p;
			*len_out = strlen(w);
		}
	}
	if (best == NULL)
		return false;
	*at_out = (size_t)(best - lower);
	return true;
}
