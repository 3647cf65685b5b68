"""Supervisor profiles and the directory: filters, paging, a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from practicum.accounts.models import Role, RoleGrant, User
from practicum.practice.models import SupervisionRelationship
from practicum.supervision.models import SupervisorLanguage, SupervisorProfile
from practicum.supervision.tests.conftest import make_supervisor

pytestmark = pytest.mark.django_db

PROFILE = {
    "bio": "Supervising mentors.",
    "languages": ["en", "es"],
    "focus_area": "skills",
    "experience": "Ten years.",
    "years_supervising": "4",
    "offers_one_to_one": "on",
    "accepting_new": "on",
    "slot_minutes": "60",
    "notice_hours": "24",
    "booking_horizon_days": "90",
    "is_listed": "on",
}


def names(response) -> list[str]:
    return [p.user.full_name for p in response.context["page"]]


def test_a_supervisor_writes_their_profile(client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("supervision:profile_edit"), PROFILE)
    assert response.status_code == 302
    profile = SupervisorProfile.objects.get(user=supervisor)
    assert sorted(profile.languages.values_list("code", flat=True)) == ["en", "es"]
    # languages can be changed; the others go
    client.post(reverse("supervision:profile_edit"), {**PROFILE, "languages": ["fr"]})
    assert list(profile.languages.values_list("code", flat=True)) == ["fr"]


def test_a_profile_needs_a_format_and_a_language(client, supervisor):
    client.force_login(supervisor)
    data = {k: v for k, v in PROFILE.items() if k not in {"offers_one_to_one", "languages"}}
    response = client.post(reverse("supervision:profile_edit"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "offers_one_to_one" in errors and "languages" in errors
    assert not SupervisorProfile.objects.exists()


def test_mentors_cannot_write_a_supervisor_profile(client, mentor):
    client.force_login(mentor)
    assert client.post(reverse("supervision:profile_edit"), PROFILE).status_code == 403


def test_the_profile_page_shows_what_mentors_need(client, frameworks, mentor):
    sup = make_supervisor(
        "p@example.org", name="Paula Profile", zone="Asia/Tokyo", languages=["ja", "en"]
    )
    client.force_login(mentor)
    page = client.get(reverse("supervision:supervisor_profile", args=[sup.public_id]))
    text = page.content.decode()
    for expected in (
        "Paula Profile",
        "Asia/Tokyo",
        "Japanese",
        "English",
        "domain knowledge",
        "One-to-one",
    ):
        assert expected in text
    assert "See free slots and book" in text


def test_the_credentials_slot_loads_only_when_the_credentials_app_serves_badges(
    client, frameworks, mentor
):
    from django.urls import NoReverseMatch

    sup = make_supervisor("c@example.org")
    client.force_login(mentor)
    text = client.get(reverse("supervision:supervisor_profile", args=[sup.public_id])).content
    try:
        badges = reverse("credentials:holder_badges", args=[sup.public_id])
    except NoReverseMatch:
        assert b"Credentials held" not in text
    else:
        assert f'hx-get="{badges}"'.encode() in text


def test_an_unlisted_profile_is_404_to_others_but_not_to_its_owner(client, frameworks, mentor):
    sup = make_supervisor("hidden@example.org", is_listed=False)
    client.force_login(mentor)
    url = reverse("supervision:supervisor_profile", args=[sup.public_id])
    assert client.get(url).status_code == 404
    assert client.get(reverse("supervision:book", args=[sup.public_id])).status_code == 404
    client.force_login(sup)
    assert client.get(url).status_code == 200


def test_the_directory_filters(client, frameworks, mentor):
    make_supervisor("a@example.org", name="Ana", zone="Europe/Madrid", languages=["es"])
    make_supervisor(
        "b@example.org",
        name="Ben",
        zone="Asia/Tokyo",
        languages=["en"],
        focus_area="domain",
        offers_group=True,
        offers_one_to_one=False,
    )
    full = make_supervisor(
        "c@example.org", name="Cleo", zone="Europe/London", languages=["en"], max_supervisees=1
    )
    make_supervisor("d@example.org", name="Dan", zone="Europe/Paris", accepting_new=False)
    SupervisionRelationship.objects.create(
        mentor=mentor, supervisor=full, focus_area="both", started_on="2025-01-01", frequency="m"
    )
    client.force_login(mentor)  # Maya is in UTC
    url = reverse("supervision:directory")
    assert names(client.get(url)) == ["Ana", "Ben", "Cleo", "Dan"]
    assert names(client.get(url, {"language": "es"})) == ["Ana"]
    assert names(client.get(url, {"focus": "skills"})) == ["Ana", "Cleo", "Dan"]
    assert names(client.get(url, {"format": "group"})) == ["Ben"]
    assert names(client.get(url, {"format": "one_to_one"})) == ["Ana", "Cleo", "Dan"]
    # Tokyo is 9 hours from UTC: 3 working hours in common
    assert names(client.get(url, {"overlap": "4"})) == ["Ana", "Cleo", "Dan"]
    assert names(client.get(url, {"overlap": "2"})) == ["Ana", "Ben", "Cleo", "Dan"]
    # Cleo is full, Dan is not taking new supervisees
    assert names(client.get(url, {"open": "on"})) == ["Ana", "Ben"]
    assert names(client.get(url, {"language": "en", "open": "on"})) == ["Ben"]


def test_bad_filter_values_are_ignored_not_a_500(client, frameworks, mentor):
    make_supervisor("a@example.org")
    client.force_login(mentor)
    response = client.get(
        reverse("supervision:directory"),
        {"language": "xx", "overlap": "many", "format": "?", "page": "-1"},
    )
    assert response.status_code == 200
    assert len(names(response)) == 1


def test_htmx_gets_only_the_results(client, frameworks, mentor):
    make_supervisor("a@example.org")
    client.force_login(mentor)
    response = client.get(reverse("supervision:directory"), HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content and b'id="results"' in response.content


def many_supervisors(n: int, prefix: str = "s") -> None:
    """`n` listed supervisors, in bulk; every other one offers groups."""
    users = User.objects.bulk_create(
        User(
            email=f"{prefix}{i}@example.org",
            full_name=f"{prefix.upper()} Supervisor {i:04}",
            time_zone="Europe/Paris",
        )
        for i in range(n)
    )
    RoleGrant.objects.bulk_create(RoleGrant(user=u, role=Role.SUPERVISOR) for u in users)
    profiles = SupervisorProfile.objects.bulk_create(
        SupervisorProfile(
            user=u,
            bio="Bio",
            focus_area="both",
            experience="Exp",
            is_listed=True,
            offers_group=i % 2 == 0,
        )
        for i, u in enumerate(users)
    )
    SupervisorLanguage.objects.bulk_create(
        SupervisorLanguage(profile=p, code=code) for p in profiles for code in ("en", "fr")
    )


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"language": "fr", "format": "group", "open": "on"}])
def test_the_directory_keeps_a_fixed_query_count_with_500_supervisors(
    client, frameworks, params, django_assert_max_num_queries
):
    viewer = make_user("viewer@example.org", Role.MENTOR)
    client.force_login(viewer)
    url = reverse("supervision:directory")
    many_supervisors(5)
    few = count_queries(client, url, params)
    many_supervisors(495, prefix="t")
    with django_assert_max_num_queries(few):
        response = client.get(url, params)
    assert response.context["page"].paginator.count in {500, 251}
    assert len(response.context["page"]) == 25
    assert few <= 12


def test_a_history_restore_gets_the_whole_page(client, frameworks, mentor):
    client.force_login(mentor)
    response = client.get(
        reverse("supervision:directory"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert b"<html" in response.content
