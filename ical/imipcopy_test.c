/*
 * imipcopy_test - unit tests of the imipcopy module: a member's
 * invitation put together from the shared part and the member's part is
 * the message the per-member code writes, byte for byte but for the
 * boundaries' names, and its calendar names that member
 */
#include "config.h"

#include <string.h>

#include "err.h"
#include "imip.h"
#include "imipcopy.h"
#include "mime.h"

/* 2026-12-16 14:00 and 17:00 in Asia/Seoul. */
#define START INT64_C(1797397200)
#define LINKS                                                                  \
	"\n\nAnswer on the web:\n  Yes:   https://lists.example.org/r/"        \
	"ai/42/yes?t=%s\n  No:    https://lists.example.org/r/ai/42/no?t=%s\n"

static const struct imip_override moved[] = {
    {.recurrence_id = START + 7 * 86400,
	.start = START + 8 * 86400,
	.end = START + 8 * 86400 + 3600,
	.location = "2층 회의실",
	.sequence = 2},
};
static const int64_t skipped[] = {START + 14 * 86400};

/* event - a one-session event, or a weekly series with a moved and a
 * skipped session */
static struct imip_event
event(bool is_series)
{
	struct imip_event ev = {
	    .uid = "42.ai@lists.example.org",
	    .sequence = 1,
	    .summary = "제1회 공개기술포럼: 인공지능과 우주항공의 만남",
	    .location = "한국항공우주연구원 4층 시청각실",
	    .description = "발표 세 편과 토론.",
	    .start = START,
	    .end = START + 3 * 3600,
	    .tzid = "Asia/Seoul",
	    .organizer_addr = "ai-rsvp+42@lists.example.org",
	    .organizer_name = "대덕 AI 모임",
	    .dtstamp = INT64_C(1790000000),
	};

	if (is_series) {
		ev.rrule = "FREQ=WEEKLY;COUNT=6";
		ev.exdates = skipped;
		ev.n_exdates = G_N_ELEMENTS(skipped);
		ev.overrides = moved;
		ev.n_overrides = G_N_ELEMENTS(moved);
	}
	return ev;
}

/* message - the announcement's header, as post_prepare() leaves it */
static GMimeMessage *
message(void)
{
	static const char hdr[] =
	    "From: Organizer <org@example.net>\n"
	    "To: ai@lists.example.org\n"
	    "Subject: =?UTF-8?B?7Jew6rWs7ZqM?=\n"
	    "Message-ID: <ann.1@example.net>\n"
	    "List-Id: <ai.lists.example.org>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n\nbody\n";

	return mime_parse(hdr, sizeof hdr - 1, NULL);
}

/* text_for - a member's text: the post, the member's links, a footer */
static char *
text_for(const char *post, const char *addr)
{
	g_autofree char *links = g_strdup_printf(LINKS, addr, addr);

	return g_strconcat(
	    post, addr[0] == 'x' ? "" : links, "\n-- \nfooter\n", NULL);
}

/* old_way - the member's own message as invite_one() wrote it */
static GBytes *
old_way(const struct imip_event *ev, const char *addr, const char *name,
    const char *text)
{
	g_autofree char *ics = imip_request(ev, addr, name, NULL);
	GMimeMessage *m = message();
	GMimeObject *part = imip_mime_new(ics, IMIP_METHOD_REQUEST, text, NULL);
	GBytes *b;

	g_assert_nonnull(part);
	g_mime_message_set_mime_part(m, part);
	g_object_unref(part);
	b = mime_to_bytes(GMIME_OBJECT(m));
	g_object_unref(m);
	return b;
}

/* unbound - s with each boundary name replaced by its order of first
 * appearance, so that two messages differing only there compare equal */
static char *
unbound(const char *s)
{
	GString *out = g_string_new(s);
	const char *p;
	int n = 0;

	while ((p = strstr(out->str, "boundary=\"")) != NULL) {
		const char *b = p + strlen("boundary=\"");
		const char *e = strchr(b, '"');
		g_autofree char *name = g_strndup(b, (gsize)(e - b));
		g_autofree char *tag = g_strdup_printf("B%d", n++);
		GString *t = g_string_new(NULL);
		const char *q = out->str, *r;

		/* Replace every occurrence, the parameter's "boundary=" too. */
		while ((r = strstr(q, name)) != NULL) {
			g_string_append_len(t, q, r - q);
			g_string_append(t, tag);
			q = r + strlen(name);
		}
		g_string_append(t, q);
		g_string_free(out, true);
		out = t;
		while ((r = strstr(out->str, "boundary=\"B")) != NULL)
			memcpy((char *)r, "BOUNDARY=", 9);
	}
	return g_string_free(out, false);
}

