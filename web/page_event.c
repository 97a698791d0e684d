/*
 * page_event.c - an event's page and its iCalendar file (web.h)
 *
 * stub: replaced by H5's page_event.c. Until then both are 404.
 */
#include "web.h"

void
page_event(struct web_ctx *c, gint64 event_id)
{
	(void)event_id;
	web_error(c, 404);
}

void
page_event_ics(struct web_ctx *c, gint64 event_id)
{
	(void)event_id;
	web_error(c, 404);
}
