"""Dossier prefill through the real gateway, Rasa server (forms) and action server."""

import io
import json
import sqlite3
import urllib.request
import uuid

import pytest
from pypdf import PdfReader

from actions import messages as m
from dossiers.forms import FORMS, Form
from tests.helpers import IssuedChat, signed_in_chat, texts

BIRTH = FORMS["to-khai-dang-ky-khai-sinh"]
MARITAL = FORMS["to-khai-xac-nhan-tinh-trang-hon-nhan"]
RESIDENCE = FORMS["ct01-to-khai-thay-doi-thong-tin-cu-tru"]
DEATH = FORMS["to-khai-dang-ky-khai-tu"]

pytestmark = pytest.mark.integration
TOKEN = {"Authorization": "Bearer test-officer-token"}

ADULT = {"full_name": "Trần Thị Mai", "dob": "12/12/1992", "sex": "Nữ", "id_number": "079192012345",
         "phone": "0912345678", "residence": "Số 5 Lê Lợi, phường Bến Thành, TP Hồ Chí Minh"}
MARITAL_ANSWERS = {
    "requester_name": ADULT["full_name"], "requester_dob": ADULT["dob"], "requester_sex": "nữ",
    "requester_ethnicity": "Kinh", "requester_nationality": "Việt Nam", "requester_id": ADULT["id_number"],
    "requester_residence": ADULT["residence"], "residence_period": "không", "marital_status": "1",
    "purpose": "Đăng ký kết hôn",
}
BIRTH_ANSWERS = {
    "requester_name": "Lê Văn Hùng", "requester_id": "001090012345", "requester_residence": "Xã Đông Anh, Hà Nội",
    "relationship": "Cha", "child_name": "Lê Minh Khôi", "child_dob": "ngày 5 tháng 3 năm 2024", "child_sex": "trai",
    "child_ethnicity": "Kinh", "child_nationality": "Việt Nam", "child_birthplace": "Bệnh viện Phụ sản Hà Nội",
    "child_hometown": "Nghệ An", "mother_name": "Phạm Thu Hà", "mother_birth_year": "1994", "mother_ethnicity": "Kinh",
    "mother_nationality": "Việt Nam", "mother_residence": "Xã Đông Anh, Hà Nội", "father_name": "Lê Văn Hùng",
    "father_birth_year": "1990", "father_ethnicity": "Kinh", "father_nationality": "Việt Nam",
    "father_residence": "Xã Đông Anh, Hà Nội",
}
RESIDENCE_ANSWERS = {
    "full_name": ADULT["full_name"], "dob": ADULT["dob"], "sex": "Nữ", "id_number": ADULT["id_number"],
    "phone": ADULT["phone"], "email": "không", "head_name": "Trần Văn Bình", "head_relationship": "Con",
    "head_id_number": "079060001122", "head_consent": "đồng ý", "content": "Đăng ký thường trú vào hộ gia đình của cha",
    "new_address": "Số 8 Nguyễn Huệ, phường Sài Gòn, TP Hồ Chí Minh",
}

DEATH_ANSWERS = {
    "requester_name": "Lê Thị Hoa", "requester_id": "001190012345", "requester_residence": "Thôn Đoài, xã Đông Anh, Hà Nội",
    "relationship": "con gái", "deceased_name": "Lê Văn Nam", "deceased_dob": "03/04/1950", "deceased_sex": "Nam",
    "deceased_ethnicity": "Kinh", "deceased_nationality": "Việt Nam", "deceased_id": "không biết",
    "deceased_residence": "như của tôi", "death_time": "không rõ", "death_date": "10/11/2026",
    "death_place": "Bệnh viện Bạch Mai, Hà Nội", "death_cause": "Tuổi già", "death_notice": "không",
}


@pytest.fixture()
def chat(stack):
    """Forms need a gateway-issued conversation: these citizens chat as the widget does (tests/helpers.py)."""
    return IssuedChat(stack.url("gateway"))


