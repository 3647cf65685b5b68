"""Accrediting a training centre, reviewed as credential applications are: a queue ordered by
target date, a review clock that pauses while the centre is asked for more
(`review_clock`), reviewers without a conflict of interest (`services.reviewer_conflict`), a
decision with written reasons, and the one audit trail. On approval the centre is accredited or
endorsed through `institutions.services.recognition_grant`.

Criteria, fees, review times and validity are versioned rule data
(`data/accreditation/<version>.yaml`, `load_accreditation_rules`).
"""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from practicum.accounts.models import Role, User
from practicum.audit.services import audit_record
from practicum.credentials import payments
from practicum.credentials.models import Invoice, Payment, add_years, body_today
from practicum.credentials.review_clock import clock_pause, clock_resume, clock_start, clock_stop
from practicum.credentials.services import (
    invoice_create,
    invoice_lock_for_payment,
    next_number,
    payment_create,
    reviewer_conflict,
)
from practicum.institutions import services as institutions
from practicum.institutions.models import (
    AccreditationApplication,
    AccreditationDocument,
    AccreditationInfoRequest,
    AccreditationRules,
    CentreMember,
    CentreReminder,
    Programme,
    TrainingCentre,
)
from practicum.lib.conflict import Conflict
from practicum.lib.emails import enqueue_email
from practicum.lib.translations import version_files
from practicum.lib.uploads import validate_evidence
from practicum.lib.versioned import content_hash
from practicum.lib.yamlfile import read_yaml

DATA_DIR = Path(__file__).resolve().parent / "data" / "accreditation"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
Status = AccreditationApplication.Status


# --- Rule data -----------------------------------------------------------------------------------


class AccreditationRulesError(ValueError):
    pass


KIND_KEYS = {
    "min_programme_hours",
    "min_competencies_covered",
    "min_faculty",
    "min_evidence_files",
    "fee",
    "review_weeks",
    "validity_years",
}


def _check(doc: dict, name: str) -> None:
    for key in ("version", "effective_date", "kinds", "currency", "renewal"):
        if key not in doc:
            raise AccreditationRulesError(f"{name}: missing {key}")
    if set(doc["kinds"]) != {"accredited", "endorsed"}:
        raise AccreditationRulesError(f"{name}: kinds must be accredited and endorsed")
    for kind, values in doc["kinds"].items():
        missing = KIND_KEYS - set(values)
        if missing:
            raise AccreditationRulesError(f"{name}: {kind} lacks {sorted(missing)}")


def rules_load_all(directory: Path = DATA_DIR) -> list[AccreditationRules]:
    """Load every version file; idempotent; a published version with other content is refused."""
    loaded = []
    for path in version_files(directory, "*.yaml"):
        doc = read_yaml(path)
        _check(doc, path.name)
        content = json.loads(json.dumps(doc, default=str))
        digest = content_hash(content)
        with transaction.atomic():
            existing = AccreditationRules.objects.filter(version=str(doc["version"])).first()
            if existing is not None:
                if existing.content_hash != digest:
                    raise AccreditationRulesError(
                        f"{path.name}: version {doc['version']} is already published with "
                        "different content. Published versions never change: add a new version."
                    )
                loaded.append(existing)
                continue
            loaded.append(
                AccreditationRules.objects.create(
                    version=str(doc["version"]),
                    effective_date=doc["effective_date"],
                    content=content,
                    content_hash=digest,
                )
            )
    return loaded


def rules_in_force() -> AccreditationRules:
    rules = AccreditationRules.current(body_today())
    if rules is None:
        raise ValidationError(_("Accreditation is not open yet: the rules are not loaded."))
    return rules


# --- Criteria ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    key: str
    met: bool
    need: str
    have: str

    @property
    def label(self) -> str:
        labels = {
            "programme_hours": _("A programme of at least %(need)s hours (longest: %(have)s)"),
            "competencies": _(
                "Curriculum covering at least %(need)s of the nine competencies (covered: %(have)s)"
            ),
            "faculty": _("At least %(need)s faculty members (given: %(have)s)"),
            "evidence": _("At least %(need)s evidence files (attached: %(have)s)"),
        }
        return labels[self.key] % {"need": self.need, "have": self.have}


def checks_for(
    *, kind: str, rules: AccreditationRules, programmes, faculty: list, files: int
) -> list[Check]:
    criteria = rules.content["kinds"][kind]
    longest = max((p.hours for p in programmes), default=Decimal(0))
    covered = {
        number
        for p in programmes
        for number in p.indicators.values_list("competency__number", flat=True)
    }
    return [
        Check(
            "programme_hours",
            longest >= Decimal(criteria["min_programme_hours"]),
            criteria["min_programme_hours"],
            f"{longest.normalize():f}",
        ),
        Check(
            "competencies",
            len(covered) >= int(criteria["min_competencies_covered"]),
            str(criteria["min_competencies_covered"]),
            str(len(covered)),
        ),
        Check(
            "faculty",
            len(faculty) >= int(criteria["min_faculty"]),
            str(criteria["min_faculty"]),
            str(len(faculty)),
        ),
        Check(
            "evidence",
            files >= int(criteria["min_evidence_files"]),
            str(criteria["min_evidence_files"]),
            str(files),
        ),
    ]


