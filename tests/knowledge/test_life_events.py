"""Life events: what a citizen's story describes, and the procedures it involves."""

import pytest

from knowledge.catalogue import get_procedure
from knowledge.life_events import cued_step, life_event_in, life_events


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
    ("tôi bị móc túi mất cái ví, giờ làm lại giấy tờ thế nào", "lost_papers"),
    ("toi moi mat cai vi", "lost_papers"),  # not a death
    ("tôi mới mất việc thì bảo hiểm xã hội tính sao", "leaving_job"),  # "mới mất" inside "mới mất việc"
    ("bố tôi mới mất, tôi phải nghỉ việc để lo", "death"),  # two events: the first in the file
    ("vợ chồng tôi muốn mở quán cà phê nhỏ", "business_start"),
    ("quán tôi muốn tạm đóng cửa hàng 3 tháng", "business_pause"),  # not "đóng cửa hàng" for good
    ("dep quan khong ban nua thi bao ai", "business_close"),
    ("tôi định mua một mảnh đất của hàng xóm, cần làm gì", "buy_land"),
    ("mới mua xe thì phải làm gì", "buy_vehicle"),
    ("con tôi sắp đi du học Úc cần chuẩn bị giấy tờ gì", "going_abroad"),
    ("Năm ngoái tôi chuyển nhà và làm thất lạc bằng lái xe máy. Xin hỏi thủ tục cấp lại thế nào?",
     "lost_papers"),  # two events: the loss (what is asked) comes first in the file
    ("làm hộ chiếu có làm mất nhiều thời gian không", None),  # "làm mất" + time: a duration
    ("em vừa mất bằng lái xe máy", None),  # "mất" + a thing: a loss, not a death
    ("mới mất cái điện thoại", None),
    ("nhà tôi mới mất trộm xe máy", None),
    ("mẹ tôi mới mất được 2 tháng, giờ làm giấy tờ gì", "death"),
    ("thẻ bảo hiểm bị mờ, xin cấp mới mất khoảng bao lâu", None),
    ("Bố tôi mất năm 2020 không để lại di chúc", "death"),  # "bố tôi mất", no "mới" or "vừa"
    ("bố tôi mất việc rồi", "leaving_job"),  # "mới mất khoảng bao lâu": how long
    ("bố tôi qua đời, giấy tờ nhà đất đều đứng tên bố", "death"),  # "giấy" after the comma is another clause
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


@pytest.mark.parametrize(("story", "code"), [
    ("mua xe máy cũ của người quen thì làm sao", "1.013076"),  # a used vehicle: the transfer
    ("vừa mua xe mới ở đại lý", "1.012575"),
    ("bị móc túi mất cái ví có thẻ căn cước", "1.014064"),
    ("giấy chứng tử của bố tôi bị thất lạc", "2.000635"),  # a lost record, not a death to register
    ("quán cơm tạm đóng cửa 2 tháng", "1.001570"),
    ("công ty tôi muốn tạm ngừng kinh doanh", "2.002029"),
    ("bố mất rồi, muốn sang tên sổ đỏ cho mẹ", "1.013831"),
    ("mới mua xe thì phải làm gì", None),  # no step named: the checklist
    # A step told as done is not the one asked.
    ("Bố tôi mất, cả nhà đã làm văn bản thỏa thuận phân chia di sản. Bước tiếp theo để anh tôi đứng tên sổ đỏ?",
     "1.013831"),
    ("bà ngoại mất đã 3 năm mà chưa khai tử", "1.000656"),  # "đã 3 năm mà chưa": not done
])
def test_a_step_the_story_points_to(story, code):
    step = cued_step(life_event_in(story), story)
    assert (step.code if step else None) == code
