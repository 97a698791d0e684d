/*
 * dsn - read a bounce: delivery status notifications and MTA failure texts
 *
 * The parser works in three steps. facts_gather() walks the MIME tree once
 * and collects what a decision needs: the delivery-status text, the
 * human-readable text (never the returned original), the report types and
 * the header signals. Then either the RFC 3464 fields or the failure text
 * give the recipients, and decide() sets is_bounce, is_delay and
 * is_auto_reply from them. Every phrase list is generic: the corpus in
 * ../shared/corpus/bounces is a test of these rules, not their source of
 * special cases.
 */
#include "config.h"

#include <string.h>

#include <gmime/gmime.h>

#include "addr.h"
#include "dsn.h"
#include "err.h"
#include "limits.h"
#include "mime.h"

/* Lines after an address line that may still explain its failure. */
#define DSN_CONTEXT_LINES 6

/* What the MIME walk found; strings are owned here. */
struct facts {
	GString *dsn; /* message/delivery-status bodies, LF ends */
	GString *text; /* inline text/plain parts, UTF-8 */
	bool is_arf;
	bool is_mdn;
	bool has_dsn_part;
	char *subject_lc; /* lower-cased Subject, never NULL */
	char *from_lc; /* lower-cased From field, never NULL */
	bool is_auto_header; /* auto_headers() */
	char *failed_hdr; /* X-Failed-Recipients or NULL */
	GPtrArray
	    *exclude; /* canonical addresses of the bounce's own headers */
};

/* What the delivery-status fields said: recipients seen, failed. */
struct counts {
	int seen;
	int failed;
};

/* One recipient being read from the delivery-status fields. */
struct pending {
	char *final;
	char *original;
	char *action;
	char *status;
	char *diag;
};

static const char *const full_words[] = {"mailbox full", "mailbox is full",
    "mailbox was full", "over quota", "quota exceeded", "exceeded storage",
    "exceeds the quota", "exceed the quota", "quota", "insufficient storage",
    "mailbox size limit", "full mailbox", "not enough storage", "storage space",
    "too many messages", "folder is full", "exceeds allowed size",
    "메일함이 가득", "용량 초과", "용량이 초과", NULL};

/* Refusals of us (the sending host or the envelope sender), not of the
 * recipient's mailbox: policy, whatever the code. */
static const char *const sender_words[] = {"after mail from", "sender address",
    "domain of sender", "sender domain", "unroutable sender",
    "initial connection", "greeting", "rdns", "ptr record", "reverse dns",
    "client ip", "client host", "your ip", "sending ip", "mismatches", "helo",
    "ehlo", NULL};

/* Wording that names a dead mailbox even under a policy status code. */
static const char *const strong_dead_words[] = {"user unknown", "unknown user",
    "no such user", "no such mailbox", "mailbox not found", "user not found",
    "does not exist", "account disabled", NULL};

static const char *const dead_words[] = {"user unknown", "unknown user",
    "no such user", "no such mailbox", "no such recipient", "unknown recipient",
    "recipient unknown", "does not exist", "doesn't exist", "not exist",
    "invalid recipient", "invalid mailbox", "mailbox unavailable",
    "mailbox not found", "user not found", "address unknown", "unknown address",
    "not a valid user", "not a valid mailbox", "no mailbox", "account disabled",
    "account has been disabled", "account is disabled", "deactivated",
    "inactive", "suspended", "unknown local part", "unrouteable",
    "no such domain", "host not found", "host unknown", "domain not found",
    "unknown or illegal alias", "recipient not found", "invalid address",
    "user doesn't", "user does not", "mailbox disabled", "not our customer",
    "address rejected", "not listed in", "doesn't receive email",
    "does not receive email", "not accepting", "does not accept mail",
    "host or domain name not found", "수신자를 찾을 수 없", "존재하지 않",
    "없는 사용자", "계정이 없", NULL};

static const char *const policy_words[] = {"spam", "blocked", "block list",
    "blocklist", "blacklist", "black list", "dmarc", "dkim", "spf", "policy",
    "reputation", "virus", "malware", "banned", "prohibited", "not allowed",
    "denied", "rbl", "spamhaus", "junk", "abuse", "content", "too large",
    "too big", "size limit", "exceeds size", "authentication", "unsolicited",
    "relay", NULL};

static const char *const challenge_words[] = {"pre-approved", "guest list",
    "whitelist", "allowed list", "requires confirmation",
    "confirm this mail server", "waitlisted", "challenge", "/verification/",
    "verify your", "approved senders", NULL};

