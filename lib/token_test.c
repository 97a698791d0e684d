/*
 * token_test - unit tests for the token module
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "err.h"
#include "limits.h"
#include "token.h"

#define KEY "moim-test-key-0123456789"
#define PURPOSE "confirm"
#define LIST "ai-friends@lists.example.org"
#define ADDRESS "gil@example.org"
#define ID 42
#define EXPIRES G_GINT64_CONSTANT(1767225600) /* 2026-01-01 UTC */

/*
 * Made with Python's hmac and base64 modules from the format in token.h,
 * so they check the encoding against a second implementation, and keep
 * tokens already mailed out valid across versions.
 */
#define TOK_KAT "fkaojlmvbvbjizo5sderur2x6e"
#define TOK_ID_43 "foaojlmvbvbjizo5sderur2x6e" /* id 43, MAC of 42 */
#define TOK_LATER "fkakvoevbvbjizo5sderur2x6e" /* expires + 1 day */
#define TOK_OVERLONG "viaibzfnsuguffdf3wimsgshk7yq" /* id as aa 00 */
#define TOK_EXTRA "fkaojlmvbvbjizo5sderur2x6eaa" /* one byte more */
#define TOK_SHORT "fkaojlmvbvbjizo5sderur2x" /* 72-bit MAC */

static struct token_key *
test_key(void)
{
	return token_key_new(KEY, strlen(KEY));
}

/* assert_refused - token_verify(tok) fails with code */
static void
assert_refused(const struct token_key *k, const char *purpose, const char *list,
    const char *address, const char *tok, gint64 now, int code)
{
	GError *e = NULL;

	g_assert_false(token_verify(k, purpose, list, address, tok, now, &e));
	g_assert_error(e, MOIM_ERROR, code);
	g_clear_error(&e);
}

static void
test_known_answer(void)
{
	struct token_key *k = test_key();
	char *t = token_make(k, PURPOSE, LIST, ADDRESS, ID, EXPIRES);

	g_assert_cmpstr(t, ==, TOK_KAT);
	g_assert_true(
	    token_verify(k, PURPOSE, LIST, ADDRESS, TOK_KAT, EXPIRES, NULL));
	g_free(t);
	token_key_free(k);
}

struct trip_case {
	guint64 id;
	gint64 expires;
};

static const struct trip_case trip_cases[] = {
    {0, 0},
    {1, 1},
    {127, 1767225600},
    {128, 1767225600},
    {G_MAXUINT32, G_GINT64_CONSTANT(4102444800)},
    {G_MAXUINT64, G_MAXINT64},
    {G_MAXUINT64 - 1, -1},
    {12345, G_MININT64},
};

static void
test_round_trip(void)
{
	struct token_key *k = test_key();
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(trip_cases); i++) {
		const struct trip_case *c = &trip_cases[i];
		char *t =
		    token_make(k, PURPOSE, LIST, ADDRESS, c->id, c->expires);
		guint64 id = 0;
		gint64 expires = 0;
		GError *e = NULL;

		g_assert_cmpuint(strspn(t, "abcdefghijklmnopqrstuvwxyz234567"),
		    ==, strlen(t));
		g_assert_true(token_decode(t, &id, &expires, &e));
		g_assert_no_error(e);
		g_assert_cmpuint(id, ==, c->id);
		g_assert_cmpint(expires, ==, c->expires);
		g_assert_true(
		    token_verify(k, PURPOSE, LIST, ADDRESS, t, c->expires, &e));
		g_assert_no_error(e);
		g_free(t);
	}
	token_key_free(k);
}

static void
test_expiry_boundary(void)
{
	struct token_key *k = test_key();

	g_assert_true(token_verify(
	    k, PURPOSE, LIST, ADDRESS, TOK_KAT, EXPIRES - 86400, NULL));
	g_assert_true(
	    token_verify(k, PURPOSE, LIST, ADDRESS, TOK_KAT, EXPIRES, NULL));
	assert_refused(
	    k, PURPOSE, LIST, ADDRESS, TOK_KAT, EXPIRES + 1, MOIM_ERR_POLICY);
	/* An expired forgery is refused as a forgery, not as expired. */
	assert_refused(
	    k, "other", LIST, ADDRESS, TOK_KAT, EXPIRES + 1, MOIM_ERR_INPUT);
	token_key_free(k);
}

