"""Turn a catalogue procedure into short Vietnamese answers, one function an aspect."""

from __future__ import annotations

from collections.abc import Callable

from actions import messages as m
from actions.aspects import Aspect
from knowledge.schema import Procedure

MAX_DOCUMENTS = 6
MAX_STEPS = 5
MAX_LEN = 300


def _short(text: str, limit: int = MAX_LEN) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def documents(p: Procedure) -> str:
    papers = [d for d in p.documents if d.quantity > 0]
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


def fee(p: Procedure) -> str:
    if not p.ways:
        return m.NO_INFO
    lines = []
    for w in p.ways:
        text = w.fee or m.NO_INFO
        if w.description and ("phí" in w.description.lower() or "đồng" in w.description.lower()):
            text += f" — {_short(w.description, 200)}"
        lines.append(f"{w.mode}: {text}")
    return _bullets(_dedupe(lines))


def _time_text(value: str) -> str:
    """The portal sometimes gives a bare number; say so rather than guess the unit."""
    if not value:
        return m.NO_INFO
    return m.TIME_NO_UNIT.format(value=value) if value.isdigit() else value


def time(p: Procedure) -> str:
    if not p.ways:
        return m.NO_INFO
    return _bullets(_dedupe([f"{w.mode}: {_time_text(w.time)}" for w in p.ways]))


def place(p: Procedure) -> str:
    lines = []
    if p.levels:
        lines.append("Cấp thực hiện: " + ", ".join(p.levels))
    agencies = p.agencies or ([p.competent_agency] if p.competent_agency else [])
    if agencies:
        lines.append("Cơ quan thực hiện: " + _short(", ".join(agencies), 250))
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
    return m.ONLINE_YES if p.online else m.ONLINE_NO


def legal_basis(p: Procedure) -> str:
    if not p.legal_basis:
        return m.NO_INFO
    lines = [f"{b.number} — {_short(b.title, 160)}" if b.number else _short(b.title, 160) for b in p.legal_basis[:6]]
    return _bullets(lines)


def results(p: Procedure) -> str:
    return _bullets([_short(r, 200) for r in p.results]) if p.results else m.NO_INFO


def conditions(p: Procedure) -> str:
    return _short(p.conditions, 600) if p.conditions else "Không có điều kiện riêng được công bố."


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
    papers = [d for d in p.documents if d.quantity > 0]
    fees = _dedupe([w.fee for w in p.ways if w.fee]) or [m.NO_INFO]
    times = _dedupe([_time_text(w.time) for w in p.ways if w.time]) or [m.NO_INFO]
    example = next((d for d in papers if not d.case), papers[0] if papers else None)
    lines = [
        header(p),
        f"• Lĩnh vực: {p.field}; cấp thực hiện: {', '.join(p.levels) or m.NO_INFO}",
        f"• Giấy tờ chính: {len(papers)} loại" + (f" (ví dụ: {_short(example.name, 120)})" if example else ""),
        f"• Lệ phí: {'; '.join(fees)}",
        f"• Thời gian: {'; '.join(times)}",
        f"• Nộp trực tuyến: {'có' if p.online else 'không'}",
        m.SOURCE_LINE.format(url=p.source_url),
    ]
    return "\n".join(lines)
