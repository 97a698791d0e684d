/*
 * dmarc - find the DMARC policy an author's domain publishes
 *
 * Three parts: the record parser (pure, fuzzed), the DNS exchange (one
 * query, one deadline, our own sockets; glibc's resolver only builds the
 * query, names the servers and parses the answer), and the cache that
 * keeps the answer per name. dmarc_lookup() joins them in the order of
 * RFC 7489 6.6.3.
 */
#include "config.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <resolv.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libpsl.h>

#include "dmarc.h"
#include "dns.h"
#include "err.h"
#include "limits.h"

/* What one name said, as the cache keeps it. */
enum name_state {
	NAME_FAIL, /* no usable answer: DMARC_DNS_FAIL */
	NAME_EMPTY, /* no DMARC record or no such name: look further */
	NAME_UNUSABLE, /* several records, or one without a policy */
	NAME_POLICY, /* p and sp below */
};

struct outcome {
	enum name_state state;
	enum dmarc_result p;
	enum dmarc_result sp;
};

struct entry {
	char *name; /* the hash table's key */
	struct outcome o;
	gint64 expires;
	GList link; /* in struct dmarc's order, oldest first */
};

struct dmarc {
	struct dns *dns; /* shared with DKIM and ARC key lookups */
	int timeout_ms;
	bool has_server; /* else /etc/resolv.conf's servers */
	struct sockaddr_storage server;
	socklen_t server_len;
	GMutex lock; /* guards cache and order */
	GHashTable *cache; /* name -> struct entry * */
	GQueue order;
};

/* The servers one lookup asks. */
struct servers {
	struct sockaddr_storage addr[MAXNS];
	socklen_t len[MAXNS];
	int n;
};

/* The names an answer's records may be for: the question's name and the
 * CNAMEs it leads to. */
struct chain {
	char name[DMARC_MAX_CNAMES + 1][NS_MAXDNAME];
	int n;
};

/* A piece of a record, not NUL-terminated. */
struct slice {
	const char *p;
	size_t n;
};

/* What the tags of one record said before the record is judged. */
struct tag_state {
	bool is_p_ok; /* a valid p= was seen */
	bool has_bad_sp; /* an sp= was seen */
};

