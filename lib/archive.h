/*
 * archive - what the archive keeps of a post: text, threads, search, mbox
 *
 * SYNOPSIS
 *	bool archive_doc_parse(const char *buf, size_t len,
 *	    struct archive_doc **d_out, GError **err);
 *	struct archive_doc *archive_doc_new(GMimeMessage *m, const char *raw,
 *	    size_t len);
 *	void archive_doc_free(struct archive_doc *d);
 *	char *archive_base_subject(const char *subject);
 *	char *archive_fts_query(const char *query, GError **err);
GPtrArray *archive_search(struct store *s, gint64 list_id, const char *query,
    int limit, gint64 *total_out, GError **err);
GPtrArray *archive_search_newest(struct store *s, gint64 list_id,
    const char *query, int limit, int offset, gint64 *total_out, GError **err);
char *archive_snippet(const char *text, const char *query);
 *	GPtrArray *archive_search_newest(struct store *s, gint64 list_id,
 *	    const char *query, int limit, int offset, gint64 *total_out,
 *	    GError **err);
 *	GPtrArray *archive_search(struct store *s, gint64 list_id,
 *	    const char *query, int limit, gint64 *total_out, GError **err);
 *	char *archive_snippet(const char *text, const char *query);
 *	bool archive_add(struct store *s, gint64 list_id, GMimeMessage *m,
 *	    const char *raw, size_t len, gint64 now, bool *added_out,
 *	    GError **err);
 *	struct archive_forest *archive_thread(const struct archive_tmsg *msgs,
 *	    size_t n);
 *	void archive_forest_free(struct archive_forest *f);
 *	struct archive_mbox *archive_mbox_new(FILE *f);
 *	bool archive_mbox_next(struct archive_mbox *mb, GBytes **msg_out,
 *	    GError **err);
 *	void archive_mbox_free(struct archive_mbox *mb);
 *	void archive_mbox_append(GString *out, const char *from_addr,
 *	    gint64 date, const char *raw, size_t len);
 *	bool archive_attachment(const char *buf, size_t len, int n,
 *	    char **name_out, GBytes **data_out, GError **err);
 * DESCRIPTION
 *	archive_doc_parse() and archive_doc_new() extract what the archive
 *	indexes: Message-ID (a stable one made from a hash of the bytes when
 *	the header is missing), References and In-Reply-To as one list
 *	(oldest first, no duplicates, not the message itself), subject and
 *	its base (archive_base_subject()), sender, date, the body text
 *	decoded to UTF-8 (mime_body_text(): text/plain preferred, HTML
 *	reduced to text, any charset iconv knows, lying or unknown charsets
 *	degrade to UTF-8 or Latin-1) and one line per attachment giving its
 *	file name and decoded size.
 *
 *	archive_base_subject() drops leading reply and forward markers (Re:,
 *	RE[2]:, Fwd:, Fw:, AW:, SV:, 답장:, 회신:, 전달:) and list tags
 *	("[list]") and folds white space, so that replies whose parents are
 *	missing still find their thread.
 *
 *	archive_fts_query() turns what a person typed into an FTS5 MATCH
 *	string by moim's query syntax (moimctl(8), SEARCH SYNTAX): words
 *	(all must match), "quoted phrases" (an unbalanced quote runs to the
 *	end), word* and "phrase"* prefixes, OR between terms (binding
 *	tighter than AND), -term and NOT term. Every word and phrase
 *	becomes one quoted FTS5 string (quotes doubled), so no input is
 *	FTS5 syntax (NEAR, column filters, ^, parentheses are text); a term
 *	ending in a lone Hangul (or other CJK) syllable is a prefix query,
 *	because the index holds syllable bigrams and that syllable alone
 *	only at the end of a run; a term with a digit is kept to the text
 *	columns (never a list's tag "lN"). The result is "(P)",
 *	"(P) NOT (N)" or "NOT (N)" (exclusions only).
 *
 *	archive_search() runs what a person typed against a list's index:
 *	the best limit matches (all when limit <= 0; bm25, subject weighted
 *	over sender over body, among the newest 2,000 matches so that a
 *	common word stays fast), each with a snippet, and the number of all
 *	matches in *total_out (may be NULL). archive_search_newest() gives
 *	the same matches newest first (archive order), limit of them after
 *	skipping offset, and counts at most STORE_SEARCH_COUNT_MAX + 1 in
 *	*total_out: the web's pages, whose cost must not grow with how
 *	common a word is. archive_snippet() is up to
 *	about 200 bytes of text around the first phrase or word of the
 *	query found in it (ASCII case ignored; not an excluded one nor an
 *	operator; a phrase found only with other spacing marks its first
 *	word), the hit in [brackets], on one line.
 *
 *	archive_add() keeps a post: the raw bytes, the extracted document
 *	and a thread. The thread is that of the nearest archived message
 *	the post refers to; else that of archived replies which name the
 *	post as their missing parent (several such threads are merged);
 *	else, for a subject with a reply marker, the newest thread with the
 *	same base subject; else a new thread. A Message-ID already in the
 *	list's archive is skipped (*added_out false).
 *
 *	archive_thread() is the JWZ algorithm over a set of messages: each
 *	node is a message or a ghost (a referenced message not in the set);
 *	reference loops are broken, never followed. Roots without children
 *	that are ghosts are dropped; ghosts with one child are kept, so a
 *	caller can show a missing parent.
 *
 *	archive_mbox_next() reads the next message of an mbox (mboxrd,
 *	mboxo, Mailman/pipermail and mlmmj exports): a From_ line starts a
 *	message at the start of the file or after an empty line, ">From "
 *	lines lose one '>', and the empty separator line is removed. It
 *	sets *msg_out to NULL at the end of the file. archive_mbox_append()
 *	writes one mboxrd message: a From_ line, the raw bytes with
 *	">*From " lines escaped, a final newline if missing and an empty
 *	line, so that export, import and export give identical bytes.
 *
 *	archive_attachment() gives the n-th (from 1) attachment of a message
 *	in the order and by the rule of the attachment lines: its file name
 *	(as listed) and decoded bytes; *data_out is NULL when there is no
 *	such attachment.
 * OWNERSHIP
 *	Returned structs and strings are the caller's (archive_search():
 *	a GPtrArray of struct store_archive_entry); *msg_out is a new
 *	GBytes. archive_doc_new() borrows m and raw. Nodes of a forest
 *	point into the forest and into msgs, which must outlive it.
 * INPUT AND LIMITS
 *	Messages are untrusted: over MOIM_MAX_MESSAGE bytes is
 *	MOIM_ERR_INPUT, and lib/mime applies its limits. Body text is cut at
 *	MOIM_MAX_ARCHIVE_TEXT bytes, attachments listed up to
 *	MOIM_MAX_ARCHIVE_ATTACHMENTS, references kept up to MOIM_MAX_REFS.
 *	Queries over MOIM_MAX_ARCHIVE_QUERY bytes, not UTF-8, or with
 *	nothing to search for are MOIM_ERR_INPUT; any other query is
 *	searched (no FTS5 syntax error can come of one).
 * THREADS
 *	No shared state; a struct archive_mbox belongs to one thread.
 * ERRORS
 *	MOIM_ERR_INPUT for a message or query we cannot use (the caller
 *	skips it); store errors as the store gives them; an mbox read error
 *	is MOIM_ERR_TEMP.
 * SEE ALSO
 *	https://www.jwz.org/doc/threading.html; RFC 4155 (mbox), RFC 5322
 *	3.6.4; lib/store.h (Archive), lib/mime.h.
 */
