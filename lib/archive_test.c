/*
 * archive_test - text extraction, threading, search and mbox of the archive
 *
 * DESCRIPTION
 *	Decodes ../shared/corpus/i18n to the expected text, threads the
 *	notmuch corpus to its expected thread list, checks subject fallback,
 *	missing parents and reference loops through the store, Korean and
 *	English searches (with recall against a substring scan) and that
 *	export, import and export give identical bytes.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "archive.h"
#include "err.h"
#include "mime.h"
#include "store.h"
#include "testutil.h"

/* corpus_path - a file of the shared corpus, or NULL (test skipped) */
static char *
corpus_path(const char *rel)
{
	char *p = testutil_corpus(rel);

	if (p == NULL)
		g_test_skip("no shared corpus");
	return p;
}

/* doc_of_file - the document of a corpus message */
static struct archive_doc *
doc_of_file(const char *rel)
{
	g_autofree char *path = corpus_path(rel);
	g_autofree char *buf = NULL;
	struct archive_doc *d = NULL;
	GError *e = NULL;
	gsize len;

	if (path == NULL)
		return NULL;
	g_assert_true(g_file_get_contents(path, &buf, &len, NULL));
	g_assert_true(archive_doc_parse(buf, len, &d, &e));
	g_assert_no_error(e);
	return d;
}

static const struct {
	const char *file, *field, *want;
} i18n_cases[] = {
    {"i18n/ruby-mail/ks_c_5601-1987.eml", "text", "스티해"},
    {"i18n/ruby-mail/japanese_iso_2022.eml", "text", "すみません。"},
    {"i18n/ruby-mail/japanese_shift_jis.eml", "text", "あいうえお"},
    {"i18n/ruby-mail/utf8_headers.eml", "subject", "Säying Hello"},
    {"i18n/thunderbird/11-plaintext-greek.eml", "text", "Καλησπέρα"},
    {"i18n/thunderbird/multipart-charset.eml", "text", ""},
    {"i18n/thunderbird/wronglyDeclaredUTF8.eml", "text", ""},
    {"i18n/thunderbird/wronglyDeclaredShift_JIS.eml", "text", ""},
    {"i18n/thunderbird/noCharsetKOI8U.eml", "text", ""},
    {"i18n/thunderbird/noCharsetWindows1252.eml", "text", ""},
    {"i18n/thunderbird/iso-2022-jp-qp.eml", "text", ""},
    {"i18n/thunderbird/jsmime-charsets.eml", "text", ""},
    {"i18n/mimekit/japanese.txt", "text", ""},
    {"i18n/ruby-mail/japanese_attachment.eml", "attachments", "bytes)"},
};

/* test_i18n - corpus messages decode to valid UTF-8 with the expected text */
static void
test_i18n(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(i18n_cases); i++) {
		struct archive_doc *d = doc_of_file(i18n_cases[i].file);
		const char *got;

		if (d == NULL)
			return;
		got = strcmp(i18n_cases[i].field, "subject") == 0 ? d->subject
		    : strcmp(i18n_cases[i].field, "text") == 0	  ? d->text
							       : d->attachments;
		g_assert_nonnull(got);
		g_assert_true(g_utf8_validate(got, -1, NULL));
		if (strstr(got, i18n_cases[i].want) == NULL)
			g_error("%s: %s lacks \"%s\": \"%s\"",
			    i18n_cases[i].file, i18n_cases[i].field,
			    i18n_cases[i].want, got);
		archive_doc_free(d);
	}
}

/* wrap_text - a text/plain message of body bytes in charset */
static char *
wrap_text(const char *body, size_t len, const char *charset)
{
	return g_strdup_printf(
	    "From: a@example.org\nSubject: t\n"
	    "Message-ID: <x@example.org>\nMIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=%s\n"
	    "Content-Transfer-Encoding: 8bit\n\n%.*s",
	    charset, (int)len, body);
}

/* test_charset_vectors - EUC-KR and ISO-2022-KR prose, and the whole
 * KS X 1001 table, decode as iconv decodes them */
