/*
 * mime - GMime parsing with limits, header edits, footer insertion, notices
 *
 * SYNOPSIS
 *	void mime_init(void);
 *	GMimeMessage *mime_parse(const char *buf, size_t len, GError **err);
 *	bool mime_has_critical_warning(GMimeMessage *m);
 *	char *mime_header_text(GMimeObject *o, const char *name);
 *	char *mime_header_raw(GMimeObject *o, const char *name);
 *	char *mime_part_filename(GMimeObject *part);
 *	bool mime_is_auto_submitted(GMimeMessage *m);
 *	bool mime_is_auto_reply(GMimeMessage *m);
 *	char *mime_subject_prefixed(const char *subject_utf8,
 *	    const char *prefix_utf8);
 *	bool mime_set_subject(GMimeMessage *m, const char *subject_utf8,
 *	    GError **err);
 *	bool mime_set_header(GMimeObject *o, const char *name,
 *	    const char *value_utf8, GError **err);
 *	void mime_remove_header(GMimeObject *o, const char *name);
 *	bool mime_add_footer(GMimeMessage *m, const char *footer_utf8,
 *	    GError **err);
 *	char *mime_body_text(GMimeMessage *m, size_t max_bytes);
 *	GBytes *mime_to_bytes(GMimeObject *o);
 *	char *mime_build_notice(const struct mime_notice *n, GError **err);
 * DESCRIPTION
 *	mime_init() initialises GMime once; every other function calls it,
 *	so callers need not, but a daemon may call it early.
 *
 *	mime_parse() builds a message from untrusted bytes and refuses what
 *	is over the limits below. GMime's parser warnings are recorded:
 *	mime_has_critical_warning() tells whether any GMIME_CRIT_* warning
 *	was seen (STYLE 7.11: hold or refuse such a post, do not just log).
 *
 *	mime_header_text() returns the first header of that name decoded to
 *	UTF-8 by lib/hdrtext from its raw value (not by GMime, whose
 *	decoder loses text: see hdrtext.h) on one line (a CR or LF an
 *	encoded word decodes to becomes a space), or NULL.
 *	mime_header_raw() returns it as received, unfolded (CR and LF
 *	removed, blanks at both ends trimmed), at most
 *	MOIM_MAX_HEADER_FIELD bytes: for lib/addr, which decodes the
 *	display names itself (a decoded "Kim, J" would be two addresses).
 *	mime_part_filename() returns a part's file name (Content-Disposition
 *	filename, else Content-Type name) as UTF-8, RFC 2231 decoded by
 *	GMime and RFC 2047 words in it by lib/hdrtext, or NULL.
 *
 *	mime_is_auto_submitted() applies RFC 3834 and practice: a message is
 *	automatic when Auto-Submitted is present and not "no", Precedence is
 *	bulk, junk or list, X-Autoreply or X-Autorespond is present, or
 *	X-Auto-Response-Suppress contains "All" (Exchange puts it on its
 *	out-of-office replies; "OOF" alone is also set on ordinary mail and
 *	is not counted). List-Id alone is not automatic.
 *	mime_is_auto_reply() is the narrower kind: an automatic answer to
 *	a message (Auto-Submitted: auto-replied, X-Autoreply, X-Autorespond):
 *	a vacation reply, which no list wants to pass on.
 *
 *	mime_subject_prefixed() puts prefix first unless it already occurs
 *	after the leading reply/forward markers (Re:, RE:, Fw:, Fwd:, AW:,
 *	SV:, 답장:, 회신:, 전달:, ...). CR, LF and TAB become spaces. An
 *	empty prefix gives a copy; an empty subject gives the prefix. The
 *	result is cut, on a character, to MOIM_MAX_SUBJECT bytes.
 *
 *	mime_set_subject() and mime_set_header() replace (or add) a header,
 *	RFC 2047 encoded as UTF-8 when non-ASCII by lib/hdrtext (display
 *	names only in From, To, Cc, Bcc, Reply-To and Sender), in words
 *	GMime 3.2.13 also decodes whole. An ASCII value is written as given,
 *	folded at its spaces (a URL stays a URL), unless a word of it would
 *	not fit a 998-octet line.
 *	mime_remove_header() removes every occurrence.
 *
 *	mime_add_footer() appends footer_utf8 to a lone text/plain body in
 *	the part's own charset (or UTF-8 when the footer does not fit in
 *	it), keeping the kind of transfer encoding and format=flowed valid;
 *	7-bit text the footer makes 8-bit is sent as 8bit (the relay gets
 *	BODY=8BITMIME), quoted-printable only with a line over 998 octets.
 *	Any other body (multipart, HTML, signed, encrypted, an attachment,
 *	undecodable text) is wrapped, byte for byte unchanged, in a new
 *	multipart/mixed with an inline text/plain; charset=UTF-8 footer.
 *
 *	mime_body_text() returns what a person wrote: the first text/plain
 *	part outside attachments decoded to UTF-8 (declared charset, else
 *	UTF-8 with invalid bytes replaced, else Latin-1; never fails), or
 *	the first text/html part with tags and entities roughly removed.
 *	Line ends are LF. It is cut at max_bytes on a character boundary.
 *
 *	mime_to_bytes() serialises an object with LF line ends. The body of a
 *	message from mime_parse() that was not changed (or was only wrapped,
 *	as mime_add_footer() does) is written from the bytes received, not
 *	from GMime's tree: GMime drops what follows a bad header line inside
 *	a part, and a member's copy must not lose it. So a caller changes a
 *	parsed body only through this module or by replacing it.
 *
 *	mime_build_notice() composes a complete text/plain; charset=UTF-8
 *	message from moim to a person, with Date, a new Message-ID,
 *	MIME-Version and Auto-Submitted: auto-replied (RFC 3834 5). A subject
 *	over MOIM_MAX_SUBJECT is cut; an in_reply_to that is not one
 *	"<left@right>" token is left out, not refused; an attached message
 *	is its received bytes.
 * OWNERSHIP
 *	mime_parse() returns a new reference (g_object_unref). Returned
 *	strings are the caller's (g_free), mime_to_bytes() a new GBytes.
 *	Arguments are borrowed; GMime objects are changed in place.
 * INPUT AND LIMITS
 *	buf is untrusted: over MOIM_MAX_MESSAGE bytes, a header field over
 *	MOIM_MAX_HEADER_FIELD, a header block of more than
 *	MOIM_MAX_HEADER_FIELDS fields, nesting deeper than
 *	MOIM_MAX_MIME_DEPTH or more than MOIM_MAX_MIME_PARTS parts, and
 *	bytes GMime cannot make a message of are MOIM_ERR_INPUT. Header
 *	values given to the setters must be UTF-8 without CR or LF.
 * THREADS
 *	mime_init() is safe from many threads; a GMime object must be used
 *	by one thread at a time.
 * ERRORS
 *	MOIM_ERR_INPUT for bad input; MOIM_ERR_INTERNAL when GMime fails on
 *	input we built. Never a temporary error.
 * SEE ALSO
 *	RFC 2045-2049, 2047, 3676 (format=flowed), 3834, 5322; lib/limits.h.
 */
