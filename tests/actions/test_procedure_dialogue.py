"""What citizens found wrong in conversations, replayed on the actions with the real search index:
pending clarifications, clicked choices, topic switches, follow-ups, forms only on request."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import answers
from actions import messages as m
from actions.aspects import Aspect
from actions.dossier import ActionCheckDossierStatus, ActionStartDossier
from actions.procedures import ActionAnswerAspect, ActionAnswerProcedure, procedure_payload
from knowledge.catalogue import get_procedure
from tests.actions.conversation import run, slots_of, texts, tracker

pytestmark = pytest.mark.slow  # the built search index (make models)
CRIMINAL_RECORD = "3.000333"  # close to the record asked by a court or an investigator; no situation question


def nlu_examples(*intents):
    """(intent, example) of every training example of ``intents`` in the NLU data."""
    import yaml

    from tests.conftest import ROOT

    data = yaml.safe_load((ROOT / "nlu_data" / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
    return [(item["intent"], line[2:].strip()) for item in data if item.get("intent") in intents
            for line in item["examples"].splitlines() if line.strip()]


def click(code, slots):
    return tracker(procedure_payload(code), slots, entities=[{"entity": "procedure_code", "value": code}])


def body(code, aspect):
    """An aspect's answer without the lines naming its procedure (header, source link)."""
    return [line for line in answers.aspect_answer(get_procedure(code), aspect).split("\n")[1:]
            if not line.startswith("Nguồn:")]


def test_a_follow_up_during_a_clarification_is_answered_for_the_likeliest_variant(app_db):
    events, said = run(ActionAnswerProcedure(), tracker("cấp phiếu lý lịch tư pháp mất bao lâu"))
    slots = slots_of(events)
    assert said[0]["text"].startswith(m.CLARIFY) and CRIMINAL_RECORD in slots["clarify_options"]
    assert all(len(b["title"]) <= 40 for b in said[0]["buttons"])  # short titles; the full names in the text
    assert all(get_procedure(code).name in said[0]["text"] for code in slots["clarify_options"])
    assert slots["pending_aspect"] == Aspect.TIME and slots["current_procedure"] is None
    assert all(b["payload"].startswith("/ask_procedure") for b in said[0]["buttons"])
    options = slots["clarify_options"]
    assert body(options[0], Aspect.FEE) != body(options[1], Aspect.FEE)  # what makes the choice matter here
    # "lệ phí bao nhiêu?" before choosing: answered for the likeliest variant, said to be for it, and the
    # choice still open — every option a button, the other one a press away
    events, said = run(ActionAnswerAspect(), tracker("lệ phí bao nhiêu", slots, intent="ask_aspect"))
    slots |= slots_of(events)
    first = said[0]["text"]
    assert first.split("\n", 1)[0].endswith(f"(mã {options[0]})") and "\n".join(body(options[0], Aspect.FEE)) in first
    assert "Tôi trả lời cho trường hợp" in first and m.CLARIFY_FIRST.split("{")[0] not in texts(said)
    offered = [b["payload"] for b in said[-1]["buttons"]]
    assert offered == [procedure_payload(code) for code in options]
    assert slots["clarify_options"] == options and slots["pending_aspect"] == Aspect.FEE
    events, said = run(ActionAnswerProcedure(), click(options[1], slots))
    assert texts(said) == answers.aspect_answer(get_procedure(options[1]), Aspect.FEE)
    assert slots_of(events)["current_procedure"] == options[1] and slots_of(events)["clarify_options"] is None


def test_a_follow_up_the_variants_answer_alike_is_answered_once(app_db):
    events, _ = run(ActionAnswerProcedure(), tracker("cấp phiếu lý lịch tư pháp mất bao lâu"))
    slots = slots_of(events)
    options = slots["clarify_options"]
    assert len(options) > 1 and len({tuple(body(code, Aspect.TIME)) for code in options}) == 1
    events, said = run(ActionAnswerAspect(), tracker("mất bao lâu", slots, intent="ask_aspect"))
    assert "\n".join(body(options[0], Aspect.TIME)) in said[0]["text"]
    assert m.SAME_FOR_VARIANTS in said[0]["text"] and len(said[-1]["buttons"]) == len(options)  # still to choose


