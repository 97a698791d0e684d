/*
 * dmarc_test - unit cases for lib/dmarc: the record parser, the
 * organizational domain, and lookups over real sockets
 *
 * The lookups ask a DNS server that this test runs in a thread of its
 * own on 127.0.0.1 (UDP and TCP on one port). It answers TXT questions
 * from a small zone, NXDOMAIN otherwise, and has names that misbehave:
 * one it never answers, one that gets SERVFAIL, one whose UDP answer is
 * truncated (the full one comes over TCP), one whose first query it
 * drops, and one for which a forged reply with a wrong id comes first.
 * It counts the queries it gets, which is how the cache is seen.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>

#include "dmarc.h"
#include "dns.h"
#include "err.h"

/* The timeout of most lookups; the silent name costs this much. */
#define TIMEOUT_MS 400
/* What the timeout test allows beyond TIMEOUT_MS: scheduling on a busy
 * machine, not the resolver's own slack (it has none). */
#define TIMEOUT_MARGIN_MS 1500

struct parse_case {
	const char *name;
	const char *text;
	size_t len; /* 0: strlen(text) */
	bool is_dmarc;
	bool is_valid;
	enum dmarc_result p;
	enum dmarc_result sp;
	int pct;
};

#define RUA "rua=mailto:dmarc@example.com"

static const struct parse_case parse_cases[] = {
    {"plain reject", "v=DMARC1; p=reject", 0, true, true, DMARC_REJECT,
	DMARC_REJECT, 100},
    {"quarantine with sp and pct", "v=DMARC1; p=quarantine; sp=none; pct=20", 0,
	true, true, DMARC_QUARANTINE, DMARC_NONE, 20},
    {"none without blanks", "v=DMARC1;p=none", 0, true, true, DMARC_NONE,
	DMARC_NONE, 100},
    {"upper and mixed case", "V=dmarc1; P=Reject; SP=QUARANTINE", 0, true, true,
	DMARC_REJECT, DMARC_QUARANTINE, 100},
    {"blanks around = and ;", "  v = DMARC1 ;  p = quarantine ; ", 0, true,
	true, DMARC_QUARANTINE, DMARC_QUARANTINE, 100},
    {"tabs", "v=DMARC1\t;\tp=reject\t", 0, true, true, DMARC_REJECT,
	DMARC_REJECT, 100},
    {"missing p with rua is none", "v=DMARC1; " RUA, 0, true, true, DMARC_NONE,
	DMARC_NONE, 100},
    {"missing p without rua", "v=DMARC1", 0, true, false, DMARC_NONE,
	DMARC_NONE, 100},
    {"only a separator", "v=DMARC1;", 0, true, false, DMARC_NONE, DMARC_NONE,
	100},
    {"p=bogus", "v=DMARC1; p=bogus", 0, true, false, DMARC_NONE, DMARC_NONE,
	100},
    {"p=bogus with rua is none", "v=DMARC1; p=bogus; " RUA, 0, true, true,
	DMARC_NONE, DMARC_NONE, 100},
    {"empty p", "v=DMARC1; p=;", 0, true, false, DMARC_NONE, DMARC_NONE, 100},
    {"sp=bogus spoils p", "v=DMARC1; p=reject; sp=bogus", 0, true, false,
	DMARC_NONE, DMARC_NONE, 100},
    {"sp=bogus with rua is none", "v=DMARC1; p=reject; sp=bogus; " RUA, 0, true,
	true, DMARC_NONE, DMARC_NONE, 100},
    {"v not first", "p=reject; v=DMARC1", 0, false, false, DMARC_NONE,
	DMARC_NONE, 100},
    {"other version", "v=DMARC2; p=reject", 0, false, false, DMARC_NONE,
	DMARC_NONE, 100},
    {"no separator after version", "v=DMARC1 p=reject", 0, false, false,
	DMARC_NONE, DMARC_NONE, 100},
    {"empty", "", 0, false, false, DMARC_NONE, DMARC_NONE, 100},
    {"SPF record", "v=spf1 include:_spf.example.com -all", 0, false, false,
	DMARC_NONE, DMARC_NONE, 100},
    {"binary garbage", "\xff\xfe\x01v=DMARC1; p=reject", 0, false, false,
	DMARC_NONE, DMARC_NONE, 100},
    {"duplicate p: the strictest", "v=DMARC1; p=reject; p=none", 0, true, true,
	DMARC_REJECT, DMARC_REJECT, 100},
    {"duplicate p, one bogus", "v=DMARC1; p=bogus; p=quarantine", 0, true, true,
	DMARC_QUARANTINE, DMARC_QUARANTINE, 100},
    {"pct=0", "v=DMARC1; p=reject; pct=0", 0, true, true, DMARC_REJECT,
	DMARC_REJECT, 0},
    {"pct out of range", "v=DMARC1; p=reject; pct=101", 0, true, true,
	DMARC_REJECT, DMARC_REJECT, 100},
    {"pct not a number", "v=DMARC1; p=reject; pct=1e2", 0, true, true,
	DMARC_REJECT, DMARC_REJECT, 100},
    {"garbage parts ignored", "v=DMARC1; garbage; p=reject; x=y; =; ;;", 0,
	true, true, DMARC_REJECT, DMARC_REJECT, 100},
    {"every tag",
	"v=DMARC1; p=quarantine; sp=reject; adkim=s; aspf=r; fo=1; rf=afrf; "
	"ri=86400; ruf=mailto:f@example.com; " RUA,
	0, true, true, DMARC_QUARANTINE, DMARC_REJECT, 100},
    {"rua without a URI does not rescue", "v=DMARC1; p=x; rua=not a uri", 0,
	true, false, DMARC_NONE, DMARC_NONE, 100},
    {"rua list with one URI", "v=DMARC1; rua= , ,mailto:x@example.com!10m", 0,
	true, true, DMARC_NONE, DMARC_NONE, 100},
    {"NUL inside the p value", "v=DMARC1; p=reject\0x", 19, true, false,
	DMARC_NONE, DMARC_NONE, 100},
    {"NUL after the record", "v=DMARC1; p=reject;\0", 20, true, true,
	DMARC_REJECT, DMARC_REJECT, 100},
};

