"""Learned ranking stage over the hybrid search's first candidates (issue 34, item 1).

The hybrid (knowledge/search.py) scores each candidate with BM25 + e5 and hand-set priors. This stage reads,
for each of its first ``DEPTH`` candidates, what the hybrid computed (``Hit.parts``) and what the question
and the record say beside it — name-word overlap, alias / folk-term / portal-keyword hits, who the procedure
is for against who the question speaks for, its level against place words, exclusions ("trừ", "không phải")
and scopes ("đối với") in the name against the question — and adds a learned correction to the hybrid score.
Boosting starts from the hybrid's score (LightGBM's ``init_score``), so the model learns only what the hybrid
gets wrong.

Trained at build time (``python -m knowledge build``, ``train``) with LightGBM's lambdarank from the
development split's labelled questions (benchmarks/data/questions.tsv) and questions derived from the
catalogue's names (unaccented, cut short, a province's copy asked with its province; see
``catalogue_questions`` for why aliases and keywords are not asked); never from the test split. It decides the order only (the hits keep the hybrid's scores rank
for rank, so the answer's margins keep their scale); where it overrules the hybrid's first, it is sure only by
a lead (``min_lead``) chosen on the development split's out-of-fold rankings so that no more questions are
answered sure and wrong than by the hybrid.
The model is stored as plain trees (``models/knowledge/rerank.json``) and evaluated with numpy: LightGBM is
needed to build it, not to serve it.

Measured (benchmarks/rerank.py): development out-of-fold R@1 0.904 -> 0.910, R@5 0.980 -> 0.983; test split
R@1 0.611 -> 0.617, R@5 0.857 -> 0.851, sure and wrong 0.005 both; ~2-3 ms a query. Off by default
(KNOWLEDGE_RERANK): one question either way is no gain.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
import time
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.vietnamese import canonical, expand_abbreviations, fold
from knowledge.catalogue import get_procedure
from knowledge.lexical import STOPWORDS, terms
from knowledge.settings import PACKAGE_DIR, knowledge_settings

if TYPE_CHECKING:
    from knowledge.schema import Procedure
    from knowledge.search import Hit, Retrieved, Searcher

logger = logging.getLogger(__name__)

DEPTH = 40  # the hybrid's first candidates re-scored
MODEL_FILE = "rerank.json"
SEED = 34
DATA_DIR = PACKAGE_DIR.parent / "benchmarks" / "data"
DEV_QUESTIONS = DATA_DIR / "questions.tsv"  # the development split: never the test split (citizen_questions.tsv)
REISSUED = DATA_DIR / "reissued.tsv"

# Who a question speaks for (canonical, folded text) — a person or family, an organisation, a civil servant, a
# foreigner — and where it places the procedure (accented words: folded "bo" is a father, "xa" far).
PERSON_WORDS = ("toi", "minh", "em", "con", "vo", "chong", "bo me", "gia dinh", "ca nhan", "ban than", "nha toi",
                "ho gia dinh")
OFFICIAL_WORDS = ("can bo", "cong chuc", "vien chuc", "si quan", "quan nhan", "cong an nhan dan")
FOREIGN_WORDS = ("nguoi nuoc ngoai", "quoc tich nuoc ngoai", "dinh cu o nuoc ngoai", "viet kieu")
COMMUNE_WORDS = re.compile(r"\b(?:xã|phường|thị trấn)\b|\bubnd (?:xa|phuong)\b")
PROVINCE_WORDS = re.compile(r"\b(?:tỉnh|thành phố|sở)\b|\bubnd tinh\b")
CENTRAL_WORDS = re.compile(r"\b(?:bộ|trung ương|cục)\b|\btrung uong\b")
# A name's exclusions and scopes ("(trừ … vắc xin)", "không phải đánh giá rủi ro", "đối với nhà đầu tư nước
# ngoài"): the words that follow, up to the clause's end.
EXCLUSION = re.compile(r"\b(?:trừ|không phải|không bao gồm|không thuộc)\s+([^,;()]+)")
SCOPE = re.compile(r"\b(?:đối với|dành cho|áp dụng cho|áp dụng đối với)\s+([^,;()]+)")
QUESTION_NEGATION = re.compile(r"\b(?:không phải|trừ|chưa|không có|không thuộc)\b")

GROUPS: dict[str, tuple[str, ...]] = {
    "retrieval": ("score", "score_gap", "rank", "lexical", "dense", "dense_cos", "dense_gap", "coverage",
                  "coverage_gap", "lexical_rank", "dense_rank", "story", "question_words"),
    "priors": ("cued", "ruled_out", "uncued_markers", "central", "elsewhere", "province_named", "abroad_penalty",
               "abroad_bonus", "age_fit", "markers"),
    "name": ("name_covered", "question_covered", "name_pairs_covered", "name_words", "paren_words",
             "paren_covered", "name_covered_gap", "plain", "same_base"),
    "aliases": ("alias_hit", "alias_covered", "folk_hit", "keyword_hit"),
    "who": ("for_citizen", "for_org", "for_official", "for_foreign", "for_unknown", "asks_person", "asks_org",
            "asks_official", "asks_foreign", "who_match", "who_mismatch"),
    "level": ("level_commune", "level_province", "level_central", "level_other", "says_commune",
              "says_province", "says_central", "level_match"),
    "negation": ("excludes", "excluded_asked", "scoped", "scope_asked", "name_negation", "question_negation"),
}
FEATURES: tuple[str, ...] = tuple(name for group in GROUPS.values() for name in group)
# LightGBM, chosen by cross-validation on the development split (+ catalogue questions) only. ``sigmoid`` 20: the
# hybrid's scores differ by hundredths among near-duplicates; at LightGBM's default of 1 the trees' corrections
# grew to several units, swamping the hybrid's score and its margins.
PARAMS = {
    "objective": "lambdarank", "metric": "ndcg", "eval_at": [1, 5], "lambdarank_truncation_level": 10, "sigmoid": 20.0,
    "num_leaves": 15, "learning_rate": 0.05, "min_data_in_leaf": 20, "feature_fraction": 0.8,
    "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0, "seed": SEED, "deterministic": True,
    "force_row_wise": True, "num_threads": 1, "verbose": -1,
}
ROUNDS = 100


# ---- features ---------------------------------------------------------------------------------------------

def _content(text: str) -> list[str]:
    """Folded content syllables (no stop words)."""
    return [w for w in re.findall(r"\w+", canonical(text).lower()) if w not in STOPWORDS]


def _pairs(syllables: list[str]) -> set[str]:
    return {f"{a} {b}" for a, b in zip(syllables, syllables[1:])}


def _share(part: set[str], whole: set[str]) -> float:
    return len(part & whole) / len(part) if part else 0.0


def _has(padded: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {phrase} " in padded for phrase in phrases)


@lru_cache(maxsize=8192)
def _record(code: str) -> dict:
    """What a procedure's record says, read once: its name's words, exclusions, scopes, who and where."""
    from knowledge.index import lexical_text
    from knowledge.search import base_name, name_markers

    procedure: Procedure = get_procedure(code)
    lowered = procedure.name.lower()
    name = _content(procedure.name)
    paren = [w for inner in re.findall(r"\(([^)]*)\)", procedure.name) for w in _content(inner)]
    groups = procedure.target_groups.lower()
    levels = set(procedure.levels)
    return {
        "name": set(name), "pairs": _pairs(name), "name_words": len(name), "paren": set(paren),
        "markers": len(name_markers(procedure.name)), "base": base_name(procedure.name),
        "plain": not name_markers(procedure.name) and "(" not in procedure.name,
        "doc_terms": frozenset(terms(lexical_text(procedure))),
        "aliases": [set(_content(a)) for a in procedure.aliases if a.strip()],
        "alias_phrases": tuple(canonical(a.strip()).lower() for a in procedure.aliases if a.strip()),
        "keywords": tuple(canonical(k).lower() for k in procedure.keywords
                          if len(k.split()) >= 2 and fold(k.lower()) != fold(lowered)),
        "folded_name": f" {canonical(procedure.name).lower()} ",
        "excluded": {w for m in EXCLUSION.finditer(lowered) for w in _content(m.group(1))},
        "scope": {w for m in SCOPE.finditer(lowered) for w in _content(m.group(1))},
        "negation": bool(re.search(r"\bkhông\b", lowered)),
        "for_citizen": "công dân" in groups or "cá nhân" in groups or "hộ gia đình" in groups,
        "for_org": "tổ chức" in groups or "doanh nghiệp" in groups or "hợp tác xã" in groups,
        "for_official": "cán bộ" in groups or "công chức" in groups,
        "for_foreign": "nước ngoài" in groups,
        "for_unknown": not groups.strip(),
        "level_commune": "Cấp xã" in levels, "level_province": "Cấp tỉnh" in levels,
        "level_central": "Cấp bộ" in levels, "level_other": "Cơ quan khác" in levels,
    }


def features(searcher: Searcher, question: str, asked: str | None, whole: Retrieved, hits: list[Hit]) -> np.ndarray:
    """One row of ``FEATURES`` for each hit (the hybrid's ranking, best first)."""
    from knowledge.search import ORG_WORDS, PARTS, folk_wordings

    padded = f" {canonical(question).lower()} "
    lowered = question.lower()
    asked_words = set(w for w in re.findall(r"\w+", canonical(whole.lexical_query).lower()) if w not in STOPWORDS)
    question_syllables = _content(question)
    question_words = set(question_syllables) | asked_words
    question_pairs = _pairs(question_syllables)
    # (the argument the search's own reading used: its folk terms are cached)
    folk = [f" {canonical(w).lower()} " for w in folk_wordings(expand_abbreviations(question))]
    asks = {
        "asks_person": _has(padded, PERSON_WORDS), "asks_org": _has(padded, ORG_WORDS),
        "asks_official": _has(padded, OFFICIAL_WORDS), "asks_foreign": _has(padded, FOREIGN_WORDS),
        "says_commune": bool(COMMUNE_WORDS.search(lowered) or COMMUNE_WORDS.search(padded)),
        "says_province": bool(PROVINCE_WORDS.search(lowered) or PROVINCE_WORDS.search(padded)),
        "says_central": bool(CENTRAL_WORDS.search(lowered) or CENTRAL_WORDS.search(padded)),
    }
    query_terms = set(terms(whole.lexical_query, content_only=True))
    idf = searcher.lexical.idf
    mass = whole.mass or 1.0
    records = [_record(h.code) for h in hits]
    coverage = [sum(idf.get(t, 0.0) for t in query_terms if t in r["doc_terms"]) / mass for r in records]
    name_covered = [_share(r["name"], question_words) for r in records]
    lexical_rank = {id(h): i for i, h in enumerate(sorted(hits, key=lambda h: -h.lexical))}
    dense_rank = {id(h): i for i, h in enumerate(sorted(hits, key=lambda h: -h.dense))}
    top_score, top_dense = hits[0].score, max(h.dense for h in hits)
    top_coverage, top_name = max(coverage), max(name_covered)
    bases: dict[str, int] = {}
    for r in records:
        bases[r["base"]] = bases.get(r["base"], 0) + 1
    rows = []
    for rank, (hit, r) in enumerate(zip(hits, records)):
        parts = dict(zip(PARTS, hit.parts)) if hit.parts else dict.fromkeys(PARTS, 0.0)
        who_match = (asks["asks_org"] and r["for_org"]) or (asks["asks_person"] and r["for_citizen"])
        who_mismatch = (asks["asks_person"] and not asks["asks_org"] and not r["for_citizen"] and not r["for_unknown"]
                        or asks["asks_org"] and not asks["asks_person"] and not r["for_org"] and not r["for_unknown"])
        level_match = ((asks["says_commune"] and r["level_commune"]) or (asks["says_province"] and r["level_province"])
                       or (asks["says_central"] and r["level_central"]))
        values = {
            "score": hit.score, "score_gap": top_score - hit.score, "rank": rank, "lexical": parts["lexical"],
            "dense": parts["dense"], "dense_cos": hit.dense, "dense_gap": top_dense - hit.dense,
            "coverage": coverage[rank], "coverage_gap": top_coverage - coverage[rank],
            "lexical_rank": lexical_rank[id(hit)], "dense_rank": dense_rank[id(hit)], "story": asked is not None,
            "question_words": len(question_syllables),
            **{name: parts[name] for name in GROUPS["priors"] if name in parts}, "markers": r["markers"],
            "name_covered": name_covered[rank], "question_covered": _share(question_words, r["name"]),
            "name_pairs_covered": _share(r["pairs"], question_pairs), "name_words": r["name_words"],
            "paren_words": len(r["paren"]), "paren_covered": _share(r["paren"], question_words),
            "name_covered_gap": top_name - name_covered[rank], "plain": r["plain"], "same_base": bases[r["base"]],
            "alias_hit": any(f" {a} " in padded for a in r["alias_phrases"]),
            "alias_covered": max((_share(a, question_words) for a in r["aliases"]), default=0.0),
            "folk_hit": any(f in r["folded_name"] for f in folk),
            "keyword_hit": any(f" {k} " in padded for k in r["keywords"]),
            **{name: r[name] for name in ("for_citizen", "for_org", "for_official", "for_foreign", "for_unknown",
                                          "level_commune", "level_province", "level_central", "level_other")},
            **asks, "who_match": who_match, "who_mismatch": who_mismatch, "level_match": level_match,
            "excludes": bool(r["excluded"]), "excluded_asked": _share(r["excluded"], question_words),
            "scoped": bool(r["scope"]), "scope_asked": _share(r["scope"], question_words),
            "name_negation": r["negation"], "question_negation": bool(QUESTION_NEGATION.search(lowered)),
        }
        rows.append([float(values[name]) for name in FEATURES])
    return np.asarray(rows, dtype=np.float64)


# ---- the model: plain trees, evaluated with numpy ---------------------------------------------------------

class Trees:
    """A sum of regression trees over named features (LightGBM's ``dump_model``, numerical splits only):
    at a node, ``x[feature] <= threshold`` goes left. Every tree is evaluated for every row at once."""

    def __init__(self, feature: np.ndarray, threshold: np.ndarray, left: np.ndarray, right: np.ndarray,
                 value: np.ndarray, roots: np.ndarray, depth: int) -> None:
        self.feature, self.threshold, self.left, self.right = feature, threshold, left, right
        self.value, self.roots, self.depth = value, roots, depth

    @classmethod
    def from_lightgbm(cls, dump: dict) -> Trees:
        feature, threshold, left, right, value, roots = [], [], [], [], [], []
        depth = 0

        def add(node: dict, level: int) -> int:
            nonlocal depth
            depth = max(depth, level)
            at = len(feature)
            feature.append(0)
            threshold.append(0.0)
            left.append(at)
            right.append(at)
            value.append(0.0)
            if "leaf_value" in node:  # a leaf points at itself
                value[at] = node["leaf_value"]
                return at
            if node.get("decision_type", "<=") != "<=":
                raise ValueError(f"unsupported split {node.get('decision_type')}")
            feature[at], threshold[at] = node["split_feature"], node["threshold"]
            left[at] = add(node["left_child"], level + 1)
            right[at] = add(node["right_child"], level + 1)
            return at

        for tree in dump["tree_info"]:
            roots.append(add(tree["tree_structure"], 0))
        return cls(np.array(feature, dtype=np.int32), np.array(threshold), np.array(left, dtype=np.int32),
                   np.array(right, dtype=np.int32), np.array(value), np.array(roots, dtype=np.int32), depth)

    def to_json(self) -> dict:
        return {"feature": self.feature.tolist(), "threshold": self.threshold.tolist(), "left": self.left.tolist(),
                "right": self.right.tolist(), "value": self.value.tolist(), "roots": self.roots.tolist(),
                "depth": self.depth}

    @classmethod
    def from_json(cls, data: dict) -> Trees:
        return cls(np.array(data["feature"], dtype=np.int32), np.array(data["threshold"]),
                   np.array(data["left"], dtype=np.int32), np.array(data["right"], dtype=np.int32),
                   np.array(data["value"]), np.array(data["roots"], dtype=np.int32), int(data["depth"]))

    def predict(self, x: np.ndarray) -> np.ndarray:
        if not len(self.roots):
            return np.zeros(len(x))
        nodes = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
        rows = np.arange(len(x))[:, None]
        for _ in range(self.depth):
            go_left = x[rows, self.feature[nodes]] <= self.threshold[nodes]
            nodes = np.where(go_left, self.left[nodes], self.right[nodes])
        return self.value[nodes].sum(axis=1)


class Reranker:
    """The trained stage: ``rerank`` re-scores the hybrid's first ``depth`` hits; a lead under ``min_lead``
    between the first two is not sure."""

    def __init__(self, trees: Trees, feature_names: tuple[str, ...], min_lead: float = 0.0, depth: int = DEPTH) -> None:
        self.trees, self.min_lead, self.depth = trees, min_lead, depth
        self.columns = [FEATURES.index(name) for name in feature_names]

    def corrections(self, x: np.ndarray) -> np.ndarray:
        return self.trees.predict(x[:, self.columns])

    def rerank(self, searcher: Searcher, question: str, asked: str | None, whole: Retrieved,
               hits: list[Hit]) -> tuple[list[Hit], bool]:
        """``hits`` in the learned order, and whether it is sure of its first: it is unless it overrules the
        hybrid's first by less than ``min_lead``."""
        head = hits[:self.depth]
        if len(head) < 2:
            return hits, True
        return apply(head, hits[self.depth:], self.corrections(features(searcher, question, asked, whole, head)),
                     self.min_lead)


def apply(head: list[Hit], tail: list[Hit], corrections: np.ndarray, min_lead: float = 0.0) -> tuple[list[Hit], bool]:
    """``head`` (hybrid hits, best first) in the order of hybrid score + correction, ``tail`` after it; and
    whether that order is sure of its first. The learned stage decides the order only: the i-th hit keeps the
    hybrid's i-th score, so the margins the answer reads (close variants, options to offer) keep the scale they
    were set on. It is not sure when it overrules the hybrid's first by less than ``min_lead``, and never
    overrules a first the citizen's situation selects (``situation_selects``)."""
    learned = [h.score + float(c) for h, c in zip(head, corrections)]
    order = sorted(range(len(head)), key=lambda i: -learned[i])
    if situation_selects(head[0]):
        order = [0] + [i for i in order if i != 0]
    scores = sorted((h.score for h in head), reverse=True)
    ranked = [replace(head[i], score=score) for i, score in zip(order, scores)]
    lead = learned[order[0]] - learned[order[1]] if len(order) > 1 else 1.0
    return ranked + tail, order[0] == 0 or lead >= min_lead


def situation_selects(hit: Hit) -> bool:
    """Whether the hybrid put this variant first because the citizen's situation selects it (a variant cue of
    nlu_data/lexicon/variant_cues.tsv, an age that fits the name's): the learned stage keeps it first. Too few
    training questions carry a cue for the trees to weigh it ("vợ tôi là người Nhật … đăng ký khai sinh" fell to
    the plain registration); out of fold, it changed none of the 44 development answers so selected."""
    from knowledge.search import PARTS

    parts = dict(zip(PARTS, hit.parts))
    return parts.get("cued", 0.0) > 0 or parts.get("age_fit", 0.0) > 0


def model_path() -> Path:
    return knowledge_settings().models_dir / MODEL_FILE


def load_reranker(procedures: list[Procedure] | None = None) -> Reranker | None:
    """The built model, or None (logged) when it is missing or was built for another catalogue."""
    path = model_path()
    if not path.exists():
        logger.warning("learned ranking is on but %s is missing (python -m knowledge build); hybrid order used", path)
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if procedures is not None and data.get("catalogue") != catalogue_fingerprint(procedures):
        logger.warning("%s was built for another catalogue; hybrid order used (python -m knowledge build)", path)
        return None
    if tuple(n for n in data["features"] if n not in FEATURES):
        logger.warning("%s names unknown features; hybrid order used (python -m knowledge build)", path)
        return None
    return Reranker(Trees.from_json(data["trees"]), tuple(data["features"]), data["min_lead"], data["depth"])


def catalogue_fingerprint(procedures: list[Procedure]) -> str:
    digest = hashlib.sha256()
    for p in procedures:
        digest.update(f"{p.code}\t{p.name}\n".encode())
    return digest.hexdigest()[:16]


# ---- training data ----------------------------------------------------------------------------------------

def _tsv(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#") and not line.startswith("question\t")]


def dev_questions(path: Path = DEV_QUESTIONS) -> list[tuple[str, set[str]]]:
    """The development split's (question, accepted codes) rows, a labelled procedure's re-issued twin accepted
    too (as benchmarks/search.py reads them); an empty set: not in the catalogue."""
    twins = {code: set(again.split("|")) for code, again, *_ in _tsv(REISSUED)}
    rows = []
    for question, codes, *_ in _tsv(path):
        accepted = set() if codes.strip() == "-" else set(codes.strip().split("|"))
        rows.append((question, accepted.union(*(twins.get(code, set()) for code in accepted))))
    return rows


FRAMES = ("{}", "thủ tục {}", "{} cần giấy tờ gì", "làm {} ở đâu", "muốn {} thì làm thế nào", "{} mất bao lâu")


def catalogue_questions(procedures: list[Procedure], per_kind: int = 200) -> list[tuple[str, set[str]]]:
    """Questions derived from the catalogue's names, seeded: a name typed without diacritics or cut short, in a
    citizen's frame (labelled with the national procedures of that name), and a province's copy asked with its
    province's name (that province's). Aliases and the portal's keywords are left out: asked as they are written,
    they taught the model that an alias or keyword hit decides (the largest gain of any feature), and the
    development split's out-of-fold R@1 fell from 0.904 to 0.888."""
    rng = random.Random(SEED)
    by_name: dict[str, set[str]] = {}
    for p in procedures:
        if not p.province:
            by_name.setdefault(fold(p.name.lower()), set()).add(p.code)
    rows: list[tuple[str, set[str]]] = []
    national = [p for p in procedures if not p.province]
    for p in rng.sample(national, min(per_kind, len(national))):
        rows.append((rng.choice(FRAMES).format(fold(p.name.lower())), by_name[fold(p.name.lower())]))
    for p in rng.sample(national, min(per_kind, len(national))):
        words = re.sub(r"\([^)]*\)", " ", p.name).split()
        if len(words) < 4:
            continue
        cut = " ".join(words[:rng.randint(3, max(3, min(len(words) - 1, 8)))]).lower()
        same = {q.code for q in national if fold(q.name.lower()).startswith(fold(cut))}
        if len(same) <= 3 and p.code in same:  # a short cut that fits many names labels nothing
            rows.append((rng.choice(FRAMES).format(cut), {p.code}))
    provincial = [p for p in procedures if p.province]
    for p in rng.sample(provincial, min(per_kind // 2, len(provincial))):
        name = re.sub(r"\([^)]*\)", " ", p.name).lower()
        same = {q.code for q in provincial if q.province == p.province and q.name == p.name}
        rows.append((f"{' '.join(name.split())} ở {p.province}", same))
    return rows


def collect(searcher: Searcher, questions: list[tuple[str, set[str]]]) -> list[dict]:
    """For each question, its hybrid ranking's first ``DEPTH`` hits with their features and labels."""
    found = []
    for question, accepted in questions:
        ranked = searcher.ranked(question)
        if ranked is None:
            continue
        cleaned, asked, whole, hits = ranked
        head = hits[:DEPTH]
        found.append({"question": question, "accepted": accepted, "ranked": (cleaned, asked, whole), "hits": hits,
                      "x": features(searcher, cleaned, asked, whole, head),
                      "y": np.array([h.code in accepted for h in head], dtype=np.float64),
                      "base": np.array([h.score for h in head])})
    return found


# ---- training ---------------------------------------------------------------------------------------------

def fit(groups: list[dict], feature_names: tuple[str, ...] = FEATURES, rounds: int = ROUNDS) -> Trees:
    """LightGBM lambdarank from the hybrid's scores (``init_score``) over the groups that hold a right answer."""
    import lightgbm

    useful = [g for g in groups if g["y"].any() and not g["y"].all()]
    columns = [FEATURES.index(name) for name in feature_names]
    data = lightgbm.Dataset(np.vstack([g["x"][:, columns] for g in useful]), np.concatenate([g["y"] for g in useful]),
                            group=[len(g["y"]) for g in useful], init_score=np.concatenate([g["base"] for g in useful]),
                            feature_name=list(feature_names), free_raw_data=False)
    booster = lightgbm.train(PARAMS, data, num_boost_round=rounds)
    trees = Trees.from_lightgbm(booster.dump_model())
    sample = np.vstack([g["x"][:, columns] for g in useful[:50]])
    if not np.allclose(trees.predict(sample), booster.predict(sample, raw_score=True), atol=1e-6):
        raise RuntimeError("the exported trees do not reproduce LightGBM's scores")
    return trees


def folds(groups: list[dict], k: int = 5) -> list[int]:
    """A fold per development question, all the questions of one procedure in one fold (seeded): held-out
    procedures, as the test split asks about procedures the development split may not."""
    keys = sorted({min(g["accepted"]) if g["accepted"] else g["question"] for g in groups})
    random.Random(SEED).shuffle(keys)
    fold_of = {key: i % k for i, key in enumerate(keys)}
    return [fold_of[min(g["accepted"]) if g["accepted"] else g["question"]] for g in groups]


def out_of_fold(dev: list[dict], extra: list[dict], feature_names: tuple[str, ...] = FEATURES,
                rounds: int = ROUNDS, k: int = 5) -> list[np.ndarray]:
    """Each development question's corrections from a model trained without its fold (``extra`` always in)."""
    assigned = folds(dev, k)
    columns = [FEATURES.index(name) for name in feature_names]
    predicted: list[np.ndarray] = [np.zeros(0)] * len(dev)
    for held in range(k):
        trees = fit([g for g, f in zip(dev, assigned) if f != held] + extra, feature_names, rounds)
        for i, (g, f) in enumerate(zip(dev, assigned)):
            if f == held:
                predicted[i] = trees.predict(g["x"][:, columns])
    return predicted


def answers(searcher: Searcher, groups: list[dict], corrections: list[np.ndarray] | None,
            min_lead: float = 0.0) -> list[tuple[bool, bool, bool]]:
    """Per question: (right first, right in five, answered sure and wrong) — as benchmarks/search.py counts."""
    found = []
    for i, g in enumerate(groups):
        cleaned, asked, whole = g["ranked"]
        hits, sure = g["hits"], True
        if corrections is not None:
            hits, sure = apply(g["hits"][:DEPTH], g["hits"][DEPTH:], corrections[i], min_lead)
        result = searcher.result(cleaned, asked, whole, hits, 5, sure=sure)
        codes = [h.code for h in result.results]
        found.append((bool(codes) and codes[0] in g["accepted"], bool(set(codes) & g["accepted"]),
                      result.answers_outright and (not codes or codes[0] not in g["accepted"])))
    return found


def summary(found: list[tuple[bool, bool, bool]], groups: list[dict]) -> dict[str, float]:
    inside = [f for f, g in zip(found, groups) if g["accepted"]]
    return {"R@1": sum(f[0] for f in inside) / len(inside), "R@5": sum(f[1] for f in inside) / len(inside),
            "sure_wrong": sum(f[2] for f in found) / len(found)}


def calibrate(searcher: Searcher, dev: list[dict], corrections: list[np.ndarray]) -> float:
    """The least lead of a learned first over the learned second, when it overrules the hybrid's first, that may
    be answered sure: the smallest for which the out-of-fold development rankings are sure and wrong no more
    often than the hybrid's."""
    allowed = summary(answers(searcher, dev, None), dev)["sure_wrong"]
    for lead in np.arange(0.0, 1.0, 0.01):
        if summary(answers(searcher, dev, corrections, float(lead)), dev)["sure_wrong"] <= allowed + 1e-9:
            return round(float(lead), 2)
    return 1.0


def train(searcher: Searcher, report: bool = True) -> dict:
    """Build ``models/knowledge/rerank.json`` from the development split and the catalogue's own questions."""
    started = time.perf_counter()
    dev = collect(searcher, dev_questions())
    extra = collect(searcher, catalogue_questions(searcher.procedures))
    collected = time.perf_counter() - started
    corrections = out_of_fold(dev, extra)
    min_lead = calibrate(searcher, dev, corrections)
    before = summary(answers(searcher, dev, None), dev)
    after = summary(answers(searcher, dev, corrections, min_lead), dev)
    trees = fit(dev + extra)
    model = {"features": list(FEATURES), "min_lead": min_lead, "depth": DEPTH,
             "catalogue": catalogue_fingerprint(searcher.procedures), "trees": trees.to_json(),
             "trained_on": {"development questions": len(dev), "catalogue questions": len(extra)},
             "development out-of-fold": {"hybrid": before, "reranked": after}}
    path = model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model), encoding="utf-8")
    if report:
        print(f"learned ranking: {len(dev)} development + {len(extra)} catalogue questions "
              f"(features {collected:.0f} s); development out-of-fold R@1 {before['R@1']:.3f} -> {after['R@1']:.3f}, "
              f"R@5 {before['R@5']:.3f} -> {after['R@5']:.3f}, sure & wrong {before['sure_wrong']:.3f} -> "
              f"{after['sure_wrong']:.3f} (min lead {min_lead}); built in {time.perf_counter() - started:.0f} s")
    return model
