"""The supervision log through the API: the same rules as the page."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from practicum.api.scopes import Scope
from practicum.practice import services as practice_services
from practicum.practice.models import SupervisionSession

pytestmark = pytest.mark.django_db


def _body(relationship, **overrides):
    body = {
        "relationship_id": relationship.pk,
        "starts_at": (timezone.now() - datetime.timedelta(days=2)).isoformat(),
        "duration_minutes": 60,
        "format": "one_to_one",
        "focus": "Contracting",
        "key_learnings": "Hold the frame",
    }
    return {**body, **overrides}


def test_it_logs_a_session_and_asks_for_sign_off(api_as, mentor, relationship, run_tasks):
    api = api_as(mentor, Scope.RECORDS_WRITE, Scope.RECORDS_READ)
    response = api.post("/sessions", _body(relationship))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["sign_off"]["status"] == "pending"
    assert data["key_learnings"] == "Hold the frame"
    session = SupervisionSession.objects.get(pk=data["id"])
    assert session.mentor == mentor
    run_tasks()
    assert any("confirm a supervision session" in m.subject for m in mail.outbox)


def test_it_refuses_a_session_in_the_future(api_as, mentor, relationship):
    later = (timezone.now() + datetime.timedelta(days=2)).isoformat()
    response = api_as(mentor, Scope.RECORDS_WRITE).post(
        "/sessions", _body(relationship, starts_at=later)
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "future" in str(response.json()["errors"])
    assert not SupervisionSession.objects.exists()


@pytest.mark.parametrize("field", ["status", "signed_off_by", "signed_off_at", "source", "mentor"])
def test_mass_assignment_is_refused(api_as, mentor, relationship, field):
    response = api_as(mentor, Scope.RECORDS_WRITE).post(
        "/sessions", _body(relationship, **{field: "confirmed"})
    )
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not SupervisionSession.objects.exists()


def test_patch_refuses_status_too(api_as, mentor, logged_session):
    response = api_as(mentor, Scope.RECORDS_WRITE).patch(
        f"/sessions/{logged_session.pk}", {"status": "confirmed"}
    )
    assert response.status_code == 422
    logged_session.refresh_from_db()
    assert logged_session.status == "pending"


def test_another_mentors_relationship_is_refused(api_as, other_mentor, relationship):
    response = api_as(other_mentor, Scope.RECORDS_WRITE).post("/sessions", _body(relationship))
    assert response.status_code == 422
    assert not SupervisionSession.objects.exists()


def test_a_possible_client_name_needs_confirming(api_as, mentor, relationship):
    api = api_as(mentor, Scope.RECORDS_WRITE)
    body = _body(relationship, cases_brought="A dilemma with Mr. Jones at work")
    refused = api.post("/sessions", body)
    assert refused.status_code == 422
    assert "Jones" in refused.json()["detail"]
    assert api.post("/sessions", {**body, "names_checked": True}).status_code == 201


def test_changing_a_confirmed_fact_asks_for_a_new_sign_off(
    api_as, mentor, supervisor, logged_session
):
    practice_services.session_sign_off(
        session=logged_session,
        decision=practice_services.SignOffDecision(confirm=True),
        by=supervisor,
    )
    api = api_as(mentor, Scope.RECORDS_WRITE)
    kept = api.patch(f"/sessions/{logged_session.pk}", {"key_learnings": "More"})
    assert kept.status_code == 200
    assert kept.json()["sign_off"]["status"] == "confirmed"
    changed = api.patch(f"/sessions/{logged_session.pk}", {"duration_minutes": 90})
    assert changed.status_code == 200
    assert changed.json()["sign_off"]["status"] == "pending"
    assert changed.json()["key_learnings"] == "More"


def test_another_mentors_session_is_404(api_as, other_mentor, logged_session):
    api = api_as(other_mentor, Scope.RECORDS_READ, Scope.RECORDS_WRITE)
    assert api.get(f"/sessions/{logged_session.pk}").status_code == 404
    assert api.patch(f"/sessions/{logged_session.pk}", {"focus": "x"}).status_code == 404


def test_filters_and_cursor_pagination(api_as, mentor, relationship, django_assert_max_num_queries):
    now = timezone.now()
    for days in range(1, 6):
        practice_services.session_log(
            mentor=mentor,
            relationship=relationship,
            starts_at=now - datetime.timedelta(days=days),
            duration_minutes=30,
            format="group" if days % 2 else "one_to_one",
            focus=f"day {days}",
            notify=False,
        )
    api = api_as(mentor, Scope.RECORDS_READ)
    seen, cursor = [], None
    with django_assert_max_num_queries(16):
        first = api.get("/sessions", limit=2).json()
    seen += [s["focus"] for s in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = api.get("/sessions", limit=2, cursor=cursor).json()
        seen += [s["focus"] for s in page["items"]]
        cursor = page["next_cursor"]
    assert seen == [f"day {d}" for d in range(1, 6)]
    groups = api.get("/sessions", format="group").json()["items"]
    assert {s["format"] for s in groups} == {"group"}
    assert len(groups) == 3
    since = (now - datetime.timedelta(days=2)).date().isoformat()
    assert len(api.get("/sessions", since=since).json()["items"]) == 2
    bad = api.get("/sessions", cursor="not-a-cursor")
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"


def test_sessions_from_attendance_keep_their_facts(api_as, mentor, logged_session):
    SupervisionSession.objects.filter(pk=logged_session.pk).update(source="lab:1")
    response = api_as(mentor, Scope.RECORDS_WRITE).patch(
        f"/sessions/{logged_session.pk}", {"focus": "x"}
    )
    assert response.status_code == 422
