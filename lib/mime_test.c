/*
 * mime_test - unit tests of the mime module
 */
#include "config.h"

#include <string.h>

#include "err.h"
#include "limits.h"
#include "mime.h"
#include "testutil.h"

/* corpus_file - contents of a corpus file, or NULL (test skipped) */
static char *
corpus_file(const char *rel, gsize *len_out)
{
	g_autofree char *dir = testutil_corpus(NULL);
	g_autofree char *path = NULL;
	char *buf = NULL;

	if (dir == NULL) {
		g_test_skip("no corpus");
		return NULL;
	}
	path = g_build_filename(dir, rel, NULL);
	g_assert_true(g_file_get_contents(path, &buf, len_out, NULL));
	return buf;
}

/* parse_ok - parse s, which must succeed */
static GMimeMessage *
parse_ok(const char *s)
{
	GError *err = NULL;
	GMimeMessage *m = mime_parse(s, strlen(s), &err);

	g_assert_no_error(err);
	g_assert_nonnull(m);
	return m;
}

/* reparse - serialise m, check LF line ends and parse the result again */
static GMimeMessage *
reparse(GMimeMessage *m, char **text_out)
{
	GBytes *b = mime_to_bytes(GMIME_OBJECT(m));
	gsize n = 0;
	const char *d = g_bytes_get_data(b, &n);
	GMimeMessage *m2;

	g_assert_null(memchr(d, '\r', n));
	*text_out = g_strndup(d, n);
	g_bytes_unref(b);
	m2 = parse_ok(*text_out);
	return m2;
}

/* is_ascii_headers - whether the header block of text is 7-bit */
static bool
is_ascii_headers(const char *text)
{
	const char *end = strstr(text, "\n\n");
	size_t n = end != NULL ? (size_t)(end - text) : strlen(text);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)text[i] > 127)
			return false;
	return true;
}

struct corpus_count {
	unsigned parsed;
	unsigned refused;
};

/* exercise - everything listd does to a post, on one corpus file */
static void
exercise(const char *buf, gsize len, struct corpus_count *c)
{
	GError *err = NULL;
	GMimeMessage *m = mime_parse(buf, len, &err);
	char *s;

	if (m == NULL) {
		g_assert_error(err, MOIM_ERROR, MOIM_ERR_INPUT);
		g_clear_error(&err);
		c->refused++;
		return;
	}
	c->parsed++;
	s = mime_body_text(m, 4096);
	g_assert_true(g_utf8_validate(s, -1, NULL));
	g_assert_cmpuint(strlen(s), <=, 4096);
	g_free(s);
	s = mime_header_text(GMIME_OBJECT(m), "Subject");
	g_assert_true(s == NULL || g_utf8_validate(s, -1, NULL));
	g_free(s);
	(void)mime_is_auto_submitted(m);
	(void)mime_is_auto_reply(m);
	g_assert_true(mime_add_footer(m, "-- \n모임 footer", &err));
	g_assert_no_error(err);
	g_bytes_unref(mime_to_bytes(GMIME_OBJECT(m)));
	g_object_unref(m);
}

/* walk_dir - exercise every regular file under dir */
static void
walk_dir(const char *dir, struct corpus_count *c)
{
	g_autoptr(GPtrArray) files = testutil_files(dir);

	g_assert_cmpuint(files->len, >, 0);
	for (guint i = 0; i < files->len; i++) {
		g_autofree char *buf = NULL;
		gsize len = 0;

		g_assert_true(
		    g_file_get_contents(files->pdata[i], &buf, &len, NULL));
		exercise(buf, len, c);
	}
}

/* test_corpus - every real file parses or is refused with INPUT */
static void
test_corpus(void)
{
	g_autofree char *dir = testutil_corpus(NULL);
	struct corpus_count c = {0, 0};
	const char *sub[] = {"mime", "i18n"};

	if (dir == NULL) {
		g_test_skip("no corpus");
		return;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(sub); i++) {
		g_autofree char *p = g_build_filename(dir, sub[i], NULL);

		walk_dir(p, &c);
	}
	g_test_message("corpus: %u parsed, %u refused", c.parsed, c.refused);
	g_assert_cmpuint(c.parsed, >, 300);
}

/* test_deep_bomb - MimeKit's deep-nesting bomb is refused, not a crash */
static void
test_deep_bomb(void)
{
	gsize len = 0;
	g_autofree char *buf =
	    corpus_file("mime/mimekit/stack-overflow.txt", &len);
	GError *err = NULL;
	GMimeMessage *m;

	if (buf == NULL)
		return;
	m = mime_parse(buf, len, &err);
	g_assert_null(m);
	g_assert_error(err, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&err);
}

/* test_empty - no bytes at all (an empty blob has no buffer) is refused
 * as an empty message, not as an oversized one */
static void
test_empty(void)
{
	GError *err = NULL;

	g_assert_null(mime_parse(NULL, 0, &err));
	g_assert_error(err, MOIM_ERROR, MOIM_ERR_INPUT);
	g_assert_cmpstr(err->message, ==, "empty message");
	g_clear_error(&err);
	g_assert_null(mime_parse("", 0, &err));
	g_assert_error(err, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&err);
}

/* wrap_text - a message around a bare text file in a charset */
static char *
wrap_text(const char *text, gsize len, const char *charset, bool is_base64)
{
	g_autofree char *body = is_base64
	    ? g_base64_encode((const guchar *)text, len)
	    : g_strndup(text, len);

	return g_strdup_printf("From: a@example.org\nSubject: t\n"
			       "MIME-Version: 1.0\n"
			       "Content-Type: text/plain; charset=%s\n"
			       "Content-Transfer-Encoding: %s\n\n%s\n",
	    charset, is_base64 ? "base64" : "8bit", body);
}

struct legacy_case {
	const char *file;
	const char *charset; /* NULL: the file is a whole message */
	bool is_base64;
	const char *word;
};

