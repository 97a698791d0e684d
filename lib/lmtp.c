/*
 * lmtp - LMTP server protocol engine: bytes in, replies out, no sockets
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "limits.h"
#include "lmtp.h"

/* Protocol errors (5xx of our own making) before we hang up: a real client
 * makes none, a confused or hostile one should not keep a slot forever. */
#define LMTP_MAX_ERRORS 20

/* Where the data state machine stands within the current line. */
enum lmtp_data_pos {
	DATA_BOL, /* at the beginning of a line */
	DATA_MID, /* inside a line */
	DATA_DOT, /* after a '.' at the beginning of a line */
	DATA_DOTCR, /* after ".\r" at the beginning of a line */
};

struct lmtp_session {
	char *hostname;
	guint64 max_size;
	struct lmtp_callbacks cb;
	void *ctx;
	bool closed;
	bool has_lhlo;
	bool in_data;
	bool line_overflow;
	int errors;
	GString *line; /* command line being assembled */
	char *from; /* reverse path of the transaction, NULL if none */
	GPtrArray *rcpts; /* accepted forward paths */
	GString *msg; /* unstuffed message being received */
	bool msg_overflow;
	enum lmtp_data_pos pos;
};

/* lmtp_reply_set - fill a reply for the engine to send */
void
lmtp_reply_set(struct lmtp_reply *r, int code, const char *fmt, ...)
{
	va_list ap;

	g_free(r->text);
	r->code = code;
	va_start(ap, fmt);
	r->text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
}

/* hostname_ok - whether a host name can go into a reply line */
static bool
hostname_ok(const char *h)
{
	if (h == NULL || *h == '\0' || strlen(h) > MOIM_MAX_DOMAIN)
		return false;
	for (; *h != '\0'; h++)
		if (*h <= ' ' || *h >= 0x7f)
			return false;
	return true;
}

/* lmtp_session_new - start a session; nothing has been said yet */
struct lmtp_session *
lmtp_session_new(const char *hostname, guint64 max_size,
    const struct lmtp_callbacks *cb, void *ctx)
{
	struct lmtp_session *s = g_new0(struct lmtp_session, 1);

	/* The name comes from our config, but a reply line must not break. */
	s->hostname = g_strdup(hostname_ok(hostname) ? hostname : "localhost");
	if (max_size == 0 || max_size > MOIM_MAX_MESSAGE)
		max_size = MOIM_MAX_MESSAGE;
	s->max_size = max_size;
	if (cb != NULL)
		s->cb = *cb;
	s->ctx = ctx;
	s->line = g_string_sized_new(128);
	s->rcpts = g_ptr_array_new_with_free_func(g_free);
	s->msg = g_string_new(NULL);
	return s;
}

/* lmtp_session_free - release a session; NULL is fine */
void
lmtp_session_free(struct lmtp_session *s)
{
	if (s == NULL)
		return;
	g_free(s->hostname);
	g_string_free(s->line, TRUE);
	g_free(s->from);
	g_ptr_array_free(s->rcpts, TRUE);
	g_string_free(s->msg, TRUE);
	g_free(s);
}

/* reply - append one reply line */
static void
reply(GString *out, int code, const char *text)
{
	g_string_append_printf(out, "%03d %s\r\n", code, text);
}

/* reply_error - answer a protocol error and count it */
static void
reply_error(struct lmtp_session *s, GString *out, int code, const char *text)
{
	reply(out, code, text);
	if (++s->errors >= LMTP_MAX_ERRORS) {
		reply(out, 421, "4.7.0 Too many errors, closing connection");
		s->closed = true;
	}
}

/* reply_text_ok - whether a callback's reply text is one clean line */
static bool
reply_text_ok(const char *t)
{
	if (t == NULL || *t == '\0' || strlen(t) > MOIM_MAX_REPLY_LINE - 8)
		return false;
	for (; *t != '\0'; t++)
		if ((unsigned char)*t < ' ' || *t == 0x7f)
			return false;
	return true;
}

/* reply_from_callback - send a callback's reply (or 451 if it is bad),
 * then free its text */
static void
reply_from_callback(GString *out, struct lmtp_reply *r)
{
	if (r->code >= 200 && r->code <= 599 && reply_text_ok(r->text))
		reply(out, r->code, r->text);
	else
		reply(out, 451, "4.3.0 Temporary failure, try again later");
	g_clear_pointer(&r->text, g_free);
	r->code = 0;
}

