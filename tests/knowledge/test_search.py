"""Hybrid search on real citizen questions, against the shipped catalogue and the built index."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge import search

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # needs the built index (make models)

IN_CATALOGUE = [
    ("làm giấy khai sinh cho con ở đâu", "1.001193"),
    ("lam giay khai sinh cho con o dau", "1.001193"),
    ("đăng ký kết hôn cần những gì", "1.000894"),
    ("xin giay doc than", "1.004873"),
    ("nhập hộ khẩu cho con về nhà ông bà", "1.004222"),
    ("dk tam tru cho sinh vien thue tro", "1.004194"),
    ("lam cccd o dau", "1.014061"),
    ("toi bi mat bang lai xe, lam lai the nao", "3.000348"),
    ("lam passport mat bao lau", "1.001456"),
    ("làm sổ đỏ lần đầu", "1.012753"),
    ("mở quán cà phê thì đăng ký kinh doanh ra sao", "1.001612"),
    ("ông tôi mới mất, gia đình cần làm giấy chứng tử", "1.000656"),
    ("mua lại xe máy cũ của người quen, muốn sang tên", "1.013076"),
    ("mat cavet xe may", "1.013080"),
]


@pytest.mark.parametrize(("question", "code"), IN_CATALOGUE)
def test_finds_the_procedure_a_citizen_means(question, code):
    result = search(question)
    assert code in [h.code for h in result.results[:3]], [h.name for h in result.results]
    assert result.confident


def test_prefers_the_ordinary_variant_and_exposes_the_others():
    result = search("đăng ký khai sinh")
    assert result.results[0].code == "1.001193"
    names = " | ".join(h.name for h in result.results)
    assert "lưu động" in names or "nước ngoài" in names  # close variants stay visible


def test_mentioned_variant_wins():
    assert search("đăng ký khai sinh lưu động").results[0].code == "1.003583"
    assert search("dang ky ket hon voi nguoi nuoc ngoai").results[0].code == "2.000806"


@pytest.mark.parametrize(
    "question",
    ["thời tiết hà nội ngày mai thế nào", "cách nấu phở bò ngon", "đăng ký nhãn hiệu sở hữu trí tuệ", "xin giấy phép bán thuốc tây"],
)
def test_not_confident_outside_the_catalogue(question):
    assert not search(question).confident


def test_other_ministry_is_named():
    result = search("xin giấy phép lao động cho người nước ngoài")
    assert not result.confident and "Nội vụ" in result.other_ministry


def test_empty_markup_and_huge_questions_are_safe():
    assert search("").results == [] and not search("").confident
    assert not search("😀😀").confident
    assert search("<script>alert(1)</script> làm giấy khai sinh").results[0].code == "1.001193"
    assert len(search("khai sinh " * 20_000).results) == 5


def run_cli(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "knowledge", "search", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=300, check=True,
    ).stdout


def test_cli_json_contract_single_question():
    out = json.loads(run_cli("lam giay khai sinh", "--top", "3", "--json"))
    assert set(out) == {"confident", "results"} and isinstance(out["confident"], bool)
    assert len(out["results"]) == 3
    assert set(out["results"][0]) == {"code", "name", "score"}
    assert out["results"][0]["code"] == "1.001193"


def test_cli_reads_one_question_a_line_from_stdin():
    lines = run_cli("--json", stdin="đổi bằng lái xe\nthời tiết hôm nay\n").strip().splitlines()
    first, second = (json.loads(line) for line in lines)
    assert first["results"][0]["code"] == "3.000347" and first["confident"]
    assert not second["confident"]


def test_no_folk_term_leads_a_citizen_to_an_organisations_procedure():
    """Every folk term, asked alone, is answered with a procedure for citizens, or honestly not at all."""
    from bot.vietnamese import fold
    from knowledge.catalogue import folk_terms_raw

    wrong = []
    for folk, _ in folk_terms_raw():
        result = search(folk)
        if result.confident and "doi voi to chuc" in fold(result.results[0].name.lower()) and "to chuc" not in fold(folk):
            wrong.append((folk, result.results[0].code))
    assert wrong == []


def test_a_folk_term_in_two_places_of_a_question():
    """"sổ đỏ … sang tên" is a transfer wherever the two stand; the issue's citizen got a first
    registration answered as if sure."""
    assert search("sổ đỏ của bố sang tên cho mẹ").results[0].code == "1.013831"
    result = search("còn sổ đỏ của bố thì sang tên cho mẹ tôi thế nào")
    assert not (result.confident and result.results[0].code != "1.013831")
    assert "1.013831" in [r.code for r in result.results[:3]]
    assert search("chiếc xe máy của anh trai tôi muốn sang tên cho tôi").results[0].code == "1.013076"


@pytest.mark.parametrize(("question", "code"), [("làm sổ đỏ lần đầu", "1.013978"), ("đóng cửa hàng", "1.001266"),
                                                 ("ông nội già rồi cần làm khai sinh lại cho ông", "1.004884")])
def test_aliases_reach_the_citizens_procedure(question, code):
    result = search(question)
    assert result.confident and result.results[0].code == code


@pytest.mark.parametrize(("story", "code"), [
    # The context names other procedures' words (a bank, a notary, a birth); the question is the last sentence.
    ("Tôi cần vay ngân hàng 500 triệu để làm ăn, ngân hàng yêu cầu thế chấp sổ đỏ. Đăng ký thế chấp làm ở đâu?",
     "1.011441"),
    ("Quán cơm của tôi đã đăng ký hộ kinh doanh, nay tôi phải về quê chăm mẹ ốm khoảng 3 tháng nên muốn đóng "
     "cửa tạm thời. Có phải báo cho ai không?", "1.001570"),
])
def test_a_story_is_searched_for_what_it_asks(story, code):
    assert search(story).results[0].code == code


def test_the_asking_sentence_of_a_story():
    from knowledge.search import asking_sentence

    story = ("Bố mẹ tôi có mảnh đất muốn cho tôi, đã ra văn phòng công chứng làm hợp đồng tặng cho. "
             "Bước tiếp theo để sổ đỏ đứng tên tôi là gì?")
    assert asking_sentence(story) == "Bước tiếp theo để sổ đỏ đứng tên tôi là gì?"
    assert asking_sentence("Đợt lũ vừa rồi nước vào nhà cuốn mất sổ đỏ của gia đình tôi ở quê. Làm lại thế nào?") == (
        "Đợt lũ vừa rồi nước vào nhà cuốn mất sổ đỏ của gia đình tôi ở quê. Làm lại thế nào?")  # short: with the one before
    assert asking_sentence("làm giấy khai sinh cho con ở đâu") is None  # not a story


@pytest.mark.parametrize(("question", "code"), [
    ("làm căn cước cho con 10 tuổi ở đâu", "1.014062"),  # "cho người dưới 14 tuổi"
    ("bé nhà em mới 8 tháng tuổi có làm thẻ căn cước được không", "1.014062"),
    ("con tôi 15 tuổi đi làm căn cước cần mang gì", "1.014061"),  # "từ đủ 14 tuổi trở lên"
])
def test_an_age_is_read_against_the_procedures_age_range(question, code):
    assert search(question).results[0].code == code


def test_ages_as_citizens_write_them():
    from knowledge.search import age_fits, stated_age

    assert [stated_age(q) for q in ("con tôi 10 tuổi", "bé 8 tháng tuổi", "cháu mới sinh", "con dưới 14 tuổi",
                                     "từ đủ 14 tuổi", "làm căn cước")] == [10, 0, 0, 13, 14, None]
    assert age_fits("Cấp thẻ căn cước cho người dưới 14 tuổi", 13) and not age_fits("Cấp thẻ căn cước cho người dưới 14 tuổi", 14)
    assert age_fits("Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên", 14) and age_fits("Đăng ký khai sinh", 3) is None