static const char *const bounce_subjects[] = {"undeliver", "undelivered",
    "delivery fail", "delivery status notification", "failure notice",
    "returned mail", "mail delivery failed", "delivery failure",
    "could not be delivered", "not delivered", "non remis", "unzustellbar",
    "nondeliverable", "non-deliverable", "delivery has failed",
    "returned to sender", "mail system error", "delivery problem", "rejected",
    "bounce", "mail failure", "delivery notification", "failed delivery",
    "delayed mail", "delivery delay", "warning: could", "반송", "전달 실패",
    "배달 실패", "전송 실패", NULL};

static const char *const bounce_senders[] = {"mailer-daemon", "postmaster",
    "mail delivery", "mail-daemon", "mailerdaemon", "mail administrator",
    "delivery subsystem", "mail system", NULL};

static const char *const failure_words[] = {"permanent error",
    "could not be delivered", "couldn't be delivered", "not be delivered",
    "undeliverable", "delivery failed", "delivery has failed",
    "failed permanently", "unable to deliver", "was not delivered",
    "delivery to the following", "following address", "rejected",
    "returned to sender", "fatal error", "user unknown", "unknown user",
    "does not exist", "no such user", "mailbox full", "over quota",
    "delivery failure", "undelivered", "failed to deliver", "error delivering",
    "could not deliver", "couldn't deliver", "exceeds", "not deliverable",
    "failed recipient", "전달되지 못", "전송하지 못", "배달되지", "전달하지 못",
    NULL};

static const char *const vacation_words[] = {"out of office",
    "out of the office", "automatic reply", "auto reply", "autoreply",
    "auto-reply", "automatic response", "auto response", "autoresponse",
    "vacation", "away from", "abwesend", "absence", "automatyczna",
    "auto:", "on leave", "부재", "자동 응답", "자동응답", "휴가", NULL};

/* Lines that start the copy of the original message in a text bounce. */
static const char *const original_marks[] = {"copy of the message",
    "original message", "unsent message", "message header", "returned message",
    "headers of the original", "original mail", NULL};

/* The same, recognised anywhere on a line. */
static const char *const loose_marks[] = {
    "below this line is a copy of the message", "original message follows",
    "message headers follow", "unsent message follows",
    "the original message headers", NULL};

static const char *const local_skip[] = {"postmaster", "mailer-daemon",
    "mail-daemon", "abuse", "hostmaster", "root", "noreply", "no-reply",
    "mailerdaemon", NULL};

/* has_any - whether lower-cased text contains one of the needles */
static bool
has_any(const char *lc, const char *const *needles)
{
	for (size_t i = 0; needles[i] != NULL; i++)
		if (strstr(lc, needles[i]) != NULL)
			return true;
	return false;
}

/* lower - an ASCII-lower-cased copy, or "" for NULL */
static char *
lower(const char *s)
{
	return s == NULL ? g_strdup("") : g_ascii_strdown(s, -1);
}

/* sanitise - valid UTF-8, controls to spaces, one space per run, bounded */
static char *
sanitise(const char *s, size_t len)
{
	g_autofree char *valid = g_utf8_make_valid(s, (gssize)len);
	GString *out = g_string_new(NULL);
	bool space = true;

	for (const char *p = valid; *p != '\0' && out->len < DSN_MAX_DIAGNOSTIC;
	     p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (g_unichar_iscntrl(c) || g_unichar_isspace(c)) {
			if (!space)
				g_string_append_c(out, ' ');
			space = true;
			continue;
		}
		g_string_append_unichar(out, c);
		space = false;
	}
	while (out->len > 0 && out->str[out->len - 1] == ' ')
		g_string_truncate(out, out->len - 1);
	/* An empty diagnostic is no diagnostic. */
	return g_string_free(out, out->len == 0);
}

/* digits - length of the run of 1..max digits at s, 0 if none or longer */
static size_t
digits(const char *s, size_t max)
{
	size_t n = 0;

	while (g_ascii_isdigit(s[n]))
		n++;
	return n > max ? 0 : n;
}

/* find_enhanced - copy the first RFC 3463 code "c.s.d" in s into out */
static bool
find_enhanced(const char *s, char out[16])
{
	for (const char *p = s; *p != '\0'; p++) {
		size_t a, b;

		if (*p != '2' && *p != '4' && *p != '5')
			continue;
		if (p > s && (g_ascii_isdigit(p[-1]) || p[-1] == '.'))
			continue;
		if (p[1] != '.' || (a = digits(p + 2, 3)) == 0)
			continue;
		if (p[2 + a] != '.' || (b = digits(p + 3 + a, 3)) == 0)
			continue;
		if (p[3 + a + b] == '.' && g_ascii_isdigit(p[4 + a + b]))
			continue; /* an IP address, not a status */
		g_strlcpy(out, p, 4 + a + b);
		return true;
	}
	return false;
}

