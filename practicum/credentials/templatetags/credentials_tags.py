"""Labels for values frozen in an application's snapshot (stored as plain codes and ISO dates)."""

import datetime

from django import template
from django.utils.formats import date_format

from practicum.credentials.models import TrainingSource
from practicum.practice.models import FocusArea, Reference, TrainingRecord

register = template.Library()


def _label(choices, value) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value or "—"


@register.filter
def status_on(credential, day) -> str:
    """The credential's status on `day` (expired once its expiry date has come)."""
    return credential.status_on(day)


@register.filter
def status_label(credential, day) -> str:
    return credential.status_label_on(day)


@register.filter
def focus_label(value: str) -> str:
    return _label(FocusArea, value)


@register.filter
def source_label(value: str) -> str:
    return _label(TrainingSource, value)


@register.filter
def mode_label(value: str) -> str:
    return _label(TrainingRecord.Mode, value)


@register.filter
def reference_status_label(value: str) -> str:
    return _label(Reference.Status, value)


@register.filter
def relation_label(value: str) -> str:
    return _label(Reference.Relation, value)


@register.filter
def iso_date(value) -> str:
    """An ISO date from the snapshot, in the reader's format."""
    if not value:
        return "—"
    try:
        return date_format(datetime.date.fromisoformat(str(value)[:10]), "DATE_FORMAT")
    except ValueError:
        return str(value)


@register.filter
def days_left(application, day) -> int:
    return application.days_left(day) or 0


@register.filter
def abs_value(number) -> int:
    return abs(int(number))


@register.simple_tag
def applicant_flags(user) -> list[str]:
    """Flags other apps raise about an applicant (an open ethics case, a sanction in force)."""
    from practicum.credentials.hooks import applicant_flags as flags

    return flags(user)


@register.simple_tag
def application_refusal(user) -> str | None:
    """Why a new application is refused now (a suspension in force), from the apps above."""
    from practicum.credentials.hooks import application_refusal as refusal

    return refusal(user) if getattr(user, "is_authenticated", False) else None