static void
test_charset_vectors(void)
{
	static const struct {
		const char *file, *charset, *iconv, *expect_file;
	} c[] = {
	    {"i18n/charset-vectors/chardet_EUC-KR__ude_euc1.txt", "euc-kr",
		"CP949", NULL},
	    {"i18n/charset-vectors/chardet_EUC-KR__ude_euc2.txt",
		"ks_c_5601-1987", "CP949", NULL},
	    {"i18n/charset-vectors/chardet_iso-2022-kr__ude_iso1.txt",
		"iso-2022-kr", "ISO-2022-KR", NULL},
	    {"i18n/charset-vectors/perl-encode_ksc5601.enc", "EUC-KR", "CP949",
		"i18n/charset-vectors/perl-encode_ksc5601.utf"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(c); i++) {
		g_autofree char *path = corpus_path(c[i].file);
		g_autofree char *buf = NULL, *msg = NULL, *want = NULL;
		struct archive_doc *d = NULL;
		gsize len;

		if (path == NULL)
			return;
		g_assert_true(g_file_get_contents(path, &buf, &len, NULL));
		msg = wrap_text(buf, len, c[i].charset);
		g_assert_true(archive_doc_parse(msg, strlen(msg), &d, NULL));
		if (c[i].expect_file != NULL) {
			g_autofree char *p = corpus_path(c[i].expect_file);

			g_assert_true(
			    g_file_get_contents(p, &want, NULL, NULL));
		} else {
			want = g_convert(
			    buf, len, "UTF-8", c[i].iconv, NULL, NULL, NULL);
		}
		g_assert_nonnull(want);
		g_strchomp(want);
		g_strchomp(d->text);
		g_assert_cmpstr(d->text, ==, want);
		archive_doc_free(d);
	}
}

/* test_lying_charset - bytes that are not what the label says degrade to
 * valid UTF-8 and the raw message is untouched */
static void
test_lying_charset(void)
{
	/* "모임" in EUC-KR, labelled UTF-8; then a made-up charset. */
	static const char euckr[] = "\xb8\xf0\xc0\xd3 hello";
	const char *labels[] = {"utf-8", "x-unknown-charset", "us-ascii"};

	for (size_t i = 0; i < G_N_ELEMENTS(labels); i++) {
		g_autofree char *msg =
		    wrap_text(euckr, strlen(euckr), labels[i]);
		g_autofree char *copy = g_strdup(msg);
		struct archive_doc *d = NULL;

		g_assert_true(archive_doc_parse(msg, strlen(msg), &d, NULL));
		g_assert_true(g_utf8_validate(d->text, -1, NULL));
		g_assert_nonnull(strstr(d->text, "hello"));
		g_assert_cmpstr(msg, ==, copy);
		archive_doc_free(d);
	}
}

/* test_html_and_attachments - HTML-only mail is text; attachments listed */
static void
test_html_and_attachments(void)
{
	static const char msg[] =
	    "From: =?UTF-8?B?6rmA7ZiE7KeE?= <Kim@Example.ORG>\n"
	    "Subject: =?UTF-8?B?64u17J6lOiDrqqjsnoQ=?=\n"
	    "Message-ID: <h@example.org>\n"
	    "Date: Tue, 3 Mar 2020 10:00:00 +0900\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/html; charset=utf-8\n\n"
	    "<html><body><p>모임&amp;<b>회의</b></p><script>x()</script>"
	    "</body></html>\n"
	    "--b\nContent-Type: application/pdf; name=\"agenda.pdf\"\n"
	    "Content-Disposition: attachment; filename=\"agenda.pdf\"\n"
	    "Content-Transfer-Encoding: base64\n\nAAECAwQ=\n--b--\n";
	struct archive_doc *d = NULL;

	g_assert_true(archive_doc_parse(msg, strlen(msg), &d, NULL));
	g_assert_nonnull(strstr(d->text, "모임&"));
	g_assert_nonnull(strstr(d->text, "회의"));
	g_assert_null(strstr(d->text, "<b>"));
	g_assert_null(strstr(d->text, "x()"));
	g_assert_cmpstr(d->attachments, ==, "agenda.pdf (5 bytes)\n");
	g_assert_cmpstr(d->subject, ==, "답장: 모임");
	g_assert_cmpstr(d->base_subject, ==, "모임");
	g_assert_true(d->is_reply);
	g_assert_cmpstr(d->from_addr, ==, "kim@example.org");
	g_assert_cmpstr(d->from_name, ==, "김현진");
	g_assert_cmpint(d->date, ==, 1583197200);
	archive_doc_free(d);
}

/* test_attachment - the n-th attachment, as the attachment lines count */
static void
test_attachment(void)
{
	static const char msg[] =
	    "From: a@example.org\nMessage-ID: <att@example.org>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/plain; charset=utf-8\n\n본문\n"
	    "--b\nContent-Type: application/pdf\n"
	    "Content-Disposition: attachment; filename=\"agenda.pdf\"\n"
	    "Content-Transfer-Encoding: base64\n\nAAECAwQ=\n"
	    "--b\nContent-Type: text/html; name=\"=?UTF-8?B?7ZqM7J2Y?=.html\"\n"
	    "Content-Disposition: attachment\n\n<script>x()</script>\n"
	    "--b--\n";
	static const struct {
		int n;
		const char *name, *data;
		size_t len;
	} cases[] = {
	    {1, "agenda.pdf", "\0\1\2\3\4", 5},
	    {2, "회의.html", "<script>x()</script>", 20},
	    {3, NULL, NULL, 0},
	    {0, NULL, NULL, 0},
	    {-1, NULL, NULL, 0},
	};
	struct archive_doc *d = NULL;

	g_assert_true(archive_doc_parse(msg, strlen(msg), &d, NULL));
	g_assert_cmpstr(
	    d->attachments, ==, "agenda.pdf (5 bytes)\n회의.html (20 bytes)\n");
	archive_doc_free(d);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *name = NULL;
		GBytes *data = NULL;
		GError *e = NULL;

		g_assert_true(archive_attachment(
		    msg, strlen(msg), cases[i].n, &name, &data, &e));
		g_assert_no_error(e);
		g_assert_cmpstr(name, ==, cases[i].name);
		if (cases[i].data == NULL) {
			g_assert_null(data);
			continue;
		}
		g_assert_cmpmem(g_bytes_get_data(data, NULL),
		    g_bytes_get_size(data), cases[i].data, cases[i].len);
		g_bytes_unref(data);
	}
}

/* test_message_id - missing ids are stable; references are unique */
static void
test_message_id(void)
{
	static const char m1[] = "Subject: a\nReferences: <r1@x> <r2@x> "
				 "<r1@x>\n <self@x>\nIn-Reply-To: <r3@x>\n"
				 "Message-ID: <self@x>\n\nbody\n";
	static const char m2[] = "Subject: no id\n\nbody\n";
	struct archive_doc *d = NULL, *d2 = NULL;

	g_assert_true(archive_doc_parse(m1, strlen(m1), &d, NULL));
	g_assert_cmpstr(d->message_id, ==, "self@x");
	g_assert_cmpuint(d->refs->len, ==, 3);
	g_assert_cmpstr(g_ptr_array_index(d->refs, 0), ==, "r1@x");
	g_assert_cmpstr(g_ptr_array_index(d->refs, 2), ==, "r3@x");
	g_assert_false(d->is_reply);
	archive_doc_free(d);
	g_assert_true(archive_doc_parse(m2, strlen(m2), &d, NULL));
	g_assert_true(archive_doc_parse(m2, strlen(m2), &d2, NULL));
	g_assert_cmpstr(d->message_id, ==, d2->message_id);
	g_assert_true(g_str_has_suffix(d->message_id, "@archive.moim.invalid"));
	archive_doc_free(d);
	archive_doc_free(d2);
}

