"""Quarterly thematic labs: staff publish, mentors register, the waiting list moves by itself,
attendance gives the log entry and the CPD hours."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from practicum.accounts.models import Role
from practicum.practice.models import CpdEntry, SupervisionSession
from practicum.supervision import services
from practicum.supervision.models import LabRegistration, ThematicLab
from practicum.supervision.tests.conftest import frozen, ics_method, ics_of, make_supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitator(frameworks):
    return make_supervisor("lf@example.org", name="Lou Facilitator", offers_lab=True)


def new_lab(staff, facilitator, **extra):
    fields = {
        "title": "Ethics in action",
        "theme": "Ethics in action",
        "description": "Dilemmas through the Code.",
        "starts_at": (timezone.now() + datetime.timedelta(days=30)).replace(
            second=0, microsecond=0
        ),
        "duration_minutes": 120,
        "capacity": 2,
        "cpd_hours": Decimal("2.5"),
        "audience": "mentors",
        **extra,
    }
    return services.lab_create(by=staff, facilitators=[facilitator], **fields)


def mentors(n):
    return [
        make_user(f"l{i}@example.org", Role.MENTOR, full_name=f"Lab Mentor {i}") for i in range(n)
    ]


def status(lab, mentor):
    return LabRegistration.objects.get(lab=lab, mentor=mentor).status


def test_staff_create_a_lab_in_their_own_zone(client, staff, facilitator):
    staff.time_zone = "America/New_York"
    staff.save()
    client.force_login(staff)
    data = {
        "title": "Cultural sensitivity in practice",
        "theme": "Cultural sensitivity",
        "description": "Working across cultures.",
        "facilitators": [facilitator.pk],
        "day": "2027-02-10",
        "start_time": "10:00",
        "duration_minutes": "120",
        "capacity": "20",
        "cpd_hours": "2",
        "audience": "credentialed",
        "language": "en",
    }
    bad = client.post(
        reverse("supervision:lab_create"), {**data, "day": "2001-01-01", "cpd_hours": "0"}
    )
    assert bad.status_code == 200
    assert {"day", "cpd_hours"} <= set(bad.context["form"].errors)
    response = client.post(reverse("supervision:lab_create"), data)
    lab = ThematicLab.objects.get()
    assert response["Location"] == reverse("supervision:lab_edit", args=[lab.code])
    assert lab.starts_at == datetime.datetime(2027, 2, 10, 15, 0, tzinfo=datetime.UTC)
    assert lab.quarter == "2027-Q1"
    assert list(lab.facilitators.all()) == [facilitator]


def test_only_supervisors_facilitate(staff, facilitator, mentor):
    with pytest.raises(ValidationError, match="not a supervisor"):
        services.lab_create(
            by=staff,
            facilitators=[mentor],
            title="x",
            theme="x",
            description="x",
            starts_at=timezone.now() + datetime.timedelta(days=3),
            capacity=3,
            cpd_hours=1,
        )


def test_registration_then_waiting_list_then_automatic_promotion(
    client, staff, facilitator, run_tasks
):
    lab = new_lab(staff, facilitator, capacity=2)
    a, b, c, d = mentors(4)
    for m in (a, b, c, d):
        client.force_login(m)
        client.post(reverse("supervision:lab_register", args=[lab.code]))
    assert [status(lab, m) for m in (a, b, c, d)] == [
        "registered",
        "registered",
        "waitlisted",
        "waitlisted",
    ]
    client.force_login(d)
    page = client.get(reverse("supervision:lab_detail", args=[lab.code])).content.decode()
    assert "number 2 on the waiting list" in page
    run_tasks()
    registered_mail = next(m for m in mail.outbox if m.to == ["l0@example.org"])
    assert ics_method(registered_mail) == "REQUEST"
    mail.outbox.clear()

    client.force_login(b)
    client.post(reverse("supervision:lab_cancel", args=[lab.code]))
    assert status(lab, b) == "cancelled" and status(lab, c) == "registered"
    assert status(lab, d) == "waitlisted"
    run_tasks()
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {"l1@example.org", "l2@example.org"}
    assert ics_method(by_person["l1@example.org"]) == "CANCEL"
    offered = by_person["l2@example.org"]
    assert "A place is yours" in offered.subject
    assert ics_of(offered).walk("VEVENT")[0].decoded("DTSTART") == lab.starts_at
    assert LabRegistration.objects.get(lab=lab, mentor=c).promoted_at is not None


def test_more_places_promote_the_waiting_list_and_fewer_than_registered_is_refused(
    staff, facilitator
):
    lab = new_lab(staff, facilitator, capacity=1)
    a, b = mentors(2)
    services.lab_register(lab=lab, mentor=a)
    services.lab_register(lab=lab, mentor=b)
    fields = {
        name: getattr(lab, name)
        for name in ("title", "theme", "description", "starts_at", "duration_minutes", "cpd_hours")
    }
    services.lab_update(lab=lab, by=staff, facilitators=[facilitator], **fields, capacity=2)
    assert status(lab, b) == "registered"
    with pytest.raises(ValidationError, match="cannot have fewer places"):
        services.lab_update(lab=lab, by=staff, facilitators=[facilitator], **fields, capacity=1)


def test_a_new_time_is_sent_to_everyone_registered(client, staff, facilitator, run_tasks):
    lab = new_lab(staff, facilitator)
    (a,) = mentors(1)
    services.lab_register(lab=lab, mentor=a)
    run_tasks()
    mail.outbox.clear()
    client.force_login(staff)
    local = timezone.localtime(lab.starts_at + datetime.timedelta(days=1))
    client.post(
        reverse("supervision:lab_edit", args=[lab.code]),
        {
            "title": lab.title,
            "theme": lab.theme,
            "description": lab.description,
            "facilitators": [facilitator.pk],
            "day": local.date().isoformat(),
            "start_time": local.strftime("%H:%M"),
            "duration_minutes": "120",
            "capacity": "2",
            "cpd_hours": "2.5",
            "audience": "mentors",
            "language": "en",
        },
    )
    lab.refresh_from_db()
    assert lab.sequence == 1
    run_tasks()
    assert [m.to for m in mail.outbox] == [["l0@example.org"]]
    event = ics_of(mail.outbox[0]).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1 and event.decoded("DTSTART") == lab.starts_at


def test_who_may_register(staff, facilitator, mentor, monkeypatch):
    members_only = new_lab(staff, facilitator, audience="members")
    credentialed = new_lab(staff, facilitator, audience="credentialed", title="Boundaries")
    with pytest.raises(ValidationError, match="members of the body"):
        services.lab_register(lab=members_only, mentor=mentor)
    with pytest.raises(ValidationError, match="credentialed mentors"):
        services.lab_register(lab=credentialed, mentor=mentor)
    mentor.membership_status = "member"
    mentor.membership_valid_until = timezone.localdate() + datetime.timedelta(days=90)
    mentor.save()
    assert services.lab_register(lab=members_only, mentor=mentor).status == "registered"
    # the credentials app tells who holds a current credential (supervision cannot import it)
    monkeypatch.setattr(services, "CREDENTIAL_CHECKS", [lambda user: user.pk == mentor.pk])
    assert services.lab_register(lab=credentialed, mentor=mentor).status == "registered"


def test_registering_twice_or_after_the_start_is_refused(staff, facilitator, mentor):
    lab = new_lab(staff, facilitator)
    services.lab_register(lab=lab, mentor=mentor)
    with pytest.raises(ValidationError, match="already registered"):
        services.lab_register(lab=lab, mentor=mentor)
    with (
        frozen(lab.starts_at + datetime.timedelta(minutes=1)),
        pytest.raises(ValidationError, match="closed"),
    ):
        services.lab_register(lab=lab, mentor=make_user("late@example.org", Role.MENTOR))


def test_attendance_gives_the_log_entry_and_the_cpd_hours_once(
    client, staff, facilitator, run_tasks
):
    lab = new_lab(staff, facilitator, capacity=3)
    a, b, c = mentors(3)
    for m in (a, b, c):
        services.lab_register(lab=lab, mentor=m)
    url = reverse("supervision:lab_attendance", args=[lab.code])
    with frozen(lab.starts_at + datetime.timedelta(hours=3)):
        client.force_login(facilitator)  # a session started then, not 30 days before
        assert client.get(url).status_code == 200
        client.post(url, {"attendees": [a.pk, b.pk]})
        client.post(url, {"attendees": [a.pk, b.pk]})
    entries = SupervisionSession.objects.filter(source=f"lab:{lab.pk}")
    assert entries.count() == 2
    entry = entries.get(mentor=a)
    assert (entry.format, entry.status, entry.duration_minutes) == (
        "thematic_lab",
        "confirmed",
        120,
    )
    assert entry.signed_off_by == facilitator and entry.hours == Decimal("2.00")
    cpd = CpdEntry.objects.get(mentor=a)
    assert (cpd.category, cpd.hours, cpd.source) == (
        "thematic_lab",
        Decimal("2.5"),
        f"lab:{lab.pk}",
    )
    assert CpdEntry.objects.count() == 2
    assert LabRegistration.objects.filter(attended=True).count() == 2


def test_attendance_is_for_facilitators_and_registered_mentors(
    client, staff, facilitator, supervisor, other_mentor
):
    lab = new_lab(staff, facilitator)
    client.force_login(supervisor)  # a supervisor, not this lab's facilitator
    assert client.get(reverse("supervision:lab_attendance", args=[lab.code])).status_code == 404
    with (
        frozen(lab.starts_at + datetime.timedelta(hours=3)),
        pytest.raises(ValidationError, match="Only registered"),
    ):
        services.lab_attendance_record(lab=lab, by=facilitator, mentors=[other_mentor])
    with pytest.raises(ValidationError, match="once the lab has started"):
        services.lab_attendance_record(lab=lab, by=facilitator, mentors=[])


def test_staff_pages_are_for_staff(client, staff, facilitator, mentor):
    lab = new_lab(staff, facilitator)
    client.force_login(mentor)
    for name, args in (("lab_admin_list", []), ("lab_create", []), ("lab_edit", [lab.code])):
        assert client.get(reverse(f"supervision:{name}", args=args)).status_code == 403
    client.force_login(staff)
    assert client.get(reverse("supervision:lab_edit", args=[lab.code])).status_code == 200


def test_the_lab_list_filters_by_quarter_theme_and_free_places(client, staff, facilitator, mentor):
    soon = new_lab(staff, facilitator, title="Soon", capacity=1)
    new_lab(
        staff,
        facilitator,
        title="Later",
        theme="Boundary challenges",
        starts_at=timezone.now() + datetime.timedelta(days=200),
    )
    services.lab_register(lab=soon, mentor=make_user("x@example.org", Role.MENTOR))
    client.force_login(mentor)
    url = reverse("supervision:lab_list")
    titles = lambda r: [lab.title for lab in r.context["page"]]  # noqa: E731
    assert titles(client.get(url)) == ["Soon", "Later"]
    assert titles(client.get(url, {"theme": "boundary"})) == ["Later"]
    assert titles(client.get(url, {"open": "on"})) == ["Later"]
    assert titles(client.get(url, {"quarter": soon.quarter})) == ["Soon"] or soon.quarter == (
        ThematicLab.objects.get(title="Later").quarter
    )


def many_labs(staff, facilitators, n):
    start = timezone.now() + datetime.timedelta(days=5)
    labs = ThematicLab.objects.bulk_create(
        ThematicLab(
            title=f"Lab {i:03}",
            theme="Boundary challenges",
            description="x",
            starts_at=start + datetime.timedelta(hours=i),
            quarter="2099-Q1",
            capacity=10,
            cpd_hours=2,
            audience="mentors",
            created_by=staff,
        )
        for i in range(n)
    )
    through = ThematicLab.facilitators.through
    through.objects.bulk_create(
        through(thematiclab=lab, user=f) for lab in labs for f in facilitators
    )
    return labs


def test_the_lab_list_keeps_a_fixed_query_count_with_200_labs(
    client, staff, facilitator, mentor, django_assert_max_num_queries
):
    other = make_supervisor("lf2@example.org")
    client.force_login(mentor)
    url = reverse("supervision:lab_list")
    labs = many_labs(staff, [facilitator, other], 3)
    services.lab_register(lab=labs[0], mentor=mentor)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    many_labs(staff, [facilitator, other], 197)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 200
    assert len(few) <= 12
    client.force_login(staff)
    with CaptureQueriesContext(connection) as staff_queries:
        assert client.get(reverse("supervision:lab_admin_list")).status_code == 200
    assert len(staff_queries) <= 12


def test_lab_attendance_is_audited_per_attendee(staff, facilitator):
    from practicum.audit.models import AuditEntry

    lab = new_lab(staff, facilitator, capacity=3)
    a, b = mentors(2)
    for m in (a, b):
        services.lab_register(lab=lab, mentor=m)
    with frozen(lab.starts_at + datetime.timedelta(hours=3)):
        services.lab_attendance_record(lab=lab, by=facilitator, mentors=[a])
        services.lab_attendance_record(lab=lab, by=facilitator, mentors=[a])
    attended = AuditEntry.objects.filter(action="lab_registration.attended")
    assert [(e.person, e.actor) for e in attended] == [(a, facilitator)]
    assert AuditEntry.objects.filter(action="cpd.recorded_from_attendance", person=a).count() == 1
