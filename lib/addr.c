/*
 * addr - parse and normalise mail addresses
 *
 * GMime does the RFC 5322 parsing; this file only bounds the input before
 * GMime sees it and validates what GMime returns, because GMime's loose
 * parser accepts things we must not (domains like "-x", local parts
 * without a domain, domain literals). The display name of one mailbox is
 * decoded by lib/hdrtext from the text before "<", not taken from GMime,
 * whose RFC 2047 decoder loses what follows a padded B word.
 */
#include <stdbool.h>
#include <string.h>

#include <gmime/gmime.h>

#include "addr.h"
#include "err.h"
#include "hdrtext.h"
#include "limits.h"

struct addr {
	char *canonical; /* local@domain */
	char *local; /* lower-cased, quoted only when needed */
	char *domain; /* lower-case ASCII, IDN as xn-- */
	char *display_name; /* UTF-8 or NULL */
};

/* Groups do not nest in RFC 5322; GMime might still build such a tree. */
#define ADDR_MAX_GROUP_DEPTH 4

/* parser_options - GMime, initialised once, and our shared parser options */
static GMimeParserOptions *
parser_options(void)
{
	static gsize once;
	static GMimeParserOptions *opts;
	/* Undeclared 8-bit display names are UTF-8 or, in Korea, CP949. */
	static const char *fallback[] = {"UTF-8", "CP949", NULL};

	if (g_once_init_enter(&once)) {
		g_mime_init();
		opts = g_mime_parser_options_new();
		g_mime_parser_options_set_fallback_charsets(opts, fallback);
		g_once_init_leave(&once, 1);
	}
	return opts;
}

/* fail_null - moim_fail() with MOIM_ERR_INPUT for functions returning a pointer
 */
static void *
fail_null(GError **err, const char *msg)
{
	moim_fail(err, MOIM_ERR_INPUT, "%s", msg);
	return NULL;
}

/* has_forbidden_byte - whether buf holds a CR, LF or NUL */
static bool
has_forbidden_byte(const char *buf, size_t len)
{
	return memchr(buf, '\0', len) != NULL ||
	    memchr(buf, '\r', len) != NULL || memchr(buf, '\n', len) != NULL;
}

/* is_atext - whether c may appear in an atom (RFC 5322 3.2.3, RFC 6532) */
static bool
is_atext(unsigned char c)
{
	return g_ascii_isalnum(c) || strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL ||
	    c >= 0x80;
}

/* is_dot_atom - whether s is a non-empty dot-atom of valid UTF-8 */
static bool
is_dot_atom(const char *s)
{
	const char *p;

	if (*s == '\0' || *s == '.' || !g_utf8_validate(s, -1, NULL))
		return false;
	for (p = s; *p != '\0'; p++) {
		if (*p == '.' && (p[1] == '.' || p[1] == '\0'))
			return false;
		if (*p != '.' && !is_atext((unsigned char)*p))
			return false;
	}
	return true;
}

/* unquote_local - the content of a quoted local part, quoted-pairs undone */
static bool
unquote_local(const char *q, GString *raw, GError **err)
{
	const char *p;

	for (p = q + 1; *p != '\0' && *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return moim_fail(err, MOIM_ERR_INPUT,
			    "control character in local part");
		g_string_append_c(raw, *p);
	}
	if (*p != '"' || p[1] != '\0')
		return moim_fail(err, MOIM_ERR_INPUT, "bad quoted local part");
	if (raw->len == 0)
		return moim_fail(err, MOIM_ERR_INPUT, "empty local part");
	if (!g_utf8_validate(raw->str, raw->len, NULL))
		return moim_fail(err, MOIM_ERR_INPUT, "local part not UTF-8");
	return true;
}

