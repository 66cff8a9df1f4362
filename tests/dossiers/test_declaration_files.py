"""Declarations are data: a new YAML file is a new form, and a file that names what does not exist
is refused when it is read (not halfway through a citizen's form)."""

from pathlib import Path

import pytest
import yaml

from dossiers.forms import DECLARATIONS, FORMS, SHARED, cross_check, load_form
from knowledge.catalogue import get_procedure

GROUPS = yaml.safe_load((DECLARATIONS / SHARED).read_text(encoding="utf-8"))["groups"]
NEW_FORM = """
id: to-khai-thu
title: TỜ KHAI THỬ
legal_form: Mẫu thử
procedures: ["1.000656"]
offers: [{title: Tờ khai thử, say: điền tờ khai thử}]
sections:
  - heading: Người yêu cầu
    fields:
      - use: requester
      - key: since
        label: Ngày bắt đầu
        question: Từ ngày nào?
        check: date
rules:
  - order: {earlier: [since], later: until}
"""


def write(tmp_path: Path, text: str, name: str = "to-khai-thu") -> Path:
    path = tmp_path / f"{name}.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_new_declaration_is_one_yaml_file(tmp_path):
    text = NEW_FORM.replace("rules:", """      - key: until
        label: Ngày kết thúc
        question: Đến ngày nào?
        check: date
rules:""")
    form = load_form(write(tmp_path, text), GROUPS)
    assert [f.key for f in form.fields] == ["requester_name", "requester_id", "requester_residence", "since", "until"]
    assert form.field("requester_residence").check("15/03/1990")[0] is None  # the shared group's address rule
    assert form.field("since").check("ngày 2 tháng 1 năm 2024") == ("02/01/2024", None)
    assert "phải trước" in cross_check(form, "until", "01/01/2024", {"since": "02/01/2024"})
    assert cross_check(form, "until", "03/01/2024", {"since": "02/01/2024"}) is None


@pytest.mark.parametrize(("change", "error"), [
    (lambda t: t, ValueError),  # the rule names "until", which is no field of this form
    (lambda t: t.replace("check: date", "check: dates"), KeyError),  # no such rule
    (lambda t: t.replace("check: date", "check: relationship\n        options: [Hàng xóm]"), ValueError),
    (lambda t: t.replace("id: to-khai-thu", "id: another-id"), ValueError),  # the file name is the id
])
def test_a_declaration_naming_what_does_not_exist_is_refused(tmp_path, change, error):
    with pytest.raises(error):
        load_form(write(tmp_path, change(NEW_FORM)), GROUPS)


def test_every_declaration_belongs_to_real_procedures_and_its_fields_can_be_told_apart():
    assert len(FORMS) >= 8
    for form in FORMS.values():
        assert all(get_procedure(code) for code in form.procedures), form.id
        labels = [f.label for f in form.fields]
        assert len(set(labels)) == len(labels), form.id  # "sửa <label>" must find one field
        assert form.offers, form.id