/* trim - s without blanks (RFC 5234 WSP) at either end */
static struct slice
trim(struct slice s)
{
	while (s.n > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
		s.n--;
	return s;
}

/* is_word - whether s is lit, without regard to ASCII case */
static bool
is_word(struct slice s, const char *lit)
{
	return s.n == strlen(lit) && g_ascii_strncasecmp(s.p, lit, s.n) == 0;
}

/* next_part - cut the text up to the next ';' (or the end) off *rest;
 * rest->p becomes NULL after the last part */
static struct slice
next_part(struct slice *rest)
{
	struct slice part = *rest;
	const char *semi = memchr(rest->p, ';', rest->n);

	if (semi == NULL) {
		rest->p = NULL;
		rest->n = 0;
		return part;
	}
	part.n = (size_t)(semi - rest->p);
	rest->n -= part.n + 1;
	rest->p = semi + 1;
	return part;
}

/* split_tag - "name = value" into its trimmed halves; false without '=' */
static bool
split_tag(struct slice part, struct slice *name_out, struct slice *value_out)
{
	const char *eq = memchr(part.p, '=', part.n);

	if (eq == NULL)
		return false;
	*name_out = trim((struct slice){part.p, (size_t)(eq - part.p)});
	*value_out =
	    trim((struct slice){eq + 1, part.n - (size_t)(eq - part.p) - 1});
	return true;
}

/* policy_value - none, quarantine or reject (any case) */
static bool
policy_value(struct slice v, enum dmarc_result *out)
{
	if (is_word(v, "none"))
		*out = DMARC_NONE;
	else if (is_word(v, "quarantine"))
		*out = DMARC_QUARANTINE;
	else if (is_word(v, "reject"))
		*out = DMARC_REJECT;
	else
		return false;
	return true;
}

/* is_uri - whether s looks like a URI of RFC 3986: a scheme, ':', and
 * something after it, without blanks (a "!size" suffix is allowed) */
static bool
is_uri(struct slice s)
{
	size_t i = 0;

	if (s.n == 0 || !g_ascii_isalpha(s.p[0]))
		return false;
	while (i < s.n &&
	    (g_ascii_isalnum(s.p[i]) || s.p[i] == '+' || s.p[i] == '-' ||
		s.p[i] == '.'))
		i++;
	if (i == s.n || s.p[i] != ':' || i + 1 == s.n)
		return false;
	for (; i < s.n; i++)
		if (!g_ascii_isgraph(s.p[i]))
			return false;
	return true;
}

/* has_uri - whether a comma-separated rua value holds at least one URI */
static bool
has_uri(struct slice v)
{
	struct slice item;
	const char *comma;

	while (v.p != NULL) {
		item = v;
		if ((comma = memchr(v.p, ',', v.n)) != NULL) {
			item.n = (size_t)(comma - v.p);
			v.n -= item.n + 1;
			v.p = comma + 1;
		} else {
			v.p = NULL;
		}
		if (is_uri(trim(item)))
			return true;
	}
	return false;
}

/* pct_value - a whole number 0..100 of at most three digits */
static bool
pct_value(struct slice v, int *out)
{
	int n = 0;

	if (v.n == 0 || v.n > 3)
		return false;
	for (size_t i = 0; i < v.n; i++) {
		if (!g_ascii_isdigit(v.p[i]))
			return false;
		n = n * 10 + (v.p[i] - '0');
	}
	if (n > 100)
		return false;
	*out = n;
	return true;
}

/* mode_value - adkim or aspf: r or s (any case); else *out stays */
static void
mode_value(struct slice v, char *out)
{
	if (is_word(v, "r"))
		*out = 'r';
	else if (is_word(v, "s"))
		*out = 's';
}

/* note_policy - note the p= or sp= value v in *p (seen: one was noted
 * before); of several, the strictest counts, since a receiver may read
 * any of them and a munged copy is the one that surely arrives */
static bool
note_policy(struct slice v, bool seen, enum dmarc_result *p)
{
	enum dmarc_result r;

	if (!policy_value(v, &r))
		return false;
	if (!seen || r > *p)
		*p = r;
	return true;
}

/* apply_tag - note one tag of a record in rec and ts; unknown tags are
 * ignored (RFC 7489 6.3), and so is a malformed pct, adkim or aspf */
static void
apply_tag(struct dmarc_record *rec, struct tag_state *ts, struct slice name,
    struct slice value)
{
	int pct;

	if (is_word(name, "p")) {
		if (note_policy(value, ts->is_p_ok, &rec->p))
			ts->is_p_ok = true;
	} else if (is_word(name, "sp")) {
		ts->has_bad_sp = true; /* until judge() sees has_sp */
		if (note_policy(value, rec->has_sp, &rec->sp))
			rec->has_sp = true;
	} else if (is_word(name, "pct")) {
		if (pct_value(value, &pct))
			rec->pct = pct;
	} else if (is_word(name, "adkim")) {
		mode_value(value, &rec->adkim);
	} else if (is_word(name, "aspf")) {
		mode_value(value, &rec->aspf);
	} else if (is_word(name, "rua")) {
		rec->has_rua = rec->has_rua || has_uri(value);
	}
}

/* judge - whether the tags give a usable policy (RFC 7489 6.6.3) */
static void
judge(struct dmarc_record *rec, const struct tag_state *ts)
{
	if (ts->is_p_ok && (rec->has_sp || !ts->has_bad_sp)) {
		if (!rec->has_sp)
			rec->sp = rec->p;
		rec->is_valid = true;
		return;
	}
	/* A bad or missing p (or a bad sp) with a report address: p=none. */
	rec->p = rec->sp = DMARC_NONE;
	rec->has_sp = false;
	rec->is_valid = rec->has_rua;
}

/* dmarc_record_parse - read the text of one TXT record */
void
dmarc_record_parse(const char *buf, size_t len, struct dmarc_record *rec_out)
{
	struct slice rest = {buf, len}, part, name, value;
	struct tag_state ts = {false, false};

	memset(rec_out, 0, sizeof(*rec_out));
	rec_out->p = rec_out->sp = DMARC_NONE;
	rec_out->pct = 100;
	rec_out->adkim = rec_out->aspf = 'r';
	if (buf == NULL)
		return;
	part = next_part(&rest);
	if (!split_tag(part, &name, &value) || !is_word(name, "v") ||
	    !is_word(value, "DMARC1"))
		return; /* not a DMARC record: ignored */
	rec_out->is_dmarc = true;
	if (len > DMARC_MAX_RECORD)
		return;
	while (rest.p != NULL) {
		part = next_part(&rest);
		if (split_tag(part, &name, &value))
			apply_tag(rec_out, &ts, name, value);
	}
	judge(rec_out, &ts);
}

/* is_dns_name - labels of letters, digits, '-' and '_', each 1..63
 * bytes, the whole at most MOIM_MAX_DOMAIN bytes, and a last label that
 * is not all digits (which would make an IPv4 address a domain) */
static bool
is_dns_name(const char *s)
{
	size_t label = 0, n = strlen(s);
	const char *last = strrchr(s, '.');

	if (n == 0 || n > MOIM_MAX_DOMAIN)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (s[i] == '.' || s[i] == '\0') {
			if (label == 0 || label > 63)
				return false;
			label = 0;
			continue;
		}
		if (!g_ascii_isalnum(s[i]) && s[i] != '-' && s[i] != '_')
			return false;
		label++;
	}
	last = last != NULL ? last + 1 : s;
	return strspn(last, "0123456789") != strlen(last);
}

