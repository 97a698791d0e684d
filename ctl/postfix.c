/*
 * postfix - moimctl postfix-config: the main.cf and master.cf lines
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "err.h"

/* pf_token_ok - whether s can stand in a Postfix value unquoted: no
 * blanks, separators or "$" (which Postfix would expand) */
static bool
pf_token_ok(const char *what, const char *s, GError **err)
{
	if (s[0] == '\0' || strpbrk(s, " \t,{}$#=") != NULL)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "%s \"%s\" cannot be written in Postfix syntax", what, s);
	return true;
}

/* pf_host - host for a Postfix inet: address, IPv6 in brackets */
static char *
pf_host(const char *host)
{
	if (strchr(host, ':') != NULL)
		return g_strdup_printf("[%s]", host);
	return g_strdup(host);
}

/* pf_endpoint - "unix:PATH" or "inet:HOST:PORT" for a socket spec */
static char *
pf_endpoint(const char *what, const char *spec, GError **err)
{
	g_autofree char *host = NULL, *path = NULL, *h = NULL;
	int port = 0;

	if (!config_parse_endpoint(spec, &host, &port, &path, err))
		return NULL;
	if (path != NULL)
		return pf_token_ok(what, path, err)
		    ? g_strdup_printf("unix:%s", path)
		    : NULL;
	if (!pf_token_ok(what, host, err))
		return NULL;
	h = pf_host(host);
	return g_strdup_printf("inet:%s:%d", h, port);
}

/* relay_networks - mynetworks for the fan-out smtpd: the relay's host */
static char *
relay_networks(const char *host)
{
	if (g_str_has_prefix(host, "127."))
		return g_strdup("127.0.0.0/8");
	if (g_hostname_is_ip_address(host))
		return strchr(host, ':') ? g_strdup_printf("[%s]/128", host)
					 : g_strdup_printf("%s/32", host);
	return g_strdup("127.0.0.0/8,[::1]/128");
}

/* print_main - the main.cf part */
static bool
print_main(GString *out, const struct moim_config *cfg, GError **err)
{
	g_autofree char *lmtp = pf_endpoint("[listd] lmtp", cfg->lmtp, err);
	g_autofree char *milter = lmtp
	    ? pf_endpoint("[milter] socket", cfg->milter_socket, err)
	    : NULL;
	g_autofree char *doms = g_strjoinv(", ", cfg->domains);

	if (milter == NULL)
		return false;
	g_string_append_printf(out,
	    "# ---- main.cf ----\n"
	    "# List domains: Postfix relays them and hands their mail to\n"
	    "# moim-listd over LMTP. Merge with existing values if any.\n"
	    "relay_domains = %s\n"
	    "transport_maps = inline:{ ",
	    doms);
	for (char **d = cfg->domains; *d != NULL; d++)
		g_string_append_printf(out, "%s%s=lmtp:%s",
		    d == cfg->domains ? "" : ", ", *d, lmtp);
	g_string_append_printf(out,
	    " }\n"
	    "# moim-milter checks list mail while the sender is connected;\n"
	    "# when it is down Postfix answers 4xx and senders retry.\n"
	    "smtpd_milters = %s\n"
	    "milter_default_action = tempfail\n"
	    "milter_protocol = 6\n",
	    milter);
	return true;
}

/* print_master - the master.cf part: the fan-out smtpd without milters */
static bool
print_master(GString *out, const struct moim_config *cfg, GError **err)
{
	g_autofree char *host = NULL, *h = NULL, *nets = NULL;
	int port = 0;

	if (!config_parse_endpoint(cfg->relay, &host, &port, NULL, err) ||
	    !pf_token_ok("[listd] relay", host, err))
		return false;
	h = pf_host(host);
	nets = relay_networks(host);
	g_string_append_printf(out,
	    "# ---- master.cf ----\n"
	    "# moim-listd fans posts out through this smtpd ([listd] relay):\n"
	    "# no milters (posts were checked on the way in), XVERP allowed.\n"
	    "%s:%d inet n - n - - smtpd\n"
	    "  -o smtpd_milters=\n"
	    "  -o non_smtpd_milters=\n"
	    "  -o content_filter=\n"
	    "  -o receive_override_options=no_address_mappings\n"
	    "  -o smtpd_authorized_verp_clients=%s\n"
	    "  -o smtpd_recipient_restrictions=permit_mynetworks,reject\n"
	    "  -o smtpd_relay_restrictions=permit_mynetworks,reject\n"
	    "  -o mynetworks=%s\n",
	    h, port, nets, nets);
	return true;
}

