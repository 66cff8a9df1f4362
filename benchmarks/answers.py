"""Every aspect of every procedure in the catalogue, rendered as the bot says it, and measured.

Run: .venv/bin/python benchmarks/answers.py [--show N]
Prints: the share of procedures for which a place to hand in the dossier is stated; the longest
answer and how many exceed one screen (600 characters); the longest button; answers cut inside a
number or a date; answers that say the same sentence twice. --show N prints N offending examples.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from actions import messages as m  # noqa: E402
from actions.answers import ASPECTS, aspect_answer, overview  # noqa: E402
from actions.aspects import Aspect  # noqa: E402
from actions.procedures import numbered_procedure_buttons  # noqa: E402
from knowledge.catalogue import load_catalogue  # noqa: E402

SCREEN = 600
PLACE_LINES = ("Cơ quan thực hiện:", "Nộp hồ sơ tại:", "Địa chỉ tiếp nhận:")
# A number or a date broken off: "135.…", "số 53/…", "ngày 01/7/ (" (a date without its year).
CUT_NUMBER = re.compile(r"\d[/.,]…|\b\d{1,2}/\d{1,2}/(?=[\s)(;,…]|$)")


def sentences(text: str) -> list[str]:
    return [s.strip(" •.") for s in re.split(r"(?<=[.;])\s+|\n", text) if len(s.strip(" •.")) > 30]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", type=int, default=0)
    args = parser.parse_args()
    procedures = list(load_catalogue().values())
    answers: list[tuple[str, str, str]] = []  # (code, aspect, text)
    for p in procedures:
        answers.append((p.code, "overview", overview(p)))
        answers += [(p.code, aspect.value, aspect_answer(p, aspect)) for aspect in ASPECTS]
    placed = sum(1 for p in procedures if any(line in aspect_answer(p, Aspect.PLACE) for line in PLACE_LINES))
    long = [a for a in answers if len(a[2]) > SCREEN]
    cut = [a for a in answers if CUT_NUMBER.search(a[2])]
    repeated = [a for a in answers if any(n > 1 for n in Counter(sentences(a[2])).values())]
    titles = [b["title"] for p in procedures for b in numbered_procedure_buttons([p.name], [p.code])]
    titles += [title for title, _ in m.NEXT_STEP_BUTTONS + m.RATING_BUTTONS]
    longest = max(answers, key=lambda a: len(a[2]))
    print(f"{len(procedures)} procedures, {len(answers)} answers")
    print(f"place stated:            {placed / len(procedures):.1%} ({placed})")
    print(f"longest answer:          {len(longest[2])} chars ({longest[0]} {longest[1]})")
    print(f"answers over {SCREEN} chars:   {len(long)} ({len(long) / len(answers):.1%})")
    print(f"longest button:          {max(map(len, titles))} chars")
    print(f"cut inside a number:     {len(cut)}")
    print(f"a sentence said twice:   {len(repeated)}")
    for label, found in (("over a screen", long), ("cut", cut), ("repeated", repeated)):
        for code, aspect, text in found[: args.show]:
            print(f"\n--- {label}: {code} {aspect}\n{text}")


if __name__ == "__main__":
    main()
