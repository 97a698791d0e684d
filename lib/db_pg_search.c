/*
 * db_pg_search - an FTS5 MATCH string as SQL over PostgreSQL's
 * message_terms (see db_pg.h)
 *
 * DESCRIPTION
 *	PostgreSQL has no FTS5, so the PostgreSQL driver keeps the
 *	db_tokenize() terms of each archived message in message_terms (list,
 *	message, column, position, term) and answers the same queries from
 *	them. db_pg_search_build() parses the MATCH string lib/archive.c's
 *	archive_fts_query() writes, the part of FTS5's query syntax it
 *	uses: phrases ("a b" or a bare word) with an optional trailing '*',
 *	AND (also implicit), OR, NOT, parentheses and column filters
 *	(col : x, {col col} : x). Precedence is FTS5's: NOT binds tightest,
 *	then AND, then OR. A leading NOT excludes from all of the list.
 *
 *	The SQL is one set of message ids (column "message") within list
 *	$1: a phrase is its first term's rows, each next term at the next
 *	position of the same column (as FTS5, a phrase never spans
 *	columns), the last one a LIKE prefix when the phrase ends in '*';
 *	AND is INTERSECT, OR UNION, NOT EXCEPT. Every term and pattern is a
 *	bound parameter; the only text made from the input is column
 *	numbers, which come from a fixed table. rank is a condition on a
 *	message_terms row "t" that holds when the row is a term of a phrase
 *	the query looks for (not an excluded one): the driver sums the
 *	column weights of those rows.
 * INPUT AND LIMITS
 *	match is untrusted (it carries what a person typed): over
 *	DB_PG_SEARCH_MAX bytes, nesting over DB_PG_SEARCH_DEPTH, or syntax
 *	FTS5 would refuse is MOIM_ERR_INPUT.
 */
#include <string.h>

#include "db.h"
#include "db_pg.h"
#include "err.h"

/* The columns of the index, in FTS5's order (lib/db_sqlite.c). */
static const char *const search_cols[] = {
    "subject", "from_name", "body_text", "attachments"};
#define COLS_ALL ((1u << G_N_ELEMENTS(search_cols)) - 1)

struct parser {
	const char *p;
	int depth;
	struct db_pg_search *q;
	GError **err;
};

/* fail - a syntax error at the parser's place */
static bool
fail(struct parser *ps, const char *why)
{
	return moim_fail(ps->err, MOIM_ERR_INPUT, "search: %s", why);
}

/* skip_space - past white space */
static void
skip_space(struct parser *ps)
{
	while (g_ascii_isspace(*ps->p))
		ps->p++;
}

/* is_bare - whether c may be part of an FTS5 bareword */
static bool
is_bare(char c)
{
	return g_ascii_isalnum(c) || c == '_' || (unsigned char)c >= 0x80;
}

/* keyword - whether the next bareword is kw (then moves past it) */
static bool
keyword(struct parser *ps, const char *kw)
{
	size_t n = strlen(kw);

	skip_space(ps);
	if (strncmp(ps->p, kw, n) != 0 || is_bare(ps->p[n]))
		return false;
	ps->p += n;
	return true;
}

/* add_param - a parameter's number for text v (copied) */
static int
add_param(struct db_pg_search *q, const char *v, int len)
{
	g_ptr_array_add(q->params, g_strndup(v, (gsize)len));
	return (int)q->params->len;
}

/* col_filter - " AND a.col IN (...)" for the columns in mask */
static void
col_filter(GString *out, const char *alias, unsigned mask)
{
	const char *sep = "";

	if (mask == COLS_ALL)
		return;
	g_string_append_printf(out, " AND %s.col IN (", alias);
	for (unsigned i = 0; i < G_N_ELEMENTS(search_cols); i++)
		if (mask & (1u << i)) {
			g_string_append_printf(out, "%s%u", sep, i);
			sep = ", ";
		}
	g_string_append_c(out, ')');
}

struct phrase {
	GPtrArray *terms; /* char * */
};

/* phrase_term - db_token_fn: one term of a phrase */
static int
phrase_term(
    void *ctx, bool is_colocated, const char *term, int len, int start, int end)
{
	struct phrase *ph = ctx;

	(void)start;
	(void)end;
	/* A query has no colocated terms (db.h); FTS5 would take one as a
	 * synonym, which no query of ours asks for. */
	if (!is_colocated)
		g_ptr_array_add(ph->terms, g_strndup(term, (gsize)len));
	return 0;
}

/* like_pattern - term escaped for LIKE, then '%' */
static char *
like_pattern(const char *term)
{
	GString *s = g_string_new(NULL);

	for (const char *p = term; *p != '\0'; p++) {
		if (*p == '\\' || *p == '%' || *p == '_')
			g_string_append_c(s, '\\');
		g_string_append_c(s, *p);
	}
	g_string_append_c(s, '%');
	return g_string_free(s, FALSE);
}

/* term_cond - "a.term = $n" or "a.term LIKE $n", with the rank
 * condition for it */
