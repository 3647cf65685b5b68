"""The registry's rules: centres, their members, programmes, cohorts, graduates (with the CSV
import), claims a centre confirms or declines, and the accreditation status over time.

Accreditation *applications* are reviewed in `credentials.accreditation` (the credential review
machinery lives there); it calls `recognition_grant` here when staff approve.
"""

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from practicum.accounts.models import Role, User
from practicum.accounts.services import role_grant
from practicum.audit.services import audit_record
from practicum.institutions.models import (
    RECOGNISED_KINDS,
    CentreKind,
    CentreMember,
    Cohort,
    Graduate,
    Programme,
    Recognition,
    TrainingCentre,
    email_digest,
    token_digest,
)
from practicum.lib.emails import enqueue_email

Status = TrainingCentre.Status


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _email(template: str, *, to: str, language: str = "en", context: dict) -> None:
    """Says what happened and links to the page: never a graduate's name or staff's reasons."""
    with translation.override(language):
        subject = render_to_string(f"institutions/email/{template}_subject.txt", context)
        text = render_to_string(f"institutions/email/{template}.txt", context)
    enqueue_email(to=[to], subject=" ".join(subject.split()), text=text)


def _admin_emails(centre: TrainingCentre) -> list[tuple[str, str]]:
    return [
        (m.user.email, m.user.preferred_language)
        for m in centre.members.active().filter(role=CentreMember.Role.ADMIN).select_related("user")
    ]


# --- Access --------------------------------------------------------------------------------------


def is_centre_admin(user, centre: TrainingCentre) -> bool:
    return (
        user.is_authenticated
        and user.has_role(Role.INSTITUTION_ADMIN)
        and centre.members.active().filter(role=CentreMember.Role.ADMIN, user=user).exists()
    )


def centre_for_admin(user, pk: int) -> TrainingCentre:
    """The centre if `user` administers it now, else 404 (another centre does not exist for
    them)."""
    return get_object_or_404(TrainingCentre.objects.administered_by(user), pk=pk)


def programme_for_admin(user, pk: int) -> Programme:
    return get_object_or_404(
        Programme.objects.select_related("centre"),
        pk=pk,
        centre__in=TrainingCentre.objects.administered_by(user),
    )


def cohort_for_admin(user, pk: int) -> Cohort:
    return get_object_or_404(
        Cohort.objects.select_related("programme__centre"),
        pk=pk,
        programme__centre__in=TrainingCentre.objects.administered_by(user),
    )


def graduate_for_admin(user, pk: int) -> Graduate:
    return get_object_or_404(
        Graduate.objects.select_related("programme__centre", "user"),
        pk=pk,
        programme__centre__in=TrainingCentre.objects.administered_by(user),
    )


# --- Centres -------------------------------------------------------------------------------------

CENTRE_FIELDS = ("name", "country", "website", "contact_name", "contact_email")


@transaction.atomic
def centre_create(*, by: User | None, name: str, country: str, **details) -> TrainingCentre:
    """A centre on the registry (Non-Accredited until a recognition is granted)."""
    centre = TrainingCentre(name=name.strip(), country=country.strip(), **details)
    centre.full_clean()
    centre.save()
    audit_record(actor=by, action="centre.created", subject=centre, after={"name": centre.name})
    return centre


@transaction.atomic
def centre_update(*, centre: TrainingCentre, by: User, **details) -> TrainingCentre:
    centre = TrainingCentre.objects.select_for_update().get(pk=centre.pk)
    before = {f: getattr(centre, f) for f in CENTRE_FIELDS}
    for name, value in details.items():
        if name in CENTRE_FIELDS:
            setattr(centre, name, value)
    centre.full_clean()
    centre.save()
    after = {f: getattr(centre, f) for f in CENTRE_FIELDS}
    changed = [f for f in CENTRE_FIELDS if before[f] != after[f]]
    if changed:
        audit_record(
            actor=by,
            action="centre.updated",
            subject=centre,
            before={f: before[f] for f in changed},
            after={f: after[f] for f in changed},
        )
    return centre


def _set_status(centre: TrainingCentre, *, by, action: str, status: str, reason: str = "", **more):
    before = {
        "status": centre.status,
        "kind": centre.kind,
        "valid_from": str(centre.valid_from or ""),
        "valid_until": str(centre.valid_until or ""),
    }
    centre.status = status
    centre.status_reason = reason
    for name, value in more.items():
        setattr(centre, name, value)
    centre.full_clean()
    centre.save()
    audit_record(
        actor=by,
        action=action,
        subject=centre,
        before=before,
        after={
            "status": centre.status,
            "kind": centre.kind,
            "valid_from": str(centre.valid_from or ""),
            "valid_until": str(centre.valid_until or ""),
            "reason_given": bool(reason),
        },
    )
    return centre


