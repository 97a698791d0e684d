/*
 * hdrtext_test - unit cases for lib/hdrtext: written cases, then
 * subjects and names in UTF-8, EUC-KR, CP949 and ISO-2022-KR split into
 * two to five encoded words at every character boundary (B with and
 * without padding, Q, folded with spaces and tabs, charsets mixed), and
 * the encoder's words read back by this decoder and by GMime's
 *
 * Every raw input is handed over in a heap buffer of exactly its size,
 * with no NUL after it, so that a read past the end is an
 * AddressSanitizer error in the sanitizer build.
 */
#include "config.h"

#include <string.h>

#include <gmime/gmime.h>

#include "hdrtext.h"
#include "limits.h"

/* decode_exact - hdrtext_decode() of s from a buffer of its size */
static char *
decode_exact(const char *s, size_t n)
{
	g_autofree char *buf = n > 0 ? g_memdup2(s, n) : NULL;

	return hdrtext_decode(buf, n);
}

struct dec_case {
	const char *what;
	const char *raw;
	const char *want;
};

static const struct dec_case dec_cases[] = {
    {"issue 12: two B words, the first padded",
	" =?utf-8?b?7KCcMe2ajCDqs7XqsJzquLDsiKDtj6zrn7wg67Cc7ZGc7J6Q66OMIA==?=\n"
	" =?utf-8?b?6rO17Jyg?=\n",
	"제1회 공개기술포럼 발표자료 공유"},
    /* The issue calls it "김 지현 연구원", but neither word holds the
     * space, and RFC 2047 6.2 drops the one between them. */
    {"issue 12: a From name in two words",
	"=?utf-8?b?6rmAIOyngO2YhA==?= =?utf-8?b?7Jew6rWs7JuQ?=",
	"김 지현연구원"},
    {"issue 12: three words, spaces inside the words only",
	"=?utf-8?b?6rmAIOyngO2YhA==?= =?utf-8?b?IOyxheyehA==?=\n"
	"\t=?utf-8?b?IOyXsOq1rOybkA==?=",
	"김 지현 책임 연구원"},
    {"white space between a word and text is kept",
	"Re: [AI =?utf-8?b?7ZSE66CM7KaIXQ==?= x", "Re: [AI 프렌즈] x"},
    {"text between two words", "=?utf-8?q?a?= b =?utf-8?q?c?=", "a b c"},
    {"Q with underscore and hex",
	"=?ISO-8859-1?Q?Andr=E9_Pirard?=", "André Pirard"},
    {"Q lower case, a bad escape kept",
	"=?utf-8?q?100=_=3D_=zz?=", "100= = =zz"},
    {"B without padding", "=?UTF-8?B?7ZWc6rWt7Ja0?=", "한국어"},
    {"B with junk inside", "=?UTF-8?B?7ZWc!6rW*t7Ja0?=", "한국어"},
    {"an RFC 2231 language", "=?utf-8*ko?b?7ZWc6rWt7Ja0?=", "한국어"},
    {"EUC-KR read as CP949 (똠 is CP949 only)", "=?euc-kr?b?jGM=?=", "똠"},
    {"ks_c_5601-1987", "=?ks_c_5601-1987?B?x9GxucH2?=", "한국지"},
    {"unknown charset: ASCII kept, the rest replaced", "=?x-unknown?q?a=FFb?=",
	"a\xef\xbf\xbd"
	"b"},
    {"invalid UTF-8 replaced", "=?utf-8?q?a=C3?=", "a\xef\xbf\xbd"},
    {"invalid CP949 replaced", "=?cp949?q?a=FF=FFb?=",
	"a\xef\xbf\xbd\xef\xbf\xbd"
	"b"},
    {"a character split across words",
	"=?utf-8?q?=ED=95?= =?utf-8?q?=9C?=", "한"},
    {"CR and LF from a word become spaces, NUL U+FFFD",
	"=?utf-8?q?a=0D=0Ab=00c?=",
	"a  b\xef\xbf\xbd"
	"c"},
    {"folding removed, blanks kept", "a\r\n b\n\tc", "a b\tc"},
    {"not a word: no encoding", "=?utf-8?x?abc?=", "=?utf-8?x?abc?="},
    {"not a word: unterminated", "=?utf-8?b?abc", "=?utf-8?b?abc"},
    {"not a word: empty charset", "=??b?YQ==?=", "=??b?YQ==?="},
    {"words without space between", "=?utf-8?q?a?==?utf-8?q?b?=", "ab"},
    {"undeclared 8-bit UTF-8", "제목 Re", "제목 Re"},
    {"undeclared 8-bit CP949", "\xc7\xd1\xb1\xb9", "한국"},
    {"empty", "", ""},
    {"only blanks", " \t\r\n ", ""},
};

