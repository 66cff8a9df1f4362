"""Personal data never reaches a log in clear, whichever logger writes it."""

import logging

import pytest

from dossiers.privacy import mask_logs


def test_logs_are_masked_for_every_logger(caplog):
    mask_logs()
    mask_logs()  # installing twice does not mask twice
    with caplog.at_level(logging.INFO):
        logging.getLogger("sanic.access").info("citizen %s typed 079192012345 and 0912345678", "u1")
        logging.getLogger("some.library").warning("dob 12/12/1992")
    assert "079192012345" not in caplog.text and "0912345678" not in caplog.text and "12/12/1992" not in caplog.text
    assert "079******345" in caplog.text and "citizen u1" in caplog.text and "**/**/1992" in caplog.text


# --- the masker over generated formats (hypothesis) ------------------------------------------------

import re  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from dossiers.privacy import mask_pii  # noqa: E402

SEPARATORS = st.sampled_from(["", " ", ".", "-"])
PROVINCES = st.sampled_from(["001", "079", "048", "092", "036"])
CONTEXT = st.sampled_from(["Số CCCD của tôi là {} nhé", "{}", "sđt: {}, gọi giúp", "cccd {} ạ", "Liên hệ {}."])
STREETS = st.sampled_from(["Lê Lợi", "Nguyễn Huệ", "Trần Duy Hưng", "Hai Bà Trưng", "Điện Biên Phủ"])


def digits_left(text: str) -> str:
    return re.sub(r"\D", "", text)


def grouped(digits: str, sizes: list[int], sep: str) -> str:
    out, i = [], 0
    for size in sizes:
        out.append(digits[i:i + size])
        i += size
    return sep.join(out)


@given(PROVINCES, st.text("0123456789", min_size=9, max_size=9), SEPARATORS, CONTEXT)
def test_cccd_in_any_grouping_is_masked(province, rest, sep, context):
    number = province + rest
    masked = mask_pii(context.format(grouped(number, [3, 3, 3, 3], sep)))
    assert number not in digits_left(masked)
    assert masked.count("*") == 6 and digits_left(masked) == number[:3] + number[-3:]


@given(st.sampled_from(["09", "03", "08", "07", "05"]), st.text("0123456789", min_size=8, max_size=8),
       SEPARATORS, st.booleans(), CONTEXT)
def test_mobile_numbers_in_any_format_are_masked(prefix, rest, sep, international, context):
    local = prefix + rest
    typed = ("+84 " + grouped(local[1:], [3, 3, 3], sep)) if international else grouped(local, [4, 3, 3], sep)
    masked = mask_pii(context.format(typed))
    assert local[1:] not in digits_left(masked)
    assert masked.count("*") == 4 and len(digits_left(masked)) == len(digits_left(typed)) - 4


@given(st.integers(1, 28), st.integers(1, 12), st.integers(1930, 2025), st.booleans())
def test_dates_keep_only_their_year(day, month, year, in_words):
    typed = f"ngày {day} tháng {month} năm {year}" if in_words else f"{day:02d}/{month:02d}/{year}"
    masked = mask_pii(f"tôi sinh {typed} ở Hà Nội")
    assert str(year) in masked and f"{day} tháng {month}" not in masked and f"{day:02d}/{month:02d}" not in masked


@given(st.from_regex(r"[a-z][a-z0-9._]{2,15}", fullmatch=True), st.sampled_from(["gmail.com", "yahoo.com.vn", "mail.gov.vn"]))
def test_email_addresses_keep_only_a_letter_and_the_domain(user, domain):
    masked = mask_pii(f"email của tôi: {user}@{domain}, cảm ơn")
    assert f"{user}@" not in masked and f"@{domain}" in masked


@given(st.integers(1, 999), st.sampled_from(["Số", "số nhà", "", "ngõ"]), STREETS,
       st.sampled_from([", phường Bến Thành", ", Hà Nội", ""]))
@settings(max_examples=60)
def test_house_numbers_and_streets_are_masked(number, cue, street, tail):
    address = f"{cue} {number} {street}".strip() if cue else f"{number} đường {street}"
    masked = mask_pii(f"Tôi ở {address}{tail}")
    assert street not in masked and str(number) not in digits_left(masked.replace(tail, ""))


@pytest.mark.parametrize("text", [
    "lệ phí 150.000.000 đồng", "tra cứu hồ sơ HS-2026-000123", "thủ tục 1.001193", "Thông tư số 53/2025/TT-BCA",
    "làm giấy khai sinh ở đâu", "mất 5 ngày làm việc",
])
def test_ordinary_numbers_are_left_alone(text):
    assert mask_pii(text) == text


def test_dossier_access_keys_never_stay_in_a_transcript():
    masked = mask_pii("Bạn tải tờ khai: /dossiers/HS-2026-000007.pdf?key=Zq8-xK_31pLm")
    assert "Zq8-xK_31pLm" not in masked and "HS-2026-000007" in masked
