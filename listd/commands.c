/*
 * commands - read the email commands of SPEC from a request mail
 */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "limits.h"

/* An unknown line is quoted back at most this long. */
#define CMD_MAX_QUOTED 200

struct word {
	const char *word;
	enum cmd_verb verb;
	const char *rsvp; /* Korean RSVP words imply the answer */
};

static const struct word words[] = {
    {"subscribe", CMD_SUBSCRIBE, NULL},
    {"join", CMD_SUBSCRIBE, NULL},
    {"구독", CMD_SUBSCRIBE, NULL},
    {"가입", CMD_SUBSCRIBE, NULL},
    {"unsubscribe", CMD_UNSUBSCRIBE, NULL},
    {"leave", CMD_UNSUBSCRIBE, NULL},
    {"구독취소", CMD_UNSUBSCRIBE, NULL},
    {"탈퇴", CMD_UNSUBSCRIBE, NULL},
    {"confirm", CMD_CONFIRM, NULL},
    {"확인", CMD_CONFIRM, NULL},
    {"help", CMD_HELP, NULL},
    {"도움말", CMD_HELP, NULL},
    {"digest", CMD_DIGEST, NULL},
    {"nomail", CMD_NOMAIL, NULL},
    {"events", CMD_EVENTS, NULL},
    {"행사", CMD_EVENTS, NULL},
    {"rsvp", CMD_RSVP, NULL},
    {"참석", CMD_RSVP, "yes"},
    {"불참", CMD_RSVP, "no"},
    {"미정", CMD_RSVP, "maybe"},
    {"topics", CMD_TOPICS, NULL},
    {"주제", CMD_TOPICS, NULL},
    {"mute", CMD_MUTE, NULL},
    {"끄기", CMD_MUTE, NULL},
    {"follow", CMD_FOLLOW, NULL},
    {"받기", CMD_FOLLOW, NULL},
    {"all", CMD_ALL, NULL},
    {"전체", CMD_ALL, NULL},
};

static const char *const verb_names[] = {"unknown", "subscribe", "unsubscribe",
    "confirm", "help", "digest", "nomail", "events", "rsvp", "topics", "mute",
    "follow", "all"};

const char *
cmd_verb_name(enum cmd_verb v)
{
	return verb_names[v];
}

void
cmd_free(struct cmd *c)
{
	if (c == NULL)
		return;
	g_free(c->arg);
	g_free(c->arg2);
	g_free(c->line);
	g_free(c);
}

/* strip_markers - skip "Re:", "Fwd:", "답장:", "회신:" and the like */
static const char *
strip_markers(const char *s)
{
	static const char *const markers[] = {"re:", "fw:", "fwd:", "aw:",
	    "답장:", "회신:", "전달:", "re :", NULL};
	bool again = true;
	size_t i;

	while (again) {
		again = false;
		while (*s == ' ' || *s == '\t')
			s++;
		for (i = 0; markers[i] != NULL; i++) {
			size_t n = strlen(markers[i]);

			if (g_ascii_strncasecmp(s, markers[i], n) == 0) {
				s += n;
				again = true;
			}
		}
	}
	return s;
}

/* is_on_off - parse "on"/"off" (and 켜기/끄기) */
static bool
is_on_off(const char *w)
{
	static const char *const v[] = {"on", "off", "켜기", "끄기", NULL};

	return w != NULL && g_strv_contains(v, w);
}

static bool
rsvp_answer(const char *w, const char **norm_out)
{
	static const char *const pairs[][2] = {{"yes", "yes"}, {"no", "no"},
	    {"maybe", "maybe"}, {"참석", "yes"}, {"불참", "no"},
	    {"미정", "maybe"}};
	size_t i;

	for (i = 0; w != NULL && i < G_N_ELEMENTS(pairs); i++)
		if (g_ascii_strcasecmp(w, pairs[i][0]) == 0) {
			*norm_out = pairs[i][1];
			return true;
		}
	return false;
}