/* test_cases - the written cases */
static void
test_cases(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(dec_cases); i++) {
		const struct dec_case *c = &dec_cases[i];
		g_autofree char *got = decode_exact(c->raw, strlen(c->raw));

		g_test_message("case: %s", c->what);
		g_assert_cmpstr(got, ==, c->want);
	}
}

/* Texts as people write them; each is tried in every charset that has
 * all of its characters. */
static const char *const texts[] = {
    "제1회 공개기술포럼 발표자료 공유",
    "김 지현 책임 연구원",
    "[AI 프렌즈] 2027년 10월 정기 모임 Meetup #3 안내",
    "Re: 회의록 v2 (최종)",
};

static const char *const charsets[] = {
    "UTF-8", "EUC-KR", "CP949", "ISO-2022-KR"};

/* The white space a mailer folds adjacent words with, or none. */
static const char *const seps[] = {" ", "\n ", "\r\n\t", "\t", "  \n\t", ""};

/* enc_word - one encoded word of bytes: kind 0 B, 1 B without padding,
 * 2 Q */
static void
enc_word(GString *out, const char *cs, const char *b, size_t n, int kind)
{
	g_string_append_printf(out, "=?%s?%c?", cs, kind == 2 ? 'Q' : 'B');
	if (kind == 2) {
		for (size_t i = 0; i < n; i++)
			g_string_append_printf(out, "=%02X", (guint8)b[i]);
	} else {
		g_autofree char *e = g_base64_encode((const guchar *)b, n);
		size_t len = strlen(e);

		while (kind == 1 && len > 0 && e[len - 1] == '=')
			len--;
		g_string_append_len(out, e, (gssize)len);
	}
	g_string_append(out, "?=");
}

/* to_charset - text in cs, or NULL when cs lacks one of its characters */
static char *
to_charset(const char *text, size_t n, const char *cs, gsize *len_out)
{
	return g_convert(text, (gssize)n, cs, "UTF-8", NULL, len_out, NULL);
}

/* check_split - text cut at the character offsets cuts[0..k-1) into k
 * words, each encoded in cs[i % 2] with kind (3: the three kinds in
 * turn) and folded with sep,
 * decodes to text */
static bool
check_split(const char *text, const size_t *cuts, int k,
    const char *const cs[2], int kind, const char *sep)
{
	GString *raw = g_string_new(" ");
	size_t from = 0;
	g_autofree char *got = NULL;
	bool ok = true;

	for (int i = 0; i < k && ok; i++) {
		size_t to = i < k - 1 ? cuts[i] : strlen(text);
		gsize n;
		g_autofree char *b =
		    to_charset(text + from, to - from, cs[i % 2], &n);

		ok = b != NULL;
		if (i > 0)
			g_string_append(raw, sep);
		if (ok)
			enc_word(
			    raw, cs[i % 2], b, n, kind == 3 ? i % 3 : kind);
		from = to;
	}
	if (!ok) {
		g_string_free(raw, TRUE);
		return false;
	}
	got = decode_exact(raw->str, raw->len);
	if (strcmp(got, text) != 0)
		g_error("split in %s/%s, kind %d, %d words: got \"%s\" from "
			"\"%s\", want \"%s\"",
		    cs[0], cs[1], kind, k, got, raw->str, text);
	g_string_free(raw, TRUE);
	return true;
}

