/*
 * rawhdr_test - unit cases for lib/rawhdr, and the shared corpus read
 * both by it and by GMime's parser
 *
 * Every input is handed over in a heap buffer of exactly its size, with
 * no NUL after it, so that a read past the end is an AddressSanitizer
 * error in the sanitizer build (--enable-sanitizers).
 */
#include "config.h"

#include <string.h>

#include <gmime/gmime.h>

#include "limits.h"
#include "rawhdr.h"
#include "testutil.h"

/* exact - a copy of s[0..n) in a buffer of n bytes (NULL for 0) */
static char *
exact(const char *s, size_t n)
{
	return n > 0 ? g_memdup2(s, n) : NULL;
}

/* keep_subject - keep Subject fields; note every name asked about in
 * data (a GString), each followed by "|" */
static bool
keep_subject(const char *name, void *data)
{
	GString *names = data;

	g_string_append_printf(names, "%s|", name);
	return g_ascii_strcasecmp(name, "Subject") == 0;
}

/* keep_all - keep every field and line */
static bool
keep_all(const char *name, void *data)
{
	(void)name;
	(void)data;
	return true;
}

/* keep_none - keep nothing */
static bool
keep_none(const char *name, void *data)
{
	(void)name;
	(void)data;
	return false;
}

struct hdr_case {
	const char *what;
	const char *raw;
	size_t len; /* 0: strlen(raw) */
	const char *body; /* what starts at rawhdr_end(): a suffix of raw */
	const char *names; /* the names keep() is asked about */
	const char *kept; /* rawhdr_filter() keeping Subject */
	const char *subject; /* rawhdr_first(Subject), NULL: none */
	size_t kept_len; /* 0: strlen(kept) */
};

static const struct hdr_case hdr_cases[] = {
    {"LF", "From: a@example.org\nSubject: hi\n\nbody\n", 0, "body\n",
	"From|Subject|", "Subject: hi\n\nbody\n", "hi", 0},
    {"CRLF", "From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n", 0,
	"body\r\n", "From|Subject|", "Subject: hi\r\n\r\nbody\r\n", "hi", 0},
    {"folded", "Subject: a\r\n long\r\n\tsubject\r\nTo: x\r\n\r\nb", 0, "b",
	"Subject|To|", "Subject: a\r\n long\r\n\tsubject\r\n\r\nb",
	"a   long   subject", 0},
    {"folded, the fold kept with a dropped field", "To: x,\n y\nSubject: s\n\n",
	0, "", "To|Subject|", "Subject: s\n\n", "s", 0},
    {"a blank line folds, it does not end the header",
	"Subject: a\n \nTo: b\n\nbody", 0, "body", "Subject|To|",
	"Subject: a\n \n\nbody", "a", 0},
    {"field at the very end without a line end", "From: a\nSubject: end", 0, "",
	"From|Subject|", "Subject: end\n\n", "end", 0},
    {"dropped field at the very end", "Subject: s\nFrom: a", 0, "",
	"Subject|From|", "Subject: s\n\n", "s", 0},
    {"CR at the very end", "Subject: x\r", 0, "", "Subject|",
	"Subject: x\r\n\n", "x", 0},
    {"no empty line", "Subject: x\nTo: y\n", 0, "", "Subject|To|",
	"Subject: x\n\n", "x", 0},
    {"no body", "Subject: x\n\n", 0, "", "Subject|", "Subject: x\n\n", "x", 0},
    {"no body, CRLF", "Subject: x\r\n\r\n", 0, "", "Subject|",
	"Subject: x\r\n\r\n", "x", 0},
    {"no header", "\nbody\n", 0, "body\n", "", "\nbody\n", NULL, 0},
    {"no header, CRLF", "\r\nSubject: in the body\r\n", 0,
	"Subject: in the body\r\n", "", "\r\nSubject: in the body\r\n", NULL,
	0},
    {"empty", "", 0, "", "", "\n", NULL, 0},
    {"name case and blanks before the colon",
	"SUBJECT : first\nsubject: second\n\n", 0, "", "SUBJECT|subject|",
	"SUBJECT : first\nsubject: second\n\n", "first", 0},
    {"a name that only starts like Subject", "Subjects: no\nSubject: yes\n\n",
	0, "", "Subjects|Subject|", "Subject: yes\n\n", "yes", 0},
    {"lines that are no field",
	"From a@example.org Thu Nov 26 10:00:00 2026\nSubject: s\n"
	"no colon\n  continued\nBad Name: v\n: no name\nX-A: 1\n\nbody",
	0, "body", "|Subject||||X-A|", "Subject: s\n\nbody", "s", 0},
    {"continuation before any field", " folded first\nSubject: s\n\n", 0, "",
	"|Subject|", "Subject: s\n\n", "s", 0},
    {"a lone CR does not end the header", "Subject: a\n\rX: b\n\nbody", 0,
	"body", "Subject||", "Subject: a\n\nbody", "a", 0},
    {"CR alone inside a name", "Sub\rject: a\nSubject: b\n\n", 0, "",
	"|Subject|", "Subject: b\n\n", "b", 0},
    {"empty value", "Subject:\nTo: x\n\n", 0, "", "Subject|To|", "Subject:\n\n",
	"", 0},
    {"only blanks", "Subject: \t \r\n\r\n", 0, "", "Subject|",
	"Subject: \t \r\n\r\n", "", 0},
    {"NUL ends the value", "Subject: a\0b\nTo: x\n\nz", 21, "z", "Subject|To|",
	"Subject: a\0b\n\nz", "a", 15},
    {"NUL in a name", "Subj\0ect: a\nSubject: b\n\n", 24, "", "|Subject|",
	"Subject: b\n\n", "b", 0},
    {"8-bit value", "Subject: \xeb\xaa\xa8\xec\x9e\x84\n\n\xeb\xb3\xb8", 0,
	"\xeb\xb3\xb8", "Subject|",
	"Subject: \xeb\xaa\xa8\xec\x9e\x84\n\n\xeb\xb3\xb8",
	"\xeb\xaa\xa8\xec\x9e\x84", 0},
    {"Received: cut short at the end", "Subject: x\nReceiv", 0, "", "Subject||",
	"Subject: x\n\n", "x", 0},
};