struct member {
	const char *addr;
	const char *name;
};

static const struct member members[] = {
    {"kim.minsu@kari.example.kr", "김민수"},
    {"x@example.com", NULL}, /* no links: the text differs more */
    {"very.long.address.for.folding.the.attendee.line@"
     "department.university.example.ac.kr",
	"아주 긴 이름을 가진 회원님, \"따옴표\" 포함; 그리고 쉼표"},
    {"plain@example.org", "Plain Person"},
};

/* check_member - the new way equals the old way for m; the calendar
 * names m and the event */
static void
check_member(const struct imip_event *ev, const struct imipcopy *c,
    const char *post, const struct member *m)
{
	g_autofree char *text = text_for(post, m->addr);
	GBytes *part = imipcopy_member_new(c, m->addr, m->name, text, NULL);
	GBytes *old = old_way(ev, m->addr, m->name, text);
	GString *got = g_string_new(NULL);
	struct imip_reply *r = NULL;
	GError *e = NULL;
	g_autofree char *a = NULL, *b = NULL;

	g_assert_nonnull(part);
	g_assert_true(imipcopy_expand(
	    c, g_bytes_get_data(part, NULL), g_bytes_get_size(part), got, &e));
	g_assert_no_error(e);
	{
		g_autofree char *o = g_strndup(
		    g_bytes_get_data(old, NULL), g_bytes_get_size(old));

		a = unbound(o);
		b = unbound(got->str);
	}
	/* Not g_assert_cmpstr: the messages are long. */
	if (strcmp(a, b) != 0)
		g_error("member %s: new bytes differ from old", m->addr);
	/* The stored part is small beside the message. */
	g_assert_cmpuint(g_bytes_get_size(part), <, got->len / 4);
	g_assert_true(imip_read(got->str, got->len, &r, &e));
	g_assert_no_error(e);
	g_assert_nonnull(r);
	g_assert_cmpint(r->method, ==, IMIP_METHOD_REQUEST);
	g_assert_cmpstr(r->uid, ==, ev->uid);
	g_assert_cmpint(r->sequence, ==, ev->sequence);
	g_assert_cmpuint(r->n_attendees, ==, 1);
	g_assert_cmpstr(r->attendees[0].addr, ==, m->addr);
	g_assert_cmpstr(r->attendees[0].cn, ==, m->name);
	g_assert_cmpstr(r->event.organizer_addr, ==, ev->organizer_addr);
	g_assert_cmpuint(r->n_instances, ==, 1 + ev->n_overrides);
	for (size_t i = 0; i < r->n_instances; i++)
		g_assert_cmpstr(r->instances[i].attendees[0].addr, ==, m->addr);
	imip_reply_free(r);
	g_string_free(got, true);
	g_bytes_unref(part);
	g_bytes_unref(old);
}

/* test_same_bytes - every member of the table, for a one-session event
 * and a series, with a Korean and an English post */
