"""Wrong turns citizens met: "ko" at the end of a question read as "no", a typed "có" that did not
confirm a deletion, one-option choice lists, the unsure reply in two messages, a question stored as a
rating, a portal dossier code refused, a complaint searched as a procedure."""

import time

import pytest

from actions import messages as m
from actions.aspects import Aspect
from actions.dossier import ActionCheckDossierStatus, ActionStartDossier
from actions.fallback import ActionSmallTalk
from actions.handover import ActionHandover
from actions.procedures import ActionAnswerAspect, ActionAnswerProcedure, ActionYesNo
from knowledge.situations import situation_questions
from tests.actions.conversation import run, slots_of, texts, tracker

STORY = ("Hồi nhỏ bố mẹ khai sinh cho tôi tên là Nguyễn Văn Tí, bây giờ đi làm rất ngại, tôi muốn đổi tên khác "
         "có được không, làm ở đâu?")


@pytest.fixture
def offered(app_db) -> dict:
    """The options offered for a story the search is unsure of, pending."""
    slots = slots_of(run(ActionAnswerProcedure(), tracker(STORY))[0])
    assert len(slots["clarify_options"]) > 1 and slots["options_question"] == STORY
    return slots


@pytest.mark.parametrize("question", ["nop online dc ko", "co can giay khai sinh ko", "làm ở xã được không ạ",
                                      "lệ phí bao nhiêu hok", "mất bao lâu k", "dc ko", "nộp rồi thì bao giờ xong chưa"])
@pytest.mark.parametrize(("action", "intent"), [(ActionYesNo, "deny"), (ActionAnswerAspect, "ask_aspect")])
def test_a_question_closed_by_ko_rejects_no_option(offered, question, action, intent):
    """Sentence-final "ko / k / hok / không / chưa" asks; it says no "no" to the options on screen."""
    said = run(action(), tracker(question, offered, intent=intent))[1]
    assert said and not texts(said).startswith(m.MORE_OPTIONS), texts(said)
    assert said[0].get("response") != "utter_deny_ack"


@pytest.mark.parametrize("reply", ["không", "ko", "không phải", "không ạ", "dạ không", "sai hết rồi"])
def test_a_bare_no_still_rejects_the_options(offered, reply):
    said = run(ActionYesNo(), tracker(reply, offered, intent="deny"))[1]
    assert said[0]["text"].startswith(m.MORE_OPTIONS)


def test_a_question_ending_in_ko_is_no_answer_to_the_situation_question(app_db):
    """"Có ai là người nước ngoài không?" and the citizen asks "có làm ở xã được không": neither the
    yes of its "có" nor the no of its "không" picks a variant; the question is asked again."""
    slots = {"clarify_options": ["2.000806", "1.000894"], "clarify_question": "foreign"}
    for intent in ("deny", "affirm"):
        events, said = run(ActionYesNo(), tracker("có làm ở xã được không", slots, intent=intent))
        assert slots_of(events).get("current_procedure") is None
        assert texts(said) == situation_questions()["foreign"].question


