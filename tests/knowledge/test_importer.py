"""The portal importer on real records (copied verbatim from the national portal crawl)."""

import gzip
import json
import re
from pathlib import Path

import pytest

from knowledge.catalogue import load_catalogue
from knowledge.importer import (
    coverage_report,
    import_folders,
    parse_legal_basis,
    parse_quantity,
    parse_ways,
    write_catalogue,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


def imported():
    return {p.code: p for p in import_folders([FIXTURES])}


def test_birth_registration_has_three_free_ways():
    birth = imported()["1.001193"]
    assert birth.name == "Đăng ký khai sinh"  # "Thủ tục" dropped
    assert birth.official_name == "Thủ tục đăng ký khai sinh"
    assert birth.field == "Hộ tịch" and birth.levels == ["Cấp xã"]
    assert sorted(w.mode for w in birth.ways) == ["Dịch vụ bưu chính", "Trực tiếp", "Trực tuyến"]
    assert all(w.fee == "Miễn phí" for w in birth.ways)
    assert birth.online
    assert birth.results == ["Giấy khai sinh"]
    assert birth.source_url.startswith("https://dichvucong.gov.vn/")


def test_documents_are_split_with_quantities_sections_and_cases():
    birth = imported()["1.001193"]
    papers = [d for d in birth.documents if d.quantity > 0]
    assert any(d.name.startswith("Giấy chứng sinh") and d.section == "Giấy tờ phải nộp" for d in papers)
    abandoned = next(d for d in birth.documents if "bị bỏ rơi" in d.case)
    assert abandoned.case == "Trường hợp trẻ em bị bỏ rơi" and abandoned.quantity == 1
    assert {d.section for d in birth.documents} >= {"Giấy tờ phải nộp", "Giấy tờ phải xuất trình"}


def test_legal_basis_titles_and_numbers_are_separated():
    birth = imported()["1.001193"]
    numbers = [b.number for b in birth.legal_basis]
    assert "123/2015/NĐ-CP" in numbers and "85/2019/TT-BTC" in numbers
    decree = next(b for b in birth.legal_basis if b.number == "123/2015/NĐ-CP")
    assert decree.title.startswith("Nghị định số 123/2015/NĐ-CP") and "Luật Hộ tịch" in decree.title


def test_legal_basis_with_number_glued_to_title():
    assert [(b.title, b.number) for b in parse_legal_basis("Tên văn bản pháp lýMã văn bảnLuật 60/2014/QH1360/2014/QH13")] == [
        ("Luật 60/2014/QH13", "60/2014/QH13")
    ]


def test_driving_licence_reissue_keeps_time_and_fee_note():
    licence = imported()["3.000348"]
    online = next(w for w in licence.ways if w.mode == "Trực tuyến")
    assert online.time == "5 Ngày làm việc"
    assert "135.000 đồng" in online.description


def test_ways_with_amounts():
    ways = parse_ways("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp15 Ngày làm việc50.000 Việt Nam Đồng(mỗi lần)")
    assert ways[0].mode == "Trực tiếp" and ways[0].time == "15 Ngày làm việc"
    assert ways[0].fee == "50.000 Việt Nam Đồng" and ways[0].description == "mỗi lần"


def test_extra_folder_overrides_and_adds(tmp_path):
    extra = tmp_path / "tinh-x"
    extra.mkdir()
    record = json.loads((FIXTURES / "bo-tu-phap" / "1.004873.json").read_text(encoding="utf-8"))
    record["ma_thu_tuc"] = "9.999999"
    record["ten_thu_tuc"] = "Thủ tục cấp giấy xác nhận của tỉnh X"
    (extra / "9.999999.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    procedures = import_folders([FIXTURES, tmp_path])
    codes = {p.code for p in procedures}
    assert {"1.001193", "1.004873", "3.000348", "9.999999"} <= codes
    out = tmp_path / "catalogue.jsonl.gz"
    write_catalogue(procedures, out)
    with gzip.open(out, "rt", encoding="utf-8") as fh:
        names = {json.loads(line)["name"] for line in fh}
    assert "Cấp giấy xác nhận của tỉnh X" in names


def test_shipped_catalogue_has_the_whole_portal_crawl():
    from knowledge.catalogue import load_catalogue

    catalogue = load_catalogue()
    assert len(catalogue) >= 2642
    assert catalogue["1.004873"].name == "Cấp Giấy xác nhận tình trạng hôn nhân"


RAW_CATALOGUE = ROOT / ".." / "shared" / "catalogue" / "raw"


def named(document) -> bool:
    return bool(re.search(r"[^\W\d_]{3,}", document.name))


@pytest.mark.slow  # parses the whole raw crawl: 7 s on 2 cores
@pytest.mark.skipif(not RAW_CATALOGUE.is_dir(), reason="the raw portal catalogue (../shared) is not beside the project")
def test_every_document_of_the_whole_raw_catalogue_has_a_name(capsys):
    procedures = import_folders([RAW_CATALOGUE])
    print(coverage_report(procedures))  # per-field counts, shown with -s and kept in the log on failure
    nameless = [(p.code, d) for p in procedures for d in p.documents if not named(d)]
    assert len(procedures) == 2642 and nameless == []
    household = next(p for p in procedures if p.code == "1.001612")
    assert [d.copy_type for d in household.documents if d.name.startswith("Giấy đề nghị đăng ký hộ kinh doanh")] == ["bản chính"]


def test_the_shipped_catalogue_has_no_nameless_document_and_reads_both_quantity_columns():
    catalogue = load_catalogue()
    assert [(p.code, d.name) for p in catalogue.values() for d in p.documents if not named(d)] == []
    copies = [d for d in catalogue["1.001612"].documents if "ủy quyền cho cá nhân" in d.name]
    assert copies and (copies[0].quantity, copies[0].copy_type) == (1, "bản sao")  # "0 bản chính,1 bản sao"


@pytest.mark.parametrize(("cell", "expected"), [
    ("1 bản chính", (1, "bản chính")), ("0 bản chính,1 bản sao", (1, "bản sao")),
    ("1 bản chính,1 bản sao", (1, "bản chính, 1 bản sao")), ("1 bản chụp;1 bản chính,0 bản sao", (1, "bản chụp hoặc 1 bản chính")),
    ("0 bản chính", (0, "bản chính")), ("2 Bản sao", (2, "bản sao")),
])
def test_quantity_cells(cell, expected):
    assert parse_quantity(cell) == expected
