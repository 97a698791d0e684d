/*
 * db_tokenize - the archive's search terms, for every engine's index
 *
 * DESCRIPTION
 *	db_tokenize() of lib/db.h: SQLite's FTS5 tokenizer "moim" calls it
 *	(lib/db_sqlite.c), and so can another engine's index, so that both
 *	find the same messages for the same words.
 */
#include <stdbool.h>

#include "db.h"

/*
 * The archive's search terms, the same for every engine. Latin (and any other
 * alphabetic) words are emitted case-folded. Runs of Hangul and other CJK
 * characters are emitted as overlapping bigrams, with the last character of
 * each run also emitted alone at the position of the last bigram (colocated): a
 * phrase of bigrams then matches exactly the substrings a person types
 * (모임 finds 모임을, 모임에서), and a prefix query on one syllable finds
 * it anywhere, because every occurrence starts a bigram or ends a run.
 */
#define TOK_MAX_WORD 64

enum tok_class { TOK_SPACE, TOK_WORD, TOK_CJK };

/* tok_class_of - which kind of character u is */
static enum tok_class
tok_class_of(gunichar u)
{
	if ((u >= 0xac00 && u <= 0xd7a3) || (u >= 0x1100 && u <= 0x11ff) ||
	    (u >= 0x3130 && u <= 0x318f) || (u >= 0x3040 && u <= 0x30ff) ||
	    (u >= 0x3400 && u <= 0x4dbf) || (u >= 0x4e00 && u <= 0x9fff) ||
	    (u >= 0xf900 && u <= 0xfaff))
		return TOK_CJK;
	if (u < 0x80)
		return g_ascii_isalnum(u) ? TOK_WORD : TOK_SPACE;
	return g_unichar_isalnum(u) || g_unichar_ismark(u) ? TOK_WORD
							   : TOK_SPACE;
}

struct tok_char {
	int start, end;
	gunichar u;
	enum tok_class cls;
};

/* tok_next - the character at *pos in text (invalid bytes are spaces) */
static void
tok_next(const char *text, int len, int *pos, struct tok_char *c)
{
	const unsigned char *p = (const unsigned char *)text + *pos;

	c->start = *pos;
	if (*p < 0x80) {
		c->u = *p;
		*pos += 1;
	} else {
		c->u = g_utf8_get_char_validated((const char *)p, len - *pos);
		if (c->u == (gunichar)-1 || c->u == (gunichar)-2) {
			c->u = ' ';
			*pos += 1;
		} else {
			*pos += g_utf8_skip[*p];
		}
	}
	c->end = *pos;
	c->cls = tok_class_of(c->u);
}

struct tok_ctx {
	void *ctx;
	bool is_query; /* a query needs no run-end unigrams: they would be
			* synonyms of the bigram at that position */
	db_token_fn emit;
};

/* tok_word - emit the case-folded word text[start, end) */
static int
tok_word(struct tok_ctx *t, const char *text, int start, int end)
{
	char buf[TOK_MAX_WORD + 8];
	int n = 0, pos = start;

	while (pos < end && n < TOK_MAX_WORD) {
		struct tok_char c;

		tok_next(text, end, &pos, &c);
		if (c.u < 0x80)
			buf[n++] = g_ascii_tolower((char)c.u);
		else
			n += g_unichar_to_utf8(g_unichar_tolower(c.u), buf + n);
	}
	return t->emit(t->ctx, 0, buf, n, start, end);
}

/* tok_cjk - emit the bigrams of a CJK run and its last character */
static int
tok_cjk(struct tok_ctx *t, const char *text, const struct tok_char *run, int n)
{
	int rc = 0;

	for (int i = 0; i + 1 < n && rc == 0; i++)
		rc = t->emit(t->ctx, 0, text + run[i].start,
		    run[i + 1].end - run[i].start, run[i].start,
		    run[i + 1].end);
	if (rc == 0 && (n == 1 || !t->is_query))
		rc = t->emit(t->ctx, n > 1 ? true : false,
		    text + run[n - 1].start, run[n - 1].end - run[n - 1].start,
		    run[n - 1].start, run[n - 1].end);
	return rc;
}

/* tok_run - the run of class cls from *pos; emits it */
static int
tok_run(struct tok_ctx *t, const char *text, int len, int *pos,
    const struct tok_char *first)
{
	struct tok_char run[TOK_MAX_WORD];
	int n = 0, start = first->start, end = first->end;

	run[n++] = *first;
	while (*pos < len) {
		struct tok_char c;
		int save = *pos;

		tok_next(text, len, pos, &c);
		if (c.cls != first->cls) {
			*pos = save;
			break;
		}
		end = c.end;
		if (first->cls == TOK_CJK && n == TOK_MAX_WORD) {
			/* Long runs go in chunks that overlap by one. */
			int rc = tok_cjk(t, text, run, n);

			if (rc != 0)
				return rc;
			run[0] = run[n - 1];
			n = 1;
		}
		if (first->cls == TOK_CJK)
			run[n++] = c;
	}
	if (first->cls == TOK_CJK)
		return tok_cjk(t, text, run, n);
	return tok_word(t, text, start, end);
}

/* db_tokenize - emit the search terms of text[0, len) */
int
db_tokenize(
    const char *text, int len, bool is_query, db_token_fn emit, void *ctx)
{
	struct tok_ctx t = {ctx, is_query, emit};
	int pos = 0, rc = 0;

	while (pos < len && rc == 0) {
		struct tok_char c;

		tok_next(text, len, &pos, &c);
		if (c.cls != TOK_SPACE)
			rc = tok_run(&t, text, len, &pos, &c);
	}
	return rc;
}