def confirm_asked(text: str, intent: str, ago: float = 5) -> list[dict]:
    return [{"event": "user", "text": "xóa dữ liệu của tôi", "parse_data": {"intent": {"name": "delete_profile"}}},
            {"event": "bot", "text": m.DELETE_CONFIRM, "timestamp": time.time() - ago},
            {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": []}}]


@pytest.mark.parametrize(("reply", "intent"), [("có", "affirm"), ("đồng ý", "affirm"), ("ok", "affirm"),
                                               ("có, xóa hết đi", "affirm"), ("Đồng ý ạ", "affirm")])
def test_a_typed_yes_confirms_the_deletion_like_the_button(app_db, reply, intent):
    from storage import citizens, identities

    identities.link("web:d1", "citizen-d1")
    citizens.save_profile("citizen-d1", {"full_name": "Nguyễn Văn An"})
    asked = tracker(reply, {"delete_pending": True}, sender="web:d1", intent=intent, events=confirm_asked(reply, intent))
    events, said = run(ActionYesNo(), asked)
    assert said[0]["text"].startswith("Đã xóa toàn bộ thông tin cá nhân") and said[0]["custom"]
    assert citizens.get_profile("citizen-d1") is None
    assert slots_of(events)["delete_pending"] is None


@pytest.mark.parametrize(("reply", "intent"), [("không", "deny"), ("/deny", "deny"), ("không xóa", "deny")])
def test_a_typed_no_keeps_everything_and_says_so(app_db, reply, intent):
    from storage import citizens, identities

    identities.link("web:d2", "citizen-d2")
    citizens.save_profile("citizen-d2", {"full_name": "Trần Thị Bình"})
    asked = tracker(reply, {"delete_pending": True}, sender="web:d2", intent=intent, events=confirm_asked(reply, intent))
    events, said = run(ActionYesNo(), asked)
    assert texts(said) == m.DELETE_KEPT and citizens.get_profile("citizen-d2")
    assert slots_of(events)["delete_pending"] is None


def test_a_yes_to_something_else_deletes_nothing(app_db):
    """The confirmation was not the last thing asked: a later "có" is no consent to delete."""
    from storage import citizens, identities

    identities.link("web:d3", "citizen-d3")
    citizens.save_profile("citizen-d3", {"full_name": "Lê Văn Cường"})
    events = [*confirm_asked("đăng ký khai sinh", "ask_procedure"), {"event": "bot", "text": "Đăng ký khai sinh (mã 1.001193)"},
              {"event": "user", "text": "có", "parse_data": {"intent": {"name": "affirm"}}}]
    said = run(ActionYesNo(), tracker("có", {"delete_pending": True}, sender="web:d3", intent="affirm", events=events))[1]
    assert "Đã xóa" not in texts(said) and citizens.get_profile("citizen-d3")


def test_a_yes_long_after_the_question_deletes_nothing(app_db):
    """Asked, then the citizen chatted with an officer (Rasa never sees those turns): an hour later a
    "có" answers the officer's world, not the deletion question."""
    from storage import citizens, identities

    identities.link("web:d4", "citizen-d4")
    citizens.save_profile("citizen-d4", {"full_name": "Phạm Thị Dung"})
    asked = tracker("có", {"delete_pending": True}, sender="web:d4", intent="affirm",
                    events=confirm_asked("có", "affirm", ago=3600))
    said = run(ActionYesNo(), asked)[1]
    assert "Đã xóa" not in texts(said) and citizens.get_profile("citizen-d4")


def test_the_deletion_reaches_the_citizen_as_one_message_never_an_empty_one():
    """Rasa sends the erase mark as a message of its own after the text: it showed as an empty bubble."""
    from connectors.turn import from_rasa, to_rest
    from dossiers.retention import ERASE_MARK

    rasa = [{"recipient_id": "web:x", "text": m.PROFILE_DELETED.format(count=0)},
            {"recipient_id": "web:x", "custom": {ERASE_MARK: True}}]
    replies = from_rasa(rasa)
    assert [r.text for r in replies] == [m.PROFILE_DELETED.format(count=0)]
    assert all(message.get("text") for message in to_rest("web:x", replies))


@pytest.mark.parametrize("question", ["karaoke mới", "mộ ở đâu"])
def test_a_single_candidate_is_answered_never_offered_as_a_choice_of_one(app_db, question):
    """Unsure with one candidate: its answer with the line saying how to reject it; a follow-up is
    answered about it (the one-option list was sent again at each follow-up), "không phải" gets others."""
    events, said = run(ActionAnswerProcedure(), tracker(question))
    slots = slots_of(events)
    code = slots["current_procedure"]
    assert code and len(said) == 1 and said[0]["text"].endswith(m.ONE_OPTION_NOTE)
    assert f"(mã {code})" in said[0]["text"] and m.CLARIFY not in texts(said)
    events, said = run(ActionAnswerAspect(), tracker("lệ phí bao nhiêu", slots, intent="ask_aspect"))
    assert f"(mã {code})" in said[0]["text"].split("\n", 1)[0]
    assert not said[0]["text"].startswith((m.CLARIFY, m.CLARIFY_FIRST.split("{")[0]))
    events, said = run(ActionYesNo(), tracker("không phải", slots, intent="deny"))
    assert said[0]["text"].startswith(m.MORE_OPTIONS) and code not in slots_of(events)["clarify_options"]


def test_no_choice_list_has_a_single_option(app_db):
    """Whatever offers procedures to choose from answers outright when only one is left."""
    from rasa_sdk.executor import CollectingDispatcher

    from actions.procedures import offer_choice

    dispatcher = CollectingDispatcher()
    events = offer_choice(dispatcher, m.MORE_OPTIONS, ["1.001193", "1.001193"], "làm giấy khai sinh")
    assert len(dispatcher.messages) == 1 and dispatcher.messages[0]["text"].startswith("Đăng ký khai sinh (mã 1.001193)")
    assert dispatcher.messages[0]["text"].endswith(m.ONE_OPTION_NOTE)
    assert slots_of(events)["clarify_options"] == ["1.001193"] and slots_of(events)["current_procedure"] == "1.001193"


def test_unsure_with_options_is_one_message_with_the_options_as_buttons(offered, app_db):
    said = run(ActionAnswerProcedure(), tracker(STORY))[1]
    assert len(said) == 1
    text = said[0]["text"]
    assert text.startswith(m.NOT_CONFIDENT_OPTIONS) and m.PORTAL_SEARCH_URL in text and "“không phải”" in text
    assert len(said[0]["buttons"]) == len(offered["clarify_options"])
    assert all(f'"procedure_code": "{code}"' in b["payload"] for b, code in zip(said[0]["buttons"], offered["clarify_options"]))


@pytest.mark.parametrize("text", ["H99.12-240101-0001", "tra cứu hồ sơ H99.12-240101-0001",
                                  "hồ sơ 000.00.12.H29-250101-0001 đến đâu rồi", "ho so 000.00.05.H56-240315-0123"])
def test_a_portal_dossier_code_gets_the_portals_own_look_up(app_db, text):
    from actions.dossier import ActionCheckDossierStatus

    said = texts(run(ActionCheckDossierStatus(), tracker(text, intent="check_dossier_status"))[1])
    assert "Tra cứu hồ sơ" in said and "dichvucong.gov.vn" in said and said != m.STATUS_ASK_CODE


@pytest.mark.parametrize(("action", "intent", "text"), [
    ("procedure", "ask_procedure", "tôi muốn khiếu nại"),
    ("handover", "request_human", "cán bộ gây khó dễ không nhận hồ sơ"),
    ("handover", "request_human", "tôi muốn phản ánh cán bộ xã"),
    ("fallback", "nlu_fallback", "bức xúc quá, nộp hồ sơ 3 tháng chưa xong"),
    ("aspect", "ask_aspect", "khieu nai o dau"),
])
def test_a_complaint_gets_the_complaints_channel_and_the_officer(app_db, action, intent, text):
    from actions.fallback import ActionFallback
    from actions.handover import ActionHandover
    from storage import handover

    actions = {"procedure": ActionAnswerProcedure, "handover": ActionHandover, "fallback": ActionFallback,
               "aspect": ActionAnswerAspect}
    said = run(actions[action](), tracker(text, intent=intent))[1]
    assert len(said) == 1 and said[0]["text"] == m.COMPLAINT.format(url=m.COMPLAINT_URL)
    assert "https://dichvucong.gov.vn/p/phananhkiennghi/pakn-gui-pakn.html" in said[0]["text"]
    assert [b["title"] for b in said[0]["buttons"]] == ["Gặp cán bộ"]
    assert handover.list_handovers("waiting") == []  # offered, not forced


def test_the_complaint_procedures_themselves_are_still_answered(app_db):
    said = texts(run(ActionAnswerProcedure(), tracker("thủ tục giải quyết khiếu nại lần đầu"))[1])
    assert m.COMPLAINT.format(url=m.COMPLAINT_URL) not in said and "Giải quyết khiếu nại lần đầu" in said
    assert texts(run(ActionHandover(), tracker("cho tôi gặp cán bộ", intent="request_human"))[1]) == m.HANDOVER_QUEUED


@pytest.mark.parametrize(("action", "intent", "text", "current"), [
    (ActionCheckDossierStatus, "check_dossier_status", "hồ sơ cần gì", "1.004194"),
    (ActionStartDossier, "start_dossier", "bé 10 tuổi có làm được không, ai ký tờ khai", "1.001456"),
    (ActionStartDossier, "start_dossier", "tờ khai viết thế nào", "1.004194"),
])
def test_a_question_about_the_procedure_taken_for_a_form_or_a_status_is_answered_about_it(app_db, action, intent,
                                                                                          text, current):
    """"Hồ sơ", "tờ khai" in a question about the procedure under discussion: its answer, not a request
    for a dossier code nor the list of forms."""
    events, said = run(action(), tracker(text, {"current_procedure": current}, intent=intent))
    assert f"(mã {current})" in texts(said), texts(said)
    assert m.STATUS_ASK_CODE not in texts(said) and m.DOSSIER_SUPPORTED not in texts(said)
    assert not any(e.get("event") == "followup" for e in events)


def test_a_status_question_and_a_form_request_keep_their_own_answers(app_db):
    said = run(ActionCheckDossierStatus(), tracker("kết quả hồ sơ của tôi bao giờ có", {"current_procedure": "1.004194"},
                                                   intent="check_dossier_status"))[1]
    assert texts(said) == m.STATUS_ASK_CODE
    events = run(ActionStartDossier(), tracker("giúp tôi điền tờ khai thế nào", {"current_procedure": "1.004194"},
                                               intent="start_dossier"))[0]
    assert any(e.get("event") == "followup" and e.get("name") == "dossier_form" for e in events)


@pytest.mark.parametrize("intent", ["goodbye", "thank", "greet"])
def test_a_reply_to_the_options_taken_for_a_courtesy_is_read_as_a_reply(app_db, intent):
    """"Không phải thường trú, mình chỉ ở tạm vài năm thôi" to the residence options is no goodbye."""
    slots = slots_of(run(ActionAnswerProcedure(), tracker("đăng ký cư trú"))[0])
    if not slots.get("clarify_options"):
        pytest.skip("the search answered outright")
    said = run(ActionSmallTalk(), tracker("không phải thường trú, mình chỉ ở tạm vài năm thôi", slots, intent=intent))[1]
    assert said[0].get("response") is None and "tạm trú" in texts(said).split("\n")[0], texts(said)
    assert run(ActionSmallTalk(), tracker("cảm ơn bạn", slots, intent="thank"))[1][0].get("response") == "utter_thank"


@pytest.mark.parametrize(("current", "text", "intent", "right"), [
    ("1.014062", "không phải, bé nhà em 15 tuổi rồi. làm ở đâu, mấy ngày có", "bot_challenge", {"1.014061"}),
    ("1.004873", "không, tôi không cần giấy độc thân, tôi muốn đăng ký kết hôn luôn", "deny", {"1.000894"}),
    ("1.010094", "không, hộ chiếu chưa hết hạn mà là bị mất. có phải báo mất trước không", "deny",
     {"1.010386", "2.000539", "1.001456", "1.001471"}),
])
def test_a_correction_of_the_procedure_just_answered_is_searched_in_its_context(app_db, current, text, intent, right):
    """"Không phải, …" after an answer says which case it is: another procedure of the same topic, the
    aspects asked answered — not "I am a bot", not the same procedure again."""
    action = {"deny": ActionYesNo, "bot_challenge": ActionSmallTalk}[intent]()
    events, said = run(action, tracker(text, {"current_procedure": current}, intent=intent))
    assert slots_of(events).get("current_procedure") in right, texts(said)
    if "ở đâu" in text:
        assert "Nơi nộp hồ sơ" in texts(said) and "Thời gian giải quyết" in texts(said)


def test_a_question_opening_with_khong_phai_is_no_correction(app_db):
    said = run(ActionAnswerProcedure(), tracker("không phải mang bé theo à", {"current_procedure": "1.014062"}))[1]
    assert "(mã 1.014062)" in texts(said)


def test_a_no_to_something_else_keeps_the_procedure_the_citizen_wants(app_db):
    """"Ko, tôi không cần đăng ký lại khai sinh, chỉ cần bản sao giấy khai sinh thôi" after the copy's answer."""
    events, said = run(ActionYesNo(), tracker("ko, toi ko can dang ky lai khai sinh, chi can ban sao giay khai sinh thoi",
                                              {"current_procedure": "2.000635"}, intent="deny"))
    assert slots_of(events).get("current_procedure") == "2.000635" and "(mã 2.000635)" in texts(said)


@pytest.mark.parametrize(("current", "text", "said"), [
    ("1.001193", "hạn chót là bao lâu", "Trong thời hạn 60 ngày kể từ ngày sinh con"),
    ("1.002755", "tạm trú sắp hết hạn, phải gia hạn trước mấy ngày", "Trong thời hạn 15 ngày trước ngày kết thúc"),
    ("1.013076", "thoi han bao lau", "Trong thời hạn 30 ngày"),
])
def test_a_deadline_is_quoted_from_the_record_not_the_processing_time(app_db, current, text, said):
    reply = texts(run(ActionAnswerAspect(), tracker(text, {"current_procedure": current}, intent="ask_aspect"))[1])
    assert said in reply and f"(mã {current})" in reply


def test_how_long_the_office_takes_is_still_the_processing_time(app_db):
    from actions import answers
    from knowledge.catalogue import get_procedure
    reply = texts(run(ActionAnswerAspect(), tracker("mất bao lâu", {"current_procedure": "1.001193"}, intent="ask_aspect"))[1])
    assert reply == answers.aspect_screens(get_procedure("1.001193"), Aspect.TIME)[0]


def test_a_follow_up_the_nlu_did_not_understand_is_answered_about_the_procedure_under_discussion(app_db):
    from actions.fallback import ActionFallback

    said = texts(run(ActionFallback(), tracker("hạn là bao lâu sau khi khai sinh", {"current_procedure": "1.004222"},
                                               intent="nlu_fallback"))[1])
    assert "(mã 1.004222)" in said and not said.startswith("Xin lỗi")


def test_a_question_about_the_papers_while_options_are_offered_is_no_status_question(app_db):
    slots = {"clarify_options": ["1.001193", "1.004884"], "options_question": "khai sinh cho con"}
    said = texts(run(ActionCheckDossierStatus(), tracker("hồ sơ cần gì", slots, intent="check_dossier_status"))[1])
    assert m.STATUS_ASK_CODE not in said and "1. Đăng ký khai sinh" in said  # the choice kept open


@pytest.mark.parametrize("question", ["nguoi ban co phai di lam thu tuc gi ko", "người mua có cần đi cùng không"])
def test_a_question_about_someone_else_taken_for_are_you_a_bot_is_about_the_procedure(app_db, question):
    """"ban" is "bán" as much as "bạn": without words about the assistant it asks about the procedure under
    discussion — answered from its record, even when the record is silent, never with who the assistant is."""
    reply = texts(run(ActionSmallTalk(), tracker(question, {"current_procedure": "1.013076"}, intent="bot_challenge"))[1])
    assert reply.startswith(f"{'Cấp chứng nhận đăng ký xe'}") and "(mã 1.013076)" in reply.split("\n")[0], reply


@pytest.mark.parametrize("question", ["bạn có phải người thật không", "ban la ai", "em là robot à", "bạn làm được gì"])
def test_are_you_a_bot_is_still_answered_about_the_assistant(app_db, question):
    reply = texts(run(ActionSmallTalk(), tracker(question, {"current_procedure": "1.013076"}, intent="bot_challenge"))[1])
    assert "(mã " not in reply, reply


def test_a_question_about_the_procedure_taken_for_a_call_for_an_officer_is_answered(app_db):
    """"có người xuống thẩm định không" asks about the procedure: no "người thật", no "gặp", nothing asked of a person."""
    reply = texts(run(ActionHandover(), tracker("co nguoi xuong tham dinh ko", {"current_procedure": "1.013855"},
                                                intent="request_human"))[1])
    assert "(mã 1.013855)" in reply.split("\n")[0] and reply != m.HANDOVER_QUEUED, reply


@pytest.mark.parametrize("text", ["tôi cần người hỗ trợ", "có ai trực không", "cho gặp tổng đài viên"])
def test_a_call_for_a_person_still_reaches_an_officer(app_db, text):
    reply = texts(run(ActionHandover(), tracker(text, {"current_procedure": "1.013855"}, intent="request_human"))[1])
    assert reply == m.HANDOVER_QUEUED, reply


def test_a_deadline_asked_with_the_procedure_is_quoted_once_the_option_is_picked(app_db):
    """"phải gia hạn trước mấy ngày": the record's 15 days before expiry, not the office's processing time."""
    from actions.procedures import procedure_payload

    slots = {"clarify_options": ["1.002755", "1.000771"], "pending_aspect": "thời gian",
             "options_question": "tạm trú sắp hết hạn, phải gia hạn trước mấy ngày"}
    reply = texts(run(ActionAnswerProcedure(), tracker(procedure_payload("1.002755"), slots,
                                                       entities=[{"entity": "procedure_code", "value": "1.002755"}]))[1])
    assert "Trong thời hạn 15 ngày trước ngày kết thúc" in reply, reply


def test_lltp_is_the_criminal_record_extract(app_db):
    reply = run(ActionAnswerProcedure(), tracker("lam lltp cho con trai dang o nuoc ngoai dc ko"))[1]
    assert "(mã 3.000333)" in reply[0]["text"].split("\n")[0], texts(reply)


def test_a_procedure_question_taken_for_one_s_profile_is_answered(app_db):
    """"của tôi" is no request to see the citizen's data without a word of what is kept ("thông tin", "lưu")."""
    from actions.dossier import ActionShowProfile

    said = run(ActionShowProfile(), tracker("thẻ căn cước của tôi có vấn đề", intent="show_profile"))[1]
    assert said and m.PROFILE_NEEDS_LOGIN not in texts(said)
    assert any("procedure_code" in b["payload"] for b in said[0].get("buttons") or [])  # the card's variants asked
    said = run(ActionShowProfile(), tracker("xem thông tin cá nhân đã lưu", intent="show_profile"))[1]
    assert m.PROFILE_NEEDS_LOGIN in texts(said)


def test_a_follow_up_naming_only_what_is_done_stays_on_the_procedure(app_db):
    """"dang ky online tai nha dc ko" after VNeID level 2: "đăng ký", "tại" say what is done — no "Đăng ký tài
    khoản điện tử"; a follow-up that names another procedure still moves to it."""
    current = {"current_procedure": "3.000228"}
    events, said = run(ActionAnswerAspect(), tracker("dang ky online tai nha dc ko", current, intent="ask_aspect"))
    header, answer = said[0]["text"].split("\n")[:2]
    assert "(mã 3.000228)" in header and answer.startswith("Không.")  # its yes or no first: not online
    events, said = run(ActionAnswerAspect(), tracker("thế còn đăng ký kết hôn thì nộp ở đâu", current, intent="ask_aspect"))
    assert "(mã 1.000894)" in said[0]["text"].split("\n")[0]


def test_a_correction_of_a_single_option_answered_outright_is_read_as_one(app_db):
    """A single candidate is answered and stays pending; "không, tôi không cần giấy độc thân, tôi muốn đăng ký
    kết hôn luôn" corrects it like any answer — not searched whole, where "giấy độc thân" wins."""
    one = {"current_procedure": "1.000894", "clarify_options": ["1.000894"], "options_question": "tôi cần làm giấy tờ để cưới"}
    said = run(ActionYesNo(), tracker("không, tôi không cần giấy độc thân, tôi muốn đăng ký kết hôn luôn", one,
                                      intent="deny"))[1]
    assert "(mã 1.000894)" in said[0]["text"].split("\n")[0], texts(said)


@pytest.mark.parametrize("question", ["đổi bằng lái xe máy A1 có cần giấy khám sức khỏe k",
                                      "làm hộ chiếu có cần giấy khám sức khỏe không"])
def test_a_health_certificate_among_a_procedure_s_papers_is_no_topic_of_the_health_ministry(app_db, question):
    """"giấy khám sức khỏe" asked as a paper of a licence is that licence's question, not the health ministry's."""
    said = run(ActionAnswerProcedure(), tracker(question))[1]
    offered = texts(said) + " ".join(b["payload"] for s in said for b in s.get("buttons") or [])
    assert "Bộ Y tế" not in texts(said) and ("procedure_code" in offered or "(mã " in offered), texts(said)


def test_a_health_check_asked_alone_is_still_the_health_ministry_s(app_db):
    assert "Bộ Y tế" in texts(run(ActionAnswerProcedure(), tracker("khám sức khỏe ở đâu"))[1])
