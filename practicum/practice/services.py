"""Rules for the mentor's records. Views validate input; these functions enforce the rules."""

import datetime
import re
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from practicum.accounts.models import Role, User
from practicum.audit.services import audit_record
from practicum.lib.conflict import Conflict
from practicum.lib.dates import user_zone
from practicum.lib.emails import send_templated_email
from practicum.lib.urls import absolute_url
from practicum.practice.models import (
    MAX_SESSION_MINUTES,
    CpdEntry,
    MentoringEngagement,
    Reference,
    SignOffLink,
    SupervisionRelationship,
    SupervisionSession,
    local_month_of,
    token_digest,
)

SIGN_OFF_LINK_DAYS = 14
REFERENCE_LINK_DAYS = 30
# Editing these on a confirmed entry changes what the supervisor confirmed: a new sign-off.
SIGNED_FACTS = ("starts_at", "duration_minutes", "format", "relationship_id")
# What a sign-off writes, and what it has no need to read: the mentor's encrypted notes and the
# relationship's encrypted contract.
SIGN_OFF_FIELDS = (
    "status",
    "dispute_reason",
    "signed_off_at",
    "signed_off_by",
    "signed_off_by_name",
    "updated_at",
)
MENTOR_NOTES = ("cases_brought", "key_learnings", "actions", "experience", "feedback_to_supervisor")
# A relationship's encrypted contract: logging or signing a session never reads it.
CONTRACT = (
    "contract_fees",
    "contract_logistics",
    "confidentiality_scope",
    "confidentiality_limits",
)
NOT_SIGNED = (*MENTOR_NOTES, *(f"relationship__{name}" for name in CONTRACT))
# What a decision reads of the entry it locks: the status it checks, the facts its event carries
# and `save` compares (the start, against its month), the signer it writes (an emailed link's
# decision leaves it as it is), who may decide, and whom to tell in which language and zone. Not
# the rest of three wide rows (the mentor's whole account, the relationship's contract, the
# notes): compiling and loading those columns was a twentieth of a sign-off. Anything else read
# later is loaded then (one query).
SIGN_OFF_READ = (
    "status",
    "signed_off_by",
    "starts_at",
    "local_month",
    "duration_minutes",
    "format",
    "mentor__email",
    "mentor__preferred_language",
    "mentor__time_zone",
    "relationship__supervisor_id",
    "relationship__external_name",
)

# action -> label, registered with the audit trail in PracticeConfig.ready().
AUDIT_ACTIONS = {
    "session.confirmed": gettext_lazy("Session confirmed by the supervisor"),
    "session.disputed": gettext_lazy("Session disputed by the supervisor"),
    "session.reopened": gettext_lazy("Signed-off session changed: sent for a new sign-off"),
    "session.recorded_from_attendance": gettext_lazy("Session recorded from attendance"),
    "cpd.recorded_from_attendance": gettext_lazy("CPD recorded from lab attendance"),
    "cpd.recorded_self_study": gettext_lazy("Self-study CPD recorded"),
    "account.erased": gettext_lazy("Account erased"),
    "training.centre_matched": gettext_lazy("Training record linked to a registry centre"),
    "training.centre_unmatched": gettext_lazy("Training record: no registry centre matched"),
}


def _signed_facts(session: SupervisionSession) -> dict:
    return {name: getattr(session, name) for name in SIGNED_FACTS}


def _email(template: str, *, to: str, context: dict, recipient: User | None = None) -> None:
    """In the recipient's language and zone when they are a user; otherwise in the current ones
    (the time zone is always named in the text)."""
    send_templated_email(f"practice/email/{template}", to=to, recipient=recipient, context=context)


# --- Supervision relationships ------------------------------------------------------------


def relationship_declare(
    *,
    mentor: User,
    supervisor: User | None = None,
    external_name: str = "",
    external_email: str = "",
    external_address: str = "",
    **fields,
) -> SupervisionRelationship:
    if supervisor is not None:
        if supervisor == mentor:
            raise ValidationError(_("You cannot be your own supervisor."))
        if not supervisor.has_role(Role.SUPERVISOR):
            raise ValidationError(_("That person is not a supervisor on the platform."))
        external_name = external_email = external_address = ""
    elif not (external_name.strip() and external_email.strip()):
        raise ValidationError(_("An external supervisor needs a name and an email address."))
    relationship = SupervisionRelationship(
        mentor=mentor,
        supervisor=supervisor,
        external_name=external_name.strip(),
        external_email=external_email.strip().lower(),
        external_address=external_address.strip(),
        **fields,
    )
    relationship.full_clean()
    relationship.save()
    return relationship


