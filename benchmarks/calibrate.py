"""Calibrate when the search may answer as if sure — on the development split only.

Run: .venv/bin/python benchmarks/calibrate.py [--max-wrong 0.02]
For every dev question it records the signals the confidence rule reads (lexical coverage of the
best hit, its dense similarity, its lead over the runner-up) and whether the best hit is right
(for a question outside the catalogue, no hit is). It then searches the rule's thresholds for the
setting that answers the most dev questions rightly while answering wrongly at most --max-wrong of
all dev questions, and prints it beside the current one — with both splits' figures, so the
test split shows whether the choice holds on questions it was not chosen on.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import SPLITS, load_questions  # noqa: E402

from knowledge.search import CLOSE_VARIANT, CONFIDENCE, ConfidenceRule, Searcher  # noqa: E402


@dataclass(frozen=True)
class Signals:
    coverage: float
    dense: float
    lead: float
    right: bool
    ministry: bool  # another ministry's topic: never answered as ours


def signals(searcher: Searcher, questions: list[tuple[str, set[str]]]) -> list[Signals]:
    rows = []
    for question, expected in questions:
        result = searcher.search(question, top_k=2)
        if not result.results:
            rows.append(Signals(0.0, 0.0, 0.0, not expected, False))
            continue
        top = result.results[0]
        lead = top.score - result.results[1].score if len(result.results) > 1 else 1.0
        rows.append(Signals(result.coverage, top.dense, lead, top.code in expected, bool(result.other_ministry)))
    return rows


def outcome(rows: list[Signals], rule: ConfidenceRule) -> tuple[float, float]:
    """(share answered rightly as if sure, share answered wrongly as if sure). Within CLOSE_VARIANT
    of the runner-up the bot asks which one: not an answer as if sure."""
    sure = [r for r in rows if not r.ministry and r.lead >= CLOSE_VARIANT and rule.sure(r.coverage, r.dense, r.lead)]
    return sum(r.right for r in sure) / len(rows), sum(not r.right for r in sure) / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-wrong", type=float, default=0.02)
    args = parser.parse_args()
    searcher = Searcher()
    splits = {name: signals(searcher, load_questions(path)) for name, path in SPLITS.items()}
    grid = itertools.product([0.5, 0.6, 0.7], [0.75, 0.8, 0.85, 0.9], [0.84, 0.85, 0.86, 0.87],
                             [0.87, 0.875, 0.88, 0.89, 0.9], [0.0, 0.02, 0.04, 0.06, 0.08, 0.1])
    best, best_right = None, -1.0
    for min_cov, strong_cov, min_dense, strong_dense, min_lead in grid:
        rule = ConfidenceRule(min_cov, strong_cov, min_dense, strong_dense, min_lead)
        right, wrong = outcome(splits["dev"], rule)
        if wrong <= args.max_wrong and right > best_right:
            best, best_right = rule, right
    for label, rule in (("current", CONFIDENCE), ("calibrated on dev", best)):
        if rule is None:
            print(f"{label}: no setting keeps dev under {args.max_wrong:.0%} wrong")
            continue
        figures = "; ".join(f"{name} sure&right {outcome(rows, rule)[0]:.3f}, sure&wrong {outcome(rows, rule)[1]:.3f}"
                            for name, rows in splits.items())
        print(f"{label}: {rule}\n    {figures}")


if __name__ == "__main__":
    main()