/* parse_str - parse a C string */
static void
parse_str(const char *text, struct dmarc_record *r)
{
	dmarc_record_parse(text, strlen(text), r);
}

/* test_parse - the table, and adkim/aspf and has_rua on a few */
static void
test_parse(void)
{
	struct dmarc_record r;

	for (size_t i = 0; i < G_N_ELEMENTS(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];

		g_test_message("%s", c->name);
		dmarc_record_parse(
		    c->text, c->len ? c->len : strlen(c->text), &r);
		g_assert_cmpint(r.is_dmarc, ==, c->is_dmarc);
		g_assert_cmpint(r.is_valid, ==, c->is_valid);
		g_assert_cmpint(r.p, ==, c->p);
		g_assert_cmpint(r.sp, ==, c->sp);
		g_assert_cmpint(r.pct, ==, c->pct);
	}
	parse_str("v=DMARC1; p=none; adkim=S; aspf=s", &r);
	g_assert_cmpint(r.adkim, ==, 's');
	g_assert_cmpint(r.aspf, ==, 's');
	g_assert_false(r.has_rua);
	parse_str("v=DMARC1; p=none; adkim=x", &r);
	g_assert_cmpint(r.adkim, ==, 'r');
	parse_str("v=DMARC1; p=none; " RUA, &r);
	g_assert_true(r.has_rua);
	dmarc_record_parse(NULL, 0, &r);
	g_assert_false(r.is_dmarc);
}

/* test_parse_long - a record at DMARC_MAX_RECORD is read, one byte more
 * is a DMARC record without a policy */
static void
test_parse_long(void)
{
	GString *s =
	    g_string_new("v=DMARC1; p=reject; rua=mailto:a@example.com");
	struct dmarc_record r;

	while (s->len < DMARC_MAX_RECORD)
		g_string_append_c(s, ' ');
	dmarc_record_parse(s->str, s->len, &r);
	g_assert_true(r.is_valid);
	g_assert_cmpint(r.p, ==, DMARC_REJECT);
	g_string_append_c(s, ' ');
	dmarc_record_parse(s->str, s->len, &r);
	g_assert_true(r.is_dmarc);
	g_assert_false(r.is_valid);
	/* many tags, far over the bound */
	g_string_assign(s, "v=DMARC1; p=reject");
	for (int i = 0; i < 5000; i++)
		g_string_append(s, "; x=y");
	dmarc_record_parse(s->str, s->len, &r);
	g_assert_true(r.is_dmarc);
	g_assert_false(r.is_valid);
	g_string_free(s, true);
}

static const struct {
	const char *domain;
	const char *org;
} org_cases[] = {
    {"example.com", "example.com"}, {"lists.example.com", "example.com"},
    {"a.b.c.example.com", "example.com"}, {"Mail.Example.COM.", "example.com"},
    {"mail.example.co.kr", "example.co.kr"}, {"x.y.ac.kr", "y.ac.kr"},
    {"sub.모임.kr", "xn--v52b68u.kr"}, {"sub.xn--v52b68u.kr", "xn--v52b68u.kr"},
    {"deep.sub.org.test", "org.test"}, /* unlisted TLD: the "*" rule */
    {"co.kr", NULL}, {"com", NULL}, {"", NULL}, {"[192.0.2.1]", NULL},
    {"192.0.2.1", NULL}, {"a..example.com", NULL},
    {"bad name.example.com", NULL},
    {"\xff\xfe.example.com", NULL}, /* invalid UTF-8 */
    {"\xed\xa0\x80.example.com", NULL}, /* a UTF-16 surrogate */
};

