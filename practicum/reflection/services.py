"""Rules of the reflective toolkit. Views validate input; these functions enforce the rules.

Everything here belongs to one mentor. The only path by which anyone else reads any of it is
`reflection_share` (chosen steps of one reflection, to the supervisor of one session), and the
mentor can withdraw it at any time.
"""

import datetime
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.accounts.models import Role, User
from practicum.frameworks.models import (
    BehaviouralIndicator,
    EthicsClause,
    FrameworkVersion,
)
from practicum.frameworks.ranking import ClauseSuggestion, suggest_clauses
from practicum.lib.emails import send_templated_email
from practicum.lib.urls import absolute_url
from practicum.practice.models import CpdEntry, MentoringEngagement, SupervisionSession
from practicum.reflection import scoring
from practicum.reflection.models import (
    STAKEHOLDER_FIELDS,
    CompetencyAssessment,
    DevelopmentGoal,
    EthicsWorksheet,
    GoalEvidence,
    IndicatorRating,
    ReadinessAnswer,
    ReadinessAttempt,
    Reflection,
    ReflectionShare,
    SelfCareCheck,
    SelfCarePreference,
    SelfCareReminder,
    SessionTag,
    Tag,
    ToolVersion,
    WorksheetClause,
)

Kind = ToolVersion.Kind
MAX_ANSWER_CHARS = 20_000
MAX_OPTIONS = 6
MAX_TAGS = 12
MAX_TAG_CHARS = 40
SUGGESTIONS = 8


_absolute = absolute_url


def _email(template: str, *, recipient: User, context: dict) -> None:
    """Rendered in the recipient's language and time zone. Never any reflective text."""
    send_templated_email(f"reflection/email/{template}", recipient=recipient, context=context)


def current_tool(kind: str) -> ToolVersion | None:
    return ToolVersion.objects.current(kind)


def _check_engagement(mentor: User, engagement: MentoringEngagement | None) -> None:
    if engagement is not None and engagement.mentor_id != mentor.pk:
        raise ValidationError(_("Choose one of your own engagements."))


def _clean_text(value: str | None, *, label: str) -> str:
    text = (value or "").strip()
    if len(text) > MAX_ANSWER_CHARS:
        raise ValidationError(
            _("%(label)s is too long: keep it under %(n)d characters.")
            % {"label": label, "n": MAX_ANSWER_CHARS}
        )
    return text


# --- Tags -----------------------------------------------------------------------------------


def normalise_tag(name: str) -> str:
    return " ".join(name.split())