/* transaction_reset - forget the sender, recipients and message */
static void
transaction_reset(struct lmtp_session *s)
{
	g_clear_pointer(&s->from, g_free);
	g_ptr_array_set_size(s->rcpts, 0);
	/* Give back the memory of a large message, keep a small buffer. */
	if (s->msg->allocated_len > 64 * 1024) {
		g_string_free(s->msg, TRUE);
		s->msg = g_string_new(NULL);
	}
	g_string_truncate(s->msg, 0);
	s->msg_overflow = false;
	s->in_data = false;
	s->pos = DATA_BOL;
}

/* lmtp_greeting - the 220 line sent when the connection opens */
void
lmtp_greeting(struct lmtp_session *s, GString *out)
{
	g_string_append_printf(out, "220 %s LMTP moim ready\r\n", s->hostname);
}

/* word_is - whether s starts with the keyword kw (case-insensitive) */
static bool
word_is(const char *s, const char *kw)
{
	return g_ascii_strncasecmp(s, kw, strlen(kw)) == 0;
}

/* param_is - whether the n bytes at p are exactly kw (case-insensitive) */
static bool
param_is(const char *p, size_t n, const char *kw)
{
	return n == strlen(kw) && g_ascii_strncasecmp(p, kw, n) == 0;
}

/* skip_spaces - the first byte of s that is not a space */
static const char *
skip_spaces(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

/* path_end - the closing '>' of a path starting after '<', or NULL; quoted
 * strings and backslash escapes may hide a '>' (RFC 5321 4.1.2) */
static const char *
path_end(const char *p)
{
	bool quoted = false;

	for (; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (*p == '>' && !quoted)
			return p;
	}
	return NULL;
}

/* path_parse - split "<path> params" into a new path string and a pointer to
 * the parameters; false on bad syntax */
static bool
path_parse(const char *arg, char **path_out, const char **params_out)
{
	const char *p = skip_spaces(arg);
	const char *end;

	if (*p != '<')
		return false;
	end = path_end(p + 1);
	if (end == NULL || (size_t)(end - p - 1) > MOIM_MAX_ADDR)
		return false;
	if (end[1] != '\0' && end[1] != ' ')
		return false;
	*path_out = g_strndup(p + 1, end - p - 1);
	*params_out = skip_spaces(end + 1);
	return true;
}

/* size_parse - read a SIZE= value; false if not a bounded decimal */
static bool
size_parse(const char *v, size_t n, guint64 *size_out)
{
	guint64 size = 0;

	if (n == 0 || n > 19)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!g_ascii_isdigit(v[i]))
			return false;
		size = size * 10 + (guint64)(v[i] - '0');
	}
	*size_out = size;
	return true;
}

/* mail_params_parse - read MAIL parameters; false on an unknown one */
static bool
mail_params_parse(const char *p, guint64 *size_out)
{
	*size_out = 0;
	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (n > 5 && word_is(p, "SIZE=")) {
			if (!size_parse(p + 5, n - 5, size_out))
				return false;
		} else if (!param_is(p, n, "BODY=8BITMIME") &&
		    !param_is(p, n, "BODY=7BIT")) {
			return false;
		}
		p = skip_spaces(p + n);
	}
	return true;
}

/* cmd_lhlo - LHLO: start over and list our extensions */
static void
cmd_lhlo(struct lmtp_session *s, const char *arg, GString *out)
{
	if (*arg == '\0') {
		reply_error(s, out, 501, "5.5.4 Syntax: LHLO hostname");
		return;
	}
	transaction_reset(s);
	s->has_lhlo = true;
	g_string_append_printf(out,
	    "250-%s\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n"
	    "250-8BITMIME\r\n250 SIZE %" G_GUINT64_FORMAT "\r\n",
	    s->hostname, s->max_size);
}

