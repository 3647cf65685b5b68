import datetime
import logging
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from practicum.practice.models import MentoringEngagement, Reference

pytestmark = pytest.mark.django_db

MENTEE = "Priya Confidential"


def engagement_data(**overrides):
    data = {
        "mentee_name": MENTEE,
        "mentee_email": "priya@example.com",
        "organisation": "Acme Ltd",
        "kind": "external",
        "started_on": "2024-01-10",
        "ended_on": "2024-06-30",
        "status": "completed",
        "hours": "12.5",
        "confidentiality_agreement": "on",
        "private_notes": "Worked on delegation.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_engagement(mentor, **fields) -> MentoringEngagement:
    values = {
        "mentee_name": MENTEE,
        "mentee_email": "priya@example.com",
        "kind": MentoringEngagement.Kind.EXTERNAL,
        "started_on": datetime.date(2024, 1, 10),
        "ended_on": datetime.date(2024, 6, 30),
        "status": MentoringEngagement.Status.COMPLETED,
    }
    values.update(fields)
    return MentoringEngagement.objects.create(mentor=mentor, **values)


def test_mentor_records_an_engagement(client, mentor):
    client.force_login(mentor)
    response = client.post(reverse("practice:engagement_create"), engagement_data())
    engagement = MentoringEngagement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("practice:engagement_detail", args=[engagement.pk])
    assert "Priya" not in response["Location"]
    assert engagement.mentor == mentor
    assert engagement.mentee_name == MENTEE
    assert engagement.mentee_email == "priya@example.com"
    assert engagement.kind == "external"
    assert engagement.ended_on == datetime.date(2024, 6, 30)
    assert engagement.hours == Decimal("12.5")
    assert engagement.confidentiality_agreement is True
    assert engagement.private_notes == "Worked on delegation."


def test_an_active_engagement_needs_no_end_date_nor_hours(client, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("practice:engagement_create"),
        engagement_data(status="active", ended_on="", hours="", mentee_email=""),
    )
    assert response.status_code == 302
    engagement = MentoringEngagement.objects.get()
    assert engagement.ended_on is None and engagement.hours is None


def test_the_database_row_holds_no_plaintext(mentor):
    engagement = make_engagement(mentor, private_notes="Struggles with her manager.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mentee_name, mentee_email, private_notes FROM practice_mentoringengagement"
            " WHERE id = %s",
            [engagement.pk],
        )
        name, email, notes = cursor.fetchone()
    assert MENTEE not in name and "Priya" not in name
    assert name.startswith("fernet:")
    assert "priya@example.com" not in email and email.startswith("fernet:")
    assert "manager" not in notes and notes.startswith("fernet:")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ended_on": "2023-12-31"}, "ended_on", "cannot be before the start date"),
        ({"ended_on": ""}, "ended_on", "Give the end date of a finished engagement"),
        ({"status": "ended_early", "ended_on": ""}, "ended_on", "Give the end date"),
        ({"ended_on": "2999-01-01"}, "ended_on", "cannot end in the future"),
        ({"started_on": "2024-02-30"}, "started_on", "Enter a valid date"),
        ({"started_on": ""}, "started_on", "This field is required"),
        ({"hours": "-3"}, "hours", "more than zero"),
        ({"hours": "0"}, "hours", "more than zero"),
        ({"hours": "2000.01"}, "hours", "at most 2,000"),
        ({"hours": "ten"}, "hours", "Enter a number"),
        ({"hours": "NaN"}, "hours", "Enter a number"),
        ({"hours": "1.234"}, "hours", "decimal places"),
        ({"status": "finished"}, "status", "Select a valid choice"),
        ({"kind": ""}, "kind", "This field is required"),
        ({"mentee_name": "  "}, "mentee_name", "This field is required"),
        ({"mentee_name": "x" * 151}, "mentee_name", "at most 150 characters"),
        ({"mentee_email": "not-an-email"}, "mentee_email", "valid email"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_saved(
    client, mentor, overrides, field, message
):
    client.force_login(mentor)
    response = client.post(reverse("practice:engagement_create"), engagement_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in str(errors[field])
    assert not MentoringEngagement.objects.exists()


def test_an_active_engagement_may_have_a_planned_end(client, mentor):
    client.force_login(mentor)
    planned = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    response = client.post(
        reverse("practice:engagement_create"),
        engagement_data(status="active", ended_on=planned),
    )
    assert response.status_code == 302


def test_mentor_edits_their_engagement(client, mentor):
    engagement = make_engagement(mentor, status="active", ended_on=None)
    client.force_login(mentor)
    url = reverse("practice:engagement_edit", args=[engagement.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert MENTEE in page.content.decode()
    response = client.post(url, engagement_data(mentee_name="Priya C.", hours="20"))
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.mentee_name == "Priya C."
    assert engagement.status == "completed"
    assert engagement.hours == Decimal("20")


def test_a_refused_edit_changes_nothing(client, mentor):
    engagement = make_engagement(mentor)
    client.force_login(mentor)
    response = client.post(
        reverse("practice:engagement_edit", args=[engagement.pk]),
        engagement_data(mentee_name="Changed", ended_on="2020-01-01"),
    )
    assert response.status_code == 200
    assert "ended_on" in response.context["form"].errors
    engagement.refresh_from_db()
    assert engagement.mentee_name == MENTEE
    assert engagement.ended_on == datetime.date(2024, 6, 30)


def test_it_refuses_another_mentors_engagement(client, mentor, other_mentor):
    engagement = make_engagement(mentor)
    client.force_login(other_mentor)
    for name in ("engagement_detail", "engagement_edit"):
        assert client.get(reverse(f"practice:{name}", args=[engagement.pk])).status_code == 404
    response = client.post(
        reverse("practice:engagement_edit", args=[engagement.pk]),
        engagement_data(mentee_name="Hijacked"),
    )
    assert response.status_code == 404
    engagement.refresh_from_db()
    assert engagement.mentee_name == MENTEE
    assert MENTEE not in client.get(reverse("practice:engagement_list")).content.decode()


def test_staff_cannot_open_the_mentor_pages(client, mentor, staff):
    engagement = make_engagement(mentor)
    client.force_login(staff)
    for url in (
        reverse("practice:engagement_list"),
        reverse("practice:engagement_create"),
        reverse("practice:engagement_detail", args=[engagement.pk]),
        reverse("practice:engagement_edit", args=[engagement.pk]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("practice:engagement_create"), engagement_data())
    assert response.status_code == 403
    assert MentoringEngagement.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("practice:engagement_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_pages_escape_the_mentees_name_and_notes(client, mentor):
    engagement = make_engagement(
        mentor, mentee_name="<script>alert(1)</script>", private_notes="<b>bold</b>"
    )
    client.force_login(mentor)
    for url in (
        reverse("practice:engagement_list"),
        reverse("practice:engagement_detail", args=[engagement.pk]),
    ):
        content = client.get(url).content.decode()
        assert "<script>alert(1)" not in content
        assert "&lt;script&gt;alert(1)" in content
    detail = client.get(reverse("practice:engagement_detail", args=[engagement.pk]))
    assert "<b>bold</b>" not in detail.content.decode()


def test_the_mentees_name_stays_out_of_the_logs(client, mentor, caplog):
    client.force_login(mentor)
    with caplog.at_level(logging.DEBUG):
        client.post(reverse("practice:engagement_create"), engagement_data())
        client.post(reverse("practice:engagement_create"), engagement_data(hours="-1"))
        client.get(reverse("practice:engagement_detail", args=[999999]))
    assert "Priya" not in caplog.text


def test_the_detail_page_shows_each_reference_and_its_status(client, mentor):
    engagement = make_engagement(mentor)
    Reference.objects.create(
        engagement=engagement,
        referee_name="Maria Manager",
        referee_email="maria@example.com",
        relation=Reference.Relation.MANAGER,
        status=Reference.Status.CONFIRMED,
    )
    Reference.objects.create(
        engagement=engagement,
        referee_name="Rita Rep",
        referee_email="rita@example.com",
        relation=Reference.Relation.REPRESENTATIVE,
    )
    client.force_login(mentor)
    content = client.get(reverse("practice:engagement_detail", args=[engagement.pk])).content
    content = content.decode()
    assert "Maria Manager" in content and "Confirmed" in content
    assert "Rita Rep" in content and "Awaiting the referee" in content
    assert "maria@example.com" in content  # the mentor sees their referees' addresses


def test_the_list_counts_verified_references_and_paginates(client, mentor):
    for day in range(1, 31):
        make_engagement(mentor, started_on=datetime.date(2023, 1, day))
    newest = MentoringEngagement.objects.get(started_on=datetime.date(2023, 1, 30))
    Reference.objects.create(
        engagement=newest,
        referee_name="Maria Manager",
        referee_email="maria@example.com",
        relation=Reference.Relation.MANAGER,
        status=Reference.Status.CORRECTED,
    )
    client.force_login(mentor)
    first = client.get(reverse("practice:engagement_list"))
    page = first.context["engagements"]
    assert len(page) == 25 and page.paginator.count == 30
    assert page[0] == newest and page[0].verified_references == 1
    assert 'aria-label="Engagement pages"' in first.content.decode()
    second = client.get(reverse("practice:engagement_list"), {"page": "2"})
    assert len(second.context["engagements"]) == 5
    assert client.get(reverse("practice:engagement_list"), {"page": "zz"}).status_code == 200


def test_the_list_query_count_does_not_grow_with_rows(
    client, mentor, django_assert_max_num_queries
):
    client.force_login(mentor)
    url = reverse("practice:engagement_list")
    for day in range(1, 4):
        make_engagement(mentor, started_on=datetime.date(2023, 1, day))
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)
    for day in range(1, 58):
        make_engagement(mentor, started_on=datetime.date(2022, 1, 1) + datetime.timedelta(day))
    assert MentoringEngagement.objects.count() == 60
    with django_assert_max_num_queries(len(baseline)):
        response = client.get(url)
    assert len(response.context["engagements"]) == 25
