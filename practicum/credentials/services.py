"""Credentialing rules: applications, payment, review, decisions, issued credentials, renewal.

Views validate input with forms and call these functions; each is atomic, raises
ValidationError with a message a person can act on, writes an audit row for what it changed,
and queues the emails it owes (sent by the worker once the transaction has committed).
"""

import datetime
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from practicum.accounts.models import Role, User
from practicum.credentials import eligibility, payments
from practicum.credentials.eligibility import Cycle, Evaluation
from practicum.credentials.evidence import gather, mentor_zone
from practicum.credentials.models import (
    Application,
    ApplicationDocument,
    ApplicationNote,
    AuditEvent,
    CitedRecord,
    Credential,
    InfoRequest,
    Invoice,
    Payment,
    ReferenceContact,
    RenewalReminder,
    RuleSet,
    Sequence,
    add_years,
    body_today,
)
from practicum.credentials.rules import Rules
from practicum.lib.emails import enqueue_email
from practicum.practice.models import (
    CpdEntry,
    MentoringEngagement,
    Reference,
    SupervisionRelationship,
    SupervisionSession,
    TrainingRecord,
)

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


# --- Rule sets and a mentor's standing -------------------------------------------------------


def rule_sets_in_force(today: datetime.date | None = None) -> list[RuleSet]:
    return list(RuleSet.objects.in_force(today))


def held_credential(
    mentor: User, code: str, today: datetime.date | None = None
) -> Credential | None:
    """The credential of type `code` the mentor holds today (the one valid now)."""
    today = today or body_today()
    return (
        Credential.objects.valid_on(today)
        .filter(holder=mentor, credential_type__code=code)
        .order_by("-expires_on")
        .first()
    )


@dataclass
class YearProgress:
    year: int
    start: datetime.date
    last_day: datetime.date
    confirmed: int
    pending: int
    need: int
    current: bool

    @property
    def missing(self) -> int:
        return max(self.need - self.confirmed, 0)


@dataclass
class TypeOverview:
    """Where a mentor stands with one credential type."""

    rule_set: RuleSet
    evaluation: Evaluation
    held: Credential | None = None
    renewal: Evaluation | None = None
    years: list[YearProgress] = field(default_factory=list)
    application: Application | None = None
    renewal_opens_on: datetime.date | None = None
    today: datetime.date | None = None

    @property
    def rules(self) -> Rules:
        return self.rule_set.rules

    @property
    def renewal_open(self) -> bool:
        return bool(self.held and self.today and self.renewal_opens_on <= self.today)

    @property
    def can_apply(self) -> bool:
        return self.held is None and self.evaluation.eligible and not self._open_application

    @property
    def can_renew(self) -> bool:
        return self.renewal_open and not self._open_application and not self._renewed

    @property
    def _open_application(self) -> bool:
        return self.application is not None and self.application.is_open

    @property
    def _renewed(self) -> bool:
        return bool(self.held and hasattr(self.held, "renewed_by"))


def cycle_of(credential: Credential) -> Cycle:
    return Cycle(credential.valid_from, credential.expires_on)


def year_progress(evaluation: Evaluation | None, today: datetime.date) -> list[YearProgress]:
    result = evaluation.result("sessions_per_cycle_year") if evaluation else None
    if result is None:
        return []
    need = result.facts["need"]
    years = []
    for y in result.facts["years"]:
        start = datetime.date.fromisoformat(y["start"])
        last = datetime.date.fromisoformat(y["last_day"])
        years.append(
            YearProgress(
                year=y["year"],
                start=start,
                last_day=last,
                confirmed=y["confirmed"],
                pending=y["pending"],
                need=need,
                current=start <= today <= last,
            )
        )
    return years


