"""Questions about the procedure under discussion that no aspect answers — yes/no and conditions —
are answered from its record with the quoted sentence, or plainly said unanswered; never "chưa hiểu".
Several aspects in one message each get their answer."""

import pytest

from actions import messages as m
from actions.fallback import ActionFallback
from actions.feedback import ActionRecordFeedback
from actions.procedures import ActionAnswerAspect, ActionAnswerProcedure, ActionYesNo
from tests.actions.conversation import run, slots_of, texts, tracker

CHILD_CARD, BIRTH = "1.014062", "1.001193"
ON_CHILD_CARD = {"current_procedure": CHILD_CARD}


@pytest.mark.parametrize(("action", "intent"), [(ActionYesNo, "deny"), (ActionAnswerProcedure, "ask_procedure"),
                                                (ActionFallback, "nlu_fallback"), (ActionAnswerAspect, "ask_aspect")])
def test_a_yes_no_question_is_answered_with_the_record_s_sentence(app_db, action, intent):
    events, said = run(action(), tracker("bé có phải đi cùng ko", ON_CHILD_CARD, intent=intent))
    reply = texts(said)
    assert reply.startswith(f"Cấp thẻ căn cước cho người dưới 14 tuổi (mã {CHILD_CARD})"), reply
    assert m.RECORD_SAYS in reply and "đưa người dưới 14 tuổi đến" in reply
    assert "Nguồn: https://dichvucong.gov.vn/" in reply
    assert not any(e.get("name") == "current_procedure" and e.get("value") != CHILD_CARD for e in events)


@pytest.mark.parametrize(("question", "first"), [("bé 10 tuổi có làm được không", "Có."),
                                                 ("cháu 15 tuổi rồi làm được ko", "Không.")])
@pytest.mark.parametrize(("action", "intent"), [(ActionYesNo, "deny"), (ActionRecordFeedback, "give_feedback")])
def test_an_age_question_gets_yes_or_no_first(app_db, question, first, action, intent):
    """Whichever intent the NLU gives it: "bé 10 tuổi có làm được ko" came as a rating."""
    reply = texts(run(action(), tracker(question, ON_CHILD_CARD, intent=intent))[1])
    assert reply.split("\n")[1].startswith(first), reply


def test_what_the_record_does_not_say_is_said_plainly_with_the_officer_button(app_db):
    events, said = run(ActionFallback(), tracker("có cần bố đồng ý không", ON_CHILD_CARD, intent="nlu_fallback"))
    assert m.RECORD_SILENT in texts(said) and CHILD_CARD in texts(said)
    assert "Gặp cán bộ" in [b["title"] for b in said[-1]["buttons"]]
    assert m.FALLBACK_REPHRASE not in texts(said)


def test_a_question_naming_another_procedure_is_a_new_question(app_db):
    said = run(ActionAnswerProcedure(), tracker("đăng ký kết hôn có cần giấy xác nhận độc thân không", ON_CHILD_CARD))[1]
    assert not texts(said).startswith("Cấp thẻ căn cước"), texts(said)


def test_two_aspects_in_one_message_are_both_answered(app_db):
    said = run(ActionAnswerAspect(), tracker("hết bao nhiêu tiền và mất mấy ngày", {"current_procedure": BIRTH},
                                             intent="ask_aspect"))[1]
    assert [s["text"].split("\n")[1] for s in said] == [f"{m.ASPECT_TITLES[a]}:" for a in m.ASPECT_TITLES
                                                        if a.value in ("lệ phí", "thời gian")]
    assert said[-1]["buttons"] and not said[0].get("buttons")


def test_how_long_until_the_result_asks_the_time_not_the_fee(app_db):
    fee = [{"entity": "aspect", "value": "lệ phí"}]
    said = run(ActionAnswerAspect(), tracker("bao lâu thì có tiền", {"current_procedure": BIRTH},
                                             intent="ask_aspect", entities=fee))[1]
    assert texts(said).split("\n")[1] == f"{m.ASPECT_TITLES[m.Aspect.TIME]}:", texts(said)


