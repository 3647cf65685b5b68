"""The rule shared by every versioned data file (frameworks, tool prompts, supervisor criteria,
credential rules): a published version never changes in place; a change is a new version."""

import datetime
import hashlib
import json
import time
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

# Every member page asks which Code is in force; it changes only when a version is loaded or an
# effective date comes. Each process keeps the answer (the row's id, never its content) for a
# short while: a new version reaches every process within CURRENT_TTL seconds.
CURRENT_TTL = 60.0
_current: dict[tuple, tuple[float, int | None]] = {}


def forget_current() -> None:
    _current.clear()


def remembered(key: tuple, compute):
    """`compute()`, kept in this process for CURRENT_TTL seconds under `key` (forgotten at once
    in this process when a versioned row is saved or deleted: see `forget_current`). Only for
    answers that change when a version is loaded or an effective date comes."""
    now = time.monotonic()
    hit = _current.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = compute()
    # Keys name a day: drop what has expired, so a long-lived process does not pile them up.
    for stale, (until, _value) in list(_current.items()):
        if until <= now:
            _current.pop(stale, None)
    _current[key] = (now + CURRENT_TTL, value)
    return value


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

    def _memo(self, key: tuple, compute):
        return remembered((self.model._meta.label, *key), compute)

    def current_pk(self, kind: str) -> int | None:
        """The id of `current(kind)`, kept per process for CURRENT_TTL seconds."""
        today = timezone.localdate()
        return self._memo(
            ("current", kind, today),
            lambda: (
                self.filter(kind=kind, effective_date__lte=today)
                .order_by("-effective_date", "-loaded_at")
                .values_list("pk", flat=True)
                .first()
            ),
        )

    def latest_pk(self, kind: str) -> int | None:
        """The id of the version of `kind` loaded last (dated or not): changes with every load."""
        return self._memo(
            ("latest", kind),
            lambda: self.filter(kind=kind).order_by("-pk").values_list("pk", flat=True).first(),
        )


class VersionedDocument(models.Model):
    """One published version of a document loaded from data/<kind>/<version>.yaml.
    Subclasses add `kind` (with their own choices) and their constraints."""

    version = models.CharField(max_length=16)
    title = models.CharField(max_length=200)
    effective_date = models.DateField()
    content = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64)
    # {lang: overlay} from the sibling files 1.0.<lang>.yaml (lib.translations): not part of
    # content_hash, so a translation may be added to a published version.
    translations = models.JSONField(default=dict, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.title} {self.version}"

    @property
    def local(self) -> dict:
        """`content` in the active language (English where a text is not translated)."""
        from practicum.lib.translations import localized_content

        return localized_content(self)

    @property
    def local_title(self) -> str:
        from practicum.lib.translations import localized

        return localized(self, "title")

    @property
    def translations_digest(self) -> str:
        from practicum.lib.translations import translations_digest

        return translations_digest(self.translations)


def _forget_on_change(sender, instance, **kwargs) -> None:
    if isinstance(instance, VersionedDocument):
        forget_current()


post_save.connect(_forget_on_change, dispatch_uid="versioned_forget_on_save")
post_delete.connect(_forget_on_change, dispatch_uid="versioned_forget_on_delete")
