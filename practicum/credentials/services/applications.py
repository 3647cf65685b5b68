"""The application wizard: start, steps, discard, submit."""

import datetime
import secrets
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.accounts.models import User
from practicum.credentials import eligibility, hooks
from practicum.credentials.eligibility import Cycle, Evaluation
from practicum.credentials.evidence import gather
from practicum.credentials.models import Application, Credential, RuleSet, body_today
from practicum.credentials.services._common import (
    Event,
    Status,
    _audit,
    _email,
    _json,
    absolute,
    next_number,
)
from practicum.credentials.services.payment import invoice_open
from practicum.credentials.services.snapshot import _cite, _copy_training_evidence, _snapshot
from practicum.credentials.services.standing import (
    cycle_of,
    held_credential,
    superseding_credential,
)
from practicum.practice.models import SupervisionRelationship

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


def _superseded_message(applicant: User, rules, today: datetime.date) -> str:
    higher = superseding_credential(applicant, rules, today)
    return _(
        "You hold the %(higher)s, which supersedes the %(code)s: there is no need to apply for it."
    ) % {"higher": higher.credential_type.code, "code": rules.code}


@transaction.atomic
def application_start(
    *, applicant: User, code: str, renews: Credential | None = None
) -> Application:
    """Open (or reopen) the applicant's draft for a credential type: a first application, or
    the renewal of `renews`. One draft per type and kind; drafts are saved as the wizard goes."""
    rule_set = RuleSet.objects.current(code)
    if rule_set is None:
        raise ValidationError(_("This credential is not open for applications."))
    refusal = hooks.application_refusal(applicant)  # e.g. an ethics suspension in force
    if refusal:
        raise ValidationError(refusal)
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
    elif superseding_credential(applicant, rule_set.rules, today) is not None:
        raise ValidationError(_superseded_message(applicant, rule_set.rules, today))
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
    refusal = hooks.application_refusal(applicant)
    if refusal:
        raise ValidationError(refusal)
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
    elif superseding_credential(applicant, rules, today) is not None:
        problems.append(_superseded_message(applicant, rules, today))
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
