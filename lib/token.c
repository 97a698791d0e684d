/*
 * token - HMAC-SHA256 tokens for confirmations, VERP and moderation
 *
 * The encoding is strict on purpose: every (id, expires, MAC) has exactly
 * one spelling (minimal varints, zero padding bits), so a changed
 * character is always either refused as malformed or caught by the MAC.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "limits.h"
#include "token.h"

struct token_key {
	guint8 *key;
	size_t len;
};

#define TOKEN_MAC_LEN 10 /* 80 bits of HMAC-SHA256 */
#define TOKEN_TAG_MAC_LEN 6 /* 48 bits: a tag must leave room after it */
#define TOKEN_VARINT_MAX 10 /* LEB128 of a 64-bit value */
#define TOKEN_RAW_MAX (2 * TOKEN_VARINT_MAX + TOKEN_MAC_LEN)
#define TOKEN_B32_MAX ((TOKEN_RAW_MAX * 8 + 4) / 5)
#define TOKEN_KEY_MIN 16
#define TOKEN_KEY_FILE_MAX 4096
#define TOKEN_KEY_RANDOM 32

G_STATIC_ASSERT(TOKEN_B32_MAX <= MOIM_MAX_TOKEN);

static const char b32_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

/* put_varint - LEB128 of v at p; returns the number of bytes */
static size_t
put_varint(guint8 *p, guint64 v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (guint8)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (guint8)v;
	return n;
}

/* get_varint - a minimal LEB128 at p[*pos]; false if bad or too long */
static bool
get_varint(const guint8 *p, size_t len, size_t *pos, guint64 *v_out)
{
	guint64 v = 0;
	unsigned shift = 0;
	size_t start = *pos;

	for (;;) {
		guint8 b;

		if (*pos >= len || shift > 63)
			return false;
		b = p[(*pos)++];
		if (shift == 63 && (b & 0x7e) != 0)
			return false; /* bits beyond 64 */
		v |= (guint64)(b & 0x7f) << shift;
		if ((b & 0x80) == 0) {
			/* A trailing zero byte is a second spelling. */
			if (b == 0 && *pos - start > 1)
				return false;
			*v_out = v;
			return true;
		}
		shift += 7;
	}
}

/* zigzag - a signed value as unsigned, small magnitudes staying small */
static guint64
zigzag(gint64 v)
{
	if (v >= 0)
		return (guint64)v << 1;
	return ((guint64)(-(v + 1)) << 1) | 1;
}

/* unzigzag - the inverse of zigzag() */
static gint64
unzigzag(guint64 u)
{
	if ((u & 1) == 0)
		return (gint64)(u >> 1);
	return -(gint64)(u >> 1) - 1;
}

/* b32_encode - lower-case base32 of p[0..n), without padding */
static char *
b32_encode(const guint8 *p, size_t n)
{
	GString *s = g_string_sized_new((n * 8 + 4) / 5);
	guint32 acc = 0;
	unsigned bits = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		acc = (acc << 8) | p[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			g_string_append_c(s, b32_alphabet[(acc >> bits) & 31]);
		}
	}
	if (bits > 0)
		g_string_append_c(s, b32_alphabet[(acc << (5 - bits)) & 31]);
	return g_string_free(s, FALSE);
}

/* b32_value - the value of a base32 character (either case), or -1 */
static int
b32_value(char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

/* b32_decode - decode s[0..n) into out; refuses non-canonical padding */
static bool
b32_decode(const char *s, size_t n, guint8 *out, size_t *len_out)
{
	guint32 acc = 0;
	unsigned bits = 0;
	size_t len = 0;
	size_t i;

	/* Left-over bits must be fewer than one character and all zero. */
	if (n > TOKEN_B32_MAX || (n * 5) % 8 >= 5)
		return false;
	for (i = 0; i < n; i++) {
		int v = b32_value(s[i]);

		if (v < 0)
			return false;
		acc = (acc << 5) | (guint32)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[len++] = (guint8)(acc >> bits);
		}
		acc &= (1u << bits) - 1;
	}
	if (acc != 0)
		return false;
	*len_out = len;
	return true;
}

/* hmac_field - feed one NUL-terminated field (NULL as "") to h */
static void
hmac_field(GHmac *h, const char *s, bool with_nul)
{
	if (s == NULL)
		s = "";
	g_hmac_update(h, (const guchar *)s, strlen(s) + (with_nul ? 1 : 0));
}