/* test_base_subject - markers and tags in many languages */
static void
test_base_subject(void)
{
	static const struct {
		const char *in, *want;
	} c[] = {
	    {"Re: Hello", "hello"},
	    {"RE: RE: Hello  World", "hello world"},
	    {"Re[2]: Hello", "hello"},
	    {"Fwd: Re: [ai-friends] Hello", "hello"},
	    {"[ai-friends] Re: Hello", "hello"},
	    {"답장: 모임 안내", "모임 안내"},
	    {"회신: 전달: 모임", "모임"},
	    {"AW: SV: Treffen", "treffen"},
	    {"Reply to all", "reply to all"},
	    {"Re:", ""},
	    {"", ""},
	    {"Regarding: x", "regarding: x"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(c); i++) {
		g_autofree char *got = archive_base_subject(c[i].in);

		g_assert_cmpstr(got, ==, c[i].want);
	}
}

/* test_snippet - a window around the first word found, marked */
static void
test_snippet(void)
{
	static const struct {
		const char *text, *query, *want;
	} c[] = {
	    {"Hello World", "world", "Hello [World]"},
	    {"a\nb 모임을 c", "모임", "a b [모임]을 c"},
	    {"no match here", "zzz", "no match here"},
	    {"", "x", ""},
	    {"a memory and a memory leak", "\"memory leak\"",
		"a memory and a [memory leak]"},
	    {"a memory and a memory\nleak", "\"memory leak\"",
		"a [memory] and a memory leak"},
	    {"the color of x", "OR x", "the color of [x]"},
	    {"spam and eggs", "-spam eggs", "spam and [eggs]"},
	    {"메모리 누수가", "\"메모리 누수", "[메모리 누수]가"},
	    {"0123456789012345678901234567890123456789012345678901234567890123"
	     "456789 hit",
		"HIT",
		"...12345678901234567890123456789012345678901234567890123456789"
		" [hit]"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(c); i++) {
		g_autofree char *got = archive_snippet(c[i].text, c[i].query);

		g_assert_cmpstr(got, ==, c[i].want);
	}
}

/* test_fts_query - words and phrases quoted, operators ours; one
 * syllable (alone or ending a phrase) is a prefix */
static void
test_fts_query(void)
{
	static const struct {
		const char *in, *want;
	} c[] = {
	    {"모임", "(\"모임\")"},
	    {"모", "(\"모\"*)"},
	    {"hello world", "(\"hello\" AND \"world\")"},
	    {"  say \"hi\" ", "(\"say\" AND \"hi\")"},
	    {"\"memory leak\"", "(\"memory leak\")"},
	    {"\"memory leak", "(\"memory leak\")"},
	    {"\"memory leak\"*", "(\"memory leak\"*)"},
	    {"mem*", "(\"mem\"*)"},
	    {"NEAR(a b) OR x*", "(\"NEAR(a\" AND (\"b)\" OR \"x\"*))"},
	    {"a - b", "(\"a\" AND \"b\")"},
	    {"a AND b", "(\"a\" AND \"b\")"},
	    {"OR a OR", "(\"a\")"},
	    {"a or b", "(\"a\" AND \"or\" AND \"b\")"},
	    {"\"OR\"", "(\"OR\")"},
	    {"-spam", "NOT (\"spam\")"},
	    {"leak -\"memory leak\" NOT bug",
		"(\"leak\") NOT (\"memory leak\" OR \"bug\")"},
	    {"\"모임 큰\"", "(\"모임 큰\"*)"},
	    {"\"큰 모임\"", "(\"큰 모임\")"},
	    {"\"메모리 누수\"", "(\"메모리 누수\")"},
	    {"데이터베이스", "(\"데이터베이스\")"}, /* 터 is U+D130 */
	    {"l7", "(" STORE_ARCHIVE_TEXT_COLUMNS " : \"l7\")"},
	    {"list_tag:l7",
		"(" STORE_ARCHIVE_TEXT_COLUMNS " : \"list_tag:l7\")"},
	    {"subject:foo", "(\"subject:foo\")"},
	    {"say\"hi\"", "(\"say\" AND \"hi\")"},
	};
	static const char *const nothing[] = {
	    " - ", "", "\"", "\"\"", "*", "OR", "NOT", "- -", "(((", "\" \"*"};
	GError *e = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(c); i++) {
		g_autofree char *got = archive_fts_query(c[i].in, &e);

		g_assert_no_error(e);
		g_assert_cmpstr(got, ==, c[i].want);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(nothing); i++) {
		g_assert_null(archive_fts_query(nothing[i], &e));
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
		g_clear_error(&e);
	}
	g_assert_null(archive_fts_query("\xff", &e));
	g_clear_error(&e);
}

/* load_docs - the documents of every message under a corpus folder */
static GPtrArray *
load_docs(const char *rel, GPtrArray *raws)
{
	g_autofree char *dir = corpus_path(rel);
	g_autoptr(GPtrArray) files = NULL;
	GPtrArray *docs;

	if (dir == NULL)
		return NULL;
	docs = g_ptr_array_new_with_free_func((GDestroyNotify)archive_doc_free);
	files = testutil_files(dir);
	for (guint i = 0; i < files->len; i++) {
		char *buf;
		gsize len;
		struct archive_doc *d = NULL;

		g_assert_true(g_file_get_contents(
		    g_ptr_array_index(files, i), &buf, &len, NULL));
		if (g_str_has_suffix(g_ptr_array_index(files, i), ".txt") ||
		    !archive_doc_parse(buf, len, &d, NULL)) {
			g_free(buf);
			continue;
		}
		g_ptr_array_add(docs, d);
		if (raws != NULL)
			g_ptr_array_add(raws, g_bytes_new_take(buf, len));
		else
			g_free(buf);
	}
	return docs;
}

/* tree_size - messages (not ghosts) in the tree under n */
static int
tree_size(const struct archive_node *n)
{
	int count = n->msg != NULL;

	for (const struct archive_node *c = n->child; c != NULL; c = c->next)
		count += tree_size(c);
	return count;
}

/* by_int - sort order of ints */
static gint
by_int(gconstpointer a, gconstpointer b)
{
	return *(const int *)a - *(const int *)b;
}

/* sizes_string - the sorted sizes as text, "1 1 2 ..." */
static char *
sizes_string(GArray *sizes)
{
	GString *s = g_string_new(NULL);

	g_array_sort(sizes, by_int);
	for (guint i = 0; i < sizes->len; i++)
		g_string_append_printf(
		    s, "%s%d", i ? " " : "", g_array_index(sizes, int, i));
	return g_string_free(s, FALSE);
}

/* expected_sizes - the thread sizes of notmuch's expected thread list */
static char *
expected_sizes(void)
{
	g_autofree char *p =
	    corpus_path("threads/notmuch/expected-threads-default.txt");
	g_autofree char *buf = NULL;
	g_auto(GStrv) lines = NULL;
	GArray *sizes = g_array_new(FALSE, FALSE, sizeof(int));
	char *out;

	g_assert_true(g_file_get_contents(p, &buf, NULL, NULL));
	lines = g_strsplit(buf, "\n", -1);
	for (int i = 0; lines[i] != NULL; i++) {
		const char *b = strstr(lines[i], " [");
		int k, n;

		if (b != NULL && sscanf(b, " [%d/%d]", &k, &n) == 2)
			g_array_append_val(sizes, n);
	}
	out = sizes_string(sizes);
	g_array_unref(sizes);
	return out;
}

/* tmsgs_of - archive_thread() input from documents */
static struct archive_tmsg *
tmsgs_of(GPtrArray *docs)
{
	struct archive_tmsg *t = g_new0(struct archive_tmsg, docs->len);

	for (guint i = 0; i < docs->len; i++) {
		const struct archive_doc *d = g_ptr_array_index(docs, i);

		t[i].message_id = d->message_id;
		t[i].refs = (const char *const *)d->refs->pdata;
		t[i].nrefs = d->refs->len;
		t[i].date = d->date;
	}
	return t;
}

/* test_jwz_notmuch - the notmuch corpus threads as notmuch threads it */
static void
test_jwz_notmuch(void)
{
	g_autoptr(GPtrArray) docs = load_docs("threads/notmuch/default", NULL);
	g_autofree struct archive_tmsg *t = NULL;
	g_autofree char *got = NULL, *want = NULL;
	struct archive_forest *f;
	GArray *sizes;

	if (docs == NULL)
		return;
	sizes = g_array_new(FALSE, FALSE, sizeof(int));
	t = tmsgs_of(docs);
	f = archive_thread(t, docs->len);
	for (guint i = 0; i < f->roots->len; i++) {
		int n = tree_size(g_ptr_array_index(f->roots, i));

		g_array_append_val(sizes, n);
	}
	got = sizes_string(sizes);
	want = expected_sizes();
	g_assert_cmpstr(got, ==, want);
	archive_forest_free(f);
	g_array_unref(sizes);
}

/* test_jwz_cases - loops, missing parents, parent from own references */
static void
test_jwz_cases(void)
{
	const char *r_b[] = {"a"}, *r_a[] = {"b"}, *r_c[] = {"x", "y"},
		   *r_d[] = {"c", "d", "c"}, *r_e[] = {"a", "e", "b"};
	struct archive_tmsg m[] = {
	    {"a", r_a, 1, 1},
	    {"b", r_b, 1, 2},
	    {"c", r_c, 2, 3},
	    {"d", r_d, 3, 4},
	    {"e", r_e, 3, 5},
	};
	struct archive_forest *f = archive_thread(m, G_N_ELEMENTS(m));
	struct archive_node *x = g_hash_table_lookup(f->nodes, "x");
	struct archive_node *c = g_hash_table_lookup(f->nodes, "c");
	int total = 0;

	/* a <-> b is a loop: both end up in one tree, no hang. */
	for (guint i = 0; i < f->roots->len; i++)
		total += tree_size(g_ptr_array_index(f->roots, i));
	g_assert_cmpint(total, ==, 5);
	/* x and y are ghosts: missing parents kept above c. */
	g_assert_null(x->msg);
	g_assert_true(c->parent->parent == x);
	g_assert_cmpint(tree_size(x), ==, 2);
	archive_forest_free(f);
}

/* open_store - a new database with list "t" */
static struct store *
open_store(char **path_out, gint64 *list_out)
{
	char *path =
	    g_build_filename(g_get_tmp_dir(), "archive_test.XXXXXX", NULL);
	struct store *s;
	GError *e = NULL;

	if (testutil_db_is_pg()) {
		/* The same cases on PostgreSQL (tests/pg_store_test.sh). */
		g_free(path);
		path = testutil_db_new(NULL);
	} else {
		int fd = g_mkstemp(path);

		g_assert_cmpint(fd, >=, 0);
		close(fd);
	}
	s = store_open(path, STORE_RW, &e);
	g_assert_no_error(e);
	g_assert_true(store_list_create(
	    s, "t", "lists.example.org", "T", 1, list_out, &e));
	*path_out = path;
	return s;
}

/* close_store - close and remove the database */
static void
close_store(struct store *s, char *path)
{
	g_autofree char *wal = g_strconcat(path, "-wal", NULL);
	g_autofree char *shm = g_strconcat(path, "-shm", NULL);

	store_close(s);
	(void)unlink(path);
	(void)unlink(wal);
	(void)unlink(shm);
	g_free(path);
}

/* add_msg - archive a small message */
static void
add_msg(struct store *s, gint64 list, const char *id, const char *refs,
    const char *subject, const char *body, gint64 date)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(date);
	g_autofree char *ds =
	    g_date_time_format(dt, "%a, %d %b %Y %H:%M:%S +0000");
	g_autofree char *m = g_strdup_printf(
	    "From: A <a@example.org>\nMessage-ID: <%s>\n%s%s%sSubject: %s\n"
	    "Date: %s\nContent-Type: text/plain; charset=utf-8\n\n%s\n",
	    id, refs ? "References: " : "", refs ? refs : "", refs ? "\n" : "",
	    subject, ds, body);
	GError *e = NULL;
	bool added = false;

	g_assert_true(archive_add(s, list, NULL, m, strlen(m), 1, &added, &e));
	g_assert_no_error(e);
	g_assert_true(added);
}

