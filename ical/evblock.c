/*
 * evblock - parse the event block at the start of an organizer's post
 *
 * The date and time grammar is a small hand-written scanner over the
 * When value: every form it accepts is listed in evblock.h, and anything
 * left over after the scan is refused, so a block is never sent half
 * understood.
 */
#include "config.h"

#include <string.h>

#include "evblock.h"
#include "repeat.h"

enum key {
	K_TITLE,
	K_WHEN,
	K_WHERE,
	K_CAPACITY,
	K_DEADLINE,
	K_DESCRIPTION,
	K_REPEATS,
	K_SKIP,
	K_N,
};

enum mer { MER_NONE, MER_AM, MER_PM };

struct ymd {
	int y, mo, d; /* 0 = not written */
	int wday; /* 1 = Monday .. 7 = Sunday; 0 = not written */
};

struct hm {
	int h, mi;
	enum mer mer;
};

/* What the scanner read from a When or RSVP-By value. */
struct span {
	struct ymd d1, d2;
	struct hm t1, t2;
	bool has_d2, has_t1, has_t2;
	bool all_day; /* "종일", "all day" written */
	char zone[40]; /* "" = not named */
};

/* The lines of the block, by key. */
struct block {
	GString *val[K_N];
	unsigned line[K_N];
	size_t body_offset;
};

static const struct {
	const char *en, *ko;
} messages[] = {
    [EVBLOCK_OK] = {"ok", "정상"},
    [EVBLOCK_BAD_TEXT] = {"the line is too long or is not valid text",
	"줄이 너무 길거나 올바른 글자가 아닙니다"},
    [EVBLOCK_NO_TITLE] = {"the block has a When line but no Event line",
	"일시는 있지만 행사 이름(행사:) 줄이 없습니다"},
    [EVBLOCK_NO_WHEN] = {"the block has an Event line but no When line",
	"행사 이름은 있지만 일시(일시:) 줄이 없습니다"},
    [EVBLOCK_DUPLICATE_KEY] = {"this item is given twice",
	"같은 항목이 두 번 나옵니다"},
    [EVBLOCK_EMPTY_VALUE] = {"the value is empty", "값이 비어 있습니다"},
    [EVBLOCK_BAD_DATE] = {"unknown date or time; write for example "
			  "2026-12-16 14:00-17:00",
	"날짜나 시간을 알 수 없습니다. 예: 2026년 12월 16일 오후 2시~5시"},
    [EVBLOCK_NO_SUCH_DATE] = {"there is no such date or time",
	"존재하지 않는 날짜나 시간입니다"},
    [EVBLOCK_WEEKDAY_MISMATCH] = {"the weekday does not match the date",
	"요일이 날짜와 맞지 않습니다"},
    [EVBLOCK_BAD_ZONE] = {"unknown time zone", "알 수 없는 시간대입니다"},
    [EVBLOCK_END_BEFORE_START] = {"the end is not after the start",
	"끝나는 시각이 시작 시각보다 늦지 않습니다"},
    [EVBLOCK_PAST] = {"the date is in the past", "이미 지난 날짜입니다"},
    [EVBLOCK_TOO_LONG] = {"the event lasts more than 31 days; check the "
			  "dates",
	"행사 기간이 31일을 넘습니다. 날짜를 확인해 주세요"},
    [EVBLOCK_TOO_FAR] = {"the date is more than 5 years away; check the "
			 "year",
	"5년도 더 뒤의 날짜입니다. 연도를 확인해 주세요"},
    [EVBLOCK_BAD_CAPACITY] = {"the capacity must be a number of people, "
			      "such as 80",
	"정원은 80 또는 80명처럼 사람 수로 적어 주세요"},
    [EVBLOCK_BAD_DEADLINE] = {"unknown RSVP deadline; write for example "
			      "2026-12-14",
	"신청 마감일을 알 수 없습니다. 예: 12월 14일"},
    [EVBLOCK_DEADLINE_PAST] = {"the RSVP deadline has already passed",
	"신청 마감일이 이미 지났습니다"},
    [EVBLOCK_DEADLINE_AFTER_START] = {"the RSVP deadline is after the "
				      "start of the event",
	"신청 마감일이 행사 시작보다 늦습니다"},
    /* EVBLOCK_BAD_REPEAT takes its sentences from ical/repeat. */
    [EVBLOCK_BAD_REPEAT] = {"bad repeat rule", "반복 규칙이 잘못되었습니다"},
};

/* Key names with ASCII lower-cased and spaces, '-', '_' and '.' removed. */
static const struct {
	const char *name;
	enum key key;
} keys[] = {
    {"event", K_TITLE},
    {"title", K_TITLE},
    {"행사", K_TITLE},
    {"행사명", K_TITLE},
    {"제목", K_TITLE},
    {"when", K_WHEN},
    {"date", K_WHEN},
    {"일시", K_WHEN},
    {"날짜", K_WHEN},
    {"일정", K_WHEN},
    {"where", K_WHERE},
    {"location", K_WHERE},
    {"place", K_WHERE},
    {"venue", K_WHERE},
    {"장소", K_WHERE},
    {"위치", K_WHERE},
    {"capacity", K_CAPACITY},
    {"seats", K_CAPACITY},
    {"정원", K_CAPACITY},
    {"모집인원", K_CAPACITY},
    {"rsvpby", K_DEADLINE},
    {"rsvp", K_DEADLINE},
    {"deadline", K_DEADLINE},
    {"registerby", K_DEADLINE},
    {"마감", K_DEADLINE},
    {"마감일", K_DEADLINE},
    {"신청마감", K_DEADLINE},
    {"접수마감", K_DEADLINE},
    {"참가신청마감", K_DEADLINE},
    {"description", K_DESCRIPTION},
    {"details", K_DESCRIPTION},
    {"내용", K_DESCRIPTION},
    {"설명", K_DESCRIPTION},
    {"소개", K_DESCRIPTION},
    {"repeats", K_REPEATS},
    {"repeat", K_REPEATS},
    {"recurrence", K_REPEATS},
    {"반복", K_REPEATS},
    {"반복일정", K_REPEATS},
    {"skip", K_SKIP},
    {"except", K_SKIP},
    {"nosession", K_SKIP},
    {"휴강", K_SKIP},
    {"휴강일", K_SKIP},
    {"쉬는날", K_SKIP},
};

static const char *const wday_ko[] = {"월", "화", "수", "목", "금", "토", "일"};
static const char *const wday_en[] = {"monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday"};
static const char *const month_en[] = {"january", "february", "march", "april",
    "may", "june", "july", "august", "september", "october", "november",
    "december"};

