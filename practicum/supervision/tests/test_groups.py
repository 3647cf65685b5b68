"""Group supervision: requests, invitations, the waiting list, schedule, agenda, attendance."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from practicum.accounts.models import Role
from practicum.practice.models import SupervisionSession
from practicum.supervision import services
from practicum.supervision.models import (
    GroupMembership,
    GroupSession,
    ReflectionModel,
    SupervisionGroup,
)
from practicum.supervision.tests.conftest import frozen, ics_method, make_supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitator(frameworks, rules):
    return make_supervisor("fay@example.org", name="Fay Facilitator", offers_group=True)


def new_group(facilitator, **extra):
    fields = {
        "name": "Tuesday circle",
        "description": "Reflective practice for new mentors.",
        "reflection_model": ReflectionModel.objects.get(code="reflective-conversation"),
        **extra,
    }
    return services.group_create(facilitator=facilitator, **fields)


def mentors(n):
    return [make_user(f"m{i}@example.org", Role.MENTOR, full_name=f"Mentor {i}") for i in range(n)]


def status(group, mentor):
    return GroupMembership.objects.get(group=group, mentor=mentor).status


def test_a_supervisor_starts_a_group(client, facilitator):
    client.force_login(facilitator)
    model = ReflectionModel.objects.get(code="ethics-lens")
    data = {
        "name": "Ethics circle",
        "description": "Dilemmas.",
        "capacity": "6",
        "language": "en",
        "reflection_model": model.pk,
        "duration_minutes": "90",
        "is_open": "on",
    }
    response = client.post(reverse("supervision:group_create"), {**data, "capacity": "40"})
    assert response.status_code == 200 and "capacity" in response.context["form"].errors
    response = client.post(reverse("supervision:group_create"), data)
    group = SupervisionGroup.objects.get()
    assert response["Location"] == reverse("supervision:group_manage", args=[group.code])
    assert group.capacity == 6 and group.facilitator == facilitator


def test_the_default_group_is_small(facilitator):
    assert new_group(facilitator).capacity == 6


def test_a_request_is_accepted_by_the_facilitator(client, facilitator, mentor, run_tasks):
    group = new_group(facilitator)
    client.force_login(mentor)
    client.post(reverse("supervision:group_join", args=[group.code]))
    assert status(group, mentor) == "requested"
    run_tasks()
    assert mail.outbox[-1].to == ["fay@example.org"]
    membership = GroupMembership.objects.get()
    client.force_login(facilitator)
    client.post(
        reverse("supervision:group_member_decide", args=[group.code, membership.pk]),
        {"action": "accept"},
    )
    assert status(group, mentor) == "member"
    run_tasks()
    assert mail.outbox[-1].to == ["maya@example.org"]


def test_a_full_group_offers_a_waiting_list_and_a_freed_place_goes_to_the_first(
    facilitator, run_tasks
):
    group = new_group(facilitator, capacity=2)
    a, b, c, d = mentors(4)
    for m in (a, b):
        services.group_invite(group=group, by=facilitator, mentor=m)
        services.group_invitation_respond(
            membership=GroupMembership.objects.get(mentor=m), accept=True
        )
    assert services.group_request(group=group, mentor=c).status == "waitlisted"
    assert services.group_request(group=group, mentor=d).status == "waitlisted"
    run_tasks()
    mail.outbox.clear()
    services.group_leave(membership=GroupMembership.objects.get(mentor=a), by=a)
    assert status(group, c) == "member" and status(group, d) == "waitlisted"
    run_tasks()
    assert [m.to for m in mail.outbox] == [["m2@example.org"]]
    assert "A place is yours" in mail.outbox[0].subject


def test_more_places_take_from_the_waiting_list(facilitator):
    group = new_group(facilitator, capacity=2)
    a, b, c = mentors(3)
    for m in (a, b):
        services.group_invite(group=group, by=facilitator, mentor=m)
        services.group_invitation_respond(
            membership=GroupMembership.objects.get(mentor=m), accept=True
        )
    services.group_request(group=group, mentor=c)
    services.group_update(group=group, capacity=3)
    assert status(group, c) == "member"
    with pytest.raises(ValidationError, match="cannot have fewer places"):
        services.group_update(group=group, capacity=2)


def test_accepting_a_request_into_a_full_group_keeps_it_on_the_waiting_list(facilitator):
    group = new_group(facilitator, capacity=2)
    a, b, c = mentors(3)
    services.group_request(group=group, mentor=c)  # room then
    for m in (a, b):
        services.group_invite(group=group, by=facilitator, mentor=m)
        services.group_invitation_respond(
            membership=GroupMembership.objects.get(mentor=m), accept=True
        )
    membership = GroupMembership.objects.get(mentor=c)
    services.group_request_decide(membership=membership, by=facilitator, accept=True)
    assert status(group, c) == "waitlisted"


def test_an_invitation_by_email(client, facilitator, mentor):
    group = new_group(facilitator)
    client.force_login(facilitator)
    response = client.post(
        reverse("supervision:group_invite", args=[group.code]), {"email": "nobody@example.org"}
    )
    assert response.status_code == 400 and "email" in response.context["invite_form"].errors
    client.post(reverse("supervision:group_invite", args=[group.code]), {"email": mentor.email})
    assert status(group, mentor) == "invited"
    client.force_login(mentor)
    page = client.get(reverse("supervision:group_detail", args=[group.code])).content.decode()
    assert "You are invited" in page
    client.post(reverse("supervision:group_invitation", args=[group.code]), {"answer": "accept"})
    assert status(group, mentor) == "member"


def test_one_cannot_join_twice(facilitator, mentor):
    group = new_group(facilitator)
    services.group_request(group=group, mentor=mentor)
    with pytest.raises(ValidationError, match="already"):
        services.group_request(group=group, mentor=mentor)
    with pytest.raises(ValidationError, match="facilitate"):
        services.group_request(group=group, mentor=facilitator)


def scheduled(group, facilitator, **kw):
    day = timezone.localdate() + datetime.timedelta(days=2)
    return services.group_schedule(
        group=group,
        by=facilitator,
        first_day=kw.get("first_day", day),
        start_time=datetime.time(18, 0),
        count=kw.get("count", 3),
        every_weeks=2,
        time_zone="Europe/London",
    )


def test_the_facilitator_schedules_sessions(client, facilitator):
    group = new_group(facilitator)
    client.force_login(facilitator)
    day = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        reverse("supervision:group_schedule", args=[group.code]),
        {"first_day": day.isoformat(), "start_time": "18:00", "count": "4", "every_weeks": "2"},
    )
    assert response.status_code == 302
    sessions = list(group.sessions.all())
    assert len(sessions) == 4
    assert sessions[1].starts_at - sessions[0].starts_at in {
        datetime.timedelta(weeks=2),
        datetime.timedelta(weeks=2, hours=1),
        datetime.timedelta(weeks=2, hours=-1),
    }
    response = client.post(
        reverse("supervision:group_schedule", args=[group.code]),
        {"first_day": "2001-01-01", "start_time": "18:00", "count": "99", "every_weeks": "2"},
    )
    assert response.status_code == 400
    assert {"first_day", "count"} <= set(response.context["schedule_form"].errors)


def test_members_see_the_agenda_on_the_session_page_and_others_get_404(
    client, facilitator, mentor, other_mentor
):
    group = new_group(facilitator)
    services.group_invite(group=group, by=facilitator, mentor=mentor)
    services.group_invitation_respond(membership=GroupMembership.objects.get(), accept=True)
    session = scheduled(group, facilitator)[0]
    url = reverse("supervision:group_session_detail", args=[session.code])
    client.force_login(mentor)
    page = client.get(url).content.decode()
    for step in ("Check-in", "Case presentation", "Reflective rounds", "Learnings"):
        assert step in page
    client.force_login(other_mentor)
    assert client.get(url).status_code == 404


def test_attendance_puts_the_session_in_each_attendees_log_once(client, facilitator, run_tasks):
    group = new_group(facilitator)
    a, b, c = mentors(3)
    for m in (a, b, c):
        services.group_invite(group=group, by=facilitator, mentor=m)
        services.group_invitation_respond(
            membership=GroupMembership.objects.get(mentor=m), accept=True
        )
    session = scheduled(group, facilitator)[0]
    client.force_login(facilitator)
    url = reverse("supervision:group_session_attendance", args=[session.code])
    with frozen(session.starts_at + datetime.timedelta(hours=2)):
        client.post(url, {"attendees": [a.pk, b.pk]})
        client.post(url, {"attendees": [a.pk, b.pk]})  # twice: nothing more
    entries = SupervisionSession.objects.filter(source=f"group_session:{session.pk}")
    assert sorted(e.mentor.email for e in entries) == ["m0@example.org", "m1@example.org"]
    entry = entries.get(mentor=a)
    assert (entry.format, entry.status, entry.duration_minutes) == ("group", "confirmed", 90)
    assert entry.facilitator == facilitator and entry.signed_off_by == facilitator
    assert entry.starts_at == session.starts_at and entry.relationship is None
    assert entry.supervisor_name == "Fay Facilitator"
    run_tasks()
    prompts = [m for m in mail.outbox if "add your learnings" in m.subject]
    assert sorted(m.to[0] for m in prompts) == ["m0@example.org", "m1@example.org"]
    assert reverse("supervision:attendance_notes", args=[entry.pk]) in prompts[0].body


def test_attendance_is_refused_before_the_start_and_for_non_members(facilitator, other_mentor):
    group = new_group(facilitator)
    session = scheduled(group, facilitator)[0]
    with pytest.raises(ValidationError, match="once the session has started"):
        services.group_attendance_record(session=session, by=facilitator, mentors=[])
    with (
        frozen(session.starts_at + datetime.timedelta(hours=2)),
        pytest.raises(ValidationError, match="Only members"),
    ):
        services.group_attendance_record(session=session, by=facilitator, mentors=[other_mentor])


def test_cancelling_a_session_tells_the_members(client, facilitator, mentor, run_tasks):
    group = new_group(facilitator)
    services.group_invite(group=group, by=facilitator, mentor=mentor)
    services.group_invitation_respond(membership=GroupMembership.objects.get(), accept=True)
    session = scheduled(group, facilitator)[0]
    run_tasks()
    mail.outbox.clear()
    client.force_login(facilitator)
    client.post(reverse("supervision:group_session_cancel", args=[session.code]))
    assert GroupSession.objects.get(pk=session.pk).status == "cancelled"
    run_tasks()
    assert [m.to for m in mail.outbox] == [["maya@example.org"]]
    assert ics_method(mail.outbox[0]) == "CANCEL"


def test_another_supervisor_cannot_manage_the_group(client, facilitator, supervisor, mentor):
    group = new_group(facilitator)
    membership = services.group_request(group=group, mentor=mentor)
    client.force_login(supervisor)
    assert client.get(reverse("supervision:group_manage", args=[group.code])).status_code == 404
    response = client.post(
        reverse("supervision:group_member_decide", args=[group.code, membership.pk]),
        {"action": "accept"},
    )
    assert response.status_code == 404
    assert status(group, mentor) == "requested"
    client.force_login(mentor)
    assert client.get(reverse("supervision:group_manage", args=[group.code])).status_code == 403


def test_the_group_list_shows_open_groups(client, facilitator, mentor):
    new_group(facilitator, name="Open one")
    new_group(facilitator, name="Closed one", is_open=False)
    client.force_login(mentor)
    page = client.get(reverse("supervision:group_list")).content.decode()
    assert "Open one" in page and "Closed one" not in page
