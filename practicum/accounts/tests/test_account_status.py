import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from practicum.accounts import access, services
from practicum.accounts.models import User
from practicum.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_suspended_account_loses_its_open_session_at_the_next_request(client, mentor, staff):
    client.force_login(mentor)
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert services.account_suspend(user=mentor, by=staff, reason="Sanction")
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_suspended_account_cannot_sign_in(client, mentor, staff):
    services.account_suspend(user=mentor, by=staff, reason="Sanction")
    client.post(
        reverse("account_login"), {"login": mentor.email, "password": "a-long-test-password"}
    )
    assert "_auth_user_id" not in client.session


def test_reinstating_restores_sign_in_and_is_audited(mentor, staff):
    services.account_suspend(user=mentor, by=staff, reason="Sanction")
    services.account_reinstate(user=mentor, by=staff, reason="Appeal upheld")
    mentor.refresh_from_db()
    assert mentor.is_active and mentor.account_status == User.AccountStatus.ACTIVE
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions == ["account.suspended", "account.active"]


def test_a_change_needs_a_reason(mentor, staff):
    with pytest.raises(ValidationError):
        services.account_suspend(user=mentor, by=staff, reason="  ")
    mentor.refresh_from_db()
    assert mentor.is_active


def test_the_same_status_twice_records_nothing(mentor, staff):
    services.account_restrict(user=mentor, by=staff, reason="r")
    assert not services.account_restrict(user=mentor, by=staff, reason="r")
    assert AuditEntry.objects.count() == 1


def test_a_restricted_account_reaches_only_the_pages_open_to_it(client, mentor, staff, monkeypatch):
    services.account_restrict(user=mentor, by=staff, reason="Revoked")
    client.force_login(mentor)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:restricted")
    monkeypatch.setattr(access, "RESTRICTED_LINKS", [lambda user: [("My case", "/case/")]])
    page = client.get(reverse("accounts:restricted"))
    assert page.status_code == 200 and b"My case" in page.content


def test_status_hooks_run_inside_the_change(mentor, staff, monkeypatch):
    seen = []
    monkeypatch.setattr(
        services, "ACCOUNT_STATUS_HOOKS", [lambda **kw: seen.append((kw["old"], kw["new"]))]
    )
    services.account_suspend(user=mentor, by=staff, reason="r")
    assert seen == [("active", "suspended")]
