"""Actions that answer procedure questions from the catalogue."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from starlette.concurrency import run_in_threadpool

from actions import answers
from actions import messages as m
from actions.aspects import (
    Aspect,
    asks_deadline,
    aspect_in,
    aspects_asked_openly,
    aspects_in,
    detect_aspect,
    pending_aspect,
    without_aspect_phrases,
)
from actions.complaints import reply_to_complaint
from actions.titles import distinguishing, numbered_list, numbered_titles, shorten
from bot.vietnamese import expand_abbreviations, fold, phrase_list, without_phrases
from dossiers.answers import Meaning, asks_question, asks_whether, asks_yes_no, folded, holds, means, phrases_meaning
from knowledge.catalogue import get_procedure
from knowledge.grounding import Grounding, ground
from knowledge.life_events import LifeEvent, Step, cued_step, event_words, life_event_in
from knowledge.schema import Procedure
from knowledge.search import (
    STORY_WORDS,
    SearchResult,
    age_fits,
    asking_sentence,
    base_name,
    cued_markers,
    folk_wordings,
    name_markers,
    search,
    stated_age,
)
from knowledge.situations import SituationQuestion, question_for, situation_questions, typed_answer
from storage import aliases, analytics

SEARCHED = 10  # hits kept: enough for the options offered when unsure (SearchResult.options)
VARIANT_TITLE_CHARS = 60  # the variant an answer is for, named in its note: what sets it apart, in short
MORE_SEARCHED = 15  # hits read when the citizen says none of the options is right: the next ones after them
OFFICER_WORDS = re.compile(r"\b(cán bộ|can bo|nhân viên|nhan vien|người thật|nguoi that|người hỗ trợ|nguoi ho tro|"
                           r"hỗ trợ viên|ho tro vien|tư vấn viên|tu van vien|tổng đài|tong dai)\b", re.IGNORECASE)


def find(question: str, top_k: int = SEARCHED) -> SearchResult:
    """The search, with the phrases officers tied to procedures (read each time: any replica's
    officer may have just added one)."""
    return search(question, top_k=top_k, learned=aliases.keys())


async def record(tracker: Tracker, question: str, result: SearchResult) -> None:
    """Count the question for the staff's analytics: its procedure if answered, else as unanswered."""
    await run_in_threadpool(analytics.record_question, question, result.results[0].code if result.confident else None,
                            result.confident, tracker.get_latest_input_channel(), conversation_id=tracker.sender_id)


def buttons(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"title": title, "payload": payload} for title, payload in pairs]


def procedure_payload(code: str) -> str:
    """What a button naming a procedure sends: its code, so the choice is read as such — never
    searched again, never read for an aspect ("… điều kiện …" in a name is not a question)."""
    return f'/ask_procedure{{"procedure_code": "{code}"}}'


def numbered_procedure_buttons(names: list[str], codes: list[str]) -> list[dict[str, str]]:
    """One short numbered button a procedure ("2. Có yếu tố nước ngoài"), sending its code."""
    return [{"title": title, "payload": procedure_payload(code)} for title, code in zip(numbered_titles(names), codes)]


def offer_procedures(dispatcher: CollectingDispatcher, intro: str, codes: list[str], outro: str = "") -> None:
    """A choice between procedures: the full names numbered in the text, short numbered buttons."""
    procedures = [p for p in (get_procedure(code) for code in dict.fromkeys(codes)) if p]
    names = [p.name for p in procedures]
    dispatcher.utter_message(text="\n".join([intro, numbered_list(names), *[outro] * bool(outro)]),
                             buttons=numbered_procedure_buttons(names, [p.code for p in procedures]))


def offer_choice(dispatcher: CollectingDispatcher, intro: str, codes: list[str], question: str,
                 aspect: Aspect | None = None, outro: str = "") -> list[dict[str, Any]]:
    """Procedures offered for the citizen's choice, kept pending ("2" picks the second, "không phải"
    asks for the next ones of ``question``'s search). A list of one is no choice: that procedure is
    answered outright, with a line saying "không phải" still asks for others."""
    codes = list(dict.fromkeys(codes))
    if len(codes) == 1:
        events = answer(dispatcher, codes[0], aspect, note=m.ONE_OPTION_NOTE, question=question)  # "… online được không"
        return [*events, SlotSet("clarify_options", codes), SlotSet("options_question", question)]
    offer_procedures(dispatcher, intro, codes, outro)
    return [SlotSet("clarify_options", codes or None), SlotSet("options_question", question if codes else None),
            SlotSet("pending_aspect", aspect)]  # "lam lai het bn tien": the fee, once the choice is made


def ask_situation(dispatcher: CollectingDispatcher, question: SituationQuestion, codes: list[str]) -> None:
    """One short question about the situation; each answer a button sending the variant it selects."""
    dispatcher.utter_message(text=question.question, buttons=[{"title": a.title, "payload": procedure_payload(code)}
                                                              for a, code in zip(question.answers, codes)])


def pending_situation(tracker: Tracker) -> tuple[SituationQuestion, list[str]] | None:
    """The situation question the citizen was just asked, and the variants its answers select."""
    question = situation_questions().get(tracker.get_slot("clarify_question") or "")
    options = tracker.get_slot("clarify_options") or []
    return (question, options) if question and len(options) == len(question.answers) else None


def situation_choice(tracker: Tracker) -> str | None:
    """The variant a typed reply to the pending situation question selects ("không, đều là người
    Việt", "bị mất rồi", "có, chồng tôi người Hàn"); None when it answers nothing."""
    pending = pending_situation(tracker)
    if pending is None:
        return None
    text = tracker.latest_message.get("text") or ""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    first = (text.split() or [""])[0]
    question = asks_yes_no(text)  # "có cần giấy khai sinh ko": neither a yes nor a no
    yes = not question and (intent == "affirm" or means(text, Meaning.YES) or means(first, Meaning.YES))
    no = not question and (intent == "deny" or means(text, Meaning.NO) or means(first, Meaning.NO))
    index = typed_answer(pending[0], text, pending[1], yes=yes and not no, no=no and not yes)
    return pending[1][index] if index is not None else None