def mentor_overview(mentor: User, today: datetime.date | None = None) -> list[TypeOverview]:
    """Every credential type in force, judged on the mentor's records, in a fixed number of
    queries: the rule sets, the records (gather), the credentials held and the applications."""
    today = today or body_today()
    rule_sets = rule_sets_in_force(today)
    if not rule_sets:
        return []
    records = gather(mentor)
    held = {}
    for credential in (
        Credential.objects.valid_on(today)
        .filter(holder=mentor)
        .select_related("credential_type", "renewed_by")
        .order_by("expires_on")
    ):
        held[credential.credential_type_id] = credential
    applications = {}
    for application in (
        Application.objects.filter(applicant=mentor)
        .exclude(status__in=[Status.APPROVED, Status.REJECTED])
        .order_by("created_at")
    ):
        current = applications.get(application.credential_type_id)
        if current is None or not current.is_open:
            applications[application.credential_type_id] = application
    overview = []
    for rule_set in rule_sets:
        rules = rule_set.rules
        credential = held.get(rule_set.credential_type_id)
        item = TypeOverview(
            rule_set=rule_set,
            evaluation=eligibility.evaluate(rules.requirements, records, today=today),
            held=credential,
            application=applications.get(rule_set.credential_type_id),
            today=today,
        )
        if credential is not None:
            item.renewal = eligibility.evaluate(
                rules.renewal.requirements, records, today=today, cycle=cycle_of(credential)
            )
            item.years = year_progress(item.renewal, today)
            item.renewal_opens_on = credential.expires_on - datetime.timedelta(
                days=rules.renewal.opens_days_before_expiry
            )
        overview.append(item)
    return overview


# --- The application wizard ------------------------------------------------------------------

INITIAL_STEPS = ("eligibility", "training", "engagements", "supervisor", "declaration", "review")
RENEWAL_STEPS = ("eligibility", "records", "supervisor", "declaration", "review")


def application_steps(application: Application) -> tuple[str, ...]:
    return RENEWAL_STEPS if application.kind == Application.Kind.RENEWAL else INITIAL_STEPS


def _requirements(application: Application) -> tuple:
    rules = application.rule_set.rules
    if application.kind == Application.Kind.RENEWAL:
        return rules.renewal.requirements
    return rules.requirements


def _cycle(application: Application) -> Cycle | None:
    return cycle_of(application.renews) if application.renews_id else None


def _selection(application: Application) -> dict:
    draft = application.draft
    selection = {"relationship": draft.get("relationship")}
    if application.kind == Application.Kind.INITIAL:
        selection.update(
            training=draft.get("training", []),
            engagements=draft.get("engagements", []),
            references=draft.get("references", []),
        )
    return selection


def application_evaluate(
    application: Application, *, today: datetime.date | None = None, chosen_only: bool = True
) -> Evaluation:
    """The application's requirements judged on the records it chose (or on all of them)."""
    today = today or body_today()
    cycle = _cycle(application)
    records = gather(
        application.applicant,
        selection=_selection(application) if chosen_only else None,
        sessions_since=cycle.start if cycle else None,
        include_sessions=cycle is not None,
    )
    return eligibility.evaluate(_requirements(application), records, today=today, cycle=cycle)


def _default_draft(applicant: User, requirements, cycle: Cycle | None) -> dict:
    records = gather(applicant, include_sessions=False)
    evaluation = eligibility.evaluate(requirements, records, today=body_today(), cycle=cycle)
    ids = evaluation.counted_ids()
    relationship = next((s for s in records.supervisors if s.active), None)
    address = ""
    if relationship is not None:
        address = (
            SupervisionRelationship.objects.filter(pk=relationship.id)
            .values_list("external_address", flat=True)
            .first()
            or ""
        )
    return {
        "training": [t.id for t in records.training],
        "engagements": ids.get("engagement", []),
        "references": ids.get("reference", []),
        "relationship": relationship.id if relationship else None,
        "supervisor_address": address,
        "declaration": False,
    }


