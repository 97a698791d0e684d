/*
 * rsvptext_test - unit tests for the rsvptext module
 *
 * A table of replies in English and Korean with the answer, headcount
 * and question flag expected, then a run over the real replies of the
 * shared corpus (MOIM_CORPUS, else $top_srcdir/../shared/corpus, else
 * /work/shared/corpus; skipped when absent): an answer written into
 * their quoted parts must never be read.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "mime.h"
#include "rsvptext.h"
#include "testutil.h"

struct rsvp_case {
	const char *body;
	enum rsvptext_answer answer;
	int headcount;
	bool has_question;
};

static const struct rsvp_case cases[] = {
    {"참석합니다", RSVPTEXT_YES, 1, false},
    {"참석하겠습니다", RSVPTEXT_YES, 1, false},
    {"참석할게요", RSVPTEXT_YES, 1, false},
    {"참석 예정입니다", RSVPTEXT_YES, 1, false},
    {"참석이요!", RSVPTEXT_YES, 1, false},
    {"네 참석합니다", RSVPTEXT_YES, 1, false},
    {"저도 참석할게요~", RSVPTEXT_YES, 1, false},
    {"참가합니다", RSVPTEXT_YES, 1, false},
    {"참가 신청합니다", RSVPTEXT_YES, 1, false},
    {"참여하겠습니다", RSVPTEXT_YES, 1, false},
    {"참석", RSVPTEXT_YES, 1, false},
    {"참가", RSVPTEXT_YES, 1, false},
    {"갈게요", RSVPTEXT_YES, 1, false},
    {"갈께요", RSVPTEXT_YES, 1, false},
    {"저도 갈게요!", RSVPTEXT_YES, 1, false},
    {"갑니다", RSVPTEXT_YES, 1, false},
    {"저 갑니다", RSVPTEXT_YES, 1, false},
    {"꼭 가겠습니다", RSVPTEXT_YES, 1, false},
    {"가요~", RSVPTEXT_YES, 1, false},
    {"저도 가요", RSVPTEXT_YES, 1, false},
    {"갈 예정입니다", RSVPTEXT_YES, 1, false},
    {"갈 수 있어요", RSVPTEXT_YES, 1, false},
    {"신청합니다", RSVPTEXT_YES, 1, false},
    {"신청할게요", RSVPTEXT_YES, 1, false},
    {"안녕하세요. 홍길동입니다. 참석하겠습니다. 감사합니다.", RSVPTEXT_YES, 1,
	false},
    {"이번 포럼 참석하겠습니다.\n\n홍길동 드림", RSVPTEXT_YES, 1, false},
    {"회의 끝나고 바로 가겠습니다", RSVPTEXT_YES, 1, false},
    {"참석합니다\n\n2026년 12월 1일 (화) 오후 3:00, 김철수 <kim@example.org>님이 작성:\n> 행사: 포럼\n> 참석 못 하시는 분은 알려주세요",
	RSVPTEXT_YES, 1, false},
    {"참석 못 합니다", RSVPTEXT_NO, 0, false},
    {"참석 못합니다", RSVPTEXT_NO, 0, false},
    {"참석을 못 할 것 같습니다", RSVPTEXT_NO, 0, false},
    {"참석이 어렵습니다", RSVPTEXT_NO, 0, false},
    {"참석이 어려울 것 같습니다", RSVPTEXT_NO, 0, false},
    {"참석하기 어렵겠습니다", RSVPTEXT_NO, 0, false},
    {"이번에는 참석이 힘들 것 같아요", RSVPTEXT_NO, 0, false},
    {"못 갈 것 같아요", RSVPTEXT_NO, 0, false},
    {"못 갑니다", RSVPTEXT_NO, 0, false},
    {"못가요 ㅠㅠ", RSVPTEXT_NO, 0, false},
    {"저는 못 가요", RSVPTEXT_NO, 0, false},
    {"아쉽지만 이번엔 못 갈 듯합니다", RSVPTEXT_NO, 0, false},
    {"불참합니다", RSVPTEXT_NO, 0, false},
    {"불참", RSVPTEXT_NO, 0, false},
    {"참석 불가합니다", RSVPTEXT_NO, 0, false},
    {"안 갈게요", RSVPTEXT_NO, 0, false},
    {"이번엔 안 갑니다", RSVPTEXT_NO, 0, false},
    {"참석 안 합니다", RSVPTEXT_NO, 0, false},
    {"참석하지 못합니다", RSVPTEXT_NO, 0, false},
    {"참석하지 않겠습니다", RSVPTEXT_NO, 0, false},
    {"갈 수 없습니다", RSVPTEXT_NO, 0, false},
    {"참석할 수 없어요", RSVPTEXT_NO, 0, false},
    {"죄송하지만 참석할 수가 없네요", RSVPTEXT_NO, 0, false},
    {"이번에는 어려울 것 같습니다", RSVPTEXT_NO, 0, false},
    {"일정이 겹쳐서 힘들겠네요", RSVPTEXT_NO, 0, false},
    {"참석 취소합니다", RSVPTEXT_NO, 0, false},
    {"신청 취소 부탁드립니다", RSVPTEXT_NO, 0, false},
    {"이번엔 빠질게요", RSVPTEXT_NO, 0, false},
    {"참석하려고 했는데 못 가게 됐어요", RSVPTEXT_NO, 0, false},
    {"아마 못 갈 것 같아요", RSVPTEXT_NO, 0, false},
    {"참석합니다\n(수정) 죄송합니다, 못 가게 되었습니다", RSVPTEXT_NO, 0,
	false},
    {"미정입니다", RSVPTEXT_MAYBE, 1, false},
    {"아직 미정이에요", RSVPTEXT_MAYBE, 1, false},
    {"아마 갈 것 같아요", RSVPTEXT_MAYBE, 1, false},
    {"아마 참석할 듯합니다", RSVPTEXT_MAYBE, 1, false},
    {"참석 여부는 아직 모르겠어요", RSVPTEXT_MAYBE, 1, false},
    {"일정 확인 후 말씀드릴게요", RSVPTEXT_MAYBE, 1, false},
    {"갈 수도 있어요", RSVPTEXT_MAYBE, 1, false},
    {"시간 되면 갈게요", RSVPTEXT_MAYBE, 1, false},
    {"확정은 아니지만 참석할 수도 있습니다", RSVPTEXT_MAYBE, 1, false},
    {"가능하면 참석하겠습니다", RSVPTEXT_MAYBE, 1, false},
    {"잘 모르겠네요, 고민 중입니다", RSVPTEXT_MAYBE, 1, false},
    {"참석하나요?", RSVPTEXT_NONE, 0, true},
    {"참석하시나요?", RSVPTEXT_NONE, 0, true},
    {"주차 가능한가요?", RSVPTEXT_NONE, 0, true},
    {"주차 되나요", RSVPTEXT_NONE, 0, true},
    {"몇 시에 끝나나요?", RSVPTEXT_NONE, 0, true},
    {"참석하려면 어떻게 하나요?", RSVPTEXT_NONE, 0, true},
    {"참석 신청은 어디서 하나요?", RSVPTEXT_NONE, 0, true},
    {"3명 가도 되나요?", RSVPTEXT_NONE, 0, true},
    {"가족과 같이 가도 될까요?", RSVPTEXT_NONE, 0, true},
    {"발표 자료는 미리 받을 수 있습니까", RSVPTEXT_NONE, 0, true},
    {"누가 참석하는지 알 수 있을까요?", RSVPTEXT_NONE, 0, true},
    {"참석합니다. 주차 가능한가요?", RSVPTEXT_YES, 1, true},
    {"참석할게요! 근데 저녁도 주나요?", RSVPTEXT_YES, 1, true},
    {"못 갑니다. 발표 자료 공유 가능할까요?", RSVPTEXT_NO, 0, true},
    {"2명 참석합니다", RSVPTEXT_YES, 2, false},
    {"2명 갈게요", RSVPTEXT_YES, 2, false},
    {"저 포함 3명 갑니다", RSVPTEXT_YES, 3, false},
    {"저 포함 3명 참석합니다", RSVPTEXT_YES, 3, false},
    {"저를 포함해서 총 4명 참석합니다", RSVPTEXT_YES, 4, false},
    {"총 5명 참석 예정입니다", RSVPTEXT_YES, 5, false},
    {"동반 1명 참석합니다", RSVPTEXT_YES, 2, false},
    {"동반 2명 있습니다. 참석합니다", RSVPTEXT_YES, 3, false},
    {"친구 1명과 함께 갈게요", RSVPTEXT_YES, 2, false},
    {"동료 2명 더 데려갈게요", RSVPTEXT_YES, 3, false},
    {"저 외 2명 참석합니다", RSVPTEXT_YES, 3, false},
    {"둘이서 갈게요", RSVPTEXT_YES, 2, false},
    {"셋이 갑니다", RSVPTEXT_YES, 3, false},
    {"두 명 참석합니다", RSVPTEXT_YES, 2, false},
    {"세 명 갑니다", RSVPTEXT_YES, 3, false},
    {"아내와 같이 참석하겠습니다", RSVPTEXT_YES, 2, false},
    {"2명이요", RSVPTEXT_YES, 2, false},
    {"참석합니다 +1", RSVPTEXT_YES, 2, false},
    {"Yes", RSVPTEXT_YES, 1, false},
    {"yes!", RSVPTEXT_YES, 1, false},
    {"Yes, I'll be there.", RSVPTEXT_YES, 1, false},
    {"I'll be there", RSVPTEXT_YES, 1, false},
    {"I will be there.", RSVPTEXT_YES, 1, false},
    {"We'll be there!", RSVPTEXT_YES, 1, false},
    {"Count me in", RSVPTEXT_YES, 1, false},
    {"Count me in!", RSVPTEXT_YES, 1, false},
    {"Count us in, we are 2", RSVPTEXT_YES, 2, false},
    {"I'm in", RSVPTEXT_YES, 1, false},
    {"I'm coming", RSVPTEXT_YES, 1, false},
    {"I am attending.", RSVPTEXT_YES, 1, false},
    {"I will attend", RSVPTEXT_YES, 1, false},
    {"I'll attend.", RSVPTEXT_YES, 1, false},
    {"I'll come", RSVPTEXT_YES, 1, false},
    {"Going!", RSVPTEXT_YES, 1, false},
    {"Attending", RSVPTEXT_YES, 1, false},
    {"Sign me up", RSVPTEXT_YES, 1, false},
    {"Wouldn't miss it!", RSVPTEXT_YES, 1, false},
    {"I'm not going to miss this one", RSVPTEXT_YES, 1, false},
    {"Can't wait!", RSVPTEXT_YES, 1, false},
    {"I'd love to attend", RSVPTEXT_YES, 1, false},
    {"Happy to join", RSVPTEXT_YES, 1, false},
    {"Yep, see you there", RSVPTEXT_YES, 1, false},
    {"Hi all, I will attend. Thanks for organizing!", RSVPTEXT_YES, 1, false},
    {"I'm going to the forum", RSVPTEXT_YES, 1, false},
    {"Yes, I’ll be there", RSVPTEXT_YES, 1, false},
    {"RSVP: yes", RSVPTEXT_YES, 1, false},
    {"+1", RSVPTEXT_YES, 1, false},
    {"+1!", RSVPTEXT_YES, 1, false},
    {" +1 ", RSVPTEXT_YES, 1, false},
    {"Yes +2 guests", RSVPTEXT_YES, 3, false},
    {"Yes, with 2 friends", RSVPTEXT_YES, 3, false},
    {"I'll come with 2 colleagues", RSVPTEXT_YES, 3, false},
    {"Count me in, with my wife", RSVPTEXT_YES, 2, false},
    {"we are 3", RSVPTEXT_YES, 3, false},
    {"We are 3", RSVPTEXT_YES, 3, false},
    {"We're 4, see you there", RSVPTEXT_YES, 4, false},
    {"There will be 3 of us", RSVPTEXT_YES, 3, false},
    {"Yes, 2 people", RSVPTEXT_YES, 2, false},
    {"Yes, party of 5", RSVPTEXT_YES, 5, false},
    {"I'll attend, bringing one guest", RSVPTEXT_YES, 2, false},
    {"Yes, plus one", RSVPTEXT_YES, 2, false},
    {"Me and 2 friends will come", RSVPTEXT_YES, 3, false},
    {"+2 guests", RSVPTEXT_YES, 3, false},
    {"No", RSVPTEXT_NO, 0, false},
    {"No, sorry.", RSVPTEXT_NO, 0, false},
    {"Nope", RSVPTEXT_NO, 0, false},
    {"I can't attend", RSVPTEXT_NO, 0, false},
    {"I can’t attend", RSVPTEXT_NO, 0, false},
    {"I cannot attend.", RSVPTEXT_NO, 0, false},
    {"can't make it", RSVPTEXT_NO, 0, false},
    {"Sorry, can't make it this time", RSVPTEXT_NO, 0, false},
    {"I won't make it", RSVPTEXT_NO, 0, false},
    {"Won't be able to make it", RSVPTEXT_NO, 0, false},
    {"I will not be able to attend", RSVPTEXT_NO, 0, false},
    {"I'm not going", RSVPTEXT_NO, 0, false},
    {"not going", RSVPTEXT_NO, 0, false},
    {"Not attending, sorry", RSVPTEXT_NO, 0, false},
    {"I'm not coming", RSVPTEXT_NO, 0, false},
    {"I won't be there", RSVPTEXT_NO, 0, false},
    {"Unfortunately I won't be able to join", RSVPTEXT_NO, 0, false},
    {"I couldn't come", RSVPTEXT_NO, 0, false},
    {"Unable to attend", RSVPTEXT_NO, 0, false},
    {"I have to decline", RSVPTEXT_NO, 0, false},
    {"Regretfully decline", RSVPTEXT_NO, 0, false},
    {"Count me out", RSVPTEXT_NO, 0, false},
    {"I'll pass this time", RSVPTEXT_NO, 0, false},
    {"I'll have to miss this one", RSVPTEXT_NO, 0, false},
    {"Probably not", RSVPTEXT_NO, 0, false},
    {"Please cancel my RSVP", RSVPTEXT_NO, 0, false},
    {"I was going to come but I can't make it now", RSVPTEXT_NO, 0, false},
    {"Yes, but I can't come after all", RSVPTEXT_NO, 0, false},
    {"Maybe", RSVPTEXT_MAYBE, 1, false},
    {"maybe!", RSVPTEXT_MAYBE, 1, false},
    {"Tentative", RSVPTEXT_MAYBE, 1, false},
    {"Tentatively yes", RSVPTEXT_MAYBE, 1, false},
    {"Not sure yet", RSVPTEXT_MAYBE, 1, false},
    {"I'm not sure yet", RSVPTEXT_MAYBE, 1, false},
    {"Not sure if I can attend", RSVPTEXT_MAYBE, 1, false},
    {"I might come", RSVPTEXT_MAYBE, 1, false},
    {"I may be able to make it", RSVPTEXT_MAYBE, 1, false},
    {"I'll try to make it", RSVPTEXT_MAYBE, 1, false},
    {"Perhaps", RSVPTEXT_MAYBE, 1, false},
    {"Possibly, I'll let you know", RSVPTEXT_MAYBE, 1, false},
    {"Probably yes", RSVPTEXT_MAYBE, 1, false},
    {"Maybe, we are 2", RSVPTEXT_MAYBE, 2, false},
    {"Is there parking?", RSVPTEXT_NONE, 0, true},
    {"Is there parking", RSVPTEXT_NONE, 0, true},
    {"Can I bring a guest?", RSVPTEXT_NONE, 0, true},
    {"Where is it exactly?", RSVPTEXT_NONE, 0, true},
    {"What time does it end?", RSVPTEXT_NONE, 0, true},
    {"Will there be food?", RSVPTEXT_NONE, 0, true},
    {"Who else is attending?", RSVPTEXT_NONE, 0, true},
    {"Are you attending?", RSVPTEXT_NONE, 0, true},
    {"Can I attend remotely?", RSVPTEXT_NONE, 0, true},
    {"How do I register?", RSVPTEXT_NONE, 0, true},
    {"Yes! Is there parking?", RSVPTEXT_YES, 1, true},
    {"I'll be there. Will slides be shared?", RSVPTEXT_YES, 1, true},
    {"Sorry, I can't make it. Will it be recorded?", RSVPTEXT_NO, 0, true},
    {"Thanks for organizing this.", RSVPTEXT_NONE, 0, false},
    {"Hello", RSVPTEXT_NONE, 0, false},
    {"안녕하세요", RSVPTEXT_NONE, 0, false},
    {"감사합니다", RSVPTEXT_NONE, 0, false},
    {"Looks great, I wonder who the speakers are", RSVPTEXT_NONE, 0, false},
    {"좋은 행사네요. 발표 자료는 나중에 공유되면 좋겠습니다", RSVPTEXT_NONE, 0,
	false},
    {"Great initiative, I will forward this to my team", RSVPTEXT_NONE, 0,
	false},
    {"Thanks!\n\nOn Tue, Dec 1, 2026 at 3:00 PM Hong Gildong <hong@example.org> wrote:\n> Event: Forum\n> Please reply yes or no",
	RSVPTEXT_NONE, 0, false},
    {"Hello\n\nOn Tue, Dec 1, 2026 at 3:00 PM Hong Gildong <\nhong@example.org> wrote:\n> I'll be there, count me in",
	RSVPTEXT_NONE, 0, false},
    {"Hello\n\n2026년 12월 1일 (화) 오후 3:00, 홍길동 <hong@example.org>님이 작성:\n> 참석합니다",
	RSVPTEXT_NONE, 0, false},
    {"Hello\n\n2026. 12. 1. 오후 3:00, 홍길동 <hong@example.org> 작성:\n\n> 참석합니다",
	RSVPTEXT_NONE, 0, false},
    {"Hello\n\n2026-12-01 오후 3:00에 홍길동 이(가) 쓴 글:\n> 참석합니다",
	RSVPTEXT_NONE, 0, false},
    {"Hello\n\n-----Original Message-----\nFrom: Hong\nSent: Tuesday\nTo: list\nSubject: Forum\n\nI'll be there",
	RSVPTEXT_NONE, 0, false},
    {"좋네요\n\n-----원본 메시지-----\n보낸 사람: 홍길동\n받는 사람: list\n제목: 포럼\n\n참석합니다",
	RSVPTEXT_NONE, 0, false},
    {"Hi\n\n보낸 사람: 홍길동 <hong@example.org>\n보낸 날짜: 2026년 12월 1일 화요일 오후 3:00\n받는 사람: list@example.org\n제목: 포럼\n\n참석 부탁드립니다. 참석합니다",
	RSVPTEXT_NONE, 0, false},
    {"Hi\n\nFrom: Hong <hong@example.org>\nSent: Tuesday, December 1, 2026 3:00 PM\nTo: list\nSubject: Forum\n\nCount me in",
	RSVPTEXT_NONE, 0, false},
    {"Hi\n________________________________\nFrom: Hong\nI will attend",
	RSVPTEXT_NONE, 0, false},
    {"Hi\n\n-- \nHong Gildong\nI'll be there every time", RSVPTEXT_NONE, 0,
	false},
    {"Hi\n\nSent from my iPhone\n\n> Yes", RSVPTEXT_NONE, 0, false},
    {"좋아요\n\niPhone에서 보냄\n\n참석합니다", RSVPTEXT_NONE, 0, false},
    {"Hi\n\n---------- Forwarded message ---------\nFrom: Hong\nYes",
	RSVPTEXT_NONE, 0, false},
    {"Hi\n\n----- 전달된 메일 -----\n참석합니다", RSVPTEXT_NONE, 0, false},
    {"> 참석합니다\n> 저도요", RSVPTEXT_NONE, 0, false},
    {"> Yes, I'll be there", RSVPTEXT_NONE, 0, false},
    {"참석합니다\n\n-----Original Message-----\nFrom: Hong\nTo: list\n\n참석 못 하시는 분은 답장해 주세요",
	RSVPTEXT_YES, 1, false},
    {"Can't attend, sorry.\n\nOn Tue, Dec 1, 2026, Hong wrote:\n> Will you come? I'll be there.",
	RSVPTEXT_NO, 0, false},
    {"On Tue, Dec 1, 2026 at 3:00 PM Hong <hong@example.org> wrote:\n> Are you coming?\n\nYes, count me in",
	RSVPTEXT_YES, 1, false},
    {"> 참석하시나요?\n\n네 참석합니다", RSVPTEXT_YES, 1, false},
    {"> 참석하시나요?\n네", RSVPTEXT_YES, 1, false},
    {"See you there", RSVPTEXT_YES, 1, false},
    {"그때 뵙겠습니다", RSVPTEXT_YES, 1, false},
    {"못 갑니다. 다음에 뵙겠습니다", RSVPTEXT_NO, 0, false},
    {"네", RSVPTEXT_YES, 1, false},
    {"저도요", RSVPTEXT_YES, 1, false},
    {"Me too", RSVPTEXT_YES, 1, false},
};

static void
test_case(gconstpointer data)
{
	const struct rsvp_case *c = data;
	struct rsvptext r;

	g_assert_true(rsvptext_read(c->body, &r));
	g_assert_cmpstr(rsvptext_answer_name(r.answer), ==,
	    rsvptext_answer_name(c->answer));
	g_assert_cmpint(r.headcount, ==, c->headcount);
	g_assert_cmpint(r.has_question, ==, c->has_question);
	if (c->has_question)
		g_assert_true(r.has_discussion);
}

/* Discussion beside an answer is what lets the caller distribute it. */
/* Which session a reply names, for a recurring event. */
struct when_case {
	const char *body;
	enum rsvptext_answer answer;
	enum rsvptext_when when;
	int month, day;
};