def asked_field(form: Form, text: str):
    """Which field the bot asks now (a question, or a prefilled value to confirm)."""
    for field in form.fields:
        if field.question in text:
            return field, None
        if f"{field.label}: " in text and "— đúng không?" in text:
            value = text.split(f"{field.label}: ", 1)[1].split(" — đúng không?", 1)[0]
            return field, value
    return None, None


def fill(chat, sender, form, answers, reply, consent="đồng ý", log=None):
    """Answer every question until the summary; prefilled values are confirmed when they match."""
    for _ in range(3 * len(form.fields) + 5):
        text = texts(reply)
        if log is not None:
            log.append(text)
        if m.CONFIRM_FINISH in text:
            return reply
        if m.CONSENT_QUESTION in text:
            reply = chat(sender, consent)
            continue
        field, prefilled = asked_field(form, text)
        assert field is not None, text
        if prefilled is not None:
            reply = chat(sender, "đúng" if prefilled.lower() == answers[field.key].lower() else "sửa")
            if prefilled.lower() != answers[field.key].lower():
                reply = chat(sender, answers[field.key])
        else:
            reply = chat(sender, answers[field.key])
    raise AssertionError("form did not reach the summary")


def finish(chat, sender):
    """Confirm the summary; returns (dossier code, document link, all replies)."""
    replies = chat(sender, "hoàn tất")
    done = next(r["text"] for r in replies if "Đã tạo hồ sơ nháp" in (r.get("text") or ""))
    document = next(r["custom"]["document"] for r in replies if (r.get("custom") or {}).get("document"))
    return done.split("mã ", 1)[1].split(" ", 1)[0], document, replies