/* compute_mac - the truncated HMAC of purpose, list, address, id, expires */
static void
compute_mac(const struct token_key *k, const char *purpose, const char *list,
    const char *address, guint64 id, gint64 expires, guint8 mac[TOKEN_MAC_LEN])
{
	GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, k->key, k->len);
	char num[32];
	guint8 digest[32];
	gsize dlen = sizeof(digest);

	hmac_field(h, purpose, true);
	hmac_field(h, list, true);
	hmac_field(h, address, true);
	g_snprintf(num, sizeof(num), "%" G_GUINT64_FORMAT, id);
	hmac_field(h, num, true);
	g_snprintf(num, sizeof(num), "%" G_GINT64_FORMAT, expires);
	hmac_field(h, num, false);
	g_hmac_get_digest(h, digest, &dlen);
	g_hmac_unref(h);
	memcpy(mac, digest, TOKEN_MAC_LEN);
	explicit_bzero(digest, sizeof(digest));
}

/* token_make - a token for (purpose, list, address, id) until expires */
char *
token_make(const struct token_key *k, const char *purpose, const char *list,
    const char *address, guint64 id, gint64 expires)
{
	guint8 raw[TOKEN_RAW_MAX];
	size_t n;

	g_return_val_if_fail(k != NULL, NULL);
	n = put_varint(raw, id);
	n += put_varint(raw + n, zigzag(expires));
	compute_mac(k, purpose, list, address, id, expires, raw + n);
	n += TOKEN_MAC_LEN;
	return b32_encode(raw, n);
}

/* decode_raw - id, expires and MAC of an untrusted token */
static bool
decode_raw(const char *tok, guint64 *id_out, gint64 *expires_out,
    guint8 mac[TOKEN_MAC_LEN], GError **err)
{
	guint8 raw[TOKEN_RAW_MAX];
	size_t n;
	size_t len;
	size_t pos = 0;
	guint64 exp;

	if (tok == NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "no token");
	n = strnlen(tok, MOIM_MAX_TOKEN + 1);
	if (n > MOIM_MAX_TOKEN)
		return moim_fail(err, MOIM_ERR_INPUT, "token too long");
	if (!b32_decode(tok, n, raw, &len))
		return moim_fail(err, MOIM_ERR_INPUT, "token malformed");
	if (!get_varint(raw, len, &pos, id_out) ||
	    !get_varint(raw, len, &pos, &exp))
		return moim_fail(err, MOIM_ERR_INPUT, "token malformed");
	if (len - pos != TOKEN_MAC_LEN)
		return moim_fail(err, MOIM_ERR_INPUT, "token malformed");
	*expires_out = unzigzag(exp);
	memcpy(mac, raw + pos, TOKEN_MAC_LEN);
	return true;
}

/* token_decode - id and expiry of an untrusted token; MAC not checked */
bool
token_decode(
    const char *tok, guint64 *id_out, gint64 *expires_out, GError **err)
{
	guint8 mac[TOKEN_MAC_LEN];

	return decode_raw(tok, id_out, expires_out, mac, err);
}