/* fail - fill *e for reason at line and return false */
static bool
fail(struct evblock_error *e, unsigned line, enum evblock_reason reason)
{
	e->line = line;
	e->reason = reason;
	e->msg_en = messages[reason].en;
	e->msg_ko = messages[reason].ko;
	e->words[0] = '\0';
	return false;
}

/* fail_repeat - fill *e for a repeat rule refused at line */
static bool
fail_repeat(
    struct evblock_error *e, unsigned line, const struct repeat_error *re)
{
	(void)fail(e, line, EVBLOCK_BAD_REPEAT);
	e->msg_en = repeat_reason_en(re->reason);
	e->msg_ko = repeat_reason_ko(re->reason);
	g_strlcpy(e->words, re->words, sizeof e->words);
	return false;
}

/* skip_ws - skip blanks, commas and the ideographic space */
static void
skip_ws(const char **pp)
{
	const char *p = *pp;

	for (;;) {
		if (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		else if (strncmp(p, "\u3000", 3) == 0)
			p += 3;
		else
			break;
	}
	*pp = p;
}

/* eat - consume lit (ASCII letters in any case) if it is next */
static bool
eat(const char **pp, const char *lit)
{
	size_t n = strlen(lit);

	if (g_ascii_strncasecmp(*pp, lit, n) != 0)
		return false;
	*pp += n;
	return true;
}

/* eat_word - consume an English word lit not followed by a letter */
static bool
eat_word(const char **pp, const char *lit)
{
	const char *p = *pp;

	if (!eat(&p, lit) || g_ascii_isalpha(*p))
		return false;
	*pp = p;
	return true;
}

/* read_num - read 1 to 4 decimal digits into *n; *nd is how many */
static bool
read_num(const char **pp, int *n, int *nd)
{
	const char *p = *pp;
	int v = 0;

	while (g_ascii_isdigit(*p) && p - *pp < 5)
		v = v * 10 + (*p++ - '0');
	*nd = (int)(p - *pp);
	if (*nd == 0 || *nd > 4)
		return false;
	*n = v;
	*pp = p;
	return true;
}

/* scan_wday_word - read a weekday name, Korean one-letter only in ( ) */
static int
scan_wday_word(const char **pp, bool in_parens)
{
	for (int i = 0; i < 7; i++) {
		const char *p = *pp;
		char abbr[4];

		g_strlcpy(abbr, wday_en[i], sizeof abbr);
		if (eat_word(&p, wday_en[i]) || eat_word(&p, abbr)) {
			(void)eat(&p, ".");
			*pp = p;
			return i + 1;
		}
		if (eat(&p, wday_ko[i]) && (eat(&p, "요일") || in_parens)) {
			*pp = p;
			return i + 1;
		}
	}
	return 0;
}

/* scan_wday - read an optional weekday, "(수)", "수요일" or "Wed," */
static int
scan_wday(const char **pp)
{
	const char *p = *pp;
	int w;

	skip_ws(&p);
	if (eat(&p, "(") || eat(&p, "\uff08")) {
		skip_ws(&p);
		w = scan_wday_word(&p, true);
		skip_ws(&p);
		if (w == 0 || !(eat(&p, ")") || eat(&p, "\uff09")))
			return 0;
	} else if ((w = scan_wday_word(&p, false)) == 0)
		return 0;
	skip_ws(&p);
	*pp = p;
	return w;
}

/* scan_month_name - read an English month name or its abbreviation */
static bool
scan_month_name(const char **pp, int *mo)
{
	for (int i = 0; i < 12; i++) {
		const char *p = *pp;
		char abbr[4];

		g_strlcpy(abbr, month_en[i], sizeof abbr);
		if (eat_word(&p, month_en[i]) || eat_word(&p, abbr)) {
			(void)eat(&p, ".");
			*mo = i + 1;
			*pp = p;
			return true;
		}
	}
	return false;
}

/* scan_year_after - read ", 2026" after an English date if it is there */
static void
scan_year_after(const char **pp, struct ymd *d)
{
	const char *p = *pp;
	int y, ny;

	skip_ws(&p);
	if (read_num(&p, &y, &ny) && ny == 4 && *p != ':') {
		d->y = y;
		*pp = p;
	}
}

/* scan_date_en - "Dec 16, 2026", "December 16th" or "16 Dec 2026" */
static bool
scan_date_en(const char **pp, struct ymd *d)
{
	const char *p = *pp;
	int a, na;

	if (scan_month_name(&p, &d->mo)) {
		skip_ws(&p);
		if (!read_num(&p, &a, &na) || na > 2)
			return false;
	} else {
		if (!read_num(&p, &a, &na) || na > 2)
			return false;
		skip_ws(&p);
		if (!scan_month_name(&p, &d->mo))
			return false;
	}
	d->d = a;
	(void)(eat(&p, "st") || eat(&p, "nd") || eat(&p, "rd") ||
	    eat(&p, "th"));
	scan_year_after(&p, d);
	*pp = p;
	return true;
}

/* scan_ymd_sep - "2026-12-16", "2026.12.16." or "2026. 12. 16." after Y */
static bool
scan_ymd_sep(const char **pp, struct ymd *d)
{
	const char *p = *pp;
	char sep = *p++;
	int n, nd;

	skip_ws(&p);
	if (!read_num(&p, &n, &nd) || nd > 2 || *p != sep)
		return false;
	d->mo = n;
	p++;
	skip_ws(&p);
	if (!read_num(&p, &n, &nd) || nd > 2)
		return false;
	d->d = n;
	if (sep == '.')
		(void)eat(&p, ".");
	*pp = p;
	return true;
}

/* scan_ko_md - "12월 16일" after the month number */
static bool
scan_ko_md(const char **pp, struct ymd *d)
{
	const char *p = *pp;
	int n, nd;

	skip_ws(&p);
	if (!read_num(&p, &n, &nd) || nd > 2 || !eat(&p, "일"))
		return false;
	d->d = n;
	*pp = p;
	return true;
}

/* scan_slash - "12/16", "12/16/2026" or "12/16/26" after the month */
static bool
scan_slash(const char **pp, struct ymd *d)
{
	const char *p = *pp + 1;
	int n, nd;

	if (!read_num(&p, &n, &nd) || nd > 2)
		return false;
	d->d = n;
	if (*p == '/' && g_ascii_isdigit(p[1])) {
		p++;
		if (!read_num(&p, &n, &nd) || (nd != 2 && nd != 4))
			return false;
		d->y = nd == 2 ? 2000 + n : n;
	}
	*pp = p;
	return true;
}

/* scan_date_num - every numeric date form, year first or not */
static bool
scan_date_num(const char **pp, struct ymd *d)
{
	const char *p = *pp;
	int a, na;
	bool ok;

	if (!read_num(&p, &a, &na))
		return false;
	if (na == 4 && (*p == '-' || *p == '.' || *p == '/')) {
		d->y = a;
		ok = scan_ymd_sep(&p, d);
	} else if (na == 4 && eat(&p, "년")) {
		d->y = a;
		skip_ws(&p);
		ok = read_num(&p, &d->mo, &na) && na <= 2 && eat(&p, "월") &&
		    scan_ko_md(&p, d);
	} else if (na > 2) {
		ok = false;
	} else if (*p == '/') {
		d->mo = a;
		ok = scan_slash(&p, d);
	} else if (eat(&p, "월")) {
		d->mo = a;
		ok = scan_ko_md(&p, d);
	} else if (eat(&p, "일")) {
		d->d = a;
		ok = true;
	} else if (*p == '.' && g_ascii_isdigit(p[1])) {
		d->mo = a;
		p++;
		ok = read_num(&p, &d->d, &na) && na <= 2 && *p != ':';
		(void)eat(&p, ".");
	} else {
		ok = false;
	}
	if (ok)
		*pp = p;
	return ok;
}

/* scan_date - read a date with an optional weekday before or after it */
static bool
scan_date(const char **pp, struct ymd *d)
{
	const char *p = *pp;
	int w;

	memset(d, 0, sizeof *d);
	w = scan_wday(&p);
	if (!scan_date_num(&p, d) && !scan_date_en(&p, d))
		return false;
	d->wday = w ? w : scan_wday(&p);
	*pp = p;
	return true;
}

/* scan_meridiem_ko - 오전/오후 and the words that mean the same */
static enum mer
scan_meridiem_ko(const char **pp)
{
	static const struct {
		const char *w;
		enum mer mer;
	} tab[] = {{"오전", MER_AM}, {"오후", MER_PM}, {"새벽", MER_AM},
	    {"아침", MER_AM}, {"낮", MER_PM}, {"저녁", MER_PM}, {"밤", MER_PM}};

	for (size_t i = 0; i < G_N_ELEMENTS(tab); i++)
		if (eat(pp, tab[i].w)) {
			skip_ws(pp);
			return tab[i].mer;
		}
	return MER_NONE;
}

/* scan_meridiem_en - "am", "pm", "a.m.", "p.m." */
static enum mer
scan_meridiem_en(const char **pp)
{
	const char *p = *pp;

	while (*p == ' ')
		p++;
	if (eat_word(&p, "am") || eat(&p, "a.m.")) {
		*pp = p;
		return MER_AM;
	}
	if (eat_word(&p, "pm") || eat(&p, "p.m.")) {
		*pp = p;
		return MER_PM;
	}
	return MER_NONE;
}

/* scan_minutes_ko - "30분" or "반" after "2시" */
static void
scan_minutes_ko(const char **pp, struct hm *t)
{
	const char *p = *pp;
	int n, nd;

	skip_ws(&p);
	if (read_num(&p, &n, &nd) && nd <= 2 && eat(&p, "분")) {
		t->mi = n;
		*pp = p;
	} else if (eat(&p, "반")) {
		t->mi = 30;
		*pp = p;
	}
}

/* scan_time - "14:00", "오후 2시 30분", "2시 반", "2pm", "정오" */
static bool
scan_time(const char **pp, struct hm *t)
{
	const char *p = *pp;
	int nd;

	memset(t, 0, sizeof *t);
	t->mer = scan_meridiem_ko(&p);
	if (eat(&p, "정오") || eat_word(&p, "noon")) {
		t->h = 12;
		t->mer = MER_PM;
		*pp = p;
		return true;
	}
	if (!read_num(&p, &t->h, &nd) || nd > 2)
		return false;
	if (*p == ':') {
		p++;
		if (!read_num(&p, &t->mi, &nd) || nd != 2)
			return false;
	} else if (eat(&p, "시")) {
		scan_minutes_ko(&p, t);
	} else if (t->mer != MER_NONE) {
		return false;
	} else {
		const char *q = p;

		if (scan_meridiem_en(&q) == MER_NONE)
			return false;
	}
	if (t->mer == MER_NONE)
		t->mer = scan_meridiem_en(&p);
	*pp = p;
	return true;
}

/* scan_all_day - "종일", "하루 종일", "온종일", "all day", "(all-day)" */
static bool
scan_all_day(const char **pp)
{
	const char *p = *pp;
	bool in_parens = eat(&p, "(") || eat(&p, "\uff08");
	bool ok;

	skip_ws(&p);
	if (eat(&p, "하루")) {
		skip_ws(&p);
		ok = eat(&p, "종일");
	} else if (eat_word(&p, "all-day") || eat_word(&p, "allday")) {
		ok = true;
	} else if (eat_word(&p, "all")) {
		skip_ws(&p);
		ok = eat_word(&p, "day");
	} else {
		ok = eat(&p, "온종일") || eat(&p, "종일");
	}
	skip_ws(&p);
	if (!ok || (in_parens && !(eat(&p, ")") || eat(&p, "\uff09"))))
		return false;
	*pp = p;
	return true;
}

/* scan_bare_day - the "11" of "Oct 9-11": a day of the start's month */
static bool
scan_bare_day(const char **pp, struct ymd *d)
{
	const char *p = *pp;
	int n, nd;

	memset(d, 0, sizeof *d);
	if (!read_num(&p, &n, &nd) || nd > 2 || *p == ':' || *p == '.' ||
	    *p == '/')
		return false;
	d->d = n;
	d->wday = scan_wday(&p);
	*pp = p;
	return true;
}

/* scan_range_sep - "-", "~", en/em dashes, wave dashes, "to", "부터" */
static bool
scan_range_sep(const char **pp)
{
	static const char *const seps[] = {
	    "-", "~", "\u2013", "\u2014", "\u301c", "\uff5e", "\u223c"};
	bool from = eat(pp, "부터");

	skip_ws(pp);
	for (size_t i = 0; i < G_N_ELEMENTS(seps); i++)
		if (eat(pp, seps[i]))
			return true;
	return eat_word(pp, "to") || eat_word(pp, "until") || from;
}

/* norm_offset - "+9", "+0900", "+09:00" as "+09:00" in out */
static bool
norm_offset(const char *s, char *out, size_t outsz)
{
	const char *p = s + 1;
	int h, m = 0, nd;

	if (!read_num(&p, &h, &nd) || nd == 3)
		return false;
	if (nd == 4) {
		m = h % 100;
		h /= 100;
	} else if (*p == ':') {
		p++;
		if (!read_num(&p, &m, &nd) || nd != 2)
			return false;
	}
	if (*p != '\0' || h > 14 || m > 59)
		return false;
	g_snprintf(out, outsz, "%c%02d:%02d", s[0], h, m);
	return true;
}

/* is_abbrev - two to five upper-case letters, like "EST" */
static bool
is_abbrev(const char *w)
{
	size_t n = strlen(w);

	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isupper(w[i]))
			return false;
	return n >= 2 && n <= 5;
}

