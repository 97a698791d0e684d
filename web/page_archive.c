/*
 * page_archive.c - the archive's pages: lists, list, month, message,
 * raw, mbox, atom, search, and the stylesheet (web.h)
 *
 * stub: replaced by H2's page_archive.c. Until then "/" is an empty
 * page (so that the server can be tested) and the rest is 404.
 */
#include "web.h"

/* page_lists - "/": an empty page until the archive pages land */
void
page_lists(struct web_ctx *c)
{
	g_autoptr(GString) body = g_string_new("<h1>moim</h1>");

	web_page(c, 200, "moim", body);
}

void
page_list(struct web_ctx *c)
{
	web_error(c, 404);
}

void
page_month(struct web_ctx *c, const char *month)
{
	(void)month;
	web_error(c, 404);
}

void
page_message(struct web_ctx *c, const char *msgid)
{
	(void)msgid;
	web_error(c, 404);
}

void
page_raw(struct web_ctx *c, const char *msgid)
{
	(void)msgid;
	web_error(c, 404);
}

void
page_mbox(struct web_ctx *c, const char *msgid)
{
	(void)msgid;
	web_error(c, 404);
}

void
page_atom(struct web_ctx *c)
{
	web_error(c, 404);
}

void
page_search(struct web_ctx *c)
{
	web_error(c, 404);
}

void
page_style(struct web_ctx *c)
{
	web_error(c, 404);
}
