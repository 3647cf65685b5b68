"""Intake, the private link, initial review (jurisdiction, conflicts), investigation."""

import datetime
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.accounts.models import Role, User
from practicum.audit.services import audit_record
from practicum.credentials.models import Credential, body_today
from practicum.ethics.loader import current_rules
from practicum.ethics.models import (
    Case,
    CaseMessage,
    CaseNote,
    ConflictDeclaration,
    PanelMember,
)
from practicum.ethics.services._common import (
    Party,
    Stage,
    _audit,
    _email_complainant,
    _email_professional,
    _lock,
    _next_reference,
    _require_stage,
    _set_stage,
    _store_evidence,
    absolute,
)
from practicum.frameworks.models import EthicsClause
from practicum.frameworks.services import current_code
from practicum.institutions.models import CentreMember
from practicum.practice.models import (
    SupervisionRelationship,
    token_digest,
)

# --- who is the professional, and may staff handle the case --------------------------------------


def professional_find(query: str) -> User | None:
    """A professional by membership number, credential number, or exact full name (only when
    exactly one person answers to it)."""
    query = (query or "").strip()
    if not query:
        return None
    by_number = User.objects.filter(membership_number__iexact=query).first()
    if by_number:
        return by_number
    credential = Credential.objects.filter(number__iexact=query).select_related("holder").first()
    if credential:
        return credential.holder
    named = list(User.objects.filter(full_name__iexact=query)[:2])
    return named[0] if len(named) == 1 else None


def staff_conflict(staff: User, case: Case) -> str | None:
    """Why `staff` may not handle `case`, else None: they are a party, the professional's
    supervisor (on the platform or by email, past or present), share a training centre with the
    professional (administrator or mentor of it), or declared a conflict."""
    if staff.pk in (case.professional_id, case.complainant_id):
        return _("You are a party to this case.")
    if case.professional_id:
        professional = case.professional
        supervises = SupervisionRelationship.objects.filter(
            Q(mentor=professional, supervisor=staff)
            | Q(mentor=professional, external_email__iexact=staff.email)
            | Q(mentor=staff, supervisor=professional)
        ).exists()
        if supervises:
            return _("You have a supervision relationship with the professional.")
        centres = CentreMember.objects.active().filter(user=staff).values("centre")
        if CentreMember.objects.active().filter(user=professional, centre__in=centres).exists():
            return _("You and the professional belong to the same training centre.")
    if ConflictDeclaration.objects.filter(case=case, staff=staff).exists():
        return _("You declared a conflict of interest in this case.")
    return None


def jurisdiction_check(case: Case, today: datetime.date | None = None) -> list[str]:
    """The reasons the body cannot hear this concern (empty when it can): the professional is
    known and was a member or credential holder when it happened, and it is within time."""
    today = today or body_today()
    problems = []
    professional = case.professional
    if professional is None:
        problems.append(_("The professional is not identified as one of our members."))
    else:
        day = case.happened_on
        member = professional.membership_status == User.Membership.MEMBER and (
            professional.membership_valid_until is None
            or professional.membership_valid_until >= day
        )
        holder = Credential.objects.filter(
            holder=professional, valid_from__lte=day, expires_on__gt=day
        ).exists()
        if not (member or holder):
            problems.append(
                _("The professional was neither a member nor a credential holder at the time.")
            )
    limit = int(case.rules.get("time_limit_days", default=1095))
    if (today - case.happened_on).days > limit:
        problems.append(
            _("The concern is out of time: it must be raised within %(n)s days.") % {"n": limit}
        )
    if case.happened_on > today:
        problems.append(_("The date of what happened is in the future."))
    return problems


def can_read(case: Case, user: User) -> bool:
    """Confidential content is for the staff assigned: the owner, the investigators, panels."""
    if not user.has_role(Role.ETHICS_STAFF):
        return False
    if case.owner_id == user.pk:
        return True
    if case.investigators.filter(pk=user.pk).exists():
        return True
    return PanelMember.objects.filter(panel__case=case, member=user).exists()


