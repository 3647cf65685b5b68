"""Helpers the credentialing services share: emails, the audit row, counters."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy

from practicum.accounts.models import User
from practicum.audit.models import AuditEntry
from practicum.audit.services import audit_record, audit_trail
from practicum.credentials.models import Application, Credential, Sequence
from practicum.lib.emails import send_templated_email
from practicum.lib.urls import absolute_url

DUE_SOON_DAYS = 7
Status = Application.Status


class Event(models.TextChoices):
    """What the credentialing services record; the action is `application.<event>` or, for an
    issued credential, `credential.<event>`."""

    SUBMITTED = "submitted", gettext_lazy("Submitted")
    INVOICED = "invoiced", gettext_lazy("Invoice issued")
    PAID = "paid", gettext_lazy("Payment recorded")
    AUDIT_DRAWN = "audit_drawn", gettext_lazy("Renewal audit draw")
    ASSIGNED = "assigned", gettext_lazy("Assigned")
    INFO_REQUESTED = "info_requested", gettext_lazy("More information requested")
    ANSWERED = "answered", gettext_lazy("Applicant answered")
    NOTE_ADDED = "note_added", gettext_lazy("Staff note added")
    REFEREE_CONTACTED = "referee_contacted", gettext_lazy("Referee contacted")
    APPROVED = "approved", gettext_lazy("Approved")
    REJECTED = "rejected", gettext_lazy("Not approved")
    ISSUED = "issued", gettext_lazy("Credential issued")
    EXPIRED = "expired", gettext_lazy("Credential expired")
    SUSPENDED = "suspended", gettext_lazy("Credential suspended")
    REINSTATED = "reinstated", gettext_lazy("Credential reinstated")
    REVOKED = "revoked", gettext_lazy("Credential revoked")
    REMINDED = "reminded", gettext_lazy("Renewal reminder sent")


CREDENTIAL_EVENTS = {
    Event.ISSUED,
    Event.EXPIRED,
    Event.SUSPENDED,
    Event.REINSTATED,
    Event.REVOKED,
    Event.REMINDED,
}
# action -> label, registered with the audit trail in CredentialsConfig.ready().
AUDIT_ACTIONS = {
    f"{'credential' if event in CREDENTIAL_EVENTS else 'application'}.{event.value}": event.label
    for event in Event
} | {
    # services/declared.py: credentials held before the platform.
    "declared_credential.declared": gettext_lazy("Credential held before Practicum declared"),
    "declared_credential.verified": gettext_lazy("Declared credential verified"),
    "declared_credential.declined": gettext_lazy("Declared credential declined"),
}


# --- Helpers ---------------------------------------------------------------------------------


absolute = absolute_url


def _email(template: str, *, to: User, context: dict) -> None:
    """Rendered in the recipient's language and time zone; never carries client data or
    staff's free text: it says what happened and links to the page."""
    send_templated_email(
        f"credentials/email/{template}", recipient=to, context={**context, "user": to}
    )


def _audit(
    event: str,
    *,
    actor: User | None,
    application: Application | None = None,
    credential: Credential | None = None,
    old: dict | None = None,
    new: dict | None = None,
) -> AuditEntry:
    """One entry in the project's audit trail: about the credential when there is one (issued,
    suspended, ...), else the application; the person is the applicant or holder."""
    subject = credential if credential is not None else application
    person = credential.holder if credential is not None else application.applicant
    noun = "credential" if credential is not None else "application"
    return audit_record(
        actor=actor,
        action=f"{noun}.{event}",
        subject=subject,
        person=person,
        before=old,
        after=new,
    )


def credential_audit_trail(*, application: Application | None = None, credential=None):
    """The trail a staff page shows: an application's (with the credential it made), or a
    credential's."""
    if credential is not None:
        return audit_trail(credential)
    return audit_trail(application, *Credential.objects.filter(application=application))


def next_number(name: str) -> int:
    """The next value of a named counter, under a row lock (two submissions never share one)."""
    Sequence.objects.get_or_create(name=name)
    sequence = Sequence.objects.select_for_update().get(name=name)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def _json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