static const struct when_case when_cases[] = {
    {"참석합니다", RSVPTEXT_YES, RSVPTEXT_WHEN_NONE, 0, 0},
    {"이번 주는 못 가요", RSVPTEXT_NO, RSVPTEXT_WHEN_THIS_WEEK, 0, 0},
    {"이번주는 불참합니다 ㅠㅠ", RSVPTEXT_NO, RSVPTEXT_WHEN_THIS_WEEK, 0, 0},
    {"금주 모임은 참석이 어렵습니다", RSVPTEXT_NO, RSVPTEXT_WHEN_THIS_WEEK, 0,
	0},
    {"다음 주 참석", RSVPTEXT_YES, RSVPTEXT_WHEN_NEXT_WEEK, 0, 0},
    {"담주는 갈게요!", RSVPTEXT_YES, RSVPTEXT_WHEN_NEXT_WEEK, 0, 0},
    {"12월 23일은 불참", RSVPTEXT_NO, RSVPTEXT_WHEN_DATE, 12, 23},
    {"1월 6일 참석합니다", RSVPTEXT_YES, RSVPTEXT_WHEN_DATE, 1, 6},
    {"12/30 못 갑니다", RSVPTEXT_NO, RSVPTEXT_WHEN_DATE, 12, 30},
    {"this week I can't", RSVPTEXT_NO, RSVPTEXT_WHEN_THIS_WEEK, 0, 0},
    {"Sorry, I can't make it this week.", RSVPTEXT_NO, RSVPTEXT_WHEN_THIS_WEEK,
	0, 0},
    {"I'll be there next week", RSVPTEXT_YES, RSVPTEXT_WHEN_NEXT_WEEK, 0, 0},
    {"Can't make it on Dec 23rd, sorry", RSVPTEXT_NO, RSVPTEXT_WHEN_DATE, 12,
	23},
    {"all of them", RSVPTEXT_YES, RSVPTEXT_WHEN_ALL, 0, 0},
    {"Count me in for all of them!", RSVPTEXT_YES, RSVPTEXT_WHEN_ALL, 0, 0},
    {"매주 참석", RSVPTEXT_YES, RSVPTEXT_WHEN_ALL, 0, 0},
    {"매주 참석하겠습니다", RSVPTEXT_YES, RSVPTEXT_WHEN_ALL, 0, 0},
    {"모두 참석합니다", RSVPTEXT_YES, RSVPTEXT_WHEN_ALL, 0, 0},
    {"I'll come every week", RSVPTEXT_YES, RSVPTEXT_WHEN_ALL, 0, 0},
    /* the answering clause's session wins over another clause's */
    {"12월 23일은 어렵고요. 다음 주는 갑니다", RSVPTEXT_YES,
	RSVPTEXT_WHEN_NEXT_WEEK, 0, 0},
    /* a session named in a clause without an answer still counts */
    {"12월 23일 모임 말씀이시죠. 불참입니다", RSVPTEXT_NO, RSVPTEXT_WHEN_DATE,
	12, 23},
    /* "이번 포럼" is no week */
    {"이번 포럼 참석하겠습니다", RSVPTEXT_YES, RSVPTEXT_WHEN_NONE, 0, 0},
    /* no answer: no session either */
    {"다음 주에 장소가 어디인가요?", RSVPTEXT_NONE, RSVPTEXT_WHEN_NONE, 0, 0},
    {"13월 40일 참석", RSVPTEXT_YES, RSVPTEXT_WHEN_NONE, 0, 0},
    {"매주 하나요?", RSVPTEXT_NONE, RSVPTEXT_WHEN_NONE, 0, 0},
};

