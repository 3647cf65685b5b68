"""axe-core (WCAG 2.1 A and AA, and best practice) on the pages each role uses: no violation."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from conftest import make_user
from practicum.accounts.models import Role
from practicum.practice.models import FocusArea, SupervisionRelationship, SupervisionSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
PUBLIC = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/frameworks/",
    "/frameworks/code-of-ethics/",
    "/frameworks/competencies/",
    "/frameworks/supervision-readiness/",
    "/frameworks/search/?q=boundaries",
    "/credentials/verify/",
]
MENTOR = [
    "/mentor/",
    "/mentor/log/",
    "/mentor/log/new/",
    "/mentor/supervisors/",
    "/mentor/engagements/new/",
    "/mentor/training/new/",
    "/mentor/cpd/",
    "/mentor/import/",
    "/mentor/export/",
    "/account/profile/",
    "/onboarding/pledge/",
    "/supervision/supervisors/",
    "/supervision/labs/",
    "/reflection/",
    "/credentials/",
    "/credentials/types/CMM/",
]
SUPERVISOR = ["/supervision/", "/mentor/sign-off/", "/supervision/availability/"]
STAFF = ["/credentials/staff/", "/credentials/staff/queue/", "/supervision/staff/applications/"]


@pytest.fixture
def rules(frameworks):
    for command in ("load_supervision_rules", "load_reflection_tools", "load_credential_rules"):
        call_command(command, verbosity=0)


def sign_in_as(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def audit(page, paths) -> dict:
    axe, found = Axe(), {}
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")  # htmx fragments are part of the page
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
        if violations:
            found[path] = [(v["id"], v["help"], v["nodes"][0]["target"]) for v in violations]
    return found


def test_public_pages_have_no_accessibility_violations(page, rules):
    assert audit(page, PUBLIC) == {}


def test_mentor_pages_have_no_accessibility_violations(page, live_server, rules):
    mentor = make_user("maya@example.org", Role.MENTOR, full_name="Maya Mentor")
    supervisor = make_user("sam@example.org", Role.MENTOR, Role.SUPERVISOR, full_name="Sam Sup")
    relationship = SupervisionRelationship.objects.create(
        mentor=mentor,
        supervisor=supervisor,
        focus_area=FocusArea.BOTH,
        started_on=datetime.date(2025, 1, 1),
        frequency="monthly",
    )
    SupervisionSession.objects.create(
        mentor=mentor,
        relationship=relationship,
        format="one_to_one",
        focus="Endings",
        starts_at=timezone.now() - datetime.timedelta(days=2),
        duration_minutes=60,
    )
    sign_in_as(page, live_server, mentor)
    assert audit(page, MENTOR) == {}
    page.context.clear_cookies()
    sign_in_as(page, live_server, supervisor)
    assert audit(page, SUPERVISOR) == {}


def test_staff_pages_have_no_accessibility_violations(page, live_server, rules):
    staff = make_user("chloe@example.org", Role.CREDENTIALING_STAFF, mfa=True)
    sign_in_as(page, live_server, staff)
    assert audit(page, STAFF) == {}
