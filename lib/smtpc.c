/*
 * smtpc - SMTP client for fan-out to the relay
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "err.h"
#include "limits.h"
#include "smtpc.h"

struct smtpc {
	int fd;
	int timeout_ms;
	GString *in; /* bytes read but not yet taken as reply lines */
	bool has_pipelining;
	bool has_size;
	bool has_xverp;
	bool has_8bitmime;
	bool is_broken;
};

/* One reply as read: its code and its sanitised, bounded text. */
struct reply {
	int code;
	GString *text;
};

/* io_wait - wait until the socket is ready for events, or time out */
static bool
io_wait(struct smtpc *c, short events, GError **err)
{
	struct pollfd p = {.fd = c->fd, .events = events};
	int n;

	do
		n = poll(&p, 1, c->timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return moim_fail(
		    err, MOIM_ERR_TEMP, "poll: %s", g_strerror(errno));
	if (n == 0)
		return moim_fail(err, MOIM_ERR_TEMP, "relay timed out");
	return true;
}

/* write_iov - write every byte of n buffers, in as few sends as the
 * socket takes, waiting as needed; failure breaks c */
static bool
write_iov(struct smtpc *c, struct iovec *iov, size_t n, GError **err)
{
	while (n > 0) {
		struct msghdr m = {.msg_iov = iov, .msg_iovlen = n};
		ssize_t k = sendmsg(c->fd, &m, MSG_NOSIGNAL);

		if (k < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (!io_wait(c, POLLOUT, err))
				goto fail;
			continue;
		}
		if (k < 0) {
			moim_fail(err, MOIM_ERR_TEMP, "write to relay: %s",
			    g_strerror(errno));
			goto fail;
		}
		/* Step over what went out: whole buffers, then a part. */
		while (n > 0 && (size_t)k >= iov->iov_len) {
			k -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + k;
			iov->iov_len -= (size_t)k;
		}
	}
	return true;
fail:
	c->is_broken = true;
	return false;
}

/* write_all - write every byte of one buffer; failure breaks c */
static bool
write_all(struct smtpc *c, const char *buf, size_t len, GError **err)
{
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};

	return write_iov(c, &iov, 1, err);
}

/* read_more - append what the socket has to c->in */
static bool
read_more(struct smtpc *c, GError **err)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n > 0)
			break;
		if (n == 0)
			return moim_fail(
			    err, MOIM_ERR_TEMP, "relay closed the connection");
		if (errno != EAGAIN && errno != EINTR)
			return moim_fail(err, MOIM_ERR_TEMP,
			    "read from relay: %s", g_strerror(errno));
		if (!io_wait(c, POLLIN, err))
			return false;
	}
	g_string_append_len(c->in, buf, n);
	return true;
}

/* read_line - take one reply line (without CRLF) into line */
static bool
read_line(struct smtpc *c, GString *line, GError **err)
{
	char *lf;

	while ((lf = memchr(c->in->str, '\n', c->in->len)) == NULL) {
		if (c->in->len > MOIM_MAX_REPLY_LINE)
			return moim_fail(
			    err, MOIM_ERR_TEMP, "relay reply line too long");
		if (!read_more(c, err))
			return false;
	}
	if ((size_t)(lf - c->in->str) > MOIM_MAX_REPLY_LINE)
		return moim_fail(
		    err, MOIM_ERR_TEMP, "relay reply line too long");
	g_string_truncate(line, 0);
	g_string_append_len(line, c->in->str, lf - c->in->str);
	if (line->len > 0 && line->str[line->len - 1] == '\r')
		g_string_truncate(line, line->len - 1);
	g_string_erase(c->in, 0, lf - c->in->str + 1);
	return true;
}

/* text_add - append reply text, printable ASCII only, within the bound */
static void
text_add(GString *text, const char *s)
{
	if (text->len > 0 && text->len < SMTPC_MAX_TEXT)
		g_string_append_c(text, ' ');
	for (; *s != '\0' && text->len < SMTPC_MAX_TEXT; s++)
		g_string_append_c(text, *s >= ' ' && *s < 0x7f ? *s : '?');
}

