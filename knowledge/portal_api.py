"""Import the portal's own structured procedure records (``portal-api/<life-event group>/<code>.json``).

Unlike the page text that ``importer`` parses, these records carry fees and times as fields,
documents with their original/copy counts and forms, levels as flags, the issuing body, the portal's
life-event groups and keywords. The fields and their quirks are described in the catalogue's README.
"""

from __future__ import annotations

import re
from typing import Any

from knowledge.fees import amounts
from knowledge.importer import clean, display_name, parse_steps, split_agencies, split_case
from knowledge.schema import Document, LegalBasis, Procedure, SubmissionWay

PORTAL_PAGE = "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{id}"
MODES = {"DIRECT": "Trực tiếp", "ONLINE": "Trực tuyến", "POSTAL": "Dịch vụ bưu chính"}
UNITS = {"WORKING_DAY": "Ngày làm việc", "DAY": "Ngày", "HOUR": "Giờ", "MONTH": "Tháng", "YEAR": "Năm"}
LEVELS = (("isMinistry", "Cấp bộ"), ("isProvince", "Cấp tỉnh"), ("isWard", "Cấp xã"), ("isOtherAgency", "Cơ quan khác"))
# "UBND tỉnh Bắc Ninh", "UBND Thành phố Hà Nội", "Trung tâm phục vụ hành chính công Thành phố Hà Nội",
# "Sở Xây dựng - tỉnh Quảng Ngãi": a provincial body issued the procedure; it applies in that province.
_PROVINCE_RE = re.compile(r"\b(?:tỉnh|thành phố)\s+(.+)$", re.IGNORECASE)
_PROVINCIAL_BODY_RE = re.compile(r"^(?:UBND|Ủy ban nhân dân|Trung tâm phục vụ hành chính công|Sở)\b", re.IGNORECASE)
# A documents case named like a section ("* Giấy tờ phải nộp:", "a) Thành phần hồ sơ:") rather than a situation.
_SITUATION_RE = re.compile(r"^(?:trường hợp|đối với|nếu)\b", re.IGNORECASE)
_NONE_RE = re.compile(r"^(?:không(?: có| thu(?: phí| lệ phí)?)?|miễn phí|0)\.?$", re.IGNORECASE)


def province_of(issuer: str) -> str:
    """The province a provincial body's procedure applies in ("UBND tỉnh Bắc Ninh" -> "Bắc Ninh"), else ''."""
    if not _PROVINCIAL_BODY_RE.match(issuer or ""):
        return ""
    found = _PROVINCE_RE.search(issuer)
    return clean(found.group(1)) if found else ""


def _names(items: list[dict[str, Any]] | None) -> list[str]:
    return [clean(item.get("name")) for item in items or [] if clean(item.get("name"))]


def _time(method: dict[str, Any], case_days: dict[str, Any] | None) -> str:
    """"5 Ngày làm việc"; for the unit OTHER the method's own words, else the first case's days; '' if
    the record gives no time (never "0")."""
    amount, unit = method.get("processingTime") or 0, method.get("processingTimeUnit")
    if unit in UNITS and amount:
        return f"{amount:g} {UNITS[unit]}"
    description = clean(method.get("description"))
    if description:
        return description
    if case_days and case_days.get("qty") and case_days.get("type") in UNITS:
        return f"{case_days['qty']:g} {UNITS[case_days['type']]}"
    return ""


def _fee(fees: list[dict[str, Any]]) -> tuple[str, str]:
    """(fee, note) of one way. The note (the fee's description) is the authority: 96 records give the
    amount in thousands in ``value`` ("135" beside "135.000 đồng/lần"), so an amount is taken from
    ``value`` only when no note states one."""
    notes = [clean(f.get("description")) for f in fees if clean(f.get("description"))]
    note = "; ".join(dict.fromkeys(notes))
    if _NONE_RE.match(note):  # "Không có", "Không thu": nothing to pay
        return "Miễn phí", ""
    if amounts(note):
        return "", note
    values = [f.get("value") or 0 for f in fees]
    if any(values):
        return "; ".join(f"{v:,.0f} đồng".replace(",", ".") for v in values if v), note
    return ("Miễn phí" if fees and not note else ""), note


