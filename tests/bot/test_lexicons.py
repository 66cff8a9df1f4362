"""One source per vocabulary: the NLU, the actions and the search read the same lexicon files."""

import re
from pathlib import Path

from actions.aspects import NO_ASPECT, Aspect
from bot.vietnamese import lexicon
from knowledge.catalogue import aspect_phrases_raw
from scripts.lexicons import SYNONYMS_PATH, aspect_synonyms_yaml

NLU_DIR = Path(__file__).resolve().parents[2] / "nlu_data"


def test_generated_nlu_synonyms_match_the_lexicon():
    assert SYNONYMS_PATH.read_text(encoding="utf-8") == aspect_synonyms_yaml(), "run `make lexicons`"


def test_every_aspect_in_the_lexicon_and_the_nlu_data_is_an_aspect_the_actions_answer():
    rows = lexicon("aspects")
    assert {aspect for _, aspect, _ in rows} == {a.value for a in Aspect} | {NO_ASPECT}
    assert {use for _, _, use in rows} == {"strip", "detect", "nlu"}
    annotated = set()
    for path in NLU_DIR.glob("*.yml"):
        annotated |= set(re.findall(r"\]\(aspect:([^)]+)\)", path.read_text(encoding="utf-8")))
        annotated |= set(re.findall(r"\[([^\]]+)\]\(aspect\)", path.read_text(encoding="utf-8")))
    assert annotated <= {a.value for a in Aspect}


def test_search_strips_exactly_the_phrases_marked_strip():
    stripped = aspect_phrases_raw()
    assert "cần giấy tờ gì" in stripped and "giấy tờ" not in stripped and "thế nào" in stripped