/* zone_id - map a zone as written to a GLib identifier in out */
static bool
zone_id(const char *w, char *out, size_t outsz)
{
	if (g_ascii_strcasecmp(w, "KST") == 0)
		w = "Asia/Seoul";
	else if (g_ascii_strcasecmp(w, "JST") == 0)
		w = "Asia/Tokyo";
	else if (g_ascii_strcasecmp(w, "UTC") == 0 ||
	    g_ascii_strcasecmp(w, "GMT") == 0 || strcmp(w, "Z") == 0)
		w = "UTC";
	else if (g_ascii_strncasecmp(w, "UTC", 3) == 0 ||
	    g_ascii_strncasecmp(w, "GMT", 3) == 0)
		w += 3;
	if (w[0] == '+' || w[0] == '-')
		return norm_offset(w, out, outsz);
	/* GLib opens a file named by the identifier: no leading '/', and
	 * the scanner let no '.' in. Other abbreviations go to GLib. */
	if (w[0] == '/' ||
	    (strcmp(w, "UTC") != 0 && strchr(w, '/') == NULL && !is_abbrev(w)))
		return false;
	g_strlcpy(out, w, outsz);
	return true;
}

/* scan_zone - an optional zone at the end, bare or in parentheses */
static bool
scan_zone(const char **pp, char *zone, size_t zonesz)
{
	const char *p = *pp;
	bool paren = eat(&p, "(");
	char w[40];
	size_t n = 0;

	skip_ws(&p);
	if (eat(&p, "한국시간") || eat(&p, "한국 시간")) {
		g_strlcpy(w, "KST", sizeof w);
	} else {
		while (n < sizeof w - 1 && p[n] != '\0' &&
		    (g_ascii_isalnum(p[n]) || strchr("_/+:-", p[n]) != NULL))
			n++;
		if (n == 0)
			return paren ? false : true;
		memcpy(w, p, n);
		w[n] = '\0';
		p += n;
	}
	if (paren && !eat(&p, ")"))
		return false;
	if (!zone_id(w, zone, zonesz))
		return false;
	*pp = p;
	return true;
}

