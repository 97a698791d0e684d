/*
 * smtpc - SMTP client for fan-out to the relay
 *
 * SYNOPSIS
 *	struct smtpc *smtpc_connect(const char *host, int port,
 *	    const char *helo_name, int timeout_sec, GError **err);
 *	bool smtpc_has_xverp(const struct smtpc *c);
 *	bool smtpc_send(struct smtpc *c, const char *mail_from, bool xverp,
 *	    const char *const *rcpts, size_t nrcpt, const char *msg,
 *	    size_t len, struct smtpc_result *res, GError **err);
 *	struct smtpc_body *smtpc_body_new(const char *msg, size_t len);
 *	bool smtpc_send_body(struct smtpc *c, const char *mail_from,
 *	    bool xverp, const char *const *rcpts, size_t nrcpt,
 *	    const char *head, size_t head_len, const struct smtpc_body *body,
 *	    const struct smtpc_hook *hook, struct smtpc_result *res,
 *	    GError **err);
 *	void smtpc_body_free(struct smtpc_body *b);
 *	void smtpc_result_clear(struct smtpc_result *res);
 *	bool smtpc_is_broken(const struct smtpc *c);
 *	void smtpc_close(struct smtpc *c);
 * DESCRIPTION
 *	smtpc_connect() opens a TCP connection (TCP_NODELAY) to the relay,
 *	reads the 220 greeting and sends EHLO, falling back to HELO when EHLO
 *	is refused with 5xx; it notes PIPELINING, SIZE, XVERP and 8BITMIME.
 *
 *	smtpc_send() runs one mail transaction. With PIPELINING it writes
 *	MAIL FROM, every RCPT TO and DATA at once (RFC 2920), then reads the
 *	replies; without, one command at a time. MAIL FROM carries XVERP when
 *	asked, SIZE= when offered, and BODY=8BITMIME when the message has
 *	8-bit bytes and the relay offers it. If a recipient was accepted and
 *	DATA got 354, the message goes out with CRLF line ends (bare LF and
 *	bare CR become CRLF), dot-stuffed, and with the final ".\r\n" in the
 *	same write, because a separate segment for the dot costs a delayed
 *	ACK per message. A transaction that ends before the dot is followed
 *	by RSET, so the connection can carry the next one.
 *
 *	smtpc_body_new() encodes a message for the wire once (CRLF line ends,
 *	dot-stuffed, the final dot added), for a sender that sends it in
 *	many transactions. smtpc_send_body() runs a transaction as
 *	smtpc_send() does, with the message head_len bytes of head (the
 *	copy's own lines, encoded per call; empty, or ending with a line
 *	end) followed by body; both go out in one send after 354. So the
 *	part that is the same for every copy is encoded only once.
 *	With a hook, hook->fn(hook->arg, err) runs once the transaction's
 *	first write (MAIL, with PIPELINING also RCPTs and DATA) is out and
 *	before any reply to it is read: work the caller must finish before
 *	this message may be sent (a sender commits the previous copy's
 *	result there, while the relay reads the commands). When it returns
 *	false, the connection is broken without the message being sent (the
 *	relay drops an unfinished transaction when the connection closes)
 *	and smtpc_send_body() fails with hook's error.
 *	smtpc_send(c, ..., msg, len, ...) is smtpc_send_body() with no head
 *	and smtpc_body_new(msg, len).
 *
 *	Replies are results, not errors: res gets the MAIL reply, one reply
 *	per recipient in order (code 0 and text NULL: never sent, because
 *	MAIL was refused without PIPELINING), and the reply to the message
 *	(data_code 0: the message was not sent). Reply text is the reply's
 *	lines joined by a space, printable ASCII only (others become '?'),
 *	cut at SMTPC_MAX_TEXT bytes.
 *
 *	smtpc_is_broken() tells that the connection cannot carry another
 *	transaction (I/O error, timeout, garbage, 421); close it.
 *	smtpc_close() sends QUIT unless broken and frees; NULL is fine.
 * OWNERSHIP
 *	The caller owns the struct smtpc and *res; smtpc_result_clear() frees
 *	what smtpc_send() put in res (safe on a cleared or zeroed result).
 *	Arguments are borrowed for the duration of the call. The caller owns
 *	what smtpc_body_new() returns (smtpc_body_free()); it is read-only
 *	and may serve several connections and threads at once.
 * INPUT AND LIMITS
 *	Relay replies are untrusted: a reply line over MOIM_MAX_REPLY_LINE,
 *	more than SMTPC_MAX_REPLY_LINES lines, or bytes that are not a reply
 *	are a TEMP error. Every read and write waits at most timeout_sec.
 *	Addresses containing CR, LF, NUL, other control bytes, '<', '>' or a
 *	space, or longer than MOIM_MAX_ADDR, never reach the wire. Such a
 *	sender, nrcpt of 0 or over MOIM_MAX_RCPTS, and len over
 *	MOIM_MAX_MESSAGE are refused before anything is written. Such a
 *	recipient is refused alone, as a relay would refuse it: its result
 *	is SMTPC_REFUSED_CODE with SMTPC_REFUSED_TEXT, the transaction goes
 *	on for the others, and with no other recipient nothing is written
 *	(mail_code and data_code 0). msg and head may use LF or CRLF line
 *	ends; the length limit applies to head_len plus body's message.
 * THREADS
 *	A connection belongs to one thread at a time; no shared state.
 * ERRORS
 *	smtpc_connect(): MOIM_ERR_TEMP for resolver and network errors,
 *	timeouts and 4xx greetings; MOIM_ERR_POLICY for a 5xx greeting or
 *	HELO refusal; MOIM_ERR_INPUT for a bad helo_name.
 *	smtpc_send(): MOIM_ERR_INPUT for refused arguments (nothing written;
 *	the connection stays usable), also when xverp is asked but the relay
 *	does not offer XVERP; smtpc_send_body() also for a head that does not
 *	end with a line end; MOIM_ERR_TEMP when the connection failed (it is
 *	then broken, and res is left cleared).
 * SEE ALSO
 *	RFC 5321, RFC 2920 (PIPELINING), RFC 1870 (SIZE), RFC 6152
 *	(8BITMIME), Postfix's VERP_README (XVERP); lmtp (the server side).
 */