/* equal_ct - compare n bytes in time independent of where they differ */
static bool
equal_ct(const guint8 *a, const guint8 *b, size_t n)
{
	volatile guint8 d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/* token_verify - whether tok is ours for these parts and not expired */
bool
token_verify(const struct token_key *k, const char *purpose, const char *list,
    const char *address, const char *tok, gint64 now, GError **err)
{
	guint8 got[TOKEN_MAC_LEN];
	guint8 want[TOKEN_MAC_LEN];
	guint64 id;
	gint64 expires;

	g_return_val_if_fail(k != NULL, false);
	if (!decode_raw(tok, &id, &expires, got, err))
		return false;
	compute_mac(k, purpose, list, address, id, expires, want);
	/* The MAC before the expiry: a forged token learns nothing. */
	if (!equal_ct(got, want, TOKEN_MAC_LEN))
		return moim_fail(err, MOIM_ERR_INPUT, "token invalid");
	if (now > expires)
		return moim_fail(err, MOIM_ERR_POLICY, "token expired");
	return true;
}

/* token_tag_make - a short tag for (purpose, list, id), without expiry */
char *
token_tag_make(const struct token_key *k, const char *purpose, const char *list,
    guint64 id)
{
	guint8 raw[TOKEN_VARINT_MAX + TOKEN_MAC_LEN];
	guint8 mac[TOKEN_MAC_LEN];
	size_t n;

	g_return_val_if_fail(k != NULL, NULL);
	n = put_varint(raw, id);
	compute_mac(k, purpose, list, NULL, id, 0, mac);
	memcpy(raw + n, mac, TOKEN_TAG_MAC_LEN);
	return b32_encode(raw, n + TOKEN_TAG_MAC_LEN);
}

/* token_tag_verify - the id of a tag we made for purpose and list */
bool
token_tag_verify(const struct token_key *k, const char *purpose,
    const char *list, const char *tag, guint64 *id_out, GError **err)
{
	guint8 raw[TOKEN_RAW_MAX];
	guint8 want[TOKEN_MAC_LEN];
	size_t n, len, pos = 0;

	g_return_val_if_fail(k != NULL, false);
	*id_out = 0;
	n = tag ? strnlen(tag, MOIM_MAX_TOKEN + 1) : 0;
	if (n == 0 || n > MOIM_MAX_TOKEN || !b32_decode(tag, n, raw, &len) ||
	    !get_varint(raw, len, &pos, id_out) ||
	    len - pos != TOKEN_TAG_MAC_LEN)
		return moim_fail(err, MOIM_ERR_INPUT, "tag malformed");
	compute_mac(k, purpose, list, NULL, *id_out, 0, want);
	if (!equal_ct(raw + pos, want, TOKEN_TAG_MAC_LEN)) {
		*id_out = 0;
		return moim_fail(err, MOIM_ERR_INPUT, "tag invalid");
	}
	return true;
}

/* token_key_new - a key holding a copy of key[0..len) */
struct token_key *
token_key_new(const void *key, size_t len)
{
	struct token_key *k = g_new0(struct token_key, 1);

	k->key = g_malloc0(len > 0 ? len : 1);
	if (len > 0)
		memcpy(k->key, key, len);
	k->len = len;
	return k;
}

/* token_key_free - wipe and release k; NULL is fine */
void
token_key_free(struct token_key *k)
{
	if (k == NULL)
		return;
	explicit_bzero(k->key, k->len);
	g_free(k->key);
	g_free(k);
}

/* read_all - read up to max bytes of fd into buf; -1 on error */
static ssize_t
read_all(int fd, char *buf, size_t max)
{
	size_t n = 0;

	while (n < max) {
		ssize_t r = read(fd, buf + n, max - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	return (ssize_t)n;
}

/* mode_others - who besides the owner has a permission bit of mode */
static const char *
mode_others(mode_t mode)
{
	if ((mode & 070) == 0)
		return "others";
	if ((mode & 007) == 0)
		return "its group";
	return "its group and others";
}

/* check_key_stat - refuse what is not a private regular file */
static bool
check_key_stat(int fd, const char *path, GError **err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return moim_fail(
		    err, MOIM_ERR_CONFIG, "%s: %s", path, g_strerror(errno));
	if (!S_ISREG(st.st_mode))
		return moim_fail(
		    err, MOIM_ERR_CONFIG, "%s: not a regular file", path);
	if ((st.st_mode & 077) != 0)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "%s: mode %04o gives %s access to the key; want 0600", path,
		    (unsigned)(st.st_mode & 07777), mode_others(st.st_mode));
	if (st.st_size > TOKEN_KEY_FILE_MAX)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "%s: larger than %d bytes", path, TOKEN_KEY_FILE_MAX);
	return true;
}

/* read_key_fd - the key in an open key file, trailing white space cut */
static struct token_key *
read_key_fd(int fd, const char *path, GError **err)
{
	char buf[TOKEN_KEY_FILE_MAX + 1];
	struct token_key *k = NULL;
	ssize_t n;

	if (!check_key_stat(fd, path, err))
		return NULL;
	n = read_all(fd, buf, sizeof(buf));
	if (n < 0) {
		moim_fail(
		    err, MOIM_ERR_CONFIG, "%s: %s", path, g_strerror(errno));
		return NULL;
	}
	/* The file may have grown since fstat(); the read is what counts. */
	if (n > TOKEN_KEY_FILE_MAX)
		moim_fail(err, MOIM_ERR_CONFIG, "%s: larger than %d bytes",
		    path, TOKEN_KEY_FILE_MAX);
	else {
		while (n > 0 && g_ascii_isspace(buf[n - 1]))
			n--;
		if (n < TOKEN_KEY_MIN)
			moim_fail(err, MOIM_ERR_CONFIG,
			    "%s: key shorter than %d bytes", path,
			    TOKEN_KEY_MIN);
		else
			k = token_key_new(buf, (size_t)n);
	}
	explicit_bzero(buf, sizeof(buf));
	return k;
}

/* random_hex_key - 32 random bytes from the kernel, as hex and a newline */
static bool
random_hex_key(char hex[2 * TOKEN_KEY_RANDOM + 2], GError **err)
{
	guint8 rnd[TOKEN_KEY_RANDOM];
	size_t n = 0;
	size_t i;

	while (n < sizeof(rnd)) {
		ssize_t r = getrandom(rnd + n, sizeof(rnd) - n, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return moim_fail(err, MOIM_ERR_TEMP, "getrandom: %s",
			    g_strerror(errno));
		n += (size_t)r;
	}
	for (i = 0; i < sizeof(rnd); i++)
		g_snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	hex[2 * TOKEN_KEY_RANDOM] = '\n';
	hex[2 * TOKEN_KEY_RANDOM + 1] = '\0';
	explicit_bzero(rnd, sizeof(rnd));
	return true;
}

/* write_all - write len bytes of buf to fd; false with errno set */
static bool
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return false;
		buf += w;
		len -= (size_t)w;
	}
	return true;
}

