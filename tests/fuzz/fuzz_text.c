/*
 * fuzz_text - libFuzzer target for the archive's charset and text path:
 * extraction (charsets, HTML, attachments, references), base subjects,
 * the search syntax (each input is also searched for as typed), mbox reading
 * and writing, and the FTS5 tokenizer
 *
 * Build: clang -fsanitize=fuzzer,address -Ilib -I. $(pkg-config --cflags
 * gmime-3.0 sqlite3) tests/fuzz/fuzz_text.c lib/archive.c lib/store*.c
 * lib/db*.c lib/listset.c lib/mime.c lib/addr.c lib/err.c
 * $(pkg-config --libs gmime-3.0 sqlite3); seed it with the shared corpus
 * (corpus/i18n, corpus/mime, corpus/threads).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "archive.h"
#include "err.h"
#include "mime.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *store;
static gint64 list_id;

/* open_store - one in-memory archive for the whole run */
static void
open_store(void)
{
	if (store != NULL)
		return;
	store = store_open(":memory:", STORE_RW, NULL);
	if (store == NULL ||
	    !store_list_create(
		store, "f", "example.org", "F", 0, &list_id, NULL))
		__builtin_trap();
}

/* search_text - text as what a person typed, against the index: it is
 * searched or refused as input (MOIM_ERR_INPUT), never an FTS5 error */
static void
search_text(const char *text)
{
	GError *e = NULL;
	GPtrArray *hits = archive_search(store, list_id, text, 5, NULL, &e);

	if (hits == NULL && (e == NULL || e->code != MOIM_ERR_INPUT))
		__builtin_trap();
	g_clear_error(&e);
	if (hits != NULL)
		g_ptr_array_unref(hits);
	hits = archive_search_newest(store, list_id, text, 5, 0, NULL, &e);
	if (hits == NULL && (e == NULL || e->code != MOIM_ERR_INPUT))
		__builtin_trap();
	g_clear_error(&e);
	if (hits != NULL)
		g_ptr_array_unref(hits);
}

/* mbox_round - read data as an mbox and write each message back */
static void
mbox_round(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	struct archive_mbox *mb;
	GBytes *msg = NULL;
	GString *out;

	if (f == NULL)
		return;
	out = g_string_new(NULL);
	mb = archive_mbox_new(f);
	for (int i = 0; i < 100; i++) {
		if (!archive_mbox_next(mb, &msg, NULL))
			continue;
		if (msg == NULL)
			break;
		gsize len;
		const char *p = g_bytes_get_data(msg, &len);

		archive_mbox_append(out, "a@b", 0, p, len);
		g_bytes_unref(msg);
	}
	archive_mbox_free(mb);
	fclose(f);
	g_string_free(out, TRUE);
}

/* LLVMFuzzerTestOneInput - one input through the archive's text path */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct archive_doc *d = NULL;
	char *base;

	open_store();
	if (size <= MOIM_MAX_ARCHIVE_QUERY) {
		char *q = g_strndup((const char *)data, size);

		search_text(q);
		g_free(q);
	}
	if (archive_doc_parse((const char *)data, size, &d, NULL)) {
		base = archive_base_subject(d->subject);
		g_free(base);
		search_text(d->text);
		archive_doc_free(d);
	}
	(void)archive_add(
	    store, list_id, NULL, (const char *)data, size, 0, NULL, NULL);
	mbox_round(data, size);
	return 0;
}
