/*
 * copy - the list's copy of a mail: prepared, archived, queued for members
 *
 * SYNOPSIS
 *	bool copy_prepare(struct job *j, GError **err);
 *	bool copy_list_headers(struct job *j, GError **err);
 *	bool copy_archived_at(struct job *j, GError **err);
 *	char *copy_footer_text(struct job *j, GError **err);
 *	bool copy_archive(struct job *j, GError **err);
 *	bool copy_distribute(struct job *j, GError **err);
 * DESCRIPTION
 *	copy_prepare() turns j->msg into the copy every member gets: list
 *	and internal headers removed, subject prefix, footer, From munged
 *	when DMARC asks for it, and copy_list_headers(), the List-* headers.
 *	copy_archived_at() adds Archived-At. copy_footer_text() renders the
 *	list's footer. copy_archive() keeps the post as received.
 *	copy_distribute() does all of it and queues one outbound copy for
 *	the members who get the post (and the digest queue); j->result is
 *	"distributed".
 *
 *	The features above (post, moderate, event, digest) decide that a
 *	mail goes to the list; this module only serves them.
 * OWNERSHIP
 *	copy_footer_text() returns a new string; the others change j->msg.
 * ERRORS
 *	MOIM_ERR_TEMP from the store; MOIM_ERR_INPUT for a header that
 *	cannot be set; template errors from tpl.
 */
#ifndef MOIM_COPY_H
#define MOIM_COPY_H

#include "job.h"

bool copy_prepare(struct job *j, GError **err);
bool copy_list_headers(struct job *j, GError **err);
bool copy_archived_at(struct job *j, GError **err);
char *copy_footer_text(struct job *j, GError **err);
bool copy_archive(struct job *j, GError **err);
bool copy_distribute(struct job *j, GError **err);

#endif
