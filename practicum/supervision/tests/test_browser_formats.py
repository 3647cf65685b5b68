"""In Chromium: becoming a supervisor, a small group and a thematic lab, each role in its own
browser. Staff are signed in by session cookie (their MFA sign-in has its own tests)."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from practicum.practice.models import MentoringEngagement
from practicum.supervision import services
from practicum.supervision.models import (
    GroupMembership,
    LabRegistration,
    ReflectionModel,
    SupervisorApplication,
)
from practicum.supervision.tests.conftest import make_supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, user):
    """A browser of its own for `user`, signed in through a session cookie."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return context, page, errors


@pytest.fixture
def as_user(browser, live_server):
    opened = []

    def open_for(user):
        context, page, errors = signed_in(browser, live_server, user)
        opened.append((context, errors))
        return page

    yield open_for
    for context, errors in opened:
        context.close()
        assert not errors, errors  # CSP violations show up here


def test_a_mentor_applies_to_supervise_and_staff_approve_with_the_trail(
    as_user, rules, mentor, staff
):
    for i in range(5):
        MentoringEngagement.objects.create(
            mentor=mentor,
            mentee_name=f"Mentee {i}",
            kind="internal",
            started_on=datetime.date(2023, 1, 1),
            ended_on=datetime.date(2024, 1, 1),
            status="completed",
        )
    page = as_user(mentor)
    page.goto("/supervision/apply/")
    page.get_by_text("Your records: 5").wait_for()
    for name, value in {
        "years_of_practice": "6",
        "experience": "Mentoring new nurses for six years.",
        "training_programme": "Supervision in practice",
        "training_provider": "Institute of Mentoring Practice",
        "training_hours": "40",
        "training_completed_on": "2025-06-01",
        "statement": "I want to give back.",
    }.items():
        page.locator(f"[name={name}]").fill(value)
    page.get_by_role("button", name="Send my application").click()
    page.wait_for_url("**/supervision/applications/*/")
    application = SupervisorApplication.objects.get()

    desk = as_user(staff)
    desk.goto(f"/supervision/staff/applications/{application.pk}/")
    desk.get_by_label("Approve: grant the supervisor role").check()
    desk.get_by_role("button", name="Record the decision").click()
    desk.wait_for_url("**/supervision/staff/applications/")
    desk.goto(f"/supervision/staff/applications/{application.pk}/")
    trail = desk.get_by_role("region", name="Audit trail")
    assert "Application to supervise submitted" in trail.inner_text()
    assert "Application to supervise approved" in trail.inner_text()

    page.reload()
    page.get_by_role("link", name="Write your supervisor profile").wait_for()


def test_a_mentor_asks_to_join_a_group_and_the_facilitator_accepts(as_user, rules, mentor):
    facilitator = make_supervisor("fay@example.org", name="Fay Facilitator", offers_group=True)
    group = services.group_create(
        facilitator=facilitator,
        name="Tuesday circle",
        description="Reflective practice for new mentors.",
        reflection_model=ReflectionModel.objects.get(code="reflective-conversation"),
    )
    page = as_user(mentor)
    page.goto("/supervision/groups/")
    page.get_by_role("link", name="Tuesday circle").click()
    page.get_by_role("button", name="Ask to join").click()
    page.get_by_role("button", name="Withdraw my request").wait_for()

    other = as_user(facilitator)
    other.goto(f"/supervision/groups/{group.code}/manage/")
    other.get_by_role("button", name="Accept Maya").click()
    other.get_by_role("heading", name="Members (1 of").wait_for()
    assert GroupMembership.objects.get(mentor=mentor).status == "member"

    page.reload()
    page.get_by_role("button", name="Leave the group").wait_for()


def test_a_mentor_registers_for_a_lab_and_cancels(as_user, mentor, staff):
    facilitator = make_supervisor("lf@example.org", name="Lou Facilitator", offers_lab=True)
    lab = services.lab_create(
        by=staff,
        facilitators=[facilitator],
        title="Ethics in action",
        theme="Ethics in action",
        description="Dilemmas through the Code.",
        starts_at=(timezone.now() + datetime.timedelta(days=30)).replace(second=0, microsecond=0),
        duration_minutes=120,
        capacity=2,
        cpd_hours=Decimal("2.5"),
        audience="mentors",
    )
    page = as_user(mentor)
    page.goto("/supervision/labs/")
    page.get_by_role("link", name="Ethics in action").first.click()
    page.get_by_role("button", name="Register").click()
    page.get_by_role("button", name="Cancel my registration").wait_for()
    assert LabRegistration.objects.get(lab=lab, mentor=mentor).status == "registered"
    page.get_by_role("button", name="Cancel my registration").click()
    page.get_by_role("button", name="Register").wait_for()
    assert LabRegistration.objects.get(lab=lab, mentor=mentor).status == "cancelled"
