"""Facts in answers are the record's own, never false: fees beside a "Miễn phí" column, missing
submission ways, bare times, the order of papers, and aliases that name the right record."""

import re
from dataclasses import replace
from datetime import date

import pytest

from actions import answers
from actions import messages as m
from knowledge import fees
from knowledge.catalogue import load_catalogue, procedure_aliases
from knowledge.schema import Document
from knowledge.search import base_name

CATALOGUE = load_catalogue()
BASE_NAMES = {code: base_name(p.name) for code, p in CATALOGUE.items()}  # once, not once an alias
AMOUNT = re.compile(r"\d{1,3}(?:[.,]\d{3})+\s*đồng", re.IGNORECASE)


def test_a_fee_stated_in_the_note_is_never_answered_free():
    licence = answers.fee(CATALOGUE["3.000348"])  # fee column "Miễn phí", note "135.000 đồng/lần"
    assert "Miễn phí" not in licence and "135.000 đồng" in licence
    wrong = []
    for p in CATALOGUE.values():
        for w in p.ways:
            said = answers.way_fee(w)
            if said.startswith("Miễn phí") and (AMOUNT.search(w.description) or re.search(r"\blệ phí\b", w.description, re.I)):
                wrong.append((p.code, w.mode, said, w.description[:80]))
    assert wrong == []


def test_a_fee_rule_without_an_amount_is_quoted():
    """The criminal record's fee column is empty; its note names the circular that sets the fee: quoted, as the
    citizen's way to the amount, never just "theo quy định"."""
    extract = answers.fee(CATALOGUE["3.000333"])
    assert "244/2016/TT-BTC" in extract and "không ghi mức cụ thể" in extract and extract.count("“") == 1


def test_a_time_the_ways_leave_empty_is_quoted_from_the_steps_that_state_it():
    """No way of 1.001066 gives a time; its steps say when the bank answers: quoted, not "not published"."""
    procedure = CATALOGUE["1.001066"]
    assert not any(w.time.strip() for w in procedure.ways)
    said = answers.time(procedure)
    assert m.NO_INFO not in said and "ngày 15 tháng 5" in said and said.count("“") == 1
    assert answers.time(CATALOGUE["1.001193"]) == "1 ngày làm việc"  # a time the ways give is said as before


def test_exemptions_in_the_note_are_kept():
    marriage = answers.fee(CATALOGUE["1.000894"])
    assert "Miễn lệ phí" in marriage and marriage.count("•") == 1  # the same note once, not per way


def test_missing_ways_are_said_to_be_missing_not_offline():
    without = replace(CATALOGUE["1.001193"], ways=[])  # every record has ways today; some had none
    assert answers.online(without) == m.NO_INFO
    assert "Nộp trực tuyến: không" not in answers.overview(without)


def test_a_bare_number_of_days_is_shown_once_with_a_plain_note():
    birth = CATALOGUE["1.001193"]
    bare = replace(birth, ways=[replace(w, time="1") for w in birth.ways])  # as the page text gave it
    said = answers.time(bare)
    assert said.count(m.TIME_NO_UNIT) == 1 and said.splitlines()[0] == "1" and "Cổng Dịch vụ công không ghi rõ đơn vị" not in said
    assert answers.time(birth) == "1 ngày làm việc"  # the structured record states the unit


def test_core_papers_come_before_particular_cases():
    for code in ("1.001193", "1.001456", "1.000894"):
        papers = CATALOGUE[code].papers()
        flags = [d.special_case for d in papers]
        assert flags == sorted(flags) and not flags[0], code  # everyone's papers, then the cases
    birth = answers.documents(CATALOGUE["1.001193"]).splitlines()
    assert "Giấy chứng sinh" in birth[0] or "Tờ khai" in birth[0]


def test_household_business_papers_have_names():
    said = answers.documents(CATALOGUE["1.001612"])
    assert "Giấy đề nghị đăng ký hộ kinh doanh" in said
    assert not re.search(r"^• [,;]", said, re.M)


LEVELS = {"Cấp xã": 0, "Cấp huyện": 1, "Cấp tỉnh": 2, "Cấp bộ": 3}


def most_local(levels: list[str]) -> int:
    return min((LEVELS[level] for level in levels if level in LEVELS), default=9)


@pytest.mark.parametrize(("code", "alias"), [(c, a) for c, names in procedure_aliases().items() for a in names])
def test_every_alias_names_a_record_for_citizens_at_the_level_they_go_to(code, alias):
    record = CATALOGUE[code]
    if not re.search(r"tổ chức|công ty|doanh nghiệp", alias):
        assert "đối với tổ chức" not in record.name.lower(), f"{alias!r} -> an organisation's procedure"
    variants = [p for p in CATALOGUE.values() if BASE_NAMES[p.code] == BASE_NAMES[code]]
    assert most_local(record.levels) == min(most_local(p.levels) for p in variants)


