"""Concurrency, proven on PostgreSQL: two people racing for the last place get one place."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import make_user
from practicum.accounts.models import Role
from practicum.supervision import services
from practicum.supervision.models import Booking, LabRegistration
from practicum.supervision.tests.conftest import make_supervisor, next_weekday

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls):
    """Run each call in its own thread (own connection), released together; return outcomes."""
    barrier, outcomes = threading.Barrier(len(calls)), []

    def run(call):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            call()
            outcomes.append("done")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_mentors_racing_for_one_slot_get_one_booking(postgres_only, frameworks):
    supervisor = make_supervisor("race-sup@example.org")
    mentors = [make_user(f"race{i}@example.org", Role.MENTOR) for i in range(2)]
    when = next_weekday(0, "Europe/London", at="10:00")
    outcomes = race(
        *(
            lambda m=m: services.booking_create(mentor=m, supervisor=supervisor, starts_at=when)
            for m in mentors
        )
    )
    assert outcomes.count("done") == 1
    assert "just taken" in next(o for o in outcomes if o != "done")
    assert Booking.objects.filter(starts_at=when).count() == 1


def test_the_database_refuses_a_second_active_booking_of_a_slot(postgres_only, frameworks):
    from django.db import IntegrityError, transaction

    supervisor = make_supervisor("c-sup@example.org")
    a, b = (make_user(f"c{i}@example.org", Role.MENTOR) for i in range(2))
    when = next_weekday(0, "Europe/London", at="10:00")
    Booking.objects.create(supervisor=supervisor, mentor=a, starts_at=when, duration_minutes=60)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(supervisor=supervisor, mentor=b, starts_at=when, duration_minutes=60)


def test_two_mentors_racing_for_the_last_lab_place_get_one_place(postgres_only, frameworks):
    facilitator = make_supervisor("lab-sup@example.org")
    staff = make_user("lab-staff@example.org", Role.CREDENTIALING_STAFF, mfa=True)
    lab = services.lab_create(
        by=staff,
        facilitators=[facilitator],
        title="Boundaries",
        theme="Boundary challenges",
        description="A lab.",
        starts_at=timezone.now() + datetime.timedelta(days=20),
        duration_minutes=120,
        capacity=1,
        cpd_hours=2,
        audience="mentors",
    )
    mentors = [make_user(f"lab{i}@example.org", Role.MENTOR) for i in range(2)]
    outcomes = race(*(lambda m=m: services.lab_register(lab=lab, mentor=m) for m in mentors))
    assert outcomes == ["done", "done"]
    statuses = sorted(LabRegistration.objects.values_list("status", flat=True))
    assert statuses == ["registered", "waitlisted"]