/* test_org_domain - the public suffix plus one label */
static void
test_org_domain(void)
{
	g_autofree char *huge = g_strnfill(4 * 255 + 1, 'a');

	for (size_t i = 0; i < G_N_ELEMENTS(org_cases); i++) {
		g_autofree char *org = dmarc_org_domain(org_cases[i].domain);

		g_test_message("%s", org_cases[i].domain);
		g_assert_cmpstr(org, ==, org_cases[i].org);
	}
	g_assert_null(dmarc_org_domain(NULL));
	g_assert_null(dmarc_org_domain(huge));
}

/* test_munge - which results rewrite From, and their names */
static void
test_munge(void)
{
	g_assert_false(dmarc_wants_munge(DMARC_NO_POLICY));
	g_assert_false(dmarc_wants_munge(DMARC_NONE));
	g_assert_true(dmarc_wants_munge(DMARC_QUARANTINE));
	g_assert_true(dmarc_wants_munge(DMARC_REJECT));
	g_assert_true(dmarc_wants_munge(DMARC_DNS_FAIL));
	g_assert_cmpstr(dmarc_result_name(DMARC_NO_POLICY), ==, "no_policy");
	g_assert_cmpstr(dmarc_result_name(DMARC_DNS_FAIL), ==, "dns_fail");
	g_assert_cmpstr(dmarc_result_name(DMARC_REJECT), ==, "reject");
}

/* test_new - servers and timeouts dmarc_new() refuses */
static void
test_new(void)
{
	const char *bad[] = {"localhost:53", "127.0.0.1", "127.0.0.1:0",
	    "unix:/run/dns.sock", "1.2.3.4:99999", "[::1:53"};
	GError *e = NULL;
	struct dmarc *d;

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_test_message("%s", bad[i]);
		g_assert_null(dmarc_new(bad[i], 1000, &e));
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_CONFIG);
		g_clear_error(&e);
	}
	g_assert_null(dmarc_new(NULL, DMARC_MIN_TIMEOUT_MS - 1, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_CONFIG);
	g_clear_error(&e);
	g_assert_null(dmarc_new(NULL, DMARC_MAX_TIMEOUT_MS + 1, &e));
	g_clear_error(&e);
	d = dmarc_new("[::1]:53", 1000, &e);
	g_assert_no_error(e);
	dmarc_free(d);
	d = dmarc_new("", 1000, &e); /* resolv.conf */
	g_assert_no_error(e);
	/* no query for what is no domain */
	g_assert_cmpint(dmarc_lookup(d, "[192.0.2.1]", 0), ==, DMARC_NO_POLICY);
	g_assert_cmpint(dmarc_lookup(d, NULL, 0), ==, DMARC_NO_POLICY);
	dmarc_free(d);
	dmarc_free(NULL);
}

/*
 * The test's DNS server.
 */

#define T_TXT 16
#define T_CNAME 5

/* The zone: TXT records (one to three strings) and CNAMEs (target in
 * s[0]). */
static const struct zone_rr {
	const char *name;
	int type;
	const char *s[3];
} zone[] = {
    {"_dmarc.reject.test", T_TXT, {"v=DMARC1; p=reject"}},
    {"_dmarc.quarantine.test", T_TXT, {"v=DMARC1; p=quarantine; pct=10"}},
    {"_dmarc.none.test", T_TXT, {"v=DMARC1; p=none; " RUA}},
    {"_dmarc.multi.test", T_TXT, {"v=DMARC1; p=reject"}},
    {"_dmarc.multi.test", T_TXT, {"v=DMARC1; p=none"}},
    {"_dmarc.other.test", T_TXT, {"google-site-verification=abc"}},
    {"_dmarc.other.test", T_TXT, {"v=DMARC1; p=reject"}},
    {"_dmarc.split.test", T_TXT, {"v=DMARC1; ", "p=quar", "antine"}},
    {"_dmarc.bogus.test", T_TXT, {"v=DMARC1; p=bogus"}},
    {"_dmarc.spf.test", T_TXT, {"v=spf1 -all"}},
    {"_dmarc.org.test", T_TXT, {"v=DMARC1; p=none; sp=reject"}},
    {"_dmarc.orgq.test", T_TXT, {"v=DMARC1; p=quarantine"}},
    {"_dmarc.cname.test", T_CNAME, {"_dmarc.target.test"}},
    {"_dmarc.target.test", T_TXT, {"v=DMARC1; p=reject"}},
    {"_dmarc.big.test", T_TXT, {"v=DMARC1; p=quarantine"}},
    {"_dmarc.lossy.test", T_TXT, {"v=DMARC1; p=reject"}},
    {"_dmarc.spoof.test", T_TXT, {"v=DMARC1; p=reject"}},
};

