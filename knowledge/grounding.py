"""What one procedure's record says about a question no aspect answer covers ("bé có phải đi cùng
không", "có cần bố đồng ý không"): the sentences of its documents, steps, conditions, target groups,
results, ways, notes and legal basis that answer it, and — where the record states it — a yes or a no.

Sentence-level and lexical: the record is short (tens of sentences), the words that matter are the
record's own, and a citizen's everyday word is mapped to the record's by ``record_words.tsv``. Words of
the procedure's name are left out of the question: they say which procedure, not what is asked.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from bot.vietnamese import canonical, expand_abbreviations, fold, lexicon
from knowledge.schema import Procedure
from knowledge.search import age_fits, stated_age, within_age_bound

# Words that ask, link or address — never what a question is about. Folded; a word typed with
# diacritics is compared with its diacritics ("căn" is no "cần").
QUESTION_WORDS = frozenset("""
co khong ko k hok hong chua phai duoc dc can thi la gi nao sao the nhu vay a ah nhe nha nhi ha
cua cho va voi hay hoac ma neu khi thi de roi nua cung da dang se bi duoc may bao nhieu
toi minh em anh chi bac co chu ong ba ban oi da vang xin hoi cho hoi
lam nop di o tai ve den ra vao len xuong nay do kia day ay the cung luon
e m mk t j z v ak oi nha vs ne nhe nhes nguoi them kieu gio moi no lau sap xong con
""".split())
# An acknowledgement opening a question ("ok, có cần mang giấy khai sinh không"): not what it asks
# ("ok" expands to "đồng ý", which records do speak of).
OPENING_ACK = re.compile(r"^\s*(?:ok|oke|okay|ừ|uh|vâng|dạ|được)\b[\s,.!]*", re.IGNORECASE)
# ...but these, typed with their diacritics, are content ("bà" is not the particle "ba").
KEEP_WITH_DIACRITICS = frozenset({"bà", "ông", "chú", "cô", "con", "mẹ", "bố"})

# Question words that ask, link or point, never half of a word the record writes: "định không", "nộp lệ" (of
# "nộp lệ phí") are no compounds; "thế" (chấp), "báo" (cáo), "bán" are.
ASKING_ONLY = frozenset("""khong ko k hok hong chua co a ah nhe nha nhi ha roi duoc dc phai can thi la gi nao sao
nop lam di o tai ve den ra vao len cho cua va voi hay hoac ma neu khi de nua cung da dang se bi toi minh em anh chi
ong ba xin hoi nay do kia day ay them nguoi""".split())

MAX_QUOTES = 3
QUOTE_LEN = 320
# A sentence answers when it says this share of what is asked (weighted by how rare each word is in
# the record) and at least one of the record's rare words (in at most RARE_SHARE of its weight's
# range: "chứng" of "chứng minh" is everywhere, "đưa" once). STRONG: the record plainly answers.
MIN_COVERAGE = 0.65
# A yes/no question ("có phải …", "… được không", "… à"), folded; its yes or no is read from the few words
# before what the best sentence says of it.
YES_NO_ASKED = re.compile(r"\b(co phai|co can|phai|can|duoc|dc|co bat buoc|bat buoc)\b")
POLARITY_WINDOW = 4
# Who the question is about ("sinh con ở nhà…", "vợ tôi sinh em bé…") is seldom what it asks: such a word
# counts only when nothing else is asked, and then at most this much.
PERSON_WORDS = frozenset({"con", "be", "chau", "tre", "bo", "me", "ba", "ong", "vo", "chong", "anh", "chi", "em"})
PERSON_WEIGHT = 1.0
# Only a negated obligation or permission says no: a bare "không"/"chưa" is mostly a case ("trường hợp
# không có Giấy chứng sinh thì …", "người chưa đủ 14 tuổi").
NEGATIONS = ("khong phai", "khong can", "khong bat buoc", "khong yeu cau", "khong duoc", "mien", "khong tra qua",
             "khong gui qua")
# ... and a result sent by a way ("hoặc trả qua dịch vụ bưu chính đến địa chỉ"): that way is open
OBLIGATIONS = ("phai", "can", "bat buoc", "duoc", "co trach nhiem", "co the", "tra qua", "gui qua")
ACTS = frozenset({"dua"})  # the record's wording of "đi cùng": the child is brought
FEE_CUES = ("mat phi", "mat tien", "ton tien", "co phi", "thu phi", "mat le phi", "co le phi", "phai dong tien",
            "phai tra tien", "mien phi")
POST_CUES = ("buu dien", "buu chinh", "gui ve", "gui ve nha", "tra ve nha", "nhan tai nha", "ship")
PAIR_BONUS = 0.1
RARE_SHARE = 0.5
STRONG_COVERAGE = 0.8


@dataclass(frozen=True)
class Passage:
    """One sentence of a record, with the field it comes from (its title, as the portal gives it)."""

    field: str
    text: str


@dataclass(frozen=True)
class Grounding:
    """What the record says: ``verdict`` "Có"/"Không" when it states one, and from what (``basis``: "age"
    — the name's age range —, "online", "post" or "fee" — its ways —, or "quote" — the first quoted sentence),
    and the quoted passages (empty: the record does not say)."""

    passages: tuple[Passage, ...]
    verdict: str | None = None
    basis: str = ""
    coverage: float = 0.0

    @property
    def strong(self) -> bool:
        return self.coverage >= STRONG_COVERAGE


def _sentences(text: str) -> list[str]:
    """``text`` cut into sentences: at line breaks, at ";" and at ". " before a capital letter."""
    pieces = re.split(r"\n+|;\s+|(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ(\-•+])", text or "")
    return [p.strip(" -•+\t") for p in pieces if len(p.strip(" -•+\t")) > 2]


def passages(p: Procedure) -> list[Passage]:
    """Every sentence of the record a question could be answered by; a short heading ("Bước 1:")
    joined to the sentence after it."""
    fields: list[tuple[str, list[str]]] = [
        ("Thành phần hồ sơ", [f"{d.name} ({d.copy_type})" if d.copy_type else d.name for d in p.documents]),
        ("Trình tự thực hiện", p.steps),
        ("Điều kiện", [p.conditions]),
        ("Đối tượng thực hiện", [p.target_groups]),
        ("Cách thức thực hiện", [" ".join(filter(None, [w.mode, w.time, w.fee, w.description])) for w in p.ways]),
        ("Cơ quan thực hiện", [", ".join(p.agencies), p.submission_address]),
        ("Kết quả", p.results),
        ("Lưu ý", [p.note]),
        ("Căn cứ pháp lý", [b.title for b in p.legal_basis]),
    ]
    found: list[Passage] = []
    for title, texts in fields:
        heading = ""
        for sentence in (s for text in texts for s in _sentences(text)):
            if sentence.endswith(":") and len(sentence) < 40:
                heading = f"{heading} {sentence}".strip()
                continue
            found.append(Passage(title, f"{heading} {sentence}".strip()))
            heading = ""
    return found


def _words(text: str) -> list[str]:
    return expand_abbreviations(text).lower().split()


def _same(asked: str, written: str) -> bool:
    """Typed with diacritics, a word matches only the same; typed without, any of its spellings."""
    return asked == written if asked != fold(asked) else asked == fold(written)


def _is_question_word(word: str) -> bool:
    """A word that asks, links or counts ("1 người đi được không"): an age is read apart (_field_verdict)."""
    return (fold(word) in QUESTION_WORDS and word not in KEEP_WITH_DIACRITICS) or word.isdigit()


@cache
def _record_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(citizen's phrase, canonical; the record's phrases) from ``nlu_data/lexicon/record_words.tsv``,
    longest first: "bố mẹ" is read before "bố"."""
    rows = [(" ".join(_words(row[0])), tuple(p.strip() for p in row[1].split(";") if p.strip()))
            for row in lexicon("record_words")]
    return tuple(sorted(rows, key=lambda row: -len(row[0].split())))


def asked_words(question: str, procedure: Procedure) -> dict[str, list[tuple[str, ...]]]:
    """What the question asks, each with the ways the record may say it: the everyday phrases of
    ``record_words.tsv`` it holds ("đi cùng": itself, "đưa", "có mặt"), and its other words — none a
    question word, none a word of the procedure's name."""
    named = _words(procedure.name)
    typed = _words(OPENING_ACK.sub("", question))
    asked: dict[str, list[tuple[str, ...]]] = {}
    for phrase, record_phrases in _record_words():  # typed with diacritics, a word matches only the same:
        # "còn" is no "con"
        words = tuple(phrase.split())
        if len(words) == 1 and any(_same(w, phrase) and _is_question_word(w) for w in typed):
            continue  # "anh" (the brother) typed as it is spelt, not "ảnh"
        if _holds(words, typed, typed_term=False) and not any(f" {phrase} " in f" {other} " for other in asked):
            asked[phrase] = [words, *(tuple(_words(r)) for r in record_phrases)]
    in_phrases = {fold(w) for phrase in asked for w in phrase.split()}
    for pair in _compounds(typed, procedure, in_phrases):  # "thế chấp", "báo cáo": no "thế", no "bao"
        asked.setdefault(" ".join(pair), [pair])
        in_phrases |= {fold(w) for w in pair}
    for i, word in enumerate(typed):
        if not _is_question_word(word) and fold(word) not in in_phrases and not _names(typed, i, named):
            asked.setdefault(word, [(word,)])
    # "bé" is the name's "người dưới 14 tuổi": which procedure, not what is asked
    return {w: ways for w, ways in asked.items() if not any(_holds(t, named) for t in ways if len(t) > 1)}


def _compounds(typed: list[str], procedure: Procedure, taken: set[str]) -> list[tuple[str, str]]:
    """Two typed words side by side, one a question word, that the record writes as one ("thế chấp", "báo
    cáo", "mở bán"): what is asked, not a question word beside a word. Words of a lexicon phrase are taken."""
    pairs = [(a, b) for a, b in zip(typed, typed[1:]) if (_is_question_word(a) or _is_question_word(b))
             and not (_is_question_word(a) and _is_question_word(b)) and not a.isdigit() and not b.isdigit()
             and not {fold(a), fold(b)} & (taken | ASKING_ONLY)]
    if not pairs:
        return []
    written = [_words(u.text) for u in passages(procedure)]
    return [pair for pair in pairs if any(_holds(pair, words) for words in written)]


def _names(typed: list[str], i: int, named: list[str]) -> bool:
    """Whether the i-th typed word is the procedure's name speaking: a word of the name typed beside
    another as the name has them ("tình trạng hôn nhân"), or among question words only ("thẻ có giá trị
    bao lâu"). Beside a word of its own it says something else: "hôn" of "ly hôn" is no "hôn nhân"."""
    if not any(_same(typed[i], w) for w in named):
        return False
    pairs = [tuple(typed[j:j + 2]) for j in (i - 1, i) if j >= 0 and j + 2 <= len(typed)]
    if any(_holds(pair, named) for pair in pairs):
        return True
    neighbours = [typed[j] for j in (i - 1, i + 1) if 0 <= j < len(typed)]
    return all(_is_question_word(w) for w in neighbours)


def _holds(term: tuple[str, ...], words: list[str], typed_term: bool = True) -> bool:
    """Whether ``words`` hold ``term`` side by side. The citizen typed ``term`` (``typed_term``), or
    ``words`` (a lexicon phrase looked for in a question): the typed side's diacritics decide (_same)."""
    n = len(term)
    same = _same if typed_term else lambda t, w: _same(w, t)
    return any(all(same(t, w) for t, w in zip(term, words[i:i + n])) for i in range(len(words) - n + 1))


def _quote(text: str, limit: int = QUOTE_LEN) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def ground(procedure: Procedure, question: str) -> Grounding:
    """The record's sentences that answer ``question`` (best first), and its yes or no if it states one."""
    units = passages(procedure)
    verdict, basis = _field_verdict(procedure, question)
    asked = asked_words(question, procedure)
    if not units or not asked:
        return Grounding((), verdict, basis)
    unit_words = [_words(u.text) for u in units]
    terms = {t for ways in asked.values() for t in ways}
    held = {t: [_holds(t, words) for words in unit_words] for t in terms}

    def rarity(sentences_holding: int) -> float:  # how telling a wording is in this record
        return math.log((len(units) + 1) / (0.5 + sentences_holding))

    most = rarity(0)
    idf = {t: rarity(sum(h)) for t, h in held.items()}
    # A word weighs as the most telling wording the record has for it (one it never has: the most);
    # a sentence says it as strongly as the wording it holds.
    weight = {w: max((idf[t] for t in ways if any(held[t])), default=most) for w, ways in asked.items()}
    # Who is asking counts only when nothing else is asked ("vợ tôi sinh em bé …, không có giấy chứng sinh")
    cap = 0.0 if any(fold(w) not in PERSON_WORDS for w in weight) else PERSON_WEIGHT
    weight = {w: min(v, cap) if fold(w) in PERSON_WORDS else v for w, v in weight.items()}
    if not any(weight.values()):
        return Grounding((), verdict, basis)
    total = sum(weight.values())
    pairs = {pair: [_holds(pair, words) for words in unit_words] for pair in _pairs(question)}
    pair_idf = {pair: rarity(sum(h)) for pair, h in pairs.items()}
    scored = []
    for i, unit in enumerate(units):
        said = {w: max((idf[t] for t in ways if held[t][i]), default=0.0) for w, ways in asked.items()}
        coverage = sum(min(said[w], weight[w]) for w in asked) / total
        together = [pair_idf[pair] for pair, h in pairs.items() if h[i]]  # words side by side, as asked
        if coverage >= MIN_COVERAGE and max([*said.values(), *together]) >= RARE_SHARE * most:
            scored.append((coverage + PAIR_BONUS * len(together), coverage, unit))
    scored.sort(key=lambda row: -row[0])
    quoted = tuple(dict.fromkeys(Passage(u.field, _quote(u.text)) for _, _, u in scored[:MAX_QUOTES]))
    coverage = scored[0][1] if scored else 0.0
    if verdict is None and coverage >= STRONG_COVERAGE and YES_NO_ASKED.search(canonical(question).lower()):
        # The strong sentences must agree: "không bắt buộc phải công chứng" for a relative's authorisation
        # and "phải được công chứng" for anyone else's are two cases, no yes and no no.
        terms = [t for ways in asked.values() for t in ways]
        # A strong sentence that states neither may be another case ("trường hợp … bị mất … thì cán bộ sử dụng ảnh,
        # vân tay đã thu nhận lần gần nhất" beside "Bước 4: thu nhận vân tay"): it counts as disagreeing.
        said = {_polarity(u.text, terms) for _, c, u in scored[:MAX_QUOTES] if c >= STRONG_COVERAGE}
        verdict, basis = (said.pop() if len(said) == 1 else None), "quote"
    if verdict is None and CAN_ASKED.search(fold(canonical(question)).lower()):
        # "con 13 tuổi làm hộ chiếu được chưa": the record's case for that age, if it has one
        case = _age_case(units, stated_age(question)) if age_fits(procedure.name, stated_age(question)) is None \
            else None
        if case is not None:
            quoted, verdict, basis = tuple(dict.fromkeys([case, *quoted]))[:MAX_QUOTES], "Có", "quote"
    return Grounding(quoted, verdict, basis if verdict else "", coverage)


CAN_ASKED = re.compile(r"\b(duoc|dc)\b")  # "… làm được không / được chưa": whether it can be done
# An age group a record provides for ("người chưa đủ 14 tuổi thì tờ khai do người đại diện hợp pháp khai"), folded
AGE_CASE = re.compile(r"\b(chua du|duoi|tu du|tu)\s+(\d{1,2})\s+tuoi\b")


def _age_case(units: list[Passage], age: int | None) -> Passage | None:
    """The first sentence of the record that provides for an age group ``age`` is in, not negated just before."""
    if age is None:
        return None
    for unit in units:
        said = fold(unit.text).lower()
        for found in AGE_CASE.finditer(said):
            if within_age_bound(found.group(1), int(found.group(2)), age) and "khong" not in said[:found.start()].split()[-POLARITY_WINDOW:]:
                return Passage(unit.field, _quote(unit.text))
    return None


def _pairs(question: str) -> list[tuple[str, str]]:
    words = [w for w in _words(question) if not _is_question_word(w)]
    return list(zip(words, words[1:]))


def _field_verdict(procedure: Procedure, question: str) -> tuple[str | None, str]:
    """A yes or no a field of the record gives: "bé 10 tuổi có làm được không" against the name's age
    range ("cho người dưới 14 tuổi"); "làm online được không", "gửi về nhà được không" against its ways."""
    fits = age_fits(procedure.name, stated_age(question))
    if fits is not None:
        return ("Có" if fits else "Không"), "age"
    said = f" {canonical(question).lower()} "
    if procedure.ways and any(f" {cue} " in said for cue in FEE_CUES):
        fees = [fold(w.fee).lower() for w in procedure.ways if w.fee.strip()]
        if fees and all("mien" in f or "khong" in f for f in fees):
            return "Không", "fee"
        if fees and any(re.search(r"\d", f) for f in fees):
            return "Có", "fee"
    if procedure.ways and YES_NO_ASKED.search(said):
        if any(f" {cue} " in said for cue in _online_cues()):
            return ("Có" if procedure.online else "Không"), "online"
        if any(f" {cue} " in said for cue in POST_CUES) and any(w.mode == "Dịch vụ bưu chính" for w in procedure.ways):
            return "Có", "post"  # no way by post listed is no "no": the steps may still send the result by post
    return None, ""


@cache
def _online_cues() -> tuple[str, ...]:
    """How citizens ask about online submission: the aspect lexicon's phrases for it, folded."""
    return tuple(canonical(row[0]).lower() for row in lexicon("aspects") if row[1:2] == ["nộp trực tuyến"])


def _polarity(sentence: str, terms: list[tuple[str, ...]]) -> str | None:
    """"Không" when a negation stands just before what the sentence says of the question ("không phải
    xuất trình"), "Có" when an obligation or permission does ("hai bên nam, nữ phải có mặt") or the
    sentence's own wording is an act ("đưa … đến"); None when it says neither."""
    words = _words(sentence)
    starts = [i for t in terms for i in range(len(words) - len(t) + 1)
              if all(_same(a, w) for a, w in zip(t, words[i:i + len(t)]))]
    befores = [f" {' '.join(fold(w) for w in words[max(0, i - POLARITY_WINDOW):i])} " for i in starts]
    if any(f" {cue} " in before for before in befores for cue in NEGATIONS):
        return "Không"
    if any(f" {cue} " in before for before in befores for cue in OBLIGATIONS) or any(fold(words[i]) in ACTS
                                                                                   for i in starts):
        return "Có"
    return None