/* test_korean_legacy - EUC-KR, CP949 and ISO-2022-KR bodies as UTF-8 */
static void
test_korean_legacy(void)
{
	static const struct legacy_case cases[] = {
	    {"i18n/ruby-mail/ks_c_5601-1987.eml", NULL, false, "스티해"},
	    {"i18n/charset-vectors/chardet_EUC-KR__ude_euc1.txt", "EUC-KR",
		false, "역사적 예수 연구자들은"},
	    {"i18n/charset-vectors/chardet_EUC-KR__ude_euc2.txt", "euc-kr",
		true, "공화국(共和國)"},
	    {"i18n/charset-vectors/chardet_EUC-KR__ude_euc1.txt",
		"ks_c_5601-1987", true, "크로산"},
	    {"i18n/charset-vectors/chardet_iso-2022-kr__ude_iso1.txt",
		"ISO-2022-KR", false, "역사적 예수 연구자들은"},
	    {"i18n/charset-vectors/chardet_iso-2022-kr__ude_iso2.txt",
		"iso-2022-kr", false, "‘북한(北韓)’"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		gsize len = 0;
		g_autofree char *buf = corpus_file(cases[i].file, &len);
		g_autofree char *msg = NULL;
		g_autofree char *text = NULL;
		GMimeMessage *m;

		if (buf == NULL)
			return;
		msg = cases[i].charset == NULL
		    ? g_strndup(buf, len)
		    : wrap_text(buf, len, cases[i].charset, cases[i].is_base64);
		m = parse_ok(msg);
		text = mime_body_text(m, 1 << 20);
		g_assert_nonnull(strstr(text, cases[i].word));
		g_object_unref(m);
	}
}

/* test_encoded_word_ko - a ks_c_5601-1987 encoded word in a header */
static void
test_encoded_word_ko(void)
{
	GMimeMessage *m =
	    parse_ok("From: =?ks_c_5601-1987?B?seggx/bB+A==?= "
		     "<a@b.org>\nSubject: "
		     "=?UTF-8?B?7JWI64WV?= =?UTF-8?Q?_x?=\n\nhi\n");
	g_autofree char *from = mime_header_text(GMIME_OBJECT(m), "From");
	g_autofree char *subj = mime_header_text(GMIME_OBJECT(m), "Subject");
	g_autofree char *none = mime_header_text(GMIME_OBJECT(m), "X-None");

	g_assert_nonnull(strstr(from, "김 현진"));
	g_assert_cmpstr(subj, ==, "안녕 x");
	g_assert_null(none);
	g_object_unref(m);
}

struct prefix_case {
	const char *subject;
	const char *prefix;
	const char *want;
};

/* test_subject_prefix - the prefix comes first and is never doubled */
static void
test_subject_prefix(void)
{
	static const struct prefix_case cases[] = {
	    {"hello", "[P]", "[P] hello"},
	    {"Re: [P] hello", "[P]", "Re: [P] hello"},
	    {"[P] hello", "[P]", "[P] hello"},
	    {"RE: Re: hello", "[P]", "[P] RE: Re: hello"},
	    {"Fwd: [P] hello", "[P]", "Fwd: [P] hello"},
	    {"FW: RE: [p] hello", "[P]", "FW: RE: [p] hello"},
	    {"AW: [P] hallo", "[P]", "AW: [P] hallo"},
	    {"Re[2]: [P] hi", "[P]", "Re[2]: [P] hi"},
	    {"답장: [AI 스터디] 모임 안내", "[AI 스터디]",
		"답장: [AI 스터디] 모임 안내"},
	    {"회신: 전달: [AI 스터디] 포럼", "[AI 스터디]",
		"회신: 전달: [AI 스터디] 포럼"},
	    {"전달: 포럼 안내", "[AI 스터디]", "[AI 스터디] 전달: 포럼 안내"},
	    {"RE: 세미나 일정", "[모임]", "[모임] RE: 세미나 일정"},
	    {"Re： [모임] 전각 콜론", "[모임]", "Re： [모임] 전각 콜론"},
	    {"", "[P]", "[P]"},
	    {NULL, "[P]", "[P]"},
	    {"   ", "[P]", "[P]"},
	    {"hello", "", "hello"},
	    {"hello", NULL, "hello"},
	    {"  hello  ", "[P] ", "[P] hello"},
	    {"line\r\nbreak", "[P]", "[P] line  break"},
	    {"Report: x", "[P]", "[P] Report: x"},
	    {"[Other] hello", "[P]", "[P] [Other] hello"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got =
		    mime_subject_prefixed(cases[i].subject, cases[i].prefix);

		g_assert_cmpstr(got, ==, cases[i].want);
	}
}

/* test_set_ascii_url - an ASCII value too long for one line is written
 * as given (a URL stays a URL), one over 998 octets as encoded words */
static void
test_set_ascii_url(void)
{
	const char *url =
	    "<http://lists.example.org/archive/ai-study@lists.example.org/m/"
	    "1796593292156635727.28480@bench.test/>";
	g_autofree char *huge = g_strnfill(1000, 'u');
	GMimeMessage *m = parse_ok("From: a@example.org\nSubject: s\n\nb\n");
	GError *err = NULL;
	g_autofree char *text = NULL, *line = NULL, *h = NULL, *h2 = NULL;
	GMimeMessage *m2;

	g_assert_true(
	    mime_set_header(GMIME_OBJECT(m), "Archived-At", url, &err));
	g_assert_true(mime_set_header(GMIME_OBJECT(m), "X-Huge", huge, &err));
	g_assert_no_error(err);
	m2 = reparse(m, &text);
	line = g_strdup_printf("\nArchived-At: %s\n", url);
	g_assert_nonnull(strstr(text, line));
	g_assert_null(strstr(text, huge));
	h = mime_header_text(GMIME_OBJECT(m2), "Archived-At");
	g_assert_cmpstr(h, ==, url);
	h2 = mime_header_text(GMIME_OBJECT(m2), "X-Huge");
	g_assert_cmpstr(h2, ==, huge);
	g_object_unref(m2);
	g_object_unref(m);
}

/* test_set_headers - set, encode, refuse CR/LF, remove all */
static void
test_set_headers(void)
{
	GMimeMessage *m = parse_ok("From: a@example.org\nSubject: old\n"
				   "X-Moim: 1\nX-Moim: 2\n\nbody\n");
	GError *err = NULL;
	g_autofree char *text = NULL;
	g_autofree char *subj = NULL;
	g_autofree char *h = NULL;
	GMimeMessage *m2;

	g_assert_true(mime_set_subject(m, "[모임] 새 제목 안내", &err));
	g_assert_true(mime_set_header(GMIME_OBJECT(m), "List-Id",
	    "AI 스터디 <ai.lists.example.org>", &err));
	g_assert_no_error(err);
	g_assert_false(mime_set_header(
	    GMIME_OBJECT(m), "X-Evil", "a\r\nBcc: x@example.org", &err));
	g_assert_error(err, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&err);
	g_assert_false(mime_set_subject(m, "a\nb", &err));
	g_assert_error(err, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&err);
	g_assert_false(mime_set_header(GMIME_OBJECT(m), "Bad Name", "v", &err));
	g_assert_error(err, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&err);
	mime_remove_header(GMIME_OBJECT(m), "X-Moim");
	m2 = reparse(m, &text);
	g_assert_null(strstr(text, "X-Moim"));
	g_assert_null(strstr(text, "Bcc"));
	g_assert_nonnull(strstr(text, "Subject: =?"));
	g_assert_true(is_ascii_headers(text));
	subj = mime_header_text(GMIME_OBJECT(m2), "Subject");
	g_assert_cmpstr(subj, ==, "[모임] 새 제목 안내");
	h = mime_header_text(GMIME_OBJECT(m2), "List-Id");
	g_assert_cmpstr(h, ==, "AI 스터디 <ai.lists.example.org>");
	g_object_unref(m2);
	g_object_unref(m);
}

/* body_param - a Content-Type parameter of o */
static const char *
body_param(GMimeObject *o, const char *param)
{
	return g_mime_object_get_content_type_parameter(o, param);
}

/* test_footer_7bit - ASCII footer on 7-bit text stays 7-bit, appended */
static void
test_footer_7bit(void)
{
	GMimeMessage *m =
	    parse_ok("From: a@example.org\nSubject: s\n"
		     "MIME-Version: 1.0\n"
		     "Content-Type: text/plain; charset=us-ascii\n"
		     "Content-Transfer-Encoding: 7bit\n\n"
		     "Hello list\nsecond line");
	GError *err = NULL;
	g_autofree char *text = NULL;
	g_autofree char *body = NULL;
	GMimeMessage *m2;

	g_assert_true(mime_add_footer(m, "-- \nai-study list\n", &err));
	g_assert_no_error(err);
	m2 = reparse(m, &text);
	g_assert_nonnull(strstr(text, "Content-Transfer-Encoding: 7bit"));
	g_assert_nonnull(strstr(
	    text, "\n\nHello list\nsecond line\n\n-- \nai-study list\n"));
	g_assert_true(GMIME_IS_PART(g_mime_message_get_mime_part(m2)));
	body = mime_body_text(m2, 1000);
	g_assert_cmpstr(
	    body, ==, "Hello list\nsecond line\n\n-- \nai-study list\n");
	g_object_unref(m2);
	g_object_unref(m);
}

struct footer_8bit_case {
	const char *body; /* a 7-bit text/plain body without MIME headers */
	GMimeContentEncoding enc; /* expected once the footer is in */
};

/* test_footer_7bit_korean - a Korean footer makes 7-bit text UTF-8 in
 * 8bit, as it came (quoted-printable only for a line 8bit cannot carry) */
static void
test_footer_7bit_korean(void)
{
	g_autofree char *long_line = g_strnfill(999, 'x');
	const struct footer_8bit_case cases[] = {
	    {"Hi\n", GMIME_CONTENT_ENCODING_8BIT},
	    {"a line of 87 characters: The quick brown fox jumps over the "
	     "lazy dog, the quick fox\n",
		GMIME_CONTENT_ENCODING_8BIT},
	    {long_line, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *in = g_strdup_printf(
		    "From: a@example.org\nSubject: s\n\n%s", cases[i].body);
		GMimeMessage *m = parse_ok(in);
		GError *err = NULL;
		g_autofree char *text = NULL, *body = NULL, *want = NULL;
		g_autofree char *kept = NULL;
		GMimeMessage *m2;
		GMimeObject *b;

		g_assert_true(mime_add_footer(m, "탈퇴: 구독취소", &err));
		m2 = reparse(m, &text);
		b = g_mime_message_get_mime_part(m2);
		g_assert_cmpstr(body_param(b, "charset"), ==, "utf-8");
		g_assert_cmpint(g_mime_part_get_content_encoding(GMIME_PART(b)),
		    ==, cases[i].enc);
		want = g_strdup_printf("%s%s\n탈퇴: 구독취소\n", cases[i].body,
		    g_str_has_suffix(cases[i].body, "\n") ? "" : "\n");
		/* 8bit: the text's own bytes, the footer's as UTF-8. */
		kept = g_strconcat("\n\n", want, NULL);
		g_assert_true((strstr(text, kept) != NULL) ==
		    (cases[i].enc == GMIME_CONTENT_ENCODING_8BIT));
		body = mime_body_text(m2, 4000);
		g_assert_cmpstr(body, ==, want);
		g_object_unref(m2);
		g_object_unref(m);
	}
}

/* euckr_message - a base64 EUC-KR text/plain message of text */
static char *
euckr_message(const char *utf8)
{
	gsize n = 0;
	g_autofree char *euc =
	    g_convert(utf8, -1, "EUC-KR", "UTF-8", NULL, &n, NULL);
	g_autofree char *b64 = NULL;

	g_assert_nonnull(euc);
	b64 = g_base64_encode((const guchar *)euc, n);
	return g_strdup_printf("From: a@example.org\nSubject: s\n"
			       "MIME-Version: 1.0\n"
			       "Content-Type: text/plain; charset=EUC-KR\n"
			       "Content-Transfer-Encoding: base64\n\n%s\n",
	    b64);
}

struct euckr_case {
	const char *footer;
	const char *charset; /* expected after the footer */
};

/* test_footer_euckr - base64 kept; EUC-KR kept only if the footer fits */
static void
test_footer_euckr(void)
{
	static const struct euckr_case cases[] = {
	    {"모임 목록 안내: 구독취소는 ai-request@example.org", "EUC-KR"},
	    {"똠방각하 모임 🙂", "utf-8"}, /* 똠 is not in KS X 1001 */
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *src = euckr_message("안녕하세요 여러분.\n");
		g_autofree char *text = NULL;
		g_autofree char *body = NULL;
		g_autofree char *want = NULL;
		GMimeMessage *m = parse_ok(src);
		GError *err = NULL;
		GMimeMessage *m2;
		GMimeObject *b;

		g_assert_true(mime_add_footer(m, cases[i].footer, &err));
		m2 = reparse(m, &text);
		b = g_mime_message_get_mime_part(m2);
		g_assert_cmpstr(body_param(b, "charset"), ==, cases[i].charset);
		g_assert_cmpint(g_mime_part_get_content_encoding(GMIME_PART(b)),
		    ==, GMIME_CONTENT_ENCODING_BASE64);
		body = mime_body_text(m2, 1000);
		want = g_strdup_printf(
		    "안녕하세요 여러분.\n\n%s\n", cases[i].footer);
		g_assert_cmpstr(body, ==, want);
		g_object_unref(m2);
		g_object_unref(m);
	}
}

/* test_footer_qp - quoted-printable stays quoted-printable */
static void
test_footer_qp(void)
{
	GMimeMessage *m =
	    parse_ok("From: a@example.org\nSubject: s\n"
		     "MIME-Version: 1.0\n"
		     "Content-Type: text/plain; charset=utf-8\n"
		     "Content-Transfer-Encoding: quoted-printable\n"
		     "\ncaf=C3=A9 au lait=\n soft\n");
	GError *err = NULL;
	g_autofree char *text = NULL;
	g_autofree char *body = NULL;
	GMimeMessage *m2;
	GMimeObject *b;

	g_assert_true(mime_add_footer(m, "모임 footer", &err));
	m2 = reparse(m, &text);
	b = g_mime_message_get_mime_part(m2);
	g_assert_cmpint(g_mime_part_get_content_encoding(GMIME_PART(b)), ==,
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_assert_null(strstr(text, "모임")); /* encoded, not raw 8-bit */
	body = mime_body_text(m2, 1000);
	g_assert_cmpstr(body, ==, "café au lait soft\n\n모임 footer\n");
	g_object_unref(m2);
	g_object_unref(m);
}

/* test_footer_flowed - format=flowed text stays valid flowed text */
static void
test_footer_flowed(void)
{
	GMimeMessage *m = parse_ok(
	    "From: a@example.org\nSubject: s\nMIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=us-ascii; format=flowed\n\n"
	    "a long paragraph \nthat flows \n");
	GError *err = NULL;
	g_autofree char *text = NULL;
	GMimeMessage *m2;

	g_assert_true(mime_add_footer(m, "> not a quote \nFrom here", &err));
	m2 = reparse(m, &text);
	g_assert_nonnull(strstr(text, "format=flowed"));
	/* The last body line no longer ends in a space, so the footer does
	 * not flow into it; footer lines are space-stuffed and fixed. */
	g_assert_nonnull(strstr(text,
	    "a long paragraph \nthat flows\n\n > not a quote\n From here\n"));
	g_object_unref(m2);
	g_object_unref(m);
}

/* test_footer_alternative - multipart/alternative is wrapped in mixed */
static void
test_footer_alternative(void)
{
	GMimeMessage *m = parse_ok(
	    "From: a@example.org\nSubject: s\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/alternative; boundary=\"alt\"\n\n"
	    "--alt\nContent-Type: text/plain\n\nplain text\n"
	    "--alt\nContent-Type: text/html\n\n<p>html &amp; text</p>\n"
	    "--alt--\n");
	GError *err = NULL;
	g_autofree char *text = NULL;
	g_autofree char *body = NULL;
	GMimeMessage *m2;
	GMimeObject *top, *alt, *foot;

	g_assert_true(mime_add_footer(m, "목록 footer", &err));
	m2 = reparse(m, &text);
	top = g_mime_message_get_mime_part(m2);
	g_assert_true(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(top), "multipart", "mixed"));
	g_assert_cmpint(
	    g_mime_multipart_get_count(GMIME_MULTIPART(top)), ==, 2);
	alt = g_mime_multipart_get_part(GMIME_MULTIPART(top), 0);
	foot = g_mime_multipart_get_part(GMIME_MULTIPART(top), 1);
	g_assert_true(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(alt), "multipart", "alternative"));
	g_assert_cmpstr(g_mime_object_get_disposition(foot), ==, "inline");
	g_assert_cmpstr(body_param(foot, "charset"), ==, "utf-8");
	body = mime_body_text(m2, 1000);
	g_assert_cmpstr(body, ==, "plain text");
	g_object_unref(m2);
	g_object_unref(m);
}

#define SIGNED_PART                                                            \
	"Content-Type: text/plain; charset=us-ascii\n"                         \
	"Content-Transfer-Encoding: quoted-printable\n\n"                      \
	"Signed  text,  odd spacing =20\nand=3D a line.\n"

/* test_footer_signed - a signed body is wrapped with its bytes intact */
static void
test_footer_signed(void)
{
	GMimeMessage *m = parse_ok(
	    "From: a@example.org\nSubject: s\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/signed; micalg=pgp-sha256;\n"
	    " protocol=\"application/pgp-signature\"; boundary=\"sig\"\n\n"
	    "--sig\n" SIGNED_PART "--sig\n"
	    "Content-Type: application/pgp-signature\n\n"
	    "-----BEGIN PGP SIGNATURE-----\niQEzBAEBCAAd\n"
	    "-----END PGP SIGNATURE-----\n--sig--\n");
	GError *err = NULL;
	g_autofree char *text = NULL;
	GMimeMessage *m2;
	GMimeObject *top;

	g_assert_true(mime_add_footer(m, "footer", &err));
	m2 = reparse(m, &text);
	g_assert_nonnull(strstr(text, "\n--sig\n" SIGNED_PART "--sig\n"));
	top = g_mime_message_get_mime_part(m2);
	g_assert_true(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(top), "multipart", "mixed"));
	g_assert_true(GMIME_IS_MULTIPART_SIGNED(
	    g_mime_multipart_get_part(GMIME_MULTIPART(top), 0)));
	g_object_unref(m2);
	g_object_unref(m);
}

/* test_footer_bad_charset - undecodable text is wrapped, not re-encoded */
static void
test_footer_bad_charset(void)
{
	GMimeMessage *m = parse_ok("From: a@example.org\nSubject: s\n"
				   "Content-Type: text/plain; charset=utf-8\n"
				   "Content-Transfer-Encoding: 8bit\n\n"
				   "caf\xe9 latin-1 lying as utf-8\n");
	GError *err = NULL;
	g_autofree char *text = NULL;
	g_autofree char *body = NULL;
	GMimeMessage *m2;

	g_assert_true(mime_add_footer(m, "footer", &err));
	m2 = reparse(m, &text);
	g_assert_true(GMIME_IS_MULTIPART(g_mime_message_get_mime_part(m2)));
	g_assert_nonnull(strstr(text, "caf\xe9 latin-1"));
	body = mime_body_text(m2, 1000);
	g_assert_cmpstr(body, ==, "café latin-1 lying as utf-8\n");
	g_object_unref(m2);
	g_object_unref(m);
}

struct body_case {
	const char *msg;
	size_t max;
	const char *want;
};

/* test_body_text - charsets, fallbacks, HTML and truncation */
static void
test_body_text(void)
{
	static const struct body_case cases[] = {
	    {"Subject: a\n\nplain\r\ntext\r\n", 100, "plain\ntext\n"},
	    {"Subject: a\nContent-Type: text/plain; charset=x-unknown\n\n"
	     "\xea\xb0\x80 ok\n",
		100, "가 ok\n"},
	    {"Subject: a\nContent-Type: text/plain; charset=iso-8859-1\n\n"
	     "caf\xe9\n",
		100, "café\n"},
	    {"Subject: a\n\n\xeb\xaa\xa8\xec\x9e\x84 \xff ok\n", 100,
		"모임 \xef\xbf\xbd ok\n"},
	    {"Subject: a\nContent-Type: text/html\n\n<html><head><style>p{}"
	     "</style></head><body><p>A &amp; B&#44;&#x20;&lt;C&gt;<br>"
	     "D&bogus;</p><script>x()</script></body></html>",
		100, "\nA & B, <C>\nD&bogus;\n"},
	    {"Subject: a\n\n모임 안내", 4, "모"},
	    {"Subject: a\n\n모임 안내", 6, "모임"},
	    {"Subject: a\n\n모임 안내", 2, ""},
	    {"Subject: a\nContent-Type: image/png\n\nxx", 100, ""},
	    {"Subject: a\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
	     "Content-Type: text/plain\nContent-Disposition: attachment\n\n"
	     "att\n--b\nContent-Type: text/plain\n\nwritten\n--b--\n",
		100, "written"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GMimeMessage *m = parse_ok(cases[i].msg);
		g_autofree char *got = mime_body_text(m, cases[i].max);

		g_assert_cmpstr(got, ==, cases[i].want);
		g_object_unref(m);
	}
	g_autofree char *none = mime_body_text(NULL, 10);
	g_assert_cmpstr(none, ==, "");
}

/* test_notice - a Korean notice round-trips through the parser */
static void
test_notice(void)
{
	static const char *const extra[] = {
	    "List-Id", "AI 스터디 <ai.lists.example.org>", NULL};
	const char *body = "안녕하세요, 홍길동 님.\n\n아래 주소로 답장하시면 "
			   "구독이 확인됩니다. 이 줄은 일부러 아주 길게 써서 "
			   "일흔여섯 바이트를 넘깁니다.\nconfirm abc\n";
	struct mime_notice n = {
	    .from = "\"AI 스터디\" <ai-request@lists.example.org>",
	    .to = "홍길동 <hong@example.org>",
	    .subject = "[AI 스터디] 구독 확인 요청",
	    .body = body,
	    .message_id_domain = "lists.example.org",
	    .in_reply_to = "<orig.1@example.org>",
	    .extra_headers = extra,
	};
	GError *err = NULL;
	g_autofree char *out = mime_build_notice(&n, &err);
	g_autofree char *subj = NULL, *text = NULL, *from = NULL, *id = NULL;
	g_auto(GStrv) lines = NULL;
	GMimeMessage *m;

	g_assert_no_error(err);
	g_assert_null(strchr(out, '\r'));
	g_assert_true(is_ascii_headers(out));
	lines = g_strsplit(out, "\n", -1);
	for (int i = 0; lines[i] != NULL; i++)
		g_assert_cmpuint(strlen(lines[i]), <=, 78);
	g_assert_nonnull(strstr(out, "\nAuto-Submitted: auto-replied\n"));
	g_assert_nonnull(strstr(out, "\nMIME-Version: 1.0\n"));
	g_assert_nonnull(strstr(out, "\nIn-Reply-To: <orig.1@example.org>\n"));
	g_assert_nonnull(strstr(out, "\nReferences: <orig.1@example.org>\n"));
	g_assert_nonnull(strstr(out, "charset=utf-8"));
	g_assert_nonnull(strstr(out, "\nFrom: "));
	g_assert_true(
	    g_str_has_prefix(out, "Date: ") || strstr(out, "\nDate: ") != NULL);
	m = parse_ok(out);
	subj = mime_header_text(GMIME_OBJECT(m), "Subject");
	g_assert_cmpstr(subj, ==, n.subject);
	text = mime_body_text(m, 10000);
	g_assert_cmpstr(text, ==, body);
	from = mime_header_text(GMIME_OBJECT(m), "From");
	g_assert_nonnull(strstr(from, "AI 스터디"));
	id = mime_header_text(GMIME_OBJECT(m), "Message-ID");
	g_assert_true(g_str_has_suffix(id, "@lists.example.org>"));
	g_assert_true(mime_is_auto_submitted(m));
	g_object_unref(m);
}

struct bad_notice_case {
	const char *subject;
	const char *domain;
	const char *in_reply_to;
};

/* test_notice_refused - CR/LF or a bad id part is refused with INPUT */
static void
test_notice_refused(void)
{
	static const struct bad_notice_case cases[] = {
	    {"a\r\nBcc: x@example.org", "example.org", NULL},
	    {"ok", "exa mple.org", NULL},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct mime_notice n = {.from = "a@example.org",
		    .to = "b@example.org",
		    .subject = cases[i].subject,
		    .body = "x\n",
		    .message_id_domain = cases[i].domain,
		    .in_reply_to = cases[i].in_reply_to};
		GError *err = NULL;
		char *out = mime_build_notice(&n, &err);

		g_assert_null(out);
		g_assert_error(err, MOIM_ERROR, MOIM_ERR_INPUT);
		g_clear_error(&err);
	}
}

/* test_notice_bad_reference - a reference moim cannot write is left out
 * and the notice is made (issue 13.5: "<a b@x>" as a post's Message-ID
 * failed the moderators' notice, and the job, for ever) */
static void
test_notice_bad_reference(void)
{
	static const char *const refs[] = {
	    "<a b@x>", "<a@b>\nBcc: x", "no-brackets@b", "<a@b> <c@d>"};

	for (size_t i = 0; i < G_N_ELEMENTS(refs); i++) {
		struct mime_notice n = {.from = "a@example.org",
		    .to = "b@example.org",
		    .subject = "ok",
		    .body = "x\n",
		    .message_id_domain = "example.org",
		    .in_reply_to = refs[i]};
		GError *err = NULL;
		g_autofree char *out = mime_build_notice(&n, &err);

		g_assert_no_error(err);
		g_assert_nonnull(out);
		g_assert_null(strstr(out, "In-Reply-To"));
		g_assert_null(strstr(out, "References"));
		g_assert_null(strstr(out, "Bcc"));
	}
}

/* gmime_subject - the subject GMime itself reads from text */
static char *
gmime_subject(const char *text, char **from_name_out)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
	InternetAddressList *l;
	char *s;

	g_assert_nonnull(m);
	s = g_strdup(g_mime_message_get_subject(m));
	l = g_mime_message_get_from(m);
	*from_name_out = internet_address_list_length(l) > 0
	    ? g_strdup(internet_address_get_name(
		  internet_address_list_get_address(l, 0)))
	    : NULL;
	g_object_unref(m);
	g_object_unref(p);
	g_object_unref(st);
	return s;
}

/* test_set_korean_whole - a long Korean subject and name written by
 * mime_set_*() and mime_build_notice() come back whole, read by lib/mime
 * and by GMime 3.2.13's own decoder (whose encoder's words it cuts) */
static void
test_set_korean_whole(void)
{
	const char *subject = "[AI 프렌즈] Re: 제1회 공개기술포럼 발표자료 "
			      "공유 2027 AI Friends 모임 안내 및 자료";
	const char *name = "김 지현 책임 연구원 (공개기술포럼 준비위원회) via "
			   "AI 프렌즈";
	g_autofree char *from =
	    g_strdup_printf("\"%s\" <ai@lists.example.org>", name);
	GMimeMessage *m =
	    parse_ok("From: a@example.org\nSubject: old\n\nbody\n");
	GMimeMessage *m2;
	GError *err = NULL;
	g_autofree char *text = NULL, *subj = NULL, *gsubj = NULL;
	g_autofree char *gname = NULL, *hfrom = NULL, *notice = NULL;
	g_autofree char *nsubj = NULL, *nname = NULL;
	struct mime_notice n = {.from = from,
	    .to = "b@example.org",
	    .subject = subject,
	    .body = "x\n",
	    .message_id_domain = "example.org"};

	g_assert_true(mime_set_subject(m, subject, &err));
	g_assert_true(mime_set_header(GMIME_OBJECT(m), "From", from, &err));
	g_assert_no_error(err);
	m2 = reparse(m, &text);
	g_assert_true(is_ascii_headers(text));
	subj = mime_header_text(GMIME_OBJECT(m2), "Subject");
	g_assert_cmpstr(subj, ==, subject);
	hfrom = mime_header_text(GMIME_OBJECT(m2), "From");
	g_assert_nonnull(strstr(hfrom, name));
	gsubj = gmime_subject(text, &gname);
	g_assert_cmpstr(gsubj, ==, subject);
	g_assert_cmpstr(gname, ==, name);
	notice = mime_build_notice(&n, &err);
	g_assert_no_error(err);
	nsubj = gmime_subject(notice, &nname);
	g_assert_cmpstr(nsubj, ==, subject);
	g_assert_cmpstr(nname, ==, name);
	g_object_unref(m2);
	g_object_unref(m);
}

struct filename_case {
	const char *headers; /* of the attachment part */
	const char *want;
};

/* test_part_filename - file names as mailers write them, whole (GMime
 * 3.2.13 gave "발표 자료" for the first) */
static void
test_part_filename(void)
{
	static const struct filename_case cases[] = {
	    {"Content-Disposition: attachment; filename=\"=?utf-8?b?67Cc7ZGc"
	     "IOyekOujjA==?= =?utf-8?b?7LWc7KKFLnBkZg==?=\"\n",
		"발표 자료최종.pdf"},
	    {"Content-Disposition: attachment;\n filename*0*=utf-8''%EB%B0%9C"
	     "%ED%91%9C%20%EC%9E%90%EB;\n filename*1*=%A3%8C.pdf\n",
		"발표 자료.pdf"},
	    {"Content-Type: application/pdf; name=\"=?euc-kr?b?x9Gx*uQ==?="
	     "=?euc-kr?q?=2Epdf?=\"\n",
		"한국.pdf"},
	    {"Content-Disposition: attachment; filename=\"a=?b.txt\"\n",
		"a=?b.txt"},
	    {"Content-Disposition: inline\n", NULL},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *msg = g_strdup_printf(
		    "From: a@example.org\nSubject: f\nMIME-Version: 1.0\n"
		    "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
		    "Content-Type: text/plain\n\nx\n--b\n%s\nZm9v\n--b--\n",
		    cases[i].headers);
		GMimeMessage *m = parse_ok(msg);
		GMimeMultipart *mp =
		    GMIME_MULTIPART(g_mime_message_get_mime_part(m));
		g_autofree char *got =
		    mime_part_filename(g_mime_multipart_get_part(mp, 1));

		g_assert_cmpstr(got, ==, cases[i].want);
		g_object_unref(m);
	}
}

/* nested - n multiparts nested in each other around one text part */
static char *
nested(int n)
{
	GString *s = g_string_new("From: a@example.org\nSubject: deep\n");

	for (int i = 0; i < n; i++)
		g_string_append_printf(s,
		    "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n",
		    i, i);
	g_string_append(s, "Content-Type: text/plain\n\ndeep text\n");
	for (int i = n - 1; i >= 0; i--)
		g_string_append_printf(s, "--b%d--\n", i);
	return g_string_free(s, FALSE);
}

/* many_fields - a message with n extra header fields */
static char *
many_fields(int n)
{
	GString *s = g_string_new("From: a@example.org\n");

	for (int i = 0; i < n; i++)
		g_string_append_printf(s, "X-F%d: v\n", i);
	g_string_append(s, "\nbody\n");
	return g_string_free(s, FALSE);
}

/* long_field - a message with one header field of n bytes of value */
static char *
long_field(size_t n)
{
	GString *s = g_string_new("From: a@example.org\nX-Long: ");

	for (size_t i = 0; i < n; i++)
		g_string_append_c(s, i % 60 == 59 ? ' ' : 'a');
	g_string_append(s, "\n\nbody\n");
	return g_string_free(s, FALSE);
}

/* test_limits - just under each limit parses; over it is INPUT */
static void
test_limits(void)
{
	char *over[] = {long_field(70 * 1024), many_fields(3000), nested(40),
	    many_fields(MOIM_MAX_HEADER_FIELDS + 1),
	    nested(MOIM_MAX_MIME_DEPTH + 1)};
	char *under[] = {long_field(60 * 1024), many_fields(1990), nested(30),
	    nested(MOIM_MAX_MIME_DEPTH - 1)};
	GError *err = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(over); i++) {
		GMimeMessage *m = mime_parse(over[i], strlen(over[i]), &err);

		g_assert_null(m);
		g_assert_error(err, MOIM_ERROR, MOIM_ERR_INPUT);
		g_test_message("over %zu: %s", i, err->message);
		g_clear_error(&err);
		g_free(over[i]);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(under); i++) {
		GMimeMessage *m = parse_ok(under[i]);
		g_autofree char *t = mime_body_text(m, 100);

		g_assert_true(*t != '\0');
		g_object_unref(m);
		g_free(under[i]);
	}
}