def test_a_clicked_name_is_never_read_for_an_aspect(app_db):
    code = "1.004222"  # a button's payload carries the code; the words around it are not a question
    track = tracker(f"{get_procedure(code).name} điều kiện", entities=[{"entity": "procedure_code", "value": code}])
    assert texts(run(ActionAnswerProcedure(), track)[1]) == answers.overview(get_procedure(code))


def test_the_newest_procedure_wins(app_db):
    licence = {"current_procedure": "3.000348"}
    events, said = run(ActionAnswerAspect(), tracker("thẻ căn cước bị mất thì làm lại mất bao lâu", licence, intent="ask_aspect"))
    assert slots_of(events)["current_procedure"] == "1.014064" and "(mã 1.014064)" in texts(said)
    # A question the search cannot place ends the old topic: no later follow-up goes to the licence.
    events, _ = run(ActionAnswerProcedure(), tracker("thủ tục cấp phép bay drone cho đám cưới", licence))
    assert slots_of(events)["current_procedure"] is None


@pytest.mark.parametrize(("text", "aspect"), [("lên xã hay lên huyện", Aspect.PLACE),
                                              ("có cần không", Aspect.CONDITIONS)])
def test_common_follow_ups(app_db, text, aspect):
    said = texts(run(ActionAnswerAspect(), tracker(text, {"current_procedure": "1.004194"}, intent="ask_aspect"))[1])
    assert said == answers.aspect_answer(get_procedure("1.004194"), aspect)


def test_a_yes_no_follow_up_on_online_submission_says_yes_first(app_db):
    said = texts(run(ActionAnswerAspect(), tracker("làm trên VNeID được không", {"current_procedure": "1.004194"},
                                                   intent="ask_aspect"))[1])
    assert said.split("\n")[1] == "Có. " + m.ONLINE_YES, said


def test_an_elderly_citizens_long_story_is_searched_whole(app_db):
    story = ("Chào cháu, bác năm nay bảy mươi tuổi rồi, mắt kém, không rành máy móc. Tháng trước bác đi chợ "
             "thì bị kẻ gian móc túi lấy mất cái ví, trong đó có cái thẻ căn cước gắn chip của bác. Giờ bác "
             "muốn làm lại cái thẻ đó thì phải đi đâu, mang theo những gì, có mất tiền không cháu?")
    events, said = run(ActionAnswerAspect(), tracker(story, intent="ask_aspect"))
    # a lost wallet is a life event; the story names the card, so that case is answered outright
    assert "(mã 1.014064)" in said[0]["text"] and slots_of(events)["current_procedure"] == "1.014064"
    assert said[1]["text"] == m.OTHER_VARIANTS  # the other lost papers (licence, passport…) offered
    assert procedure_payload("3.000348") in [b["payload"] for b in said[1]["buttons"]]


def test_officer_waiting_time_is_not_read_as_a_procedure_question(app_db):
    said = texts(run(ActionAnswerAspect(), tracker("bao lâu cán bộ trả lời", {"current_procedure": "1.004194"}))[1])
    assert said == m.OFFICER_WAIT


def test_portal_dossier_codes_are_recognised(app_db):
    said = texts(run(ActionCheckDossierStatus(), tracker("tra cứu hồ sơ 000.00.12.H29-250101-0001"))[1])
    assert said == m.PORTAL_DOSSIER_CODE.format(code="000.00.12.H29-250101-0001")


def test_a_procedure_name_is_a_question_a_form_needs_asking(app_db):
    events, said = run(ActionStartDossier(), tracker("đăng ký khai sinh", intent="start_dossier"))
    assert "(mã 1.001193)" in texts(said) and not any(e.get("name") == "dossier_form_id" for e in events)
    events, said = run(ActionStartDossier(), tracker("điền tờ khai đăng ký khai sinh", intent="start_dossier"))
    assert slots_of(events)["dossier_step"] == "field" and m.ANONYMOUS_FORM in texts(said)  # not signed in


