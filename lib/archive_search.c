/*
 * archive_search - the search half of lib/archive.h: moim's query syntax
 * turned into an FTS5 MATCH string, ranked matches and their snippets
 *
 * DESCRIPTION
 *	See archive.h (archive_fts_query(), archive_search(),
 *	archive_search_newest(), archive_snippet()). Apart from archive.c
 *	because searching needs no MIME: a program that only searches
 *	(moimctl's front, ctl/front.c) links this file without GMime.
 */
#include <string.h>

#include "archive.h"
#include "err.h"
#include "limits.h"

/* is_cjk - whether u is indexed as syllable bigrams (store_archive.c) */
static bool
is_cjk(gunichar u)
{
	return (u >= 0xac00 && u <= 0xd7a3) || (u >= 0x1100 && u <= 0x11ff) ||
	    (u >= 0x3130 && u <= 0x318f) || (u >= 0x3040 && u <= 0x30ff) ||
	    (u >= 0x3400 && u <= 0x4dbf) || (u >= 0x4e00 && u <= 0x9fff) ||
	    (u >= 0xf900 && u <= 0xfaff);
}

/* is_indexed - whether the index's tokenizer keeps u (store_archive.c) */
static bool
is_indexed(gunichar u)
{
	if (u < 0x80)
		return g_ascii_isalnum((char)u);
	return is_cjk(u) || g_unichar_isalnum(u) || g_unichar_ismark(u);
}

/* One term of what a person typed: a word or a quoted phrase. */
struct qterm {
	char *text; /* without quotes and the trailing '*' */
	bool is_phrase;
	bool is_prefix; /* word* or "phrase"* */
	bool is_not; /* -term or NOT term */
	enum { QOP_NONE, QOP_AND, QOP_OR, QOP_NOT } op; /* a bare operator */
};

/* qterm_free - GPtrArray free function of struct qterm */
static void
qterm_free(gpointer p)
{
	struct qterm *t = p;

	g_free(t->text);
	g_free(t);
}

/* lex_term - the term at *p (past white space), moving *p past it */
static struct qterm *
lex_term(const char **p)
{
	struct qterm *t = g_new0(struct qterm, 1);
	const char *s = *p, *e;

	if (*s == '-' && s[1] != '\0' && !g_ascii_isspace(s[1])) {
		t->is_not = true;
		s++;
	}
	if (*s == '"') {
		/* An unbalanced quote runs to the end of the query. */
		t->is_phrase = true;
		e = strchr(++s, '"');
		e = e != NULL ? e : s + strlen(s);
		t->text = g_strndup(s, (gsize)(e - s));
		s = *e == '"' ? e + 1 : e;
		for (; *s == '*'; s++)
			t->is_prefix = true;
	} else {
		for (e = s; *e != '\0' && *e != '"' && !g_ascii_isspace(*e);)
			e++;
		t->text = g_strndup(s, (gsize)(e - s));
		for (size_t n = strlen(t->text);
		     n > 0 && t->text[n - 1] == '*';)
			t->text[--n] = '\0', t->is_prefix = true;
		s = e;
	}
	*p = s;
	if (!t->is_not && !t->is_phrase && !t->is_prefix)
		t->op = strcmp(t->text, "OR") == 0 ? QOP_OR
		    : strcmp(t->text, "AND") == 0  ? QOP_AND
		    : strcmp(t->text, "NOT") == 0  ? QOP_NOT
						   : QOP_NONE;
	return t;
}

/* query_lex - the terms of query (valid UTF-8, at most
 * MOIM_MAX_ARCHIVE_QUERY bytes, so the count is bounded by its length) */
static GPtrArray *
query_lex(const char *query)
{
	GPtrArray *terms = g_ptr_array_new_with_free_func(qterm_free);
	const char *p = query;

	for (;;) {
		while (g_ascii_isspace(*p))
			p++;
		if (*p == '\0')
			break;
		g_ptr_array_add(terms, lex_term(&p));
	}
	return terms;
}

/* ends_in_lone_cjk - whether the last character the index keeps of text
 * is a CJK character with no CJK character right before it: the index
 * holds it alone only at the end of a run, so a query must take it as a
 * prefix of the bigram it starts */
static bool
ends_in_lone_cjk(const char *text)
{
	gunichar last = 0, before = 0;

	for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar u = g_utf8_get_char(p);

		if (!is_indexed(u)) {
			last = before = 0;
			continue;
		}
		before = last;
		last = u;
	}
	return last != 0 && is_cjk(last) && (before == 0 || !is_cjk(before));
}