def parse_ways(methods: list[dict[str, Any]], case_days: dict[str, Any] | None) -> list[SubmissionWay]:
    ways = []
    for method in methods:
        fee, note = _fee(method.get("fees") or [])
        ways.append(SubmissionWay(mode=MODES.get(method.get("submissionMethod"), clean(method.get("submissionMethod"))),
                                  time=_time(method, case_days), fee=fee, description=note))
    return ways


def _copies(original: int, copies: int) -> tuple[int, str]:
    if original and copies:
        return original, f"bản chính, {copies} bản sao"
    if copies:
        return copies, "bản sao"
    return original, "bản chính"  # 0 of both: a note, not a paper to bring


def parse_documents(cases: list[dict[str, Any]]) -> list[Document]:
    documents = []
    for case in cases:
        title = clean(case.get("name")).strip("*-•+ ").rstrip(": ").strip()
        situation = title if _SITUATION_RE.match(title) else ""
        section = "" if situation else title
        for component in case.get("profileComponents") or []:
            raw = re.sub(r"^[-+•*\s]+", "", clean(component.get("name")))
            if not re.search(r"[^\W\d_]{3,}", raw):
                continue
            own_case, name = split_case(raw)
            if not re.search(r"[^\W\d_]{3,}", name):
                continue  # a case heading whose papers follow ("Trường hợp … phải có:")
            count, copy_type = _copies(component.get("originalQty") or 0, component.get("copyQty") or 0)
            forms = [clean(a.get("name") or a.get("fileName")) for a in component.get("attachments") or []]
            documents.append(Document(name=name.rstrip(" .;"), section=section or "Giấy tờ phải nộp",
                                      form=next((f for f in forms if f), ""), quantity=count, copy_type=copy_type,
                                      case=own_case or situation))
    return documents


def parse_portal_record(record: dict[str, Any]) -> Procedure:
    """One ``portal-api`` record (``{"id", "code", "name", "detail": {…}}``) -> Procedure."""
    detail = record.get("detail") or record
    official = clean(detail.get("name"))
    issuer = clean(detail.get("departmentPromulgateName"))
    cases = detail.get("cases") or []
    steps = [s for step in detail.get("executionSteps") or []
             for s in parse_steps("\n".join(filter(None, [clean(step.get("name")), step.get("description") or ""])))]
    proposal = detail.get("procedureProposal") or {}
    return Procedure(
        code=clean(detail.get("code")),
        name=display_name(official),
        official_name=official,
        ministry=issuer,
        province=province_of(issuer),
        field="; ".join(_names(detail.get("categoriesDetails"))),
        levels=[label for flag, label in LEVELS if detail.get(flag)],
        decision=clean(detail.get("decisionNo")) or clean(proposal.get("proposalNumber")),
        target_groups=", ".join(_names(detail.get("subjectTypesDetails"))),
        agencies=_names(detail.get("departmentsExecuting")) or split_agencies(detail.get("executingAgencies") or ""),
        competent_agency=", ".join(_names(detail.get("departmentsAuthority"))),
        submission_address=clean(detail.get("dossierReceivingAddresses")),
        steps=steps,
        ways=parse_ways(detail.get("executionMethods") or [], cases[0].get("processingDay") if cases else None),
        documents=parse_documents(detail.get("executionCases") or []),
        legal_basis=[LegalBasis(title=clean(b.get("name")), number=clean(b.get("code")))
                     for b in detail.get("legalBasisesDetails") or [] if clean(b.get("name")) or clean(b.get("code"))],
        conditions=clean(detail.get("requirementsAndConditions")),
        results=_names(detail.get("resultsDetails")),
        source_url=PORTAL_PAGE.format(id=detail.get("id") or record.get("id")),
        life_events=_names(detail.get("serviceGroupsDetails")),
        keywords=[k for k in (clean(k) for k in re.split(r"[;,\n]", detail.get("keywords") or "")) if k],
        note=clean(detail.get("note")),
    )
