"""Reading a fee note as it is true today: amounts as the portal writes them, and the periods a
reduction or an exemption applies in ("áp dụng đến hết ngày 31/12/2023", "kể từ ngày 01/7/2025 đến
hết ngày 31/12/2026"). One place for both, used by the importer and the answers."""

from __future__ import annotations

import re
from datetime import date

# "135.000 đồng", "1,500,000 Việt Nam Đồng", "40.000đ/giấy", "50.000 VNĐ", "20 đồng" (a number and a unit).
AMOUNT_RE = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:việt nam đồng|đồng|vnđ|vnd|đ)(?![^\W\d_])", re.IGNORECASE)
_DATE = r"(\d{1,2})/(\d{1,2})/(\d{4})"
# The end of a period: "đến hết ngày 31/12/2023", "đến ngày 30/6/2026", "đến 30/6/2026", "đến hết 31/12/2025".
_UNTIL_RE = re.compile(rf"đến\s+(?:hết\s+)?(?:ngày\s+)?{_DATE}", re.IGNORECASE)
_FROM_RE = re.compile(rf"(?:kể\s+)?từ\s+(?:ngày\s+)?{_DATE}", re.IGNORECASE)
_CLAUSE_SPLIT_RE = re.compile(r"(?<=[.;])\s+|\s+-\s+|\n+")


def amounts(text: str) -> list[int]:
    """The amounts of money a text states, in đồng."""
    return [int(re.sub(r"\D", "", found.group(1))) for found in AMOUNT_RE.finditer(text or "")]


def _date(match: re.Match) -> date | None:
    day, month, year = (int(g) for g in match.groups()[-3:])
    try:
        return date(year, month, day)
    except ValueError:
        return None


def period(clause: str) -> tuple[date | None, date | None]:
    """(from, until) a clause of a fee note gives, each None when not said."""
    until, start = _UNTIL_RE.search(clause), _FROM_RE.search(clause)
    return (_date(start) if start else None), (_date(until) if until else None)


def clauses(note: str) -> list[str]:
    return [c.strip() for c in _CLAUSE_SPLIT_RE.split(note or "") if c.strip()]


def ended(clause: str, today: date) -> date | None:
    """The last day of the period a clause applies in, if that day is past."""
    until = period(clause)[1]
    return until if until and until < today else None


def not_yet(clause: str, today: date) -> date | None:
    """The first day of the period a clause applies in, if that day is still to come."""
    start = period(clause)[0]
    return start if start and start > today else None


_PARENTHETICAL_RE = re.compile(r"\(([^()]*)\)")
_OWN_TERMS_RE = re.compile(r"\b(?:miễn|giảm|bằng \d+\s*%)", re.IGNORECASE)


def current_note(note: str, today: date) -> tuple[str, date | None]:
    """(what of a fee note is true today, the latest end date of what was left out). A clause whose
    period has ended goes; so does an ended exemption in brackets ("250.000đ/lần (Miễn … đến
    30/6/2026 …)": the fee stays, the exemption goes), while "(áp dụng đến hết ngày 31/12/2023 …)"
    ends the whole clause it closes."""
    kept, lapsed = [], []
    for clause in clauses(note):
        def drop_own(found: re.Match) -> str:
            inner = found.group(1)
            end = ended(inner, today)
            if end and (_OWN_TERMS_RE.search(inner) or amounts(inner)):
                lapsed.append(end)
                return " "
            return found.group(0)

        text = " ".join(_PARENTHETICAL_RE.sub(drop_own, clause).split())
        end = ended(text, today)
        if end:
            lapsed.append(end)
        elif text:
            kept.append(text)
    return " ".join(kept), max(lapsed) if lapsed else None
