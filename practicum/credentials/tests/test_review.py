"""Staff review: the queue, assignment and its conflicts, the review page, decisions, audit."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import make_user
from practicum.accounts.models import Role
from practicum.audit.models import AuditEntry
from practicum.credentials import services
from practicum.credentials.models import Application, Credential, body_today
from practicum.credentials.tests import builders
from practicum.lib.tests.samples import MINIMAL_PDF
from practicum.practice.models import SupervisionRelationship

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(eligible, mentor, staff):
    application = builders.apply_and_submit(mentor)
    builders.pay(application, None)  # the provider confirmed it: any staff may decide
    application.refresh_from_db()
    return application


def applicant(n: int, **fields):
    user = make_user(f"applicant{n}@example.org", Role.MENTOR, full_name=f"Applicant {n:02d}")
    builders.make_eligible_for_cmm(user)
    return user


# --- The queue -------------------------------------------------------------------------------


def test_the_queue_filters_sorts_and_paginates_with_few_queries(
    client, rules, staff, django_assert_max_num_queries, page_cache_off
):
    today = body_today()
    for n in range(30):
        application = builders.apply_and_submit(applicant(n))
        if n % 3:
            builders.pay(application, staff, key=f"key-{n:020d}")
            Application.objects.filter(pk=application.pk).update(
                target_date=today + datetime.timedelta(days=n - 10)
            )
    client.force_login(staff)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("credentials:queue"))
    page = response.context["page"]
    assert page.paginator.count == 30 and len(page.object_list) == 25
    targets = [a.target_date for a in page.object_list if a.target_date]
    assert targets == sorted(targets)
    assert page.object_list[0].target_date == today - datetime.timedelta(days=9)

    overdue = client.get(reverse("credentials:queue"), {"due": "overdue"}).context["page"]
    assert {a.target_date < today for a in overdue} == {True}
    assert overdue.paginator.count == len([n for n in range(30) if n % 3 and n < 10])
    soon = client.get(reverse("credentials:queue"), {"due": "soon"}).context["page"]
    assert all(0 <= (a.target_date - today).days <= 7 for a in soon)
    awaiting = client.get(reverse("credentials:queue"), {"status": "awaiting_payment"})
    assert awaiting.context["page"].paginator.count == 10
    latest = client.get(reverse("credentials:queue"), {"sort": "-target"}).context["page"]
    assert latest.object_list[0].target_date == today + datetime.timedelta(days=19)
    second = client.get(reverse("credentials:queue"), {"page": 2}).context["page"]
    assert len(second.object_list) == 5


def test_the_queue_filter_form_shows_each_query_as_chosen(client, rules, staff):
    """The form's HTML is kept per query: each query still shows its own choices."""
    client.force_login(staff)
    url = reverse("credentials:queue")
    for _round in range(2):
        plain = client.get(url).content.decode()
        overdue = client.get(url, {"due": "overdue"}).content.decode()
        assert '<option value="overdue" selected>' in overdue
        assert '<option value="overdue" selected>' not in plain
        wrong = client.get(url, {"due": "nonsense"}).content.decode()
        assert "Select a valid choice." in wrong
    assert "Any deadline" in plain
    staff.preferred_language = "es"
    staff.save()
    spanish = client.get(url).content.decode()
    assert "Cualquier plazo" in spanish and "Any deadline" not in spanish


def test_the_queue_filters_by_type_and_training_source(client, rules, staff, frameworks):
    cmm = builders.apply_and_submit(applicant(1))
    other = applicant(2)
    for record in other.training_records.all():
        record.centre_type = "non_accredited"
        record.save()
    non_accredited = builders.apply_and_submit(other)
    client.force_login(staff)
    found = client.get(reverse("credentials:queue"), {"source": "non_accredited"}).context["page"]
    assert [a.pk for a in found] == [non_accredited.pk]
    assert (
        client.get(reverse("credentials:queue"), {"type": "CPM"}).context["page"].paginator.count
        == 0
    )
    assert cmm.pk in [
        a.pk for a in client.get(reverse("credentials:queue"), {"type": "CMM"}).context["page"]
    ]


