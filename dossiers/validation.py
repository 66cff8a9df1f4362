"""Validation of declaration fields. Each ``check_*`` returns (normalised value, None) or
(None, a specific Vietnamese message saying what is wrong)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.vietnamese import fold
from dossiers.answers import Meaning, means

# Province/city codes that open a 12-digit CCCD (Circular 59/2021/TT-BCA, 63 codes).
PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 "
    "040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 "
    "083 084 086 087 089 091 092 093 094 095 096".split()
)
# 4th digit of a CCCD: century of birth and sex.
CENTURY_SEX = {"0": (1900, "Nam"), "1": (1900, "Nữ"), "2": (2000, "Nam"), "3": (2000, "Nữ"),
               "4": (2100, "Nam"), "5": (2100, "Nữ"), "6": (2200, "Nam"), "7": (2200, "Nữ")}

Result = tuple[str | None, str | None]

_DATE_NUMERIC = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_DATE_WORDS = re.compile(r"^\s*(?:ngay\s*)?(\d{1,2})\s*(?:thang|/)\s*(\d{1,2})\s*(?:nam|/)\s*(\d{4})\s*$")


RELATIVE_DAYS = {"hom nay": 0, "hom qua": 1, "hom kia": 2}


def parse_date(text: str, today: date | None = None) -> tuple[date | None, str | None]:
    """'5/3/2024', '05-03-2024', 'ngày 5 tháng 3 năm 2024', 'hôm qua' -> date (day first, as in Vietnam)."""
    folded = fold(text or "").lower().strip().rstrip(".")
    today = today or date.today()
    relative = next((days for words, days in RELATIVE_DAYS.items() if re.search(rf"\b{words}\b", folded)), None)
    if relative is not None:
        return today - timedelta(days=relative), None
    match = _DATE_NUMERIC.match(folded) or _DATE_WORDS.match(folded)
    if not match:
        return None, "Ngày chưa đúng định dạng. Bạn nhập theo dạng ngày/tháng/năm, ví dụ 05/03/2024."
    day, month, year = (int(g) for g in match.groups())
    try:
        value = date(year, month, day)
    except ValueError:
        return None, f"Ngày {day}/{month}/{year} không có trên lịch. Bạn kiểm tra lại giúp tôi."
    if value > today:
        return None, "Ngày này ở tương lai. Bạn kiểm tra lại giúp tôi."
    if year < 1900:
        return None, "Năm phải từ 1900 trở đi. Bạn kiểm tra lại giúp tôi."
    return value, None


def check_date(text: str) -> Result:
    value, error = parse_date(text)
    return (value.strftime("%d/%m/%Y"), None) if value else (None, error)


def check_year(text: str) -> Result:
    match = re.fullmatch(r"\s*(?:nam\s*)?(\d{4})\s*", fold(text or "").lower())
    if not match:
        return None, "Năm sinh là 4 chữ số, ví dụ 1990."
    year = int(match.group(1))
    if not 1900 <= year <= date.today().year:
        return None, f"Năm sinh phải từ 1900 đến {date.today().year}."
    return str(year), None


def check_name(text: str) -> Result:
    name = " ".join((text or "").split())
    if len(name) < 2 or len(name) > 100 or re.search(r"[\d<>@#$%^*=_{}\[\]|\\/]", name):
        return None, "Họ tên chỉ gồm chữ, ví dụ: Nguyễn Văn An."
    if len(name.split()) < 2:
        return None, "Bạn nhập đầy đủ họ và tên (ít nhất 2 chữ), ví dụ: Nguyễn Văn An."
    return name.title(), None


def check_text(text: str) -> Result:
    value = " ".join((text or "").split())
    if len(value) < 2:
        return None, "Thông tin này là bắt buộc. Bạn nhập giúp tôi nhé."
    if len(value) > 300:
        return None, "Thông tin dài quá (tối đa 300 ký tự)."
    return value, None


def check_cccd_if_known(text: str) -> Result:
    """Someone else's CCCD (the head of household's): checked when given, left empty when not known."""
    value = " ".join((text or "").split())
    if not value or means(value, Meaning.NONE):
        return "", None
    return check_cccd(value)


def check_optional(text: str) -> Result:
    value = " ".join((text or "").split())
    if not value or means(value, Meaning.NONE):
        return "", None
    return check_text(value)


def check_sex(text: str) -> Result:
    folded = fold(text or "").lower().strip()
    if folded in {"nam", "trai", "con trai", "be trai", "male"}:
        return "Nam", None
    if folded in {"nu", "gai", "con gai", "be gai", "female"}:
        return "Nữ", None
    return None, "Giới tính là “Nam” hoặc “Nữ”."


def check_phone(text: str) -> Result:
    digits = re.sub(r"[\s.\-()]", "", text or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if re.fullmatch(r"0(3|5|7|8|9)\d{8}", digits) or re.fullmatch(r"02\d{9}", digits):
        return digits, None
    return None, "Số điện thoại chưa đúng: di động có 10 số bắt đầu bằng 03, 05, 07, 08 hoặc 09 (ví dụ 0912345678)."


def check_email(text: str) -> Result:
    value = (text or "").strip()
    if not value or means(value, Meaning.NONE):
        return "", None
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}", value):
        return value.lower(), None
    return None, "Email chưa đúng định dạng (ví dụ ten@gmail.com), hoặc nhắn “không” nếu không có."


def check_cccd(text: str, dob: str | None = None, sex: str | None = None) -> Result:
    """12 digits; province code; 4th digit (century, sex) and 5th–6th (year) agree with what we know."""
    digits = re.sub(r"\s", "", text or "")
    if not re.fullmatch(r"\d{12}", digits):
        return None, "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."
    if digits[:3] not in PROVINCE_CODES:
        return None, f"Mã tỉnh “{digits[:3]}” ở 3 số đầu không tồn tại. Bạn kiểm tra lại số CCCD."
    century, id_sex = CENTURY_SEX.get(digits[3], (None, None))
    if century is None:
        return None, "Chữ số thứ 4 của CCCD (thế kỷ sinh và giới tính) không hợp lệ."
    birth_year = century + int(digits[4:6])
    if dob:
        parsed, _ = parse_date(dob)
        if parsed and parsed.year != birth_year:
            return None, (f"Số CCCD cho biết năm sinh {birth_year}, khác với ngày sinh {dob} đã khai. "
                          "Bạn kiểm tra lại số CCCD hoặc ngày sinh.")
    if sex and sex != id_sex:
        return None, f"Số CCCD cho biết giới tính {id_sex}, khác với giới tính {sex} đã khai. Bạn kiểm tra lại."
    return digits, None


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text or "").lower()))


def check_choice(options: list[str]):
    """A validator accepting one of ``options``: typed with or without diacritics, its number, or in
    the citizen's own words when they point to one option only ("đang có vợ" -> "Đang có vợ/chồng")."""

    def check(text: str) -> Result:
        folded = fold(text or "").lower().strip()
        for number, option in enumerate(options, 1):
            if folded in {fold(option).lower(), str(number)}:
                return option, None
        said = _words(text)
        # Two words at least: "có" alone fits "Đang có vợ/chồng" but says nothing.
        matching = [o for o in options if len(said) >= 2 and (said <= _words(o) or _words(o) <= said)]
        if len(matching) == 1:
            return matching[0], None
        listed = "; ".join(f"{i}. {o}" for i, o in enumerate(options, 1))
        return None, f"Bạn chọn một trong: {listed}."

    return check