static void
test_every_character_tampered(void)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	struct token_key *k = test_key();
	char *t = token_make(k, PURPOSE, LIST, ADDRESS, 77, EXPIRES);
	size_t i;
	size_t j;

	for (i = 0; t[i] != '\0'; i++) {
		char orig = t[i];

		for (j = 0; alphabet[j] != '\0'; j++) {
			if (alphabet[j] == orig)
				continue;
			t[i] = alphabet[j];
			assert_refused(
			    k, PURPOSE, LIST, ADDRESS, t, 0, MOIM_ERR_INPUT);
		}
		t[i] = orig;
	}
	g_assert_true(token_verify(k, PURPOSE, LIST, ADDRESS, t, 0, NULL));
	g_free(t);
	token_key_free(k);
}

static void
test_wrong_parts(void)
{
	struct token_key *k = test_key();
	struct token_key *other = token_key_new("another-key-0123456", 19);
	guint64 id = 0;
	gint64 expires = 0;

	assert_refused(
	    k, "unsubscribe", LIST, ADDRESS, TOK_KAT, 0, MOIM_ERR_INPUT);
	assert_refused(k, PURPOSE, "other@lists.example.org", ADDRESS, TOK_KAT,
	    0, MOIM_ERR_INPUT);
	assert_refused(
	    k, PURPOSE, LIST, "kim@example.org", TOK_KAT, 0, MOIM_ERR_INPUT);
	assert_refused(k, PURPOSE, LIST, NULL, TOK_KAT, 0, MOIM_ERR_INPUT);
	/* Field boundaries are part of the MAC: "confirm"+"ai-..." differs
	 * from "confirma"+"i-...". */
	assert_refused(
	    k, PURPOSE "a", &LIST[1], ADDRESS, TOK_KAT, 0, MOIM_ERR_INPUT);
	assert_refused(
	    other, PURPOSE, LIST, ADDRESS, TOK_KAT, 0, MOIM_ERR_INPUT);
	/* Another id or expiry with the old MAC decodes but does not verify. */
	g_assert_true(token_decode(TOK_ID_43, &id, &expires, NULL));
	g_assert_cmpuint(id, ==, 43);
	g_assert_cmpint(expires, ==, EXPIRES);
	assert_refused(k, PURPOSE, LIST, ADDRESS, TOK_ID_43, 0, MOIM_ERR_INPUT);
	g_assert_true(token_decode(TOK_LATER, &id, &expires, NULL));
	g_assert_cmpint(expires, ==, EXPIRES + 86400);
	assert_refused(k, PURPOSE, LIST, ADDRESS, TOK_LATER, 0, MOIM_ERR_INPUT);
	token_key_free(other);
	token_key_free(k);
}

static const char *const garbage_tokens[] = {
    "",
    "a",
    TOK_SHORT,
    TOK_EXTRA,
    TOK_OVERLONG,
    TOK_KAT "a",
    TOK_KAT "aa",
    "fkaojlmvbvbjizo5sderur2x6",
    "kaojlmvbvbjizo5sderur2x6e",
    "fkaojlmvbvbjizo5sderur2x60",
    "fkaojlmvbvbjizo5sderur2x61",
    "fkaojlmvbvbjizo5sderur2x68",
    "fkaojlmvbvbjizo5sderur2x6=",
    "fkaojlmvbvbjizo5sderur2x6e=",
    "fkaojlmvbvbjizo5 sderur2x6e",
    "fkaojlmvbvbjizo5-sderur2x6e",
    "fkaojlmvbvbjizo5sderur2x6\xc3\xa9",
    "fkaojlmvbvbjizo5sderur2x6e\n",
    "77777777777777777777777777777777777777777777777777",
    NULL,
};

