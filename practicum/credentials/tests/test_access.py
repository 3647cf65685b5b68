"""Refusals: another mentor's application or credential is a 404; staff pages need the role."""

import datetime

import pytest
from django.urls import reverse

from practicum.credentials.models import Application, body_today
from practicum.credentials.tests import builders
from practicum.lib.tests.samples import MINIMAL_PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(eligible, mentor, staff):
    application = builders.apply_and_submit(mentor)
    builders.pay(application, staff)
    application.refresh_from_db()
    return application


@pytest.mark.parametrize(
    ("name", "method", "extra"),
    [
        ("credentials:application_detail", "get", {}),
        ("credentials:application_step", "get", {"step": "review"}),
        ("credentials:application_submit", "post", {}),
        ("credentials:application_discard", "post", {}),
        ("credentials:application_answer", "post", {}),
        ("credentials:receipt", "get", {}),
    ],
)
def test_another_mentors_application_is_404(client, paid, other_mentor, name, method, extra):
    client.force_login(other_mentor)
    url = reverse(name, kwargs={"pk": paid.pk, **extra})
    assert getattr(client, method)(url).status_code == 404


def test_another_mentors_document_is_404(client, paid, mentor, other_mentor, staff):
    from practicum.credentials import services

    services.info_request(application=paid, by=staff, message="Letter please.")
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.info_answer(
        application=paid,
        by=mentor,
        answer="",
        files=[SimpleUploadedFile("a.pdf", MINIMAL_PDF)],
    )
    document = paid.documents.get()
    client.force_login(other_mentor)
    url = reverse("credentials:application_document", args=[paid.pk, document.pk])
    assert client.get(url).status_code == 404
    client.force_login(mentor)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("credentials:credential_detail", "get"),
        ("credentials:certificate", "get"),
        ("credentials:renew", "post"),
    ],
)
def test_another_mentors_credential_is_404(client, rules, mentor, other_mentor, name, method):
    credential = builders.credential(mentor, "CMM", body_today() - datetime.timedelta(days=10))
    client.force_login(other_mentor)
    assert getattr(client, method)(reverse(name, args=[credential.pk])).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "credentials:assign",
        "credentials:mark_paid",
        "credentials:request_info",
        "credentials:decide",
        "credentials:add_note",
        "credentials:record_contact",
    ],
)
def test_staff_actions_are_refused_to_mentors(client, paid, mentor, name):
    client.force_login(mentor)
    assert client.post(reverse(name, args=[paid.pk]), {"decision": "approve"}).status_code == 403
    paid.refresh_from_db()
    assert paid.status == "in_review" and paid.assigned_to is None


def test_staff_without_mfa_are_sent_to_set_it_up(client, paid, frameworks):
    from conftest import make_user
    from practicum.accounts.models import Role

    newcomer = make_user("new-staff@example.org", Role.CREDENTIALING_STAFF)
    client.force_login(newcomer)
    response = client.get(reverse("credentials:review", args=[paid.pk]))
    assert response.status_code == 302 and "totp" in response["Location"]


def test_the_staff_dashboard_counts_deadlines(client, paid, staff):
    Application.objects.filter(pk=paid.pk).update(
        target_date=body_today() - datetime.timedelta(days=1)
    )
    client.force_login(staff)
    counts = client.get(reverse("credentials:staff_dashboard")).context["counts"]
    assert counts["overdue"] == 1 and counts["in_review"] == 1 and counts["due_soon"] == 0
