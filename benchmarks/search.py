"""Search quality and speed, for lexical, dense and hybrid, on two splits from different sources:
- dev:  benchmarks/data/questions.tsv — written for this project; tune on this one only;
- test: benchmarks/data/citizen_questions.tsv — questions citizens wrote on public Q&A pages
  (newspapers' readers' letters, forums, law-firm and ministry Q&A), each with its source; never tuned on.

Run: .venv/bin/python benchmarks/search.py [-v]  (needs `python -m knowledge build` first)
Prints recall@1, recall@5, MRR (in-catalogue questions), abstention precision/recall
(out-of-catalogue questions should come back not confident), confidently wrong (answered as if sure
with a wrong procedure, share of all questions), latency p50/p95, index build figures and peak memory;
then the hybrid's recall by kind — questions written for the project, real letters (a row with its
page) — since the dev split's real letters are its only kin to the test split.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge.catalogue import load_catalogue  # noqa: E402
from knowledge.embedding import make_embedder  # noqa: E402
from knowledge.index import (
    lexical_text,  # noqa: E402
    passage_text,  # noqa: E402
)
from knowledge.lexical import LexicalIndex  # noqa: E402
from knowledge.search import Searcher  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
SPLITS = {"dev": DATA / "questions.tsv", "test": DATA / "citizen_questions.tsv"}


def _rows(path: Path) -> list[list[str]]:
    """The columns of each question row (comments and the header left out)."""
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#") and not line.startswith("question\t")]


def reissued() -> dict[str, set[str]]:
    """Labelled code -> the same procedure as re-issued under another ministry (data/reissued.tsv)."""
    return {code: set(again.split("|")) for code, again, *_ in _rows(DATA / "reissued.tsv")}


def load_questions(path: Path = SPLITS["dev"]) -> list[tuple[str, set[str]]]:
    """(question, acceptable codes) rows; an empty set: not in the catalogue. A third column (the
    question's source) may follow. A labelled procedure's re-issued twin is accepted too."""
    twins = reissued()
    rows = []
    for question, codes, *_ in _rows(path):
        accepted = set() if codes == "-" else set(codes.split("|"))
        rows.append((question, accepted.union(*(twins.get(code, set()) for code in accepted))))
    return rows


def question_kinds(path: Path) -> list[str]:
    """Per row of ``load_questions(path)``: "real" (a citizen's own question, its page in a third
    column) or "written" (for the project)."""
    return ["real" if source and source[0].strip() else "written" for _, _, *source in _rows(path)]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def evaluate(searcher: Searcher, questions: list[tuple[str, set[str]]], verbose: bool = False,
             kinds: list[str] | None = None) -> dict[str, float]:
    """The figures above; with ``kinds`` (one a question), also "R@1 <kind>", "R@5 <kind>" and "n <kind>"
    over each kind's in-catalogue questions."""
    searcher.search("khởi động")  # load lazily-built parts before timing
    r1 = r5 = rr = 0.0
    by_kind: dict[str, list[int]] = {}  # kind -> [questions, right first, right in five]
    in_cat = out_cat = abstained_right = abstained = sure_and_wrong = 0
    latencies = []
    for index, (question, expected) in enumerate(questions):
        started = time.perf_counter()
        result = searcher.search(question, top_k=5)
        latencies.append((time.perf_counter() - started) * 1000)
        codes = [h.code for h in result.results]
        if not result.confident:
            abstained += 1
        elif result.answers_outright and codes[0] not in expected:
            sure_and_wrong += 1  # answered as if sure, wrongly (a choice offered between variants is not)
        if expected:
            in_cat += 1
            rank = next((i for i, c in enumerate(codes) if c in expected), None)
            if rank == 0:
                r1 += 1
            if rank is not None:
                r5 += 1
                rr += 1 / (rank + 1)
            if kinds:
                counts = by_kind.setdefault(kinds[index], [0, 0, 0])
                counts[0] += 1
                counts[1] += rank == 0
                counts[2] += rank is not None
            if verbose and rank != 0:
                print(f"    miss: {question!r} -> {codes[:3]} (want {sorted(expected)})")
        else:
            out_cat += 1
            if not result.confident:
                abstained_right += 1
            elif verbose:
                print(f"    overconfident: {question!r} -> {codes[:1]}")
    figures = {f"{name} {kind}": value for kind, (n, first, five) in by_kind.items()
               for name, value in (("n", n), ("R@1", first / n), ("R@5", five / n))}
    return figures | {
        "recall@1": r1 / in_cat,
        "recall@5": r5 / in_cat,
        "MRR": rr / in_cat,
        "abstain_precision": abstained_right / abstained if abstained else 0.0,
        "abstain_recall": abstained_right / out_cat if out_cat else 0.0,
        "sure_wrong": sure_and_wrong / len(questions),
        "p50_ms": statistics.median(latencies),
        "p95_ms": percentile(latencies, 0.95),
    }


def main() -> None:
    verbose = "-v" in sys.argv
    splits = {name: load_questions(path) for name, path in SPLITS.items()}
    for name, questions in splits.items():
        print(f"{name}: {len(questions)} questions ({sum(1 for _, e in questions if not e)} out of catalogue)")
    procedures = list(load_catalogue().values())

    started = time.perf_counter()
    LexicalIndex([lexical_text(p) for p in procedures])
    print(f"lexical index build: {time.perf_counter() - started:.2f} s for {len(procedures)} procedures")
    embedder = make_embedder()
    sample = [passage_text(p) for p in procedures[:64]]
    started = time.perf_counter()
    embedder.embed_passages(sample)
    per_passage = (time.perf_counter() - started) / len(sample)
    print(f"dense index build ({embedder.name}): {per_passage * 1000:.0f} ms/passage "
          f"-> ~{per_passage * len(procedures):.0f} s for the catalogue")

    print(f"{'split':<5} {'mode':<8} {'R@1':>6} {'R@5':>6} {'MRR':>6} {'abstP':>6} {'abstR':>6} {'sureW':>6} "
          f"{'p50ms':>7} {'p95ms':>7}")
    searchers = {mode: Searcher(embedder=embedder, mode=mode) for mode in ("lexical", "dense", "hybrid")}
    hybrid: dict[str, dict[str, float]] = {}
    for name, questions in splits.items():
        kinds = question_kinds(SPLITS[name])
        for mode, searcher in searchers.items():
            m = evaluate(searcher, questions, verbose=verbose and mode == "hybrid", kinds=kinds)
            print(f"{name:<5} {mode:<8} {m['recall@1']:6.3f} {m['recall@5']:6.3f} {m['MRR']:6.3f} "
                  f"{m['abstain_precision']:6.3f} {m['abstain_recall']:6.3f} {m['sure_wrong']:6.3f} "
                  f"{m['p50_ms']:7.1f} {m['p95_ms']:7.1f}")
            if mode == "hybrid":
                hybrid[name] = m
    for name, m in hybrid.items():
        by_kind = ", ".join(f"{kind} ({m[f'n {kind}']:.0f}) R@1 {m[f'R@1 {kind}']:.3f} R@5 {m[f'R@5 {kind}']:.3f}"
                          for kind in ("written", "real") if f"n {kind}" in m)
        print(f"{name} hybrid by kind: {by_kind}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
