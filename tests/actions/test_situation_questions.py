"""Close variants are told apart by one short question about the citizen's situation, answered by a
button or in the citizen's own words ("không, đều là người Việt", "cháu mới 10 tuổi")."""

import json

import pytest

from actions import answers
from actions import messages as m
from actions.aspects import Aspect
from actions.procedures import ActionAnswerAspect, ActionAnswerProcedure, ActionYesNo
from knowledge.catalogue import get_procedure
from knowledge.situations import question_for, situation_questions
from tests.actions.conversation import run, slots_of, texts, tracker

ADOPTION, ADOPTION_ABROAD = "2.001263", "1.003213"  # in the country / at a Vietnamese embassy
ID_FROM_14, ID_UNDER_14 = "1.014061", "1.014062"


@pytest.mark.parametrize(("question_id", "codes"), [
    ("foreign", ["2.000806", "1.000894"]),  # đăng ký kết hôn có yếu tố nước ngoài / trong nước
    ("age_14", [ID_FROM_14, ID_UNDER_14]),
    ("lost_or_damaged", ["1.014064", "1.014063"]),  # cấp lại / cấp đổi thẻ căn cước
    ("new_or_repair", ["1.013225", "1.013229"]),  # giấy phép xây dựng mới / sửa chữa, cải tạo
    ("at_home", ["1.001193", "1.003583"]),  # đăng ký khai sinh / lưu động
    ("abroad", [ADOPTION, ADOPTION_ABROAD]),
])
def test_each_question_tells_real_variants_apart_in_either_order(question_id, codes):
    for offered in (codes, codes[::-1]):
        question, ordered = question_for(offered)
        assert question.id == question_id and ordered == codes
    assert all(len(a.title) <= 40 for a in situation_questions()[question_id].answers)


def test_no_question_for_variants_it_does_not_separate():
    assert question_for(["1.004837", "3.000323"]) is None  # giám hộ / giám sát việc giám hộ
    assert question_for(["1.000894", "2.000806", "1.001193"]) is None  # a third option no answer selects


@pytest.mark.slow  # the built search index (make models)
def test_the_citizen_is_asked_about_the_situation_and_a_typed_answer_picks_the_variant(app_db):
    events, said = run(ActionAnswerProcedure(), tracker("làm thẻ căn cước cho con mất bao lâu"))
    slots = slots_of(events)
    assert said[0]["text"] == situation_questions()["age_14"].question
    assert slots["clarify_options"] == [ID_FROM_14, ID_UNDER_14] and slots["pending_aspect"] == Aspect.TIME
    # A question about something else before answering: answered for the first answer's variant, said to
    # be for it, then the question again, the aspect kept for the answer.
    events, said = run(ActionAnswerAspect(), tracker("lệ phí bao nhiêu", slots, intent="ask_aspect"))
    slots |= slots_of(events)
    assert said[0]["text"].startswith(answers.aspect_screens(get_procedure(ID_FROM_14), Aspect.FEE)[0])
    assert situation_questions()["age_14"].answers[0].title in said[0]["text"]
    assert said[-1]["text"] == situation_questions()["age_14"].question and slots["pending_aspect"] == Aspect.FEE
    events, said = run(ActionAnswerProcedure(), tracker("cháu mới 10 tuổi", slots))
    assert texts(said).startswith(answers.aspect_screens(get_procedure(ID_UNDER_14), Aspect.FEE)[0])
    assert slots_of(events)["current_procedure"] == ID_UNDER_14 and slots_of(events)["clarify_question"] is None


@pytest.mark.slow
def test_an_adoption_is_answered_at_home_unless_the_citizen_is_abroad(app_db):
    """The embassy's variant comes after the one done in Việt Nam unless the citizen speaks of being abroad."""
    events, _ = run(ActionAnswerProcedure(), tracker("nhận nuôi con nuôi bao lâu thì xong"))
    assert slots_of(events)["current_procedure"] == ADOPTION
    events, _ = run(ActionAnswerProcedure(), tracker("tôi đang ở Nhật, muốn nhận con nuôi tại lãnh sự quán"))
    slots = slots_of(events)
    assert ADOPTION_ABROAD in [slots.get("current_procedure"), *(slots.get("clarify_options") or [])[:1]]


@pytest.mark.slow
def test_a_procedure_named_in_what_the_nlu_took_for_a_follow_up_is_asked_about_too(app_db):
    said = run(ActionAnswerAspect(), tracker("cap the can cuoc", intent="ask_aspect"))[1]
    assert texts(said) == situation_questions()["age_14"].question


@pytest.mark.slow
@pytest.mark.parametrize(("reply", "intent", "code"), [
    ("chưa, cháu mới 10 tuổi", "inform", ID_UNDER_14),
    ("con toi 8 tuoi", "inform", ID_UNDER_14),
    ("rồi", "affirm", ID_FROM_14),
    ("không", "deny", ID_UNDER_14),
    ("đủ 14 rồi", "inform", ID_FROM_14),
])
def test_an_age_or_a_yes_answers_the_age_question(app_db, reply, intent, code):
    events, said = run(ActionAnswerProcedure(), tracker("cap the can cuoc"))
    slots = slots_of(events)
    assert said[0]["text"] == situation_questions()["age_14"].question
    action = ActionYesNo() if intent in {"affirm", "deny"} else ActionAnswerProcedure()
    events, said = run(action, tracker(reply, slots, intent=intent))
    assert texts(said) == answers.overview(get_procedure(code)) and slots_of(events)["current_procedure"] == code


