"""The shipped procedure catalogue and the colloquial-alias data that goes with it."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

from bot.vietnamese import canonical, clean_text, expand_abbreviations, lexicon
from knowledge.schema import Procedure
from knowledge.settings import knowledge_settings

DATA_DIR = Path(__file__).resolve().parent / "data"
PROCEDURE_ALIASES_PATH = DATA_DIR / "procedure_aliases.tsv"
FOLK_TERMS_PATH = DATA_DIR / "folk_terms.tsv"
OTHER_MINISTRIES_PATH = DATA_DIR / "other_ministries.tsv"


def _tsv_rows(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([cell.strip() for cell in line.split("\t")])
    return rows


def procedure_aliases(path: Path = PROCEDURE_ALIASES_PATH) -> dict[str, list[str]]:
    """code -> colloquial names citizens use for that procedure."""
    aliases: dict[str, list[str]] = {}
    for code, *names in _tsv_rows(path):
        aliases.setdefault(code, []).extend(n for part in names for n in part.split(";") if n.strip())
    return aliases


def phrase_key(phrase: str) -> str:
    """The form an alias an officer adds is stored and compared in (words folded, abbreviations expanded)."""
    return canonical(clean_text(phrase))


def folk_terms_raw() -> list[tuple[str, str]]:
    """(folk term, official wording) pairs as written in the data file."""
    return [(folk, official) for folk, official in _tsv_rows(FOLK_TERMS_PATH)]


@lru_cache(maxsize=1)
def folk_terms() -> list[tuple[tuple[tuple[str, ...], ...], str]]:
    """(the phrases of a folk term as normalised words, official wording) pairs. A term written "sổ đỏ
    + sang tên" holds when every phrase is in the question, in any order ("sổ đỏ của bố thì sang tên
    cho mẹ"). Such terms come first, then the longest."""
    pairs = [(tuple(tuple(expand_abbreviations(part).split()) for part in folk.split(" + ")), official)
             for folk, official in folk_terms_raw()]
    return sorted(pairs, key=lambda p: (-len(p[0]), -sum(len(" ".join(words)) for words in p[0])))


@lru_cache(maxsize=1)
def other_ministries() -> list[tuple[str, str, list[str]]]:
    """(folded topic, ministry, folded words that make it ours after all) for topics whose
    procedures are not in the catalogue."""
    rows = []
    for topic, ministry, *unless in _tsv_rows(OTHER_MINISTRIES_PATH):
        exceptions = [canonical(w.strip()).lower() for w in (unless[0].split(";") if unless else []) if w.strip()]
        rows.append((canonical(topic), ministry, exceptions))
    return rows


def aspect_phrases_raw() -> list[str]:
    """Phrases that ask *about* a procedure (papers, fee, time...), as written in the shared
    aspect lexicon (rows marked ``strip``)."""
    return [phrase for phrase, _, use in lexicon("aspects") if use == "strip"]


@lru_cache(maxsize=1)
def aspect_phrases() -> list[str]:
    """The same phrases folded, longest first."""
    return sorted({canonical(line) for line in aspect_phrases_raw()}, key=len, reverse=True)


@lru_cache(maxsize=1)
def load_catalogue(path: Path | None = None) -> dict[str, Procedure]:
    """All procedures by official code (from ``KNOWLEDGE_CATALOGUE`` unless ``path``), with colloquial aliases."""
    path = path or knowledge_settings().catalogue
    aliases = procedure_aliases()
    procedures: dict[str, Procedure] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            procedure = Procedure.from_dict(json.loads(line))
            procedure.aliases = aliases.get(procedure.code, [])
            procedures[procedure.code] = procedure
    return procedures


def get_procedure(code: str) -> Procedure | None:
    return load_catalogue().get(code)
