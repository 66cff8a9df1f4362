"""Import procedures from the National Public Service Portal's JSON format.

The portal's table sections arrive flattened into one string (headers and cells
glued together). Each ``parse_*`` function below recovers the structure of one
section; ``import_folder`` applies them to every ``<ministry>/<code>.json`` file.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from knowledge.schema import Document, LegalBasis, Procedure, SubmissionWay

logger = logging.getLogger(__name__)

NO_INFO = "Không có thông tin"
MODES = ("Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính")

_WAYS_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_MODE_RE = re.compile("(" + "|".join(MODES) + r")(?=\s*(?:\d|Không có thông tin|:))")
_TIME_RE = re.compile(
    r"\s*(:?\s*(?:\d+(?:[.,]\d+)?\s*(?:Ngày làm việc|Ngày|Giờ|Tháng|Năm|Phút)?|Không có thông tin))"
)
_AMOUNT = r"\d{1,3}(?:[.,]\d{3})+|\d+"
_FEE_RE = re.compile(
    rf"\s*((?:(?:Phí|Lệ phí)\s*:?\s*)?(?:Miễn phí|Không có thông tin|(?:{_AMOUNT})\s*(?:Việt Nam Đồng|VNĐ|Đồng|đồng)))"
)
_DOC_SECTION_RE = re.compile(r"\*\s*([^*:]{2,120}?)\s*:\s*Tên giấy tờMẫu đơn, tờ khaiSố lượng")
_COPY = r"\d+\s*(?:bản chính|bản sao|bản chụp)"
# The quantity column: "1 bản chính", "0 bản chính,1 bản sao" (both kinds), "1 bản chụp;1 bản chính" (either).
# A real cell is glued to the next paper's name; "nộp 02 bản chính tờ khai" inside a name is prose.
_QUANTITY_RE = re.compile(rf"{_COPY}(?:\s*[,;]\s*{_COPY})*(?!\s+[a-zà-ỹđ])", re.IGNORECASE)
# An attached form's file name closes a paper's name: "… (NA20).Mau NA20-BCA.docx" (no dot before its extension).
_FORM_FILE_RE = re.compile(r"([\w ,()\-]{1,80}?\.(?:docx?|pdf|xlsx?|rtf|odt))$", re.IGNORECASE)
_CASE_RE = re.compile(r"^(Trường hợp|Đối với)\s+(.{3,160}?)(?:,)?\s+(?:thì|phải|cần)\s+(?:nộp\s+)?(.+)$", re.DOTALL)
_LAW_NUMBER_RE = re.compile(
    r"\d+[A-Za-z]?/\d{4}/(?:QH\d{2}|[A-ZĐ]+\d*(?:-[A-ZĐ]+\d*)*(?=[A-ZĐÀ-Ỹ][a-zđà-ỹ]|$|\W))|\d+/\d{4}(?=[A-ZĐÀ-Ỹ]|$)"
)
MIN_NAME_CHARS = 12
_ISSUER_CODE_RE = re.compile(r"[A-ZĐ]{1,6}(?:-[A-ZĐ]+)*(?=[A-ZĐ][a-zđ])")
# The page-text crawl is foldered by ministry; the structured records name the issuing body.
MINISTRY_NAMES = {
    "bo-cong-an": "Bộ Công an", "bo-nong-nghiep-mt": "Bộ Nông nghiệp và Môi trường", "bo-tai-chinh": "Bộ Tài chính",
    "bo-tu-phap": "Bộ Tư pháp", "bo-xay-dung": "Bộ Xây dựng", "ngan-hang-nha-nuoc": "Ngân hàng Nhà nước Việt Nam",
    "toa-an-nhan-dan": "Tòa án nhân dân",
}
_RESULT_CUT_RE = re.compile(r"Từ khóa|Chọn cơ quan thực hiện")


def clean(text: str | None) -> str:
    """Strip, collapse runs of spaces, and map the portal's 'no information' to ''."""
    if not text:
        return ""
    text = re.sub(r"[ \t\u00a0]+", " ", text).strip()
    return "" if text == NO_INFO else text


def display_name(official: str) -> str:
    """'Thủ tục đăng ký khai sinh' -> 'Đăng ký khai sinh'."""
    name = re.sub(r"^\s*Thủ tục\s+", "", clean(official))
    return name[:1].upper() + name[1:]