def relationship_end(
    *, relationship: SupervisionRelationship, by: User, ended_on: datetime.date
) -> None:
    """Either side may end it; the history stays."""
    if relationship.ended_on is not None:
        raise ValidationError(_("This supervision relationship has already ended."))
    if ended_on < relationship.started_on:
        raise ValidationError(_("The end date cannot be before the start date."))
    relationship.ended_on = ended_on
    relationship.ended_by = by
    relationship.save(update_fields=["ended_on", "ended_by"])


# --- The supervision log -------------------------------------------------------------------

HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+[A-Z][a-z]+")
FULL_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{1,}\s+[A-Z][a-z]{1,}\b")


def client_name_warnings(text: str, *, mentor: User) -> list[str]:
    """Words in `text` that look like a client's name: a known mentee, or a name-like phrase.

    A warning, not a refusal: "Ethics in Action" is a theme, not a person.
    """
    if not text:
        return []
    found: list[str] = []
    for engagement in MentoringEngagement.objects.filter(mentor=mentor).only("mentee_name"):
        for part in [engagement.mentee_name, *engagement.mentee_name.split()]:
            if len(part) > 2 and re.search(rf"\b{re.escape(part)}\b", text, re.IGNORECASE):
                found.append(part)
    found += HONORIFIC.findall(text)
    found += FULL_NAME.findall(text)
    return sorted(set(found), key=found.index)


def future_session_refusal(starts_at: datetime.datetime) -> str | None:
    """The one "no future session" rule: the session form, the service and the importer ask it."""
    if starts_at > timezone.now():
        return _("A session in the future cannot be logged as held.")
    return None


def _check_session_facts(
    *, mentor: User, relationship: SupervisionRelationship, starts_at: datetime.datetime
) -> None:
    if relationship.mentor_id != mentor.pk:
        raise ValidationError(_("Choose one of your own supervisors."))
    refusal = future_session_refusal(starts_at)
    if refusal:
        raise ValidationError(refusal, code="future")
    day = timezone.localdate(starts_at)
    if day < relationship.started_on or (relationship.ended_on and day > relationship.ended_on):
        raise ValidationError(
            _("On that date this supervisor relationship was not in place (%(start)s to %(end)s).")
            % {
                "start": relationship.started_on,
                "end": relationship.ended_on or _("now"),
            },
            code="relationship_dates",
        )


_DURATION_BOUNDED = next(
    c for c in SupervisionSession._meta.constraints if c.name == "session_duration_bounded"
)


def _check_duration(duration_minutes: int) -> None:
    """The `session_duration_bounded` constraint, with its own message."""
    if not 0 < duration_minutes <= MAX_SESSION_MINUTES:
        raise ValidationError(
            _DURATION_BOUNDED.get_violation_error_message(), code="session_duration_bounded"
        )


def _duplicate_error() -> ValidationError:
    return ValidationError(
        _("A session with this supervisor starting at that time is already in your log."),
        code="duplicate",
    )


@transaction.atomic
def session_log(
    *,
    mentor: User,
    relationship: SupervisionRelationship,
    starts_at: datetime.datetime,
    duration_minutes: int,
    competencies=(),
    clauses=(),
    notify: bool = True,
    **fields,
) -> SupervisionSession:
    """Log a held session and send it to its supervisor for sign-off (by `sign_off_request`,
    or, with notify=False, by the caller's `sign_off_request_many` for a batch)."""
    _check_session_facts(mentor=mentor, relationship=relationship, starts_at=starts_at)
    session = SupervisionSession(
        mentor=mentor,
        relationship=relationship,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        **fields,
    )
    # The constraints are asked here in Python (full_clean would ask the database, a query and a
    # savepoint each time); the uniqueness is left to the INSERT.
    session.full_clean(
        exclude=["relationship", "mentor"], validate_unique=False, validate_constraints=False
    )
    _check_duration(duration_minutes)
    try:
        # No savepoint of its own: the error leaves this function, and its atomic block (or the
        # caller's savepoint for it) rolls the attempt back.
        session.save()
    except IntegrityError as exc:
        raise _duplicate_error() from exc
    # A new entry has no rows to replace: set() would first read them, twice over.
    if competencies:
        session.competencies.add(*competencies)
    if clauses:
        session.clauses.add(*clauses)
    if notify:
        sign_off_request(session=session)
    return session


