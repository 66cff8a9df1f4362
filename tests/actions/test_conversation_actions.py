"""Aspect detection, ratings and handover, in-process (no trained model, no search index)."""

import pytest

from actions import messages as m
from actions.aspects import Aspect, aspect_in, aspects_in, detect_aspect
from actions.feedback import ActionRecordFeedback
from actions.handover import ActionHandover
from tests.actions.conversation import run, texts, tracker


@pytest.mark.parametrize(("text", "aspect"), [
    ("lệ phí làm căn cước bao nhiêu", Aspect.FEE),
    ("le phi lam cccd bao nhieu", Aspect.FEE),
    ("hết bao nhiêu tiền vậy", Aspect.FEE),
    ("đăng ký kết hôn mất bao lâu", Aspect.TIME),
    ("cần những giấy tờ gì để làm khai sinh", Aspect.DOCUMENTS),
    ("nop o dau", Aspect.PLACE),
    ("làm online được không", Aspect.ONLINE),
    ("theo luật nào", Aspect.LEGAL_BASIS),
    ("thủ tục đăng ký kết hôn", None),
    ("nộp hồ sơ đăng ký kết hôn", None),  # "hồ sơ" alone does not ask for the papers
])
def test_the_aspect_asked_is_read_from_the_shared_lexicon(text, aspect):
    assert aspect_in(text) == aspect


def test_a_phrase_of_the_message_wins_over_the_nlu_entity():
    # The NLU's synonyms include words too loose to decide alone ("tiền"): the time is asked here.
    fee = [{"entity": "aspect", "value": "lệ phí"}]
    assert detect_aspect(tracker("bao lâu thì có tiền", entities=fee)) == Aspect.TIME
    assert detect_aspect(tracker("lệ phí thế nào", entities=[{"entity": "aspect", "value": "giá vàng"}])) == Aspect.FEE
    # With no phrase of the lexicon (a typo), the NLU's entity still tells the aspect.
    assert detect_aspect(tracker("lệ fíi thế nào", entities=fee)) == Aspect.FEE


@pytest.mark.parametrize("text, asked", [
    ("hết bao nhiêu tiền và mất mấy ngày", [Aspect.FEE, Aspect.TIME]),
    ("cần giấy gì, nộp ở đâu", [Aspect.DOCUMENTS, Aspect.PLACE]),
    ("bao lâu thì có kết quả", [Aspect.TIME]),  # one question: the time of the result
])
def test_every_aspect_of_a_message_is_read_in_the_order_asked(text, asked):
    assert aspects_in(text) == asked


def test_rating_is_stored_with_the_procedure(app_db):
    from storage import analytics
    from storage.db import now

    slots = {"current_procedure": "1.001193"}
    up = [{"entity": "rating", "value": "5"}]
    assert texts(run(ActionRecordFeedback(), tracker('/give_feedback{"rating": "5"}', slots, entities=up))[1]) \
        == m.FEEDBACK_THANKS  # the "Hữu ích" button
    # Typed words about the answer are no rating: the buttons are offered for it.
    for typed in ["3 sao", "rất hữu ích", "trả lời sai"]:
        said = run(ActionRecordFeedback(), tracker(typed, slots))[1]
        assert said[0]["text"] == m.FEEDBACK_ASK and said[0]["buttons"][0]["title"] == "Hữu ích", typed
    # A bare digit right after that question is one.
    asked = [{"event": "bot", "text": m.FEEDBACK_ASK}, {"event": "user", "text": "2", "parse_data": {}}]
    assert texts(run(ActionRecordFeedback(), tracker("2", slots, events=asked))[1]) == m.FEEDBACK_SORRY
    assert m.FEEDBACK_ASK not in texts(run(ActionRecordFeedback(), tracker("ừm", slots))[1])
    # Nothing answered yet: no rating is asked for, the citizen is asked to say what they need.
    assert texts(run(ActionRecordFeedback(), tracker("để xem đã", {}))[1]) == m.FALLBACK_REPHRASE
    # ... and one that names a procedure, read as feedback by the NLU, is answered
    assert "(mã 3.000228)" in texts(run(ActionRecordFeedback(), tracker("lam vneid muc 2", {}))[1])
    report = analytics.analytics(now().replace(year=2000), now())
    assert report["ratings"] == 2 and report["satisfaction_rate"] == 0.5


@pytest.mark.parametrize("text", ["so 1 hay so 2 a", "số 1 hay số 2 ạ", "5", "cho 5 điểm nhé"])
def test_a_typed_message_is_no_rating_unless_a_digit_answers_the_rating_question(app_db, text):
    """"so 1 hay so 2 a" (a question, its "hay" read as "great") was stored as five stars; a digit
    counts only as the answer to "Bạn thấy câu trả lời vừa rồi thế nào?"."""
    from storage import analytics
    from storage.db import now

    said = texts(run(ActionRecordFeedback(), tracker(text, {"current_procedure": "1.004194"}, intent="give_feedback"))[1])
    assert m.FEEDBACK_THANKS not in said and m.FEEDBACK_SORRY not in said
    assert analytics.analytics(now().replace(year=2000), now())["ratings"] == 0


def test_handover_is_queued_with_its_channel_and_a_masked_history(app_db):
    from storage import handover

    events = [{"event": "user", "text": "số CCCD của tôi 001090012345", "input_channel": "telegram"},
              {"event": "bot", "text": "Bạn cần gì ạ?"},
              {"event": "user", "text": "cho tôi gặp cán bộ", "input_channel": "telegram"}]
    said = texts(run(ActionHandover(), tracker("cho tôi gặp cán bộ", sender="telegram:42", events=events))[1])
    assert said == m.HANDOVER_QUEUED
    queued = handover.list_handovers("waiting")[0]
    assert queued["channel"] == "telegram" and queued["sender_id"] == "telegram:42"
    assert queued["transcript"][0]["text"] == "số CCCD của tôi 001******345"