def parse_ways(text: str) -> list[SubmissionWay]:
    """Ways of submission with processing time and fee text."""
    body = clean(text).replace(_WAYS_HEADER, "", 1)
    starts = list(_MODE_RE.finditer(body))
    ways = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
        chunk = body[match.end() : end]
        time_match = _TIME_RE.match(chunk)
        time = clean(time_match.group(1).lstrip(": ")) if time_match else ""
        rest = chunk[time_match.end() :] if time_match else chunk
        fees = []
        while (fee_match := _FEE_RE.match(rest)) and fee_match.group(1):
            fees.append(clean(fee_match.group(1)))
            rest = rest[fee_match.end() :]
        description = clean(rest.strip().removeprefix("(").removesuffix(")"))
        fee = "; ".join(f for f in fees if f) or ""
        ways.append(SubmissionWay(mode=match.group(1), time=time, fee=fee, description=description))
    return ways


def split_case(name: str) -> tuple[str, str]:
    match = _CASE_RE.match(name)
    if not match:
        return "", name
    rest = match.group(3).strip()
    return f"{match.group(1)} {match.group(2)}".strip(), rest[:1].upper() + rest[1:]


def parse_documents(text: str) -> list[Document]:
    """Required papers, by section (phải nộp / phải xuất trình / lưu ý ...)."""
    text = clean(text)
    sections = list(_DOC_SECTION_RE.finditer(text))
    if not sections:
        # Some records have the bare table header without a section title.
        text = text.replace("Tên giấy tờMẫu đơn, tờ khaiSố lượng", "* Giấy tờ:Tên giấy tờMẫu đơn, tờ khaiSố lượng", 1)
        sections = list(_DOC_SECTION_RE.finditer(text))
    documents = []
    for i, section in enumerate(sections):
        end = sections[i + 1].start() if i + 1 < len(sections) else len(text)
        body = text[section.end() : end].replace("Tên giấy tờMẫu đơn, tờ khaiSố lượng", " ")
        position = 0
        for quantity in _QUANTITY_RE.finditer(body):
            raw = body[position : quantity.start()].strip()
            position = quantity.end()
            raw = re.sub(r"^[-+•\s]+", "", raw).strip()
            if not re.search(r"[^\W\d_]{3,}", raw):
                continue  # a second quantity cell of the same paper ("…: 01 bản chụp; 0 bản chính,1 bản sao")
            form = ""
            form_match = _FORM_FILE_RE.search(raw)
            if form_match:
                form = form_match.group(1).strip()
                name_part = raw[: form_match.start()].strip()
                # A citation the file name ran into: "Thông tư số 94/2025/" + "TT-BNNMTMau so 01.docx".
                issuer = _ISSUER_CODE_RE.match(form) if name_part.endswith("/") else None
                if issuer:
                    name_part, form = name_part + issuer.group(0), form[issuer.end():]
                # The portal glues the file name to the paper's name; when the split would leave only a
                # fragment ("Đ" + "ơn đề nghị … .docx"), the whole text stays the name.
                raw = name_part if len(name_part) >= MIN_NAME_CHARS else raw
            case, name = split_case(raw)
            if not re.search(r"[^\W\d_]{3,}", name):
                continue  # a case heading whose papers follow ("Trường hợp … Có:")
            count, copy_type = parse_quantity(quantity.group(0))
            documents.append(Document(name=name.rstrip(" ."), section=section.group(1).strip(), form=form,
                                      quantity=count, copy_type=copy_type, case=case))
    return documents


def parse_quantity(cell: str) -> tuple[int, str]:
    """A quantity cell -> (count, kind): "0 bản chính,1 bản sao" -> (1, "bản sao");
    "1 bản chính,1 bản sao" -> (1, "bản chính, 1 bản sao"); "1 bản chụp;1 bản chính" ->
    (1, "bản chụp hoặc 1 bản chính"); all zero -> (0, first kind): a note, not a paper to bring."""
    alternatives = []
    for alternative in cell.lower().split(";"):
        items = [re.match(r"\s*(\d+)\s*(.+?)\s*$", item).groups() for item in alternative.split(",")]
        wanted = ", ".join(f"{int(n)} {kind}" for n, kind in items if int(n) > 0)
        if wanted and wanted not in alternatives:
            alternatives.append(wanted)
    if not alternatives:
        return 0, re.sub(r"^\s*\d+\s*", "", cell.lower().split(";")[0].split(",")[0])
    count, _, kind = " hoặc ".join(alternatives).partition(" ")
    return int(count), kind


