/*
 * ingress - moim-listd's LMTP server: mail kept before 250
 *
 * SYNOPSIS
 *	bool ingress_start(struct listd *d, GError **err);
 *	void ingress_stop(struct listd *d);
 * DESCRIPTION
 *	ingress_start() listens on [listd] lmtp and keeps each message in the
 *	database before it answers 250; ingress_stop() stops listening.
 */
#ifndef MOIM_INGRESS_H
#define MOIM_INGRESS_H

#include "listd.h"

bool ingress_start(struct listd *d, GError **err);
void ingress_stop(struct listd *d);

#endif
