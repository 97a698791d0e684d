/*
 * owner - mail to L-owner@D, passed to the list's owners
 *
 * SYNOPSIS
 *	bool owner_handle(struct job *j, GError **err);
 * DESCRIPTION
 *	owner_handle() forwards mail to L-owner@D to the list's owners.
 */
#ifndef MOIM_OWNER_H
#define MOIM_OWNER_H

#include "job.h"

bool owner_handle(struct job *j, GError **err);

#endif