def test_a_kiosk_never_offers_to_keep_personal_data(app_db):
    events, said = run(ActionStartDossier(), tracker("điền tờ khai đăng ký tạm trú", intent="start_dossier", channel="kiosk"))
    slots = slots_of(events)
    assert slots["dossier_step"] == "field" and slots["dossier_consent"] is False
    assert m.KIOSK_NOTHING_KEPT in texts(said) and m.CONSENT_QUESTION not in texts(said)


@pytest.mark.parametrize(("question", "authority"), [
    ("vợ chồng tôi muốn ly hôn thuận tình thì làm thế nào", "Tòa án"), ("đóng thuế môn bài ở đâu", "thuế"),
    ("xin học lớp 1 cho con", "Giáo dục"), ("xin giấy phép bán lẻ rượu", "Công Thương"),
    ("mức hưởng bảo hiểm y tế khi đi khám trái tuyến", "Bảo hiểm xã hội"),
])
def test_topics_outside_the_catalogue_name_their_authority(app_db, question, authority):
    said = texts(run(ActionAnswerProcedure(), tracker(question))[1])
    assert authority in said and "(mã " not in said


def test_a_life_event_gets_an_ordered_checklist_a_named_procedure_its_answer(app_db):
    from knowledge.life_events import life_event_in

    events, said = run(ActionAnswerAspect(), tracker("Bố tôi mới mất, giờ gia đình phải làm giấy tờ gì", intent="ask_aspect"))
    death = life_event_in("bố tôi mới mất")
    text = texts(said)
    assert text.startswith(m.LIFE_EVENT_INTRO.format(title=death.title))
    positions = [text.index(f"(mã {step.code})") for step in death.steps]
    assert positions == sorted(positions)  # in order, each with its code
    assert all(get_procedure(step.code).source_url in text for step in death.steps)
    assert [b["payload"] for b in said[0]["buttons"]] == [procedure_payload(s.code) for s in death.steps]
    assert all(len(b["title"]) <= 40 for b in said[0]["buttons"])
    # naming the procedure in the same story gets the procedure itself
    said = run(ActionAnswerProcedure(), tracker("vợ tôi mới sinh, làm giấy khai sinh thế nào"))[1]
    assert "(mã 1.001193)" in texts(said) and m.LIFE_EVENT_OUTRO not in texts(said)


def test_a_story_that_points_to_one_step_gets_that_step_and_the_others_offered(app_db):
    from knowledge.life_events import life_event_in

    events, said = run(ActionAnswerProcedure(), tracker("mua xe máy cũ của người quen thì làm giấy tờ thế nào"))
    assert said[0]["text"].split("\n", 1)[0].endswith("(mã 1.013076)")  # the transfer of ownership
    assert slots_of(events)["current_procedure"] == "1.013076"
    vehicle = life_event_in("mua xe")
    assert said[1]["text"] == m.LIFE_EVENT_OTHER_STEPS.format(title=vehicle.title)
    assert [b["payload"] for b in said[1]["buttons"]] == [procedure_payload(s.code) for s in vehicle.steps
                                                          if s.code != "1.013076"]


def test_the_step_is_answered_in_the_variant_the_situation_selects(app_db):
    # A death abroad: the khai tử the story names, with a foreign element.
    events, said = run(ActionAnswerProcedure(), tracker("ông tôi mất ở Mỹ, gia đình ở Việt Nam muốn khai tử"))
    assert said[0]["text"].split("\n", 1)[0].endswith("(mã 1.001766)")
    assert slots_of(events)["current_procedure"] == "1.001766"


@pytest.mark.parametrize(("found", "answered"), [("1.013076", True), ("3.000346", False)])
def test_a_cue_alone_does_not_answer_outright(found, answered):
    from actions.procedures import reply_life_event
    from knowledge.search import Hit, SearchResult

    story = "mua xe máy cũ rồi mà chưa làm giấy tờ gì"  # the cue "xe máy cũ" points to the transfer
    dispatcher = CollectingDispatcher()
    result = SearchResult(story, False, [Hit(found, get_procedure(found).name, 0.5)])
    reply_life_event(dispatcher, story, result, set(), None)
    first = dispatcher.messages[0]["text"]
    # answered when the search has the transfer among its results; else the checklist, no assertion
    assert first.split("\n", 1)[0].endswith("(mã 1.013076)") == answered
    assert first.startswith("Khi mua xe, thường cần làm") != answered