static void
test_garbage(void)
{
	struct token_key *k = test_key();
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(garbage_tokens); i++) {
		guint64 id;
		gint64 expires;
		GError *e = NULL;

		g_assert_false(
		    token_decode(garbage_tokens[i], &id, &expires, &e));
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
		g_clear_error(&e);
		assert_refused(k, PURPOSE, LIST, ADDRESS, garbage_tokens[i], 0,
		    MOIM_ERR_INPUT);
	}
	while (s->len <= MOIM_MAX_TOKEN)
		g_string_append(s, TOK_KAT);
	assert_refused(k, PURPOSE, LIST, ADDRESS, s->str, 0, MOIM_ERR_INPUT);
	g_string_free(s, TRUE);
	token_key_free(k);
}

static void
test_uppercase(void)
{
	struct token_key *k = test_key();
	char *up = g_ascii_strup(TOK_KAT, -1);
	char *mixed = g_strdup(TOK_KAT);

	mixed[0] = g_ascii_toupper(mixed[0]);
	mixed[10] = g_ascii_toupper(mixed[10]);
	g_assert_true(token_verify(k, PURPOSE, LIST, ADDRESS, up, 0, NULL));
	g_assert_true(token_verify(k, PURPOSE, LIST, ADDRESS, mixed, 0, NULL));
	g_free(up);
	g_free(mixed);
	token_key_free(k);
}

/* test_tag - short tags: round trip, bound to purpose and list, every
 * changed character refused, short enough for XVERP */
static void
test_tag(void)
{
	static const guint64 ids[] = {0, 1, 127, 128, 99999, G_MAXUINT32};
	static const char *const bad[] = {"", "a", "tag+x",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1"};
	struct token_key *k = test_key();
	guint64 id;

	for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
		char *t = token_tag_make(k, "xverp", LIST, ids[i]);
		g_autofree char *up = g_ascii_strup(t, -1);

		g_assert_cmpuint(strlen(t), <=, 18);
		g_assert_null(strpbrk(t, "+=@"));
		g_assert_true(token_tag_verify(k, "xverp", LIST, t, &id, NULL));
		g_assert_cmpuint(id, ==, ids[i]);
		g_assert_true(
		    token_tag_verify(k, "xverp", LIST, up, &id, NULL));
		g_assert_false(
		    token_tag_verify(k, "bounce", LIST, t, &id, NULL));
		g_assert_cmpuint(id, ==, 0);
		g_assert_false(
		    token_tag_verify(k, "xverp", "b@x.test", t, &id, NULL));
		for (size_t j = 0; t[j] != '\0'; j++) {
			g_autofree char *x = g_strdup(t);

			x[j] = x[j] == 'a' ? 'b' : 'a';
			g_assert_false(
			    token_tag_verify(k, "xverp", LIST, x, &id, NULL));
		}
		g_free(t);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) e = NULL;

		g_assert_false(
		    token_tag_verify(k, "xverp", LIST, bad[i], &id, &e));
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	}
	token_key_free(k);
}

static void
test_length_bound(void)
{
	struct token_key *k = test_key();
	char *t = token_make(k, PURPOSE, LIST, ADDRESS, G_MAXUINT32 - 1,
	    G_GINT64_CONSTANT(4102444800)); /* 2100-01-01 */
	char *local = g_strconcat("ai-friends-confirm+", t, NULL);

	g_assert_cmpuint(strlen(t), <=, 32);
	g_assert_cmpuint(strlen(local), <=, MOIM_MAX_LOCALPART);
	g_free(local);
	g_free(t);
	/* The bound list names are sized by (rcpt_list_local_max). */
	t = token_make(k, PURPOSE, LIST, ADDRESS,
	    (G_GUINT64_CONSTANT(1) << 35) - 1,
	    (G_GINT64_CONSTANT(1) << 34) - 1);
	g_assert_cmpuint(strlen(t), ==, TOKEN_ADDR_MAX);
	g_free(t);
	t = token_make(k, PURPOSE, LIST, ADDRESS, G_MAXUINT64, G_MININT64);
	g_assert_cmpuint(strlen(t), <=, 48);
	g_assert_cmpuint(strlen(t), <=, MOIM_MAX_TOKEN);
	g_assert_true(
	    token_verify(k, PURPOSE, LIST, ADDRESS, t, G_MININT64, NULL));
	g_free(t);
	token_key_free(k);
}