/* thread_id - the thread of an archived message */
static gint64
thread_id(struct store *s, gint64 list, const char *id)
{
	gint64 t = -1;

	g_assert_true(store_archive_thread_of(s, list, id, &t, NULL));
	g_assert_cmpint(t, >, 0);
	return t;
}

/* test_store_threads - subject fallback, late parents, loops, duplicates */
static void
test_store_threads(void)
{
	char *path;
	gint64 l;
	struct store *s = open_store(&path, &l);
	bool added = true;
	g_autoptr(GPtrArray) es = NULL;

	add_msg(s, l, "p@x", NULL, "모임 안내", "첫 글", 100);
	/* A reply whose parent we never saw: joins by subject. */
	add_msg(s, l, "q@x", "<gone@x>", "답장: 모임 안내", "둘째", 200);
	g_assert_cmpint(thread_id(s, l, "q@x"), ==, thread_id(s, l, "p@x"));
	/* Not a reply: same subject, new thread. */
	add_msg(s, l, "r@x", NULL, "모임 안내", "따로", 300);
	g_assert_cmpint(thread_id(s, l, "r@x"), !=, thread_id(s, l, "p@x"));
	/* A child before its parent, then the parent: one thread. */
	add_msg(s, l, "child@x", "<late@x>", "late topic", "c", 400);
	add_msg(s, l, "other@x", "<late@x>", "another", "o", 410);
	g_assert_cmpint(
	    thread_id(s, l, "child@x"), !=, thread_id(s, l, "other@x"));
	add_msg(s, l, "late@x", NULL, "late topic", "parent", 390);
	g_assert_cmpint(
	    thread_id(s, l, "child@x"), ==, thread_id(s, l, "late@x"));
	g_assert_cmpint(
	    thread_id(s, l, "other@x"), ==, thread_id(s, l, "late@x"));
	es = store_archive_thread_entries(s, thread_id(s, l, "late@x"), NULL);
	g_assert_cmpuint(es->len, ==, 3);
	/* A references loop: terminates, one thread. */
	add_msg(s, l, "loop-12@x", "<loop-21@x>", "loop", "a", 500);
	add_msg(s, l, "loop-21@x", "<loop-12@x>", "loop", "b", 501);
	g_assert_cmpint(
	    thread_id(s, l, "loop-12@x"), ==, thread_id(s, l, "loop-21@x"));
	/* A duplicate Message-ID is skipped. */
	static const char dup[] = "Message-ID: <p@x>\nSubject: x\n\nx\n";
	g_assert_true(
	    archive_add(s, l, NULL, dup, strlen(dup), 1, &added, NULL));
	g_assert_false(added);
	g_assert_cmpint(store_archive_count(s, l, NULL), ==, 8);
	close_store(s, path);
}