struct dnsd {
	int udp;
	int tcp;
	int wake[2]; /* a byte on wake[1] stops the thread */
	int port;
	int queries; /* atomic */
	int lossy_seen; /* only the thread touches it */
	GThread *thread;
};

/* put16 - append a 16-bit number in network order */
static void
put16(GByteArray *b, unsigned v)
{
	guint8 x[2] = {(guint8)(v >> 8), (guint8)v};

	g_byte_array_append(b, x, 2);
}

/* put_name - append name in wire form, uncompressed */
static void
put_name(GByteArray *b, const char *name)
{
	g_auto(GStrv) labels = g_strsplit(name, ".", -1);
	guint8 len;

	for (size_t i = 0; labels[i] != NULL; i++) {
		len = (guint8)strlen(labels[i]);
		g_byte_array_append(b, &len, 1);
		g_byte_array_append(b, (const guint8 *)labels[i], len);
	}
	len = 0;
	g_byte_array_append(b, &len, 1);
}

/* put_rr - append one zone record, its owner name written out */
static void
put_rr(GByteArray *b, const struct zone_rr *rr)
{
	GByteArray *rd = g_byte_array_new();
	guint8 len;

	if (rr->type == T_CNAME) {
		put_name(rd, rr->s[0]);
	} else {
		for (int i = 0; i < 3 && rr->s[i] != NULL; i++) {
			len = (guint8)strlen(rr->s[i]);
			g_byte_array_append(rd, &len, 1);
			g_byte_array_append(rd, (const guint8 *)rr->s[i], len);
		}
	}
	put_name(b, rr->name);
	put16(b, (unsigned)rr->type);
	put16(b, 1); /* IN */
	put16(b, 0);
	put16(b, 300); /* TTL */
	put16(b, rd->len);
	g_byte_array_append(b, rd->data, rd->len);
	g_byte_array_free(rd, true);
}

/* query_name - the question's name, lower-cased, and where the question
 * ends; NULL for a query we do not read */
static char *
query_name(const guint8 *q, size_t n, size_t *end_out)
{
	GString *name = g_string_new(NULL);
	size_t i = 12;

	while (i < n && q[i] != 0 && q[i] < 64 && i + 1 + q[i] < n) {
		if (name->len > 0)
			g_string_append_c(name, '.');
		g_string_append_len(name, (const char *)q + i + 1, q[i]);
		i += 1 + q[i];
	}
	if (n < 12 || i + 5 > n || q[i] != 0) {
		g_string_free(name, true);
		return NULL;
	}
	*end_out = i + 5; /* the root label, type and class */
	g_string_ascii_down(name);
	return g_string_free(name, false);
}

/* add_answers - the zone's records for name (and CNAME targets); their
 * count */
static unsigned
add_answers(GByteArray *b, const char *name)
{
	unsigned n = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(zone); i++) {
		if (strcmp(zone[i].name, name) != 0)
			continue;
		put_rr(b, &zone[i]);
		n++;
		if (zone[i].type == T_CNAME)
			n += add_answers(b, zone[i].s[0]);
	}
	return n;
}

/* answer - the reply to query q (n bytes), or NULL for none; is_tcp
 * says how it came */
static GByteArray *
answer(struct dnsd *s, const guint8 *q, size_t n, bool is_tcp)
{
	size_t end = 0;
	g_autofree char *name = query_name(q, n, &end);
	GByteArray *b;
	unsigned count, rcode = 0;
	bool is_tc = false;

	if (name == NULL)
		return NULL;
	if (strcmp(name, "_dmarc.silent.test") == 0 ||
	    (strcmp(name, "_dmarc.lossy.test") == 0 && s->lossy_seen++ == 0))
		return NULL;
	b = g_byte_array_new();
	g_byte_array_append(b, q, (guint)end);
	b->data[6] = b->data[7] = b->data[8] = b->data[9] = 0;
	b->data[10] = b->data[11] = 0;
	if (strcmp(name, "_dmarc.servfail.test") == 0)
		rcode = 2;
	else if (strcmp(name, "_dmarc.big.test") == 0 && !is_tcp)
		is_tc = true;
	else if ((count = add_answers(b, name)) == 0)
		rcode = 3; /* NXDOMAIN */
	else
		b->data[7] = (guint8)count;
	b->data[2] = 0x81 | (is_tc ? 0x02 : 0); /* QR, RD, TC */
	b->data[3] = 0x80 | rcode; /* RA */
	return b;
}

