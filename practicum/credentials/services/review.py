"""Review: assignment, conflicts, information requests, notes, referees, decisions."""

import datetime
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.accounts.models import Role, User
from practicum.credentials.models import (
    Application,
    ApplicationDocument,
    ApplicationNote,
    InfoRequest,
    Payment,
    ReferenceContact,
    body_today,
)
from practicum.credentials.services._common import Event, Status, _audit, _email, absolute
from practicum.credentials.services.lifecycle import credential_issue
from practicum.lib.conflict import Conflict
from practicum.practice.models import SupervisionRelationship

# --- Review ----------------------------------------------------------------------------------


def reviewer_conflict(reviewer: User, applicant: User) -> str | None:
    """Why `reviewer` may not review `applicant`'s application, else None: their own, their
    supervisee's, or their supervisor's (on the platform or declared by email), past or present."""
    if reviewer.pk == applicant.pk:
        return _("You cannot review your own application.")
    email = reviewer.email.lower()
    relationships = SupervisionRelationship.objects.filter(
        Q(mentor=applicant, supervisor=reviewer)
        | Q(mentor=applicant, external_email__iexact=email)
        | Q(mentor=reviewer, supervisor=applicant)
        | Q(mentor=reviewer, external_email__iexact=applicant.email)
    ).values_list("mentor_id", flat=True)
    mentors = set(relationships)
    if applicant.pk in mentors:
        return _("You supervise this applicant: another reviewer must take it.")
    if reviewer.pk in mentors:
        return _("This applicant is your supervisor: another reviewer must take it.")
    return None


def _check_reviewer(reviewer: User, application: Application) -> None:
    if not reviewer.has_role(Role.CREDENTIALING_STAFF):
        raise ValidationError(_("Only credentialing staff can review applications."))
    conflict = reviewer_conflict(reviewer, application.applicant)
    if conflict:
        raise ValidationError(conflict)


@transaction.atomic
def application_assign(*, application: Application, reviewer: User | None, by: User) -> Application:
    """Give the application to a reviewer (or to nobody). Refused for a conflicted reviewer."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant")
        .get(pk=application.pk)
    )
    if application.status not in Application.OPEN:
        raise ValidationError(_("Only an application under way can be assigned."))
    if reviewer is not None:
        _check_reviewer(reviewer, application)
    old = application.assigned_to
    if old == reviewer:
        return application
    application.assigned_to = reviewer
    application.save(update_fields=["assigned_to", "updated_at"])
    _audit(
        Event.ASSIGNED,
        actor=by,
        application=application,
        old={"assigned_to": old.get_full_name() if old else None},
        new={"assigned_to": reviewer.get_full_name() if reviewer else None},
    )
    return application


def _info_request_create(
    *, application: Application, by: User | None, message: str, for_audit: bool = False
) -> InfoRequest:
    today = body_today()
    request = InfoRequest.objects.create(
        application=application,
        requested_by=by,
        message=message.strip(),
        for_audit=for_audit,
        requested_at=timezone.now(),
    )
    old_status = application.status
    application.status = Status.INFO_REQUESTED
    application.paused_since = today
    application.save()
    _audit(
        Event.INFO_REQUESTED,
        actor=by,
        application=application,
        old={"status": old_status},
        new={"status": application.status, "paused_since": today, "audit": for_audit},
    )
    _email(
        "info_requested",
        to=application.applicant,
        context={
            "application": application,
            "for_audit": for_audit,
            "url": absolute(reverse("credentials:application_detail", args=[application.pk])),
        },
    )
    return request


@transaction.atomic
def info_request(*, application: Application, by: User, message: str) -> InfoRequest:
    """Ask the applicant for more; the review clock pauses until they answer."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant")
        .get(pk=application.pk)
    )
    _check_reviewer(by, application)
    if application.status != Status.IN_REVIEW:
        raise ValidationError(_("More information can be asked only of an application in review."))
    if not message.strip():
        raise ValidationError(_("Say what you need from the applicant."))
    return _info_request_create(application=application, by=by, message=message)


EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS_PER_ANSWER = 5


@transaction.atomic
def info_answer(
    *, application: Application, by: User, answer: str, files: list | None = None
) -> InfoRequest:
    """The applicant answers (with files, checked by content): the clock resumes and the target
    date moves by the days it was paused."""
    from practicum.lib.uploads import validate_evidence

    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != by.pk:
        raise ValidationError(_("Only the applicant can answer."))
    if application.status != Status.INFO_REQUESTED:
        raise ValidationError(_("Nothing is waiting for your answer."))
    request = application.info_requests.filter(answered_at__isnull=True).first()
    files = list(files or [])
    if len(files) > MAX_DOCUMENTS_PER_ANSWER:
        raise ValidationError(
            _("Attach at most %(n)d files at once.") % {"n": MAX_DOCUMENTS_PER_ANSWER}
        )
    if not answer.strip() and not files:
        raise ValidationError(_("Write an answer or attach a file."))
    if request.for_audit and not files:
        raise ValidationError(_("The audit asks for evidence: attach at least one file."))
    types = [validate_evidence(upload, max_bytes=EVIDENCE_MAX_BYTES) for upload in files]
    for upload, file_type in zip(files, types, strict=True):
        document = ApplicationDocument(
            application=application,
            info_request=request,
            purpose=ApplicationDocument.Purpose.ANSWER,
            file_type=file_type,
        )
        upload.seek(0)
        document.file.save("answer", upload, save=False)
        document.save()
    today = body_today()
    paused = max((today - application.paused_since).days, 0) if application.paused_since else 0
    request.answer = answer.strip()
    request.answered_at = timezone.now()
    request.save(update_fields=["answer", "answered_at"])
    old = {"status": application.status, "target_date": application.target_date}
    application.status = Status.IN_REVIEW
    application.paused_days += paused
    if application.target_date is not None:
        application.target_date += datetime.timedelta(days=paused)
    application.paused_since = None
    application.save()
    _audit(
        Event.ANSWERED,
        actor=by,
        application=application,
        old=old,
        new={
            "status": application.status,
            "target_date": application.target_date,
            "paused_days": paused,
            "files": len(files),
        },
    )
    return request


@transaction.atomic
def note_add(*, application: Application, by: User, text: str) -> ApplicationNote:
    if not by.has_role(Role.CREDENTIALING_STAFF):
        raise ValidationError(_("Only credentialing staff can add notes."))
    if not text.strip():
        raise ValidationError(_("Write the note."))
    note = ApplicationNote.objects.create(application=application, author=by, text=text.strip())
    _audit(Event.NOTE_ADDED, actor=by, application=application, new={"note": note.pk})
    return note


@transaction.atomic
def referee_contact_record(
    *,
    application: Application,
    by: User,
    reference_id: int,
    method: str,
    outcome: str,
    contacted_on: datetime.date,
    note: str = "",
) -> ReferenceContact:
    """Staff record a contact they made with a referee themselves (by phone or email)."""
    _check_reviewer(by, application)
    if application.status not in Application.OPEN:
        raise ValidationError(_("This application is no longer under review."))
    if reference_id not in {r["id"] for r in frozen_references(application)}:
        raise ValidationError(_("This reference is not part of the application."))
    if contacted_on > timezone.localdate():
        raise ValidationError(_("The contact cannot be in the future."))
    contact = ReferenceContact.objects.create(
        application=application,
        reference_id=reference_id,
        method=method,
        outcome=outcome,
        contacted_on=contacted_on,
        note=note.strip(),
        by=by,
    )
    _audit(
        Event.REFEREE_CONTACTED,
        actor=by,
        application=application,
        new={"reference": reference_id, "method": method, "outcome": outcome},
    )
    return contact


def snapshot_of(application: Application) -> dict:
    return json.loads(application.snapshot) if application.snapshot else {}