/* write_file - create path with content and mode, or fail the test */
static void
write_file(const char *path, const char *content, mode_t mode)
{
	g_assert_true(g_file_set_contents(path, content, -1, NULL));
	g_assert_cmpint(g_chmod(path, mode), ==, 0);
}

/* assert_load_refused - token_key_load(path) fails with code */
static void
assert_load_refused(const char *path, int code)
{
	GError *e = NULL;

	g_assert_null(token_key_load(path, &e));
	g_assert_error(e, MOIM_ERROR, code);
	g_test_message("refused as expected: %s", e->message);
	g_clear_error(&e);
}

static void
test_key_file_created(void)
{
	char *dir = g_dir_make_tmp("moim-token-XXXXXX", NULL);
	char *path = g_build_filename(dir, "secret", NULL);
	struct token_key *k1;
	struct token_key *k2;
	char *content = NULL;
	struct stat st;
	char *t;

	k1 = token_key_load(path, NULL);
	g_assert_nonnull(k1);
	g_assert_cmpint(stat(path, &st), ==, 0);
	g_assert_true(S_ISREG(st.st_mode));
	g_assert_cmpint(st.st_mode & 07777, ==, 0600);
	g_assert_true(g_file_get_contents(path, &content, NULL, NULL));
	g_assert_cmpuint(strlen(content), ==, 65);
	g_assert_cmpuint(strspn(content, "0123456789abcdef"), ==, 64);
	/* The second load reads the same key instead of making another. */
	k2 = token_key_load(path, NULL);
	g_assert_nonnull(k2);
	t = token_make(k1, PURPOSE, LIST, ADDRESS, ID, EXPIRES);
	g_assert_true(token_verify(k2, PURPOSE, LIST, ADDRESS, t, 0, NULL));
	g_assert_cmpstr(t, !=, TOK_KAT);
	g_free(t);
	g_assert_cmpint(g_unlink(path), ==, 0);
	g_assert_cmpint(g_rmdir(dir), ==, 0);
	token_key_free(k1);
	token_key_free(k2);
	g_free(content);
	g_free(path);
	g_free(dir);
}

static void
test_key_file_refused(void)
{
	char *dir = g_dir_make_tmp("moim-token-XXXXXX", NULL);
	char *path = g_build_filename(dir, "secret", NULL);
	char *link = g_build_filename(dir, "link", NULL);
	char *missing = g_build_filename(dir, "no", "secret", NULL);
	struct token_key *k;

	write_file(path, KEY "\n", 0644);
	assert_load_refused(path, MOIM_ERR_CONFIG);
	g_assert_cmpint(g_chmod(path, 0640), ==, 0);
	assert_load_refused(path, MOIM_ERR_CONFIG);
	g_assert_cmpint(g_chmod(path, 0602), ==, 0);
	assert_load_refused(path, MOIM_ERR_CONFIG);
	write_file(path, "0123456789abcde\n\n", 0600);
	assert_load_refused(path, MOIM_ERR_CONFIG);
	write_file(path, "", 0600);
	assert_load_refused(path, MOIM_ERR_CONFIG);
	/* Trailing white space is not key: this is KEY, as in the KAT. */
	write_file(path, KEY " \n", 0600);
	k = token_key_load(path, NULL);
	g_assert_nonnull(k);
	g_assert_true(
	    token_verify(k, PURPOSE, LIST, ADDRESS, TOK_KAT, 0, NULL));
	token_key_free(k);
	g_assert_cmpint(symlink(path, link), ==, 0);
	assert_load_refused(link, MOIM_ERR_CONFIG);
	assert_load_refused(missing, MOIM_ERR_CONFIG);
	assert_load_refused(dir, MOIM_ERR_CONFIG);
	g_assert_cmpint(g_unlink(link), ==, 0);
	g_assert_cmpint(g_unlink(path), ==, 0);
	g_assert_cmpint(g_rmdir(dir), ==, 0);
	g_free(missing);
	g_free(link);
	g_free(path);
	g_free(dir);
}

