"""Aspect detection, ratings and handover, in-process (no trained model, no search index)."""

import pytest

from actions import messages as m
from actions.aspects import Aspect, aspect_in, detect_aspect
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


def test_the_nlu_entity_wins_over_phrases():
    entities = [{"entity": "aspect", "value": "nơi nộp"}]
    assert detect_aspect(tracker("lệ phí thế nào", entities=entities)) == Aspect.PLACE
    assert detect_aspect(tracker("lệ phí thế nào", entities=[{"entity": "aspect", "value": "giá vàng"}])) == Aspect.FEE


def test_rating_is_stored_with_the_procedure(app_db):
    from storage import analytics
    from storage.db import now

    slots = {"current_procedure": "1.001193"}
    assert texts(run(ActionRecordFeedback(), tracker("3 sao", slots))[1]) == m.FEEDBACK_SORRY
    assert texts(run(ActionRecordFeedback(), tracker("rất hữu ích", slots))[1]) == m.FEEDBACK_THANKS
    assert m.FEEDBACK_ASK in texts(run(ActionRecordFeedback(), tracker("ừm", slots))[1])
    # Nothing answered yet: no rating is asked for, the citizen is asked to say what they need.
    assert texts(run(ActionRecordFeedback(), tracker("để xem đã", {}))[1]) == m.FALLBACK_REPHRASE
    # ... and one that names a procedure, read as feedback by the NLU, is answered
    assert "(mã 3.000228)" in texts(run(ActionRecordFeedback(), tracker("lam vneid muc 2", {}))[1])
    report = analytics.analytics(now().replace(year=2000), now())
    assert report["ratings"] == 2 and report["satisfaction_rate"] == 0.5


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
