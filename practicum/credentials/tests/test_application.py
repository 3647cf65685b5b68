"""The application: the wizard and its drafts, submission, freezing, the fee, citations."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from conftest import make_user
from practicum.accounts.models import Role
from practicum.credentials import services
from practicum.credentials.models import Application, CitedRecord, body_today
from practicum.credentials.tests import builders
from practicum.lib.tests.samples import MINIMAL_PDF
from practicum.practice.models import TrainingRecord

pytestmark = pytest.mark.django_db

PDF = MINIMAL_PDF


def step_url(application, step):
    return reverse("credentials:application_step", args=[application.pk, step])


def start(client, mentor, code="CMM") -> Application:
    client.force_login(mentor)
    response = client.post(reverse("credentials:apply", args=[code]))
    application = Application.objects.get(applicant=mentor)
    assert response["Location"] == step_url(application, "eligibility")
    return application


# --- The wizard -----------------------------------------------------------------------------


def test_an_eligible_mentor_goes_through_every_step_and_submits(
    client, eligible, mentor, run_tasks
):
    application = start(client, mentor)
    assert client.get(step_url(application, "eligibility")).status_code == 200
    response = client.post(step_url(application, "eligibility"))
    assert response["Location"] == step_url(application, "training")

    training = [t.pk for t in eligible["training"]]
    response = client.post(step_url(application, "training"), {"training": training})
    assert response["Location"] == step_url(application, "engagements")

    engagements = [e.pk for e in eligible["engagements"]]
    references = [r.pk for r in eligible["references"]]
    response = client.post(
        step_url(application, "engagements"),
        {"engagements": engagements, "references": references},
    )
    assert response["Location"] == step_url(application, "supervisor")

    response = client.post(
        step_url(application, "supervisor"),
        {"relationship": eligible["supervisor"].pk, "supervisor_address": " 1 High St \n York "},
    )
    assert response["Location"] == step_url(application, "declaration")
    response = client.post(step_url(application, "declaration"), {"declaration": "on"})
    assert response["Location"] == step_url(application, "review")

    review = client.get(step_url(application, "review")).content.decode()
    assert "Mentee Number1" in review and "Fee: 598.00 USD" in review
    assert "Review: 7 weeks" in review  # accredited and endorsed training: the slower one

    response = client.post(reverse("credentials:application_submit", args=[application.pk]))
    assert response["Location"] == reverse("credentials:application_detail", args=[application.pk])
    application.refresh_from_db()
    year = body_today().year
    assert application.status == "awaiting_payment"
    assert application.reference == f"CMM-{year}-0001"
    assert application.draft["supervisor_address"] == "1 High St\nYork"
    assert application.invoice.amount == Decimal("598.00")
    detail = client.get(response["Location"]).content.decode()
    assert application.invoice.number in detail and "GB00 EXAM" in detail
    run_tasks()
    assert mail.outbox[-1].to == [mentor.email]
    assert application.invoice.number in mail.outbox[-1].body
    assert "Mentee Number1" not in mail.outbox[-1].body


def test_a_draft_is_saved_and_resumed(client, eligible, mentor):
    application = start(client, mentor)
    response = client.post(
        step_url(application, "training"),
        {"training": [eligible["training"][0].pk], "save_exit": "1"},
    )
    assert response["Location"] == reverse("credentials:index")
    application.refresh_from_db()
    assert application.draft["training"] == [eligible["training"][0].pk]
    # applying again resumes the same draft
    client.post(reverse("credentials:apply", args=["CMM"]))
    assert Application.objects.filter(applicant=mentor).count() == 1
    html = client.get(reverse("credentials:type_detail", args=["CMM"])).content.decode()
    assert "Continue your draft application" in html


def test_a_step_refuses_another_mentors_records(client, eligible, mentor, other_mentor):
    theirs = builders.training(other_mentor, "60")
    application = start(client, mentor)
    response = client.post(step_url(application, "training"), {"training": [theirs.pk]})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    application.refresh_from_db()
    assert theirs.pk not in application.draft["training"]


def test_a_reference_must_belong_to_a_chosen_engagement(client, eligible, mentor):
    application = start(client, mentor)
    response = client.post(
        step_url(application, "engagements"),
        {
            "engagements": [e.pk for e in eligible["engagements"][1:]],
            "references": [r.pk for r in eligible["references"]],
        },
    )
    assert response.status_code == 400
    assert "Choose references only for engagements you count above." in response.content.decode()


def test_the_declaration_must_be_made(client, eligible, mentor):
    application = start(client, mentor)
    response = client.post(step_url(application, "declaration"), {})
    assert response.status_code == 400
    assert "Tick the box to make the declaration" in response.content.decode()


def test_an_unknown_step_is_404_and_another_mentors_draft_is_404(
    client, eligible, mentor, other_mentor
):
    application = start(client, mentor)
    assert client.get(step_url(application, "payment")).status_code == 404
    client.force_login(other_mentor)
    for url in (
        step_url(application, "eligibility"),
        reverse("credentials:application_detail", args=[application.pk]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(reverse("credentials:application_submit", args=[application.pk]))
    assert response.status_code == 404


# --- Submission ---------------------------------------------------------------------------


def test_submission_is_refused_with_what_is_missing(client, rules, mentor):
    builders.training(mentor, "49.5")
    builders.supervisor(mentor)
    application = start(client, mentor)
    client.post(step_url(application, "declaration"), {"declaration": "on"})
    response = client.post(
        reverse("credentials:application_submit", args=[application.pk]), follow=True
    )
    html = response.content.decode()
    assert "0.5 more hours of mentoring training" in html
    assert "10 more completed engagements" in html
    application.refresh_from_db()
    assert application.status == "draft" and application.reference == ""


def test_submission_needs_the_declaration(eligible, mentor):
    application = services.application_start(applicant=mentor, code="CMM")
    with pytest.raises(ValidationError, match="declaration"):
        services.application_submit(application=application)


def test_the_evidence_is_frozen_at_submission(eligible, mentor):
    application = builders.apply_and_submit(mentor)
    record = eligible["training"][0]
    engagement = eligible["engagements"][0]
    TrainingRecord.objects.filter(pk=record.pk).update(programme_name="Renamed later", hours=5)
    engagement.mentee_name = "Someone Else"
    engagement.save()
    eligible["supervisor"].external_email = "new@supervision.example.org"
    eligible["supervisor"].save()

    application.refresh_from_db()
    snapshot = services.snapshot_of(application)
    frozen = {t["id"]: t for t in snapshot["training"]}[record.pk]
    assert frozen["programme_name"] == "Mentoring Foundations" and frozen["hours"] == "30.00"
    assert set(frozen) >= {
        "centre_name",
        "centre_type",
        "programme_name",
        "hours",
        "mode",
        "started_on",
        "ended_on",
        "instructor_name",
        "instructor_email",
    }
    first = {e["id"]: e for e in snapshot["engagements"]}[engagement.pk]
    assert first["mentee_name"] == "Mentee Number1"
    assert first["mentee_email"] == "mentee1@client.example.org"
    assert first["kind"] == "external"
    assert first["references"][0]["referee_email"].startswith("referee")
    assert snapshot["supervisor"]["email"] == "edith@supervision.example.org"
    assert snapshot["supervisor"]["address"] == "1 High Street\nYork"
    assert snapshot["supervisor"]["focus_area"] == "both"
    assert application.eligibility["results"][0]["met"] is True


def test_the_snapshot_holding_client_names_is_encrypted_at_rest(eligible, mentor):
    application = builders.apply_and_submit(mentor)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT snapshot FROM credentials_application WHERE id = %s", [application.pk]
        )
        raw = cursor.fetchone()[0]
    assert raw.startswith("fernet:") and "Mentee Number1" not in raw
    assert json.loads(Application.objects.get().snapshot)["engagements"]


def test_the_fee_is_the_member_rate_for_a_paid_member_at_submission(rules, frameworks):
    member = make_user(
        "mia@example.org",
        Role.MENTOR,
        full_name="Mia Member",
        membership_status="member",
        membership_valid_until=body_today() + datetime.timedelta(days=1),
    )
    builders.make_eligible_for_cmm(member)
    application = builders.apply_and_submit(member)
    assert application.member_at_submission
    assert (application.fee_amount, application.invoice.amount) == (
        Decimal("450.00"),
        Decimal("450.00"),
    )


def test_a_lapsed_membership_pays_the_non_member_rate(rules, frameworks):
    lapsed = make_user(
        "lee@example.org",
        Role.MENTOR,
        membership_status="member",
        membership_valid_until=body_today() - datetime.timedelta(days=1),
    )
    builders.make_eligible_for_cmm(lapsed)
    application = builders.apply_and_submit(lapsed)
    assert not application.member_at_submission and application.fee_amount == Decimal("598.00")


def test_training_evidence_is_copied_into_the_application(eligible, mentor, client):
    record = eligible["training"][0]
    record.evidence.save("certificate.pdf", SimpleUploadedFile("c.pdf", PDF))
    record.evidence_type = "pdf"
    record.save()
    application = builders.apply_and_submit(mentor)
    document = application.documents.get()
    assert document.source_record_id == record.pk and document.file.read() == PDF
    client.force_login(mentor)
    url = reverse("credentials:application_document", args=[application.pk, document.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]


def test_a_second_open_application_for_the_same_credential_is_refused(eligible, mentor):
    builders.apply_and_submit(mentor)
    with pytest.raises(ValidationError, match="already under way"):
        services.application_start(applicant=mentor, code="CMM")


def test_a_holder_cannot_apply_again_for_the_same_credential(rules, mentor):
    builders.credential(mentor, "CPM", body_today() - datetime.timedelta(days=30))
    with pytest.raises(ValidationError, match="renew it"):
        services.application_start(applicant=mentor, code="CPM")


def test_a_draft_can_be_discarded_but_not_a_submitted_application(client, eligible, mentor):
    application = start(client, mentor)
    client.post(reverse("credentials:application_discard", args=[application.pk]))
    assert not Application.objects.exists()
    application = builders.apply_and_submit(mentor)
    client.post(reverse("credentials:application_discard", args=[application.pk]))
    assert Application.objects.filter(pk=application.pk).exists()


# --- Citations: a cited record cannot be deleted -----------------------------------------


def test_a_record_an_application_cites_cannot_be_deleted_through_practice(client, eligible, mentor):
    application = builders.apply_and_submit(mentor)
    record = eligible["training"][0]
    assert CitedRecord.objects.filter(application=application, kind="training").count() == 2
    client.force_login(mentor)
    response = client.post(
        reverse("practice:record_delete", args=["training", record.pk]), follow=True
    )
    assert (
        f"Your application {application.reference} cites this record." in response.content.decode()
    )
    assert TrainingRecord.objects.filter(pk=record.pk).exists()
    engagement = eligible["engagements"][0]
    client.post(reverse("practice:record_delete", args=["engagement", engagement.pk]))
    assert type(engagement).objects.filter(pk=engagement.pk).exists()
    client.post(reverse("practice:record_delete", args=["relationship", eligible["supervisor"].pk]))
    assert type(eligible["supervisor"]).objects.filter(pk=eligible["supervisor"].pk).exists()


def test_a_record_no_application_cites_can_be_deleted(client, eligible, mentor):
    spare = builders.training(mentor, "5", programme_name="Spare")
    application = services.application_start(applicant=mentor, code="CMM")
    services.application_save_step(
        application=application,
        step="training",
        data={"training": [t.pk for t in eligible["training"]]},
    )
    builders.apply_and_submit(mentor)
    client.force_login(mentor)
    client.post(reverse("practice:record_delete", args=["training", spare.pk]))
    assert not TrainingRecord.objects.filter(pk=spare.pk).exists()


def test_a_draft_cites_nothing_and_a_rejected_application_lets_go(client, eligible, mentor, staff):
    services.application_start(applicant=mentor, code="CMM")
    record = eligible["training"][1]
    from practicum.practice.erasure import record_is_cited

    assert record_is_cited("training", record) is None
    Application.objects.all().delete()
    application = builders.apply_and_submit(mentor)
    assert record_is_cited("training", record)
    builders.pay(application, staff)
    services.application_decide(
        application=application, by=staff, approve=False, reasons="Training not mentoring."
    )
    assert record_is_cited("training", record) is None