def test_an_event_told_as_context_does_not_take_over_what_is_asked(app_db):
    # a loss while moving house: the lost paper's procedure, not the moving checklist
    said = run(ActionAnswerProcedure(), tracker("Đợt chuyển nhà vừa rồi tôi bị mất sổ BHXH, giờ muốn cấp lại sổ thì làm sao?"))[1]
    assert said[0]["text"].split("\n", 1)[0].endswith("(mã 1.002759)")
    assert not texts(said).startswith("Khi chuyển nhà")
    # abroad long ago, a passport held: the căn cước asked is offered, the passport not answered outright
    story = ("Cháu nhà tôi sinh năm 2006, năm 2010 theo bố mẹ đi nước ngoài. Hiện cháu có hộ chiếu Việt Nam còn hạn nhưng không "
             "còn hộ khẩu, bây giờ cháu muốn làm căn cước công dân có được không?")
    events, said = run(ActionAnswerProcedure(), tracker(story))
    assert said[0]["text"].startswith(m.NOT_CONFIDENT_OPTIONS) and len(said) == 1
    assert slots_of(events)["clarify_options"][0] == "1.014061"


@pytest.mark.parametrize(("story", "event", "code"), [
    # a marriage told as context (a reader's letter); what is asked is the child's birth registration
    ("Tôi là người dân tộc Kinh, nhưng lấy vợ là người dân tộc Tày, vậy con tôi khi sinh sẽ theo dân tộc của cha "
     "hay mẹ khi khai sinh?", "marriage", "1.001193"),
    # a birth told as context; what is asked is the father's paternity benefit
    ("Vợ tôi ở nhà nội trợ, không đóng bảo hiểm gì, còn tôi làm công nhân và đóng bảo hiểm xã hội đã ba năm. "
     "Tháng sau vợ tôi sinh em bé thì tôi có được hưởng chế độ gì không, hồ sơ nộp ở đâu?", "birth",
     "2.000693|1.014168"),  # the social insurance agency's record, or the one re-issued for a father
])
def test_a_story_asking_for_what_its_event_does_not_involve_gets_the_search_options(app_db, story, event, code):
    from knowledge.life_events import life_event_in

    assert life_event_in(story).id == event  # the story does tell the event
    events, said = run(ActionAnswerProcedure(), tracker(story))
    assert m.LIFE_EVENT_OUTRO not in texts(said)  # not the event's checklist
    assert set(code.split("|")) & set(slots_of(events)["clarify_options"][:3]), texts(said)


def test_what_an_event_involves_outside_the_catalogue_is_said(app_db):
    said = texts(run(ActionAnswerProcedure(), tracker("tôi vừa bị mất việc, giờ phải làm những thủ tục gì"))[1])
    assert "(mã 1.014748)" in said and "(mã 1.001613)" in said  # the unemployment benefit first, now in the catalogue
    said = texts(run(ActionAnswerProcedure(), tracker("nghỉ việc rồi thì làm hưởng trợ cấp thất nghiệp ở đâu"))[1])
    assert "1.014748" in said  # the benefit named: its procedure
    said = texts(run(ActionAnswerProcedure(), tracker("nhà bị cháy hết giấy tờ rồi, làm lại thế nào"))[1])
    assert said.startswith("Khi bị mất giấy tờ, thủ tục tùy trường hợp của bạn:")  # cases, not an order


@pytest.mark.parametrize(("action", "intent", "text", "code"), [
    ("delete", "delete_profile", "anh tôi định cư ở Úc rồi, muốn xóa hộ khẩu của anh ở quê", "1.003197"),
    ("handover", "request_human", "cấp thẻ tạm trú cho chồng tôi người Nhật", "1.003460"),
    ("feedback", "give_feedback", "hộ kinh doanh của tôi muốn tạm ngừng kinh doanh 3 tháng", "1.001570"),
    ("fallback", "nlu_fallback", "đăng ký kết hôn với người Pháp", "2.000806"),
])
def test_a_procedure_question_the_nlu_sent_elsewhere_is_answered(app_db, action, intent, text, code):
    from actions.dossier import ActionDeleteProfile
    from actions.fallback import ActionFallback
    from actions.feedback import ActionRecordFeedback
    from actions.handover import ActionHandover

    actions = {"delete": ActionDeleteProfile, "handover": ActionHandover, "feedback": ActionRecordFeedback,
               "fallback": ActionFallback}
    said = texts(run(actions[action](), tracker(text, intent=intent))[1])
    assert f"(mã {code})" in said and m.DELETE_CONFIRM not in said and m.HANDOVER_QUEUED not in said