/* find_reply - the first SMTP reply code "[245]yz" standing alone in s */
static int
find_reply(const char *s)
{
	for (const char *p = s; *p != '\0'; p++) {
		if (*p != '2' && *p != '4' && *p != '5')
			continue;
		if (p > s && (g_ascii_isalnum(p[-1]) || strchr(".:-/", p[-1])))
			continue;
		if (digits(p, 3) != 3 || p[1] > '5')
			continue;
		if (p[3] != '\0' && p[3] != ' ' && p[3] != '-')
			continue;
		return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	}
	return 0;
}

/* effective_status - the DSN status, made precise by the diagnostic */
static char *
effective_status(const char *status, const char *diag)
{
	char s[16] = "", d[16] = "";

	if (status != NULL && find_enhanced(status, s) &&
	    !g_str_has_suffix(s, ".0.0"))
		return g_strdup(s);
	if (diag != NULL && find_enhanced(diag, d) &&
	    (s[0] == '\0' || d[0] == s[0]))
		return g_strdup(d);
	return s[0] != '\0' ? g_strdup(s) : NULL;
}

/* classify - the kind of one failure (see the header for the rules) */
static enum dsn_kind
classify(const char *status, const char *diag, bool delayed)
{
	g_autofree char *lc = lower(diag);

	if (delayed)
		return DSN_TEMPORARY;
	if ((status != NULL &&
		(g_str_has_prefix(status + 1, ".1.7") ||
		    g_str_has_prefix(status + 1, ".1.8"))) ||
	    has_any(lc, sender_words))
		return DSN_POLICY;
	/* An explicit 5.7.x is a policy refusal whatever generic wording
	 * ("Recipient address rejected: ...") comes with it. */
	if (status != NULL && g_str_has_prefix(status + 1, ".7.") &&
	    !has_any(lc, strong_dead_words))
		return DSN_POLICY;
	if (has_any(lc, dead_words) || has_any(lc, full_words))
		return DSN_PERMANENT;
	if (status != NULL &&
	    (g_str_has_prefix(status + 1, ".7.") ||
		g_str_has_prefix(status + 1, ".6.") ||
		strcmp(status + 1, ".3.4") == 0))
		return DSN_POLICY;
	if (has_any(lc, policy_words))
		return DSN_POLICY;
	/* Anything else final counts, as in Mailman: a full mailbox (above)
	 * and a copy the sending MTA gave up on (a 4.x.x status under Action
	 * failed, "retry timeout exceeded", "in the queue too long") were
	 * lost as surely as one to a dead mailbox. Only a delay does not. */
	return DSN_PERMANENT;
}

/* canon_path - the canonical address in a recipient field or text token */
static char *
canon_path(const char *s, size_t len)
{
	struct addr *a = NULL;
	char *out = NULL;

	if (len == 0 || len > MOIM_MAX_ADDR)
		return NULL;
	if (addr_parse_path(s, len, &a, NULL) && a != NULL)
		out = g_strdup(addr_canonical(a));
	addr_free(a);
	return out;
}

/* is_local_char - whether c may be in a local part we scan for */
static bool
is_local_char(char c)
{
	return g_ascii_isalnum(c) ||
	    (c != '\0' && strchr(".!#$%&'*+/=?^_`{|}~-", c));
}

/* next_token - the next "local@domain" candidate in s from *pos */
static bool
next_token(const char *s, size_t *pos, size_t *start_out, size_t *len_out)
{
	const char *at;

	while ((at = strchr(s + *pos, '@')) != NULL) {
		size_t a = (size_t)(at - s), b = a + 1, e;

		while (a > 0 && is_local_char(s[a - 1]))
			a--;
		while (g_ascii_isalnum(s[b]) || s[b] == '.' || s[b] == '-')
			b++;
		e = b;
		while (e > a && s[e - 1] == '.')
			e--;
		*pos = b > (size_t)(at - s) + 1 ? b : (size_t)(at - s) + 1;
		if (s + a == at || e <= (size_t)(at - s) + 1)
			continue;
		*start_out = a;
		*len_out = e - a;
		return true;
	}
	return false;
}

/* first_address - the first valid address anywhere in s, or NULL */
static char *
first_address(const char *s)
{
	size_t pos = 0, st, n;

	while (next_token(s, &pos, &st, &n)) {
		char *c = canon_path(s + st, n);

		if (c != NULL)
			return c;
	}
	return NULL;
}