static void
test_same_bytes(void)
{
	static const char *const posts[] = {
	    "행사: 제1회 공개기술포럼\n일시: 2026-12-16 14:00-17:00\n"
	    "연구원, 학생, 스타트업 모두 환영합니다.",
	    "Forum on Wednesday. Everyone is welcome.",
	    /* CRLF (base64), a From line (quoted-printable), a few
	     * non-ASCII bytes and trailing white space (quoted-printable) */
	    "행사: 제1회 공개기술포럼\r\n일시: 2026-12-16\r\n",
	    "Agenda\nFrom 14:00 talks, then questions.\n.\n",
	    "Talks at 14:00 \t\nTickets cost 5 \xe2\x82\xac at the door;"
	    " please bring your badge and a pen.  ",
	};

	for (int series = 0; series < 2; series++) {
		struct imip_event ev = event(series);

		for (size_t p = 0; p < G_N_ELEMENTS(posts); p++) {
			GMimeMessage *msg = message();
			g_autofree char *ref = text_for(posts[p], "ref@x.org");
			GBytes *sh = imipcopy_shared_new(msg, &ev, ref, NULL);
			struct imipcopy *c;

			g_assert_nonnull(sh);
			c = imipcopy_open(g_bytes_get_data(sh, NULL),
			    g_bytes_get_size(sh), NULL);
			g_assert_nonnull(c);
			g_assert_cmpuint(imipcopy_heads_known(c), ==, 4);
			for (size_t i = 0; i < G_N_ELEMENTS(members); i++)
				check_member(&ev, c, posts[p], &members[i]);
			imipcopy_free(c);
			g_bytes_unref(sh);
			g_object_unref(msg);
		}
	}
}

/* test_refused - parts that do not fit are input errors, not crashes */
static void
test_refused(void)
{
	static const char *const shared[] = {
	    "",
	    "imipcopy1\n",
	    "imipcopy1\n1:a",
	    "imipcopy1\n9:a",
	    "imipcopy1\n1:a1:b1:c1:d1:e1:f",
	    "nope",
	};
	static const char *const parts[] = {
	    "",
	    "1:a1:01:01:",
	    "10:ATTENDEE:x1:01:01:",
	    "3:x\r\n1:01:01:",
	    "12:ATTENDEE:x\r\n2:991:01:",
	    "12:ATTENDEE:x\r\n1:01:92:ab",
	};
	static const char good[] = "imipcopy1\n1:a1:b1:c1:d3:ref1:p1:q";
	struct imipcopy *c;
	GString *out = g_string_new(NULL);

	for (size_t i = 0; i < G_N_ELEMENTS(shared); i++) {
		GError *e = NULL;

		g_assert_null(imipcopy_open(shared[i], strlen(shared[i]), &e));
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
		g_error_free(e);
	}
	c = imipcopy_open(good, sizeof good - 1, NULL);
	g_assert_nonnull(c);
	for (size_t i = 0; i < G_N_ELEMENTS(parts); i++) {
		GError *e = NULL;

		g_assert_false(
		    imipcopy_expand(c, parts[i], strlen(parts[i]), out, &e));
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
		g_error_free(e);
	}
	imipcopy_free(c);
	g_string_free(out, true);
}

/* repeat - n copies of s */
static char *
repeat(const char *s, size_t n)
{
	GString *t = g_string_new(NULL);

	for (size_t i = 0; i < n; i++)
		g_string_append(t, s);
	return g_string_free(t, false);
}

/* own - s, freed with k */
static char *
own(GPtrArray *k, char *s)
{
	g_ptr_array_add(k, s);
	return s;
}

/* check_text - imipcopy_put_text() writes text as GMime writes
 * imip_text_part_new(text); GMime's bytes */
static char *
check_text(const struct imipcopy *c, const char *name, const char *text)
{
	GMimeObject *t = imip_text_part_new(text, NULL);
	GBytes *want;
	GString *got = g_string_new(NULL);
	const char *w;
	gsize wlen;
	char *copy;

	g_assert_nonnull(t);
	want = mime_to_bytes(t);
	g_object_unref(t);
	w = g_bytes_get_data(want, &wlen);
	g_assert_true(imipcopy_put_text(c, text, got, NULL));
	if (got->len != wlen || memcmp(got->str, w, wlen) != 0)
		g_error("%s: fast bytes differ from GMime's", name);
	copy = g_strndup(w, wlen);
	g_string_free(got, true);
	g_bytes_unref(want);
	return copy;
}

/* check_head - the head of the text part part names charset and
 * encoding cte ("" for no Content-Transfer-Encoding) */
static void
check_head(
    const char *name, const char *part, const char *charset, const char *cte)
{
	const char *end = strstr(part, "\n\n");
	g_autofree char *head =
	    g_strndup(part, end != NULL ? (gsize)(end - part) + 1 : 0);
	g_autofree char *ct = g_strdup_printf("; charset=%s\n", charset);
	g_autofree char *te =
	    g_strdup_printf("Content-Transfer-Encoding: %s\n", cte);
	bool has_cte = strstr(head, "Content-Transfer-Encoding:") != NULL;

	if (strstr(head, ct) == NULL || has_cte != (cte[0] != '\0') ||
	    (has_cte && strstr(head, te) == NULL))
		g_error("%s: GMime wrote another charset or encoding:\n%s",
		    name, head);
}

