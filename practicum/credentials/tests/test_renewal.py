"""Renewal: reminders exactly once, the same engine on the cycle, extension, audit sampling."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from practicum.audit.models import AuditEntry
from practicum.credentials import services
from practicum.credentials.models import (
    Application,
    Credential,
    RenewalReminder,
    add_years,
)
from practicum.credentials.tests import builders
from practicum.lib.tests.samples import MINIMAL_PDF

pytestmark = pytest.mark.django_db

START = datetime.date(2024, 9, 1)
EXPIRY = datetime.date(2026, 9, 1)


@pytest.fixture
def holder(rules, mentor, travel):
    """Maya holds a CMM from 1 Sep 2024 to 1 Sep 2026, with a full renewal record."""
    travel(datetime.date(2026, 6, 1))
    credential = builders.credential(mentor, "CMM", START)
    relationship = builders.supervisor(mentor)
    for year_start in (START, add_years(START, 1)):
        for i in range(5):
            builders.session(mentor, relationship, year_start + datetime.timedelta(days=7 * i))
    builders.cpd(mentor, datetime.date(2025, 3, 1), "40")
    return credential


def remind(out=None) -> str:
    out = out or StringIO()
    call_command("send_renewal_reminders", stdout=out)
    return out.getvalue()


# --- Reminders ----------------------------------------------------------------------------------


def test_reminders_go_at_90_30_and_7_days_each_exactly_once(holder, mentor, travel, run_tasks):
    travel(EXPIRY - datetime.timedelta(days=91))
    assert remind() == ""
    travel(EXPIRY - datetime.timedelta(days=90))
    assert "1 renewal reminder(s) queued" in remind()
    assert remind() == ""  # the same day again: nothing
    travel(EXPIRY - datetime.timedelta(days=45))
    assert remind() == ""
    travel(EXPIRY - datetime.timedelta(days=30))
    remind()
    remind()
    travel(EXPIRY - datetime.timedelta(days=7))
    remind()
    travel(EXPIRY - datetime.timedelta(days=1))
    remind()
    assert sorted(RenewalReminder.objects.values_list("days_before", flat=True)) == [7, 30, 90]
    run_tasks()
    subjects = [m.subject for m in mail.outbox if m.to == [mentor.email]]
    assert subjects == [
        f"Your credential {holder.number} expires in 90 days",
        f"Your credential {holder.number} expires in 30 days",
        f"Your credential {holder.number} expires in 7 days",
    ]
    assert AuditEntry.objects.for_subject(holder).filter(action="credential.reminded").count() == 3


def test_a_late_first_run_sends_only_the_reminder_due(holder, travel):
    travel(EXPIRY - datetime.timedelta(days=20))
    remind()
    assert list(RenewalReminder.objects.values_list("days_before", flat=True)) == [30]


def test_the_reminder_says_what_is_still_missing(holder, mentor, travel, run_tasks):
    holder.holder.supervision_sessions.filter(starts_at__year=2025, starts_at__month=9).delete()
    travel(EXPIRY - datetime.timedelta(days=90))
    remind()
    run_tasks()
    body = mail.outbox[-1].body
    assert "What is still missing for the renewal:" in body
    assert "more confirmed supervision session" in body and "in year 2" in body


def test_no_reminder_once_the_renewal_is_submitted(holder, mentor, travel):
    travel(EXPIRY - datetime.timedelta(days=40))
    builders.apply_and_submit(mentor, renews=holder)
    travel(EXPIRY - datetime.timedelta(days=30))
    remind()
    assert not RenewalReminder.objects.exists()


# --- The renewal application --------------------------------------------------------------------


def test_renewal_opens_90_days_before_expiry(holder, mentor, travel, client):
    travel(EXPIRY - datetime.timedelta(days=91))
    with pytest.raises(ValidationError, match="Renewal opens on 2026-06-03"):
        services.application_start(applicant=mentor, code="CMM", renews=holder)
    client.force_login(mentor)
    page = client.get(reverse("credentials:credential_detail", args=[holder.pk])).content.decode()
    assert "Renewal opens on 3 Jun 2026." in page
    travel(EXPIRY - datetime.timedelta(days=90))
    page = client.get(reverse("credentials:credential_detail", args=[holder.pk])).content.decode()
    assert "Renew this credential" in page
    response = client.post(reverse("credentials:renew", args=[holder.pk]))
    application = Application.objects.get(kind="renewal")
    assert response["Location"] == reverse(
        "credentials:application_step", args=[application.pk, "eligibility"]
    )


def test_a_renewal_with_4_sessions_in_a_year_is_refused_with_what_is_missing(
    holder, mentor, travel
):
    session = mentor.supervision_sessions.filter(starts_at__year=2025, starts_at__month=9).first()
    session.delete()
    travel(EXPIRY - datetime.timedelta(days=30))
    with pytest.raises(ValidationError) as error:
        builders.apply_and_submit(mentor, renews=holder)
    assert error.value.messages == [
        "1 more confirmed supervision session in year 2 (1 Sep 2025 to 31 Aug 2026)"
    ]


def test_a_renewal_not_drawn_for_audit_is_approved_on_the_declaration(
    holder, mentor, staff, travel, run_tasks
):
    travel(EXPIRY - datetime.timedelta(days=30))
    application = builders.apply_and_submit(mentor, renews=holder, draw=lambda: 99)
    assert not application.audit_selected
    assert application.fee_amount == holder.rule_set.rules.renewal.fees.non_member
    snapshot = services.snapshot_of(application)
    assert len(snapshot["sessions"]) == 10 and snapshot["cpd"][0]["hours"] == "40.00"
    builders.pay(application, staff)
    application.refresh_from_db()
    assert application.status == "approved" and application.decided_by is None
    renewed = Credential.objects.get(renewal_of=holder)
    # renewing extends from the old expiry date, not from today
    assert renewed.valid_from == EXPIRY and renewed.expires_on == datetime.date(2028, 9, 1)
    assert renewed.issued_on == EXPIRY - datetime.timedelta(days=30)
    assert AuditEntry.objects.for_subject(application).get(
        action="application.audit_drawn"
    ).after == {
        "selected": False,
        "share": 20,
    }
    run_tasks()
    assert any(renewed.number in m.body for m in mail.outbox)


def test_a_renewal_drawn_for_audit_asks_for_evidence_uploads(holder, mentor, staff, travel, client):
    travel(EXPIRY - datetime.timedelta(days=30))
    application = builders.apply_and_submit(mentor, renews=holder, draw=lambda: 0)
    assert application.audit_selected
    builders.pay(application, None)
    application.refresh_from_db()
    assert application.status == "info_requested"
    assert application.info_requests.get().for_audit
    client.force_login(mentor)
    url = reverse("credentials:application_answer", args=[application.pk])
    response = client.post(url, {"answer": "All confirmed on the platform."})
    assert response.status_code == 400
    assert "The audit asks for evidence: attach at least one file." in response.content.decode()
    log = SimpleUploadedFile("log.pdf", MINIMAL_PDF, content_type="application/pdf")
    assert client.post(url, {"files": [log]}).status_code == 302
    application.refresh_from_db()
    assert application.status == "in_review"
    services.application_decide(application=application, by=staff, approve=True)
    assert Credential.objects.get(renewal_of=holder).valid_from == EXPIRY


def test_a_renewed_credential_is_not_renewed_twice_and_the_old_page_points_on(
    holder, mentor, staff, travel, client
):
    travel(EXPIRY - datetime.timedelta(days=30))
    builders.pay(builders.apply_and_submit(mentor, renews=holder, draw=lambda: 99), staff)
    with pytest.raises(ValidationError, match="already been renewed"):
        services.application_start(applicant=mentor, code="CMM", renews=holder)
    renewed = Credential.objects.get(renewal_of=holder)
    page = client.get(reverse("credentials:verify_code", args=[holder.verification_code]))
    assert f"Renewed as {renewed.number}." in page.content.decode()


def test_only_the_holder_renews(holder, other_mentor, client):
    client.force_login(other_mentor)
    assert client.post(reverse("credentials:renew", args=[holder.pk])).status_code == 404