/* test_when - the table */
static void
test_when(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(when_cases); i++) {
		const struct when_case *c = &when_cases[i];
		struct rsvptext t;

		g_test_message("case: %s", c->body);
		g_assert_true(rsvptext_read(c->body, &t));
		g_assert_cmpint(t.answer, ==, c->answer);
		g_assert_cmpint(t.when, ==, c->when);
		g_assert_cmpint(t.month, ==, c->month);
		g_assert_cmpint(t.day, ==, c->day);
	}
}

static void
test_discussion(void)
{
	static const struct {
		const char *body;
		bool has_discussion;
	} t[] = {{"참석합니다. 감사합니다.", false},
	    {"참석합니다.\n\n홍길동 드림", false},
	    {"Yes!\n\nBest regards,\nGil", false},
	    {"참석합니다. 발표 자료는 미리 공유해 주시면 좋겠습니다.", true},
	    {"Count me in. I think we should also invite the other lab.", true},
	    {"Yes. Is there parking?", true}};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		struct rsvptext r;

		g_assert_true(rsvptext_read(t[i].body, &r));
		g_assert_cmpint(r.answer, !=, RSVPTEXT_NONE);
		g_assert_cmpint(r.has_discussion, ==, t[i].has_discussion);
	}
}

/* Bad input: NULL and invalid UTF-8 fail with no answer. */
static void
test_bad_input(void)
{
	struct rsvptext r;

	g_assert_false(rsvptext_read(NULL, &r));
	g_assert_cmpint(r.answer, ==, RSVPTEXT_NONE);
	g_assert_false(rsvptext_read("\xff\xfe yes", &r));
	g_assert_cmpint(r.answer, ==, RSVPTEXT_NONE);
}

