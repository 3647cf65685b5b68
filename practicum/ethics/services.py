"""The ethics process: intake, initial review, investigation, panel decision, sanctions that act
by themselves, appeal. Every rule that the Code leaves open comes from `ProcessRules` (data)."""

import datetime
import secrets
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from practicum.accounts import services as account_services
from practicum.accounts.models import Role, RoleGrant, User
from practicum.audit.services import audit_record, register_actions
from practicum.credentials import services as credential_services
from practicum.credentials.models import AuditEvent, Credential, body_today
from practicum.ethics.loader import current_rules
from practicum.ethics.models import (
    Appeal,
    Case,
    CaseEvidence,
    CaseMessage,
    CaseNote,
    ConflictDeclaration,
    Decision,
    Finding,
    MonitoringReport,
    Panel,
    PanelMember,
    ReminderSent,
    SanctionEffect,
)
from practicum.frameworks.models import EthicsClause, Sanction
from practicum.frameworks.services import current_code
from practicum.lib.emails import enqueue_email
from practicum.lib.uploads import validate_evidence
from practicum.practice.models import (
    CpdEntry,
    SupervisionRelationship,
    TrainingRecord,
    token_digest,
)
from practicum.supervision import services as supervision_services
from practicum.supervision.models import Booking

Stage = Case.Stage
Party = CaseMessage.Party
Vote = PanelMember.Vote
Effect = SanctionEffect.Kind

register_actions(
    {
        "ethics.concern_received": gettext_lazy("Concern received"),
        "ethics.information_added": gettext_lazy("Information added"),
        "ethics.withdrawn": gettext_lazy("Concern withdrawn"),
        "ethics.assigned": gettext_lazy("Case assigned"),
        "ethics.conflict_declared": gettext_lazy("Conflict of interest declared"),
        "ethics.dismissed": gettext_lazy("Concern dismissed"),
        "ethics.resolved": gettext_lazy("Resolved informally"),
        "ethics.investigation_opened": gettext_lazy("Investigation opened"),
        "ethics.info_requested": gettext_lazy("Information requested"),
        "ethics.answered": gettext_lazy("Professional answered"),
        "ethics.extended": gettext_lazy("Answer deadline extended"),
        "ethics.note_added": gettext_lazy("Staff note added"),
        "ethics.panel_formed": gettext_lazy("Panel formed"),
        "ethics.finding": gettext_lazy("Finding recorded"),
        "ethics.vote": gettext_lazy("Vote recorded"),
        "ethics.decided": gettext_lazy("Decision made"),
        "ethics.appeal_filed": gettext_lazy("Appeal filed"),
        "ethics.appeal_decided": gettext_lazy("Appeal decided"),
        "ethics.sanction_started": gettext_lazy("Sanction in force"),
        "ethics.sanction_ended": gettext_lazy("Sanction ended"),
        "ethics.sanction_reversed": gettext_lazy("Sanction reversed"),
        "ethics.training_met": gettext_lazy("Training requirement met"),
        "ethics.training_overdue": gettext_lazy("Training requirement overdue"),
        "ethics.monitoring_report": gettext_lazy("Monitoring report submitted"),
        "ethics.reminder_sent": gettext_lazy("Answer reminder sent"),
    }
)


# --- helpers -------------------------------------------------------------------------------------


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(template: str, *, to: str, language: str, context: dict) -> None:
    """Render ethics/email/<template> in the recipient's language and queue it. Emails say what
    happened and link back; they never carry the concern's text."""
    with translation.override(language or "en"):
        subject = " ".join(
            render_to_string(f"ethics/email/{template}_subject.txt", context).split()
        )
        text = render_to_string(f"ethics/email/{template}.txt", context)
    enqueue_email(to=[to], subject=subject, text=text)


def _email_complainant(case: Case, template: str, **context) -> None:
    url = absolute(reverse("ethics:my_concern", args=[case.pk])) if case.complainant_id else ""
    _send(
        template,
        to=case.complainant_email,
        language=case.complainant_language,
        context={"case": case, "party": Party.COMPLAINANT, "url": url, **context},
    )


def _email_professional(case: Case, template: str, **context) -> None:
    user = case.professional
    _send(
        template,
        to=user.email,
        language=user.preferred_language,
        context={
            "case": case,
            "party": Party.PROFESSIONAL,
            "url": absolute(reverse("ethics:my_case", args=[case.pk])),
            **context,
        },
    )