/* rcpt_add - append a recipient unless its address is already listed */
static void
rcpt_add(struct dsn_result *res, char *address, const char *status,
    const char *diag, bool delayed)
{
	struct dsn_rcpt *r;

	for (guint i = 0; i < res->rcpts->len; i++) {
		r = g_ptr_array_index(res->rcpts, i);
		if (strcmp(r->address, address) == 0) {
			g_free(address);
			return;
		}
	}
	if (res->rcpts->len >= MOIM_MAX_RCPTS) {
		g_free(address);
		return;
	}
	r = g_new0(struct dsn_rcpt, 1);
	r->address = address;
	r->diagnostic = diag != NULL ? sanitise(diag, strlen(diag)) : NULL;
	r->status = effective_status(status, r->diagnostic);
	r->kind = classify(r->status, r->diagnostic, delayed);
	g_ptr_array_add(res->rcpts, r);
}

/* rcpt_free - release one struct dsn_rcpt */
static void
rcpt_free(gpointer p)
{
	struct dsn_rcpt *r = p;

	g_free(r->address);
	g_free(r->status);
	g_free(r->diagnostic);
	g_free(r);
}

/* pending_clear - forget the recipient being read */
static void
pending_clear(struct pending *p)
{
	g_free(p->final);
	g_free(p->original);
	g_free(p->action);
	g_free(p->status);
	g_free(p->diag);
	memset(p, 0, sizeof(*p));
}

/* after_type - the value after "type;" in a DSN field, or all of it */
static const char *
after_type(const char *v)
{
	const char *semi = strchr(v, ';');

	if (semi == NULL)
		return v;
	v = semi + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	return v;
}

/* flush_address - the canonical address of a recipient field, or NULL */
static char *
flush_address(const char *field)
{
	char *address;

	if (field == NULL)
		return NULL;
	address = canon_path(after_type(field), strlen(after_type(field)));
	return address != NULL ? address : first_address(field);
}

/* pending_flush - turn the fields read so far into a recipient; the
 * Original-Recipient (the address the sender used, the member's) comes
 * first, then a Final-Recipient that differs (an alias it expanded to) */
static void
pending_flush(struct pending *p, struct dsn_result *res, struct counts *n)
{
	const char *who = p->final != NULL ? p->final : p->original;
	g_autofree char *alc = lower(p->action);
	char *address;
	bool delayed = strstr(alc, "delay") != NULL ||
	    (p->action == NULL && p->status != NULL && p->status[0] == '4');

	if (who != NULL)
		n->seen++;
	if (who == NULL || strstr(alc, "deliver") != NULL ||
	    strstr(alc, "relay") != NULL || strstr(alc, "expand") != NULL ||
	    (p->action == NULL && p->status != NULL && p->status[0] == '2')) {
		pending_clear(p);
		return;
	}
	if (!delayed)
		n->failed++;
	if ((address = flush_address(p->original)) != NULL)
		rcpt_add(res, address, p->status, p->diag, delayed);
	if ((address = flush_address(p->final)) != NULL)
		rcpt_add(res, address, p->status, p->diag, delayed);
	pending_clear(p);
}

/* field_set - keep one delivery-status field of the current recipient */
static void
field_set(struct pending *p, const char *name, const char *value,
    struct dsn_result *res, struct counts *n)
{
	char **slot = NULL;

	if (g_ascii_strcasecmp(name, "final-recipient") == 0) {
		if (p->final != NULL)
			pending_flush(p, res, n);
		slot = &p->final;
	} else if (g_ascii_strcasecmp(name, "original-recipient") == 0)
		slot = &p->original;
	else if (g_ascii_strcasecmp(name, "action") == 0)
		slot = &p->action;
	else if (g_ascii_strcasecmp(name, "status") == 0)
		slot = &p->status;
	else if (g_ascii_strcasecmp(name, "diagnostic-code") == 0) {
		slot = &p->diag;
		value = after_type(value);
	}
	if (slot == NULL || *slot != NULL)
		return;
	*slot = g_strdup(value);
}

/* field_line - handle one unfolded "Name: value" line */
static void
field_line(const char *line, struct pending *p, struct dsn_result *res,
    struct counts *n)
{
	const char *colon = strchr(line, ':');
	g_autofree char *name = NULL;

	if (colon == NULL || colon == line || colon - line > 40)
		return;
	name = g_strndup(line, (gsize)(colon - line));
	g_strstrip(name);
	colon++;
	while (*colon == ' ' || *colon == '\t')
		colon++;
	field_set(p, name, colon, res, n);
}

/* parse_fields - read RFC 3464 per-recipient groups into res and n */
static void
parse_fields(const char *text, struct dsn_result *res, struct counts *n)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	struct pending p = {0};
	GString *cur = g_string_new(NULL);

	for (size_t i = 0; lines[i] != NULL; i++) {
		char *l = lines[i];

		g_strchomp(l);
		if (l[0] == ' ' || l[0] == '\t') {
			if (cur->len < MOIM_MAX_HEADER_FIELD)
				g_string_append_printf(
				    cur, " %s", g_strstrip(l));
			continue;
		}
		if (cur->len > 0)
			field_line(cur->str, &p, res, n);
		g_string_truncate(cur, 0);
		if (l[0] == '\0')
			pending_flush(&p, res, n);
		else
			g_string_append(cur, l);
	}
	if (cur->len > 0)
		field_line(cur->str, &p, res, n);
	pending_flush(&p, res, n);
	g_string_free(cur, TRUE);
}