def test_a_bad_filter_is_ignored_not_an_error(client, rules, staff):
    client.force_login(staff)
    response = client.get(reverse("credentials:queue"), {"status": "nonsense", "page": "x"})
    assert response.status_code == 200


def test_the_queue_and_review_are_staff_only(client, in_review, mentor, supervisor):
    for user in (mentor, supervisor):
        client.force_login(user)
        assert client.get(reverse("credentials:queue")).status_code == 403
        assert client.get(reverse("credentials:review", args=[in_review.pk])).status_code == 403


def test_staff_do_not_see_drafts(client, eligible, mentor, staff):
    draft = services.application_start(applicant=mentor, code="CMM")
    client.force_login(staff)
    assert client.get(reverse("credentials:review", args=[draft.pk])).status_code == 404


# --- Assignment ------------------------------------------------------------------------------


def test_a_reviewer_takes_an_application_from_the_queue(client, in_review, staff):
    client.force_login(staff)
    response = client.post(
        reverse("credentials:assign", args=[in_review.pk]), {"take": "1", "next": "queue"}
    )
    assert response["Location"] == reverse("credentials:queue")
    in_review.refresh_from_db()
    assert in_review.assigned_to == staff
    event = AuditEntry.objects.for_subject(in_review).get(action="application.assigned")
    assert event.actor == staff and event.after == {"assigned_to": "Chloé Staff"}


def test_a_reviewer_cannot_take_their_own_application(rules, frameworks):
    reviewer = make_user(
        "both@example.org", Role.MENTOR, Role.CREDENTIALING_STAFF, full_name="Bo Both", mfa=True
    )
    builders.make_eligible_for_cmm(reviewer)
    application = builders.apply_and_submit(reviewer)
    with pytest.raises(ValidationError, match="your own application"):
        services.application_assign(application=application, reviewer=reviewer, by=reviewer)
    builders.pay(application, reviewer)
    with pytest.raises(ValidationError, match="your own application"):
        services.application_decide(application=application, by=reviewer, approve=True)


def test_a_reviewer_cannot_take_a_supervisees_application(in_review, mentor, staff, staff2):
    SupervisionRelationship.objects.create(
        mentor=mentor, supervisor=staff, focus_area="both", started_on=datetime.date(2020, 1, 1)
    )
    with pytest.raises(ValidationError, match="You supervise this applicant"):
        services.application_assign(application=in_review, reviewer=staff, by=staff2)
    services.application_assign(application=in_review, reviewer=staff2, by=staff)


def test_a_reviewer_cannot_take_their_supervisors_application(in_review, mentor, staff2, client):
    SupervisionRelationship.objects.create(
        mentor=staff2,
        external_name="Maya Mentor",
        external_email=mentor.email,
        focus_area="skills",
        started_on=datetime.date(2020, 1, 1),
    )
    with pytest.raises(ValidationError, match="your supervisor"):
        services.application_assign(application=in_review, reviewer=staff2, by=staff2)
    client.force_login(staff2)
    page = client.get(reverse("credentials:review", args=[in_review.pk])).content.decode()
    assert "This applicant is your supervisor" in page and "Record the decision" not in page
    queue = client.get(reverse("credentials:queue")).content.decode()
    assert "conflict: not for you" in queue
    response = client.post(
        reverse("credentials:decide", args=[in_review.pk]), {"decision": "approve"}
    )
    assert response.status_code == 400
    in_review.refresh_from_db()
    assert in_review.status == "in_review"


# --- The review page ---------------------------------------------------------------------------


def test_the_review_page_shows_frozen_evidence_references_and_eligibility(
    client, in_review, eligible, staff
):
    client.force_login(staff)
    page = client.get(reverse("credentials:review", args=[in_review.pk])).content.decode()
    reference = eligible["references"][0]
    assert reference.referee_email in page  # staff may see the referee's email
    assert "Mentee Number1" in page and "Mentoring Foundations" in page
    assert "At least 50 hours of mentoring training" in page
    assert "Audit trail" in page and "Payment recorded" in page


