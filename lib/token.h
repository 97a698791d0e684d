/*
 * token - HMAC-SHA256 tokens for confirmations, VERP and moderation
 *
 * SYNOPSIS
 *	struct token_key *token_key_load(const char *secret_file,
 *	    GError **err);
 *	bool token_key_ensure(const char *secret_file, uid_t uid, gid_t gid,
 *	    bool *created_out, GError **err);
 *	struct token_key *token_key_new(const void *key, size_t len);
 *	void token_key_free(struct token_key *k);
 *	char *token_make(const struct token_key *k, const char *purpose,
 *	    const char *list, const char *address, guint64 id,
 *	    gint64 expires);
 *	bool token_decode(const char *tok, guint64 *id_out,
 *	    gint64 *expires_out, GError **err);
 *	bool token_verify(const struct token_key *k, const char *purpose,
 *	    const char *list, const char *address, const char *tok,
 *	    gint64 now, GError **err);
 *	char *token_tag_make(const struct token_key *k, const char *purpose,
 *	    const char *list, guint64 id);
 *	bool token_tag_verify(const struct token_key *k, const char *purpose,
 *	    const char *list, const char *tag, guint64 *id_out, GError **err);
 * DESCRIPTION
 *	A token names a database row (id: a pending confirmation, a member
 *	for VERP, a held post) until a time (expires, seconds since the
 *	epoch), and proves that we made it for this purpose, list and
 *	address. It is the base32 (RFC 4648 alphabet, lower case, no
 *	padding) of varint(id) | varint(zigzag(expires)) | MAC, where the
 *	varints are LEB128 and MAC is HMAC-SHA256(key, purpose NUL list NUL
 *	address NUL id NUL expires), id and expires in decimal, cut to 80
 *	bits. For id < 2^32 and expires < 2^34 a token has at most 32
 *	characters, so "L-confirm+TOKEN" fits a 64-octet local part for list
 *	names up to 23 octets; no token is longer than 48 characters.
 *	TOKEN_ADDR_MAX (32) is the bound addresses are sized by: ids are
 *	database row ids (below 2^35) and expiry times are at most a few
 *	years ahead (below 2^34), so every token moim makes fits it.
 *
 *	token_decode() reads id and expires without checking the MAC, to
 *	find the row the MAC must then be checked against; upper case is
 *	accepted since some MTAs change the case of local parts.
 *	token_verify() checks form, MAC (in constant time) and expiry, in
 *	that order: a token is good up to and including second `expires`.
 *
 *	token_tag_make() is a short token for a row that needs no expiry in
 *	the token itself (the row says how old it is): base32 of varint(id)
 *	| MAC, MAC being the first 48 bits of HMAC-SHA256(key, purpose NUL
 *	list NUL NUL id NUL 0), at most 18 characters for id < 2^32. It
 *	binds a batched copy's return path, which Postfix's XVERP extends
 *	with the recipient, within a 64-octet local part.
 *	token_tag_verify() checks a tag's form and MAC (in constant time) and
 *	gives its id; *id_out is 0 on failure.
 *
 *	token_key_load() reads the key file, the whole content minus trailing
 *	white space being the HMAC key. When the file does not exist it is
 *	created (mode 0600, exclusively, fsync'd with its directory) holding
 *	32 random bytes in hex. token_key_new() wraps given key bytes (tests).
 *
 *	token_key_ensure() is token_key_load() for an installer running as
 *	root (moimctl secret, before the daemon starts unprivileged): it
 *	creates the key file as token_key_load() would if it is absent
 *	(*created_out says whether it did), checks it as token_key_load()
 *	does, and then gives it to uid and gid unless each is (uid_t)-1
 *	or (gid_t)-1 or already the owner. It never rewrites an existing
 *	key, and it refuses to change the owner of a file with more than
 *	one link (a hard link planted in a directory the daemon's user can
 *	write could otherwise hand it a file of root's).
 * OWNERSHIP
 *	Keys belong to the caller (token_key_free() wipes and frees; NULL is
 *	fine). token_make() returns a new string (g_free). purpose, list and
 *	address are borrowed; NULL counts as "".
 * INPUT AND LIMITS
 *	tok is untrusted: more than MOIM_MAX_TOKEN characters, characters
 *	outside base32, non-canonical encodings and wrong lengths are
 *	MOIM_ERR_INPUT. A key file must be a regular file of 16 to 4096 bytes
 *	with no group or other permission bits; a symbolic link is refused,
 *	and so is a FIFO, without blocking on it.
 * THREADS
 *	No shared state; a key may be used from many threads at once.
 * ERRORS
 *	token_decode/verify, token_tag_verify: MOIM_ERR_INPUT (malformed,
 *	wrong MAC),
 *	MOIM_ERR_POLICY "token expired". token_key_load: MOIM_ERR_CONFIG (bad
 *	file, bad mode, too short) or MOIM_ERR_TEMP (I/O, randomness).
 *	token_key_ensure: the same, and MOIM_ERR_CONFIG when the owner
 *	cannot be changed (not root, several links).
 * SEE ALSO
 *	RFC 2104 (HMAC), RFC 4648 (base32); lib/limits.h.
 */
#ifndef MOIM_TOKEN_H
#define MOIM_TOKEN_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct token_key;

/* The longest token for id < 2^35 and expires < 2^34 (see above). */
#define TOKEN_ADDR_MAX 32

struct token_key *token_key_load(const char *secret_file, GError **err);
bool token_key_ensure(const char *secret_file, uid_t uid, gid_t gid,
    bool *created_out, GError **err);
struct token_key *token_key_new(const void *key, size_t len);
void token_key_free(struct token_key *k);
char *token_make(const struct token_key *k, const char *purpose,
    const char *list, const char *address, guint64 id, gint64 expires);
bool token_decode(
    const char *tok, guint64 *id_out, gint64 *expires_out, GError **err);
bool token_verify(const struct token_key *k, const char *purpose,
    const char *list, const char *address, const char *tok, gint64 now,
    GError **err);
char *token_tag_make(const struct token_key *k, const char *purpose,
    const char *list, guint64 id);
bool token_tag_verify(const struct token_key *k, const char *purpose,
    const char *list, const char *tag, guint64 *id_out, GError **err);

#endif
