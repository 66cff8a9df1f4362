"""BM25 over accent-folded syllables and syllable bigrams.

Folding makes "lam giay khai sinh" and "làm giấy khai sinh" the same query;
bigrams keep "khai sinh" apart from "sinh" + "khai" used separately.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

from bot.vietnamese import canonical

# Function words that carry no meaning for retrieval (folded).
STOPWORDS = frozenset(
    # Only words whose folded form is unambiguous: "can" (cần/căn), "the" (thế/thẻ), "sao"
    # (sao/bản sao), "dang" (đang/đăng), "dau" (đâu/đầu) carry meaning in procedure names.
    "toi minh em muon phai lam nao o gi khong duoc thi la va cua cho voi nhu nhieu vay a nhe oi ha "
    "giup xin roi se da nay cac nhung khi neu hay hoac "
    # family words: "khai tử cho ông tôi" asks about khai tử, not about "ông"
    "ong ba bo me vo chong chau be".split()
)


def terms(text: str, content_only: bool = False) -> list[str]:
    """Folded syllables (stop words dropped) plus bigrams of adjacent syllables.

    Ranking keeps bigrams with one stop word ("cho_con" helps tell procedures apart);
    ``content_only`` drops them, for measuring how much of a question a procedure covers.
    """
    syllables = canonical(text).lower().split()
    unigrams = [s for s in syllables if s not in STOPWORDS]
    pairs = zip(syllables, syllables[1:])
    if content_only:
        bigrams = [f"{a}_{b}" for a, b in pairs if a not in STOPWORDS and b not in STOPWORDS]
    else:
        bigrams = [f"{a}_{b}" for a, b in pairs if not (a in STOPWORDS and b in STOPWORDS)]
    return unigrams + bigrams


class LexicalIndex:
    """A small in-memory BM25 index; fits the whole catalogue in a few MB."""

    def __init__(self, documents: list[str], k1: float = 1.2, b: float = 0.6) -> None:
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths: list[int] = []
        for doc_id, text in enumerate(documents):
            counts = Counter(terms(text))
            lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                postings[term].append((doc_id, tf))
        self.size = len(documents)
        avg_length = sum(lengths) / max(self.size, 1)
        self.idf = {term: math.log(1 + (self.size - len(p) + 0.5) / (len(p) + 0.5)) for term, p in postings.items()}
        # A term's BM25 weight in a document does not depend on the query: computed once, so a citizen's
        # long letter (hundreds of terms) costs array additions, not a Python loop over every posting. The
        # postings themselves are not kept: the arrays are the index.
        doc_lengths = np.asarray(lengths, dtype=np.float64)
        self._weights: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, posting in postings.items():
            ids = np.fromiter((doc_id for doc_id, _ in posting), dtype=np.int64, count=len(posting))
            tf = np.fromiter((tf for _, tf in posting), dtype=np.float64, count=len(posting))
            norm = tf * (k1 + 1) / (tf + k1 * (1 - b + b * doc_lengths[ids] / avg_length))
            self._weights[term] = (ids, self.idf[term] * norm)

    def scores(self, query: str) -> tuple[dict[int, float], float]:
        """BM25 score per matching document, and the idf mass of the query's content terms (for coverage)."""
        mass = sum(self.idf.get(t, 0.0) for t in set(terms(query, content_only=True)))
        totals = np.zeros(self.size)
        for term in set(terms(query)):
            if term in self._weights:
                ids, weights = self._weights[term]
                totals[ids] += weights  # a document appears once in a term's postings
        matched = np.flatnonzero(totals)
        return dict(zip(matched.tolist(), totals[matched].tolist())), mass

    def matched_mass(self, query: str, doc_text: str) -> float:
        """Sum of idf of the query's terms that occur in ``doc_text``."""
        doc_terms = set(terms(doc_text))
        return sum(self.idf.get(t, 0.0) for t in set(terms(query, content_only=True)) if t in doc_terms)