/* append_bounded - append text to a buffer kept under DSN_MAX_TEXT */
static void
append_bounded(GString *s, const char *text, size_t len)
{
	if (s->len >= DSN_MAX_TEXT)
		return;
	if (len > DSN_MAX_TEXT - s->len)
		len = DSN_MAX_TEXT - s->len;
	g_string_append_len(s, text, (gssize)len);
	g_string_append_c(s, '\n');
}

/* append_part_bytes - the transfer-decoded content of a leaf part */
static void
append_part_bytes(GMimePart *part, GString *to)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *s;
	GByteArray *ba;

	if (w == NULL)
		return;
	s = g_mime_stream_mem_new();
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	if (g_mime_data_wrapper_write_to_stream(w, s) >= 0 && ba->len > 0) {
		g_autofree char *v =
		    g_utf8_make_valid((const char *)ba->data, (gssize)ba->len);
		append_bounded(to, v, strlen(v));
	}
	g_object_unref(s);
}

/* leaf - take what a decision needs from one leaf part */
static void
leaf(GMimeObject *o, struct facts *f)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	const char *disp = g_mime_object_get_disposition(o);
	bool attached =
	    disp != NULL && g_ascii_strcasecmp(disp, "attachment") == 0;

	if (g_mime_content_type_is_type(ct, "message", "delivery-status") ||
	    g_mime_content_type_is_type(
		ct, "message", "global-delivery-status")) {
		f->has_dsn_part = true;
		append_part_bytes(GMIME_PART(o), f->dsn);
	} else if (g_mime_content_type_is_type(
		       ct, "message", "feedback-report"))
		f->is_arf = true;
	else if (g_mime_content_type_is_type(
		     ct, "message", "disposition-notification"))
		f->is_mdn = true;
	else if (g_mime_content_type_is_type(ct, "text", "plain") &&
	    !attached && GMIME_IS_TEXT_PART(o)) {
		g_autofree char *t =
		    g_mime_text_part_get_text(GMIME_TEXT_PART(o));

		if (t != NULL) {
			g_autofree char *v = g_utf8_make_valid(t, -1);

			append_bounded(f->text, v, strlen(v));
		}
	}
}

/* walk - visit the parts of a bounce, but not the original it returns */
static void
walk(GMimeObject *o, int depth, struct facts *f)
{
	if (o == NULL || depth > MOIM_MAX_MIME_DEPTH)
		return;
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		int n = g_mime_multipart_get_count(mp);

		const char *pro = g_mime_multipart_get_prologue(mp);

		/* A boundary that never occurs leaves the whole body here. */
		if (n == 0 && pro != NULL)
			append_bounded(f->text, pro, strlen(pro));
		for (int i = 0; i < n && i < MOIM_MAX_MIME_PARTS; i++)
			walk(g_mime_multipart_get_part(mp, i), depth + 1, f);
	} else if (GMIME_IS_PART(o))
		leaf(o, f);
}

/* exclude_header - remember the addresses of one header of the bounce */
static void
exclude_header(GMimeMessage *m, const char *name, GPtrArray *ex)
{
	g_autofree char *v = mime_header_text(GMIME_OBJECT(m), name);
	GPtrArray *list;

	if (v == NULL)
		return;
	list = addr_parse_list(v, strlen(v), NULL);
	if (list == NULL)
		return;
	for (guint i = 0; i < list->len; i++)
		g_ptr_array_add(ex, g_strdup(addr_canonical(list->pdata[i])));
	g_ptr_array_unref(list);
}

/* auto_headers - RFC 3834 and common auto-responder headers; not lists */
static bool
auto_headers(GMimeMessage *m)
{
	g_autofree char *as =
	    mime_header_text(GMIME_OBJECT(m), "Auto-Submitted");
	g_autofree char *prec = mime_header_text(GMIME_OBJECT(m), "Precedence");
	g_autofree char *xa = mime_header_text(GMIME_OBJECT(m), "X-Autoreply");
	g_autofree char *xr =
	    mime_header_text(GMIME_OBJECT(m), "X-Autorespond");

	if (as != NULL && g_ascii_strncasecmp(g_strstrip(as), "no", 2) != 0)
		return true;
	if (prec != NULL &&
	    (g_ascii_strncasecmp(g_strstrip(prec), "bulk", 4) == 0 ||
		g_ascii_strncasecmp(prec, "junk", 4) == 0))
		return true;
	return xa != NULL || xr != NULL;
}