def session_edit_refusal(session: SupervisionSession) -> str | None:
    """Why the mentor may not edit this entry's facts, else None: the one rule the edit page
    and `session_update` both ask."""
    if session.is_from_attendance:
        # Its facts come from the facilitator's attendance record, not from the mentor.
        return _("This session was recorded from attendance; its facts are fixed.")
    return None


@transaction.atomic
def session_update(
    *, session: SupervisionSession, competencies=None, clauses=None, **fields
) -> SupervisionSession:
    """Edit an entry. Changing what the supervisor confirmed sends it back for a new sign-off."""
    session = SupervisionSession.objects.select_for_update().get(pk=session.pk)
    refusal = session_edit_refusal(session)
    if refusal:
        raise ValidationError(refusal)
    relationship = fields.get("relationship", session.relationship)
    starts_at = fields.get("starts_at", session.starts_at)
    _check_session_facts(mentor=session.mentor, relationship=relationship, starts_at=starts_at)
    before = _signed_facts(session)
    for name, value in fields.items():
        setattr(session, name, value)
    facts_changed = any(getattr(session, name) != before[name] for name in SIGNED_FACTS)
    if facts_changed and session.status != SupervisionSession.Status.PENDING:
        # The entry goes back for a new sign-off; the trail keeps who had signed it and when.
        changed = [name for name in SIGNED_FACTS if getattr(session, name) != before[name]]
        audit_record(
            actor=session.mentor,
            action="session.reopened",
            subject=session,
            person=session.mentor,
            before={
                "status": session.status,
                "signed_off_by": session.signed_off_by_name,
                "signed_off_by_id": session.signed_off_by_id,
                "signed_off_at": session.signed_off_at,
                **{name: before[name] for name in changed},
            },
            after={
                "status": SupervisionSession.Status.PENDING,
                **{name: getattr(session, name) for name in changed},
            },
        )
        session.status = SupervisionSession.Status.PENDING
        session.signed_off_at = None
        session.signed_off_by = None
        session.signed_off_by_name = ""
        session.dispute_reason = ""
    try:
        session.save()  # as in session_log: no savepoint needed to raise
    except IntegrityError as exc:
        raise _duplicate_error() from exc
    if competencies is not None:
        session.competencies.set(competencies)
    if clauses is not None:
        session.clauses.set(clauses)
    if facts_changed:
        sign_off_request(session=session)
    return session


def _new_sign_off_link(session: SupervisionSession) -> str:
    session.links.filter(used_at__isnull=True).update(used_at=timezone.now())  # older links die
    token = secrets.token_urlsafe(32)
    SignOffLink.objects.create(
        session=session,
        token_hash=token_digest(token),
        expires_at=timezone.now() + datetime.timedelta(days=SIGN_OFF_LINK_DAYS),
    )
    return token


def sign_off_request_many(*, sessions: list[SupervisionSession]) -> None:
    """One email per supervisor for a batch (an import): a digest, not one email per session."""
    by_relationship: dict[int, list[SupervisionSession]] = {}
    for session in sessions:
        by_relationship.setdefault(session.relationship_id, []).append(session)
    for group in by_relationship.values():
        relationship, mentor = group[0].relationship, group[0].mentor
        context = {"mentor": mentor, "relationship": relationship, "count": len(group)}
        if relationship.is_external:
            context["items"] = [
                (
                    s,
                    absolute_url(
                        reverse("practice:external_sign_off", args=[_new_sign_off_link(s)])
                    ),
                )
                for s in group
            ]
            context["days"] = SIGN_OFF_LINK_DAYS
            _email("sign_off_digest", to=relationship.external_email, context=context)
        else:
            context["url"] = absolute_url(reverse("practice:sign_off_queue"))
            _email(
                "sign_off_digest",
                to=relationship.supervisor.email,
                context=context,
                recipient=relationship.supervisor,
            )


