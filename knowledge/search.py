"""Hybrid procedure search: BM25 over folded text + dense e5 embeddings in FAISS, fused.

``search(question)`` is the one entry point the rest of the project uses.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, lru_cache

import numpy as np

from bot.vietnamese import (
    PARTLY_UNACCENTED,
    canonical,
    clean_text,
    expand_abbreviations,
    fold,
    lexicon,
    phrase_at,
    phrase_list,
    unaccented_share,
    words,
)
from knowledge.catalogue import (
    aspect_phrases,
    folk_terms,
    get_procedure,
    load_catalogue,
    other_ministries,
    phrase_key,
)
from knowledge.embedding import Embedder, make_embedder
from knowledge.index import lexical_text, load_dense, load_restorer
from knowledge.lexical import STOPWORDS, LexicalIndex
from knowledge.settings import knowledge_settings

MAX_QUESTION_CHARS = 600
CANDIDATES = 50
QUERY_VECTOR_CACHE = 4096  # distinct questions whose embedding is kept
LEXICAL_WEIGHT = 0.55

# Name fragments that mark a special variant of a common procedure. A citizen who does
# not mention them means the ordinary one, so variants carrying them rank lower.
VARIANT_MARKERS = [
    "nha dau tu quan trong",
    "giay chung nhan can cuoc",
    "tam dung huong",
    "tiep tuc huong",
    "cham dut huong",
    "chuyen noi huong",
    "khu vuc bao ve di tich",
    "luu dong",
    "co yeu to nuoc ngoai",
    "khu vuc bien gioi",
    "dang ky lai",
    "nguoi nuoc ngoai",
    "thuc hien tai cap trung uong",
    "thuc hien tai cap tinh",
    "thuc hien tai cap huyen",
    "thuc hien o cap tinh",
    "ket hop",
    "quan su",
    "cong an nhan dan",
    "lien thong",
    "da co ho so, giay to ca nhan",
    "nop thay",
    "truc tuyen toan trinh",
    "truc tuyen mot phan",
    # operations on an existing record: a citizen who does not say them wants the first issue
    "xoa dang ky",
    "cham dut",
    "thu hoi",
    "tam ngung",
    "khoi phuc",
    "gia han",
    "cap lai",
    "cap doi",
    "dieu chinh quyet dinh",
    # building permits: the citizen who does not say so wants a house (works of grade III-IV), not to
    # move a building, a large works or one beside a railway (new or repair: knowledge/situations.py asks)
    "cong trinh cap dac biet",
    "giay phep di doi",
    "dung chung voi duong sat",
    "duong ngang",
    "cap dieu chinh",
    # narrower cases of a common procedure, wanted only when the citizen says so: a translator's
    # signature, a criminal record for someone with no known residence, a border pass, a stay extended
    # under a visa exemption, a lost passport or card reported (not a new one issued), a permit for
    # essential works by a railway, a change of land use that needs no permission, a guardianship
    # supervised (not registered), an imported vehicle, forest (not land) put to another use, land
    # used for another purpose than allotted, a shop selling goods with the travellers' VAT refund
    "nguoi dich",
    "khong xac dinh duoc noi thuong tru",
    "vung bien gioi",
    "da duoc cap giay mien thi thuc",
    "trinh bao mat",
    "cong trinh thiet yeu",
    "khong phai xin phep",
    "giam sat viec giam ho",
    "doi voi xe nhap khau",
    "su dung rung",
    "khong dung muc dich",
    "ban hang hoan thue",
]
EXCHANGE, EXCHANGE_VERB = "cap doi", "đổi "
VARIANT_PENALTY = 0.12
# A variant the citizen's situation selects ("người Nhật" -> có yếu tố nước ngoài) must outrank the
# ordinary procedure, whose name matches more of a long story's words.
CUED_VARIANT_BONUS = 0.25
# A citizen goes to the province, not the ministry: of variants that differ by level, the central one
# (named so, or done at a ministry's department) ranks this much lower unless the question names the
# centre, so the provincial one is answered (a variant of the same name stays offered beside it).
CENTRAL_LEVEL = ("cap trung uong", "tai cuc ")
# What follows a level or online marker when a name lists them all (folded).
LEVEL_LIST = (", cap trung uong", ", cap tinh", ", cap huyen", ", cap xa", " hoac truc tiep")
CENTRAL_ASKED = ("trung uong", " cuc ")
CENTRAL_PENALTY = 0.06
# A provincial procedure applies in its province only: the national one comes first unless the question
# names the province (the portal's structured crawl holds a province's copies beside the national ones).
PROVINCIAL_PENALTY = 0.5
# A procedure done at an embassy comes after the one done at home unless the question speaks of being
# abroad, and so do the Foreign Affairs ministry's procedures for foreigners (Procedure.for_diplomats)
# unless it speaks of diplomacy; asked from abroad, the embassy's comes first ("mất hộ chiếu ở nước ngoài").
ABROAD_PENALTY = 0.3
ABROAD_BONUS = 0.15
# A procedure only organisations file (its target groups name no person) ranks this much lower unless the
# question speaks for a company, a shop or another body: the larger catalogue holds businesses' twins of
# citizens' procedures ("gia hạn giấy phép xây dựng" of a railway crossing, postal licences "khi hết hạn").
ORGANISATION_PENALTY = 0.1
# Who a question speaks for when it is a body (canonical, folded text).
ORG_WORDS = ("cong ty", "doanh nghiep", "to chuc", "co so", "benh vien", "truong", "hop tac xa", "don vi",
             "co quan", "chi nhanh", "van phong dai dien", "nha may", "nha dau tu", "hiep hoi")
BUSINESS_WORDS = ORG_WORDS + ("kinh doanh", "cua hang", "tiem", "shop", "dai ly", "nha thuoc", "quay thuoc",
                              "san xuat", "buon ban", "mo quan", "nha hang", "xuat khau", "nhap khau")
# Dense scores are normalised over at least this span: among near-duplicates the candidates' similarities
# differ by a hundredth, and min-max scaling blew that up into the whole weight of the dense side.
DENSE_MIN_SPAN = 0.05
# Variants scoring within this of the top hit are too close to call: the citizen is asked which.
CLOSE_VARIANT = 0.05
# Unsure, the bot offers every distinct procedure scoring within OPTION_MARGIN of the best, at most
# OPTIONS (Zalo shows five buttons): the right one was 4th or 5th for a few dev questions, and the
# margin keeps far-off names out of the list.
OPTIONS = 5
OPTION_MARGIN = 0.3
# None of the options right, the next ones offered may score this far below the best (dev: an unsure
# question's right procedure, when among the first 15 hits, never scored more than 0.43 below it).
FURTHER_MARGIN = 2 * OPTION_MARGIN
# A question of this many words in several sentences is a story: its asking sentence weighs this much
# beside the whole (benchmarks/search.py, dev split: stories 0.3 best of 0, .3, .5, .7, 1).
STORY_WORDS = 18
FOCUS_WEIGHT = 0.3
# "không" asks only at a sentence's end ("… có được không?"), not as a negation ("không để lại di chúc").
ASKING = re.compile(r"\?|\b(?:thế nào|ra sao|như nào|gì|ở đâu|bao lâu|bao nhiêu|được không|có phải|làm sao|hỏi)\b"
                    r"|\bkhông\s*(?:[?.!,;…]|$)", re.IGNORECASE)
# A purpose clause ("… để làm hồ sơ nhập học") says what a paper is for, not which procedure is asked.
PURPOSE = re.compile(r"\bđể\b[^,.;?!]*")
PURPOSE_OWN_WORDS = 3  # content words left ("bản sao giấy khai sinh") for the rest to be a question of its own
# What a citizen says they want or must do: "muốn chuyển hộ khẩu", "phải tự đi khai báo", "yêu cầu
# phải có giấy tờ chứng minh giám hộ".
WANTS = re.compile(r"\b(?:muốn|cần|phải|yêu cầu|định)\b", re.IGNORECASE)
# An asking sentence that points back ("việc này", "giấy đó", "chứng nhận trên,", "nó", "bước tiếp theo", one that
# opens on "Họ …", "Anh ấy …") names nothing itself: letters ask about the procedure first and then about
# "doing this online" or what "they" (the service just named) can do.
REFERS_BACK = re.compile(r"\b(?:này|đó|nêu trên|nói trên|kể trên|nó|tiếp theo)\b|\w trên\s*[,?.]"
                         r"|^(?:họ|anh ấy|chị ấy)\b", re.IGNORECASE)



@dataclass(frozen=True)
class ConfidenceRule:
    """When the best procedure may be answered as if sure: enough of the question's meaningful words
    covered (lexical) and close enough in the embedding space (dense) — one strong, the other at least
    fair — and far enough ahead of the runner-up. Thresholds chosen on the dev split only by
    ``benchmarks/calibrate.py``; not sure, the bot offers the best options and says it is not sure."""

    min_coverage: float
    strong_coverage: float
    min_dense: float
    strong_dense: float
    min_lead: float = 0.0

    def sure(self, coverage: float, dense: float, lead: float) -> bool:
        return lead >= self.min_lead and ((coverage >= self.strong_coverage and dense >= self.min_dense)
                                          or (coverage >= self.min_coverage and dense >= self.strong_dense))


CONFIDENCE = ConfidenceRule(min_coverage=0.5, strong_coverage=0.75, min_dense=0.85, strong_dense=0.875)


@dataclass
class Hit:
    code: str
    name: str
    score: float
    lexical: float = 0.0
    dense: float = 0.0
    # What _score added up (PARTS order), read by the learned ranking stage (knowledge/rerank.py).
    parts: tuple[float, ...] = field(default=(), compare=False, repr=False)


# The components of a hybrid score, in Hit.parts: the normalised lexical and dense scores, then each prior.
PARTS = ("lexical", "dense", "cued", "ruled_out", "uncued_markers", "central", "elsewhere", "province_named",
         "abroad_penalty", "abroad_bonus", "age_fit", "bodies_only")


@dataclass(frozen=True)
class Retrieved:
    """What one query found before scoring: its lexical query and mass, raw BM25 and cosine scores
    (doc id -> score), its embedding (None without the dense side) and the candidate doc ids."""

    lexical_query: str
    mass: float
    lexical_scores: dict[int, float]
    dense_scores: dict[int, float]
    vector: np.ndarray | None
    candidates: frozenset[int]


@dataclass
class SearchResult:
    question: str
    confident: bool
    results: list[Hit]
    variants: list[Hit] = field(default_factory=list)
    coverage: float = 0.0
    other_ministry: str = ""
    learned: str = ""  # the officer's phrase that decided the top hit, if one did

    @property
    def close_variants(self) -> list[Hit]:
        """Variants too close to the best hit to call: the citizen is asked which one."""
        top = self.results[0].score if self.results else 0.0
        return [v for v in self.variants if v.score >= top - CLOSE_VARIANT]

    @property
    def options(self) -> list[Hit]:
        """What to offer when unsure: the distinct procedures close enough to the best to be meant."""
        top = self.results[0].score if self.results else 0.0
        return distinct_hits([h for h in self.results if h.score >= top - OPTION_MARGIN], OPTIONS)

    def further_options(self, offered: list[str]) -> list[Hit]:
        """What to offer when none of ``offered`` is right: distinct hits neither far below the best nor
        found on a shared word alone (the embedding did not retrieve it: "tín chỉ các-bon" for an
        inheritance) — after the last offered when these were such hits in rank order (the next ones
        offered earlier came before), else from the top (a life event's steps), never one offered."""
        top = self.results[0].score if self.results else 0.0
        eligible = [h for h in distinct_hits(self.results, len(self.results))
                    if h.score >= top - FURTHER_MARGIN and h.dense > 0]
        codes = [h.code for h in eligible]
        places = [codes.index(code) for code in offered if code in codes]
        after = places[-1] + 1 if offered and len(places) == len(offered) and places == sorted(places) else 0
        return [h for h in eligible[after:] if h.code not in offered][:OPTIONS]

    @property
    def answers_outright(self) -> bool:
        """Whether the bot answers the best hit as if sure (no choice asked, no doubt said)."""
        return self.confident and not self.close_variants

    def to_json(self) -> dict:
        return {
            "confident": self.confident,
            "results": [{"code": h.code, "name": h.name, "score": round(h.score, 4)} for h in self.results],
        }



def clean_question(question: str) -> str:
    """The question as text (no markup, no control characters), bounded in length: of a longer letter,
    its opening third and its end — citizens tell the context first and ask last."""
    text = clean_text(question)
    if len(text) <= MAX_QUESTION_CHARS:
        return text
    head = text[:MAX_QUESTION_CHARS // 3].rsplit(" ", 1)[0]
    tail = text[len(text) - (MAX_QUESTION_CHARS - len(head) - 2):].split(" ", 1)[-1]
    return f"{head}. {tail}"


def folk_wordings(text: str) -> list[str]:
    """The official wording of each folk term found in ``text`` ("sổ đỏ" -> Giấy chứng nhận...); a
    term matches words typed without diacritics, or with its own ("năm cuối" holds no "cưới")."""
    return list(_folk_wordings(text))


@lru_cache(maxsize=QUERY_VECTOR_CACHE)
def _folk_wordings(text: str) -> tuple[str, ...]:
    """folk_wordings, once per text: the search reads them, and the learned ranking again."""
    words = expand_abbreviations(text).split()
    wordings = []
    for phrases, official in folk_terms():
        places = [phrase_at(words, phrase) for phrase in phrases]
        if all(place is not None for place in places):
            wordings.append(official)
            for place, phrase in zip(places, phrases):  # each word names one term
                words[place:place + len(phrase)] = [""] * len(phrase)
    return tuple(wordings)


def expand_folk_terms(text: str) -> str:
    """``text`` with the official wording of its folk terms appended."""
    return " ".join([text, *folk_wordings(text)])


@cache
def _aspect_phrases_by_first_word() -> dict[str, list[tuple[str, list[str]]]]:
    """The aspect phrases (longest first, as ``aspect_phrases``) with their words, by their first word."""
    by_first: dict[str, list[tuple[str, list[str]]]] = {}
    for phrase in aspect_phrases():
        by_first.setdefault(phrase.split()[0], []).append((phrase, phrase.split()))
    return by_first


def strip_aspect_phrases(text: str) -> str:
    """Remove "cần giấy tờ gì", "mất bao lâu"... (they ask about, not for, a procedure); may leave ''.
    A phrase that with the word after it begins a term of the catalogue's names stays: "lệ phí trước
    bạ" names "Khai lệ phí trước bạ nhà, đất", "quỹ bảo hiểm" is no "quý báo" (folded alike)."""
    words = canonical(text or "").split()
    kept: list[str] = []
    i = 0
    while i < len(words):
        phrase = next((p for p, p_words in _aspect_phrases_by_first_word().get(words[i], ())
                       if words[i:i + len(p_words)] == p_words), None)
        size = phrase.count(" ") + 1 if phrase else 0
        if phrase and (phrase == PROCEDURE_WORD or not (i + size < len(words) and _in_names(f"{phrase} {words[i + size]}"))):
            i += size
            continue
        kept.append(words[i])
        i += 1
    return " ".join(kept)


# Every question says it ("làm thủ tục đăng ký kết hôn"); names, only in boilerplate ("thủ tục hành chính").
PROCEDURE_WORD = "thu tuc"


@cache
def _in_names(words: str) -> bool:
    """Whether these folded words stand together in some procedure's name."""
    return f" {words} " in _names_text()


@cache
def _names_text() -> str:
    return " | ".join(f" {canonical(p.name)} " for p in load_catalogue().values())


def other_ministry(question: str, top_name: str, matched: bool = True) -> str:
    """The ministry a question belongs to when it names a topic outside our catalogue — unless the
    procedure found is about that very topic and matches the question well ("ghi chú ly hôn" is ours,
    "ly hôn thuận tình" is the court's)."""
    folded_question = f" {canonical(question).lower()} "
    folded_name = canonical(top_name).lower()
    # Without its purpose clauses, does the question still ask for something of its own?
    stated = strip_aspect_phrases(PURPOSE.sub(" ", question.lower()))
    asks_own = matched or sum(word not in STOPWORDS for word in stated.split()) >= PURPOSE_OWN_WORDS
    for topic, ministry, unless in other_ministries():
        if f" {topic} " not in folded_question:
            continue
        if asks_own and f" {topic} " not in f" {stated} ":
            continue  # only why the paper is needed names the topic: "bản sao khai sinh để làm hồ sơ nhập học"
        # When the catalogue holds only a special case of the topic, it is ours only if the question says so.
        ours = any(f" {w} " in folded_question for w in unless) if unless else (matched and topic in folded_name)
        if not ours:
            return ministry
    return ""


@cache
def _folded(name: str) -> str:
    """A catalogue procedure's name lower-cased without diacritics, once per name (a bounded set):
    every candidate of every question is read for markers, level, age range and base name."""
    return fold(name.lower())


def _markers_in(folded: str) -> set[str]:
    """The variant markers a name carries — not those of a list: "trực tuyến một phần hoặc trực tiếp
    thực hiện tại cấp trung ương, cấp tỉnh, cấp xã" is every way and every level, the one procedure."""
    return {m for m in VARIANT_MARKERS if m in folded and not _listed(folded, m)}


@cache
def name_markers(name: str) -> frozenset[str]:
    """A procedure's variant markers (once per name); a name that starts "Đổi …" ("Đổi giấy phép lái xe", "Đổi tiền
    không đủ tiêu chuẩn") is an exchange as "Cấp đổi …" is, so a torn or damaged paper selects it."""
    markers = _markers_in(_folded(name))
    return frozenset(markers | {EXCHANGE} if name.lower().startswith(EXCHANGE_VERB) else markers)


def asks_exchange(question: str) -> bool:
    """The citizen says "đổi" (unaccented, "doi" — where "đối với" cannot be told apart, only then)."""
    lowered = question.lower()
    return bool(re.search(r"\bđổi\b", lowered) or (fold(lowered) == lowered and re.search(r"\bdoi\b", lowered)))


def _listed(folded: str, marker: str) -> bool:
    return folded.split(marker, 1)[1].startswith(LEVEL_LIST)


RULES_OUT = "!"  # a variant_cues.tsv marker so prefixed: any name fragment, which the phrase rules out


@cache
def _variant_cues() -> tuple[tuple[str, str], ...]:
    cues = tuple((canonical(phrase), marker) for phrase, marker in lexicon("variant_cues"))
    unknown = {marker for _, marker in cues if not marker.startswith(RULES_OUT)} - set(VARIANT_MARKERS)
    if unknown:  # a typo would silently select nothing
        raise ValueError(f"variant_cues.tsv names unknown markers: {sorted(unknown)}")
    return cues


@lru_cache(maxsize=QUERY_VECTOR_CACHE)
def _cued(question: str) -> frozenset[str]:
    """Every cue row's marker whose phrase the question holds — read once for cued_markers and ruled_out,
    which each search asks of the whole question and of its asking sentence."""
    padded = f" {canonical(question)} "
    return frozenset(marker for phrase, marker in _variant_cues() if f" {phrase} " in padded)


def cued_markers(question: str) -> set[str]:
    """The variants a citizen's situation selects without naming them ("chồng tôi là người Nhật" ->
    "có yếu tố nước ngoài"; "bị mất" -> "cấp lại"), from ``nlu_data/lexicon/variant_cues.tsv``: they
    rank above the ordinary procedure."""
    return {m for m in _cued(question) if not m.startswith(RULES_OUT)}


def ruled_out(question: str) -> set[str]:
    """Name fragments of what a citizen tells as done ("bé đã có giấy khai sinh" -> not "đăng ký khai
    sinh", alone or combined): procedures whose name holds one rank lower."""
    return {m.removeprefix(RULES_OUT) for m in _cued(question) if m.startswith(RULES_OUT)}


def asking_sentence(question: str) -> str | None:
    """In a story of several sentences, the last one that asks ("… thì làm thủ tục gì?") and names
    what it asks about, with the one before it when it is short or points back to it; None for a plain
    question. Citizens tell the context first and ask last, and the context's words (a birth, a bank, a
    notary) otherwise pull the search away from what is asked. An ask that names nothing ("Xin hỏi thủ
    tục làm ở đâu?") is read with the last sentence that says what the citizen wants ("Nay chúng tôi
    muốn chuyển hộ khẩu cả nhà về nhà mới")."""
    sentences = [s.strip() for s in re.split(r"(?<=[.?!;])\s+|\n+", question) if s.strip()]
    if len(sentences) < 2 or len(question.split()) < STORY_WORDS:
        return None
    asking = [i for i, sentence in enumerate(sentences) if ASKING.search(sentence)]
    if not asking:
        return None
    naming = [i for i in asking if not REFERS_BACK.search(sentences[i])]
    last = naming[-1] if naming else asking[-1]
    first = last - 1 if last > 0 and (len(sentences[last].split()) < 6 or not naming) else last
    if len(_meaningful_words(" ".join(sentences[first:last + 1]))) <= 1:
        wants = [i for i in range(first) if WANTS.search(sentences[i]) and len(_meaningful_words(sentences[i])) > 1]
        if wants:
            return f"{sentences[wants[-1]]} {' '.join(sentences[first:last + 1])}"
    return " ".join(sentences[first:last + 1])


def _meaningful_words(text: str) -> list[str]:
    """The words of ``text`` that could name a procedure: no aspect phrase, stop word or filler."""
    fillers = set(phrase_list("fillers"))
    return [w for w in strip_aspect_phrases(text).split() if w not in STOPWORDS and w not in fillers]


def fuse(whole: list[Hit], focused: list[Hit], weight: float) -> list[Hit]:
    """One ranking from the whole story's and the asking sentence's (``weight`` on the latter)."""
    scores: dict[str, float] = {}
    by_code: dict[str, Hit] = {}
    for hits, share in ((whole, 1 - weight), (focused, weight)):
        for hit in hits:
            scores[hit.code] = scores.get(hit.code, 0.0) + share * hit.score
            by_code.setdefault(hit.code, hit)
    return sorted((replace(by_code[code], score=score) for code, score in scores.items()),
                  key=lambda h: h.score, reverse=True)


_AGE = re.compile(r"\b(\d{1,3})\s*(tuoi|thang tuoi|thang)\b")
_AGE_BOUND = re.compile(r"\b(duoi|chua du|tu du|tren|qua|du)\s+(\d{1,2})\s*tuoi\b")
_NEWBORN = re.compile(r"\b(moi sinh|so sinh|vua sinh|moi de|vua de)\b")
# A birth year, as letters give it ("con tôi sinh năm 2005", "sinh ngày 12/5/2015", "sinh tháng 3/2019").
_BORN = re.compile(r"\bsinh\s+(?:nam\s+|ngay\s+\d{1,2}\s*[/-]\s*\d{1,2}\s*[/-]\s*(?:nam\s+)?"
                   r"|thang\s+\d{1,2}\s*(?:[/-]\s*|nam\s+))?((?:19|20)\d\d)\b")
_NAME_RANGE = re.compile(r"\b(duoi|tu du)\s+(\d{1,2})\s+tuoi\b")
_NAME_RANGE_PHRASE = re.compile(r"\b(duoi|tu du)\s+\d{1,2}\s+tuoi(\s+tro len)?\b")
# A child named without an age ("làm căn cước cho con"): the procedure's age variants are equally likely.
_CHILD = re.compile(r"\b(con|be|chau|tre|tre em|em be)\b")


@cache
def _abroad_phrases() -> tuple[str, ...]:
    """How citizens say they are abroad: the typed answers of the situation question that asks it, less
    a bare "nước ngoài" (a reply to that question, but in a question "người nước ngoài" is a foreigner)."""
    from knowledge.situations import situation_questions

    typed = next(a.typed for a in situation_questions()["abroad"].answers if a.name_has)
    # "lãnh sự" alone names a procedure ("hợp pháp hóa lãnh sự"), not where the citizen is
    return tuple(p for p in typed if p not in {canonical("nước ngoài"), canonical("lãnh sự")})


def speaks_of_abroad(question: str) -> bool:
    padded = f" {canonical(question)} "
    return any(f" {phrase} " in padded for phrase in _abroad_phrases())


def stated_age(question: str) -> int | None:
    """The age, in years, a question gives for the person concerned ("con tôi 10 tuổi", "bé 8 tháng
    tuổi", "mới sinh", "dưới 14 tuổi", "sinh năm 2005"), or None. Of several birth years the latest
    counts: the age-bound procedures are a child's ("dưới 14 tuổi") beside everyone else's."""
    folded = fold(question.lower())
    bound = _AGE_BOUND.search(folded)
    if bound:
        limit = int(bound.group(2))
        return limit - 1 if bound.group(1) in {"duoi", "chua du"} else limit + (bound.group(1) in {"tren", "qua"})
    found = _AGE.search(folded)
    if found:
        return 0 if found.group(2) != "tuoi" else int(found.group(1))
    if _NEWBORN.search(folded):
        return 0
    years = [int(year) for year in _BORN.findall(folded) if int(year) <= date.today().year]
    return date.today().year - max(years) if years else None


def age_fits(name: str, age: int | None) -> bool | None:
    """Whether a procedure whose name states an age range ("cho người dưới 14 tuổi", "từ đủ 14 tuổi
    trở lên", "trẻ em dưới 6 tuổi") is for this age; None when either is unknown."""
    if age is None:
        return None
    stated = _NAME_RANGE.search(_folded(name))
    return within_age_bound(stated.group(1), int(stated.group(2)), age) if stated else None


def within_age_bound(bound: str, limit: int, age: int) -> bool:
    """Whether ``age`` is within a bound as the catalogue words it (folded): "duoi"/"chua du" 14 is under 14,
    "tu du"/"tu" 14 is 14 and over."""
    return age < limit if bound in ("duoi", "chua du") else age >= limit


def _without_age_range(name: str) -> str | None:
    """A name folded, its age range taken out ("cấp thẻ căn cước cho người"); None when it states none."""
    folded = _folded(name)
    return " ".join(_NAME_RANGE_PHRASE.sub(" ", folded).split()) if _NAME_RANGE.search(folded) else None


def age_siblings(question: str, top: Hit, hits: list[Hit]) -> list[Hit]:
    """The other age variants of ``top`` ("… dưới 14 tuổi" beside "… từ đủ 14 tuổi trở lên"), level with
    it, when the question is about a child and gives no age; else none."""
    own = _without_age_range(top.name)
    if own is None or stated_age(question) is not None or not _CHILD.search(fold(question.lower())):
        return []
    return [replace(h, score=top.score) for h in hits if h.code != top.code and _without_age_range(h.name) == own]


def base_name(name: str) -> str:
    """Name without variant markers and parentheses: what variants of one procedure share."""
    folded = re.sub(r"\([^)]*\)", " ", _folded(name))
    for marker in VARIANT_MARKERS:
        folded = folded.replace(marker, " ")
    return " ".join(re.findall(r"\w+", folded))


def cued_over_siblings(hits: list[Hit], cued: set[str]) -> list[Hit]:
    """The variant the situation selects above its ordinary sibling: "ông tôi mất ở Mỹ" is the foreign
    khai tử even though "Đăng ký khai tử", a shorter name, matches more of the words."""
    if not cued:
        return hits
    best_plain: dict[str, float] = {}
    for hit in hits:
        if not name_markers(hit.name) & cued:
            base = base_name(hit.name)
            best_plain[base] = max(best_plain.get(base, hit.score), hit.score)
    lead = CLOSE_VARIANT + 0.01  # clear of its sibling: answered, not asked between the two
    return [replace(h, score=max(h.score, best_plain[base_name(h.name)] + lead))
            if name_markers(h.name) & cued and base_name(h.name) in best_plain else h for h in hits]


def distinct_hits(hits: list[Hit], n: int) -> list[Hit]:
    """The first ``n`` hits whose names differ by more than a parenthesis ("(thực hiện tại cấp
    tỉnh)" / "(… cấp trung ương)"): three options are three procedures, not one at two levels."""
    kept: dict[str, Hit] = {}
    for hit in hits:
        kept.setdefault(" ".join(re.findall(r"\w+", re.sub(r"\([^)]*\)", " ", _folded(hit.name)))), hit)
    return list(kept.values())[:n]


class Searcher:
    """Loads the catalogue, the lexical index, the restorer and (lazily) the dense model."""

    def __init__(self, embedder: Embedder | None = None, mode: str = "hybrid", rerank: bool | None = None) -> None:
        if mode not in {"hybrid", "lexical", "dense"}:
            raise ValueError(mode)
        self.mode = mode
        # The learned ranking stage over the hybrid's first candidates (KNOWLEDGE_RERANK unless given).
        self.rerank = knowledge_settings().rerank if rerank is None else rerank
        self._rerank_model = None  # loaded on first use; False: on, but no model built
        self.procedures = list(load_catalogue().values())
        self.lexical = LexicalIndex([lexical_text(p) for p in self.procedures])
        self.restorer = load_restorer(self.procedures)
        self._embedder = embedder
        self._dense = None
        self._lock = threading.Lock()
        # Citizens ask the same few hundred questions over and over; the query embedding was most of
        # the action server's CPU (py-spy under benchmarks/load.py). ~1.5 KB a vector.
        self._query_vector = lru_cache(maxsize=QUERY_VECTOR_CACHE)(self._embed_query)

    def _dense_index(self):
        with self._lock:
            if self._dense is None:
                self._embedder = self._embedder or make_embedder()
                self._dense = load_dense(self.procedures, self._embedder)
        return self._dense

    def prepare(self, question: str) -> tuple[str, str]:
        """(lexical query, dense query): abbreviations and folk terms expanded; the dense one
        also gets its diacritics restored, since e5 does poorly on unaccented Vietnamese."""
        expanded = expand_folk_terms(expand_abbreviations(question))
        partly_unaccented = unaccented_share(list(words(expanded))) > PARTLY_UNACCENTED
        dense_query = self.restorer.restore(expanded) if partly_unaccented else expanded
        # The lexical side works on folded text, so it can drop aspect phrases directly.
        return strip_aspect_phrases(expanded), dense_query

    def _embed_query(self, dense_query: str) -> np.ndarray:
        vector = self._embedder.embed_queries([dense_query])
        vector.setflags(write=False)  # shared by every later identical question
        return vector

    def ranked(self, question: str) -> tuple[str, str | None, Retrieved, list[Hit]] | None:
        """(cleaned question, its asking sentence, what the whole question retrieved, hybrid hits best first);
        None when the question names no procedure."""
        question = clean_question(question)
        if not re.search(r"\w", question):
            return None
        whole = self._retrieve(question)
        if whole is None:
            # Only "how much / how long / where" words: the question names no procedure.
            return None
        asked = asking_sentence(question)
        focus = self._retrieve(asked) if asked else None
        # A story: what is asked weighs beside the whole. Both rankings score the same procedures:
        # one only the asking sentence found would otherwise get nothing from the whole story, and
        # win on the sentence alone.
        hits = self._score(question, whole, also=focus.candidates if focus else frozenset())
        if focus:
            hits = fuse(hits, self._score(asked, focus, also=whole.candidates), FOCUS_WEIGHT)
        return question, asked, whole, hits

    def search(self, question: str, top_k: int = 5) -> SearchResult:
        found = self.ranked(question)
        if found is None:
            return SearchResult(question=clean_question(question), confident=False, results=[])
        question, asked, whole, hits = found
        reranker = self._reranker()
        if reranker is None:
            return self.result(question, asked, whole, hits, top_k)
        hits, sure = reranker.rerank(self, question, asked, whole, hits)
        return self.result(question, asked, whole, hits, top_k, sure=sure)

    def result(self, question: str, asked: str | None, whole: Retrieved, hits: list[Hit], top_k: int = 5,
               sure: bool = True) -> SearchResult:
        """The answer ``hits`` make (``ranked``'s, or the learned ranking's): the best ones, whether the first is
        sure (never when ``sure`` is False: the learned ranking's own doubt), its close variants."""
        top = hits[0]
        covered = self.lexical.matched_mass(whole.lexical_query, lexical_text(get_procedure(top.code)))
        coverage = covered / whole.mass if whole.mass else 0.0
        lead = top.score - hits[1].score if len(hits) > 1 else 1.0
        matched = sure and self._is_confident(coverage, top.dense, lead)
        ministry = other_ministry(asked or question, top.name, matched)  # what is asked, not the context
        confident = matched and not ministry
        top_base = base_name(top.name)
        variants = [h for h in hits[1:10] if base_name(h.name) == top_base or h.score >= top.score - CLOSE_VARIANT]
        siblings = age_siblings(question, top, hits[1:CANDIDATES])
        variants = siblings + [h for h in variants if h.code not in {s.code for s in siblings}]
        return SearchResult(question, confident, hits[:top_k], variants[:4], round(coverage, 3), ministry)

    def _reranker(self):
        """The learned ranking stage (knowledge/rerank.py) when on and built, else None (the hybrid's order)."""
        if not self.rerank or self.mode != "hybrid":
            return None
        if self._rerank_model is None:
            from knowledge.rerank import load_reranker

            with self._lock:
                self._rerank_model = load_reranker(self.procedures) or False
        return self._rerank_model or None

    def _retrieve(self, question: str) -> Retrieved | None:
        """The question's candidate procedures with their raw scores; None when nothing in it names one."""
        lexical_query, dense_query = self.prepare(question)
        if not lexical_query:
            return None
        lexical_scores: dict[int, float] = {}
        mass = 0.0
        if self.mode in {"hybrid", "lexical"}:
            lexical_scores, mass = self.lexical.scores(lexical_query)
        dense_scores: dict[int, float] = {}
        vector = None
        if self.mode in {"hybrid", "dense"}:
            index = self._dense_index()  # loads the embedder too, on first use
            vector = self._query_vector(dense_query)
            sims, ids = index.search(np.ascontiguousarray(vector, dtype=np.float32), CANDIDATES)
            dense_scores = {int(i): float(s) for i, s in zip(ids[0], sims[0]) if i >= 0}
        top_lexical = sorted(lexical_scores, key=lexical_scores.__getitem__, reverse=True)[:CANDIDATES]
        candidates = frozenset(top_lexical) | frozenset(dense_scores)
        if not candidates:
            return None
        return Retrieved(lexical_query, mass, lexical_scores, dense_scores, vector, candidates)

    def _score(self, question: str, found: Retrieved, also: frozenset[int] = frozenset()) -> list[Hit]:
        """``found``'s candidates, and ``also`` these procedures, scored for ``question``: hits best first."""
        lexical_scores = found.lexical_scores
        best_lexical = max(lexical_scores.values(), default=0.0) or 1.0
        dense_values = list(found.dense_scores.values())
        dense_floor = min(dense_values, default=0.0)
        dense_span = (max(dense_values, default=1.0) - dense_floor) or 1.0
        if dense_span < DENSE_MIN_SPAN:
            dense_floor, dense_span = max(dense_values, default=1.0) - DENSE_MIN_SPAN, DENSE_MIN_SPAN
        dense_scores = dict(found.dense_scores)
        # Every candidate gets its similarity, below this question's floor or not: the lexical side's own
        # finds too, which a crowd of near-duplicates (a province's copies) can push out of the dense top.
        extra = sorted((also | found.candidates) - dense_scores.keys())
        if extra and found.vector is not None:
            passages = np.vstack([self._dense_index().reconstruct(i) for i in extra])
            dense_scores.update(zip(extra, (passages @ found.vector[0]).tolist()))
        candidates = found.candidates | also
        lexical_query = found.lexical_query

        cued, done = cued_markers(question), ruled_out(question)
        folded_question = fold(question.lower())
        central_asked = any(word in f" {folded_question} " for word in CENTRAL_ASKED)
        asked_markers = _markers_in(folded_question) | _markers_in(fold(lexical_query.lower())) | cued
        if asks_exchange(question):
            asked_markers.add(EXCHANGE)
        age = stated_age(question)
        abroad_asked = speaks_of_abroad(question)
        diplomacy_asked = abroad_asked or " ngoai giao " in f" {folded_question} "
        padded = f" {canonical(question).lower()} "
        business_asked = any(f" {word} " in padded for word in BUSINESS_WORDS)
        hits = []
        for doc_id in candidates:
            procedure = self.procedures[doc_id]
            lex = lexical_scores.get(doc_id, 0.0) / best_lexical
            den = max(0.0, dense_scores[doc_id] - dense_floor) / dense_span if doc_id in dense_scores else 0.0
            if self.mode == "lexical":
                score = lex
            elif self.mode == "dense":
                score = den
            else:
                score = LEXICAL_WEIGHT * lex + (1 - LEXICAL_WEIGHT) * den
            name = _folded(procedure.name)
            markers = name_markers(procedure.name)
            # A variant the situation selects wins over the ordinary one; others the citizen did not ask rank lower.
            n_cued, n_done = len(markers & cued), sum(fragment in name for fragment in done)
            n_uncued = len(markers - asked_markers)
            score += CUED_VARIANT_BONUS * (n_cued - n_done) - VARIANT_PENALTY * n_uncued
            central = not central_asked and (any(level in name and not _listed(name, level) for level in CENTRAL_LEVEL)
                                             or procedure.levels == ["Cấp bộ"])
            if central:
                score -= CENTRAL_PENALTY
            province_named = bool(procedure.province) and fold(procedure.province.lower()) in folded_question
            elsewhere = bool(procedure.province) and not province_named
            if elsewhere:
                score -= PROVINCIAL_PENALTY
            abroad_penalty = (procedure.done_abroad and not abroad_asked) or (procedure.for_diplomats and not diplomacy_asked)
            abroad_bonus = not abroad_penalty and procedure.done_abroad
            if abroad_penalty:
                score -= ABROAD_PENALTY
            elif abroad_bonus:  # "mất hộ chiếu ở nước ngoài": the embassy's, not the commune's
                score += ABROAD_BONUS
            bodies_only = not business_asked and procedure.for_bodies_only
            if bodies_only:
                score -= ORGANISATION_PENALTY
            fits = age_fits(procedure.name, age)
            age_fit = 0
            if fits is not None and not (fits and elsewhere):  # "con tôi 10 tuổi": "dưới 14 tuổi", not "từ đủ 14 tuổi"
                age_fit = 1 if fits else -1  # (another province's age rule: no bonus)
                score += CUED_VARIANT_BONUS * age_fit
            parts = (lex, den, n_cued, n_done, n_uncued, central, elsewhere, province_named, abroad_penalty,
                     abroad_bonus, age_fit, bodies_only)
            hits.append(Hit(procedure.code, procedure.name, score, lex, dense_scores.get(doc_id, 0.0),
                            tuple(float(x) for x in parts)))
        hits = cued_over_siblings(hits, cued)
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits

    def _is_confident(self, coverage: float, dense: float, lead: float) -> bool:
        if self.mode == "lexical":
            return coverage >= CONFIDENCE.min_coverage
        if self.mode == "dense":
            return dense >= CONFIDENCE.min_dense + 0.03
        return CONFIDENCE.sure(coverage, dense, lead)


_default: Searcher | None = None
_default_lock = threading.Lock()


def default_searcher() -> Searcher:
    """The process-wide searcher, created on first use (models load lazily, not at import)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Searcher()
    return _default


def search(question: str, top_k: int = 5, learned: Mapping[str, str] | None = None) -> SearchResult:
    """Ranked procedures for a citizen's question, with a ``confident`` flag. ``learned``: phrase keys
    (``phrase_key``) an officer tied to a procedure — one found in the question decides."""
    result = default_searcher().search(question, top_k=top_k)
    return prefer_learned(result, learned, top_k) if learned else result


def prefer_learned(result: SearchResult, learned: Mapping[str, str], top_k: int = 5) -> SearchResult:
    """The procedure of the longest learned phrase in the question first, answered as sure: an officer
    read this wording and decided, which the catalogue's words could not."""
    padded = f" {phrase_key(result.question)} "
    found = max((key for key in learned if key and f" {key} " in padded), key=len, default=None)
    procedure = get_procedure(learned[found]) if found else None
    if procedure is None:
        return result
    top = result.results[0].score if result.results else 1.0
    hit = next((h for h in result.results if h.code == procedure.code), Hit(procedure.code, procedure.name, top))
    others = [h for h in result.results if h.code != procedure.code]
    return replace(result, confident=True, results=[replace(hit, score=max(hit.score, top)), *others][:top_k],
                   variants=[], other_ministry="", learned=found)