/* facts_gather - read headers and walk the parts of m */
static void
facts_gather(GMimeMessage *m, struct facts *f)
{
	static const char *const own[] = {"From", "To", "Cc", "Reply-To",
	    "Return-Path", "Sender", "Delivered-To", "X-Original-To", NULL};
	g_autofree char *subject = mime_header_text(GMIME_OBJECT(m), "Subject");
	g_autofree char *from = mime_header_text(GMIME_OBJECT(m), "From");
	GMimeContentType *ct = g_mime_object_get_content_type(
	    g_mime_message_get_mime_part(m) != NULL
		? g_mime_message_get_mime_part(m)
		: GMIME_OBJECT(m));
	const char *rt = ct != NULL
	    ? g_mime_content_type_get_parameter(ct, "report-type")
	    : NULL;

	f->dsn = g_string_new(NULL);
	f->text = g_string_new(NULL);
	f->exclude = g_ptr_array_new_with_free_func(g_free);
	f->subject_lc = lower(subject);
	f->from_lc = lower(from);
	f->is_auto_header = auto_headers(m);
	f->failed_hdr =
	    mime_header_text(GMIME_OBJECT(m), "X-Failed-Recipients");
	for (size_t i = 0; own[i] != NULL; i++)
		exclude_header(m, own[i], f->exclude);
	if (rt != NULL && g_ascii_strcasecmp(rt, "feedback-report") == 0)
		f->is_arf = true;
	if (rt != NULL &&
	    g_ascii_strcasecmp(rt, "disposition-notification") == 0)
		f->is_mdn = true;
	walk(g_mime_message_get_mime_part(m), 0, f);
	if (f->text->len == 0) {
		g_autofree char *t = mime_body_text(m, DSN_MAX_TEXT);

		if (t != NULL)
			append_bounded(f->text, t, strlen(t));
	}
}

/* facts_clear - release what facts_gather() collected */
static void
facts_clear(struct facts *f)
{
	if (f->dsn != NULL)
		g_string_free(f->dsn, TRUE);
	if (f->text != NULL)
		g_string_free(f->text, TRUE);
	if (f->exclude != NULL)
		g_ptr_array_unref(f->exclude);
	g_free(f->subject_lc);
	g_free(f->from_lc);
	g_free(f->failed_hdr);
	memset(f, 0, sizeof(*f));
}

/* is_original_mark - whether a line starts the returned original */
static bool
is_original_mark(const char *lc)
{
	const char *p = lc;

	while (*p == ' ' || *p == '\t')
		p++;
	if (has_any(p, loose_marks))
		return true;
	if (*p != '-' && *p != '=' && *p != '_' && *p != '*')
		return false;
	return has_any(lc, original_marks);
}

/* is_excluded - whether an address is the bounce's own or a role box */
static bool
is_excluded(const char *canon, const struct facts *f)
{
	for (guint i = 0; i < f->exclude->len; i++)
		if (strcmp(canon, f->exclude->pdata[i]) == 0)
			return true;
	for (size_t i = 0; local_skip[i] != NULL; i++) {
		size_t n = strlen(local_skip[i]);

		if (g_ascii_strncasecmp(canon, local_skip[i], n) == 0 &&
		    canon[n] == '@')
			return true;
	}
	return false;
}

/* is_strong_line - whether the address at st is what the line is about */
static bool
is_strong_line(const char *line, const char *lc, size_t st)
{
	const char *p = line;
	const char *before;

	while (*p != '\0' && strchr(" \t<\"*-", *p) != NULL)
		p++;
	if ((size_t)(p - line) == st)
		return true; /* "<a@b>: ...", "  a@b", "a@b on <date>" */
	before = lc + (st >= 12 ? st - 12 : 0);
	if (strstr(before, "rcpt to:") != NULL ||
	    strstr(before, "to:<") != NULL)
		return true;
	if (has_any(lc, failure_words) || find_reply(lc) / 100 == 5 ||
	    find_reply(lc) / 100 == 4)
		return true;
	return strstr(lc, "recipient") != NULL || strstr(lc, "address") != NULL;
}

/* is_sender_mention - whether the address follows MAIL FROM or From: */
static bool
is_sender_mention(const char *lc, size_t st)
{
	const char *win = lc + (st >= 12 ? st - 12 : 0);
	g_autofree char *w = g_strndup(win, (gsize)(lc + st - win));

	return strstr(w, "from:") != NULL || strstr(w, "from <") != NULL ||
	    strstr(w, "sender") != NULL;
}

/* is_blank - whether a line holds only spaces and tabs */
static bool
is_blank(const char *l)
{
	return l[strspn(l, " \t")] == '\0';
}

