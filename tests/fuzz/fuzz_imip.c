/*
 * fuzz_imip - libFuzzer target for ical/imip: read a message or a bare
 * iCalendar object as moim-listd does with every mail to L-rsvp+EVENT@D,
 * then build a REQUEST from what was read, as adopting an organizer's
 * invitation does
 *
 * Build (config.h from a build directory): clang
 * -fsanitize=fuzzer,address,undefined -I$BUILD -iquote lib -iquote ical -I.
 * $(pkg-config --cflags gmime-3.0 libical) tests/fuzz/fuzz_imip.c ical/imip.c
 * lib/mime.c lib/addr.c lib/err.c lib/log.c $(pkg-config --libs gmime-3.0
 * libical) -lm; seed it with the shared corpus (corpus/imip,
 * corpus/imip/bare-ics).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "imip.h"
#include "sessions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* rebuild - make a REQUEST of an adopted event, as moim-listd does: in
 * the zone read (a Windows name mapped), else the list's */
static void
rebuild(const struct imip_reply *r)
{
	struct imip_event ev = r->event;
	char *ics;

	if (!r->has_time || r->event.uid == NULL)
		return;
	ev.summary = ev.summary != NULL ? ev.summary : "x";
	ev.organizer_addr = "ai-rsvp+1@lists.example.org";
	ev.tzid = r->event.tzid != NULL && !r->is_floating ? r->event.tzid
							   : "Asia/Seoul";
	ev.end = ev.end > ev.start ? ev.end : ev.start + 3600;
	ev.dtstamp = 1790000000;
	ics = imip_request(&ev, "kim@example.org", ev.organizer_name, NULL);
	g_free(ics);
}

/* LLVMFuzzerTestOneInput - one input through imip_read() */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imip_reply *r = NULL;

	if (!imip_read((const char *)data, size, &r, NULL))
		return 0;
	if (r != NULL)
		rebuild(r);
	/* each instance's RECURRENCE-ID, as listd reads one without an
	 * instant: in the event's zone */
	for (size_t i = 0; r != NULL && i < r->n_instances; i++) {
		gint64 t;

		if (r->instances[i].recurrence_id != NULL)
			(void)sessions_instant(r->instances[i].recurrence_id,
			    "Asia/Seoul", &t, NULL);
	}
	imip_reply_free(r);
	return 0;
}