/* assert_ensure_refused - token_key_ensure(path) fails with
 * MOIM_ERR_CONFIG, a message holding what, and leaves the file alone */
static void
assert_ensure_refused(const char *path, uid_t uid, gid_t gid, const char *what)
{
	struct stat before;
	struct stat after;
	bool had = lstat(path, &before) == 0;
	bool created = true;
	GError *e = NULL;

	g_assert_false(token_key_ensure(path, uid, gid, &created, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_CONFIG);
	g_test_message("refused as expected: %s", e->message);
	g_assert_nonnull(strstr(e->message, what));
	g_assert_false(created);
	g_clear_error(&e);
	if (!had) {
		g_assert_cmpint(lstat(path, &after), <, 0);
		return;
	}
	g_assert_cmpint(lstat(path, &after), ==, 0);
	g_assert_cmpuint(after.st_mode, ==, before.st_mode);
	g_assert_cmpuint(after.st_uid, ==, before.st_uid);
	g_assert_cmpuint(after.st_gid, ==, before.st_gid);
	g_assert_cmpint(after.st_size, ==, before.st_size);
}

/* assert_owner - path belongs to uid:gid */
static void
assert_owner(const char *path, uid_t uid, gid_t gid)
{
	struct stat st;

	g_assert_cmpint(stat(path, &st), ==, 0);
	g_assert_cmpuint(st.st_uid, ==, uid);
	g_assert_cmpuint(st.st_gid, ==, gid);
}

/* ensure_ok - token_key_ensure() succeeds; whether it created the file */
static bool
ensure_ok(const char *path, uid_t uid, gid_t gid)
{
	bool created = false;
	GError *e = NULL;

	g_assert_true(token_key_ensure(path, uid, gid, &created, &e));
	g_assert_no_error(e);
	return created;
}

/* other_group - a group of ours other than the effective one, or -1 */
static gid_t
other_group(void)
{
	gid_t groups[64];
	int n = getgroups(G_N_ELEMENTS(groups), groups);

	for (int i = 0; i < n; i++)
		if (groups[i] != getegid())
			return groups[i];
	return (gid_t)-1;
}

static void
test_key_file_ensure(void)
{
	char *dir = g_dir_make_tmp("moim-token-XXXXXX", NULL);
	char *path = g_build_filename(dir, "secret", NULL);
	char *first = NULL;
	char *now = NULL;
	struct stat st;
	gid_t g;

	g_assert_true(ensure_ok(path, (uid_t)-1, (gid_t)-1));
	g_assert_cmpint(stat(path, &st), ==, 0);
	g_assert_true(S_ISREG(st.st_mode));
	g_assert_cmpint(st.st_mode & 07777, ==, 0600);
	g_assert_true(g_file_get_contents(path, &first, NULL, NULL));
	g_assert_cmpuint(strlen(first), ==, 65);
	g_assert_cmpuint(strspn(first, "0123456789abcdef"), ==, 64);
	/* Present: checked and kept, whatever owner is asked for. */
	g_assert_false(ensure_ok(path, (uid_t)-1, (gid_t)-1));
	g_assert_false(ensure_ok(path, geteuid(), getegid()));
	assert_owner(path, geteuid(), getegid());
	if (geteuid() == 0) {
		g_assert_false(ensure_ok(path, 12345, 23456));
		assert_owner(path, 12345, 23456);
		g_assert_false(ensure_ok(path, (uid_t)-1, 0));
		assert_owner(path, 12345, 0);
		g_assert_false(ensure_ok(path, 0, (gid_t)-1));
		assert_owner(path, 0, 0);
	} else {
		/* Not root: only a group of ours, and root is refused. */
		g = other_group();
		if (g != (gid_t)-1) {
			g_assert_false(ensure_ok(path, (uid_t)-1, g));
			assert_owner(path, geteuid(), g);
			g_assert_false(ensure_ok(path, (uid_t)-1, getegid()));
		}
		assert_ensure_refused(path, 0, (gid_t)-1, "owner");
	}
	g_assert_cmpint(stat(path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 07777, ==, 0600);
	g_assert_true(g_file_get_contents(path, &now, NULL, NULL));
	g_assert_cmpstr(now, ==, first);
	g_assert_cmpint(g_unlink(path), ==, 0);
	g_assert_cmpint(g_rmdir(dir), ==, 0);
	g_free(now);
	g_free(first);
	g_free(path);
	g_free(dir);
}

static void
test_key_file_ensure_refused(void)
{
	char *dir = g_dir_make_tmp("moim-token-XXXXXX", NULL);
	char *path = g_build_filename(dir, "secret", NULL);
	char *sym = g_build_filename(dir, "link", NULL);
	char *hard = g_build_filename(dir, "hard", NULL);
	char *fifo = g_build_filename(dir, "fifo", NULL);
	char *missing = g_build_filename(dir, "no", "secret", NULL);
	/* An owner that differs from ours, so that a change is asked for. */
	uid_t other = geteuid() == 0 ? 12345 : 0;

	write_file(path, KEY "\n", 0644);
	assert_ensure_refused(path, (uid_t)-1, (gid_t)-1, "mode 0644");
	assert_ensure_refused(path, other, (gid_t)-1, "group and others");
	g_assert_cmpint(g_chmod(path, 0640), ==, 0);
	assert_ensure_refused(path, other, (gid_t)-1, "gives its group acc");
	g_assert_cmpint(g_chmod(path, 0604), ==, 0);
	assert_ensure_refused(path, other, (gid_t)-1, "gives others access");
	write_file(path, "short\n", 0600);
	assert_ensure_refused(path, (uid_t)-1, (gid_t)-1, "shorter");
	write_file(path, KEY "\n", 0600);
	/* Through a symbolic link, even to a good key, or a dangling one:
	 * nothing is created at its target. */
	g_assert_cmpint(symlink(path, sym), ==, 0);
	assert_ensure_refused(sym, other, (gid_t)-1, "symbolic link");
	g_assert_cmpint(g_unlink(sym), ==, 0);
	g_assert_cmpint(symlink(missing, sym), ==, 0);
	assert_ensure_refused(sym, (uid_t)-1, (gid_t)-1, "symbolic link");
	g_assert_false(g_file_test(missing, G_FILE_TEST_EXISTS));
	/* A second link: kept as it is, but not given away. */
	g_assert_cmpint(link(path, hard), ==, 0);
	g_assert_false(ensure_ok(path, geteuid(), (gid_t)-1));
	assert_ensure_refused(path, other, (gid_t)-1, "2 links");
	g_assert_cmpint(g_unlink(hard), ==, 0);
	/* A FIFO is refused at once, not waited on. */
	g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
	assert_ensure_refused(fifo, (uid_t)-1, (gid_t)-1, "not a regular");
	assert_ensure_refused(dir, (uid_t)-1, (gid_t)-1, "not a regular");
	assert_ensure_refused(missing, (uid_t)-1, (gid_t)-1, "create");
	g_assert_cmpint(g_unlink(fifo), ==, 0);
	g_assert_cmpint(g_unlink(sym), ==, 0);
	g_assert_cmpint(g_unlink(path), ==, 0);
	g_assert_cmpint(g_rmdir(dir), ==, 0);
	g_free(missing);
	g_free(fifo);
	g_free(hard);
	g_free(sym);
	g_free(path);
	g_free(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/token/known-answer", test_known_answer);
	g_test_add_func("/token/round-trip", test_round_trip);
	g_test_add_func("/token/expiry-boundary", test_expiry_boundary);
	g_test_add_func("/token/tampered", test_every_character_tampered);
	g_test_add_func("/token/wrong-parts", test_wrong_parts);
	g_test_add_func("/token/tag", test_tag);
	g_test_add_func("/token/garbage", test_garbage);
	g_test_add_func("/token/uppercase", test_uppercase);
	g_test_add_func("/token/length-bound", test_length_bound);
	g_test_add_func("/token/key-file/created", test_key_file_created);
	g_test_add_func("/token/key-file/refused", test_key_file_refused);
	g_test_add_func("/token/key-file/ensure", test_key_file_ensure);
	g_test_add_func(
	    "/token/key-file/ensure-refused", test_key_file_ensure_refused);
	return g_test_run();
}
