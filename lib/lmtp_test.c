/*
 * lmtp_test - unit tests for the lmtp protocol engine
 *
 * Each case is fed whole, one byte at a time and in chunks of 7 bytes; the
 * replies, the callback calls and the final state must be the same.
 */
#include "config.h"

#include <string.h>

#include "limits.h"
#include "lmtp.h"

/* What the callbacks saw, as one string, e.g.
 * "mail(a@x,10) rcpt(b@x) data(a@x;b@x;hi\r\n) ". */
struct rec {
	GString *events;
};

/* t_mail - refuse "refuse@x"; answer a malformed reply for "crlf@x" */
static bool
t_mail(void *ctx, const char *from, guint64 size, struct lmtp_reply *r)
{
	struct rec *rec = ctx;

	g_string_append_printf(
	    rec->events, "mail(%s,%" G_GUINT64_FORMAT ") ", from, size);
	if (strcmp(from, "refuse@x") == 0) {
		lmtp_reply_set(r, 550, "5.7.1 Not allowed");
		return false;
	}
	if (strcmp(from, "crlf@x") == 0) {
		lmtp_reply_set(r, 550, "5.7.1 two\r\nlines");
		return false;
	}
	return true;
}

/* t_rcpt - refuse recipients starting with "bad" */
static bool
t_rcpt(void *ctx, const char *rcpt, struct lmtp_reply *r)
{
	struct rec *rec = ctx;

	g_string_append_printf(rec->events, "rcpt(%s) ", rcpt);
	if (g_str_has_prefix(rcpt, "bad")) {
		lmtp_reply_set(r, 550, "5.1.1 No such list");
		return false;
	}
	return true;
}

/* t_data - accept, except 451 for recipients starting with "tmp" and no
 * reply at all for those starting with "none" */
static void
t_data(void *ctx, const char *from, const char *const *rcpts, size_t nrcpt,
    const char *msg, size_t len, struct lmtp_reply *replies)
{
	struct rec *rec = ctx;
	g_autofree char *esc = NULL;

	g_assert_cmpint(msg[len], ==, '\0');
	esc = g_strescape(msg, NULL);
	g_assert_cmpuint(strlen(msg), ==, len);
	g_string_append_printf(rec->events, "data(%s;", from);
	for (size_t i = 0; i < nrcpt; i++) {
		g_string_append_printf(
		    rec->events, "%s%s", i ? "," : "", rcpts[i]);
		if (g_str_has_prefix(rcpts[i], "tmp"))
			lmtp_reply_set(&replies[i], 451, "4.2.0 Try later");
		else if (!g_str_has_prefix(rcpts[i], "none"))
			lmtp_reply_set(&replies[i], 250, "2.0.0 Delivered");
	}
	g_string_append_printf(rec->events, ";%s) ", esc);
}

static const struct lmtp_callbacks t_cb = {t_mail, t_rcpt, t_data};

#define LHLO "LHLO client.test\r\n"
#define LHLO_OK                                                                \
	"250-mx.test\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n"         \
	"250-8BITMIME\r\n250 SIZE 1000\r\n"
#define M_OK "250 2.1.0 Sender OK\r\n"
#define RC_OK "250 2.1.5 Recipient OK\r\n"
#define D_GO "354 End data with <CR><LF>.<CR><LF>\r\n"
#define DELIV "250 2.0.0 Delivered\r\n"
#define SEQ "503 5.5.1 Error: bad sequence of commands\r\n"
#define NEED_MAIL "503 5.5.1 Error: need MAIL command\r\n"
#define BIG "552 5.3.4 Message size exceeds fixed limit\r\n"
#define BYE "221 2.0.0 Bye\r\n"

#define NUL_IN LHLO "MAIL FROM:<a\0b@x>\r\nMAIL FROM:<a\rb@x>\r\nNO\0OP\r\n"

struct lmtp_case {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen(in) */
	const char *out;
	const char *events;
	bool closes;
};