def _audit(case: Case, action: str, by: User | None, **after) -> None:
    audit_record(
        actor=by,
        action=action,
        subject=case,
        person=case.professional,
        before={"stage": after.pop("before_stage", "")} if "before_stage" in after else {},
        after=after,
    )


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _set_stage(case: Case, stage: str) -> None:
    case.stage = stage
    case.stage_since = timezone.now()


def _require_stage(case: Case, *stages: str) -> None:
    if case.stage not in stages:
        raise ValidationError(
            _("This case is at the stage “%(stage)s”: that step is not open now.")
            % {"stage": case.get_stage_display()}
        )


def _next_reference() -> str:
    year = timezone.now().year
    return f"EC-{year}-{credential_services.next_number(f'ethics-case:{year}'):05d}"


def _store_evidence(case: Case, files: Iterable, party: str) -> int:
    rules = case.rules
    files = list(files)
    if len(files) > int(rules.get("intake", "evidence_max_files", default=5)):
        raise ValidationError(
            _("Attach at most %(n)s files.")
            % {"n": rules.get("intake", "evidence_max_files", default=5)}
        )
    max_bytes = int(rules.get("intake", "evidence_max_bytes", default=10 * 1024 * 1024))
    for upload in files:
        kind = validate_evidence(upload, max_bytes=max_bytes)
        upload.seek(0)
        item = CaseEvidence(case=case, kind=kind, from_party=party)
        item.file.save("evidence", ContentFile(upload.read()), save=True)
    return len(files)


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
    supervisor (on the platform or by email, past or present), or declared a conflict."""
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


# --- panels, findings, votes, decisions ----------------------------------------------------------


def _check_members(case: Case, members: list[User], *, exclude: set[int]) -> None:
    minimum = int(case.rules.get("panel", "minimum_size", default=3))
    if len({m.pk for m in members}) < minimum:
        raise ValidationError(_("A panel has at least %(n)s members.") % {"n": minimum})
    investigators = set(case.investigators.values_list("pk", flat=True))
    for person in members:
        if not person.has_role(Role.ETHICS_STAFF):
            raise ValidationError(_("Panel members are ethics staff."))
        if person.pk in investigators:
            raise ValidationError(
                _("%(name)s investigated this case and cannot sit on its panel.")
                % {"name": person.get_full_name()}
            )
        if person.pk in exclude:
            raise ValidationError(
                _("%(name)s sat on the first panel and cannot hear the appeal.")
                % {"name": person.get_full_name()}
            )
        conflict = staff_conflict(person, case)
        if conflict:
            raise ValidationError(
                _("%(name)s cannot sit on the panel: %(why)s")
                % {"name": person.get_full_name(), "why": conflict}
            )


@transaction.atomic
def panel_form(*, case: Case, by: User, members: Iterable[User]) -> Panel:
    """The decision panel (after the investigation) or the appeal panel (after an appeal)."""
    case = _lock(case)
    if case.owner_id != by.pk:
        raise ValidationError(_("Only the case owner can form a panel."))
    _require_stage(case, Stage.INVESTIGATION, Stage.APPEAL)
    members = list({m.pk: m for m in members}.values())
    if case.stage == Stage.INVESTIGATION:
        kind, exclude = Panel.Kind.DECISION, set()
    else:
        kind = Panel.Kind.APPEAL
        exclude = set(
            PanelMember.objects.filter(
                panel__case=case, panel__kind=Panel.Kind.DECISION
            ).values_list("member_id", flat=True)
        )
    if Panel.objects.filter(case=case, kind=kind).exists():
        raise ValidationError(_("This case already has its panel."))
    _check_members(case, members, exclude=exclude)
    panel = Panel.objects.create(case=case, kind=kind)
    PanelMember.objects.bulk_create([PanelMember(panel=panel, member=m) for m in members])
    before = case.stage
    if case.stage == Stage.INVESTIGATION:
        _set_stage(case, Stage.PANEL)
        case.save()
    _audit(
        case,
        "ethics.panel_formed",
        by,
        before_stage=before,
        stage=case.stage,
        kind=kind,
        members=[m.pk for m in members],
    )
    return panel


def open_panel(case: Case) -> Panel | None:
    kind = Panel.Kind.APPEAL if case.stage == Stage.APPEAL else Panel.Kind.DECISION
    if case.stage not in (Stage.PANEL, Stage.APPEAL):
        return None
    return Panel.objects.filter(case=case, kind=kind).first()


@transaction.atomic
def vote_record(
    *,
    case: Case,
    member: User,
    vote: str,
    findings: dict[int, bool] | None = None,
    sanction: Sanction | None = None,
) -> PanelMember:
    """A panel member's vote (and, on the decision panel, a finding per alleged clause). A
    member may change their vote until the decision is made."""
    case = _lock(case)
    _require_stage(case, Stage.PANEL, Stage.APPEAL)
    panel = open_panel(case)
    seat = (
        PanelMember.objects.select_for_update().filter(panel=panel, member=member).first()
        if panel
        else None
    )
    if seat is None:
        raise ValidationError(_("Only members of this case's panel can vote."))
    if Decision.objects.filter(panel=panel).exists():
        raise ValidationError(_("The panel has decided: votes are closed."))
    allowed = (
        (Vote.UPHOLD, Vote.NOT_UPHOLD)
        if panel.kind == Panel.Kind.DECISION
        else (Vote.CONFIRM, Vote.VARY, Vote.OVERTURN)
    )
    if vote not in allowed:
        raise ValidationError(_("Choose one of the votes offered."))
    if sanction is not None and sanction.framework_id != case.framework_id:
        raise ValidationError(_("Choose a sanction from the Code in force."))
    if panel.kind == Panel.Kind.DECISION:
        alleged = {c.pk: c for c in case.clauses.all()}
        findings = findings or {}
        missing = [c.identifier for pk, c in alleged.items() if pk not in findings]
        if missing:
            raise ValidationError(
                _("Record a finding for every clause alleged: %(ids)s")
                % {"ids": ", ".join(missing)}
            )
        for pk, upheld in findings.items():
            if pk not in alleged:
                continue
            Finding.objects.update_or_create(
                seat=seat, clause=alleged[pk], defaults={"upheld": bool(upheld)}
            )
            _audit(case, "ethics.finding", member, clause=alleged[pk].identifier, upheld=upheld)
    seat.vote = vote
    seat.sanction = sanction
    seat.voted_at = timezone.now()
    seat.save()
    _audit(case, "ethics.vote", member, vote=vote, sanction=sanction.position if sanction else None)
    return seat


def _require_recorder(case: Case, panel: Panel | None, by: User) -> None:
    """The case owner or a member of the panel records its decision."""
    if case.owner_id == by.pk:
        return
    if panel is not None and panel.seats.filter(member=by).exists():
        return
    raise ValidationError(_("Only the case owner or a panel member records the decision."))


def tally(panel: Panel) -> tuple[str | None, int, int]:
    """(the vote reaching the majority in the rules, or None; votes for it; panel size). The
    majority is of the whole panel: a seat that has not voted counts against."""
    rules = panel.case.rules
    numerator = int(rules.get("panel", "majority_numerator", default=2))
    denominator = int(rules.get("panel", "majority_denominator", default=3))
    seats = list(panel.seats.all())
    counts = Counter(s.vote for s in seats if s.vote)
    size = len(seats)
    for vote, n in counts.most_common():
        if n * denominator >= numerator * size:
            return vote, n, size
    return None, (counts.most_common(1)[0][1] if counts else 0), size


def _check_terms(kind: str, terms: dict, today: datetime.date) -> dict:
    """The terms a sanction needs: a suspension's end, training's content and due date, a
    probation's end, a referral's authority."""
    clean: dict = {}
    if kind == Effect.SUSPENSION:
        ends = terms.get("ends_on")
        if not ends or ends <= today:
            raise ValidationError(_("A suspension needs an end date after today."))
        clean["ends_on"] = ends
    elif kind == Effect.TRAINING:
        due = terms.get("due_on")
        if not due or due <= today or not (terms.get("terms") or "").strip():
            raise ValidationError(_("Say what training is required and by when (after today)."))
        clean.update(due_on=due, terms=terms["terms"].strip()[:500])
    elif kind == Effect.PROBATION:
        ends = terms.get("ends_on")
        if not ends or ends <= today:
            raise ValidationError(_("A probation needs an end date after today."))
        clean.update(ends_on=ends, terms=(terms.get("terms") or "").strip()[:500])
    elif kind == Effect.REFERRAL:
        if not (terms.get("terms") or "").strip():
            raise ValidationError(_("Name the authority the case is referred to."))
        clean["terms"] = terms["terms"].strip()[:500]
    else:
        clean["terms"] = (terms.get("terms") or "").strip()[:500]
    return clean


def effect_kind(case: Case, sanction: Sanction) -> str:
    mapping = case.rules.get("sanction_effects", default={}) or {}
    kind = mapping.get(str(sanction.position))
    if kind not in Effect.values:
        raise ValidationError(_("The rules say nothing about this sanction."))
    return kind


@transaction.atomic
def case_decide(
    *,
    case: Case,
    by: User,
    reasons: str,
    sanction: Sanction | None = None,
    terms: dict | None = None,
) -> Decision:
    """Record the panel's decision. Its outcome is the vote that reached the majority in the
    rules; an upheld concern takes a sanction from the Code's ladder, whose effects start now.
    Two staff deciding at once: the case lock and the one-decision-per-panel constraint let
    exactly one through."""
    case = _lock(case)
    _require_stage(case, Stage.PANEL)
    panel = open_panel(case)
    _require_recorder(case, panel, by)
    if panel is None or Decision.objects.filter(panel=panel).exists():
        raise ValidationError(_("This panel has already decided."))
    vote, votes_for, size = tally(panel)
    if vote is None:
        raise ValidationError(
            _("No outcome has the majority the rules require yet (%(n)s of %(size)s votes).")
            % {"n": votes_for, "size": size}
        )
    if not reasons.strip():
        raise ValidationError(_("Give the reasons for the decision."))
    today = body_today()
    outcome = Decision.Outcome.UPHELD if vote == Vote.UPHOLD else Decision.Outcome.NOT_UPHELD
    clean: dict = {}
    if outcome == Decision.Outcome.UPHELD:
        if sanction is None:
            raise ValidationError(_("Choose the sanction."))
        if sanction.framework_id != case.framework_id:
            raise ValidationError(_("Choose a sanction from the Code in force."))
        clean = _check_terms(effect_kind(case, sanction), terms or {}, today)
    else:
        sanction = None
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                case=case,
                panel=panel,
                outcome=outcome,
                sanction=sanction,
                terms={
                    k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in clean.items()
                },
                reasons=reasons.strip(),
                votes_for=votes_for,
                votes_cast=size,
                decided_by=by,
            )
    except IntegrityError as exc:
        raise ValidationError(_("This panel has already decided.")) from exc
    _set_stage(case, Stage.DECIDED)
    case.appeal_until = today + datetime.timedelta(
        days=int(case.rules.get("appeal", "window_days", default=30))
    )
    case.save()
    _audit(
        case,
        "ethics.decided",
        by,
        before_stage=Stage.PANEL,
        stage=case.stage,
        outcome=outcome,
        votes_for=votes_for,
        panel_size=size,
        sanction=sanction.name if sanction else None,
        appeal_until=case.appeal_until.isoformat(),
    )
    if sanction is not None:
        _effect_start(case=case, decision=decision, sanction=sanction, terms=clean, by=by)
    _email_professional(case, "decided", decision=decision)
    _email_complainant(case, "decided", decision=decision)
    return decision


# --- appeal --------------------------------------------------------------------------------------


def appeal_open_to(case: Case, party: str, today: datetime.date | None = None) -> bool:
    today = today or body_today()
    if case.stage != Stage.DECIDED or case.appeal_until is None or today > case.appeal_until:
        return False
    if Appeal.objects.filter(case=case).exists():
        return False
    if party == Party.COMPLAINANT:
        return bool(case.rules.get("appeal", "complainant_may_appeal", default=False))
    return party == Party.PROFESSIONAL


@transaction.atomic
def appeal_file(*, case: Case, party: str, grounds: str, by: User | None = None) -> Appeal:
    case = _lock(case)
    if party == Party.PROFESSIONAL and (by is None or by.pk != case.professional_id):
        raise ValidationError(_("Only the professional concerned can appeal."))
    if not appeal_open_to(case, party):
        raise ValidationError(_("An appeal is not open: the window has closed or it is not yours."))
    if not grounds.strip():
        raise ValidationError(_("Give the grounds of your appeal."))
    appeal = Appeal.objects.create(case=case, party=party, grounds=grounds.strip(), filed_by=by)
    _set_stage(case, Stage.APPEAL)
    case.save()
    _audit(
        case, "ethics.appeal_filed", by, before_stage=Stage.DECIDED, stage=case.stage, party=party
    )
    return appeal


@transaction.atomic
def appeal_decide(
    *,
    case: Case,
    by: User,
    reasons: str,
    sanction: Sanction | None = None,
    terms: dict | None = None,
) -> Decision:
    """The appeal panel confirms, varies (a new sanction replaces the first) or overturns (every
    effect reversed, with the reason recorded)."""
    case = _lock(case)
    _require_stage(case, Stage.APPEAL)
    panel = open_panel(case)
    _require_recorder(case, panel, by)
    if panel is None:
        raise ValidationError(_("Form the appeal panel first."))
    if Decision.objects.filter(panel=panel).exists():
        raise ValidationError(_("This panel has already decided."))
    vote, votes_for, size = tally(panel)
    if vote is None:
        raise ValidationError(
            _("No outcome has the majority the rules require yet (%(n)s of %(size)s votes).")
            % {"n": votes_for, "size": size}
        )
    if not reasons.strip():
        raise ValidationError(_("Give the reasons for the decision."))
    first = Decision.objects.filter(case=case, panel__kind=Panel.Kind.DECISION).first()
    today = body_today()
    outcome = {
        Vote.CONFIRM: Decision.Outcome.CONFIRMED,
        Vote.VARY: Decision.Outcome.VARIED,
        Vote.OVERTURN: Decision.Outcome.OVERTURNED,
    }[vote]
    clean: dict = {}
    if outcome == Decision.Outcome.VARIED:
        if sanction is None or sanction.framework_id != case.framework_id:
            raise ValidationError(_("Choose the sanction that replaces the first."))
        clean = _check_terms(effect_kind(case, sanction), terms or {}, today)
    else:
        sanction = first.sanction if (first and outcome == Decision.Outcome.CONFIRMED) else None
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                case=case,
                panel=panel,
                outcome=outcome,
                sanction=sanction,
                terms={
                    k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in clean.items()
                },
                reasons=reasons.strip(),
                votes_for=votes_for,
                votes_cast=size,
                decided_by=by,
            )
    except IntegrityError as exc:
        raise ValidationError(_("This panel has already decided.")) from exc
    if outcome in (Decision.Outcome.VARIED, Decision.Outcome.OVERTURNED):
        why = (
            _("Overturned on appeal (case %(ref)s).")
            if outcome == Decision.Outcome.OVERTURNED
            else _("Varied on appeal (case %(ref)s).")
        ) % {"ref": case.reference}
        for effect in SanctionEffect.objects.filter(
            case=case, status__in=[SanctionEffect.Status.ACTIVE, SanctionEffect.Status.MET]
        ):
            effect_reverse(effect=effect, by=by, reason=why, status=SanctionEffect.Status.REVERSED)
    if outcome == Decision.Outcome.VARIED:
        _effect_start(case=case, decision=decision, sanction=sanction, terms=clean, by=by)
    _set_stage(case, Stage.CLOSED)
    case.save()
    _audit(
        case,
        "ethics.appeal_decided",
        by,
        before_stage=Stage.APPEAL,
        stage=case.stage,
        outcome=outcome,
        votes_for=votes_for,
        panel_size=size,
    )
    _email_professional(case, "decided", decision=decision)
    _email_complainant(case, "decided", decision=decision)
    return decision


# --- sanction effects ----------------------------------------------------------------------------


def end_login_sessions(user: User) -> int:
    """Sign the user out everywhere: delete every stored session that carries their id."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def _credential_audit(credential: Credential, event: str, by: User | None, old: dict, new: dict):
    AuditEvent.objects.create(
        event=event,
        actor=by,
        actor_name=by.get_full_name() if by else "",
        credential=credential,
        application=credential.application,
        old=old,
        new=new,
    )


