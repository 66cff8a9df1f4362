"""BM25 over accent-folded syllables and syllable bigrams.

Folding makes "lam giay khai sinh" and "làm giấy khai sinh" the same query;
bigrams keep "khai sinh" apart from "sinh" + "khai" used separately.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from bot.vietnamese import canonical

# Function words that carry no meaning for retrieval (folded).
STOPWORDS = frozenset(
    ["toi", "minh", "em", "anh", "chi", "ban", "muon", "can", "phai", "lam", "the", "nao", "o", "dau", "gi", "khong", "co", "duoc", "thi", "la", "va", "cua", "cho", "voi", "nhu", "bao", "nhieu", "sao", "vay", "a", "nhe", "oi", "a", "ha", "giup", "hoi", "xin", "cam", "on", "roi", "se", "da", "dang", "nay", "do", "ve", "tu", "den", "mot", "cac", "nhung", "khi", "neu", "hay", "hoac", "thu", "tuc"]
)


def terms(text: str) -> list[str]:
    """Folded syllables (stop words dropped) plus bigrams of adjacent syllables (all kept)."""
    syllables = canonical(text).lower().split()
    unigrams = [s for s in syllables if s not in STOPWORDS]
    bigrams = [f"{a}_{b}" for a, b in zip(syllables, syllables[1:]) if not (a in STOPWORDS and b in STOPWORDS)]
    return unigrams + bigrams


class LexicalIndex:
    """A small in-memory BM25 index; fits the whole catalogue in a few MB."""

    def __init__(self, documents: list[str], k1: float = 1.2, b: float = 0.6) -> None:
        self.k1, self.b = k1, b
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.lengths: list[int] = []
        for doc_id, text in enumerate(documents):
            counts = Counter(terms(text))
            self.lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                self.postings[term].append((doc_id, tf))
        self.size = len(documents)
        self.avg_length = sum(self.lengths) / max(self.size, 1)
        self.idf = {
            term: math.log(1 + (self.size - len(p) + 0.5) / (len(p) + 0.5)) for term, p in self.postings.items()
        }

    def scores(self, query: str) -> tuple[dict[int, float], float]:
        """BM25 score per matching document, and the query's total idf mass (for coverage)."""
        scores: dict[int, float] = defaultdict(float)
        query_terms = set(terms(query))
        mass = 0.0
        for term in query_terms:
            idf = self.idf.get(term)
            if idf is None:
                continue
            mass += idf
            for doc_id, tf in self.postings[term]:
                norm = tf * (self.k1 + 1) / (tf + self.k1 * (1 - self.b + self.b * self.lengths[doc_id] / self.avg_length))
                scores[doc_id] += idf * norm
        return dict(scores), mass

    def matched_mass(self, query: str, doc_text: str) -> float:
        """Sum of idf of the query's terms that occur in ``doc_text``."""
        doc_terms = set(terms(doc_text))
        return sum(self.idf.get(t, 0.0) for t in set(terms(query)) if t in doc_terms)
