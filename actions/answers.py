"""Turn a catalogue procedure into short Vietnamese answers, one function an aspect."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from actions import messages as m
from actions.aspects import Aspect
from knowledge import fees
from knowledge.grounding import Grounding, passages
from knowledge.places import receiving_office
from knowledge.schema import Document, Procedure, SubmissionWay

MAX_DOCUMENTS = 6
MAX_STEPS = 5
MAX_LEN = 300
_UNIT = re.compile(r"\b(?:Ngày|Giờ|Tháng|Năm|Phút)\b")  # "8 Ngày làm việc" -> "8 ngày làm việc" mid-line
FEE_RULE_LEN = 160  # a fee rule without an amount, quoted this long
SHORT_VALUE = 40  # a fee or a time this short goes on one line with the others
FIRST_SCREEN = 600  # characters an answer may take: a phone screen, a Zalo bubble, a kiosk panel
# The portal splits "ngày 01/01/2026" between a paper's name and its count ("…ngày 01/01/", 20261) and
# between a legal text's title and number ("…ngày 29/6/", "202443/2024/QH15"): the year goes back.
_DATE_WITHOUT_YEAR = re.compile(r"\b\d{1,2}/\d{1,2}/$")
_YEAR_IN_FRONT = re.compile(r"^((?:19|20)\d\d)(?=\d+/)")
_DANGLING_DATE = re.compile(r",?\s*(?:ngày\s*)?\d{1,2}/\d{1,2}/$")


def _short(text: str, limit: int = MAX_LEN) -> str:
    """At most ``limit`` characters, cut at the end of a phrase (after ", ", "; ", ". ") when one ends
    in the last 40 %, else between words — never inside a number or a date."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    phrase = max(head.rfind(", "), head.rfind("; "), head.rfind(". "))
    cut = head[:phrase] if phrase > 0.6 * limit else head.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–") + "…"


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def paper_name_and_count(d: Document) -> tuple[str, str]:
    """A paper's name and how many copies, with the year the portal moved into the count put back."""
    name, quantity = d.name.strip(), str(d.quantity)
    if _DATE_WITHOUT_YEAR.search(name):
        if len(quantity) > 4 and _YEAR_IN_FRONT.match(quantity + "/"):
            return name + quantity[:4], quantity[4:]
        return _DANGLING_DATE.sub("", name), quantity  # the year is lost: no date rather than half of one
    return name, quantity


def documents(p: Procedure) -> str:
    papers = p.papers()
    if not papers:
        return m.NO_INFO
    lines = []
    for d in papers[:MAX_DOCUMENTS]:
        name, quantity = paper_name_and_count(d)
        line = _short(name, 220)
        if d.case:
            line = f"{_short(d.case, 120)}: {line}"
        lines.append(f"{line} ({quantity} {d.copy_type})")
    text = _bullets(_dedupe(lines))  # the portal lists some papers twice
    if len(papers) > MAX_DOCUMENTS:
        text += "\n" + m.MORE_DOCUMENTS.format(count=len(papers) - MAX_DOCUMENTS)
    return text


_DISTRICT_RE = re.compile(r"\b(?:cấp huyện|huyện)\b", re.IGNORECASE)
_PROVINCE_SETS_RE = re.compile(r"hội đồng nhân dân|HĐND|tỉnh, thành phố|cấp tỉnh quy định", re.IGNORECASE)
_FEE_WORD_RE = re.compile(r"\b(?:lệ phí|phí)\b", re.IGNORECASE)
_EXEMPT_RE = re.compile(r"\b(?:miễn (?:lệ )?phí|miễn lệ phí|không thu (?:lệ )?phí)\b", re.IGNORECASE)
FREE = "Miễn phí"