/* test_garbage - random and degenerate bytes never crash */
static void
test_garbage(void)
{
	static const char *const fixed[] = {"", "\n", "\n\n", ":", "a",
	    "Content-Type: multipart/mixed\n\n--\n--\n", "\0\0\0"};
	GRand *r = g_rand_new_with_seed(42);
	char buf[512];

	for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++) {
		GMimeMessage *m = mime_parse(fixed[i], strlen(fixed[i]), NULL);

		g_clear_object(&m);
	}
	for (int i = 0; i < 2000; i++) {
		size_t n = g_rand_int_range(r, 0, sizeof buf);
		GMimeMessage *m;

		for (size_t j = 0; j < n; j++)
			buf[j] = "ab:\n =?-\r\x80\xff<>\"Content-Type"
			    [g_rand_int_range(r, 0, 25)];
		m = mime_parse(buf, n, NULL);
		if (m != NULL) {
			g_free(mime_body_text(m, 100));
			(void)mime_add_footer(m, "f", NULL);
			g_object_unref(m);
		}
	}
	g_rand_free(r);
}

struct auto_case {
	const char *headers;
	bool is_auto;
	bool is_reply;
};

/* test_auto_submitted - RFC 3834 and common practice */
static void
test_auto_submitted(void)
{
	static const struct auto_case cases[] = {
	    {"", false, false},
	    {"Auto-Submitted: no\n", false, false},
	    {"Auto-Submitted: No (comment)\n", false, false},
	    {"Auto-Submitted: auto-replied\n", true, true},
	    {"Auto-Submitted: Auto-Replied (vacation)\n", true, true},
	    {"Auto-Submitted: auto-generated (failure)\n", true, false},
	    {"Auto-submitted: Auto-Notified\n", true, false},
	    {"Precedence: bulk\n", true, false},
	    {"Precedence: junk\n", true, false},
	    {"Precedence: list\n", true, false},
	    {"Precedence:bulk\n", true, false},
	    {"Precedence: first-class\n", false, false},
	    {"X-Autoreply: yes\n", true, true},
	    {"X-Autorespond: vacation\n", true, true},
	    {"X-Autoreply: no\n", false, false},
	    {"X-Auto-Response-Suppress: All\n", true, false},
	    {"X-Auto-Response-Suppress: OOF, AutoReply\n", false, false},
	    {"X-Auto-Response-Suppress: DR, all\n", true, false},
	    {"List-Id: <x.example.org>\n", false, false},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *s = g_strdup_printf(
		    "From: a@example.org\n%sSubject: x\n\nbody\n",
		    cases[i].headers);
		GMimeMessage *m = parse_ok(s);

		g_assert_cmpint(mime_is_auto_reply(m), ==, cases[i].is_reply);
		g_assert_cmpint(
		    mime_is_auto_submitted(m), ==, cases[i].is_auto);
		g_object_unref(m);
	}
}

