"""Guided declaration forms: consent, prefill from the profile, validation, summary, dossier output.

One Rasa form (``dossier_form``) with one requested slot (``dossier_answer``). Where the form stands
is explicit: ``dossier_step`` (a ``Step``) and, at ``Step.FIELD``, ``dossier_field`` (the field's key);
what the citizen typed is read by one parser (``parse_command``). The same code serves every form
in ``dossiers/forms.py``.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from starlette.concurrency import run_in_threadpool

from actions import messages as m
from actions.answers import aspect_answer
from actions.aspects import aspect_in, aspects_in
from actions.procedures import (
    ActionAnswerAspect,
    ActionAnswerProcedure,
    buttons,
    find,
    read_turn,
    reply_to_named_procedure,
    reply_to_story,
)
from bot.vietnamese import canonical, expand_abbreviations, fold, phrase_list, without_phrases
from common.privacy import mask_pii
from common.status import DossierStatus
from dossiers.answers import Meaning, asks_what, folded, means
from dossiers.drafts import checklist
from dossiers.forms import FORMS, Form, cross_check, form_for, form_offers
from dossiers.retention import ERASE_MARK
from knowledge.catalogue import get_procedure
from storage import citizens, identities

logger = logging.getLogger(__name__)
KIOSK_CHANNEL = "kiosk"
# Conversations of REST clients that hold no gateway-issued token (connectors/api/rest.py): named by
# the client, so shared by whoever names the same sender.
ANONYMOUS_PREFIX = "rest:"
DELETE_INTENT = "delete_profile"
ASPECT_INTENT = "ask_aspect"
MAX_LISTED = 10  # dossiers listed with "thông tin của tôi"
SURE_INTENT = 0.7  # the NLU's confidence above which a message mid-form is taken for what it asks
# The national portal's / one-stop systems' dossier numbers: "000.00.12.H29-250101-0001",
# "H99.12-240101-0001" (agency, yymmdd, number); never ours (HS-2026-000123): looked up on the portal.
PORTAL_CODE_RE = re.compile(r"(?<![\w.])(?:\d{3}\.\d{2}\.\w{2}\.)?[A-Za-z]\d{2}(?:\.\d{1,2})?-\d{6}-\d{4}\b")


class Step(StrEnum):
    CONSENT = "consent"  # asking whether to keep personal data for next time
    FIELD = "field"  # asking ``dossier_field`` (or confirming its prefilled value, ``dossier_pending``)
    CONFIRM = "confirm"  # the summary is shown: finish or fix
    DONE = "done"
    CANCELLED = "cancelled"


class Kind(StrEnum):
    CANCEL = "cancel"
    REVIEW = "review"
    LOGIN = "login"
    FIX = "fix"  # "sửa <mục>"; ``words`` names the field (may be empty)
    YES = "yes"
    NO = "no"
    ANSWER = "answer"


@dataclass(frozen=True)
class Command:
    kind: Kind
    text: str  # the message as typed
    words: str = ""  # folded words after "sửa"


def parse_command(text: str) -> Command:
    """What a message typed during a form asks for."""
    answer = folded(text)
    fix = re.fullmatch(r"sua(?:\s+(.+))?", answer)
    if means(answer, Meaning.CANCEL):
        return Command(Kind.CANCEL, text)
    if means(answer, Meaning.REVIEW):
        return Command(Kind.REVIEW, text)
    if means(answer, Meaning.LOGIN):
        return Command(Kind.LOGIN, text)
    if fix:
        return Command(Kind.FIX, text, fix.group(1) or "")
    if means(answer, Meaning.YES) or answer.startswith("dong y "):
        return Command(Kind.YES, text)
    if means(answer, Meaning.NO):
        return Command(Kind.NO, text)
    return Command(Kind.ANSWER, text)


DOSSIER_SLOTS = ("dossier_form_id", "dossier_procedure", "dossier_data", "dossier_step", "dossier_field",
                 "dossier_pending", "dossier_consent", "dossier_answer", "dossier_asked")


def reset_slots() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in DOSSIER_SLOTS]


def summary(form: Form, data: dict[str, str]) -> str:
    lines = [f"• {f.label}: {data[f.key] or '—'}" for f in form.fields if f.key in data]
    return "\n".join([m.SUMMARY_HEADER, *lines])


def next_position(form: Form, data: dict[str, str]) -> dict[str, Any]:
    """The first field not answered yet, else the final confirmation."""
    key = next((f.key for f in form.fields if f.key not in data), None)
    return {"dossier_step": Step.FIELD if key else Step.CONFIRM, "dossier_field": key}


def find_fields(form: Form, words: str) -> list[str]:
    """The fields "sửa <words>" may mean: "sửa mục 3" (the third), else those whose labels share the
    most words with it ("sửa ngày sinh"); several when the words fit more than one equally."""
    position = re.fullmatch(r"muc (\d+)", words)
    if position:
        index = int(position.group(1)) - 1
        return [form.fields[index].key] if 0 <= index < len(form.fields) else []
    wanted = set(words.split())
    scores = {f.key: len(wanted & set(folded(f.label).split())) for f in form.fields}
    best = max(scores.values(), default=0)
    return [key for key, score in scores.items() if best and score == best]


def signed_in(tracker: Tracker) -> str | None:
    """The proven identity of this conversation (never on a kiosk: a shared screen), else None."""
    if tracker.get_latest_input_channel() == KIOSK_CHANNEL:
        return None
    return identities.citizen_of(tracker.sender_id)


def offer_login(dispatcher: CollectingDispatcher, text: str) -> None:
    """Say ``text``; the gateway adds a one-time login link where this channel allows a login."""
    dispatcher.utter_message(text=text, json_message={identities.LOGIN_MARK: True})


def prefill_value(form: Form, key: str, citizen_id: str | None, procedure_code: str | None = None) -> str | None:
    """What we already know for a field: the signed-in citizen's consented profile, else the form's
    default (which may follow from the procedure: "cấp lại" for the re-issue procedure)."""
    field = form.field(key)
    profile = (citizens.get_profile(citizen_id) if citizen_id else None) or {}
    if field.profile_key and profile.get(field.profile_key):
        return profile[field.profile_key]
    return field.default_for(procedure_code)


# Words by which a question asks the assistant to fill the form ("điền tờ khai thế nào", "giúp tôi làm đơn
# ở đâu"), folded; without them, "ai ký tờ khai", "hồ sơ cần gì" ask about the procedure.
FILL_WORDS = re.compile(r"\b(dien|soan|giup|form)\b")


def asks_for_a_form(text: str) -> bool:
    """Whether the message asks to fill a declaration ("điền tờ khai …"), not just names a procedure or
    asks about its papers ("bé 10 tuổi có làm được không, ai ký tờ khai", "hồ sơ cần gì")."""
    padded = f" {canonical(text)} "
    if asks_what(text) and not FILL_WORDS.search(folded(text)):
        return False
    return any(f" {word} " in padded for word in phrase_list("form_requests"))


class ActionStartDossier(Action):
    """Pick the declaration (from the procedure under discussion or the message) and start the form —
    only when the citizen asks for one; a procedure's name alone is a question about it."""

    def name(self) -> str:
        return "action_start_dossier"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if not asks_for_a_form(tracker.latest_message.get("text") or ""):
            return await ActionAnswerProcedure().run(dispatcher, tracker, domain)
        # "điền tờ khai" says which action, not which procedure: searched without those words.
        named = " ".join(without_phrases(tracker.latest_message.get("text") or "", phrase_list("form_requests")))
        result = await run_in_threadpool(find, named)
        code = result.results[0].code if result.confident and form_for(result.results[0].code) else None
        code = code or tracker.get_slot("current_procedure")
        form = form_for(code)
        if form is None:
            dispatcher.utter_message(text=m.DOSSIER_SUPPORTED, buttons=buttons(form_offers()))
            return []
        if tracker.sender_id.startswith(ANONYMOUS_PREFIX):
            # Any REST client may name this sender: what it typed into a form (CCCD included) would be
            # read back by the next one (the summary, the PDF). Forms need a conversation the gateway
            # issued (the widget, the kiosk) or a verified chat; guidance stays open to all.
            dispatcher.utter_message(text=m.FORM_NEEDS_CONVERSATION.format(title=form.title))
            return [SlotSet("current_procedure", code)]
        kiosk = tracker.get_latest_input_channel() == KIOSK_CHANNEL
        citizen = await run_in_threadpool(signed_in, tracker)
        consented = bool(citizen) and await run_in_threadpool(citizens.get_profile, citizen) is not None
        dispatcher.utter_message(text=m.DOSSIER_START.format(title=form.title.capitalize()))
        if kiosk:  # a shared screen: nothing personal is offered to be kept, nothing is prefilled
            dispatcher.utter_message(text=m.KIOSK_NOTHING_KEPT)
        elif not citizen:  # anyone may fill a one-off declaration; only a proven identity gets it kept
            offer_login(dispatcher, m.ANONYMOUS_FORM)
        start = next_position(form, {}) if consented or not citizen else {"dossier_step": Step.CONSENT, "dossier_field": None}
        return [
            SlotSet("dossier_form_id", form.id), SlotSet("dossier_procedure", code), SlotSet("dossier_data", {}),
            *(SlotSet(slot, value) for slot, value in start.items()),
            SlotSet("dossier_consent", None if citizen and not consented else consented), SlotSet("dossier_pending", None),
            SlotSet("dossier_asked", None),
            SlotSet("current_procedure", code), FollowupAction("dossier_form"),
        ]


