"""Procedure buttons fit a phone line and a kiosk button, and tell the options apart."""

from collections import defaultdict

from actions.titles import MAX_BUTTON_CHARS, numbered_titles, shorten
from knowledge.catalogue import load_catalogue
from knowledge.search import base_name


def test_every_choice_between_variants_in_the_catalogue_fits_on_buttons():
    groups = defaultdict(list)
    for procedure in load_catalogue().values():
        groups[base_name(procedure.name)].append(procedure.name)
    checked = 0
    for names in groups.values():
        for options in (names[i:i + 4] for i in range(0, len(names), 4)):
            titles = numbered_titles(options)
            assert all(len(t) <= MAX_BUTTON_CHARS for t in titles), titles
            assert [t.split(".")[0] for t in titles] == [str(i) for i in range(1, len(options) + 1)]
            assert all(t.count("(") == t.count(")") for t in titles), titles
            checked += 1
    assert checked > 100  # the catalogue has many families of variants


def test_the_words_that_differ_are_what_the_button_shows():
    assert numbered_titles([
        "Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con",
        "Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con có yếu tố nước ngoài",
    ])[1] == "2. Có yếu tố nước ngoài"
    assert numbered_titles([
        "Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở lần đầu cho tổ chức (cấp tỉnh)",
        "Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở lần đầu cho hộ gia đình, cá nhân (cấp xã)",
    ]) == ["1. Tổ chức (cấp tỉnh)", "2. Hộ gia đình, cá nhân (cấp xã)"]
    assert numbered_titles(["Đăng ký khai sinh", "Đăng ký khai sinh lưu động"]) == [
        "1. Đăng ký khai sinh", "2. Đăng ký khai sinh lưu động"]  # short names stay whole


def test_each_of_three_options_shows_what_sets_it_apart_from_its_closest():
    from knowledge.catalogue import get_procedure

    # Two first registrations differ only in who registers; the third begins "Đăng ký, cấp": no button
    # may read "Ký đất đai…" (half of "Đăng ký") twice.
    titles = numbered_titles([get_procedure(code).name for code in ("1.013978", "1.012753", "1.012787")])
    assert titles[:2] == ["1. Hộ gia đình, cá nhân, cộng đồng dân…", "2. Tổ chức đang sử dụng đất"]
    assert len(set(titles)) == 3 and not any(t.split(". ", 1)[1].startswith("Ký") for t in titles)


def test_a_cut_is_at_a_word_and_says_so():
    cut = shorten("Thủ tục cấp lại Giấy chứng nhận đăng ký hộ kinh doanh do bị mất")
    assert len(cut) <= MAX_BUTTON_CHARS and cut.endswith("…") and cut[:-1] in "Thủ tục cấp lại Giấy chứng nhận đăng ký hộ"


def test_every_fixed_button_fits():
    from pathlib import Path

    import yaml

    from actions import messages as m

    fixed = [title for value in vars(m).values() if isinstance(value, list)
             for item in value if isinstance(item, tuple) for title in item[:1]]
    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "bot" / "domain.yml").read_text(encoding="utf-8"))
    fixed += [b["title"] for variants in domain["responses"].values() for v in variants for b in v.get("buttons", [])]
    assert len(fixed) > 20 and max(map(len, fixed)) <= MAX_BUTTON_CHARS, max(fixed, key=len)
