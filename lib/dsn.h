/*
 * dsn - read a bounce: delivery status notifications and MTA failure texts
 *
 * SYNOPSIS
 *	bool dsn_parse(const char *buf, size_t len, struct dsn_result *res_out,
 *	    GError **err);
 *	void dsn_result_clear(struct dsn_result *res);
 *	const char *dsn_kind_name(enum dsn_kind kind);
 *	enum dsn_kind dsn_classify_reply(int code, const char *text,
 *	    char **status_out);
 * DESCRIPTION
 *	dsn_classify_reply() applies the same rules to a refusal that the
 *	relay gave at SMTP time (code 5xx and its text), and gives the
 *	enhanced status code found in it (or NULL) through status_out.
 *
 *	dsn_parse() reads one message and says whether it reports a failed
 *	delivery, which recipients failed, how, and why. It reads RFC 3464
 *	multipart/report DSNs (message/delivery-status and
 *	message/global-delivery-status: Final-Recipient, Original-Recipient,
 *	Action, Status, Diagnostic-Code; any number of recipients, blank
 *	lines between groups optional; an Original-Recipient is listed
 *	before a Final-Recipient that differs from it, since the first is
 *	the address the sender used and the second may be an internal
 *	alias), and the text bounces of MTAs that
 *	send none (qmail, Exim, old Sendmail, Postfix without DSN, Exchange,
 *	Yahoo, ...) by generic rules: a message from MAILER-DAEMON or
 *	postmaster, or with a bounce Subject, whose text names an address
 *	next to an SMTP reply code, an enhanced status code or a failure
 *	phrase. Exim's X-Failed-Recipients is read too. The copy of the
 *	original message inside a bounce is never searched for recipients.
 *
 *	is_bounce is true when at least one recipient failed (RFC 3464
 *	Action "failed", or a failure text). A report that only says
 *	delivery is delayed is not a bounce: is_bounce is false, is_delay is
 *	true, and its recipients are listed with DSN_TEMPORARY. Successful
 *	recipients (delivered, relayed, expanded) are never listed.
 *
 *	is_auto_reply is true, and is_bounce false, for mail that is
 *	automatic but reports no failed delivery: vacation and
 *	out-of-office replies (RFC 3834 Auto-Submitted: auto-replied without
 *	a delivery-status report, X-Autoreply, typical subjects), ARF
 *	feedback reports (RFC 5965), MDNs (RFC 8098) and challenge-response
 *	or whitelist requests, including those sent as a DSN whose every
 *	failure only asks the sender to confirm.
 *
 *	Each recipient's kind:
 *	  DSN_PERMANENT  a final failure of the mailbox: 5.1.x, 5.2.x,
 *	                 5.4.x, "user unknown", "no such user", "account
 *	                 disabled", "수신자를 찾을 수 없", "n'existe pas",
 *	                 and any other 5.x.x or 5xx that is not policy.
 *	                 A final failure of a full mailbox (5.2.2, "mailbox
 *	                 full", "over quota") and one after the sending MTA
 *	                 gave up retrying (Action failed with a 4.x.x
 *	                 status, "retry timeout exceeded", "in the queue
 *	                 too long", "Delivery failed 20 attempts") count
 *	                 here too, as Mailman counts them: the copy was
 *	                 lost, and a mailbox that stays full or out of
 *	                 reach for days is as good as abandoned; the score
 *	                 decays and the probe re-enables a member who is
 *	                 back.
 *	  DSN_TEMPORARY  not final: Action delayed, a delay warning ("will
 *	                 keep trying", "Delivery attempts will continue to
 *	                 be made for 5 day(s)", "THIS IS A WARNING MESSAGE
 *	                 ONLY"), and from dsn_classify_reply() a 4xx.
 *	  DSN_POLICY     content or policy rejection, not a dead mailbox:
 *	                 5.7.x, 5.6.x, 5.3.4 (too big), spam, virus, blocked,
 *	                 blacklisted, DMARC/DKIM/SPF, reputation, and
 *	                 refusals of the sending host or envelope sender.
 *	Mailbox words beat policy words ("5.7.1 user unknown" is permanent);
 *	a generic status (X.0.0) gives way to a more precise code in the
 *	diagnostic. res->kind summarises the report (the first recipient's
 *	kind, else what the text says) for a bounce that names no address:
 *	moim maps a bounce to its member by the VERP return path anyway.
 * OWNERSHIP
 *	*res_out is filled by dsn_parse() (also on failure, then empty) and
 *	released with dsn_result_clear(), which accepts a cleared or zeroed
 *	result. rcpts owns its struct dsn_rcpt elements and their strings.
 *	dsn_kind_name() returns a static string.
 * INPUT AND LIMITS
 *	buf is untrusted; what mime_parse() refuses (over MOIM_MAX_MESSAGE,
 *	header or MIME limits) is MOIM_ERR_INPUT. At most MOIM_MAX_RCPTS
 *	recipients are kept, the first DSN_MAX_TEXT bytes of text are read,
 *	and a diagnostic is cut at DSN_MAX_DIAGNOSTIC bytes. address is
 *	canonical (addr_parse); status is "D.S.N" or NULL; diagnostic is
 *	valid UTF-8 with controls, CR and LF turned into single spaces, or
 *	NULL. None of them is safe for a header or SMTP line unchecked
 *	beyond that: they are untrusted text.
 * THREADS
 *	No shared state besides GMime's one-time initialisation.
 * ERRORS
 *	MOIM_ERR_INPUT when buf cannot be read as a message; never a
 *	temporary error. A message that is no bounce is success.
 * SEE ALSO
 *	RFC 3461, 3463 (status codes), 3464, 3834, 5965, 6522, 8098;
 *	lib/mime.h, lib/addr.h.
 */
#ifndef MOIM_DSN_H
#define MOIM_DSN_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#include "limits.h"

enum dsn_kind {
	DSN_NOT_BOUNCE,
	DSN_PERMANENT,
	DSN_TEMPORARY,
	DSN_POLICY, /* 5.7.x, spam, DMARC, blocked: not a dead mailbox */
};

struct dsn_rcpt {
	char *address; /* canonical, via addr_parse */
	enum dsn_kind kind;
	char *status; /* "5.1.1" or NULL */
	char *diagnostic; /* bounded, sanitised, or NULL */
};

struct dsn_result {
	bool is_bounce; /* at least one recipient failed */
	bool is_delay; /* a delay warning only; not a bounce */
	bool is_auto_reply; /* vacation, ARF, MDN, challenge: never a bounce */
	enum dsn_kind kind; /* summary; DSN_NOT_BOUNCE unless bounce or delay */
	GPtrArray *rcpts; /* struct dsn_rcpt *, never NULL after parse */
};

bool dsn_parse(
    const char *buf, size_t len, struct dsn_result *res_out, GError **err);
void dsn_result_clear(struct dsn_result *res);
const char *dsn_kind_name(enum dsn_kind kind);
enum dsn_kind dsn_classify_reply(int code, const char *text, char **status_out);

#endif
