"""Procedure catalogue and hybrid search. ``knowledge.search(question, top_k=5)`` is the API."""

from knowledge.search import SearchResult, search

__all__ = ["SearchResult", "search"]