/* scan_end - the end of a range: a date, a time, or both */
static bool
scan_end(const char **pp, struct span *s)
{
	skip_ws(pp);
	s->has_d2 =
	    scan_date(pp, &s->d2) || (!s->has_t1 && scan_bare_day(pp, &s->d2));
	skip_ws(pp);
	s->has_t2 = !s->all_day && scan_time(pp, &s->t2);
	if (!s->has_d2 && !s->has_t2)
		return false;
	/* Times on both ends, or on neither (a range of whole days). */
	if (s->has_t1 != s->has_t2)
		return false;
	skip_ws(pp);
	(void)eat(pp, "까지");
	skip_ws(pp);
	if (!s->has_t1 && scan_all_day(pp))
		s->all_day = true;
	return true;
}

/* scan_span - the whole When (or RSVP-By) value; nothing may be left */
static bool
scan_span(const char *v, struct span *s)
{
	const char *p = v;

	memset(s, 0, sizeof *s);
	if (!scan_date(&p, &s->d1))
		return false;
	skip_ws(&p);
	s->all_day = scan_all_day(&p);
	s->has_t1 = !s->all_day && scan_time(&p, &s->t1);
	skip_ws(&p);
	if (scan_range_sep(&p) && !scan_end(&p, s))
		return false;
	skip_ws(&p);
	if (!scan_zone(&p, s->zone, sizeof s->zone))
		return false;
	skip_ws(&p);
	(void)eat(&p, ".");
	skip_ws(&p);
	return *p == '\0';
}