@transaction.atomic
def recognition_grant(
    *,
    centre: TrainingCentre,
    kind: str,
    valid_from: datetime.date,
    valid_until: datetime.date,
    by: User | None,
) -> TrainingCentre:
    """Accredit or endorse a centre for a period (a renewal is a new period). Called by staff's
    decision on an accreditation application, or by staff recording an existing accreditation."""
    if kind not in RECOGNISED_KINDS:
        raise ValidationError(_("Choose accredited or endorsed."))
    if valid_until < valid_from:
        raise ValidationError(_("The end date cannot be before the start date."))
    centre = TrainingCentre.objects.select_for_update().get(pk=centre.pk)
    if centre.status == Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn centre must apply again to be accredited."))
    Recognition.objects.create(
        centre=centre, kind=kind, valid_from=valid_from, valid_until=valid_until
    )
    return _set_status(
        centre,
        by=by,
        action="centre.recognised",
        status=Status.RECOGNISED,
        kind=kind,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def _cut_current_period(centre: TrainingCentre, today: datetime.date) -> None:
    Recognition.objects.filter(
        centre=centre, ended_on__isnull=True, valid_from__lte=today, valid_until__gte=today
    ).update(ended_on=today)


@transaction.atomic
def centre_suspend(*, centre: TrainingCentre, by: User, reason: str) -> TrainingCentre:
    """Staff suspend a centre's accreditation with a reason; training from today on counts as
    Non-Accredited. A reinstatement resumes the same period."""
    if not reason.strip():
        raise ValidationError(_("Give the reason: it is kept in the audit trail."))
    centre = TrainingCentre.objects.select_for_update().get(pk=centre.pk)
    if centre.status != Status.RECOGNISED:
        raise ValidationError(_("Only an accredited or endorsed centre can be suspended."))
    _cut_current_period(centre, timezone.localdate())
    return _set_status(
        centre, by=by, action="centre.suspended", status=Status.SUSPENDED, reason=reason.strip()
    )


@transaction.atomic
def centre_reinstate(*, centre: TrainingCentre, by: User, reason: str) -> TrainingCentre:
    if not reason.strip():
        raise ValidationError(_("Give the reason: it is kept in the audit trail."))
    centre = TrainingCentre.objects.select_for_update().get(pk=centre.pk)
    today = timezone.localdate()
    if centre.status != Status.SUSPENDED:
        raise ValidationError(_("Only a suspended centre can be reinstated."))
    if centre.valid_until is None or centre.valid_until < today:
        raise ValidationError(_("Its accreditation period is over: the centre must renew."))
    Recognition.objects.create(
        centre=centre, kind=centre.kind, valid_from=today, valid_until=centre.valid_until
    )
    return _set_status(
        centre, by=by, action="centre.reinstated", status=Status.RECOGNISED, reason=reason.strip()
    )


@transaction.atomic
def centre_withdraw(*, centre: TrainingCentre, by: User, reason: str) -> TrainingCentre:
    if not reason.strip():
        raise ValidationError(_("Give the reason: it is kept in the audit trail."))
    centre = TrainingCentre.objects.select_for_update().get(pk=centre.pk)
    if centre.status not in (Status.RECOGNISED, Status.SUSPENDED):
        raise ValidationError(
            _("Only an accredited, endorsed or suspended centre can be withdrawn.")
        )
    _cut_current_period(centre, timezone.localdate())
    return _set_status(
        centre, by=by, action="centre.withdrawn", status=Status.WITHDRAWN, reason=reason.strip()
    )


def centres_lapse(*, today: datetime.date | None = None) -> int:
    """Centres whose period ended before today lapse, each in its own transaction; running it
    again lapses nothing twice. Returns how many lapsed."""
    today = today or timezone.localdate()
    count = 0
    due = TrainingCentre.objects.filter(
        status__in=[Status.RECOGNISED, Status.SUSPENDED], valid_until__lt=today
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            centre = TrainingCentre.objects.select_for_update().get(pk=pk)
            if centre.status not in (Status.RECOGNISED, Status.SUSPENDED):
                continue
            if centre.valid_until is None or centre.valid_until >= today:
                continue
            _set_status(centre, by=None, action="centre.lapsed", status=Status.LAPSED)
            for address, language in _admin_emails(centre):
                _email(
                    "lapsed",
                    to=address,
                    language=language,
                    context={"centre": centre, "url": _absolute(reverse("institutions:dashboard"))},
                )
            count += 1
    return count


# --- Members -------------------------------------------------------------------------------------


@transaction.atomic
def member_invite(
    *, centre: TrainingCentre, email: str, role: str, by: User | None
) -> tuple[CentreMember, str]:
    """Invite someone by email to administer the centre or to join it as one of its mentors.
    Returns the membership and the token (only its hash is kept)."""
    email = email.strip().lower()
    if role not in CentreMember.Role.values:
        raise ValidationError(_("Choose administrator or mentor."))
    current = centre.members.filter(role=role, left_at__isnull=True).filter(
        Q(email__iexact=email) | Q(user__email__iexact=email)
    )
    if current.exists():
        raise ValidationError(_("This person is already invited or a member."))
    token = secrets.token_urlsafe(24)
    member = CentreMember.objects.create(
        centre=centre, role=role, email=email, token_hash=token_digest(token), invited_by=by
    )
    audit_record(
        actor=by, action="member.invited", subject=centre, after={"role": role, "member": member.pk}
    )
    _email(
        "invitation",
        to=email,
        context={
            "centre": centre,
            "role": member.get_role_display(),
            "url": _absolute(reverse("institutions:invitation", args=[token])),
        },
    )
    return member, token


def invitation_for_token(token: str) -> CentreMember | None:
    return (
        CentreMember.objects.select_related("centre")
        .filter(token_hash=token_digest(token), joined_at__isnull=True, left_at__isnull=True)
        .first()
    )


@transaction.atomic
def member_join(*, token: str, user: User) -> CentreMember:
    """Accept an invitation. It was sent to one address: the account must have that email."""
    member = invitation_for_token(token)
    if member is None:
        raise ValidationError(_("This invitation has been used or withdrawn."))
    member = CentreMember.objects.select_for_update().get(pk=member.pk)
    if member.joined_at is not None or member.left_at is not None:
        raise ValidationError(_("This invitation has been used or withdrawn."))
    if member.email.casefold() != user.email.casefold():
        raise ValidationError(
            _("This invitation was sent to another email address: sign in with that account.")
        )
    if member.centre.members.active().filter(user=user, role=member.role).exists():
        raise ValidationError(_("You are already a member."))
    member.user = user
    member.joined_at = timezone.now()
    member.save(update_fields=["user", "joined_at"])
    if member.role == CentreMember.Role.ADMIN:
        role_grant(user=user, role=Role.INSTITUTION_ADMIN, granted_by=member.invited_by)
    audit_record(
        actor=user,
        action="member.joined",
        subject=member.centre,
        person=user,
        after={"role": member.role},
    )
    return member


@transaction.atomic
def member_leave(*, member: CentreMember, by: User) -> CentreMember:
    """A member leaves (or an administrator removes a member or withdraws an invitation). The
    last administrator cannot leave: a centre always has one."""
    member = CentreMember.objects.select_for_update().get(pk=member.pk)
    if member.left_at is not None:
        raise ValidationError(_("This membership has already ended."))
    if (
        member.role == CentreMember.Role.ADMIN
        and member.is_active
        and member.centre.members.active().filter(role=CentreMember.Role.ADMIN).count() == 1
    ):
        raise ValidationError(_("A centre needs an administrator: invite another one first."))
    member.left_at = timezone.now()
    member.shares_progress = False
    member.save(update_fields=["left_at", "shares_progress"])
    audit_record(
        actor=by,
        action="member.left",
        subject=member.centre,
        person=member.user,
        after={"role": member.role},
    )
    return member


@transaction.atomic
def member_set_sharing(*, member: CentreMember, by: User, shares: bool) -> CentreMember:
    """A mentor member gives or withdraws consent to show the centre their yes/no figures."""
    if member.user_id != by.pk or member.role != CentreMember.Role.MENTOR or not member.is_active:
        raise ValidationError(_("Only the mentor can change this."))
    member.shares_progress = shares
    member.save(update_fields=["shares_progress"])
    return member


# --- Programmes and cohorts ----------------------------------------------------------------------


@transaction.atomic
def programme_save(*, programme: Programme, by: User, indicators=None) -> Programme:
    programme.full_clean()
    programme.save()
    if indicators is not None:
        programme.indicators.set(indicators)
    audit_record(
        actor=by,
        action="programme.saved",
        subject=programme,
        after={"name": programme.name, "hours": str(programme.hours), "mode": programme.mode},
    )
    return programme


@transaction.atomic
def cohort_save(*, cohort: Cohort, by: User) -> Cohort:
    cohort.full_clean()
    cohort.save()
    audit_record(
        actor=by,
        action="cohort.saved",
        subject=cohort,
        after={"started_on": str(cohort.started_on), "ended_on": str(cohort.ended_on)},
    )
    return cohort


# --- Graduates -----------------------------------------------------------------------------------


def _user_for_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def graduate_build(
    *,
    cohort: Cohort,
    name: str,
    email: str,
    hours: Decimal | None = None,
    completed_on: datetime.date | None = None,
) -> Graduate:
    """An unsaved graduate of a cohort, checked: the hours default to the programme's, the day
    to the cohort's end. Matched to a mentor's account by email."""
    programme = cohort.programme
    email = email.strip().lower()
    graduate = Graduate(
        programme=programme,
        cohort=cohort,
        name=" ".join(name.split()),
        email=email,
        email_digest=email_digest(email),
        hours=hours if hours is not None else programme.hours,
        completed_on=completed_on or cohort.ended_on,
        user=_user_for_email(email),
    )
    if graduate.hours > programme.hours:
        raise ValidationError(
            _("A graduate cannot have more hours than the programme (%(hours)s).")
            % {"hours": f"{programme.hours.normalize():f}"}
        )
    if graduate.completed_on < cohort.started_on:
        raise ValidationError(_("The completion date cannot be before the cohort started."))
    if graduate.completed_on > timezone.localdate():
        raise ValidationError(_("Record a graduate once they have completed the programme."))
    duplicate = Graduate.objects.filter(
        programme=programme,
        email_digest=graduate.email_digest,
        completed_on=graduate.completed_on,
    ).exclude(status=Graduate.Status.DECLINED)
    if duplicate.exists():
        raise ValidationError(_("This graduate is already recorded for that day."))
    graduate.full_clean(exclude=["user", "created_by"])
    return graduate


@transaction.atomic
def graduate_record(
    *,
    cohort: Cohort,
    by: User,
    name: str,
    email: str,
    hours: Decimal | None = None,
    completed_on: datetime.date | None = None,
) -> Graduate:
    """The centre records one graduate. When the email is a mentor's, their training in this
    programme shows Verified by the centre. A pending claim by that mentor is confirmed."""
    graduate = graduate_build(
        cohort=cohort, name=name, email=email, hours=hours, completed_on=completed_on
    )
    graduate.created_by = by
    graduate.status = Graduate.Status.CONFIRMED
    graduate.source = Graduate.Source.RECORDED
    graduate.decided_at = timezone.now()
    graduate.save()
    audit_record(
        actor=by,
        action="graduate.recorded",
        subject=graduate,
        person=graduate.user,
        after={"cohort": cohort.pk, "hours": str(graduate.hours), "matched": bool(graduate.user)},
    )
    return graduate


@transaction.atomic
def graduates_match_user(*, user: User) -> int:
    """Link graduates recorded with this user's email before the account existed (or before
    it used that email). Called when a mentor records training from the registry."""
    digest = email_digest(user.email)
    # Saved one by one (a person has few), so apps above hear of each link (post_save).
    unmatched = list(Graduate.objects.filter(email_digest=digest, user__isnull=True))
    for graduate in unmatched:
        graduate.user = user
        graduate.save(update_fields=["user"])
    return len(unmatched)


# --- A mentor's claim ----------------------------------------------------------------------------


@transaction.atomic
def claim_request(
    *, programme: Programme, mentor: User, completed_on: datetime.date, hours: Decimal
) -> Graduate:
    """A mentor asks the centre to confirm they completed the programme. The centre's
    administrators see the request (name, email, day, hours) and confirm or decline it."""
    if completed_on > timezone.localdate():
        raise ValidationError(_("The completion date is in the future."))
    if hours <= 0 or hours > programme.hours:
        raise ValidationError(
            _("Give the hours you completed: more than zero and at most %(hours)s.")
            % {"hours": f"{programme.hours.normalize():f}"}
        )
    existing = Graduate.objects.filter(programme=programme, user=mentor).exclude(
        status=Graduate.Status.DECLINED
    )
    if existing.exists():
        raise ValidationError(_("The centre already has your completion, or your request."))
    graduate = Graduate(
        programme=programme,
        user=mentor,
        name=mentor.get_full_name(),
        email=mentor.email.lower(),
        email_digest=email_digest(mentor.email),
        hours=hours,
        completed_on=completed_on,
        status=Graduate.Status.REQUESTED,
        source=Graduate.Source.CLAIM,
        created_by=mentor,
    )
    graduate.save()
    audit_record(
        actor=mentor,
        action="graduate.requested",
        subject=graduate,
        person=mentor,
        after={"programme": programme.pk},
    )
    for address, language in _admin_emails(programme.centre):
        _email(
            "claim",
            to=address,
            language=language,
            context={
                "centre": programme.centre,
                "url": _absolute(reverse("institutions:centre", args=[programme.centre_id])),
            },
        )
    return graduate


@transaction.atomic
def claim_decide(*, graduate: Graduate, by: User, confirm: bool, cohort: Cohort | None = None):
    graduate = Graduate.objects.select_for_update().select_related("programme").get(pk=graduate.pk)
    if graduate.status != Graduate.Status.REQUESTED:
        raise ValidationError(_("This request has already been answered."))
    if cohort is not None and cohort.programme_id != graduate.programme_id:
        raise ValidationError(_("Choose a cohort of this programme."))
    graduate.status = Graduate.Status.CONFIRMED if confirm else Graduate.Status.DECLINED
    graduate.cohort = cohort or graduate.cohort
    graduate.decided_at = timezone.now()
    graduate.save(update_fields=["status", "cohort", "decided_at"])
    audit_record(
        actor=by,
        action="graduate.confirmed" if confirm else "graduate.declined",
        subject=graduate,
        person=graduate.user,
        after={"status": graduate.status},
    )
    if graduate.user is not None:
        _email(
            "claim_answered",
            to=graduate.user.email,
            language=graduate.user.preferred_language,
            context={
                "confirmed": confirm,
                "programme": graduate.programme,
                "url": _absolute(reverse("practice:training_list")),
            },
        )
    return graduate


# --- Reading -------------------------------------------------------------------------------------


def centre_kind_for_training(centre: TrainingCentre, day: datetime.date) -> str:
    """The kind a training record keeps: the centre's kind on the day the training ended."""
    return centre.kind_on(day) if centre is not None else CentreKind.NON_ACCREDITED


# --- The centre's own mentors: consent-based yes/no figures ---------------------------------

# The source's rule: five supervision sessions a year (seeds/000, DOMAIN.md).
SESSIONS_PER_YEAR = 5

# Filled by practice (above this app) from its AppConfig.ready(): a function taking user ids
# and a year and returning {user_id: (confirmed supervision sessions, CPD hours)} for that year.
# Counts only: no reflective content ever reaches this app.
PROGRESS_PROVIDERS: list[Callable[[list[int], int], dict[int, tuple[int, Decimal]]]] = []


@dataclass(frozen=True)
class MentorFigures:
    name: str
    meets_sessions: bool
    cpd_hours: Decimal


@dataclass(frozen=True)
class CentreFigures:
    year: int
    sharing: list[MentorFigures]
    not_sharing: int

    @property
    def meeting(self) -> int:
        return sum(1 for m in self.sharing if m.meets_sessions)

    @property
    def cpd_total(self) -> Decimal:
        return sum((m.cpd_hours for m in self.sharing), Decimal(0))


def centre_mentor_figures(centre: TrainingCentre, year: int) -> CentreFigures:
    """For the centre's mentors who consent: whether they meet the year's five sessions, and
    their CPD hours; the others are only counted."""
    members = list(
        centre.members.active()
        .filter(role=CentreMember.Role.MENTOR)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    consenting = [m for m in members if m.shares_progress]
    ids = [m.user_id for m in consenting]
    figures: dict[int, tuple[int, Decimal]] = {}
    for provider in PROGRESS_PROVIDERS:
        figures.update(provider(ids, year))
    return CentreFigures(
        year=year,
        sharing=[
            MentorFigures(
                name=m.user.get_full_name(),
                meets_sessions=figures.get(m.user_id, (0, Decimal(0)))[0] >= SESSIONS_PER_YEAR,
                cpd_hours=figures.get(m.user_id, (0, Decimal(0)))[1],
            )
            for m in consenting
        ],
        not_sharing=len(members) - len(consenting),
    )
