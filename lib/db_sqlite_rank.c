/*
 * db_sqlite_rank - moim_rank(), the archive's bm25 without the work for
 * the list-tag phrase (see db_sqlite_rank.h)
 *
 * DESCRIPTION
 *	The arithmetic is bm25's (SQLite fts5_aux.c) step for step, in the
 *	same order, so that the scores are the same doubles: k1 = 1.2,
 *	b = 0.75, avgdl = tokens of the table / rows, per phrase
 *	idf = log((N - hits + 0.5) / (hits + 0.5)) (at least 1e-6), the
 *	weighted number of the phrase's instances in the row, D = the row's
 *	tokens in all columns, and the score minus the sum.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "db_sqlite_rank.h"

/* Column weights: subject, from_name, body_text, attachments, list_tag. */
static const double weights[] = {4.0, 2.0, 1.0, 1.0, 0.0};

/* What a query computes once: avgdl and each scored phrase's idf. */
struct rank_data {
	int nphrase;
	double avgdl;
	double *idf; /* [nphrase] */
};

/* count_row - xQueryPhrase callback: one more row holds the phrase */
static int
count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *user)
{
	(void)api;
	(void)fts;
	(*(sqlite3_int64 *)user)++;
	return SQLITE_OK;
}

/* rank_data_get - the query's rank_data, computed at its first row */
static int
rank_data_get(const Fts5ExtensionApi *api, Fts5Context *fts, int first,
    struct rank_data **out)
{
	struct rank_data *p = api->xGetAuxdata(fts, 0);
	sqlite3_int64 nrow = 0, ntoken = 0;
	int n, rc;

	*out = p;
	if (p != NULL)
		return SQLITE_OK;
	n = api->xPhraseCount(fts);
	p = sqlite3_malloc64(sizeof(*p) + sizeof(double) * (size_t)n);
	if (p == NULL)
		return SQLITE_NOMEM;
	memset(p, 0, sizeof(*p) + sizeof(double) * (size_t)n);
	p->nphrase = n;
	p->idf = (double *)&p[1];
	rc = api->xRowCount(fts, &nrow);
	if (rc == SQLITE_OK)
		rc = api->xColumnTotalSize(fts, -1, &ntoken);
	if (rc == SQLITE_OK)
		p->avgdl = (double)ntoken / (double)nrow;
	for (int i = first; rc == SQLITE_OK && i < n; i++) {
		sqlite3_int64 hits = 0;
		double idf;

		/* One scored phrase: any positive idf gives bm25's order. */
		if (n - first == 1) {
			p->idf[i] = 1.0;
			break;
		}
		rc = api->xQueryPhrase(fts, i, &hits, count_row);
		idf = log((nrow - hits + 0.5) / (hits + 0.5));
		p->idf[i] = idf <= 0.0 ? 1e-6 : idf;
	}
	if (rc == SQLITE_OK)
		rc = api->xSetAuxdata(fts, p, sqlite3_free);
	else
		sqlite3_free(p);
	*out = rc == SQLITE_OK ? p : NULL;
	return rc;
}

/* phrase_freq - the weighted number of instances of phrase i in the row */
static int
phrase_freq(const Fts5ExtensionApi *api, Fts5Context *fts, int i, double *out)
{
	Fts5PhraseIter it;
	int col = 0, off = 0;
	int rc = api->xPhraseFirst(fts, i, &it, &col, &off);

	*out = 0.0;
	for (; rc == SQLITE_OK && col >= 0;
	     api->xPhraseNext(fts, &it, &col, &off))
		*out += col < (int)(sizeof(weights) / sizeof(weights[0]))
		    ? weights[col]
		    : 1.0;
	return rc;
}

/* size_sum - the sum of the varints of a docsize record (FTS5 writes
 * one per column with SQLite's varint format), or -1 when it is not one */
static int
size_sum(const unsigned char *p, int n)
{
	sqlite3_int64 sum = 0;

	for (int i = 0; i < n;) {
		sqlite3_uint64 v = 0;
		int k = 0;

		/* Up to 8 bytes of 7 bits with a continuation bit, then a
		 * ninth byte of 8 bits. */
		for (; i < n && k < 8 && (p[i] & 0x80); i++, k++)
			v = (v << 7) | (p[i] & 0x7f);
		if (i == n)
			return -1;
		v = k == 8 ? (v << 8) | p[i] : (v << 7) | p[i];
		i++;
		sum += (sqlite3_int64)v;
		if (v > INT32_MAX || sum > INT32_MAX)
			return -1;
	}
	return (int)sum;
}

/* row_size - the row's tokens in all columns: from its docsize record
 * when the query joined it (one step of the same statement), else from
 * FTS5 (a statement of its own per row) */
static int
row_size(
    const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_value *sz, int *out)
{
	if (sz != NULL && sqlite3_value_type(sz) == SQLITE_BLOB) {
		int n =
		    size_sum(sqlite3_value_blob(sz), sqlite3_value_bytes(sz));

		if (n >= 0) {
			*out = n;
			return SQLITE_OK;
		}
	}
	return api->xColumnSize(fts, -1, out);
}

/* rank - moim_rank(messages_fts, first [, sz]) for the current row */
static void
rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
    int nval, sqlite3_value **val)
{
	const double k1 = 1.2, b = 0.75;
	int first = nval > 0 ? sqlite3_value_int(val[0]) : 0;
	struct rank_data *p = NULL;
	double score = 0.0, freq, d = 0.0;
	int rc, ntok = 0;

	if (first < 0)
		first = 0;
	rc = rank_data_get(api, fts, first, &p);
	if (rc == SQLITE_OK)
		rc = row_size(api, fts, nval > 1 ? val[1] : NULL, &ntok);
	d = (double)ntok;
	for (int i = first; rc == SQLITE_OK && i < p->nphrase; i++) {
		rc = phrase_freq(api, fts, i, &freq);
		if (rc == SQLITE_OK)
			score += p->idf[i] *
			    ((freq * (k1 + 1.0)) /
				(freq + k1 * (1 - b + b * d / p->avgdl)));
	}
	if (rc == SQLITE_OK)
		sqlite3_result_double(ctx, -1.0 * score);
	else
		sqlite3_result_error_code(ctx, rc);
}

/* db_sqlite_rank_register - add moim_rank() to the connection of api */
bool
db_sqlite_rank_register(fts5_api *api)
{
	return api->xCreateFunction(api, "moim_rank", NULL, rank, NULL) ==
	    SQLITE_OK;
}