/* canonical_local - lower-case a local part; keep quotes only if needed */
static char *
canonical_local(const char *local, GError **err)
{
	g_autoptr(GString) raw = g_string_new(NULL);
	GString *out;
	const char *p;

	if (local[0] != '"') {
		if (!is_dot_atom(local))
			return fail_null(err, "bad local part");
		return g_ascii_strdown(local, -1);
	}
	if (!unquote_local(local, raw, err))
		return NULL;
	if (is_dot_atom(raw->str))
		return g_ascii_strdown(raw->str, -1);
	out = g_string_new("\"");
	for (p = raw->str; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(out, '\\');
		g_string_append_c(out, g_ascii_tolower(*p));
	}
	g_string_append_c(out, '"');
	return g_string_free(out, FALSE);
}

/* is_hostname - whether s is lower-case LDH labels joined by dots */
static bool
is_hostname(const char *s)
{
	size_t label = 0;
	const char *p;

	if (*s == '\0' || strlen(s) > MOIM_MAX_DOMAIN)
		return false;
	for (p = s; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!g_ascii_islower(*p) && !g_ascii_isdigit(*p) && *p != '-')
			return false;
		if (label == 0 && *p == '-')
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0 && p[-1] != '-';
}

/* canonical_domain - a domain as lower-case ASCII, IDN converted */
static char *
canonical_domain(const char *domain, GError **err)
{
	g_autofree char *ascii = NULL;
	char *lower;

	if (*domain == '\0')
		return fail_null(err, "empty domain");
	if (*domain == '[')
		return fail_null(err, "domain literal");
	if (!g_utf8_validate(domain, -1, NULL))
		return fail_null(err, "domain not UTF-8");
	ascii = g_hostname_to_ascii(domain);
	if (ascii == NULL)
		return fail_null(err, "bad IDN domain");
	lower = g_ascii_strdown(ascii, -1);
	if (!is_hostname(lower)) {
		g_free(lower);
		return fail_null(err, "bad domain");
	}
	return lower;
}

/* clean_display_name - a display name as UTF-8 without controls, or NULL */
static bool
clean_display_name(const char *name, char **name_out, GError **err)
{
	char *s;
	char *p;

	*name_out = NULL;
	if (name == NULL || *name == '\0')
		return true;
	/* GMime converts charsets; a name it could not convert is repaired
	 * rather than refused, since it is only ever displayed. */
	s = g_utf8_make_valid(name, -1);
	for (p = s; *p != '\0'; p++) {
		if (*p == '\t')
			*p = ' ';
		else if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			g_free(s);
			return moim_fail(err, MOIM_ERR_INPUT,
			    "control character in display name");
		}
	}
	*name_out = s;
	return true;
}

/* addr_from_spec - build an address from an addr-spec "local@domain" */
static struct addr *
addr_from_spec(const char *spec, GError **err)
{
	g_autofree char *local = NULL;
	g_autofree char *clocal = NULL;
	g_autofree char *domain = NULL;
	const char *at = strrchr(spec, '@');
	struct addr *a;

	if (strlen(spec) > MOIM_MAX_ADDR)
		return fail_null(err, "address too long");
	if (at == NULL)
		return fail_null(err, "no @ in address");
	if (at == spec)
		return fail_null(err, "empty local part");
	local = g_strndup(spec, at - spec);
	clocal = canonical_local(local, err);
	if (clocal == NULL)
		return NULL;
	domain = canonical_domain(at + 1, err);
	if (domain == NULL)
		return NULL;
	if (strlen(clocal) + 1 + strlen(domain) > MOIM_MAX_ADDR)
		return fail_null(err, "address too long");
	a = g_new0(struct addr, 1);
	a->canonical = g_strconcat(clocal, "@", domain, NULL);
	a->local = g_steal_pointer(&clocal);
	a->domain = g_steal_pointer(&domain);
	return a;
}

/* raw_phrase - the display name of a "phrase <addr>" mailbox as written:
 * what precedes the first "<" outside quotes and comments, quotes and
 * their backslashes removed, comments dropped, encoded words left as
 * they are; NULL when there is no such "<" */