/* print_signing - where the ARC and DKIM records go, and OpenDKIM on
 * the relay as the other way to sign */
static void
print_signing(GString *out, const struct moim_config *cfg)
{
	const char *dkim = *cfg->dkim_selector ? cfg->dkim_selector : "SEL";

	g_string_append_printf(out,
	    "# ---- signing ----\n"
	    "# moim-listd seals each post with ARC ([listd] arc_selector,\n"
	    "# arc_key) and DKIM-signs each copy ([listd] dkim_selector,\n"
	    "# dkim_key) with d= the list's domain. \"moimctl check\" prints\n"
	    "# the TXT records SELECTOR._domainkey.LISTDOMAIN to publish in\n"
	    "# each list domain's DNS zone, before moim-listd starts with\n"
	    "# the keys. Currently: ARC %s, DKIM %s.\n"
	    "#\n"
	    "# The other way: leave dkim_key empty and let OpenDKIM sign on\n"
	    "# the relay port. Add to the master.cf service above\n"
	    "#   -o smtpd_milters=inet:127.0.0.1:8891\n"
	    "# and in opendkim.conf (Mode s, a KeyTable/SigningTable for the\n"
	    "# list domains, selector %s) sign the fields RFC 8058 needs\n"
	    "# (each setting on one line there):\n"
	    "#   Canonicalization relaxed/relaxed\n"
	    "#   SignHeaders From,Reply-To,Subject,Date,Message-ID,To,Cc,\n"
	    "#     MIME-Version,Content-Type,List-Id,List-Post,List-Help,\n"
	    "#     List-Subscribe,List-Archive,List-Unsubscribe,\n"
	    "#     List-Unsubscribe-Post\n"
	    "#   OversignHeaders From,Subject,List-Id,List-Unsubscribe,\n"
	    "#     List-Unsubscribe-Post\n"
	    "# OpenDKIM then hashes each copy's body again; moim-listd\n"
	    "# hashes it once per post.\n",
	    *cfg->arc_selector ? "on" : "off",
	    *cfg->dkim_selector ? "on" : "off", dkim);
}

/* ctl_postfix_config - postfix-config: print the lines to paste */
int
ctl_postfix_config(struct ctl *c, struct ctl_args *a)
{
	g_autoptr(GString) out = g_string_new(NULL);
	GError *e = NULL;

	if (c->cfg->domains == NULL || c->cfg->domains[0] == NULL) {
		ctl_err("%s: no list domains in %s ([moim] domains)", c->verb,
		    c->cfg->path);
		return CTL_USER;
	}
	g_string_append_printf(out,
	    "# Postfix settings for moim, from %s.\n"
	    "# Add the main.cf lines to main.cf and the master.cf lines to\n"
	    "# master.cf, then run \"postfix reload\". Debian runs smtpd and\n"
	    "# lmtp chrooted (master.cf chroot column \"y\"): unix: socket\n"
	    "# paths are then relative to the queue directory, so put the\n"
	    "# sockets there or set that column to \"n\".\n",
	    c->cfg->path);
	if (print_main(out, c->cfg, &e) && print_master(out, c->cfg, &e)) {
		print_signing(out, c->cfg);
		fputs(out->str, stdout);
		return CTL_OK;
	}
	ctl_err("%s: %s: %s", c->verb, c->cfg->path, e->message);
	g_error_free(e);
	return CTL_USER;
}
