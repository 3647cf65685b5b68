import datetime

import pytest
from django.utils import timezone

from conftest import make_user
from practicum.accounts.models import Role
from practicum.api.services import token_create
from practicum.institutions.tests.conftest import make_centre, make_cohort, make_programme
from practicum.practice import services as practice_services
from practicum.practice.models import FocusArea, SupervisionSession


class Api:
    """The test client speaking to /api/v1 with a bearer token."""

    def __init__(self, client, raw: str | None):
        self.client, self.raw = client, raw

    def _headers(self):
        return {"Authorization": f"Bearer {self.raw}"} if self.raw else {}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self._headers())

    def post(self, path, data):
        return self.client.post(
            f"/api/v1{path}", data, content_type="application/json", headers=self._headers()
        )

    def patch(self, path, data):
        return self.client.patch(
            f"/api/v1{path}", data, content_type="application/json", headers=self._headers()
        )


@pytest.fixture
def api_as(client):
    def make(user, *scopes):
        _, raw = token_create(owner=user, name="test", scopes=list(scopes))
        return Api(client, raw)

    return make


@pytest.fixture
def relationship(mentor, supervisor):
    return practice_services.relationship_declare(
        mentor=mentor,
        supervisor=supervisor,
        focus_area=FocusArea.BOTH,
        started_on=timezone.localdate() - datetime.timedelta(days=400),
        frequency="monthly",
    )


@pytest.fixture
def logged_session(mentor, relationship) -> SupervisionSession:
    return practice_services.session_log(
        mentor=mentor,
        relationship=relationship,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        duration_minutes=60,
        format="one_to_one",
        focus="Boundaries",
        key_learnings="My private learning",
    )


# --- A training centre with an administrator (their token holds the institution scope) -----


@pytest.fixture
def centre_admin(frameworks):
    return make_user(
        "carla@centre.example.org", Role.INSTITUTION_ADMIN, full_name="Carla Centre", mfa=True
    )


@pytest.fixture
def centre(centre_admin):
    return make_centre(admin=centre_admin)


@pytest.fixture
def programme(centre):
    return make_programme(centre)


@pytest.fixture
def cohort(programme):
    return make_cohort(programme)


@pytest.fixture
def other_cohort(frameworks):
    """Another centre's cohort, administered by someone else."""
    admin = make_user("otto@other.example.org", Role.INSTITUTION_ADMIN, mfa=True)
    centre = make_centre(name="Other Academy", admin=admin, country="Chile")
    return make_cohort(make_programme(centre, name="Other Foundations"))
