"""Two self-study additions at once are counted one after the other against the year's cap."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from practicum.library import services

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_additions_at_once_cannot_pass_the_cap(postgres_only, publish, mentor):
    resources = [publish(access="public", minutes=360, title=f"Long {n}") for n in range(3)]
    studies = [services.resource_study(resource=r, mentor=mentor, reflection="") for r in resources]
    services.study_add_to_cpd(study=studies[0], mentor=mentor)  # 6 of 10 hours
    barrier = threading.Barrier(2)
    outcomes = []

    def add(study):
        barrier.wait()
        try:
            outcomes.append(services.study_add_to_cpd(study=study, mentor=mentor).hours)
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(s,)) for s in studies[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, outcomes)) == ["4.00", "refused"]
    assert services.self_study_hours(mentor, datetime.date.today().year) == Decimal(10)