/* fsync_dir - make a new directory entry for path durable */
static bool
fsync_dir(const char *path, GError **err)
{
	g_autofree char *dir = g_path_get_dirname(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return moim_fail(
		    err, MOIM_ERR_TEMP, "%s: %s", dir, g_strerror(errno));
	ok = fsync(fd) == 0;
	if (!ok)
		moim_fail(
		    err, MOIM_ERR_TEMP, "fsync %s: %s", dir, g_strerror(errno));
	(void)close(fd); /* read-only: nothing to lose */
	return ok;
}

/* create_key_file - create path with a new random key, mode 0600; true
 * too when another process made it first (*created_out is then false) */
static bool
create_key_file(const char *path, bool *created_out, GError **err)
{
	char hex[2 * TOKEN_KEY_RANDOM + 2];
	int fd;
	bool ok;

	*created_out = false;
	if (!random_hex_key(hex, err))
		return false;
	fd = open(
	    path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		explicit_bzero(hex, sizeof(hex));
		return true; /* someone else made it first: read theirs */
	}
	if (fd < 0) {
		explicit_bzero(hex, sizeof(hex));
		return moim_fail(err, MOIM_ERR_CONFIG, "create %s: %s", path,
		    g_strerror(errno));
	}
	ok = write_all(fd, hex, strlen(hex)) && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	explicit_bzero(hex, sizeof(hex));
	if (!ok) {
		moim_fail(err, MOIM_ERR_TEMP, "write %s: %s", path,
		    g_strerror(errno));
		(void)unlink(path); /* a half-written key must not be used */
		return false;
	}
	*created_out = true;
	return fsync_dir(path, err);
}

/* open_key - open the key file for reading, creating it first if absent;
 * -1 on failure */
static int
open_key(const char *path, bool *created_out, GError **err)
{
	/* O_NONBLOCK: a FIFO in place of the key must not hang us; the
	 * fstat() of check_key_stat() then refuses it. */
	const int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	int fd = open(path, flags);

	*created_out = false;
	if (fd < 0 && errno == ENOENT) {
		if (!create_key_file(path, created_out, err))
			return -1;
		fd = open(path, flags);
	}
	if (fd < 0 && errno == ELOOP)
		moim_fail(err, MOIM_ERR_CONFIG,
		    "%s: a symbolic link (or a loop in its path): refused",
		    path);
	else if (fd < 0)
		moim_fail(
		    err, MOIM_ERR_CONFIG, "%s: %s", path, g_strerror(errno));
	return fd;
}

/* token_key_load - read the key file, creating it first if absent */
struct token_key *
token_key_load(const char *secret_file, GError **err)
{
	struct token_key *k;
	bool created;
	int fd;

	fd = open_key(secret_file, &created, err);
	if (fd < 0)
		return NULL;
	k = read_key_fd(fd, secret_file, err);
	(void)close(fd); /* read-only: nothing to lose */
	return k;
}

/* give_key - make uid:gid (-1: keep) the owner of the open key file */
static bool
give_key(int fd, const char *path, uid_t uid, gid_t gid, GError **err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return moim_fail(
		    err, MOIM_ERR_CONFIG, "%s: %s", path, g_strerror(errno));
	if ((uid == (uid_t)-1 || uid == st.st_uid) &&
	    (gid == (gid_t)-1 || gid == st.st_gid))
		return true;
	/* A hard link to another file of root's, planted where the daemon's
	 * user may write, must not be given away with the key's name. */
	if (st.st_nlink != 1)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "%s: %ju links to the file; refusing to change its owner",
		    path, (uintmax_t)st.st_nlink);
	if (fchown(fd, uid, gid) < 0)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "%s: cannot change the owner to %jd:%jd: %s", path,
		    uid == (uid_t)-1 ? (intmax_t)st.st_uid : (intmax_t)uid,
		    gid == (gid_t)-1 ? (intmax_t)st.st_gid : (intmax_t)gid,
		    g_strerror(errno));
	return true;
}

/* token_key_ensure - make sure the key file exists, then give it to
 * uid:gid; an existing key is checked, never rewritten */
bool
token_key_ensure(const char *secret_file, uid_t uid, gid_t gid,
    bool *created_out, GError **err)
{
	struct token_key *k;
	bool ok;
	int fd;

	fd = open_key(secret_file, created_out, err);
	if (fd < 0)
		return false;
	/* The same checks as the daemon's load (type, mode, size, a usable
	 * key), so that a file it would refuse is not given to it. */
	k = read_key_fd(fd, secret_file, err);
	ok = k != NULL && give_key(fd, secret_file, uid, gid, err);
	token_key_free(k);
	(void)close(fd); /* read-only: nothing to lose */
	return ok;
}
