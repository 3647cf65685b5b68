"""Writing and reading the audit trail. Every app's services call ``audit_record``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from practicum.audit.models import AuditEntry

# action -> label shown to staff. Apps register theirs in AppConfig.ready() (register_actions),
# so this module needs no knowledge of the apps above it.
_ACTION_LABELS: dict[str, object] = {}

ERASED_NAME = "erased user"


def register_actions(labels: dict[str, object]) -> None:
    """Register display labels (lazy translations) for actions, e.g. {"credential.issued": ...}."""
    _ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return str(_ACTION_LABELS.get(action, action))


# The names of what changed (the keys of before/after), as staff read them. The entry keeps the
# key; the trail shows its label in the reader's language. Apps may add theirs.
_CHANGE_LABELS: dict[str, object] = {
    "status": _("status"),
    "role": _("role"),
    "name": _("name"),
    "hours": _("hours"),
    "reason": _("reason"),
    "owner": _("owner"),
    "stage": _("stage"),
    "note": _("note"),
    "email": _("email"),
    "member": _("member"),
    "assigned_to": _("assigned to"),
    "answer_due": _("answer due"),
    "attended": _("attended"),
    "attendance": _("attendance"),
    "started_on": _("started on"),
    "ended_on": _("ended on"),
    "occurred_on": _("occurred on"),
    "valid_from": _("valid from"),
    "valid_until": _("valid until"),
    "paused_since": _("paused since"),
    "programme": _("programme"),
    "centre": _("centre"),
    "centre_name": _("centre name"),
    "cohort": _("cohort"),
    "mode": _("mode"),
    "source": _("source"),
    "record": _("record"),
    "invoice": _("invoice"),
    "scopes": _("scopes"),
    "events": _("events"),
    "facilitator": _("facilitator"),
    "declared": _("declared"),
    "imported": _("imported"),
    "matched": _("matched"),
    "format": _("format"),
    "reasons_given": _("reasons given"),
    "number": _("number"),
    "expires_on": _("expires on"),
    "amount": _("amount"),
    "kind": _("kind"),
    "code": _("code"),
}


def register_change_labels(labels: dict[str, object]) -> None:
    """Register display labels (lazy translations) for keys of before/after."""
    _CHANGE_LABELS.update(labels)


def change_label(key: str) -> str:
    label = _CHANGE_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ")


def _name_of(user) -> str:
    if user is None:
        return ""
    return (getattr(user, "get_full_name", lambda: "")() or getattr(user, "email", "") or "")[:150]


def audit_record(
    *,
    actor,
    action: str,
    subject: models.Model,
    person=None,
    before: dict | None = None,
    after: dict | None = None,
    actor_name: str = "",
) -> AuditEntry:
    """Record that ``actor`` (a user, or None for the system) did ``action`` to ``subject``.

    Call it inside the service's transaction so the entry exists if and only if the act does.
    ``before``/``after`` hold the changed values only; never confidential free text (it would
    escape the field encryption and outlive an erasure).
    """
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=actor_name or _name_of(actor) or str(_("system")),
        action=action,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        person=person,
        before=before or {},
        after=after or {},
    )


def audit_trail(*subjects: models.Model | None) -> models.QuerySet[AuditEntry]:
    """The entries of one or more subjects, oldest first, with their actors."""
    return AuditEntry.objects.for_subjects(subjects).select_related("actor")


def audit_erase_person(*, user) -> int:
    """Keep only the bare facts about an erased person: the values and their name go.

    Entries stay (the body must still be able to show that a decision was made and by whom on
    its side), but what they kept of the person does not.
    """
    about = AuditEntry.objects.filter(person=user).update(before={}, after={}, person=None)
    by = AuditEntry.objects.filter(actor=user).update(actor_name=ERASED_NAME, actor=None)
    return about + by