/* serve_udp - answer one datagram */
static void
serve_udp(struct dnsd *s)
{
	guint8 q[512];
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(s->udp, q, sizeof(q), 0, (void *)&from, &fl);
	GByteArray *b;

	if (n <= 0)
		return;
	g_atomic_int_inc(&s->queries);
	if ((b = answer(s, q, (size_t)n, false)) == NULL)
		return;
	if (n > 12 && memmem(q + 12, (size_t)n - 12, "\005spoof", 6)) {
		/* a forgery first: the wrong id and another policy */
		b->data[0] ^= 0x5a;
		b->data[b->len - 2] = 'e'; /* p=reject -> p=rejeet */
		(void)sendto(s->udp, b->data, b->len, 0, (void *)&from, fl);
		b->data[0] ^= 0x5a;
		b->data[b->len - 2] = 'c';
	}
	(void)sendto(s->udp, b->data, b->len, 0, (void *)&from, fl);
	g_byte_array_free(b, true);
}

/* serve_tcp - answer one query on a new connection, then close it */
static void
serve_tcp(struct dnsd *s)
{
	int fd = accept(s->tcp, NULL, NULL);
	guint8 q[514], hdr[2];
	size_t len;
	GByteArray *b = NULL;

	if (fd < 0)
		return;
	if (recv(fd, hdr, 2, MSG_WAITALL) == 2 &&
	    (len = (size_t)hdr[0] << 8 | hdr[1]) <= sizeof(q) &&
	    recv(fd, q, len, MSG_WAITALL) == (ssize_t)len) {
		g_atomic_int_inc(&s->queries);
		b = answer(s, q, len, true);
	}
	if (b != NULL) {
		hdr[0] = (guint8)(b->len >> 8);
		hdr[1] = (guint8)b->len;
		(void)send(fd, hdr, 2, MSG_NOSIGNAL);
		(void)send(fd, b->data, b->len, MSG_NOSIGNAL);
		g_byte_array_free(b, true);
	}
	close(fd);
}

/* dnsd_run - the server's thread */
static gpointer
dnsd_run(gpointer data)
{
	struct dnsd *s = data;
	struct pollfd p[3] = {
	    {s->udp, POLLIN, 0}, {s->tcp, POLLIN, 0}, {s->wake[0], POLLIN, 0}};

	for (;;) {
		if (poll(p, 3, -1) < 0)
			continue;
		if (p[2].revents)
			return NULL;
		if (p[0].revents)
			serve_udp(s);
		if (p[1].revents)
			serve_tcp(s);
	}
}

/* bind_local - a socket of type bound to 127.0.0.1:port (0: any) */
static int
bind_local(int type, int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0), one = 1;

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), ==, 0);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* dnsd_start - the server on a free port of 127.0.0.1, UDP and TCP */
static struct dnsd *
dnsd_start(void)
{
	struct dnsd *s = g_new0(struct dnsd, 1);
	struct sockaddr_in sa;
	socklen_t len;

	s->udp = s->tcp = -1;
	for (int tries = 0; tries < 20 && s->tcp < 0; tries++) {
		if (s->udp >= 0)
			close(s->udp);
		s->udp = bind_local(SOCK_DGRAM, 0);
		g_assert_cmpint(s->udp, >=, 0);
		len = sizeof(sa);
		g_assert_cmpint(
		    getsockname(s->udp, (struct sockaddr *)&sa, &len), ==, 0);
		s->port = ntohs(sa.sin_port);
		s->tcp = bind_local(SOCK_STREAM, s->port);
	}
	g_assert_cmpint(s->tcp, >=, 0);
	g_assert_cmpint(listen(s->tcp, 16), ==, 0);
	g_assert_cmpint(pipe(s->wake), ==, 0);
	s->thread = g_thread_new("dnsd", dnsd_run, s);
	return s;
}

/* dnsd_stop - stop the thread and free s */
static void
dnsd_stop(struct dnsd *s)
{
	g_assert_cmpint(write(s->wake[1], "x", 1), ==, 1);
	g_thread_join(s->thread);
	close(s->udp);
	close(s->tcp);
	close(s->wake[0]);
	close(s->wake[1]);
	g_free(s);
}

/* new_resolver - a struct dmarc that asks s */
static struct dmarc *
new_resolver(const struct dnsd *s, int timeout_ms)
{
	g_autofree char *server = g_strdup_printf("127.0.0.1:%d", s->port);
	GError *e = NULL;
	struct dmarc *d = dmarc_new(server, timeout_ms, &e);

	g_assert_no_error(e);
	return d;
}

