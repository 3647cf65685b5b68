"""Who may call what: scopes, roles, revocation, rate limits, session auth with CSRF."""

import pytest
from django.test import Client

from practicum.api.models import ApiToken, token_digest
from practicum.api.scopes import Scope
from practicum.api.services import token_create, token_revoke

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_a_token_is_stored_hashed_and_shown_once(mentor):
    token, raw = token_create(owner=mentor, name="log app", scopes=[Scope.RECORDS_READ])
    assert raw.startswith("prt_")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == token_digest(raw)
    assert raw not in {stored.digest, stored.prefix}
    assert stored.prefix == raw[:10]


def test_it_refuses_a_scope_the_account_cannot_grant(mentor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        token_create(owner=mentor, name="x", scopes=[Scope.STAFF_READ])
    with pytest.raises(ValidationError):
        token_create(owner=mentor, name="x", scopes=[Scope.INSTITUTION])


def test_without_a_token_it_answers_401_problem(client):
    response = client.get("/api/v1/sessions")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 401


def test_an_unknown_token_is_401_even_with_a_session(client, mentor):
    client.force_login(mentor)
    response = client.get("/api/v1/sessions", headers={"Authorization": "Bearer prt_nope"})
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_a_revoked_token_stops_working_at_once(api_as, mentor):
    api = api_as(mentor, Scope.RECORDS_READ)
    assert api.get("/sessions").status_code == 200
    token = ApiToken.objects.get(owner=mentor)
    token_revoke(token=token, by=mentor)
    assert api.get("/sessions").status_code == 401


def test_a_suspended_owner_makes_the_token_useless(api_as, mentor, staff):
    from practicum.accounts.services import account_suspend

    api = api_as(mentor, Scope.RECORDS_READ)
    account_suspend(user=mentor, by=staff, reason="test")
    assert api.get("/sessions").status_code == 401


def test_last_used_is_recorded(api_as, mentor):
    api = api_as(mentor, Scope.RECORDS_READ)
    api.get("/sessions")
    assert ApiToken.objects.get(owner=mentor).last_used_at is not None


@pytest.mark.parametrize(
    ("path", "needed"),
    [
        ("/sessions", Scope.RECORDS_READ),
        ("/engagements", Scope.RECORDS_READ),
        ("/training", Scope.RECORDS_READ),
        ("/cpd", Scope.RECORDS_READ),
        ("/relationships", Scope.RECORDS_READ),
        ("/credentials", Scope.CREDENTIALS_READ),
    ],
)
def test_each_read_needs_its_scope(api_as, mentor, path, needed):
    others = [s for s in (Scope.RECORDS_READ, Scope.CREDENTIALS_READ) if s != needed]
    refused = api_as(mentor, *others).get(path)
    assert refused.status_code == 403
    assert refused["Content-Type"] == PROBLEM
    assert needed in refused.json()["detail"]
    assert api_as(mentor, needed).get(path).status_code == 200


def test_writing_needs_records_write(api_as, mentor, relationship):
    body = {"category": "other", "title": "Reading", "occurred_on": "2024-01-05", "hours": "2"}
    assert api_as(mentor, Scope.RECORDS_READ).post("/cpd", body).status_code == 403
    assert api_as(mentor, Scope.RECORDS_WRITE).post("/cpd", body).status_code == 201


def test_staff_read_is_for_credentialing_staff_only(api_as, staff, mentor):
    assert api_as(staff, Scope.STAFF_READ).get("/staff/applications").status_code == 200
    assert api_as(mentor, Scope.RECORDS_READ).get("/staff/applications").status_code == 403


def test_a_staff_token_never_reads_a_mentors_log(api_as, staff, logged_session):
    # staff hold no records scope at all: a token for them cannot even be made with one
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        token_create(owner=staff, name="x", scopes=[Scope.RECORDS_READ])
    api = api_as(staff, Scope.STAFF_READ)
    assert api.get("/sessions").status_code == 403
    assert api.get(f"/sessions/{logged_session.pk}").status_code == 403


def test_a_supervisor_sees_facts_but_never_reflections(api_as, supervisor, logged_session):
    response = api_as(supervisor, Scope.RECORDS_READ).get("/supervised-sessions")
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["id"] == logged_session.pk
    assert item["sign_off"]["status"] == "pending"
    assert "key_learnings" not in item
    assert "My private learning" not in response.content.decode()


def test_a_supervisor_cannot_open_the_mentors_entry(api_as, supervisor, logged_session):
    response = api_as(supervisor, Scope.RECORDS_READ).get(f"/sessions/{logged_session.pk}")
    assert response.status_code == 404


def test_the_rate_limit_answers_429_with_retry_after(api_as, mentor, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    api = api_as(mentor, Scope.RECORDS_READ)
    assert api.get("/sessions").status_code == 200
    assert api.get("/sessions").status_code == 200
    response = api.get("/sessions")
    assert response.status_code == 429
    assert response["Content-Type"] == PROBLEM
    assert int(response["Retry-After"]) > 0


def test_the_limit_is_per_token(api_as, mentor, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    first, second = api_as(mentor, Scope.RECORDS_READ), api_as(mentor, Scope.RECORDS_READ)
    assert first.get("/sessions").status_code == 200
    assert first.get("/sessions").status_code == 429
    assert second.get("/sessions").status_code == 200


def test_the_site_session_works_and_writes_need_the_csrf_token(mentor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentor)
    assert client.get("/api/v1/sessions").status_code == 200
    body = {"category": "other", "title": "Reading", "occurred_on": "2024-01-05", "hours": "2"}
    refused = client.post("/api/v1/cpd", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused["Content-Type"] == PROBLEM
    client.get("/account/api/tokens/")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/v1/cpd", body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 201


def test_a_token_needs_no_csrf_token(mentor):
    _, raw = token_create(owner=mentor, name="x", scopes=[Scope.RECORDS_WRITE])
    client = Client(enforce_csrf_checks=True)
    body = {"category": "other", "title": "Reading", "occurred_on": "2024-01-05", "hours": "2"}
    response = client.post(
        "/api/v1/cpd",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201


def test_public_endpoints_need_nothing(client, frameworks):
    assert client.get("/api/v1/frameworks").status_code == 200
    assert client.get("/api/v1/frameworks/code_of_ethics/current").status_code == 200
    assert client.get("/api/v1/verify/IMC-NOTHING").status_code == 404