/* normalise - domain as lower-case ASCII (IDN as xn--) without a
 * trailing dot, or NULL when it is no DNS name */
static char *
normalise(const char *domain)
{
	g_autofree char *ascii = NULL;
	char *lower;
	size_t n;

	/* g_hostname_to_ascii() reads past the end of invalid UTF-8 */
	if (domain == NULL ||
	    strnlen(domain, 4 * MOIM_MAX_DOMAIN + 1) > 4 * MOIM_MAX_DOMAIN ||
	    !g_utf8_validate(domain, -1, NULL) ||
	    (ascii = g_hostname_to_ascii(domain)) == NULL)
		return NULL;
	lower = g_ascii_strdown(ascii, -1);
	n = strlen(lower);
	if (n > 1 && lower[n - 1] == '.')
		lower[n - 1] = '\0';
	if (!is_dns_name(lower))
		g_clear_pointer(&lower, g_free);
	return lower;
}

/* psl - the Public Suffix List, loaded once: the newer of the file the
 * publicsuffix package installs and libpsl's built-in copy */
static const psl_ctx_t *
psl(void)
{
	static gsize once = 0;
	static const psl_ctx_t *ctx = NULL;
	const psl_ctx_t *latest;

	if (g_once_init_enter(&once)) {
		/* Kept for the life of the process; it is never changed. */
		latest = psl_latest(NULL);
		ctx = latest != NULL ? latest : psl_builtin();
		g_once_init_leave(&once, 1);
	}
	return ctx;
}

/* org_of - the organizational domain of a normalised name, or NULL */
static char *
org_of(const char *name)
{
	const psl_ctx_t *ctx = psl();
	const char *reg;

	if (ctx == NULL || (reg = psl_registrable_domain(ctx, name)) == NULL)
		return NULL;
	return g_strdup(reg);
}

/* dmarc_org_domain - the organizational domain of domain, or NULL */
char *
dmarc_org_domain(const char *domain)
{
	g_autofree char *name = normalise(domain);

	return name != NULL ? org_of(name) : NULL;
}

/* left_ms - milliseconds until deadline (monotonic microseconds), at
 * least 0, rounded up so that poll() does not wake early */
