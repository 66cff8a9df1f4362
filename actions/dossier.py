"""Guided declaration forms: consent, prefill from the profile, validation, summary, dossier output.

One Rasa form (``dossier_form``) with one requested slot (``dossier_answer``); which field of which
declaration is being asked lives in slots, so the same code serves every form in ``dossiers/forms.py``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages as m
from actions.procedures import buttons
from bot.vietnamese import fold
from dossiers import store
from dossiers.drafts import checklist
from dossiers.forms import FORMS, Form, cross_check, form_for
from dossiers.privacy import mask_pii
from knowledge.catalogue import get_procedure
from knowledge.search import search

logger = logging.getLogger(__name__)

CONSENT, CONFIRM = "__consent", "__confirm"
DONE, CANCELLED = "__done", "__cancelled"
YES = {"dung", "dung roi", "dung vay", "co", "vang", "da", "ok", "dong y", "uh", "u", "chinh xac", "phai",
       "hoan tat", "xong", "yes", "dong y luu", "co dong y"}
NO = {"khong", "ko", "k", "khong dong y", "khong luu", "sai", "chua dung", "no", "khong phai"}
DOSSIER_SLOTS = ("dossier_form_id", "dossier_procedure", "dossier_data", "dossier_field", "dossier_pending",
                 "dossier_consent", "dossier_answer", "dossier_asked")


def folded(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(text or "").lower()))


def reset_slots() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in DOSSIER_SLOTS]


def summary(form: Form, data: dict[str, str]) -> str:
    lines = [f"• {f.label}: {data[f.key] or '—'}" for f in form.fields if f.key in data]
    return "\n".join([m.SUMMARY_HEADER, *lines])


def next_field(form: Form, data: dict[str, str]) -> str:
    return next((f.key for f in form.fields if f.key not in data), CONFIRM)


def prefill_value(form: Form, key: str, tracker: Tracker) -> str | None:
    """What we already know for a field: the consented profile, else the form's default."""
    field = form.field(key)
    profile = store.get_profile(tracker.sender_id) or {}
    if field.profile_key and profile.get(field.profile_key):
        return profile[field.profile_key]
    return field.default


class ActionStartDossier(Action):
    """Pick the declaration (from the procedure under discussion or the message) and start the form."""

    def name(self) -> str:
        return "action_start_dossier"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        result = search(text)
        code = result.results[0].code if result.confident and form_for(result.results[0].code) else None
        code = code or tracker.get_slot("current_procedure")
        form = form_for(code)
        if form is None:
            dispatcher.utter_message(text=m.DOSSIER_SUPPORTED, buttons=buttons(m.DOSSIER_FORM_BUTTONS))
            return []
        consented = store.get_profile(tracker.sender_id) is not None
        dispatcher.utter_message(text=m.DOSSIER_START.format(title=form.title.capitalize()))
        return [
            SlotSet("dossier_form_id", form.id), SlotSet("dossier_procedure", code), SlotSet("dossier_data", {}),
            SlotSet("dossier_field", form.fields[0].key if consented else CONSENT),
            SlotSet("dossier_consent", True if consented else None), SlotSet("dossier_pending", None),
            SlotSet("dossier_asked", None),
            SlotSet("current_procedure", code), FollowupAction("dossier_form"),
        ]


class ActionAskDossierAnswer(Action):
    """Ask the current field: consent, a prefilled value to confirm, the question, or the final summary."""

    def name(self) -> str:
        return "action_ask_dossier_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        form = FORMS.get(tracker.get_slot("dossier_form_id") or "")
        key = tracker.get_slot("dossier_field")
        if form is None or key is None:
            return []
        data = tracker.get_slot("dossier_data") or {}
        asked = [SlotSet("dossier_asked", key)]
        if key == CONSENT:
            dispatcher.utter_message(text=m.CONSENT_QUESTION, buttons=buttons(m.CONSENT_BUTTONS))
            return asked
        if key == CONFIRM:
            dispatcher.utter_message(text=summary(form, data))
            dispatcher.utter_message(text=m.CONFIRM_FINISH, buttons=buttons(m.FINISH_BUTTONS))
            return asked
        pending = tracker.get_slot("dossier_pending")
        if pending is None and key not in data:
            pending = prefill_value(form, key, tracker)
        if pending:
            field = form.field(key)
            dispatcher.utter_message(text=m.CONFIRM_PREFILL.format(label=field.label, value=pending),
                                     buttons=buttons(m.CONFIRM_BUTTONS))
            return [*asked, SlotSet("dossier_pending", pending)]
        dispatcher.utter_message(text=form.field(key).question)
        return asked