def sign_off_request(*, session: SupervisionSession) -> str | None:
    """Tell the supervisor. External supervisors get a single-use link; returns its token."""
    relationship = session.relationship
    context = {"session": session, "mentor": session.mentor, "relationship": relationship}
    if not relationship.is_external:
        context["url"] = absolute_url(reverse("practice:sign_off_queue"))
        _email(
            "sign_off_request",
            to=relationship.supervisor.email,
            context=context,
            recipient=relationship.supervisor,
        )
        return None
    token = _new_sign_off_link(session)
    context["url"] = absolute_url(reverse("practice:external_sign_off", args=[token]))
    context["days"] = SIGN_OFF_LINK_DAYS
    _email("sign_off_request", to=relationship.external_email, context=context)
    return token


@dataclass(frozen=True)
class SignOffDecision:
    confirm: bool
    reason: str = ""


@transaction.atomic
def session_sign_off(
    *,
    session: SupervisionSession,
    decision: SignOffDecision,
    by: User | None = None,
    link: SignOffLink | None = None,
) -> SupervisionSession:
    """Confirm or dispute a pending entry, once: two clicks or two tabs decide it once."""
    # Locked and read again with what the decision needs (SIGN_OFF_READ), in one query; the
    # mentor's private notes are neither read nor written (each would be decrypted, then
    # encrypted again).
    session = (
        SupervisionSession.objects.select_for_update(of=("self",))
        .select_related("relationship", "mentor")
        .only(*SIGN_OFF_READ)
        .get(pk=session.pk)
    )
    if session.status != SupervisionSession.Status.PENDING:
        raise Conflict(_("This session has already been signed off."))
    if by is not None:
        if session.relationship.supervisor_id != by.pk:
            raise ValidationError(_("Only the session's supervisor can sign it off."))
        session.signed_off_by = by
        session.signed_off_by_name = by.get_full_name()
    elif link is not None:
        link = SignOffLink.objects.select_for_update().get(pk=link.pk)
        if link.used_at is not None:
            raise Conflict(_("This link has already been used."))
        if not link.is_usable or link.session_id != session.pk:
            raise ValidationError(_("This link has expired or has already been used."))
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        session.signed_off_by_name = session.relationship.external_name
    else:
        raise ValueError("a sign-off needs a supervisor or a link")
    if not decision.confirm and not decision.reason.strip():
        raise ValidationError(_("Say why you dispute this entry, so the mentor can correct it."))
    session.status = (
        SupervisionSession.Status.CONFIRMED
        if decision.confirm
        else SupervisionSession.Status.DISPUTED
    )
    session.dispute_reason = "" if decision.confirm else decision.reason.strip()
    session.signed_off_at = timezone.now()
    session.save(update_fields=SIGN_OFF_FIELDS)
    # The dispute's reason is the supervisor's free text: it stays on the entry, not the trail.
    audit_record(
        actor=by,
        actor_name="" if by is not None else session.signed_off_by_name,
        action="session.confirmed" if decision.confirm else "session.disputed",
        subject=session,
        person=session.mentor,
        before={"status": SupervisionSession.Status.PENDING},
        after={
            "status": session.status,
            "signed_off_by": session.signed_off_by_name,
            "by_link": link is not None,
        },
    )
    _email(
        "sign_off_result",
        to=session.mentor.email,
        recipient=session.mentor,
        context={
            "session": session,
            "url": absolute_url(reverse("practice:session_detail", args=[session.pk])),
        },
    )
    return session


def sign_off_link_for_token(token: str) -> SignOffLink | None:
    return (
        SignOffLink.objects.select_related("session__mentor", "session__relationship")
        .defer(*(f"session__{name}" for name in NOT_SIGNED))
        .filter(token_hash=token_digest(token))
        .first()
    )


# --- Records made from attendance (supervision calls these) -------------------------------