@transaction.atomic
def application_start(
    *, applicant: User, code: str, renews: Credential | None = None
) -> Application:
    """Open (or reopen) the applicant's draft for a credential type: a first application, or
    the renewal of `renews`. One draft per type and kind; drafts are saved as the wizard goes."""
    rule_set = RuleSet.objects.current(code)
    if rule_set is None:
        raise ValidationError(_("This credential is not open for applications."))
    kind = Application.Kind.RENEWAL if renews else Application.Kind.INITIAL
    today = body_today()
    if renews is not None:
        if (
            renews.holder_id != applicant.pk
            or renews.credential_type_id != rule_set.credential_type_id
        ):
            raise ValidationError(_("You can renew only a credential you hold."))
        if not renews.is_valid_on(today):
            raise ValidationError(
                _("This credential is no longer active: apply for it again instead.")
            )
        opens = renews.expires_on - datetime.timedelta(
            days=rule_set.rules.renewal.opens_days_before_expiry
        )
        if today < opens:
            raise ValidationError(
                _("Renewal opens on %(day)s.") % {"day": opens.strftime("%Y-%m-%d")}
            )
        if Credential.objects.filter(renewal_of=renews).exists():
            raise ValidationError(_("This credential has already been renewed."))
    elif held_credential(applicant, code, today) is not None:
        raise ValidationError(
            _("You already hold this credential: renew it when its renewal opens.")
        )
    existing = (
        Application.objects.select_for_update()
        .filter(
            applicant=applicant,
            credential_type=rule_set.credential_type,
            kind=kind,
            status__in=[Status.DRAFT, *Application.OPEN],
        )
        .first()
    )
    if existing is not None:
        if existing.status != Status.DRAFT:
            raise ValidationError(
                _("Your application %(ref)s for this credential is already under way.")
                % {"ref": existing.reference}
            )
        return existing
    requirements = rule_set.rules.renewal.requirements if renews else rule_set.rules.requirements
    try:
        with transaction.atomic():
            return Application.objects.create(
                applicant=applicant,
                credential_type=rule_set.credential_type,
                rule_set=rule_set,
                kind=kind,
                renews=renews,
                draft=_default_draft(applicant, requirements, cycle_of(renews) if renews else None),
            )
    except IntegrityError:  # a second tab opened the same draft at the same moment
        return Application.objects.get(
            applicant=applicant,
            credential_type=rule_set.credential_type,
            kind=kind,
            status=Status.DRAFT,
        )


