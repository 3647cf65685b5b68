"""Booking a one-to-one slot and asking to join a group: one transaction each (the booking or
the request with its emails), in a bounded number of queries."""

import datetime

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from practicum.practice.tests.transactions import transactions_counted
from practicum.supervision.models import Booking, GroupMembership
from practicum.supervision.tests.conftest import make_supervisor, next_weekday
from practicum.supervision.tests.test_groups import new_group

pytestmark = pytest.mark.django_db(transaction=True)


def test_booking_a_slot_commits_once(client, frameworks, mentor, page_cache_off):
    sam = make_supervisor("sam.sup@example.org", name="Sam Supervisor", zone="Europe/London")
    url = reverse("supervision:book", args=[sam.public_id])
    when = next_weekday(0, "Europe/London", at="09:00").astimezone(datetime.UTC).isoformat()
    client.force_login(mentor)
    client.get(url)  # a first request after signing in keeps the roles in the session (a write)
    with transactions_counted() as seen:
        response = client.post(url, {"starts_at": when, "confirm": "yes"})
    assert response.status_code == 302
    # The booking and both invitations: together.
    assert Booking.objects.count() == 1 and DBTaskResult.objects.count() == 2
    assert seen.commits == 1
    assert seen.queries <= 13  # 21 before issue 14


def test_asking_to_join_a_group_commits_once(client, rules, mentor, page_cache_off):
    facilitator = make_supervisor("fay@example.org", name="Fay Facilitator", offers_group=True)
    group = new_group(facilitator)
    client.force_login(mentor)
    client.get(reverse("supervision:group_detail", args=[group.code]))  # as above
    with transactions_counted() as seen:
        response = client.post(reverse("supervision:group_join", args=[group.code]))
    assert response.status_code == 302
    assert GroupMembership.objects.get().status == "requested"
    assert DBTaskResult.objects.count() == 1  # the facilitator is told, in the same commit
    assert seen.commits == 1
    assert seen.queries <= 10
