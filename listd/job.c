/*
 * job - the facts of one inbound message that every handler reads
 *
 * job_facts() notes, once per message, what the handlers need (From,
 * the envelope sender, auto-reply, loop, Subject, Message-ID, whether
 * moim-milter vouched for the author); job_speaker() is the address a
 * command or answer speaks for; job_clear() frees what a job holds. The
 * processor (process.c), the timers that act on stored mail (moderate.c,
 * digest.c, event.c, webact.c) and the release of a confirmed privileged
 * post (request.c) fill jobs.
 */
#include <string.h>

#include "job.h"
#include "mime.h"

/* job_facts - the facts about a message that every handler uses */
void
job_facts(struct job *j, const char *from)
{
	g_autofree char *hfrom = NULL, *list_id = NULL, *ours = NULL,
			*auth = NULL;

	(void)addr_parse_path(from, strlen(from), &j->envelope, NULL);
	j->is_auto = j->is_auto_reply = j->envelope == NULL;
	if (j->msg == NULL)
		return;
	hfrom = mime_header_raw(GMIME_OBJECT(j->msg), "From");
	if (hfrom != NULL)
		(void)addr_parse(hfrom, strlen(hfrom), &j->from, NULL);
	j->is_auto = j->is_auto || mime_is_auto_submitted(j->msg);
	j->is_auto_reply = j->is_auto_reply || mime_is_auto_reply(j->msg);
	j->subject = mime_header_text(GMIME_OBJECT(j->msg), "Subject");
	j->message_id = mime_header_text(GMIME_OBJECT(j->msg), "Message-ID");
	list_id = mime_header_text(GMIME_OBJECT(j->msg), "List-Id");
	ours = g_strdup_printf("<%s.%s>", j->t.list->local, j->t.list->domain);
	j->is_loop = list_id != NULL && strstr(list_id, ours) != NULL;
	/* moim-milter removes every X-Moim-* field a client sent and adds
	 * this one only for a SASL login or a trusted DMARC pass. */
	auth = mime_header_text(GMIME_OBJECT(j->msg), "X-Moim-Auth");
	j->is_verified = auth != NULL &&
	    (strcmp(auth, "sasl") == 0 || strcmp(auth, "domain") == 0);
	if (j->message_id != NULL && strlen(j->message_id) > 998)
		g_clear_pointer(&j->message_id, g_free);
}

/* job_speaker - the address a command, request or answer speaks for:
 * the one a confirmed command acts for, else From, else the envelope */
const struct addr *
job_speaker(const struct job *j)
{
	if (j->confirmed_as != NULL)
		return j->confirmed_as;
	return j->from != NULL ? j->from : j->envelope;
}

/* job_clear - free what a job holds */
void
job_clear(struct job *j)
{
	rcpt_target_clear(&j->t);
	g_clear_pointer(&j->raw, g_bytes_unref);
	g_clear_object(&j->msg);
	g_clear_pointer(&j->from, addr_free);
	g_clear_pointer(&j->envelope, addr_free);
	g_clear_pointer(&j->message_id, g_free);
	g_clear_pointer(&j->subject, g_free);
	g_clear_pointer(&j->reply, g_free);
	g_clear_pointer(&j->confirmed_as, addr_free);
}