/* Past the input bound nothing is read, and a cut is not an error. */
static void
test_long_input(void)
{
	GString *s = g_string_new(NULL);
	struct rsvptext r;

	while (s->len < RSVPTEXT_MAX_INPUT - 1)
		g_string_append(s, "가");
	g_string_append(s, "\n참석합니다\n");
	g_assert_true(rsvptext_read(s->str, &r));
	g_assert_cmpint(r.answer, ==, RSVPTEXT_NONE);
	g_string_truncate(s, 0);
	g_string_append(s, "못 갑니다\n");
	for (int i = 0; i < RSVPTEXT_MAX_LINES * 2; i++)
		g_string_append(s, "\n");
	g_string_append(s, "참석합니다\n");
	g_assert_true(rsvptext_read(s->str, &r));
	g_assert_cmpint(r.answer, ==, RSVPTEXT_NO);
	g_string_free(s, TRUE);
}

/* A headcount past the bound is not a headcount. */
static void
test_headcount_bound(void)
{
	struct rsvptext r;

	g_assert_true(rsvptext_read("Yes, we are 500", &r));
	g_assert_cmpint(r.answer, ==, RSVPTEXT_YES);
	g_assert_cmpint(r.headcount, ==, 1);
}

/* body_of - the text a person wrote in a corpus file, as the caller
 * would hand it over: MIME decoded, HTML read through its text */
