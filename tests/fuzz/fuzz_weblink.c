/*
 * fuzz_weblink - libFuzzer target for the tokens of moim-web's links:
 * the TOKEN of /u/TOKEN, /r/EVENT-TOKEN and /signin/TOKEN and the
 * session cookie, as moim-web reads them from a request (web/act.c,
 * web/auth.c)
 *
 * The input, cut at its first NUL as a path segment or cookie value
 * is, goes through token_decode(), weblink_rsvp_decode() and
 * token_verify() with a fixed key: none may crash, and what verifies
 * must be what we made. Each run also checks that the tokens made for
 * the decoded ids verify and decode back to those ids.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "token.h"
#include "weblink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1800000000

/* LLVMFuzzerTestOneInput - one input as every kind of link token */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char keybytes[] = "fuzz-key-fuzz-key-fuzz-key-32byt";
	struct token_key *k = token_key_new(keybytes, sizeof keybytes - 1);
	char *tok = g_strndup((const char *)data, size);
	gint64 ev = 0, mem = 0, exp = 0;
	guint64 id = 0;
	char *made;

	if (token_decode(tok, &id, &exp, NULL) &&
	    token_verify(k, WEBLINK_UNSUB, "l@d", "a@b", tok, NOW, NULL)) {
		/* Only a token we made verifies: it is exactly that one. */
		char *low = g_ascii_strdown(tok, -1);

		made = token_make(k, WEBLINK_UNSUB, "l@d", "a@b", id, exp);
		if (strcmp(made, low) != 0)
			__builtin_trap();
		g_free(made);
		g_free(low);
	}
	if (weblink_rsvp_decode(tok, &ev, &mem, NULL)) {
		if (ev <= 0 || mem <= 0)
			__builtin_trap();
		(void)weblink_rsvp_verify(k, "l@d", ev, "a@b", tok, NOW, NULL);
		made = weblink_rsvp_token(k, "l@d", ev, mem, "a@b", NOW);
		if (made == NULL ||
		    !weblink_rsvp_verify(
			k, "l@d", ev, "a@b", made, NOW, NULL) ||
		    !weblink_rsvp_decode(made, &ev, &mem, NULL))
			__builtin_trap();
		g_free(made);
	}
	(void)token_verify(k, WEBLINK_SESSION, "", "a@b", tok, NOW, NULL);
	g_free(tok);
	token_key_free(k);
	return 0;
}