def get(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def pdf_text(stack, url):
    pdf = get(stack.url("gateway") + url)
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_anonymous_birth_declaration_keeps_nothing_personal(stack, chat):
    sender = f"d-{uuid.uuid4().hex[:8]}"
    start = chat(sender, "dien to khai dang ky khai sinh")
    assert m.ANONYMOUS_FORM in texts(start) and m.CONSENT_QUESTION not in texts(start)
    summary = texts(fill(chat, sender, BIRTH, BIRTH_ANSWERS, start))
    assert "Lê Minh Khôi" in summary and "05/03/2024" in summary and "Nam" in summary
    code, document, replies = finish(chat, sender)
    assert code.startswith("HS-") and document["filename"] == f"{code}.pdf"
    text = pdf_text(stack, document["url"])
    for value in ["TỜ KHAI ĐĂNG KÝ KHAI SINH", code, "Lê Minh Khôi", "Bệnh viện Phụ sản Hà Nội", "Phạm Thu Hà", "Nghệ An"]:
        assert value in text
    draft = json.loads(get(stack.url("gateway") + document["url"].replace(".pdf", ".json")))
    assert draft["fields"]["child_name"] == "Lê Minh Khôi" and draft["procedure"] == "1.001193"
    assert draft["checklist"] and any("Giấy chứng sinh" in item for item in draft["checklist"])
    assert any(m.CHECKLIST_HEADER in (r.get("text") or "") for r in replies)
    assert m.PROFILE_SAVED not in texts(replies)
    assert texts(chat(sender, "thông tin của tôi")).startswith(m.PROFILE_NEEDS_LOGIN)  # nothing shown without login


def test_profile_is_saved_with_consent_and_prefills_the_next_form(stack):
    signed_in, conversation = signed_in_chat(stack.url("gateway"), "an")

    def chat(_, text):
        return signed_in(text)

    sender = conversation
    start = chat(sender, "điền tờ khai xác nhận tình trạng hôn nhân")
    assert m.CONSENT_QUESTION in texts(start)  # signed in: asked once whether to keep the data
    fill(chat, sender, MARITAL, MARITAL_ANSWERS, start)
    _, _, replies = finish(chat, sender)
    assert m.PROFILE_SAVED in texts(replies)
    shown = texts(chat(sender, "thong tin cua toi"))
    assert ADULT["full_name"] in shown and "079******345" in shown and ADULT["id_number"] not in shown

    log = []
    start = chat(sender, "điền tờ khai đăng ký thường trú")
    assert m.CONSENT_QUESTION not in texts(start)  # consent already given
    fill(chat, sender, RESIDENCE, RESIDENCE_ANSWERS, start, log=log)
    confirmations = [t for t in log if "— đúng không?" in t]
    assert any(f"Họ, chữ đệm và tên: {ADULT['full_name']}" in t for t in confirmations)
    assert any(f"Số định danh cá nhân: {ADULT['id_number']}" in t for t in confirmations)
    _, document, _ = finish(chat, sender)
    assert "Trần Văn Bình" in pdf_text(stack, document["url"])

    asked = chat(sender, "xóa thông tin của tôi")
    assert texts(asked) == m.DELETE_CONFIRM  # confirmed first: nothing is gone yet
    assert ADULT["full_name"] in texts(chat(sender, "thong tin cua toi"))
    confirm = next(b["payload"] for b in asked[0]["buttons"] if b["title"] == "Xóa hết")
    trackers = sqlite3.connect(stack.env["TRACKER_DB_NAME"])
    typed = "SELECT count(*) FROM events WHERE sender_id = ? AND data LIKE ?"
    assert trackers.execute(typed, (conversation, f"%{ADULT['id_number']}%")).fetchone()[0] > 0
    deleted = texts(chat(sender, confirm))
    assert deleted.startswith("Đã xóa toàn bộ thông tin cá nhân")
    # Rasa's tracker store no longer holds anything the citizen typed (the CCCD included).
    assert trackers.execute("SELECT count(*) FROM events WHERE sender_id = ?", (conversation,)).fetchone()[0] == 0
    # the profile went with the sign-in: signing in again shows nothing kept
    again, _ = signed_in_chat(stack.url("gateway"), "an")
    assert texts(again("thông tin của tôi")) == m.PROFILE_EMPTY


def test_validation_reasks_and_keeps_what_was_given(chat):
    sender = f"d-{uuid.uuid4().hex[:8]}"
    chat(sender, "điền tờ khai đăng ký tạm trú")
    chat(sender, "Trần Thị Mai")
    wrong_date = texts(chat(sender, "31/2/1992"))
    assert "không có trên lịch" in wrong_date and RESIDENCE.field("dob").question in wrong_date
    future = texts(chat(sender, "1/1/2999"))
    assert "tương lai" in future
    chat(sender, "12/12/1992")
    chat(sender, "nữ")
    assert "12 chữ số" in texts(chat(sender, "12345"))
    assert "Mã tỉnh" in texts(chat(sender, "003192012345"))
    assert "năm sinh 1990" in texts(chat(sender, "001090012345"))  # CCCD says 1990, date of birth says 1992
    assert "giới tính Nam" in texts(chat(sender, "079092012345"))
    assert RESIDENCE.field("phone").question in texts(chat(sender, "079192012345"))
    assert "Số điện thoại chưa đúng" in texts(chat(sender, "0123"))
    chat(sender, "0912345678")
    review = texts(chat(sender, "xem lại"))
    for value in ["Trần Thị Mai", "12/12/1992", "079192012345", "0912345678"]:
        assert value in review  # nothing lost after the wrong answers
    fixed = texts(chat(sender, "sửa ngày sinh"))
    assert RESIDENCE.field("dob").question in fixed
    back = texts(chat(sender, "12/12/1992"))
    assert RESIDENCE.field("email").question in back  # returns to the first field still missing
    assert texts(chat(sender, "hủy")) == m.DOSSIER_CANCELLED


def test_child_born_before_parent_is_refused(chat):
    sender = f"d-{uuid.uuid4().hex[:8]}"
    reply = fill_until(chat, sender, BIRTH, {**BIRTH_ANSWERS}, "mother_birth_year",
                       chat(sender, "dien to khai dang ky khai sinh"))
    assert "phải trước năm sinh của cháu" in texts(chat(sender, "2025")) and reply
    chat(sender, "hủy")


def fill_until(chat, sender, form, answers, stop_key, reply):
    for _ in range(3 * len(form.fields)):
        text = texts(reply)
        if m.CONSENT_QUESTION in text:
            reply = chat(sender, "không đồng ý")
            continue
        field, prefilled = asked_field(form, text)
        if field.key == stop_key:
            return reply
        reply = chat(sender, "đúng" if prefilled is not None and prefilled == answers[field.key] else answers[field.key])
    raise AssertionError(f"{stop_key} never asked")


def test_restart_every_process_mid_form_resumes_where_it_was(stack, chat):
    sender = f"d-{uuid.uuid4().hex[:8]}"
    reply = fill_until(chat, sender, MARITAL, MARITAL_ANSWERS, "requester_id",
                       chat(sender, "điền tờ khai xác nhận tình trạng hôn nhân"))
    assert MARITAL.field("requester_id").question in texts(reply)
    order = list(stack.specs)  # actions, the Rasa workers, gateway
    for name in reversed(order):
        stack.stop(name)
    for name in order:
        stack.start(name)
    after = texts(chat(sender, ADULT["id_number"]))
    assert MARITAL.field("requester_residence").question in after
    review = texts(chat(sender, "xem lại"))
    assert ADULT["full_name"] in review and ADULT["dob"] in review
    chat(sender, "hủy")


def test_status_lookup_and_officer_note(stack, chat):
    sender = f"d-{uuid.uuid4().hex[:8]}"
    fill(chat, sender, MARITAL, MARITAL_ANSWERS, chat(sender, "điền tờ khai xác nhận tình trạng hôn nhân"),
         consent="không")
    code, _, _ = finish(chat, sender)
    assert "nháp" in texts(chat(sender, f"tra cứu hồ sơ {code}"))
    request = urllib.request.Request(
        f"{stack.url('gateway')}/officer/dossiers/{code}", method="PATCH",
        data=json.dumps({"status": "cần bổ sung", "note": "Thiếu bản sao giấy tờ tùy thân"}).encode(),
        headers={"Content-Type": "application/json", **TOKEN})
    assert json.loads(urllib.request.urlopen(request, timeout=30).read())["status"] == "cần bổ sung"
    report = texts(chat(sender, f"tra cuu ho so {code.lower()}"))
    assert "cần bổ sung" in report and "Thiếu bản sao giấy tờ tùy thân" in report
    assert texts(chat(f"other-{uuid.uuid4().hex[:6]}", f"tra cứu hồ sơ {code}")) == m.STATUS_NOT_FOUND.format(code=code)


def test_a_declaration_added_as_data_is_filled_through_the_stack(stack, chat):
    """Khai tử, one of the declarations that exist only as a YAML file: asked for in the citizen's words,
    filled with answers a family member would give, printed."""
    sender = f"d-{uuid.uuid4().hex[:8]}"
    start = chat(sender, "cho toi dien to khai khai tu cho bo")
    assert "Tờ khai đăng ký khai tử" in texts(start) and DEATH.fields[0].question in texts(start)
    wrong = chat(sender, "15/03/1990")  # a date is no name: refused with the reason, asked again
    assert "Họ tên" in texts(wrong) and DEATH.fields[0].question in texts(wrong)
    summary = texts(fill(chat, sender, DEATH, DEATH_ANSWERS, wrong))
    assert "Quan hệ với người đã chết: Con" in summary and "Nơi cư trú cuối cùng: Thôn Đoài, xã Đông Anh, Hà Nội" in summary
    code, document, _ = finish(chat, sender)
    text = pdf_text(stack, document["url"])
    for value in ["TỜ KHAI ĐĂNG KÝ KHAI TỬ", "NGƯỜI ĐÃ CHẾT", code, "Lê Văn Nam", "10/11/2026", "Bệnh viện Bạch Mai"]:
        assert value in text, value


def test_every_offered_declaration_starts_from_its_button(chat):
    """What each button of "điền tờ khai" sends is understood as a form request and starts that form."""
    for form in FORMS.values():
        for title, say in form.offers:
            sender = f"o-{uuid.uuid4().hex[:8]}"
            started = texts(chat(sender, say))
            assert m.DOSSIER_START.format(title=form.title.capitalize()) in started, (title, started)
            assert m.DOSSIER_CANCELLED in texts(chat(sender, "hủy"))
