import pytest
from django.urls import reverse

from conftest import make_user
from practicum.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_staff_without_mfa_are_sent_to_set_it_up(client, frameworks):
    staff = make_user("nomfa@example.org", Role.CREDENTIALING_STAFF)
    client.force_login(staff)
    response = client.get(reverse("credentials:staff_dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_with_mfa_reach_their_pages(client, staff):
    client.force_login(staff)
    assert client.get(reverse("credentials:staff_dashboard")).status_code == 200


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [
        ("ethics_staff", "ethics:staff_dashboard"),
        ("institution_admin", "institutions:dashboard"),
    ],
)
def test_each_staff_role_reaches_its_own_dashboard(client, request, persona, url_name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(url_name)).status_code == 200


def test_ethics_staff_cannot_open_the_credentialing_queue(client, ethics_staff):
    client.force_login(ethics_staff)
    assert client.get(reverse("credentials:staff_dashboard")).status_code == 403


def test_site_admin_with_mfa_reaches_the_admin(client, site_admin):
    client.force_login(site_admin)
    assert client.get(reverse("admin:index")).status_code == 200


def test_site_admin_without_mfa_is_sent_to_set_it_up(client, frameworks):
    admin = make_user("admin-nomfa@example.org", Role.SITE_ADMIN)
    client.force_login(admin)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp") or (
        reverse("mfa_activate_totp") in [url for url, _ in response.redirect_chain]
    )


def test_mentors_never_reach_the_admin(client, mentor):
    client.force_login(mentor)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("practice:mentor_dashboard")


def test_staff_who_are_not_site_admins_never_reach_the_admin(client, staff):
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_dashboard_sends_each_user_to_their_first_role(client, supervisor, staff):
    client.force_login(supervisor)
    assert client.get(reverse("dashboard"))["Location"] == reverse("practice:mentor_dashboard")
    client.force_login(staff)
    assert client.get(reverse("dashboard"))["Location"] == reverse("credentials:staff_dashboard")


def test_navigation_shows_only_what_a_role_may_use(client, supervisor):
    client.force_login(supervisor)
    html = client.get(reverse("practice:mentor_dashboard")).content.decode()
    assert reverse("supervision:supervisor_dashboard") in html
    assert reverse("credentials:staff_dashboard") not in html
    assert reverse("admin:index") not in html