/* test_critical_warning - GMime's critical warnings are recorded */
static void
test_critical_warning(void)
{
	GMimeMessage *ok = parse_ok("From: a@example.org\nSubject: x\n\nb\n");
	GMimeMessage *crit =
	    parse_ok("From: a@example.org\nSubject: x\nMIME-Version: 1.0\n"
		     "Content-Type: multipart/mixed\n\nno boundary\n");

	g_assert_false(mime_has_critical_warning(ok));
	g_assert_true(mime_has_critical_warning(crit));
	g_object_unref(ok);
	g_object_unref(crit);
}

/* test_subject_long_8bit - raw 8-bit bytes that decode to more than
 * MOIM_MAX_HEADER_FIELD still give a subject mime_set_subject() takes,
 * and the copy parses again (a post with such a subject was retried for
 * ever by moim-listd) */
static void
test_subject_long_8bit(void)
{
	GString *s = g_string_new("From: a@example.org\nSubject: ");
	GMimeMessage *m;
	GError *err = NULL;
	g_autofree char *subj = NULL, *pre = NULL, *text = NULL;
	GMimeMessage *m2;

	/* 0x80 is the euro sign in windows-1252: three bytes of UTF-8. */
	for (int i = 0; i < 30000; i++)
		g_string_append_c(s, '\x80');
	g_string_append(s, "\n\nbody\n");
	m = parse_ok(s->str);
	subj = mime_header_text(GMIME_OBJECT(m), "Subject");
	g_assert_cmpuint(strlen(subj), >, MOIM_MAX_HEADER_FIELD);
	pre = mime_subject_prefixed(subj, "[ai]");
	g_assert_cmpuint(strlen(pre), <=, MOIM_MAX_SUBJECT);
	g_assert_true(g_utf8_validate(pre, -1, NULL));
	g_assert_true(g_str_has_prefix(pre, "[ai] \xe2\x82\xac"));
	g_assert_true(mime_set_subject(m, pre, &err));
	g_assert_no_error(err);
	m2 = reparse(m, &text);
	g_object_unref(m2);
	g_object_unref(m);
	g_string_free(s, TRUE);
}

