"""The receiving office read from a procedure's steps, checked against the records themselves."""

import re

import pytest

from actions.answers import place
from knowledge.catalogue import get_procedure, load_catalogue
from knowledge.places import receiving_office


def without_agency() -> list:
    return [p for p in load_catalogue().values() if not (p.agencies or p.competent_agency)]


def folded(text: str) -> str:
    return " ".join(text.split()).lower()


def test_the_office_is_what_the_steps_say_for_every_record_without_an_agency():
    found = 0
    for procedure in without_agency():
        office = receiving_office(procedure)
        if office:
            found += 1
            assert folded(office) in folded(" ".join(procedure.steps)), procedure.code
            assert not re.search(r"\d", office[-3:]) and len(office.split()) >= 3, office  # not cut into a number
    assert found / len(without_agency()) >= 0.8


@pytest.mark.parametrize(("code", "office"), [
    ("1.004498", "Ủy ban nhân dân cấp xã"),  # "…nộp 01 bộ hồ sơ … đến Ủy ban nhân dân cấp xã bằng hình thức trực tiếp…"
    ("2.002648", "Cơ quan đăng ký kinh doanh cấp xã nơi đặt trụ sở chính"),
    ("1.014863", "UBND cấp xã"),  # "Tổ chức, cá nhân nộp hồ sơ đến UBND cấp xã."
    ("1.008544", "Cơ quan thuế"),
])
def test_known_offices(code, office):
    assert get_procedure(code).agencies == [] and receiving_office(get_procedure(code)) == office


def test_the_place_answer_names_the_office_when_the_portal_does_not():
    answer = place(get_procedure("1.004498"))
    assert "Ủy ban nhân dân cấp xã" in answer and "Cấp xã" in answer


def test_an_agency_the_portal_gives_is_kept():
    procedure = next(p for p in load_catalogue().values() if p.agencies)
    assert procedure.agencies[0][:40] in place(procedure)