def test_short_fees_and_times_are_one_line_each_way_named_once():
    business = CATALOGUE["1.001612"]  # 150.000 đồng online or by post, 50.000 đồng at the counter
    assert answers.fee(business) == "150.000 đồng (trực tuyến, dịch vụ bưu chính); 50.000 đồng (trực tiếp)"
    vehicle = answers.time(CATALOGUE["1.013076"])  # the portal lists each way once a case
    assert vehicle.count("trực tuyến") == 3 and "Ngày" not in vehicle and "2 ngày làm việc" in vehicle


def test_amounts_are_written_the_vietnamese_way():
    said = answers.amounts("800,000 Việt Nam Đồng; 50,000 VNĐ")
    assert said == "800.000 đồng; 50.000 đồng"
    current = answers.fee(CATALOGUE["1.000688"])  # the note: 400.000 đồng from 01/7/2025 to 31/12/2026
    assert "400.000 đồng" in current and "Việt Nam Đồng" not in current


def test_a_note_wrapped_in_a_bare_unit_is_said_once():
    said = answers.fee(CATALOGUE["1.000080"])  # one way's note is "Đồng (Mức lệ phí … quyết định …)"
    assert said.count("Mức lệ phí cụ thể") == 1 and "Đồng (" not in said


def test_the_year_the_portal_moved_into_the_count_goes_back_into_the_date():
    # The page text split "…ngày 01/01/2026" between a paper's name and its count (1.003563, "20261").
    paper = Document(name="Tờ khai theo mẫu ban hành ngày 01/01/", quantity=20261)
    said = answers.documents(replace(CATALOGUE["1.003563"], documents=[paper]))
    assert "ngày 01/01/2026 (1 bản chính" in said and "20261" not in said


# A number or a date broken off: "135.…", "Khoản 4,…", "ngày 01/7/ (".
CUT_NUMBER = re.compile(r"\d[/.,]…|\b\d{1,2}/\d{1,2}/(?=[\s)(;,…]|$)")


@pytest.mark.slow  # renders every answer of every procedure: seconds on 2 cores
def test_every_answer_fits_a_screen_and_never_breaks_a_number():
    for p in CATALOGUE.values():
        for said in [answers.overview(p), *(answers.aspect_answer(p, aspect) for aspect in answers.ASPECTS)]:
            assert not CUT_NUMBER.search(said), (p.code, said)
            # Only a procedure's own name (kept whole) may push an answer past one screen.
            assert len(said) <= answers.FIRST_SCREEN or len(answers.header(p)) > 200, (p.code, said)
            assert said.startswith(answers.header(p)) and said.endswith(p.source_url)
        assert ".;" not in answers.overview(p), p.code  # fees and times joined after their own stop


def test_what_does_not_fit_is_pointed_to_on_the_source_page():
    said = answers.aspect_answer(CATALOGUE["1.000005"], answers.Aspect.DOCUMENTS)  # 23 papers
    assert m.MORE_ON_SOURCE in said and "Tờ khai hàng hóa nhập khẩu" in said


def test_long_text_is_cut_after_a_phrase():
    text = "Thủ trưởng đơn vị trực thuộc Bộ hoặc trực thuộc Tổng cục, Tổng cục trưởng theo Khoản 4, Điều 18 Luật"
    assert answers._short(text, 90) == "Thủ trưởng đơn vị trực thuộc Bộ hoặc trực thuộc Tổng cục, Tổng cục trưởng theo Khoản 4…"


# A legal text's number cut after its year: "Thông tư số 17/2024/ (1 bản chính)" (the record has "17/2024/TT-BCA").
CUT_CITATION = re.compile(r"\b\d+/\d{4}/(?![A-ZĐa-z/\d])")  # "72/2022//NĐ-CP", "37/2013/2015/TT-NHNN": the records' own typos


def lapsed_amounts(note: str, today: date) -> set[int]:
    """Amounts a fee note states only for periods that have ended."""
    current, _ = fees.current_note(note, today)
    return set(fees.amounts(note)) - set(fees.amounts(current))


@pytest.mark.slow  # renders every procedure's overview
def test_no_answer_states_a_fee_time_count_or_citation_the_record_contradicts():
    today, wrong = date.today(), []
    for p in CATALOGUE.values():
        overview = answers.overview(p)
        if re.search(r"Thời gian: 0(?![\d,.])| 0 loại", overview):
            wrong.append((p.code, "zero", overview))
        for w in p.ways:
            said = set(fees.amounts(answers.way_fee(w, today)))
            noted = set(fees.amounts(w.description))
            if any(0 < a < 1000 and a * 1000 in noted for a in said):
                wrong.append((p.code, "thousands", w.mode, said))
            if said & lapsed_amounts(w.description, today):
                wrong.append((p.code, "lapsed", w.mode, said & lapsed_amounts(w.description, today)))
        for aspect in (answers.Aspect.DOCUMENTS, answers.Aspect.LEGAL_BASIS):
            if CUT_CITATION.search(answers.aspect_answer(p, aspect)):
                wrong.append((p.code, "citation", aspect, CUT_CITATION.search(answers.aspect_answer(p, aspect)).group()))
    assert wrong == [], (len(wrong), wrong[:10])
