/*
 * process - moim-listd's processor: inbound jobs to effects, exactly once
 *
 * SYNOPSIS
 *	gpointer process_thread(gpointer data);
 * DESCRIPTION
 *	process_thread() (data: struct listd) takes the jobs the ingress queued,
 *	decides what each mail is, calls its handler in one transaction, and
 *	runs the timers.
 */
#ifndef MOIM_PROCESS_H
#define MOIM_PROCESS_H

#include "listd.h"

gpointer process_thread(gpointer data);

#endif