static const struct lmtp_case cases[] = {
    {"pipelined session",
	LHLO "MAIL FROM:<a@x> SIZE=10 BODY=8BITMIME\r\nRCPT TO:<l1@x>\r\n"
	     "RCPT TO:<l2@x>\r\nDATA\r\nSubject: t\r\n\r\nhi\r\n.\r\nQUIT\r\n",
	0, LHLO_OK M_OK RC_OK RC_OK D_GO DELIV DELIV BYE,
	"mail(a@x,10) rcpt(l1@x) rcpt(l2@x) "
	"data(a@x;l1@x,l2@x;Subject: t\\r\\n\\r\\nhi\\r\\n) ",
	true},
    {"one recipient refused, one temp-failed, one without reply",
	LHLO "MAIL FROM:<a@x>\r\nRCPT TO:<l1@x>\r\nRCPT TO:<bad@x>\r\n"
	     "RCPT TO:<tmp@x>\r\nRCPT TO:<none@x>\r\nDATA\r\nx\r\n.\r\n",
	0,
	LHLO_OK M_OK RC_OK "550 5.1.1 No such list\r\n" RC_OK RC_OK D_GO DELIV
			   "451 4.2.0 Try later\r\n"
			   "451 4.3.0 Temporary failure, try again later\r\n",
	"mail(a@x,0) rcpt(l1@x) rcpt(bad@x) rcpt(tmp@x) rcpt(none@x) "
	"data(a@x;l1@x,tmp@x,none@x;x\\r\\n) ",
	false},
    {"dot-stuffing, lone dots, bare CR and LF line ends",
	LHLO "MAIL FROM:<>\r\nRCPT TO:<l@x>\r\nDATA\r\n"
	     "..leading\r\na.b\r\n. \r\n.x\r\n.\r\r\n.\rq\r\nlast\n..\n.\n",
	0, LHLO_OK M_OK RC_OK D_GO DELIV,
	"mail(,0) rcpt(l@x) "
	"data(;l@x;.leading\\r\\na.b\\r\\n \\r\\nx\\r\\n\\r\\r\\n\\rq\\r\\n"
	"last\\n.\\n) ",
	false},
    {"empty message", LHLO "MAIL FROM:<a@x>\r\nRCPT TO:<l@x>\r\nDATA\r\n.\r\n",
	0, LHLO_OK M_OK RC_OK D_GO DELIV,
	"mail(a@x,0) rcpt(l@x) data(a@x;l@x;) ", false},
    {"SIZE over the limit", LHLO "MAIL FROM:<a@x> SIZE=1001\r\n", 0,
	LHLO_OK BIG, "", false},
    {"SIZE at the limit", LHLO "MAIL FROM:<a@x> size=1000\r\n", 0, LHLO_OK M_OK,
	"mail(a@x,1000) ", false},
    {"bad SIZE and unknown parameters",
	LHLO "MAIL FROM:<a@x> SIZE=1x\r\nMAIL FROM:<a@x> BODY=BINARYMIME\r\n"
	     "MAIL FROM:<a@x> SMTPUTF8\r\nMAIL FROM:<a@x>\r\n"
	     "RCPT TO:<l@x> NOTIFY=NEVER\r\n",
	0,
	LHLO_OK "555 5.5.4 Unsupported MAIL parameter\r\n"
		"555 5.5.4 Unsupported MAIL parameter\r\n"
		"555 5.5.4 Unsupported MAIL parameter\r\n" M_OK
		"555 5.5.4 Unsupported RCPT parameter\r\n",
	"mail(a@x,0) ", false},
    {"bad sequences",
	"MAIL FROM:<a@x>\r\n" LHLO "RCPT TO:<l@x>\r\nDATA\r\n"
	"MAIL FROM:<a@x>\r\nMAIL FROM:<b@x>\r\nDATA\r\n",
	0,
	SEQ LHLO_OK NEED_MAIL NEED_MAIL M_OK SEQ
	"503 5.5.1 Error: no valid recipients\r\n",
	"mail(a@x,0) ", false},
    {"line too long, then a normal command",
	"NOOP "
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"\r\nNOOP\r\n",
	0, "500 5.5.6 Error: line too long\r\n250 2.0.0 OK\r\n", "", false},
    {"NUL and bare CR in commands", NUL_IN, sizeof(NUL_IN) - 1,
	LHLO_OK "501 5.5.4 Error: invalid character\r\n"
		"501 5.5.4 Error: invalid character\r\n"
		"501 5.5.4 Error: invalid character\r\n",
	"", false},
    {"RSET forgets the transaction",
	LHLO "MAIL FROM:<a@x>\r\nRCPT TO:<l@x>\r\nRSET\r\nDATA\r\n"
	     "MAIL FROM:<b@x>\r\n",
	0, LHLO_OK M_OK RC_OK "250 2.0.0 OK\r\n" NEED_MAIL M_OK,
	"mail(a@x,0) rcpt(l@x) mail(b@x,0) ", false},
    {"QUIT closes and the rest is ignored", "NOOP\r\nQUIT\r\nNOOP\r\n", 0,
	"250 2.0.0 OK\r\n" BYE, "", true},
    {"EHLO and HELO refused, unknown commands",
	"EHLO c\r\nHELO c\r\nSTARTTLS\r\n\r\nVRFY x\r\n", 0,
	"500 5.5.1 This is LMTP: use LHLO\r\n"
	"500 5.5.1 This is LMTP: use LHLO\r\n"
	"500 5.5.2 Error: command not recognized\r\n"
	"500 5.5.2 Error: command not recognized\r\n"
	"252 2.5.0 Cannot VRFY user\r\n",
	"", false},
    {"path syntax: spaces, quotes, missing brackets, empty rcpt",
	LHLO "MAIL FROM: <\"a> b\"@x>\r\nRCPT TO:l@x\r\nRCPT TO:<>\r\n"
	     "RCPT TO:<l@x>junk\r\nrcpt to:<L@X>\r\n",
	0,
	LHLO_OK M_OK "501 5.5.4 Syntax: RCPT TO:<address>\r\n"
		     "501 5.5.4 Syntax: RCPT TO:<address>\r\n"
		     "501 5.5.4 Syntax: RCPT TO:<address>\r\n" RC_OK,
	"mail(\"a> b\"@x,0) rcpt(L@X) ", false},
    {"sender refused by callback; malformed callback reply",
	LHLO "MAIL FROM:<refuse@x>\r\nMAIL FROM:<crlf@x>\r\n", 0,
	LHLO_OK "550 5.7.1 Not allowed\r\n"
		"451 4.3.0 Temporary failure, try again later\r\n",
	"mail(refuse@x,0) mail(crlf@x,0) ", false},
    {"LHLO without argument", "LHLO\r\nLHLO   \r\n", 0,
	"501 5.5.4 Syntax: LHLO hostname\r\n501 5.5.4 Syntax: LHLO hostname\r\n",
	"", false},
};

