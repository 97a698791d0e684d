/*
 * hdrcheck - print how a header of a stored message reads, for the
 * end-to-end tests: first as moim reads it (lib/mime, lib/addr and
 * lib/hdrtext), then as GMime's own decoder reads it
 *
 * SYNOPSIS
 *	hdrcheck FILE Subject|From
 * DESCRIPTION
 *	For Subject: mime_header_text(), then g_mime_message_get_subject().
 *	For From: the display name addr_parse() gives for the raw value,
 *	then the name of GMime's first From address. One line each; an
 *	absent value is an empty line. The second line shows whether the
 *	words moim wrote are safe from GMime 3.2.13's decoder, which cuts
 *	the text after a padded B word.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

#include "addr.h"
#include "mime.h"

/* ours - the value as moim reads it */
static char *
ours(GMimeMessage *m, const char *name)
{
	g_autofree char *raw = NULL;
	struct addr *a = NULL;
	char *v = NULL;

	if (strcmp(name, "From") != 0)
		return mime_header_text(GMIME_OBJECT(m), name);
	raw = mime_header_raw(GMIME_OBJECT(m), "From");
	if (raw != NULL && addr_parse(raw, strlen(raw), &a, NULL))
		v = g_strdup(addr_display_name(a));
	addr_free(a);
	return v;
}

/* theirs - the value as GMime's decoder reads it */
static char *
theirs(GMimeMessage *m, const char *name)
{
	InternetAddressList *l = g_mime_message_get_from(m);

	if (strcmp(name, "From") != 0)
		return g_strdup(g_mime_message_get_subject(m));
	if (l == NULL || internet_address_list_length(l) == 0)
		return NULL;
	return g_strdup(
	    internet_address_get_name(internet_address_list_get_address(l, 0)));
}

int
main(int argc, char **argv)
{
	g_autofree char *buf = NULL, *a = NULL, *b = NULL;
	gsize len = 0;
	GMimeMessage *m;

	if (argc != 3 || !g_file_get_contents(argv[1], &buf, &len, NULL)) {
		fprintf(stderr, "usage: hdrcheck FILE Subject|From\n");
		return 2;
	}
	m = mime_parse(buf, len, NULL);
	if (m == NULL) {
		fprintf(stderr, "hdrcheck: %s: not a message\n", argv[1]);
		return 1;
	}
	a = ours(m, argv[2]);
	b = theirs(m, argv[2]);
	printf("%s\n%s\n", a != NULL ? a : "", b != NULL ? b : "");
	g_object_unref(m);
	return 0;
}
