"""The rule shared by every versioned data file (frameworks, tool prompts, supervisor criteria,
credential rules): a published version never changes in place; a change is a new version."""

import datetime
import hashlib
import json
from typing import Any

from django.db import models
from django.utils import timezone


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


class VersionedQuerySet(models.QuerySet):
    def current(self, kind: str, on: datetime.date | None = None):
        """The version in force on `on` (today): the latest whose effective date has come."""
        on = on or timezone.localdate()
        return (
            self.filter(kind=kind, effective_date__lte=on)
            .order_by("-effective_date", "-loaded_at")
            .first()
        )


class VersionedDocument(models.Model):
    """One published version of a document loaded from data/<kind>/<version>.yaml.
    Subclasses add `kind` (with their own choices) and their constraints."""

    version = models.CharField(max_length=16)
    title = models.CharField(max_length=200)
    effective_date = models.DateField()
    content = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(default=timezone.now)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.title} {self.version}"