def test_a_yes_or_no_without_yes_or_no_is_a_procedure_question(app_db):
    """The NLU heard "cắt khẩu" (removing a dead relative's residence) as "no". Every yes/no example of
    the NLU data is still acknowledged as one ("okie" is "ok")."""
    from actions.procedures import ActionYesNo

    said = run(ActionYesNo(), tracker("cắt khẩu", intent="deny"))[1]
    assert said[0]["text"].split("\n", 1)[0].endswith("(mã 1.003197)")
    examples = nlu_examples("affirm", "deny")
    assert len(examples) > 20
    for intent, text in examples:
        said = run(ActionYesNo(), tracker(text, intent=intent))[1]
        assert [s.get("response") for s in said] == [f"utter_{intent}_ack"], text


def test_not_understood_but_naming_a_procedure_gets_options_not_rephrase(app_db):
    """The NLU gave up and the search is unsure, but the message names a procedure: the honest "not
    sure" with the best options (pending, so "1" picks), not "please rephrase". Gibberish is still asked
    to rephrase, and a procedure name alone in small talk is not enough (see below)."""
    from actions.fallback import ActionFallback

    # A death the story tells ("bà ngoại mất"), the step it names found by the search: answered.
    events, said = run(ActionFallback(), tracker("bà ngoại mất đã 3 năm mà chưa khai tử, giờ làm được không",
                                                 intent="nlu_fallback"))
    assert "(mã 1.000656)" in said[0]["text"] and slots_of(events)["current_procedure"] == "1.000656"
    # A folk term names it too: "đổi tên" is "thay đổi, cải chính … thông tin hộ tịch".
    story = ("Hồi nhỏ bố mẹ khai sinh cho tôi tên là Nguyễn Văn Tí, bây giờ đi làm rất ngại, tôi muốn đổi tên khác "
             "có được không, làm ở đâu?")
    events, said = run(ActionFallback(), tracker(story, intent="nlu_fallback"))
    assert said[0]["text"].startswith(m.NOT_CONFIDENT_OPTIONS) and len(said) == 1
    assert "1.004859" in slots_of(events)["clarify_options"]
    events, said = run(ActionFallback(), tracker("qwpoeiu lkjasd zzz", intent="nlu_fallback"))
    assert said[0]["text"] == m.FALLBACK_REPHRASE and "clarify_options" not in slots_of(events)


def test_small_talk_gets_its_answer_unless_it_tells_a_situation(app_db):
    """The NLU read "báo ai" as "who are you?": the story of closing a shop is answered as one. Every
    small-talk example of the NLU data still gets its canned answer, though some name a procedure to
    the search ("xin chào", "xổ số hôm nay")."""
    from actions.fallback import ActionSmallTalk

    said = run(ActionSmallTalk(), tracker("dẹp quán không bán nữa thì có phải báo ai không", intent="bot_challenge"))[1]
    assert said[0]["text"].split("\n", 1)[0].endswith("(mã 1.001266)")  # the cued step: closing a household business
    # A procedure question the NLU took for off-topic talk, named by three words or a folk term.
    said = run(ActionSmallTalk(), tracker("đổi tiền polymer bị cháy một góc ở đâu", intent="out_of_scope"))[1]
    assert said[0]["text"].split("\n", 1)[0].endswith("(mã 2.001077)")
    events, said = run(ActionSmallTalk(), tracker("chồng tôi là Việt kiều Mỹ, muốn xin giấy miễn thị thực 5 năm",
                                                  intent="out_of_scope"))
    assert said[0]["text"].startswith(m.NOT_CONFIDENT_OPTIONS) and len(said) == 1
    assert "1.003144" in slots_of(events)["clarify_options"]
    examples = nlu_examples(*ActionSmallTalk.RESPONSES)
    assert len(examples) > 30
    for intent, text in examples:
        said = run(ActionSmallTalk(), tracker(text, intent=intent))[1]
        assert said == [{"response": ActionSmallTalk.RESPONSES[intent], **{k: v for k, v in said[0].items() if k != "response"}}], text


