"""After every session: attendance becomes a signed-off log entry, the attendee adds notes and
feedback, the supervisor reads feedback (by name for one-to-one, in aggregate otherwise)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import make_user
from practicum.accounts.models import Role
from practicum.practice import services as practice_services
from practicum.practice.models import SupervisionSession
from practicum.supervision import services
from practicum.supervision.models import Booking, GroupMembership, ReflectionModel
from practicum.supervision.tests.conftest import frozen, make_supervisor, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(frameworks):
    return make_supervisor("sam.sup@example.org", name="Sam Supervisor")


@pytest.fixture
def held(sam, mentor):
    """A one-to-one booking whose time has come (the clock is moved past it)."""
    booking = services.booking_create(
        mentor=mentor, supervisor=sam, starts_at=next_weekday(0, "Europe/London")
    )
    return booking


def after(booking):
    return frozen(booking.starts_at + datetime.timedelta(hours=2))


def test_a_held_one_to_one_enters_the_mentors_log_signed_off(client, held, sam, mentor, run_tasks):
    relationship = practice_services.relationship_declare(
        mentor=mentor,
        supervisor=sam,
        focus_area="both",
        started_on=datetime.date(2025, 1, 1),
        frequency="monthly",
    )
    with after(held):
        client.force_login(sam)
        page = client.get(reverse("supervision:booking_detail", args=[held.code]))
        assert "Save attendance" in page.content.decode()
        client.post(reverse("supervision:booking_attendance", args=[held.code]), {"held": "yes"})
    entry = SupervisionSession.objects.get(mentor=mentor)
    assert entry.source == f"booking:{held.pk}" and entry.relationship == relationship
    assert (entry.status, entry.format, entry.duration_minutes) == ("confirmed", "one_to_one", 60)
    assert entry.signed_off_by == sam and entry.signed_off_at is not None
    assert entry.starts_at == held.starts_at
    run_tasks()
    assert any(
        reverse("supervision:attendance_notes", args=[entry.pk]) in m.body
        for m in mail.outbox
        if m.to == ["maya@example.org"]
    )
    with after(held), pytest.raises(ValidationError, match="already marked"):
        services.booking_mark_attendance(booking=held, by=sam, held=True)
    assert SupervisionSession.objects.count() == 1


def test_a_no_show_adds_nothing_to_the_log(held, sam):
    with after(held):
        services.booking_mark_attendance(booking=held, by=sam, held=False)
    assert Booking.objects.get().attendance == "no_show"
    assert not SupervisionSession.objects.exists()


def test_attendance_cannot_be_marked_before_the_session(held, sam):
    with pytest.raises(ValidationError, match="once the session has started"):
        services.booking_mark_attendance(booking=held, by=sam, held=True)


def test_a_session_the_mentor_already_logged_is_not_counted_twice(held, sam, mentor):
    relationship = practice_services.relationship_declare(
        mentor=mentor,
        supervisor=sam,
        focus_area="both",
        started_on=datetime.date(2025, 1, 1),
        frequency="monthly",
    )
    with after(held):
        practice_services.session_log(
            mentor=mentor,
            relationship=relationship,
            starts_at=held.starts_at,
            duration_minutes=60,
            format="one_to_one",
            focus="Our session",
            notify=False,
        )
        services.booking_mark_attendance(booking=held, by=sam, held=True)
    assert SupervisionSession.objects.filter(mentor=mentor).count() == 1


def mark(held, sam):
    with after(held):
        services.booking_mark_attendance(booking=held, by=sam, held=True)
    return SupervisionSession.objects.get(source=held.source)


def test_the_attendee_adds_notes_but_not_facts(client, held, sam, mentor):
    entry = mark(held, sam)
    client.force_login(mentor)
    url = reverse("supervision:attendance_notes", args=[entry.pk])
    assert "do not need to enter them" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "key_learnings": "Slow down.",
            "actions": "Re-contract.",
            "experience": "Held.",
            "feedback_to_supervisor": "Your questions helped.",
            "duration_minutes": "600",
            "starts_at": "2020-01-01T00:00",
            "status": "pending",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.key_learnings == "Slow down." and entry.feedback_to_supervisor.startswith("Your")
    assert (entry.duration_minutes, entry.status, entry.starts_at) == (
        60,
        "confirmed",
        held.starts_at,
    )


def test_another_mentors_entry_is_404_and_a_hand_logged_one_goes_to_its_own_form(
    client, held, sam, mentor, other_mentor
):
    entry = mark(held, sam)
    client.force_login(other_mentor)
    url = reverse("supervision:attendance_notes", args=[entry.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"key_learnings": "x"}).status_code == 404
    relationship = practice_services.relationship_declare(
        mentor=mentor,
        supervisor=sam,
        focus_area="both",
        started_on=datetime.date(2025, 1, 1),
        frequency="monthly",
    )
    manual = practice_services.session_log(
        mentor=mentor,
        relationship=relationship,
        starts_at=datetime.datetime(2025, 6, 1, 10, tzinfo=datetime.UTC),
        duration_minutes=60,
        format="one_to_one",
        focus="x",
        notify=False,
    )
    client.force_login(mentor)
    response = client.get(reverse("supervision:attendance_notes", args=[manual.pk]))
    assert response["Location"] == reverse("practice:session_edit", args=[manual.pk])


def test_one_to_one_feedback_is_shown_with_the_mentors_name(client, held, sam, mentor):
    entry = mark(held, sam)
    services.attendance_notes_save(session=entry, feedback_to_supervisor="Very helpful.")
    client.force_login(sam)
    page = client.get(reverse("supervision:feedback")).content.decode()
    assert "Very helpful." in page and "Maya Mentor" in page


def group_with_attendees(sam, n):
    group = services.group_create(
        facilitator=sam,
        name="Circle",
        description="x",
        reflection_model=ReflectionModel.objects.get(code="reflective-conversation"),
        capacity=8,
    )
    people = [
        make_user(f"g{i}@example.org", Role.MENTOR, full_name=f"Member Number{i}") for i in range(n)
    ]
    for person in people:
        services.group_invite(group=group, by=sam, mentor=person)
        services.group_invitation_respond(
            membership=GroupMembership.objects.get(group=group, mentor=person), accept=True
        )
    session = services.group_schedule(
        group=group,
        by=sam,
        first_day=datetime.date.today() + datetime.timedelta(days=2),
        start_time=datetime.time(10),
        count=1,
        every_weeks=1,
        time_zone="UTC",
    )[0]
    with frozen(session.starts_at + datetime.timedelta(hours=3)):
        entries = services.group_attendance_record(session=session, by=sam, mentors=people)
    return entries


@pytest.mark.usefixtures("rules")
def test_group_feedback_stays_hidden_below_three_people_and_says_why(client, sam):
    entries = group_with_attendees(sam, 4)
    for entry, text in zip(entries[:2], ["Too long.", "Good rounds."], strict=True):
        services.attendance_notes_save(session=entry, feedback_to_supervisor=text)
    client.force_login(sam)
    page = client.get(reverse("supervision:feedback")).content.decode()
    assert "Feedback from 2 of 4 attendees." in page
    assert "fewer than 3 people" in page and "could be identified" in page
    assert "Too long." not in page and "Good rounds." not in page


@pytest.mark.usefixtures("rules")
def test_group_feedback_is_anonymous_in_aggregate_from_three_people(client, sam):
    entries = group_with_attendees(sam, 4)
    for entry, text in zip(entries[:3], ["Zest.", "Apt.", "Mild."], strict=True):
        services.attendance_notes_save(session=entry, feedback_to_supervisor=text)
    client.force_login(sam)
    page = client.get(reverse("supervision:feedback")).content.decode()
    assert "Feedback from 3 of 4 attendees." in page
    assert (
        page.index("Apt.") < page.index("Mild.") < page.index("Zest.")
    )  # not in any person's order
    assert "Member Number" not in page


def test_the_dashboard_lists_sessions_to_mark(client, held, sam):
    with after(held):
        client.force_login(sam)
        page = client.get(reverse("supervision:supervisor_dashboard")).content.decode()
    assert "Mark attendance" in page and "One-to-one with Maya Mentor" in page


def test_my_supervision_asks_for_notes(client, held, sam, mentor):
    entry = mark(held, sam)
    client.force_login(mentor)
    page = client.get(reverse("supervision:my_supervision")).content.decode()
    assert reverse("supervision:attendance_notes", args=[entry.pk]) in page


@pytest.mark.usefixtures("rules")
def test_a_mentor_with_supervision_records_can_still_erase_their_account(held, sam, mentor):
    from practicum.practice.erasure import account_erase

    mark(held, sam)
    group_with_attendees(sam, 1)
    account_erase(user=mentor)
    assert not Booking.objects.filter(mentor_id=mentor.pk).exists()
    # and a supervisor may too: their bookings and groups go, attendees' log entries stay
    account_erase(user=sam)
    entry = SupervisionSession.objects.get()
    assert entry.facilitator is None and entry.supervisor_name == "Sam Supervisor"


def test_attendance_is_audited_and_its_log_entry_comes_from_practice(held, sam, mentor):
    from practicum.audit.services import audit_trail

    with after(held):
        services.booking_mark_attendance(booking=held, by=sam, held=True)
    marked = audit_trail(held).get()
    assert (marked.action, marked.actor, marked.person) == (
        "booking.attendance_marked",
        sam,
        mentor,
    )
    assert marked.after == {"attendance": "attended"}
    entry = SupervisionSession.objects.get(mentor=mentor)
    assert audit_trail(entry).get().action == "session.recorded_from_attendance"