def stored_checks(application: AccreditationApplication) -> list[Check]:
    return [Check(**item) for item in application.checks]


# --- Helpers -------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _email_admins(centre: TrainingCentre, template: str, context: dict) -> None:
    members = centre.members.active().filter(role=CentreMember.Role.ADMIN).select_related("user")
    for member in members:
        with translation.override(member.user.preferred_language):
            subject = render_to_string(
                f"credentials/accreditation/email/{template}_subject.txt", context
            )
            text = render_to_string(f"credentials/accreditation/email/{template}.txt", context)
        enqueue_email(to=[member.user.email], subject=" ".join(subject.split()), text=text)


def _audit(action, *, actor, application, before=None, after=None) -> None:
    audit_record(
        actor=actor, action=action, subject=application, before=before or {}, after=after or {}
    )


def check_reviewer(reviewer: User, application: AccreditationApplication) -> None:
    """Credentialing staff, without a conflict with any of the centre's administrators."""
    if not reviewer.has_role(Role.CREDENTIALING_STAFF):
        raise ValidationError(_("Only credentialing staff can review applications."))
    admins = User.objects.filter(
        centre_memberships__centre=application.centre, centre_memberships__left_at__isnull=True
    )
    for admin in admins:
        conflict = reviewer_conflict(reviewer, admin)
        if conflict:
            raise ValidationError(conflict)


# --- The centre's side ---------------------------------------------------------------------------


@transaction.atomic
def application_submit(
    *,
    centre: TrainingCentre,
    by: User,
    kind: str,
    organisation: str,
    programmes: list[Programme],
    faculty: list[dict],
    files: list,
) -> AccreditationApplication:
    """Submit an application (a renewal when the centre holds a recognition now): the rules in
    force are fixed, the programmes frozen, the criteria judged, and the fee invoiced. As for a
    credential application, the review clock (the review time of the kind sought) starts when
    the fee is paid (`fee_payment_record`)."""
    rules = rules_in_force()
    if kind not in rules.content["kinds"]:
        raise ValidationError(_("Choose accredited or endorsed."))
    centre = TrainingCentre.objects.select_for_update().get(pk=centre.pk)
    if centre.status == TrainingCentre.Status.WITHDRAWN:
        pass  # a withdrawn centre may apply again: staff see its history
    if centre.accreditation_applications.open().exists():
        raise ValidationError(_("An application of this centre is already in review."))
    if not organisation.strip():
        raise ValidationError(_("Describe the organisation."))
    programmes = list(programmes)
    if not programmes:
        raise ValidationError(_("Choose at least one programme."))
    if any(p.centre_id != centre.pk for p in programmes):
        raise ValidationError(_("Choose programmes of this centre."))
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ValidationError(_("Attach at most %(n)d files.") % {"n": MAX_FILES})
    types = [validate_evidence(upload, max_bytes=EVIDENCE_MAX_BYTES) for upload in files]
    criteria = rules.content["kinds"][kind]
    checks = checks_for(
        kind=kind, rules=rules, programmes=programmes, faculty=faculty, files=len(files)
    )
    renewal = centre.status in (TrainingCentre.Status.RECOGNISED, TrainingCentre.Status.SUSPENDED)
    application = AccreditationApplication(
        centre=centre,
        kind=kind,
        renewal=renewal,
        rules=rules,
        reference=f"ACC-{body_today():%Y}-{next_number('accreditation'):05d}",
        organisation=organisation.strip(),
        faculty=faculty,
        snapshot={
            "programmes": [
                {
                    "id": p.pk,
                    "name": p.name,
                    "hours": str(p.hours),
                    "mode": p.mode,
                    "indicators": list(p.indicators.values_list("identifier", flat=True)),
                }
                for p in programmes
            ]
        },
        checks=[c.__dict__ for c in checks],
        fee_amount=Decimal(criteria["fee"]),
        fee_currency=rules.content["currency"],
        submitted_by=by,
    )
    application.status = Status.AWAITING_PAYMENT
    application.review_days = int(criteria["review_weeks"]) * 7
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError(_("An application of this centre is already in review.")) from None
    invoice = invoice_create(
        accreditation=application,
        amount=application.fee_amount,
        currency=application.fee_currency,
        provider=payments.DEFAULT_PROVIDER,
    )
    application.programmes.set(programmes)
    for upload, file_type in zip(files, types, strict=True):
        document = AccreditationDocument(
            application=application, file_type=file_type, title=upload.name[:200]
        )
        upload.seek(0)
        document.file.save("evidence", upload, save=False)
        document.save()
    if not renewal:
        old = centre.status
        centre.status = TrainingCentre.Status.IN_REVIEW
        centre.save(update_fields=["status"])
        audit_record(
            actor=by,
            action="centre.updated",
            subject=centre,
            before={"status": old},
            after={"status": centre.status},
        )
    _audit(
        "accreditation.submitted",
        actor=by,
        application=application,
        after={
            "kind": kind,
            "renewal": renewal,
            "invoice": invoice.number,
            "fee": f"{invoice.amount} {invoice.currency}",
        },
    )
    return application


