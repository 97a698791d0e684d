/*
 * fuzz_lmtp - libFuzzer target for the lmtp protocol engine
 *
 * The first byte says where to split the rest into two feeds, so that
 * state carried across lmtp_feed() calls is exercised too. Callbacks accept
 * everything except what starts with 'r', and the data callback checks the
 * engine's promises: no CR, LF or NUL in paths, msg NUL-terminated.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "lmtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* clean - abort if a string handed to a callback holds CR or LF */
static void
clean(const char *s)
{
	if (strpbrk(s, "\r\n") != NULL)
		__builtin_trap();
}

/* f_mail - accept senders not starting with 'r' */
static bool
f_mail(void *ctx, const char *from, guint64 size, struct lmtp_reply *r)
{
	clean(from);
	if (from[0] == 'r') {
		lmtp_reply_set(r, 550, "5.7.1 No");
		return false;
	}
	return true;
}

/* f_rcpt - accept recipients not starting with 'r' */
static bool
f_rcpt(void *ctx, const char *rcpt, struct lmtp_reply *r)
{
	clean(rcpt);
	if (rcpt[0] == 'r') {
		lmtp_reply_set(r, 550, "5.1.1 No");
		return false;
	}
	return true;
}

/* f_data - answer every other recipient, check the message */
static void
f_data(void *ctx, const char *from, const char *const *rcpts, size_t nrcpt,
    const char *msg, size_t len, struct lmtp_reply *replies)
{
	if (msg[len] != '\0')
		__builtin_trap();
	for (size_t i = 0; i < nrcpt; i += 2)
		lmtp_reply_set(&replies[i], 250, "2.0.0 OK");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct lmtp_callbacks cb = {f_mail, f_rcpt, f_data};
	struct lmtp_session *s;
	GString *out;
	size_t cut;

	if (size == 0)
		return 0;
	cut = MIN((size_t)data[0] + 1, size);
	s = lmtp_session_new("fuzz.test", 4096, &cb, NULL);
	out = g_string_new(NULL);
	lmtp_greeting(s, out);
	if (lmtp_feed(s, (const char *)data + 1, cut - 1, out) == LMTP_CONTINUE)
		(void)lmtp_feed(s, (const char *)data + cut, size - cut, out);
	/* Every reply is whole: the output ends at a line end. */
	if (out->len < 2 || out->str[out->len - 1] != '\n')
		__builtin_trap();
	g_string_free(out, TRUE);
	lmtp_session_free(s);
	return 0;
}
