"""Panels, findings and votes, the decision by the rules' majority, the appeal."""

import datetime
from collections import Counter
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.accounts.models import Role, User
from practicum.credentials.models import body_today
from practicum.ethics.models import (
    Appeal,
    Case,
    Decision,
    Finding,
    Panel,
    PanelMember,
    SanctionEffect,
)
from practicum.ethics.services._common import (
    Effect,
    Party,
    Stage,
    Vote,
    _audit,
    _email_complainant,
    _email_professional,
    _lock,
    _require_stage,
    _set_stage,
)
from practicum.ethics.services.cases import (
    staff_conflict,
)
from practicum.ethics.services.effects import (
    _effect_start,
    effect_kind,
    effect_reverse,
)
from practicum.frameworks.models import Sanction

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
