/*
 * ctl - what the files of moimctl share: context, arguments, helpers
 *
 * SYNOPSIS
 *	void ctl_err(const char *fmt, ...);
 *	const char *ctl_opt(const struct ctl_args *a, const char *name);
 *	bool ctl_list_find(struct ctl *c, const char *spec,
 *	    struct store_list **l_out, GError **err);
 *	bool ctl_addr_parse(const char *text, struct addr **a_out,
 *	    GError **err);
 *	char *ctl_printable(const char *s);
 *	gint64 ctl_now(void);
 *	char *ctl_time(gint64 t);
 *	int ctl_list_create(struct ctl *c, struct ctl_args *a);
 *	(and one handler per verb, each int f(struct ctl *, struct ctl_args *))
 *	int ctl_main(int argc, char **argv, const struct ctl_program *p);
 *	bool ctl_list_by_local(struct ctl *c, const char *local,
 *	    struct store_list **l_out, GError **err);
 * DESCRIPTION
 *	moimctl is two programs. moimctl (front.c) links only GLib, SQLite
 *	and what "archive search" needs, so that a search does not pay for
 *	loading GMime, libical, ICU and OpenSSL at every start; for any
 *	other verb it runs moimctl-full (moimctl.c, every verb) with the
 *	same arguments. Both mains call ctl_main() (verb.c) with their
 *	table: it parses the global options, finds the verb, checks the
 *	verb's options and argument count, loads the config and opens the
 *	store, then calls the handler. A handler returns the exit status
 *	(CTL_OK, CTL_USER, CTL_USAGE) and prints its own messages to stderr
 *	through ctl_err(), which adds the "moimctl: " prefix.
 *
 *	ctl_list_find() takes "L@D" or, when only one list is called L,
 *	"L"; an unknown list is MOIM_ERR_NOTFOUND ("no such list: L"), an
 *	ambiguous one MOIM_ERR_INPUT naming the candidates. The front's
 *	ctl_list_find() takes "L" only (its serves() passes "L@D" on);
 *	ctl_list_by_local() is the "L" half of both.
 *	ctl_addr_parse() is addr_parse() plus addr_is_valid_mailbox() on the
 *	result: what an operator types must be a plain mailbox.
 *	ctl_printable() replaces control characters and invalid UTF-8 with
 *	'?' for text output of values that may have come by mail.
 * OWNERSHIP
 *	struct ctl owns its config and store. ctl_args holds pointers into
 *	argv. *l_out, *a_out, ctl_time() and ctl_printable() belong to the
 *	caller.
 * INPUT AND LIMITS
 *	Arguments come from the operator: trusted, but every address goes
 *	through addr, every setting through listset.
 * THREADS
 *	One thread.
 * ERRORS
 *	GError from the lib modules; the handler prints and maps them.
 */
#ifndef MOIM_CTL_H
#define MOIM_CTL_H

#include <glib.h>
#include <stdbool.h>

#include "addr.h"
#include "config.h"
#include "store.h"

enum ctl_exit { CTL_OK = 0, CTL_USER = 1, CTL_USAGE = 2 };

struct ctl_program;

struct ctl {
	const char *config_path;
	struct moim_config *cfg;
	struct store *store;
	const char *verb; /* "member add", for messages */
	const struct ctl_program *prog;
	char **argv; /* the whole command line, to pass on */
};

struct ctl_args {
	GPtrArray *pos; /* positional arguments (borrowed from argv) */
	GHashTable *opts; /* option name -> value ("" for a flag) */
};

/* What a verb does with the store: nothing, read and write, or only
 * read (a search: opened as a brief reader, so SQLite sets up no journal,
 * leaves the WAL as it found it and keeps a small page cache). */
enum ctl_store_use { CTL_STORE_NONE, CTL_STORE_RW, CTL_STORE_READ };

/* One verb: a row of a program's table. */
struct ctl_verb {
	const char *noun;
	const char *sub; /* NULL: one-word verb */
	int (*run)(struct ctl *c, struct ctl_args *a);
	guint min, max; /* positional arguments */
	const char *opts; /* "name= flag ...": '=' takes a value */
	enum ctl_store_use needs_store;
	const char *usage;
};