def tag_digest(name: str) -> str:
    """A keyed hash of the name as compared (case and spacing ignored): unique per mentor
    without storing the name in clear."""
    key = hashlib.sha256(f"reflection-tag:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, normalise_tag(name).casefold().encode(), hashlib.sha256).hexdigest()


def parse_tag_names(text: str) -> list[str]:
    """Comma-separated names, cleaned; a clear error for one too long or too many."""
    names: list[str] = []
    seen: set[str] = set()
    for raw in (text or "").split(","):
        name = normalise_tag(raw)
        if not name or name.casefold() in seen:
            continue
        if len(name) > MAX_TAG_CHARS:
            raise ValidationError(
                _("“%(name)s…” is too long for a theme: at most %(n)d characters.")
                % {"name": name[:20], "n": MAX_TAG_CHARS}
            )
        seen.add(name.casefold())
        names.append(name)
    return names


def tags_get_or_create(*, mentor: User, names: Iterable[str]) -> list[Tag]:
    tags = []
    for name in names:
        name = normalise_tag(name)
        if not name:
            continue
        if len(name) > MAX_TAG_CHARS:
            raise ValidationError(_("A theme has at most %(n)d characters.") % {"n": MAX_TAG_CHARS})
        digest = tag_digest(name)
        tag = Tag.objects.filter(mentor=mentor, digest=digest).first()
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(mentor=mentor, name=name, digest=digest)
            except IntegrityError:  # created meanwhile (another tab)
                tag = Tag.objects.get(mentor=mentor, digest=digest)
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError(_("At most %(n)d themes on one entry.") % {"n": MAX_TAGS})
    return tags


@transaction.atomic
def reflection_tags_set(*, reflection: Reflection, names: Iterable[str]) -> list[Tag]:
    tags = tags_get_or_create(mentor=reflection.mentor, names=names)
    reflection.tags.set(tags)
    return tags


@transaction.atomic
def session_tags_set(
    *, mentor: User, session: SupervisionSession, names: Iterable[str]
) -> list[Tag]:
    if session.mentor_id != mentor.pk:
        raise ValidationError(_("Choose one of your own sessions."))
    tags = tags_get_or_create(mentor=mentor, names=names)
    SessionTag.objects.filter(session=session).exclude(tag__in=tags).delete()
    existing = set(SessionTag.objects.filter(session=session).values_list("tag_id", flat=True))
    SessionTag.objects.bulk_create(
        [SessionTag(tag=t, session=session) for t in tags if t.pk not in existing],
        ignore_conflicts=True,
    )
    return tags


def tag_delete(*, tag: Tag) -> None:
    """Removes the theme from every reflection and session it was on."""
    tag.delete()


# --- Reflective Conversation Framework ------------------------------------------------------


def reflection_start(
    *,
    mentor: User,
    tool: ToolVersion,
    title: str,
    engagement: MentoringEngagement | None = None,
) -> Reflection:
    if tool.kind != Kind.REFLECTIVE_CONVERSATION:
        raise ValueError("a reflection follows the Reflective Conversation Framework")
    _check_engagement(mentor, engagement)
    title = normalise_tag(title)
    if not title:
        raise ValidationError(_("Give your reflection a short title."))
    return Reflection.objects.create(
        mentor=mentor, tool=tool, title=title[:120], engagement=engagement
    )


def _locked(reflection: Reflection) -> Reflection:
    return Reflection.objects.select_for_update().select_related("tool").get(pk=reflection.pk)


@transaction.atomic
def reflection_save_step(
    *, reflection: Reflection, step: int, values: Mapping[str, str]
) -> Reflection:
    """Save one step's answers as a draft (an empty answer removes it). Two tabs saving two
    steps both keep theirs: the answers are re-read under a row lock."""
    locked = _locked(reflection)
    steps = locked.tool.steps
    if not 1 <= step <= len(steps):
        raise ValidationError(_("There is no such step."))
    fields = steps[step - 1]["fields"]
    unknown = set(values) - {f["key"] for f in fields}
    if unknown:
        raise ValueError(f"not answers of step {step}: {sorted(unknown)}")
    answers = locked.answer_map
    for field in fields:
        text = _clean_text(values.get(field["key"]), label=field["label"])
        if text:
            answers[field["key"]] = text
        else:
            answers.pop(field["key"], None)
    locked.answers = json.dumps(answers, ensure_ascii=False) if answers else ""
    locked.current_step = step
    locked.save(update_fields=["answers", "current_step", "updated_at"])
    reflection.answers, reflection.current_step = locked.answers, locked.current_step
    return locked


@transaction.atomic
def reflection_complete(*, reflection: Reflection) -> Reflection:
    locked = _locked(reflection)
    first = locked.tool.steps[0]
    if not locked.step_is_answered(first):
        raise ValidationError(
            _("Describe the situation (step 1, “%(title)s”) before you finish.")
            % {"title": first["title"]}
        )
    if locked.completed_at is None:
        locked.completed_at = timezone.now()
        locked.save(update_fields=["completed_at", "updated_at"])
    return locked


@transaction.atomic
def reflection_update(
    *,
    reflection: Reflection,
    title: str,
    engagement: MentoringEngagement | None,
    tag_names: Iterable[str] = (),
) -> Reflection:
    _check_engagement(reflection.mentor, engagement)
    title = normalise_tag(title)
    if not title:
        raise ValidationError(_("Give your reflection a short title."))
    reflection.title = title[:120]
    reflection.engagement = engagement
    reflection.save(update_fields=["title", "engagement", "updated_at"])
    reflection_tags_set(reflection=reflection, names=tag_names)
    return reflection


def reflection_delete(*, reflection: Reflection) -> None:
    """For good, with its shares. A worksheet opened from it stays, unlinked: delete it too
    from its own page if you wish."""
    reflection.delete()


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in (text or "").replace("\r", "").split("\n\n") if p.strip()]


