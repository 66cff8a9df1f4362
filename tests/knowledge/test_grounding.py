"""The record's own sentences answer a question about it; a question it does not answer gets none."""

import pytest

from knowledge.catalogue import get_procedure
from knowledge.grounding import ground

CHILD_CARD, BIRTH, MARRIAGE = "1.014062", "1.001193", "1.000894"


@pytest.mark.parametrize(("code", "question", "said"), [
    (CHILD_CARD, "bé có phải đi cùng ko", "đưa người dưới 14 tuổi đến"),
    (CHILD_CARD, "be nha e co phai di cung ko a", "đưa người dưới 14 tuổi đến"),  # no diacritics, teencode
    (CHILD_CARD, "có phải về quê làm không", "không phụ thuộc vào nơi cư trú"),
    (CHILD_CARD, "có phải chụp ảnh không", "chụp ảnh khuôn mặt"),
    (BIRTH, "không có giấy chứng sinh thì sao", "người làm chứng xác nhận về việc sinh"),
    (BIRTH, "ông bà đi khai sinh cho cháu được không", "ông hoặc bà"),
    (MARRIAGE, "có phải hai người cùng có mặt không", "hai bên nam, nữ phải có mặt"),
    # "hôn" of "ly hôn" is no word of "tình trạng hôn nhân"'s name; "thêm" asks nothing
    ("1.004873", "toi da ly hon roi thi can them gi", "ly hôn"),
    ("1.004194", "hop dong thue tro co phai cong chung ko", "không bắt buộc phải công chứng"),  # "thuê trọ"
    ("1.003197", "tôi làm thay được không hay anh ấy phải về", "đại diện hộ gia đình"),  # "anh" is no "ảnh"
    ("3.000228", "dùng số điện thoại của bố được không", "số thuê bao di động chính chủ"),
    # a question word the record writes as half of a word: "thế chấp", "báo cáo"
    ("1.012786", "mảnh đất đó đang thế chấp ngân hàng thì có làm được không", "đang thế chấp"),
    ("1.014748", "moi thang co phai bao cao gi k", "tìm kiếm việc làm hằng tháng"),
    ("1.013855", "co nguoi xuong tham dinh ko", "Biên bản thẩm định"),
    ("2.001194", "lam xong gui ve nha dc ko", "dịch vụ bưu chính"),  # "xong" asks nothing
    ("1.001456", "mình có thẻ căn cước rồi thì làm ở tỉnh khác được hok", "nơi thuận lợi"),
])
def test_the_sentence_that_answers_is_quoted_first_or_second(code, question, said):
    quoted = [p.text for p in ground(get_procedure(code), question).passages]
    assert any(said in text for text in quoted[:2]), quoted


@pytest.mark.parametrize(("code", "question"), [
    (CHILD_CARD, "có cần bố đồng ý không"),  # the record says nothing of a parent's consent
    (MARRIAGE, "có cần người làm chứng không"),
    (CHILD_CARD, "có cần giấy khai sinh không"),
    ("1.000656", "có phải nộp lệ phí không"),  # "nộp lệ" is no compound: the fee's own answer, no quote
])
def test_a_record_that_does_not_say_quotes_nothing(code, question):
    assert ground(get_procedure(code), question).passages == ()


@pytest.mark.parametrize(("question", "verdict"), [("bé 10 tuổi có làm được không", "Có"),
                                                   ("con tôi 15 tuổi làm được không", "Không")])
def test_an_age_is_answered_yes_or_no_from_the_procedure_s_age_range(question, verdict):
    assert ground(get_procedure(CHILD_CARD), question).verdict == verdict


def test_words_of_the_procedure_s_name_do_not_count_as_what_is_asked():
    # Every sentence of this record speaks of "căn cước": none answers "căn cước có cần bố đồng ý không".
    assert ground(get_procedure(CHILD_CARD), "căn cước cho con có cần bố đồng ý không").passages == ()


@pytest.mark.parametrize(("code", "question"), [
    ("1.001456", "con 13 tuổi làm hộ chiếu được chưa"),  # "người chưa đủ 14 tuổi" is a case, not a no
    ("1.001193", "sinh con ở nhà, không có giấy chứng sinh thì khai sinh được không"),  # "trường hợp không có …"
])
def test_a_case_named_in_the_record_is_no_no(code, question):
    assert ground(get_procedure(code), question).verdict != "Không"


def test_sentences_of_two_cases_that_disagree_give_no_yes_or_no():
    # A relative's authorisation "không bắt buộc phải công chứng", anyone else's "phải được công chứng".
    said = ground(get_procedure("1.001612"), "văn bản ủy quyền đó có phải công chứng không")
    assert said.verdict is None and len(said.passages) >= 2


def test_words_typed_with_diacritics_and_an_opening_ok_ask_nothing_else():
    """"còn nhờ…" is no "con" (a child), "ok, …" no "đồng ý" (consent)."""
    from knowledge.grounding import asked_words
    household = get_procedure("1.001612")
    assert "con" not in asked_words("còn nhờ người quen đi nộp thì sao", household)
    assert "con" in asked_words("con tôi đi nộp thay được không", household)
    assert not any("đồng ý" in w or "dong y" in w for w in asked_words("ok, có cần mang giấy khai sinh theo không",
                                                                       get_procedure("1.014061")))


def test_a_result_sent_by_post_says_yes_to_sending_it_home():
    said = ground(get_procedure("2.001194"), "lam xong gui ve nha dc ko")  # no way "by post", the steps send it
    assert said.verdict == "Có" and any("bưu chính" in p.text for p in said.passages)


def test_strong_sentences_of_two_cases_give_no_yes_or_no():
    """The lost card's record takes fingerprints in one case (Bước 4) and reuses the last ones in another: no yes,
    no no — the sentences quoted. Nor for an authorisation notarised in one case and not in the other."""
    assert ground(get_procedure("1.014064"), "co phai chup anh lay van tay lai k").verdict is None
    assert ground(get_procedure("1.001612"), "văn bản ủy quyền đó có phải công chứng không").verdict is None


@pytest.mark.parametrize("question", ["con 13 tuổi làm hộ chiếu được chưa", "con tôi 16 tuổi làm được không"])
def test_an_age_the_record_provides_for_is_a_yes_with_its_sentence(question):
    """The passport's name states no age, its papers provide for "người chưa đủ 14 tuổi" (and from 14): can a
    child of that age get one — yes, with the sentence. Asked what, not whether, it says no yes."""
    said = ground(get_procedure("1.001456"), question)
    assert said.verdict == "Có" and any("tuổi" in p.text for p in said.passages), said
    assert ground(get_procedure("1.001456"), "con 13 tuổi có phải ký tờ khai không").verdict != "Có"


def test_still_asks_nothing_but_a_child_is_still_asked_about():
    """"còn" (still: "giờ làm còn được không") is a question word; "con" typed without diacritics may be the child."""
    from knowledge.grounding import asked_words

    procedure = get_procedure("1.000656")
    assert "còn" not in asked_words("giờ làm còn được không ạ", procedure)
    assert "con" in asked_words("con toi lam duoc khong", get_procedure("1.001456"))
