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

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	imip_init();
	g_test_add_func("/imipcopy/same_bytes", test_same_bytes);
	g_test_add_func("/imipcopy/refused", test_refused);
	return g_test_run();
}
