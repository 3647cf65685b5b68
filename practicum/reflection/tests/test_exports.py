"""Everything of the toolkit exported (JSON, PDF) and deleted for good."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from practicum.frameworks.models import BehaviouralIndicator, Competency, FrameworkVersion
from practicum.practice.models import SupervisionSession
from practicum.reflection import exports, services
from practicum.reflection.models import (
    CompetencyAssessment,
    DevelopmentGoal,
    EthicsWorksheet,
    ReadinessAttempt,
    Reflection,
    ReflectionShare,
    SelfCareCheck,
    SelfCarePreference,
    Tag,
)
from practicum.reflection.tests.conftest import declare, upcoming, write_reflection

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(mentor, supervisor, tools, reflection):
    """One of each: a shared reflection with its worksheet, each self-assessment, a goal."""
    session = upcoming(mentor, declare(mentor, supervisor))
    services.reflection_tags_set(reflection=reflection, names=["Boundaries"])
    services.session_tags_set(mentor=mentor, session=session, names=["Endings"])
    services.reflection_share(reflection=reflection, session=session, steps=["situation"])
    worksheet = services.reflection_worksheet_open(reflection=reflection)
    clause = services.clause_suggestions(worksheet.ranking_text)[0].clause
    cited = services.worksheet_clause_add(worksheet=worksheet, clause=clause, source="suggested")
    services.worksheet_analysis_save(worksheet=worksheet, analyses={cited.pk: {0: "ANALYSIS"}})
    services.worksheet_conclude(worksheet=worksheet, decision="DECISION")
    questionnaire = FrameworkVersion.objects.current("readiness_questionnaire")
    services.readiness_submit(
        mentor=mentor,
        framework=questionnaire,
        scores={s.pk: 3 for s in questionnaire.statements.all()},
    )
    checklist = tools["self_care_checklist"]
    services.selfcare_submit(
        mentor=mentor,
        tool=checklist,
        answers={s["code"]: 1 for s in checklist.content["statements"]},
        note="SELFCARE-NOTE",
    )
    framework = FrameworkVersion.objects.current("competencies")
    services.competency_submit(
        mentor=mentor,
        framework=framework,
        tool=tools["competency_scale"],
        ratings={
            i.pk: 4 for i in BehaviouralIndicator.objects.filter(competency__framework=framework)
        },
    )
    goal = services.goal_save(
        mentor=mentor,
        competencies=[Competency.objects.get(number=1)],
        due_on=timezone.localdate() + datetime.timedelta(days=60),
        title="GOAL-TITLE",
        specific="S",
        measurable="M",
        achievable="A",
        relevant="R",
    )
    services.goal_evidence_add(goal=goal, reflection=reflection, note="EVIDENCE-NOTE")
    return session


def test_the_json_export_holds_everything_with_versions(client, mentor, everything):
    client.force_login(mentor)
    response = client.get(reverse("reflection:export_json"))
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="practicum-reflective-toolkit-'
    )
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["format"] == "practicum-reflective-toolkit" and data["format_version"] == 1
    (reflection,) = data["reflections"]
    assert reflection["framework"] == {
        "title": "Reflective Conversation Framework",
        "version": "1.0",
    }
    situation = reflection["steps"][0]["answers"][0]
    assert situation["text"].startswith("The sponsor asked")
    assert reflection["themes"] == ["Boundaries"]
    assert reflection["shares"][0]["supervisor"] == "Sam Supervisor"
    (worksheet,) = data["ethics_worksheets"]
    assert worksheet["clauses"][0]["code_version"] == "1.0"
    assert worksheet["clauses"][0]["options"][0]["analysis"] == "ANALYSIS"
    assert worksheet["decision"] == "DECISION"
    assert data["readiness_attempts"][0]["total"] == 57
    assert data["readiness_attempts"][0]["band"] == "Building foundations"
    assert data["selfcare_checks"][0]["note"] == "SELFCARE-NOTE"
    assert data["selfcare_monthly_reminder"] is True
    assert data["competency_assessments"][0]["overall"] == "4.0"
    assert data["development_goals"][0]["evidence"][0]["note"] == "EVIDENCE-NOTE"
    assert data["supervision_session_themes"] == [
        {"session_id": everything.pk, "themes": ["Endings"]}
    ]


def test_the_json_export_is_a_fixed_number_of_queries(
    mentor, tools, everything, django_assert_max_num_queries
):
    for n in range(10):
        write_reflection(mentor, tools["reflective_conversation"], title=f"More {n}")
    with django_assert_max_num_queries(30):
        exports.all_json(mentor)


def test_the_pdf_export_holds_everything(client, mentor, everything):
    pdf = exports.all_pdf(mentor=mentor, compress=False)
    assert pdf.startswith(b"%PDF")
    for text in (
        b"My reflective toolkit",
        b"The sponsor's request",
        b"The sponsor asked me what my mentee said in confidence.",
        b"DECISION",
        b"Building foundations",
        b"SELFCARE-NOTE",
        b"GOAL-TITLE",
        b"EVIDENCE-NOTE",
    ):
        assert text in pdf, text
    client.force_login(mentor)
    response = client.get(reverse("reflection:export_pdf"))
    assert response["Content-Type"] == "application/pdf"


def test_a_reflection_downloads_as_a_pdf(client, mentor, reflection):
    pdf = exports.reflection_pdf(reflection=reflection, compress=False)
    assert b"1. The situation" in pdf and b"Anxious, a tight chest." in pdf
    client.force_login(mentor)
    response = client.get(reverse("reflection:reflection_pdf", args=[reflection.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="reflection-')


def test_an_empty_toolkit_exports_too(client, mentor, tools):
    client.force_login(mentor)
    assert json.loads(client.get(reverse("reflection:export_json")).content)["reflections"] == []
    assert client.get(reverse("reflection:export_pdf")).content.startswith(b"%PDF")


def test_text_the_pdf_font_cannot_draw_does_not_break_it(mentor, tools):
    reflection = write_reflection(
        mentor,
        tools["reflective_conversation"],
        title="Zoë <b> & 王",
        answers={1: {"situation": "tab\there\nnew line \U0001f600"}},
    )
    assert exports.reflection_pdf(reflection=reflection).startswith(b"%PDF")


def test_delete_everything_needs_the_email_and_leaves_the_log(client, mentor, everything):
    client.force_login(mentor)
    page = client.get(reverse("reflection:erase")).content.decode()
    assert "1 reflection, and anything shared of it" in page
    wrong = client.post(reverse("reflection:erase"), {"email": "someone@example.org"})
    assert wrong.status_code == 400
    assert "This is not the email address of your account." in wrong.content.decode()
    assert Reflection.objects.exists()

    response = client.post(reverse("reflection:erase"), {"email": mentor.email.upper()})
    assert response["Location"] == reverse("reflection:toolkit")
    for model in (
        Reflection,
        ReflectionShare,
        EthicsWorksheet,
        ReadinessAttempt,
        SelfCareCheck,
        SelfCarePreference,
        CompetencyAssessment,
        DevelopmentGoal,
        Tag,
    ):
        assert not model.objects.exists(), model
    assert SupervisionSession.objects.filter(pk=everything.pk).exists()


def test_erasing_the_account_takes_the_toolkit_with_it(mentor, everything):
    from practicum.practice.erasure import account_erase

    account_erase(user=mentor)
    assert not Reflection.objects.exists() and not SelfCareCheck.objects.exists()
    assert not Tag.objects.exists() and not DevelopmentGoal.objects.exists()


def test_exports_and_erasure_refuse_staff(client, staff):
    client.force_login(staff)
    for name in ("export_index", "export_json", "export_pdf", "erase"):
        assert client.get(reverse(f"reflection:{name}")).status_code == 403
    assert client.post(reverse("reflection:erase"), {"email": staff.email}).status_code == 403


def test_another_mentors_export_holds_nothing_of_mine(client, other_mentor, everything):
    client.force_login(other_mentor)
    data = json.loads(client.get(reverse("reflection:export_json")).content)
    assert data["reflections"] == [] and data["selfcare_checks"] == []
    assert data["supervision_session_themes"] == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_pdf_export_embeds_its_fonts_and_keeps_text_on_the_page(mentor, everything, language):
    from django.utils import translation

    from practicum.lib.tests.pdf_checks import chars_outside, text_lines, unembedded_fonts

    with translation.override(language):
        pdf = exports.all_pdf(mentor=mentor)
        headers = [translation.gettext(h) for h in ("Date", "Score", "Band", "Note", "Overall")]
    assert unembedded_fonts(pdf) == []
    assert chars_outside(pdf) == []
    words = {word for line in text_lines(pdf) for word in line.split()}
    assert all(header in words for header in headers)  # no header broken inside a word