# The portal writes amounts "1,500,000 Việt Nam Đồng" / "50,000 VNĐ"; Vietnamese reads "1.500.000 đồng".
_PORTAL_AMOUNT = re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d+)\s*(?:Việt Nam Đồng|VNĐ|VND|đồng|Đồng)\b")
# A fee note the portal wrapped in a unit with no amount: "Đồng (Mức lệ phí … quyết định.)".
_BARE_UNIT = re.compile(r"^\s*(?:Việt Nam Đồng|Đồng|VNĐ)\s*\((.*)\)\s*$", re.DOTALL)


def amounts(text: str) -> str:
    """Amounts written the Vietnamese way: "1,500,000 Việt Nam Đồng" -> "1.500.000 đồng"."""
    return _PORTAL_AMOUNT.sub(lambda found: found.group(1).replace(",", ".") + " đồng", text)


def way_fee(w: SubmissionWay, today: date | None = None) -> str:
    """What one way of submission costs, as true ``today``. The note beside the fee column is the
    authority: the column says "Miễn phí" beside "Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần", or an
    amount in thousands ("135"). What the note says of a period that has ended is not the fee."""
    note, lapsed = fees.current_note(_BARE_UNIT.sub(r"\1", w.description), today or date.today())
    stated = [c for c in re.split(r"(?<=[.;])\s+", note) if fees.amounts(c)]
    if stated:
        said = amounts("; ".join(_short(c.rstrip(".;"), 180) for c in stated[:2]))
        return said + (" " + m.FEE_PERIOD_LAPSED.format(date=f"{lapsed:%d/%m/%Y}") if lapsed else "")
    if lapsed and fees.amounts(w.description):  # every amount the note gave has lapsed
        return m.FEE_NO_CURRENT_AMOUNT.format(date=f"{lapsed:%d/%m/%Y}")
    if w.fee and FREE not in w.fee:
        return amounts(w.fee)
    if _EXEMPT_RE.search(note):  # "Miễn lệ phí. Phí cấp bản sao (nếu có yêu cầu) theo …": the note says it best
        return _short(note.strip("() "), 200)
    if _FEE_WORD_RE.search(note):  # a fee rule without an amount: not free, amount unknown — the rule quoted, as
        # it names where the amount is set ("Thông tư số 244/2016/TT-BTC … phí cung cấp thông tin lý lịch tư pháp")
        rule = m.FEE_BY_RULE.format(rule=_short(note.strip("() ").rstrip("."), FEE_RULE_LEN))
        return rule + (" " + m.FEE_SET_BY_PROVINCE if _PROVINCE_SETS_RE.search(note) else "")
    return w.fee or m.NO_INFO


def _by_mode(p: Procedure, value: Callable[[SubmissionWay], str]) -> list[tuple[str, str]]:
    """(modes, value) with the modes that share a value together: each value said once, each mode
    once (the portal lists a mode again for each of its cases)."""
    grouped: dict[str, list[str]] = {}
    for w in p.ways:
        modes = grouped.setdefault(value(w), [])
        if w.mode not in modes:
            modes.append(w.mode)
    return [(", ".join(modes), text) for text, modes in grouped.items()]


def _summary(pairs: list[tuple[str, str]]) -> str:
    """Short values on one line — "150.000 đồng (trực tuyến, dịch vụ bưu chính); 50.000 đồng (trực
    tiếp)", or just the value when every way shares it; long ones (notes) as bullets."""
    if not all(len(text) <= SHORT_VALUE for _, text in pairs):
        return _bullets([f"{modes}: {text}" for modes, text in pairs])
    if len(pairs) == 1:
        return pairs[0][1]
    return "; ".join(f"{text} ({modes.lower()})" for modes, text in pairs)


def fee(p: Procedure) -> str:
    if not p.ways:
        return m.NO_INFO
    return _summary(_by_mode(p, way_fee))


def _bare_number(value: str) -> bool:
    return value.strip().isdigit()