/* resolve_date - fill a missing year or month: the next such date */
static bool
resolve_date(struct ymd *d, int ty, int tm, int td)
{
	if (d->y == 0 && d->mo == 0) {
		int y = ty, m = tm;

		for (int i = 0; i < 13; i++) {
			if (g_date_valid_dmy(d->d, m, y) &&
			    (i > 0 || d->d >= td)) {
				d->y = y;
				d->mo = m;
				return true;
			}
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
		return false;
	}
	if (d->y == 0) {
		d->y = ty;
		if (d->mo < tm || (d->mo == tm && d->d < td))
			d->y++;
		/* 2/29 written in a year without one: the next leap year. */
		for (int i = 0; i < 4 && d->mo == 2 && d->d == 29 &&
		     !g_date_valid_dmy(d->d, d->mo, d->y);
		     i++)
			d->y++;
	}
	return d->mo >= 1 && d->mo <= 12 && d->d >= 1 &&
	    g_date_valid_dmy(d->d, d->mo, d->y);
}

/* check_wday - a weekday written beside a date must be that date's */
static bool
check_wday(const struct ymd *d)
{
	GDate *g;
	int w;

	if (d->wday == 0)
		return true;
	g = g_date_new_dmy(d->d, d->mo, d->y);
	w = g_date_get_weekday(g);
	g_date_free(g);
	return w == d->wday;
}

/* hour24 - a written hour as 0..23, or -1 when there is no such hour */
static int
hour24(const struct hm *t)
{
	if (t->mi < 0 || t->mi > 59)
		return -1;
	if (t->mer == MER_NONE)
		return t->h <= 23 ? t->h : -1;
	if (t->h < 1 || t->h > 12)
		return -1;
	return t->h % 12 + (t->mer == MER_PM ? 12 : 0);
}

/* at - the unix time of a local date and time in tz */
static bool
at(GTimeZone *tz, const struct ymd *d, int h, int mi, int add_days,
    gint64 *t_out)
{
	GDateTime *dt = g_date_time_new(tz, d->y, d->mo, d->d, h, mi, 0);
	GDateTime *dt2;

	if (dt == NULL)
		return false;
	dt2 = g_date_time_add_days(dt, add_days);
	g_date_time_unref(dt);
	if (dt2 == NULL)
		return false;
	*t_out = g_date_time_to_unix(dt2);
	g_date_time_unref(dt2);
	return true;
}

/* inherit_end_date - complete an end date from the start date */
static void
inherit_end_date(struct ymd *d2, const struct ymd *d1)
{
	if (d2->mo == 0) {
		/* "10월 9일~11일": the start's month; "9일~8일" is backwards,
		 * not the 8th of the next month. */
		d2->mo = d1->mo;
		d2->y = d1->y;
	} else if (d2->y == 0) {
		d2->y = d1->y;
		/* "12/30~1/2" ends next year; "12/18~12/16" is an error. */
		if (d2->mo < d1->mo)
			d2->y++;
	}
}

/* today - the local date of now in tz */
static void
today(GTimeZone *tz, gint64 now, int *y, int *m, int *d)
{
	GDateTime *u = g_date_time_new_from_unix_utc(now);
	GDateTime *l = g_date_time_to_timezone(u, tz);

	g_date_time_get_ymd(l, y, m, d);
	g_date_time_unref(l);
	g_date_time_unref(u);
}

/* resolve_dates - both dates of a span made whole and checked */
static enum evblock_reason
resolve_dates(struct span *s, GTimeZone *tz, gint64 now)
{
	int y, m, d;

	today(tz, now, &y, &m, &d);
	if (!resolve_date(&s->d1, y, m, d))
		return EVBLOCK_NO_SUCH_DATE;
	if (!check_wday(&s->d1))
		return EVBLOCK_WEEKDAY_MISMATCH;
	if (!s->has_d2)
		return EVBLOCK_OK;
	inherit_end_date(&s->d2, &s->d1);
	if (!resolve_date(&s->d2, y, m, d))
		return EVBLOCK_NO_SUCH_DATE;
	if (!check_wday(&s->d2))
		return EVBLOCK_WEEKDAY_MISMATCH;
	return EVBLOCK_OK;
}

/* end_hour - the end hour, in the afternoon when the text means that */
static int
end_hour(const struct span *s, int h1)
{
	int h2 = hour24(&s->t2);

	if (h2 < 0 || s->has_d2 || s->t2.mer != MER_NONE)
		return h2;
	/* "오후 2시~5시", "오전 11시~1시": the end without 오전/오후 is
	 * the one after the start. */
	if (s->t1.mer != MER_NONE && h2 < 12 &&
	    h2 * 60 + s->t2.mi <= h1 * 60 + s->t1.mi && h2 + 12 > h1)
		return h2 + 12;
	/* "9:00-6:00", "9시~6시": office hours, written in twelve. */
	if (s->t1.mer == MER_NONE && h1 < 12 && h2 >= 1 && h2 <= 6 && h2 < h1)
		return h2 + 12;
	return h2;
}

/* start_hour - the start hour; "2:00-5:00 pm" puts both after noon */
static int
start_hour(const struct span *s)
{
	int h1 = hour24(&s->t1), h2;

	if (h1 < 0 || !s->has_t2 || s->has_d2 || s->t1.mer != MER_NONE ||
	    s->t2.mer != MER_PM)
		return h1;
	h2 = hour24(&s->t2);
	return h1 < 12 && h1 + 12 < h2 ? h1 + 12 : h1;
}

/* span_times - start and end of a resolved span as unix seconds */
static enum evblock_reason
span_times(const struct span *s, GTimeZone *tz, struct evblock *ev)
{
	const struct ymd *d2 = s->has_d2 ? &s->d2 : &s->d1;
	int h1, h2;

	ev->is_all_day = !s->has_t1;
	if (ev->is_all_day) {
		if (!at(tz, &s->d1, 0, 0, 0, &ev->start) ||
		    !at(tz, d2, 0, 0, 1, &ev->end))
			return EVBLOCK_NO_SUCH_DATE;
		return EVBLOCK_OK;
	}
	h1 = start_hour(s);
	if (h1 < 0 || !at(tz, &s->d1, h1, s->t1.mi, 0, &ev->start))
		return EVBLOCK_NO_SUCH_DATE;
	if (!s->has_t2) {
		ev->end = ev->start + 2 * 3600;
		return EVBLOCK_OK;
	}
	h2 = end_hour(s, h1);
	if (h2 < 0 || !at(tz, d2, h2, s->t2.mi, 0, &ev->end))
		return EVBLOCK_NO_SUCH_DATE;
	return EVBLOCK_OK;
}

/* open_zone - the zone named in a span, else the default */
static GTimeZone *
open_zone(const char *named, const char *dflt, char **tzid_out)
{
	const char *id = named[0] != '\0' ? named : dflt;
	GTimeZone *tz = g_time_zone_new_identifier(id);

	if (tz != NULL)
		*tzid_out = g_strdup(id);
	return tz;
}

/* parse_when - the When value into start, end and zone of ev */
static bool
parse_when(const char *v, unsigned line, const char *dflt, gint64 now,
    struct evblock *ev, struct evblock_error *e)
{
	struct span s;
	GTimeZone *tz;
	enum evblock_reason r;

	if (!scan_span(v, &s))
		return fail(e, line, EVBLOCK_BAD_DATE);
	if ((tz = open_zone(s.zone, dflt, &ev->tzid)) == NULL)
		return fail(e, line, EVBLOCK_BAD_ZONE);
	r = resolve_dates(&s, tz, now);
	if (r == EVBLOCK_OK)
		r = span_times(&s, tz, ev);
	g_time_zone_unref(tz);
	if (r != EVBLOCK_OK)
		return fail(e, line, r);
	if (ev->end <= ev->start)
		return fail(e, line, EVBLOCK_END_BEFORE_START);
	if (ev->end - ev->start > (gint64)EVBLOCK_MAX_DAYS * 86400 + 3600)
		return fail(e, line, EVBLOCK_TOO_LONG);
	if (ev->is_all_day ? ev->end <= now : ev->start < now)
		return fail(e, line, EVBLOCK_PAST);
	if (ev->start - now > (gint64)EVBLOCK_MAX_YEARS * 366 * 86400)
		return fail(e, line, EVBLOCK_TOO_FAR);
	return true;
}

/* deadline_time - the instant a resolved RSVP-By span closes */
static bool
deadline_time(const struct span *s, GTimeZone *tz, const struct evblock *ev,
    gint64 *t_out)
{
	int h;

	if (s->has_t1) {
		h = hour24(&s->t1);
		return h >= 0 && at(tz, &s->d1, h, s->t1.mi, 0, t_out);
	}
	if (!at(tz, &s->d1, 0, 0, 1, t_out))
		return false;
	/* A date alone on the event's own day closes at the start. */
	if (*t_out > ev->start && *t_out - 86400 <= ev->start)
		*t_out = ev->start;
	return true;
}

/* parse_deadline - the RSVP-By value, in the event's zone unless named */
static bool
parse_deadline(const char *v, unsigned line, gint64 now, struct evblock *ev,
    struct evblock_error *e)
{
	struct span s;
	GTimeZone *tz;
	char *tzid = NULL;
	bool ok;

	if (!scan_span(v, &s) || s.has_d2 || s.has_t2)
		return fail(e, line, EVBLOCK_BAD_DEADLINE);
	if ((tz = open_zone(s.zone, ev->tzid, &tzid)) == NULL)
		return fail(e, line, EVBLOCK_BAD_ZONE);
	g_free(tzid);
	ok = resolve_dates(&s, tz, now) == EVBLOCK_OK &&
	    deadline_time(&s, tz, ev, &ev->rsvp_by);
	g_time_zone_unref(tz);
	if (!ok)
		return fail(e, line, EVBLOCK_BAD_DEADLINE);
	if (ev->rsvp_by <= now)
		return fail(e, line, EVBLOCK_DEADLINE_PAST);
	if (ev->rsvp_by > ev->start)
		return fail(e, line, EVBLOCK_DEADLINE_AFTER_START);
	ev->has_rsvp_by = true;
	return true;
}

/* strip_affix - drop the first matching word of words from p's end/start */
static bool
strip_affix(
    const char **p, const char **end, const char *const *words, bool at_end)
{
	for (; *words != NULL; words++) {
		size_t n = strlen(*words);

		if (at_end && (size_t)(*end - *p) >= n &&
		    g_ascii_strncasecmp(*end - n, *words, n) == 0) {
			*end -= n;
			return true;
		}
		if (!at_end && g_ascii_strncasecmp(*p, *words, n) == 0) {
			*p += n;
			return true;
		}
	}
	return false;
}

/* parse_capacity - "80", "80명", "1,000 seats", "unlimited" (0) */
static bool
parse_capacity(const char *v, int *cap_out)
{
	static const char *const none[] = {"unlimited", "none", "no limit",
	    "무제한", "제한 없음", "제한없음", "없음", "-", NULL};
	static const char *const pre[] = {
	    "선착순", "최대", "max", "up to", NULL};
	static const char *const post[] = {
	    "명", "석", "people", "persons", "seats", "attendees", NULL};
	const char *p = v, *end = v + strlen(v);
	gint64 n = 0;

	for (size_t i = 0; none[i] != NULL; i++)
		if (g_ascii_strcasecmp(v, none[i]) == 0) {
			*cap_out = 0;
			return true;
		}
	(void)strip_affix(&p, &end, pre, false);
	(void)strip_affix(&p, &end, post, true);
	for (; p < end && (*p == ' ' || *p == '\t'); p++)
		;
	for (; end > p && (end[-1] == ' ' || end[-1] == '\t'); end--)
		;
	if (p == end || *p == ',')
		return false;
	for (; p < end; p++) {
		if (*p == ',')
			continue;
		if (!g_ascii_isdigit(*p) ||
		    (n = n * 10 + (*p - '0')) > EVBLOCK_MAX_CAPACITY)
			return false;
	}
	*cap_out = (int)n;
	return n >= 1;
}

/* key_of - which key a line starts with; *val_out: offset of its value */
static int
key_of(const char *line, size_t *val_out)
{
	const char *colon = NULL;
	char norm[64];
	size_t n = 0;

	for (const char *p = line; *p != '\0' && p - line < 40; p++)
		if (*p == ':' || strncmp(p, "\uff1a", 3) == 0) {
			colon = p;
			break;
		}
	if (colon == NULL)
		return -1;
	for (const char *p = line; p < colon && n < sizeof norm - 1; p++)
		if (strchr(" \t-_.", *p) == NULL)
			norm[n++] = g_ascii_tolower(*p);
	norm[n] = '\0';
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		if (strcmp(norm, keys[i].name) == 0) {
			*val_out =
			    (size_t)(colon - line) + (*colon == ':' ? 1 : 3);
			return keys[i].key;
		}
	return -1;
}

/* is_blank - whether the n bytes at s are only blanks */
static bool
is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* block_line - take a key or continuation line: 1, not one: 0, bad: -1 */
static int
block_line(struct block *b, const char *p, size_t n, unsigned ln, int *last,
    struct evblock_error *e)
{
	bool cont = (p[0] == ' ' || p[0] == '\t') && *last >= 0;
	g_autofree char *line = NULL;
	size_t off = 0;
	int k;

	if (n > 0 && p[n - 1] == '\r')
		n--;
	line = g_strndup(p, MIN(n, EVBLOCK_MAX_LINE));
	k = cont ? *last : key_of(line, &off);
	if (k < 0)
		return 0;
	if (n > EVBLOCK_MAX_LINE || !g_utf8_validate(p, (gssize)n, NULL)) {
		(void)fail(e, ln, EVBLOCK_BAD_TEXT);
		return -1;
	}
	if (cont) {
		g_string_append_c(b->val[k], ' ');
		g_string_append(b->val[k], g_strstrip(line));
		return 1;
	}
	if (b->val[k] != NULL) {
		(void)fail(e, ln, EVBLOCK_DUPLICATE_KEY);
		return -1;
	}
	b->val[k] = g_string_new(g_strstrip(line + off));
	b->line[k] = ln;
	*last = k;
	return 1;
}

/* read_block - gather the key lines at the top of text into b */
static bool
read_block(const char *text, struct block *b, struct evblock_error *e)
{
	const char *p = text;
	unsigned ln = 0, nblock = 0;
	int last = -1, r;

	for (;; ln++) {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		const char *next = nl != NULL ? nl + 1 : p + n;

		if (is_blank(p, n) && last < 0 && nl != NULL) {
			p = next;
			continue;
		}
		if (is_blank(p, n)) {
			b->body_offset = (size_t)(next - text);
			return true;
		}
		if (nblock >= EVBLOCK_MAX_LINES ||
		    (r = block_line(b, p, n, ln + 1, &last, e)) == 0) {
			b->body_offset = (size_t)(p - text);
			return true;
		}
		if (r < 0)
			return false;
		nblock++;
		p = next;
	}
}

/* is_only_separators - whether s holds nothing but blanks and commas */
static bool
is_only_separators(const char *s)
{
	const char *p = s;

	skip_ws(&p);
	return *p == '\0';
}

/* scan_rule - the repeat rule of the Repeats, When and Skip values into
 * r; *rest_out: what the When grammar reads */
static bool
scan_rule(const struct block *b, struct repeat *r, char **rest_out,
    struct evblock_error *e)
{
	static const int order[] = {K_REPEATS, K_WHEN, K_SKIP};
	struct repeat_error re;
	GString *rest = NULL;

	memset(r, 0, sizeof *r);
	*rest_out = NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(order); i++) {
		int k = order[i];
		g_autoptr(GString) left = g_string_new(NULL);

		if (b->val[k] == NULL)
			continue;
		if (!repeat_scan(b->val[k]->str, k == K_SKIP, r, left, &re))
			return fail_repeat(e, b->line[k], &re);
		if (k == K_WHEN) {
			rest = g_steal_pointer(&left);
		} else if (!is_only_separators(left->str)) {
			re.reason = REPEAT_UNKNOWN;
			repeat_words(re.words, sizeof re.words, left->str,
			    left->str + left->len);
			if (rest != NULL)
				g_string_free(rest, TRUE);
			return fail_repeat(e, b->line[k], &re);
		}
	}
	*rest_out = g_string_free(rest, FALSE);
	return true;
}