/* test_store_notmuch - the notmuch corpus threads the same in the store */
static void
test_store_notmuch(void)
{
	g_autoptr(GPtrArray) raws =
	    g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	g_autoptr(GPtrArray) docs = load_docs("threads/notmuch/default", raws);
	g_autoptr(GHashTable) counts = NULL;
	g_autofree char *got = NULL, *want = NULL;
	GArray *sizes = g_array_new(FALSE, FALSE, sizeof(int));
	GHashTableIter it;
	gpointer v;
	char *path;
	gint64 l;
	struct store *s;

	if (docs == NULL) {
		g_array_unref(sizes);
		return;
	}
	s = open_store(&path, &l);
	counts = g_hash_table_new(g_int64_hash, g_int64_equal);
	for (guint i = 0; i < raws->len; i++) {
		gsize len;
		const char *raw =
		    g_bytes_get_data(g_ptr_array_index(raws, i), &len);

		g_assert_true(archive_add(s, l, NULL, raw, len, 1, NULL, NULL));
	}
	for (guint i = 0; i < docs->len; i++) {
		const struct archive_doc *d = g_ptr_array_index(docs, i);
		gint64 *t = g_new(gint64, 1);

		*t = thread_id(s, l, d->message_id);
		if (!g_hash_table_contains(counts, t))
			g_hash_table_insert(counts, t, NULL);
		else
			g_free(t);
	}
	g_hash_table_iter_init(&it, counts);
	while (g_hash_table_iter_next(&it, &v, NULL)) {
		g_autoptr(GPtrArray) es =
		    store_archive_thread_entries(s, *(gint64 *)v, NULL);
		int n = (int)es->len;

		g_array_append_val(sizes, n);
		g_free(v);
	}
	got = sizes_string(sizes);
	want = expected_sizes();
	g_assert_cmpstr(got, ==, want);
	g_array_unref(sizes);
	close_store(s, path);
}

