"""Where a citizen hands in a dossier, when the portal leaves the agency fields empty.

The steps usually say it ("nộp 01 bộ hồ sơ … đến Ủy ban nhân dân cấp xã bằng hình thức trực tiếp…",
"Cơ quan thuế tiếp nhận hồ sơ…"): the office is read from there, the first that a step names.
"""

from __future__ import annotations

import re

from knowledge.schema import Procedure

# How the name of a receiving office begins (old and new diacritic placement: "Ủy"/"Uỷ").
_OFFICE = (r"(?:[Bb]ộ phận (?:một cửa|tiếp nhận)|Ủy ban|Uỷ ban|UBND|[Tt]rung tâm [Pp]hục vụ|Trung tâm|[Cc]ơ quan|Sở"
           r"|Phòng|Công an|Chi cục|Cục|Bộ|Tòa án|Toà án|Văn phòng|Bảo hiểm xã hội|Kho bạc|Ban quản lý|Cảng vụ"
           r"|Thanh tra|Đại sứ quán|trụ sở)")
# Heads that are an office only when a proper name follows ("Sở Tư pháp", not "Sở nơi …").
_NAMED_HEADS = {"Sở", "Bộ", "Cục", "Phòng", "Chi cục", "Văn phòng", "Trung tâm", "Ban quản lý"}
_SENT_TO = re.compile(rf"(?:nộp|gửi)[^.;:]{{0,200}}?\s(?:(?:đến|tới|tại|cho|về)\s+)?(?P<office>{_OFFICE}[^.;:]{{3,200}})")
_RECEIVES = re.compile(rf"(?P<office>{_OFFICE}[^.;:,]{{2,120}}?)\s+(?:có trách nhiệm\s+)?tiếp nhận(?: và kiểm tra)? hồ sơ")
# Where the office's name ends and the sentence goes on about how or when.
_NAME_ENDS = re.compile(r"\s+(?:bằng|hoặc|qua|thông qua|theo|để|trong|kèm|khi|nếu|thì|mà|phải|trực tiếp|trực tuyến"
                        r"|xem xét|kiểm tra|giải quyết|nộp|ban hành|đề nghị|tra cứu|kê khai|trước|về|phân công|thực hiện|hồ sơ|chậm nhất|quy định)\b|\s\d|[(,]",
                        re.IGNORECASE)
MAX_OFFICE = 140


def _tidy(office: str) -> str:
    cut = _NAME_ENDS.search(office)
    office = (office[: cut.start()] if cut else office).strip(" -–")
    if office.lower().startswith("trụ sở "):
        office = office[len("trụ sở "):]
    if len(office) > MAX_OFFICE:
        office = office[:MAX_OFFICE].rsplit(" ", 1)[0]
    return office[:1].upper() + office[1:]


def _names_an_office(office: str) -> bool:
    if len(office.split()) < 3 or not re.match(_OFFICE, office):  # "Sở", "Cơ quan" alone say nothing
        return False
    head = next((h for h in sorted(_NAMED_HEADS, key=len, reverse=True) if office.startswith(h + " ")), None)
    return head is None or office[len(head) + 1].isupper() or office.lower().startswith("trung tâm phục vụ")


def receiving_office(procedure: Procedure) -> str | None:
    """The office the steps send the dossier to, or None when they do not say."""
    for step in procedure.steps:
        text = " ".join(step.split())
        found = _SENT_TO.search(text) or _RECEIVES.search(text)
        if found:
            office = _tidy(found.group("office"))
            if _names_an_office(office):
                return office
    return None