static const struct {
	const char *domain;
	enum dmarc_result result;
	int queries; /* the server gets, with an empty cache */
} lookup_cases[] = {
    {"reject.test", DMARC_REJECT, 1},
    {"Quarantine.TEST.", DMARC_QUARANTINE, 1}, /* pct=10 is not applied */
    {"none.test", DMARC_NONE, 1},
    {"nx.test", DMARC_NO_POLICY, 1}, /* NXDOMAIN, nx.test is the org */
    {"multi.test", DMARC_NO_POLICY, 1}, /* two records: no fallback */
    {"other.test", DMARC_REJECT, 1}, /* the non-DMARC TXT is ignored */
    {"split.test", DMARC_QUARANTINE, 1}, {"bogus.test", DMARC_NO_POLICY, 1},
    {"spf.test", DMARC_NO_POLICY, 1}, /* no DMARC record, is its own org */
    {"mail.org.test", DMARC_REJECT, 2}, /* org.test's sp= */
    {"org.test", DMARC_NONE, 1}, /* its own p= */
    {"a.b.orgq.test", DMARC_QUARANTINE, 2}, /* no sp=: p= */
    {"mail.multi.test", DMARC_NO_POLICY, 2}, {"cname.test", DMARC_REJECT, 1},
    {"servfail.test", DMARC_DNS_FAIL, 1},
    {"big.test", DMARC_QUARANTINE, 2}, /* truncated: asked over TCP */
    {"lossy.test", DMARC_REJECT, 2}, /* the first query is lost */
    {"spoof.test", DMARC_REJECT, 1}, /* the forgery is ignored */
};

/* test_lookup - each name of the zone, with a fresh cache, then again
 * from the cache */
static void
test_lookup(void)
{
	struct dnsd *s = dnsd_start();
	int before;

	for (size_t i = 0; i < G_N_ELEMENTS(lookup_cases); i++) {
		struct dmarc *d = new_resolver(s, TIMEOUT_MS * 5);

		g_test_message("%s", lookup_cases[i].domain);
		before = g_atomic_int_get(&s->queries);
		g_assert_cmpint(dmarc_lookup(d, lookup_cases[i].domain, 100),
		    ==, lookup_cases[i].result);
		g_assert_cmpint(g_atomic_int_get(&s->queries) - before, ==,
		    lookup_cases[i].queries);
		before = g_atomic_int_get(&s->queries);
		g_assert_cmpint(dmarc_lookup(d, lookup_cases[i].domain, 101),
		    ==, lookup_cases[i].result);
		g_assert_cmpint(g_atomic_int_get(&s->queries), ==, before);
		dmarc_free(d);
	}
	dnsd_stop(s);
}

/* test_timeout - a server that never answers costs the timeout, not
 * more, and the failure is cached for a minute only */
static void
test_timeout(void)
{
	struct dnsd *s = dnsd_start();
	struct dmarc *d = new_resolver(s, TIMEOUT_MS);
	gint64 t0 = g_get_monotonic_time(), ms;
	int before = g_atomic_int_get(&s->queries);

	g_assert_cmpint(
	    dmarc_lookup(d, "silent.test", 1000), ==, DMARC_DNS_FAIL);
	ms = (g_get_monotonic_time() - t0) / 1000;
	g_test_message("timed out after %" G_GINT64_FORMAT " ms", ms);
	g_assert_cmpint(ms, <=, TIMEOUT_MS + TIMEOUT_MARGIN_MS);
	/* sent, and sent again halfway */
	g_assert_cmpint(g_atomic_int_get(&s->queries) - before, ==, 2);
	before = g_atomic_int_get(&s->queries);
	g_assert_cmpint(
	    dmarc_lookup(d, "silent.test", 1000 + DMARC_FAIL_TTL - 1), ==,
	    DMARC_DNS_FAIL);
	g_assert_cmpint(g_atomic_int_get(&s->queries), ==, before);
	g_assert_cmpint(dmarc_lookup(d, "silent.test", 1000 + DMARC_FAIL_TTL),
	    ==, DMARC_DNS_FAIL);
	g_assert_cmpint(g_atomic_int_get(&s->queries), >, before);
	dmarc_free(d);
	dnsd_stop(s);
}

/* test_cache - hits, expiry, the organizational domain shared by its
 * subdomains, and eviction of the oldest name when full */