/* search_n - how many messages of list l match what a person typed */
static gint64
search_n(struct store *s, gint64 l, const char *q)
{
	g_autoptr(GPtrArray) hits = NULL;
	gint64 total = -1;

	hits = archive_search(s, l, q, 0, &total, NULL);
	g_assert_nonnull(hits);
	g_assert_cmpint(total, ==, (gint64)hits->len);
	return total;
}

/* A query and how many messages it must find. */
struct search_case {
	const char *q;
	gint64 n;
};

/* search_cases - each query of c finds its number of messages in l */
static void
search_cases(struct store *s, gint64 l, const struct search_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (search_n(s, l, c[i].q) != c[i].n)
			g_error("%s: %" G_GINT64_FORMAT
				" hits, want %" G_GINT64_FORMAT,
			    c[i].q, search_n(s, l, c[i].q), c[i].n);
}

/* test_search - Korean words with particles, English, one syllable */
static void
test_search(void)
{
	static const struct search_case c[] = {
	    {"모임", 2},
	    {"모임을", 1},
	    {"포럼", 1},
	    {"참석", 2},
	    {"석", 2}, /* one syllable: prefix over bigrams and run ends */
	    {"임", 2},
	    {"HELLO", 2},
	    {"hello world", 1},
	    {"DB모임", 1},
	    {"회의", 0},
	    {"\"OR\"", 0},
	    {"NEAR(", 0},
	};
	char *path;
	gint64 l, l2, total;
	struct store *s = open_store(&path, &l);
	g_autoptr(GPtrArray) hits = NULL;
	const struct store_archive_entry *e;

	add_msg(
	    s, l, "1@x", NULL, "모임 안내", "다음 모임을 알립니다. 참석", 1);
	add_msg(s, l, "2@x", NULL, "Hello", "world of 모임에서 and DB모임", 2);
	add_msg(s, l, "3@x", NULL, "포럼", "hello 참석하세요 석", 3);
	search_cases(s, l, c, G_N_ELEMENTS(c));
	/* The subject ranks above the body; a snippet marks the match. */
	hits = archive_search(s, l, "모임", 1, &total, NULL);
	g_assert_cmpuint(hits->len, ==, 1);
	g_assert_cmpint(total, ==, 2);
	e = hits->pdata[0];
	g_assert_cmpstr(e->message_id, ==, "1@x");
	g_assert_cmpstr(e->snippet, ==, "다음 [모임]을 알립니다. 참석 ");
	/* The web's order: newest first, one page after an offset. */
	static const struct {
		const char *q;
		int limit, offset;
		const char *first;
		guint n;
		gint64 total;
	} newest[] = {
	    {"모임", 1, 0, "2@x", 1, 2},
	    {"모임", 5, 1, "1@x", 1, 2},
	    {"모임", 5, 2, NULL, 0, 2},
	    {"참석", 5, 0, "3@x", 2, 2},
	    {"회의", 5, 0, NULL, 0, 0},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(newest); i++) {
		g_autoptr(GPtrArray) h =
		    archive_search_newest(s, l, newest[i].q, newest[i].limit,
			newest[i].offset, &total, NULL);

		g_assert_nonnull(h);
		g_assert_cmpuint(h->len, ==, newest[i].n);
		g_assert_cmpint(total, ==, newest[i].total);
		if (newest[i].first != NULL) {
			e = h->pdata[0];
			g_assert_cmpstr(e->message_id, ==, newest[i].first);
			g_assert_nonnull(e->snippet);
		}
	}
	/* Another list's messages are not found. */
	g_assert_true(
	    store_list_create(s, "u", "lists.example.org", "U", 1, &l2, NULL));
	g_assert_cmpint(search_n(s, l2, "모임"), ==, 0);
	close_store(s, path);
}

/* test_search_syntax - phrases against the same words anywhere, Korean
 * phrases, prefixes, OR and exclusions over a small corpus; hostile
 * input is searched or refused as input, never an error of the index */