struct lossy_case {
	const char *name;
	const char *msg; /* a body GMime's tree would not write back whole */
	const char *lost; /* bytes that must reach the copy */
};

/* GMime drops what follows a bad header line inside a part. */
static const struct lossy_case lossy[] = {
    {"attached message without a header",
	"From: a@example.org\nSubject: x\nMIME-Version: 1.0\n"
	"Content-Type: message/rfc822\n\n"
	"garbage without headers\nMARKER one\n",
	"garbage without headers\nMARKER one\n"},
    {"attached message, header then a bad line",
	"From: a@example.org\nSubject: x\nMIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	"Content-Type: text/plain\n\nhello\n--b\n"
	"Content-Type: message/rfc822\n\n"
	"Received: from x.example.net (x [192.0.2.1])\n"
	"(using TLSv1.3 with cipher TLS13_AES_256_GCM_SHA384)\n"
	"Subject: forwarded\n\nMARKER two\n--b--\n",
	"(using TLSv1.3 with cipher TLS13_AES_256_GCM_SHA384)\n"
	"Subject: forwarded\n\nMARKER two\n"},
    {"part header with a line without a colon",
	"From: a@example.org\nSubject: x\nMIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	"Content-Type: text/plain\ngarbage no colon\nMARKER three\n"
	"--b--\nepilogue\n",
	"--b\nContent-Type: text/plain\ngarbage no colon\nMARKER three\n"
	"--b--\nepilogue\n"},
    {"NUL in an attached message",
	"From: a@example.org\nSubject: x\nMIME-Version: 1.0\n"
	"Content-Type: message/rfc822\n\n\x01\xff no header\nMARKER four\n",
	"\x01\xff no header\nMARKER four\n"},
};