def title_ends_here(body: str, position: int) -> bool:
    """A number followed by a space closes an item when a new title starts right after it."""
    return bool(re.match(r"\s+(Luật|Nghị|Thông|Quyết|Pháp|Bộ luật|Văn bản)", body[position:]))


def parse_legal_basis(text: str) -> list[LegalBasis]:
    """Legal documents as (title, number)."""
    body = clean(text).replace("Tên văn bản pháp lýMã văn bản", "", 1)
    # "Nghị định 45/2020/NĐ-CP45/2020/NĐ-CP": the title's own number glued to the number column.
    body = re.sub(r"(/\d{4}/(?:QH\d{2}|[A-ZĐ]+(?:-[A-ZĐ]+)*))(?=\d+/\d{4})", r"\1 ", body)
    items = []
    position = 0
    for match in _LAW_NUMBER_RE.finditer(body):
        after = body[match.end() : match.end() + 1]
        if after and not (after.isupper() or after == " " and title_ends_here(body, match.end())):
            continue  # a number inside the title, not the closing number column
        title = body[position : match.start()].strip()
        position = match.end()
        items.append(LegalBasis(title=clean(title) or match.group(0), number=match.group(0)))
    tail = body[position:].strip()
    if tail:
        items.append(LegalBasis(title=tail))
    return items


def parse_results(text: str) -> list[str]:
    """Names of the documents the citizen receives."""
    body = _RESULT_CUT_RE.split(clean(text))[0]
    parts = re.split(r"Mã:\s*KQ\.[\w.]+", body)
    return [clean(p) for p in parts if clean(p)]


def parse_steps(text: str) -> list[str]:
    """Steps as lines; a line that does not start a new step or list item joins the previous one."""
    steps: list[str] = []
    for line in clean(text).splitlines():
        line = line.strip()
        if not line:
            continue
        starts_item = re.match(r"^([-+•*]|[a-zđ]\)|\(?[ivx]+\)|\d+[.)]|Bước\s*\d+)", line, re.IGNORECASE)
        if steps and not starts_item and not steps[-1].endswith((".", ":", ";")):
            steps[-1] += " " + line
        else:
            steps.append(re.sub(r"^[-+•*]\s*", "", line))
    return steps


def split_agencies(text: str) -> list[str]:
    """'Công an tỉnh, Cục cảnh sát quản lý hành chính về trật tự, xã hội' -> two agencies."""
    return [clean(a) for a in re.split(r",\s*(?=[A-ZĐ])", clean(text)) if clean(a)]


def parse_record(raw: dict[str, Any], ministry: str = "") -> Procedure:
    """One portal JSON record -> Procedure."""
    official = clean(raw.get("ten_thu_tuc"))
    return Procedure(
        code=clean(raw["ma_thu_tuc"]),
        name=display_name(official),
        official_name=official,
        ministry=ministry,
        field=clean(raw.get("linh_vuc")),
        levels=[clean(x) for x in clean(raw.get("cap_thuc_hien")).split(",") if clean(x)],
        procedure_type=clean(raw.get("loai_thu_tuc")),
        decision=clean(raw.get("so_quyet_dinh")),
        target_groups=clean(raw.get("doi_tuong_thuc_hien")),
        agencies=split_agencies(raw.get("co_quan_thuc_hien", "")),
        competent_agency=clean(raw.get("co_quan_co_tham_quyen")),
        submission_address=clean(raw.get("dia_chi_tiep_nhan")),
        steps=parse_steps(raw.get("trinh_tu_thuc_hien", "")),
        ways=parse_ways(raw.get("cach_thuc_thuc_hien", "")),
        documents=parse_documents(raw.get("thanh_phan_ho_so", "")),
        legal_basis=parse_legal_basis(raw.get("can_cu_phap_ly", "")),
        conditions=clean(raw.get("yeu_cau_dieu_kien")),
        results=parse_results(raw.get("ket_qua_xu_ly", "")),
        source_url=clean(raw.get("detail_url")),
    )