@transaction.atomic
def application_save_step(*, application: Application, step: str, data: dict) -> Application:
    """Save one step's answers into the draft (the form has checked they are the mentor's)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Status.DRAFT:
        raise ValidationError(_("This application has been submitted: it can no longer change."))
    if step not in application_steps(application):
        raise ValidationError(_("Unknown step."))
    allowed = {
        "training": {"training"},
        "engagements": {"engagements", "references"},
        "supervisor": {"relationship", "supervisor_address"},
        "declaration": {"declaration"},
    }.get(step, set())
    draft = dict(application.draft)
    for key in allowed & set(data):
        draft[key] = data[key]
    visited = set(draft.get("visited", []))
    visited.add(step)
    draft["visited"] = sorted(visited)
    application.draft = draft
    application.save(update_fields=["draft", "updated_at"])
    return application


@transaction.atomic
def application_discard(*, application: Application) -> None:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be discarded."))
    application.delete()


def _snapshot(application: Application, evaluation: Evaluation, rules: Rules) -> dict:
    """The evidence counted, with every field the body's page asks for, frozen."""
    applicant = application.applicant
    ids = evaluation.counted_ids()
    draft = application.draft
    doc: dict = {
        "credential": {
            "code": rules.code,
            "name": rules.name,
            "version": rules.version,
            "kind": application.kind,
        },
        "applicant": {
            "name": applicant.get_full_name(),
            "email": applicant.email,
            "membership_number": applicant.membership_number,
        },
    }
    if application.kind == Application.Kind.INITIAL:
        doc["training"] = [
            {
                "id": t.pk,
                "centre_name": t.centre_name,
                "centre_type": t.centre_type,
                "programme_name": t.programme_name,
                "hours": str(t.hours),
                "mode": t.mode,
                "started_on": t.started_on.isoformat(),
                "ended_on": t.ended_on.isoformat(),
                "instructor_name": t.instructor_name,
                "instructor_email": t.instructor_email,
                "evidence_type": t.evidence_type if t.evidence else "",
            }
            for t in TrainingRecord.objects.filter(
                mentor=applicant, pk__in=ids.get("training", [])
            ).order_by("started_on", "pk")
        ]
        chosen_refs = set(ids.get("reference", []))
        engagements = MentoringEngagement.objects.filter(
            mentor=applicant, pk__in=ids.get("engagement", [])
        ).order_by("started_on", "pk")
        references: dict[int, list] = {}
        for ref in Reference.objects.filter(pk__in=chosen_refs, engagement__mentor=applicant):
            references.setdefault(ref.engagement_id, []).append(
                {
                    "id": ref.pk,
                    "referee_name": ref.referee_name,
                    "referee_email": ref.referee_email,
                    "relation": ref.relation,
                    "status": ref.status,
                    "responded_at": ref.responded_at.isoformat() if ref.responded_at else None,
                    "corrected_started_on": (
                        ref.corrected_started_on.isoformat() if ref.corrected_started_on else None
                    ),
                    "corrected_ended_on": (
                        ref.corrected_ended_on.isoformat() if ref.corrected_ended_on else None
                    ),
                    "comment": ref.referee_comment,
                }
            )
        doc["engagements"] = [
            {
                "id": e.pk,
                "mentee_name": e.mentee_name,
                "mentee_email": e.mentee_email,
                "organisation": e.organisation,
                "kind": e.kind,
                "started_on": e.started_on.isoformat(),
                "ended_on": e.ended_on.isoformat() if e.ended_on else None,
                "status": e.status,
                "hours": str(e.hours) if e.hours is not None else None,
                "confidentiality_agreement": e.confidentiality_agreement,
                "references": references.get(e.pk, []),
            }
            for e in engagements
        ]
    else:
        credential = application.renews
        doc["renews"] = {
            "number": credential.number,
            "valid_from": credential.valid_from.isoformat(),
            "expires_on": credential.expires_on.isoformat(),
        }
        zone = mentor_zone(applicant)
        doc["sessions"] = [
            {
                "id": s.pk,
                "day": timezone.localtime(s.starts_at, zone).date().isoformat(),
                "duration_minutes": s.duration_minutes,
                "format": s.format,
                "supervisor": s.supervisor_name,
                "status": s.status,
                "signed_off_by": s.signed_off_by_name,
            }
            for s in SupervisionSession.objects.filter(
                mentor=applicant, pk__in=ids.get("session", [])
            )
            .select_related("relationship__supervisor", "facilitator")
            .order_by("starts_at")
        ]
        doc["cpd"] = [
            {
                "id": c.pk,
                "title": c.title,
                "category": c.category,
                "occurred_on": c.occurred_on.isoformat(),
                "hours": str(c.hours),
            }
            for c in CpdEntry.objects.filter(mentor=applicant, pk__in=ids.get("cpd", [])).order_by(
                "occurred_on"
            )
        ]
    relationship = (
        SupervisionRelationship.objects.select_related("supervisor")
        .filter(mentor=applicant, pk=draft.get("relationship") or 0)
        .first()
    )
    if relationship is not None:
        doc["supervisor"] = {
            "id": relationship.pk,
            "name": relationship.supervisor_name,
            "email": relationship.supervisor_email,
            "address": draft.get("supervisor_address", "").strip(),
            "focus_area": relationship.focus_area,
            "on_platform": not relationship.is_external,
            "started_on": relationship.started_on.isoformat(),
        }
    doc["declaration"] = {"text": rules.declaration}
    return json.loads(_json(doc))


CITED_KINDS = {
    "training": "training",
    "engagement": "engagement",
    "relationship": "relationship",
    "session": "session",
    "cpd": "cpd",
}


def _cite(application: Application, evaluation: Evaluation) -> None:
    ids = evaluation.counted_ids()
    engagements = set(ids.get("engagement", []))
    for counted in (r for result in evaluation.results for r in result.counted):
        if counted.kind == "reference":
            engagements.add(counted.facts["engagement_id"])
    rows = {("engagement", pk) for pk in engagements}
    for kind, values in ids.items():
        if kind in CITED_KINDS and kind != "engagement":
            rows.update((CITED_KINDS[kind], pk) for pk in values)
    CitedRecord.objects.bulk_create(
        CitedRecord(application=application, kind=kind, record_id=pk) for kind, pk in sorted(rows)
    )