/* has_bytes - whether the serialised m holds want */
static bool
has_bytes(GMimeMessage *m, const char *want)
{
	GBytes *b = mime_to_bytes(GMIME_OBJECT(m));
	gsize n = 0;
	const char *d = g_bytes_get_data(b, &n);
	bool has = g_strstr_len(d, n, want) != NULL;

	g_bytes_unref(b);
	return has;
}

/* test_lossy_body - a body GMime cannot write back whole reaches the copy
 * as it came: unchanged, wrapped with a footer, attached to a notice
 * (GMime's tree alone left these parts empty in members' copies) */
static void
test_lossy_body(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(lossy); i++) {
		const struct lossy_case *c = &lossy[i];
		GMimeMessage *m = parse_ok(c->msg);
		struct mime_notice n = {.from = "L <l-request@example.org>",
		    .to = "a@example.org",
		    .subject = "held",
		    .body = "held\n",
		    .message_id_domain = "example.org",
		    .attach = m};
		g_autofree char *notice = NULL, *text = NULL;
		GError *err = NULL;
		GMimeMessage *m2;

		g_test_message("%s", c->name);
		g_assert_true(has_bytes(m, c->lost));
		notice = mime_build_notice(&n, &err);
		g_assert_no_error(err);
		g_assert_nonnull(strstr(notice, c->lost));
		g_assert_true(mime_add_footer(m, "footer", &err));
		g_assert_no_error(err);
		g_assert_true(has_bytes(m, c->lost));
		m2 = reparse(m, &text);
		g_assert_nonnull(strstr(text, "\nfooter\n"));
		g_assert_true(
		    GMIME_IS_MULTIPART(g_mime_message_get_mime_part(m2)));
		g_object_unref(m2);
		g_object_unref(m);
	}
}