@transaction.atomic
def session_record_from_attendance(
    *,
    mentor: User,
    facilitator: User,
    source: str,
    starts_at: datetime.datetime,
    duration_minutes: int,
    format: str,
    focus: str,
    relationship: SupervisionRelationship | None = None,
) -> SupervisionSession:
    """The attendee's log entry for a booking, group session or lab they attended, already
    signed off by the facilitator: created once per (mentor, source), however often
    attendance is marked. Its facts stay fixed (`SupervisionSession.is_from_attendance`)."""
    existing = SupervisionSession.objects.filter(mentor=mentor, source=source).first()
    if existing is not None:
        return existing
    now = timezone.now()
    fields = {
        "mentor": mentor,
        "facilitator": facilitator,
        "facilitator_name": facilitator.get_full_name()[:150],
        "source": source,
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "format": format,
        "focus": focus[:200],
        "status": SupervisionSession.Status.CONFIRMED,
        "signed_off_by": facilitator,
        "signed_off_by_name": facilitator.get_full_name()[:150],
        "signed_off_at": now,
    }
    try:
        with transaction.atomic():
            session = SupervisionSession.objects.create(relationship=relationship, **fields)
    except IntegrityError:
        existing = SupervisionSession.objects.filter(mentor=mentor, source=source).first()
        if existing is not None:
            return existing
        if relationship is None:
            raise
        # The mentor had already logged this very session with this supervisor: keep theirs,
        # and record ours by its source only, so the attendance is still counted exactly once.
        manual = SupervisionSession.objects.filter(
            relationship=relationship, starts_at=starts_at
        ).first()
        if manual is not None:
            return manual
        session = SupervisionSession.objects.create(relationship=None, **fields)
    audit_record(
        actor=facilitator,
        action="session.recorded_from_attendance",
        subject=session,
        person=mentor,
        after={"source": source, "status": session.status, "format": format},
    )
    return session


@transaction.atomic
def cpd_record_from_attendance(
    *,
    mentor: User,
    by: User,
    source: str,
    category: str,
    title: str,
    occurred_on: datetime.date,
    hours,
) -> CpdEntry:
    """The CPD an attended event earns (a thematic lab's hours), once per (mentor, source)."""
    return _cpd_record_from_source(
        mentor=mentor,
        by=by,
        action="cpd.recorded_from_attendance",
        source=source,
        category=category,
        title=title,
        occurred_on=occurred_on,
        hours=hours,
    )


def cpd_record_self_study(
    *,
    mentor: User,
    source: str,
    title: str,
    occurred_on: datetime.date,
    hours,
) -> CpdEntry:
    """A self-study line of the CPD ledger (a studied library resource), once per (mentor,
    source): a second call returns the first line. The caller decides the hours (its cap)."""
    return _cpd_record_from_source(
        mentor=mentor,
        by=mentor,
        action="cpd.recorded_self_study",
        source=source,
        category=CpdEntry.Category.SELF_STUDY,
        title=title,
        occurred_on=occurred_on,
        hours=hours,
    )


def _cpd_record_from_source(
    *, mentor: User, by: User, action: str, source: str, category: str, title, occurred_on, hours
) -> CpdEntry:
    """A ledger line the platform writes for something else (its `source`), once per mentor:
    a second call returns the first line and records nothing."""
    entry, created = CpdEntry.objects.get_or_create(
        mentor=mentor,
        source=source,
        defaults={
            "category": category,
            "title": title[:200],
            "occurred_on": occurred_on,
            "hours": hours,
        },
    )
    if created:
        audit_record(
            actor=by,
            action=action,
            subject=entry,
            person=mentor,
            after={"source": source, "hours": hours, "occurred_on": occurred_on},
        )
    return entry


# --- References ----------------------------------------------------------------------------


@transaction.atomic
def reference_request(
    *, engagement: MentoringEngagement, referee_name: str, referee_email: str, relation: str
) -> tuple[Reference, str]:
    reference = Reference.objects.create(
        engagement=engagement,
        referee_name=referee_name.strip(),
        referee_email=referee_email.strip().lower(),
        relation=relation,
    )
    return reference, reference_send(reference=reference)


