"""Stopping an account stops it: every route that deactivates one ends its sessions for good,
and site administrators suspend and reinstate with a reason, on the record."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from practicum.accounts.models import Role, RoleGrant, User
from practicum.accounts.services import account_reinstate, account_suspend
from practicum.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(reverse("accounts:profile")).status_code == 200
    return client


def _is_signed_out(client: Client) -> bool:
    response = client.get(reverse("accounts:profile"))
    return response.status_code == 302 and reverse("account_login") in response.url


def test_a_suspension_ends_sessions_and_reinstating_does_not_revive_them(mentor, site_admin):
    old = _signed_in(mentor)
    account_suspend(user=mentor, by=site_admin, reason="Complaint under review")
    assert _is_signed_out(old)
    account_reinstate(user=mentor, by=site_admin, reason="Cleared")
    assert _is_signed_out(old)  # the old session is gone, not merely dormant
    assert _signed_in(mentor)  # a new sign-in works


def test_the_admins_active_switch_ends_sessions_for_good(client, site_admin, mentor):
    old = _signed_in(mentor)
    client.force_login(site_admin)
    grant = RoleGrant.objects.get(user=mentor)
    data = {
        "email": mentor.email,
        "full_name": mentor.full_name,
        "country": "",
        "time_zone": "UTC",
        "preferred_language": "en",
        "bio": "",
        "membership_status": mentor.membership_status,
        "membership_number": "",
        "membership_valid_until": "",
        # "is_active" left out: the switch is off
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "role_grants-TOTAL_FORMS": "1",
        "role_grants-INITIAL_FORMS": "1",
        "role_grants-0-id": str(grant.pk),
        "role_grants-0-user": str(mentor.pk),
        "role_grants-0-role": Role.MENTOR,
    }
    url = reverse("admin:accounts_user_change", args=[mentor.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    mentor.refresh_from_db()
    assert not mentor.is_active
    User.objects.filter(pk=mentor.pk).update(is_active=True)  # switched back on
    assert _is_signed_out(old)


def test_a_save_that_does_not_deactivate_keeps_sessions(mentor):
    old = _signed_in(mentor)
    mentor.full_name = "Maya M."
    mentor.save()
    assert not _is_signed_out(old)


def test_site_admin_suspends_with_a_reason_and_it_is_audited(client, site_admin, mentor):
    old = _signed_in(mentor)
    client.force_login(site_admin)
    url = reverse("admin:accounts_user_status", args=[mentor.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Reason" in page.content.decode()
    response = client.post(url, {"status": "suspended", "reason": "Fraudulent log entries"})
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.account_status == User.AccountStatus.SUSPENDED and not mentor.is_active
    entry = AuditEntry.objects.get(action="account.suspended")
    assert entry.actor == site_admin and entry.after["reason"] == "Fraudulent log entries"
    assert _is_signed_out(old)
    assert not Session.objects.filter(session_key=old.session.session_key).exists()
    # The page shows the trail, and reinstating works the same way.
    assert "Fraudulent log entries" in client.get(url).content.decode()
    client.post(url, {"status": "active", "reason": "Appeal upheld"})
    mentor.refresh_from_db()
    assert mentor.account_status == User.AccountStatus.ACTIVE and mentor.is_active
    assert AuditEntry.objects.filter(action="account.active").exists()


def test_a_status_change_without_a_reason_is_refused(client, site_admin, mentor):
    client.force_login(site_admin)
    url = reverse("admin:accounts_user_status", args=[mentor.pk])
    response = client.post(url, {"status": "suspended", "reason": "   "})
    assert response.status_code == 200
    assert "Give the reason" in response.content.decode()
    mentor.refresh_from_db()
    assert mentor.account_status == User.AccountStatus.ACTIVE and mentor.is_active


def test_only_site_administrators_reach_the_status_page(client, staff, mentor):
    url = reverse("admin:accounts_user_status", args=[mentor.pk])
    client.force_login(staff)
    assert client.get(url).status_code in {302, 403}
    assert client.post(url, {"status": "suspended", "reason": "x"}).status_code in {302, 403}
    mentor.refresh_from_db()
    assert mentor.is_active