/* boundaries - the character offsets of text inside it (not 0, not the
 * end) */
static GArray *
boundaries(const char *text)
{
	GArray *b = g_array_new(FALSE, FALSE, sizeof(size_t));

	for (const char *p = g_utf8_next_char(text); *p != '\0';
	     p = g_utf8_next_char(p)) {
		size_t off = (size_t)(p - text);

		g_array_append_val(b, off);
	}
	return b;
}

/* split_all - every first cut, the others spread over the rest */
static unsigned
split_all(const char *text, const char *const cs[2])
{
	GArray *b = boundaries(text);
	unsigned ran = 0;
	guint m = b->len;

	for (int k = 2; k <= 5; k++) {
		for (guint first = 0; first + (guint)k - 1 <= m; first++) {
			size_t cuts[4];

			for (int j = 0; j < k - 1; j++) {
				guint at = first +
				    (guint)j * (m - first) / (guint)(k - 1);

				cuts[j] = g_array_index(b, size_t, at);
			}
			for (int kind = 0; kind < 4; kind++)
				if (check_split(text, cuts, k, cs, kind,
					seps[(first + (guint)kind) %
					    G_N_ELEMENTS(seps)]))
					ran++;
		}
	}
	g_array_unref(b);
	return ran;
}

/* test_splits - every text, charset and cut */
static void
test_splits(void)
{
	unsigned ran = 0;

	for (size_t t = 0; t < G_N_ELEMENTS(texts); t++)
		for (size_t c = 0; c < G_N_ELEMENTS(charsets); c++) {
			const char *same[2] = {charsets[c], charsets[c]};
			const char *mixed[2] = {charsets[c],
			    charsets[(c + 1) % G_N_ELEMENTS(charsets)]};

			ran += split_all(texts[t], same);
			ran += split_all(texts[t], mixed);
		}
	g_test_message("%u splits decoded", ran);
	/* Every text is in every charset but ISO-2022-KR's KS X 1001
	 * subset, which has them too: nothing may be skipped. */
	g_assert_cmpuint(ran, >, 3000);
}

/* test_byte_splits - a stateless multibyte charset cut at every byte,
 * inside characters too, as mailers do */
static void
test_byte_splits(void)
{
	static const char *const cs[] = {"UTF-8", "CP949", "EUC-KR"};
	unsigned ran = 0;

	for (size_t t = 0; t < G_N_ELEMENTS(texts); t++)
		for (size_t c = 0; c < G_N_ELEMENTS(cs); c++) {
			gsize n;
			g_autofree char *b =
			    to_charset(texts[t], strlen(texts[t]), cs[c], &n);

			g_assert_nonnull(b);
			for (gsize cut = 1; cut < n; cut++)
				for (int kind = 0; kind < 3; kind++) {
					GString *raw = g_string_new(NULL);
					g_autofree char *got = NULL;

					enc_word(raw, cs[c], b, cut, kind);
					g_string_append(raw, "\n ");
					enc_word(raw, cs[c], b + cut, n - cut,
					    (kind + 1) % 3);
					got = decode_exact(raw->str, raw->len);
					g_assert_cmpstr(got, ==, texts[t]);
					g_string_free(raw, TRUE);
					ran++;
				}
		}
	g_test_message("%u byte splits decoded", ran);
}

/* Texts the encoder must carry whole through any decoder. */
static const char *const enc_texts[] = {
    "제1회 공개기술포럼 발표자료 공유",
    "[AI 프렌즈] Re: [AI 프렌즈] 제1회 공개기술포럼 발표자료 공유 2027 "
    "AI Friends 모임 안내 및 자료 공유합니다",
    "Re: [AI 프렌즈] 제1회 공개기술포럼 발표자료 공유",
    "a한글한글한글한글한글한글한글한글한글한글한글한글한글한글한글한글",
    "ab한글한글한글한글한글한글한글한글한글한글한글한글한글한글한글",
    "é한글한글한글한글한글한글한글한글한글한글한글한글한글한글한글한글",
    "plain ASCII only, long enough to be folded at least once by the "
    "encoder, see",
    "a literal =?utf-8?q?x?= stays text",
    "김 지현 via 공개기술포럼",
    "한글한글한글한글한글한글한글a한글한글한글한글한글한글한글한글한글",
    "목록 설명 <list.lists.example.org>",
    "한  b 글 x  ",
    "x  two  spaces 한  글",
    "😀 emoji 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
    "",
};