@pytest.mark.parametrize("action", [ActionAnswerProcedure, ActionAnswerAspect, ActionFallback])
def test_a_reply_to_the_situation_question_that_answers_nothing_asks_it_again(app_db, action):
    """"làm ở xã nơi tôi ở" to "đã đủ 14 tuổi chưa?" was searched alone and answered with social housing."""
    slots = {e["name"]: e["value"] for e in run(ActionAnswerProcedure(), tracker("làm căn cước cho con"))[0]
             if e.get("event") == "slot"}
    asked = run(ActionAnswerProcedure(), tracker("làm căn cước cho con"))[1][0]["text"]
    assert slots.get("clarify_question"), slots
    said = run(action(), tracker("làm ở xã nơi tôi ở", slots, intent="ask_aspect"))[1]
    assert texts(said) == asked, texts(said)


@pytest.mark.parametrize(("question", "first"), [("nộp online dc ko", "Có. " + m.ONLINE_YES),
                                                 ("lam xong gui ve nha dc ko", "Có. Thủ tục này nhận hồ sơ")])
def test_a_yes_no_question_about_the_ways_gets_yes_or_no_from_them(app_db, question, first):
    reply = texts(run(ActionYesNo(), tracker(question, ON_CHILD_CARD, intent="deny"))[1])
    assert reply.split("\n")[1].startswith(first), reply


@pytest.mark.parametrize(("code", "question", "first"), [
    (CHILD_CARD, "bé có phải đi cùng ko", "Có,"),  # "người đại diện hợp pháp đưa người dưới 14 tuổi đến"
    ("1.000894", "2 đứa có phải cùng đi không hay 1 người đi được", "Có,"),  # "hai bên nam, nữ phải có mặt"
])
def test_a_yes_no_question_gets_the_yes_or_no_its_quoted_sentence_states(app_db, code, question, first):
    reply = texts(run(ActionYesNo(), tracker(question, {"current_procedure": code}, intent="deny"))[1])
    assert reply.split("\n")[1].startswith(first) and m.RECORD_SAYS in reply, reply


@pytest.mark.parametrize(("current", "question", "answered"), [
    ("1.001612", "thuế TNCN thì sao", "1.011022"),  # a household business's tax, not a land sale's
    ("1.001612", "thế làm hộ chiếu thì sao", "1.001456"),  # a new topic the record knows nothing of
    ("3.000228", "kích hoạt thế nào", "3.000228"),  # no customs account: VNeID's record, honestly silent
])
def test_a_short_follow_up_naming_a_topic_is_read_in_the_current_procedure_s_context(app_db, current, question,
                                                                                     answered):
    reply = texts(run(ActionAnswerProcedure(), tracker(question, {"current_procedure": current}))[1])
    assert reply.split("\n")[0].endswith(f"(mã {answered})"), reply


def test_a_first_question_asking_whether_gets_the_record_s_yes_or_no(app_db):
    """The procedure found, the question asked with it is answered — not the overview."""
    reply = texts(run(ActionAnswerProcedure(), tracker("đăng ký khai sinh có mất phí ko"))[1]).split("\n")
    assert reply[0].endswith(f"(mã {BIRTH})") and reply[1].startswith("Không, thủ tục này không thu lệ phí"), reply


def test_the_option_pressed_answers_the_question_asked_before_the_choice(app_db):
    question = "sinh con ở nhà, không có giấy chứng sinh thì khai sinh được không"
    offered = {e["name"]: e["value"] for e in run(ActionAnswerProcedure(), tracker(question))[0]
               if e.get("event") == "slot"}
    assert BIRTH in offered["clarify_options"] and offered["options_question"] == question
    press = f'/ask_procedure{{"procedure_code": "{BIRTH}"}}'
    reply = texts(run(ActionAnswerProcedure(), tracker(press, offered, entities=[
        {"entity": "procedure_code", "value": BIRTH}]))[1]).split("\n")
    assert reply[0].endswith(f"(mã {BIRTH})") and m.RECORD_SAYS in reply \
        and "người làm chứng xác nhận về việc sinh" in "\n".join(reply), reply


def test_a_procedure_question_taken_for_a_login_is_answered(app_db):
    from actions.dossier import ActionLogin

    reply = texts(run(ActionLogin(), tracker("thẻ căn cước bị mất thì làm lại ở đâu", intent="login"))[1])
    assert "(mã " in reply.split("\n")[0], reply


@pytest.mark.parametrize(("question", "said"), [("cả hai người có phải có mặt không", "hai bên nam, nữ phải có mặt"),
                                                ("bạn có phải người thật không", None)])