/* term_fts - append term t as one FTS5 phrase; false when it holds
 * nothing the index keeps. A term with a digit is kept to the text
 * columns, so that "l7" never matches a list's tag. */
static bool
term_fts(GString *out, const struct qterm *t)
{
	bool has_token = false, has_digit = false;

	for (const char *p = t->text; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar u = g_utf8_get_char(p);

		has_token = has_token || is_indexed(u);
		has_digit = has_digit || (u < 0x80 && g_ascii_isdigit((char)u));
	}
	if (!has_token)
		return false;
	if (has_digit)
		g_string_append(out, STORE_ARCHIVE_TEXT_COLUMNS " : ");
	g_string_append_c(out, '"');
	for (const char *p = t->text; *p != '\0'; p++) {
		if (*p == '"')
			g_string_append_c(out, '"');
		g_string_append_c(out, *p);
	}
	g_string_append_c(out, '"');
	if (t->is_prefix || ends_in_lone_cjk(t->text))
		g_string_append_c(out, '*');
	return true;
}

/* struct qbuild - the FTS5 expression being built: groups of
 * alternatives that must all match, and terms that must not */
struct qbuild {
	GString *all; /* "(a OR b) AND c" */
	GString *group; /* the alternatives of the last group */
	guint ngroup; /* alternatives in group */
	GString *none; /* "x OR y" */
};

/* flush_group - add the last group of alternatives to all */
static void
flush_group(struct qbuild *b)
{
	if (b->ngroup == 0)
		return;
	if (b->all->len > 0)
		g_string_append(b->all, " AND ");
	if (b->ngroup > 1)
		g_string_append_printf(b->all, "(%s)", b->group->str);
	else
		g_string_append(b->all, b->group->str);
	g_string_truncate(b->group, 0);
	b->ngroup = 0;
}

/* build_terms - the terms into b: OR joins the terms on either side of
 * it (binding tighter than AND), AND is the default, NOT and '-'
 * exclude the next term; an operator with nothing to join is dropped */
static void
build_terms(struct qbuild *b, const GPtrArray *terms)
{
	bool is_or = false, is_not = false;

	for (guint i = 0; i < terms->len; i++) {
		const struct qterm *t = terms->pdata[i];
		GString *tmp = g_string_new(NULL);

		if (t->op != QOP_NONE) {
			is_or = t->op == QOP_OR && b->ngroup > 0;
			is_not = t->op == QOP_NOT;
		} else if (!term_fts(tmp, t)) {
			; /* nothing searchable: drop it, keep the operator */
		} else if (t->is_not || is_not) {
			g_string_append_printf(b->none, "%s%s",
			    b->none->len > 0 ? " OR " : "", tmp->str);
			is_or = is_not = false;
		} else {
			if (!is_or)
				flush_group(b);
			g_string_append_printf(b->group, "%s%s",
			    b->ngroup > 0 ? " OR " : "", tmp->str);
			b->ngroup++;
			is_or = is_not = false;
		}
		g_string_free(tmp, TRUE);
	}
	flush_group(b);
}

/* archive_fts_query - what a person typed as a safe FTS5 MATCH string */
char *
archive_fts_query(const char *query, GError **err)
{
	g_autoptr(GPtrArray) terms = NULL;
	struct qbuild b;
	GString *out;

	if (query == NULL || strlen(query) > MOIM_MAX_ARCHIVE_QUERY)
		return moim_fail(err, MOIM_ERR_INPUT, "query too long"), NULL;
	if (!g_utf8_validate(query, -1, NULL))
		return moim_fail(err, MOIM_ERR_INPUT, "query not UTF-8"), NULL;
	terms = query_lex(query);
	b.all = g_string_new(NULL);
	b.group = g_string_new(NULL);
	b.ngroup = 0;
	b.none = g_string_new(NULL);
	build_terms(&b, terms);
	out = g_string_new(NULL);
	if (b.all->len > 0)
		g_string_append_printf(out, "(%s)", b.all->str);
	if (b.none->len > 0)
		g_string_append_printf(
		    out, "%sNOT (%s)", out->len ? " " : "", b.none->str);
	g_string_free(b.all, TRUE);
	g_string_free(b.group, TRUE);
	g_string_free(b.none, TRUE);
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return moim_fail(err, MOIM_ERR_INPUT, "nothing to search for"),
		       NULL;
	}
	return g_string_free(out, FALSE);
}