static char *
raw_phrase(const char *s)
{
	GString *out = g_string_new(NULL);
	bool in_quote = false;
	int depth = 0;

	for (const char *p = s; *p != '\0'; p++) {
		bool is_escape = *p == '\\' && p[1] != '\0';

		if (in_quote || depth > 0) {
			if (is_escape)
				p++;
			else if (in_quote && *p == '"')
				in_quote = false;
			else if (depth > 0 && (*p == '(' || *p == ')'))
				depth += *p == '(' ? 1 : -1;
			if (in_quote && (is_escape || *p != '"'))
				g_string_append_c(out, *p);
		} else if (*p == '"') {
			in_quote = true;
		} else if (*p == '(') {
			depth = 1;
		} else if (*p == '<') {
			return g_string_free(out, FALSE);
		} else {
			g_string_append_c(out, *p);
		}
	}
	g_string_free(out, TRUE);
	return NULL;
}

/* addr_from_mailbox - validate one mailbox that GMime parsed from raw
 * (NULL: a member of a list, whose name GMime's is) */
static struct addr *
addr_from_mailbox(InternetAddress *ia, const char *raw, GError **err)
{
	InternetAddressMailbox *mb = INTERNET_ADDRESS_MAILBOX(ia);
	const char *spec = internet_address_mailbox_get_addr(mb);
	g_autofree char *phrase = raw != NULL ? raw_phrase(raw) : NULL;
	g_autofree char *decoded = NULL;
	const char *dn = internet_address_get_name(ia);
	char *name;
	struct addr *a;

	if (spec == NULL)
		return fail_null(err, "no address");
	if (phrase != NULL) {
		decoded = hdrtext_decode(phrase, strlen(phrase));
		dn = decoded;
	}
	if (!clean_display_name(dn, &name, err))
		return NULL;
	a = addr_from_spec(spec, err);
	if (a == NULL) {
		g_free(name);
		return NULL;
	}
	a->display_name = name;
	return a;
}

/* parse_one - exactly one mailbox from a NUL-free, bounded buffer */
static struct addr *
parse_one(const char *buf, size_t len, GError **err)
{
	g_autofree char *s = g_strndup(buf, len);
	InternetAddressList *list;
	InternetAddress *ia;
	struct addr *a;

	list = internet_address_list_parse(parser_options(), s);
	if (list == NULL)
		return fail_null(err, "no mailbox");
	if (internet_address_list_length(list) != 1) {
		g_object_unref(list);
		return fail_null(err, "not one mailbox");
	}
	ia = internet_address_list_get_address(list, 0);
	if (!INTERNET_ADDRESS_IS_MAILBOX(ia)) {
		g_object_unref(list);
		return fail_null(err, "group, not a mailbox");
	}
	a = addr_from_mailbox(ia, s, err);
	g_object_unref(list);
	return a;
}

/* check_raw - the checks every raw input gets before GMime sees it */
static bool
check_raw(const char *buf, size_t len, size_t max, GError **err)
{
	if (buf == NULL)
		return moim_fail(err, MOIM_ERR_INPUT, "no address");
	if (len > max)
		return moim_fail(err, MOIM_ERR_INPUT, "address too long");
	if (has_forbidden_byte(buf, len))
		return moim_fail(
		    err, MOIM_ERR_INPUT, "CR, LF or NUL in address");
	return true;
}

/* parse_spec - one addr-spec, without display name, comment or brackets */
static struct addr *
parse_spec(const char *buf, size_t len, GError **err)
{
	struct addr *a;

	if (!check_raw(buf, len, MOIM_MAX_ADDR, err))
		return NULL;
	if (memchr(buf, '<', len) != NULL || memchr(buf, '>', len) != NULL)
		return fail_null(err, "angle bracket in address");
	a = parse_one(buf, len, err);
	if (a != NULL && a->display_name != NULL) {
		addr_free(a);
		return fail_null(err, "not a bare address");
	}
	return a;
}