# "2", "số 2", "cái thứ hai", "chọn bước 3", "thứ nhất ạ": the number of an option in a numbered list
ORDINAL = re.compile(r"(?:(?:toi |em |minh )?(?:chon|lay|xem) )?"
                     r"(?:(?:so|cai|buoc|muc|phuong an|lua chon|truong hop|thu tuc|y)(?: thu| so)? |thu )?"
                     r"(\d{1,2}|mot|nhat|dau tien|hai|ba|bon|tu|nam|sau|bay|tam|chin)(?: a| nhe| nha| di)?")
NUMBER_WORDS = {"mot": 1, "nhat": 1, "dau tien": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6,
                "bay": 7, "tam": 8, "chin": 9}


def numbered_choice(tracker: Tracker) -> str | None:
    """The offered procedure a typed number picks, while a numbered list (options, a checklist) is
    pending — at a kiosk by voice, or where buttons do not show. A situation question's answers are
    not numbered: "2" there may be an age."""
    options = tracker.get_slot("clarify_options") or []
    if not options or tracker.get_slot("clarify_question"):
        return None
    said = ORDINAL.fullmatch(folded(tracker.latest_message.get("text") or ""))
    if said is None:
        return None
    number = int(said.group(1)) if said.group(1).isdigit() else NUMBER_WORDS[said.group(1)]
    return options[number - 1] if 1 <= number <= len(options) else None


def typed_choice(tracker: Tracker) -> str | None:
    """The pending choice a typed reply makes: a number from the list, or an answer to the situation question."""
    return numbered_choice(tracker) or situation_choice(tracker)


def options_pending(tracker: Tracker) -> bool:
    """Whether procedures offered for a question wait for the citizen's choice (not a situation question)."""
    return bool(tracker.get_slot("options_question") and tracker.get_slot("clarify_options")) \
        and not tracker.get_slot("clarify_question")


def names_beside_answer(said: str) -> bool:
    """Whether a reply names something besides its yes or no: "không phải, ý tôi là kết hôn" does,
    "sai rồi" (no "Sửa lỗi sai sót") and "không có cái nào đúng" do not."""
    rest = " ".join(without_phrases(said, phrases_meaning(Meaning.YES, Meaning.NO)))
    return len(content_words(rest)) >= NAMING_WORDS


def rejects_options(tracker: Tracker) -> bool:
    """Whether the message says none of the procedures offered is right ("không phải", "sai hết rồi",
    "không có cái nào đúng"), naming nothing else — whichever intent the NLU gave it. A question closed
    by "ko" ("nộp online dc ko", "làm ở xã được không ạ") rejects nothing."""
    said = expand_abbreviations(tracker.latest_message.get("text") or "")
    return options_pending(tracker) and holds(said, Meaning.NO) and not names_beside_answer(said) \
        and not asks_yes_no(said)