#ifndef MOIM_SMTPC_H
#define MOIM_SMTPC_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "limits.h"

struct smtpc;
struct smtpc_body;

/* Work to run while the relay reads a transaction's commands. */
struct smtpc_hook {
	bool (*fn)(void *arg, GError **err);
	void *arg;
};

/* The result of a recipient refused before the wire: a permanent failure
 * (RFC 3463 5.1.3, bad destination mailbox address syntax). */
#define SMTPC_REFUSED_CODE 553
#define SMTPC_REFUSED_TEXT "5.1.3 recipient address not sendable (moim)"

struct smtpc_rcpt_result {
	int code; /* 0: never sent */
	char *text; /* sanitised, bounded; NULL when code is 0 */
};

struct smtpc_result {
	int mail_code;
	char *mail_text;
	struct smtpc_rcpt_result *rcpt; /* one per recipient, same order */
	size_t nrcpt;
	int data_code; /* reply after the dot; 0 if the message was not sent */
	char *data_text;
};

struct smtpc *smtpc_connect(const char *host, int port, const char *helo_name,
    int timeout_sec, GError **err);
bool smtpc_has_xverp(const struct smtpc *c);
bool smtpc_send(struct smtpc *c, const char *mail_from, bool xverp,
    const char *const *rcpts, size_t nrcpt, const char *msg, size_t len,
    struct smtpc_result *res, GError **err);
struct smtpc_body *smtpc_body_new(const char *msg, size_t len);
void smtpc_body_free(struct smtpc_body *b);
bool smtpc_send_body(struct smtpc *c, const char *mail_from, bool xverp,
    const char *const *rcpts, size_t nrcpt, const char *head, size_t head_len,
    const struct smtpc_body *body, const struct smtpc_hook *hook,
    struct smtpc_result *res, GError **err);
void smtpc_result_clear(struct smtpc_result *res);
bool smtpc_is_broken(const struct smtpc *c);
void smtpc_close(struct smtpc *c);

#endif
