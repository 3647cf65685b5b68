import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from practicum.practice.models import MentoringEngagement, Reference

pytestmark = pytest.mark.django_db

MENTEE = "Priya Confidential"
REFEREE_EMAIL = "maria.manager@example.com"


@pytest.fixture
def engagement(mentor):
    return MentoringEngagement.objects.create(
        mentor=mentor,
        mentee_name=MENTEE,
        mentee_email="priya@example.com",
        kind=MentoringEngagement.Kind.INTERNAL,
        started_on=datetime.date(2024, 1, 10),
        ended_on=datetime.date(2024, 6, 30),
        status=MentoringEngagement.Status.COMPLETED,
    )


def ask(client, engagement, **overrides):
    data = {
        "referee_name": "Maria Manager",
        "referee_email": REFEREE_EMAIL,
        "relation": "manager",
        **overrides,
    }
    return client.post(reverse("practice:reference_create", args=[engagement.pk]), data)


def link_in(message) -> str:
    match = re.search(r"https?://\S+/reference/([^/\s]+)/", message.body)
    assert match, message.body
    return reverse("practice:referee_response", args=[match.group(1)])


@pytest.fixture
def link(client, mentor, engagement, run_tasks):
    """The referee's link, as emailed; the client is left signed out, as the referee is."""
    client.force_login(mentor)
    assert ask(client, engagement).status_code == 302
    run_tasks()
    client.logout()
    (message,) = mail.outbox
    mail.outbox.clear()
    return link_in(message)


def test_the_reference_flow_end_to_end(client, mentor, engagement, run_tasks):
    client.force_login(mentor)
    response = ask(client, engagement)
    assert response.status_code == 302
    assert response["Location"] == reverse("practice:engagement_detail", args=[engagement.pk])
    reference = Reference.objects.get()
    assert reference.status == Reference.Status.REQUESTED
    assert reference.relation == "manager"
    assert reference.expires_at - reference.sent_at == datetime.timedelta(days=30)

    run_tasks()
    (message,) = mail.outbox
    assert message.to == [REFEREE_EMAIL]
    assert "Maya Mentor" in message.subject
    assert "@" not in message.subject
    assert "30 days" in message.body and "once" in message.body
    assert "10 Jan 2024" in message.body and "30 Jun 2024" in message.body
    assert "priya@example.com" not in message.body
    url = link_in(message)

    client.logout()
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Maya Mentor" in content
    assert MENTEE in content
    assert "10 Jan 2024" in content and "30 Jun 2024" in content
    assert REFEREE_EMAIL not in content
    assert "priya@example.com" not in content
    assert page["Cache-Control"].startswith("max-age=0")

    done = client.post(url, {"answer": "confirmed", "comment": "A committed mentor."})
    assert done.status_code == 200
    reference.refresh_from_db()
    assert reference.status == Reference.Status.CONFIRMED
    assert reference.referee_comment == "A committed mentor."
    assert reference.responded_at is not None

    again = client.post(url, {"answer": "declined"})
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert client.get(url).status_code == 410
    reference.refresh_from_db()
    assert reference.status == Reference.Status.CONFIRMED

    mail.outbox.clear()
    run_tasks()
    (answered,) = mail.outbox
    assert answered.to == [mentor.email]
    assert "Confirmed" in answered.body
    assert reverse("practice:engagement_detail", args=[engagement.pk]) in answered.body
    assert REFEREE_EMAIL not in answered.subject

    client.force_login(mentor)
    detail = client.get(reverse("practice:engagement_detail", args=[engagement.pk]))
    assert "Confirmed" in detail.content.decode()


def test_the_referee_corrects_the_dates(client, link):
    response = client.post(
        link,
        {"answer": "corrected", "started_on": "2024-02-01", "ended_on": "2024-07-15"},
    )
    assert response.status_code == 200
    reference = Reference.objects.get()
    assert reference.status == Reference.Status.CORRECTED
    assert reference.corrected_started_on == datetime.date(2024, 2, 1)
    assert reference.corrected_ended_on == datetime.date(2024, 7, 15)
    assert reference.is_verified


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"answer": "corrected"}, "started_on", "Give the start date"),
        (
            {"answer": "corrected", "started_on": "2024-03-01", "ended_on": "2024-02-01"},
            "ended_on",
            "cannot be before the start date",
        ),
        ({"answer": "corrected", "started_on": "2024-13-01"}, "started_on", "valid date"),
        ({"answer": "expired"}, "answer", "Select a valid choice"),
        ({}, "answer", "This field is required"),
        ({"answer": "confirmed", "comment": "x" * 2001}, "comment", "at most 2000"),
    ],
)
def test_a_bad_answer_is_refused_and_the_link_still_works(client, link, data, field, message):
    response = client.post(link, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in str(errors[field])
    reference = Reference.objects.get()
    assert reference.status == Reference.Status.REQUESTED
    assert client.get(link).status_code == 200


def test_dates_are_ignored_unless_correcting(client, link):
    client.post(link, {"answer": "confirmed", "started_on": "2020-01-01"})
    reference = Reference.objects.get()
    assert reference.status == Reference.Status.CONFIRMED
    assert reference.corrected_started_on is None


def test_the_referee_declines(client, link, mentor, run_tasks):
    response = client.post(link, {"answer": "declined", "comment": "I do not know this mentor."})
    assert response.status_code == 200
    reference = Reference.objects.get()
    assert reference.status == Reference.Status.DECLINED
    assert reference.referee_comment == "I do not know this mentor."
    assert client.post(link, {"answer": "confirmed"}).status_code == 410
    run_tasks()
    assert [m.to for m in mail.outbox] == [[mentor.email]]


def test_an_expired_link_is_gone(client, link):
    Reference.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert Reference.objects.get().status == Reference.Status.EXPIRED
    assert client.post(link, {"answer": "confirmed"}).status_code == 410
    assert Reference.objects.get().status == Reference.Status.EXPIRED


def test_an_unknown_link_is_not_found(client, link):
    assert client.get(reverse("practice:referee_response", args=["nope"])).status_code == 404
    response = client.post(
        reverse("practice:referee_response", args=["nope"]), {"answer": "confirmed"}
    )
    assert response.status_code == 404


def test_resend_gives_a_new_link_and_kills_the_old_one(client, mentor, link, run_tasks):
    reference = Reference.objects.get()
    client.force_login(mentor)
    response = client.post(reverse("practice:reference_resend", args=[reference.pk]))
    assert response.status_code == 302
    run_tasks()
    (message,) = mail.outbox
    assert message.to == [REFEREE_EMAIL]
    new_link = link_in(message)
    assert new_link != link
    client.logout()
    assert client.get(link).status_code == 404
    assert client.post(link, {"answer": "confirmed"}).status_code == 404
    assert client.get(new_link).status_code == 200
    assert client.post(new_link, {"answer": "confirmed"}).status_code == 200
    assert Reference.objects.get().status == Reference.Status.CONFIRMED


def test_resend_revives_an_expired_reference(client, mentor, link, run_tasks):
    Reference.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1))
    client.get(link)  # marks it expired
    reference = Reference.objects.get()
    assert reference.status == Reference.Status.EXPIRED
    client.force_login(mentor)
    client.post(reverse("practice:reference_resend", args=[reference.pk]))
    reference.refresh_from_db()
    assert reference.status == Reference.Status.REQUESTED
    assert reference.expires_at > timezone.now()
    run_tasks()
    assert len(mail.outbox) == 1