@transaction.atomic
def reflection_worksheet_open(*, reflection: Reflection) -> EthicsWorksheet:
    """The Ethics Lens Worksheet of this reflection, created on first use from what the
    reflection already says (the situation and ethical dimension; options, one a paragraph)."""
    locked = _locked(reflection)
    existing = EthicsWorksheet.objects.filter(reflection=locked).first()
    if existing is not None:
        return existing
    answers = locked.answer_map
    dilemma = "\n\n".join(
        text for text in (answers.get("situation"), answers.get("ethical")) if text
    )
    return worksheet_create(
        mentor=locked.mentor,
        title=locked.title,
        dilemma=dilemma,
        options=_paragraphs(answers.get("options", ""))[:MAX_OPTIONS],
        engagement=locked.engagement,
        reflection=locked,
    )


# --- Attaching to a supervision session and sharing with its supervisor ---------------------


def session_supervisor(session: SupervisionSession) -> User | None:
    """Who supervises the session on the platform: the declared supervisor, or (a group session
    or lab from attendance) its facilitator. None when the supervisor is external."""
    if session.relationship_id is not None:
        return session.relationship.supervisor
    return session.facilitator


def _withdraw_active(reflection: Reflection) -> int:
    return (
        ReflectionShare.objects.active()
        .filter(reflection=reflection)
        .update(withdrawn_at=timezone.now())
    )


@transaction.atomic
def reflection_attach(*, reflection: Reflection, session: SupervisionSession | None) -> Reflection:
    """Attach the reflection to one of the mentor's sessions (or detach it). Moving it to
    another session withdraws what was shared: the next supervisor sees nothing unasked."""
    locked = _locked(reflection)
    if session is not None and session.mentor_id != locked.mentor_id:
        raise ValidationError(_("Choose one of your own supervision sessions."))
    new_id = session.pk if session else None
    if locked.session_id != new_id:
        _withdraw_active(locked)
        locked.session = session
        locked.save(update_fields=["session", "updated_at"])
    reflection.session = session
    return locked


@transaction.atomic
def reflection_share(
    *,
    reflection: Reflection,
    session: SupervisionSession,
    steps: Sequence[str],
    include_worksheet: bool = False,
) -> ReflectionShare:
    """Attach the reflection to `session` and show the chosen steps to its supervisor (before
    the session, typically). Sharing again updates what is shared; the supervisor is told by
    email, which says who shared and for which session, never what."""
    locked = reflection_attach(reflection=reflection, session=session)
    supervisor = session_supervisor(session)
    if supervisor is None:
        raise ValidationError(
            _(
                "This session’s supervisor is not on Practicum, so it cannot be shared here. "
                "Download the reflection as a PDF and bring it to them yourself."
            )
        )
    if supervisor.pk == locked.mentor_id:
        raise ValidationError(_("You cannot share a reflection with yourself."))
    tool_steps = locked.tool.steps
    unknown = set(steps) - {s["key"] for s in tool_steps}
    if unknown:
        raise ValueError(f"unknown steps {sorted(unknown)}")
    chosen = [s for s in tool_steps if s["key"] in set(steps)]  # in the framework's order
    if not chosen:
        raise ValidationError(_("Choose at least one step to share."))
    if not any(locked.step_is_answered(s) for s in chosen):
        raise ValidationError(_("The steps you chose are empty: write them first."))
    chosen_keys = [s["key"] for s in chosen]
    if include_worksheet and not EthicsWorksheet.objects.filter(reflection=locked).exists():
        raise ValidationError(_("This reflection has no Ethics Lens Worksheet to share."))
    share = ReflectionShare.objects.active().select_for_update().filter(reflection=locked).first()
    if (
        share is not None
        and share.session_id == session.pk
        and share.supervisor_id == supervisor.pk
    ):
        share.steps, share.include_worksheet = chosen_keys, include_worksheet
        share.save(update_fields=["steps", "include_worksheet"])
        return share
    _withdraw_active(locked)
    share = ReflectionShare.objects.create(
        reflection=locked,
        session=session,
        supervisor=supervisor,
        steps=chosen_keys,
        include_worksheet=include_worksheet,
    )
    _email(
        "shared",
        recipient=supervisor,
        context={
            "mentor": locked.mentor,
            "session": session,
            "url": _absolute(reverse("reflection:shared_reflection", args=[share.code])),
        },
    )
    return share