/* addr_parse - parse exactly one mailbox from untrusted bytes */
bool
addr_parse(const char *buf, size_t len, struct addr **a_out, GError **err)
{
	*a_out = NULL;
	if (!check_raw(buf, len, MOIM_MAX_ADDR, err))
		return false;
	*a_out = parse_one(buf, len, err);
	return *a_out != NULL;
}

/* unfold - copy a header value without its folding; NULL on a stray break */
static char *
unfold(const char *buf, size_t len)
{
	GString *out = g_string_sized_new(len);
	size_t i;

	for (i = 0; i < len; i++) {
		size_t brk = 0;

		if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
			brk = 2;
		else if (buf[i] == '\n')
			brk = 1;
		if (brk > 0 && i + brk < len &&
		    (buf[i + brk] == ' ' || buf[i + brk] == '\t')) {
			i += brk - 1;
			continue;
		}
		if (buf[i] == '\0' || buf[i] == '\r' || buf[i] == '\n') {
			g_string_free(out, TRUE);
			return NULL;
		}
		g_string_append_c(out, buf[i]);
	}
	return g_string_free(out, FALSE);
}

/* flatten - append the valid mailboxes of list (and its groups) to arr */
static bool
flatten(InternetAddressList *list, GPtrArray *arr, int depth, GError **err)
{
	int i;

	for (i = 0; i < internet_address_list_length(list); i++) {
		InternetAddress *ia =
		    internet_address_list_get_address(list, i);
		struct addr *a;

		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			InternetAddressGroup *g = INTERNET_ADDRESS_GROUP(ia);

			if (depth < ADDR_MAX_GROUP_DEPTH &&
			    !flatten(internet_address_group_get_members(g), arr,
				depth + 1, err))
				return false;
			continue;
		}
		/* A bad entry is skipped: the rest of the field still counts.
		 */
		a = addr_from_mailbox(ia, NULL, NULL);
		if (a == NULL)
			continue;
		if (arr->len >= MOIM_MAX_RCPTS) {
			addr_free(a);
			return moim_fail(err, MOIM_ERR_INPUT,
			    "more than %d addresses", MOIM_MAX_RCPTS);
		}
		g_ptr_array_add(arr, a);
	}
	return true;
}

/* addr_parse_list - the valid mailboxes of a To/Cc value, groups flattened */
GPtrArray *
addr_parse_list(const char *buf, size_t len, GError **err)
{
	g_autofree char *s = NULL;
	InternetAddressList *list;
	GPtrArray *arr;

	if (buf == NULL)
		return fail_null(err, "no header value");
	if (len > MOIM_MAX_HEADER_FIELD)
		return fail_null(err, "header value too long");
	s = unfold(buf, len);
	if (s == NULL)
		return fail_null(err, "CR, LF or NUL in header value");
	arr = g_ptr_array_new_with_free_func((GDestroyNotify)addr_free);
	list = internet_address_list_parse(parser_options(), s);
	if (list == NULL)
		return arr;
	if (!flatten(list, arr, 0, err))
		g_clear_pointer(&arr, g_ptr_array_unref);
	g_object_unref(list);
	return arr;
}

/* addr_parse_path - an SMTP path; "<>" is the null sender (NULL, true) */
bool
addr_parse_path(const char *buf, size_t len, struct addr **a_out, GError **err)
{
	const char *colon;

	*a_out = NULL;
	if (!check_raw(buf, len, MOIM_MAX_ADDR, err))
		return false;
	if (len == 2 && memcmp(buf, "<>", 2) == 0)
		return true;
	if (len >= 2 && buf[0] == '<' && buf[len - 1] == '>') {
		buf++;
		len -= 2;
	}
	/* RFC 5321 4.1.2: a source route "@a,@b:" is accepted and ignored. */
	if (len > 0 && buf[0] == '@') {
		colon = memchr(buf, ':', len);
		if (colon == NULL)
			return moim_fail(
			    err, MOIM_ERR_INPUT, "bad source route");
		len -= colon + 1 - buf;
		buf = colon + 1;
	}
	if (len == 0)
		return moim_fail(err, MOIM_ERR_INPUT, "empty path");
	*a_out = parse_spec(buf, len, err);
	return *a_out != NULL;
}

