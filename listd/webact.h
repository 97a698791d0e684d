/*
 * webact - what people did on moim-web's pages, carried out
 *
 * SYNOPSIS
 *	void webact_timer(struct listd *d, struct store *s, gint64 now);
 * DESCRIPTION
 *	webact_timer() carries out the acts moim-web stored (unsubscribe,
 *	answer, join, sign-in) and tells the people.
 */
#ifndef MOIM_WEBACT_H
#define MOIM_WEBACT_H

#include "listd.h"
#include "store.h"

void webact_timer(struct listd *d, struct store *s, gint64 now);

#endif
