/*
 * topic_test - unit cases for lib/topic: the topic of Subjects as mail
 * clients write them (Gmail, Naver, Daum, Outlook, Thunderbird, Apple
 * Mail; after RFC 2047 decoding, and a few still encoded, read through
 * lib/hdrtext as listd reads them), the "topics" setting, and who gets a
 * post of a topic
 */
#include "config.h"

#include <string.h>

#include <gmime/gmime.h>

#include "err.h"
#include "hdrtext.h"
#include "limits.h"
#include "topic.h"

static const char *const topics[] = {
    "세미나", "구인", "질문", "공지", "Kaggle", "C++", NULL};

struct subj_case {
	const char *what;
	const char *subject;
	const char *prefix; /* the list's own prefix */
	const char *want; /* NULL: no topic */
};

static const struct subj_case subj_cases[] = {
    {"a tag first", "[세미나] 12월 논문 읽기: Attention Is All You Need",
	"[AI 프렌즈]", "세미나"},
    {"a hash tag last", "GPU 서버 같이 쓰실 분 #구인", "[AI 프렌즈]", "구인"},
    {"a hash tag first", "#질문 torch.compile 이 느려요", "[AI 프렌즈]",
	"질문"},
    {"after the list's prefix (a reply from Gmail)",
	"Re: [AI 프렌즈] [세미나] 12월 발표자 모집", "[AI 프렌즈]", "세미나"},
    {"Outlook's Korean reply marker", "회신: [AI 프렌즈] [구인] 인턴 모집",
	"[AI 프렌즈]", "구인"},
    {"Naver's reply marker, no space", "답장:[구인]백엔드 개발자",
	"[AI 프렌즈]", "구인"},
    {"a forward", "Fwd: [공지] 서버 점검 안내", "[AI 프렌즈]", "공지"},
    {"several markers", "RE: Re: Fw: [질문] 환경 설정", "[AI 프렌즈]", "질문"},
    {"Latin letters in any case", "[KAGGLE] 이번 주 대회", "[AI 프렌즈]",
	"Kaggle"},
    {"a hash tag in lower case", "같이 하실 분 #kaggle", "[AI 프렌즈]",
	"Kaggle"},
    {"blanks inside the brackets", "[ 세미나 ] 발표 자료", "[AI 프렌즈]",
	"세미나"},
    {"full-width brackets of a Korean input method", "【세미나】 12월 일정",
	"[AI 프렌즈]", "세미나"},
    {"full-width square brackets", "［구인］ 연구원 채용", "[AI 프렌즈]",
	"구인"},
    {"a full-width hash sign", "＃질문 CUDA 버전", "[AI 프렌즈]", "질문"},
    {"the first known tag wins", "[구인][세미나] 세미나 발표자 구함",
	"[AI 프렌즈]", "구인"},
    {"an unknown tag is passed over", "[긴급] [공지] 장소 변경", "[AI 프렌즈]",
	"공지"},
    {"a hash tag after an unknown bracket", "[잡담] 오늘 #세미나 후기",
	"[AI 프렌즈]", "세미나"},
    {"punctuation after a hash tag", "오늘 발표 어땠나요 #세미나!",
	"[AI 프렌즈]", "세미나"},
    {"a comma after a hash tag", "#구인, #질문 둘 다요", "[AI 프렌즈]", "구인"},
    {"a topic with signs in it", "[C++] 템플릿 질문", "[AI 프렌즈]", "C++"},
    {"the list's prefix is not a topic even if it reads like one",
	"[세미나] 안내", "[세미나]", NULL},
    {"nor is the prefix repeated in a reply", "Re: [세미나] [세미나] 안내",
	"[세미나]", NULL},
    {"no tag", "안녕하세요, 처음 인사드립니다", "[AI 프렌즈]", NULL},
    {"the word without a tag", "세미나 자료 공유합니다", "[AI 프렌즈]", NULL},
    {"a hash inside a word is not a tag", "C#구인 프로그래밍", "[AI 프렌즈]",
	NULL},
    {"an issue number", "버그 #123 수정", "[AI 프렌즈]", NULL},
    {"a tag that only starts like a topic", "[세미나실] 예약", "[AI 프렌즈]",
	NULL},
    {"a longer hash word", "#세미나실 예약", "[AI 프렌즈]", NULL},
    {"an unclosed bracket", "[세미나 발표", "[AI 프렌즈]", NULL},
    {"an unclosed bracket, then a tag", "[세미나 [구인] 둘", "[AI 프렌즈]",
	"구인"},
    {"empty brackets", "[] [ ] #", "[AI 프렌즈]", NULL},
    {"no prefix on the list", "[공지] 모임 장소", "", "공지"},
    {"NFD Hangul (Apple Mail) matches NFC",
	"[\xe1\x84\x89\xe1\x85\xa6\xe1\x84\x86\xe1\x85\xb5"
	"\xe1\x84\x82\xe1\x85\xa1] 발표",
	"[AI 프렌즈]", "세미나"},
};