/* check_lines - every line of a raw value within 78 characters after
 * "Subject: ", every word within 75 */
static void
check_lines(const char *raw, size_t first)
{
	g_auto(GStrv) lines = g_strsplit(raw, "\n", -1);

	for (int i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) words = g_strsplit(lines[i], " ", -1);

		g_assert_cmpuint(
		    strlen(lines[i]) + (i == 0 ? first : 0), <=, 78);
		for (int j = 0; words[j] != NULL; j++)
			g_assert_cmpuint(strlen(words[j]), <=, 75);
	}
}

/* gmime_read - what GMime makes of a field in a message it parses: the
 * subject, or the name of the first From address */
static char *
gmime_read(const char *field, const char *raw)
{
	g_autofree char *msg =
	    g_strdup_printf("%s:%sX-A: b\n\nbody\n", field, raw);
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(msg, strlen(msg));
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
	InternetAddressList *l;
	char *v;

	g_assert_nonnull(m);
	l = g_mime_message_get_from(m);
	if (strcmp(field, "Subject") == 0)
		v = g_strdup(g_mime_message_get_subject(m));
	else if (internet_address_list_length(l) > 0)
		v = g_strdup(internet_address_get_name(
		    internet_address_list_get_address(l, 0)));
	else
		v = NULL;
	g_object_unref(m);
	g_object_unref(p);
	g_object_unref(st);
	if (v == NULL)
		v = g_strdup("");
	return v;
}

/* test_encode - the encoder's words through both decoders */
static void
test_encode(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(enc_texts); i++) {
		const char *t = enc_texts[i];
		g_autofree char *raw = hdrtext_encode("Subject", t);
		g_autofree char *ours = decode_exact(raw, strlen(raw));
		g_autofree char *gm = gmime_read("Subject", raw);
		g_autofree char *want = g_strstrip(g_strdup(t));
		size_t col = 0;
		g_autofree char *phrase = hdrtext_encode_phrase(t, &col);
		g_autofree char *from =
		    g_strdup_printf(" %s <a@b.example>\n", phrase);
		g_autofree char *pgm = gmime_read("From", from);

		g_test_message("encode: %s -> %s", t, raw);
		g_assert_true(raw[0] == ' ' && g_str_has_suffix(raw, "\n"));
		check_lines(raw, strlen("Subject:"));
		g_assert_cmpstr(ours, ==, want);
		g_strstrip(gm);
		g_assert_cmpstr(gm, ==, want);
		if (*t != '\0') {
			g_autofree char *pours =
			    decode_exact(phrase, strlen(phrase));

			g_assert_cmpstr(pours, ==, want);
			g_assert_cmpstr(g_strstrip(pgm), ==, want);
		}
	}
}

/* test_bounds - a value over the field bound is read up to it only */
static void
test_bounds(void)
{
	size_t n = MOIM_MAX_HEADER_FIELD + 100;
	char *big = g_malloc(n);
	g_autofree char *got = NULL;

	for (size_t i = 0; i < n; i += 4)
		memcpy(big + i, "=?x?", MIN(4, n - i));
	got = hdrtext_decode(big, n);
	g_assert_cmpuint(strlen(got), <=, MOIM_MAX_HEADER_FIELD);
	g_free(big);
	g_free(hdrtext_decode(NULL, 0));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_mime_init();
	g_test_add_func("/hdrtext/cases", test_cases);
	g_test_add_func("/hdrtext/splits", test_splits);
	g_test_add_func("/hdrtext/byte-splits", test_byte_splits);
	g_test_add_func("/hdrtext/encode", test_encode);
	g_test_add_func("/hdrtext/bounds", test_bounds);
	return g_test_run();
}
