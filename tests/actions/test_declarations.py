"""Every declaration, from the words a citizen (or its button) sends to the printed PDF, in-process:
the form is chosen from what was asked, each question is answered as a citizen would, the values
printed are the normalised ones, and a wrong answer is refused with the field's own reason."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from actions import messages as m
from actions.dossier import ActionStartDossier, Step
from actions.titles import MAX_BUTTON_CHARS
from dossiers.drafts import checklist
from dossiers.forms import FORMS, form_offers
from dossiers.pdf import declaration_pdf
from storage import citizens
from tests.actions.conversation import run, texts, tracker
from tests.actions.test_dossier_form import Form

DEATH = {
    "requester_name": "Lê Thị Hoa", "requester_id": "001190012345", "requester_residence": "Thôn Đoài, xã Đông Anh, Hà Nội",
    "relationship": "tôi là con gái của ông", "deceased_name": "lê văn nam", "deceased_dob": "3/4/1950",
    "deceased_sex": "nam", "deceased_ethnicity": "Kinh", "deceased_nationality": "Việt Nam", "deceased_id": "không biết",
    "deceased_residence": "như của tôi", "death_time": "2 giờ chiều", "death_date": "ngày 10 tháng 11 năm 2026",
    "death_place": "Bệnh viện Bạch Mai, Hà Nội", "death_cause": "Tuổi già", "death_notice": "Giấy báo tử số 15/GBT của Bệnh viện Bạch Mai",
}
MARRIAGE = {
    "bride_name": "Phạm Thu Trang", "bride_dob": "20/10/1998", "bride_ethnicity": "Kinh", "bride_nationality": "Việt Nam",
    "bride_residence": "Số 12 Trần Phú, phường Ba Đình, Hà Nội", "bride_id": "001198004321", "bride_marriage_count": "1",
    "groom_name": "Đỗ Minh Quân", "groom_dob": "02/01/1996", "groom_ethnicity": "Kinh", "groom_nationality": "Việt Nam",
    "groom_residence": "Số 3 Lý Thường Kiệt, phường Cửa Nam, Hà Nội", "groom_id": "001096001234", "groom_marriage_count": "lần 1",
}
EXTRACT = {
    "requester_name": "Vũ Văn Long", "requester_id": "036085001122", "requester_residence": "Xóm 2, xã Hải Hậu, Ninh Bình",
    "relationship": "bản thân", "record_kind": "1", "subject_name": "Vũ Văn Long", "subject_dob": "05/06/1985",
    "subject_sex": "Nam", "subject_ethnicity": "Kinh", "subject_nationality": "Việt Nam",
    "registered_at": "UBND xã Hải Hậu, Nam Định", "registered_date": "không rõ", "copies": "2",
}
ID_CARD = {
    "full_name": "Ngô Thị Lan", "dob": "14/02/2001", "sex": "Nữ", "id_number": "079301006789",
    "residence": "Số 40 Nguyễn Trãi, phường Bến Thành, TP Hồ Chí Minh", "phone": "0987654321", "email": "lan.ngo@gmail.com",
    "reason": "mất thẻ",
}
BUSINESS = {
    "business_name": "Hộ kinh doanh Tạp hóa Minh An", "business_address": "Số 7 Chợ Cũ, phường Hạc Thành, Thanh Hóa",
    "business_phone": "0912345678", "business_lines": "Bán lẻ thực phẩm, đồ uống", "capital": "150 triệu", "workers": "2",
    "owner_name": "Trịnh Minh An", "owner_dob": "01/09/1988", "owner_sex": "nam", "owner_ethnicity": "Kinh",
    "owner_nationality": "Việt Nam", "owner_id": "038088007777", "owner_residence": "Số 7 Chợ Cũ, phường Hạc Thành, Thanh Hóa",
}

CASES = [  # what the citizen types to ask, the form expected, the answers, what the PDF must print
    ("điền tờ khai đăng ký khai tử", "to-khai-dang-ky-khai-tu", DEATH,
     ["TỜ KHAI ĐĂNG KÝ KHAI TỬ", "Con", "Lê Văn Nam", "Thôn Đoài, xã Đông Anh, Hà Nội", "14 giờ 00 phút", "10/11/2026"]),
    ("dien to khai dang ky ket hon", "to-khai-dang-ky-ket-hon", MARRIAGE,
     ["TỜ KHAI ĐĂNG KÝ KẾT HÔN", "BÊN NỮ", "BÊN NAM", "Phạm Thu Trang", "Đỗ Minh Quân", "Bên nữ và bên nam (ký"]),
    ("điền tờ khai cấp bản sao trích lục hộ tịch", "to-khai-cap-ban-sao-trich-luc-ho-tich", EXTRACT,
     ["TỜ KHAI CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH", "Bản thân", "Giấy khai sinh", "Số bản sao đề nghị cấp: 2"]),
    ("điền tờ khai cấp lại thẻ căn cước", "dc02-phieu-de-nghi-thu-tuc-can-cuoc", ID_CARD,
     ["Mẫu DC02", "Cấp lại thẻ căn cước", "Thẻ bị mất", "Ngô Thị Lan"]),
    ("điền giấy đề nghị đăng ký hộ kinh doanh", "giay-de-nghi-dang-ky-ho-kinh-doanh", BUSINESS,
     ["GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH", "150.000.000 đồng", "Trịnh Minh An", "Chủ hộ kinh doanh (ký"]),
]


@pytest.mark.slow  # the form is chosen by the search (built index)
@pytest.mark.parametrize(("asked", "form_id", "answers", "printed"), CASES, ids=[c[1] for c in CASES])
def test_a_declaration_is_chosen_filled_and_printed(app_db, asked, form_id, answers, printed):
    events, said = run(ActionStartDossier(), tracker(asked, sender=f"web:{form_id}", intent="start_dossier"))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots.get("dossier_form_id") == form_id, texts(said)
    form = Form(f"web:{form_id}")
    form.slots.update(slots)
    prefilled = []
    question = form.ask()
    while form.slots["dossier_step"] == Step.FIELD:
        key = form.slots["dossier_field"]
        if form.slots["dossier_pending"]:  # a default offered for confirmation
            prefilled.append((key, form.slots["dossier_pending"]))
            reply = form.say("đúng" if key not in answers or answers[key] == form.slots["dossier_pending"] else "sửa")
            if key in answers and answers[key] != form.slots["dossier_pending"]:
                form.ask()
                reply = form.say(answers[key])
        else:
            assert question == FORMS[form_id].field(key).question
            reply = form.say(answers[key])
        assert reply == "", f"{key}: {reply}"  # every answer above is valid
        question = form.ask()
    assert form.slots["dossier_step"] == Step.CONFIRM
    form.say("hoàn tất")
    said = form.submit()[1]
    code = said.split("mã ", 1)[1].split(" ", 1)[0]
    dossier = citizens.get_dossier(code)
    assert dossier["form_id"] == form_id and set(dossier["data"]) == {f.key for f in FORMS[form_id].fields}
    pdf = declaration_pdf(dossier, checklist(dossier["procedure_code"]))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for value in printed:
        assert value in text, value
    if form_id.startswith("dc02"):  # the procedure asked for decides the request, offered to confirm
        assert ("request", "Cấp lại thẻ căn cước") in prefilled


@pytest.mark.parametrize(("form_id", "data", "key", "answer", "reason"), [
    ("to-khai-dang-ky-khai-sinh", {}, "requester_residence", "15/03/1990", "địa chỉ"),
    ("to-khai-dang-ky-khai-sinh", {}, "relationship", "nam", "Quan hệ"),
    ("to-khai-dang-ky-khai-sinh", {}, "child_birthplace", "12345", "tên một nơi"),
    ("to-khai-dang-ky-khai-tu", {"deceased_dob": "03/04/1950"}, "death_date", "01/01/1949", "phải trước"),
    ("to-khai-dang-ky-ket-hon", {}, "groom_dob", "01/01/2010", "từ đủ 20 tuổi"),
    ("to-khai-dang-ky-ket-hon", {"bride_dob": "20/10/1998"}, "bride_id", "001098004321", "giới tính Nam"),
    ("giay-de-nghi-dang-ky-ho-kinh-doanh", {}, "capital", "nhiều lắm", "Số tiền"),
    ("to-khai-cap-ban-sao-trich-luc-ho-tich", {}, "copies", "vài bản", "một số"),
])
def test_a_wrong_answer_is_refused_with_its_reason_and_asked_again(app_db, form_id, data, key, answer, reason):
    form = Form()
    form.slots.update(dossier_form_id=form_id, dossier_step=Step.FIELD, dossier_field=key, dossier_asked=True,
                      dossier_data=dict(data), dossier_consent=False)
    reply = form.say(answer)
    assert reason in reply
    assert form.slots["dossier_field"] == key and key not in form.slots["dossier_data"]


@pytest.mark.slow
def test_asking_for_a_form_without_naming_one_offers_every_declaration_on_short_buttons(app_db):
    said = run(ActionStartDossier(), tracker("điền tờ khai", sender="web:which", intent="start_dossier"))[1]
    assert texts(said) == m.DOSSIER_SUPPORTED
    offered = [b["payload"] for b in said[0]["buttons"]]
    assert offered == [say for _, say in form_offers()] and len(offered) >= 9
    assert {form_id for form_id in FORMS} == {
        next(f.id for f in FORMS.values() for o in f.offers if o[1] == say) for say in offered}
    assert max(len(b["title"]) for b in said[0]["buttons"]) <= MAX_BUTTON_CHARS
