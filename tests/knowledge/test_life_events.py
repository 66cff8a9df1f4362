"""Life events: what a citizen's story describes, and the procedures it involves."""

import pytest

from knowledge.catalogue import get_procedure
from knowledge.life_events import life_event_in, life_events


@pytest.mark.parametrize(("story", "event"), [
    ("Bố tôi mới mất, giờ gia đình phải làm giấy tờ gì", "death"),
    ("bo toi moi mat gio lam giay to gi", "death"),  # typed without diacritics
    ("ông nội vừa qua đời thì cần làm những thủ tục nào", "death"),
    ("vợ tôi vừa sinh em bé", "birth"),
    ("tôi sắp lấy chồng cần chuẩn bị giấy tờ gì", "marriage"),
    ("chuyển nhà thì phải khai báo gì", "moving"),
    ("làm căn cước mất bao lâu", None),  # "mất bao lâu" is a duration, nobody died
    ("mất giấy phép lái xe", None),  # lost papers: a procedure, not a bereavement
    ("đăng ký kết hôn", None),
    ("thủ tục cấp phép bay drone cho đám cưới", None),  # an occasion, not the family's event
])
def test_the_event_is_read_from_the_story(story, event):
    found = life_event_in(story)
    assert (found.id if found else None) == event


def test_every_step_is_a_catalogue_procedure_with_a_link():
    for event in life_events():
        assert event.steps
        for step in event.steps:
            procedure = get_procedure(step.code)
            assert procedure is not None and procedure.source_url.startswith("https://")
            assert step.when and len(step.label) <= 36  # "N. label" fits a 40-character button
