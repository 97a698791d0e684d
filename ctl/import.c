/*
 * import - moimctl member import: address files, mlmmj directories,
 * Mailman list_members output
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "err.h"
#include "limits.h"

/* Rows per transaction: one fsync per batch, not per member, and one
 * store_members_add() (on PostgreSQL one statement) per batch. */
#define IMPORT_BATCH 1000

struct import {
	struct ctl *c;
	gint64 list_id;
	guint imported, already, bad;
	guint committed; /* imported rows already committed */
	/* The batch's members, added and committed together. */
	struct store_member_new batch[IMPORT_BATCH];
	char *texts[IMPORT_BATCH][2]; /* address, display name */
	guint in_batch;
};

/* An mlmmj list directory: subscriber files by delivery mode. */
static const struct {
	const char *dir;
	enum store_mode mode;
} mlmmj_dirs[] = {
    {"subscribers.d", STORE_MODE_REGULAR},
    {"digesters.d", STORE_MODE_DIGEST},
    {"nomailsubs.d", STORE_MODE_NOMAIL},
};

/* import_bad - report FILE:LINE: reason and count it */
static void
import_bad(struct import *im, const char *file, guint lineno, const char *why)
{
	fprintf(stderr, "%s:%u: %s\n", file, lineno, why);
	im->bad++;
}

/* import_flush - add the batch's members and commit them; a new
 * transaction is open after */
static bool
import_flush(struct import *im, GError **err)
{
	bool added[IMPORT_BATCH];
	guint n = im->in_batch;
	bool ok = store_members_add(
	    im->c->store, im->list_id, im->batch, n, ctl_now(), added, err);

	for (guint i = 0; i < n; i++) {
		if (ok)
			added[i] ? im->imported++ : im->already++;
		g_free(im->texts[i][0]);
		g_free(im->texts[i][1]);
	}
	im->in_batch = 0;
	if (!ok || !store_commit(im->c->store, err))
		return false;
	im->committed = im->imported;
	return store_begin(im->c->store, err);
}

/* import_member - put a into the batch; add the batch when it is full */
static bool
import_member(
    struct import *im, const struct addr *a, enum store_mode mode, GError **err)
{
	guint i = im->in_batch++;

	im->texts[i][0] = g_strdup(addr_canonical(a));
	im->texts[i][1] = g_strdup(addr_display_name(a));
	im->batch[i] = (struct store_member_new){.address = im->texts[i][0],
	    .display_name = im->texts[i][1],
	    .role = STORE_ROLE_MEMBER,
	    .mode = mode};
	return im->in_batch < IMPORT_BATCH || import_flush(im, err);
}

/* to_utf8 - line as UTF-8: as is, or from CP949 (old Korean exports) */
static char *
to_utf8(const char *line)
{
	if (g_utf8_validate(line, -1, NULL))
		return g_strdup(line);
	return g_convert(line, -1, "UTF-8", "CP949", NULL, NULL, NULL);
}

/* import_line - one line: skip blanks and comments, add the address */
static bool
import_line(struct import *im, const char *file, guint lineno, char *line,
    enum store_mode mode, GError **err)
{
	g_autofree char *text = NULL;
	struct addr *a = NULL;
	bool ok;

	g_strstrip(line);
	if (*line == '\0' || *line == '#')
		return true;
	text = to_utf8(line);
	if (text == NULL) {
		import_bad(im, file, lineno, "not UTF-8 (nor CP949)");
		return true;
	}
	if (!ctl_addr_parse(text, &a, NULL)) {
		g_autofree char *why =
		    g_strdup_printf("invalid address: %s", text);

		import_bad(im, file, lineno, why);
		return true;
	}
	ok = import_member(im, a, mode, err);
	addr_free(a);
	return ok;
}

/* skip_rest - drop the rest of an over-long line */
static void
skip_rest(FILE *f)
{
	int ch;

	while ((ch = getc(f)) != EOF && ch != '\n')
		;
}

/* import_stream - every line of f, named file in messages */
static bool
import_stream(struct import *im, FILE *f, const char *file,
    enum store_mode mode, GError **err)
{
	char buf[MOIM_MAX_IMPORT_LINE + 2];
	guint lineno = 0;