/* test_subjects - the table above */
static void
test_subjects(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(subj_cases); i++) {
		const struct subj_case *c = &subj_cases[i];
		const char *got =
		    topic_of_subject(c->subject, c->prefix, topics);

		if (g_strcmp0(got, c->want) != 0)
			g_error("%s: \"%s\" gave %s, want %s", c->what,
			    c->subject, got ? got : "(none)",
			    c->want ? c->want : "(none)");
	}
}

struct enc_case {
	const char *raw; /* the Subject field as it arrives */
	const char *want;
};

/* Subjects still encoded, as Gmail, Outlook and Naver send them. */
static const struct enc_case enc_cases[] = {
    /* Gmail: "[세미나] 12월 논문 읽기" in one B word */
    {"=?UTF-8?B?W+yEuOuvuOuCmF0gMTLsm5Qg64W866y4IOydveq4sA==?=", "세미나"},
    /* Outlook in EUC-KR: "회신: [구인] 인턴" */
    {"=?ks_c_5601-1987?B?yLi9xTogW7G4wM5dIMDOxc8=?=", "구인"},
    /* a tag split over two encoded words (the blank between is
     * dropped, RFC 2047 6.2), and an unknown one split likewise */
    {"=?utf-8?b?W+yEuA==?=\n =?utf-8?b?66+464KYXQ==?= x", "세미나"},
    {"=?utf-8?b?W+yEuA==?= =?utf-8?b?66+46rCAXQ==?=", NULL},
    /* Q encoding with a hash tag */
    {"=?utf-8?q?GPU_=EA=B0=99=EC=9D=B4_#=EA=B5=AC=EC=9D=B8?=", "구인"},
};

/* test_encoded - Subjects read the way listd reads them */
static void
test_encoded(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(enc_cases); i++) {
		g_autofree char *s =
		    hdrtext_decode(enc_cases[i].raw, strlen(enc_cases[i].raw));
		const char *got = topic_of_subject(s, "[AI 프렌즈]", topics);

		if (g_strcmp0(got, enc_cases[i].want) != 0)
			g_error("\"%s\" (%s) gave %s, want %s",
			    enc_cases[i].raw, s, got ? got : "(none)",
			    enc_cases[i].want ? enc_cases[i].want : "(none)");
	}
}

struct list_case {
	const char *value;
	const char *want; /* joined by "|"; NULL: refused */
};

static const struct list_case list_cases[] = {
    {"세미나 구인 질문 공지", "세미나|구인|질문|공지"},
    {"  세미나,구인 ,\t질문  ", "세미나|구인|질문"},
    {"", ""},
    {"   ", ""},
    {"C++ Node.js ML/AI", "C++|Node.js|ML/AI"},
    {"[세미나]", NULL},
    {"#구인", NULL},
    {"세미나 【구인】", NULL},
    {"세미나 세미나", NULL},
    {"Kaggle kaggle", NULL},
    {"a\x01"
     "b",
	NULL},
    {"\xff\xfe", NULL},
    /* 49 bytes: one over MOIM_MAX_TOPIC */
    {"0123456789012345678901234567890123456789012345678", NULL},
    {"012345678901234567890123456789012345678901234567",
	"012345678901234567890123456789012345678901234567"},
};

/* test_list - the "topics" setting */
static void
test_list(void)
{
	GError *e = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(list_cases); i++) {
		char **v = topic_list_parse(list_cases[i].value, &e);
		g_autofree char *got = v ? g_strjoinv("|", v) : NULL;

		if (g_strcmp0(got, list_cases[i].want) != 0)
			g_error("topics \"%s\" gave %s, want %s",
			    list_cases[i].value, got ? got : "(refused)",
			    list_cases[i].want ? list_cases[i].want
					       : "(refused)");
		if (v == NULL) {
			g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
			g_clear_error(&e);
		}
		g_strfreev(v);
	}
}