/* open_any - a shared part to write text parts with */
static struct imipcopy *
open_any(void)
{
	static const char good[] = "imipcopy1\n1:a1:b1:c1:d3:ref1:p1:q";
	struct imipcopy *c = imipcopy_open(good, sizeof good - 1, NULL);

	g_assert_nonnull(c);
	/* Else the texts would all take GMime's way and prove nothing. */
	g_assert_cmpuint(imipcopy_heads_known(c), ==, 4);
	return c;
}

/* test_text_part - texts of each charset and encoding GMime picks, and
 * the lines, ends and bytes its encoders and filters treat apart */
static void
test_text_part(void)
{
	g_autofree char *l998 = repeat("a", 998);
	g_autofree char *l999 = repeat("a", 999);
	g_autofree char *l100 = repeat("b", 100);
	g_autofree char *ascii = repeat("Forum on Wednesday. ", 20);
	g_autofree char *ko =
	    repeat("연구원, 학생, 스타트업 모두 환영합니다.\n", 300);
	g_autofree char *pre4092 = repeat("abc\n", 1023);
	g_autofree char *ascii83 = repeat("a", 83);
	g_autofree char *ascii84 = repeat("a", 84);
	GPtrArray *k = g_ptr_array_new_with_free_func(g_free);
	struct {
		const char *name, *text, *charset, *cte;
	} cases[] = {
	    {"ascii", "Forum on Wednesday.\nAll welcome.\n", "us-ascii", ""},
	    {"empty", "", "us-ascii", ""},
	    {"no newline at the end", "no newline", "us-ascii", ""},
	    {"line of 100", own(k, g_strconcat(l100, "\n", NULL)), "us-ascii",
		""},
	    {"line of 998", own(k, g_strconcat(l998, "\nx", NULL)), "us-ascii",
		""},
	    {"line of 999", own(k, g_strconcat(l999, "\nx\n", NULL)),
		"us-ascii", "quoted-printable"},
	    {"last line of 999", l999, "us-ascii", "quoted-printable"},
	    {"From line", "Hi\nFrom the organisers\n", "us-ascii",
		"quoted-printable"},
	    {"From first", "From me", "us-ascii", "quoted-printable"},
	    {"From mid-line", "Hi From me\n", "us-ascii", ""},
	    {"dots", ".\na\n.\n..b\n.", "us-ascii", ""},
	    {"trailing white space", "a  \nb\t\nc ", "us-ascii", ""},
	    {"CRLF", "line one\r\nline two\r\n", "us-ascii", ""},
	    {"lone CRs", "a\r\r\nb\rc\r\r\r\nd\r", "us-ascii", ""},
	    {"few non-ASCII", own(k, g_strconcat(ascii, "5 €\n", NULL)),
		"utf-8", "quoted-printable"},
	    {"few non-ASCII, no newline",
		own(k, g_strconcat("€ ", ascii, NULL)), "utf-8",
		"quoted-printable"},
	    {"few non-ASCII, long line",
		own(k, g_strconcat(ascii, ascii, "€ \n", NULL)), "utf-8",
		"quoted-printable"},
	    {"few non-ASCII, CRs and spaces",
		own(k,
		    g_strconcat(
			"€ price  \r\nnext\r\r\nx\ry\r", ascii, "\r", NULL)),
		"utf-8", "quoted-printable"},
	    {"few non-ASCII, From and dot",
		own(k, g_strconcat(ascii, "\nFrom x\n.\n€", NULL)), "utf-8",
		"quoted-printable"},
	    {"Korean", "행사: 제1회 공개기술포럼\n일시: 2026-12-16\n", "utf-8",
		"base64"},
	    {"Korean, no newline", "환영합니다", "utf-8", "base64"},
	    {"Korean, CRLF", "행사\r\n일시\r\n", "utf-8", "base64"},
	    {"Korean, long", ko, "utf-8", "base64"},
	    /* 17 of 100 octets not ASCII is base64, 16 quoted-printable. */
	    {"17%", own(k, g_strconcat(ascii83, "한국어입니", "ж", NULL)),
		"utf-8", "base64"},
	    {"16%", own(k, g_strconcat(ascii84, "한국어", "жж", NULL)), "utf-8",
		"quoted-printable"},
	    /* GMime reads the content in pieces of 4096 octets and misses a
	     * From line that a piece cuts or starts. */
	    {"From cut at 4096", own(k, g_strconcat(pre4092, "From x\n", NULL)),
		"us-ascii", ""},
	    {"From at 4096",
		own(k, g_strconcat(pre4092, "abc\nFrom x\n", NULL)), "us-ascii",
		""},
	    {"From after 4096",
		own(k, g_strconcat(pre4092, "abc\nabc\nFrom x\n", NULL)),
		"us-ascii", "quoted-printable"},
	    /* GMime converts these to iso-8859-1 (its own way only). */
	    {"Latin-1", "café\n", "iso-8859-1", "base64"},
	    {"Latin-1, few", own(k, g_strconcat(ascii, "café\n", NULL)),
		"iso-8859-1", "quoted-printable"},
	};
	struct imipcopy *c = open_any();

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *part =
		    check_text(c, cases[i].name, cases[i].text);

		check_head(cases[i].name, part, cases[i].charset, cases[i].cte);
	}
	imipcopy_free(c);
	g_ptr_array_free(k, true);
}