def test_what_is_not_a_procedure_question_still_reaches_its_action(app_db):
    from actions.dossier import ActionDeleteProfile
    from actions.handover import ActionHandover

    assert m.DELETE_CONFIRM in texts(run(ActionDeleteProfile(), tracker("xóa thông tin của tôi", intent="delete_profile"))[1])
    asked = "cho tôi gặp cán bộ về đăng ký kết hôn"  # a procedure named, but an officer asked for
    assert texts(run(ActionHandover(), tracker(asked, intent="request_human"))[1]) == m.HANDOVER_QUEUED
    pending = {"clarify_options": ["2.000806", "1.000894"], "clarify_question": "foreign"}  # "…người nước ngoài?"
    said = texts(run(ActionHandover(), tracker("không, cho tôi gặp cán bộ", pending, intent="request_human"))[1])
    assert said == m.HANDOVER_QUEUED  # the "không" does not answer the pending question


@pytest.mark.parametrize(("reply", "intent", "code"), [
    ("2", "give_feedback", "3.000348"),  # a bare number reads as a rating to the NLU
    ("cái thứ hai", "ask_procedure", "3.000348"),
    ("chọn số 1 ạ", "ask_procedure", "1.014064"),
    ("buoc 3", "nlu_fallback", "1.013082"),
    ("9", "give_feedback", None),  # no ninth option: not a choice
])
def test_a_typed_number_picks_from_the_numbered_list(app_db, reply, intent, code):
    from actions.fallback import ActionFallback
    from actions.feedback import ActionRecordFeedback

    events, said = run(ActionAnswerProcedure(), tracker("nhà bị cháy hết giấy tờ rồi, làm lại thế nào"))
    pending = slots_of(events)
    assert pending["clarify_options"][:3] == ["1.014064", "3.000348", "1.013082"]  # the checklist, in its order
    action = {"give_feedback": ActionRecordFeedback, "nlu_fallback": ActionFallback}.get(intent, ActionAnswerProcedure)
    events, said = run(action(), tracker(reply, pending, intent=intent))
    if code:
        assert said[0]["text"].split("\n", 1)[0].endswith(f"(mã {code})") and slots_of(events)["current_procedure"] == code
    else:
        assert "(mã " not in texts(said)


def test_a_number_is_not_a_choice_where_answers_are_not_numbered(app_db):
    pending = {"clarify_options": ["1.014064", "1.014063"], "clarify_question": "lost_or_damaged"}  # "mất hay hỏng?"
    events, said = run(ActionAnswerProcedure(), tracker("2", pending))
    assert slots_of(events).get("current_procedure") != "1.014063" and "(mã 1.014063)" not in texts(said)


def test_a_new_question_while_a_choice_is_pending_is_answered(app_db):
    pending = {"clarify_options": ["1.014064", "3.000348"]}
    events, said = run(ActionAnswerAspect(), tracker("đăng ký kết hôn cần giấy tờ gì", pending, intent="ask_aspect"))
    assert "(mã 1.000894)" in said[0]["text"].split("\n", 1)[0]  # not "choose from the list first"
    assert slots_of(events)["clarify_options"] is None
    said = texts(run(ActionAnswerAspect(), tracker("mất bao lâu", pending, intent="ask_aspect"))[1])
    # nothing new asked, and no question the options answer to tell them apart by: choose
    assert said.startswith(m.CLARIFY_FIRST.format(aspect=m.ASPECT_TITLES[Aspect.TIME].lower()))


