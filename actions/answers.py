"""Turn a catalogue procedure into short Vietnamese answers, one function an aspect."""

from __future__ import annotations

import re
from collections.abc import Callable

from actions import messages as m
from actions.aspects import Aspect
from knowledge.places import receiving_office
from knowledge.schema import Procedure, SubmissionWay

MAX_DOCUMENTS = 6
MAX_STEPS = 5
MAX_LEN = 300


def _short(text: str, limit: int = MAX_LEN) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def documents(p: Procedure) -> str:
    papers = p.papers()
    if not papers:
        return m.NO_INFO
    lines = []
    for d in papers[:MAX_DOCUMENTS]:
        line = _short(d.name, 220)
        if d.case:
            line = f"{_short(d.case, 120)}: {line}"
        lines.append(f"{line} ({d.quantity} {d.copy_type})")
    text = _bullets(lines)
    if len(papers) > MAX_DOCUMENTS:
        text += "\n" + m.MORE_DOCUMENTS.format(count=len(papers) - MAX_DOCUMENTS)
    return text


_AMOUNT_RE = re.compile(r"\d{1,3}(?:[.,]\d{3})+\s*(?:đồng|vnđ|việt nam đồng)|\d+\s*(?:đồng|vnđ)", re.IGNORECASE)
_FEE_WORD_RE = re.compile(r"\b(?:lệ phí|phí)\b", re.IGNORECASE)
_EXEMPT_RE = re.compile(r"\b(?:miễn (?:lệ )?phí|miễn lệ phí|không thu (?:lệ )?phí)\b", re.IGNORECASE)
FREE = "Miễn phí"


def way_fee(w: SubmissionWay) -> str:
    """What one way of submission costs. The portal's fee column often says "Miễn phí" while the
    note beside it states the fee ("Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần"): the note wins."""
    if w.fee and FREE not in w.fee:
        return w.fee
    clauses = [c.strip() for c in re.split(r"(?<=[.;])\s+", w.description) if _AMOUNT_RE.search(c)]
    if clauses:
        return "; ".join(_short(c.rstrip(".;"), 180) for c in clauses[:2])
    if _EXEMPT_RE.search(w.description):  # "Miễn lệ phí. Phí cấp bản sao (nếu có yêu cầu) theo …": the note says it best
        return _short(w.description.strip("() "), 200)
    if _FEE_WORD_RE.search(w.description):
        return m.FEE_BY_RULE  # a fee rule without an amount: not free, amount unknown
    return w.fee or m.NO_INFO


def _by_mode(p: Procedure, value: Callable[[SubmissionWay], str]) -> list[tuple[str, str]]:
    """(modes, value) with the modes that share a value together: each value said once."""
    grouped: dict[str, list[str]] = {}
    for w in p.ways:
        grouped.setdefault(value(w), []).append(w.mode)
    return [(", ".join(modes), text) for text, modes in grouped.items()]


def fee(p: Procedure) -> str:
    if not p.ways:
        return m.NO_INFO
    return _bullets([f"{modes}: {text}" for modes, text in _by_mode(p, way_fee)])


def _bare_number(value: str) -> bool:
    return value.strip().isdigit()


def time(p: Procedure) -> str:
    """Time by way of submission; the portal sometimes gives a bare number: said once, not guessed."""
    if not p.ways:
        return m.NO_INFO
    lines = _bullets([f"{modes}: {text or m.NO_INFO}" for modes, text in _by_mode(p, lambda w: w.time)])
    return lines + ("\n" + m.TIME_NO_UNIT if any(_bare_number(w.time) for w in p.ways) else "")


