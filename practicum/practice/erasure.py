"""Deleting a mentor's record, and erasing a mentor's account, for good.

Rows go in one transaction; their files leave storage only once it has committed, so a
rolled-back erasure never leaves a record pointing at a missing file.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from practicum.accounts.models import RoleGrant, User
from practicum.accounts.services import sessions_end
from practicum.audit.services import audit_erase_person, audit_record
from practicum.frameworks.models import PledgeAcceptance
from practicum.lib.dbfiles import checkpoint_wal
from practicum.lib.emails import forget_email_in_tasks
from practicum.practice.models import (
    CpdEntry,
    MentoringEngagement,
    Reference,
    SupervisionRelationship,
    SupervisionSession,
    TrainingRecord,
)

logger = logging.getLogger(__name__)

# What a mentor may delete, by the `kind` in its URL. Each has a `mentor` foreign key.
RECORD_KINDS: dict[str, type[models.Model]] = {
    "session": SupervisionSession,
    "engagement": MentoringEngagement,
    "training": TrainingRecord,
    "cpd": CpdEntry,
    "relationship": SupervisionRelationship,
}

# Checks that apps to the right of `practice` (credentials) add from their AppConfig.ready():
# practice may not import them. Each takes (kind, record) and returns a reason or None.
CITATION_CHECKS: list[Callable[[str, models.Model], str | None]] = []


def record_is_cited(kind: str, record: models.Model) -> str | None:
    """Why `record` cannot be deleted because a credential application cites it, else None.

    No application model exists yet, so nothing is cited today. The credentials issue fills
    this in: its app appends a check to CITATION_CHECKS that returns a reason the mentor can
    act on (which application cites the record) when one does.
    """
    for check in CITATION_CHECKS:
        reason = check(kind, record)
        if reason:
            return reason
    return None


def _stored_files(records) -> list[tuple]:
    return [(r.evidence.storage, r.evidence.name) for r in records if r.evidence]


def _delete_files_on_commit(files: list[tuple]) -> None:
    def delete() -> None:
        for storage, name in files:
            try:
                storage.delete(name)
            except OSError:
                # The row is gone; a file left behind is found by its path, which holds
                # only the random public id.
                logger.exception("could not delete stored file %s", name)

    if files:
        transaction.on_commit(delete)


@transaction.atomic
def record_delete(*, kind: str, record: models.Model) -> None:
    """Delete one of a mentor's own records for good, with its evidence file and references.

    Refused (ValidationError with the reason) when an application cites it, or when it is a
    supervision relationship that still has sessions.
    """
    if kind not in RECORD_KINDS or not isinstance(record, RECORD_KINDS[kind]):
        raise ValueError(f"not a {kind!r} record")
    reason = record_is_cited(kind, record)
    if reason:
        raise ValidationError(reason)
    if kind == "relationship":
        count = record.sessions.count()
        if count:
            raise ValidationError(_sessions_first(count))
    if kind == "engagement":
        Reference.objects.filter(engagement=record).delete()
    files = _stored_files([record]) if kind in {"training", "cpd"} else []
    try:
        record.delete()
    except ProtectedError as exc:  # a session logged meanwhile
        raise ValidationError(_sessions_first(record.sessions.count())) from exc
    _delete_files_on_commit(files)


def _sessions_first(count: int) -> str:
    return ngettext(
        "Delete or move its %(n)d session first.",
        "Delete or move its %(n)d sessions first.",
        count,
    ) % {"n": count}


# --- Account erasure ---------------------------------------------------------------------


def _erase_from_admin_log(user: User, email: str) -> None:
    """The Django admin's history names what it changed (a user's name or email, an email
    address row): keep the fact of the change, not who it was about."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    about = models.Q(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
    names = models.Q(object_repr__icontains=email)
    if user.full_name:
        names |= models.Q(object_repr__icontains=user.full_name)
    LogEntry.objects.filter(about | names).update(object_repr="—", change_message="")