static int
left_ms(gint64 deadline)
{
	gint64 left = deadline - g_get_monotonic_time();

	return left <= 0 ? 0 : (int)((left + 999) / 1000);
}

/* wait_fd - poll fd for events until deadline; false on timeout */
static bool
wait_fd(int fd, short events, gint64 deadline)
{
	struct pollfd p = {fd, events, 0};
	int n;

	do {
		n = poll(&p, 1, left_ms(deadline));
	} while (n < 0 && errno == EINTR);
	return n > 0;
}

/* reply_matches - whether ans (n bytes) answers query q: same id,
 * marked as a response, the same single question */
static bool
reply_matches(
    const unsigned char *q, const unsigned char *ans, int n, const char *qname)
{
	ns_msg msg;
	ns_rr rr;

	if (n < NS_HFIXEDSZ || ans[0] != q[0] || ans[1] != q[1] ||
	    ns_initparse(ans, n, &msg) < 0 || !ns_msg_getflag(msg, ns_f_qr) ||
	    ns_msg_count(msg, ns_s_qd) != 1 ||
	    ns_parserr(&msg, ns_s_qd, 0, &rr) < 0)
		return false;
	return ns_rr_type(rr) == ns_t_txt && ns_rr_class(rr) == ns_c_in &&
	    g_ascii_strcasecmp(ns_rr_name(rr), qname) == 0;
}

/* open_socket - a non-blocking socket connected (or connecting) to sa */
static int
open_socket(const struct sockaddr_storage *sa, socklen_t len, int type)
{
	int fd = socket(sa->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)sa, len) < 0 &&
	    errno != EINPROGRESS) {
		(void)close(fd); /* nothing was sent: close cannot lose it */
		return -1;
	}
	return fd;
}

/* write_all - write n bytes to a non-blocking socket before deadline */
static bool
write_all(int fd, const unsigned char *buf, size_t n, gint64 deadline)
{
	ssize_t w;

	while (n > 0) {
		if (!wait_fd(fd, POLLOUT, deadline))
			return false;
		w = send(fd, buf, n, MSG_NOSIGNAL);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0)
			return false;
		buf += w;
		n -= (size_t)w;
	}
	return true;
}

/* read_all - read exactly n bytes from a non-blocking socket before
 * deadline */
