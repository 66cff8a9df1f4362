"""Facts in answers are the record's own, never false: fees beside a "Miễn phí" column, missing
submission ways, bare times, the order of papers, and aliases that name the right record."""

import re

import pytest

from actions import answers
from actions import messages as m
from knowledge.catalogue import load_catalogue, procedure_aliases
from knowledge.search import base_name

CATALOGUE = load_catalogue()
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


def test_exemptions_in_the_note_are_kept():
    marriage = answers.fee(CATALOGUE["1.000894"])
    assert "Miễn lệ phí" in marriage and marriage.count("•") == 1  # the same note once, not per way


def test_missing_ways_are_said_to_be_missing_not_offline():
    without = [p for p in CATALOGUE.values() if not p.ways]
    assert without
    for p in without:
        assert answers.online(p) == m.NO_INFO
        assert "Nộp trực tuyến: không" not in answers.overview(p)


def test_a_bare_number_of_days_is_shown_once_with_a_plain_note():
    birth = CATALOGUE["1.001193"]
    assert all(w.time == "1" for w in birth.ways)
    said = answers.time(birth)
    assert said.count(m.TIME_NO_UNIT) == 1 and said.count("•") == 1 and "Cổng Dịch vụ công không ghi rõ đơn vị" not in said


def test_core_papers_come_before_particular_cases():
    birth = answers.documents(CATALOGUE["1.001193"]).splitlines()
    assert "Giấy chứng sinh" in birth[0] or "Tờ khai" in birth[0]
    cases = [i for i, line in enumerate(birth) if "Trường hợp" in line[:20]]
    core = [i for i, line in enumerate(birth) if line.startswith("• ") and "Trường hợp" not in line[:20]]
    assert cases and max(core) < min(cases)


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
    variants = [p for p in CATALOGUE.values() if base_name(p.name) == base_name(record.name)]
    assert most_local(record.levels) == min(most_local(p.levels) for p in variants)