static void
test_search_syntax(void)
{
	static const struct search_case c[] = {
	    {"memory leak", 3},
	    {"\"memory leak\"", 2}, /* 1, and 3's "memory-leak" */
	    {"\"leak memory\"", 0},
	    {"\"memory leak", 2},
	    {"memory", 3},
	    {"memor*", 4},
	    {"leak*", 3},
	    {"메모리 누수", 2},
	    {"\"메모리 누수\"", 1},
	    {"\"누수 메모리\"", 1},
	    {"\"모임 안내\"", 2}, /* 큰모임 안내, 큰 모임 안내 */
	    {"\"큰 모임\"", 1}, /* not 큰모임 */
	    {"큰모임", 1},
	    {"큰", 2},
	    {"\"안내 큰\"", 0},
	    {"\"안내 a\"", 1}, /* ends in 안내 and... */
	    {"memorable OR leaky", 2},
	    {"leak OR memorable memory", 3},
	    {"leak -\"memory leak\"", 1},
	    {"-memory", 1},
	    {"NOT leak", 1},
	    {"l1", 1}, /* the body's, never the list's tag */
	    {"\"OR\"", 0},
	};
	static const char *const hostile[] = {"NEAR(memory leak)",
	    "NEAR(\"memory\" \"leak\", 2)", "subject:memory", "{subject}: x",
	    "list_tag:l1", "- list_tag : l1", "memory\" OR \"leak", "^memory",
	    "memory + leak", "\"", "\"\"\"", "*", "**memory", "memory**",
	    "(memory OR", "AND", "OR OR OR", "NOT NOT", "-", "-\"", "\"a\"*b*",
	    "큰*", "\"큰\"*", "a:b:c", "\"\\\"", "memory NOT", "l1*", "l"};
	char *path;
	gint64 l;
	struct store *s = open_store(&path, &l);

	add_msg(s, l, "1@x", NULL, "Memory leak in parser",
	    "We found a memory leak. 메모리 누수가 있습니다.", 1);
	add_msg(s, l, "2@x", NULL, "Other",
	    "The leak is not about memory at all. 누수 메모리", 2);
	add_msg(s, l, "3@x", NULL, "Fixed",
	    "memory-leak fixed; leaky bucket. l1 cache, 큰모임 안내", 3);
	add_msg(s, l, "4@x", NULL, "모임", "큰 모임 안내 a memorable day", 4);
	search_cases(s, l, c, G_N_ELEMENTS(c));
	for (size_t i = 0; i < G_N_ELEMENTS(hostile); i++) {
		GError *e = NULL;
		gint64 total = -1;
		g_autoptr(GPtrArray) hits =
		    archive_search(s, l, hostile[i], 10, &total, &e);
		g_autoptr(GPtrArray) newest = NULL;

		if (hits == NULL) {
			g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
			g_clear_error(&e);
			continue;
		}
		g_assert_no_error(e);
		newest =
		    archive_search_newest(s, l, hostile[i], 10, 0, &total, &e);
		g_assert_no_error(e);
		g_assert_nonnull(newest);
	}
	close_store(s, path);
}

/* test_recall - every Korean substring of generated text is found */
static void
test_recall(void)
{
	static const char *const words[] = {"모임", "회의", "데이터베이스",
	    "도깨비불", "참석", "포럼", "일정", "the", "meeting", "서울"};
	static const char *const particles[] = {
	    "", "을", "를", "에서", "은", "는", "이", "가", "의", "과"};
	g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
	GRand *r = g_rand_new_with_seed(7);
	char *path;
	gint64 l;
	struct store *s = open_store(&path, &l);

	for (int i = 0; i < 300; i++) {
		GString *t = g_string_new(NULL);
		g_autofree char *id = g_strdup_printf("%d@x", i);

		for (int w = 0; w < 12; w++)
			g_string_append_printf(t, "%s%s%s ",
			    words[g_rand_int_range(r, 0, 10)],
			    particles[g_rand_int_range(r, 0, 10)],
			    g_rand_int_range(r, 0, 5) ? "" : ".");
		add_msg(s, l, id, NULL, "x", t->str, i);
		g_ptr_array_add(texts, g_string_free(t, FALSE));
	}
	for (size_t w = 0; w < G_N_ELEMENTS(words); w++) {
		gint64 want = 0;

		for (guint i = 0; i < texts->len; i++)
			want += strstr(g_ptr_array_index(texts, i), words[w]) !=
			    NULL;
		if (search_n(s, l, words[w]) != want)
			g_error("%s: %" G_GINT64_FORMAT
				" hits, want %" G_GINT64_FORMAT,
			    words[w], search_n(s, l, words[w]), want);
	}
	g_rand_free(r);
	close_store(s, path);
}

struct export_ctx {
	GString *out;
};

/* export_one - append one entry to the mbox */
static bool
export_one(const struct store_archive_entry *e, void *data, GError **err)
{
	struct export_ctx *x = data;
	gsize len;
	const char *raw = g_bytes_get_data(e->raw, &len);

	(void)err;
	archive_mbox_append(x->out, e->from_addr, e->date, raw, len);
	return true;
}

/* import_mbox - archive every message of an mbox in memory */
static int
import_mbox(struct store *s, gint64 l, const GString *mbox, int *broken)
{
	FILE *f = fmemopen(mbox->str, mbox->len, "r");
	struct archive_mbox *mb = archive_mbox_new(f);
	GBytes *msg = NULL;
	int n = 0;

	*broken = 0;
	for (;;) {
		GError *e = NULL;
		bool added = false;

		if (!archive_mbox_next(mb, &msg, &e)) {
			g_assert_true(
			    g_error_matches(e, MOIM_ERROR, MOIM_ERR_INPUT));
			g_clear_error(&e);
			(*broken)++;
			continue;
		}
		if (msg == NULL)
			break;
		gsize len;
		const char *raw = g_bytes_get_data(msg, &len);

		if (archive_add(s, l, NULL, raw, len, 1, &added, &e))
			n += added;
		else
			(*broken)++;
		g_clear_error(&e);
		g_bytes_unref(msg);
	}
	archive_mbox_free(mb);
	fclose(f);
	return n;
}

/* export_list - the list's archive as an mbox */
static GString *
export_list(struct store *s, gint64 l)
{
	struct export_ctx x = {g_string_new(NULL)};

	g_assert_true(store_archive_each(s, l, export_one, &x, NULL));
	return x.out;
}

