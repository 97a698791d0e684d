/*
 * job - one inbound message for one list address, as the handlers see it
 *
 * SYNOPSIS
 *	void job_facts(struct job *j, const char *mail_from);
 *	const struct addr *job_speaker(const struct job *j);
 *	void job_clear(struct job *j);
 * DESCRIPTION
 *	The processor (process.c) parses the message once, resolves the
 *	recipient to a list and a kind, decides what the mail is, and calls
 *	the handler for it inside one database transaction, together with
 *	marking the inbound job done: whatever a handler queues goes out
 *	exactly once. Handlers never answer an auto-reply, a bounce or our
 *	own list mail (j->is_auto).
 *
 *	job_facts() notes the facts every handler reads (From, envelope,
 *	auto-reply, loop, Subject, Message-ID, X-Moim-Auth); job_speaker()
 *	is the address a command, request or answer speaks for: the one a
 *	confirmed command acts for, else From, else the envelope;
 *	job_clear() frees what a job holds.
 *
 *	Each module's functions are declared in its own header (post.h,
 *	copy.h, notice.h, ...); tests/layers_test.sh checks that they call
 *	each other one way.
 * OWNERSHIP
 *	Everything in a job belongs to whoever filled it (the processor, or
 *	a timer acting on stored mail).
 */
#ifndef MOIM_JOB_H
#define MOIM_JOB_H

#include <gmime/gmime.h>

#include "addr.h"
#include "arc.h"
#include "listd.h"
#include "rcpt.h"
#include "store.h"

struct job {
	struct listd *d;
	struct store *s;
	gint64 now;
	const struct store_inbound *in;
	GBytes *raw;
	GMimeMessage *msg; /* NULL when the bytes are not a message */
	struct rcpt_target t; /* t.list is set */
	struct addr *from; /* From: header, NULL if none or bad */
	struct addr *envelope; /* MAIL FROM, NULL for the null sender */
	bool is_auto; /* auto-reply, bounce, or null sender */
	bool is_auto_reply; /* of those, never a post: a vacation reply or
			     * a null sender */
	bool is_loop; /* carries our own List-Id */
	char *message_id; /* "<...>" or NULL */
	char *subject; /* decoded UTF-8 or NULL */
	const char *result; /* one word for the log and the queue */
	char *reply; /* a command's answer built at run time, or NULL */
	/* A confirmed command (digest, nomail) acts for this address,
	 * whoever sent the confirmation; NULL otherwise. */
	struct addr *confirmed_as;
	/* Something vouches for the author beyond From: moim-milter's
	 * X-Moim-Auth (SASL login, trusted DMARC pass) or the author's
	 * confirmation of a held privileged post (privileged.c). */
	bool is_verified;
	/* The ARC chain the post arrived with (sign_arc_check()). */
	bool arc_checked;
	enum arc_cv arc_cv;
	int arc_count; /* sets in it: the list's set is the next */
};

void job_facts(struct job *j, const char *mail_from);
const struct addr *job_speaker(const struct job *j);
void job_clear(struct job *j);

#endif