static bool
read_all(int fd, unsigned char *buf, size_t n, gint64 deadline)
{
	ssize_t r;

	while (n > 0) {
		if (!wait_fd(fd, POLLIN, deadline))
			return false;
		r = recv(fd, buf, n, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return false;
		buf += r;
		n -= (size_t)r;
	}
	return true;
}

/* ask_tcp - send query q over TCP (RFC 1035 4.2.2: two bytes of length
 * first) and read the answer into ans; its length, or -1 */
static int
ask_tcp(const struct sockaddr_storage *sa, socklen_t salen,
    const unsigned char *q, int qlen, unsigned char *ans, gint64 deadline)
{
	unsigned char hdr[2] = {
	    (unsigned char)(qlen >> 8), (unsigned char)qlen};
	int fd = open_socket(sa, salen, SOCK_STREAM), n = -1;
	size_t alen;

	if (fd < 0)
		return -1;
	if (write_all(fd, hdr, 2, deadline) &&
	    write_all(fd, q, (size_t)qlen, deadline) &&
	    read_all(fd, hdr, 2, deadline)) {
		alen = (size_t)hdr[0] << 8 | hdr[1];
		if (alen <= DMARC_MAX_ANSWER &&
		    read_all(fd, ans, alen, deadline))
			n = (int)alen;
	}
	(void)close(fd); /* a query socket: nothing to lose */
	return n;
}

/* udp_receive - one datagram into ans, -1 for a socket error (such as
 * ICMP port unreachable), 0 for one to ignore (too big, EAGAIN) */
static int
udp_receive(int fd, unsigned char *ans)
{
	ssize_t r = recv(fd, ans, DMARC_MAX_ANSWER, MSG_TRUNC);

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	return r > DMARC_MAX_ANSWER ? 0 : (int)r;
}

/* ask_udp - send query q to one server and wait until deadline for its
 * answer, sending it again halfway; the answer's length, or -1 */
static int
ask_udp(const struct sockaddr_storage *sa, socklen_t salen,
    const unsigned char *q, int qlen, const char *qname, unsigned char *ans,
    gint64 deadline)
{
	gint64 start = g_get_monotonic_time();
	gint64 resend = start + (deadline - start) / 2;
	int fd = open_socket(sa, salen, SOCK_DGRAM), n = -1;

	if (fd < 0)
		return -1;
	/* A lost datagram is what the second send is for. */
	(void)send(fd, q, (size_t)qlen, MSG_NOSIGNAL);
	for (;;) {
		if (!wait_fd(
			fd, POLLIN, resend < deadline ? resend : deadline)) {
			if (resend >= deadline)
				break;
			(void)send(fd, q, (size_t)qlen, MSG_NOSIGNAL);
			resend = deadline;
			continue;
		}
		if ((n = udp_receive(fd, ans)) < 0)
			break;
		if (n > 0 && reply_matches(q, ans, n, qname))
			break;
		n = -1; /* not ours: keep waiting */
	}
	(void)close(fd); /* a query socket: nothing to lose */
	return n;
}

/* ask_server - the answer of one server to query q, over UDP and, when
 * it is truncated, again over TCP; its length, or -1 */
static int
ask_server(const struct sockaddr_storage *sa, socklen_t salen,
    const unsigned char *q, int qlen, const char *qname, unsigned char *ans,
    gint64 deadline)
{
	int n = ask_udp(sa, salen, q, qlen, qname, ans, deadline);
	ns_msg msg;

	if (n < 0 || ns_initparse(ans, n, &msg) < 0 ||
	    !ns_msg_getflag(msg, ns_f_tc))
		return n;
	n = ask_tcp(sa, salen, q, qlen, ans, deadline);
	return n >= 0 && reply_matches(q, ans, n, qname) ? n : -1;
}

/* txt_text - the strings of a TXT record's rdata, joined; NULL when the
 * rdata is malformed */
static GString *
txt_text(const ns_rr *rr)
{
	const unsigned char *p = ns_rr_rdata(*rr);
	size_t left = ns_rr_rdlen(*rr), n;
	GString *s = g_string_sized_new(left);

	while (left > 0) {
		n = p[0];
		if (n + 1 > left) {
			g_string_free(s, true);
			return NULL;
		}
		g_string_append_len(s, (const char *)p + 1, (gssize)n);
		p += n + 1;
		left -= n + 1;
	}
	return s;
}

/* is_chain_name - whether name is one of the names of c */
static bool
is_chain_name(const struct chain *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (g_ascii_strcasecmp(c->name[i], name) == 0)
			return true;
	return false;
}

/* follow_cnames - add to c (which holds the question's name) the names
 * CNAMEs in the answer lead to, in whatever order they come */
static bool
follow_cnames(ns_msg *msg, struct chain *c)
{
	int before = 0, count = ns_msg_count(*msg, ns_s_an);
	ns_rr rr;

	while (c->n != before && c->n <= DMARC_MAX_CNAMES) {
		before = c->n;
		for (int i = 0; i < count && c->n <= DMARC_MAX_CNAMES; i++) {
			if (ns_parserr(msg, ns_s_an, i, &rr) < 0)
				return false;
			if (ns_rr_type(rr) != ns_t_cname ||
			    !is_chain_name(c, ns_rr_name(rr)) ||
			    ns_name_uncompress(ns_msg_base(*msg),
				ns_msg_end(*msg), ns_rr_rdata(rr),
				c->name[c->n], NS_MAXDNAME) < 0 ||
			    is_chain_name(c, c->name[c->n]))
				continue;
			c->n++;
		}
	}
	return true;
}

/* select_record - the outcome of the TXT records at the names of c
 * (RFC 7489 6.6.3 step 5: exactly one DMARC record, or none) */
static struct outcome
select_record(ns_msg *msg, const struct chain *c)
{
	struct outcome o = {NAME_EMPTY, DMARC_NONE, DMARC_NONE};
	struct dmarc_record rec, found = {0};
	int dmarcs = 0;
	ns_rr rr;
	GString *s;

	for (int i = 0; i < ns_msg_count(*msg, ns_s_an); i++) {
		if (ns_parserr(msg, ns_s_an, i, &rr) < 0)
			return (struct outcome){NAME_FAIL, 0, 0};
		if (ns_rr_type(rr) != ns_t_txt || ns_rr_class(rr) != ns_c_in ||
		    !is_chain_name(c, ns_rr_name(rr)))
			continue;
		if ((s = txt_text(&rr)) == NULL)
			return (struct outcome){NAME_FAIL, 0, 0};
		dmarc_record_parse(s->str, s->len, &rec);
		g_string_free(s, true);
		if (rec.is_dmarc && dmarcs++ == 0)
			found = rec;
	}
	if (dmarcs > 1 || (dmarcs == 1 && !found.is_valid))
		o.state = NAME_UNUSABLE;
	else if (dmarcs == 1)
		o = (struct outcome){NAME_POLICY, found.p, found.sp};
	return o;
}

/* read_answer - what an answer of n bytes to qname says */
static struct outcome
read_answer(const unsigned char *ans, int n, const char *qname)
{
	struct chain *c = g_new0(struct chain, 1);
	struct outcome o = {NAME_FAIL, DMARC_NONE, DMARC_NONE};
	ns_msg msg;
	int rcode;

	if (ns_initparse(ans, n, &msg) < 0)
		goto out;
	rcode = ns_msg_getflag(msg, ns_f_rcode);
	if (rcode == ns_r_nxdomain) {
		o.state = NAME_EMPTY;
		goto out;
	}
	if (rcode != ns_r_noerror)
		goto out; /* SERVFAIL, REFUSED, ...: ask the next server */
	g_strlcpy(c->name[0], qname, NS_MAXDNAME);
	c->n = 1;
	if (follow_cnames(&msg, c))
		o = select_record(&msg, c);
out:
	g_free(c);
	return o;
}

/* servers_of - the servers to ask: d's, or those of st (resolv.conf;
 * glibc keeps an IPv6 server in _u._ext.nsaddrs) */
static void
servers_of(
    const struct dmarc *d, const struct __res_state *st, struct servers *out)
{
	out->n = 0;
	if (d->has_server) {
		out->addr[0] = d->server;
		out->len[0] = d->server_len;
		out->n = 1;
		return;
	}
	for (int i = 0; i < st->nscount && i < MAXNS; i++) {
		if (st->nsaddr_list[i].sin_family == AF_INET) {
			memcpy(&out->addr[out->n], &st->nsaddr_list[i],
			    sizeof(struct sockaddr_in));
			out->len[out->n++] = sizeof(struct sockaddr_in);
		} else if (st->_u._ext.nsaddrs[i] != NULL) {
			memcpy(&out->addr[out->n], st->_u._ext.nsaddrs[i],
			    sizeof(struct sockaddr_in6));
			out->len[out->n++] = sizeof(struct sockaddr_in6);
		}
	}
}

/* make_query - a TXT query for qname into q, with a random id; its
 * length, or -1 */
static int
make_query(
    struct __res_state *st, const char *qname, unsigned char *q, int size)
{
	guint16 id;
	int n = res_nmkquery(
	    st, ns_o_query, qname, ns_c_in, ns_t_txt, NULL, 0, NULL, q, size);

	if (n < NS_HFIXEDSZ)
		return -1;
	/* The id is half of what keeps a forged answer out; the kernel's
	 * random source port is the other. */
	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id))
		id = (guint16)g_random_int();
	memcpy(q, &id, sizeof(id));
	return n;
}

