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
 *	The SQL is one set of rows (message, score), one per matching
 *	message of list $1, each a join the planner can run newest first
 *	and stop at a limit (see db_pg_schema.c for message_terms: one row
 *	per term of a message, with its encoded positions and weight). A
 *	phrase is its first term's rows joined with each next exact term's
 *	row of the same message, kept when one position of the first is
 *	followed by the others' positions in the same column (as FTS5, a
 *	phrase never spans columns), the last one a LIKE prefix when the
 *	phrase ends in '*'. AND joins its operands, NOT keeps the messages
 *	without a row in what follows (NOT EXISTS), OR is UNION ALL grouped
 *	by message. Every term and pattern is a bound parameter; the only
 *	text made from the input is column numbers, which come from a fixed
 *	table. score is the sum of the column weights of the occurrences of
 *	the phrases' exact terms (subject 4, from_name 2, body and
 *	attachments 1, within a column filter), 0 for excluded phrases; the
 *	driver ranks by it.
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

/* col_list - "IN (0, 2)": the columns in mask */
static void
col_list(GString *out, unsigned mask)
{
	const char *sep = "";

	g_string_append(out, "IN (");
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

/* term_param - the parameter number of term (a LIKE pattern when
 * is_prefix) */
static int
term_param(struct parser *ps, const char *term, bool is_prefix)
{
	g_autofree char *pat = is_prefix ? like_pattern(term) : NULL;
	const char *v = is_prefix ? pat : term;

	return add_param(ps->q, v, (int)strlen(v));
}

/* POS(a) - the SQL of the positions of message_terms row a, which are
 * in message_terms_more when there are many (db_pg_schema.c) */
#define POS(a)                                                                 \
	"coalesce(" a ".pos, (SELECT o.pos FROM message_terms_more o"          \
	" WHERE o.message = " a ".message AND o.term = " a ".term))"

/* The weight of an encoded position p (subject 4, from_name 2, body and
 * attachments 1). */
#define POS_WEIGHT "CASE p >> 28 WHEN 0 THEN 4 WHEN 1 THEN 2 ELSE 1 END"

/* term_score - the score of row alias's occurrences in mask */
static void
term_score(GString *out, const char *alias, int i, unsigned mask)
{
	if (mask == COLS_ALL) {
		g_string_append_printf(out, "%s%d.w", alias, i);
		return;
	}
	g_string_append_printf(out,
	    "(SELECT coalesce(sum(" POS_WEIGHT
	    "), 0) FROM unnest(" POS("%s%d") ") p WHERE p >> 28 ",
	    alias, i, alias, i, alias, i);
	col_list(out, mask);
	g_string_append_c(out, ')');
}

/* A phrase's first PHRASE_JOINED exact terms are joined (the planner
 * chooses the order: the rarest first); the others are looked up for
 * each candidate. */
#define PHRASE_JOINED 8

/* emit_phrase - the rows (message, score) of the messages holding text
 * as a phrase (see the top) */
static void
emit_phrase(struct parser *ps, GString *out, const char *text, bool is_prefix,
    unsigned mask, bool is_ranked)
{
	struct phrase ph = {g_ptr_array_new_with_free_func(g_free)};
	bool is_lone_prefix;
	guint n, joined;

	(void)db_tokenize(text, (int)strlen(text), true, phrase_term, &ph);
	n = ph.terms->len;
	if (n == 0 || mask == 0) {
		/* FTS5: an empty phrase, or no column to look in, matches
		 * nothing. */
		g_string_append(out,
		    "SELECT NULL::bigint AS message,"
		    " 0 AS score WHERE false");
		g_ptr_array_free(ph.terms, TRUE);
		return;
	}
	/* A lone prefix term is the phrase (one row per matching term of a
	 * message, grouped); otherwise the exact terms are joined, and a
	 * last prefix term is looked for among the message's rows. */
	is_lone_prefix = is_prefix && n == 1;
	joined = MIN(is_prefix && n > 1 ? n - 1 : n, PHRASE_JOINED);
	g_string_append(out, "SELECT a0.message, ");
	if (is_lone_prefix)
		g_string_append(out, "sum(");
	for (guint i = 0; i < joined && is_ranked; i++) {
		if (i > 0)
			g_string_append(out, " + ");
		term_score(out, "a", (int)i, mask);
	}
	if (!is_ranked)
		g_string_append_c(out, '0');
	if (is_lone_prefix)
		g_string_append_c(out, ')');
	g_string_append(out, " AS score FROM message_terms a0");
	for (guint i = 1; i < joined; i++)
		g_string_append_printf(out,
		    " JOIN message_terms a%u ON a%u.list_id = $1::bigint"
		    " AND a%u.term = $%d AND a%u.message = a0.message",
		    i, i, i, term_param(ps, ph.terms->pdata[i], false), i);
	g_string_append_printf(out,
	    " WHERE a0.list_id = $1::bigint AND a0.term %s $%d",
	    is_lone_prefix ? "LIKE" : "=",
	    term_param(ps, ph.terms->pdata[0], is_lone_prefix));
	if (n > 1 || mask != COLS_ALL) {
		g_string_append(out,
		    " AND EXISTS (SELECT 1 FROM"
		    " unnest(" POS("a0") ") p WHERE true");
		if (mask != COLS_ALL) {
			g_string_append(out, " AND p >> 28 ");
			col_list(out, mask);
		}
		for (guint i = 1; i < joined; i++)
			g_string_append_printf(out,
			    " AND p + %u = ANY (" POS("a%u") ")", i, i, i, i);
		for (guint i = joined; i < n; i++) {
			bool is_like = is_prefix && i + 1 == n;

			g_string_append_printf(out,
			    " AND EXISTS (SELECT 1 FROM message_terms z%u"
			    " WHERE z%u.message = a0.message AND z%u.term %s"
			    " $%d AND p + %u = ANY (" POS("z%u") "))",
			    i, i, i, is_like ? "LIKE" : "=",
			    term_param(ps, ph.terms->pdata[i], is_like), i, i,
			    i, i);
		}
		g_string_append_c(out, ')');
	}
	if (is_lone_prefix)
		g_string_append(out, " GROUP BY a0.message");
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

/* The operators by precedence, loosest first; AND may be left out. */
enum level { LEVEL_OR, LEVEL_AND, LEVEL_NOT, LEVEL_PRIMARY };

static const struct {
	const char *kw;
	bool is_implicit;
} levels[] = {
    [LEVEL_OR] = {"OR", false},
    [LEVEL_AND] = {"AND", true},
    [LEVEL_NOT] = {"NOT", false},
};

static bool parse_chain(struct parser *ps, GString *out, unsigned mask,
    bool is_ranked, enum level level);

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
		if (!parse_chain(ps, out, mask, is_ranked, LEVEL_OR))
			return false;
		skip_space(ps);
		if (*ps->p != ')')
			return fail(ps, "expected )");
		ps->p++;
		ps->depth--;
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

/* combine - the operands' rows joined by level's operator into out:
 * AND a join on message (scores added), NOT the first operand's rows
 * with no row in the others, OR all rows grouped by message (scores
 * added) */
static void
combine(GString *out, enum level level, GPtrArray *ops)
{
	if (ops->len == 1) {
		g_string_append(out, ops->pdata[0]);
		return;
	}
	if (level == LEVEL_OR) {
		g_string_append(out,
		    "SELECT x.message, sum(x.score) AS score"
		    " FROM (");
		for (guint i = 0; i < ops->len; i++)
			g_string_append_printf(out, "%s(%s)",
			    i > 0 ? " UNION ALL " : "",
			    (const char *)ops->pdata[i]);
		g_string_append(out, ") x GROUP BY x.message");
		return;
	}
	g_string_append(out, "SELECT x0.message, x0.score");
	for (guint i = 1; i < ops->len && level == LEVEL_AND; i++)
		g_string_append_printf(out, " + x%u.score", i);
	g_string_append_printf(
	    out, " AS score FROM (%s) x0", (const char *)ops->pdata[0]);
	for (guint i = 1; i < ops->len; i++)
		if (level == LEVEL_AND)
			g_string_append_printf(out,
			    " JOIN (%s) x%u ON x%u.message = x0.message",
			    (const char *)ops->pdata[i], i, i);
		else
			g_string_append_printf(out,
			    " %s NOT EXISTS (SELECT 1 FROM (%s) x%u"
			    " WHERE x%u.message = x0.message)",
			    i > 1 ? "AND" : "WHERE",
			    (const char *)ops->pdata[i], i, i);
}

/* parse_chain - sub (kw sub)* at level (sub being the next level), kw
 * optional between operands when the level's is_implicit; what follows
 * NOT is excluded, so it is not ranked */
static bool
parse_chain(struct parser *ps, GString *out, unsigned mask, bool is_ranked,
    enum level level)
{
	g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func(g_free);

	for (;;) {
		GString *op = g_string_new(NULL);
		bool ok, is_excluded = level == LEVEL_NOT && ops->len > 0;

		ok = level + 1 == LEVEL_PRIMARY
		    ? parse_primary(ps, op, mask, is_ranked && !is_excluded)
		    : parse_chain(
			  ps, op, mask, is_ranked, (enum level)(level + 1));
		g_ptr_array_add(ops, g_string_free(op, FALSE));
		if (!ok)
			return false;
		if (levels[level].is_implicit) {
			(void)keyword(ps, levels[level].kw);
			if (!at_operand(ps))
				break;
		} else if (!keyword(ps, levels[level].kw)) {
			break;
		}
	}
	combine(out, level, ops);
	return true;
}

/* db_pg_search_build - match as SQL over message_terms (see the top) */
bool
db_pg_search_build(const char *match, struct db_pg_search *q, GError **err)
{
	struct parser ps = {match, 0, q, err};

	q->set = g_string_new(NULL);
	q->params = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(q->params, NULL); /* $1: the list, set by the caller */
	if (strlen(match) > DB_PG_SEARCH_MAX)
		return fail(&ps, "query too long");
	if (keyword(&ps, "NOT")) {
		GString *op = g_string_new(NULL);
		bool ok = parse_primary(&ps, op, COLS_ALL, false);

		g_string_append_printf(q->set,
		    "SELECT m.id AS message, 0 AS score FROM messages m"
		    " WHERE m.list_id = $1::bigint AND NOT EXISTS (SELECT 1"
		    " FROM (%s) x WHERE x.message = m.id)",
		    op->str);
		g_string_free(op, TRUE);
		if (!ok)
			return false;
	} else if (!parse_chain(&ps, q->set, COLS_ALL, true, LEVEL_OR)) {
		return false;
	}
	skip_space(&ps);
	if (*ps.p != '\0')
		return fail(&ps, "unexpected text");
	return true;
}

/* db_pg_search_clear - release what db_pg_search_build() made */
void
db_pg_search_clear(struct db_pg_search *q)
{
	if (q->set != NULL)
		g_string_free(q->set, TRUE);
	if (q->params != NULL)
		g_ptr_array_unref(q->params);
	memset(q, 0, sizeof(*q));
}