/* utf8_back - p moved back to the start of its UTF-8 character */
static const char *
utf8_back(const char *start, const char *p)
{
	while (p > start && ((unsigned char)*p & 0xc0) == 0x80)
		p--;
	return p;
}

/* earliest - the earliest of needle in lower, if before *best */
static void
earliest(
    const char *lower, const char *needle, const char **best, size_t *len_out)
{
	g_autofree char *w = g_ascii_strdown(needle, -1);
	const char *p = *w != '\0' ? strstr(lower, w) : NULL;

	if (p != NULL && (*best == NULL || p < *best)) {
		*best = p;
		*len_out = strlen(w);
	}
}

/* first_hit - in lower, the earliest phrase or word the query looks for
 * (not an excluded one, not an operator), else the earliest word of
 * one, or NULL */
static const char *
first_hit(const char *lower, const char *query, size_t *len_out)
{
	g_autoptr(GPtrArray) terms = query_lex(query);
	const char *best = NULL;

	for (guint i = 0; i < terms->len; i++) {
		const struct qterm *t = terms->pdata[i];

		if (t->op == QOP_NONE && !t->is_not)
			earliest(lower, t->text, &best, len_out);
	}
	for (guint i = 0; best == NULL && i < terms->len; i++) {
		const struct qterm *t = terms->pdata[i];
		g_auto(GStrv) words =
		    g_strsplit_set(t->text, " \t\n\r\f\v", -1);

		for (int j = 0; t->is_phrase && !t->is_not && words[j]; j++)
			earliest(lower, words[j], &best, len_out);
	}
	return best;
}

/* archive_snippet - text around the first query word found, on one line */
char *
archive_snippet(const char *text, const char *query)
{
	g_autofree char *lower = g_ascii_strdown(text ? text : "", -1);
	size_t n = strlen(lower), hit_len = 0;
	const char *hit = first_hit(lower, query ? query : "", &hit_len);
	size_t at = hit ? (size_t)(hit - lower) : 0;
	const char *b = utf8_back(lower, lower + (at > 60 ? at - 60 : 0));
	const char *e = utf8_back(lower, lower + MIN(n, at + hit_len + 140));
	GString *out = g_string_new(b > lower ? "..." : "");

	for (const char *p = text + (b - lower); p < text + (e - lower); p++) {
		if (hit != NULL && p == text + at)
			g_string_append_c(out, '[');
		if (hit != NULL && p == text + at + hit_len)
			g_string_append_c(out, ']');
		g_string_append_c(out, *p == '\n' || *p == '\t' ? ' ' : *p);
	}
	if (hit != NULL && text + (e - lower) == text + at + hit_len)
		g_string_append_c(out, ']');
	if ((size_t)(e - lower) < n)
		g_string_append(out, "...");
	return g_string_free(out, FALSE);
}

/* add_snippets - each hit's snippet of the words of query */
static void
add_snippets(GPtrArray *hits, const char *query)
{
	for (guint i = 0; hits != NULL && i < hits->len; i++) {
		struct store_archive_entry *e = g_ptr_array_index(hits, i);

		e->snippet = archive_snippet(e->text, query);
	}
}

/* archive_search - ranked matches of what a person typed, with snippets */
GPtrArray *
archive_search(struct store *s, gint64 list_id, const char *query, int limit,
    gint64 *total_out, GError **err)
{
	g_autofree char *match = archive_fts_query(query, err);
	GPtrArray *hits;

	if (match == NULL)
		return NULL;
	hits = store_archive_search(s, list_id, match, limit, total_out, err);
	add_snippets(hits, query);
	return hits;
}

/* archive_search_newest - the same matches newest first, one page of
 * them: what the web's search shows (public-inbox's order too), at the
 * cost of a page whatever the word */
GPtrArray *
archive_search_newest(struct store *s, gint64 list_id, const char *query,
    int limit, int offset, gint64 *total_out, GError **err)
{
	g_autofree char *match = archive_fts_query(query, err);
	GPtrArray *hits;

	if (match == NULL)
		return NULL;
	hits = store_archive_search_newest(
	    s, list_id, match, limit, offset, total_out, err);
	add_snippets(hits, query);
	return hits;
}
