"""Demo records for `manage.py load_demo`: Maya's reflective toolkit, a few months in.

Idempotent: once Maya has a reflection, nothing is added. Loads the tools' data first (also
idempotent), so the demo works whether or not `load_reflection_tools` ran before.
"""

import datetime

from django.utils import timezone

from practicum.frameworks.models import BehaviouralIndicator, Competency, FrameworkVersion
from practicum.practice.models import CpdEntry, MentoringEngagement, SupervisionSession
from practicum.reflection import services
from practicum.reflection.loader import tool_load_all
from practicum.reflection.models import (
    CompetencyAssessment,
    ReadinessAttempt,
    Reflection,
    SelfCareCheck,
    ToolVersion,
)

Kind = ToolVersion.Kind


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _backdate(model, pk: int, days: int) -> None:
    model.objects.filter(pk=pk).update(created_at=_ago(days))


def load(people: dict) -> None:
    maya = people["mentor"]
    if Reflection.objects.filter(mentor=maya).exists():
        return
    tools = {r.tool.kind: r.tool for r in tool_load_all()}
    engagements = list(MentoringEngagement.objects.filter(mentor=maya).order_by("started_on"))
    sessions = list(SupervisionSession.objects.filter(mentor=maya).order_by("-starts_at"))

    # A completed reflection, with its worksheet, attached to the latest session and shared.
    reflection = services.reflection_start(
        mentor=maya,
        tool=tools[Kind.REFLECTIVE_CONVERSATION],
        title="The sponsor's request",
        engagement=engagements[0] if engagements else None,
    )
    answers = {
        1: {
            "situation": "My mentee's manager, who sponsors the mentoring, asked me how the "
            "sessions were going and whether my mentee was thinking of leaving."
        },
        2: {
            "what_happened": "She called me after our fourth session and asked directly.",
            "what_i_did": "I said I would come back to her, and ended the call quickly.",
        },
        3: {
            "thoughts": "I did not want to damage the sponsor relationship.",
            "feelings": "Anxious and caught in the middle; a tight chest for the rest of the day.",
        },
        4: {
            "pattern_this_client": "My mentee often asks me to speak for her.",
            "pattern_across_clients": "I over-function when a sponsor calls: it happened before.",
        },
        5: {"ethical": "Confidentiality towards my client against the sponsor's interest."},
        6: {
            "options": "Tell the sponsor nothing about the content of the sessions.\n\n"
            "Ask my mentee what she is happy for me to share, then reply."
        },
        7: {"learning": "I should have agreed the three-way contract at the start."},
        8: {"to_supervision": "How do I hold the three-way contract without taking sides?"},
        9: {"actions": "Re-contract with my mentee and the sponsor within two weeks."},
    }
    for step, values in answers.items():
        services.reflection_save_step(reflection=reflection, step=step, values=values)
    services.reflection_complete(reflection=reflection)
    services.reflection_tags_set(
        reflection=reflection, names=["Boundaries", "Sponsor expectations", "Confidentiality"]
    )
    worksheet = services.reflection_worksheet_open(reflection=reflection)
    for suggestion in services.clause_suggestions(worksheet.ranking_text, limit=2):
        services.worksheet_clause_add(
            worksheet=worksheet, clause=suggestion.clause, source="suggested"
        )
    services.worksheet_conclude(
        worksheet=worksheet,
        stakeholder_client="Her trust in me, and her freedom to decide about her career.",
        stakeholder_sponsor="Wants assurance that the mentoring is worth paying for.",
        decision="Ask my mentee first; tell the sponsor only what she agrees to.",
        reasons="Confidentiality is my primary obligation to the client (1.B.1).",
        to_supervision="How to re-contract the three-way agreement.",
    )
    if sessions:
        session = sessions[0]
        if services.session_supervisor(session) is not None:
            services.reflection_share(
                reflection=reflection,
                session=session,
                steps=["situation", "patterns", "supervision"],
                include_worksheet=True,
            )
        else:
            services.reflection_attach(reflection=reflection, session=session)
    _backdate(Reflection, reflection.pk, 20)

    # A draft, four steps in.
    draft = services.reflection_start(
        mentor=maya,
        tool=tools[Kind.REFLECTIVE_CONVERSATION],
        title="Silence in the group",
        engagement=engagements[1] if len(engagements) > 1 else None,
    )
    services.reflection_save_step(
        reflection=draft,
        step=1,
        values={"situation": "A long silence in a group session that I rushed to fill."},
    )
    services.reflection_save_step(
        reflection=draft,
        step=4,
        values={"pattern_across_clients": "I fill silences when I feel responsible."},
    )
    services.reflection_tags_set(reflection=draft, names=["Boundaries", "Self-doubt"])

    # Themes on supervision entries.
    for session, names in zip(
        sessions[:4],
        [["Boundaries"], ["Parallel process"], ["Endings"], ["Cultural difference"]],
        strict=False,
    ):
        services.session_tags_set(mentor=maya, session=session, names=names)

    # Readiness: three attempts, improving.
    questionnaire = FrameworkVersion.objects.current(FrameworkVersion.Kind.READINESS_QUESTIONNAIRE)
    if questionnaire is not None:
        statements = list(questionnaire.statements.all())
        for days, base in [(300, 2), (150, 3), (10, 4)]:
            scores = {s.pk: max(1, min(5, base - (i % 3 == 0))) for i, s in enumerate(statements)}
            attempt = services.readiness_submit(mentor=maya, framework=questionnaire, scores=scores)
            _backdate(ReadinessAttempt, attempt.pk, days)

    # Self-care: a monthly check, getting heavier lately (so the gentle prompt shows).
    checklist = tools[Kind.SELF_CARE]
    for days, level in [(180, 1), (150, 1), (120, 1), (90, 2), (60, 1), (30, 2), (2, 3)]:
        answers_now = {
            s["code"]: level if s["keyed"] == "strain" else 4 - level
            for s in checklist.content["statements"]
        }
        check = services.selfcare_submit(mentor=maya, tool=checklist, answers=answers_now)
        _backdate(SelfCareCheck, check.pk, days)

    # Competencies: two assessments, growing.
    framework = FrameworkVersion.objects.current(FrameworkVersion.Kind.COMPETENCIES)
    if framework is not None:
        indicators = list(
            BehaviouralIndicator.objects.filter(competency__framework=framework).select_related(
                "competency"
            )
        )
        for days, lift in [(200, 0), (15, 1)]:
            ratings = {
                i.pk: max(1, min(5, 2 + lift + (i.competency.number + i.number) % 3))
                for i in indicators
            }
            assessment = services.competency_submit(
                mentor=maya,
                framework=framework,
                tool=tools[Kind.COMPETENCY_SCALE],
                ratings=ratings,
            )
            _backdate(CompetencyAssessment, assessment.pk, days)

        goal = services.goal_save(
            mentor=maya,
            competencies=list(Competency.objects.filter(framework=framework, number__in=[3, 5])),
            due_on=timezone.localdate() + datetime.timedelta(days=90),
            progress=40,
            title="Contract three ways from the first session",
            specific="Agree a three-way contract with client and sponsor in every new engagement.",
            measurable="A written agreement for each of my next three engagements.",
            achievable="I have a template from my training.",
            relevant="Sponsor requests keep catching me unprepared.",
        )
        services.goal_evidence_add(goal=goal, reflection=reflection, note="Where it started.")
        cpd = CpdEntry.objects.filter(mentor=maya).first()
        if cpd is not None:
            services.goal_evidence_add(goal=goal, cpd_entry=cpd, note="Reading on contracting.")