/* run - feed input in pieces of chunk bytes (0: all at once) */
static enum lmtp_state
run(const char *in, size_t len, size_t chunk, guint64 max, GString *out,
    struct rec *rec)
{
	struct lmtp_session *s = lmtp_session_new("mx.test", max, &t_cb, rec);
	enum lmtp_state st = LMTP_CONTINUE;
	size_t pos = 0;

	if (chunk == 0)
		chunk = len;
	while (pos < len) {
		size_t n = MIN(chunk, len - pos);

		st = lmtp_feed(s, in + pos, n, out);
		pos += n;
	}
	lmtp_session_free(s);
	return st;
}

/* check_split - run a case with a given split and compare everything */
static void
check_split(const struct lmtp_case *c, size_t chunk)
{
	size_t len = c->len ? c->len : strlen(c->in);
	GString *out = g_string_new(NULL);
	struct rec rec = {g_string_new(NULL)};
	enum lmtp_state st = run(c->in, len, chunk, 1000, out, &rec);

	g_test_message("case %s, chunk %zu", c->name, chunk);
	g_assert_cmpstr(out->str, ==, c->out);
	g_assert_cmpstr(rec.events->str, ==, c->events);
	g_assert_cmpint(st, ==, c->closes ? LMTP_CLOSE : LMTP_CONTINUE);
	g_string_free(out, TRUE);
	g_string_free(rec.events, TRUE);
}

/* test_table - every case whole, byte by byte and in chunks of 7 */
static void
test_table(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		check_split(&cases[i], 0);
		check_split(&cases[i], 1);
		check_split(&cases[i], 7);
	}
}

/* test_greeting - the 220 line, and a bad host name is not sent */
static void
test_greeting(void)
{
	struct lmtp_session *s = lmtp_session_new("mx.test", 0, NULL, NULL);
	GString *out = g_string_new(NULL);

	lmtp_greeting(s, out);
	g_assert_cmpstr(out->str, ==, "220 mx.test LMTP moim ready\r\n");
	lmtp_session_free(s);
	g_string_truncate(out, 0);
	s = lmtp_session_new("evil\r\n250 x", 0, NULL, NULL);
	lmtp_greeting(s, out);
	g_assert_cmpstr(out->str, ==, "220 localhost LMTP moim ready\r\n");
	lmtp_session_free(s);
	g_string_free(out, TRUE);
}

/* session_text - build "LHLO, MAIL, RCPT, DATA, body of n bytes, dot" */
static GString *
session_text(size_t body)
{
	GString *in = g_string_new(LHLO "MAIL FROM:<a@x>\r\nRCPT TO:<l@x>\r\n"
					"RCPT TO:<m@x>\r\nDATA\r\n");

	/* Lines of 10 bytes: "xxxxxxxx\r\n"; body must be a multiple of 10. */
	for (size_t i = 0; i < body / 10; i++)
		g_string_append(in, "xxxxxxxx\r\n");
	g_string_append(in, ".\r\nMAIL FROM:<b@x>\r\n");
	return in;
}

