/*
 * weblinktool - make moim-web's links and tokens for tests
 *
 * SYNOPSIS
 *	weblinktool SECRET unsub BASE_URL LIST_ADDR MEMBER_ID ADDRESS
 *	weblinktool SECRET rsvp BASE_URL LIST_ADDR EVENT_ID MEMBER_ID ADDRESS
 *	    [ANSWER]
 *	weblinktool SECRET token PURPOSE LIST ADDRESS ID SECONDS
 * DESCRIPTION
 *	Prints one line: the URL weblink_unsub() or weblink_rsvp() makes
 *	with the key in the file SECRET now, or, for "token", the token
 *	token_make() makes for the row ID, expiring SECONDS from now (which
 *	may be negative: an expired token). Tests use it to build the links
 *	that mail will carry, and to forge or compare tokens.
 *	Exit status 0, or 2 with a usage line.
 */
#include <stdio.h>
#include <stdlib.h>

#include "token.h"
#include "weblink.h"

/* num - a decimal argument */
static gint64
num(const char *s)
{
	gint64 v = 0;

	if (!g_ascii_string_to_signed(
		s, 10, G_MININT64, G_MAXINT64, &v, NULL)) {
		fprintf(stderr, "weblinktool: not a number: %s\n", s);
		exit(2);
	}
	return v;
}

static int
usage(void)
{
	fprintf(stderr,
	    "usage: weblinktool SECRET unsub BASE LIST MEMBER_ID ADDRESS\n"
	    "       weblinktool SECRET rsvp BASE LIST EVENT_ID MEMBER_ID "
	    "ADDRESS [ANSWER]\n"
	    "       weblinktool SECRET token PURPOSE LIST ADDRESS ID SECONDS\n");
	return 2;
}

int
main(int argc, char **argv)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	struct token_key *k;
	GError *e = NULL;
	char *out = NULL;

	if (argc < 3)
		return usage();
	k = token_key_load(argv[1], &e);
	if (k == NULL) {
		fprintf(stderr, "weblinktool: %s\n", e->message);
		g_error_free(e);
		return 1;
	}
	if (g_str_equal(argv[2], "unsub") && argc == 7)
		out = weblink_unsub(
		    k, argv[3], argv[4], num(argv[5]), argv[6], now);
	else if (g_str_equal(argv[2], "rsvp") && (argc == 8 || argc == 9))
		out = weblink_rsvp(k, argv[3], argv[4], num(argv[5]),
		    num(argv[6]), argv[7], argc == 9 ? argv[8] : NULL, now);
	else if (g_str_equal(argv[2], "token") && argc == 8)
		out = token_make(k, argv[3], argv[4], argv[5],
		    (guint64)num(argv[6]), now + num(argv[7]));
	token_key_free(k);
	if (out == NULL)
		return usage();
	printf("%s\n", out);
	g_free(out);
	return 0;
}