@transaction.atomic
def reflection_share_withdraw(*, reflection: Reflection) -> bool:
    """Stop sharing at once. Returns whether anything was shared."""
    return bool(_withdraw_active(_locked(reflection)))


# --- Ethics Lens Worksheet ------------------------------------------------------------------


def _clean_options(options: Iterable[str]) -> list[str]:
    cleaned = [" ".join(str(o).split()) for o in options if str(o).strip()]
    if len(cleaned) > MAX_OPTIONS:
        raise ValidationError(
            _("List at most %(n)d options: the worksheet weighs each against each clause.")
            % {"n": MAX_OPTIONS}
        )
    for option in cleaned:
        _clean_text(option, label=_("An option"))
    return cleaned


def worksheet_create(
    *,
    mentor: User,
    title: str,
    dilemma: str = "",
    options: Iterable[str] = (),
    engagement: MentoringEngagement | None = None,
    reflection: Reflection | None = None,
) -> EthicsWorksheet:
    _check_engagement(mentor, engagement)
    if reflection is not None and reflection.mentor_id != mentor.pk:
        raise ValidationError(_("Choose one of your own reflections."))
    title = normalise_tag(title)
    if not title:
        raise ValidationError(_("Give the worksheet a short title."))
    return EthicsWorksheet.objects.create(
        mentor=mentor,
        title=title[:120],
        dilemma=_clean_text(dilemma, label=_("The dilemma")),
        options=json.dumps(_clean_options(options), ensure_ascii=False),
        engagement=engagement,
        reflection=reflection,
    )


@transaction.atomic
def worksheet_update(
    *,
    worksheet: EthicsWorksheet,
    title: str,
    dilemma: str,
    options: Iterable[str],
    engagement: MentoringEngagement | None,
) -> EthicsWorksheet:
    """Edit the dilemma and options. Removing options drops what was written about them."""
    _check_engagement(worksheet.mentor, engagement)
    title = normalise_tag(title)
    if not title:
        raise ValidationError(_("Give the worksheet a short title."))
    worksheet = EthicsWorksheet.objects.select_for_update().get(pk=worksheet.pk)
    cleaned = _clean_options(options)
    worksheet.title = title[:120]
    worksheet.dilemma = _clean_text(dilemma, label=_("The dilemma"))
    worksheet.options = json.dumps(cleaned, ensure_ascii=False)
    worksheet.engagement = engagement
    worksheet.save()
    for cited in worksheet.cited_clauses.all():
        analysis = {k: v for k, v in cited.analysis_map.items() if int(k) < len(cleaned)}
        if analysis != cited.analysis_map:
            cited.analysis = json.dumps(analysis, ensure_ascii=False) if analysis else ""
            cited.save(update_fields=["analysis"])
    return worksheet


def current_code() -> FrameworkVersion | None:
    return FrameworkVersion.objects.current(FrameworkVersion.Kind.CODE_OF_ETHICS)


def clause_suggestions(text: str, *, limit: int = SUGGESTIONS) -> list[ClauseSuggestion]:
    """The current Code's clauses closest in meaning to `text` (the frameworks ranker)."""
    return suggest_clauses(text, framework=current_code(), limit=limit)


def worksheet_clause_add(
    *, worksheet: EthicsWorksheet, clause: EthicsClause, source: str
) -> WorksheetClause:
    """Cite a clause (once; adding it again is no change)."""
    if clause.framework.kind != FrameworkVersion.Kind.CODE_OF_ETHICS:
        raise ValueError("only clauses of the Code of Ethics are cited")
    if source not in WorksheetClause.Source.values:
        raise ValueError(f"unknown source {source!r}")
    try:
        with transaction.atomic():
            cited = WorksheetClause.objects.create(
                worksheet=worksheet, clause=clause, source=source
            )
    except IntegrityError:
        return WorksheetClause.objects.get(worksheet=worksheet, clause=clause)
    EthicsWorksheet.objects.filter(pk=worksheet.pk).update(updated_at=timezone.now())
    return cited