/* parse_guests - "+N" with 0 <= N <= 50 */
static bool
parse_guests(const char *w, int *n_out)
{
	char *end;
	long n;

	if (w == NULL || w[0] != '+' || !g_ascii_isdigit(w[1]))
		return false;
	n = strtol(w + 1, &end, 10);
	if (*end != '\0' || n > 50)
		return false;
	*n_out = (int)n;
	return true;
}

/* split_date - "12@2026-12-23": the event in c->arg, the date apart;
 * false for a malformed or impossible date */
static bool
split_date(struct cmd *c)
{
	char *at = c->arg != NULL ? strchr(c->arg, '@') : NULL;
	const char *d;
	size_t i;

	if (at == NULL)
		return true;
	*at = '\0';
	d = at + 1;
	if (strlen(d) != 10)
		return false;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? d[i] != '-' : !g_ascii_isdigit(d[i]))
			return false;
	c->year = (int)g_ascii_strtoull(d, NULL, 10);
	c->month = (int)g_ascii_strtoull(d + 5, NULL, 10);
	c->day = (int)g_ascii_strtoull(d + 8, NULL, 10);
	if (g_date_valid_dmy(c->day, c->month, c->year))
		return true;
	c->year = c->month = c->day = 0;
	return false;
}

/* topic_word - a topic as written, without the "#" or "[...]" of a
 * Subject tag that people also type in a command */
static char *
topic_word(const char *w)
{
	size_t n;

	if (*w == '#')
		return g_strdup(w + 1);
	n = strlen(w);
	if (*w == '[' && n >= 2 && w[n - 1] == ']')
		return g_strndup(w + 1, n - 2);
	return g_strdup(w);
}

/* fill_args - the arguments of a recognised verb */
static void
fill_args(struct cmd *c, const struct word *w, char **tok, int ntok)
{
	const char *ans;

	switch (c->verb) {
	case CMD_CONFIRM:
		c->arg = ntok > 1 ? g_strdup(tok[1]) : NULL;
		c->bad_args = ntok != 2 || strlen(tok[1]) > MOIM_MAX_TOKEN;
		break;
	case CMD_DIGEST:
	case CMD_NOMAIL:
		c->arg = ntok > 1 ? g_ascii_strdown(tok[1], -1) : NULL;
		c->bad_args = ntok != 2 || !is_on_off(c->arg);
		break;
	case CMD_RSVP:
		c->arg = ntok > 1 ? g_strdup(tok[1]) : NULL;
		if (!split_date(c)) {
			c->bad_args = true;
		} else if (w->rsvp != NULL) {
			c->arg2 = g_strdup(w->rsvp);
			c->bad_args = ntok < 2 || ntok > 3 ||
			    (ntok == 3 && !parse_guests(tok[2], &c->guests));
		} else {
			c->bad_args = ntok < 3 || ntok > 4 ||
			    !rsvp_answer(tok[2], &ans) ||
			    (ntok == 4 && !parse_guests(tok[3], &c->guests));
			if (!c->bad_args)
				c->arg2 = g_strdup(ans);
		}
		break;
	case CMD_MUTE:
	case CMD_FOLLOW:
		c->arg = ntok > 1 ? topic_word(tok[1]) : NULL;
		c->bad_args = ntok != 2 || *c->arg == '\0';
		break;
	default:
		/* "subscribe" takes no argument: nobody subscribes another. */
		c->bad_args = ntok > 1 && c->verb != CMD_HELP;
		break;
	}
}