class ActionAskDossierAnswer(Action):
    """Ask where the form stands: consent, a prefilled value to confirm, the question, or the summary."""

    def name(self) -> str:
        return "action_ask_dossier_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        form = FORMS.get(tracker.get_slot("dossier_form_id") or "")
        step = tracker.get_slot("dossier_step")
        if form is None or step is None:
            return []
        data = tracker.get_slot("dossier_data") or {}
        asked = [SlotSet("dossier_asked", True)]
        if step == Step.CONSENT:
            dispatcher.utter_message(text=m.CONSENT_QUESTION, buttons=buttons(m.CONSENT_BUTTONS))
            return asked
        if step == Step.CONFIRM:
            dispatcher.utter_message(text=summary(form, data))
            dispatcher.utter_message(text=m.CONFIRM_FINISH, buttons=buttons(m.FINISH_BUTTONS))
            return asked
        key = tracker.get_slot("dossier_field")
        pending = tracker.get_slot("dossier_pending")
        if pending is None and key not in data:
            citizen = await run_in_threadpool(signed_in, tracker) if tracker.get_slot("dossier_consent") else None
            pending = await run_in_threadpool(prefill_value, form, key, citizen, tracker.get_slot("dossier_procedure"))
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

    async def validate_dossier_answer(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        form = FORMS.get(tracker.get_slot("dossier_form_id") or "")
        text = str(slot_value or "").strip()
        if form is None:
            return {"dossier_answer": text or "-", "dossier_step": Step.CANCELLED}
        if not tracker.get_slot("dossier_asked"):
            # The form is being activated: the message that asked for it is not an answer.
            return {"dossier_answer": None}
        intent = tracker.latest_message.get("intent") or {}
        if intent.get("name") == DELETE_INTENT and intent.get("confidence", 0) >= SURE_INTENT \
                and not means(text, Meaning.CANCEL):  # "hủy" stops the form; the NLU may hear a deletion
            # "Xóa thông tin của tôi" is heard even in the middle of a form: stop it, then confirm.
            return {"dossier_answer": text, "dossier_step": Step.CANCELLED, "delete_pending": True}
        asked = aspect_in(text) if text.endswith("?") or (
            intent.get("name") == ASPECT_INTENT and intent.get("confidence", 0) >= SURE_INTENT) else None
        if asked:  # a question mid-form ("mất bao lâu?") is answered, never taken as an answer
            procedure = get_procedure(tracker.get_slot("dossier_procedure") or "")
            if procedure:
                dispatcher.utter_message(text=aspect_answer(procedure, asked))
            dispatcher.utter_message(text=m.BACK_TO_FORM)
            return {"dossier_answer": None, "dossier_pending": tracker.get_slot("dossier_pending")}
        data = dict(tracker.get_slot("dossier_data") or {})
        step = tracker.get_slot("dossier_step")
        pending = tracker.get_slot("dossier_pending")
        command = parse_command(text)
        stay = {"dossier_answer": None, "dossier_data": data, "dossier_pending": None}

        if command.kind == Kind.CANCEL:
            return {"dossier_answer": text, "dossier_step": Step.CANCELLED}
        if command.kind == Kind.LOGIN:
            offer_login(dispatcher, m.LOGIN_MID_FORM)
            return {**stay, "dossier_pending": pending}
        if command.kind == Kind.REVIEW:
            dispatcher.utter_message(text=summary(form, data))
            return {**stay, "dossier_pending": pending}
        if command.kind == Kind.FIX and command.words:
            targets = find_fields(form, command.words)
            if not targets:
                labels = ", ".join(f.label for f in form.fields)
                dispatcher.utter_message(text=m.UNKNOWN_FIELD.format(name=text[4:].strip(), labels=labels))
                return {**stay, "dossier_pending": pending}
            if len(targets) > 1:  # "sửa họ tên" in CT01: the citizen's or the head of household's?
                choices = [(form.field(k).label, f"sửa mục {form.fields.index(form.field(k)) + 1}") for k in targets]
                dispatcher.utter_message(text=m.WHICH_FIELD, buttons=buttons(choices))
                return {**stay, "dossier_pending": pending}
            target = targets[0]
            data.pop(target, None)
            return {**stay, "dossier_data": data, "dossier_step": Step.FIELD, "dossier_field": target}

        if step == Step.CONSENT:
            if command.kind in {Kind.YES, Kind.NO}:
                consent = command.kind == Kind.YES
                dispatcher.utter_message(text=m.CONSENT_YES if consent else m.CONSENT_NO)
                return {**stay, "dossier_consent": consent, **next_position(form, data)}
            return stay
        if step == Step.CONFIRM:
            if command.kind == Kind.YES:
                return {"dossier_answer": text, "dossier_data": data, "dossier_step": Step.DONE}
            dispatcher.utter_message(text=m.ASK_WHICH_FIX)
            return stay

        key = tracker.get_slot("dossier_field")
        if pending is not None:
            if command.kind == Kind.YES:
                text = pending
            elif command.kind in {Kind.NO, Kind.FIX}:
                return {**stay, "dossier_pending": ""}  # ask the question plainly
        elif command.kind == Kind.FIX:
            dispatcher.utter_message(text=m.ASK_WHICH_FIX)
            return stay
        field = form.field(key)
        if field.same_as and means(text, Meaning.SAME) and data.get(field.same_as):
            text = data[field.same_as]  # "như của tôi"
        value, error = field.check(text)
        error = error or cross_check(form, key, value, data)
        if error:
            dispatcher.utter_message(text=error)
            return stay
        data[key] = value
        return {**stay, "dossier_data": data, **next_position(form, data)}


class ActionSubmitDossier(Action):
    """After the form: save the dossier draft, its PDF link and checklist; keep the profile if consented."""

    def name(self) -> str:
        return "action_submit_dossier"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if tracker.get_slot("dossier_step") != Step.DONE:
            dispatcher.utter_message(text=m.DOSSIER_CANCELLED)
            deleting = ask_to_confirm_deletion(dispatcher) if tracker.get_slot("delete_pending") else []
            return [*reset_slots(), *deleting]
        form = FORMS[tracker.get_slot("dossier_form_id")]
        code = tracker.get_slot("dossier_procedure")
        data = tracker.get_slot("dossier_data") or {}
        citizen = await run_in_threadpool(signed_in, tracker)
        dossier = await run_in_threadpool(citizens.create_dossier, tracker.sender_id, code, form.id, data, citizen)
        procedure = get_procedure(code)
        pdf_url = f"/dossiers/{dossier['code']}.pdf?key={dossier['access_key']}"
        dispatcher.utter_message(
            text=m.DOSSIER_DONE.format(code=dossier["code"], procedure=procedure.name, procedure_code=code, pdf_url=pdf_url),
            json_message={"document": {"url": pdf_url, "filename": f"{dossier['code']}.pdf"}},
        )
        dispatcher.utter_message(text="\n".join([m.CHECKLIST_HEADER, *(f"• {i}" for i in checklist(code))]))
        if tracker.get_slot("dossier_consent") and citizen:
            profile = {f.profile_key: data[f.key] for f in form.fields if f.profile_key and data.get(f.key)}
            await run_in_threadpool(citizens.save_profile, citizen, profile)
            dispatcher.utter_message(text=m.PROFILE_SAVED)
        logger.info("dossier %s created for %s", dossier["code"], mask_pii(tracker.sender_id))
        return reset_slots()


class ActionShowProfile(Action):
    def name(self) -> str:
        return "action_show_profile"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        story = await reply_to_story(dispatcher, tracker)
        text = tracker.latest_message.get("text") or ""
        if story is None and not text.startswith("/") and not PROFILE_WORDS.search(folded(text)):
            # "thẻ căn cước của tôi có vấn đề": "của tôi" without what is kept about the citizen is a procedure
            story = await read_turn(dispatcher, tracker)
            if story is None:
                story = await reply_to_named_procedure(dispatcher, tracker, suggest_if_named=True)
        if story is not None:
            return story
        citizen = await run_in_threadpool(signed_in, tracker)
        if not citizen:  # personal data is shown only to a proven identity
            offer_login(dispatcher, m.PROFILE_NEEDS_LOGIN)
            return []
        profile = await run_in_threadpool(citizens.get_profile, citizen)
        if profile:
            lines = [f"• {m.PROFILE_LABELS.get(k, k)}: {mask_pii(v) if k in {'id_number', 'phone'} else v}"
                     for k, v in profile.items()]
            dispatcher.utter_message(text="\n".join([m.PROFILE_SHOW, *lines]))
        else:
            dispatcher.utter_message(text=m.PROFILE_EMPTY)
        filed = await run_in_threadpool(citizens.dossiers_of, citizen)
        if filed:
            lines = [f"• {d['code']}: {procedure_name(d['procedure_code'])} — {DossierStatus(d['status']).label}"
                     for d in filed[:MAX_LISTED]]
            dispatcher.utter_message(text="\n".join([m.DOSSIERS_LIST, *lines]))
        return []


def procedure_name(code: str) -> str:
    procedure = get_procedure(code)
    return procedure.name if procedure else code


# What asks for what the assistant keeps about the citizen (folded): "thông tin của tôi", "bạn lưu gì", "profile".
PROFILE_WORDS = re.compile(r"\b(thong tin|du lieu|profile|luu|da khai|biet gi|ho so ca nhan|tai khoan)\b")
LOGIN_WORDS = re.compile(r"đăng nhập|dang nhap|đăng xuất|dang xuat|login|log in|sign in", re.IGNORECASE)


class ActionLogin(Action):
    """"Đăng nhập": a login link (from the gateway) unless the conversation is signed in already."""

    def name(self) -> str:
        return "action_login"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        if not text.startswith("/") and not LOGIN_WORDS.search(text):  # "thẻ căn cước của tôi có vấn đề",
            # "làm tài khoản định danh điện tử mức 2 ở đâu": taken for a login, asking about a procedure
            replied = await read_turn(dispatcher, tracker)
            if replied is None:
                replied = await reply_to_named_procedure(dispatcher, tracker, suggest_if_named=True)
            if replied is not None:
                return replied
        if await run_in_threadpool(signed_in, tracker):
            dispatcher.utter_message(text=m.ALREADY_SIGNED_IN)
        else:
            offer_login(dispatcher, m.LOGIN_OFFER)
        return []


def ask_to_confirm_deletion(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    dispatcher.utter_message(text=m.DELETE_CONFIRM, buttons=buttons(m.DELETE_CONFIRM_BUTTONS))
    return [SlotSet("delete_pending", True)]


def deletion_reply(tracker: Tracker) -> bool | None:
    """A typed yes ("có", "đồng ý", "ok", "xóa hết đi") or no ("không", "Không xóa") to the deletion
    confirmation the assistant has just asked for; None for anything else, or when it asked nothing
    (a "có" to a later question never deletes)."""
    bots = [e for e in tracker.events if e.get("event") == "bot" and e.get("text")]
    if not tracker.get_slot("delete_pending") or not bots or bots[-1]["text"] != m.DELETE_CONFIRM:
        return None
    if time.time() - float(bots[-1].get("timestamp") or 0) > CONFIRM_WINDOW_SECONDS:
        return None  # asked long ago: a "có" after an officer's chat (which Rasa never sees) deletes nothing
    text = tracker.latest_message.get("text") or ""
    if text.startswith("/"):  # a button: "Không xóa" sends /deny ("Xóa hết" carries its entity)
        return False if (tracker.latest_message.get("intent") or {}).get("name") == "deny" else None
    said = folded(expand_abbreviations(text))
    words = [w for w in said.split() if w not in CONFIRM_COURTESY]
    if words == ["xoa"]:  # "xóa hết đi", "xóa luôn"
        return True
    for answer in (said, " ".join(w for w in words if w != "xoa")):  # "dạ", "có ạ", "không xóa"
        if means(answer, Meaning.YES) or means(answer, Meaning.NO):
            return means(answer, Meaning.YES)
    return None


CONFIRM_WINDOW_SECONDS = 600  # a confirmation answers the question only this soon after it was asked
CONFIRM_COURTESY = frozenset({"a", "da", "vang", "nhe", "nha", "di", "luon", "het", "tat", "ca", "roi", "vay"})


def deletion_confirmed(tracker: Tracker) -> bool:
    """The "Xóa hết" button, a typed yes to the confirmation, or asking to delete again right after
    being asked to confirm."""
    if any(e.get("entity") == "confirm" and e.get("value") == "yes" for e in tracker.latest_message.get("entities", [])):
        return True
    if deletion_reply(tracker):
        return True
    users = [e for e in tracker.events if e.get("event") == "user"]
    previous = (users[-2].get("parse_data") or {}).get("intent", {}).get("name") if len(users) > 1 else None
    return bool(tracker.get_slot("delete_pending")) and previous == DELETE_INTENT


class ActionDeleteProfile(Action):
    """"Xóa thông tin của tôi": asks to confirm, then deletes everything kept about the citizen."""

    def name(self) -> str:
        return "action_delete_profile"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if deletion_reply(tracker) is False:  # "không" / "Không xóa": nothing deleted, nothing left pending
            dispatcher.utter_message(text=m.DELETE_KEPT)
            return [SlotSet("delete_pending", None)]
        if not deletion_confirmed(tracker):
            named = await reply_to_named_procedure(dispatcher, tracker)  # "muốn xóa hộ khẩu của anh tôi"
            return named if named is not None else ask_to_confirm_deletion(dispatcher)
        count = await run_in_threadpool(citizens.delete_personal_data, tracker.sender_id)
        dispatcher.utter_message(text=m.PROFILE_DELETED.format(count=count), json_message={ERASE_MARK: True})
        return [*reset_slots(), SlotSet("delete_pending", None)]


OWN_DOSSIER = re.compile(r"\bcua (toi|minh|em|tui|chau|con)\b")  # folded: "hồ sơ của tôi"


class ActionCheckDossierStatus(Action):
    def name(self) -> str:
        return "action_check_dossier_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        portal = PORTAL_CODE_RE.search(text)
        if portal:
            dispatcher.utter_message(text=m.PORTAL_DOSSIER_CODE.format(code=portal.group(0)))
            return []
        match = re.search(r"hs\s*-?\s*(\d{4})\s*-\s*(\d{1,6})", fold(text).lower())
        if not match:
            about = tracker.get_slot("current_procedure") or tracker.get_slot("clarify_options")  # or the options
            if about and aspects_in(text) and not OWN_DOSSIER.search(folded(text)):
                # "hồ sơ cần gì" asks the papers of the procedure under discussion; "kết quả hồ sơ của tôi" a status
                return await ActionAnswerAspect().run(dispatcher, tracker, domain)
            story = await reply_to_story(dispatcher, tracker)
            if story is not None:
                return story
            dispatcher.utter_message(text=m.STATUS_ASK_CODE)
            return []
        code = f"HS-{match.group(1)}-{int(match.group(2)):06d}"
        dossier = await run_in_threadpool(citizens.get_dossier, code)
        citizen = await run_in_threadpool(signed_in, tracker)
        if dossier is None or not citizens.belongs_to(dossier, tracker.sender_id, citizen):
            dispatcher.utter_message(text=m.STATUS_NOT_FOUND.format(code=code))
            return []
        procedure = get_procedure(dossier["procedure_code"])
        status = DossierStatus(dossier["status"])
        lines = [m.STATUS_REPORT.format(code=code, procedure=procedure.name if procedure else "", status=status.label)]
        if dossier["note"]:
            lines.append(m.STATUS_NOTE.format(note=dossier["note"]))
        dispatcher.utter_message(text="\n".join(lines))
        return []