def test_a_number_in_a_typed_sentence_is_no_rating(app_db):
    from actions.feedback import ActionRecordFeedback
    from storage import analytics
    from storage.db import now

    rated = [{"entity": "rating", "value": "2"}]  # what the NLU reads in "làm vneid mức 2"
    said = texts(run(ActionRecordFeedback(), tracker("làm vneid mức 2", intent="give_feedback", entities=rated))[1])
    assert m.FEEDBACK_SORRY not in said and analytics.analytics(now().replace(year=2000), now())["ratings"] == 0
    answered = [{"event": "bot", "text": "Đăng ký khai sinh (mã 1.001193)…",
                 "data": {"buttons": [{"title": t, "payload": p} for t, p in m.RATING_BUTTONS]}},
                {"event": "user", "text": "2", "parse_data": {"intent": {"name": "give_feedback"}, "entities": rated}}]
    said = texts(run(ActionRecordFeedback(), tracker("2", intent="give_feedback", entities=rated, events=answered))[1])
    assert said == m.FEEDBACK_SORRY  # a bare number right after an answer (under its rating buttons) is a rating


def test_unsure_the_close_options_are_offered_up_to_five(app_db):
    # Driving abroad: the international licence is the 4th distinct procedure; it is offered.
    events, said = run(ActionAnswerProcedure(), tracker("đi Nhật tự lái xe thì cần giấy tờ gì"))
    offered = slots_of(events)["clarify_options"]
    assert "3.000353" in offered and 3 < len(offered) <= 5 and len(set(offered)) == len(offered)
    assert len(said[-1]["buttons"]) == len(offered)


@pytest.mark.parametrize(("action", "intent", "letter", "code"), [
    # letters the NLU took for a dossier's status, one's profile, a call for an officer
    ("status", "check_dossier_status",
     "Bố mẹ tôi đều là giáo viên đã nghỉ hưu, đang nhận lương hưu ở Thanh Hóa. Năm nay hai cụ chuyển vào ở hẳn với vợ "
     "chồng tôi tại Bình Dương. Vậy bố mẹ tôi cần làm thủ tục gì để chuyển nơi hưởng lương hưu vào đây?", "1.001742"),
    ("profile", "show_profile",
     "Công ty cũ của tôi đã giải thể từ năm ngoái mà chưa chốt sổ bảo hiểm xã hội cho tôi. Nay tôi đi làm ở công ty "
     "mới thì phải làm sao để chốt sổ và tiếp tục đóng bảo hiểm?", "1.002759"),
    ("handover", "request_human",
     "Chú tôi là bộ đội đã nghỉ hưu, đang lĩnh lương hưu ở Nghệ An, nay về sống cùng con gái ở Đồng Nai. Xin hỏi "
     "chú tôi phải làm gì để chuyển nơi hưởng lương hưu về Đồng Nai?", "1.001742"),
    ("status", "check_dossier_status",
     "Mẹ tôi đi khám ở bệnh viện huyện nhưng để quên thẻ bảo hiểm y tế ở nhà nên phải tự trả toàn bộ tiền khám và "
     "tiền thuốc. Vậy gia đình tôi có được bảo hiểm thanh toán lại khoản tiền đó không?", "1.001656"),
])
def test_a_letter_the_nlu_sent_elsewhere_is_searched_whole(app_db, action, intent, letter, code):
    from actions.dossier import ActionCheckDossierStatus, ActionShowProfile
    from actions.handover import ActionHandover

    actions = {"status": ActionCheckDossierStatus, "profile": ActionShowProfile, "handover": ActionHandover}
    events, said = run(actions[action](), tracker(letter, intent=intent))
    offered = slots_of(events).get("clarify_options") or []
    assert f"(mã {code})" in texts(said) or code in offered, texts(said)
    assert not {m.STATUS_ASK_CODE, m.PROFILE_NEEDS_LOGIN, m.HANDOVER_QUEUED} & {r.get("text") for r in said}


def test_a_short_status_question_still_gets_asked_for_its_code(app_db):
    from actions.dossier import ActionCheckDossierStatus

    said = run(ActionCheckDossierStatus(), tracker("hồ sơ của tôi đến đâu rồi", intent="check_dossier_status"))[1]
    assert said[0]["text"] == m.STATUS_ASK_CODE