/* test_cases - rawhdr_end, rawhdr_filter and rawhdr_first on the table */
static void
test_cases(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(hdr_cases); i++) {
		const struct hdr_case *c = &hdr_cases[i];
		size_t len = c->len != 0 ? c->len : strlen(c->raw);
		g_autofree char *raw = exact(c->raw, len);
		GString *names = g_string_new(NULL);
		GString *out = g_string_new(NULL);
		size_t kept_len =
		    c->kept_len != 0 ? c->kept_len : strlen(c->kept);
		size_t at;
		g_autofree char *subject = NULL;

		g_test_message("case: %s", c->what);
		at = rawhdr_end(raw, len);
		g_assert_cmpuint(at, <=, len);
		g_assert_cmpuint(len - at, ==, strlen(c->body));
		g_assert_true(memcmp(c->raw + at, c->body, len - at) == 0);
		rawhdr_filter(raw, len, keep_subject, names, out);
		g_assert_cmpstr(names->str, ==, c->names);
		g_assert_cmpuint(out->len, ==, kept_len);
		g_assert_true(memcmp(out->str, c->kept, kept_len) == 0);
		subject = rawhdr_first(raw, len, "Subject", len);
		g_assert_cmpstr(subject, ==, c->subject);
		g_string_free(names, TRUE);
		g_string_free(out, TRUE);
	}
}

/* test_first - names, folding and the max bound of rawhdr_first */
static void
test_first(void)
{
	static const char in[] = "Received: from a\r\n\tby b\r\n"
				 "X-Long: 0123456789\r\n"
				 "received: second\r\n\r\nX-Long: body\r\n";
	size_t len = sizeof(in) - 1;
	g_autofree char *raw = exact(in, len);
	char *v;

	v = rawhdr_first(raw, len, "received", 4096);
	g_assert_cmpstr(v, ==, "from a   by b");
	g_free(v);
	/* max counts the bytes after the colon, the space included */
	v = rawhdr_first(raw, len, "X-Long", 5);
	g_assert_cmpstr(v, ==, "0123");
	g_free(v);
	v = rawhdr_first(raw, len, "X-Long", 0);
	g_assert_cmpstr(v, ==, "");
	g_free(v);
	/* a name that occurs only in the body is absent */
	g_assert_null(rawhdr_first(raw, len, "X-Body", 4096));
	g_assert_null(rawhdr_first(raw, len, "Receive", 4096));
	g_assert_null(rawhdr_first(raw, len, "", 4096));
	g_assert_null(rawhdr_first(NULL, 0, "Subject", 4096));
	/* len cuts the block: the field is cut with it */
	v = rawhdr_first(raw, 14, "Received", 4096);
	g_assert_cmpstr(v, ==, "from");
	g_free(v);
	v = rawhdr_first(raw, 9, "Received", 4096);
	g_assert_cmpstr(v, ==, "");
	g_free(v);
	g_assert_null(rawhdr_first(raw, 8, "Received", 4096));
}