def erasure_refusal(user: User) -> str | None:
    """Why this account cannot be erased by its holder, else None."""
    if user.holds_staff_role:
        return _(
            "Staff accounts cannot be erased from here: your decisions and sign-offs are part "
            "of the body's audit history. Ask a site administrator to close your account."
        )
    return None


@dataclass(frozen=True)
class ErasurePreview:
    sessions: int
    relationships: int
    engagements: int
    references: int
    training_records: int
    cpd_entries: int
    files: int
    supervisees: int
    signed_off_for_others: int


def erasure_preview(*, user: User) -> ErasurePreview:
    """What `account_erase` would remove (and what it would leave with others)."""
    training = TrainingRecord.objects.filter(mentor=user)
    cpd = CpdEntry.objects.filter(mentor=user)
    return ErasurePreview(
        sessions=SupervisionSession.objects.filter(mentor=user).count(),
        relationships=SupervisionRelationship.objects.filter(mentor=user).count(),
        engagements=MentoringEngagement.objects.filter(mentor=user).count(),
        references=Reference.objects.filter(engagement__mentor=user).count(),
        training_records=training.count(),
        cpd_entries=cpd.count(),
        files=training.exclude(evidence="").count()
        + cpd.exclude(evidence="").count()
        + (1 if user.photo else 0),
        supervisees=SupervisionRelationship.objects.filter(supervisor=user)
        .exclude(mentor=user)
        .count(),
        signed_off_for_others=SupervisionSession.objects.filter(signed_off_by=user)
        .exclude(mentor=user)
        .count(),
    )


@transaction.atomic
def account_erase(*, user: User) -> None:
    """Erase a mentor's account for good: every practice record and its files, pledge
    acceptances, role grants, email addresses, MFA authenticators, the profile photo, the user.

    Other mentors' records stay whole: a relationship in which `user` supervised someone
    becomes an external one carrying the supervisor's name and email (the supervisee's record
    of who supervised them), and sessions `user` signed off keep the signer's name.
    Staff accounts are refused (ValidationError): their actions are audit history.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    refusal = erasure_refusal(user)
    if refusal:
        raise ValidationError(refusal)
    name, email = user.get_full_name()[:150], user.email

    SupervisionRelationship.objects.filter(supervisor=user).exclude(mentor=user).update(
        supervisor=None, external_name=name, external_email=email
    )
    SupervisionSession.objects.filter(signed_off_by=user, signed_off_by_name="").update(
        signed_off_by_name=name
    )

    training = TrainingRecord.objects.filter(mentor=user)
    cpd = CpdEntry.objects.filter(mentor=user)
    files = _stored_files(training.exclude(evidence="")) + _stored_files(cpd.exclude(evidence=""))
    if user.photo:
        files.append((user.photo.storage, user.photo.name))

    # Sessions before relationships (PROTECT), references before engagements.
    SupervisionSession.objects.filter(mentor=user).delete()
    SupervisionRelationship.objects.filter(mentor=user).delete()
    Reference.objects.filter(engagement__mentor=user).delete()
    MentoringEngagement.objects.filter(mentor=user).delete()
    training.delete()
    cpd.delete()
    PledgeAcceptance.objects.filter(user=user).delete()
    RoleGrant.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    # The audit trail keeps the bare fact that the account was erased, and of every entry about
    # or by this person only the act itself (no values, no name).
    audit_record(actor=user, action="account.erased", subject=user, person=user)
    audit_erase_person(user=user)
    # Nothing of the person left in the task queue (queued or sent emails), in their sessions,
    # or (SQLite) in the write-ahead log once this commits: see lib/emails.py, lib/dbfiles.py.
    forget_email_in_tasks(email)
    sessions_end(user_id=user.pk)
    _erase_from_admin_log(user, email)
    transaction.on_commit(checkpoint_wal)
    # Anything else that hangs off the user (added by later issues) goes by its CASCADE here,
    # or blocks the erasure by its PROTECT: then the whole erasure rolls back.
    user.delete()
    _delete_files_on_commit(files)