static void
term_cond(struct parser *ps, GString *out, const char *alias, const char *term,
    bool is_prefix, unsigned mask, bool is_ranked)
{
	g_autofree char *pat = is_prefix ? like_pattern(term) : NULL;
	const char *v = is_prefix ? pat : term;
	int n = add_param(ps->q, v, (int)strlen(v));
	const char *op = is_prefix ? "LIKE" : "=";

	g_string_append_printf(out, "%s.term %s $%d", alias, op, n);
	if (!is_ranked)
		return;
	g_string_append_printf(ps->q->rank, "%s(t.term %s $%d",
	    ps->q->rank->len > 0 ? " OR " : "", op, n);
	col_filter(ps->q->rank, "t", mask);
	g_string_append_c(ps->q->rank, ')');
}

/* emit_phrase - the SQL set of the messages holding text as a phrase */
static void
emit_phrase(struct parser *ps, GString *out, const char *text, bool is_prefix,
    unsigned mask, bool is_ranked)
{
	struct phrase ph = {g_ptr_array_new_with_free_func(g_free)};

	(void)db_tokenize(text, (int)strlen(text), true, phrase_term, &ph);
	if (ph.terms->len == 0 || mask == 0) {
		/* FTS5: an empty phrase, or no column to look in, matches
		 * nothing. */
		g_string_append(
		    out, "SELECT message FROM message_terms WHERE false");
		g_ptr_array_free(ph.terms, TRUE);
		return;
	}
	g_string_append(out,
	    "SELECT DISTINCT a.message FROM message_terms a"
	    " WHERE a.list_id = $1::bigint AND ");
	for (guint i = 0; i < ph.terms->len; i++) {
		bool is_last = i + 1 == ph.terms->len;

		if (i > 0)
			g_string_append_printf(out,
			    " AND EXISTS (SELECT 1 FROM message_terms b"
			    " WHERE b.message = a.message AND b.col = a.col"
			    " AND b.pos = a.pos + %u AND ",
			    i);
		term_cond(ps, out, i > 0 ? "b" : "a", ph.terms->pdata[i],
		    is_prefix && is_last, mask, is_ranked);
		if (i > 0)
			g_string_append_c(out, ')');
	}
	col_filter(out, "a", mask);
	g_ptr_array_free(ph.terms, TRUE);
}

/* read_string - a quoted FTS5 string ("" is a quote) at ps->p */
static char *
read_string(struct parser *ps)
{
	GString *s = g_string_new(NULL);

	ps->p++;
	for (;;) {
		if (*ps->p == '\0') {
			g_string_free(s, TRUE);
			fail(ps, "unterminated string");
			return NULL;
		}
		if (*ps->p == '"' && ps->p[1] != '"')
			break;
		if (*ps->p == '"')
			ps->p++;
		g_string_append_c(s, *ps->p++);
	}
	ps->p++;
	return g_string_free(s, FALSE);
}

/* read_word - a bareword at ps->p, or NULL when there is none */
static char *
read_word(struct parser *ps)
{
	const char *s = ps->p;

	while (is_bare(*ps->p))
		ps->p++;
	if (ps->p == s)
		return NULL;
	return g_strndup(s, (gsize)(ps->p - s));
}

/* col_index - the index of column name, or -1 */
static int
col_index(const char *name)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(search_cols); i++)
		if (strcmp(search_cols[i], name) == 0)
			return (int)i;
	/* SQLite's list tag column: PostgreSQL keeps the list in a column
	 * of its own, so nothing is found in it. */
	return strcmp(name, "list_tag") == 0 ? (int)G_N_ELEMENTS(search_cols)
					     : -1;
}

/* col_set - a column filter "{a b}" at ps->p as a mask; false on error */
static bool
col_set(struct parser *ps, unsigned *mask_out)
{
	*mask_out = 0;
	ps->p++;
	for (;;) {
		g_autofree char *w = NULL;
		int i;

		skip_space(ps);
		if (*ps->p == '}') {
			ps->p++;
			return true;
		}
		w = read_word(ps);
		if (w == NULL || (i = col_index(w)) < 0)
			return fail(ps, "bad column filter");
		*mask_out |= 1u << i;
	}
}

static bool parse_or(
    struct parser *ps, GString *out, unsigned mask, bool is_ranked);

/* parse_primary - a phrase, a parenthesised expression, or either
 * after a column filter */