/* test_header_text_one_line - CR and LF that an encoded word decodes to
 * become spaces (a held post's notice to the moderators failed on them,
 * and the post was retried for ever) */
static void
test_header_text_one_line(void)
{
	GMimeMessage *m = parse_ok("From: a@example.org\n"
				   "Subject: =?utf-8?q?one=0D=0Atwo=0Athree?=\n"
				   "\nbody\n");
	g_autofree char *subj = mime_header_text(GMIME_OBJECT(m), "Subject");

	g_assert_cmpstr(subj, ==, "one  two three");
	g_object_unref(m);
}

/* test_notice_long_subject - a notice whose subject quotes an enormous
 * one is cut, not refused, and parses again */
static void
test_notice_long_subject(void)
{
	GString *subj = g_string_new("Approval needed: ");
	struct mime_notice n = {.from = "L <l-request@example.org>",
	    .to = "owner@example.org",
	    .body = "a post is held\n",
	    .message_id_domain = "example.org"};
	GError *err = NULL;
	g_autofree char *out = NULL, *got = NULL;
	GMimeMessage *m;

	for (int i = 0; i < 30000; i++)
		g_string_append(subj, "\xe2\x82\xac"); /* 90,000 bytes */
	n.subject = subj->str;
	out = mime_build_notice(&n, &err);
	g_assert_no_error(err);
	g_assert_nonnull(out);
	m = parse_ok(out);
	got = mime_header_text(GMIME_OBJECT(m), "Subject");
	g_assert_cmpuint(strlen(got), <=, MOIM_MAX_SUBJECT);
	g_assert_true(g_str_has_prefix(got, "Approval needed: \xe2\x82\xac"));
	g_assert_true(g_utf8_validate(got, -1, NULL));
	g_object_unref(m);
	g_string_free(subj, TRUE);
}