/* The row both programs' tables hold. */
#define CTL_VERB_ARCHIVE_SEARCH                                                \
	{                                                                      \
		"archive", "search", ctl_archive_search, 2, 2,                 \
		    "json limit=", CTL_STORE_READ,                             \
		    "archive search L QUERY [--json] [--limit N]"              \
	}

struct ctl_program {
	const struct ctl_verb *verbs;
	size_t n_verbs;
	/* The front only (NULL in moimctl-full): whether it serves these
	 * arguments of a verb in its table itself; and pass_on(), which
	 * runs moimctl-full with argv, returning only on failure (the exit
	 * status). Anything not in the table is passed on too. */
	bool (*serves)(const struct ctl_args *a);
	int (*pass_on)(char **argv);
};

int ctl_main(int argc, char **argv, const struct ctl_program *p);
bool ctl_list_by_local(
    struct ctl *c, const char *local, struct store_list **l_out, GError **err);
void ctl_err(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
const char *ctl_opt(const struct ctl_args *a, const char *name);
const char *ctl_arg(const struct ctl_args *a, guint i);
bool ctl_list_find(
    struct ctl *c, const char *spec, struct store_list **l_out, GError **err);
bool ctl_addr_parse(const char *text, struct addr **a_out, GError **err);
char *ctl_printable(const char *s);
int ctl_fail(struct ctl *c, GError *e);
int ctl_fail_list(struct ctl *c, const char *spec, GError *e);
gint64 ctl_now(void);
char *ctl_time(gint64 t);

/* Verb handlers. */
int ctl_list_create(struct ctl *c, struct ctl_args *a);
int ctl_list_ls(struct ctl *c, struct ctl_args *a);
int ctl_list_show(struct ctl *c, struct ctl_args *a);
int ctl_list_set(struct ctl *c, struct ctl_args *a);
int ctl_list_delete(struct ctl *c, struct ctl_args *a);
int ctl_member_add(struct ctl *c, struct ctl_args *a);
int ctl_event_ls(struct ctl *c, struct ctl_args *a);
int ctl_event_show(struct ctl *c, struct ctl_args *a);
int ctl_event_rsvps(struct ctl *c, struct ctl_args *a);
int ctl_event_update(struct ctl *c, struct ctl_args *a);
int ctl_event_cancel(struct ctl *c, struct ctl_args *a);
int ctl_event_promote(struct ctl *c, struct ctl_args *a);
int ctl_event_skip(struct ctl *c, struct ctl_args *a);
int ctl_event_move(struct ctl *c, struct ctl_args *a);
int ctl_member_rm(struct ctl *c, struct ctl_args *a);
int ctl_member_ls(struct ctl *c, struct ctl_args *a);
int ctl_member_show(struct ctl *c, struct ctl_args *a);
int ctl_member_import(struct ctl *c, struct ctl_args *a);
int ctl_mod_ls(struct ctl *c, struct ctl_args *a);
int ctl_mod_approve(struct ctl *c, struct ctl_args *a);
int ctl_mod_reject(struct ctl *c, struct ctl_args *a);
int ctl_archive_search(struct ctl *c, struct ctl_args *a);
int ctl_archive_thread(struct ctl *c, struct ctl_args *a);
int ctl_archive_export(struct ctl *c, struct ctl_args *a);
int ctl_archive_import(struct ctl *c, struct ctl_args *a);
int ctl_archive_reindex(struct ctl *c, struct ctl_args *a);
int ctl_archive_threads(struct ctl *c, struct ctl_args *a);
int ctl_postfix_config(struct ctl *c, struct ctl_args *a);
int ctl_web_config(struct ctl *c, struct ctl_args *a);
int ctl_check(struct ctl *c, struct ctl_args *a);
int ctl_migrate(struct ctl *c, struct ctl_args *a);
int ctl_secret(struct ctl *c, struct ctl_args *a);

#endif