/* test_text_random - random texts of the pieces GMime treats apart:
 * ASCII only, ASCII and Latin-1, or ASCII and other UTF-8 in a random
 * mix, to get every charset and encoding */
static void
test_text_random(void)
{
	static const char *const pieces[] = {"a", "word ", " ", "\t", "\n",
	    "\r\n", "\r", "From ", ".", "=", "\n.\n", " \n", "é", "한국", "€",
	    "ж"};
	enum { N_ASCII = 12 };
	GRand *r = g_rand_new_with_seed(20261207);
	struct imipcopy *c = open_any();

	for (int n = 0; n < 400; n++) {
		GString *t = g_string_new(NULL);
		int len = g_rand_int_range(r, 0, 12000);
		int ascii = g_rand_int_range(r, 80, 100);
		g_autofree char *name = g_strdup_printf("random %d", n);

		while ((int)t->len < len) {
			int p = g_rand_int_range(r, 0, N_ASCII);

			if (n % 4 == 1 && g_rand_int_range(r, 0, 100) >= ascii)
				p = N_ASCII;
			else if (n % 4 > 1 &&
			    g_rand_int_range(r, 0, 100) >= ascii)
				p = g_rand_int_range(
				    r, N_ASCII, G_N_ELEMENTS(pieces));
			/* Some ASCII texts need neither quoted-printable's
			 * From lines nor its lines over 998 octets. */
			if (n % 8 == 0 && p == 7)
				p = 0;
			if (n % 8 != 0 && g_rand_int_range(r, 0, 300) == 0)
				for (int k = g_rand_int_range(r, 70, 1100);
				     k > 0; k--)
					g_string_append_c(t, 'x');
			g_string_append(t, pieces[p]);
		}
		g_free(check_text(c, name, t->str));
		g_string_free(t, true);
	}
	imipcopy_free(c);
	g_rand_free(r);
}

/* test_text_refused - text that is not UTF-8 is refused as GMime's way
 * refuses it */
static void
test_text_refused(void)
{
	struct imipcopy *c = open_any();
	GString *out = g_string_new(NULL);
	GError *e = NULL;

	g_assert_false(imipcopy_put_text(c, "caf\xe9\n", out, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_error_free(e);
	imipcopy_free(c);
	g_string_free(out, true);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	imip_init();
	g_test_add_func("/imipcopy/same_bytes", test_same_bytes);
	g_test_add_func("/imipcopy/refused", test_refused);
	g_test_add_func("/imipcopy/text_part", test_text_part);
	g_test_add_func("/imipcopy/text_random", test_text_random);
	g_test_add_func("/imipcopy/text_refused", test_text_refused);
	return g_test_run();
}