/* cmd_mail - MAIL FROM:<path> [SIZE=n] [BODY=...] */
static void
cmd_mail(struct lmtp_session *s, const char *arg, GString *out)
{
	struct lmtp_reply r = {0};
	const char *params;
	char *path = NULL;
	guint64 size;

	if (!s->has_lhlo || s->from != NULL) {
		reply_error(
		    s, out, 503, "5.5.1 Error: bad sequence of commands");
		return;
	}
	if (!word_is(arg, "FROM:") || !path_parse(arg + 5, &path, &params)) {
		reply_error(s, out, 501, "5.5.4 Syntax: MAIL FROM:<address>");
		return;
	}
	if (!mail_params_parse(params, &size))
		reply_error(s, out, 555, "5.5.4 Unsupported MAIL parameter");
	else if (size > s->max_size)
		reply(out, 552, "5.3.4 Message size exceeds fixed limit");
	else if (s->cb.mail != NULL && !s->cb.mail(s->ctx, path, size, &r))
		reply_from_callback(out, &r);
	else {
		s->from = g_steal_pointer(&path);
		reply(out, 250, "2.1.0 Sender OK");
	}
	g_free(r.text);
	g_free(path);
}

/* cmd_rcpt - RCPT TO:<path> */
static void
cmd_rcpt(struct lmtp_session *s, const char *arg, GString *out)
{
	struct lmtp_reply r = {0};
	const char *params;
	char *path = NULL;

	if (s->from == NULL) {
		reply_error(s, out, 503, "5.5.1 Error: need MAIL command");
		return;
	}
	if (!word_is(arg, "TO:") || !path_parse(arg + 3, &path, &params) ||
	    *path == '\0') {
		reply_error(s, out, 501, "5.5.4 Syntax: RCPT TO:<address>");
	} else if (*params != '\0') {
		reply_error(s, out, 555, "5.5.4 Unsupported RCPT parameter");
	} else if (s->rcpts->len >= MOIM_MAX_RCPTS) {
		reply(out, 452, "4.5.3 Too many recipients");
	} else if (s->cb.rcpt != NULL && !s->cb.rcpt(s->ctx, path, &r)) {
		reply_from_callback(out, &r);
	} else {
		g_ptr_array_add(s->rcpts, g_steal_pointer(&path));
		reply(out, 250, "2.1.5 Recipient OK");
	}
	g_free(r.text);
	g_free(path);
}

/* cmd_data - DATA: switch to reading the message */
static void
cmd_data(struct lmtp_session *s, const char *arg, GString *out)
{
	if (s->from == NULL) {
		reply_error(s, out, 503, "5.5.1 Error: need MAIL command");
		return;
	}
	if (s->rcpts->len == 0) {
		reply_error(s, out, 503, "5.5.1 Error: no valid recipients");
		return;
	}
	if (*arg != '\0') {
		reply_error(s, out, 501, "5.5.4 Syntax: DATA");
		return;
	}
	s->in_data = true;
	s->pos = DATA_BOL;
	reply(out, 354, "End data with <CR><LF>.<CR><LF>");
}

/* line_has_ctl - whether a command line holds a CR or NUL (LF ended it) */
static bool
line_has_ctl(const GString *line)
{
	return memchr(line->str, '\0', line->len) != NULL ||
	    memchr(line->str, '\r', line->len) != NULL;
}

/* command_run - answer one complete command line (no CRLF) */
static void
command_run(struct lmtp_session *s, const char *line, GString *out)
{
	size_t n = strcspn(line, " ");
	const char *arg = skip_spaces(line + n);

#define VERB(name) (n == strlen(name) && word_is(line, name))
	if (VERB("LHLO"))
		cmd_lhlo(s, arg, out);
	else if (VERB("MAIL"))
		cmd_mail(s, arg, out);
	else if (VERB("RCPT"))
		cmd_rcpt(s, arg, out);
	else if (VERB("DATA"))
		cmd_data(s, arg, out);
	else if (VERB("RSET")) {
		transaction_reset(s);
		reply(out, 250, "2.0.0 OK");
	} else if (VERB("NOOP"))
		reply(out, 250, "2.0.0 OK");
	else if (VERB("VRFY"))
		reply(out, 252, "2.5.0 Cannot VRFY user");
	else if (VERB("QUIT")) {
		reply(out, 221, "2.0.0 Bye");
		s->closed = true;
	} else if (VERB("HELO") || VERB("EHLO"))
		reply_error(s, out, 500, "5.5.1 This is LMTP: use LHLO");
	else
		reply_error(s, out, 500, "5.5.2 Error: command not recognized");
#undef VERB
}