/* first_session - start and end of the first session of a rule: the date
 * written, or the first day the rule names from today on; a rule with
 * neither is refused on the line that holds the words refused: the When
 * line, or the Repeats line (number rule_line, value rule_text, or NULL) */
static bool
first_session(const char *rest, unsigned line, unsigned rule_line,
    const char *rule_text, const char *dflt, gint64 now, const struct repeat *r,
    struct evblock *ev, struct evblock_error *e)
{
	struct span s;
	struct repeat_error re;
	struct repeat_date first;
	GTimeZone *tz;
	int y, m, d;
	bool ok = false;

	if (scan_span(rest, &s))
		return parse_when(rest, line, dflt, now, ev, e);
	tz = g_time_zone_new_identifier(dflt);
	/* Today's session may have begun already: then the next one. */
	for (int i = 0; i < 2 && !ok; i++) {
		g_autofree char *text = NULL;

		today(tz, now + (gint64)i * 86400, &y, &m, &d);
		if (!repeat_first(r, y, m, d, &first, &re)) {
			g_time_zone_unref(tz);
			return fail_repeat(e,
			    rule_text != NULL && strstr(rule_text, re.words)
				? rule_line
				: line,
			    &re);
		}
		text = g_strdup_printf(
		    "%04d-%02d-%02d %s", first.y, first.mo, first.d, rest);
		g_clear_pointer(&ev->tzid, g_free);
		ok = parse_when(text, line, dflt, now, ev, e);
		if (!ok && e->reason != EVBLOCK_PAST)
			break;
	}
	g_time_zone_unref(tz);
	return ok;
}