/* test_mbox_roundtrip - export, import, export: the same bytes */
static void
test_mbox_roundtrip(void)
{
#define R(x)                                                                   \
	{                                                                      \
		x, sizeof(x) - 1                                               \
	}
	static const struct {
		const char *p;
		size_t n;
	} raws[] = {
	    R("From: a@x\nMessage-ID: <m1@x>\nSubject: from lines\n\n"
	      "From here\n>From there\n>>From far\nFromage\n\nFrom x\n"),
	    R("From: b@x\r\nMessage-ID: <m2@x>\r\nSubject: crlf\r\n\r\n"
	      "body\r\n\r\n"),
	    R("From: c@x\nMessage-ID: <m3@x>\nSubject: no newline\n\nend"),
	    R("From: d@x\nMessage-ID: <m4@x>\nSubject: nul\n\na\0b\n\n\n"),
	};
#undef R
	char *p1, *p2 = NULL;
	gint64 l1, l2;
	struct store *s1 = open_store(&p1, &l1), *s2 = s1;
	GString *a, *b;
	int broken, added;

	/* Into a second database, or on PostgreSQL (one database for the
	 * test) into a second list. */
	if (testutil_db_is_pg())
		g_assert_true(store_list_create(
		    s1, "u", "lists.example.org", "U", 1, &l2, NULL));
	else
		s2 = open_store(&p2, &l2);

	for (size_t i = 0; i < G_N_ELEMENTS(raws); i++) {
		g_assert_true(archive_add(
		    s1, l1, NULL, raws[i].p, raws[i].n, 1, NULL, NULL));
	}
	a = export_list(s1, l1);
	g_assert_nonnull(strstr(a->str,
	    "\n>From here\n>>From there\n"
	    ">>>From far\nFromage\n\n>From x\n"));
	added = import_mbox(s2, l2, a, &broken);
	g_assert_cmpint(added, ==, 4);
	g_assert_cmpint(broken, ==, 0);
	b = export_list(s2, l2);
	g_assert_cmpuint(a->len, ==, b->len);
	g_assert_true(memcmp(a->str, b->str, a->len) == 0);
	/* Importing again adds nothing: duplicates by Message-ID. */
	added = import_mbox(s2, l2, a, &broken);
	g_assert_cmpint(added, ==, 0);
	g_string_free(a, TRUE);
	g_string_free(b, TRUE);
	close_store(s1, p1);
	if (s2 != s1)
		close_store(s2, p2);
}

/* test_mbox_foreign - pipermail-style From_ lines, a broken message
 * skipped and reported, the rest imported; a file with no From_ line is
 * one message (mlmmj keeps one file per message) */
static void
test_mbox_foreign(void)
{
	g_autofree char *big = g_strnfill(70 * 1024, 'x');
	g_autoptr(GString) mbox = g_string_new(NULL);
	g_autoptr(GString) one =
	    g_string_new("From: z@x\nMessage-ID: <plain@x>\nSubject: s\n\n"
			 "body\n\nFrom the start\n");
	char *path;
	gint64 l;
	struct store *s = open_store(&path, &l);
	int broken, n;
	g_autoptr(GPtrArray) hits = NULL;

	g_string_append(mbox,
	    "From alice at example.org  Mon Jan  6 10:00:00 "
	    "2020\nFrom: alice at example.org (Alice)\n"
	    "Subject: [list] one\nMessage-ID: <f1@x>\n\n"
	    "hello\n>From the archive\n\n");
	g_string_append_printf(mbox,
	    "From bob@example.org Mon Jan  6 11:00:00 2020\n"
	    "Subject: broken\nX-Big: %s\nMessage-ID: <f2@x>\n\nbad\n\n",
	    big);
	g_string_append(mbox,
	    "From carol@example.org Mon Jan  6 12:00:00 2020\n"
	    "Subject: Re: [list] one\nIn-Reply-To: <f1@x>\n"
	    "Message-ID: <f3@x>\n\nreply\n");
	n = import_mbox(s, l, mbox, &broken);
	g_assert_cmpint(n, ==, 2);
	g_assert_cmpint(broken, ==, 1);
	g_assert_cmpint(thread_id(s, l, "f1@x"), ==, thread_id(s, l, "f3@x"));
	g_assert_cmpint(search_n(s, l, "archive"), ==, 1);
	n = import_mbox(s, l, one, &broken);
	g_assert_cmpint(n, ==, 1);
	hits = archive_search(s, l, "start", 0, NULL, NULL);
	g_assert_cmpuint(hits->len, ==, 1);
	close_store(s, path);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	mime_init();
	g_test_add_func("/archive/i18n", test_i18n);
	g_test_add_func("/archive/charset_vectors", test_charset_vectors);
	g_test_add_func("/archive/lying_charset", test_lying_charset);
	g_test_add_func("/archive/html_attachments", test_html_and_attachments);
	g_test_add_func("/archive/attachment", test_attachment);
	g_test_add_func("/archive/message_id", test_message_id);
	g_test_add_func("/archive/base_subject", test_base_subject);
	g_test_add_func("/archive/fts_query", test_fts_query);
	g_test_add_func("/archive/snippet", test_snippet);
	g_test_add_func("/archive/jwz_notmuch", test_jwz_notmuch);
	g_test_add_func("/archive/jwz_cases", test_jwz_cases);
	g_test_add_func("/archive/store_threads", test_store_threads);
	g_test_add_func("/archive/store_notmuch", test_store_notmuch);
	g_test_add_func("/archive/search", test_search);
	g_test_add_func("/archive/search_syntax", test_search_syntax);
	g_test_add_func("/archive/recall", test_recall);
	g_test_add_func("/archive/mbox_roundtrip", test_mbox_roundtrip);
	g_test_add_func("/archive/mbox_foreign", test_mbox_foreign);
	return g_test_run();
}
