"""The portal's structured records: imported as the portal states them, merged with the page-text
crawl, and read as true on the day an answer is given."""

from datetime import date
from pathlib import Path

import pytest

from actions import answers
from actions import messages as m
from knowledge import fees
from knowledge.importer import import_catalogue, import_folders, import_portal_api, merge

HERE = Path(__file__).resolve().parent
STRUCTURED = HERE / "portal_api_fixtures"
PAGES = HERE / "fixtures"
SHARED = HERE.parents[1] / ".." / "shared" / "catalogue"


@pytest.fixture(scope="module")
def structured():
    return {p.code: p for p in import_portal_api(STRUCTURED)}


def test_fees_and_times_are_fields_and_the_note_is_the_authority(structured):
    licence = structured["3.000348"]  # value 135 beside "135.000 đồng/lần"
    assert {w.time for w in licence.ways} == {"5 Ngày làm việc"}
    said = answers.fee(licence)
    assert "135.000 đồng" in said and not said.startswith("135 đồng")
    assert licence.ministry == "Bộ Công an" and licence.levels == ["Cấp bộ", "Cấp tỉnh"] and not licence.province


def test_documents_carry_their_counts_and_everyone_s_papers_come_first(structured):
    passport = structured["1.001456"]
    papers = passport.papers()
    assert papers and all(d.quantity > 0 for d in papers)
    assert not papers[0].special_case  # the representative of an incapacitated person comes after
    assert any(d.special_case for d in papers)
    assert "0 loại" not in answers.overview(passport)


def test_a_provincial_procedure_says_where_it_applies(structured):
    support = structured["1.014529"]
    assert support.province == "Bắc Ninh" and support.ministry == "UBND tỉnh Bắc Ninh"
    assert "Bắc Ninh" in answers.header(support) and answers.overview(support).startswith(answers.header(support))
    assert "Bắc Ninh" not in answers.header(structured["3.000348"])


def test_where_both_crawls_have_a_code_the_structured_record_wins_and_keeps_what_only_the_page_has(structured):
    page = {p.code: p for p in import_folders([PAGES])}["1.001193"]
    both = merge(structured["1.001193"], page)
    assert both.ministry == "Bộ Tư pháp" and both.source_url == structured["1.001193"].source_url
    assert {w.time for w in both.ways} == {"1 Ngày làm việc"}  # the page text said a bare "1"
    assert both.procedure_type == page.procedure_type
    catalogue = {p.code: p for p in import_catalogue(PAGES, STRUCTURED)}
    assert set(catalogue) == {"1.001193", "1.004873", "3.000348", "1.001456", "1.014529", "1.001200"}
    assert catalogue["1.004873"].ministry == "Bộ Tư pháp"  # only in the page crawl, its folder named


@pytest.mark.parametrize(("today", "said", "not_said"), [
    (date(2023, 6, 30), "160.000", m.FEE_NO_CURRENT_AMOUNT[:30]),  # the reduction still ran
    (date(2026, 12, 7), m.FEE_NO_CURRENT_AMOUNT[:30], "160.000"),  # it ended on 31/12/2023
])
def test_a_reduced_fee_is_the_fee_only_until_its_end_date(structured, today, said, not_said):
    online = next(w for w in structured["1.001456"].ways if w.mode == "Trực tuyến")
    fee = answers.way_fee(online, today)
    assert said in fee and not_said not in fee


def test_an_ended_exemption_in_brackets_leaves_the_fee():
    note = "Thực hành 250.000đ/lần(Miễn kể từ ngày 07/4/2026 đến 30/6/2026 theo Thông tư 40/2026/TT-BTC)"
    kept, lapsed = fees.current_note(note, date(2026, 12, 7))
    assert "250.000đ" in kept and "Miễn" not in kept and lapsed == date(2026, 6, 30)
    kept, lapsed = fees.current_note(note, date(2026, 5, 1))
    assert "Miễn" in kept and lapsed is None


def test_amounts_as_the_portal_writes_them():
    assert fees.amounts("40.000đ/giấy; 1,500,000 Việt Nam Đồng; 20 đồng; năm 2024") == [40000, 1500000, 20]


@pytest.mark.slow  # parses both whole crawls: 15 s on 2 cores
@pytest.mark.skipif(not (SHARED / "portal-api").is_dir() or not (SHARED / "raw").is_dir(),
                    reason="the two crawls (../shared/catalogue) are not beside the project")
def test_the_two_crawls_agree_on_the_common_codes_within_the_shares_docs_knowledge_states():
    from benchmarks.catalogue import disagreements

    pages = {p.code: p for p in import_folders([SHARED / "raw"])}
    structured = {p.code: p for p in import_portal_api(SHARED / "portal-api")}
    common, found = disagreements(pages, structured)
    assert len(common) > 2500
    # docs/knowledge.md's catalogue section lists these shares; a parser change that moves them must update it.
    bounds = {"name": 0.02, "levels": 0.04, "fee amounts": 0.09, "time": 0.05, "documents": 0.08}
    for field, codes in found.items():
        assert len(codes) / len(common) <= bounds[field], (field, len(codes), codes[:5])
