"""Cursor pagination: an opaque cursor names the last item seen, so a page never skips or
repeats rows when new ones arrive (unlike page numbers)."""

import base64
import binascii
import json

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Schema

from practicum.api.problems import Problem

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


class PageOut(Schema):
    next_cursor: str | None


def _encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _bad_cursor() -> Problem:
    return Problem(422, _("Invalid request"), _("The cursor is not one this API gave out."))


def _decode(cursor: str, field) -> tuple:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
        if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk <= 2**53:
            raise _bad_cursor()
        if field is not None:
            value = field.to_python(value)
            if value is None:
                raise _bad_cursor()
        elif value != pk:
            raise _bad_cursor()
    except (ValueError, TypeError, OverflowError, binascii.Error, ValidationError) as exc:
        raise _bad_cursor() from exc
    return value, pk


def paginate(queryset: QuerySet, *, cursor: str | None, limit: int, key: str = "pk") -> dict:
    """Newest first by `key` then by pk. Returns {"items": [...rows], "next_cursor": ...}."""
    field = None if key == "pk" else queryset.model._meta.get_field(key)
    queryset = queryset.order_by(*(["-pk"] if key == "pk" else [f"-{key}", "-pk"]))
    if cursor:
        value, pk = _decode(cursor, field)
        if key == "pk":
            queryset = queryset.filter(pk__lt=pk)
        else:
            queryset = queryset.filter(Q(**{f"{key}__lt": value}) | Q(**{key: value, "pk__lt": pk}))
    rows = list(queryset[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        if key == "pk":
            next_cursor = _encode([last.pk, last.pk])
        else:
            value = getattr(last, key)
            next_cursor = _encode([value.isoformat(), last.pk])
    return {"items": rows, "next_cursor": next_cursor}