def test_a_question_taken_for_are_you_a_bot_is_answered_if_the_record_says(app_db, question, said):
    from actions.fallback import ActionSmallTalk

    reply = texts(run(ActionSmallTalk(), tracker(question, {"current_procedure": "1.000894"},
                                                 intent="bot_challenge"))[1])
    assert (said in reply) if said else ("(mã " not in reply), reply


def test_one_other_variant_is_said_by_name_never_offered_as_a_choice_of_one(app_db):
    """"Nếu bạn thuộc trường hợp khác, chọn thủ tục tương ứng:" with a single button was a choice of one."""
    for question in ["doi gplx", "Đăng ký lại khai sinh", "làm hộ chiếu lần đầu để đi du lịch"]:
        for message in run(ActionAnswerProcedure(), tracker(question))[1]:
            codes = [b for b in message.get("buttons") or [] if "procedure_code" in b["payload"]]
            assert len(codes) != 1, (question, message)


def test_the_aspect_asked_before_unsure_options_is_answered_once_one_is_picked(app_db):
    question = "e bi mat cccd roi, lam lai het bn tien va bao lau co the moi"
    offered = {e["name"]: e["value"] for e in run(ActionAnswerProcedure(), tracker(question))[0]
               if e.get("event") == "slot"}
    assert len(offered.get("clarify_options") or []) > 1, offered
    code = offered["clarify_options"][0]
    press = f'/ask_procedure{{"procedure_code": "{code}"}}'
    reply = texts(run(ActionAnswerProcedure(), tracker(press, offered, entities=[
        {"entity": "procedure_code", "value": code}]))[1]).split("\n")
    assert reply[1] == f"{m.ASPECT_TITLES[m.Aspect.FEE]}:", reply


@pytest.mark.parametrize("current", ["1.003197", "1.001193", "1.001612"])
def test_a_yes_no_question_about_papers_stays_on_the_current_procedure(app_db, current):
    """"có phải mang bản chính ko" shares "bản chính" with many names: it was answered with a foreign
    reporters' permit."""
    reply = texts(run(ActionYesNo(), tracker("có phải mang bản chính ko", {"current_procedure": current},
                                             intent="deny"))[1])
    assert reply.split("\n")[0].endswith(f"(mã {current})"), reply


def test_a_life_event_story_asking_whether_gets_the_record_s_answer(app_db):
    reply = texts(run(ActionAnswerProcedure(), tracker(
        "vợ tôi sinh em bé ở nhà, ko có giấy chứng sinh thì khai sinh được ko"))[1])
    assert reply.startswith(f"Đăng ký khai sinh (mã {BIRTH})") and "người làm chứng xác nhận về việc sinh" in reply \
        and m.RECORD_SAYS in reply, reply


def test_a_what_and_a_whether_in_one_message_are_both_answered(app_db):
    """"phí bao nhiêu và nộp online dc ko": the fee's own answer, then the record's yes to online."""
    said = run(ActionAnswerAspect(), tracker("phí bao nhiêu và nộp online dc ko", {"current_procedure": "1.001456"},
                                             intent="ask_aspect"))[1]
    replies = [message.get("text", "") for message in said]
    assert len(replies) == 2 and "Lệ phí:" in replies[0], replies
    assert replies[1].split("\n")[1].startswith("Có."), replies[1]


@pytest.mark.parametrize(("current", "text", "variant"), [
    ("1.000894", "anh ấy là người Hàn Quốc, vậy hồ sơ cần gì và bao lâu", "2.000806"),
    ("1.001193", "bố cháu là người Nhật thì sao", "2.000528"),
])
def test_a_follow_up_telling_a_situation_moves_to_the_variant_it_selects(app_db, current, text, variant):
    """The marriage under discussion is the ordinary one; a Korean fiancé makes it the foreign one."""
    events, said = run(ActionAnswerAspect(), tracker(text, {"current_procedure": current}, intent="ask_aspect"))
    assert all(f"(mã {variant})" in message.get("text", "") for message in said), texts(said)
    assert {"current_procedure": variant}.items() <= slots_of(events).items()
    if "bao lâu" in text:  # both aspects asked: papers, then time
        assert len(said) == 2 and "Thời gian giải quyết" in said[1]["text"]
