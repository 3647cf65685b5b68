"""A centre's administrators through the API: the institution scope, their centres, programmes,
cohorts and graduates (another centre's are 404), and recording graduates one or many at once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from practicum.accounts.models import Role, RoleGrant
from practicum.api.models import ApiToken
from practicum.api.scopes import Scope
from practicum.api.services import token_create, token_revoke
from practicum.audit.models import AuditEntry
from practicum.institutions import services as institution_services
from practicum.institutions.models import Graduate

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
DAY = "2024-06-30"


@pytest.fixture
def admin_api(api_as, centre_admin, centre):
    return api_as(centre_admin, Scope.INSTITUTION)


def _record(cohort, admin, email, name="Gina Graduate", **more):
    return institution_services.graduate_record(
        cohort=cohort, by=admin, name=name, email=email, **more
    )


# --- The scope -------------------------------------------------------------------------------


def test_only_a_centre_administrator_may_hold_the_institution_scope(centre_admin, mentor, staff):
    token, _raw = token_create(owner=centre_admin, name="LMS", scopes=[Scope.INSTITUTION])
    assert token.scopes == [Scope.INSTITUTION]
    for user in (mentor, staff):
        with pytest.raises(ValidationError):
            token_create(owner=user, name="x", scopes=[Scope.INSTITUTION])
    with pytest.raises(ValidationError):
        token_create(owner=centre_admin, name="x", scopes=[Scope.RECORDS_READ])


@pytest.mark.parametrize(
    "path",
    [
        "/institution/centres",
        "/institution/programmes",
        "/institution/cohorts",
        "/institution/graduates",
    ],
)
def test_every_institution_read_needs_the_scope(api_as, admin_api, mentor, staff, path):
    assert admin_api.get(path).status_code == 200
    for refused in (api_as(mentor, Scope.RECORDS_READ), api_as(staff, Scope.STAFF_READ)):
        response = refused.get(path)
        assert response.status_code == 403
        assert response["Content-Type"] == PROBLEM
        assert "institution" in response.json()["detail"]


def test_writing_needs_the_scope_too(api_as, mentor, cohort):
    body = {"cohort_id": cohort.pk, "name": "Gina", "email": "gina@example.org"}
    assert (
        api_as(mentor, Scope.RECORDS_WRITE).post("/institution/graduates", body).status_code == 403
    )
    assert not Graduate.objects.exists()


def test_the_token_stops_when_the_role_or_the_token_goes(admin_api, centre_admin):
    assert admin_api.get("/institution/centres").status_code == 200
    RoleGrant.objects.filter(user=centre_admin, role=Role.INSTITUTION_ADMIN).delete()
    assert admin_api.get("/institution/centres").status_code == 403
    RoleGrant.objects.create(user=centre_admin, role=Role.INSTITUTION_ADMIN)
    assert admin_api.get("/institution/centres").status_code == 200
    token_revoke(token=ApiToken.objects.get(owner=centre_admin), by=centre_admin)
    assert admin_api.get("/institution/centres").status_code == 401


def test_an_administrator_without_two_factor_is_refused(admin_api, centre_admin):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=centre_admin).delete()
    response = admin_api.get("/institution/centres")
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM


def test_an_administrator_who_left_the_centre_sees_nothing_of_it(
    admin_api, centre, centre_admin, cohort, frameworks
):
    from conftest import make_user

    successor = make_user("sol@centre.example.org", Role.INSTITUTION_ADMIN, mfa=True)
    _member, token = institution_services.member_invite(
        centre=centre, email=successor.email, role="admin", by=centre_admin
    )
    institution_services.member_join(token=token, user=successor)
    institution_services.member_leave(member=centre.members.get(user=centre_admin), by=centre_admin)
    assert admin_api.get("/institution/centres").json()["items"] == []
    assert admin_api.get(f"/institution/cohorts/{cohort.pk}").status_code == 404


def test_the_site_session_of_an_administrator_holds_the_scope(centre_admin, centre):
    client = Client()
    client.force_login(centre_admin)
    response = client.get("/api/v1/institution/centres")
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["items"]] == [centre.pk]


# --- Reading, scoped to one's centres ---------------------------------------------------------


def test_an_administrator_reads_their_centre_programmes_and_cohorts(
    admin_api, centre, programme, cohort, centre_admin
):
    _record(cohort, centre_admin, "gina@example.org")
    [item] = admin_api.get("/institution/centres").json()["items"]
    assert item["id"] == centre.pk and item["kind"] == "non_accredited"
    assert admin_api.get(f"/institution/centres/{centre.pk}").json()["code"] == centre.code
    [listed] = admin_api.get("/institution/programmes").json()["items"]
    assert listed["name"] == programme.name
    assert listed["cohort_count"] == 1 and listed["graduate_count"] == 1
    detail = admin_api.get(f"/institution/programmes/{programme.pk}").json()
    assert detail["hours"] == "60.00" or float(detail["hours"]) == 60
    [row] = admin_api.get("/institution/cohorts", programme_id=programme.pk).json()["items"]
    assert row["id"] == cohort.pk and row["graduate_count"] == 1
    assert "instructor_email" not in row


def test_another_centres_objects_are_404_and_never_listed(admin_api, cohort, other_cohort):
    other_programme = other_cohort.programme
    other = _record(other_cohort, None, "olga@example.org")
    assert admin_api.get(f"/institution/centres/{other_programme.centre_id}").status_code == 404
    assert admin_api.get(f"/institution/programmes/{other_programme.pk}").status_code == 404
    assert admin_api.get(f"/institution/cohorts/{other_cohort.pk}").status_code == 404
    response = admin_api.get(f"/institution/graduates/{other.pk}")
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM
    assert len(admin_api.get("/institution/centres").json()["items"]) == 1
    assert len(admin_api.get("/institution/programmes").json()["items"]) == 1
    assert len(admin_api.get("/institution/cohorts").json()["items"]) == 1
    assert admin_api.get("/institution/graduates").json()["items"] == []
    filtered = admin_api.get("/institution/programmes", centre_id=other_programme.centre_id)
    assert filtered.json()["items"] == []
    filtered = admin_api.get("/institution/graduates", cohort_id=other_cohort.pk)
    assert filtered.json()["items"] == []


def test_graduates_show_what_the_pages_show_and_no_declined_claim(
    admin_api, cohort, programme, centre_admin, mentor
):
    recorded = _record(cohort, centre_admin, "Gina@Example.org", hours=40)
    claim = institution_services.claim_request(
        programme=programme, mentor=mentor, completed_on=datetime.date(2024, 5, 1), hours=30
    )
    declined = institution_services.claim_request(
        programme=programme,
        mentor=_other_mentor(),
        completed_on=datetime.date(2024, 5, 1),
        hours=30,
    )
    institution_services.claim_decide(graduate=declined, by=centre_admin, confirm=False)
    items = admin_api.get("/institution/graduates").json()["items"]
    assert {g["id"] for g in items} == {recorded.pk, claim.pk}
    got = admin_api.get(f"/institution/graduates/{recorded.pk}").json()
    assert got["name"] == "Gina Graduate" and got["email"] == "gina@example.org"
    assert got["status"] == "confirmed" and got["source"] == "recorded"
    assert got["on_platform"] is False and got["cohort_id"] == cohort.pk
    requested = admin_api.get("/institution/graduates", status="requested").json()["items"]
    assert [g["id"] for g in requested] == [claim.pk]
    assert requested[0]["on_platform"] is True and requested[0]["email"] == mentor.email
    assert admin_api.get(f"/institution/graduates/{declined.pk}").status_code == 404


def _other_mentor():
    from conftest import make_user

    return make_user("omar@example.org", Role.MENTOR)


def test_graduates_paginate_with_a_cursor_without_gaps(admin_api, cohort, centre_admin):
    made = {
        _record(
            cohort, centre_admin, f"g{n}@example.org", completed_on=datetime.date(2024, 6, d)
        ).pk
        for n, d in enumerate([30, 30, 29, 28, 28])
    }
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = admin_api.get("/institution/graduates", **params).json()
        seen += [g["id"] for g in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(made) and set(seen) == made
    assert admin_api.get("/institution/graduates", cursor="nonsense").status_code == 422


def test_lists_take_a_fixed_number_of_queries(
    admin_api, cohort, centre_admin, django_assert_max_num_queries
):
    for n in range(3):
        _record(cohort, centre_admin, f"g{n}@example.org")
    for path in ("/institution/graduates", "/institution/programmes", "/institution/cohorts"):
        with django_assert_max_num_queries(12) as few:
            assert admin_api.get(path).status_code == 200
        for n in range(3, 10):
            _record(cohort, centre_admin, f"g{n}@{path.strip('/').replace('/', '-')}.org")
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert admin_api.get(path).status_code == 200


# --- Recording one graduate -------------------------------------------------------------------


def test_recording_a_graduate_uses_the_pages_rules(admin_api, cohort, centre_admin):
    body = {"cohort_id": cohort.pk, "name": " Gina  Graduate ", "email": "gina@example.org"}
    response = admin_api.post("/institution/graduates", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["name"] == "Gina Graduate" and float(data["hours"]) == 60
    assert data["completed_on"] == cohort.ended_on.isoformat()
    assert data["status"] == "confirmed" and data["source"] == "recorded"
    graduate = Graduate.objects.get(pk=data["id"])
    assert graduate.created_by == centre_admin
    assert AuditEntry.objects.filter(action="graduate.recorded", actor=centre_admin).count() == 1
    again = admin_api.post("/institution/graduates", body)
    assert again.status_code == 422 and again["Content-Type"] == PROBLEM
    assert "already recorded" in again.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"name": ""}, "name"),
        ({"hours": "0"}, "hours"),
        ({"hours": "5000"}, "hours"),
    ],
)
def test_a_bad_value_is_422_naming_the_field(admin_api, cohort, change, field):
    body = {"cohort_id": cohort.pk, "name": "Gina", "email": "gina@example.org", **change}
    response = admin_api.post("/institution/graduates", body)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Graduate.objects.exists()


def test_the_services_refusals_come_back_as_problems(admin_api, cohort):
    base = {"cohort_id": cohort.pk, "name": "Gina", "email": "gina@example.org"}
    for change in ({"hours": "61"}, {"completed_on": "2023-01-01"}, {"completed_on": "2099-01-01"}):
        response = admin_api.post("/institution/graduates", {**base, **change})
        assert response.status_code == 422, change
        assert response.json()["title"] == "Refused"
    assert not Graduate.objects.exists()


def test_status_source_and_account_cannot_be_sent(admin_api, cohort, mentor):
    base = {"cohort_id": cohort.pk, "name": "Gina", "email": "gina@example.org"}
    for extra in ({"status": "requested"}, {"source": "claim"}, {"user_id": mentor.pk}):
        response = admin_api.post("/institution/graduates", {**base, **extra})
        assert response.status_code == 422
        assert response.json()["errors"][0]["message"] == (
            "This field cannot be set through the API."
        )
    assert not Graduate.objects.exists()


def test_another_centres_cohort_cannot_be_written_to(admin_api, other_cohort):
    body = {"cohort_id": other_cohort.pk, "name": "Gina", "email": "gina@example.org"}
    assert admin_api.post("/institution/graduates", body).status_code == 404
    bulk = {"cohort_id": other_cohort.pk, "graduates": [{"name": "G", "email": "g@example.org"}]}
    assert admin_api.post("/institution/graduates/bulk", bulk).status_code == 404
    assert not Graduate.objects.exists()


# --- Recording many at once -------------------------------------------------------------------


def test_a_bulk_create_saves_every_graduate_with_the_imports_rules(
    admin_api, cohort, centre_admin, mentor
):
    body = {
        "cohort_id": cohort.pk,
        "graduates": [
            {"name": "Gina Graduate", "email": "gina@example.org", "hours": "40"},
            {"name": "Maya Mentor", "email": mentor.email, "completed_on": "2024-06-01"},
        ],
    }
    response = admin_api.post("/institution/graduates/bulk", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["imported"] == 2
    first, second = data["items"]
    assert first["email"] == "gina@example.org" and float(first["hours"]) == 40
    assert first["completed_on"] == DAY and first["on_platform"] is False
    assert second["on_platform"] is True and second["completed_on"] == "2024-06-01"
    assert {g["source"] for g in data["items"]} == {"imported"}
    assert Graduate.objects.filter(cohort=cohort, created_by=centre_admin).count() == 2
    assert AuditEntry.objects.filter(action="graduate.imported").count() == 1


def test_a_bulk_create_saves_none_when_one_is_refused(admin_api, cohort, centre_admin):
    _record(cohort, centre_admin, "taken@example.org")
    good = {"name": "Gina", "email": "gina@example.org"}
    cases = [
        ([good, {"name": "Bad", "email": "not-an-email"}], "graduates.1.email"),
        ([good, {"name": "Again", "email": "GINA@example.org"}], "graduates.1.email"),
        ([good, {"name": "Taken", "email": "taken@example.org"}], "graduates.1"),
        ([{"name": "Long", "email": "l@example.org", "hours": "61"}, good], "graduates.0"),
    ]
    for graduates, field in cases:
        response = admin_api.post(
            "/institution/graduates/bulk", {"cohort_id": cohort.pk, "graduates": graduates}
        )
        assert response.status_code == 422, graduates
        assert response["Content-Type"] == PROBLEM
        assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    assert Graduate.objects.count() == 1


def test_a_bulk_create_refuses_an_empty_or_oversized_list(admin_api, cohort):
    from practicum.institutions.graduate_import import MAX_ROWS

    empty = admin_api.post("/institution/graduates/bulk", {"cohort_id": cohort.pk, "graduates": []})
    assert empty.status_code == 422
    many = [{"name": "G", "email": f"g{n}@example.org"} for n in range(MAX_ROWS + 1)]
    response = admin_api.post(
        "/institution/graduates/bulk", {"cohort_id": cohort.pk, "graduates": many}
    )
    assert response.status_code == 422
    assert not Graduate.objects.exists()


def test_the_bulk_path_is_not_a_graduate(admin_api):
    assert admin_api.get("/institution/graduates/bulk").status_code in (404, 405)


def test_a_lost_race_on_the_unique_completion_is_a_409(admin_api, cohort):
    from unittest import mock

    from django.db import IntegrityError

    one = {"cohort_id": cohort.pk, "name": "Gina", "email": "gina@example.org"}
    many = {"cohort_id": cohort.pk, "graduates": [{"name": "Gina", "email": "gina@example.org"}]}
    lost = IntegrityError("one_completion_per_person_and_day")
    with mock.patch.object(institution_services, "graduate_record", side_effect=lost):
        response = admin_api.post("/institution/graduates", one)
    assert response.status_code == 409 and response["Content-Type"] == PROBLEM
    with mock.patch("practicum.institutions.graduate_import.import_rows", side_effect=lost):
        assert admin_api.post("/institution/graduates/bulk", many).status_code == 409


def test_the_mentors_training_shows_what_the_centre_verified(
    api_as, mentor, programme, cohort, centre_admin
):
    from decimal import Decimal

    from practicum.practice.models import TrainingRecord

    record = TrainingRecord.objects.create(
        mentor=mentor,
        centre=programme.centre,
        programme=programme,
        centre_name=programme.centre.name,
        centre_type="non_accredited",
        programme_name=programme.name,
        hours=Decimal("60"),
        mode="blended",
        started_on=cohort.started_on,
        ended_on=cohort.ended_on,
        instructor_name="Ines Instructor",
        instructor_email="ines@centre.example.org",
    )
    api = api_as(mentor, Scope.RECORDS_READ)
    [item] = api.get("/training").json()["items"]
    assert item["id"] == record.pk and item["verified_hours"] is None
    assert item["claim_pending"] is False
    _record(cohort, centre_admin, mentor.email, hours=Decimal("50"))
    [item] = api.get("/training").json()["items"]
    assert float(item["verified_hours"]) == 50
