/*
 * lmtp - LMTP server protocol engine: bytes in, replies out, no sockets
 *
 * SYNOPSIS
 *	struct lmtp_reply { int code; char *text; };
 *	struct lmtp_callbacks { mail, rcpt, data };
 *	struct lmtp_session *lmtp_session_new(const char *hostname,
 *	    guint64 max_size, const struct lmtp_callbacks *cb, void *ctx);
 *	void lmtp_session_free(struct lmtp_session *s);
 *	void lmtp_greeting(struct lmtp_session *s, GString *out);
 *	enum lmtp_state lmtp_feed(struct lmtp_session *s, const char *buf,
 *	    size_t len, GString *out);
 *	void lmtp_reply_set(struct lmtp_reply *r, int code, const char *fmt,
 *	    ...);
 * DESCRIPTION
 *	The engine speaks the server side of LMTP (RFC 2033) to Postfix's lmtp
 *	client. The daemon's glue reads bytes from its socket, passes them to
 *	lmtp_feed() in pieces of any size (commands may be pipelined, a
 *	command may be split anywhere), writes out whatever the engine
 *	appended to out, and closes the connection when lmtp_feed() returns
 *	LMTP_CLOSE. Feeding one byte at a time gives the same replies as
 *	feeding everything at once.
 *
 *	The engine answers LHLO (PIPELINING, ENHANCEDSTATUSCODES, 8BITMIME,
 *	SIZE), MAIL FROM (SIZE=, BODY=7BIT|8BITMIME), RCPT TO, DATA, RSET,
 *	NOOP, VRFY (252) and QUIT itself and asks the callbacks only about
 *	the sender, each recipient and the finished message:
 *
 *	mail(ctx, from, size, r): from is the reverse path as given, without
 *	the angle brackets ("" for the null sender); size is the SIZE= value
 *	or 0. Return true to accept, or false after lmtp_reply_set(r, ...).
 *	rcpt(ctx, rcpt, r): the same for one forward path.
 *	data(ctx, from, rcpts, nrcpt, msg, len, replies): after the final
 *	dot; msg is the dot-unstuffed message exactly as received (line ends
 *	as sent, normally CRLF), NUL-terminated at msg[len]. The callback must
 *	fill replies[i] for each accepted recipient (RFC 2033 4.2). A reply
 *	left with code 0, or malformed, is sent as 451 4.3.0.
 *
 *	A NULL callback accepts (mail, rcpt) or answers 451 4.3.0 (data).
 *	Reply text is given with its enhanced status code first, e.g.
 *	lmtp_reply_set(r, 550, "5.1.1 No such list"); the engine adds CRLF.
 * OWNERSHIP
 *	The session copies hostname and cb. Strings passed to callbacks are
 *	borrowed for the duration of the call. r->text and replies[i].text
 *	are owned by the engine, which frees them after sending; fill them
 *	only with lmtp_reply_set().
 * INPUT AND LIMITS
 *	Everything fed in is untrusted. Command lines over MOIM_MAX_SMTP_LINE
 *	get 500 5.5.6; paths over MOIM_MAX_ADDR get 501; more than
 *	MOIM_MAX_RCPTS recipients get 452 4.5.3; a message over max_size
 *	(capped at MOIM_MAX_MESSAGE; 0 means that cap) is read to its dot
 *	without being stored and gets 552 5.3.4 per recipient. CR, LF and NUL
 *	never reach a callback (501 5.5.4). After 20 protocol errors the
 *	engine answers 421 4.7.0 and returns LMTP_CLOSE. Reply text never
 *	contains bytes of the input.
 * THREADS
 *	A session belongs to one thread; sessions share nothing.
 * ERRORS
 *	No GError: every problem of the peer is answered on the wire. A
 *	callback reports its own failures through its reply.
 * SEE ALSO
 *	RFC 2033 (LMTP), RFC 5321, RFC 1870 (SIZE), RFC 2920 (PIPELINING),
 *	RFC 2034 (ENHANCEDSTATUSCODES), RFC 6152 (8BITMIME).
 */
#ifndef MOIM_LMTP_H
#define MOIM_LMTP_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

struct lmtp_reply {
	int code; /* 200..599 */
	char *text; /* enhanced status code first; engine-owned, g_malloc'd */
};

struct lmtp_callbacks {
	bool (*mail)(
	    void *ctx, const char *from, guint64 size, struct lmtp_reply *r);
	bool (*rcpt)(void *ctx, const char *rcpt, struct lmtp_reply *r);
	void (*data)(void *ctx, const char *from, const char *const *rcpts,
	    size_t nrcpt, const char *msg, size_t len,
	    struct lmtp_reply *replies);
};

enum lmtp_state {
	LMTP_CONTINUE,
	LMTP_CLOSE,
};

struct lmtp_session;

struct lmtp_session *lmtp_session_new(const char *hostname, guint64 max_size,
    const struct lmtp_callbacks *cb, void *ctx);
void lmtp_session_free(struct lmtp_session *s);
void lmtp_greeting(struct lmtp_session *s, GString *out);
enum lmtp_state lmtp_feed(
    struct lmtp_session *s, const char *buf, size_t len, GString *out);
void lmtp_reply_set(struct lmtp_reply *r, int code, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

#endif