def _holds(professional: User, *kinds: str, exclude: SanctionEffect | None = None):
    qs = SanctionEffect.objects.filter(
        professional=professional, kind__in=kinds, status=SanctionEffect.Status.ACTIVE
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs


def _suspension_end(professional: User, exclude: SanctionEffect | None = None):
    ends = [e.ends_on for e in _holds(professional, Effect.SUSPENSION, exclude=exclude)]
    return max(ends) if ends else None


def _cancel_future_bookings(user: User, reason: str) -> list[int]:
    cancelled = []
    for booking in Booking.objects.upcoming().filter(supervisor=user):
        supervision_services.booking_cancel(booking=booking, by=user, reason=reason)
        cancelled.append(booking.pk)
    return cancelled


def _remove_supervisor_role(user: User) -> bool:
    removed, _n = RoleGrant.objects.filter(user=user, role=Role.SUPERVISOR).delete()
    user.__dict__.pop("roles", None)
    return bool(removed)


def _apply_suspension(effect: SanctionEffect, by: User) -> dict:
    professional = effect.professional
    today = body_today()
    reason = _("Suspended by an ethics decision (case %(ref)s).") % {"ref": effect.case.reference}
    until = max(effect.ends_on, _suspension_end(professional, exclude=effect) or effect.ends_on)
    credentials = []
    for credential in Credential.objects.select_for_update().filter(holder=professional):
        status = credential.status_on(today)
        if status == Credential.Status.ACTIVE:
            credential_services.credential_suspend(
                credential=credential, by=by, reason=reason, until=until
            )
            credentials.append(credential.pk)
        elif status == Credential.Status.SUSPENDED and (
            credential.suspended_until is None or credential.suspended_until < until
        ):
            credential_services.credential_reinstate(credential=credential, by=by, reason=reason)
            credential_services.credential_suspend(
                credential=credential, by=by, reason=reason, until=until
            )
            credentials.append(credential.pk)
    role_removed = _remove_supervisor_role(professional)
    bookings = _cancel_future_bookings(
        professional, _("The supervisor is not available: this session is cancelled.")
    )
    sessions = end_login_sessions(professional)
    return {
        "credentials": credentials,
        "supervisor_role": role_removed,
        "bookings_cancelled": bookings,
        "sessions_ended": sessions,
    }


def _apply_revocation(effect: SanctionEffect, by: User) -> dict:
    professional = User.objects.select_for_update().get(pk=effect.professional_id)
    reason = _("Revoked by an ethics decision (case %(ref)s).") % {"ref": effect.case.reference}
    credentials = {}
    for credential in Credential.objects.select_for_update().filter(holder=professional):
        if credential.status == Credential.Status.REVOKED:
            continue
        credentials[str(credential.pk)] = {
            "status": credential.status,
            "reason": credential.status_reason,
            "suspended_until": (
                credential.suspended_until.isoformat() if credential.suspended_until else None
            ),
        }
        credential_services.credential_revoke(credential=credential, by=by, reason=reason)
    membership = {
        "status": professional.membership_status,
        "valid_until": (
            professional.membership_valid_until.isoformat()
            if professional.membership_valid_until
            else None
        ),
    }
    professional.membership_status = User.Membership.NON_MEMBER
    professional.membership_valid_until = None
    professional.save(update_fields=["membership_status", "membership_valid_until"])
    role_removed = _remove_supervisor_role(professional)
    bookings = _cancel_future_bookings(
        professional, _("The supervisor is not available: this session is cancelled.")
    )
    account_before = professional.account_status
    account_services.account_restrict(user=professional, by=by, reason=reason)
    sessions = end_login_sessions(professional)
    return {
        "credentials": credentials,
        "membership": membership,
        "supervisor_role": role_removed,
        "bookings_cancelled": bookings,
        "account_status": account_before,
        "sessions_ended": sessions,
    }


def _effect_start(
    *, case: Case, decision: Decision, sanction: Sanction, terms: dict, by: User
) -> SanctionEffect:
    kind = effect_kind(case, sanction)
    effect = SanctionEffect.objects.create(
        case=case,
        decision=decision,
        professional=case.professional,
        kind=kind,
        starts_on=body_today(),
        ends_on=terms.get("ends_on"),
        due_on=terms.get("due_on"),
        terms=terms.get("terms", ""),
    )
    if kind == Effect.SUSPENSION:
        effect.applied = _apply_suspension(effect, by)
    elif kind == Effect.REVOCATION:
        effect.applied = _apply_revocation(effect, by)
    effect.save()
    audit_record(
        actor=by,
        action="ethics.sanction_started",
        subject=effect,
        person=effect.professional,
        after={
            "case": case.reference,
            "kind": kind,
            "starts_on": effect.starts_on.isoformat(),
            "ends_on": effect.ends_on.isoformat() if effect.ends_on else None,
            "due_on": effect.due_on.isoformat() if effect.due_on else None,
            "applied": effect.applied,
        },
    )
    return effect


def _restore_credential(credential: Credential, by: User | None, reason: str) -> None:
    """Back to the status it would have without the sanction: active, or expired."""
    today = body_today()
    status = (
        Credential.Status.EXPIRED if credential.expires_on <= today else Credential.Status.ACTIVE
    )
    old = {"status": credential.status, "reason": credential.status_reason}
    credential.status = status
    credential.status_reason = ""
    credential.suspended_until = None
    credential.status_changed_on = today
    credential.save()
    _credential_audit(
        credential, AuditEvent.Event.REINSTATED, by, old, {"status": status, "reason": reason}
    )


def _undo_suspension(effect: SanctionEffect, by: User | None, reason: str) -> None:
    professional = effect.professional
    if _holds(professional, Effect.REVOCATION, exclude=effect).exists():
        return  # a revocation holds: nothing comes back
    other_end = _suspension_end(professional, exclude=effect)
    for credential in Credential.objects.select_for_update().filter(
        pk__in=effect.applied.get("credentials", [])
    ):
        if credential.status != Credential.Status.SUSPENDED:
            continue  # lifted already by the credentials' own job at its end date
        if other_end is not None:
            credential.suspended_until = other_end  # another suspension holds: it stays
            credential.save(update_fields=["suspended_until"])
            continue
        _restore_credential(credential, by, reason)
    if effect.applied.get("supervisor_role") and other_end is None:
        RoleGrant.objects.get_or_create(user=professional, role=Role.SUPERVISOR)


def _undo_revocation(effect: SanctionEffect, by: User | None, reason: str) -> None:
    professional = User.objects.select_for_update().get(pk=effect.professional_id)
    applied = effect.applied
    suspended = _suspension_end(professional, exclude=effect)
    for pk in applied.get("credentials", {}):
        credential = Credential.objects.select_for_update().filter(pk=int(pk)).first()
        if credential is None or credential.status != Credential.Status.REVOKED:
            continue
        if suspended is not None:
            old_status = credential.status
            credential.status = Credential.Status.SUSPENDED
            credential.suspended_until = suspended
            credential.save()
            _credential_audit(
                credential,
                AuditEvent.Event.SUSPENDED,
                by,
                {"status": old_status},
                {"reason": reason},
            )
        else:
            _restore_credential(credential, by, reason)
    membership = applied.get("membership") or {}
    if membership:
        professional.membership_status = membership.get("status") or User.Membership.NON_MEMBER
        valid = membership.get("valid_until")
        professional.membership_valid_until = datetime.date.fromisoformat(valid) if valid else None
        professional.save(update_fields=["membership_status", "membership_valid_until"])
    if applied.get("supervisor_role") and suspended is None:
        RoleGrant.objects.get_or_create(user=professional, role=Role.SUPERVISOR)
    if applied.get("account_status", User.AccountStatus.ACTIVE) == User.AccountStatus.ACTIVE:
        account_services.account_reinstate(user=professional, by=by, reason=reason)


def effect_reverse(*, effect: SanctionEffect, by: User | None, reason: str, status: str) -> None:
    """End a sanction (its period is over, or it is overturned): undo what it changed, unless
    another sanction in force still holds it."""
    effect = SanctionEffect.objects.select_for_update().get(pk=effect.pk)
    if effect.status not in (SanctionEffect.Status.ACTIVE, SanctionEffect.Status.MET):
        return
    was = effect.status
    effect.status = status
    effect.ended_at = timezone.now()
    effect.end_reason = str(reason)[:500]
    effect.save()
    if was == SanctionEffect.Status.ACTIVE:
        if effect.kind == Effect.SUSPENSION:
            _undo_suspension(effect, by, str(reason))
        elif effect.kind == Effect.REVOCATION:
            _undo_revocation(effect, by, str(reason))
    audit_record(
        actor=by,
        action="ethics.sanction_reversed"
        if status == SanctionEffect.Status.REVERSED
        else "ethics.sanction_ended",
        subject=effect,
        person=effect.professional,
        before={"status": was},
        after={"status": status, "reason": str(reason)},
    )


@transaction.atomic
def training_accept(*, effect: SanctionEffect, by: User, record: str) -> SanctionEffect:
    """Staff accept a training or CPD record ("training:<id>" or "cpd:<id>") of the
    professional as meeting a further-training requirement."""
    effect = SanctionEffect.objects.select_for_update().get(pk=effect.pk)
    if effect.kind != Effect.TRAINING or effect.status != SanctionEffect.Status.ACTIVE:
        raise ValidationError(_("This is not an open training requirement."))
    if not by.has_role(Role.ETHICS_STAFF) or effect.case.owner_id != by.pk:
        raise ValidationError(_("Only the case owner can accept the training."))
    kind, _sep, pk = (record or "").partition(":")
    model = {"training": TrainingRecord, "cpd": CpdEntry}.get(kind)
    if model is None or not pk.isdigit():
        raise ValidationError(_("Choose one of the professional's records."))
    if not model.objects.filter(pk=int(pk), mentor=effect.professional).exists():
        raise ValidationError(_("Choose one of the professional's records."))
    effect.status = SanctionEffect.Status.MET
    effect.met_by = record
    effect.ended_at = timezone.now()
    effect.save()
    audit_record(
        actor=by,
        action="ethics.training_met",
        subject=effect,
        person=effect.professional,
        after={"record": record},
    )
    return effect


@transaction.atomic
def monitoring_report_submit(*, effect: SanctionEffect, by: User, text: str) -> MonitoringReport:
    if effect.professional_id != by.pk:
        raise ValidationError(_("Only the professional on probation submits reports."))
    if effect.kind != Effect.PROBATION or effect.status != SanctionEffect.Status.ACTIVE:
        raise ValidationError(_("There is no probation in force."))
    if not text.strip():
        raise ValidationError(_("Write your report."))
    report = MonitoringReport.objects.create(effect=effect, text=text.strip())
    audit_record(actor=by, action="ethics.monitoring_report", subject=effect, person=by)
    return report


def next_report_due(effect: SanctionEffect) -> datetime.date | None:
    if effect.kind != Effect.PROBATION or effect.status != SanctionEffect.Status.ACTIVE:
        return None
    every = int(effect.case.rules.get("probation", "report_every_days", default=90))
    last = effect.reports.order_by("-submitted_at").first()
    start = last.submitted_at.date() if last else effect.starts_on
    return start + datetime.timedelta(days=every)


# --- what others ask -----------------------------------------------------------------------------


def sanctions_in_force(user: User) -> list[SanctionEffect]:
    return list(
        SanctionEffect.objects.filter(professional=user, status=SanctionEffect.Status.ACTIVE)
    )


def reviewer_flags(user: User) -> list[str]:
    """What a credential reviewer may know about an applicant: an open case, a sanction in
    force; never the content."""
    flags = []
    if (
        Case.objects.filter(professional=user, stage__in=Case.OPEN)
        .exclude(stage=Case.Stage.RECEIVED)
        .exists()
    ):
        flags.append(_("The applicant has an open ethics case."))
    kinds = sorted({e.get_kind_display() for e in sanctions_in_force(user)})
    if kinds:
        flags.append(_("Ethics sanction in force: %(kinds)s.") % {"kinds": ", ".join(kinds)})
    return flags


def application_refusal(user: User) -> str | None:
    """A refusal of a new credential application while a suspension holds (rule data)."""
    rules = current_rules()
    if not rules.get("suspension_blocks_credential_applications", default=False):
        return None
    if _holds(user, Effect.SUSPENSION, Effect.REVOCATION).exists():
        return _("A suspension is in force: you cannot apply for a credential until it ends.")
    return None


# --- periodic upkeep -----------------------------------------------------------------------------


def _once(case: Case, key: str) -> bool:
    """True the first time `key` is claimed for `case` (a second run, or two at once, sends
    nothing twice: the unique constraint decides)."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(case=case, key=key)
    except IntegrityError:
        return False
    return True


def ethics_periodic(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or body_today()
    counts = {"reminders": 0, "ended": 0, "escalated": 0}
    # Answer reminders before the deadline.
    for case in Case.objects.filter(
        stage=Stage.INVESTIGATION, answered_at__isnull=True, answer_due__isnull=False
    ).select_related("professional", "rules"):
        left = (case.answer_due - today).days
        for days in sorted(case.rules.get("answer", "reminder_days_before", default=[]) or []):
            if 0 <= left <= int(days):
                with transaction.atomic():
                    if _once(case, f"answer:{case.answer_due.isoformat()}:{days}"):
                        _email_professional(case, "answer_reminder", days_left=left)
                        _audit(case, "ethics.reminder_sent", None, days_left=left)
                        counts["reminders"] += 1
                break
    # Periods that end: suspension and probation.
    for effect in SanctionEffect.objects.filter(
        status=SanctionEffect.Status.ACTIVE,
        kind__in=[Effect.SUSPENSION, Effect.PROBATION],
        ends_on__lte=today,
    ):
        with transaction.atomic():
            locked = SanctionEffect.objects.select_for_update().get(pk=effect.pk)
            if locked.status != SanctionEffect.Status.ACTIVE:
                continue
            effect_reverse(
                effect=locked,
                by=None,
                reason=_("The set period has ended."),
                status=SanctionEffect.Status.ENDED,
            )
            counts["ended"] += 1
    # Overdue training escalates to the case owner.
    grace = datetime.timedelta(
        days=int(current_rules().get("training", "escalate_days_after_due", default=0))
    )
    for effect in SanctionEffect.objects.filter(
        status=SanctionEffect.Status.ACTIVE,
        kind=Effect.TRAINING,
        due_on__lt=today - grace,
        escalated_at__isnull=True,
    ).select_related("case", "case__owner"):
        with transaction.atomic():
            updated = SanctionEffect.objects.filter(pk=effect.pk, escalated_at__isnull=True).update(
                escalated_at=timezone.now()
            )
            if not updated:
                continue
            owner = effect.case.owner
            if owner is not None:
                _send(
                    "training_overdue",
                    to=owner.email,
                    language=owner.preferred_language,
                    context={
                        "case": effect.case,
                        "effect": effect,
                        "url": absolute(reverse("ethics:case", args=[effect.case_id])),
                    },
                )
            audit_record(
                actor=None,
                action="ethics.training_overdue",
                subject=effect,
                person=effect.professional,
            )
            counts["escalated"] += 1
    return counts