def read_folder(folder: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every ``*.json`` record below ``folder`` (one procedure a file)."""
    for path in sorted(folder.rglob("*.json")):
        with path.open(encoding="utf-8") as fh:
            yield path, json.load(fh)


def import_folders(folders: Iterable[Path]) -> list[Procedure]:
    """Parse every page-text record (``raw/<ministry>/<code>.json``); later folders override earlier
    ones with the same code."""
    by_code: dict[str, Procedure] = {}
    for folder in folders:
        for path, raw in read_folder(folder):
            try:
                procedure = parse_record(raw, ministry=path.parent.name if path.parent != folder else "")
            except (KeyError, TypeError, ValueError) as exc:
                logger.warning("skipping %s: %s", path, exc)
                continue
            procedure.ministry = MINISTRY_NAMES.get(procedure.ministry, procedure.ministry)
            by_code[procedure.code] = procedure
    return sorted(by_code.values(), key=lambda p: p.code)


def import_portal_api(folder: Path) -> list[Procedure]:
    """Parse every structured record (``portal-api/<life-event group>/<code>.json``); a procedure
    crawled under two life-event groups is one procedure."""
    from knowledge.portal_api import parse_portal_record

    by_code: dict[str, Procedure] = {}
    for path, raw in read_folder(folder):
        try:
            procedure = parse_portal_record(raw)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            logger.warning("skipping %s: %s", path, exc)
            continue
        by_code.setdefault(procedure.code, procedure)
    return sorted(by_code.values(), key=lambda p: p.code)


def merge(structured: Procedure, page: Procedure) -> Procedure:
    """One procedure from both crawls: the structured record, with what only the page text has."""
    merged = Procedure.from_dict(structured.to_dict())
    for name in ("steps", "conditions", "target_groups", "legal_basis", "results", "agencies",
                 "competent_agency", "submission_address", "procedure_type", "decision", "field"):
        if not getattr(merged, name):
            setattr(merged, name, getattr(page, name))
    if not merged.papers() and page.papers():
        merged.documents = page.documents
    # A bare number in the page text ("1", or "120,000" where "1" ran into the fee) is no time.
    page_times = {w.mode: w.time for w in page.ways if w.time and not re.fullmatch(r"[\d.,\s]+", w.time)}
    for way in merged.ways:
        way.time = way.time or page_times.get(way.mode, "")
    if not merged.ways:
        merged.ways = page.ways
    return merged


def import_catalogue(raw: Path | None, portal_api: Path | None) -> list[Procedure]:
    """Both crawls as one catalogue: every code of either; where both have one, ``merge``."""
    pages = {p.code: p for p in import_folders([raw])} if raw else {}
    structured = {p.code: p for p in import_portal_api(portal_api)} if portal_api else {}
    codes = sorted(pages.keys() | structured.keys())
    return [merge(structured[c], pages[c]) if c in structured and c in pages else structured.get(c) or pages[c]
            for c in codes]


def write_catalogue(procedures: list[Procedure], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the file byte-identical across re-imports of the same data.
    with open(path, "wb") as raw_fh, gzip.GzipFile(fileobj=raw_fh, mode="wb", mtime=0) as gz:
        for procedure in procedures:
            gz.write((json.dumps(procedure.to_dict(), ensure_ascii=False) + "\n").encode("utf-8"))


def coverage_report(procedures: list[Procedure]) -> str:
    """Share of procedures with each field parsed, plus the failures worth a look."""
    checks = {
        "name": lambda p: bool(p.name),
        "field": lambda p: bool(p.field),
        "levels": lambda p: bool(p.levels),
        "agencies": lambda p: bool(p.agencies or p.competent_agency),
        "steps": lambda p: bool(p.steps),
        "ways (≥1 mode)": lambda p: bool(p.ways),
        "ways with time": lambda p: bool(p.ways) and all(w.time for w in p.ways),
        "ways with fee": lambda p: bool(p.ways) and all(w.fee or w.description for w in p.ways),
        "documents": lambda p: any(d.quantity > 0 for d in p.documents),
        "legal basis": lambda p: bool(p.legal_basis),
        "legal basis numbered": lambda p: bool(p.legal_basis) and all(b.number for b in p.legal_basis),
        "results": lambda p: bool(p.results),
        "conditions": lambda p: bool(p.conditions),
        "source url": lambda p: bool(p.source_url),
    }
    total = len(procedures) or 1
    lines = [f"Parsed {len(procedures)} procedures"]
    for label, check in checks.items():
        ok = [p for p in procedures if check(p)]
        lines.append(f"  {label:<22} {len(ok):>5}  {len(ok) / total:6.1%}")
    return "\n".join(lines)