struct qid_case {
	const char *what;
	const char *raw;
	const char *id;
};

#define A32 "0123456789abcdefghijABCDEFGHIJkl"

static const struct qid_case qid_cases[] = {
    {"Postfix, smtpd",
	"Received: from x (localhost [127.0.0.1])\r\n\tby mail.example.org "
	"(Postfix) with ESMTP id 4Yb2Qk0PZ3z9sVp\r\n\tfor "
	"<ai@lists.example.org>; Thu, 26 Nov 2026 10:00:00 +0900 (KST)\r\n"
	"Subject: s\r\n\r\nbody\r\n",
	"4Yb2Qk0PZ3z9sVp"},
    {"Postfix, smtpd, LF and only the header",
	"Received: from x (localhost [127.0.0.1])\n\tby mail.example.org "
	"(Postfix) with ESMTP id 4Yb2Qk0PZ3z9sVp\n\tfor "
	"<ai@lists.example.org>; Thu, 26 Nov 2026 10:00:00 +0900 (KST)",
	"4Yb2Qk0PZ3z9sVp"},
    {"Postfix, pickup (id then a semicolon, short form)",
	"Received: by mail.example.org (Postfix, from userid 1000)\n"
	"\tid 3F2A1B4C5D; Thu, 26 Nov 2026 10:00:00 +0900 (KST)\n\n",
	"3F2A1B4C5D"},
    {"name in upper case", "RECEIVED: by x (Postfix) id abc; now\n\n", "abc"},
    {"id at the very end of the buffer", "Received: by x with ESMTP id ABC",
	"ABC"},
    {"an earlier \" id \" without an ID",
	"Received: from id (id [192.0.2.1]) by x (Postfix) with ESMTP id "
	"ABC12\n\n",
	"ABC12"},
    {"no id", "Received: from x by y with SMTP; Thu, 26 Nov 2026\n\n", "-"},
    {"\"id\" inside a word", "Received: by x (from userid 0); now\n\n", "-"},
    {"id of 32", "Received: by x id " A32 "; now\n\n", A32},
    {"id of 33", "Received: by x id " A32 "m; now\n\n", "-"},
    {"id of other characters", "Received: by x id abc-def; now\n\n", "abc"},
    {"only the first Received counts",
	"Received: from a by b; now\nReceived: by c with ESMTP id XYZ\n\n",
	"-"},
    {"Received in the body only", "Subject: s\n\nReceived: by x id ABC\n", "-"},
    {"no Received", "Subject: s\n\nbody\n", "-"},
    {"empty", "", "-"},
    {"Received cut short: name", "Subject: x\nReceiv", "-"},
    {"Received cut short: colon", "Subject: x\nReceived:", "-"},
    {"Received cut short: in the id", "Received: by x id 4Yb2", "4Yb2"},
    {"Received cut short: after id", "Received: by x id", "-"},
};

/* test_queue_id - rawhdr_queue_id on real and broken Received fields */
static void
test_queue_id(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(qid_cases); i++) {
		const struct qid_case *c = &qid_cases[i];
		size_t len = strlen(c->raw);
		g_autofree char *raw = exact(c->raw, len);
		g_autofree char *id = NULL;

		g_test_message("case: %s", c->what);
		id = rawhdr_queue_id(raw, len);
		g_assert_cmpstr(id, ==, c->id);
		/* every shorter buffer: an answer, no read past its end */
		for (size_t n = 0; n < len; n++) {
			g_autofree char *cut = exact(c->raw, n);

			g_free(rawhdr_queue_id(cut, n));
		}
	}
}

/* padded - a header of pad bytes of X-Pad fields, then field, then an
 * empty line and a body */
static GString *
padded(size_t pad, const char *field)
{
	GString *s = g_string_new(NULL);

	/* 80-byte fields, then one of 3 to 82 bytes */
	while (pad - s->len >= 80 + 3)
		g_string_append_printf(s, "X-Pad: %072u\n", 0U);
	g_string_append(s, "X:");
	while (s->len < pad - 1)
		g_string_append_c(s, 'x');
	g_string_append_c(s, '\n');
	g_assert_cmpuint(s->len, ==, pad);
	g_string_append(s, field);
	g_string_append(s, "\n\nbody\n");
	return s;
}