/* series - the rule checked against the first session, as an RRULE and
 * the original start instants of the skipped sessions */
static bool
series(struct repeat *r, unsigned line, unsigned skip_line, struct evblock *ev,
    struct evblock_error *e)
{
	GTimeZone *tz = g_time_zone_new_identifier(ev->tzid);
	GDateTime *u = g_date_time_new_from_unix_utc(ev->start);
	GDateTime *l = g_date_time_to_timezone(u, tz);
	struct repeat_date first = {0};
	struct repeat_error re;
	int h = g_date_time_get_hour(l), mi = g_date_time_get_minute(l);
	bool ok;

	g_date_time_get_ymd(l, &first.y, &first.mo, &first.d);
	g_date_time_unref(u);
	g_date_time_unref(l);
	ok = repeat_resolve(r, &first, &re);
	if (!ok) {
		g_time_zone_unref(tz);
		return fail_repeat(e,
		    re.reason == REPEAT_BAD_SKIP && skip_line ? skip_line
							      : line,
		    &re);
	}
	ev->rrule = repeat_rrule(r, ev->tzid, h, mi, ev->is_all_day);
	ev->skips = g_new0(gint64, r->n_skips + 1);
	for (size_t i = 0; i < r->n_skips; i++) {
		struct ymd d = {
		    r->skips[i].y, r->skips[i].mo, r->skips[i].d, 0};

		/* A skipped session is named by its original start. */
		if (at(tz, &d, h, mi, 0, &ev->skips[ev->n_skips]))
			ev->n_skips++;
	}
	g_time_zone_unref(tz);
	return true;
}

/* parse_schedule - the When value, and the repeat rule when there is one
 * (on the When line, or its own Repeats and Skip lines) */
static bool
parse_schedule(const struct block *b, const char *dflt, gint64 now,
    struct evblock *ev, struct evblock_error *e)
{
	unsigned line = b->line[K_WHEN], rule_line;
	g_autofree char *rest = NULL;
	struct repeat r;
	struct repeat_error re;

	if (!scan_rule(b, &r, &rest, e))
		return false;
	if (!repeat_is_set(&r)) {
		if (b->val[K_REPEATS] != NULL || b->val[K_SKIP] != NULL) {
			int k = b->val[K_REPEATS] != NULL ? K_REPEATS : K_SKIP;

			re.reason = REPEAT_NO_DAYS;
			repeat_words(re.words, sizeof re.words, b->val[k]->str,
			    b->val[k]->str + b->val[k]->len);
			return fail_repeat(e, b->line[k], &re);
		}
		/* No rule: the When value as written, as ever. */
		return parse_when(b->val[K_WHEN]->str, line, dflt, now, ev, e);
	}
	rule_line = b->val[K_REPEATS] != NULL ? b->line[K_REPEATS] : line;
	if (!first_session(rest, line, rule_line,
		b->val[K_REPEATS] != NULL ? b->val[K_REPEATS]->str : NULL, dflt,
		now, &r, ev, e))
		return false;
	return series(
	    &r, rule_line, b->val[K_SKIP] != NULL ? b->line[K_SKIP] : 0, ev, e);
}

/* fill - check the block's values and put them into ev */
static bool
fill(struct evblock *ev, const struct block *b, const char *dflt, gint64 now,
    struct evblock_error *e)
{
	GTimeZone *tz;