def _require_handler(case: Case, by: User) -> None:
    if not by.has_role(Role.ETHICS_STAFF):
        raise ValidationError(_("Only ethics staff can act on a case."))
    if case.owner_id != by.pk and not case.investigators.filter(pk=by.pk).exists():
        raise ValidationError(_("Only the case owner or an investigator can do this."))


# --- intake --------------------------------------------------------------------------------------


@transaction.atomic
def concern_submit(
    *,
    complainant_name: str,
    complainant_email: str,
    relation: str,
    professional_query: str,
    professional_description: str,
    what_happened: str,
    happened_on: datetime.date,
    clauses: Iterable[EthicsClause] = (),
    share_identity: bool,
    consent: bool,
    files: Iterable = (),
    complainant: User | None = None,
    language: str = "en",
) -> tuple[Case, str]:
    """Open a case from a concern; returns it and the complainant's private link token."""
    if not consent:
        raise ValidationError(_("Agree to the process to raise a concern."))
    if not what_happened.strip():
        raise ValidationError(_("Say what happened."))
    professional = professional_find(professional_query)
    if professional is None and not (professional_description.strip() or professional_query):
        raise ValidationError(_("Name the professional, or describe them if you do not know."))
    if complainant is not None and professional is not None and complainant.pk == professional.pk:
        raise ValidationError(_("You cannot raise a concern about yourself."))
    framework = current_code()
    token = secrets.token_urlsafe(32)
    description = professional_description.strip()
    if professional is None and professional_query.strip():
        description = f"{professional_query.strip()}\n{description}".strip()
    case = Case.objects.create(
        reference=_next_reference(),
        rules=current_rules(),
        framework=framework,
        complainant=complainant,
        complainant_name=complainant_name.strip(),
        complainant_email=complainant_email.strip().lower(),
        complainant_language=language,
        relation=relation,
        share_identity=share_identity,
        token_hash=token_digest(token),
        professional=professional,
        professional_description=description,
        what_happened=what_happened.strip(),
        happened_on=happened_on,
    )
    clauses = [c for c in clauses if c.framework_id == framework.pk]
    case.clauses.set(clauses)
    count = _store_evidence(case, files, Party.COMPLAINANT)
    _audit(
        case,
        "ethics.concern_received",
        complainant,
        clauses=[c.identifier for c in clauses],
        evidence=count,
        professional_identified=professional is not None,
    )
    _email_complainant(
        case, "concern_received", follow_url=absolute(reverse("ethics:follow", args=[token]))
    )
    return case, token


def case_for_token(token: str) -> Case | None:
    if not token or len(token) > 100:
        return None
    return Case.objects.filter(token_hash=token_digest(token)).first()


@transaction.atomic
def information_add(*, case: Case, party: str, text: str, files: Iterable = (), by=None) -> None:
    case = _lock(case)
    if not case.is_open:
        raise ValidationError(_("This case is closed: nothing more can be added."))
    if not text.strip():
        raise ValidationError(_("Write the information you are adding."))
    CaseMessage.objects.create(
        case=case, party=party, kind=CaseMessage.Kind.INFORMATION, text=text.strip(), author=by
    )
    count = _store_evidence(case, files, party)
    _audit(case, "ethics.information_added", by, party=party, evidence=count)


@transaction.atomic
def concern_withdraw(*, case: Case, by=None) -> Case:
    case = _lock(case)
    _require_stage(case, Stage.RECEIVED, Stage.INVESTIGATION)
    before = case.stage
    _set_stage(case, Stage.WITHDRAWN)
    case.save()
    _audit(case, "ethics.withdrawn", by, before_stage=before, stage=case.stage)
    if case.professional_id and before == Stage.INVESTIGATION:
        _email_professional(case, "case_closed")
    return case


# --- initial review ------------------------------------------------------------------------------