def test_staff_record_a_contact_with_a_referee(client, in_review, eligible, staff):
    client.force_login(staff)
    reference = eligible["references"][0]
    response = client.post(
        reverse("credentials:record_contact", args=[in_review.pk]),
        {
            "reference_id": reference.pk,
            "method": "phone",
            "outcome": "confirmed",
            "contacted_on": body_today().isoformat(),
            "note": "Confirmed dates by phone.",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("credentials:review", args=[in_review.pk])).content.decode()
    assert "Phone: Confirmed the engagement" in page and "Confirmed dates by phone." in page
    assert (
        AuditEntry.objects.for_subject(in_review)
        .filter(action="application.referee_contacted")
        .exists()
    )


def test_a_contact_for_a_reference_outside_the_application_is_refused(
    client, in_review, mentor, staff
):
    stranger = builders.reference(builders.engagement(mentor, 77))
    client.force_login(staff)
    response = client.post(
        reverse("credentials:record_contact", args=[in_review.pk]),
        {
            "reference_id": stranger.pk,
            "method": "email",
            "outcome": "confirmed",
            "contacted_on": body_today().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_notes_between_staff_are_not_shown_to_the_applicant(client, in_review, mentor, staff):
    client.force_login(staff)
    client.post(
        reverse("credentials:add_note", args=[in_review.pk]), {"text": "Check reference 3."}
    )
    assert (
        "Check reference 3."
        in client.get(reverse("credentials:review", args=[in_review.pk])).content.decode()
    )
    client.force_login(mentor)
    page = client.get(reverse("credentials:application_detail", args=[in_review.pk]))
    assert "Check reference 3." not in page.content.decode()


def test_an_empty_note_is_refused_on_its_field(client, in_review, staff):
    client.force_login(staff)
    response = client.post(reverse("credentials:add_note", args=[in_review.pk]), {"text": " "})
    assert response.status_code == 400 and "This field is required." in response.content.decode()


# --- Requests for information -------------------------------------------------------------------


def test_a_request_for_more_is_answered_with_a_file(client, in_review, mentor, staff, run_tasks):
    client.force_login(staff)
    client.post(
        reverse("credentials:request_info", args=[in_review.pk]),
        {"message": "Please send the letter from referee 2."},
    )
    in_review.refresh_from_db()
    assert in_review.status == "info_requested"
    run_tasks()
    assert mail.outbox[-1].to == [mentor.email]
    assert "referee 2" not in mail.outbox[-1].body  # staff's words stay on the page

    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(mentor)
    detail = client.get(reverse("credentials:application_detail", args=[in_review.pk]))
    assert "Please send the letter from referee 2." in detail.content.decode()
    pdf = SimpleUploadedFile("letter.pdf", MINIMAL_PDF, content_type="application/pdf")
    response = client.post(
        reverse("credentials:application_answer", args=[in_review.pk]),
        {"answer": "Here it is.", "files": [pdf]},
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == "in_review"
    document = in_review.documents.get(purpose="answer")
    client.force_login(staff)
    url = reverse("credentials:staff_document", args=[in_review.pk, document.pk])
    assert client.get(url).status_code == 200


def test_an_answer_with_a_file_that_is_not_evidence_is_refused(client, in_review, mentor, staff):
    services.info_request(application=in_review, by=staff, message="More.")
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(mentor)
    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(
        reverse("credentials:application_answer", args=[in_review.pk]), {"files": [fake]}
    )
    assert response.status_code == 400
    assert "The file is not a PDF, PNG or JPEG." in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == "info_requested" and not in_review.documents.exists()


def test_an_empty_answer_is_refused(client, in_review, mentor, staff):
    services.info_request(application=in_review, by=staff, message="More.")
    client.force_login(mentor)
    response = client.post(reverse("credentials:application_answer", args=[in_review.pk]), {})
    assert response.status_code == 400
    assert "Write an answer or attach a file." in response.content.decode()


# --- Decisions ---------------------------------------------------------------------------------


def test_approval_issues_the_credential_and_emails_the_applicant(
    client, in_review, mentor, staff, run_tasks
):
    client.force_login(staff)
    response = client.post(
        reverse("credentials:decide", args=[in_review.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == "approved" and in_review.decided_by == staff
    credential = Credential.objects.get(holder=mentor, credential_type__code="CMM")
    today = body_today()
    assert credential.number == f"IMC-CMM-{today.year}-000001"
    assert credential.issued_on == credential.valid_from == today
    assert credential.expires_on == today.replace(year=today.year + 2)
    run_tasks()
    message = mail.outbox[-1]
    assert message.to == [mentor.email] and credential.number in message.body
    assert credential.verification_code in message.body
    events = [
        e.action.split(".")[1] for e in services.credential_audit_trail(application=in_review)
    ]
    assert events == ["submitted", "invoiced", "paid", "approved", "issued"]


def test_a_rejection_needs_written_reasons_which_the_applicant_reads(
    client, in_review, mentor, staff, run_tasks
):
    client.force_login(staff)
    response = client.post(
        reverse("credentials:decide", args=[in_review.pk]), {"decision": "reject"}
    )
    assert response.status_code == 400
    assert "You chose not to approve: write the reasons" in response.content.decode()
    client.post(
        reverse("credentials:decide", args=[in_review.pk]),
        {"decision": "reject", "reasons": "The references could not be verified."},
    )
    in_review.refresh_from_db()
    assert in_review.status == "rejected" and not Credential.objects.filter(application=in_review)
    run_tasks()
    assert mail.outbox[-1].to == [mentor.email]
    assert "could not be verified" not in mail.outbox[-1].body
    client.force_login(mentor)
    page = client.get(reverse("credentials:application_detail", args=[in_review.pk]))
    assert "The references could not be verified." in page.content.decode()
    event = AuditEntry.objects.for_subject(in_review).get(action="application.rejected")
    assert event.before == {"status": "in_review"} and event.after["status"] == "rejected"


def test_a_decided_application_cannot_be_decided_again(in_review, staff, staff2):
    services.application_decide(application=in_review, by=staff, approve=True)
    with pytest.raises(ValidationError, match="already been decided"):
        services.application_decide(application=in_review, by=staff2, approve=False, reasons="x")
    assert Credential.objects.filter(application=in_review).count() == 1


def test_the_loser_of_a_decision_race_gets_a_409_that_says_so(client, in_review, staff):
    services.application_decide(application=in_review, by=staff, approve=True)
    client.force_login(staff)
    response = client.post(
        reverse("credentials:decide", args=[in_review.pk]), {"decision": "reject", "reasons": "x"}
    )
    assert response.status_code == 409
    assert "already been decided" in response.content.decode()
    assert Credential.objects.filter(application=in_review).count() == 1


def test_approval_waits_for_the_applicants_answer(in_review, staff):
    services.info_request(application=in_review, by=staff, message="More.")
    with pytest.raises(ValidationError, match="has not answered"):
        services.application_decide(application=in_review, by=staff, approve=True)
    services.application_decide(
        application=in_review, by=staff, approve=False, reasons="No answer."
    )


def test_an_unpaid_application_cannot_be_decided(eligible, mentor, staff):
    application = builders.apply_and_submit(mentor)
    with pytest.raises(ValidationError, match="awaiting payment"):
        services.application_decide(application=application, by=staff, approve=True)


@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_at_once_produce_one_decision(postgres_only, rules, frameworks):
    mentor = make_user("race-applicant@example.org", Role.MENTOR)
    first = make_user("race-a@example.org", Role.CREDENTIALING_STAFF, mfa=True)
    second = make_user("race-b@example.org", Role.CREDENTIALING_STAFF, mfa=True)
    builders.make_eligible_for_cmm(mentor)
    application = builders.apply_and_submit(mentor)
    builders.pay(application, first)
    barrier, outcomes = threading.Barrier(2), []

    def decide(by, approve):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.application_decide(
                application=application, by=by, approve=approve, reasons="" if approve else "no"
            )
            outcomes.append("decided")
        except ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=decide, args=(first, True)),
        threading.Thread(target=decide, args=(second, False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["decided", "refused"]
    application.refresh_from_db()
    assert application.status in {"approved", "rejected"}
    assert Credential.objects.filter(application=application).count() == (
        1 if application.status == "approved" else 0
    )
    assert (
        AuditEntry.objects.for_subject(application)
        .filter(action__in=["application.approved", "application.rejected"])
        .count()
        == 1
    )
