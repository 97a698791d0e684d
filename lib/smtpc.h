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
 *	Arguments are borrowed for the duration of the call.
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
 *	(mail_code and data_code 0). msg may use LF or CRLF line ends.
 * THREADS
 *	A connection belongs to one thread at a time; no shared state.
 * ERRORS
 *	smtpc_connect(): MOIM_ERR_TEMP for resolver and network errors,
 *	timeouts and 4xx greetings; MOIM_ERR_POLICY for a 5xx greeting or
 *	HELO refusal; MOIM_ERR_INPUT for a bad helo_name.
 *	smtpc_send(): MOIM_ERR_INPUT for refused arguments (nothing written;
 *	the connection stays usable), also when xverp is asked but the relay
 *	does not offer XVERP; MOIM_ERR_TEMP when the connection failed (it is
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
void smtpc_result_clear(struct smtpc_result *res);
bool smtpc_is_broken(const struct smtpc *c);
void smtpc_close(struct smtpc *c);

#endif
