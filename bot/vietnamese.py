"""Vietnamese text handling shared by the Rasa components and the knowledge search.

Pure Python (no Rasa, no numpy) so that both the Rasa environment (Python 3.10)
and the main environment (Python 3.11) import the same code. Lexicons live in
``nlu_data/lexicon/``.

What it does:
- ``normalize``: NFC, lower-case, one tone-mark placement (old style: "hòa", "thủy").
- ``fold``: strip every diacritic ("đăng ký" -> "dang ky") for accent-insensitive matching.
- ``expand_abbreviations``: cccd, gplx, hk, dk, ko, bhyt... -> full words (lexicon file).
- ``syllable_spans``: syllables with their character offsets in the original text.
- ``DiacriticRestorer``: a syllable bigram model that puts diacritics back on
  text typed without them ("lam giay khai sinh" -> "làm giấy khai sinh").
"""

from __future__ import annotations

import gzip
import html
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parent.parent / "nlu_data" / "lexicon"

# Tone marks as combining characters (NFD): grave, acute, hook, tilde, dot below.
_TONES = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
_VOWELS = set("aăâeêioôơuưy")
_MODIFIED_VOWELS = set("ăâêôơư")

_SYLLABLE_RE = re.compile(r"\w+(?:[-./]\w+)*", re.UNICODE)
_WORD_RE = re.compile(r"\w+", re.UNICODE)
# How much of a text was typed without diacritics decides two things, at two levels:
# - more than MOSTLY_UNACCENTED: word segmentation breaks down on it ("dieu kien" -> "kien_la"), so it is
#   left one token a syllable (a third of ordinary accented syllables carry no mark: "khai", "sinh");
# - more than PARTLY_UNACCENTED: the embedding model does poorly on it, so the search restores diacritics
#   first (restoring keeps the marks that were typed, so it is safe on mixed text).
MOSTLY_UNACCENTED = 0.7
PARTLY_UNACCENTED = 0.3


# A tag cannot hold "<": a match attempt stops at the next one, so 200,000 "<" take linear time
# (with "[^>]*" each "<" scanned to the end of the text: quadratic).
_SCRIPT_RE = re.compile(r"<(script|style)\b[^<>]*>.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^<>]*>")
# Zero-width characters join or hide, they never separate: "khai\u200bsinh" is "khaisinh" as typed.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def clean_text(text: str) -> str:
    """What a citizen typed, as text: entities decoded first (so "&lt;img&gt;" cannot come back as a
    tag), then scripts and tags removed, zero-width characters dropped, control characters and
    runs of white space made single spaces."""
    text = html.unescape(text or "").translate(_ZERO_WIDTH)
    text = _TAG_RE.sub(" ", _SCRIPT_RE.sub(" ", text))
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())


@lru_cache(maxsize=65536)  # the matchers fold the same words and names again and again (a letter: ~1,000 times)
def fold(text: str) -> str:
    """Remove all diacritics and map đ to d (keeps case)."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "D")


def has_diacritics(text: str) -> bool:
    return fold(text) != text


def unaccented_share(syllables: list[str]) -> float:
    """Share of the word syllables typed without diacritics (numbers, codes and dates do not count)."""
    letters = [s for s in syllables if s.isalpha()]
    return sum(1 for s in letters if not has_diacritics(s)) / len(letters) if letters else 0.0


@lru_cache(maxsize=65536)  # a language's syllables are a small set; every matcher normalises them again
def _place_tone(syllable: str) -> str:
    """Rewrite one lower-case syllable with its tone mark on the canonical vowel."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = next((ch for ch in decomposed if ch in _TONES), None)
    if tone is None:
        return syllable
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    # Positions of vowels, skipping the 'u' of "qu" and the 'i' of "gi" + vowel.
    start = 0
    if bare.startswith("qu") or (bare.startswith("gi") and len(bare) > 2 and fold(bare[2]) in _VOWELS):
        start = 2
    positions = [i for i in range(start, len(bare)) if fold(bare[i]) in _VOWELS or bare[i] in _MODIFIED_VOWELS]
    if not positions:
        positions = [i for i, ch in enumerate(bare) if fold(ch) in _VOWELS]
        if not positions:
            return syllable
    # Keep only the first contiguous vowel cluster.
    cluster = [positions[0]]
    for pos in positions[1:]:
        if pos == cluster[-1] + 1:
            cluster.append(pos)
    modified = [i for i in cluster if bare[i] in _MODIFIED_VOWELS]
    has_final = cluster[-1] < len(bare) - 1
    if modified:
        target = modified[-1]  # ươ -> ơ, uyê -> ê
    elif len(cluster) == 1:
        target = cluster[0]
    elif len(cluster) == 2:
        target = cluster[1] if has_final else cluster[0]
    else:
        target = cluster[1]
    chars = list(bare)
    chars[target] = unicodedata.normalize("NFC", chars[target] + tone)
    return "".join(chars)