/* test_queue_id_bounds - the scan and field bounds of limits.h */
static void
test_queue_id_bounds(void)
{
	const char *rcvd = "Received: by x (Postfix) with ESMTP id ABC; now";
	GString *s, *f;
	char *id;

	/* The field begins within the scanned bytes and ends there. */
	s = padded(MOIM_QUEUE_ID_SCAN - strlen(rcvd) - 1, rcvd);
	id = rawhdr_queue_id(s->str, s->len);
	g_assert_cmpstr(id, ==, "ABC");
	g_free(id);
	g_string_free(s, TRUE);
	/* ...and beyond them. */
	s = padded(MOIM_QUEUE_ID_SCAN, rcvd);
	id = rawhdr_queue_id(s->str, s->len);
	g_assert_cmpstr(id, ==, "-");
	g_free(id);
	g_string_free(s, TRUE);
	/* The ID within the field's first MOIM_QUEUE_ID_FIELD bytes. */
	f = g_string_new("Received: from x");
	while (f->len < MOIM_QUEUE_ID_FIELD - 20)
		g_string_append(f, "\n\tvia somewhere");
	g_string_append(f, " id ABC;");
	id = rawhdr_queue_id(f->str, f->len);
	g_assert_cmpstr(id, ==, "ABC");
	g_free(id);
	/* ...and beyond it. */
	while (f->len < MOIM_QUEUE_ID_FIELD + 20)
		g_string_insert(f, 16, "\n\tvia somewhere");
	id = rawhdr_queue_id(f->str, f->len);
	g_assert_cmpstr(id, ==, "-");
	g_free(id);
	g_string_free(f, TRUE);
}

/* Counts of the corpus test, printed at its end. */
struct corpus_count {
	unsigned files;
	unsigned gmime_refused; /* made no message (XML, JSON, text files) */
	unsigned gmime_critical; /* made one, with a GMIME_CRIT_* warning */
	unsigned end_agrees; /* body offset equal to GMime's */
	unsigned end_none; /* neither finds an empty line */
	unsigned filter_exact; /* keep-all gave the input back */
	unsigned filter_added; /* keep-all added the missing empty line */
	unsigned subject_same;
	unsigned subject_none; /* neither has a Subject */
};

/* count_crit - a GMime parser warning callback counting GMIME_CRIT_* */
static void
count_crit(
    gint64 offset, GMimeParserWarning code, const gchar *item, gpointer data)
{
	unsigned *n = data;

	(void)offset;
	(void)item;
	switch (code) {
	case GMIME_CRIT_INVALID_HEADER_NAME:
	case GMIME_CRIT_CONFLICTING_HEADER:
	case GMIME_CRIT_CONFLICTING_PARAMETER:
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
	case GMIME_CRIT_NESTING_OVERFLOW:
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		(*n)++;
		break;
	default:
		break;
	}
}

/* unfold - GMime's raw value as rawhdr_first() gives one: cut at NUL,
 * CR, LF and TAB as spaces, no spaces at either end */
static char *
unfold(const char *raw)
{
	char *s = g_strdup(raw);

	for (char *p = s; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
	return g_strstrip(s);
}

/* gmime_read - parse buf with GMime's parser: the message (NULL when it
 * makes none), the offset of its body (-1: no empty line) and the
 * number of critical warnings */
static GMimeMessage *
gmime_read(const char *buf, size_t len, gint64 *body_out, unsigned *crit_out)
{
	GMimeStream *s =
	    g_mime_stream_mem_new_with_buffer(buf != NULL ? buf : "", len);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeParserOptions *o = g_mime_parser_options_new();
	GMimeMessage *m;
	gint64 end;

	*crit_out = 0;
	g_mime_parser_options_set_warning_callback(o, count_crit, crit_out);
	g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
	m = g_mime_parser_construct_message(p, o);
	end = g_mime_parser_get_headers_end(p);
	/* headers_end is where the empty line starts, when there is one */
	*body_out = -1;
	if (end >= 0 && (guint64)end < len && buf[end] == '\n')
		*body_out = end + 1;
	else if (end >= 0 && (guint64)end + 1 < len && buf[end] == '\r' &&
	    buf[end + 1] == '\n')
		*body_out = end + 2;
	g_object_unref(p);
	g_object_unref(s);
	g_mime_parser_options_free(o);
	return m;
}

/* check_filter - keep-all gives raw back (plus the empty line raw lacks);
 * keep-none gives the empty line and the body */
static void
check_filter(const char *raw, size_t len, size_t at, struct corpus_count *c)
{
	GString *all = g_string_new(NULL), *none = g_string_new(NULL);
	size_t eol;

	rawhdr_filter(raw, len, keep_all, NULL, all);
	rawhdr_filter(raw, len, keep_none, NULL, none);
	g_assert_cmpuint(all->len, >=, len);
	g_assert_true(len == 0 || memcmp(all->str, raw, len) == 0);
	if (all->len == len) {
		c->filter_exact++;
	} else {
		/* no empty line: rawhdr_end() said so, one was added */
		g_assert_cmpuint(at, ==, len);
		g_assert_cmpstr(all->str + len, ==,
		    len > 0 && raw[len - 1] != '\n' ? "\n\n" : "\n");
		c->filter_added++;
	}
	/* none = the empty line (as raw has it, or an added LF), body */
	eol = none->len - (len - at);
	g_assert_cmpuint(none->len, >=, len - at);
	g_assert_true(
	    at == len || memcmp(none->str + eol, raw + at, len - at) == 0);
	g_assert_true(eol == 1 || eol == 2);
	g_assert_true(memcmp(none->str, eol == 2 ? "\r\n" : "\n", eol) == 0);
	if (all->len == len)
		g_assert_true(memcmp(raw + at - eol, none->str, eol) == 0);
	g_string_free(all, TRUE);
	g_string_free(none, TRUE);
}

/* check_subject - rawhdr_first(Subject) is the raw Subject GMime read */
static void
check_subject(
    GMimeMessage *m, const char *raw, size_t len, struct corpus_count *c)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(m));
	GMimeHeader *h = g_mime_header_list_get_header(hl, "Subject");
	g_autofree char *ours = rawhdr_first(raw, len, "Subject", len);
	g_autofree char *theirs = NULL;

	if (h == NULL) {
		g_assert_null(ours);
		c->subject_none++;
		return;
	}
	theirs = unfold(g_mime_header_get_raw_value(h));
	g_assert_cmpstr(ours, ==, theirs);
	c->subject_same++;
}