static bool
parse_primary(struct parser *ps, GString *out, unsigned mask, bool is_ranked)
{
	g_autofree char *text = NULL;
	bool is_prefix = false, is_quoted;

	skip_space(ps);
	if (*ps->p == '(') {
		if (++ps->depth > DB_PG_SEARCH_DEPTH)
			return fail(ps, "nested too deep");
		ps->p++;
		g_string_append_c(out, '(');
		if (!parse_or(ps, out, mask, is_ranked))
			return false;
		skip_space(ps);
		if (*ps->p != ')')
			return fail(ps, "expected )");
		ps->p++;
		ps->depth--;
		g_string_append_c(out, ')');
		return true;
	}
	if (*ps->p == '{') {
		unsigned m;

		if (!col_set(ps, &m))
			return false;
		skip_space(ps);
		if (*ps->p != ':')
			return fail(ps, "expected :");
		ps->p++;
		return parse_primary(ps, out, mask & m, is_ranked);
	}
	is_quoted = *ps->p == '"';
	if (is_quoted)
		text = read_string(ps);
	else if ((text = read_word(ps)) == NULL)
		return fail(ps, "expected a phrase");
	if (text == NULL)
		return false;
	skip_space(ps);
	if (*ps->p == ':' && !is_quoted) {
		int i = col_index(text);

		if (i < 0)
			return fail(ps, "no such column");
		ps->p++;
		return parse_primary(ps, out, mask & (1u << i), is_ranked);
	}
	if (*ps->p == '*') {
		is_prefix = true;
		ps->p++;
	}
	emit_phrase(ps, out, text, is_prefix, mask, is_ranked);
	return true;
}

/* parse_operand - a primary in parentheses of its own (set operations
 * take parenthesised operands) */
static bool
parse_operand(struct parser *ps, GString *out, unsigned mask, bool is_ranked)
{
	g_string_append_c(out, '(');
	if (!parse_primary(ps, out, mask, is_ranked))
		return false;
	g_string_append_c(out, ')');
	return true;
}

typedef bool (*parse_fn)(
    struct parser *ps, GString *out, unsigned mask, bool is_ranked);

/* parse_chain - sub (kw sub)*, joined by the set operation op; what
 * follows NOT is excluded, so it is not ranked */
static bool
parse_chain(struct parser *ps, GString *out, unsigned mask, bool is_ranked,
    const char *kw, const char *op, parse_fn sub)
{
	g_string_append_c(out, '(');
	if (!sub(ps, out, mask, is_ranked))
		return false;
	while (keyword(ps, kw)) {
		g_string_append(out, op);
		if (!sub(ps, out, mask, is_ranked && strcmp(kw, "NOT") != 0))
			return false;
	}
	g_string_append_c(out, ')');
	return true;
}

/* parse_not - primary (NOT primary)* */
static bool
parse_not(struct parser *ps, GString *out, unsigned mask, bool is_ranked)
{
	return parse_chain(
	    ps, out, mask, is_ranked, "NOT", " EXCEPT ", parse_operand);
}

/* at_operand - whether an operand (not ')', OR, or the end) follows */
static bool
at_operand(struct parser *ps)
{
	const char *save = ps->p;
	bool is_or;

	skip_space(ps);
	if (*ps->p == '\0' || *ps->p == ')')
		return false;
	is_or = keyword(ps, "OR");
	ps->p = save;
	return !is_or;
}

/* parse_and - not ([AND] not)* */
static bool
parse_and(struct parser *ps, GString *out, unsigned mask, bool is_ranked)
{
	g_string_append_c(out, '(');
	if (!parse_not(ps, out, mask, is_ranked))
		return false;
	for (;;) {
		(void)keyword(ps, "AND");
		if (!at_operand(ps))
			break;
		g_string_append(out, " INTERSECT ");
		if (!parse_not(ps, out, mask, is_ranked))
			return false;
	}
	g_string_append_c(out, ')');
	return true;
}

/* parse_or - and (OR and)* */
static bool
parse_or(struct parser *ps, GString *out, unsigned mask, bool is_ranked)
{
	return parse_chain(
	    ps, out, mask, is_ranked, "OR", " UNION ", parse_and);
}

/* db_pg_search_build - match as SQL over message_terms (see the top) */
bool
db_pg_search_build(const char *match, struct db_pg_search *q, GError **err)
{
	struct parser ps = {match, 0, q, err};

	q->set = g_string_new(NULL);
	q->rank = g_string_new(NULL);
	q->params = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(q->params, NULL); /* $1: the list, set by the caller */
	if (strlen(match) > DB_PG_SEARCH_MAX)
		return fail(&ps, "query too long");
	if (keyword(&ps, "NOT")) {
		g_string_append(q->set,
		    "(SELECT id AS message FROM messages"
		    " WHERE list_id = $1::bigint) EXCEPT ");
		if (!parse_operand(&ps, q->set, COLS_ALL, false))
			return false;
	} else if (!parse_or(&ps, q->set, COLS_ALL, true)) {
		return false;
	}
	skip_space(&ps);
	if (*ps.p != '\0')
		return fail(&ps, "unexpected text");
	if (q->rank->len == 0)
		g_string_append(q->rank, "false");
	return true;
}

/* db_pg_search_clear - release what db_pg_search_build() made */
void
db_pg_search_clear(struct db_pg_search *q)
{
	if (q->set != NULL)
		g_string_free(q->set, TRUE);
	if (q->rank != NULL)
		g_string_free(q->rank, TRUE);
	if (q->params != NULL)
		g_ptr_array_unref(q->params);
	memset(q, 0, sizeof(*q));
}