/* query_name - ask the servers in turn, each for its share of the time
 * left, what _dmarc.NAME holds */
static struct outcome
query_name(const struct dmarc *d, const char *qname, gint64 deadline)
{
	struct outcome o = {NAME_FAIL, DMARC_NONE, DMARC_NONE};
	unsigned char q[NS_PACKETSZ], *ans = g_malloc(DMARC_MAX_ANSWER);
	struct __res_state st;
	struct servers sv;
	gint64 share;
	int qlen, n;

	memset(&st, 0, sizeof(st));
	if (res_ninit(&st) < 0)
		goto out;
	servers_of(d, &st, &sv);
	if ((qlen = make_query(&st, qname, q, sizeof(q))) < 0)
		goto close;
	for (int i = 0; i < sv.n && o.state == NAME_FAIL; i++) {
		share = (deadline - g_get_monotonic_time()) / (sv.n - i);
		if (share <= 0)
			break;
		n = ask_server(&sv.addr[i], sv.len[i], q, qlen, qname, ans,
		    g_get_monotonic_time() + share);
		if (n >= 0)
			o = read_answer(ans, n, qname);
	}
close:
	res_nclose(&st);
out:
	g_free(ans);
	return o;
}

/* entry_free - free one cache entry (already out of the order queue) */
static void
entry_free(gpointer p)
{
	struct entry *e = p;

	g_free(e->name);
	g_free(e);
}