#ifndef MOIM_ARCHIVE_H
#define MOIM_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "limits.h"
#include "store.h"

struct archive_doc {
	char *message_id; /* without angle brackets */
	GPtrArray *refs; /* char *: oldest first, unique, not message_id */
	char *subject; /* UTF-8, or NULL */
	char *base_subject; /* never NULL */
	bool is_reply; /* the subject had a reply or forward marker */
	char *from_addr; /* canonical, or NULL */
	char *from_name; /* UTF-8, or NULL */
	gint64 date; /* Unix time; 0 if absent or bad */
	char *text; /* decoded body, UTF-8 */
	char *attachments; /* "name (N bytes)\n" lines, or NULL */
};

/* A message as archive_thread() sees it. */
struct archive_tmsg {
	const char *message_id;
	const char *const *refs; /* oldest first */
	size_t nrefs;
	gint64 date;
};

struct archive_node {
	const char *message_id;
	const struct archive_tmsg *msg; /* NULL for a ghost */
	struct archive_node *parent;
	struct archive_node *child; /* first child */
	struct archive_node *next; /* next sibling */
};

struct archive_forest {
	GPtrArray *roots; /* struct archive_node *, by date */
	GHashTable *nodes; /* message-id -> struct archive_node * */
};

struct archive_mbox;

bool archive_doc_parse(
    const char *buf, size_t len, struct archive_doc **d_out, GError **err);
struct archive_doc *archive_doc_new(
    GMimeMessage *m, const char *raw, size_t len);
void archive_doc_free(struct archive_doc *d);
char *archive_base_subject(const char *subject);
char *archive_fts_query(const char *query, GError **err);
GPtrArray *archive_search(struct store *s, gint64 list_id, const char *query,
    int limit, gint64 *total_out, GError **err);
GPtrArray *archive_search_newest(struct store *s, gint64 list_id,
    const char *query, int limit, int offset, gint64 *total_out, GError **err);
char *archive_snippet(const char *text, const char *query);
bool archive_add(struct store *s, gint64 list_id, GMimeMessage *m,
    const char *raw, size_t len, gint64 now, bool *added_out, GError **err);
struct archive_forest *archive_thread(
    const struct archive_tmsg *msgs, size_t n);
void archive_forest_free(struct archive_forest *f);
struct archive_mbox *archive_mbox_new(FILE *f);
bool archive_mbox_next(struct archive_mbox *mb, GBytes **msg_out, GError **err);
void archive_mbox_free(struct archive_mbox *mb);
void archive_mbox_append(GString *out, const char *from_addr, gint64 date,
    const char *raw, size_t len);
bool archive_attachment(const char *buf, size_t len, int n, char **name_out,
    GBytes **data_out, GError **err);

#endif
