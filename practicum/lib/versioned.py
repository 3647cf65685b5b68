"""The rule shared by every versioned data file (frameworks, tool prompts, supervisor criteria,
credential rules): a published version never changes in place; a change is a new version."""

import datetime
import hashlib
import json
from typing import Any


def _json_default(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def content_hash(doc: dict) -> str:
    """A digest of the document's content, independent of key order and formatting."""
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, default=_json_default)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def ensure_unchanged(existing, *, digest: str, label: str, error: type[Exception]) -> None:
    """Refuse a file whose version is already published with other content."""
    if existing.content_hash != digest:
        raise error(
            f"{label} is already published with different content. "
            "Published versions never change: add a new version file."
        )