/* context_of - the address line and the lines after it, up to a blank */
static char *
context_of(char **lines, size_t i)
{
	GString *s = g_string_new(lines[i]);

	for (size_t k = i + 1; k <= i + DSN_CONTEXT_LINES && lines[k] != NULL;
	     k++) {
		if (is_blank(lines[k]) || s->len > DSN_MAX_DIAGNOSTIC)
			break;
		g_string_append_printf(s, " %s", lines[k]);
	}
	return g_string_free(s, FALSE);
}

/* scan_line - add the failed recipients one text line names */
static void
scan_line(char **lines, size_t i, const struct facts *f, bool loose,
    struct dsn_result *res)
{
	const char *line = lines[i];
	g_autofree char *lc = lower(line);
	size_t pos = 0, st, n;

	while (next_token(line, &pos, &st, &n)) {
		char *c = canon_path(line + st, n);

		if (c == NULL || is_excluded(c, f) ||
		    is_sender_mention(lc, st) ||
		    (!loose && !is_strong_line(line, lc, st))) {
			g_free(c);
			continue;
		}
		g_autofree char *ctx = context_of(lines, i);
		rcpt_add(res, c, NULL, ctx, false);
	}
}

/* scan_text - failed recipients named in the text of a bounce; when no
 * line names one the way MTAs do, any address that is not the bounce's
 * own (the text is already cut before the returned original) */
static void
scan_text(const char *head, const struct facts *f, struct dsn_result *res)
{
	g_auto(GStrv) lines = g_strsplit(head, "\n", -1);

	for (size_t i = 0; lines[i] != NULL; i++)
		g_strchomp(lines[i]);
	for (size_t i = 0; lines[i] != NULL; i++)
		scan_line(lines, i, f, false, res);
	for (size_t i = 0; lines[i] != NULL && res->rcpts->len == 0; i++)
		scan_line(lines, i, f, true, res);
}

/* cut_original - the text before the copy of the returned original */
static char *
cut_original(const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		g_autofree char *lc = g_ascii_strdown(p, (gssize)n);

		if (is_original_mark(lc))
			break;
		p += n + (nl != NULL);
	}
	return g_strndup(text, (gsize)(p - text));
}

/* add_failed_header - recipients of Exim's X-Failed-Recipients */
static void
add_failed_header(
    const struct facts *f, const char *head, struct dsn_result *res)
{
	g_auto(GStrv) parts = NULL;

	if (f->failed_hdr == NULL)
		return;
	parts = g_strsplit(f->failed_hdr, ",", 64);
	for (size_t i = 0; parts[i] != NULL; i++) {
		char *c = first_address(parts[i]);
		const char *at;

		if (c == NULL)
			continue;
		/* The diagnostic is the text from the first mention on. */
		at = strstr(head, g_strstrip(parts[i]));
		rcpt_add(res, c, NULL, at != NULL ? at : head, false);
	}
}

/* is_auto_reply - vacation, out-of-office or other automatic answer */
static bool
is_auto_reply(const struct facts *f, const char *head_lc)
{
	if (f->is_auto_header || has_any(f->subject_lc, vacation_words))
		return true;
	return has_any(head_lc, challenge_words);
}

/* is_delay_text - whether a text bounce only warns of a delay */
static bool
is_delay_text(const struct facts *f, const char *head_lc)
{
	static const char *const words[] = {"has not yet been delivered",
	    "still being retried", "will continue to try", "will keep trying",
	    "will be retried", "not been delivered yet",
	    "attempts will continue", "this is just a warning",
	    "warning message only", "has been delayed", "has been postponed",
	    "advisory-only", "retried for", "계속 재시도", "전송이 지연",
	    "배달이 지연", NULL};

	return strstr(f->subject_lc, "delay") != NULL ||
	    strstr(f->subject_lc, "warning") != NULL || has_any(head_lc, words);
}

/* has_inline_fields - whether the text carries RFC 3464 fields itself */
static bool
has_inline_fields(const char *head_lc)
{
	return (strstr(head_lc, "final-recipient:") != NULL ||
		   strstr(head_lc, "original-recipient:") != NULL) &&
	    (strstr(head_lc, "\naction:") != NULL ||
		strstr(head_lc, "\nstatus:") != NULL);
}

/* mark_delayed - a delay warning's recipients are all temporary */
static void
mark_delayed(struct dsn_result *res)
{
	for (guint i = 0; i < res->rcpts->len; i++)
		((struct dsn_rcpt *)res->rcpts->pdata[i])->kind = DSN_TEMPORARY;
	res->is_delay = true;
}

