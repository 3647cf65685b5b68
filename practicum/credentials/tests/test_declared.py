"""Declaring a credential held before the platform, and staff verifying or declining it."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practicum.audit.models import AuditEntry
from practicum.credentials.models import Credential, CredentialType, DeclaredCredential
from practicum.lib.tests.samples import MINIMAL_PDF

pytestmark = pytest.mark.django_db


def _pdf():
    return SimpleUploadedFile("cpm.pdf", MINIMAL_PDF, content_type="application/pdf")


def _form(**overrides):
    data = {
        "credential_type": CredentialType.objects.get(code="CPM").pk,
        "number": "imc-cpm-2024-000123",
        "issued_on": "2024-03-01",
        "valid_from": "2024-03-01",
        "expires_on": "2026-12-20",
        "evidence": _pdf(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def declared(rules, mentor, client):
    client.force_login(mentor)
    response = client.post(reverse("credentials:declare"), _form())
    assert response.status_code == 302
    client.logout()
    return DeclaredCredential.objects.get(holder=mentor)


def test_a_mentor_declares_a_credential_with_its_evidence(declared, mentor, client):
    assert declared.number == "IMC-CPM-2024-000123"
    assert declared.status == DeclaredCredential.Status.PENDING
    assert declared.evidence_type == "pdf"
    assert AuditEntry.objects.filter(action="declared_credential.declared").exists()
    client.force_login(mentor)
    page = client.get(reverse("credentials:declare")).content.decode()
    assert "Waiting for verification" in page


def test_evidence_is_checked_by_its_content(rules, mentor, client):
    client.force_login(mentor)
    fake = SimpleUploadedFile("cpm.pdf", b"MZ not a pdf at all", content_type="application/pdf")
    response = client.post(reverse("credentials:declare"), _form(evidence=fake))
    assert response.status_code == 400
    assert not DeclaredCredential.objects.exists()


def test_dates_that_make_no_sense_are_refused(rules, mentor, client):
    client.force_login(mentor)
    response = client.post(
        reverse("credentials:declare"), _form(valid_from="2024-03-01", expires_on="2024-01-01")
    )
    assert response.status_code == 400
    assert "The expiry date must come after" in response.content.decode()
    assert not DeclaredCredential.objects.exists()


def test_staff_verify_and_the_credential_is_issued_with_the_declared_dates(declared, staff, client):
    client.force_login(staff)
    queue = client.get(reverse("credentials:declared_queue")).content.decode()
    assert declared.number in queue
    assert (
        client.get(reverse("credentials:declared_evidence", args=[declared.pk])).status_code == 200
    )
    response = client.post(reverse("credentials:declared_act", args=[declared.pk]), {"verify": "1"})
    assert response.status_code == 302
    credential = Credential.objects.get(number="IMC-CPM-2024-000123")
    assert credential.valid_from == datetime.date(2024, 3, 1)
    assert credential.expires_on == datetime.date(2026, 12, 20)
    declared.refresh_from_db()
    assert declared.status == DeclaredCredential.Status.VERIFIED
    assert declared.credential == credential
    assert AuditEntry.objects.filter(action="declared_credential.verified").exists()
    # decided once: a second verification is a conflict, not a second credential
    again = client.post(reverse("credentials:declared_act", args=[declared.pk]), {"verify": "1"})
    assert again.status_code == 409


def test_staff_decline_with_a_reason_and_the_mentor_is_emailed(
    declared, staff, mentor, client, run_tasks
):
    client.force_login(staff)
    url = reverse("credentials:declared_act", args=[declared.pk])
    assert client.post(url, {"decline": "1", "reason": ""}).status_code == 400
    response = client.post(url, {"decline": "1", "reason": "The number is not in our register."})
    assert response.status_code == 302
    run_tasks()
    assert [m.to for m in mail.outbox] == [[mentor.email]]
    assert "not in our register" not in mail.outbox[0].body  # staff's text stays on the page
    declared.refresh_from_db()
    assert declared.status == DeclaredCredential.Status.DECLINED
    assert not Credential.objects.exists()
    client.force_login(mentor)
    assert "not in our register" in client.get(reverse("credentials:declare")).content.decode()


def test_a_mentor_cannot_open_the_staff_queue(declared, mentor, client):
    client.force_login(mentor)
    assert client.get(reverse("credentials:declared_review", args=[declared.pk])).status_code == 403


def test_the_queue_costs_the_same_queries_however_many_wait(rules, staff, client):
    from conftest import make_user
    from practicum.accounts.models import Role

    cpm = CredentialType.objects.get(code="CPM")
    for n in range(30):
        holder = make_user(f"holder{n}@example.org", Role.MENTOR, full_name=f"Holder {n:02d}")
        DeclaredCredential.objects.create(
            holder=holder,
            credential_type=cpm,
            number=f"IMC-CPM-2024-{n:06d}",
            issued_on=datetime.date(2024, 1, 1),
            valid_from=datetime.date(2024, 1, 1),
            expires_on=datetime.date(2026, 1, 1),
            evidence="x",
            evidence_type="pdf",
        )
    client.force_login(staff)
    client.get(reverse("credentials:declared_queue"))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("credentials:declared_queue"))
    DeclaredCredential.objects.filter(number__endswith="1").delete()
    with CaptureQueriesContext(connection) as fewer:
        page = client.get(reverse("credentials:declared_queue"), {"page": 2})
    assert page.status_code == 200
    assert len(few.captured_queries) == len(fewer.captured_queries)