def normalize(text: str) -> str:
    """NFC, lower-case, unify tone-mark placement, collapse white space."""
    text = unicodedata.normalize("NFC", text).lower()
    text = _WORD_RE.sub(lambda m: _place_tone(m.group(0)) if has_diacritics(m.group(0)) else m.group(0), text)
    return " ".join(text.split())


def syllable_spans(text: str) -> list[tuple[str, int, int]]:
    """Normalised syllables (or codes like 1.001193, HS-2026-000001) with offsets in ``text``.

    Offsets are those of the original string; NFC normalisation of a decomposed
    input could shift them, so the input is first normalised to NFC by the caller
    (Rasa and our gateway both receive NFC from browsers and phones).
    """
    return [(normalize(m.group(0)), m.start(), m.end()) for m in _SYLLABLE_RE.finditer(text)]


def lexicon(name: str) -> list[list[str]]:
    """Rows of the tab-separated lexicon ``nlu_data/lexicon/<name>.tsv`` (comments, blank lines skipped)."""
    rows = []
    for line in (LEXICON_DIR / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([cell.strip() for cell in line.split("\t")])
    return rows


@lru_cache(maxsize=1)
def abbreviations() -> dict[tuple[str, ...], str]:
    """Abbreviation lexicon: folded token sequence -> expansion (normalised)."""
    table: dict[tuple[str, ...], str] = {}
    for short, *full in lexicon("abbreviations"):
        key = tuple(_WORD_RE.findall(normalize(short)))
        if key and full and full[0]:
            table[key] = normalize(full[0])
    return table


def expand_tokens(tokens: list[str]) -> list[tuple[str, int, int]]:
    """Expand abbreviations in a token list.

    Returns (expansion, first_index, last_index_exclusive) for each output piece, so a
    caller can map expansions back to the original tokens' offsets. Matching is exact
    on the normalised token (accented or not), longest sequence first.
    """
    table = abbreviations()
    longest = max((len(k) for k in table), default=1)
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            key = tuple(tokens[i : i + size])
            if key in table:
                out.append((table[key], i, i + size))
                i += size
                break
        else:
            out.append((tokens[i], i, i + 1))
            i += 1
    return out


def expand_abbreviations(text: str) -> str:
    """Normalise ``text`` and replace abbreviations/teencode by their full form."""
    tokens = _WORD_RE.findall(normalize(text))
    return " ".join(piece for piece, _, _ in expand_tokens(tokens))


@lru_cache(maxsize=8192)  # a question is read by the search, the turn reader and grounding, names every turn
def canonical(text: str) -> str:
    """The form every matcher compares: normalised, abbreviations expanded, folded."""
    return fold(expand_abbreviations(text))


@cache
def phrase_list(name: str) -> tuple[str, ...]:
    """The first column of lexicon ``name``, in canonical form, in file order (one phrase a row)."""
    return tuple(canonical(row[0]) for row in lexicon(name))


def phrase_at(words: list[str], phrase: tuple[str, ...]) -> int | None:
    """Where ``phrase`` (normalised words) stands in ``words`` (``expand_abbreviations(text).split()``),
    diacritics ignored only where a word was typed without them: "cuoi" may be "cưới", "cuối" is not."""
    folded = [fold(w) for w in phrase]
    for i in range(len(words) - len(phrase) + 1):
        window = words[i:i + len(phrase)]
        if all(fold(t) == f and (t == p or t == fold(t)) for t, p, f in zip(window, phrase, folded)):
            return i
    return None


def without_phrases(text: str, phrases: Iterable[str]) -> list[str]:
    """The canonical words of ``text`` once each of ``phrases`` (canonical, longest first) is taken out
    wherever it stands as whole words."""
    padded = f" {canonical(text or '')} "
    for phrase in phrases:
        padded = padded.replace(f" {phrase} ", " ")
    return padded.split()


class DiacriticRestorer:
    """Restore diacritics on syllables typed without them, by Viterbi over a bigram model.

    Syllables that already carry diacritics are kept as typed; unknown ones too.
    Trained on the catalogue's own text, which is where the vocabulary of our users'
    questions comes from.
    """

    def __init__(self, unigrams: dict[str, int], bigrams: dict[str, int]) -> None:
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.total = sum(unigrams.values()) or 1
        self.candidates: dict[str, list[str]] = defaultdict(list)
        for word in unigrams:
            self.candidates[fold(word)].append(word)

    @classmethod
    def train(cls, texts: Iterable[str]) -> DiacriticRestorer:
        unigrams: Counter[str] = Counter()
        bigrams: Counter[str] = Counter()
        for text in texts:
            for sentence in re.split(r"[.;:!?\n()\[\]]", normalize(text)):
                words = _WORD_RE.findall(sentence)
                unigrams.update(w for w in words if not w.isdigit())
                bigrams.update(f"{a} {b}" for a, b in zip(words, words[1:]))
        # Pairs seen once are mostly noise and double the model's size.
        kept = {k: v for k, v in bigrams.items() if v > 1}
        return cls(dict(unigrams), kept)

    def save(self, path: Path) -> None:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            json.dump({"unigrams": self.unigrams, "bigrams": self.bigrams}, fh, ensure_ascii=False)

    @classmethod
    def load(cls, path: Path) -> DiacriticRestorer:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        return cls(data["unigrams"], data["bigrams"])

    def _options(self, word: str) -> list[str]:
        if has_diacritics(word) or word.isdigit():
            return [word]
        return self.candidates.get(word) or [word]

    def _log_unigram(self, word: str) -> float:
        return math.log((self.unigrams.get(word, 0) + 0.1) / self.total)

    def _log_transition(self, prev: str, word: str) -> float:
        pair = self.bigrams.get(f"{prev} {word}", 0)
        prev_count = self.unigrams.get(prev, 0)
        # Interpolated bigram/unigram probability.
        bigram_p = pair / prev_count if prev_count else 0.0
        unigram_p = (self.unigrams.get(word, 0) + 0.1) / self.total
        return math.log(0.8 * bigram_p + 0.2 * unigram_p)

    def restore_words(self, words: list[str]) -> list[str]:
        if not words:
            return []
        lattice = [self._options(w) for w in words]
        scores = {w: self._log_unigram(w) for w in lattice[0]}
        back: list[dict[str, str]] = []
        for options in lattice[1:]:
            step_scores: dict[str, float] = {}
            step_back: dict[str, str] = {}
            for word in options:
                best_prev, best = max(
                    ((p, s + self._log_transition(p, word)) for p, s in scores.items()), key=lambda x: x[1]
                )
                step_scores[word], step_back[word] = best, best_prev
            scores = step_scores
            back.append(step_back)
        word = max(scores, key=scores.__getitem__)
        path = [word]
        for step_back in reversed(back):
            word = step_back[word]
            path.append(word)
        return path[::-1]

    def restore(self, text: str) -> str:
        """Normalised ``text`` with diacritics restored on unaccented syllables."""
        return " ".join(self.restore_words(_WORD_RE.findall(normalize(text))))


def words(text: str) -> Iterator[str]:
    """Normalised word tokens of ``text`` (no punctuation)."""
    return iter(_WORD_RE.findall(normalize(text)))


def segment(text: str) -> list[tuple[str, int, int]]:
    """Words of ``text`` as (normalised word with syllables joined by '_', start, end).

    Word boundaries come from underthesea's word segmentation over the normalised
    syllables; offsets are those of the original text, so entity annotations stay valid.
    Text typed without diacritics is left one word a syllable: underthesea's segmentation
    breaks down on it ("dieu kien la gi" -> "kien_la"), and the char n-gram
    featurizer sees the folded syllables anyway.
    """
    from underthesea import word_tokenize  # heavy import, only where segmentation is needed

    spans = syllable_spans(text)
    if not spans:
        return []
    syllables = [s for s, _, _ in spans]
    if unaccented_share(syllables) > MOSTLY_UNACCENTED:
        return spans
    starts, ends, position = {}, {}, 0
    for index, syllable in enumerate(syllables):
        starts[position] = index
        position += len(syllable)
        ends[position] = index
    words_out = word_tokenize(" ".join(syllables))
    if sum(len(w.replace(" ", "")) for w in words_out) != position:
        return [(s, a, b) for s, a, b in spans]
    result: list[tuple[str, int, int]] = []
    position, first = 0, None
    for word in words_out:
        start, position = position, position + len(word.replace(" ", ""))
        if first is None and start in starts:
            first = starts[start]
        if first is not None and position in ends:
            last = ends[position]
            result.append(("_".join(syllables[first : last + 1]), spans[first][1], spans[last][2]))
            first = None
    return result


def expand_word(word: str) -> str:
    """Full form of an abbreviated word token ('gplx' -> 'giấy_phép_lái_xe'), else the word."""
    expansion = abbreviations().get(tuple(word.split("_")))
    return expansion.replace(" ", "_") if expansion else word
