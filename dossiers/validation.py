"""Validation of declaration fields. Each ``check_*`` returns (normalised value, None) or
(None, a specific Vietnamese message saying what is wrong)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import cache

from bot.vietnamese import fold, lexicon, normalize
from dossiers.answers import Meaning, folded, means

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


def if_known(check: Callable[[str], Result]) -> Callable[[str], Result]:
    """``check`` for a field a citizen may not know: "không biết"/"không" leaves it empty."""

    def checked(text: str) -> Result:
        value = " ".join((text or "").split())
        return ("", None) if not value or means(value, Meaning.NONE) else check(value)

    return checked


_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")


def _not_a_place(value: str) -> bool:
    return parse_date(value)[0] is not None or not _LETTER_WORD.search(value)


def check_place(text: str) -> Result:
    """A place name (birthplace, hometown, place of death): words, not a date or a number."""
    value, error = check_text(text)
    if not error and _not_a_place(value):
        error = "Đây chưa phải tên một nơi. Bạn ghi tên nơi, ví dụ: Bệnh viện Phụ sản Hà Nội, hoặc xã Đông Anh, Hà Nội."
    return (None, error) if error else (value, None)


def check_address(text: str) -> Result:
    """An address: at least two words naming a place (house/street or village, commune, province)."""
    value, error = check_text(text)
    if not error and (_not_a_place(value) or len(_LETTER_WORD.findall(value)) < 2):
        error = ("Đây chưa phải một địa chỉ. Bạn ghi số nhà/thôn, phường/xã, tỉnh/thành phố, ví dụ: "
                 "Số 5 Lê Lợi, phường Bến Thành, TP Hồ Chí Minh.")
    return (None, error) if error else (value, None)


@cache
def _relationships() -> tuple[dict[str, str], dict[str, set[str]]]:
    """The relationship lexicon by what is typed: exactly (with diacritics) and folded."""
    exact, loose = {}, {}
    for said, printed in lexicon("relationships"):
        exact[normalize(said)] = printed
        loose.setdefault(folded(said), set()).add(printed)
    return exact, loose


_RELATION_FRAME = re.compile(r"^(?:(?:toi|minh|em|con|chau|anh|chi)\s+)?(?:la\s+)?(.+?)(?:\s+cua\s+.*)?$")


def check_relationship(allowed: Iterable[str] | None = None) -> Callable[[str], Result]:
    """A relationship from the lexicon ("tôi là bố của cháu" -> "Cha"), limited to ``allowed`` when given."""
    allowed = tuple(allowed or ())
    unknown = set(allowed) - set(_relationships()[0].values())
    if unknown:
        raise ValueError(f"relationships not in the lexicon: {sorted(unknown)}")

    def check(text: str) -> Result:
        exact, loose = _relationships()
        said = normalize(text or "").strip(" .!")
        printed = {exact[said]} if said in exact else set()
        if not printed:
            frame = _RELATION_FRAME.match(folded(text))
            core = frame.group(1) if frame else ""
            printed = loose.get(core) or loose.get(folded(text)) or set()
        if allowed:
            printed &= set(allowed)
        if len(printed) == 1:
            return printed.pop(), None
        examples = ", ".join(allowed[:8]) if allowed else "cha, mẹ, ông, bà, anh, chị, người giám hộ"
        if len(printed) > 1:
            return None, f"Bạn ghi rõ giúp tôi (có dấu): {' hay '.join(sorted(printed))}?"
        return None, f"Quan hệ này tôi chưa hiểu. Bạn ghi một trong: {examples}."

    return check


_AMOUNT = re.compile(r"^([\d.,\s]+?)\s*(ty|trieu|tr|nghin|ngan|k)?\s*(?:dong|d|vnd)?$")
_AMOUNT_UNITS = {"ty": 10**9, "trieu": 10**6, "tr": 10**6, "nghin": 10**3, "ngan": 10**3, "k": 10**3}


def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def check_amount(text: str) -> Result:
    """A sum of money: "500 triệu", "1,5 tỷ", "500.000.000" -> "500.000.000 đồng"."""
    match = _AMOUNT.match(" ".join(fold(text or "").lower().split()))
    if not match:
        return None, "Số tiền chưa đúng. Bạn ghi bằng số, ví dụ: 100 triệu hoặc 100.000.000 đồng."
    number, unit = match.group(1).replace(" ", ""), match.group(2)
    if unit:  # a decimal comma or point before a unit: "1,5 tỷ"
        number = number.replace(",", ".")
        amount = float(number) if number.count(".") <= 1 else None
    else:  # thousands separators only
        digits = number.replace(".", "").replace(",", "")
        amount = int(digits) if digits.isdigit() else None
    if amount is None or amount <= 0:
        return None, "Số tiền chưa đúng. Bạn ghi bằng số, ví dụ: 100 triệu hoặc 100.000.000 đồng."
    return money(round(amount * _AMOUNT_UNITS.get(unit, 1))), None


def check_count(text: str) -> Result:
    """A small whole number (copies, workers): 1 to 9999."""
    match = re.fullmatch(r"(?:[a-z]+ )?(\d{1,4})(?: [a-z]+)?", folded(text))  # "2", "2 bản", "lần 1"
    if not match or int(match.group(1)) < 1:
        return None, "Bạn ghi một số, ví dụ: 2."
    return str(int(match.group(1))), None


def check_time(text: str) -> Result:
    """A time of day: "14:30", "14 giờ 30", "2 giờ chiều" -> "14 giờ 30 phút"."""
    said = " ".join(fold(text or "").lower().split())
    match = re.fullmatch(r"(\d{1,2})\s*(?:h|gio|:)\s*(?:(\d{1,2})\s*(?:phut|p)?)?\s*(sang|trua|chieu|toi|dem)?", said)
    if not match:
        return None, "Giờ chưa đúng định dạng. Bạn ghi, ví dụ: 14 giờ 30 (hoặc nhắn “không rõ”)."
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3) in {"chieu", "toi"} and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        return None, "Giờ chưa đúng: giờ từ 0 đến 23, phút từ 0 đến 59."
    return f"{hour} giờ {minute:02d} phút", None