static char *
body_of(const char *path, const char *buf, size_t len)
{
	g_autofree char *wrapped = NULL;
	GMimeMessage *m;
	char *text;

	if (g_str_has_suffix(path, ".html")) {
		wrapped = g_strdup_printf("Content-Type: text/html; "
					  "charset=utf-8\n\n%s",
		    buf);
		buf = wrapped;
		len = strlen(wrapped);
	} else if (!g_str_has_suffix(path, ".eml")) {
		return g_utf8_make_valid(buf, (gssize)len);
	}
	m = mime_parse(buf, len, NULL);
	g_assert_nonnull(m);
	text = mime_body_text(m, RSVPTEXT_MAX_INPUT);
	g_object_unref(m);
	return text;
}

/* answers_in_quotes - text with every quoted line saying yes */
static char *
answers_in_quotes(const char *text)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	GString *out = g_string_new(NULL);

	for (int i = 0; lines[i] != NULL; i++) {
		const char *l = lines[i] + strspn(lines[i], " \t");

		g_string_append(out,
		    l[0] == '>' ? "> 참석합니다. I will attend."
				  " Count me in!"
				: lines[i]);
		g_string_append_c(out, '\n');
	}
	return g_string_free(out, FALSE);
}

/* check_file - quotes and originals below an attribution give nothing */
static void
check_file(const char *dir, const char *rel, int *n, int *unquoted)
{
	g_autofree char *path = g_build_filename(dir, rel, NULL);
	g_autofree char *buf = NULL, *text = NULL, *quoted = NULL;
	g_autofree char *appended = NULL;
	struct rsvptext a, b, c;
	gsize len;

	if (!g_file_get_contents(path, &buf, &len, NULL))
		return;
	text = body_of(path, buf, len);
	quoted = answers_in_quotes(text);
	g_assert_true(rsvptext_read(text, &a));
	g_assert_true(rsvptext_read(quoted, &b));
	if (a.answer != b.answer)
		g_error("%s: %s, with yes in the quote %s", rel,
		    rsvptext_answer_name(a.answer),
		    rsvptext_answer_name(b.answer));
	/* talon's standard replies say only "Hello"; where the original
	 * below is not quoted with '>', an answer added at its end is still
	 * part of the original. */
	if (strstr(rel, "standard_replies/") != NULL && text[0] != '>' &&
	    strstr(text, "\n>") == NULL) {
		appended =
		    g_strconcat(text, "\n참석합니다. I will attend.\n", NULL);
		g_assert_true(rsvptext_read(appended, &c));
		(*unquoted)++;
		if (c.answer != RSVPTEXT_NONE)
			g_error("%s: an answer from the original", rel);
	}
	if (strstr(rel, "standard_replies/") != NULL &&
	    a.answer != RSVPTEXT_NONE)
		g_error("%s: an answer in \"Hello\"", rel);
	(*n)++;
}