@transaction.atomic
def conflict_declare(*, case: Case, staff: User, reason: str) -> None:
    if not reason.strip():
        raise ValidationError(_("Say briefly why you have a conflict."))
    case = _lock(case)
    ConflictDeclaration.objects.get_or_create(
        case=case, staff=staff, defaults={"reason": reason.strip()}
    )
    changed = False
    if case.owner_id == staff.pk:
        case.owner = None
        changed = True
    if changed:
        case.save()
    case.investigators.remove(staff)
    _audit(case, "ethics.conflict_declared", staff)


@transaction.atomic
def case_assign(*, case: Case, owner: User, by: User) -> Case:
    """Give the case to an owner (the initial reviewer and case manager). Refused for staff
    with a conflict of interest."""
    case = _lock(case)
    if not owner.has_role(Role.ETHICS_STAFF):
        raise ValidationError(_("Only ethics staff can own a case."))
    conflict = staff_conflict(owner, case)
    if conflict:
        raise ValidationError(conflict)
    if not case.is_open:
        raise ValidationError(_("This case is closed."))
    old = case.owner_id
    case.owner = owner
    case.save()
    audit_record(
        actor=by,
        action="ethics.assigned",
        subject=case,
        person=case.professional,
        before={"owner": old},
        after={"owner": owner.pk},
    )
    return case


@transaction.atomic
def professional_identify(*, case: Case, by: User, query: str) -> Case:
    case = _lock(case)
    _require_handler(case, by)
    _require_stage(case, Stage.RECEIVED)
    professional = professional_find(query)
    if professional is None:
        raise ValidationError(_("Nobody matches that membership number, credential or name."))
    case.professional = professional
    case.save()
    if staff_conflict(by, case):
        raise ValidationError(staff_conflict(by, case))
    _audit(case, "ethics.assigned", by, professional=professional.pk)
    return case


@transaction.atomic
def case_dismiss(*, case: Case, by: User, reasons: str) -> Case:
    case = _lock(case)
    _require_handler(case, by)
    _require_stage(case, Stage.RECEIVED, Stage.INVESTIGATION)
    if not reasons.strip():
        raise ValidationError(_("Give the reasons for dismissing the concern."))
    before = case.stage
    _set_stage(case, Stage.DISMISSED)
    case.outcome_text = reasons.strip()
    case.save()
    _audit(case, "ethics.dismissed", by, before_stage=before, stage=case.stage)
    _email_complainant(case, "case_closed")
    if case.professional_id and before == Stage.INVESTIGATION:
        _email_professional(case, "case_closed")
    return case


@transaction.atomic
def case_resolve(*, case: Case, by: User, outcome: str) -> Case:
    case = _lock(case)
    _require_handler(case, by)
    _require_stage(case, Stage.RECEIVED, Stage.INVESTIGATION)
    if not outcome.strip():
        raise ValidationError(_("Record the outcome both parties agreed."))
    if case.professional_id is None:
        raise ValidationError(_("Identify the professional first."))
    before = case.stage
    _set_stage(case, Stage.RESOLVED)
    case.outcome_text = outcome.strip()
    case.save()
    _audit(case, "ethics.resolved", by, before_stage=before, stage=case.stage)
    _email_complainant(case, "case_closed")
    _email_professional(case, "case_closed")
    return case