/* line_done - a command line ended with LF: check it and run it */
static void
line_done(struct lmtp_session *s, GString *out)
{
	GString *l = s->line;

	if (l->len > 0 && l->str[l->len - 1] == '\r')
		g_string_truncate(l, l->len - 1);
	if (s->line_overflow || l->len > MOIM_MAX_SMTP_LINE)
		reply_error(s, out, 500, "5.5.6 Error: line too long");
	else if (line_has_ctl(l))
		reply_error(s, out, 501, "5.5.4 Error: invalid character");
	else
		command_run(s, l->str, out);
	s->line_overflow = false;
	g_string_truncate(l, 0);
}

/* command_consume - take command bytes up to and including one LF; returns
 * how many bytes were used */
static size_t
command_consume(
    struct lmtp_session *s, const char *buf, size_t len, GString *out)
{
	const char *lf = memchr(buf, '\n', len);
	size_t n = lf != NULL ? (size_t)(lf - buf) : len;

	/* One byte over the limit leaves room for the CR before the LF. */
	if (!s->line_overflow && s->line->len + n > MOIM_MAX_SMTP_LINE + 1) {
		s->line_overflow = true;
		g_string_truncate(s->line, 0);
	}
	if (!s->line_overflow)
		g_string_append_len(s->line, buf, n);
	if (lf == NULL)
		return len;
	line_done(s, out);
	return n + 1;
}

/* msg_store - keep message bytes unless the message is already too big */
static void
msg_store(struct lmtp_session *s, const char *buf, size_t n)
{
	if (s->msg_overflow)
		return;
	if (s->msg->len + n > s->max_size) {
		s->msg_overflow = true;
		g_string_truncate(s->msg, 0);
		return;
	}
	g_string_append_len(s->msg, buf, n);
}

/* data_done - the final dot came: one reply per recipient, then reset */
static void
data_done(struct lmtp_session *s, GString *out)
{
	size_t n = s->rcpts->len;
	struct lmtp_reply *replies = g_new0(struct lmtp_reply, n);

	if (s->msg_overflow) {
		for (size_t i = 0; i < n; i++)
			lmtp_reply_set(&replies[i], 552,
			    "5.3.4 Message size exceeds fixed limit");
	} else if (s->cb.data != NULL) {
		s->cb.data(s->ctx, s->from,
		    (const char *const *)s->rcpts->pdata, n, s->msg->str,
		    s->msg->len, replies);
	}
	for (size_t i = 0; i < n; i++)
		reply_from_callback(out, &replies[i]);
	g_free(replies);
	transaction_reset(s);
}

/* data_consume - take message bytes; returns how many were used */
static size_t
data_consume(struct lmtp_session *s, const char *buf, size_t len, GString *out)
{
	const char *lf;

	switch (s->pos) {
	case DATA_BOL:
		s->pos = buf[0] == '.' ? DATA_DOT : DATA_MID;
		return buf[0] == '.' ? 1 : 0;
	case DATA_MID:
		lf = memchr(buf, '\n', len);
		if (lf == NULL) {
			msg_store(s, buf, len);
			return len;
		}
		msg_store(s, buf, (size_t)(lf - buf) + 1);
		s->pos = DATA_BOL;
		return (size_t)(lf - buf) + 1;
	case DATA_DOT:
		/* A leading dot is dropped: "..x" is ".x" (RFC 5321 4.5.2). */
		if (buf[0] == '\n') {
			data_done(s, out);
			return 1;
		}
		s->pos = buf[0] == '\r' ? DATA_DOTCR : DATA_MID;
		return buf[0] == '\r' ? 1 : 0;
	case DATA_DOTCR:
		if (buf[0] == '\n') {
			data_done(s, out);
			return 1;
		}
		msg_store(s, "\r", 1); /* ".\rX": the bare CR is content */
		s->pos = DATA_MID;
		return 0;
	}
	g_assert_not_reached();
}

/* lmtp_feed - consume bytes from the client, append replies to out */
enum lmtp_state
lmtp_feed(struct lmtp_session *s, const char *buf, size_t len, GString *out)
{
	size_t pos = 0;

	while (pos < len && !s->closed) {
		if (s->in_data)
			pos += data_consume(s, buf + pos, len - pos, out);
		else
			pos += command_consume(s, buf + pos, len - pos, out);
	}
	return s->closed ? LMTP_CLOSE : LMTP_CONTINUE;
}