	while (fgets(buf, sizeof(buf), f) != NULL) {
		size_t n = strlen(buf);

		lineno++;
		if (n == sizeof(buf) - 1 && buf[n - 1] != '\n') {
			skip_rest(f);
			import_bad(im, file, lineno, "line too long");
			continue;
		}
		if (!import_line(im, file, lineno, buf, mode, err))
			return false;
	}
	if (ferror(f))
		return moim_fail(err, MOIM_ERR_TEMP, "%s: read error", file);
	return true;
}

/* import_path - one file by name */
static bool
import_path(
    struct import *im, const char *path, enum store_mode mode, GError **err)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (f == NULL)
		return moim_fail(
		    err, MOIM_ERR_INPUT, "%s: %s", path, g_strerror(errno));
	ok = import_stream(im, f, path, mode, err);
	fclose(f);
	return ok;
}

/* cmp_names - g_ptr_array_sort() order of two strings */
static gint
cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sorted_names - the names in dir, sorted (mlmmj: one file per letter) */
static GPtrArray *
sorted_names(const char *dir, GError **err)
{
	GError *e = NULL;
	GDir *d = g_dir_open(dir, 0, &e);
	GPtrArray *names;
	const char *n;

	if (d == NULL) {
		moim_fail(err, MOIM_ERR_INPUT, "%s", e->message);
		g_error_free(e);
		return NULL;
	}
	names = g_ptr_array_new_with_free_func(g_free);
	while ((n = g_dir_read_name(d)) != NULL)
		g_ptr_array_add(names, g_build_filename(dir, n, NULL));
	g_dir_close(d);
	g_ptr_array_sort(names, cmp_names);
	return names;
}

/* import_subdir - every regular file of dir, as members of mode */
static bool
import_subdir(
    struct import *im, const char *dir, enum store_mode mode, GError **err)
{
	g_autoptr(GPtrArray) names = sorted_names(dir, err);

	if (names == NULL)
		return false;
	for (guint i = 0; i < names->len; i++) {
		const char *p = g_ptr_array_index(names, i);

		if (g_file_test(p, G_FILE_TEST_IS_REGULAR) &&
		    !import_path(im, p, mode, err))
			return false;
	}
	return true;
}

/* import_mlmmj - an mlmmj list directory */
static bool
import_mlmmj(struct import *im, const char *dir, GError **err)
{
	bool found = false;

	for (size_t i = 0; i < G_N_ELEMENTS(mlmmj_dirs); i++) {
		g_autofree char *sub =
		    g_build_filename(dir, mlmmj_dirs[i].dir, NULL);

		if (!g_file_test(sub, G_FILE_TEST_IS_DIR))
			continue;
		found = true;
		if (!import_subdir(im, sub, mlmmj_dirs[i].mode, err))
			return false;
	}
	if (!found)
		return moim_fail(err, MOIM_ERR_INPUT,
		    "%s: not an mlmmj list directory (no subscribers.d)", dir);
	return true;
}

/* import_any - stdin, a directory or a file */
static bool
import_any(struct import *im, const char *src, GError **err)
{
	if (strcmp(src, "-") == 0)
		return import_stream(
		    im, stdin, "stdin", STORE_MODE_REGULAR, err);
	if (g_file_test(src, G_FILE_TEST_IS_DIR))
		return import_mlmmj(im, src, err);
	return import_path(im, src, STORE_MODE_REGULAR, err);
}

/* ctl_member_import - member import L FILE|DIR|- */
int
ctl_member_import(struct ctl *c, struct ctl_args *a)
{
	g_autofree struct import *im = g_new0(struct import, 1);
	struct store_list *l = NULL;
	GError *e = NULL;
	bool ok;

	if (!ctl_list_find(c, ctl_arg(a, 0), &l, &e))
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	im->c = c;
	im->list_id = l->id;
	store_list_free(l);
	ok = store_begin(c->store, &e) && import_any(im, ctl_arg(a, 1), &e) &&
	    import_flush(im, &e) && store_commit(c->store, &e);
	if (!ok) {
		/* Batches already committed stay: say how far it got. */
		store_rollback(c->store);
		for (guint i = 0; i < im->in_batch; i++) {
			g_free(im->texts[i][0]);
			g_free(im->texts[i][1]);
		}
		ctl_err("%s: %s (%u members were added before it)", c->verb,
		    e->message, im->committed);
		g_error_free(e);
		return CTL_USER;
	}
	printf("imported %u, already members %u, bad %u\n", im->imported,
	    im->already, im->bad);
	return im->bad > 0 ? CTL_USER : CTL_OK;
}
