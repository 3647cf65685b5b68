"""The token and webhook pages in Chromium: no accessibility violation, no console error (a
CSP violation shows up there), and the interactive docs run under the strict CSP."""

import pytest

from conftest import make_user
from practicum.accounts.models import Role
from practicum.accounts.tests.test_accessibility import audit, sign_in_as
from practicum.api.services import token_create, webhook_create, webhook_send_test

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_token_and_webhook_pages_are_accessible(page, live_server, frameworks):
    mentor = make_user("maya@example.org", Role.MENTOR, full_name="Maya Mentor")
    token_create(owner=mentor, name="Coaching log", scopes=["records:read"])
    endpoint = webhook_create(
        owner=mentor, url="https://hooks.example.org/x", events=["credential.issued"]
    )
    webhook_send_test(endpoint=endpoint)
    sign_in_as(page, live_server, mentor)
    paths = [
        "/account/api/tokens/",
        "/account/api/webhooks/",
        f"/account/api/webhooks/{endpoint.pk}/",
    ]
    assert audit(page, paths) == {}


def test_a_new_token_is_shown_once(page, live_server, frameworks):
    mentor = make_user("maya@example.org", Role.MENTOR, full_name="Maya Mentor")
    sign_in_as(page, live_server, mentor)
    page.goto("/account/api/tokens/")
    page.get_by_label("Name").fill("Coaching log")
    page.get_by_label("Read your practice records (records:read)").check()
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").input_value()
    assert token.startswith("prt_")
    page.reload()
    assert page.locator("#new-token").count() == 0


def test_the_interactive_docs_load_under_the_csp(page, live_server):
    page.goto("/api/v1/docs")
    page.get_by_text("/api/v1/sessions").first.wait_for()


def test_a_centre_administrator_creates_an_institution_token(page, live_server, frameworks):
    admin = make_user("carla@centre.example.org", Role.INSTITUTION_ADMIN, mfa=True)
    sign_in_as(page, live_server, admin)
    assert audit(page, ["/account/api/tokens/", "/account/api/webhooks/"]) == {}
    page.goto("/account/api/tokens/")
    page.get_by_label("Name").fill("Our LMS")
    page.get_by_label("Your institution's programmes and graduates (institution)").check()
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").input_value()
    response = page.request.get(
        "/api/v1/institution/centres", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status == 200 and response.json()["items"] == []
    page.goto("/account/api/webhooks/")
    page.get_by_label("Graduate verified").check()