/* check_file - one corpus file through rawhdr and GMime */
static void
check_file(const char *path, struct corpus_count *c)
{
	g_autofree char *buf = NULL, *raw = NULL;
	gsize len = 0;
	size_t at;
	gint64 body;
	unsigned crit;
	GMimeMessage *m;

	g_assert_true(g_file_get_contents(path, &buf, &len, NULL));
	raw = exact(buf, len);
	c->files++;
	at = rawhdr_end(raw, len);
	check_filter(raw, len, at, c);
	g_free(rawhdr_queue_id(raw, len));
	m = gmime_read(raw, len, &body, &crit);
	if (m == NULL) {
		c->gmime_refused++;
		return;
	}
	check_subject(m, raw, len, c);
	g_object_unref(m);
	/* GMime's critical warnings are about what follows the top-level
	 * header block (a bad part header, a multipart without boundary):
	 * the body offset agrees on those files too. */
	c->gmime_critical += crit > 0;
	if (body < 0) {
		g_assert_cmpuint(at, ==, len);
		c->end_none++;
	} else {
		g_assert_cmpint(body, ==, (gint64)at);
		c->end_agrees++;
	}
}

/* test_corpus - rawhdr agrees with GMime on every real message */
static void
test_corpus(void)
{
	const char *sub[] = {"mime", "i18n"};
	struct corpus_count c = {0};

	for (size_t i = 0; i < G_N_ELEMENTS(sub); i++) {
		g_autofree char *p = testutil_corpus(sub[i]);
		g_autoptr(GPtrArray) files = NULL;

		if (p == NULL) {
			g_test_skip("no corpus");
			return;
		}
		files = testutil_files(p);
		for (guint k = 0; k < files->len; k++)
			check_file(files->pdata[k], &c);
	}
	g_test_message("corpus: %u files; GMime refused %u, warned critically "
		       "on %u; body offset equal on %u, no empty line on %u",
	    c.files, c.gmime_refused, c.gmime_critical, c.end_agrees,
	    c.end_none);
	g_test_message("corpus: keep-all gave %u back exactly, %u with the "
		       "empty line added; Subject equal on %u, absent on %u",
	    c.filter_exact, c.filter_added, c.subject_same, c.subject_none);
	g_assert_cmpuint(c.files, >, 600);
	g_assert_cmpuint(c.end_agrees, >, 300);
	g_assert_cmpuint(c.subject_same, >, 200);
}

/* main - register and run the tests */
int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_mime_init();
	g_test_add_func("/rawhdr/cases", test_cases);
	g_test_add_func("/rawhdr/first", test_first);
	g_test_add_func("/rawhdr/queue-id", test_queue_id);
	g_test_add_func("/rawhdr/queue-id-bounds", test_queue_id_bounds);
	g_test_add_func("/rawhdr/corpus", test_corpus);
	return g_test_run();
}
