"""The learned ranking stage (knowledge/rerank.py) measured: the hybrid with and without it on both splits
(benchmarks/search.py's figures), query latency of the two interleaved question by question (so both see the
same machine load), and an ablation: the stage retrained without each of its feature groups.

Run: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/rerank.py [--no-ablation]  (needs `python -m knowledge build`)
The ablation retrains on the development split and catalogue questions exactly as the build does (its "sure"
margin calibrated on the development split's out-of-fold rankings) and only *reports* the test split.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import SPLITS, evaluate, load_questions, percentile, question_kinds  # noqa: E402

from knowledge import rerank  # noqa: E402
from knowledge.embedding import make_embedder  # noqa: E402
from knowledge.search import Searcher  # noqa: E402


def row(name: str, m: dict[str, float]) -> str:
    return f"{name:<34} {m['R@1']:6.3f} {m['R@5']:6.3f} {m['sure_wrong']:6.3f}"


def split_figures(found: list[tuple[bool, bool, bool]], in_catalogue: int, questions: int) -> dict[str, float]:
    """R@1 and R@5 over the split's in-catalogue questions, sure & wrong over all of them (a question that names
    no procedure is neither right nor sure)."""
    return {"R@1": sum(f[0] for f in found) / in_catalogue, "R@5": sum(f[1] for f in found) / in_catalogue,
            "sure_wrong": sum(f[2] for f in found) / questions}


def main() -> None:
    embedder = make_embedder()
    plain, learned = Searcher(embedder=embedder, rerank=False), Searcher(embedder=embedder, rerank=True)
    if learned._reranker() is None:
        sys.exit("no learned ranking model: run python -m knowledge build")
    splits = {name: load_questions(path) for name, path in SPLITS.items()}

    print(f"{'split':<5} {'search':<16} {'R@1':>6} {'R@5':>6} {'MRR':>6} {'abstP':>6} {'abstR':>6} {'sureW':>6}")
    for name, questions in splits.items():
        kinds = question_kinds(SPLITS[name])
        for label, searcher in (("hybrid", plain), ("hybrid+rerank", learned)):
            m = evaluate(searcher, questions, kinds=kinds)
            by_kind = ", ".join(f"{kind} R@1 {m[f'R@1 {kind}']:.3f}" for kind in ("written", "real") if f"n {kind}" in m)
            print(f"{name:<5} {label:<16} {m['recall@1']:6.3f} {m['recall@5']:6.3f} {m['MRR']:6.3f} "
                  f"{m['abstain_precision']:6.3f} {m['abstain_recall']:6.3f} {m['sure_wrong']:6.3f}  ({by_kind})")

    # Latency: each question searched by both, one after the other (both see the same machine load); the first
    # pass embeds every question (each searcher keeps its own query-vector cache), the second finds it cached.
    for searcher in (plain, learned):
        searcher._query_vector.cache_clear()
    for cached in (False, True):
        timings: dict[str, list[float]] = {"hybrid": [], "hybrid+rerank": []}
        for questions in splits.values():
            for question, _ in questions:
                for label, searcher in (("hybrid", plain), ("hybrid+rerank", learned)):
                    started = time.perf_counter()
                    searcher.search(question)
                    timings[label].append((time.perf_counter() - started) * 1000)
        for label, values in timings.items():
            print(f"latency {label:<14} p50 {percentile(values, 0.5):6.1f} ms  p95 {percentile(values, 0.95):6.1f} ms "
                  f"({'query vector cached' if cached else 'query embedded'}; {len(values)} questions)")

    if "--no-ablation" in sys.argv:
        return
    started = time.perf_counter()
    dev = rerank.collect(plain, rerank.dev_questions())
    extra = rerank.collect(plain, rerank.catalogue_questions(plain.procedures))
    test_questions = load_questions(SPLITS["test"])
    test = rerank.collect(plain, test_questions)
    in_catalogue = sum(1 for _, accepted in test_questions if accepted)
    print(f"\nablation (features collected in {time.perf_counter() - started:.0f} s); dev: out-of-fold, test: trained "
          f"on dev + catalogue questions")
    print(f"{'':<34} {'R@1':>6} {'R@5':>6} {'sureW':>6}   (dev out-of-fold R@1 R@5 sureW, min lead)")
    hybrid_test = split_figures(rerank.answers(plain, test, None), in_catalogue, len(test_questions))
    hybrid_dev = rerank.summary(rerank.answers(plain, dev, None), dev)
    print(row("test: hybrid, no learned stage", hybrid_test)
          + f"   ({hybrid_dev['R@1']:.3f} {hybrid_dev['R@5']:.3f} {hybrid_dev['sure_wrong']:.3f})")
    variants = {"all features": rerank.FEATURES}
    variants |= {f"without {group}": tuple(n for n in rerank.FEATURES if n not in names)
                 for group, names in rerank.GROUPS.items()}
    variants["dev questions only (no catalogue)"] = rerank.FEATURES
    for label, names in variants.items():
        training_extra = [] if "no catalogue" in label else extra
        corrections = rerank.out_of_fold(dev, training_extra, feature_names=names)
        min_lead = rerank.calibrate(plain, dev, corrections)
        oof = rerank.summary(rerank.answers(plain, dev, corrections, min_lead), dev)
        trees = rerank.fit(dev + training_extra, names)
        columns = [rerank.FEATURES.index(n) for n in names]
        test_corrections = [trees.predict(g["x"][:, columns]) for g in test]
        m = split_figures(rerank.answers(plain, test, test_corrections, min_lead), in_catalogue, len(test_questions))
        print(row(f"test: {label}", m) + f"   ({oof['R@1']:.3f} {oof['R@5']:.3f} {oof['sure_wrong']:.3f}, {min_lead})")


if __name__ == "__main__":
    main()