/* test_message_size - at the limit is stored, one line over is refused for
 * each recipient without calling data(), and the session goes on */
static void
test_message_size(void)
{
	static const struct {
		size_t body;
		bool is_big;
	} t[] = {{1000, false}, {1010, true}, {5000, true}};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		GString *in = session_text(t[i].body);
		GString *out = g_string_new(NULL);
		struct rec rec = {g_string_new(NULL)};

		run(in->str, in->len, i == 1 ? 1 : 0, 1000, out, &rec);
		g_assert_cmpstr(out->str, ==,
		    t[i].is_big
			? LHLO_OK M_OK RC_OK RC_OK D_GO BIG BIG M_OK
			: LHLO_OK M_OK RC_OK RC_OK D_GO DELIV DELIV M_OK);
		g_assert_true(
		    (strstr(rec.events->str, "data(") == NULL) == t[i].is_big);
		g_assert_true(
		    g_str_has_suffix(rec.events->str, "mail(b@x,0) "));
		g_string_free(in, TRUE);
		g_string_free(out, TRUE);
		g_string_free(rec.events, TRUE);
	}
}

/* test_too_many_rcpts - recipient MOIM_MAX_RCPTS + 1 gets 452 4.5.3 */
static void
test_too_many_rcpts(void)
{
	GString *in = g_string_new(LHLO "MAIL FROM:<a@x>\r\n");
	GString *out = g_string_new(NULL);
	struct rec rec = {g_string_new(NULL)};

	for (int i = 0; i <= MOIM_MAX_RCPTS; i++)
		g_string_append_printf(in, "RCPT TO:<r%d@x>\r\n", i);
	run(in->str, in->len, 0, 1000, out, &rec);
	g_assert_true(g_str_has_suffix(
	    out->str, RC_OK "452 4.5.3 Too many recipients\r\n"));
	g_assert_null(strstr(rec.events->str, "rcpt(r1000@x)"));
	g_assert_nonnull(strstr(rec.events->str, "rcpt(r999@x)"));
	g_string_free(in, TRUE);
	g_string_free(out, TRUE);
	g_string_free(rec.events, TRUE);
}

/* test_error_limit - the 20th protocol error closes with 421 */
static void
test_error_limit(void)
{
	GString *in = g_string_new(NULL);
	GString *out = g_string_new(NULL);
	struct rec rec = {g_string_new(NULL)};
	enum lmtp_state st;

	for (int i = 0; i < 25; i++)
		g_string_append(in, "BOGUS\r\n");
	st = run(in->str, in->len, 0, 1000, out, &rec);
	g_assert_cmpint(st, ==, LMTP_CLOSE);
	g_assert_true(g_str_has_suffix(out->str,
	    "500 5.5.2 Error: command not recognized\r\n"
	    "421 4.7.0 Too many errors, closing connection\r\n"));
	/* 20 errors answered, then nothing more. */
	g_assert_cmpuint(out->len, ==,
	    20 * strlen("500 5.5.2 Error: command not recognized\r\n") +
		strlen("421 4.7.0 Too many errors, closing connection\r\n"));
	g_string_free(in, TRUE);
	g_string_free(out, TRUE);
	g_string_free(rec.events, TRUE);
}

/* test_max_line - a line of exactly MOIM_MAX_SMTP_LINE bytes is a command */
static void
test_max_line(void)
{
	GString *in = g_string_new("NOOP ");
	GString *out = g_string_new(NULL);
	struct rec rec = {g_string_new(NULL)};

	while (in->len < MOIM_MAX_SMTP_LINE)
		g_string_append_c(in, 'y');
	g_string_append(in, "\r\nNOOP ");
	while (in->len < 2 * MOIM_MAX_SMTP_LINE + 3)
		g_string_append_c(in, 'z');
	g_string_append(in, "\r\n");
	run(in->str, in->len, 1, 1000, out, &rec);
	g_assert_cmpstr(
	    out->str, ==, "250 2.0.0 OK\r\n500 5.5.6 Error: line too long\r\n");
	g_string_free(in, TRUE);
	g_string_free(out, TRUE);
	g_string_free(rec.events, TRUE);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/lmtp/table", test_table);
	g_test_add_func("/lmtp/greeting", test_greeting);
	g_test_add_func("/lmtp/message_size", test_message_size);
	g_test_add_func("/lmtp/too_many_rcpts", test_too_many_rcpts);
	g_test_add_func("/lmtp/error_limit", test_error_limit);
	g_test_add_func("/lmtp/max_line", test_max_line);
	return g_test_run();
}
