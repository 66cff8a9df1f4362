"""Field validation rules of the declarations."""

from datetime import date

import pytest

from dossiers.forms import FORMS, cross_check
from dossiers.validation import check_cccd, check_choice, check_date, check_name, check_phone, check_sex, parse_date

BIRTH = FORMS["to-khai-dang-ky-khai-sinh"]


@pytest.mark.parametrize("text", ["5/3/2024", "05-03-2024", "05.03.2024", "ngày 5 tháng 3 năm 2024", "ngay 5 thang 3 nam 2024"])
def test_free_form_dates_are_understood_day_first(text):
    assert parse_date(text)[0] == date(2024, 3, 5)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("31/2/2024", "không có trên lịch"), ("1/1/2999", "tương lai"), ("tuần trước", "định dạng"), ("5/13/2020", "không có trên lịch")],
)
def test_wrong_dates_say_what_is_wrong(text, fragment):
    value, error = check_date(text)
    assert value is None and fragment in error


def test_cccd_rules():
    assert check_cccd("001090012345") == ("001090012345", None)
    assert "12 chữ số" in check_cccd("00109001234")[1]
    assert "Mã tỉnh" in check_cccd("003090012345")[1]  # 003 is no province
    assert "năm sinh 1990" in check_cccd("001090012345", dob="01/01/1991")[1]
    assert "giới tính Nam" in check_cccd("001090012345", sex="Nữ")[1]
    assert check_cccd("079192012345", dob="12/12/1992", sex="Nữ")[0] == "079192012345"
    assert check_cccd("001 090 012 345")[0] == "001090012345"


def test_phone_name_sex_choice():
    assert check_phone("0912 345 678")[0] == "0912345678"
    assert check_phone("+84912345678")[0] == "0912345678"
    assert check_phone("0123")[0] is None
    assert check_name("nguyễn văn an")[0] == "Nguyễn Văn An"
    assert check_name("An")[0] is None and check_name("Nguyen Van 123")[0] is None
    assert check_sex("nu")[0] == "Nữ" and check_sex("trai")[0] == "Nam"
    assert check_choice(["Chưa kết hôn", "Đã ly hôn"])("chua ket hon")[0] == "Chưa kết hôn"
    assert check_choice(["Chưa kết hôn", "Đã ly hôn"])("2")[0] == "Đã ly hôn"


def test_child_must_be_born_after_parents():
    data = {"child_dob": "05/03/2024"}
    assert cross_check(BIRTH, "mother_birth_year", "2025", data) is not None
    assert cross_check(BIRTH, "mother_birth_year", "1994", data) is None


def test_answers_in_the_citizens_own_words():
    from datetime import date, timedelta

    choose = FORMS["to-khai-xac-nhan-tinh-trang-hon-nhan"].field("marital_status").check
    assert choose("đang có vợ") == ("Đang có vợ/chồng", None)
    assert choose("dang co chong") == ("Đang có vợ/chồng", None)
    assert choose("đã ly hôn") == ("Đã đăng ký kết hôn nhưng đã ly hôn", None)
    assert choose("có")[0] is None  # fits several options: asked again
    today = date(2026, 11, 23)
    assert parse_date("hôm qua", today) == (today - timedelta(days=1), None)
    assert parse_date("cháu sinh hôm nay", today) == (today, None)