/* test_list_bound - MOIM_MAX_TOPICS topics, and one more */
static void
test_list_bound(void)
{
	GString *s = g_string_new(NULL);
	GError *e = NULL;
	char **v;

	for (int i = 0; i < MOIM_MAX_TOPICS; i++)
		g_string_append_printf(s, "t%d ", i);
	v = topic_list_parse(s->str, &e);
	g_assert_nonnull(v);
	g_assert_cmpuint(g_strv_length(v), ==, MOIM_MAX_TOPICS);
	g_strfreev(v);
	g_string_append(s, "one-more");
	g_assert_null(topic_list_parse(s->str, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&e);
	g_string_free(s, TRUE);
}

/* test_bounds - a tag past MOIM_TOPIC_SCAN bytes is not read, nor
 * anything after invalid UTF-8 */
static void
test_bounds(void)
{
	GString *s = g_string_new(NULL);

	while (s->len < MOIM_TOPIC_SCAN - 10)
		g_string_append_c(s, 'x');
	g_string_append(s, " #구인");
	g_assert_cmpstr(topic_of_subject(s->str, "", topics), ==, "구인");
	g_string_prepend(s, "yyyyyyyyyy");
	g_assert_null(topic_of_subject(s->str, "", topics));
	g_string_free(s, TRUE);
	g_assert_null(topic_of_subject("\xff [구인]", "", topics));
	g_assert_cmpstr(
	    topic_of_subject("[구인] \xff", "", topics), ==, "구인");
	g_assert_null(topic_of_subject(NULL, "", topics));
	g_assert_null(topic_of_subject("[구인]", "", NULL));
}

struct who_case {
	const char *topics; /* the list's now, "|"-joined; NULL: ALL */
	const char *topic;
	const char *follows; /* "|"-joined, "" for none */
	const char *mutes;
	bool want;
};

#define ALL NULL

static const struct who_case who_cases[] = {
    {ALL, "구인", "", "", true},
    {ALL, NULL, "", "", true},
    {ALL, "구인", "", "구인", false},
    {ALL, "세미나", "", "구인", true},
    {ALL, NULL, "", "구인", true},
    {ALL, "세미나", "세미나", "", true},
    {ALL, "구인", "세미나", "", false},
    {ALL, NULL, "세미나", "", false},
    {ALL, "질문", "세미나|질문", "", true},
    {ALL, "공지", "세미나|질문", "구인", false},
    /* the owner removed a followed topic: the follow no longer counts */
    {"구인|질문|공지", "구인", "세미나", "", true},
    {"구인|질문|공지", NULL, "세미나", "", true},
    {"질문|공지", "공지", "세미나|구인", "", true},
    {"", NULL, "세미나", "", true},
    /* ... while another followed topic remains, it still restricts */
    {"구인|질문|공지", "공지", "세미나|질문", "", false},
    {"구인|질문|공지", "질문", "세미나|질문", "", true},
    {"구인|질문|공지", NULL, "세미나|질문", "", false},
    /* a removed mute is ignored; a kept one still counts */
    {"세미나|질문", "세미나", "", "구인", true},
    {"세미나|질문", "질문", "", "구인|질문", false},
    {"세미나|질문", "세미나", "세미나", "구인", true},
    /* choices compare as topic_find(): case and NFD Hangul */
    {"Seminar|jobs", "Seminar", "seminar", "", true},
    {"Seminar|jobs", "jobs", "SEMINAR", "", false},
    {"Seminar|jobs", "jobs", "", "JOBS", false},
    {"\xea\xb5\xac\xec\x9d\xb8", "\xea\xb5\xac\xec\x9d\xb8", "",
	"\xe1\x84\x80\xe1\x85\xae\xe1\x84\x8b\xe1\x85\xb5\xe1\x86\xab", false},
};

/* split - "|"-joined words as a vector; "" is none */
static char **
split(const char *s)
{
	return *s ? g_strsplit(s, "|", -1) : g_new0(char *, 1);
}

/* test_delivers - who gets a post of a topic */
static void
test_delivers(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(who_cases); i++) {
		const struct who_case *c = &who_cases[i];
		g_auto(GStrv) t =
		    split(c->topics ? c->topics : "세미나|구인|질문|공지");
		g_auto(GStrv) f = split(c->follows);
		g_auto(GStrv) m = split(c->mutes);

		if (topic_delivers(c->topic, (const char *const *)t,
			(const char *const *)f,
			(const char *const *)m) != c->want)
			g_error("case %zu: topic %s, follows \"%s\", mutes "
				"\"%s\": want %d",
			    i, c->topic ? c->topic : "(none)", c->follows,
			    c->mutes, c->want);
	}
	g_assert_true(topic_delivers("구인", NULL, NULL, NULL));
}

/* test_offered - which choices the list still offers */
static void
test_offered(void)
{
	const char *const offered[] = {"세미나", "Jobs", NULL};

	g_assert_true(topic_is_offered(offered, "세미나"));
	g_assert_true(topic_is_offered(offered, "jobs"));
	g_assert_false(topic_is_offered(offered, "구인"));
	g_assert_false(topic_is_offered(offered, ""));
	g_assert_false(topic_is_offered(offered, NULL));
	g_assert_false(topic_is_offered(NULL, "세미나"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_mime_init();
	g_test_add_func("/topic/subjects", test_subjects);
	g_test_add_func("/topic/encoded", test_encoded);
	g_test_add_func("/topic/list", test_list);
	g_test_add_func("/topic/list-bound", test_list_bound);
	g_test_add_func("/topic/bounds", test_bounds);
	g_test_add_func("/topic/delivers", test_delivers);
	g_test_add_func("/topic/offered", test_offered);
	return g_test_run();
}