def worksheet_clause_remove(*, worksheet: EthicsWorksheet, clause_id: int) -> bool:
    deleted, _rows = WorksheetClause.objects.filter(
        worksheet=worksheet, clause_id=clause_id
    ).delete()
    return bool(deleted)


@transaction.atomic
def worksheet_analysis_save(
    *, worksheet: EthicsWorksheet, analyses: Mapping[int, Mapping[int, str]]
) -> None:
    """For each cited clause (by WorksheetClause pk), how each option (by index) stands."""
    options = worksheet.option_list
    cited = {c.pk: c for c in worksheet.cited_clauses.select_for_update()}
    for pk, by_option in analyses.items():
        if pk not in cited:
            raise ValueError(f"clause {pk} is not cited on this worksheet")
        text = {}
        for index, value in by_option.items():
            if not 0 <= int(index) < len(options):
                raise ValueError(f"no option {index}")
            value = _clean_text(value, label=_("An analysis"))
            if value:
                text[str(int(index))] = value
        cited[pk].analysis = json.dumps(text, ensure_ascii=False) if text else ""
        cited[pk].save(update_fields=["analysis"])
    EthicsWorksheet.objects.filter(pk=worksheet.pk).update(updated_at=timezone.now())


CONCLUSION_FIELDS = (*STAKEHOLDER_FIELDS, "decision", "reasons", "to_supervision")


@transaction.atomic
def worksheet_conclude(*, worksheet: EthicsWorksheet, **fields: str) -> EthicsWorksheet:
    """Stakeholders affected (Code clause 1.A.7), the decision, its reasons, for supervision."""
    unknown = set(fields) - set(CONCLUSION_FIELDS)
    if unknown:
        raise ValueError(f"not conclusion fields: {sorted(unknown)}")
    for name, value in fields.items():
        label = str(EthicsWorksheet._meta.get_field(name).verbose_name)
        setattr(worksheet, name, _clean_text(value, label=label.capitalize()))
    worksheet.save()
    return worksheet


def worksheet_delete(*, worksheet: EthicsWorksheet) -> None:
    worksheet.delete()


# --- Supervision-readiness self-assessment --------------------------------------------------


@transaction.atomic
def readiness_submit(
    *, mentor: User, framework: FrameworkVersion, scores: Mapping[int, int]
) -> ReadinessAttempt:
    """One attempt: every statement of `framework` scored 1 to 5. Each attempt is kept."""
    if framework.kind != FrameworkVersion.Kind.READINESS_QUESTIONNAIRE:
        raise ValueError("not a readiness questionnaire")
    statements = list(framework.statements.all())
    if set(scores) != {s.pk for s in statements}:
        raise ValidationError(_("Score every statement, from 1 to 5."))
    try:
        total = scoring.readiness_total(scores.values())
    except ValueError as exc:
        raise ValidationError(_("Each score runs from 1 to 5.")) from exc
    attempt = ReadinessAttempt.objects.create(mentor=mentor, framework=framework, total=total)
    ReadinessAnswer.objects.bulk_create(
        ReadinessAnswer(attempt=attempt, statement=s, score=scores[s.pk]) for s in statements
    )
    return attempt


def readiness_delete(*, attempt: ReadinessAttempt) -> None:
    attempt.delete()


# --- Self-Care and Burnout Checklist --------------------------------------------------------


@transaction.atomic
def selfcare_submit(
    *, mentor: User, tool: ToolVersion, answers: Mapping[str, int], note: str = ""
) -> SelfCareCheck:
    """Record a check. The first one switches the monthly reminder on (it can be switched off)."""
    if tool.kind != Kind.SELF_CARE:
        raise ValueError("not the self-care checklist")
    statements = tool.content["statements"]
    if set(answers) != {s["code"] for s in statements}:
        raise ValidationError(_("Answer every statement."))
    try:
        score = scoring.selfcare_score(statements, answers, tool.scale)
    except ValueError as exc:
        raise ValidationError(_("Each answer must be on the scale.")) from exc
    check = SelfCareCheck.objects.create(
        mentor=mentor,
        tool=tool,
        answers={code: int(value) for code, value in answers.items()},
        score=score,
        note=_clean_text(note, label=_("Your note")),
    )
    SelfCarePreference.objects.get_or_create(mentor=mentor)
    return check