# A sentence of the steps that states how long ("Trong thời hạn 07 ngày làm việc kể từ ngày nhận đủ hồ sơ…")
_STATED_TIME = re.compile(r"(?:trong thời hạn|trong vòng|thời hạn giải quyết|chậm nhất|không quá)[^.;]{0,60}?"
                          r"\b\d+\s*(?:ngày|giờ|tháng)", re.IGNORECASE)


def stated_time(p: Procedure) -> str | None:
    """The first sentence of the steps or notes that states a time, when the ways give none."""
    return next((passage.text for passage in passages(p) if passage.field in ("Trình tự thực hiện", "Lưu ý")
                 and _STATED_TIME.search(passage.text)), None)


def time(p: Procedure) -> str:
    """Time by way of submission; the portal sometimes gives a bare number: said once, not guessed. No way
    gives one: the steps' own sentence, if they state one, rather than "not published"."""
    if not p.ways:
        return m.NO_INFO
    if not any(w.time.strip() for w in p.ways) and (said := stated_time(p)):
        return m.TIME_FROM_STEPS.format(sentence=_short(said, FEE_RULE_LEN).rstrip("."))
    lines = _summary([(modes, _UNIT.sub(lambda u: u.group().lower(), text) if text else m.NO_INFO)
                      for modes, text in _by_mode(p, lambda w: w.time)])
    return lines + ("\n" + m.TIME_NO_UNIT if any(_bare_number(w.time) for w in p.ways) else "")


def place(p: Procedure) -> str:
    """Where to go, the office first (the answer may have room for one line only)."""
    lines = []
    agencies = p.agencies or ([p.competent_agency] if p.competent_agency else [])
    office = None if agencies else receiving_office(p)  # the portal left the agency empty: the steps say it
    if agencies:
        lines.append("Cơ quan thực hiện: " + _short(", ".join(agencies), 250))
    elif office:
        lines.append(m.OFFICE_FROM_STEPS.format(office=office))
    if p.levels:
        lines.append("Cấp thực hiện: " + ", ".join(p.levels))
    if p.submission_address:
        lines.append("Địa chỉ tiếp nhận: " + _short(p.submission_address, 200))
    modes = list(dict.fromkeys(w.mode for w in p.ways))
    if modes:
        lines.append("Cách nộp: " + ", ".join(modes))
    text = _bullets(lines) if lines else m.NO_INFO
    return text + ("\n" + m.DISTRICT_ABOLISHED if _DISTRICT_RE.search(" ".join([*agencies, *p.levels])) else "")


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
    lines = []
    for b in p.legal_basis[:6]:
        title, number = b.title.strip().rstrip(";"), b.number
        year = _YEAR_IN_FRONT.match(number)
        if year and _DATE_WITHOUT_YEAR.search(title):
            title, number = title + year.group(1), number[4:]
        lines.append(f"{number} — {_short(title, 160)}" if number else _short(title, 160))
    return _bullets(_dedupe(lines))


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


def _joined(parts: list[str]) -> str:
    """Parts on one line, "; " apart — a part's own closing stop dropped (no "hồ sơ.; 200.000đ")."""
    return "; ".join(part.rstrip(" .;") for part in parts)


def header(p: Procedure) -> str:
    """Name and code; a provincial procedure says where it applies."""
    if p.province:
        return m.PROVINCIAL_HEADER.format(name=p.name, code=p.code, province=p.province)
    return m.PROCEDURE_HEADER.format(name=p.name, code=p.code)


def _fit(top: str, lines: list[str], bottom: str) -> list[str]:
    """The lines of a first screen: as many whole lines as fit in FIRST_SCREEN with ``top`` and
    ``bottom``; a first line too long for the screen is shortened."""
    room = FIRST_SCREEN - len(top) - len(bottom) - len(m.MORE_ON_SOURCE) - 3
    kept = [_short(lines[0], max(room, 80))]
    for line in lines[1:]:
        if len("\n".join([top, *kept, line, m.MORE_ON_SOURCE, bottom])) > FIRST_SCREEN:
            break
        kept.append(line)
    return kept