/* parse_line - one line as a command, or NULL if it is not one */
static struct cmd *
parse_line(const char *line)
{
	g_auto(GStrv) tok = NULL;
	struct cmd *c;
	int ntok;
	size_t i;

	if (strlen(line) > MOIM_MAX_COMMAND_LINE)
		return NULL;
	tok = g_strsplit_set(line, " \t", -1);
	/* Drop the empty strings that runs of blanks leave. */
	for (i = 0, ntok = 0; tok[i] != NULL; i++)
		if (*tok[i] != '\0')
			tok[ntok++] = tok[i];
		else
			g_free(tok[i]);
	tok[ntok] = NULL;
	if (ntok == 0 || ntok > 4)
		return NULL;
	for (i = 0; i < G_N_ELEMENTS(words); i++)
		if (g_ascii_strcasecmp(tok[0], words[i].word) == 0)
			break;
	if (i == G_N_ELEMENTS(words))
		return NULL;
	c = g_new0(struct cmd, 1);
	c->verb = words[i].verb;
	c->line = g_strdup(line);
	fill_args(c, &words[i], tok, ntok);
	return c;
}

/* is_attribution - a line that introduces quoted text */
static bool
is_attribution(const char *l)
{
	size_t n = strlen(l);

	return g_str_has_prefix(l, "-----Original Message") ||
	    g_str_has_prefix(l, "----- Original Message") ||
	    g_str_has_prefix(l, "-----원본 메시지") ||
	    g_str_has_prefix(l, "보낸 사람:") || g_str_has_prefix(l, "From:") ||
	    (g_str_has_prefix(l, "On ") && n > 6 &&
		g_str_has_suffix(l, "wrote:")) ||
	    g_str_has_suffix(l, "작성:") || g_str_has_suffix(l, "쓴 글:");
}

/* quote_line - l as valid UTF-8, cut at a character boundary to at most
 * max bytes, for quoting back in the reply */
static char *
quote_line(const char *l, size_t max)
{
	char *v = g_utf8_make_valid(l, -1);
	size_t n = strlen(v);

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)v[n] & 0xc0) == 0x80)
			n--;
		v[n] = '\0';
	}
	return v;
}

/* add_cmd - keep c unless the same command is already there */
static void
add_cmd(GPtrArray *a, struct cmd *c)
{
	guint i;

	for (i = 0; i < a->len; i++) {
		struct cmd *o = a->pdata[i];

		/* rsvp 12@2026-12-23 and rsvp 12@2026-12-30 are two */
		if (o->verb == c->verb && g_strcmp0(o->arg, c->arg) == 0 &&
		    g_strcmp0(o->arg2, c->arg2) == 0 && o->year == c->year &&
		    o->month == c->month && o->day == c->day) {
			cmd_free(c);
			return;
		}
	}
	g_ptr_array_add(a, c);
}

/* cmd_parse - the commands of a request mail, in order */
GPtrArray *
cmd_parse(const char *subject, const char *body)
{
	GPtrArray *a = g_ptr_array_new_with_free_func((GDestroyNotify)cmd_free);
	g_auto(GStrv) lines = g_strsplit(body ? body : "", "\n", -1);
	struct cmd *c;
	int seen = 0, unknown = 0;
	size_t i;

	if (subject != NULL && (c = parse_line(strip_markers(subject))))
		add_cmd(a, c);
	for (i = 0;
	     lines[i] != NULL && seen < MOIM_MAX_COMMAND_LINES && unknown < 5;
	     i++) {
		char *l = g_strstrip(lines[i]);

		if (strcmp(l, "--") == 0 || strcmp(lines[i], "-- ") == 0 ||
		    g_ascii_strcasecmp(l, "end") == 0 || is_attribution(l))
			break;
		if (*l == '\0' || *l == '>')
			continue;
		seen++;
		c = parse_line(l);
		if (c != NULL) {
			add_cmd(a, c);
			unknown = 0;
			continue;
		}
		unknown++;
		c = g_new0(struct cmd, 1);
		c->verb = CMD_UNKNOWN;
		c->line = quote_line(l, CMD_MAX_QUOTED);
		g_ptr_array_add(a, c);
	}
	return a;
}