static void
test_cache(void)
{
	struct dnsd *s = dnsd_start();
	struct dmarc *d = new_resolver(s, TIMEOUT_MS * 5);
	int before = g_atomic_int_get(&s->queries);
	char name[64];

	g_assert_cmpint(dmarc_lookup(d, "reject.test", 0), ==, DMARC_REJECT);
	g_assert_cmpint(dmarc_lookup(d, "REJECT.test", DMARC_CACHE_TTL - 1), ==,
	    DMARC_REJECT);
	g_assert_cmpint(g_atomic_int_get(&s->queries) - before, ==, 1);
	g_assert_cmpint(
	    dmarc_lookup(d, "reject.test", DMARC_CACHE_TTL), ==, DMARC_REJECT);
	g_assert_cmpint(g_atomic_int_get(&s->queries) - before, ==, 2);
	/* two names asked, then one more for another subdomain */
	g_assert_cmpint(dmarc_lookup(d, "a.org.test", 0), ==, DMARC_REJECT);
	g_assert_cmpint(dmarc_lookup(d, "b.org.test", 0), ==, DMARC_REJECT);
	g_assert_cmpint(g_atomic_int_get(&s->queries) - before, ==, 5);
	/* fill the cache: each nN.test is its own org and one query */
	for (int i = 0; i < DMARC_CACHE_MAX; i++) {
		g_snprintf(name, sizeof(name), "n%d.test", i);
		g_assert_cmpint(dmarc_lookup(d, name, 1), ==, DMARC_NO_POLICY);
	}
	before = g_atomic_int_get(&s->queries);
	g_assert_cmpint(dmarc_lookup(d, name, 2), ==, DMARC_NO_POLICY);
	g_assert_cmpint(g_atomic_int_get(&s->queries), ==, before);
	g_assert_cmpint(dmarc_lookup(d, "reject.test", 2), ==, DMARC_REJECT);
	g_assert_cmpint(g_atomic_int_get(&s->queries) - before, ==, 1);
	dmarc_free(d);
	dnsd_stop(s);
}

struct worker {
	struct dmarc *d;
	int errors;
};

/* worker_run - look up a mix of names many times */
static gpointer
worker_run(gpointer data)
{
	struct worker *w = data;

	for (int i = 0; i < 200; i++) {
		size_t k = (size_t)i % G_N_ELEMENTS(lookup_cases);

		if (dmarc_lookup(w->d, lookup_cases[k].domain, i / 10) !=
		    lookup_cases[k].result)
			w->errors++;
	}
	return NULL;
}

/* test_threads - one struct dmarc used by several threads at once */
static void
test_threads(void)
{
	struct dnsd *s = dnsd_start();
	struct worker w[4];
	GThread *t[4];

	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){new_resolver(s, TIMEOUT_MS * 5), 0};
		if (i > 0) {
			dmarc_free(w[i].d);
			w[i].d = w[0].d;
		}
	}
	for (int i = 0; i < 4; i++)
		t[i] = g_thread_new("worker", worker_run, &w[i]);
	for (int i = 0; i < 4; i++) {
		g_thread_join(t[i]);
		g_assert_cmpint(w[i].errors, ==, 0);
	}
	dmarc_free(w[0].d);
	dnsd_stop(s);
}

struct txt_case {
	const char *name;
	enum dns_status status;
	const char *first; /* the first record, or NULL */
	guint count;
};

static const struct txt_case txt_cases[] = {
    {"_dmarc.split.test", DNS_FOUND, "v=DMARC1; p=quarantine", 1},
    {"_DMARC.Split.test.", DNS_FOUND, "v=DMARC1; p=quarantine", 1},
    {"_dmarc.other.test", DNS_FOUND, "google-site-verification=abc", 2},
    {"_dmarc.cname.test", DNS_FOUND, "v=DMARC1; p=reject", 1},
    {"_dmarc.nothing.test", DNS_NONE, NULL, 0},
    {"_dmarc.servfail.test", DNS_FAIL, NULL, 0},
    {"192.0.2.1", DNS_NONE, NULL, 0},
    {"a..test", DNS_NONE, NULL, 0},
};

/* test_txt - the resolver under a struct dmarc, as DKIM and ARC key
 * lookups use it (lib/dns): records joined, statuses, one shared cache */
static void
test_txt(void)
{
	struct dnsd *s = dnsd_start();
	struct dmarc *d = new_resolver(s, TIMEOUT_MS * 5);
	int before;

	for (size_t i = 0; i < G_N_ELEMENTS(txt_cases); i++) {
		const struct txt_case *c = &txt_cases[i];
		g_autoptr(GPtrArray) txt = NULL;
		enum dns_status st;

		g_test_message("%s", c->name);
		st = dns_txt_lookup(dmarc_dns(d), c->name, &txt);
		g_assert_cmpint(st, ==, c->status);
		g_assert_cmpuint(txt != NULL ? txt->len : 0, ==, c->count);
		if (c->first != NULL)
			g_assert_cmpstr(txt->pdata[0], ==, c->first);
	}
	/* split.test was asked above: DMARC's lookup finds it cached. */
	before = g_atomic_int_get(&s->queries);
	g_assert_cmpint(dmarc_lookup(d, "split.test", 0), ==, DMARC_QUARANTINE);
	g_assert_cmpint(g_atomic_int_get(&s->queries), ==, before);
	dmarc_free(d);
	dnsd_stop(s);
}

