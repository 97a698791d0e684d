/*
 * privs - drop root privileges to the configured user and group
 *
 * SYNOPSIS
 *	void privs_umask(void);
 *	bool privs_ids(const char *user, const char *group, uid_t *uid_out,
 *	    gid_t *gid_out, GError **err);
 *	bool privs_drop(const char *user, const char *group, GError **err);
 *	bool privs_socket(const char *path, const char *group,
 *	    const char *key, bool (*bind_fn)(void *data, GError **err),
 *	    void *data, GError **err);
 *	bool privs_blame(GError **err, const char *key, const char *path,
 *	    enum privs_need need);
 * DESCRIPTION
 *	privs_umask() adds 027 to the process's umask, so that whatever
 *	starts a program (systemd's UMask=0027, a shell's 022, a test), the
 *	files it creates give others no access: the database and its -wal
 *	and -shm files come out 0640. Each program calls it first.
 *
 *	privs_ids() looks up the uid of user and the gid of group.
 *
 *	When the process runs as root, privs_drop() sets the supplementary
 *	groups, gid and uid to those of user and group, sets
 *	PR_SET_NO_NEW_PRIVS, and fails if root can be regained. When the
 *	process does not run as root it does nothing: a developer running a
 *	daemon by hand keeps their own identity.
 *
 *	privs_socket() binds a unix socket at path through bind_fn(data),
 *	so that it is born with mode 0660 and the group named (key, e.g.
 *	"[milter] socket_group", is for messages) and Postfix's processes
 *	can connect. Nothing is changed through the path after the bind (a
 *	symbolic link planted there would be followed): before it, a stale
 *	socket or a symbolic link at path is removed (unlink(2) removes the
 *	link, never its target; anything else there is refused), the umask
 *	is 0117 and, as root, the effective group is the socket's; both are
 *	put back after it. Not as root (a developer, or a service manager
 *	that starts the daemon unprivileged) the group is set afterwards
 *	with lchown(2), which does not follow a link; a failure is then
 *	only a warning. Call before starting threads.
 *
 *	privs_blame() adds to the error in *err, if the user the process
 *	runs as cannot reach path as need says, who that user is, which
 *	directory or file it cannot enter, read or write, and the fix (give
 *	the user access, or set key). It leaves other errors as they are.
 *	PRIVS_WRITE asks for the file (if present) to be readable and
 *	writable and its directory writable (SQLite makes -wal and -shm
 *	files there); PRIVS_READ for the file, or directory, to be readable.
 *	It returns whether it found such a path (and added to *err).
 * ERRORS
 *	MOIM_ERR_CONFIG, naming the user, the path or the call that failed.
 */
#ifndef MOIM_PRIVS_H
#define MOIM_PRIVS_H

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

enum privs_need { PRIVS_READ, PRIVS_WRITE };

void privs_umask(void);
bool privs_ids(const char *user, const char *group, uid_t *uid_out,
    gid_t *gid_out, GError **err);
bool privs_drop(const char *user, const char *group, GError **err);
bool privs_socket(const char *path, const char *group, const char *key,
    bool (*bind_fn)(void *data, GError **err), void *data, GError **err);
bool privs_blame(
    GError **err, const char *key, const char *path, enum privs_need need);

#endif