@transaction.atomic
def fee_payment_record(
    *, invoice: Invoice, by: User | None, confirmation: payments.Confirmation
) -> Payment:
    """Record the fee's payment (a provider's confirmation, or staff marking the transfer
    received) with credential applications' machinery: idempotent by the confirmation's key,
    one payment per invoice. The review clock starts."""
    invoice, existing = invoice_lock_for_payment(invoice=invoice, confirmation=confirmation)
    if existing is not None:
        return existing
    if invoice.accreditation_id is None:
        raise ValidationError(_("This invoice is not for an accreditation application."))
    application = _locked(invoice.accreditation)
    if application.status != Status.AWAITING_PAYMENT:
        raise ValidationError(_("This application is not awaiting payment."))
    payment = payment_create(invoice=invoice, by=by, confirmation=confirmation)
    clock_start(application, days=application.review_days or 0)
    application.status = Status.IN_REVIEW
    application.save()
    _audit(
        "accreditation.paid",
        actor=by,
        application=application,
        before={"status": Status.AWAITING_PAYMENT, "invoice": Invoice.Status.OPEN},
        after={
            "status": application.status,
            "invoice": Invoice.Status.PAID,
            "receipt": payment.receipt_number,
            "amount": f"{payment.amount} {payment.currency}",
            "received_on": str(payment.received_on),
            "target_date": str(application.target_date),
        },
    )
    _email_admins(
        application.centre,
        "paid",
        {
            "application": application,
            "payment": payment,
            "url": _absolute(reverse("credentials:accreditation_detail", args=[application.pk])),
        },
    )
    return payment


@transaction.atomic
def info_answer(
    *, application: AccreditationApplication, by: User, answer: str, files: list | None = None
) -> AccreditationInfoRequest:
    application = AccreditationApplication.objects.select_for_update().get(pk=application.pk)
    if not institutions.is_centre_admin(by, application.centre):
        raise ValidationError(_("Only the centre's administrators can answer."))
    if application.status != Status.INFO_REQUESTED:
        raise ValidationError(_("Nothing is waiting for your answer."))
    files = list(files or [])
    if not answer.strip() and not files:
        raise ValidationError(_("Write an answer or attach a file."))
    if len(files) > MAX_FILES:
        raise ValidationError(_("Attach at most %(n)d files.") % {"n": MAX_FILES})
    types = [validate_evidence(upload, max_bytes=EVIDENCE_MAX_BYTES) for upload in files]
    for upload, file_type in zip(files, types, strict=True):
        document = AccreditationDocument(
            application=application, file_type=file_type, title=upload.name[:200]
        )
        upload.seek(0)
        document.file.save("answer", upload, save=False)
        document.save()
    request = application.info_requests.get(answered_at__isnull=True)
    request.answer = answer.strip()
    request.answered_at = timezone.now()
    request.save(update_fields=["answer", "answered_at"])
    before = {"status": application.status, "target_date": str(application.target_date)}
    paused = clock_resume(application)
    application.status = Status.IN_REVIEW
    application.save()
    _audit(
        "accreditation.answered",
        actor=by,
        application=application,
        before=before,
        after={
            "status": application.status,
            "target_date": str(application.target_date),
            "paused_days": paused,
            "files": len(files),
        },
    )
    return request


# --- Staff's side --------------------------------------------------------------------------------


def _locked(application: AccreditationApplication) -> AccreditationApplication:
    return (
        AccreditationApplication.objects.select_for_update(of=("self",))
        .select_related("centre")
        .get(pk=application.pk)
    )


@transaction.atomic
def application_assign(
    *, application: AccreditationApplication, reviewer: User | None, by: User
) -> AccreditationApplication:
    application = _locked(application)
    if not application.is_open:
        raise ValidationError(_("Only an application under way can be assigned."))
    if reviewer is not None:
        check_reviewer(reviewer, application)
    old = application.assigned_to
    application.assigned_to = reviewer
    application.save(update_fields=["assigned_to"])
    _audit(
        "accreditation.assigned",
        actor=by,
        application=application,
        before={"assigned_to": old.get_full_name() if old else None},
        after={"assigned_to": reviewer.get_full_name() if reviewer else None},
    )
    return application


