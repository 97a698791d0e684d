/*
 * fuzz_commands - libFuzzer target for listd's email command reader:
 * the first bytes up to a NUL are the Subject, the rest the body
 *
 * Built and run by tests/fuzz/run.sh (with listd/commands.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "commands.h"
#include "limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check - abort when a command breaks what the reader promises */
static void
check(const struct cmd *c)
{
	if (c->line == NULL || !g_utf8_validate(c->line, -1, NULL))
		abort();
	if (c->verb == CMD_UNKNOWN && strlen(c->line) > 200)
		abort();
	if (c->guests < 0 || c->guests > 50)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nul = memchr(data, '\0', size);
	size_t slen = nul ? (size_t)(nul - (const char *)data) : size;
	char *subject = g_strndup((const char *)data, slen);
	char *body = nul ? g_strndup(nul + 1, size - slen - 1) : g_strdup("");
	GPtrArray *cmds;

	/* The reader is given UTF-8 text (mime_body_text's output). */
	if (g_utf8_validate(subject, -1, NULL) &&
	    g_utf8_validate(body, -1, NULL)) {
		cmds = cmd_parse(subject, body);
		if (cmds->len > MOIM_MAX_COMMAND_LINES + 1)
			abort();
		for (guint i = 0; i < cmds->len; i++)
			check(cmds->pdata[i]);
		g_ptr_array_unref(cmds);
	}
	g_free(subject);
	g_free(body);
	return 0;
}