def frozen_references(application: Application) -> list[dict]:
    return [
        {**ref, "engagement": engagement}
        for engagement in snapshot_of(application).get("engagements", [])
        for ref in engagement.get("references", [])
    ]


@dataclass(frozen=True)
class ApprovalCheck:
    """One review control of the rule set (`review:`), as the staff checklist shows it."""

    label: str
    met: bool
    problem: str


def approval_checks(application: Application, by: User) -> list[ApprovalCheck]:
    """The rule set's review controls judged for `by` approving `application` now."""
    controls = application.rule_set.rules.review
    checks = []
    if not controls.payment_recorder_may_decide:
        recorder = (
            Payment.objects.filter(invoice__application=application)
            .values_list("recorded_by_id", flat=True)
            .first()
        )
        checks.append(
            ApprovalCheck(
                label=_("A different person decides than recorded the payment"),
                met=recorder is None or recorder != by.pk,
                problem=_(
                    "You recorded this application's payment: another member of staff decides."
                ),
            )
        )
    references = {r["id"] for r in frozen_references(application)}
    needed = controls.contacts_needed(len(references))
    if needed:
        contacted = set(
            ReferenceContact.objects.filter(
                application=application, reference_id__in=references
            ).values_list("reference_id", flat=True)
        )
        checks.append(
            ApprovalCheck(
                label=_("A recorded contact with %(needed)d of the %(total)d referees")
                % {"needed": needed, "total": len(references)},
                met=len(contacted) >= needed,
                problem=_(
                    "Record a contact with the referees before approving: %(done)d of "
                    "%(needed)d needed so far."
                )
                % {"done": len(contacted), "needed": needed},
            )
        )
    return checks


@transaction.atomic
def application_decide(
    *, application: Application, by: User, approve: bool, reasons: str = ""
) -> Application:
    """Approve (issuing the credential) or reject with written reasons. Two staff deciding at
    once produce one decision: the row is locked and its status checked under the lock."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant", "renews", "credential_type", "rule_set")
        .get(pk=application.pk)
    )
    if application.status in (Status.APPROVED, Status.REJECTED):
        raise Conflict(_("This application has already been decided."))
    if application.status not in Application.DECIDABLE:
        raise ValidationError(_("This application is not in review yet (awaiting payment)."))
    _check_reviewer(by, application)
    if approve and application.status != Status.IN_REVIEW:
        raise ValidationError(
            _("The applicant has not answered your request yet: wait for the answer, or reject.")
        )
    if not approve and not reasons.strip():
        raise ValidationError(_("Write the reasons for not approving: the applicant reads them."))
    if approve:
        unmet = [check.problem for check in approval_checks(application, by) if not check.met]
        if unmet:
            raise ValidationError(unmet)
    return _decide(application=application, by=by, approve=approve, reasons=reasons)


def _decide(
    *, application: Application, by: User | None, approve: bool, reasons: str
) -> Application:
    today = body_today()
    old = {"status": application.status}
    if application.paused_since:
        application.paused_days += max((today - application.paused_since).days, 0)
        application.paused_since = None
        application.info_requests.filter(answered_at__isnull=True).update(
            answered_at=timezone.now()
        )
    application.status = Status.APPROVED if approve else Status.REJECTED
    application.decided_at = timezone.now()
    application.decided_by = by
    application.decision_reasons = reasons.strip()
    application.save()
    _audit(
        Event.APPROVED if approve else Event.REJECTED,
        actor=by,
        application=application,
        old=old,
        new={"status": application.status, "reasons_given": bool(reasons.strip())},
    )
    credential = credential_issue(application=application, by=by) if approve else None
    _email(
        "approved" if approve else "rejected",
        to=application.applicant,
        context={
            "application": application,
            "credential": credential,
            "verify_url": absolute(
                reverse("credentials:verify_code", args=[credential.verification_code])
            )
            if credential
            else "",
            "url": absolute(reverse("credentials:application_detail", args=[application.pk])),
        },
    )
    return application