/* What test_ready's notify function saw. */
struct answers {
	GMutex lock;
	GCond cond;
	int count;
	struct dns *dns;
	bool silent_pending_at_first; /* at the first answer */
};

/* on_answer - dns_set_notify()'s function: count, and note whether the
 * silent name was still being asked when the first answer came */
static void
on_answer(void *data)
{
	struct answers *a = data;

	g_mutex_lock(&a->lock);
	if (a->count++ == 0)
		a->silent_pending_at_first =
		    !dns_ready(a->dns, "_dmarc.silent.test",
			g_get_monotonic_time() / G_USEC_PER_SEC);
	g_cond_broadcast(&a->cond);
	g_mutex_unlock(&a->lock);
}

/* wait_answers - until n answers came in */
static void
wait_answers(struct answers *a, int n)
{
	g_mutex_lock(&a->lock);
	while (a->count < n)
		g_cond_wait(&a->cond, &a->lock);
	g_mutex_unlock(&a->lock);
}

/* test_ready - names asked ahead: a name that is not answered does not
 * hold up another; the answers land in the cache, each asked once, and
 * a dns_txt() of a name being asked waits for that lookup */
static void
test_ready(void)
{
	struct dnsd *s = dnsd_start();
	struct dmarc *d = new_resolver(s, TIMEOUT_MS);
	struct answers a = {.dns = dmarc_dns(d)};
	g_autoptr(GPtrArray) txt = NULL;
	int before = g_atomic_int_get(&s->queries);
	/* the clock dns_txt_lookup() gives the cache */
	gint64 now = g_get_monotonic_time() / G_USEC_PER_SEC;

	g_mutex_init(&a.lock);
	g_cond_init(&a.cond);
	dns_set_notify(a.dns, on_answer, &a);
	g_assert_true(dns_ready(a.dns, "192.0.2.1", now)); /* no DNS name */
	g_assert_false(dns_ready(a.dns, "_dmarc.silent.test", now));
	g_assert_false(dns_ready(a.dns, "_dmarc.reject.test", now));
	g_assert_false(dns_ready(a.dns, "_DMARC.reject.test.", now)); /* once */
	wait_answers(&a, 1);
	/* the answering name came first, while the silent one was asked */
	g_assert_true(a.silent_pending_at_first);
	g_assert_true(dns_ready(a.dns, "_dmarc.reject.test", now));
	/* this waits for the pool's lookup of the silent name */
	g_assert_cmpint(
	    dns_txt_lookup(a.dns, "_dmarc.silent.test", &txt), ==, DNS_FAIL);
	wait_answers(&a, 2);
	g_assert_true(dns_ready(a.dns, "_dmarc.silent.test", now));
	g_assert_cmpint(dmarc_lookup(d, "reject.test", now), ==, DMARC_REJECT);
	/* reject.test once; silent.test once, sent again halfway */
	g_assert_cmpint(g_atomic_int_get(&s->queries) - before, ==, 3);
	g_assert_cmpint(a.count, ==, 2);
	dmarc_free(d);
	g_cond_clear(&a.cond);
	g_mutex_clear(&a.lock);
	dnsd_stop(s);
}

static const struct {
	const char *domain;
	const char *names; /* joined with ' ' */
} names_cases[] = {
    {"Reject.Test.", "_dmarc.reject.test"},
    {"mail.example.com", "_dmarc.mail.example.com _dmarc.example.com"},
    {"example.com", "_dmarc.example.com"},
    {"[192.0.2.1]", ""},
    {"a..b", ""},
};

/* test_names - what dmarc_lookup() may ask, to ask it ahead */
static void
test_names(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(names_cases); i++) {
		g_autoptr(GPtrArray) n = dmarc_names(names_cases[i].domain);
		g_autofree char *joined = NULL;

		g_ptr_array_add(n, NULL);
		joined = g_strjoinv(" ", (char **)n->pdata);
		g_assert_cmpstr(joined, ==, names_cases[i].names);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/dmarc/parse", test_parse);
	g_test_add_func("/dmarc/parse_long", test_parse_long);
	g_test_add_func("/dmarc/org_domain", test_org_domain);
	g_test_add_func("/dmarc/munge", test_munge);
	g_test_add_func("/dmarc/new", test_new);
	g_test_add_func("/dmarc/lookup", test_lookup);
	g_test_add_func("/dmarc/timeout", test_timeout);
	g_test_add_func("/dmarc/cache", test_cache);
	g_test_add_func("/dmarc/threads", test_threads);
	g_test_add_func("/dmarc/txt", test_txt);
	g_test_add_func("/dmarc/ready", test_ready);
	g_test_add_func("/dmarc/names", test_names);
	return g_test_run();
}