@transaction.atomic
def reference_send(*, reference: Reference) -> str:
    """(Re)send the referee's single-use link, valid 30 days; an older link stops working."""
    if reference.is_verified or reference.status == Reference.Status.DECLINED:
        raise ValidationError(_("The referee has already answered."))
    if reference.status == Reference.Status.TO_BE_CONTACTED:
        raise ValidationError(_("The body contacts this mentee itself: there is no link to send."))
    token = secrets.token_urlsafe(32)
    reference.token_hash = token_digest(token)
    reference.status = Reference.Status.REQUESTED
    reference.sent_at = timezone.now()
    reference.expires_at = reference.sent_at + datetime.timedelta(days=REFERENCE_LINK_DAYS)
    reference.save()
    _email(
        "reference_request",
        to=reference.referee_email,
        context={
            "reference": reference,
            "mentor": reference.engagement.mentor,
            "url": absolute_url(reverse("practice:referee_response", args=[token])),
            "days": REFERENCE_LINK_DAYS,
        },
    )
    return token


def reference_for_token(token: str) -> Reference | None:
    reference = (
        Reference.objects.select_related("engagement__mentor")
        .filter(token_hash=token_digest(token))
        .first()
    )
    if (
        reference
        and reference.status == Reference.Status.REQUESTED
        and reference.expires_at
        and reference.expires_at <= timezone.now()
    ):
        reference.status = Reference.Status.EXPIRED
        reference.save(update_fields=["status"])
    return reference


@transaction.atomic
def reference_respond(
    *,
    reference: Reference,
    answer: str,
    comment: str = "",
    started_on: datetime.date | None = None,
    ended_on: datetime.date | None = None,
) -> Reference:
    reference = Reference.objects.select_for_update().get(pk=reference.pk)
    if reference.status != Reference.Status.REQUESTED:
        raise Conflict(_("This reference has already been answered."))
    if reference.expires_at <= timezone.now():
        raise ValidationError(_("This link has expired or has already been used."))
    if answer not in {
        Reference.Status.CONFIRMED,
        Reference.Status.CORRECTED,
        Reference.Status.DECLINED,
    }:
        raise ValidationError(_("Choose confirm, correct or decline."))
    if answer == Reference.Status.CORRECTED:
        if not started_on:
            raise ValidationError(_("Give the dates as you know them."))
        if ended_on and ended_on < started_on:
            raise ValidationError(_("The end date cannot be before the start date."))
        reference.corrected_started_on, reference.corrected_ended_on = started_on, ended_on
    reference.status = answer
    reference.referee_comment = comment.strip()
    reference.responded_at = timezone.now()
    # Single use comes from the status; the digest stays so a reused link says "already used".
    reference.save()
    engagement = reference.engagement
    _email(
        "reference_answered",
        to=engagement.mentor.email,
        recipient=engagement.mentor,
        context={
            "reference": reference,
            "url": absolute_url(reverse("practice:engagement_detail", args=[engagement.pk])),
        },
    )
    return reference


def reference_record_without_letter(*, engagement: MentoringEngagement) -> Reference:
    """The path without a letter: the body will contact the mentee itself (once)."""
    waiting = engagement.references.filter(status=Reference.Status.TO_BE_CONTACTED).first()
    if waiting is not None:
        return waiting
    if not (engagement.mentee_name and engagement.mentee_email):
        raise ValidationError(
            _("Add the mentee's name and email to the engagement: the body will contact them.")
        )
    return Reference.objects.create(
        engagement=engagement,
        referee_name=engagement.mentee_name,
        referee_email=engagement.mentee_email,
        relation=Reference.Relation.MENTEE,
        status=Reference.Status.TO_BE_CONTACTED,
    )


LOCAL_MONTH_BATCH = 2000


def local_months_refresh(*, user: User, **_kw) -> int:
    """Re-date the mentor's sessions on their new calendar after a time zone change (a
    TIME_ZONE_HOOKS hook): the stored month follows the zone the mentor now lives in, as the
    chart did when it grouped in their zone on every read. Returns how many rows changed."""
    zone = user_zone(user)
    changed, last = 0, 0
    while True:
        rows = list(
            SupervisionSession.objects.filter(mentor=user, pk__gt=last)
            .order_by("pk")
            .only("pk", "starts_at", "local_month")[:LOCAL_MONTH_BATCH]
        )
        if not rows:
            return changed
        stale = []
        for row in rows:
            month = local_month_of(row.starts_at, zone)
            if row.local_month != month:
                row.local_month = month
                stale.append(row)
        SupervisionSession.objects.bulk_update(stale, ["local_month"])
        changed += len(stale)
        last = rows[-1].pk
