/*
 * dns - look up TXT records with one deadline and a cache
 *
 * Three parts: name checks, the DNS exchange (one query, one deadline,
 * our own sockets; glibc's resolver only builds the query, names the
 * servers and parses the answer), and the cache that keeps each name's
 * records. It came out of lib/dmarc so that DKIM and ARC key lookups
 * share its server, bounds and cache.
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

#include "dns.h"
#include "err.h"
#include "limits.h"

/* What one name said, as the cache keeps it. */
struct answer {
	enum dns_status status;
	GPtrArray *txt; /* of char *; NULL unless DNS_FOUND */
};

struct entry {
	char *name; /* the hash table's key */
	struct answer a;
	gint64 expires;
	GList link; /* in struct dns's order, oldest first */
};

struct dns {
	int timeout_ms;
	bool has_server; /* else /etc/resolv.conf's servers */
	struct sockaddr_storage server;
	socklen_t server_len;
	GMutex lock; /* guards cache, order and pending */
	GHashTable *cache; /* name -> struct entry * */
	GQueue order;
	GHashTable *pending; /* names being asked (a set) */
	GCond done; /* broadcast when a name leaves pending */
	GThreadPool *pool; /* dns_ready()'s lookups */
	dns_notify_fn notify; /* called after each of them, or NULL */
	void *notify_data;
};