def _copy_training_evidence(application: Application, training_ids: Iterable[int]) -> None:
    """The certificate as submitted: a later replacement in the records does not change it."""
    for record in TrainingRecord.objects.filter(pk__in=list(training_ids)).exclude(evidence=""):
        try:
            with record.evidence.open("rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            continue
        document = ApplicationDocument(
            application=application,
            purpose=ApplicationDocument.Purpose.TRAINING_EVIDENCE,
            source_record_id=record.pk,
            file_type=record.evidence_type,
        )
        document.file.save("evidence", ContentFile(content), save=False)
        document.save()


def _audit_draw() -> int:
    return secrets.randbelow(100)


@transaction.atomic
def application_submit(
    *, application: Application, draw: Callable[[], int] = _audit_draw
) -> Application:
    """Freeze the evidence, fix the fee, issue the invoice. Refused, with what is missing, when
    the chosen records do not meet the rules in force today."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant", "renews", "credential_type")
        .get(pk=application.pk)
    )
    if application.status != Status.DRAFT:
        raise ValidationError(_("This application has already been submitted."))
    applicant = application.applicant
    today = body_today()
    rule_set = RuleSet.objects.current(application.credential_type.code, today)
    if rule_set is None:
        raise ValidationError(_("This credential is not open for applications."))
    application.rule_set = rule_set
    rules = rule_set.rules
    renewal = application.kind == Application.Kind.RENEWAL
    draft = application.draft
    problems = []
    if not draft.get("declaration"):
        problems.append(_("Make the declaration of continuous learning and development."))
    if not draft.get("relationship"):
        problems.append(_("Choose your declared supervisor."))
    elif not str(draft.get("supervisor_address", "")).strip():
        problems.append(_("Give your supervisor's postal address."))
    if renewal:
        if not application.renews.is_valid_on(today):
            problems.append(_("The credential to renew is no longer active."))
    elif held_credential(applicant, rules.code, today) is not None:
        problems.append(_("You already hold this credential: renew it instead."))
    evaluation = application_evaluate(application, today=today)
    problems += evaluation.missing
    if problems:
        raise ValidationError(problems)

    member = applicant.is_paid_member_on(today)
    fees = rules.renewal.fees if renewal else rules.fees
    if renewal:
        source, review_days = "", rules.renewal.review_weeks * 7
    else:
        counted = set(evaluation.counted_ids().get("training", []))
        records = gather(applicant, selection={"training": list(counted)}, include_sessions=False)
        source = eligibility.training_source(records) or "non_accredited"
        review_days = rules.review_days_for(source)
    number = next_number(f"application:{rules.code}:{today.year}")
    application.reference = f"{rules.code}-{today.year}-{number:04d}"
    application.snapshot = _json(_snapshot(application, evaluation, rules))
    application.eligibility = evaluation.to_json()
    application.member_at_submission = member
    application.fee_amount = fees.for_membership(member=member)
    application.fee_currency = fees.currency
    application.training_source = source
    application.review_days = review_days
    application.status = Status.AWAITING_PAYMENT
    application.submitted_at = application.declared_at = timezone.now()
    if renewal:
        application.audit_selected = draw() < rules.renewal.audit_percent
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("You already have an application for this credential under way.")
        ) from exc
    _cite(application, evaluation)
    if not renewal:
        _copy_training_evidence(application, evaluation.counted_ids().get("training", []))
    _audit(
        Event.SUBMITTED,
        actor=applicant,
        application=application,
        old={"status": Status.DRAFT},
        new={
            "status": application.status,
            "reference": application.reference,
            "rules": f"{rules.code} {rules.version}",
            "fee": f"{application.fee_amount} {application.fee_currency}",
            "member": member,
            "training_source": source,
        },
    )
    if renewal:
        _audit(
            Event.AUDIT_DRAWN,
            actor=None,
            application=application,
            new={"selected": application.audit_selected, "share": rules.renewal.audit_percent},
        )
    invoice = invoice_open(application=application)
    _email(
        "submitted",
        to=applicant,
        context={
            "application": application,
            "invoice": invoice,
            "url": absolute(reverse("credentials:application_detail", args=[application.pk])),
        },
    )
    return application


# --- Payment ---------------------------------------------------------------------------------


def invoice_open(*, application: Application, provider: str = payments.DEFAULT_PROVIDER) -> Invoice:
    chosen = payments.provider_for(provider)
    today = body_today()
    number = f"INV-{today.year}-{next_number(f'invoice:{today.year}'):05d}"
    invoice = Invoice.objects.create(
        application=application,
        number=number,
        provider=chosen.code,
        amount=application.fee_amount,
        currency=application.fee_currency,
        instructions=chosen.instructions(
            invoice_number=number, amount=application.fee_amount, currency=application.fee_currency
        ),
        issued_at=timezone.now(),
        due_on=today + datetime.timedelta(days=chosen.payment_days()),
    )
    _audit(
        Event.INVOICED,
        actor=None,
        application=application,
        new={"invoice": number, "amount": str(invoice.amount), "currency": invoice.currency},
    )
    return invoice


@transaction.atomic
def payment_record(
    *, invoice: Invoice, by: User | None, confirmation: payments.Confirmation
) -> Payment:
    """Record a payment; the review clock starts. A confirmation repeated with the same
    idempotency key returns the payment already recorded and changes nothing."""
    existing = Payment.objects.filter(idempotency_key=confirmation.idempotency_key).first()
    if existing is not None:
        if existing.invoice_id != invoice.pk:
            raise ValidationError(_("This confirmation belongs to another invoice."))
        return existing
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("application")
        .get(pk=invoice.pk)
    )
    existing = Payment.objects.filter(idempotency_key=confirmation.idempotency_key).first()
    if existing is not None:  # recorded while we waited for the lock
        return existing
    if invoice.status == Invoice.Status.PAID:
        raise ValidationError(_("This invoice has already been paid."))
    payments.provider_for(invoice.provider).check(invoice=invoice, confirmation=confirmation)
    application = Application.objects.select_for_update().get(pk=invoice.application_id)
    if application.status != Status.AWAITING_PAYMENT:
        raise ValidationError(_("This application is not awaiting payment."))
    today = body_today()
    payment = Payment.objects.create(
        invoice=invoice,
        idempotency_key=confirmation.idempotency_key,
        receipt_number=f"RCT-{today.year}-{next_number(f'receipt:{today.year}'):05d}",
        provider=invoice.provider,
        provider_reference=confirmation.provider_reference.strip(),
        amount=confirmation.amount,
        currency=invoice.currency,
        received_on=confirmation.received_on,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    invoice.status = Invoice.Status.PAID
    invoice.save(update_fields=["status"])
    application.status = Status.IN_REVIEW
    application.clock_started_at = timezone.now()
    application.target_date = today + datetime.timedelta(days=application.review_days or 0)
    application.save()
    _audit(
        Event.PAID,
        actor=by,
        application=application,
        old={"status": Status.AWAITING_PAYMENT, "invoice": Invoice.Status.OPEN},
        new={
            "status": application.status,
            "invoice": Invoice.Status.PAID,
            "receipt": payment.receipt_number,
            "amount": f"{payment.amount} {payment.currency}",
            "received_on": payment.received_on,
            "target_date": application.target_date,
        },
    )
    _email(
        "paid",
        to=application.applicant,
        context={
            "application": application,
            "payment": payment,
            "url": absolute(reverse("credentials:application_detail", args=[application.pk])),
        },
    )
    if application.kind == Application.Kind.RENEWAL:
        if application.audit_selected:
            _info_request_create(
                application=application,
                by=None,
                message=_(
                    "Your renewal was selected at random for audit. Please upload evidence of "
                    "your supervision sessions (for example your supervisor's confirmations or "
                    "your supervision log) and of your CPD hours during the cycle, then send "
                    "your answer."
                ),
                for_audit=True,
            )
        else:
            _decide(
                application=application,
                by=None,
                approve=True,
                reasons=_("Approved on the declaration (not selected for audit)."),
            )
    return payment


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
        raise ValidationError(_("This application has already been decided."))
    if application.status not in Application.DECIDABLE:
        raise ValidationError(_("This application is not in review yet (awaiting payment)."))
    _check_reviewer(by, application)
    if approve and application.status != Status.IN_REVIEW:
        raise ValidationError(
            _("The applicant has not answered your request yet: wait for the answer, or reject.")
        )
    if not approve and not reasons.strip():
        raise ValidationError(_("Write the reasons for not approving: the applicant reads them."))
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


# --- Issued credentials ----------------------------------------------------------------------


def credential_issue(*, application: Application, by: User | None) -> Credential:
    """Issue the credential an approved application earned. A renewal is a new cycle that
    starts on the old expiry date (renewing early loses no time, renewing late gains none)."""
    today = body_today()
    rules = application.rule_set.rules
    code = rules.code
    renews = application.renews
    valid_from = renews.expires_on if renews else today
    number = next_number(f"credential:{code}:{today.year}")
    credential = Credential.objects.create(
        number=f"IMC-{code}-{today.year}-{number:06d}",
        holder=application.applicant,
        credential_type=application.credential_type,
        rule_set=application.rule_set,
        application=application,
        renewal_of=renews,
        issued_on=today,
        valid_from=valid_from,
        expires_on=add_years(valid_from, rules.validity_years),
    )
    _audit(
        Event.ISSUED,
        actor=by,
        application=application,
        credential=credential,
        new={
            "number": credential.number,
            "valid_from": credential.valid_from,
            "expires_on": credential.expires_on,
            "renews": renews.number if renews else None,
        },
    )
    return credential


def _credential_status_change(
    *,
    credential: Credential,
    by: User | None,
    status: str,
    event: str,
    reason: str,
    until: datetime.date | None = None,
    keep_reason: bool = True,
) -> Credential:
    """Change the stored status; `reason` goes to the audit trail, and stays on the credential
    (shown on the verification page) unless `keep_reason` is off (a reinstatement)."""
    old = {
        "status": credential.status,
        "reason": credential.status_reason,
        "suspended_until": credential.suspended_until,
    }
    credential.status = status
    credential.status_reason = reason.strip() if keep_reason else ""
    credential.status_changed_on = body_today()
    credential.suspended_until = until
    credential.save()
    _audit(
        event,
        actor=by,
        credential=credential,
        application=credential.application,
        old=old,
        new={"status": status, "reason": reason.strip(), "suspended_until": until},
    )
    if event != Event.EXPIRED:
        _email(
            "credential_status",
            to=credential.holder,
            context={
                "credential": credential,
                "url": absolute(reverse("credentials:credential_detail", args=[credential.pk])),
            },
        )
    return credential


@transaction.atomic
def credential_suspend(
    *, credential: Credential, by: User, reason: str, until: datetime.date | None = None
) -> Credential:
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.status_on(body_today()) != Credential.Status.ACTIVE:
        raise ValidationError(_("Only an active credential can be suspended."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the suspension."))
    if until is not None and until <= body_today():
        raise ValidationError(_("The end of the suspension must be after today."))
    return _credential_status_change(
        credential=credential,
        by=by,
        status=Credential.Status.SUSPENDED,
        event=Event.SUSPENDED,
        reason=reason,
        until=until,
    )


@transaction.atomic
def credential_reinstate(*, credential: Credential, by: User, reason: str) -> Credential:
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.status != Credential.Status.SUSPENDED:
        raise ValidationError(_("Only a suspended credential can be reinstated."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for reinstating it."))
    status = (
        Credential.Status.EXPIRED
        if credential.expires_on <= body_today()
        else Credential.Status.ACTIVE
    )
    return _credential_status_change(
        credential=credential,
        by=by,
        status=status,
        event=Event.REINSTATED,
        reason=reason,
        keep_reason=False,
    )


@transaction.atomic
def credential_revoke(*, credential: Credential, by: User, reason: str) -> Credential:
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.status == Credential.Status.REVOKED:
        raise ValidationError(_("This credential is already revoked."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the revocation."))
    return _credential_status_change(
        credential=credential,
        by=by,
        status=Credential.Status.REVOKED,
        event=Event.REVOKED,
        reason=reason,
    )


def credentials_expire(*, today: datetime.date | None = None) -> int:
    """The periodic upkeep of statuses: lift suspensions whose set period has ended, then mark
    active credentials past their expiry date as expired. Idempotent: a second run finds
    nothing left to change. Returns the number of credentials changed."""
    today = today or body_today()
    count = 0
    for pk in Credential.objects.suspension_ended(today).values_list("pk", flat=True):
        with transaction.atomic():
            credential = Credential.objects.select_for_update().get(pk=pk)
            if credential.status != Credential.Status.SUSPENDED or not (
                credential.suspended_until and credential.suspended_until <= today
            ):
                continue
            _credential_status_change(
                credential=credential,
                by=None,
                status=Credential.Status.ACTIVE,
                event=Event.REINSTATED,
                reason=_("The suspension's set period has ended."),
                keep_reason=False,
            )
            count += 1
    for pk in Credential.objects.due_to_expire(today).values_list("pk", flat=True):
        with transaction.atomic():
            credential = Credential.objects.select_for_update().get(pk=pk)
            if credential.status != Credential.Status.ACTIVE or credential.expires_on > today:
                continue
            credential.status = Credential.Status.EXPIRED
            credential.status_changed_on = today
            credential.save(update_fields=["status", "status_changed_on"])
            _audit(
                Event.EXPIRED,
                actor=None,
                credential=credential,
                old={"status": Credential.Status.ACTIVE},
                new={"status": Credential.Status.EXPIRED, "expires_on": credential.expires_on},
            )
            count += 1
    return count


# --- Renewal reminders -----------------------------------------------------------------------


def _reminder_due(
    credential: Credential, today: datetime.date, days: tuple[int, ...]
) -> int | None:
    """The threshold due today: the smallest one not yet passed (a credential issued with 25
    days left gets the 30-day reminder, not also the 90-day one)."""
    left = (credential.expires_on - today).days
    if left <= 0:
        return None
    due = [d for d in days if left <= d]
    return min(due) if due else None


def renewal_reminders_send(*, today: datetime.date | None = None) -> int:
    """Send the renewal reminders due (90, 30 and 7 days before expiry, as the rules say), each
    at most once per credential: the sent reminder is a row under a unique constraint."""
    today = today or body_today()
    sent = 0
    horizon = max(
        (max(rs.rules.renewal.reminder_days, default=0) for rs in RuleSet.objects.all()),
        default=0,
    )
    candidates = (
        Credential.objects.valid_on(today)
        .filter(expires_on__lte=today + datetime.timedelta(days=horizon), renewed_by__isnull=True)
        .select_related("holder", "credential_type", "rule_set")
    )
    for credential in candidates:
        rule_set = RuleSet.objects.current(credential.credential_type.code, today) or (
            credential.rule_set
        )
        rules = rule_set.rules
        threshold = _reminder_due(credential, today, rules.renewal.reminder_days)
        if threshold is None:
            continue
        if Application.objects.filter(renews=credential).exclude(status=Status.DRAFT).exists():
            continue  # already renewing
        if RenewalReminder.objects.filter(credential=credential, days_before=threshold).exists():
            continue
        records = gather(credential.holder, sessions_since=credential.valid_from)
        evaluation = eligibility.evaluate(
            rules.renewal.requirements, records, today=today, cycle=cycle_of(credential)
        )
        try:
            with transaction.atomic():
                RenewalReminder.objects.create(credential=credential, days_before=threshold)
                _audit(
                    Event.REMINDED,
                    actor=None,
                    credential=credential,
                    new={"days_before": threshold},
                )
                with translation.override(credential.holder.preferred_language):
                    missing = evaluation.missing
                _email(
                    "renewal_reminder",
                    to=credential.holder,
                    context={
                        "credential": credential,
                        "days": (credential.expires_on - today).days,
                        "missing": missing,
                        "url": absolute(
                            reverse("credentials:credential_detail", args=[credential.pk])
                        ),
                    },
                )
        except IntegrityError:
            continue  # another run sent it a moment ago
        sent += 1
    return sent
