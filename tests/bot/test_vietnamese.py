"""The shared Vietnamese text module, on real sentences (real underthesea for segmentation)."""

from bot.vietnamese import (
    DiacriticRestorer,
    canonical,
    expand_abbreviations,
    expand_word,
    fold,
    normalize,
    segment,
)


def test_fold_removes_every_diacritic_and_d_stroke():
    assert fold("Đăng ký khai sinh ở Ủy ban") == "Dang ky khai sinh o Uy ban"


def test_normalize_unifies_tone_placement_and_case():
    # "hoà"/"hòa", "thuỷ"/"thủy" are the same words typed with two conventions.
    assert normalize("Hoà giải") == normalize("hòa giải") == "hòa giải"
    assert normalize("THUỶ LỢI") == "thủy lợi"
    assert normalize("người  ngoài   khuyến") == "người ngoài khuyến"


def test_abbreviations_and_teencode_expand():
    assert expand_abbreviations("ko co gplx thi sao") == "không co giấy phép lái xe thi sao"
    assert expand_abbreviations("lam cccd o q.3 tp hcm") == "lam căn cước công dân o quận 3 thành phố hồ chí minh"
    assert expand_abbreviations("đk tạm trú") == "đăng ký tạm trú"


def test_canonical_makes_accented_and_plain_typing_equal():
    assert canonical("làm CCCD ở đâu") == canonical("lam can cuoc cong dan o dau")


def test_segment_keeps_offsets_of_the_original_text():
    text = "Làm giấy khai sinh ở đâu?"
    words = segment(text)
    assert ("khai_sinh", 9, 18) in words
    assert all(text[a:b].lower().replace(" ", "_") == w for w, a, b in words)


def test_segment_keeps_codes_and_dates_whole():
    words = [w for w, _, _ in segment("tra cứu hồ sơ HS-2026-000123 ngày 5/3/2024")]
    assert "hs-2026-000123" in words and "5/3/2024" in words


def test_segment_leaves_unaccented_text_one_syllable_a_word():
    assert [w for w, _, _ in segment("dieu kien la gi")] == ["dieu", "kien", "la", "gi"]


def test_expand_word_turns_abbreviation_tokens_into_words():
    assert expand_word("cccd") == "căn_cước_công_dân"
    assert expand_word("khai_sinh") == "khai_sinh"


def test_restorer_puts_diacritics_back_using_its_training_text():
    restorer = DiacriticRestorer.train(
        ["Đăng ký khai sinh cho trẻ em", "Giấy khai sinh", "Đăng ký kết hôn", "làm giấy khai sinh ở đâu"] * 3
    )
    assert restorer.restore("lam giay khai sinh o dau") == "làm giấy khai sinh ở đâu"
    assert restorer.restore("dang ky ket hon") == "đăng ký kết hôn"
    # Syllables typed with diacritics are kept as typed; unknown ones pass through.
    assert restorer.restore("đăng ky xyz") == "đăng ký xyz"
