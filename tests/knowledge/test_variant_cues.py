"""A citizen's situation selects the variant: a foreign spouse or parent named by nationality, lost papers;
and rules one out: a birth told as already registered."""

import pytest

from knowledge.search import VARIANT_MARKERS, cued_markers, ruled_out

FOREIGN = "co yeu to nuoc ngoai"


@pytest.mark.parametrize(("question", "markers"), [
    ("chồng tôi là người Nhật, muốn đăng ký kết hôn", {FOREIGN}),
    ("vo toi la nguoi han quoc", {FOREIGN}),
    ("con tôi có hai quốc tịch", {FOREIGN}),
    ("bị mất thẻ căn cước thì làm sao", {"cap lai", "trinh bao mat"}),  # issued again; a loss is reported
    ("thẻ căn cước bị rách", {"cap doi"}),
    ("thông tin giới tính trên thẻ bảo hiểm y tế bị sai", {"cap doi"}),  # wrong details: an exchange
    ("làm căn cước mất bao lâu", set()),  # "mất bao lâu" asks how long, loses nothing
    ("bố tôi mới mất, gia đình phải làm gì", set()),  # a death, not lost papers
    ("người anh trai tôi muốn đăng ký kết hôn", set()),  # "người anh" is a brother, not an Englishman
    ("ông tôi mất ở Mỹ, gia đình muốn khai tử", {FOREIGN}),  # an event abroad
    ("tôi đang ở nhà anh trai", set()),  # "ở anh" is at a brother's
    ("lấy vợ Trung Quốc, con mới sinh", {FOREIGN}),  # a spouse named by a country
])
def test_cues_are_read_from_the_situation(question, markers):
    assert cued_markers(question) == markers
    assert markers <= set(VARIANT_MARKERS)


@pytest.mark.parametrize(("question", "done"), [
    ("bé đã có giấy khai sinh nhưng để trống tên bố", {"dang ky khai sinh", "lien thong"}),
    ("da lam giay khai sinh cho con roi", {"dang ky khai sinh", "lien thong"}),
    ("làm giấy khai sinh cho con mới sinh", set()),
    ("con chưa có giấy khai sinh", set()),
    ("nhận cháu làm con nuôi", {"nhan cha, me, con"}),
    ("tôi phải làm gì để không bị xóa đăng ký thường trú ở quê", {"xoa dang ky"}),  # what is avoided
])
def test_what_a_citizen_tells_as_done_is_ruled_out(question, done):
    assert ruled_out(question) == done


def test_every_ruled_out_fragment_is_in_a_procedure_name():
    """A typo in variant_cues.tsv would rule out nothing, silently."""
    from knowledge.catalogue import load_catalogue
    from knowledge.search import _folded, _variant_cues

    names = [_folded(p.name) for p in load_catalogue().values()]
    fragments = {marker[1:] for _, marker in _variant_cues() if marker.startswith("!")}
    assert fragments and all(any(f in name for name in names) for f in fragments)


@pytest.mark.slow  # needs the built index (make models)
@pytest.mark.parametrize(("question", "code"), [
    ("chồng tôi là người Pháp muốn đăng ký kết hôn", "2.000806"),  # có yếu tố nước ngoài
    ("vợ tôi là người Nhật, con mới sinh ở Hà Nội thì đăng ký khai sinh thế nào", "2.000528"),
    ("mất giấy phép lái xe", "3.000348"),  # cấp lại
    ("ông tôi mất ở Mỹ, gia đình ở Việt Nam muốn khai tử", "1.001766"),  # above "Đăng ký khai tử", a shorter name
    ("lấy chồng Đài Loan muốn đăng ký kết hôn", "2.000806"),
    # a birth told as registered: the father is recognised on his own, not with a new birth registration
    ("con tôi đã làm giấy khai sinh rồi nhưng chưa có tên bố, giờ bố cháu muốn nhận con", "1.001022"),
    ("bằng lái ô tô bị rách nát, muốn đổi", "3.000347"),  # "Đổi giấy phép lái xe" is the exchange
    ("tiền polymer bị rách đổi ở đâu", "2.001077"),  # "Đổi tiền không đủ tiêu chuẩn lưu thông"
    ("hộ chiếu hết hạn rồi làm cái mới ở đâu", "1.001456"),  # a new one, not a loss reported
    ("người yêu tôi bị liệt không đi lại được, muốn đăng ký kết hôn", "1.000593"),  # lưu động
    ("làm thẻ thường trú cho vợ người Trung Quốc", "1.001010"),  # not a border pass
    ("xe máy nhập khẩu mới mua đăng ký thế nào", "1.013066"),  # the imported vehicle's, said so
    ("xe máy mới mua đăng ký ở đâu", "1.012575"),  # not the imported one's
    ("toi co bang lai xe Nhat Ban, ve nuoc muon doi sang bang Viet Nam", "3.000351"),  # a foreign licence
    ("muốn nhận con của chị gái làm con nuôi", "2.001263"),  # an adoption, not a parent recognised
])
def test_the_cued_variant_ranks_first(question, code):
    from knowledge.search import search

    assert search(question).results[0].code == code


@pytest.mark.slow
@pytest.mark.parametrize(("question", "code"), [
    # A narrower case is wanted only when said: a shop selling goods with the travellers' VAT refund.
    ("hoàn thuế giá trị gia tăng doanh nghiệp", "1.007037"),
    ("cửa hàng muốn đăng ký bán hàng hoàn thuế giá trị gia tăng cho người nước ngoài", "1.008566"),
])
def test_a_narrower_case_only_when_the_citizen_says_so(question, code):
    from knowledge.search import search

    assert search(question).results[0].code == code


@pytest.mark.slow
def test_without_a_cue_the_ordinary_procedure_stays_first():
    from knowledge.search import search

    assert search("đăng ký kết hôn").results[0].code == "1.000894"
    assert search("đăng ký khai sinh cho con").results[0].code == "1.001193"


@pytest.mark.slow
@pytest.mark.parametrize(("question", "code"), [
    ("cấp thẻ thường trú cho người nước ngoài", "1.001010"),  # thực hiện tại cấp tỉnh
    ("cap the tam tru cho nguoi nuoc ngoai", "1.003460"),  # tại Công an cấp tỉnh
    ("cấp thẻ tạm trú cho người nước ngoài tại cục quản lý xuất nhập cảnh", "1.003358"),  # asked for
    ("cấp lại thẻ bảo hiểm y tế thực hiện tại cấp trung ương", "1.001327"),
])
def test_the_level_a_citizen_goes_to_is_answered_unless_the_centre_is_named(question, code):
    from knowledge.search import search

    result = search(question)
    assert result.results[0].code == code and result.answers_outright


@pytest.mark.slow
def test_a_child_without_an_age_makes_the_age_variants_a_choice():
    from knowledge.search import search

    assert [v.code for v in search("làm căn cước cho con").close_variants] == ["1.014062"]  # beside 14+
    assert not search("làm căn cước").close_variants  # an adult asking for themselves
    assert search("cấp thẻ căn cước cho cháu 10 tuổi").results[0].code == "1.014062"  # the age decides