def place(p: Procedure) -> str:
    lines = []
    if p.levels:
        lines.append("Cấp thực hiện: " + ", ".join(p.levels))
    agencies = p.agencies or ([p.competent_agency] if p.competent_agency else [])
    office = None if agencies else receiving_office(p)  # the portal left the agency empty: the steps say it
    if agencies:
        lines.append("Cơ quan thực hiện: " + _short(", ".join(agencies), 250))
    elif office:
        lines.append(m.OFFICE_FROM_STEPS.format(office=office))
    if p.submission_address:
        lines.append("Địa chỉ tiếp nhận: " + _short(p.submission_address, 200))
    modes = [w.mode for w in p.ways]
    if modes:
        lines.append("Cách nộp: " + ", ".join(modes))
    return _bullets(lines) if lines else m.NO_INFO


def steps(p: Procedure) -> str:
    if not p.steps:
        return m.NO_INFO
    text = "\n".join(f"{i}. {_short(s, 220)}" for i, s in enumerate(p.steps[:MAX_STEPS], 1))
    return text + ("\n" + m.MORE_STEPS if len(p.steps) > MAX_STEPS else "")


def online(p: Procedure) -> str:
    if not p.ways:
        return m.NO_INFO
    return m.ONLINE_YES if p.online else m.ONLINE_NO


def legal_basis(p: Procedure) -> str:
    if not p.legal_basis:
        return m.NO_INFO
    lines = [f"{b.number} — {_short(b.title, 160)}" if b.number else _short(b.title, 160) for b in p.legal_basis[:6]]
    return _bullets(lines)


def results(p: Procedure) -> str:
    return _bullets([_short(r, 200) for r in p.results]) if p.results else m.NO_INFO


def conditions(p: Procedure) -> str:
    """Conditions, and who the procedure is for ("có cần không", "ai được làm")."""
    lines = [_short(p.conditions, 500) if p.conditions else m.NO_CONDITIONS]
    if p.target_groups:
        lines.append(m.TARGET_GROUPS.format(groups=_short(p.target_groups, 200)))
    return "\n".join(lines)


ASPECTS: dict[Aspect, Callable[[Procedure], str]] = {
    Aspect.DOCUMENTS: documents,
    Aspect.FEE: fee,
    Aspect.TIME: time,
    Aspect.PLACE: place,
    Aspect.STEPS: steps,
    Aspect.ONLINE: online,
    Aspect.LEGAL_BASIS: legal_basis,
    Aspect.RESULT: results,
    Aspect.CONDITIONS: conditions,
}


def _dedupe(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))


def header(p: Procedure) -> str:
    return m.PROCEDURE_HEADER.format(name=p.name, code=p.code)


def aspect_answer(p: Procedure, aspect: Aspect) -> str:
    """One aspect of a procedure, with its name, code and source link."""
    body = ASPECTS[aspect](p)
    return f"{header(p)}\n{m.ASPECT_TITLES[aspect]}:\n{body}\n{m.SOURCE_LINE.format(url=p.source_url)}"


def overview(p: Procedure) -> str:
    """What it is, papers (short), fee, time, where, online — concise."""
    papers = p.papers()
    fees = _dedupe([way_fee(w) for w in p.ways]) or [m.NO_INFO]
    times = _dedupe([w.time for w in p.ways if w.time]) or [m.NO_INFO]
    example = papers[0] if papers else None
    online_text = m.NO_INFO_SHORT if not p.ways else "có" if p.online else "không"
    lines = [
        header(p),
        f"• Lĩnh vực: {p.field}; cấp thực hiện: {', '.join(p.levels) or m.NO_INFO_SHORT}",
        f"• Giấy tờ chính: {len(papers)} loại" + (f" (ví dụ: {_short(example.name, 120)})" if example else ""),
        f"• Lệ phí: {'; '.join(fees)}",
        f"• Thời gian: {'; '.join(times)}" + (f" ({m.TIME_NO_UNIT_SHORT})" if any(map(_bare_number, times)) else ""),
        f"• Nộp trực tuyến: {online_text}",
        m.SOURCE_LINE.format(url=p.source_url),
    ]
    return "\n".join(lines)
