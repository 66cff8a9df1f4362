"""The declaration form, step by step, in-process: consent, prefill, validation, fixes, cancel, output —
and what is kept: only for a signed-in citizen (a conversation bound to a proven identity)."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import messages as m
from actions.dossier import (
    ActionAskDossierAnswer,
    ActionCheckDossierStatus,
    ActionDeleteProfile,
    ActionLogin,
    ActionShowProfile,
    ActionStartDossier,
    ActionSubmitDossier,
    Kind,
    Step,
    ValidateDossierForm,
    parse_command,
)
from dossiers.forms import FORMS
from storage import identities
from tests.actions.conversation import run, texts, tracker

RESIDENCE = FORMS["ct01-to-khai-thay-doi-thong-tin-cu-tru"]

ANSWERS = {
    "full_name": "Trần Thị Mai", "dob": "12/12/1992", "sex": "nữ", "id_number": "079192012345", "phone": "0912 345 678",
    "email": "không", "head_name": "Trần Văn Bình", "head_relationship": "Con", "head_id_number": "079060001122", "head_consent": "đồng ý",
    "content": "Đăng ký thường trú vào hộ gia đình của cha", "new_address": "Số 8 Nguyễn Huệ, phường Sài Gòn, TP Hồ Chí Minh",
}


def sign_in(conversation: str, citizen: str) -> str:
    """What the gateway does after a login: bind the conversation to the proven identity."""
    identities.link(conversation, citizen)
    return citizen


def offers_login(messages: list[dict]) -> bool:
    return any((msg.get("custom") or {}).get(identities.LOGIN_MARK) for msg in messages)


class Form:
    """One citizen filling the CT01 declaration: asks, answers and the slots between them."""

    def __init__(self, sender: str = "citizen") -> None:
        self.sender = sender
        self.slots = {"dossier_form_id": RESIDENCE.id, "dossier_procedure": "1.004222", "dossier_data": {},
                      "dossier_step": Step.CONSENT, "dossier_field": None, "dossier_consent": None,
                      "dossier_pending": None, "dossier_asked": None}

    def ask(self) -> str:
        events, messages = run(ActionAskDossierAnswer(), tracker(slots=self.slots, sender=self.sender))
        self.slots.update({e["name"]: e["value"] for e in events if e["event"] == "slot"})
        return texts(messages)

    def say(self, text: str) -> str:
        dispatcher = CollectingDispatcher()
        changes = asyncio.run(ValidateDossierForm().validate_dossier_answer(
            text, dispatcher, tracker(text, self.slots, self.sender), {}))
        self.slots.update(changes)
        return texts(dispatcher.messages)

    def answer_all(self) -> None:
        while self.slots["dossier_step"] == Step.FIELD:
            self.say("đúng" if self.slots["dossier_pending"] else ANSWERS[self.slots["dossier_field"]])
            self.ask()

    def submit(self) -> tuple[list[dict], str]:
        events, messages = run(ActionSubmitDossier(), tracker(slots=self.slots, sender=self.sender))
        return events, texts(messages)


@pytest.mark.parametrize(("text", "kind", "words"), [
    ("Đúng rồi", Kind.YES, ""), ("dong y luu nhe", Kind.YES, ""), ("ko", Kind.NO, ""), ("Không đồng ý", Kind.NO, ""),
    ("Hủy", Kind.CANCEL, ""), ("thôi không làm nữa", Kind.CANCEL, ""), ("xem lại", Kind.REVIEW, ""),
    ("sửa ngày sinh", Kind.FIX, "ngay sinh"), ("Sửa", Kind.FIX, ""), ("Lê Văn Hùng", Kind.ANSWER, ""),
])
def test_one_parser_reads_what_a_citizen_types(text, kind, words):
    command = parse_command(text)
    assert (command.kind, command.words) == (kind, words)


def test_a_whole_declaration_without_consent_keeps_no_profile(app_db):
    from storage import citizens

    citizen = sign_in("no-consent", "citizen-1")
    form = Form("no-consent")
    assert m.CONSENT_QUESTION in form.ask()
    assert form.say("không đồng ý") == m.CONSENT_NO
    assert form.ask() == RESIDENCE.fields[0].question
    form.answer_all()
    assert form.slots["dossier_step"] == Step.CONFIRM
    assert form.slots["dossier_data"]["phone"] == "0912345678" and form.slots["dossier_data"]["email"] == ""
    form.say("hoàn tất")
    assert form.slots["dossier_step"] == Step.DONE and form.slots["dossier_answer"] == "hoàn tất"
    events, said = form.submit()
    assert SlotSet("dossier_step", None) in events and "Đã tạo hồ sơ nháp mã HS-" in said
    assert citizens.get_profile(citizen) is None


def test_consent_saves_the_profile_and_the_next_form_offers_it_in_any_conversation_of_the_citizen(app_db):
    from storage import citizens

    citizen = sign_in("consents", "citizen-2")
    first = Form("consents")
    first.ask()
    assert first.say("Đồng ý lưu") == m.CONSENT_YES
    first.ask()
    first.answer_all()
    first.say("đúng")
    assert m.PROFILE_SAVED in first.submit()[1]
    assert citizens.get_profile(citizen)["id_number"] == ANSWERS["id_number"]

    sign_in("telegram:777", citizen)  # the same citizen, later, from another channel
    again = Form("telegram:777")
    again.slots.update(dossier_step=Step.FIELD, dossier_field="full_name", dossier_consent=True)
    assert again.ask() == m.CONFIRM_PREFILL.format(label=RESIDENCE.fields[0].label, value="Trần Thị Mai")
    again.say("đúng")
    assert again.slots["dossier_data"]["full_name"] == "Trần Thị Mai" and again.slots["dossier_field"] == "dob"


def test_a_wrong_cccd_is_explained_and_asked_again(app_db):
    form = Form()
    form.slots.update(dossier_step=Step.FIELD, dossier_field="id_number", dossier_asked=True,
                      dossier_data={"full_name": "Trần Thị Mai", "dob": "12/12/1992", "sex": "Nữ"})
    reply = form.say("07919201234")
    assert "12" in reply and form.slots["dossier_field"] == "id_number" and "id_number" not in form.slots["dossier_data"]
    reply = form.say("079092012345")  # a man's century/sex digit for a woman
    assert reply and form.slots["dossier_field"] == "id_number"
    assert form.say("079192012345") == "" and form.slots["dossier_field"] == "phone"


def test_a_fix_at_the_summary_goes_back_to_that_field_only(app_db):
    form = Form()
    form.slots.update(dossier_step=Step.CONFIRM, dossier_asked=True, dossier_data={
        k: v for k, v in ANSWERS.items() if k not in {"phone", "email"}} | {"phone": "0912345678", "email": ""})
    form.say("sửa ngày sinh")
    assert (form.slots["dossier_step"], form.slots["dossier_field"]) == (Step.FIELD, "dob")
    assert "dob" not in form.slots["dossier_data"]
    form.say("ngày 1 tháng 2 năm 1992")
    assert form.slots["dossier_step"] == Step.CONFIRM and form.slots["dossier_data"]["dob"] == "01/02/1992"
    unknown = form.say("sửa quê ngoại")  # no such field: the list of fields, nothing lost
    assert unknown.startswith("Tôi không tìm thấy mục “quê ngoại”") and RESIDENCE.fields[0].label in unknown
    assert form.slots["dossier_step"] == Step.CONFIRM


def test_a_question_at_the_summary_does_not_finish_the_form(app_db):
    form = Form()
    form.slots.update(dossier_step=Step.CONFIRM, dossier_asked=True, dossier_data=dict(ANSWERS))
    assert form.say("mất bao lâu") == m.ASK_WHICH_FIX
    assert form.slots["dossier_step"] == Step.CONFIRM and form.slots["dossier_answer"] is None


def test_cancel_mid_form_keeps_nothing(app_db):
    from storage import citizens

    form = Form("cancels")
    form.slots.update(dossier_step=Step.FIELD, dossier_field="phone", dossier_asked=True,
                      dossier_data={"full_name": "Trần Thị Mai"})
    form.say("hủy")
    assert form.slots["dossier_step"] == Step.CANCELLED
    events, said = form.submit()
    assert said == m.DOSSIER_CANCELLED and SlotSet("dossier_data", None) in events
    with app_db.engine().connect() as conn:
        assert conn.execute(citizens.dossiers.select()).first() is None


def test_an_anonymous_citizen_fills_a_one_off_declaration_and_nothing_personal_is_kept(app_db):
    from storage import citizens

    events, said = run(ActionStartDossier(), tracker("điền tờ khai đăng ký thường trú", {"current_procedure": "1.004222"},
                                                      sender="anon"))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert m.ANONYMOUS_FORM in texts(said) and offers_login(said) and m.CONSENT_QUESTION not in texts(said)
    assert slots["dossier_step"] == Step.FIELD and slots["dossier_consent"] is False
    form = Form("anon")
    form.slots.update(slots, dossier_consent=True)  # even a forged consent keeps nothing without a login
    form.ask()
    form.answer_all()
    form.say("hoàn tất")
    said = form.submit()[1]
    assert "Đã tạo hồ sơ nháp" in said and m.PROFILE_SAVED not in said
    with app_db.engine().connect() as conn:
        assert conn.execute(citizens.profiles.select()).first() is None


def test_a_rest_sender_without_a_token_gets_no_form_so_no_other_client_of_that_name_reads_it(app_db):
    """``rest:<name>`` is whatever a token-less client names: a form there would show the next client
    of that name the summary, CCCD included, and its PDF. Guidance still answers; forms need a
    gateway-issued conversation (the widget, the kiosk) or a verified chat."""
    asked = tracker("điền tờ khai đăng ký thường trú", {"current_procedure": "1.004222"}, sender="rest:citizen")
    events, said = run(ActionStartDossier(), asked)
    assert "không có mã riêng" in texts(said) and m.DOSSIER_START.split("“")[0] not in texts(said)
    assert not [e for e in events if e["event"] == "followup" or e.get("name") in {"dossier_form_id", "dossier_step"}]
    started = run(ActionStartDossier(), tracker("điền tờ khai đăng ký thường trú", {"current_procedure": "1.004222"},
                                                sender="web:issued"))[0]
    assert any(e["event"] == "followup" for e in started)  # a gateway-issued conversation fills it


def test_login_is_offered_on_request_and_mid_form(app_db):
    said = run(ActionLogin(), tracker("đăng nhập", sender="web:x", intent="login"))[1]
    assert texts(said) == m.LOGIN_OFFER and offers_login(said)
    form = Form("web:x")
    form.slots.update(dossier_step=Step.FIELD, dossier_field="phone", dossier_asked=True, dossier_data={"full_name": "A"})
    dispatcher = CollectingDispatcher()
    form.slots.update(asyncio.run(ValidateDossierForm().validate_dossier_answer(
        "đăng nhập", dispatcher, tracker("đăng nhập", form.slots, "web:x"), {})))
    assert offers_login(dispatcher.messages) and form.slots["dossier_field"] == "phone"  # the form goes on
    assert "phone" not in form.slots["dossier_data"]
    sign_in("web:x", "citizen-x")
    assert texts(run(ActionLogin(), tracker("đăng nhập", sender="web:x", intent="login"))[1]) == m.ALREADY_SIGNED_IN


def test_personal_data_is_shown_only_to_the_signed_in_citizen(app_db):
    from storage import citizens

    citizens.save_profile("citizen-3", {"full_name": "Trần Thị Mai"})
    citizens.create_dossier("telegram:1", "1.004873", "to-khai-xac-nhan-tinh-trang-hon-nhan", {}, "citizen-3")
    said = run(ActionShowProfile(), tracker("thông tin của tôi", sender="telegram:1"))[1]
    assert texts(said) == m.PROFILE_NEEDS_LOGIN and offers_login(said)  # the chat is not signed in: nothing shown
    sign_in("web:new", "citizen-3")
    shown = texts(run(ActionShowProfile(), tracker("thông tin của tôi", sender="web:new"))[1])
    assert "Trần Thị Mai" in shown and m.DOSSIERS_LIST in shown and "HS-" in shown
    sign_in("kiosk:k", "citizen-3")  # never on a shared screen, even if a link existed
    kiosk = run(ActionShowProfile(), tracker("thông tin của tôi", sender="kiosk:k", channel="kiosk"))[1]
    assert "Trần Thị Mai" not in texts(kiosk)


def test_profile_is_shown_masked_and_deleted_on_request(app_db):
    from storage import citizens

    sign_in("p1", "citizen-p1")
    citizens.save_profile("citizen-p1", {"full_name": "Trần Thị Mai", "id_number": "079192012345", "phone": "0912345678"})
    shown = texts(run(ActionShowProfile(), tracker("thông tin của tôi", sender="p1"))[1])
    assert "Trần Thị Mai" in shown and "079192012345" not in shown and "079******345" in shown
    assert "0912345678" not in shown
    events, said = run(ActionDeleteProfile(), tracker("xóa thông tin của tôi", sender="p1", intent="delete_profile"))
    assert texts(said) == m.DELETE_CONFIRM and citizens.get_profile("citizen-p1")  # asks first, deletes nothing
    confirm = tracker('/delete_profile{"confirm": "yes"}', {"delete_pending": True}, sender="p1", intent="delete_profile",
                      entities=[{"entity": "confirm", "value": "yes"}])
    assert "(2 mục)" in texts(run(ActionDeleteProfile(), confirm)[1])  # the profile and the sign-in
    assert citizens.get_profile("citizen-p1") is None and identities.citizen_of("p1") is None


def test_dossier_status_only_to_the_conversation_that_made_it(app_db):
    from common.status import DossierStatus
    from storage import citizens

    code = citizens.create_dossier("owner", "1.004873", "to-khai-xac-nhan-tinh-trang-hon-nhan", {})["code"]
    citizens.set_dossier_status(code, DossierStatus.NEEDS_MORE, "Thiếu bản sao CCCD")
    question = f"tra cuu ho so {code.lower()}"
    assert m.STATUS_NOT_FOUND.format(code=code) == texts(run(ActionCheckDossierStatus(), tracker(question, sender="other"))[1])
    said = texts(run(ActionCheckDossierStatus(), tracker(question, sender="owner"))[1])
    assert "cần bổ sung" in said and "Thiếu bản sao CCCD" in said
    # a signed-in citizen finds the dossiers filed for them from any conversation
    filed = citizens.create_dossier("web:a", "1.004873", "to-khai-xac-nhan-tinh-trang-hon-nhan", {}, "citizen-9")["code"]
    sign_in("zalo:b", "citizen-9")
    assert "Hồ sơ " + filed in texts(run(ActionCheckDossierStatus(), tracker(f"tra cuu ho so {filed}", sender="zalo:b"))[1])


def test_delete_request_mid_form_stops_the_form_and_asks_to_confirm(app_db):
    form = Form("deletes")
    form.slots.update(dossier_step=Step.FIELD, dossier_field="phone", dossier_asked=True, dossier_data={"full_name": "A"})
    dispatcher = CollectingDispatcher()
    track = tracker("xóa thông tin của tôi", form.slots, "deletes", intent="delete_profile")
    track.latest_message["intent"]["confidence"] = 0.95
    form.slots.update(asyncio.run(ValidateDossierForm().validate_dossier_answer("xóa thông tin của tôi", dispatcher, track, {})))
    assert form.slots["dossier_step"] == Step.CANCELLED and "phone" not in form.slots["dossier_data"]
    said = form.submit()[1]
    assert m.DOSSIER_CANCELLED in said and m.DELETE_CONFIRM in said


def test_hủy_mid_form_only_cancels_even_when_the_nlu_hears_a_deletion(app_db):
    form = Form("cancels-only")
    form.slots.update(dossier_step=Step.FIELD, dossier_field="phone", dossier_asked=True, dossier_data={"full_name": "A"})
    track = tracker("hủy", form.slots, "cancels-only", intent="delete_profile")
    track.latest_message["intent"]["confidence"] = 0.82  # what a retrained model said in CI
    form.slots.update(asyncio.run(ValidateDossierForm().validate_dossier_answer("hủy", CollectingDispatcher(), track, {})))
    assert form.slots["dossier_step"] == Step.CANCELLED and not form.slots.get("delete_pending")
    assert form.submit()[1] == m.DOSSIER_CANCELLED


def test_an_ambiguous_fix_asks_which_field(app_db):
    form = Form()
    form.slots.update(dossier_step=Step.CONFIRM, dossier_asked=True, dossier_data=dict(ANSWERS))
    assert form.say("sửa họ tên") == m.WHICH_FIELD and form.slots["dossier_step"] == Step.CONFIRM
    form.say("sửa mục 7")  # the button for the head of household's name
    assert (form.slots["dossier_field"], "head_name" in form.slots["dossier_data"]) == ("head_name", False)
    assert form.slots["dossier_data"]["full_name"] == ANSWERS["full_name"]


@pytest.mark.parametrize(("key", "said", "kept"), [
    ("head_id_number", "không biết", ""),
    ("head_consent", "đồng ý rồi", "Đồng ý"),
])
def test_natural_answers_are_understood(app_db, key, said, kept):
    form = Form()
    data = {k: v for k, v in ANSWERS.items() if k not in {key, "head_consent", "content", "new_address"}}
    form.slots.update(dossier_step=Step.FIELD, dossier_field=key, dossier_asked=True, dossier_data=data)
    assert form.say(said) == "" and form.slots["dossier_data"][key] == kept


def test_a_question_mid_form_is_answered_not_taken_as_an_answer(app_db):
    from actions.answers import aspect_answer
    from knowledge.catalogue import get_procedure

    form = Form()
    form.slots.update(dossier_step=Step.FIELD, dossier_field="head_name", dossier_asked=True,
                      dossier_data={"full_name": "Trần Thị Mai"}, dossier_pending="Trần Văn Bình")
    said = form.say("mất bao lâu?")
    assert aspect_answer(get_procedure("1.004222"), "thời gian") in said and m.BACK_TO_FORM in said
    assert "head_name" not in form.slots["dossier_data"] and form.slots["dossier_pending"] == "Trần Văn Bình"
    form.say("đúng")
    assert form.slots["dossier_data"]["head_name"] == "Trần Văn Bình"