/* cache_drop - remove e from d's cache; d->lock is held */
static void
cache_drop(struct dmarc *d, struct entry *e)
{
	g_queue_unlink(&d->order, &e->link);
	g_hash_table_remove(d->cache, e->name); /* frees e */
}

/* cache_get - the unexpired outcome of name, if cached */
static bool
cache_get(struct dmarc *d, const char *name, gint64 now, struct outcome *out)
{
	struct entry *e;
	bool found = false;

	g_mutex_lock(&d->lock);
	if ((e = g_hash_table_lookup(d->cache, name)) != NULL) {
		if (now < e->expires) {
			*out = e->o;
			found = true;
		} else {
			cache_drop(d, e);
		}
	}
	g_mutex_unlock(&d->lock);
	return found;
}

/* cache_put - keep the outcome of name, dropping the oldest entry when
 * the cache is full */
static void
cache_put(struct dmarc *d, const char *name, struct outcome o, gint64 now)
{
	struct entry *e = g_new0(struct entry, 1), *old;

	e->name = g_strdup(name);
	e->o = o;
	e->expires =
	    now + (o.state == NAME_FAIL ? DMARC_FAIL_TTL : DMARC_CACHE_TTL);
	e->link.data = e;
	g_mutex_lock(&d->lock);
	if ((old = g_hash_table_lookup(d->cache, name)) != NULL)
		cache_drop(d, old);
	while (d->order.length >= DMARC_CACHE_MAX)
		cache_drop(d, d->order.head->data);
	g_queue_push_tail_link(&d->order, &e->link);
	g_hash_table_insert(d->cache, e->name, e);
	g_mutex_unlock(&d->lock);
}

/* outcome_of - what _dmarc.NAME holds, from the cache or the servers */
static struct outcome
outcome_of(struct dmarc *d, const char *name, gint64 now, gint64 deadline)
{
	g_autofree char *qname = g_strconcat("_dmarc.", name, NULL);
	struct outcome o;

	/* A name that leaves no room for "_dmarc." can have no record. */
	if (strlen(qname) > MOIM_MAX_DOMAIN - 2)
		return (struct outcome){NAME_EMPTY, DMARC_NONE, DMARC_NONE};
	if (cache_get(d, name, now, &o))
		return o;
	o = query_name(d, qname, deadline);
	cache_put(d, name, o, now);
	return o;
}