@transaction.atomic
def info_request(
    *, application: AccreditationApplication, by: User, message: str
) -> AccreditationInfoRequest:
    """Ask the centre for more: the review clock pauses until it answers."""
    application = _locked(application)
    check_reviewer(by, application)
    if application.status != Status.IN_REVIEW:
        raise ValidationError(_("More information can be asked only of an application in review."))
    if not message.strip():
        raise ValidationError(_("Say what you need from the centre."))
    request = AccreditationInfoRequest.objects.create(
        application=application, requested_by=by, message=message.strip()
    )
    clock_pause(application)
    application.status = Status.INFO_REQUESTED
    application.save()
    _audit(
        "accreditation.info_requested",
        actor=by,
        application=application,
        before={"status": Status.IN_REVIEW},
        after={"status": application.status, "paused_since": str(application.paused_since)},
    )
    _email_admins(
        application.centre,
        "info_requested",
        {
            "application": application,
            "url": _absolute(reverse("credentials:accreditation_detail", args=[application.pk])),
        },
    )
    return request


@transaction.atomic
def application_decide(
    *, application: AccreditationApplication, by: User, approve: bool, reasons: str = ""
) -> AccreditationApplication:
    """Approve (the centre is accredited or endorsed for the rules' validity; a renewal starts
    when the current period ends) or reject with reasons. Two staff deciding at once produce
    one decision: the row is locked and its status checked under the lock."""
    application = _locked(application)
    if not application.is_open:
        raise Conflict(_("This application has already been decided."))
    if application.status == Status.AWAITING_PAYMENT:
        raise ValidationError(_("This application is not in review yet (awaiting payment)."))
    check_reviewer(by, application)
    if approve and application.status != Status.IN_REVIEW:
        raise ValidationError(
            _("The centre has not answered your request yet: wait for the answer, or reject.")
        )
    if not approve and not reasons.strip():
        raise ValidationError(_("Write the reasons for not approving: the centre reads them."))
    before = {"status": application.status}
    clock_stop(application)
    application.info_requests.filter(answered_at__isnull=True).update(answered_at=timezone.now())
    application.status = Status.APPROVED if approve else Status.REJECTED
    application.decided_at = timezone.now()
    application.decided_by = by
    application.decision_reasons = reasons.strip()
    application.save()
    _audit(
        "accreditation.approved" if approve else "accreditation.rejected",
        actor=by,
        application=application,
        before=before,
        after={"status": application.status, "reasons_given": bool(reasons.strip())},
    )
    centre = application.centre
    if approve:
        today = body_today()
        start = today
        if application.renewal and centre.valid_until and centre.valid_until >= today:
            start = centre.valid_until + datetime.timedelta(days=1)
        years = int(application.rules.content["kinds"][application.kind]["validity_years"])
        institutions.recognition_grant(
            centre=centre,
            kind=application.kind,
            valid_from=start,
            valid_until=add_years(start, years) - datetime.timedelta(days=1),
            by=by,
        )
    elif centre.status == TrainingCentre.Status.IN_REVIEW:
        centre.status = TrainingCentre.Status.REGISTERED
        centre.save(update_fields=["status"])
    _email_admins(
        centre,
        "decided",
        {
            "application": application,
            "approved": approve,
            "url": _absolute(reverse("credentials:accreditation_detail", args=[application.pk])),
        },
    )
    return application


# --- Renewal reminders ---------------------------------------------------------------------------


def renewal_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind a recognised centre's administrators before its period ends, at the days the
    rules give; each reminder once (unique row), so running it twice sends nothing twice."""
    today = today or body_today()
    rules = AccreditationRules.current(today)
    if rules is None:
        return 0
    days_list = sorted(int(d) for d in rules.content["renewal"]["reminder_days"])
    horizon = today + datetime.timedelta(days=max(days_list))
    sent = 0
    centres = TrainingCentre.objects.filter(
        status=TrainingCentre.Status.RECOGNISED, valid_until__gte=today, valid_until__lte=horizon
    )
    for centre in centres:
        if centre.accreditation_applications.open().exists():
            continue
        left = (centre.valid_until - today).days
        due = [d for d in days_list if left <= d]
        if not due:
            continue
        days_before = min(due)
        with transaction.atomic():
            _reminder, created = CentreReminder.objects.get_or_create(
                centre=centre, valid_until=centre.valid_until, days_before=days_before
            )
            if not created:
                continue
            _email_admins(
                centre,
                "renewal_reminder",
                {
                    "centre": centre,
                    "url": _absolute(reverse("credentials:accreditation_apply", args=[centre.pk])),
                },
            )
            sent += 1
    return sent
