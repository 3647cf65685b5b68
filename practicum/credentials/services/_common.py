"""Helpers the credentialing services share: emails, the audit row, counters."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone, translation

from practicum.accounts.models import User
from practicum.credentials.evidence import mentor_zone
from practicum.credentials.models import Application, AuditEvent, Credential, Sequence
from practicum.lib.emails import enqueue_email

DUE_SOON_DAYS = 7
Status = Application.Status
Event = AuditEvent.Event


# --- Helpers ---------------------------------------------------------------------------------


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _email(template: str, *, to: User, context: dict) -> None:
    """Rendered in the recipient's language and time zone; never carries client data or
    staff's free text: it says what happened and links to the page."""
    with timezone.override(mentor_zone(to)), translation.override(to.preferred_language):
        subject = render_to_string(f"credentials/email/{template}_subject.txt", context).strip()
        text = render_to_string(f"credentials/email/{template}.txt", {**context, "user": to})
    enqueue_email(to=[to.email], subject=" ".join(subject.split()), text=text)


def _audit(
    event: str,
    *,
    actor: User | None,
    application: Application | None = None,
    credential: Credential | None = None,
    old: dict | None = None,
    new: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        at=timezone.now(),
        actor=actor,
        actor_name=actor.get_full_name() if actor else "",
        application=application,
        credential=credential,
        event=event,
        old=old or {},
        new=new or {},
    )


def next_number(name: str) -> int:
    """The next value of a named counter, under a row lock (two submissions never share one)."""
    Sequence.objects.get_or_create(name=name)
    sequence = Sequence.objects.select_for_update().get(name=name)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def _json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