class ValidateDossierForm(FormValidationAction):
    def name(self) -> str:
        return "validate_dossier_form"

    def validate_dossier_answer(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        form = FORMS.get(tracker.get_slot("dossier_form_id") or "")
        if form is None:
            return {"dossier_answer": CANCELLED}
        if not tracker.get_slot("dossier_asked"):
            # The form is being activated: the message that asked for it is not an answer.
            return {"dossier_answer": None}
        text = str(slot_value or "").strip()
        answer = folded(text)
        data = dict(tracker.get_slot("dossier_data") or {})
        key = tracker.get_slot("dossier_field")
        pending = tracker.get_slot("dossier_pending")
        keep_asking = {"dossier_answer": None, "dossier_data": data, "dossier_pending": None}

        if answer in {"huy", "huy bo", "thoi khong lam nua", "dung lai"}:
            return {"dossier_answer": CANCELLED}
        if answer in {"xem lai", "tom tat"}:
            dispatcher.utter_message(text=summary(form, data))
            return {**keep_asking, "dossier_pending": pending}
        fix = re.match(r"^sua\s+(.+)$", answer)
        if fix:
            target = self.find_field(form, fix.group(1))
            if target is None:
                labels = ", ".join(f.label for f in form.fields)
                dispatcher.utter_message(text=m.UNKNOWN_FIELD.format(name=text[4:].strip(), labels=labels))
                return {**keep_asking, "dossier_pending": pending}
            data.pop(target, None)
            return {**keep_asking, "dossier_data": data, "dossier_field": target}

        if key == CONSENT:
            if answer in YES or answer.startswith("dong y"):
                dispatcher.utter_message(text=m.CONSENT_YES)
                return {**keep_asking, "dossier_consent": True, "dossier_field": next_field(form, data)}
            if answer in NO:
                dispatcher.utter_message(text=m.CONSENT_NO)
                return {**keep_asking, "dossier_consent": False, "dossier_field": next_field(form, data)}
            return keep_asking
        if key == CONFIRM:
            if answer in YES:
                return {"dossier_answer": DONE, "dossier_data": data}
            dispatcher.utter_message(text=m.ASK_WHICH_FIX)
            return keep_asking

        field = form.field(key)
        if pending is not None:
            if answer in YES:
                text = pending
            elif answer in NO or answer == "sua":
                return {**keep_asking, "dossier_pending": ""}  # ask the question plainly
        value, error = field.check(text)
        error = error or cross_check(form, key, value, data)
        if error:
            dispatcher.utter_message(text=error)
            return keep_asking
        data[key] = value
        return {**keep_asking, "dossier_data": data, "dossier_field": next_field(form, data)}

    @staticmethod
    def find_field(form: Form, words: str) -> str | None:
        """The field whose label best contains the words after "sửa" ("sửa ngày sinh")."""
        wanted = set(words.split())
        scored = [(len(wanted & set(folded(f.label).split())), f.key) for f in form.fields]
        best = max(scored, default=(0, None))
        return best[1] if best[0] else None


class ActionSubmitDossier(Action):
    """After the form: save the dossier draft, its PDF link and checklist; keep the profile if consented."""

    def name(self) -> str:
        return "action_submit_dossier"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if tracker.get_slot("dossier_answer") != DONE:
            dispatcher.utter_message(text=m.DOSSIER_CANCELLED)
            return reset_slots()
        form = FORMS[tracker.get_slot("dossier_form_id")]
        code = tracker.get_slot("dossier_procedure")
        data = tracker.get_slot("dossier_data") or {}
        dossier = store.create_dossier(tracker.sender_id, code, form.id, data)
        procedure = get_procedure(code)
        pdf_url = f"/dossiers/{dossier['code']}.pdf?key={dossier['access_key']}"
        dispatcher.utter_message(
            text=m.DOSSIER_DONE.format(code=dossier["code"], procedure=procedure.name, procedure_code=code, pdf_url=pdf_url),
            json_message={"document": {"url": pdf_url, "filename": f"{dossier['code']}.pdf"}},
        )
        dispatcher.utter_message(text="\n".join([m.CHECKLIST_HEADER, *(f"• {i}" for i in checklist(code))]))
        if tracker.get_slot("dossier_consent"):
            profile = {f.profile_key: data[f.key] for f in form.fields if f.profile_key and data.get(f.key)}
            store.save_profile(tracker.sender_id, profile)
            dispatcher.utter_message(text=m.PROFILE_SAVED)
        logger.info("dossier %s created for %s", dossier["code"], mask_pii(tracker.sender_id))
        return reset_slots()


class ActionShowProfile(Action):
    def name(self) -> str:
        return "action_show_profile"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        profile = store.get_profile(tracker.sender_id)
        if not profile:
            dispatcher.utter_message(text=m.PROFILE_EMPTY)
            return []
        labels = {"full_name": "Họ tên", "dob": "Ngày sinh", "sex": "Giới tính", "ethnicity": "Dân tộc",
                  "nationality": "Quốc tịch", "id_number": "Số CCCD", "phone": "Điện thoại", "residence": "Nơi cư trú"}
        lines = [f"• {labels.get(k, k)}: {mask_pii(v) if k in {'id_number', 'phone'} else v}" for k, v in profile.items()]
        dispatcher.utter_message(text="\n".join([m.PROFILE_SHOW, *lines]))
        return []


class ActionDeleteProfile(Action):
    def name(self) -> str:
        return "action_delete_profile"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        count = store.delete_personal_data(tracker.sender_id)
        dispatcher.utter_message(text=m.PROFILE_DELETED.format(count=count))
        return reset_slots()


class ActionCheckDossierStatus(Action):
    def name(self) -> str:
        return "action_check_dossier_status"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        match = re.search(r"hs\s*-?\s*(\d{4})\s*-\s*(\d{1,6})", fold(text).lower())
        if not match:
            dispatcher.utter_message(text=m.STATUS_ASK_CODE)
            return []
        code = f"HS-{match.group(1)}-{int(match.group(2)):06d}"
        dossier = store.get_dossier(code)
        if dossier is None or dossier["sender_id"] != tracker.sender_id:
            dispatcher.utter_message(text=m.STATUS_NOT_FOUND.format(code=code))
            return []
        procedure = get_procedure(dossier["procedure_code"])
        lines = [m.STATUS_REPORT.format(code=code, procedure=procedure.name if procedure else "", status=dossier["status"])]
        if dossier["note"]:
            lines.append(m.STATUS_NOTE.format(note=dossier["note"]))
        dispatcher.utter_message(text="\n".join(lines))
        return []
