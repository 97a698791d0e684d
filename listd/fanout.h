/*
 * fanout - moim-listd's senders: queued copies through the relay
 *
 * SYNOPSIS
 *	gpointer fanout_thread(gpointer data);
 * DESCRIPTION
 *	fanout_thread() (data: struct listd) sends the queued copies over one
 *	SMTP session to the relay, personalised and signed.
 */
#ifndef MOIM_FANOUT_H
#define MOIM_FANOUT_H

#include "listd.h"

gpointer fanout_thread(gpointer data);

#endif
