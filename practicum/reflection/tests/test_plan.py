"""The development plan: SMART goals linked to competencies, progress, and evidence links to
supervision log entries, CPD entries and reflections."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from practicum.frameworks.models import Competency
from practicum.practice.models import CpdEntry
from practicum.reflection import services
from practicum.reflection.models import DevelopmentGoal, GoalEvidence
from practicum.reflection.tests.conftest import declare, upcoming

pytestmark = pytest.mark.django_db


def goal_post(**overrides):
    data = {
        "title": "Hold silence longer",
        "competencies": [Competency.objects.get(number=3, framework__version="1.0").pk],
        "specific": "Let silences run to ten seconds.",
        "measurable": "Noted in three session logs.",
        "achievable": "I already notice the urge to fill them.",
        "relevant": "My mentees think aloud in silence.",
        "due_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        "progress": "10",
        "status": "active",
    }
    data.update(overrides)
    return data


@pytest.fixture
def goal(mentor, frameworks):
    return services.goal_save(
        mentor=mentor,
        competencies=[Competency.objects.get(number=3)],
        due_on=timezone.localdate() + datetime.timedelta(days=30),
        title="Hold silence",
        specific="S",
        measurable="M",
        achievable="A",
        relevant="R",
    )


def test_a_mentor_sets_a_smart_goal_linked_to_competencies(client, mentor, frameworks):
    client.force_login(mentor)
    page = client.get(reverse("reflection:goal_create")).content.decode()
    assert "Specific: what exactly will you do?" in page and "3. Communication" in page
    response = client.post(reverse("reflection:goal_create"), goal_post())
    goal = DevelopmentGoal.objects.get(mentor=mentor)
    assert response["Location"] == reverse("reflection:goal_detail", args=[goal.pk])
    assert [c.number for c in goal.competencies.all()] == [3]
    assert goal.progress == 10 and goal.status == "active"
    plan = client.get(reverse("reflection:plan")).content.decode()
    assert "Hold silence longer" in plan and '<progress class="meter" max="100" value="10"' in plan


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("competencies", [], "Link the goal to at least one competency."),
        ("measurable", "", "This field is required."),
        ("due_on", "2001-01-01", "A new goal needs a date from today on."),
        ("progress", "140", "less than or equal to 100"),
        ("status", "finished", "Select a valid choice."),
    ],
)
def test_a_goal_missing_a_smart_part_is_refused_with_the_field_named(
    client, mentor, frameworks, field, value, message
):
    client.force_login(mentor)
    response = client.post(reverse("reflection:goal_create"), goal_post(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DevelopmentGoal.objects.exists()


def test_achieving_a_goal_sets_its_progress_to_100(client, mentor, goal):
    client.force_login(mentor)
    client.post(reverse("reflection:goal_edit", args=[goal.pk]), goal_post(status="achieved"))
    goal.refresh_from_db()
    assert goal.status == "achieved" and goal.progress == 100


def test_evidence_links_to_a_session_a_cpd_entry_and_a_reflection(
    client, mentor, supervisor, goal, reflection
):
    session = upcoming(mentor, declare(mentor, supervisor))
    cpd = CpdEntry.objects.create(
        mentor=mentor, category="other", title="Reading circle", occurred_on="2025-03-01", hours=2
    )
    client.force_login(mentor)
    url = reverse("reflection:goal_detail", args=[goal.pk])
    page = client.get(url).content.decode()
    assert f'value="session:{session.pk}"' in page and f'value="cpd:{cpd.pk}"' in page
    for record in (f"session:{session.pk}", f"cpd:{cpd.pk}", f"reflection:{reflection.pk}"):
        assert client.post(url, {"record": record, "note": "Shows it"}).status_code == 302
    assert set(goal.evidence.values_list("kind", flat=True)) == {"session", "cpd", "reflection"}
    html = client.get(url).content.decode()
    assert reverse("practice:session_detail", args=[session.pk]) in html
    assert "Reading circle" in html and reflection.title.replace("'", "&#x27;") in html
    # the same record twice is refused
    response = client.post(url, {"record": f"cpd:{cpd.pk}"})
    assert "already evidence for this goal" in response.content.decode()
    # removing a link leaves the record
    evidence = goal.evidence.get(kind="cpd")
    client.post(reverse("reflection:goal_evidence_remove", args=[evidence.pk]))
    assert CpdEntry.objects.filter(pk=cpd.pk).exists()
    assert not GoalEvidence.objects.filter(pk=evidence.pk).exists()


def test_another_mentors_record_cannot_be_evidence(client, mentor, other_mentor, goal):
    theirs = CpdEntry.objects.create(
        mentor=other_mentor, category="other", title="Theirs", occurred_on="2025-03-01", hours=1
    )
    client.force_login(mentor)
    response = client.post(
        reverse("reflection:goal_detail", args=[goal.pk]), {"record": f"cpd:{theirs.pk}"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError):
        services.goal_evidence_add(goal=goal, cpd_entry=theirs)
    assert not GoalEvidence.objects.exists()


def test_a_deleted_record_leaves_the_goal(mentor, goal):
    cpd = CpdEntry.objects.create(
        mentor=mentor, category="other", title="Gone", occurred_on="2025-03-01", hours=1
    )
    services.goal_evidence_add(goal=goal, cpd_entry=cpd)
    cpd.delete()
    assert DevelopmentGoal.objects.filter(pk=goal.pk).exists() and not GoalEvidence.objects.exists()


def test_goal_text_is_encrypted_at_rest(goal):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT title, specific, measurable FROM reflection_developmentgoal WHERE id = %s",
            [goal.pk],
        )
        row = cursor.fetchone()
    assert all(value.startswith("fernet:") for value in row)
    assert "Hold silence" not in " ".join(row)


def test_nobody_else_sees_or_changes_a_goal(client, other_mentor, supervisor, staff, goal):
    for user, status in ((other_mentor, 404), (supervisor, 404), (staff, 403)):
        client.force_login(user)
        assert client.get(reverse("reflection:goal_detail", args=[goal.pk])).status_code == status
        assert client.get(reverse("reflection:goal_edit", args=[goal.pk])).status_code == status
        assert client.post(reverse("reflection:goal_delete", args=[goal.pk])).status_code == status
    assert DevelopmentGoal.objects.filter(pk=goal.pk).exists()


def test_another_mentor_cannot_remove_evidence(client, mentor, other_mentor, goal, reflection):
    evidence = services.goal_evidence_add(goal=goal, reflection=reflection)
    client.force_login(other_mentor)
    response = client.post(reverse("reflection:goal_evidence_remove", args=[evidence.pk]))
    assert response.status_code == 404
    assert GoalEvidence.objects.filter(pk=evidence.pk).exists()


def test_the_mentor_deletes_a_goal(client, mentor, goal):
    client.force_login(mentor)
    client.post(reverse("reflection:goal_delete", args=[goal.pk]))
    assert not DevelopmentGoal.objects.exists()