def selfcare_reminder_set(*, mentor: User, enabled: bool) -> SelfCarePreference:
    preference, _created = SelfCarePreference.objects.update_or_create(
        mentor=mentor, defaults={"monthly_reminder": enabled}
    )
    return preference


def selfcare_delete(*, check: SelfCareCheck) -> None:
    check.delete()


def selfcare_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Send this month's reminders: to each mentor who keeps them on and has not done a check
    for `after_days` days, once per calendar month (the sent-record's unique constraint makes
    a second run, or two runs at once, send nothing more). Returns how many were sent."""
    tool = current_tool(Kind.SELF_CARE)
    if tool is None:
        return 0
    now = now or timezone.now()
    month = now.date().replace(day=1)
    quiet_since = now - datetime.timedelta(days=tool.content["reminder"]["after_days"])
    due = (
        SelfCarePreference.objects.filter(
            monthly_reminder=True,
            mentor__is_active=True,
            mentor__role_grants__role=Role.MENTOR,
        )
        .exclude(mentor__selfcare_reminders__month=month)
        .annotate(last_check=Max("mentor__selfcare_checks__created_at"))
        .filter(Q(last_check__isnull=True) | Q(last_check__lt=quiet_since))
        .select_related("mentor")
    )
    sent = 0
    url = _absolute(reverse("reflection:selfcare_index"))
    for preference in due:
        try:
            with transaction.atomic():
                SelfCareReminder.objects.create(mentor=preference.mentor, month=month, sent_at=now)
                _email("selfcare_reminder", recipient=preference.mentor, context={"url": url})
        except IntegrityError:
            continue  # sent by another run meanwhile
        sent += 1
    return sent


# --- Competency self-assessment -------------------------------------------------------------


@transaction.atomic
def competency_submit(
    *,
    mentor: User,
    framework: FrameworkVersion,
    tool: ToolVersion,
    ratings: Mapping[int, int],
    note: str = "",
) -> CompetencyAssessment:
    """Every behavioural indicator of `framework` rated on the tool's scale."""
    if framework.kind != FrameworkVersion.Kind.COMPETENCIES or tool.kind != Kind.COMPETENCY_SCALE:
        raise ValueError("a competency self-assessment rates the competencies on its scale")
    indicators = list(BehaviouralIndicator.objects.filter(competency__framework=framework))
    if set(ratings) != {i.pk for i in indicators}:
        raise ValidationError(_("Rate every behavioural indicator."))
    low, high = tool.scale["min"], tool.scale["max"]
    if any(not low <= int(v) <= high for v in ratings.values()):
        raise ValidationError(
            _("Each rating runs from %(low)d to %(high)d.") % {"low": low, "high": high}
        )
    assessment = CompetencyAssessment.objects.create(
        mentor=mentor, framework=framework, tool=tool, note=_clean_text(note, label=_("Your note"))
    )
    IndicatorRating.objects.bulk_create(
        IndicatorRating(assessment=assessment, indicator=i, score=int(ratings[i.pk]))
        for i in indicators
    )
    return assessment


def competency_delete(*, assessment: CompetencyAssessment) -> None:
    assessment.delete()


# --- Development plan -----------------------------------------------------------------------

GOAL_TEXT_FIELDS = ("title", "specific", "measurable", "achievable", "relevant")


@transaction.atomic
def goal_save(
    *,
    mentor: User,
    goal: DevelopmentGoal | None = None,
    competencies: Sequence,
    due_on: datetime.date,
    progress: int = 0,
    status: str = DevelopmentGoal.Status.ACTIVE,
    **texts: str,
) -> DevelopmentGoal:
    """Create or edit a SMART goal, linked to one or more competencies."""
    if goal is not None and goal.mentor_id != mentor.pk:
        raise ValueError("not the mentor's goal")
    if set(texts) != set(GOAL_TEXT_FIELDS):
        raise ValueError(f"a goal needs {GOAL_TEXT_FIELDS}")
    if not competencies:
        raise ValidationError(_("Link the goal to at least one competency."))
    if not 0 <= progress <= 100:
        raise ValidationError(_("Progress runs from 0 to 100 %."))
    if status not in DevelopmentGoal.Status.values:
        raise ValidationError(_("Choose a status from the list."))
    goal = goal or DevelopmentGoal(mentor=mentor)
    for name in GOAL_TEXT_FIELDS:
        label = str(DevelopmentGoal._meta.get_field(name).verbose_name)
        value = _clean_text(texts[name], label=label.capitalize())
        if not value:
            raise ValidationError(
                _("Fill in “%(label)s”: a SMART goal needs it.") % {"label": label}
            )
        setattr(goal, name, value)
    if status == DevelopmentGoal.Status.ACHIEVED:
        progress = 100
    goal.due_on, goal.progress, goal.status = due_on, progress, status
    goal.save()
    goal.competencies.set(competencies)
    return goal