/* dmarc_lookup - the policy domain publishes, by RFC 7489 6.6.3 */
enum dmarc_result
dmarc_lookup(struct dmarc *d, const char *domain, gint64 now)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)d->timeout_ms * 1000;
	g_autofree char *name = normalise(domain), *org = NULL;
	struct outcome o;

	if (name == NULL)
		return DMARC_NO_POLICY;
	o = outcome_of(d, name, now, deadline);
	if (o.state == NAME_FAIL)
		return DMARC_DNS_FAIL;
	if (o.state == NAME_POLICY)
		return o.p;
	if (o.state == NAME_UNUSABLE)
		return DMARC_NO_POLICY;
	/* No record at the author's domain: the organization's sp= rules. */
	if ((org = org_of(name)) == NULL || strcmp(org, name) == 0)
		return DMARC_NO_POLICY;
	o = outcome_of(d, org, now, deadline);
	if (o.state == NAME_FAIL)
		return DMARC_DNS_FAIL;
	return o.state == NAME_POLICY ? o.sp : DMARC_NO_POLICY;
}

/* parse_server - "IPV4:PORT" or "[IPV6]:PORT" into a socket address */
static bool
parse_server(const char *spec, struct sockaddr_storage *sa_out,
    socklen_t *len_out, GError **err)
{
	g_autofree char *host = NULL, *path = NULL;
	struct sockaddr_in *v4 = (struct sockaddr_in *)sa_out;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)sa_out;
	int port = 0;

	memset(sa_out, 0, sizeof(*sa_out));
	if (!config_parse_endpoint(spec, &host, &port, &path, err))
		return false;
	if (host != NULL && inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*len_out = sizeof(*v4);
		return true;
	}
	if (host != NULL && inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*len_out = sizeof(*v6);
		return true;
	}
	return moim_fail(err, MOIM_ERR_CONFIG,
	    "DNS server '%.64s' is not IPV4:PORT or [IPV6]:PORT", spec);
}

/* dmarc_new - a resolver with an empty cache */
struct dmarc *
dmarc_new(const char *server, int timeout_ms, GError **err)
{
	struct dmarc *d;

	if (timeout_ms < DMARC_MIN_TIMEOUT_MS ||
	    timeout_ms > DMARC_MAX_TIMEOUT_MS) {
		moim_fail(err, MOIM_ERR_CONFIG,
		    "DNS timeout %d ms is out of range %d..%d", timeout_ms,
		    DMARC_MIN_TIMEOUT_MS, DMARC_MAX_TIMEOUT_MS);
		return NULL;
	}
	d = g_new0(struct dmarc, 1);
	d->timeout_ms = timeout_ms;
	if (server != NULL && server[0] != '\0') {
		if (!parse_server(server, &d->server, &d->server_len, err)) {
			g_free(d);
			return NULL;
		}
		d->has_server = true;
	}
	d->dns = dns_new(server, timeout_ms, err);
	g_assert(d->dns != NULL); /* its checks are the ones just passed */
	g_mutex_init(&d->lock);
	d->cache =
	    g_hash_table_new_full(g_str_hash, g_str_equal, NULL, entry_free);
	g_queue_init(&d->order);
	return d;
}

/* dmarc_free - free d and its cache; NULL is fine */
void
dmarc_free(struct dmarc *d)
{
	if (d == NULL)
		return;
	/* The queue's links live in the entries, which the table frees. */
	g_hash_table_destroy(d->cache);
	g_mutex_clear(&d->lock);
	dns_free(d->dns);
	g_free(d);
}

/* dmarc_dns - the resolver d uses, for DKIM and ARC key lookups */
struct dns *
dmarc_dns(struct dmarc *d)
{
	return d->dns;
}

/* dmarc_wants_munge - whether a result calls for rewriting From */
bool
dmarc_wants_munge(enum dmarc_result r)
{
	return r == DMARC_QUARANTINE || r == DMARC_REJECT ||
	    r == DMARC_DNS_FAIL;
}

/* dmarc_result_name - a result as one word, for logs */
const char *
dmarc_result_name(enum dmarc_result r)
{
	switch (r) {
	case DMARC_NO_POLICY:
		return "no_policy";
	case DMARC_NONE:
		return "none";
	case DMARC_QUARANTINE:
		return "quarantine";
	case DMARC_REJECT:
		return "reject";
	case DMARC_DNS_FAIL:
		return "dns_fail";
	}
	return "unknown";
}