/* is_challenge - whether every failure only asks to confirm the sender */
static bool
is_challenge(const struct dsn_result *res, const char *head_lc)
{
	bool any = has_any(head_lc, challenge_words);

	for (guint i = 0; i < res->rcpts->len; i++) {
		const struct dsn_rcpt *r = res->rcpts->pdata[i];
		g_autofree char *lc = lower(r->diagnostic);

		if (has_any(lc, dead_words) || has_any(lc, full_words))
			return false;
		any = any || has_any(lc, challenge_words);
	}
	return any && !has_any(head_lc, dead_words);
}

/* text_bounce - recipients of a bounce without delivery-status fields */
static int
text_bounce(const struct facts *f, const char *head, const char *head_lc,
    struct dsn_result *res)
{
	add_failed_header(f, head, res);
	scan_text(head, f, res);
	if (res->rcpts->len > 0 || has_any(head_lc, failure_words) ||
	    f->failed_hdr != NULL)
		return 1;
	return 0;
}

/* summarise - the report's kind: its first recipient's, else the text's */
static enum dsn_kind
summarise(const struct dsn_result *res, const char *head)
{
	char st[16];

	if (res->rcpts->len > 0)
		return ((struct dsn_rcpt *)res->rcpts->pdata[0])->kind;
	if (find_enhanced(head, st))
		return classify(st, head, res->is_delay);
	return classify(NULL, head, res->is_delay);
}

/* decide - fill res from the facts of one message */
static void
decide(const struct facts *f, struct dsn_result *res)
{
	g_autofree char *head = cut_original(f->text->str);
	g_autofree char *head_lc = lower(head);
	bool looks = has_any(f->from_lc, bounce_senders) ||
	    has_any(f->subject_lc, bounce_subjects) || f->failed_hdr != NULL;
	struct counts n = {0, 0};

	if (f->is_arf || f->is_mdn) {
		res->is_auto_reply = true;
		return;
	}
	if (f->dsn->len > 0)
		parse_fields(f->dsn->str, res, &n);
	if (n.seen == 0 && looks && has_inline_fields(head_lc))
		parse_fields(head, res, &n);
	/* No usable fields (or no address in them): read the text. */
	if (res->rcpts->len == 0 && (n.failed > 0 || (n.seen == 0 && looks)))
		n.failed += text_bounce(f, head, head_lc, res);
	if (n.failed > 0 && n.seen == 0 && is_delay_text(f, head_lc)) {
		mark_delayed(res);
		n.failed = 0;
	} else if (n.failed == 0 && res->rcpts->len > 0)
		res->is_delay = true;
	if (n.failed > 0 && is_challenge(res, head_lc))
		n.failed = 0;
	res->is_bounce = n.failed > 0;
	res->is_auto_reply =
	    !res->is_bounce && !res->is_delay && is_auto_reply(f, head_lc);
	if (res->is_bounce || res->is_delay)
		res->kind =
		    res->is_bounce ? summarise(res, head) : DSN_TEMPORARY;
}

/* dsn_parse - read one message and tell whether and how it bounced */
bool
dsn_parse(const char *buf, size_t len, struct dsn_result *res_out, GError **err)
{
	struct facts f = {0};
	GMimeMessage *m;

	memset(res_out, 0, sizeof(*res_out));
	res_out->rcpts = g_ptr_array_new_with_free_func(rcpt_free);
	m = mime_parse(buf, len, err);
	if (m == NULL)
		return false;
	facts_gather(m, &f);
	decide(&f, res_out);
	facts_clear(&f);
	g_object_unref(m);
	return true;
}

/* dsn_result_clear - release what dsn_parse() filled in */
void
dsn_result_clear(struct dsn_result *res)
{
	if (res == NULL)
		return;
	g_clear_pointer(&res->rcpts, g_ptr_array_unref);
	memset(res, 0, sizeof(*res));
}

/* dsn_kind_name - a word for logs and tests */
const char *
dsn_kind_name(enum dsn_kind kind)
{
	switch (kind) {
	case DSN_PERMANENT:
		return "permanent";
	case DSN_TEMPORARY:
		return "temporary";
	case DSN_POLICY:
		return "policy";
	case DSN_NOT_BOUNCE:
		break;
	}
	return "none";
}

/* dsn_classify_reply - the kind of a relay's refusal "CODE TEXT" */
enum dsn_kind
dsn_classify_reply(int code, const char *text, char **status_out)
{
	g_autofree char *diag =
	    g_strdup_printf("%d %s", code, text != NULL ? text : "");
	char *status = effective_status(NULL, diag);
	enum dsn_kind k = code < 400 ? DSN_NOT_BOUNCE
	    : code < 500	     ? DSN_TEMPORARY
				     : classify(status, diag, false);

	if (status_out != NULL)
		*status_out = status;
	else
		g_free(status);
	return k;
}