def goal_delete(*, goal: DevelopmentGoal) -> None:
    goal.delete()


@transaction.atomic
def goal_evidence_add(
    *,
    goal: DevelopmentGoal,
    session: SupervisionSession | None = None,
    cpd_entry: CpdEntry | None = None,
    reflection: Reflection | None = None,
    note: str = "",
) -> GoalEvidence:
    """Link one of the mentor's own records as evidence for the goal (once)."""
    targets = [t for t in (session, cpd_entry, reflection) if t is not None]
    if len(targets) != 1:
        raise ValidationError(_("Choose one record as evidence."))
    target = targets[0]
    if target.mentor_id != goal.mentor_id:
        raise ValidationError(_("Choose one of your own records."))
    kind = {
        SupervisionSession: GoalEvidence.Kind.SESSION,
        CpdEntry: GoalEvidence.Kind.CPD,
        Reflection: GoalEvidence.Kind.REFLECTION,
    }[type(target)]
    try:
        with transaction.atomic():
            return GoalEvidence.objects.create(
                goal=goal,
                kind=kind,
                session=session,
                cpd_entry=cpd_entry,
                reflection=reflection,
                note=_clean_text(note, label=_("Your note")),
            )
    except IntegrityError as exc:
        raise ValidationError(_("That record is already evidence for this goal.")) from exc


def goal_evidence_remove(*, evidence: GoalEvidence) -> None:
    evidence.delete()


# --- Everything, for good -------------------------------------------------------------------


@dataclass(frozen=True)
class ToolkitCounts:
    reflections: int
    worksheets: int
    readiness_attempts: int
    selfcare_checks: int
    competency_assessments: int
    goals: int
    tags: int

    @property
    def total(self) -> int:
        return sum(vars(self).values())


def toolkit_counts(mentor: User) -> ToolkitCounts:
    return ToolkitCounts(
        reflections=Reflection.objects.filter(mentor=mentor).count(),
        worksheets=EthicsWorksheet.objects.filter(mentor=mentor).count(),
        readiness_attempts=ReadinessAttempt.objects.filter(mentor=mentor).count(),
        selfcare_checks=SelfCareCheck.objects.filter(mentor=mentor).count(),
        competency_assessments=CompetencyAssessment.objects.filter(mentor=mentor).count(),
        goals=DevelopmentGoal.objects.filter(mentor=mentor).count(),
        tags=Tag.objects.filter(mentor=mentor).count(),
    )


@transaction.atomic
def toolkit_erase(*, mentor: User) -> ToolkitCounts:
    """Delete everything of the mentor's reflective toolkit, for good: reflections and what
    was shared of them, worksheets, self-assessments, self-care checks and reminders, the
    development plan and the themes. Their supervision log and CPD entries stay."""
    counts = toolkit_counts(mentor)
    DevelopmentGoal.objects.filter(mentor=mentor).delete()  # with its evidence links
    EthicsWorksheet.objects.filter(mentor=mentor).delete()  # with its cited clauses
    Reflection.objects.filter(mentor=mentor).delete()  # with its shares
    Tag.objects.filter(mentor=mentor).delete()  # with the session tags
    ReadinessAttempt.objects.filter(mentor=mentor).delete()
    CompetencyAssessment.objects.filter(mentor=mentor).delete()
    SelfCareCheck.objects.filter(mentor=mentor).delete()
    SelfCareReminder.objects.filter(mentor=mentor).delete()
    SelfCarePreference.objects.filter(mentor=mentor).delete()
    return counts
