"""The versioned data files (YAML), parsed once per process and content.

Frameworks, rules, tools and their translations are read again and again from the same files:
at start-up, by the loading commands and by every test that loads the frameworks. Parsing was
most of that cost (PyYAML's pure-Python parser took about 0.3 s for the frameworks alone), so
libyaml's parser is used when PyYAML has it (its wheels do), and each parsed document is kept,
keyed by the text itself: a file that changed is parsed afresh, and nothing can go stale.
Each caller gets its own copy (loaders change what they read)."""

import hashlib
import pickle
from pathlib import Path
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAX_KEPT = 256  # far more than the repository's data files; test-made files come and go
_parsed: dict[bytes, bytes] = {}


def load_yaml(text: str) -> Any:
    """yaml.safe_load(text), remembered; raises yaml.YAMLError as it does."""
    key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
    kept = _parsed.get(key)
    if kept is None:
        doc = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader, C or Python
        kept = pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)
        if len(_parsed) >= _MAX_KEPT:
            _parsed.clear()
        _parsed[key] = kept
    return pickle.loads(kept)  # noqa: S301 - our own bytes; a fresh copy, faster than deepcopy


def read_yaml(path: Path) -> Any:
    return load_yaml(Path(path).read_text(encoding="utf-8"))
