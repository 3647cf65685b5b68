"""The OpenAPI document validates, and the app keeps to it under generated input.

Schemathesis calls the WSGI application directly (no server), authenticated with a test token
holding every scope a mentor can hold, over a mentor with records in place; the institution
endpoints again with a centre administrator's token, over a centre with graduates. Examples are
bounded so the run stays fast on two cores.
"""

import datetime
import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from practicum.api.api import api
from practicum.api.scopes import Scope
from practicum.api.services import token_create
from practicum.institutions import services as institution_services
from practicum.practice import services as practice_services
from practicum.practice.models import CpdEntry, FocusArea, MentoringEngagement
from practicum.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_the_document_is_valid_openapi(client):
    document = client.get("/api/v1/openapi.json").json()
    validate(document)
    assert document["openapi"].startswith("3.")
    assert json.dumps(document) == json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"))


@pytest.fixture
def keep_connection():
    """Called as a WSGI app, Django closes the database connection after each request; the
    test's transaction lives on it. Django's own test client disconnects this the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(mentor, supervisor, settings, keep_connection):
    settings.API_RATE_LIMIT_PER_MINUTE = 1_000_000
    relationship = practice_services.relationship_declare(
        mentor=mentor,
        supervisor=supervisor,
        focus_area=FocusArea.BOTH,
        started_on=timezone.localdate() - datetime.timedelta(days=400),
        frequency="monthly",
    )
    for days in (3, 5):
        practice_services.session_log(
            mentor=mentor,
            relationship=relationship,
            starts_at=timezone.now() - datetime.timedelta(days=days),
            duration_minutes=60,
            format="one_to_one",
            focus="Boundaries",
            notify=False,
        )
    MentoringEngagement.objects.create(
        mentor=mentor,
        mentee_name="A Mentee",
        kind="external",
        started_on=datetime.date(2024, 1, 1),
        status="active",
    )
    CpdEntry.objects.create(
        mentor=mentor,
        category="other",
        title="Reading",
        occurred_on=datetime.date(2024, 2, 1),
        hours=2,
    )
    _, raw = token_create(
        owner=mentor,
        name="schemathesis",
        scopes=[Scope.RECORDS_READ, Scope.RECORDS_WRITE, Scope.CREDENTIALS_READ],
    )
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_document(case, bearer):
    case.call_and_validate(headers=bearer, checks=CHECKS)


@pytest.fixture
def institution_bearer(centre_admin, cohort, mentor, settings, keep_connection):
    """A centre's administrator with a programme, a cohort and graduates (one of them a
    mentor's, one a claim), holding the institution scope."""
    settings.API_RATE_LIMIT_PER_MINUTE = 1_000_000
    for name, email in (("Gina Graduate", "gina@example.org"), ("Maya Mentor", mentor.email)):
        institution_services.graduate_record(cohort=cohort, by=centre_admin, name=name, email=email)
    _, raw = token_create(owner=centre_admin, name="schemathesis", scopes=[Scope.INSTITUTION])
    return {"headers": {"Authorization": f"Bearer {raw}"}, "cohort": cohort.pk}


@pytest.mark.django_db
@schema.include(tag="Institution").parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_institution_endpoints_keep_to_their_document(case, institution_bearer):
    # Aim half the writes at the administrator's own cohort, so they reach the services too.
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("cohort_id"), int) and body["cohort_id"] % 2:
        body["cohort_id"] = institution_bearer["cohort"]
    case.call_and_validate(headers=institution_bearer["headers"], checks=CHECKS)