def _screen(top: str, lines: list[str], kept: list[str], bottom: str) -> str:
    """``top``, the ``kept`` lines of ``lines``, ``bottom``; when lines were left out, the answer says so."""
    if len(kept) < len(lines) or kept[0] != lines[0]:
        kept = [line for line in kept if not line.startswith("…")] + [m.MORE_ON_SOURCE]
    return "\n".join([top, *kept, bottom])


def first_screen(top: str, body: str, bottom: str) -> str:
    """``top``, as many whole lines of ``body`` as fit in FIRST_SCREEN, ``bottom``; the lines left
    out are on the source page (and behind "Xem đầy đủ"), and the answer says so."""
    lines = body.split("\n")
    return _screen(top, lines, _fit(top, lines, bottom), bottom)


def _pages(lines: list[str], limit: int) -> list[str]:
    """``lines`` in messages of at most ``limit`` characters, cut between lines (a longer line at the
    end of a phrase)."""
    pages, page = [], ""
    for line in lines:
        while len(line) > limit:
            piece = _short(line, limit).removesuffix("…")
            pages += [page] if page else []
            pages.append(piece)
            page, line = "", line[len(piece):].lstrip(" ,;.")
        if page and len(page) + 1 + len(line) > limit:
            pages.append(page)
            page = ""
        page = f"{page}\n{line}" if page else line
    return pages + ([page] if page else [])


def aspect_screens(p: Procedure, aspect: Aspect) -> tuple[str, list[str]]:
    """One aspect of a procedure: its first screen (name, code, as many lines as fit, source link), and
    what that left out in messages of one screen each (empty when it all fitted), for "Xem đầy đủ"."""
    top, bottom = f"{header(p)}\n{m.ASPECT_TITLES[aspect]}:", m.SOURCE_LINE.format(url=p.source_url)
    lines = ASPECTS[aspect](p).split("\n")
    kept = _fit(top, lines, bottom)
    shown = len(kept) if kept[0] == lines[0] else 0  # a shortened first line is shown again whole
    rest = _pages(lines[shown:], FIRST_SCREEN) if shown < len(lines) else []
    return _screen(top, lines, kept, bottom), rest


def aspect_rest(p: Procedure, aspect: Aspect) -> list[str]:
    return aspect_screens(p, aspect)[1]


def aspect_answer(p: Procedure, aspect: Aspect) -> str:
    return aspect_screens(p, aspect)[0]


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
        (f"• Giấy tờ chính: {len(papers)} loại (ví dụ: {_short(paper_name_and_count(example)[0], 120)})"
         if example else f"• Giấy tờ: {m.NO_INFO_SHORT}"),
        f"• Lệ phí: {_short(_joined(fees), 200)}",
        f"• Thời gian: {_short(_joined(times), 200)}"
        + (f" ({m.TIME_NO_UNIT_SHORT})" if any(map(_bare_number, times)) else ""),
        f"• Nộp trực tuyến: {online_text}",
    ]
    return first_screen(lines[0], "\n".join(lines[1:]), m.SOURCE_LINE.format(url=p.source_url))


def from_record(p: Procedure, grounding: Grounding) -> str:
    """A question no aspect covers, answered from the record: the yes or no it states, then the
    sentences it says it in, quoted with their field; or plainly that it does not say."""
    verdict = m.RECORD_VERDICTS.get((grounding.basis, grounding.verdict or ""))
    lines = [header(p), *([verdict.format(name=p.name)] if verdict else [])]
    if grounding.basis == "fee":  # the yes or no, then the fees themselves
        lines.append(fee(p))
    elif grounding.passages:
        lines += [m.RECORD_SAYS, *(m.RECORD_QUOTE.format(field=q.field, text=q.text) for q in grounding.passages)]
    elif not verdict:
        lines.append(m.RECORD_SILENT)
    return "\n".join([*lines, m.SOURCE_LINE.format(url=p.source_url)])
