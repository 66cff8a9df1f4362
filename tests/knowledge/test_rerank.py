"""The learned ranking stage (knowledge/rerank.py): its trees, its re-sorting, its features for a candidate, and
a confusion of the development split it resolves."""

import numpy as np
import pytest

from knowledge import rerank
from knowledge.search import Hit

TEMPORARY_RESIDENCE = "1.004194"  # Đăng ký tạm trú


def test_exported_trees_follow_lightgbm_splits():
    # one stump (x0 <= 0.5 ? 1 : -1) and one leaf-only tree (0.25)
    dump = {"tree_info": [
        {"tree_structure": {"split_feature": 0, "threshold": 0.5, "decision_type": "<=",
                            "left_child": {"leaf_value": 1.0}, "right_child": {"leaf_value": -1.0}}},
        {"tree_structure": {"leaf_value": 0.25}},
    ]}
    trees = rerank.Trees.from_lightgbm(dump)
    x = np.array([[0.0, 9.0], [0.5, 9.0], [0.7, 9.0]])
    assert trees.predict(x).tolist() == [1.25, 1.25, -0.75]
    assert rerank.Trees.from_json(trees.to_json()).predict(x).tolist() == [1.25, 1.25, -0.75]


def test_corrections_decide_the_order_and_the_hybrid_scores_stay_rank_for_rank():
    head = [Hit("a", "A", 0.9), Hit("b", "B", 0.8)]
    tail = [Hit("c", "C", 0.7)]
    hits, sure = rerank.apply(head, tail, np.array([0.0, 0.3]))
    assert [h.code for h in hits] == ["b", "a", "c"]
    assert [h.score for h in hits] == [0.9, 0.8, 0.7]  # the margins the answer reads keep their scale
    assert sure
    # overruling the hybrid's first by less than the calibrated lead: not sure
    assert rerank.apply(head, tail, np.array([0.0, 0.3]), min_lead=0.5)[1] is False
    # agreeing with the hybrid's first: as sure as the hybrid
    assert rerank.apply(head, tail, np.array([0.3, 0.0]), min_lead=0.5)[1] is True


@pytest.fixture(scope="module")
def searchers():
    from knowledge.embedding import make_embedder
    from knowledge.search import Searcher

    embedder = make_embedder()
    learned = Searcher(embedder=embedder, rerank=True)
    if learned._reranker() is None:
        pytest.skip("no learned ranking model: python -m knowledge build")
    return Searcher(embedder=embedder, rerank=False), learned


@pytest.mark.slow  # needs the built index and model (make models)
def test_features_are_computed_for_each_candidate(searchers):
    plain, _ = searchers
    question, asked, whole, hits = plain.ranked("đăng ký tạm trú mất phí không")
    head = hits[:rerank.DEPTH]
    x = rerank.features(plain, question, asked, whole, head)
    assert x.shape == (len(head), len(rerank.FEATURES))
    assert np.isfinite(x).all()
    row = dict(zip(rerank.FEATURES, x[[h.code for h in head].index(TEMPORARY_RESIDENCE)]))
    assert row["name_covered"] == 1.0  # every word of "Đăng ký tạm trú" is in the question
    assert row["question_covered"] < 1.0  # "phí" is not in the name
    assert row["for_citizen"] == 1.0 and row["asks_org"] == 0.0
    assert row["excludes"] == 0.0 and row["elsewhere"] == 0.0


@pytest.mark.slow
def test_a_development_confusion_is_ranked_right(searchers):
    # The hybrid puts "Khai báo thông tin về cư trú đối với người chưa đủ điều kiện đăng ký thường trú, đăng ký
    # tạm trú" first: its long name holds every word of the question. The learned stage prefers the name the
    # question covers whole.
    plain, learned = searchers
    question = "đăng ký tạm trú mất phí không"
    assert plain.search(question).results[0].code != TEMPORARY_RESIDENCE
    assert learned.search(question).results[0].code == TEMPORARY_RESIDENCE