/* test_footer_no_content_type - a body without Content-Type that is
 * wrapped stays text/plain (not an application/octet-stream attachment) */
static void
test_footer_no_content_type(void)
{
	GMimeMessage *m = parse_ok("From: a@example.org\nSubject: x\n\n"
				   "caf\xe9 and no Content-Type\n");
	GError *err = NULL;
	g_autofree char *text = NULL, *body = NULL;
	GMimeMessage *m2;
	GMimeObject *first;

	g_assert_true(mime_add_footer(m, "footer", &err));
	m2 = reparse(m, &text);
	first = g_mime_multipart_get_part(
	    GMIME_MULTIPART(g_mime_message_get_mime_part(m2)), 0);
	g_assert_null(g_mime_object_get_header(first, "Content-Type"));
	g_assert_true(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(first), "text", "plain"));
	g_assert_nonnull(strstr(text, "\n\ncaf\xe9 and no Content-Type\n"));
	body = mime_body_text(m2, 1000);
	g_assert_cmpstr(body, ==, "café and no Content-Type\n");
	g_object_unref(m2);
	g_object_unref(m);
}

/* test_footer_bad_base64 - a text in broken base64 is wrapped as it came,
 * not decoded leniently and encoded again without its bad bytes */
static void
test_footer_bad_base64(void)
{
	static const char *const bodies[] = {"aGVsbG8K*!@@@\n", "aGVsbG8\n",
	    "aGVs=bG8K\n", "aGVsbG8K====\n", "aGVsbG8K\n"};
	GError *err = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(bodies); i++) {
		g_autofree char *s =
		    g_strdup_printf("From: a@example.org\nSubject: x\n"
				    "Content-Type: text/plain\n"
				    "Content-Transfer-Encoding: base64\n\n%s",
			bodies[i]);
		GMimeMessage *m = parse_ok(s);
		g_autofree char *body = NULL;
		bool is_clean = i == G_N_ELEMENTS(bodies) - 1;

		g_assert_true(mime_add_footer(m, "footer", &err));
		g_assert_no_error(err);
		body = mime_body_text(m, 1000);
		if (is_clean) {
			/* Clean base64 still gets the footer in its text. */
			g_assert_true(
			    GMIME_IS_PART(g_mime_message_get_mime_part(m)));
			g_assert_cmpstr(body, ==, "hello\n\nfooter\n");
		} else {
			g_assert_true(GMIME_IS_MULTIPART(
			    g_mime_message_get_mime_part(m)));
			g_assert_true(has_bytes(m, bodies[i]));
		}
		g_object_unref(m);
	}
}

/* test_raw_body_changed - a body changed through this module is written
 * from the tree, not from the bytes it came as */
static void
test_raw_body_changed(void)
{
	GMimeMessage *m = parse_ok("From: a@example.org\nSubject: x\n"
				   "Content-Type: text/plain\n\nhello\n");
	GError *err = NULL;
	GMimeMessage *m2;
	g_autofree char *text = NULL, *body = NULL;
	GMimePart *p;

	/* Unchanged: the same bytes; a header edit keeps the body. */
	g_assert_true(mime_set_header(GMIME_OBJECT(m), "X-A", "b", &err));
	m2 = reparse(m, &text);
	g_assert_nonnull(strstr(text, "X-A: b\n"));
	g_assert_true(g_str_has_suffix(text, "\n\nhello\n"));
	g_object_unref(m2);
	/* A footer appended to the text is written. */
	g_assert_true(mime_add_footer(m, "footer", &err));
	body = mime_body_text(m, 1000);
	g_assert_nonnull(strstr(body, "footer"));
	g_assert_true(has_bytes(m, "footer"));
	g_object_unref(m);
	/* A body replaced by the caller is written. */
	m = parse_ok("From: a@example.org\nSubject: x\n\nhello\n");
	p = g_mime_part_new_with_type("text", "plain");
	g_mime_message_set_mime_part(m, GMIME_OBJECT(p));
	g_object_unref(p);
	g_assert_false(has_bytes(m, "hello"));
	g_object_unref(m);
	/* A Content-* field set on the message is the body's: the body is
	 * then written from the tree, which for this one loses the text. */
	m = parse_ok(lossy[0].msg);
	g_assert_true(has_bytes(m, lossy[0].lost));
	g_assert_true(
	    mime_set_header(GMIME_OBJECT(m), "Content-Description", "d", &err));
	g_assert_false(has_bytes(m, lossy[0].lost));
	g_object_unref(m);
}

/* main - register and run the tests */
int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	mime_init();
	g_test_add_func("/mime/corpus", test_corpus);
	g_test_add_func("/mime/deep-bomb", test_deep_bomb);
	g_test_add_func("/mime/korean-legacy", test_korean_legacy);
	g_test_add_func("/mime/encoded-word-ko", test_encoded_word_ko);
	g_test_add_func("/mime/subject-prefix", test_subject_prefix);
	g_test_add_func("/mime/set-headers", test_set_headers);
	g_test_add_func("/mime/set-ascii-url", test_set_ascii_url);
	g_test_add_func("/mime/footer/7bit", test_footer_7bit);
	g_test_add_func("/mime/footer/7bit-korean", test_footer_7bit_korean);
	g_test_add_func("/mime/footer/euc-kr-base64", test_footer_euckr);
	g_test_add_func("/mime/footer/qp", test_footer_qp);
	g_test_add_func("/mime/footer/flowed", test_footer_flowed);
	g_test_add_func("/mime/footer/alternative", test_footer_alternative);
	g_test_add_func("/mime/footer/signed", test_footer_signed);
	g_test_add_func("/mime/footer/bad-charset", test_footer_bad_charset);
	g_test_add_func("/mime/body-text", test_body_text);
	g_test_add_func("/mime/notice", test_notice);
	g_test_add_func("/mime/notice-refused", test_notice_refused);
	g_test_add_func(
	    "/mime/notice-bad-reference", test_notice_bad_reference);
	g_test_add_func("/mime/set-korean-whole", test_set_korean_whole);
	g_test_add_func("/mime/part-filename", test_part_filename);
	g_test_add_func("/mime/limits", test_limits);
	g_test_add_func("/mime/garbage", test_garbage);
	g_test_add_func("/mime/auto-submitted", test_auto_submitted);
	g_test_add_func("/mime/empty", test_empty);
	g_test_add_func("/mime/critical-warning", test_critical_warning);
	g_test_add_func("/mime/subject-long-8bit", test_subject_long_8bit);
	g_test_add_func("/mime/lossy-body", test_lossy_body);
	g_test_add_func("/mime/raw-body-changed", test_raw_body_changed);
	g_test_add_func(
	    "/mime/footer/no-content-type", test_footer_no_content_type);
	g_test_add_func("/mime/footer/bad-base64", test_footer_bad_base64);
	g_test_add_func(
	    "/mime/header-text-one-line", test_header_text_one_line);
	g_test_add_func("/mime/notice-long-subject", test_notice_long_subject);
	return g_test_run();
}