#ifndef MOIM_MIME_H
#define MOIM_MIME_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>
#include <gmime/gmime.h>

struct mime_notice {
	const char *from; /* RFC 5322 mailbox, formatted */
	const char *to; /* same */
	const char *subject; /* UTF-8 */
	const char *body; /* UTF-8 text, LF line ends */
	const char *message_id_domain; /* Message-ID: <random@domain> */
	const char *in_reply_to; /* optional <id>; also References */
	const char *const *extra_headers; /* optional name, value, ..., NULL */
	GMimeMessage
	    *attach; /* optional, borrowed: attached as message/rfc822 */
};

void mime_init(void);
GMimeMessage *mime_parse(const char *buf, size_t len, GError **err);
bool mime_has_critical_warning(GMimeMessage *m);
char *mime_header_text(GMimeObject *o, const char *name);
char *mime_header_raw(GMimeObject *o, const char *name);
char *mime_part_filename(GMimeObject *part);
bool mime_is_auto_submitted(GMimeMessage *m);
bool mime_is_auto_reply(GMimeMessage *m);
char *mime_subject_prefixed(const char *subject_utf8, const char *prefix_utf8);
bool mime_set_subject(GMimeMessage *m, const char *subject_utf8, GError **err);
bool mime_set_header(
    GMimeObject *o, const char *name, const char *value_utf8, GError **err);
void mime_remove_header(GMimeObject *o, const char *name);
bool mime_add_footer(GMimeMessage *m, const char *footer_utf8, GError **err);
char *mime_body_text(GMimeMessage *m, size_t max_bytes);
GBytes *mime_to_bytes(GMimeObject *o);
char *mime_build_notice(const struct mime_notice *n, GError **err);

#endif