/* One lookup for the pool: the name and the caller's clock. */
struct ask {
	char *name;
	gint64 now;
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

/* dns_name_normalise - domain as lower-case ASCII (IDN as xn--) without a
 * trailing dot, or NULL when it is no DNS name */
char *
dns_name_normalise(const char *domain)
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

/* select_txt - the TXT records at the names of c; DNS_FAIL when the
 * answer is malformed */
static struct answer
select_txt(ns_msg *msg, const struct chain *c)
{
	struct answer a = {DNS_NONE, g_ptr_array_new_with_free_func(g_free)};
	ns_rr rr;
	GString *s;

	for (int i = 0; i < ns_msg_count(*msg, ns_s_an); i++) {
		if (ns_parserr(msg, ns_s_an, i, &rr) < 0)
			goto fail;
		if (ns_rr_type(rr) != ns_t_txt || ns_rr_class(rr) != ns_c_in ||
		    !is_chain_name(c, ns_rr_name(rr)))
			continue;
		if ((s = txt_text(&rr)) == NULL)
			goto fail;
		/* A record with a NUL byte is no text any reader wants. */
		if (memchr(s->str, '\0', s->len) == NULL &&
		    a.txt->len < DNS_MAX_RECORDS)
			g_ptr_array_add(a.txt, g_string_free(s, false));
		else
			g_string_free(s, true);
	}
	if (a.txt->len > 0)
		a.status = DNS_FOUND;
	else
		g_clear_pointer(&a.txt, g_ptr_array_unref);
	return a;
fail:
	g_ptr_array_unref(a.txt);
	return (struct answer){DNS_FAIL, NULL};
}

/* read_answer - what an answer of n bytes to qname says */
static struct answer
read_answer(const unsigned char *ans, int n, const char *qname)
{
	struct chain *c = g_new0(struct chain, 1);
	struct answer a = {DNS_FAIL, NULL};
	ns_msg msg;
	int rcode;

	if (ns_initparse(ans, n, &msg) < 0)
		goto out;
	rcode = ns_msg_getflag(msg, ns_f_rcode);
	if (rcode == ns_r_nxdomain) {
		a.status = DNS_NONE;
		goto out;
	}
	if (rcode != ns_r_noerror)
		goto out; /* SERVFAIL, REFUSED, ...: ask the next server */
	g_strlcpy(c->name[0], qname, NS_MAXDNAME);
	c->n = 1;
	if (follow_cnames(&msg, c))
		a = select_txt(&msg, c);
out:
	g_free(c);
	return a;
}

/* servers_of - the servers to ask: d's, or those of st (resolv.conf;
 * glibc keeps an IPv6 server in _u._ext.nsaddrs) */
static void
servers_of(
    const struct dns *d, const struct __res_state *st, struct servers *out)
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
 * left, what qname holds */
static struct answer
query_name(const struct dns *d, const char *qname, gint64 deadline)
{
	struct answer a = {DNS_FAIL, NULL};
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
	for (int i = 0; i < sv.n && a.status == DNS_FAIL; i++) {
		share = (deadline - g_get_monotonic_time()) / (sv.n - i);
		if (share <= 0)
			break;
		n = ask_server(&sv.addr[i], sv.len[i], q, qlen, qname, ans,
		    g_get_monotonic_time() + share);
		if (n >= 0)
			a = read_answer(ans, n, qname);
	}
close:
	res_nclose(&st);
out:
	g_free(ans);
	return a;
}

/* entry_free - free one cache entry (already out of the order queue) */
static void
entry_free(gpointer p)
{
	struct entry *e = p;

	g_free(e->name);
	if (e->a.txt != NULL)
		g_ptr_array_unref(e->a.txt);
	g_free(e);
}

/* cache_drop - remove e from d's cache; d->lock is held */
static void
cache_drop(struct dns *d, struct entry *e)
{
	g_queue_unlink(&d->order, &e->link);
	g_hash_table_remove(d->cache, e->name); /* frees e */
}

/* dup_string - g_strdup() as a GCopyFunc */
static gpointer
dup_string(gconstpointer s, gpointer unused)
{
	(void)unused;
	return g_strdup(s);
}

/* copy_txt - a copy of records for a caller, or NULL */
static GPtrArray *
copy_txt(GPtrArray *txt)
{
	return txt != NULL ? g_ptr_array_copy(txt, dup_string, NULL) : NULL;
}

/* cache_get - the unexpired answer for name, if cached (a copy); d->lock
 * is held */
static bool
cache_get(struct dns *d, const char *name, gint64 now, struct answer *out)
{
	struct entry *e = g_hash_table_lookup(d->cache, name);

	if (e == NULL)
		return false;
	if (now >= e->expires) {
		cache_drop(d, e);
		return false;
	}
	out->status = e->a.status;
	out->txt = copy_txt(e->a.txt);
	return true;
}

/* cache_put - keep a copy of the answer for name, dropping the oldest
 * entry when the cache is full; d->lock is held */
static void
cache_put(struct dns *d, const char *name, struct answer a, gint64 now)
{
	struct entry *e = g_new0(struct entry, 1), *old;

	e->name = g_strdup(name);
	e->a.status = a.status;
	e->a.txt = copy_txt(a.txt);
	e->expires =
	    now + (a.status == DNS_FAIL ? DMARC_FAIL_TTL : DMARC_CACHE_TTL);
	e->link.data = e;
	if ((old = g_hash_table_lookup(d->cache, name)) != NULL)
		cache_drop(d, old);
	while (d->order.length >= DMARC_CACHE_MAX)
		cache_drop(d, d->order.head->data);
	g_queue_push_tail_link(&d->order, &e->link);
	g_hash_table_insert(d->cache, e->name, e);
}

/* ask_servers - look qname up (it is in d->pending, d->lock is not held),
 * cache the answer and wake those who wait for it */
static struct answer
ask_servers(struct dns *d, const char *qname, gint64 now, gint64 deadline)
{
	struct answer a = query_name(d, qname, deadline);

	g_mutex_lock(&d->lock);
	cache_put(d, qname, a, now);
	g_hash_table_remove(d->pending, qname);
	g_cond_broadcast(&d->done);
	g_mutex_unlock(&d->lock);
	return a;
}

/* dns_txt - the TXT records at name, from the cache or the servers; a
 * lookup of the same name that is under way is waited for, not repeated */
enum dns_status
dns_txt(struct dns *d, const char *name, gint64 now, gint64 deadline,
    GPtrArray **txt_out)
{
	g_autofree char *qname = dns_name_normalise(name);
	struct answer a = {DNS_FAIL, NULL};
	bool is_cached;

	*txt_out = NULL;
	if (qname == NULL)
		return DNS_NONE;
	g_mutex_lock(&d->lock);
	while (!(is_cached = cache_get(d, qname, now, &a)) &&
	    g_hash_table_contains(d->pending, qname) &&
	    g_cond_wait_until(&d->done, &d->lock, deadline))
		;
	if (is_cached || g_hash_table_contains(d->pending, qname) ||
	    g_get_monotonic_time() >= deadline) {
		/* the answer, or no time left to wait or ask */
		g_mutex_unlock(&d->lock);
		*txt_out = a.txt;
		return a.status;
	}
	g_hash_table_add(d->pending, g_strdup(qname));
	g_mutex_unlock(&d->lock);
	a = ask_servers(d, qname, now, deadline);
	*txt_out = a.txt;
	return a.status;
}

/* ask_free - free a pool item */
static void
ask_free(gpointer p)
{
	struct ask *a = p;

	g_free(a->name);
	g_free(a);
}

/* ask_run - a pool thread: one lookup of dns_ready()'s, within d's
 * timeout */
static void
ask_run(gpointer item, gpointer data)
{
	struct dns *d = data;
	struct ask *q = item;
	struct answer a = ask_servers(d, q->name, q->now,
	    g_get_monotonic_time() + (gint64)d->timeout_ms * 1000);

	if (a.txt != NULL)
		g_ptr_array_unref(a.txt);
	ask_free(q);
	if (d->notify != NULL)
		d->notify(d->notify_data);
}

/* dns_ready - whether name's answer is cached; if not, have a pool thread
 * ask for it (unless one does already) */
bool
dns_ready(struct dns *d, const char *name, gint64 now)
{
	g_autofree char *qname = dns_name_normalise(name);
	struct entry *e;
	struct ask *q;
	bool is_ready = true;

	if (qname == NULL)
		return true; /* dns_txt() asks nothing */
	g_mutex_lock(&d->lock);
	e = g_hash_table_lookup(d->cache, qname);
	if (e == NULL || now >= e->expires) {
		is_ready = false;
		/* Past DNS_MAX_PENDING, the name is not asked now: dns_txt()
		 * will, when the caller stops waiting. */
		if (!g_hash_table_contains(d->pending, qname) &&
		    g_hash_table_size(d->pending) < DNS_MAX_PENDING) {
			q = g_new0(struct ask, 1);
			q->name = g_strdup(qname);
			q->now = now;
			g_hash_table_add(d->pending, g_strdup(qname));
			/* A pool that cannot start a thread keeps the item
			 * for the next thread. */
			(void)g_thread_pool_push(d->pool, q, NULL);
		}
	}
	g_mutex_unlock(&d->lock);
	return is_ready;
}

/* dns_set_notify - what to call after each of dns_ready()'s lookups */
void
dns_set_notify(struct dns *d, dns_notify_fn fn, void *data)
{
	d->notify = fn;
	d->notify_data = data;
}

/* dns_txt_lookup - dns_txt() now, within d's timeout: a dns_txt_fn */
enum dns_status
dns_txt_lookup(void *dns, const char *name, GPtrArray **txt_out)
{
	struct dns *d = dns;
	gint64 t = g_get_monotonic_time();

	return dns_txt(d, name, t / G_USEC_PER_SEC,
	    t + (gint64)d->timeout_ms * 1000, txt_out);
}

/* dns_timeout_ms - the timeout d gives each dns_txt_lookup() */
int
dns_timeout_ms(const struct dns *d)
{
	return d->timeout_ms;
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

/* dns_new - a resolver with an empty cache */
struct dns *
dns_new(const char *server, int timeout_ms, GError **err)
{
	struct dns *d;

	if (timeout_ms < DMARC_MIN_TIMEOUT_MS ||
	    timeout_ms > DMARC_MAX_TIMEOUT_MS) {
		moim_fail(err, MOIM_ERR_CONFIG,
		    "DNS timeout %d ms is out of range %d..%d", timeout_ms,
		    DMARC_MIN_TIMEOUT_MS, DMARC_MAX_TIMEOUT_MS);
		return NULL;
	}
	d = g_new0(struct dns, 1);
	d->timeout_ms = timeout_ms;
	if (server != NULL && server[0] != '\0') {
		if (!parse_server(server, &d->server, &d->server_len, err)) {
			g_free(d);
			return NULL;
		}
		d->has_server = true;
	}
	g_mutex_init(&d->lock);
	g_cond_init(&d->done);
	d->cache =
	    g_hash_table_new_full(g_str_hash, g_str_equal, NULL, entry_free);
	g_queue_init(&d->order);
	d->pending =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	/* Shared threads: creating the pool cannot fail. */
	d->pool = g_thread_pool_new_full(
	    ask_run, d, ask_free, DNS_MAX_THREADS, FALSE, NULL);
	return d;
}

/* dns_free - free d and its cache; NULL is fine */
void
dns_free(struct dns *d)
{
	if (d == NULL)
		return;
	/* Lookups not started are dropped; those under way end within
	 * the timeout. */
	g_thread_pool_free(d->pool, TRUE, TRUE);
	/* The queue's links live in the entries, which the table frees. */
	g_hash_table_destroy(d->cache);
	g_hash_table_destroy(d->pending);
	g_cond_clear(&d->done);
	g_mutex_clear(&d->lock);
	g_free(d);
}
