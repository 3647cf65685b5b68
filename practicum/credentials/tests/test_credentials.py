"""Issued credentials: expiry, status, public verification, QR code, badges, certificate."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from conftest import make_user
from practicum.accounts.models import Role
from practicum.audit.models import AuditEntry
from practicum.audit.services import audit_trail
from practicum.credentials import services
from practicum.credentials.models import Credential, add_years, body_today
from practicum.credentials.tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def cmm(rules, mentor):
    return builders.credential(mentor, "CMM", body_today() - datetime.timedelta(days=100))


def paid_public(user):
    user.membership_status = "member"
    user.membership_valid_until = body_today() + datetime.timedelta(days=200)
    user.profile_public = True
    user.save()
    return user


# --- Status and expiry --------------------------------------------------------------------------


def test_status_is_computed_honestly_before_the_expiry_job_runs(rules, mentor):
    today = body_today()
    credential = builders.credential(mentor, "CPM", add_years(today, -2))
    assert credential.status == "active" and credential.expires_on == today
    assert credential.status_on(today) == "expired"
    assert credential.status_on(today - datetime.timedelta(days=1)) == "active"
    assert not Credential.objects.valid_on(today).exists()


def test_expire_credentials_runs_once_for_each_credential(rules, mentor):
    today = body_today()
    due = builders.credential(mentor, "CPM", add_years(today, -2))
    later = builders.credential(mentor, "CMM", today - datetime.timedelta(days=1))
    out = StringIO()
    call_command("expire_credentials", stdout=out)
    assert "1 credential status(es) updated" in out.getvalue()
    call_command("expire_credentials", stdout=StringIO())
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, due.status_changed_on, later.status) == ("expired", today, "active")
    assert AuditEntry.objects.for_subject(due).filter(action="credential.expired").count() == 1


def test_suspension_and_revocation_need_a_reason_and_are_audited(cmm, staff, run_tasks, mentor):
    with pytest.raises(Exception, match="reason"):
        services.credential_suspend(credential=cmm, by=staff, reason=" ")
    services.credential_suspend(
        credential=cmm,
        by=staff,
        reason="Ethics sanction 4",
        until=body_today() + datetime.timedelta(days=90),
    )
    cmm.refresh_from_db()
    assert cmm.status == "suspended" and cmm.suspended_until
    services.credential_reinstate(credential=cmm, by=staff, reason="Suspension served")
    cmm.refresh_from_db()
    assert cmm.status == "active" and cmm.status_reason == ""
    services.credential_revoke(credential=cmm, by=staff, reason="Ethics sanction 5")
    cmm.refresh_from_db()
    assert cmm.status == "revoked"
    events = [(e.action.split(".")[1], e.after) for e in audit_trail(cmm)]
    assert [e for e, _ in events] == ["suspended", "reinstated", "revoked"]
    assert events[1][1]["reason"] == "Suspension served"
    run_tasks()
    assert len(mail.outbox) == 3 and mail.outbox[-1].to == [mentor.email]


def test_staff_change_a_status_from_the_credential_page(client, cmm, staff):
    client.force_login(staff)
    url = reverse("credentials:credential_manage", args=[cmm.pk])
    response = client.post(url, {"action": "suspend", "reason": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(url, {"action": "revoke", "reason": "Fraudulent references"})
    assert response.status_code == 302
    cmm.refresh_from_db()
    assert cmm.status == "revoked"
    page = client.get(url).content.decode()
    assert "Credential revoked" in page and "Fraudulent references" in page


def test_the_staff_credential_list_finds_by_number(client, cmm, staff, mentor):
    client.force_login(staff)
    found = client.get(reverse("credentials:credential_list"), {"q": cmm.number}).content.decode()
    assert cmm.number in found
    assert (
        client.get(reverse("credentials:credential_list"), {"q": "nothing"})
        .context["page"]
        .paginator.count
        == 0
    )


# --- Public verification --------------------------------------------------------------------------


def test_anyone_verifies_a_credential_by_its_number(client, cmm):
    response = client.get(reverse("credentials:verify"), {"number": cmm.number.lower()})
    assert response["Location"] == reverse("credentials:verify_code", args=[cmm.verification_code])
    page = client.get(response["Location"]).content.decode()
    assert "Valid credential" in page and "Maya Mentor" in page
    assert "Certified Master Mentor (CMM)" in page
    assert (
        cmm.issued_on.strftime("%-d %b %Y") in page and cmm.expires_on.strftime("%-d %b %Y") in page
    )


def test_an_unknown_number_says_so_on_the_field(client, rules):
    response = client.get(reverse("credentials:verify"), {"number": "IMC-CMM-2026-999999"})
    assert response.status_code == 200
    assert "No credential has this number." in response.content.decode()


def test_the_verification_url_is_a_random_code_not_the_id(cmm):
    url = reverse("credentials:verify_code", args=[cmm.verification_code])
    assert url.split("/")[-2] == cmm.verification_code != str(cmm.pk)
    assert len(cmm.verification_code) >= 20


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("suspended", "This credential is suspended."),
        ("revoked", "This credential has been revoked: it is no longer valid."),
    ],
)
def test_a_suspended_or_revoked_credential_says_so_plainly(client, cmm, status, words):
    cmm.status, cmm.status_reason, cmm.status_changed_on = status, "Sanction", body_today()
    cmm.save()
    page = client.get(reverse("credentials:verify_code", args=[cmm.verification_code]))
    assert words in page.content.decode()


def test_an_expired_credential_says_so_even_before_the_job_runs(client, rules, mentor):
    credential = builders.credential(mentor, "CPM", add_years(body_today(), -2))
    page = client.get(reverse("credentials:verify_code", args=[credential.verification_code]))
    html = page.content.decode()
    assert "Expired credential" in html and "no longer valid" in html


def test_the_qr_code_encodes_the_verification_page(client, cmm):
    response = client.get(reverse("credentials:qr", args=[cmm.verification_code]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    import qrcode

    from practicum.credentials.documents import verification_url

    url = verification_url(cmm)
    assert url.endswith(f"/credentials/verify/{cmm.verification_code}/")
    matrix = qrcode.QRCode(border=4)
    matrix.add_data(url)
    matrix.make(fit=True)
    assert (
        f'viewBox="0 0 {matrix.modules_count + 8} {matrix.modules_count + 8}"'
        in response.content.decode()
    )


# --- Badges on the public profile -----------------------------------------------------------------


def test_a_paid_member_with_a_public_profile_shows_active_badges(client, cmm, mentor):
    paid_public(mentor)
    html = client.get(
        reverse("credentials:holder_badges", args=[mentor.public_id])
    ).content.decode()
    assert "Certified Master Mentor" in html
    assert reverse("credentials:verify_code", args=[cmm.verification_code]) in html


@pytest.mark.parametrize("change", ["not_paid", "profile_off", "expired", "revoked"])
def test_no_badge_otherwise(client, cmm, mentor, change):
    paid_public(mentor)
    if change == "not_paid":
        mentor.membership_valid_until = body_today() - datetime.timedelta(days=1)
        mentor.save()
    elif change == "profile_off":
        mentor.profile_public = False
        mentor.save()
    elif change == "expired":
        cmm.expires_on = body_today()
        cmm.save()
    else:
        cmm.status, cmm.status_reason = "revoked", "Sanction"
        cmm.save()
    response = client.get(reverse("credentials:holder_badges", args=[mentor.public_id]))
    assert response.status_code == 200 and response.content.decode().strip() == ""


def test_an_unknown_holder_has_no_badges(client, rules):
    response = client.get(reverse("credentials:holder_badges", args=["nobody"]))
    assert response.status_code == 200 and response.content.strip() == b""


# --- The holder's pages ---------------------------------------------------------------------------


def test_the_holder_downloads_the_certificate(client, cmm, mentor, other_mentor):
    client.force_login(mentor)
    response = client.get(reverse("credentials:certificate", args=[cmm.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and b"/Image" in response.content  # the QR code
    assert f"certificate-{cmm.number}.pdf" in response["Content-Disposition"]
    client.force_login(other_mentor)
    assert client.get(reverse("credentials:certificate", args=[cmm.pk])).status_code == 404
    assert client.get(reverse("credentials:credential_detail", args=[cmm.pk])).status_code == 404


def test_the_certificate_names_the_holder_and_the_number(cmm):
    from practicum.credentials.documents import certificate_pdf

    pdf = certificate_pdf(cmm, compress=False)
    assert pdf.startswith(b"%PDF") and b"Certificate " in pdf  # the document title
    assert cmm.number.encode() in pdf


def test_the_credential_page_shows_status_links_and_renewal(client, cmm, mentor):
    client.force_login(mentor)
    html = client.get(reverse("credentials:credential_detail", args=[cmm.pk])).content.decode()
    assert cmm.number in html and "Renewal opens on" in html
    assert reverse("credentials:qr", args=[cmm.verification_code]) in html


def test_a_credential_issued_through_the_flow_is_numbered_per_type_and_year(
    rules, frameworks, staff
):
    year = body_today().year
    numbers = []
    for n in range(2):
        user = make_user(f"n{n}@example.org", Role.MENTOR)
        builders.make_eligible_for_cmm(user)
        application = builders.apply_and_submit(user)
        builders.pay(application, None, key=f"number-key-{n:010d}")
        services.application_decide(application=application, by=staff, approve=True)
        numbers.append(Credential.objects.get(application=application).number)
    assert numbers == [f"IMC-CMM-{year}-000001", f"IMC-CMM-{year}-000002"]


def test_a_suspension_for_a_set_period_ends_by_itself(cmm, staff, travel, client):
    today = body_today()
    services.credential_suspend(
        credential=cmm, by=staff, reason="Sanction 4", until=today + datetime.timedelta(days=30)
    )
    later = today + datetime.timedelta(days=30)
    cmm.refresh_from_db()
    assert cmm.status_on(later - datetime.timedelta(days=1)) == "suspended"
    assert cmm.status_on(later) == "active"  # honest on read, before the job runs
    assert Credential.objects.valid_on(later).filter(pk=cmm.pk).exists()
    travel(later)
    call_command("expire_credentials", stdout=StringIO())
    call_command("expire_credentials", stdout=StringIO())
    cmm.refresh_from_db()
    assert cmm.status == "active" and cmm.status_reason == ""
    lifted = AuditEntry.objects.for_subject(cmm).filter(action="credential.reinstated")
    assert lifted.count() == 1 and lifted.get().actor is None
