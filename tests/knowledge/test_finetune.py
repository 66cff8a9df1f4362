"""The dense encoder's domain adaptation (knowledge/finetune.py): its pairs, its cache key, its cache."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from knowledge import finetune
from knowledge.catalogue import load_catalogue


@pytest.fixture(scope="module")
def procedures():
    return list(load_catalogue().values())


def test_pairs_come_from_the_catalogue_and_lexicons(procedures):
    pairs = finetune.build_pairs(procedures)
    sources = {p.source for p in pairs}
    assert {"alias", "keyword", "result", "folk", "frame", "base_name"} <= sources
    codes = {p.code for p in procedures}
    assert all(p.code in codes for p in pairs)
    assert finetune.Pair("làm giấy khai sinh", "alias", "1.001193") in pairs  # procedure_aliases.tsv's first row
    # a folk term stands in for the official wording it expands to
    folk = [p.query for p in pairs if p.source == "folk"]
    assert any("sổ đỏ" in q for q in folk)


def test_a_query_several_procedures_give_counts_all_of_them_and_reissued_twins(procedures):
    twins = finetune.reissued_groups()
    labelled, again = next(iter((c, t) for c, ts in twins.items() for t in ts))
    pairs = [finetune.Pair("cùng một câu", "keyword", procedures[0].code),
             finetune.Pair("cùng một câu", "keyword", procedures[1].code),
             finetune.Pair("câu khác", "alias", labelled)]
    row = {p.code: i for i, p in enumerate(procedures)}
    exs = {ex.text: ex.positives for ex in finetune.examples(pairs, procedures, lambda q: q)}
    assert exs["cùng một câu"] == [0, 1]
    assert set(exs["câu khác"]) == {row[labelled], row[again]}


def test_the_cache_key_changes_with_every_input(procedures):
    exs = [finetune.Example("làm giấy khai sinh", [0]), finetune.Example("đăng ký kết hôn", [1])]
    config = finetune.Config()
    key = finetune.cache_key("a" * 64, exs, procedures, config)
    assert key == finetune.cache_key("a" * 64, list(exs), procedures, config)
    assert key != finetune.cache_key("b" * 64, exs, procedures, config)  # other base weights
    assert key != finetune.cache_key("a" * 64, exs[:1], procedures, config)  # other pairs
    assert key != finetune.cache_key("a" * 64, [finetune.Example("làm giấy khai sinh", [2]), exs[1]],
                                     procedures, config)
    assert key != finetune.cache_key("a" * 64, exs, procedures[:-1], config)  # other passages
    assert key != finetune.cache_key("a" * 64, exs, procedures, replace(config, seed=config.seed + 1))
    assert key != finetune.cache_key("a" * 64, exs, procedures, replace(config, steps=config.steps + 1))


def test_the_cache_is_outside_the_clone(monkeypatch):
    monkeypatch.delenv("KNOWLEDGE_FINETUNE_CACHE", raising=False)
    from knowledge.settings import PACKAGE_DIR

    assert PACKAGE_DIR.parent not in finetune.cache_dir().parents


@pytest.mark.slow
def test_a_tuned_model_reloads_from_cache_and_ranks_its_pairs(procedures, tmp_path, monkeypatch):
    pytest.importorskip("torch")
    from knowledge.e5_torch import E5Torch
    from knowledge.index import passage_text

    monkeypatch.setenv("KNOWLEDGE_FINETUNE_CACHE", str(tmp_path))
    subset = procedures[:40] + [load_catalogue()["1.001193"], load_catalogue()["1.000894"]]
    config = replace(finetune.Config(), steps=4, batch=8, train_from_layer=10)
    path, trained, info = finetune.ensure(subset, config)
    assert trained and path.exists() and path.parent == tmp_path
    again, trained_again, _ = finetune.ensure(subset, config)
    assert again == path and not trained_again  # reused, not retrained
    assert finetune.ensure(subset, replace(config, seed=1))[0] != path  # another seed: another model

    tuned = E5Torch(model_file=path, threads=1)  # queries only: the passages keep the base model's vectors
    passages = E5Torch(threads=1).passage([passage_text(p) for p in subset])
    queries = tuned.query(["làm giấy khai sinh cho con", "đăng ký kết hôn"])
    best = np.argmax(queries @ passages.T, axis=1)
    assert [subset[i].code for i in best] == ["1.001193", "1.000894"]