	if (b->val[K_TITLE] == NULL)
		return fail(e, b->line[K_WHEN], EVBLOCK_NO_TITLE);
	if (b->val[K_WHEN] == NULL)
		return fail(e, b->line[K_TITLE], EVBLOCK_NO_WHEN);
	for (int k = 0; k < K_N; k++)
		if (b->val[k] != NULL && b->val[k]->len == 0)
			return fail(e, b->line[k], EVBLOCK_EMPTY_VALUE);
	if (dflt == NULL || (tz = g_time_zone_new_identifier(dflt)) == NULL)
		return fail(e, 0, EVBLOCK_BAD_ZONE);
	g_time_zone_unref(tz);
	if (!parse_schedule(b, dflt, now, ev, e))
		return false;
	if (b->val[K_CAPACITY] != NULL &&
	    !parse_capacity(b->val[K_CAPACITY]->str, &ev->capacity))
		return fail(e, b->line[K_CAPACITY], EVBLOCK_BAD_CAPACITY);
	if (b->val[K_DEADLINE] != NULL &&
	    !parse_deadline(
		b->val[K_DEADLINE]->str, b->line[K_DEADLINE], now, ev, e))
		return false;
	ev->title = g_strdup(b->val[K_TITLE]->str);
	if (b->val[K_WHERE] != NULL)
		ev->location = g_strdup(b->val[K_WHERE]->str);
	if (b->val[K_DESCRIPTION] != NULL)
		ev->description = g_strdup(b->val[K_DESCRIPTION]->str);
	ev->body_offset = b->body_offset;
	return true;
}

/* evblock_parse - read the event block at the top of text, if any */
bool
evblock_parse(const char *text_utf8, const char *default_tz, gint64 now,
    struct evblock **ev_out, struct evblock_error *err_out)
{
	struct block b;
	struct evblock *ev = NULL;
	bool ok = false;

	memset(&b, 0, sizeof b);
	*ev_out = NULL;
	(void)fail(err_out, 0, EVBLOCK_OK);
	if (!read_block(text_utf8, &b, err_out))
		goto out;
	if (b.val[K_TITLE] == NULL && b.val[K_WHEN] == NULL) {
		ok = true;
		goto out;
	}
	ev = g_new0(struct evblock, 1);
	ok = fill(ev, &b, default_tz, now, err_out);
	if (ok)
		*ev_out = g_steal_pointer(&ev);
out:
	for (int k = 0; k < K_N; k++)
		if (b.val[k] != NULL)
			g_string_free(b.val[k], TRUE);
	evblock_free(ev);
	return ok;
}

/* local_zone - tzid as a GTimeZone; UTC when it names no zone */
static GTimeZone *
local_zone(const char *tzid)
{
	GTimeZone *tz = tzid != NULL ? g_time_zone_new_identifier(tzid) : NULL;

	return tz != NULL ? tz : g_time_zone_new_utc();
}

/* local_day - t's local date in tz, moved by add_days, at h:00 */
static gint64
local_day(gint64 t, GTimeZone *tz, int add_days, int h)
{
	GDateTime *u = g_date_time_new_from_unix_utc(t);
	GDateTime *l = g_date_time_to_timezone(u, tz);
	GDateTime *d = g_date_time_add_days(l, add_days);
	GDateTime *r;
	int y, m, dd;
	gint64 out = t;

	g_date_time_get_ymd(d, &y, &m, &dd);
	r = g_date_time_new(tz, y, m, dd, h, 0, 0);
	if (r != NULL)
		out = g_date_time_to_unix(r);
	g_date_time_unref(u);
	g_date_time_unref(l);
	g_date_time_unref(d);
	if (r != NULL)
		g_date_time_unref(r);
	return out;
}

/* evblock_date_local - the midnight in tzid of t's UTC date */
gint64
evblock_date_local(gint64 utc_day, const char *tzid)
{
	GTimeZone *tz = local_zone(tzid);
	GDateTime *u = g_date_time_new_from_unix_utc(utc_day);
	GDateTime *r;
	int y, m, d;
	gint64 out = utc_day;

	g_date_time_get_ymd(u, &y, &m, &d);
	r = g_date_time_new(tz, y, m, d, 0, 0, 0);
	if (r != NULL) {
		out = g_date_time_to_unix(r);
		g_date_time_unref(r);
	}
	g_date_time_unref(u);
	g_time_zone_unref(tz);
	return out;
}

/* evblock_remind_at - when the reminder of an event is due */
gint64
evblock_remind_at(gint64 start, bool is_all_day, const char *tzid, int hours)
{
	GTimeZone *tz;
	gint64 t;
	int days;

	if (!is_all_day)
		return start - (gint64)hours * 3600;
	tz = local_zone(tzid);
	days = (hours + 23) / 24;
	t = local_day(start, tz, days > 0 ? -days : -1, EVBLOCK_REMIND_HOUR);
	g_time_zone_unref(tz);
	return t;
}

/* evblock_days_text - "2027-10-09" or "2027-10-09 ~ 2027-10-11" */
char *
evblock_days_text(gint64 start, gint64 end, const char *tzid)
{
	GTimeZone *tz = local_zone(tzid);
	/* end is the midnight after the last day: its day before is it. */
	gint64 last = local_day(end, tz, -1, 0);
	GDateTime *a = g_date_time_new_from_unix_utc(start);
	GDateTime *b = g_date_time_new_from_unix_utc(last);
	GDateTime *la = g_date_time_to_timezone(a, tz);
	GDateTime *lb = g_date_time_to_timezone(b, tz);
	g_autofree char *s1 = g_date_time_format(la, "%Y-%m-%d");
	g_autofree char *s2 = g_date_time_format(lb, "%Y-%m-%d");
	char *out = last <= start || strcmp(s1, s2) == 0
	    ? g_strdup(s1)
	    : g_strdup_printf("%s ~ %s", s1, s2);

	g_date_time_unref(a);
	g_date_time_unref(b);
	g_date_time_unref(la);
	g_date_time_unref(lb);
	g_time_zone_unref(tz);
	return out;
}

/* evblock_free - release an event block; NULL is fine */
void
evblock_free(struct evblock *ev)
{
	if (ev == NULL)
		return;
	g_free(ev->title);
	g_free(ev->location);
	g_free(ev->description);
	g_free(ev->tzid);
	g_free(ev->rrule);
	g_free(ev->skips);
	g_free(ev);
}