def test_none_of_the_options_gets_the_next_ones_then_the_officer(app_db):
    """"Không phải" to the options offered for a story: the next procedures of the same search (none
    offered before, in the search's order), "1" picks among them, the officer is offered beside them;
    when nothing is left, an honest "not found" with the officer. "Không phải, ý tôi là…" with a
    procedure named is a new question, not a rejection."""
    from actions.procedures import MORE_SEARCHED, ActionYesNo, find
    from knowledge.search import FURTHER_MARGIN

    story = ("Hồi nhỏ bố mẹ khai sinh cho tôi tên là Nguyễn Văn Tí, bây giờ đi làm rất ngại, tôi muốn đổi tên khác "
             "có được không, làm ở đâu?")
    events, said = run(ActionAnswerProcedure(), tracker(story))
    slots = slots_of(events)
    first = slots["clarify_options"]
    assert first and slots["options_question"] and said[0]["text"].startswith(m.NOT_CONFIDENT_OPTIONS)
    ranked = [h.code for h in find(story, MORE_SEARCHED).results]

    events, said = run(ActionYesNo(), tracker("sai rồi", slots, intent="deny"))  # "sai" names no "Sửa lỗi sai sót"
    slots |= slots_of(events)
    more = slots["clarify_options"]
    assert more and not set(more) & set(first)
    assert [c for c in ranked if c in more] == more and min(map(ranked.index, more)) > max(map(ranked.index, first))
    scores = {h.code: h.score for h in find(story, MORE_SEARCHED).results}
    assert all(scores[code] >= max(scores.values()) - FURTHER_MARGIN for code in more)  # none far below the best
    assert said[0]["text"].startswith(m.MORE_OPTIONS) and all(get_procedure(c).name in said[0]["text"] for c in more)
    assert said[1]["text"] == m.STILL_NOT_FOUND and said[1]["buttons"][0]["title"] == "Gặp cán bộ"
    events, said = run(ActionYesNo(), tracker("1", slots, intent="deny"))  # the NLU may read a number as anything
    assert said[0]["text"].split("\n", 1)[0].endswith(f"(mã {more[0]})")

    for _ in range(MORE_SEARCHED):  # rejected again and again: the list runs out, the officer stays
        events, said = run(ActionYesNo(), tracker("không phải", slots, intent="deny"))
        slots |= slots_of(events)
        if said[0]["text"] == m.NO_MORE_OPTIONS:
            break
    assert said[0]["text"] == m.NO_MORE_OPTIONS and said[0]["buttons"][0]["title"] == "Gặp cán bộ"
    assert slots["clarify_options"] is None and slots["options_question"] is None

    pending = {"clarify_options": first, "options_question": story}
    said = run(ActionYesNo(), tracker("không phải, ý tôi là đăng ký kết hôn", pending, intent="deny"))[1]
    assert said[0]["text"].split("\n", 1)[0].endswith("(mã 1.000894)")
    # However the NLU routes a rejection (seen through the stack: searched as a question, "please rephrase").
    from actions.fallback import ActionFallback

    for action, text, intent in [(ActionAnswerProcedure(), "không có cái nào đúng", "ask_procedure"),
                                 (ActionAnswerProcedure(), "khong co thu tuc nao dung", "ask_procedure"),
                                 (ActionFallback(), "không phải mấy cái này", "nlu_fallback"),
                                 (ActionYesNo(), "sai hết rồi", "deny"), (ActionYesNo(), "ko phai", "affirm")]:
        events, said = run(action, tracker(text, pending, intent=intent))
        assert said[0]["text"].startswith(m.MORE_OPTIONS) and slots_of(events)["clarify_options"] == more, text


def test_none_of_a_checklists_steps_gets_the_search_for_the_story(app_db):
    """A death's checklist, and the citizen says it is not that: the search's own procedures for the
    story, none of them a step already listed."""
    from actions.procedures import ActionYesNo
    from knowledge.life_events import life_event_in

    story = "Bố tôi mới mất, giờ gia đình phải làm giấy tờ gì"
    events, said = run(ActionAnswerAspect(), tracker(story, intent="ask_aspect"))
    slots = slots_of(events)
    steps = [step.code for step in life_event_in(story).steps]
    assert slots["clarify_options"] == steps and slots["options_question"] == story
    events, said = run(ActionYesNo(), tracker("không phải", slots, intent="deny"))
    more = slots_of(events)["clarify_options"]
    assert said[0]["text"].startswith(m.MORE_OPTIONS) and more and not set(more) & set(steps)