def test_resend_is_refused_once_answered(client, mentor, link, run_tasks):
    client.post(link, {"answer": "confirmed"})
    run_tasks()
    mail.outbox.clear()
    reference = Reference.objects.get()
    client.force_login(mentor)
    response = client.post(reverse("practice:reference_resend", args=[reference.pk]), follow=True)
    assert "already answered" in response.content.decode()
    run_tasks()
    assert mail.outbox == []
    assert Reference.objects.get().status == Reference.Status.CONFIRMED


def test_resend_and_without_letter_are_post_only(client, mentor, engagement, link):
    reference = Reference.objects.get()
    client.force_login(mentor)
    assert client.get(reverse("practice:reference_resend", args=[reference.pk])).status_code == 405
    url = reverse("practice:reference_without_letter", args=[engagement.pk])
    assert client.get(url).status_code == 405


def test_a_bad_referee_is_refused_and_nothing_sent(client, mentor, engagement, run_tasks):
    client.force_login(mentor)
    response = ask(client, engagement, referee_email="maria@", relation="friend")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"referee_email", "relation"}
    assert not Reference.objects.exists()
    run_tasks()
    assert mail.outbox == []


def test_the_request_form_page_is_prefilled_with_the_mentee(client, mentor, engagement):
    client.force_login(mentor)
    response = client.get(reverse("practice:reference_create", args=[engagement.pk]))
    assert response.status_code == 200
    assert response.context["form"]["referee_email"].value() == "priya@example.com"


def test_without_a_letter_the_body_will_contact_the_mentee(client, mentor, engagement, run_tasks):
    client.force_login(mentor)
    url = reverse("practice:reference_without_letter", args=[engagement.pk])
    response = client.post(url)
    assert response.status_code == 302
    reference = Reference.objects.get()
    assert reference.status == Reference.Status.TO_BE_CONTACTED
    assert reference.referee_email == "priya@example.com"
    assert reference.relation == Reference.Relation.MENTEE
    client.post(url)  # twice is once
    assert Reference.objects.count() == 1
    run_tasks()
    assert mail.outbox == []  # nobody is emailed a link
    detail = client.get(reverse("practice:engagement_detail", args=[engagement.pk]))
    assert "To be contacted by the body" in detail.content.decode()


def test_without_a_letter_needs_the_mentees_email(client, mentor, engagement):
    engagement.mentee_email = ""
    engagement.save()
    client.force_login(mentor)
    response = client.post(
        reverse("practice:reference_without_letter", args=[engagement.pk]), follow=True
    )
    assert "Add the mentee" in response.content.decode()
    assert not Reference.objects.exists()


def test_it_refuses_another_mentors_references(client, other_mentor, engagement, link, run_tasks):
    reference = Reference.objects.get()
    client.force_login(other_mentor)
    assert client.get(reverse("practice:reference_create", args=[engagement.pk])).status_code == 404
    assert ask(client, engagement).status_code == 404
    url = reverse("practice:reference_without_letter", args=[engagement.pk])
    assert client.post(url).status_code == 404
    assert client.post(reverse("practice:reference_resend", args=[reference.pk])).status_code == (
        404
    )
    assert Reference.objects.count() == 1
    assert Reference.objects.get().token_hash == reference.token_hash
    run_tasks()
    assert mail.outbox == []


def test_staff_cannot_ask_for_references(client, staff, engagement):
    client.force_login(staff)
    assert client.get(reverse("practice:reference_create", args=[engagement.pk])).status_code == (
        403
    )
    assert ask(client, engagement).status_code == 403
    assert not Reference.objects.exists()


def test_the_referee_page_escapes_names(client, mentor, engagement, run_tasks):
    engagement.mentee_name = "<img src=x onerror=alert(1)>"
    engagement.save()
    client.force_login(mentor)
    ask(client, engagement)
    run_tasks()
    client.logout()
    content = client.get(link_in(mail.outbox[0])).content.decode()
    assert "<img src=x" not in content
    assert "&lt;img src=x" in content