/* ehlo_keyword - note an extension named on one EHLO reply line */
static void
ehlo_keyword(struct smtpc *c, const char *s)
{
	size_t n = strcspn(s, " ");

#define KW(name) (n == strlen(name) && g_ascii_strncasecmp(s, name, n) == 0)
	if (KW("PIPELINING"))
		c->has_pipelining = true;
	else if (KW("SIZE"))
		c->has_size = true;
	else if (KW("XVERP"))
		c->has_xverp = true;
	else if (KW("8BITMIME"))
		c->has_8bitmime = true;
#undef KW
}

/* line_code - the code of a reply line, or 0 when it is not one */
static int
line_code(const char *l, size_t len, bool *is_last)
{
	if (len < 3 || l[0] < '2' || l[0] > '5' || !g_ascii_isdigit(l[1]) ||
	    !g_ascii_isdigit(l[2]))
		return 0;
	if (len > 3 && l[3] != ' ' && l[3] != '-')
		return 0;
	*is_last = len == 3 || l[3] == ' ';
	return (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
}

/* read_reply - read one (multi-line) reply; with is_ehlo, note the
 * extensions a positive reply names. A 421 means the relay is going away;
 * any failure breaks the connection. */
static bool
read_reply(struct smtpc *c, struct reply *r, bool is_ehlo, GError **err)
{
	g_autoptr(GString) line = g_string_new(NULL);
	bool is_last = false;

	r->code = 0;
	g_string_truncate(r->text, 0);
	for (int i = 0; !is_last; i++) {
		int code;

		if (i == SMTPC_MAX_REPLY_LINES) {
			moim_fail(err, MOIM_ERR_TEMP, "relay reply too long");
			goto fail;
		}
		if (!read_line(c, line, err))
			goto fail;
		code = line_code(line->str, line->len, &is_last);
		if (code == 0 || (r->code != 0 && code != r->code)) {
			moim_fail(err, MOIM_ERR_TEMP, "relay sent no reply");
			goto fail;
		}
		r->code = code;
		text_add(r->text, line->len > 4 ? line->str + 4 : "");
		if (is_ehlo && i > 0 && code / 100 == 2)
			ehlo_keyword(c, line->len > 4 ? line->str + 4 : "");
	}
	if (r->code == 421)
		c->is_broken = true;
	return true;
fail:
	c->is_broken = true;
	return false;
}

/* command - send one command line and read its reply */
static bool
command(struct smtpc *c, const char *line, struct reply *r, bool is_ehlo,
    GError **err)
{
	if (!write_all(c, line, strlen(line), err))
		return false;
	return read_reply(c, r, is_ehlo, err);
}

/* addr_ok - whether a path can go between < and > on a command line */
static bool
addr_ok(const char *a, bool may_be_empty)
{
	size_t n = strlen(a);

	if (n > MOIM_MAX_ADDR || (n == 0 && !may_be_empty))
		return false;
	for (; *a != '\0'; a++)
		if ((unsigned char)*a <= ' ' || *a == 0x7f || *a == '<' ||
		    *a == '>')
			return false;
	return true;
}

/* tcp_open - connect to one address within the timeout; -1 on failure */
static int
tcp_open(const struct addrinfo *ai, int timeout_ms, int *errno_out)
{
	struct pollfd p = {.events = POLLOUT};
	int e = 0, one = 1;
	socklen_t elen = sizeof(e);

	p.fd = socket(ai->ai_family,
	    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (p.fd < 0) {
		*errno_out = errno;
		return -1;
	}
	if (connect(p.fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS)
			e = errno;
		else if (poll(&p, 1, timeout_ms) != 1)
			e = ETIMEDOUT;
		else if (getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &e, &elen) < 0)
			e = errno;
	}
	/* Commands go out in few writes; Nagle would only add delay. */
	if (e == 0 &&
	    setsockopt(p.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		e = errno;
	if (e != 0) {
		(void)close(p.fd); /* nothing was written; nothing to lose */
		*errno_out = e;
		return -1;
	}
	return p.fd;
}

/* tcp_connect - resolve host and connect to the first address that works */
static int
tcp_connect(const char *host, int port, int timeout_ms, GError **err)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
	char service[16];
	int fd = -1, e = 0, rc;

	g_snprintf(service, sizeof(service), "%d", port);
	rc = getaddrinfo(host, service, &hints, &res);
	if (rc != 0) {
		moim_fail(err, MOIM_ERR_TEMP, "resolve %s: %s", host,
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next)
		fd = tcp_open(ai, timeout_ms, &e);
	freeaddrinfo(res);
	if (fd < 0)
		moim_fail(err, MOIM_ERR_TEMP, "connect to %s:%d: %s", host,
		    port, g_strerror(e));
	return fd;
}

/* reply_fail - fail with TEMP for 4xx and POLICY for 5xx, naming the step */
static bool
reply_fail(const struct reply *r, const char *step, GError **err)
{
	return moim_fail(err, r->code >= 500 ? MOIM_ERR_POLICY : MOIM_ERR_TEMP,
	    "relay refused %s: %d %s", step, r->code, r->text->str);
}

/* greet - read the greeting, then EHLO (HELO if EHLO is refused) */
static bool
greet(struct smtpc *c, const char *helo_name, GError **err)
{
	g_autoptr(GString) text = g_string_new(NULL);
	struct reply r = {0, text};
	g_autofree char *ehlo = g_strdup_printf("EHLO %s\r\n", helo_name);
	g_autofree char *helo = g_strdup_printf("HELO %s\r\n", helo_name);

	if (!read_reply(c, &r, false, err))
		return false;
	if (r.code != 220)
		return reply_fail(&r, "the connection", err);
	if (!command(c, ehlo, &r, true, err))
		return false;
	if (r.code >= 500 && !command(c, helo, &r, false, err))
		return false;
	if (r.code / 100 != 2)
		return reply_fail(&r, "HELO/EHLO", err);
	return true;
}

/* smtpc_connect - connect to the relay and say hello */
struct smtpc *
smtpc_connect(const char *host, int port, const char *helo_name,
    int timeout_sec, GError **err)
{
	struct smtpc *c;

	if (!addr_ok(helo_name, false) || strlen(helo_name) > MOIM_MAX_DOMAIN) {
		moim_fail(err, MOIM_ERR_INPUT, "bad HELO name");
		return NULL;
	}
	c = g_new0(struct smtpc, 1);
	c->in = g_string_new(NULL);
	c->timeout_ms =
	    1000 * (timeout_sec > 0 ? timeout_sec : MOIM_SMTP_REPLY_TIMEOUT);
	c->fd = tcp_connect(host, port, c->timeout_ms, err);
	if (c->fd < 0 || !greet(c, helo_name, err)) {
		c->is_broken = true;
		smtpc_close(c);
		return NULL;
	}
	return c;
}

/* smtpc_has_xverp - whether the relay offered XVERP */
bool
smtpc_has_xverp(const struct smtpc *c)
{
	return c->has_xverp;
}

/* smtpc_is_broken - whether the connection cannot carry another transaction
 */
bool
smtpc_is_broken(const struct smtpc *c)
{
	return c->is_broken;
}

/* A message as it goes on the wire after 354 (smtpc_body_new). */
struct smtpc_body {
	GString *data; /* CRLF line ends, dot-stuffed, ending in ".\r\n" */
	size_t len; /* the message's length as given */
	bool is_8bit;
};

/* encode - append msg to b with CRLF line ends, dot-stuffed, as lines that
 * begin where b ends; notes 8-bit bytes in *is_8bit_out; whether msg ended
 * at the beginning of a line */
static bool
encode(GString *b, const char *msg, size_t len, bool *is_8bit_out)
{
	bool at_bol = true;

	for (size_t i = 0; i < len; i++) {
		char ch = msg[i];

		if (at_bol && ch == '.')
			g_string_append_c(b, '.');
		at_bol = ch == '\r' || ch == '\n';
		if (ch == '\r' && i + 1 < len && msg[i + 1] == '\n')
			i++;
		if (at_bol)
			g_string_append_len(b, "\r\n", 2);
		else
			g_string_append_c(b, ch);
		if ((unsigned char)ch >= 0x80)
			*is_8bit_out = true;
	}
	return at_bol;
}

/* smtpc_body_new - msg encoded for the wire, once for many transactions */
struct smtpc_body *
smtpc_body_new(const char *msg, size_t len)
{
	struct smtpc_body *b = g_new0(struct smtpc_body, 1);

	b->data = g_string_sized_new(len + len / 32 + 8);
	b->len = len;
	if (!encode(b->data, msg, len, &b->is_8bit))
		g_string_append_len(b->data, "\r\n", 2);
	g_string_append_len(b->data, ".\r\n", 3);
	return b;
}

/* smtpc_body_free - free an encoded message; NULL is fine */
void
smtpc_body_free(struct smtpc_body *b)
{
	if (b == NULL)
		return;
	g_string_free(b->data, TRUE);
	g_free(b);
}

/* send_check - refuse what must not reach the wire, before any write */
static bool
send_check(const struct smtpc *c, const char *from, bool xverp,
    const char *const *rcpts, size_t nrcpt, size_t len, GError **err)
{
	if (!addr_ok(from, true))
		return moim_fail(err, MOIM_ERR_INPUT, "bad sender address");
	if (nrcpt == 0 || nrcpt > MOIM_MAX_RCPTS)
		return moim_fail(
		    err, MOIM_ERR_INPUT, "bad recipient count %zu", nrcpt);
	if (len > MOIM_MAX_MESSAGE)
		return moim_fail(err, MOIM_ERR_INPUT, "message too large");
	if (xverp && !c->has_xverp)
		return moim_fail(
		    err, MOIM_ERR_INPUT, "relay does not offer XVERP");
	if (c->is_broken)
		return moim_fail(
		    err, MOIM_ERR_TEMP, "relay connection is broken");
	return true;
}

/* One transaction in progress. */
struct txn {
	struct smtpc *c;
	const char *const *rcpts;
	size_t nrcpt;
	GString *mail; /* "MAIL FROM:<...> ...\r\n" */
	GString *head; /* the copy's own lines, encoded; may be empty */
	const struct smtpc_body *body; /* the rest, ending in ".\r\n" */
	const struct smtpc_hook *hook; /* run once the first write is out */
	struct smtpc_result *res;
	struct reply r;
	bool is_done; /* the transaction ended with a final dot */
	bool *is_refused; /* per recipient: refused before the wire */
};

/* take_reply - read a reply into *code_out and a new *text_out */
static bool
take_reply(struct txn *t, int *code_out, char **text_out, GError **err)
{
	if (!read_reply(t->c, &t->r, false, err))
		return false;
	*code_out = t->r.code;
	*text_out = g_strdup(t->r.text->str);
	return true;
}

/* is_refused - whether recipient i was refused before the wire */
static bool
is_refused(const struct txn *t, size_t i)
{
	return t->is_refused[i];
}

/* refuse_bad_rcpts - give each recipient that cannot go between < and >
 * on a command line its own permanent refusal; how many are left */
static size_t
refuse_bad_rcpts(struct txn *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nrcpt; i++) {
		if (addr_ok(t->rcpts[i], false)) {
			n++;
			continue;
		}
		t->is_refused[i] = true;
		t->res->rcpt[i].code = SMTPC_REFUSED_CODE;
		t->res->rcpt[i].text = g_strdup(SMTPC_REFUSED_TEXT);
	}
	return n;
}

/* has_accepted_rcpt - whether the relay accepted any recipient */
static bool
has_accepted_rcpt(const struct txn *t)
{
	for (size_t i = 0; i < t->nrcpt; i++)
		if (t->res->rcpt[i].code / 100 == 2)
			return true;
	return false;
}

/* send_message - after 354: the message and its dot in one write, or only
 * the dot when no recipient was accepted (then the reply is not kept) */
static bool
send_message(struct txn *t, GError **err)
{
	struct iovec iov[2] = {
	    {.iov_base = t->head->str, .iov_len = t->head->len},
	    {.iov_base = t->body->data->str, .iov_len = t->body->data->len},
	};

	t->is_done = true;
	if (!has_accepted_rcpt(t)) {
		if (!write_all(t->c, ".\r\n", 3, err))
			return false;
		return read_reply(t->c, &t->r, false, err);
	}
	/* The copy's own lines and the shared rest go out in one send. */
	if (!write_iov(t->c, iov, 2, err))
		return false;
	return take_reply(t, &t->res->data_code, &t->res->data_text, err);
}

/* run_hook - the caller's work while the relay reads the commands; when it
 * fails the transaction must not reach its end: the connection breaks */
static bool
run_hook(struct txn *t, GError **err)
{
	if (t->hook == NULL || t->hook->fn(t->hook->arg, err))
		return true;
	t->c->is_broken = true;
	return false;
}

/* send_pipelined - MAIL, RCPTs and DATA in one write (RFC 2920) */
static bool
send_pipelined(struct txn *t, GError **err)
{
	g_autoptr(GString) cmds = g_string_new(t->mail->str);
	struct smtpc_result *res = t->res;

	for (size_t i = 0; i < t->nrcpt; i++)
		if (!is_refused(t, i))
			g_string_append_printf(
			    cmds, "RCPT TO:<%s>\r\n", t->rcpts[i]);
	g_string_append(cmds, "DATA\r\n");
	if (!write_all(t->c, cmds->str, cmds->len, err) || !run_hook(t, err))
		return false;
	if (!take_reply(t, &res->mail_code, &res->mail_text, err))
		return false;
	for (size_t i = 0; i < t->nrcpt; i++)
		if (!is_refused(t, i) &&
		    !take_reply(t, &res->rcpt[i].code, &res->rcpt[i].text, err))
			return false;
	if (!read_reply(t->c, &t->r, false, err))
		return false;
	if (t->r.code != 354)
		return true;
	return send_message(t, err);
}

/* send_stepwise - one command at a time, stopping at the first dead end */
static bool
send_stepwise(struct txn *t, GError **err)
{
	struct smtpc_result *res = t->res;

	if (!write_all(t->c, t->mail->str, t->mail->len, err) ||
	    !run_hook(t, err) ||
	    !take_reply(t, &res->mail_code, &res->mail_text, err))
		return false;
	if (res->mail_code / 100 != 2)
		return true;
	for (size_t i = 0; i < t->nrcpt; i++) {
		g_autofree char *cmd = NULL;

		if (is_refused(t, i))
			continue;
		cmd = g_strdup_printf("RCPT TO:<%s>\r\n", t->rcpts[i]);
		if (!write_all(t->c, cmd, strlen(cmd), err) ||
		    !take_reply(t, &res->rcpt[i].code, &res->rcpt[i].text, err))
			return false;
	}
	if (!has_accepted_rcpt(t))
		return true;
	if (!command(t->c, "DATA\r\n", &t->r, false, err))
		return false;
	if (t->r.code != 354)
		return true;
	return send_message(t, err);
}

/* mail_command - "MAIL FROM:<from>" with the parameters that apply */
static GString *
mail_command(const struct smtpc *c, const char *from, bool xverp, size_t size,
    bool is_8bit)
{
	GString *m = g_string_new(NULL);

	g_string_append_printf(m, "MAIL FROM:<%s>", from);
	if (xverp)
		g_string_append(m, " XVERP");
	if (c->has_size)
		g_string_append_printf(m, " SIZE=%zu", size);
	if (is_8bit && c->has_8bitmime)
		g_string_append(m, " BODY=8BITMIME");
	g_string_append(m, "\r\n");
	return m;
}

/* smtpc_send_body - run one mail transaction: head, then body */
bool
smtpc_send_body(struct smtpc *c, const char *mail_from, bool xverp,
    const char *const *rcpts, size_t nrcpt, const char *head, size_t head_len,
    const struct smtpc_body *body, const struct smtpc_hook *hook,
    struct smtpc_result *res, GError **err)
{
	struct txn t = {.c = c,
	    .rcpts = rcpts,
	    .nrcpt = nrcpt,
	    .res = res,
	    .body = body,
	    .hook = hook};
	bool is_8bit = body->is_8bit, ok;

	memset(res, 0, sizeof(*res));
	if (head_len > 0 && head[head_len - 1] != '\n')
		return moim_fail(err, MOIM_ERR_INPUT,
		    "message head does not end with a line end");
	if (!send_check(c, mail_from, xverp, rcpts, nrcpt,
		head_len > MOIM_MAX_MESSAGE ? head_len : head_len + body->len,
		err))
		return false;
	res->rcpt = g_new0(struct smtpc_rcpt_result, nrcpt);
	res->nrcpt = nrcpt;
	t.is_refused = g_new0(bool, nrcpt);
	/* A bad recipient fails alone; the others still get the message. */
	if (refuse_bad_rcpts(&t) == 0) {
		g_free(t.is_refused);
		return true;
	}
	/* The head ends a line, so the body's lines begin where it ends. */
	t.head = g_string_sized_new(head_len + head_len / 32 + 1);
	(void)encode(t.head, head, head_len, &is_8bit);
	t.mail = mail_command(
	    c, mail_from, xverp, t.head->len + body->data->len - 3, is_8bit);
	t.r.text = g_string_new(NULL);
	ok = c->has_pipelining ? send_pipelined(&t, err)
			       : send_stepwise(&t, err);
	/* A transaction that stopped before the dot is undone for the next. */
	if (ok && !t.is_done && !c->is_broken &&
	    (!command(c, "RSET\r\n", &t.r, false, NULL) || t.r.code != 250))
		c->is_broken = true;
	if (!ok) {
		c->is_broken = true;
		smtpc_result_clear(res);
	}
	g_string_free(t.head, TRUE);
	g_string_free(t.mail, TRUE);
	g_string_free(t.r.text, TRUE);
	g_free(t.is_refused);
	return ok;
}

/* smtpc_send - run one mail transaction; replies go to res */
bool
smtpc_send(struct smtpc *c, const char *mail_from, bool xverp,
    const char *const *rcpts, size_t nrcpt, const char *msg, size_t len,
    struct smtpc_result *res, GError **err)
{
	struct smtpc_body *b;
	bool ok;

	/* What would be refused is refused before it is encoded. */
	memset(res, 0, sizeof(*res));
	if (!send_check(c, mail_from, xverp, rcpts, nrcpt, len, err))
		return false;
	b = smtpc_body_new(msg, len);
	ok = smtpc_send_body(
	    c, mail_from, xverp, rcpts, nrcpt, NULL, 0, b, NULL, res, err);
	smtpc_body_free(b);
	return ok;
}

/* smtpc_result_clear - free what smtpc_send() put in res and zero it */
void
smtpc_result_clear(struct smtpc_result *res)
{
	if (res == NULL)
		return;
	g_free(res->mail_text);
	for (size_t i = 0; i < res->nrcpt; i++)
		g_free(res->rcpt[i].text);
	g_free(res->rcpt);
	g_free(res->data_text);
	memset(res, 0, sizeof(*res));
}

/* smtpc_close - say QUIT if the connection is sound, then free */
void
smtpc_close(struct smtpc *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0 && !c->is_broken) {
		g_autoptr(GString) text = g_string_new(NULL);
		struct reply r = {0, text};

		/* The relay's answer to QUIT changes nothing for us. */
		(void)command(c, "QUIT\r\n", &r, false, NULL);
	}
	if (c->fd >= 0)
		(void)close(c->fd); /* all mail was answered before */
	g_string_free(c->in, TRUE);
	g_free(c);
}
