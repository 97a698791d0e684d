/*
 * privs_test - unit tests for the privs module: the umask, and what
 * privs_socket() does with what it finds at the socket's path
 */
#include <errno.h>
#include <grp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "err.h"
#include "privs.h"

static void
test_umask(void)
{
	static const struct {
		mode_t before, after;
	} cases[] = {
	    {022, 027},
	    {0, 027},
	    {077, 077},
	    {002, 027},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		mode_t old = umask(cases[i].before), now;

		privs_umask();
		now = umask(old);
		g_assert_cmpuint(now, ==, cases[i].after);
	}
}

struct bound {
	const char *path;
	int fd;
};

/* bind_here - privs_socket()'s bind step: a unix socket at b->path */
static bool
bind_here(void *data, GError **err)
{
	struct bound *b = data;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	g_strlcpy(sa.sun_path, b->path, sizeof(sa.sun_path));
	b->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (b->fd < 0 || bind(b->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return moim_fail(err, MOIM_ERR_CONFIG, "bind %s: %s", b->path,
		    g_strerror(errno));
	return true;
}

enum plant { NOTHING, STALE_SOCKET, LINK_TO_FILE, DANGLING_LINK, FILE_, DIR_ };

/* plant - put what kind says at path; target is a file of ours, 0600 */
static void
plant(enum plant kind, const char *path, const char *target)
{
	struct bound b = {path, -1};
	bool ok;

	switch (kind) {
	case NOTHING:
		break;
	case STALE_SOCKET:
		ok = bind_here(&b, NULL);
		g_assert_true(ok);
		close(b.fd);
		break;
	case LINK_TO_FILE:
		g_assert_cmpint(symlink(target, path), ==, 0);
		break;
	case DANGLING_LINK:
		g_assert_cmpint(symlink("/nonexistent/x", path), ==, 0);
		break;
	case FILE_:
		g_assert_true(g_file_set_contents(path, "keep", -1, NULL));
		break;
	case DIR_:
		g_assert_cmpint(mkdir(path, 0700), ==, 0);
		break;
	}
}

static void
test_socket(void)
{
	static const struct {
		enum plant there;
		bool ok;
		const char *error;
	} cases[] = {
	    {NOTHING, true, NULL},
	    {STALE_SOCKET, true, NULL},
	    {LINK_TO_FILE, true, NULL},
	    {DANGLING_LINK, true, NULL},
	    {FILE_, false, "is not a socket: refusing to replace it"},
	    {DIR_, false, "is not a socket: refusing to replace it"},
	};
	struct group *gr = getgrgid(getegid());
	g_autofree char *group = g_strdup(gr->gr_name);

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *dir = g_dir_make_tmp("privs-XXXXXX", NULL);
		g_autofree char *path = g_build_filename(dir, "s.sock", NULL);
		g_autofree char *target = g_build_filename(dir, "t", NULL);
		struct bound b = {path, -1};
		mode_t mask = umask(022);
		GError *e = NULL;
		struct stat st;
		bool ok;

		g_assert_nonnull(dir);
		g_assert_true(
		    g_file_set_contents(target, "root only", -1, NULL));
		g_assert_cmpint(chmod(target, 0600), ==, 0);
		plant(cases[i].there, path, target);
		ok = privs_socket(
		    path, group, "[t] socket_group", bind_here, &b, &e);
		g_assert_cmpint(ok, ==, cases[i].ok);
		/* The umask and the group are back as they were. */
		g_assert_cmpuint(umask(mask), ==, 022);
		g_assert_cmpuint(getegid(), ==, gr->gr_gid);
		if (ok) {
			g_assert_no_error(e);
			g_assert_cmpint(lstat(path, &st), ==, 0);
			g_assert_true(S_ISSOCK(st.st_mode));
			g_assert_cmpuint(st.st_mode & 07777, ==, 0660);
			g_assert_cmpuint(st.st_gid, ==, gr->gr_gid);
			close(b.fd);
		} else {
			g_assert_nonnull(e);
			g_assert_nonnull(strstr(e->message, cases[i].error));
			g_assert_nonnull(strstr(e->message, path));
			g_clear_error(&e);
			g_assert_cmpint(lstat(path, &st), ==, 0);
			g_assert_false(S_ISSOCK(st.st_mode));
		}
		/* A link's target is never touched. */
		g_assert_cmpint(stat(target, &st), ==, 0);
		g_assert_cmpuint(st.st_mode & 07777, ==, 0600);
		(void)unlink(target);
		(void)unlink(path);
		(void)rmdir(path);
		g_assert_cmpint(rmdir(dir), ==, 0);
	}
}

static void
test_socket_no_group(void)
{
	struct bound b = {"/nonexistent/s.sock", -1};
	GError *e = NULL;

	g_assert_false(privs_socket(b.path, "no-such-group-moim",
	    "[t] socket_group", bind_here, &b, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_CONFIG);
	g_assert_cmpstr(
	    e->message, ==, "[t] socket_group: no group 'no-such-group-moim'");
	g_clear_error(&e);
	g_assert_cmpint(b.fd, ==, -1); /* nothing was bound */
}

static void
test_blame_leaves_others(void)
{
	GError *e = g_error_new(MOIM_ERROR, MOIM_ERR_CONFIG, "as it was");

	/* Nothing to blame: a missing directory, or no error at all. */
	g_assert_false(
	    privs_blame(&e, "[t] key", "/nonexistent/dir/file", PRIVS_WRITE));
	g_assert_cmpstr(e->message, ==, "as it was");
	g_clear_error(&e);
	g_assert_false(privs_blame(&e, "[t] key", "/", PRIVS_READ));
	g_assert_false(privs_blame(NULL, "[t] key", "/", PRIVS_READ));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/privs/umask", test_umask);
	g_test_add_func("/privs/socket", test_socket);
	g_test_add_func("/privs/socket_no_group", test_socket_no_group);
	g_test_add_func("/privs/blame_leaves_others", test_blame_leaves_others);
	return g_test_run();
}
