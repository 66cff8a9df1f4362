"""Write the NLU files generated from the shared lexicons: ``nlu_data/aspect_synonyms.yml``.

Run ``make lexicons`` after editing ``nlu_data/lexicon/aspects.tsv``; a test fails while the
generated file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.vietnamese import fold, lexicon  # noqa: E402

SYNONYMS_PATH = ROOT / "nlu_data" / "aspect_synonyms.yml"
NO_ASPECT = "-"


def aspect_synonyms_yaml() -> str:
    """Every phrase of the aspect lexicon (and its spelling without diacritics) as an entity synonym."""
    synonyms: dict[str, list[str]] = {}
    for phrase, aspect, _ in lexicon("aspects"):
        if aspect == NO_ASPECT:
            continue
        names = synonyms.setdefault(aspect, [])
        for name in (phrase, fold(phrase), fold(aspect)):
            if name != aspect and name not in names:
                names.append(name)
    lines = ["# Generated from nlu_data/lexicon/aspects.tsv by `make lexicons`: edit the lexicon, not this file.",
             'version: "3.1"', "nlu:"]
    for aspect, names in synonyms.items():
        lines += [f"- synonym: {aspect}", "  examples: |", *(f"    - {name}" for name in names)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    SYNONYMS_PATH.write_text(aspect_synonyms_yaml(), encoding="utf-8")
    print(f"wrote {SYNONYMS_PATH.relative_to(ROOT)}")