@transaction.atomic
def investigation_open(*, case: Case, by: User, investigators: Iterable[User]) -> Case:
    """Open an investigation: within jurisdiction and time, investigators without a conflict;
    the professional is told the allegations and clauses, and the deadline to answer."""
    case = _lock(case)
    _require_stage(case, Stage.RECEIVED)
    if case.owner_id != by.pk:
        raise ValidationError(_("Only the case owner can open an investigation."))
    problems = jurisdiction_check(case)
    if problems:
        raise ValidationError(problems)
    investigators = list(investigators)
    if not investigators:
        raise ValidationError(_("Choose at least one investigator."))
    for person in investigators:
        if not person.has_role(Role.ETHICS_STAFF):
            raise ValidationError(_("Investigators are ethics staff."))
        conflict = staff_conflict(person, case)
        if conflict:
            raise ValidationError(
                _("%(name)s cannot investigate: %(why)s")
                % {"name": person.get_full_name(), "why": conflict}
            )
    case.investigators.set(investigators)
    case.jurisdiction_ok = True
    case.answer_due = body_today() + datetime.timedelta(
        days=int(case.rules.get("answer", "deadline_days", default=30))
    )
    _set_stage(case, Stage.INVESTIGATION)
    case.save()
    _audit(
        case,
        "ethics.investigation_opened",
        by,
        before_stage=Stage.RECEIVED,
        stage=case.stage,
        investigators=[p.pk for p in investigators],
        answer_due=case.answer_due.isoformat(),
    )
    _email_professional(case, "investigation_opened")
    _email_complainant(case, "stage_changed")
    return case


@transaction.atomic
def info_request(*, case: Case, by: User, party: str, text: str) -> CaseMessage:
    case = _lock(case)
    _require_handler(case, by)
    _require_stage(case, Stage.RECEIVED, Stage.INVESTIGATION, Stage.PANEL, Stage.APPEAL)
    if party not in Party.values:
        raise ValidationError(_("Choose who is asked."))
    if party == Party.PROFESSIONAL and (
        case.professional_id is None or case.stage == Stage.RECEIVED
    ):
        raise ValidationError(_("The professional is asked only once an investigation is open."))
    if not text.strip():
        raise ValidationError(_("Write the request."))
    message = CaseMessage.objects.create(
        case=case, party=party, kind=CaseMessage.Kind.REQUEST, text=text.strip(), author=by
    )
    _audit(case, "ethics.info_requested", by, party=party)
    if party == Party.PROFESSIONAL:
        _email_professional(case, "info_requested")
    else:
        _email_complainant(case, "info_requested")
    return message


@transaction.atomic
def answer_submit(*, case: Case, by: User, text: str, files: Iterable = ()) -> Case:
    case = _lock(case)
    if case.professional_id != by.pk:
        raise ValidationError(_("Only the professional concerned can answer."))
    _require_stage(case, Stage.INVESTIGATION)
    if not text.strip():
        raise ValidationError(_("Write your answer."))
    if case.answer_due and body_today() > case.answer_due:
        raise ValidationError(
            _("The deadline to answer has passed. Ask the case owner for an extension.")
        )
    CaseMessage.objects.create(
        case=case,
        party=Party.PROFESSIONAL,
        kind=CaseMessage.Kind.ANSWER,
        text=text.strip(),
        author=by,
    )
    count = _store_evidence(case, files, Party.PROFESSIONAL)
    case.answer = text.strip()
    case.answered_at = timezone.now()
    case.save()
    _audit(case, "ethics.answered", by, evidence=count)
    return case


@transaction.atomic
def answer_extend(*, case: Case, by: User, days: int) -> Case:
    case = _lock(case)
    _require_handler(case, by)
    _require_stage(case, Stage.INVESTIGATION)
    most = int(case.rules.get("answer", "max_extension_days", default=30))
    if not 1 <= days <= most:
        raise ValidationError(_("An extension is between 1 and %(n)s days.") % {"n": most})
    old = case.answer_due
    base = max(old or body_today(), body_today())
    case.answer_due = base + datetime.timedelta(days=days)
    case.save()
    audit_record(
        actor=by,
        action="ethics.extended",
        subject=case,
        person=case.professional,
        before={"answer_due": old.isoformat() if old else None},
        after={"answer_due": case.answer_due.isoformat()},
    )
    _email_professional(case, "deadline_extended")
    return case


@transaction.atomic
def note_add(*, case: Case, by: User, text: str) -> CaseNote:
    if not can_read(case, by):
        raise ValidationError(_("Only staff assigned to the case can add notes."))
    if not text.strip():
        raise ValidationError(_("Write the note."))
    note = CaseNote.objects.create(case=case, author=by, text=text.strip())
    _audit(case, "ethics.note_added", by)
    return note