/* walk - check every file under dir/rel */
static void
walk(const char *dir, const char *rel, int *n, int *unquoted)
{
	g_autofree char *path = g_build_filename(dir, rel, NULL);
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name;

	if (d == NULL)
		return;
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *sub = g_build_filename(rel, name, NULL);
		g_autofree char *full = g_build_filename(dir, sub, NULL);

		if (g_file_test(full, G_FILE_TEST_IS_DIR))
			walk(dir, sub, n, unquoted);
		else if (!g_str_has_suffix(name, "_reply_text"))
			check_file(dir, sub, n, unquoted);
	}
	g_dir_close(d);
}

static void
test_corpus(void)
{
	g_autofree char *dir = testutil_corpus("replies");
	int n = 0, unquoted = 0;

	if (dir == NULL) {
		g_test_skip("no shared corpus");
		return;
	}
	walk(dir, "", &n, &unquoted);
	g_test_message(
	    "%d corpus replies read, %d unquoted originals", n, unquoted);
	g_assert_cmpint(n, >=, 80);
	g_assert_cmpint(unquoted, >=, 1);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *name =
		    g_strdup_printf("/rsvptext/case/%zu", i);

		g_test_add_data_func(name, &cases[i], test_case);
	}
	g_test_add_func("/rsvptext/discussion", test_discussion);
	g_test_add_func("/rsvptext/when", test_when);
	g_test_add_func("/rsvptext/bad_input", test_bad_input);
	g_test_add_func("/rsvptext/long_input", test_long_input);
	g_test_add_func("/rsvptext/headcount_bound", test_headcount_bound);
	g_test_add_func("/rsvptext/corpus", test_corpus);
	return g_test_run();
}
