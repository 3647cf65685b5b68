import pytest
from django.urls import reverse

from practicum.accounts.models import Role, RoleGrant, User

pytestmark = pytest.mark.django_db


def test_site_admin_adds_a_user(client, site_admin):
    client.force_login(site_admin)
    url = reverse("admin:accounts_user_add")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "email": "New.Person@Example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "role_grants-TOTAL_FORMS": "0",
            "role_grants-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.filter(email="new.person@example.org").exists()


def test_site_admin_grants_a_role_and_it_is_recorded(client, site_admin, mentor):
    client.force_login(site_admin)
    url = reverse("admin:accounts_user_change", args=[mentor.pk])
    page = client.get(url)
    assert page.status_code == 200
    grant = RoleGrant.objects.get(user=mentor)
    data = {
        "email": mentor.email,
        "full_name": mentor.full_name,
        "country": "",
        "time_zone": "UTC",
        "preferred_language": "en",
        "bio": "",
        "membership_status": "member",
        "membership_number": "IMC-0042",
        "membership_valid_until": "2027-12-31",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "role_grants-TOTAL_FORMS": "2",
        "role_grants-INITIAL_FORMS": "1",
        "role_grants-0-id": str(grant.pk),
        "role_grants-0-user": str(mentor.pk),
        "role_grants-0-role": Role.MENTOR,
        "role_grants-1-user": str(mentor.pk),
        "role_grants-1-role": Role.SUPERVISOR,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    mentor.refresh_from_db()
    assert mentor.membership_status == "member" and mentor.membership_number == "IMC-0042"
    new_grant = RoleGrant.objects.get(user=mentor, role=Role.SUPERVISOR)
    assert new_grant.granted_by == site_admin


def test_framework_versions_are_read_only_in_the_admin(client, site_admin):
    client.force_login(site_admin)
    assert client.get(reverse("admin:frameworks_frameworkversion_changelist")).status_code == 200
    assert client.get(reverse("admin:frameworks_frameworkversion_add")).status_code == 403