async def reply_to_pending(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """The reply to a pending choice: the procedure it picks, or — none of the options right — the
    next ones. Every action such a reply may reach asks this first; None when it is no such reply."""
    if rejects_options(tracker):
        return await reply_more_options(dispatcher, tracker)
    chosen = reply_to_choice(dispatcher, tracker)
    return chosen if chosen is not None else await reply_in_context(dispatcher, tracker)


async def read_turn(dispatcher: CollectingDispatcher, tracker: Tracker,
                    only_if_said: bool = False) -> list[dict[str, Any]] | None:
    """The one reading every action gives a message before its own job, in one order, whichever intent
    the NLU chose ("bé 10 tuổi có làm được ko" came as a rating, "có cần bố đồng ý không" as not
    understood): a reply to what is pending — a pick, a rejection, an answer to the situation question,
    or a reply read with the question the options answer —, a complaint, or (``about_current``) a
    question about the procedure under discussion (``only_if_said``: only if its record says something —
    "bạn có phải người thật không" asks the assistant). None: the message is the action's own job."""
    replied = await reply_to_pending(dispatcher, tracker)
    if replied is None:
        replied = await reply_to_correction(dispatcher, tracker)
    if replied is None:
        replied = await reply_to_variant_cue(dispatcher, tracker)
    if replied is None:
        replied = reply_to_complaint(dispatcher, tracker)
    if replied is None:
        replied = await reply_about_current(dispatcher, tracker, only_if_said)
    return replied


# A message that opens by saying the answer just given is not the citizen's case (folded): "không phải,
# bé nhà em 15 tuổi rồi", "ko phai doi, la mat", "sai rồi, …". "Không phải mang bé theo à" asks instead.
CORRECTION = re.compile(r"^\W*(?:(?:(?:khong|ko|k|kh|hong|hok) phai|sai roi|chua dung|nham roi)\b(?P<punct> *[,.!])?"
                        r"|(?:khong|ko|sai|nham)(?P<comma> *[,.!]))")


REJECTED = re.compile(r"\b(?:khong|ko|k|chang|hong) (?:phai|can|muon)\b")  # folded: a clause saying what is not wanted


async def reply_to_correction(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """"Không phải, …" to the procedure just answered, with what the case is: what follows is searched in
    that procedure's context ("bé nhà em 15 tuổi rồi" + "thẻ căn cước": the 14+ card; "là mất hạn" +
    "giấy phép lái xe": the re-issue), the procedure itself left out, a stated age kept to the variants
    it fits; the best answered with every aspect asked, else the best few offered. None when nothing was
    answered, a choice is pending, the message asks whether ("không phải mang bé theo à") or says no
    more than its no."""
    procedure = get_procedure(tracker.get_slot("current_procedure") or "")
    text = tracker.latest_message.get("text") or ""
    opening = CORRECTION.match(fold(text).lower())
    # a single option answered outright stays pending, yet it is the procedure just answered
    if procedure is None or text.startswith("/") or len(tracker.get_slot("clarify_options") or []) > 1 \
            or opening is None:
        return None
    rest = text[opening.end():]
    punctuated = bool(opening.group("punct") or opening.group("comma"))  # "không," / "không phải," vs "không phải đổi"
    if (asks_whether(text) and not punctuated) or not content_words(rest):
        return None
    # What the citizen wants, without what it says it does not ("ko phải đổi", "tôi không cần giấy độc thân")
    clauses = re.split(r"[,.;!?]+", text)
    told = " ".join(c for c in clauses[1:] if not REJECTED.search(fold(c).lower())) or rest
    also = aspects_in(text)
    aspect = also[0] if also else None
    alone = await run_in_threadpool(find, told)
    if names_top(alone, content_words(told), told) and alone.results[0].code != procedure.code:
        await record(tracker, told, alone)  # "không phải, ý tôi là đăng ký kết hôn": a question of its own
        return answer_found(dispatcher, alone, aspect, also)
    within = await find_in_context(told, procedure)
    age = stated_age(text)
    if within.results and within.results[0].code == procedure.code and age_fits(procedure.name, age) is not False \
            and punctuated:
        # "ko, tôi không cần đăng ký lại, chỉ cần bản sao thôi": the no is to something else; what it wants
        # is what was answered ("không phải làm mới, …" says no to it: the others)
        return answer(dispatcher, procedure.code, aspect, also=also[1:])
    others = [h for h in within.results if h.code != procedure.code]
    fitting = [h for h in others if age_fits(h.name, age)] if age is not None else []
    best = (fitting or others)[:1]
    if not best:
        return None
    if within.confident or fitting:
        return answer(dispatcher, best[0].code, aspect, also=also[1:], question=text if asks_whether(text) else "")
    offered = [h.code for h in within.options if h.code != procedure.code] or [best[0].code]
    return offer_choice(dispatcher, m.NOT_CONFIDENT_OPTIONS, offered, text, aspect)


async def reply_to_variant_cue(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """A follow-up telling a situation that selects another variant of the procedure under discussion ("anh ấy
    là người Hàn Quốc, vậy hồ sơ cần gì" after "đăng ký kết hôn"; "nếu bị mất thì sao" after a card): that
    variant, with every aspect asked — the one under discussion does not fit the case told. None when the
    message cues no variant the current one lacks, or no variant of it carries the cue."""
    procedure = get_procedure(tracker.get_slot("current_procedure") or "")
    text = tracker.latest_message.get("text") or ""
    if procedure is None or text.startswith("/") or tracker.get_slot("clarify_options"):
        return None
    cued = cued_markers(text) - name_markers(procedure.name)
    if not cued:
        return None
    within = await find_in_context(text, procedure)
    base = base_name(procedure.name)
    variant = next((h for h in within.results if h.code != procedure.code and base_name(h.name) == base
                    and cued & name_markers(h.name)), None)
    if variant is None:
        return None
    also = aspects_in(text)
    return answer(dispatcher, variant.code, also[0] if also else None, also=also[1:],
                  question=text if asks_whether(text) else "")


async def reply_in_context(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """A reply to a pending choice that neither picks nor rejects, nor names a procedure of its own
    ("làm ở xã nơi tôi ở"): read together with the question the options answer — the option that
    search places among its best is answered; else the choice is asked again. Searched alone, such a
    reply lands anywhere (social housing). None when nothing is pending or the reply is a new question."""
    options = tracker.get_slot("clarify_options") or []
    question = tracker.get_slot("options_question")
    text = tracker.latest_message.get("text") or ""
    words = content_words(text)
    if len(options) < 2 or not question or text.startswith("/"):
        return None
    if words:
        alone = await run_in_threadpool(find, text)
        if names_top(alone, words, text) or life_event_in(text):
            return None  # "thế còn làm hộ chiếu": a new question
    aspect = detect_aspect(tracker) or pending_aspect(tracker)
    situation = pending_situation(tracker)
    together = None  # the reply searched with the question: once, for whichever reading below needs it
    if situation is None and words:
        together = await run_in_threadpool(find, f"{question} {text}")
        chosen = next((h.code for h in together.results[:3] if h.code in options), None)
        if chosen and together.confident:
            if asks_question(text):  # "ở nước ngoài thì nộp ở đâu": what it asks, not what was asked before
                return answer(dispatcher, chosen, detect_aspect(tracker), also=aspects_in(text), question=text,
                              follow_up=True)
            return answer(dispatcher, chosen, aspect, question=question)
    answered = await answer_while_choosing(dispatcher, tracker)
    if answered is not None or not words:
        return answered
    if len(words) >= NAMING_WORDS:
        # "bị gãy đôi, máy không đọc được chip nữa" to "đã đủ 14 tuổi chưa?": another situation than the
        # options suppose — read with the question, its own answer or options, not the same choice again
        together = together or await run_in_threadpool(find, f"{question} {text}")
        if together.results and together.results[0].code not in options:
            await record(tracker, together.question, together)
            return answer_found(dispatcher, together, aspect) if together.confident \
                else reply_not_confident(dispatcher, together, aspect)
    if situation:
        ask_situation(dispatcher, *situation)
    else:
        offer_procedures(dispatcher, m.CLARIFY_FIRST.format(aspect=m.ASPECT_TITLES[aspect].lower()) if aspect
                         else m.CLARIFY, options)
    return [SlotSet("pending_aspect", aspect)]


async def answer_while_choosing(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """A question asked instead of choosing between the variants offered ("phí bao nhiêu", "có phải chụp ảnh
    lại không"): waiting for the choice left it unanswered. Answered once when every variant's answer is the
    same, else for the likeliest variant, saying so; the choice stays open, its buttons below to switch. None
    when the message asks nothing or the options are no variants of one search's answer (unsure options)."""
    options = tracker.get_slot("clarify_options") or []
    question = tracker.get_slot("options_question")
    text = tracker.latest_message.get("text") or ""
    aspect = detect_aspect(tracker)
    if len(options) < 2 or not question or not (aspect or asks_question(text)):
        return None
    result = await run_in_threadpool(find, question)
    if not result.confident or not set(options) <= {h.code for h in result.results[:1] + result.variants}:
        return None
    # The first option is the likeliest: the search's best, or the situation question's first answer (the
    # common case: "Ở Việt Nam", "Đã đủ 14 tuổi")
    procedures = [get_procedure(code) for code in options]
    replies = [reply_screens(p, aspect, text, follow_up=True)[0] for p in procedures]
    situation = pending_situation(tracker)
    title = situation[0].answers[0].title if situation else distinguishing([p.name for p in procedures])[0]
    same = len({reply_body(p, said) for p, said in zip(procedures, replies)}) == 1 and m.RECORD_SILENT not in replies[0]
    note = m.SAME_FOR_VARIANTS if same else m.ANSWER_FOR_VARIANT.format(title=shorten(title, VARIANT_TITLE_CHARS))
    events = answer(dispatcher, options[0], aspect, note=note, also=aspects_in(text), question=text, follow_up=True)
    if situation:
        ask_situation(dispatcher, *situation)
    else:
        offer_procedures(dispatcher, m.SWITCH_VARIANT, options)
    return [*events, SlotSet("clarify_options", options), SlotSet("options_question", question),
            SlotSet("clarify_question", tracker.get_slot("clarify_question")), SlotSet("pending_aspect", aspect)]


def reply_body(procedure: Procedure, text: str) -> str:
    """A reply without what names its procedure (header, name, source link): what it says of the question."""
    lines = text.split("\n")[1:]
    return "\n".join(line.replace(procedure.name, "") for line in lines if not line.startswith(m.SOURCE_LINE[:6]))


def reply_to_choice(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """Answer with the procedure the message picks if it replies to a pending choice: the NLU reads
    such replies as anything ("cháu 8 tuổi" or "2" as a rating, "ở Việt Nam" as nonsense), so every
    action a reply may reach asks this first. None when it is no such reply."""
    chosen = typed_choice(tracker)
    if not chosen:
        return None
    also = aspects_in(tracker.latest_message.get("text") or "")  # "bé 15 tuổi rồi. làm ở đâu, mấy ngày có"
    return answer(dispatcher, chosen, detect_aspect(tracker) or pending_aspect(tracker), also=also,
                  question=tracker.get_slot("options_question"))


async def reply_to_named_procedure(dispatcher: CollectingDispatcher, tracker: Tracker,
                                   small_talk: bool = False,
                                   suggest_if_named: bool = False) -> list[dict[str, Any]] | None:
    """Answer a message the NLU sent elsewhere — to feedback, an officer, the deletion of one's data,
    "not understood" or small talk — when it tells a life event or the search places it confidently:
    "anh tôi định cư ở Úc, muốn xóa hộ khẩu" is a procedure question, not a request to delete the
    citizen's data. ``small_talk``: small talk shares words with procedure names ("xin chào",
    "xổ số hôm nay"), so only a life event counts there, or a procedure the message names by three words
    of its name or a folk term ("đổi tiền polymer bị cháy một góc ở đâu", taken for off-topic) — answered
    if the search is sure, else offered. ``suggest_if_named``: a message that names the best procedure's
    words, the search unsure, gets the honest "not sure" and the best options rather than "please
    rephrase" ("bà ngoại mất đã 3 năm mà chưa khai tử, giờ làm được không"). None otherwise (buttons too)."""
    text = tracker.latest_message.get("text") or ""
    if text.startswith("/"):
        return None  # a button
    result = await run_in_threadpool(find, text)
    aspect = detect_aspect(tracker)
    words = content_words(text)
    checklist = reply_life_event(dispatcher, text, result, words, aspect)  # "mới mất việc"
    if checklist is not None:
        return checklist
    if small_talk and not (shares_top_name(result, words, text, SMALL_TALK_NAMING_WORDS)
                           or folk_term_names_top(result, text)):
        return None
    if not result.confident:
        if small_talk or (suggest_if_named and (shares_top_name(result, words, text)
                                                or folk_term_names_top(result, text))):
            await record(tracker, text, result)
            return reply_not_confident(dispatcher, result, aspect)
        return None
    await record(tracker, text, result)
    return answer_found(dispatcher, result, aspect)


async def reply_to_story(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """A letter (STORY_WORDS+ words) the NLU sent to one's profile, a dossier's status or an officer
    without a dossier code or officer words is a procedure question told as a story ("Anh Trung có bố
    mẹ là cán bộ hưu trí… phải làm gì để chuyển nơi hưởng lương hưu?"): searched whole, answered or
    its best options offered, as a message that reached no intent would be. None for a short message."""
    if len((tracker.latest_message.get("text") or "").split()) < STORY_WORDS:
        return None
    return await reply_to_named_procedure(dispatcher, tracker, suggest_if_named=True)


def chosen_procedure(tracker: Tracker) -> str | None:
    """The code a clicked procedure button sent, if this message is one."""
    return next((e["value"] for e in tracker.latest_message.get("entities", [])
                 if e.get("entity") == "procedure_code" and get_procedure(str(e.get("value")))), None)


def answer(dispatcher: CollectingDispatcher, code: str, aspect: Aspect | None, note: str = "",
           also: list[Aspect] | tuple[Aspect, ...] = (), question: str = "",
           follow_up: bool = False) -> list[dict[str, Any]]:
    """Reply about one procedure (an aspect or the overview; ``note`` its last line) and remember it;
    any pending choice is over. ``also``: the other aspects the same message asked ("hết bao nhiêu
    tiền và mất mấy ngày"), each its own message; the buttons come with the last. ``question``: what
    the citizen asked, when it asked whether ("sinh con ở nhà, không có giấy chứng sinh thì khai sinh
    được không"): the record's yes or no and its sentences, if it says, rather than the overview.
    ``follow_up``: ``question`` follows a procedure already being discussed (``reply_screens``)."""
    procedure = get_procedure(code)
    if procedure is None:
        dispatcher.utter_message(text=m.NO_CURRENT_PROCEDURE)
        return []
    text, rest = reply_screens(procedure, aspect, question, follow_up)
    more = [answers.aspect_answer(procedure, a) for a in also if a != aspect] if aspect else []
    texts = [text, *more]
    texts[-1] = f"{texts[-1]}\n{note}" if note else texts[-1]
    for earlier in texts[:-1]:
        dispatcher.utter_message(text=earlier)
    show_more = [(m.MORE_BUTTON, m.MORE_PAYLOAD.format(aspect=aspect.value))] if rest and not more else []
    dispatcher.utter_message(text=texts[-1], buttons=buttons(show_more + m.NEXT_STEP_BUTTONS + m.RATING_BUTTONS))
    return [SlotSet("current_procedure", code), SlotSet("fallback_count", 0.0), *clarification_over()]


def reply_screens(procedure: Procedure, aspect: Aspect | None, question: str = "",
                  follow_up: bool = False) -> tuple[str, list[str]]:
    """The reply about ``procedure`` to ``question``, and the screens "Xem đầy đủ" sends after it: the record's
    yes or no and sentences for a question asking whether, else the aspect's answer, else the overview — or,
    for a ``follow_up`` question no aspect covers ("ảnh thẻ có quy định gì"), what the record says of it."""
    said = said_by_record(procedure, question, aspect)
    if said is None and follow_up and not aspect and question:
        said = ground(procedure, question)
    if said is not None:
        return answers.from_record(procedure, said), []
    return answers.aspect_screens(procedure, aspect) if aspect else (answers.overview(procedure), [])


def said_by_record(procedure: Procedure, question: str | None, aspect: Aspect | None) -> Grounding | None:
    """What the record says to a question asking whether, if it says anything (a yes or no, or sentences);
    None for any other question ("cần giấy tờ gì": the aspect's answer) or when it is silent."""
    if not question or question.startswith("/"):
        return None
    if aspect == Aspect.TIME and asks_deadline(question):  # "phải gia hạn trước mấy ngày": the record's deadline
        said = ground(procedure, question)
        return said if said.strong else None
    if aspect in FIELD_ANSWERED or not asks_whether(question):
        return None
    said = ground(procedure, question)
    return said if said.verdict or said.passages else None


# Aspects a yes/no question about gets its answer from the aspect's own answer ("mất bao lâu"), better than
# from any sentence ("nộp online dc ko", "có mất phí không" get their yes or no from the ways in the grounding).
FIELD_ANSWERED = (Aspect.TIME,)
# A follow-up of at most this many content words besides the current procedure's name ("nội dung khai
# báo gồm những gì" after "Khai báo tạm vắng": three) is read in the context of that procedure.
FOLLOW_UP_WORDS = 4
CONTEXT_HITS = 3  # of that search, the best few: further down, any name sharing a word would do
# Words of procedure names that say what is done, not to what: "Đăng ký thành lập hộ kinh doanh" is about
# "hộ kinh doanh". Folded.
ACTION_WORDS = frozenset("dang ky cap thanh lap thu tuc giai quyet thuc hien cho doi voi lai moi lan dau tai o cua va "
                         "nguoi cong dan viet nam xa tinh huyen trung uong".split())


def topic(name: str) -> str:
    """What a procedure is about, in a few words of its name ("hộ kinh doanh", "kết hôn")."""
    return " ".join([w for w in base_name(name).split() if w not in ACTION_WORDS][:4])


async def find_in_context(text: str, procedure: Procedure) -> SearchResult:
    """The message searched as said about ``procedure``: with a few words of what it is about."""
    return await run_in_threadpool(find, f"{text} {topic(procedure.name)}")


async def reply_about_current(dispatcher: CollectingDispatcher, tracker: Tracker,
                              only_if_said: bool = False) -> list[dict[str, Any]] | None:
    """A question about the procedure under discussion that no aspect answer covers ("bé có phải đi
    cùng ko", "có cần bố đồng ý không", "không có giấy chứng sinh thì sao"), answered from its record
    (the sentences that say it, quoted; or — unless ``only_if_said`` — plainly that it does not say).
    None when no procedure is under discussion, a choice is pending, the message asks nothing or asks an
    aspect the aspect answer covers, or it names another procedure: a new question."""
    procedure = get_procedure(tracker.get_slot("current_procedure") or "")
    text = tracker.latest_message.get("text") or ""
    if procedure is None or text.startswith("/") or tracker.get_slot("clarify_options") or not asks_question(text):
        return None
    asked = aspects_in(text)
    # "hạn chót là bao lâu": the record's "trong thời hạn 60 ngày", if it says, not the office's processing time
    deadline = asked == [Aspect.TIME] and asks_deadline(text)
    if asked and not deadline and (not asks_yes_no(text) or asked[0] in FIELD_ANSWERED):
        return None  # "lệ phí bao nhiêu", "nộp online dc ko": the aspect's own answer
    grounding = await run_in_threadpool(ground, procedure, text)
    if deadline and not grounding.strong:
        return None  # the processing time, as for any time question
    if not grounding.strong:
        words = content_words(text)
        result = await run_in_threadpool(find, text)
        if names_top(result, naming_words(words), text) and result.results[0].code != procedure.code:
            own = words - name_words_typed(procedure.name, words, text)  # "thuế", not "hộ" of "hộ kinh doanh"
            if len(own) > FOLLOW_UP_WORDS:
                return None  # "thế làm hộ chiếu cho con gái tôi thì sao": a new question
            if asks_whether(text):  # "có phải mang bản chính ko" asks about this procedure's papers, unless
                # it names another by three words ("có phải khai báo tạm vắng không" while on tạm trú)
                if shares_top_name(result, naming_words(words), text, SMALL_TALK_NAMING_WORDS) \
                        and not grounding.passages:
                    return None
            elif not grounding.passages:  # the record says nothing of it: another procedure, read in this
                # one's context ("thuế TNCN thì sao" after a household business is that business's tax, not a
                # land sale's); none of the context's best names it ("kích hoạt thế nào" after VNeID): this
                # record's honest "không nêu rõ", not a customs account's activation
                within = await find_in_context(text, procedure)
                hit = next((h for h in within.results[:CONTEXT_HITS]
                            if h.code != procedure.code and name_words_typed(h.name, own, text)), None)
                if within.results and within.results[0].code == procedure.code:
                    hit = None  # "tờ khai viết thế nào" after tạm trú: still about it, not a foreigner's "phiếu khai báo"
                if hit is not None:
                    return answer(dispatcher, hit.code, aspect_in(text))
        if life_event_in(text) and not grounding.passages:
            return None  # "bố tôi mới mất thì sao": a new story
    if (asked or only_if_said) and not grounding.passages and not grounding.verdict:
        return None  # "nộp online dc ko": the aspect's own yes or no
    buttons_shown = m.NEXT_STEP_BUTTONS + m.RATING_BUTTONS if grounding.passages or grounding.verdict \
        else m.FALLBACK_HUMAN_BUTTONS[:1] + m.NEXT_STEP_BUTTONS
    for open_aspect in aspects_asked_openly(text):  # "phí bao nhiêu và nộp online dc ko": the fee too, first
        dispatcher.utter_message(text=answers.aspect_answer(procedure, open_aspect))
    dispatcher.utter_message(text=answers.from_record(procedure, grounding), buttons=buttons(buttons_shown))
    return [SlotSet("fallback_count", 0.0)]


def clarification_over() -> list[dict[str, Any]]:
    return [SlotSet("clarify_options", None), SlotSet("clarify_question", None), SlotSet("pending_aspect", None),
            SlotSet("options_question", None)]


def reply_not_confident(dispatcher: CollectingDispatcher, result: SearchResult,
                        aspect: Aspect | None = None) -> list[dict[str, Any]]:
    """Say honestly we are unsure and offer the best options, in one message (kept pending: "2" picks
    the second); one option alone is answered, "không phải" still asks for others."""
    if result.other_ministry:
        dispatcher.utter_message(text=m.OTHER_MINISTRY.format(ministry=result.other_ministry, url=m.PORTAL_SEARCH_URL))
        return [SlotSet("current_procedure", None), *clarification_over()]
    offered = [h.code for h in result.options]
    if not offered:
        dispatcher.utter_message(text=m.NOT_CONFIDENT.format(url=m.PORTAL_SEARCH_URL))
        return [SlotSet("current_procedure", None), *clarification_over()]
    over = [SlotSet("current_procedure", None), *clarification_over()] if len(set(offered)) > 1 else []
    return [*over, *offer_choice(dispatcher, m.NOT_CONFIDENT_OPTIONS, offered, result.question, aspect,
                                 m.NOT_CONFIDENT_OUTRO.format(url=m.PORTAL_SEARCH_URL))]


async def reply_more_options(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """"Không phải" to the procedures offered: the next ones of the same search
    (``SearchResult.further_options``) and the officer; none left, say so honestly and offer the
    officer. A letter's right procedure is often just below the options (benchmarks/dialogue.py,
    "within three")."""
    question = tracker.get_slot("options_question")
    result = await run_in_threadpool(find, question, MORE_SEARCHED)
    more = [h.code for h in result.further_options(tracker.get_slot("clarify_options") or [])]
    officer = buttons(m.FALLBACK_HUMAN_BUTTONS[:1])
    if not more:
        dispatcher.utter_message(text=m.NO_MORE_OPTIONS, buttons=officer)
        return clarification_over()
    events = offer_choice(dispatcher, m.MORE_OPTIONS, more, question, pending_aspect(tracker))
    if len(more) > 1:
        dispatcher.utter_message(text=m.STILL_NOT_FOUND, buttons=officer)
    return events


# A follow-up names another procedure when, its aspect words taken out, at least this many of its
# words are words of that procedure's name ("thẻ căn cước bị mất thì mất bao lâu" -> "Cấp lại thẻ căn
# cước"); a search hit on what is left of "có nộp online được không" is not a new topic.
NAMING_WORDS = 2
# Small talk ("xổ số hôm nay") shares two words with a name easily; three, or a folk term, name a procedure.
SMALL_TALK_NAMING_WORDS = 3


def content_words(text: str) -> set[str]:
    """The words of a message that could name a procedure: no aspect phrase, no filler."""
    return set(without_aspect_phrases(text)) - set(phrase_list("fillers"))


def names_top(result: SearchResult, words: set[str], text: str) -> bool:
    """Whether the message names the search's best procedure, which the search is sure of: its content
    words are in the name, or an officer's learned phrase picked it."""
    return result.confident and (result.learned or shares_top_name(result, words, text))


async def names_another(result: SearchResult, words: set[str], text: str, current: str | None) -> bool:
    """Whether a short follow-up names a procedure other than the one under discussion: the search is
    sure of a procedure it names — and, read in the current one's context, the message is not still
    best about the current one ("nội dung khai báo gồm những gì" after "khai báo tạm vắng" shares "nội
    dung" with a TV channel's licence; "thoi han bao lau" after a vehicle's transfer, "thời hạn" with a
    building's). A message with more than FOLLOW_UP_WORDS words of its own is a question of its own.
    Words that say what is done ("đăng ký", "tại") name nothing here: "dang ky online tai nha dc ko" after
    VNeID asks about VNeID, not about "Đăng ký tài khoản điện tử"."""
    procedure = get_procedure(current or "")
    if not names_top(result, naming_words(words) if procedure else words, text):
        return False
    if procedure is None or result.results[0].code == procedure.code or result.learned:
        return True
    if len(words - name_words_typed(procedure.name, words, text)) > FOLLOW_UP_WORDS:
        return True
    within = await find_in_context(text, procedure)
    return not within.results or within.results[0].code != procedure.code


def naming_words(words: set[str]) -> set[str]:
    """Of a follow-up's words, those that can name another procedure than the one under discussion: not
    the words saying what is done ("đăng ký", "cấp", "tại"), which every name shares."""
    return {w for w in words if fold(w).lower() not in ACTION_WORDS}


def shares_top_name(result: SearchResult, words: set[str], text: str, at_least: int = NAMING_WORDS) -> bool:
    """Whether at least ``at_least`` content words of the message are words of the best procedure's name."""
    return bool(result.results) and len(name_words_typed(result.results[0].name, words, text)) >= at_least


def name_words_typed(name: str, words: set[str], text: str) -> set[str]:
    """The content words of the message that are words of ``name``. A word typed with diacritics counts
    only with the same ones: folded, "sổ đỏ đứng tên" would share "so" and "dung" with "sở hữu", "sử dụng"."""
    named = set(expand_abbreviations(name).split())
    folded_name = {fold(w) for w in named}
    typed = {fold(t) for t in expand_abbreviations(text).split() if t in named or (t == fold(t) and t in folded_name)}
    return words & typed


def folk_term_names_top(result: SearchResult, text: str) -> bool:
    """Whether a folk term of the message names the best procedure by its official wording ("đổi tên"
    -> "thay đổi, cải chính … hộ tịch"). Only where the search is unsure anyway: in a story, "sổ đỏ"
    would otherwise outweigh the event it tells."""
    if not result.results:
        return False
    folded_name = {fold(w) for w in result.results[0].name.lower().split()}
    folk = {fold(w) for wording in folk_wordings(expand_abbreviations(text)) for w in wording.lower().split()}
    return len(folk & folded_name) >= NAMING_WORDS


def reply_life_event(dispatcher: CollectingDispatcher, text: str, result: SearchResult, words: set[str],
                     aspect: Aspect | None) -> list[dict[str, Any]] | None:
    """A life event the citizen describes ("bố tôi mới mất…") without naming a procedure: the ordered
    checklist of its procedures, each a button — or, when the story already points to one step ("mua
    xe cũ"), that step's answer and the other steps offered. None when there is no event, or a
    procedure is named."""
    event = life_event_in(text)
    if event is None:
        return None
    naming = words - event_words(event, text)  # "bị mất việc" names no "… bị mất"
    if result.other_ministry or names_top(result, naming, text):
        return None  # a named topic of another ministry, or a named procedure
    step = cued_step(event, text)
    if told_as_context(event, text, result, step, naming):
        return None  # the event is the story's context: the search's options for what is asked
    if step is None or step.code not in {h.code for h in result.results + result.variants}:
        return show_checklist(dispatcher, event, text)  # a cue alone is no certainty: the search must agree
    code = step.code
    top = result.results[0]
    if result.confident and code in {h.code for h in result.results[:1] + result.variants}:
        if result.close_variants:
            return None  # the search asks which variant of that step ("chồng người Hàn" → foreign or not)
        code = top.code  # the search's variant of that step
    elif base_name(top.name) == base_name(get_procedure(code).name):
        code = top.code  # unsure, yet its best is a variant of the step: "ông tôi mất ở Mỹ", the foreign khai tử
    events = answer(dispatcher, code, aspect, question=text)  # "… không có giấy chứng sinh thì khai sinh được ko"
    others = [s for s in event.steps if s.code not in {code, step.code}]
    if len(others) == 1:  # one more step is no list to choose from: said, to be asked by name
        dispatcher.utter_message(text=m.ONE_MORE_STEP.format(title=event.title, name=others[0].label))
    elif others:
        intro = m.LIFE_EVENT_OTHER_STEPS.format(title=event.title) if event.ordered else m.OTHER_VARIANTS
        dispatcher.utter_message(text=intro, buttons=numbered_procedure_buttons([s.label for s in others],
                                                                                [s.code for s in others]))
    return events


def told_as_context(event: LifeEvent, text: str, result: SearchResult, step: Step | None, naming: set[str]) -> bool:
    """Whether a story tells the event only as its context and asks for something else, the search
    unsure: either the best procedure is none of the event's steps and the story names it by words of
    its name ("lấy vợ là người dân tộc Tày, vậy con tôi khi khai sinh sẽ theo dân tộc nào": a birth
    registration, not the marriage; "vợ tôi dự sinh… tôi được hưởng chế độ gì": paternity benefits);
    or the event is told only before the sentence that asks, none of its steps is the search's best,
    and the step a cue points to is a thing the citizen has ("năm 2010 cháu đi nước ngoài. Hiện cháu
    có hộ chiếu… muốn làm căn cước"). A short message ("nhà có người mất thì cần làm gì") is no story:
    its checklist stands."""
    if result.confident or not result.results or len(text.split()) < STORY_WORDS:
        return False
    step_names = {base_name(get_procedure(s.code).name) for s in event.steps}
    if base_name(result.results[0].name) in step_names:
        return False
    if shares_top_name(result, naming, text):
        return True
    asked = asking_sentence(text)
    return step is not None and asked is not None and life_event_in(asked) is not event


def show_checklist(dispatcher: CollectingDispatcher, event: LifeEvent, question: str) -> list[dict[str, Any]]:
    """The event's procedures, numbered with code, when and link; each a button. "Không phải" then gets
    the search's own procedures for ``question``."""
    lines = [(m.LIFE_EVENT_INTRO if event.ordered else m.LIFE_EVENT_CASES).format(title=event.title)]
    lines += [f"{i}. {step.label} (mã {step.code}): {step.when}. {get_procedure(step.code).source_url}"
              for i, step in enumerate(event.steps, 1)]
    lines += [event.note] if event.note else []
    buttons = numbered_procedure_buttons([step.label for step in event.steps], [step.code for step in event.steps])
    dispatcher.utter_message(text="\n".join([*lines, m.LIFE_EVENT_OUTRO]), buttons=buttons)
    return [SlotSet("current_procedure", None), *clarification_over(),
            SlotSet("clarify_options", [step.code for step in event.steps]), SlotSet("options_question", question)]


def answer_found(dispatcher: CollectingDispatcher, result: SearchResult, aspect: Aspect | None,
                 also: list[Aspect] | tuple[Aspect, ...] = ()) -> list[dict[str, Any]]:
    """A confident search: ask which of close variants (by a question about the situation when one
    tells them apart), or answer the best (and ``also`` the other aspects asked) and offer its other
    variants."""
    top = result.results[0]
    close = result.close_variants
    if close:
        options = [h.code for h in [top, *close][:4]]
        situation = question_for(options)
        if situation:  # "có ai là người nước ngoài không?" rather than two long names
            ask_situation(dispatcher, *situation)
            options = situation[1]
        else:
            offer_procedures(dispatcher, m.CLARIFY, options)
        return [SlotSet("clarify_options", options), SlotSet("clarify_question", situation[0].id if situation else None),
                SlotSet("pending_aspect", aspect), SlotSet("current_procedure", None),
                SlotSet("options_question", result.question)]
    events = answer(dispatcher, top.code, aspect, also=also, question=result.question)
    if len(result.variants) == 1:  # one other variant is no list to choose from: said, to be asked by name
        dispatcher.utter_message(text=m.ONE_OTHER_VARIANT.format(name=result.variants[0].name))
    elif result.variants:
        offer_procedures(dispatcher, m.OTHER_VARIANTS, [h.code for h in result.variants[:3]])
    return events


class ActionAnswerProcedure(Action):
    """Find the procedure a citizen means; answer, clarify between variants, or say honestly we are unsure."""

    def name(self) -> str:
        return "action_answer_procedure"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        chosen = chosen_procedure(tracker)
        if chosen:  # a button: answer what was asked before the choice
            return answer(dispatcher, chosen, pending_aspect(tracker), question=tracker.get_slot("options_question"))
        # a typed pick ("cháu mới 10 tuổi"), "không có cái nào đúng", "bé có phải đi cùng ko"
        replied = await read_turn(dispatcher, tracker)
        if replied is not None:
            return replied
        question = tracker.latest_message.get("text") or ""
        aspect, current = detect_aspect(tracker), tracker.get_slot("current_procedure")
        also = aspects_in(question)
        words = content_words(question)
        if aspect and current and len(words) < NAMING_WORDS:
            return answer(dispatcher, current, aspect, also=also)  # a follow-up the NLU took for a new question
        result = await run_in_threadpool(find, question)
        checklist = reply_life_event(dispatcher, question, result, words, aspect)
        if checklist is not None:
            return checklist
        if aspect and current and not await names_another(result, words, question, current):
            return answer(dispatcher, current, aspect, also=also)
        await record(tracker, question, result)
        if not result.confident:
            # The citizen asked about something else: no later follow-up may go to the previous procedure.
            return [SlotSet("fallback_count", 0.0), *reply_not_confident(dispatcher, result, aspect)]
        return answer_found(dispatcher, result, aspect, also)


class ActionAnswerAspect(Action):
    """Answer a follow-up ("thế còn lệ phí?") about the procedure under discussion — or about the one
    the message names, if it names another (the newest procedure wins)."""

    def name(self) -> str:
        return "action_answer_aspect"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        aspect = detect_aspect(tracker)
        text = tracker.latest_message.get("text") or ""
        if aspect == Aspect.TIME and OFFICER_WORDS.search(text):  # "bao lâu cán bộ trả lời"
            dispatcher.utter_message(text=m.OFFICER_WAIT)
            return []
        options = tracker.get_slot("clarify_options")
        words = content_words(text)
        replied = await read_turn(dispatcher, tracker)  # "bị mất rồi, làm mất bao lâu", "khiếu nại ở đâu"
        if replied is not None:
            return replied
        also = aspects_in(text)
        if options and len(options) > 1 and len(words) < NAMING_WORDS:  # a choice pending, nothing new asked: keep it open
            answered = await answer_while_choosing(dispatcher, tracker)
            if answered is not None:
                return answered
            asked = aspect or pending_aspect(tracker)
            situation = pending_situation(tracker)
            if situation:
                ask_situation(dispatcher, *situation)
                return [SlotSet("pending_aspect", asked)]
            offer_procedures(dispatcher, m.CLARIFY_FIRST.format(aspect=m.ASPECT_TITLES[asked].lower()) if asked
                             else m.CLARIFY, options)
            return [SlotSet("pending_aspect", asked)]
        current = tracker.get_slot("current_procedure")
        if current and len(words) < NAMING_WORDS:  # "mất bao lâu": nothing to search for
            return answer(dispatcher, current, aspect, also=also)
        result = await run_in_threadpool(find, text)
        checklist = reply_life_event(dispatcher, text, result, words, aspect)
        if checklist is not None:
            return checklist
        named = await names_another(result, words, text, current)
        if named or not current:  # a question of its own (not a follow-up): the analytics count it
            await record(tracker, text, result)
        if named:  # "cap the can cuoc" read as a follow-up: variants are asked about as for any question
            return answer_found(dispatcher, result, aspect, also)
        if not current:
            if result.results:  # content words but no confident match: the best options, never a dead end
                return reply_not_confident(dispatcher, result, aspect)
            dispatcher.utter_message(text=m.NO_CURRENT_PROCEDURE)
            return clarification_over()
        return answer(dispatcher, current, aspect, also=also)


class ActionShowMore(Action):
    """"Xem đầy đủ": the rest of an aspect's answer that did not fit on the first screen."""

    def name(self) -> str:
        return "action_show_more"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        procedure = get_procedure(tracker.get_slot("current_procedure") or "")
        aspect = detect_aspect(tracker)
        if procedure is None or aspect is None:
            dispatcher.utter_message(text=m.NO_CURRENT_PROCEDURE)
            return []
        pages = answers.aspect_rest(procedure, aspect) or [m.NOTHING_MORE]
        header = m.MORE_HEADER.format(name=procedure.name, code=procedure.code, aspect=m.ASPECT_TITLES[aspect])
        for number, page in enumerate(pages):
            last = number == len(pages) - 1
            text = "\n".join([header] * (number == 0) + [page] + [m.SOURCE_LINE.format(url=procedure.source_url)] * last)
            dispatcher.utter_message(text=text, buttons=buttons(m.NEXT_STEP_BUTTONS) if last else [])
        return []


class ActionYesNo(Action):
    """A bare "có" / "không": the answer to a pending situation question; "không phải" to procedures
    offered, the next ones; else a short acknowledgement — unless it holds no yes or no at all: "cắt
    khẩu" (the NLU heard "cut" as "no") is a procedure question."""

    def name(self) -> str:
        return "action_yes_no"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        if tracker.get_slot("delete_pending"):
            from actions.dossier import ActionDeleteProfile, deletion_reply  # it imports this module

            if deletion_reply(tracker) is not None:  # "có" / "không" to "xóa toàn bộ thông tin?"
                return await ActionDeleteProfile().run(dispatcher, tracker, domain)
        replied = await read_turn(dispatcher, tracker)  # "có phải đưa bé đi cùng ko" read as "no"
        if replied is not None:
            return replied
        text = tracker.latest_message.get("text") or ""
        if asks_yes_no(text):  # "nop online dc ko" read as "no": a question, answered as one
            asked = detect_aspect(tracker) or tracker.get_slot("clarify_options") or tracker.get_slot("current_procedure")
            return await (ActionAnswerAspect() if asked else ActionAnswerProcedure()).run(dispatcher, tracker, domain)
        situation = pending_situation(tracker)
        if situation:  # "ok" to "mất hay hỏng?": the question again
            ask_situation(dispatcher, *situation)
            return []
        said = expand_abbreviations(text)  # "okie" is "ok"
        # "không phải, ý tôi là kết hôn" to the options offered is a new question
        if names_beside_answer(said) and (options_pending(tracker) or not holds(said, Meaning.YES, Meaning.NO)):
            replied = await reply_to_named_procedure(dispatcher, tracker)
            if replied is not None:
                return replied
        affirm = (tracker.latest_message.get("intent") or {}).get("name") == "affirm"
        dispatcher.utter_message(response="utter_affirm_ack" if affirm else "utter_deny_ack")
        return []