/* addr_new - an address from trusted parts, checked like addr_parse() */
struct addr *
addr_new(const char *display_name, const char *address, GError **err)
{
	struct addr *a;
	char *name;

	if (address == NULL)
		return fail_null(err, "no address");
	if (display_name != NULL && !g_utf8_validate(display_name, -1, NULL))
		return fail_null(err, "display name not UTF-8");
	if (!clean_display_name(display_name, &name, err))
		return NULL;
	a = parse_spec(address, strnlen(address, MOIM_MAX_ADDR + 1), err);
	if (a == NULL) {
		g_free(name);
		return NULL;
	}
	a->display_name = name;
	return a;
}

/* addr_dup - an owned copy of a */
struct addr *
addr_dup(const struct addr *a)
{
	struct addr *b = g_new0(struct addr, 1);

	b->canonical = g_strdup(a->canonical);
	b->local = g_strdup(a->local);
	b->domain = g_strdup(a->domain);
	b->display_name = g_strdup(a->display_name);
	return b;
}

/* addr_free - release a; NULL is fine */
void
addr_free(struct addr *a)
{
	if (a == NULL)
		return;
	g_free(a->canonical);
	g_free(a->local);
	g_free(a->domain);
	g_free(a->display_name);
	g_free(a);
}

/* addr_canonical - local@domain, the key for member lookups */
const char *
addr_canonical(const struct addr *a)
{
	return a->canonical;
}

/* addr_local - the lower-cased local part */
const char *
addr_local(const struct addr *a)
{
	return a->local;
}

/* addr_domain - the canonical (ASCII, lower-case) domain */
const char *
addr_domain(const struct addr *a)
{
	return a->domain;
}

/* addr_display_name - the UTF-8 display name, or NULL */
const char *
addr_display_name(const struct addr *a)
{
	return a->display_name;
}

/* addr_format - an RFC 5322 mailbox for a header, name RFC 2047 encoded */
char *
addr_format(const struct addr *a)
{
	InternetAddress *ia;
	char *s;

	/* Not GMime's words: GMime 3.2.13 cuts its own (lib/hdrtext). One
	 * line: the caller's header setter folds it. */
	if (a->display_name != NULL && !g_str_is_ascii(a->display_name)) {
		size_t col = 0;
		g_autofree char *p =
		    hdrtext_encode_phrase(a->display_name, &col);
		g_auto(GStrv) lines = g_strsplit(p, "\n ", -1);
		g_autofree char *one = g_strjoinv(" ", lines);

		return g_strdup_printf("%s <%s>", one, a->canonical);
	}
	(void)parser_options(); /* g_mime_init() */
	ia = internet_address_mailbox_new(
	    a->display_name != NULL ? a->display_name : "", a->canonical);
	s = internet_address_to_string(ia, NULL, TRUE);
	g_object_unref(ia);
	return s;
}

/* addr_is_valid_mailbox - the stricter check for an address an admin typed */
bool
addr_is_valid_mailbox(const char *address)
{
	struct addr *a;
	const char *p;
	bool ok;

	if (address == NULL ||
	    strnlen(address, MOIM_MAX_ADDR + 1) > MOIM_MAX_ADDR)
		return false;
	for (p = address; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	a = parse_spec(address, strlen(address), NULL);
	if (a == NULL)
		return false;
	ok = strlen(a->local) <= MOIM_MAX_LOCALPART &&
	    (strchr(a->domain, '.') != NULL ||
		g_str_has_prefix(a->domain, "xn--"));
	addr_free(a);
	return ok;
}