@pytest.mark.parametrize(("reply", "intent", "code"), [
    ("không, cả hai đều là người Việt", "deny", "1.000894"),
    ("có, chồng tôi là người Hàn Quốc", "affirm", "2.000806"),
    ("khong phai nguoi nuoc ngoai", "deny", "1.000894"),  # "not a foreigner": the no, not the phrase
    ("vợ tôi là việt kiều Mỹ", "inform", "2.000806"),
])
def test_a_yes_or_no_in_the_citizens_words_answers_the_foreign_question(app_db, reply, intent, code):
    slots = {"clarify_options": ["2.000806", "1.000894"], "clarify_question": "foreign"}
    action = ActionYesNo() if intent in {"affirm", "deny"} else ActionAnswerProcedure()
    events, said = run(action, tracker(reply, slots, intent=intent))
    assert f"(mã {code})" in texts(said) and slots_of(events)["current_procedure"] == code


@pytest.mark.parametrize("intent", ["deny", "bot_challenge", "ask_aspect"])
def test_a_stated_age_outweighs_the_no_it_starts_with_and_the_aspects_asked_with_it_are_answered(app_db, intent):
    """"Đủ 14 tuổi chưa?" — "không phải, bé nhà em 15 tuổi rồi. làm ở đâu, mấy ngày có": the adult's
    card (not the child's, which the "không" would pick), its place and its time."""
    slots = {"clarify_options": [ID_FROM_14, ID_UNDER_14], "clarify_question": "age_14"}
    action = ActionYesNo() if intent == "deny" else ActionAnswerProcedure()
    events, said = run(action, tracker("không phải, bé nhà em 15 tuổi rồi. làm ở đâu, mấy ngày có", slots,
                                       intent=intent))
    procedure = get_procedure(ID_FROM_14)
    assert slots_of(events)["current_procedure"] == ID_FROM_14
    assert answers.aspect_answer(procedure, Aspect.TIME) in texts(said)
    assert answers.aspect_answer(procedure, Aspect.PLACE) in texts(said)


def test_a_yes_with_no_question_pending_is_acknowledged():
    assert run(ActionYesNo(), tracker("ok", intent="affirm"))[1] == [
        {"text": None, "buttons": [], "elements": [], "custom": {}, "template": "utter_affirm_ack",
         "response": "utter_affirm_ack", "image": None, "attachment": None}]
    said = run(ActionYesNo(), tracker("ok", {"clarify_options": ["1.014064", "1.014063"],
                                             "clarify_question": "lost_or_damaged"}, intent="affirm"))[1]
    assert texts(said) == situation_questions()["lost_or_damaged"].question  # "ok" to "lost or damaged?": asked again
    assert m.CLARIFY not in texts(said)


def test_the_situation_conversations_name_real_procedures_and_questions():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from dialogue import load_conversations

    conversations = load_conversations()
    assert len(conversations) >= 60
    for say, want, replies in conversations:
        assert want and all(get_procedure(code) for code in want), say
        assert set(replies) <= set(situation_questions()), say


@pytest.mark.slow
@pytest.mark.parametrize("pressed", [ID_FROM_14, ID_UNDER_14])
def test_pressing_a_situation_button_after_an_aspect_question_answers_that_aspect(app_db, pressed):
    """Through Rasa a slot comes back as the JSON it was stored as (the aspect a plain string): pressing
    either age button after "… cần giấy tờ gì" crashed the action server and killed the conversation."""
    events, said = run(ActionAnswerProcedure(), tracker("làm căn cước cho con cần giấy tờ gì"))
    assert said[0]["text"] == situation_questions()["age_14"].question
    slots = json.loads(json.dumps(slots_of(events)))  # as Rasa stores and returns them
    button = next(b for b in said[0]["buttons"] if pressed in b["payload"])
    events, said = run(ActionAnswerProcedure(), tracker(button["payload"], slots,
                                                        entities=[{"entity": "procedure_code", "value": pressed}]))
    assert texts(said).startswith(answers.aspect_screens(get_procedure(pressed), Aspect.DOCUMENTS)[0])
    assert slots_of(events)["current_procedure"] == pressed


@pytest.mark.slow
def test_a_reply_telling_another_situation_gets_the_options_of_what_it_tells(app_db):
    """"bị gãy đôi, máy không đọc được chip nữa" to "đã đủ 14 tuổi chưa?": the card exists and is broken —
    read with the question, the options it then fits, not the age question again."""
    events, said = run(ActionAnswerProcedure(), tracker("thẻ căn cước của tôi có vấn đề"))
    slots = slots_of(events)
    assert said[0]["text"] == situation_questions()["age_14"].question
    events, said = run(ActionAnswerProcedure(), tracker("bị gãy đôi, máy không đọc được chip nữa", slots))
    assert texts(said) != situation_questions()["age_14"].question
    offered = slots_of(events).get("clarify_options") or [slots_of(events).get("current_procedure")]
    assert {"1.014063", "1.014064"} & set(offered), texts(said)  # exchange or re-issue of the card
