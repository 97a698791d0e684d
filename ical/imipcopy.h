/*
 * imipcopy - one invitation for many attendees: what they share is kept
 *	once, what differs (ATTENDEE, the text beside it) per attendee
 *
 * SYNOPSIS
 *	GBytes *imipcopy_shared_new(GMimeMessage *msg,
 *	    const struct imip_event *ev, const char *ref_text,
 *	    GError **err);
 *	struct imipcopy *imipcopy_open(const char *buf, size_t len,
 *	    GError **err);
 *	GBytes *imipcopy_member_new(const struct imipcopy *c,
 *	    const char *attendee_addr, const char *attendee_name,
 *	    const char *text_utf8, GError **err);
 *	bool imipcopy_expand(const struct imipcopy *c, const char *part,
 *	    size_t len, GString *out, GError **err);
 *	bool imipcopy_put_text(const struct imipcopy *c,
 *	    const char *text_utf8, GString *out, GError **err);
 *	size_t imipcopy_heads_known(const struct imipcopy *c);
 *	void imipcopy_free(struct imipcopy *c);
 * DESCRIPTION
 *	A member's invitation is msg (its header as given) with the body
 *	imip_mime_new(imip_request(ev, address, name), REQUEST, text)
 *	makes, serialised by mime_to_bytes(). Across members only the
 *	ATTENDEE lines of the calendar (imip_attendee_line()) and the text
 *	differ, so the message is kept as what they share and a small part
 *	per member, and the member's bytes are put together when sent.
 *
 *	imipcopy_shared_new() makes the shared part: the message cut
 *	around its text part and its two calendar parts' base64 contents
 *	(the multipart boundaries are made once, for all members), the
 *	calendar cut around its ATTENDEE lines, and ref_text, a member's
 *	text the others' texts are stored against (usually most of it is
 *	the same). It sets msg's MIME part.
 *
 *	imipcopy_open() reads a shared part. imipcopy_member_new() makes
 *	one member's part: the ATTENDEE line and the member's text as the
 *	length of its prefix and of its suffix in common with ref_text and
 *	the bytes between. imipcopy_expand() puts c and one member's part
 *	together, into out (replacing what it held): the bytes
 *	mime_to_bytes() would give for the member's own message, but for
 *	the boundaries' names, which are the shared part's.
 *
 *	imipcopy_put_text() appends to out the bytes mime_to_bytes()
 *	writes for imip_text_part_new(text_utf8), as imipcopy_expand()
 *	puts them in the message (public for its test). It makes them
 *	without a GMime part: the charset and encoding are the ones GMime
 *	would pick (g_mime_charset_step(), GMime's best-encoding filter),
 *	the head is the one GMime wrote for a sample text of that charset
 *	and encoding when c was opened, and the body comes from GMime's
 *	encoders and dos2unix filter. Texts GMime converts (those it names
 *	iso-8859-1), text that is not UTF-8, and every text when a sample
 *	did not come out the same, go through the GMime part.
 *	imipcopy_heads_known() says for how many of the four kinds of text
 *	part (us-ascii as it is or quoted-printable, utf-8 quoted-printable
 *	or base64) c knows the head (for its test: 4 means none of them
 *	fell back).
 *
 *	Format: both parts are sequences of fields, each "LEN:" (decimal)
 *	and LEN bytes. The shared part starts "imipcopy1\n" and has the
 *	fields head, between text and calendar, between the two
 *	calendars, tail, ref_text, then the calendar's pieces (at least
 *	two). A member's part has four fields: the ATTENDEE line, the
 *	common prefix and suffix lengths (decimal) and the middle.
 * OWNERSHIP
 *	The GBytes and the struct belong to the caller (g_bytes_unref,
 *	imipcopy_free, which accepts NULL); imipcopy_open() copies buf.
 * INPUT AND LIMITS
 *	buf and part come from the database: trusted, but checked as if
 *	not (fuzz_imipcopy): over MOIM_MAX_MESSAGE bytes, more than
 *	IMIP_MAX_COMPONENTS + 1 pieces, a field that runs past the end, a
 *	prefix and suffix longer than ref_text, an ATTENDEE line that is
 *	not one, or text that is not UTF-8 is MOIM_ERR_INPUT.
 * THREADS
 *	No shared state; see imip.h about imip_init().
 * ERRORS
 *	MOIM_ERR_INPUT as above or from imip; MOIM_ERR_INTERNAL when the
 *	message GMime writes cannot be cut where expected.
 * SEE ALSO
 *	ical/imip.h, lib/mime.h, listd/event.c (invite_all), listd/fanout.c
 */
#ifndef MOIM_IMIPCOPY_H
#define MOIM_IMIPCOPY_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "imip.h"

struct imipcopy;

GBytes *imipcopy_shared_new(GMimeMessage *msg, const struct imip_event *ev,
    const char *ref_text, GError **err);
struct imipcopy *imipcopy_open(const char *buf, size_t len, GError **err);
GBytes *imipcopy_member_new(const struct imipcopy *c, const char *attendee_addr,
    const char *attendee_name, const char *text_utf8, GError **err);
bool imipcopy_expand(const struct imipcopy *c, const char *part, size_t len,
    GString *out, GError **err);
bool imipcopy_put_text(const struct imipcopy *c, const char *text_utf8,
    GString *out, GError **err);
size_t imipcopy_heads_known(const struct imipcopy *c);
void imipcopy_free(struct imipcopy *c);

#endif
